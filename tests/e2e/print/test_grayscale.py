"""Issue 13: the grayscale edition (`print: grayscale: true`, and the `copyshop` preset's default).

The full fixture (a red placeholder photograph) with a stylesheet of its own that sets a red title, built
for real; then every image XObject of the print PDF and of the zine is listed (all DeviceGray) and every
colour operator of their content streams is read (no RGB colour whose three components differ)."""

from __future__ import annotations

import io
import zipfile

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

from book_helpers import REPO, copy_fixture, run_cli
from conftest import EPOCH

COLOUR_OPERATORS = {b"rg", b"RG", b"sc", b"SC", b"scn", b"SCN"}


def _cli(*argv):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        return run_cli(*argv)


def _xobjects(resources, seen):
    """Every XObject reachable from `resources` (through forms too), once each."""
    if resources is None:
        return
    resources = resources.get_object()
    for _name, ref in (resources.get("/XObject") or {}).items():
        key = getattr(ref, "idnum", None) or id(ref)
        if key in seen:
            continue
        seen.add(key)
        obj = ref.get_object()
        yield obj
        if obj.get("/Subtype") == "/Form":
            yield from _xobjects(obj.get("/Resources"), seen)


def images_and_streams(pdf):
    """(image XObjects, content streams as (operands, operator) lists) of every page and form."""
    reader = PdfReader(pdf)
    images, streams, seen = [], [], set()
    for page in reader.pages:
        contents = page.get_contents()
        if contents is not None:
            streams.append(ContentStream(contents, reader).operations)
        for obj in _xobjects(page.get("/Resources"), seen):
            if obj.get("/Subtype") == "/Image":
                images.append(obj)
            elif obj.get("/Subtype") == "/Form":
                streams.append(ContentStream(obj, reader).operations)
    return images, streams


def colour_space(image) -> str:
    space = image.get("/ColorSpace")
    space = space.get_object() if space is not None else None
    if isinstance(space, list):  # [/ICCBased stream] or [/Indexed base ...]
        if space[0] == "/ICCBased":
            return {1: "/DeviceGray", 3: "/DeviceRGB", 4: "/DeviceCMYK"}[space[1].get_object()["/N"]]
        if space[0] == "/Indexed":
            return f"/Indexed {space[1]}"
    return str(space)


def non_gray_colours(streams) -> set[tuple[float, ...]]:
    found = set()
    for operations in streams:
        for operands, operator in operations:
            if operator in (b"k", b"K"):
                found.add(tuple(float(v) for v in operands))
            elif operator in COLOUR_OPERATORS and len(operands) == 3:
                values = tuple(round(float(v), 3) for v in operands)
                if len(set(values)) > 1:
                    found.add(values)
    return found


@pytest.fixture(scope="module")
def gray_book(tmp_path_factory):
    work = tmp_path_factory.mktemp("grayscale")
    manifest = copy_fixture("full", work / "book")
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        "print:\n  trim: 6in x 9in\n", "print:\n  trim: 6in x 9in\n  grayscale: true\n"), encoding="utf-8")
    (work / "book" / "styles").mkdir()
    (work / "book" / "styles" / "book.css").write_text(  # added to the tool's stylesheet
        ".piece-title { color: #c03030; border-bottom: 1pt solid rgb(20, 120, 200); }\n", encoding="utf-8")
    run = _cli("build", manifest, "--out", work / "out", "--format", "pdf,zine,epub")
    assert run.code == 0, run.err
    return work / "out"


def test_the_colour_build_has_colour_to_lose(builds):
    """The control: without grayscale the fixture's placeholder photograph is an RGB image."""
    images, _ = images_and_streams(builds("full").pdf)
    assert "/DeviceRGB" in {colour_space(image) for image in images}


@pytest.mark.parametrize("name", ["caspian-fixture.pdf", "caspian-fixture-zine.pdf"])
def test_every_image_is_gray(gray_book, name):
    images, _ = images_and_streams(gray_book / name)
    assert images, "the photograph is in the book"
    assert {colour_space(image) for image in images} == {"/DeviceGray"}


def test_the_gray_image_is_the_photograph_through_pillows_rule(gray_book):
    """The pixels embedded are those of the source converted by Pillow (not the source's own bytes
    under a gray label)."""
    from PIL import Image

    expected = Image.open(REPO / "tests" / "fixtures" / "full" / "images" / "square.png").convert("L")
    found = [image.image for page in PdfReader(gray_book / "caspian-fixture.pdf").pages for image in page.images]
    assert found
    assert any(image.mode == "L" and image.size == expected.size and image.tobytes() == expected.tobytes()
               for image in found)


@pytest.mark.parametrize("name", ["caspian-fixture.pdf", "caspian-fixture-zine.pdf"])
def test_no_colour_in_the_content_streams(gray_book, name):
    _, streams = images_and_streams(gray_book / name)
    assert streams
    assert non_gray_colours(streams) == set()


def test_colours_are_mapped_through_the_images_rule(gray_book):
    """The red title (#c03030) prints as the gray Pillow gives that red: 0.299 R + 0.587 G + 0.114 B."""
    from PIL import Image

    expected = Image.new("RGB", (1, 1), (0xC0, 0x30, 0x30)).convert("L").getpixel((0, 0)) / 255
    _, streams = images_and_streams(gray_book / "caspian-fixture.pdf")
    grays = {round(float(ops[0]), 3) for operations in streams for ops, op in operations
             if op in (b"rg", b"RG") and len(set(ops)) == 1}
    assert round(expected, 3) in grays, sorted(grays)


def test_the_zine_cover_is_gray_too(gray_book):
    """The zine's front cover has the cover's dark blue ground in colour builds; here a gray."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(gray_book / "caspian-fixture-zine.pdf"))
    try:
        image = document[0].render(scale=0.3).to_pil().convert("RGB")
    finally:
        document.close()
    colours = {colour for _n, colour in image.getcolors(1 << 20)}
    assert all(r == g == b for r, g, b in colours)
    assert (51, 51, 51) in colours  # #1d3a4a through the rule


def test_the_epub_keeps_its_colours(gray_book):
    from PIL import Image

    with zipfile.ZipFile(gray_book / "caspian-fixture.epub") as epub:
        names = [n for n in epub.namelist() if n.endswith("square.png")]
        image = Image.open(io.BytesIO(epub.read(names[0]))).convert("RGB")
    assert (200, 30, 30) in {colour for _n, colour in image.getcolors(1 << 16)}


def test_copyshop_prints_gray_unless_told_otherwise(tmp_path):
    for setting, gray in (("", True), ("  grayscale: false\n", False)):
        work = tmp_path / ("default" if gray else "colour")
        manifest = copy_fixture("full", work / "book")
        manifest.write_text(manifest.read_text(encoding="utf-8").replace(
            "print:\n  trim: 6in x 9in\n", f"print:\n  trim: 6in x 9in\n  printer: copyshop\n{setting}"),
            encoding="utf-8")
        run = _cli("build", manifest, "--out", work / "out", "--format", "pdf")
        assert run.code == 0, run.err
        images, _ = images_and_streams(work / "out" / "caspian-fixture.pdf")
        assert ({colour_space(i) for i in images} == {"/DeviceGray"}) == gray

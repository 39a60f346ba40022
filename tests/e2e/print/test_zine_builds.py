"""Issue 6 at the command line: `anthology build --format zine` and `--format minizine --piece ID`.

The imposition maths is proved in tests/unit/print/test_imposition.py; here the real book goes through the
CLI and the imposed sheets are read back (pages identified by their text and folios)."""

from __future__ import annotations

import math
import re
import shutil

import pytest
from pypdf import PdfReader

from book_helpers import REPO, copy_fixture, run_cli, words
from conftest import EPOCH
from zine_helpers import fragments, placements

MM = 72 / 25.4
A4_LANDSCAPE = (297 * MM, 210 * MM)
TABLOID_LANDSCAPE = (1224.0, 792.0)


def _copy_sample(target):
    shutil.copytree(REPO, target, ignore=shutil.ignore_patterns("build", ".venv", ".git", "tests", "anthology",
                                                                "*.egg-info", ".pytest_cache", ".ci"))
    return target / "book.yaml"


def _cli(*argv):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        return run_cli(*argv)


@pytest.fixture(scope="session")
def sample_copy(tmp_path_factory):
    return _copy_sample(tmp_path_factory.mktemp("zine-sample") / "book")


@pytest.fixture(scope="session")
def sample_zine(sample_copy, tmp_path_factory):
    out = tmp_path_factory.mktemp("zine-sample-out")
    run = _cli("build", sample_copy, "--out", out, "--format", "zine")
    assert run.code == 0, run.err
    return run, out


@pytest.fixture(scope="session")
def signature_zine(tmp_path_factory):
    """The full fixture with `signature: 2` and `sheet: tabloid`: its PDF and its zine."""
    work = tmp_path_factory.mktemp("zine-signature")
    manifest = copy_fixture("full", work / "book")
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        "print:\n  trim: 6in x 9in\n", "print:\n  trim: 6in x 9in\n  signature: 2\n  sheet: tabloid\n"),
        encoding="utf-8")
    run = _cli("build", manifest, "--out", work / "out", "--format", "pdf,zine")
    assert run.code == 0, run.err
    return work / "out" / "caspian-fixture.pdf", work / "out" / "caspian-fixture-zine.pdf"


def _halves_text(page) -> tuple[str, str]:
    width = float(page.mediabox.width)
    left = [f for f in fragments(page) if f.x < width / 2]
    right = [f for f in fragments(page) if f.x >= width / 2]
    return " ".join(f.text for f in left), " ".join(f.text for f in right)


# ================================================================= booklet


def test_zine_build_writes_only_the_zine_named_after_the_book(sample_zine):
    run, out = sample_zine
    assert [p.name for p in out.iterdir()] == ["kazakhstan-anthology-zine.pdf"]
    assert "kazakhstan-anthology-zine.pdf" in run.out


def test_zine_of_the_sample_has_two_sides_per_sheet_on_a4_landscape(builds, sample_zine):
    _, out = sample_zine
    pages = len(PdfReader(builds("sample").pdf).pages)
    zine = PdfReader(out / "kazakhstan-anthology-zine.pdf")
    assert len(zine.pages) == math.ceil((pages + 4) / 4) * 2  # the book's pages and four cover pages
    for side in zine.pages:
        assert float(side.mediabox.width) == pytest.approx(A4_LANDSCAPE[0], abs=1)
        assert float(side.mediabox.height) == pytest.approx(A4_LANDSCAPE[1], abs=1)


def test_first_sheet_side_holds_the_back_cover_and_the_front_cover(sample_zine):
    """The front of the first sheet is the outside of the zine: the book's cover on the right (the
    generated design: light title on the dark ground), the back cover on the left, with the
    description, the publisher and the date and nothing of the book's last page (the index)."""
    _, out = sample_zine
    zine = out / "kazakhstan-anthology-zine.pdf"
    left, right = _halves_text(PdfReader(zine).pages[0])
    assert contains_title(right, "Zhanaozen and After")
    assert contains_title(right, "Edited by The Russian Reader")
    assert contains_title(left, "An anthology of reporting, commentary, song lyrics and testimony")
    assert "November 28, 2026" in left and "Russian Reader" in left  # CLDR's long date (Babel)
    assert "Index" not in left and "Tokayev" not in left
    back, front = _rendered_halves(zine, 0)
    assert _share_of(front, COVER_GROUND) > 0.8  # the cover art fills the front
    assert _share_of(back, COVER_GROUND) > 0.8


def test_second_side_holds_the_blank_inside_covers(sample_zine):
    _, out = sample_zine
    zine = out / "kazakhstan-anthology-zine.pdf"
    left, right = _halves_text(PdfReader(zine).pages[1])
    assert (left.strip(), right.strip()) == ("", "")
    inside_front, inside_back = _rendered_halves(zine, 1)
    assert _share_of(inside_front, (255, 255, 255)) == 1.0 and _share_of(inside_back, (255, 255, 255)) == 1.0


def test_the_book_starts_on_the_third_page_of_the_zine(builds, sample_zine):
    """Sheet 1 holds the covers ([n, 1] and [2, n-1]); sheet 2's front is [n-2, 3]: page 3 of the
    zine is the book's first page, the half-title."""
    _, out = sample_zine
    reading = PdfReader(builds("sample").pdf)
    _, right = _halves_text(PdfReader(out / "kazakhstan-anthology-zine.pdf").pages[2])
    assert words(right) == words(reading.pages[0].extract_text())


COVER_GROUND = (29, 58, 74)  # #1d3a4a in styles/book.css


def _rendered_halves(pdf, index, scale=0.5):
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        image = document[index].render(scale=scale).to_pil().convert("RGB")
    finally:
        document.close()
    w, h = image.size
    return image.crop((0, 0, w // 2 - 2, h)), image.crop((w // 2 + 2, 0, w, h))


def _share_of(image, colour, tolerance=6):
    """The share of the image's pixels within `tolerance` of `colour` in every channel."""
    data = image.convert("RGB").tobytes()
    pixels = [data[i:i + 3] for i in range(0, len(data), 3)]
    close = sum(1 for p in pixels if all(abs(a - b) <= tolerance for a, b in zip(p, colour)))
    return close / len(pixels)


def test_signature_and_sheet_from_the_manifest(signature_zine):
    pdf, zine = signature_zine
    pages = math.ceil((len(PdfReader(pdf).pages) + 4) / 4) * 4  # with its covers, padded
    per = 4 * 2
    expected_sides = (pages // per) * 4 + math.ceil((pages % per) / 4) * 2
    imposed = PdfReader(zine)
    assert len(imposed.pages) == expected_sides
    assert pages > per  # more than one signature, or the check proves nothing
    for side in imposed.pages:
        assert (float(side.mediabox.width), float(side.mediabox.height)) == (
            pytest.approx(TABLOID_LANDSCAPE[0], abs=1), pytest.approx(TABLOID_LANDSCAPE[1], abs=1))
    # the second signature starts with the zine's page 9 on the right of its first side: the book's
    # page 7, after the front cover and the inside front cover
    reading = PdfReader(pdf)
    _, right = _halves_text(imposed.pages[4])
    assert words(right)[:3] == words(reading.pages[6].extract_text())[:3]


# ================================================================= mini-zine


@pytest.fixture(scope="session")
def minizine(sample_copy, tmp_path_factory):
    out = tmp_path_factory.mktemp("minizine-out")
    run = _cli("build", sample_copy, "--out", out, "--format", "minizine", "--piece", "life-in-a-police-state")
    assert run.code == 0, run.err
    return out


def test_minizine_is_one_a4_landscape_sheet_with_eight_cells(minizine):
    assert [p.name for p in minizine.iterdir()] == ["kazakhstan-anthology-life-in-a-police-state-minizine.pdf"]
    reader = PdfReader(minizine / "kazakhstan-anthology-life-in-a-police-state-minizine.pdf")
    assert len(reader.pages) == 1
    sheet = reader.pages[0]
    width, height = float(sheet.mediabox.width), float(sheet.mediabox.height)
    assert (width, height) == (pytest.approx(A4_LANDSCAPE[0], abs=1), pytest.approx(A4_LANDSCAPE[1], abs=1))
    placed = placements(sheet)
    assert 2 <= len(placed) <= 8
    cells = set()
    for frag in fragments(sheet):
        col, row = min(3, int(frag.x // (width / 4))), 0 if frag.y >= height / 2 else 1
        cells.add((row, col))
        # the top row is printed upside down, the bottom row upright
        assert (frag.a < 0) == (row == 0), (frag.text, row)
    assert len(cells) >= 2
    text = " ".join(f.text for f in fragments(sheet))
    assert contains_title(text, "Life in a Police State")


def contains_title(text: str, title: str) -> bool:
    want, have = words(title), words(text)
    return any(have[i:i + len(want)] == want for i in range(len(have)))


def test_minizine_unknown_piece_exits_1_naming_the_known_ids(sample_copy, tmp_path):
    run = _cli("build", sample_copy, "--out", tmp_path / "out", "--format", "minizine", "--piece", "no-such-piece")
    assert run.code == 1
    assert "no-such-piece" in run.err
    for known in ("life-in-a-police-state", "fraternal-peoples", "where-do-you-begin"):
        assert known in run.err
    assert "Traceback" not in run.err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_minizine_of_a_piece_too_long_exits_1_with_a_clear_message(sample_copy, tmp_path):
    run = _cli("build", sample_copy, "--out", tmp_path / "out", "--format", "minizine", "--piece", "ten-years-later")
    assert run.code == 1
    assert re.search(r"ten-years-later.*needs \d+ pages.*holds 8", run.err), run.err
    assert "Traceback" not in run.err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_minizine_without_a_piece_is_bad_usage(sample_copy, tmp_path):
    run = _cli("build", sample_copy, "--out", tmp_path / "out", "--format", "minizine")
    assert run.code == 2
    assert "--piece" in run.err
    assert not (tmp_path / "out").exists()


def test_minizine_panel_one_is_a_cover(minizine):
    """Panel 1 (bottom right cell) carries the piece's title, its author and the book's title on the
    cover's ground."""
    import pypdfium2

    path = minizine / "kazakhstan-anthology-life-in-a-police-state-minizine.pdf"
    sheet = PdfReader(path).pages[0]
    width, height = float(sheet.mediabox.width), float(sheet.mediabox.height)
    panel = " ".join(f.text for f in fragments(sheet) if f.x >= 3 * width / 4 and f.y < height / 2)
    assert contains_title(panel, "Life in a Police State")
    assert "ADAPTATSIYA" in panel.upper()  # the author (set in small capitals)
    assert contains_title(panel, "Zhanaozen and After")
    document = pypdfium2.PdfDocument(str(path))
    try:
        image = document[0].render(scale=0.5).to_pil().convert("RGB")
    finally:
        document.close()
    w, h = image.size
    cell = image.crop((3 * w // 4 + 4, h // 2 + 4, w - 4, h - 4))
    assert _share_of(cell, COVER_GROUND) > 0.5


# ================================================================= zine covers of a small book


def _zine_of(tmp_path, extra_print: str):
    manifest = copy_fixture("full", tmp_path / "book")
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        "print:\n  trim: 6in x 9in\n", f"print:\n  trim: 6in x 9in\n{extra_print}"), encoding="utf-8")
    return manifest, _cli("build", manifest, "--out", tmp_path / "out", "--format", "zine")


def test_zine_back_blank_leaves_the_outside_back_cover_empty(tmp_path):
    _, run = _zine_of(tmp_path, "  zine-back: blank\n")
    assert run.code == 0, run.err
    zine = tmp_path / "out" / "caspian-fixture-zine.pdf"
    left, right = _halves_text(PdfReader(zine).pages[0])
    assert left.strip() == ""
    assert contains_title(right, "Songs and Reports from the Caspian Shore")
    back, _ = _rendered_halves(zine, 0)
    assert _share_of(back, (255, 255, 255)) == 1.0


def test_zine_back_of_another_kind_is_an_error_naming_the_line(tmp_path):
    manifest, run = _zine_of(tmp_path, "  zine-back: glossy\n")
    assert run.code == 1
    line = manifest.read_text(encoding="utf-8").splitlines().index("  zine-back: glossy") + 1
    assert f"book.yaml:{line}: print: zine-back: 'glossy'" in run.err, run.err
    assert "blank" in run.err and "Traceback" not in run.err
    assert not (tmp_path / "out").exists()


def test_zine_page_order_puts_padding_before_the_inside_back_cover():
    from anthology.print.imposition.zinecovers import sequence

    assert sequence(4) == ["front", "blank", 1, 2, 3, 4, "blank", "back"]
    assert sequence(5) == ["front", "blank", 1, 2, 3, 4, 5, "blank", "blank", "blank", "blank", "back"]
    assert sequence(6) == ["front", "blank", 1, 2, 3, 4, 5, 6, "blank", "blank", "blank", "back"]
    for pages in range(1, 30):
        order = sequence(pages)
        assert len(order) % 4 == 0
        assert [p for p in order if isinstance(p, int)] == list(range(1, pages + 1))
        assert order[-2:] == ["blank", "back"] and order[:2] == ["front", "blank"]

"""Issue 13: the cover wrap for print on demand (`--format cover` -> <name>-cover.pdf).

The spine formula is checked on the wrap function itself, which takes the interior's page count as
an input (a 400-page interior is not laid out to test it); one end-to-end build checks that the
count is the interior's of the same run. Panels are found by geometry: text positions from pypdf,
pixels from pypdfium2."""

from __future__ import annotations


import pypdfium2
import pytest
from pypdf import PdfReader

from book_helpers import contains_in_order, copy_fixture, run_cli, words
from conftest import EPOCH
from zine_helpers import fragments

INCH = 72.0
TRIM = (6 * INCH, 9 * INCH)  # the full fixture's trim
BLEED = 0.125 * INCH
WHITE, CREAM = 0.002252 * INCH, 0.0025 * INCH
GROUND = (29, 58, 74)  # the cover's ground in styles/book.css
TITLE = "Songs and Reports from the Caspian Shore"


def _cli(*argv):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        return run_cli(*argv)


def _book(tmp_path, extra_print: str = "", extra: str = ""):
    manifest = copy_fixture("full", tmp_path / "book")
    text = manifest.read_text(encoding="utf-8").replace("print:\n  trim: 6in x 9in\n",
                                                        f"print:\n  trim: 6in x 9in\n{extra_print}")
    manifest.write_text(text + extra, encoding="utf-8")
    return manifest


def _wrap(manifest, pages: int, target):
    """The wrap of the book for an interior of `pages` pages; its warnings."""
    from anthology import templating
    from anthology.book.manifest import load_book
    from anthology.print.covers import wrap

    book = load_book(manifest)
    return wrap.write(book, templating.environment(book), pages, target)


def _size(pdf) -> tuple[float, float]:
    box = PdfReader(pdf).pages[0].mediabox
    return float(box.width), float(box.height)


def _render(pdf, dpi=50):
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return document[0].render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        document.close()


def _crop(image, dpi, x, y, width, height, inset=2):
    """The part of a rendering at `dpi` of the rectangle (points, from the top left), less `inset` px."""
    k = dpi / 72
    return image.crop((round(x * k) + inset, round(y * k) + inset,
                       round((x + width) * k) - inset, round((y + height) * k) - inset))


def _colours(image) -> set[tuple[int, int, int]]:
    return {colour for _count, colour in image.getcolors(maxcolors=1 << 20)}


def _near(colour, target, tolerance=6):
    return all(abs(a - b) <= tolerance for a, b in zip(colour, target))


def _text_in(pdf, x0, x1) -> list:
    page = PdfReader(pdf).pages[0]
    return [f for f in fragments(page) if x0 <= f.x <= x1]


# ================================================================= the spine formula


@pytest.mark.parametrize("pages", [49, 400])
@pytest.mark.parametrize("paper, thickness", [("white", WHITE), ("cream", CREAM)])
def test_sheet_size_is_bleed_back_spine_front_bleed(tmp_path, pages, paper, thickness):
    manifest = _book(tmp_path, f"  paper: {paper}\n")
    target = tmp_path / "cover.pdf"
    assert _wrap(manifest, pages, target) == []
    width, height = _size(target)
    assert width == pytest.approx(2 * BLEED + 2 * TRIM[0] + pages * thickness, abs=0.01)
    assert height == pytest.approx(TRIM[1] + 2 * BLEED, abs=0.01)
    # 400 pages of white paper: 0.9008 in of spine; of cream: exactly 1 in
    if pages == 400:
        assert (width - 2 * BLEED - 2 * TRIM[0]) / INCH == pytest.approx(0.9008 if paper == "white" else 1.0,
                                                                          abs=1e-4)


def test_explicit_paper_thickness_and_bleed(tmp_path):
    manifest = _book(tmp_path, "  paper: 0.1mm\n  bleed: 3mm\n")
    target = tmp_path / "cover.pdf"
    _wrap(manifest, 200, target)
    mm = INCH / 25.4
    width, height = _size(target)
    assert width == pytest.approx(2 * 3 * mm + 2 * TRIM[0] + 200 * 0.1 * mm, abs=0.01)
    assert height == pytest.approx(TRIM[1] + 2 * 3 * mm, abs=0.01)


def test_trim_and_bleed_boxes(tmp_path):
    target = tmp_path / "cover.pdf"
    _wrap(_book(tmp_path), 120, target)
    page = PdfReader(target).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert [float(v) for v in page.trimbox] == pytest.approx([BLEED, BLEED, width - BLEED, height - BLEED], abs=0.01)
    assert [float(v) for v in page.bleedbox] == pytest.approx([0, 0, width, height], abs=0.01)


# ================================================================= panels


@pytest.fixture(scope="module")
def thin_and_thick(tmp_path_factory):
    work = tmp_path_factory.mktemp("wraps")
    manifest = _book(work)
    thin, thick = work / "thin.pdf", work / "thick.pdf"
    _wrap(manifest, 79, thin)
    _wrap(manifest, 400, thick)
    return thin, thick


def test_title_on_the_front_panel(thin_and_thick):
    for pdf in thin_and_thick:
        width, _ = _size(pdf)
        front = " ".join(f.text for f in _text_in(pdf, width - BLEED - TRIM[0], width))
        assert contains_in_order(words(front), words(TITLE)), front
        assert "ADA LINDQVIST" in front.upper()  # the editors, in small capitals


def test_back_panel_holds_description_and_publisher(thin_and_thick):
    back = " ".join(f.text for f in _text_in(thin_and_thick[0], 0, BLEED + TRIM[0]))
    assert "A small anthology used by the tests" in back
    assert "FIXTURE PRESS" in back.upper()


def test_spine_text_only_from_80_pages(thin_and_thick):
    thin, thick = thin_and_thick
    spine_of = {pdf: (_size(pdf)[0] - 2 * BLEED - 2 * TRIM[0]) for pdf in thin_and_thick}

    def spine_text(pdf):
        x0 = BLEED + TRIM[0]
        return [f for f in _text_in(pdf, x0 - 1, x0 + spine_of[pdf] + 1)]

    assert spine_text(thin) == []  # 79 pages: no text on the spine
    found = spine_text(thick)
    assert TITLE.split()[0] in " ".join(f.text for f in found)
    assert "Lindqvist" in " ".join(f.text for f in found)
    # running top to bottom: the text is turned a quarter clockwise, within the spine's folds
    page = PdfReader(thick).pages[0]
    image = _render(thick, 72)
    spine = _crop(image, 72, BLEED + TRIM[0], BLEED, spine_of[thick], TRIM[1], inset=0)
    light = [(x, y) for y in range(spine.height) for x in range(spine.width)
             if sum(spine.getpixel((x, y))) > 450]
    assert light, "no lettering on the spine"
    xs = [x for x, _ in light]
    ys = [y for _, y in light]
    clearance = 0.0625 * INCH
    assert min(xs) >= clearance - 1 and max(xs) <= spine.width - clearance + 1
    assert max(ys) - min(ys) > 3 * (max(xs) - min(xs))  # a vertical line of text
    assert all(f.a == pytest.approx(0, abs=1e-6) for f in found)  # turned a quarter: no horizontal run
    assert page is not None


def test_barcode_area_is_clear_white_at_its_place(thin_and_thick):
    dpi = 72
    for pdf in thin_and_thick:
        image = _render(pdf, dpi)
        x = BLEED + TRIM[0] - 0.25 * INCH - 2 * INCH
        y = BLEED + TRIM[1] - 0.25 * INCH - 1.2 * INCH
        area = _crop(image, dpi, x, y, 2 * INCH, 1.2 * INCH)
        assert _colours(area) == {(255, 255, 255)}
        # and nothing white around it: the area is exactly there
        assert _near(image.getpixel((round((x - 4) * dpi / 72), round((y + 20) * dpi / 72))), GROUND)
        assert _near(image.getpixel((round((x + 2 * INCH + 4) * dpi / 72), round((y + 20) * dpi / 72))), GROUND)
        assert _near(image.getpixel((round((x + 20) * dpi / 72), round((y + 1.2 * INCH + 4) * dpi / 72))), GROUND)


def test_barcode_none_leaves_the_ground(tmp_path):
    target = tmp_path / "cover.pdf"
    _wrap(_book(tmp_path, "  barcode: none\n"), 120, target)
    image = _render(target, 72)
    area = _crop(image, 72, BLEED + TRIM[0] - 2.25 * INCH, BLEED + TRIM[1] - 1.45 * INCH, 2 * INCH, 1.2 * INCH)
    assert all(_near(c, GROUND) for c in _colours(area))


def test_ground_reaches_into_the_bleed(thin_and_thick):
    image = _render(thin_and_thick[1], 72)
    for xy in [(1, 1), (image.width - 2, 1), (1, image.height - 2), (image.width - 2, image.height - 2)]:
        assert _near(image.getpixel(xy), GROUND), xy


# ================================================================= a cover image


QUADRANTS = {(0, 0): (200, 30, 40), (1, 0): (30, 160, 60), (0, 1): (240, 200, 60), (1, 1): (120, 60, 180)}


def _with_image(tmp_path, size):
    """The fixture with `cover: art/front.png`, an image of four coloured quadrants."""
    from PIL import Image, ImageDraw

    manifest = _book(tmp_path, extra="cover: art/front.png\n")
    (tmp_path / "book" / "art").mkdir()
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    w, h = size
    for (qx, qy), colour in QUADRANTS.items():
        draw.rectangle((qx * w // 2, qy * h // 2, (qx + 1) * w // 2, (qy + 1) * h // 2), fill=colour)
    image.save(tmp_path / "book" / "art" / "front.png")
    line = manifest.read_text(encoding="utf-8").splitlines().index("cover: art/front.png") + 1
    return manifest, line


def test_cover_image_fills_the_front_panel_and_its_bleed(tmp_path):
    """Scaled to fill (as CSS `cover`): each corner of the panel and its bleed shows its quadrant, the
    quadrants meet near the panel's centre, and none of the image reaches the back."""
    manifest, _ = _with_image(tmp_path, (1900, 2800))  # 300 dpi at 6.125 × 9.25 in is 1838 × 2775
    target = tmp_path / "cover.pdf"
    assert _wrap(manifest, 120, target) == []
    dpi = 36
    image = _render(target, dpi)
    width, height = _size(target)
    x0, x1 = width - BLEED - TRIM[0], width
    k = dpi / 72
    for (qx, qy), colour in QUADRANTS.items():
        x = x0 + 3 if qx == 0 else x1 - 3
        y = 3 if qy == 0 else height - 3
        assert _near(image.getpixel((round(x * k), round(y * k))), colour, 3), (qx, qy)
        # a quarter of the way in from each corner: still the same quadrant
        xi = x0 + (x1 - x0) * (0.25 if qx == 0 else 0.75)
        yi = height * (0.25 if qy == 0 else 0.75)
        assert _near(image.getpixel((round(xi * k), round(yi * k))), colour, 3), (qx, qy)
    back = _crop(image, dpi, 0, 0, BLEED + TRIM[0] - 2.5 * INCH, height, inset=1)
    assert not any(_near(c, q, 3) for c in _colours(back) for q in QUADRANTS.values())


def test_cover_image_under_300_dpi_is_a_warning_naming_the_line(tmp_path):
    manifest, line = _with_image(tmp_path, (600, 900))
    warnings = _wrap(manifest, 120, tmp_path / "cover.pdf")
    assert len(warnings) == 1
    text = str(warnings[0])
    assert text.startswith(f"book.yaml:{line}: warning: the cover image front.png (600 × 900 px) is 97 dpi")
    assert "1838 × 2775 px" in text


# ================================================================= end to end


def test_format_cover_from_a_real_build_uses_the_interior_page_count(tmp_path):
    manifest = _book(tmp_path, "  paper: cream\n")
    run = _cli("build", manifest, "--out", tmp_path / "out", "--format", "pdf,cover")
    assert run.code == 0, run.err
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == ["caspian-fixture-cover.pdf", "caspian-fixture.pdf"]
    pages = len(PdfReader(out / "caspian-fixture.pdf").pages)
    width, height = _size(out / "caspian-fixture-cover.pdf")
    assert width == pytest.approx(2 * BLEED + 2 * TRIM[0] + pages * CREAM, abs=0.01)
    assert height == pytest.approx(TRIM[1] + 2 * BLEED, abs=0.01)


@pytest.mark.parametrize("key, value, expected", [
    ("paper", "glossy", "print: paper: 'glossy' is not a paper: use white, cream or a thickness"),
    ("paper", "5mm", "print: paper: '5mm' is not a plausible thickness"),
    ("barcode", "left", "print: barcode: 'left' is not a barcode setting: use area or none"),
])
def test_bad_paper_or_barcode_is_an_error_naming_the_line(tmp_path, key, value, expected):
    manifest = _book(tmp_path, f"  {key}: {value}\n")
    line = manifest.read_text(encoding="utf-8").splitlines().index(f"  {key}: {value}") + 1
    run = _cli("build", manifest, "--out", tmp_path / "out", "--format", "pdf,cover")
    assert run.code == 1
    assert f"book.yaml:{line}: {expected}" in run.err, run.err
    assert "Traceback" not in run.err
    assert not (tmp_path / "out").exists()


def test_a_description_too_long_for_the_back_is_a_warning(tmp_path):
    manifest = _book(tmp_path)
    text = manifest.read_text(encoding="utf-8")
    long = " ".join(["A small anthology used by the tests, described at great length."] * 30)
    manifest.write_text(text.replace('description: "A small anthology used by the tests: articles, a song and a '
                                     'testimony."', f'description: "{long}"'), encoding="utf-8")
    line = next(n for n, l in enumerate(manifest.read_text(encoding="utf-8").splitlines(), 1)
                if l.startswith("description:"))
    target = tmp_path / "cover.pdf"
    warnings = _wrap(manifest, 120, target)
    assert [str(w) for w in warnings] == [
        f"book.yaml:{line}: warning: the back of the cover wrap is too full: its text reaches into the barcode "
        "area (2 × 1.2 in, lower right), where it is hidden: shorten the description [COVER]"]
    # the area stays clear all the same
    image = _render(target, 72)
    area = _crop(image, 72, BLEED + TRIM[0] - 2.25 * INCH, BLEED + TRIM[1] - 1.45 * INCH, 2 * INCH, 1.2 * INCH)
    assert _colours(area) == {(255, 255, 255)}


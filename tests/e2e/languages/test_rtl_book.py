"""A whole right-to-left book (issue 19): tests/fixtures/hebrew, `language: he`, built end to end.

The EPUB turns its pages from right to left, the print edition is bound on the right (its first page
a left-hand one, margins, running heads and folios mirrored, /Direction /R2L), the zine folds the other
way round, the cover wrap has its front panel on the left, the site is right to left."""

from __future__ import annotations

import shutil
import zipfile

import pypdfium2
import pytest
from lxml import etree
from pypdf import PdfReader

from book_helpers import FIXTURES, NS, run_cli
from checkers import axe_script, axe_violations, chromium, no_violations_message
from conftest import EPOCH
from web_helpers import BROWSER_ARGS, html_pages

MM = 72 / 25.4
TITLE = "שירים מן הדרך"


@pytest.fixture(scope="module")
def hebrew(tmp_path_factory):
    work = tmp_path_factory.mktemp("hebrew")
    shutil.copytree(FIXTURES / "hebrew", work / "book")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        run = run_cli("build", work / "book" / "book.yaml", "--out", work / "out",
                      "--format", "epub,pdf,zine,cover,site")
    assert run.code == 0, run.err
    return work / "out"


def _text_boxes(pdf, number: int) -> list[tuple[str, float, float, float, float]]:
    """(character, left, bottom, right, top) of the characters of page `number` (0-based), in points."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        text = document[number].get_textpage()
        found = []
        for i in range(text.count_chars()):
            char = text.get_text_range(i, 1)
            if char.strip():
                found.append((char, *text.get_charbox(i, loose=True)))
        return found
    finally:
        document.close()


# ------------------------------------------------------------------ the EPUB


def test_the_epub_turns_its_pages_right_to_left_and_every_document_is_rtl(hebrew):
    epub_path = hebrew / "shirim.epub"
    with zipfile.ZipFile(epub_path) as epub:
        opf = etree.fromstring(epub.read("EPUB/content.opf"))
        spine = opf.find("opf:spine", NS)
        assert spine.get("page-progression-direction") == "rtl"
        documents = [n for n in epub.namelist() if n.endswith(".xhtml")]
        assert len(documents) >= 5
        for name in documents:
            root = etree.fromstring(epub.read(name))
            assert root.get("dir") == "rtl", name
            assert root.get("lang") == "he", name


def test_the_right_to_left_epub_passes_epubcheck(hebrew):
    from anthology.epub.epubcheck import epubcheck

    problems = epubcheck(hebrew / "shirim.epub")
    assert problems == [], "\n".join(map(str, problems))


# ------------------------------------------------------------------ the print edition


def test_the_pdf_says_it_reads_right_to_left(hebrew):
    reader = PdfReader(hebrew / "shirim.pdf")
    assert reader.trailer["/Root"]["/ViewerPreferences"]["/Direction"] == "/R2L"


def _body_pages(pdf) -> list[int]:
    """0-based numbers of the pages that hold a piece's running text (ten lines and more)."""
    pages = []
    for number in range(len(PdfReader(pdf).pages)):
        rows = {round(bottom) for char, _l, bottom, _r, _t in _text_boxes(pdf, number) if "\u05d0" <= char <= "\u05ea"}
        if len(rows) >= 10:
            pages.append(number)
    return pages


def test_the_print_edition_is_bound_on_the_right(hebrew):
    """Odd pages (the first page, every recto) are left-hand pages: their inside margin (20 mm) is on
    the right, their folio and the piece's title at the outer, left corner; even pages mirror them."""
    pdf = hebrew / "shirim.pdf"
    reader = PdfReader(pdf)
    width = float(reader.pages[0].mediabox.width)
    body = _body_pages(pdf)
    assert any(n % 2 == 0 for n in body) and any(n % 2 == 1 for n in body), body  # both sides
    for number in body:
        boxes = _text_boxes(pdf, number)
        height = float(reader.pages[number].mediabox.height)
        main = [b for b in boxes if 20 * MM < b[2] < height - 18 * MM]
        left = min(b[1] for b in main)
        right = max(b[3] for b in main)
        folio = [b for b in boxes if b[4] < 20 * MM]
        assert folio, number
        page_number = number + 1
        # lines begin on the right (against the right margin) and none crosses the left one
        if page_number % 2:  # a left-hand page in a right-to-left book: the inside margin on its right
            assert left > 15 * MM - 2 and abs(width - right - 20 * MM) < 3, (page_number, left, width - right)
            assert max(b[3] for b in folio) < width / 2, page_number  # the folio at the outer (left) corner
        else:
            assert left > 20 * MM - 2 and abs(width - right - 15 * MM) < 3, (page_number, left, width - right)
            assert min(b[1] for b in folio) > width / 2, page_number


def test_the_running_heads_change_sides(hebrew):
    """The book's title heads the versos (right-hand pages now), the piece's title the rectos (left)."""
    pdf = hebrew / "shirim.pdf"
    reader = PdfReader(pdf)
    width = float(reader.pages[0].mediabox.width)
    seen = set()
    for number in _body_pages(pdf):
        height = float(reader.pages[number].mediabox.height)
        head = [b for b in _text_boxes(pdf, number) if b[2] > height - 18 * MM]
        if not head:
            continue
        text = "".join(b[0] for b in sorted(head, key=lambda b: -b[1]))  # right to left
        middle = (min(b[1] for b in head) + max(b[3] for b in head)) / 2
        if (number + 1) % 2:
            assert middle < width / 2 and TITLE.replace(" ", "") not in text, (number + 1, text)
            seen.add("recto")
        else:
            assert middle > width / 2 and text == TITLE.replace(" ", ""), (number + 1, text)
            seen.add("verso")
    assert seen == {"recto", "verso"}


# ------------------------------------------------------------------ the zine and the cover wrap


def _halves(pdf, page: int = 0) -> tuple[str, str]:
    """The text of the left and of the right half of a sheet (logical order)."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        sheet = document[page]
        width, height = sheet.get_size()
        text = sheet.get_textpage()
        return (" ".join(text.get_text_bounded(0, 0, width / 2, height).split()),
                " ".join(text.get_text_bounded(width / 2, 0, width, height).split()))
    finally:
        document.close()


DESCRIPTION = "אנתולוגיה קטנה של שירים"


def test_the_zine_folds_for_binding_on_the_right(hebrew):
    from anthology.print.imposition.zine import booklet_sides

    zine = hebrew / "shirim-zine.pdf"
    left, right = _halves(zine, 0)
    assert TITLE in left and DESCRIPTION not in left  # the front cover on the left of the outer side
    assert DESCRIPTION in right and TITLE not in right  # the back cover on its right
    left, right = _halves(zine, 2)  # the second sheet's outer side: the half-title (page 1) on the left
    assert left.strip() == TITLE and right.strip() == ""
    # every side mirrored against a left-to-right booklet, sheet for sheet
    assert booklet_sides(12, direction="rtl") == [[(r, l) for l, r in side] for side in booklet_sides(12)]
    assert booklet_sides(8, direction="rtl")[0][0] == (1, 8)


def test_the_mini_zine_is_imposed_for_binding_on_the_right(hebrew, tmp_path):
    """The piece's cover (its dark ground) in the lower left cell, where a left-to-right mini-zine has
    it lower right; its first text page upside down in the upper left."""
    from PIL import ImageStat

    run = run_cli("build", hebrew.parent / "book" / "book.yaml", "--out", tmp_path, "--format", "minizine",
                  "--piece", "sea")
    assert run.code == 0, run.err
    sheet = pypdfium2.PdfDocument(tmp_path / "shirim-sea-minizine.pdf")[0].render(scale=20 / 72).to_pil().convert("L")
    width, height = sheet.size

    def ink(col: int, row: int) -> float:  # 0 white … 255 black, the cell's mean
        cell = sheet.crop((col * width // 4, row * height // 2, (col + 1) * width // 4, (row + 1) * height // 2))
        return 255 - ImageStat.Stat(cell).mean[0]

    assert ink(0, 1) > 100, "the front cover is not in the lower left cell"
    assert max(ink(col, 1) for col in (1, 2, 3)) < 40 and ink(0, 0) > 2  # text pages, lighter
    assert ink(3, 1) < 40  # where a left-to-right mini-zine puts its cover


def test_the_cover_wraps_front_panel_is_on_the_left(hebrew):
    from anthology.print.covers.wrap import Geometry

    left, right = _halves(hebrew / "shirim-cover.pdf")
    assert TITLE in left and DESCRIPTION not in left
    assert DESCRIPTION in right and TITLE not in right
    shape = Geometry(trim=(300.0, 400.0), bleed=9.0, spine=20.0, pages=100, rtl=True)
    assert shape.front.x == 9.0 and shape.back.x == 9.0 + 300 + 20
    assert shape.front_with_bleed.x == 0.0 and shape.front_with_bleed.width == 309.0
    barcode = shape.barcode_area  # on the back, by the spine fold
    assert shape.back.x < barcode.x < shape.back.x + shape.back.width / 2


# ------------------------------------------------------------------ the site


def test_the_site_is_right_to_left_clean_and_readable_at_phone_and_desktop_widths(hebrew, tmp_path):
    executable = chromium()
    axe = axe_script()
    from playwright.sync_api import sync_playwright

    site = hebrew / "site"
    pages = html_pages(site)
    for file in pages:
        root = etree.parse(str(file), etree.HTMLParser()).getroot()
        assert root.get("dir") == "rtl" and root.get("lang") == "he", file.name
    shots = tmp_path / "shots"
    shots.mkdir()
    problems = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=BROWSER_ARGS)
        try:
            for width in (360, 1280):
                context = browser.new_context(viewport={"width": width, "height": 800})
                page = context.new_page()
                page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort())
                for file in pages:
                    page.goto(file.as_uri())
                    page.wait_for_load_state("load")
                    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
                    scroll = page.evaluate("document.documentElement.scrollWidth")
                    if scroll > width:
                        problems.append(f"{file.name}: {scroll} px wide at {width} px")
                    if file.name in ("index.html", "caravan.html"):
                        page.screenshot(path=str(shots / f"{file.stem}-{width}.png"), full_page=True)
                        # the piece's text starts on the right: its first paragraph ends at the right edge
                        if file.name == "caravan.html":
                            box = page.evaluate("(() => { const p = document.querySelector('main p:not(.byline)');"
                                                " const r = p.getBoundingClientRect(); const m ="
                                                " document.querySelector('main').getBoundingClientRect();"
                                                " return [r.right, m.right, r.left, m.left]; })()")
                            assert box[0] > box[2] and abs(box[1] - box[0]) < 40, box
                    page.add_script_tag(path=str(axe))
                    result = page.evaluate("axe.run(document)")
                    problems += axe_violations(result)
                context.close()
        finally:
            browser.close()
    assert not problems, no_violations_message("axe", "the right-to-left site", problems)
    assert len(list(shots.glob("*.png"))) == 4

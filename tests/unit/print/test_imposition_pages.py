"""The imposed sheets (print/imposition/zine.py) show each source page as it is: every page of a small
WeasyPrint PDF (Russian, Hebrew, Kazakh text on coloured pages with bleed) is drawn on its sheet as a
Form XObject, and the sheet rendered with pypdfium2 holds, pixel for pixel, the page's trim rendered
alone: upright in a booklet, turned 180 degrees in the mini-zine's top row, and a page with /Rotate
as it is seen. Sizes are whole points and the renders at 72 dpi, so no placement falls between pixels."""

from __future__ import annotations

import pikepdf
import pypdfium2
import pytest
from PIL import Image, ImageChops

from anthology.print.imposition.zine import impose_booklet, impose_minizine

W, H = 144, 216  # a 2 x 3 in page, in points (whole pixels at 72 dpi)
TEXTS = ["Жанаөзен, 16 желтоқсан 2011", "Нефтяники бастовали семь месяцев", "שירים מן הדרך",
         "Алматы, қаңтар 2022", "Сколько стоит правда?", "אנתולוגיה של תרגומים"]
COLOURS = ["#fde", "#def", "#efd", "#ffd", "#dff", "#fdf"]


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """Six pages with 5 pt of bleed (cut away on the sheets), each a colour, a frame and a line of text."""
    import weasyprint

    pages = "".join(
        f'<section style="page: p{i}" dir="{"rtl" if "ש" in text or "א" in text else "ltr"}">'
        f'<p>{n}</p><p>{text}</p></section>'
        for n, (i, text) in enumerate(enumerate(TEXTS), start=1))
    rules = "".join(f"@page p{i} {{ background: {colour} }}" for i, colour in enumerate(COLOURS))
    css = (f"@page {{ size: {W}pt {H}pt; margin: 12pt; bleed: 5pt }} {rules}"
           "section { break-after: page; border: 2pt solid #247; height: 180pt; font: 11pt/1.3 serif }"
           "section:last-child { break-after: auto }")
    path = tmp_path_factory.mktemp("impose") / "source.pdf"
    weasyprint.HTML(string=f"<html><head><style>{css}</style></head><body>{pages}</body></html>").write_pdf(path)
    return path


def _render(path, number: int, rotation: int = 0) -> Image.Image:
    document = pypdfium2.PdfDocument(str(path))
    try:
        return document[number].render(scale=1, rotation=rotation).to_pil().convert("RGB")
    finally:
        document.close()


def _trim_alone(source, number: int, rotation: int = 0) -> Image.Image:
    """Page `number` (1-based) of `source` rendered alone by PDFium (turned clockwise by `rotation`
    degrees on top of its own /Rotate) and cropped to its trim: the bleed is 5 pt on every side."""
    with pikepdf.open(source) as pdf:
        media = [float(v) for v in pdf.pages[number - 1].mediabox]
        trim = [float(v) for v in pdf.pages[number - 1].trimbox]
    assert [t - m for t, m in zip(trim, media)] == [5, 5, -5, -5]
    image = _render(source, number - 1, rotation)
    return image.crop((5, 5, image.width - 5, image.height - 5))


def _largest_difference(a: Image.Image, b: Image.Image) -> int:
    assert a.size == b.size
    return max(high for _low, high in ImageChops.difference(a, b).getextrema())


def test_a_booklet_sheet_holds_each_page_trimmed_and_upright(tmp_path, source):
    out = tmp_path / "zine.pdf"
    report = impose_booklet(source, out, sheet=(2 * W, H))
    assert report.scale == 1.0 and len(report.sides) == 4  # 6 pages + 2 blanks on two sheets
    for side, pair in enumerate(report.sides):
        sheet = _render(out, side)
        assert sheet.size == (2 * W, H)
        for half, number in enumerate(pair):
            cell = sheet.crop((half * W, 0, half * W + W, H))
            if number is None:
                assert cell.getextrema() == ((255, 255),) * 3, f"side {side + 1}: the blank half is not blank"
            else:
                assert _largest_difference(cell, _trim_alone(source, number)) <= 8, (side, number)


def test_the_mini_zine_turns_its_top_row_and_cuts_the_bleed(tmp_path, source):
    out = tmp_path / "mini.pdf"
    report = impose_minizine(source, out, sheet=(4 * W, 2 * H))
    sheet = _render(out, 0)
    for index, number in enumerate(report.sides[0]):
        col, top = index % 4, index < 4
        cell = sheet.crop((col * W, 0 if top else H, col * W + W, H if top else 2 * H))
        if number is None:
            assert cell.getextrema() == ((255, 255),) * 3
            continue
        alone = _trim_alone(source, number, rotation=180 if top else 0)
        assert _largest_difference(cell, alone) <= 8, (index, number)


def test_a_page_with_rotate_is_imposed_as_it_is_seen(tmp_path, source):
    turned = tmp_path / "turned.pdf"
    with pikepdf.open(source) as pdf:
        pdf.pages[0].rotate(90, relative=False)
        pdf.save(turned)
    out = tmp_path / "zine.pdf"
    # seen turned, the page is 216 x 144: a sheet of two such pages side by side
    report = impose_booklet(turned, out, sheet=(2 * H, W))
    assert report.sides[0] == (6, 1)
    right = _render(out, 0).crop((H, 0, 2 * H, W))
    expected = _trim_alone(turned, 1)  # PDFium shows it turned: /Rotate 90 is a quarter turn clockwise
    assert right.size == expected.size == (H, W)
    assert _largest_difference(right, expected) <= 8

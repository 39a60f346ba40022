"""Issue 13: print-on-demand presets (`print: printer: kdp | lulu | ingramspark | copyshop`).

Built with the real tool on the fixture books; the interiors are read back with pypdf (boxes,
annotations, outline, metadata) and pypdfium2 (where the ink is on each page)."""

from __future__ import annotations

import re

import pypdfium2
import pytest
from pypdf import PdfReader

from book_helpers import copy_fixture, run_cli
from conftest import EPOCH

INCH = 72.0
TRIM = (6 * INCH, 9 * INCH)
BLEED = 0.125 * INCH


def _cli(*argv):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        return run_cli(*argv)


def _book(tmp_path, extra_print: str, fixture: str = "full"):
    manifest = copy_fixture(fixture, tmp_path / "book")
    text = manifest.read_text(encoding="utf-8")
    if "print:\n" in text:
        text = text.replace("print:\n  trim: 6in x 9in\n", f"print:\n  trim: 6in x 9in\n{extra_print}")
    else:
        text += f"print:\n{extra_print}"
    manifest.write_text(text, encoding="utf-8")
    return manifest


def _line(manifest, text: str) -> int:
    return manifest.read_text(encoding="utf-8").splitlines().index(text) + 1


# ================================================================= the rules


def test_kdp_inside_margin_grows_with_the_page_count():
    from anthology.print.covers.presets import PRESETS

    kdp = PRESETS["kdp"]
    expected = {24: 0.375, 150: 0.375, 151: 0.5, 300: 0.5, 301: 0.625, 500: 0.625, 501: 0.75, 700: 0.75,
                701: 0.875, 828: 0.875}
    assert {pages: kdp.inside_margin(pages) for pages in expected} == expected


@pytest.mark.parametrize("printer, trim, service", [("lulu", "A6", "Lulu"), ("kdp", "A7", "Amazon KDP"),
                                                    ("ingramspark", "12in x 12in", "IngramSpark")])
def test_a_trim_the_service_does_not_print_is_an_error_naming_the_line(tmp_path, printer, trim, service):
    manifest = _book(tmp_path, f"  printer: {printer}\n", fixture="minimal")
    manifest.write_text(manifest.read_text(encoding="utf-8") + f"  trim: {trim}\n", encoding="utf-8")
    run = _cli("build", manifest, "--out", tmp_path / "out", "--format", "pdf")
    assert run.code == 1
    assert f"book.yaml:{_line(manifest, f'  trim: {trim}')}: print: trim: {service} does not print {trim}" in run.err
    assert "Traceback" not in run.err
    assert not (tmp_path / "out").exists()


def test_an_unknown_printer_is_an_error_naming_the_line(tmp_path):
    manifest = _book(tmp_path, "  printer: kinkos\n")
    run = _cli("build", manifest, "--out", tmp_path / "out", "--format", "pdf")
    assert run.code == 1
    assert (f"book.yaml:{_line(manifest, '  printer: kinkos')}: print: printer: 'kinkos' is not a printer this "
            "tool knows: use kdp, lulu, ingramspark, copyshop") in run.err
    assert not (tmp_path / "out").exists()


# ================================================================= KDP interior with bleed


@pytest.fixture(scope="module")
def kdp_interior(tmp_path_factory):
    work = tmp_path_factory.mktemp("kdp")
    manifest = _book(work, "  printer: kdp\n  bleed: 0.125in\n")
    run = _cli("build", manifest, "--out", work / "out", "--format", "pdf")
    assert run.code == 0, run.err
    return work / "out", run


def test_kdp_bleed_on_top_bottom_and_outside_only(kdp_interior):
    out, _ = kdp_interior
    assert [p.name for p in out.iterdir()] == ["caspian-fixture.pdf"]  # the interior carries the bleed
    reader = PdfReader(out / "caspian-fixture.pdf")
    for number, page in enumerate(reader.pages, start=1):
        trim = [float(v) for v in page.trimbox]
        media = [float(v) for v in page.mediabox]
        assert trim[2] - trim[0] == pytest.approx(TRIM[0], abs=0.05)
        assert trim[3] - trim[1] == pytest.approx(TRIM[1], abs=0.05)
        outside_left = number % 2 == 0  # left (even) pages have their outside edge on the left
        expected = [trim[0] - (BLEED if outside_left else 0), trim[1] - BLEED,
                    trim[2] + (0 if outside_left else BLEED), trim[3] + BLEED]
        assert media == pytest.approx(expected, abs=0.05), number
        assert [float(v) for v in page.bleedbox] == pytest.approx(expected, abs=0.05)


def test_kdp_interior_has_no_marks_links_bookmarks_or_metadata(kdp_interior):
    out, _ = kdp_interior
    reader = PdfReader(out / "caspian-fixture.pdf")
    assert all("/Annots" not in page for page in reader.pages)
    assert reader.outline == []
    assert not reader.metadata
    # no crop marks: nothing is drawn in the bleed of a text page
    document = pypdfium2.PdfDocument(str(out / "caspian-fixture.pdf"))
    try:
        image = document[9].render(scale=1).to_pil().convert("L")
    finally:
        document.close()
    band = image.crop((0, 0, image.width, round(BLEED)))
    assert band.getextrema() == (255, 255)


def test_kdp_warns_about_an_image_under_300_dpi(kdp_interior):
    _, run = kdp_interior
    assert re.search(r"images/square\.png: warning: printed at \d+ dpi on page \d+; Amazon KDP wants 300 dpi",
                     run.err), run.err


# ================================================================= margins


def _ink_margins(pdf) -> list[tuple[float, float, float, float] | None]:
    """(left, right, top, bottom) room between the ink and the trim on each page, in points; None
    for a blank page."""
    found = []
    reader = PdfReader(pdf)
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        for index, page in enumerate(document):
            box = reader.pages[index]
            media, trim = [float(v) for v in box.mediabox], [float(v) for v in box.trimbox]
            image = page.render(scale=2).to_pil().convert("L")
            bbox = image.point(lambda v: 255 if v < 200 else 0).getbbox()
            if bbox is None:
                found.append(None)  # a blank page
                continue
            x0, y0, x1, y1 = (v / 2 for v in bbox)
            left = x0 - (trim[0] - media[0])
            top = y0 - (media[3] - trim[3])
            right = (trim[2] - media[0]) - x1
            bottom = (media[3] - trim[1]) - y1
            found.append((left, right, top, bottom))
    finally:
        document.close()
    return found


def test_margins_too_narrow_for_the_service_are_widened(tmp_path):
    """A book whose own stylesheet has 4 mm margins: with `printer: kdp` no ink comes closer than
    0.375 in to the spine edge nor 0.25 in to any other edge; with `lulu`, 0.5 in everywhere."""
    for printer, inside, other in (("kdp", 0.375, 0.25), ("lulu", 0.7, 0.5)):
        work = tmp_path / printer
        manifest = _book(work, f"  printer: {printer}\n")
        css = ("@page { margin: 4mm; } @page :left { margin-left: 4mm; margin-right: 4mm; }\n"
               "@page :right { margin-left: 4mm; margin-right: 4mm; }\n")  # added to the tool's stylesheet
        (work / "book" / "styles").mkdir()
        (work / "book" / "styles" / "book.css").write_text(css, encoding="utf-8")
        run = _cli("build", manifest, "--out", work / "out", "--format", "pdf")
        assert run.code == 0, run.err
        assert "comes closer to the trim" not in run.err
        pages = _ink_margins(work / "out" / "caspian-fixture.pdf")
        assert len([p for p in pages if p]) > 10
        for number, room in enumerate(pages, start=1):
            if room is None:
                continue
            left, right, top, bottom = room
            spine, outer = (left, right) if number % 2 else (right, left)
            assert spine >= inside * INCH - 1, (printer, number, spine)
            assert min(outer, top, bottom) >= other * INCH - 1, (printer, number, outer, top, bottom)


# ================================================================= page counts


def test_a_page_count_the_service_does_not_bind_is_a_warning(tmp_path):
    manifest = _book(tmp_path, "  printer: lulu\n", fixture="minimal")
    run = _cli("build", manifest, "--out", tmp_path / "out", "--format", "pdf")
    assert run.code == 0, run.err
    pages = len(PdfReader(tmp_path / "out" / "a-minimal-book.pdf").pages)
    line = _line(manifest, "  printer: lulu")
    assert f"book.yaml:{line}: warning: print: printer: lulu: {pages} pages: Lulu binds 32 to 800 pages" in run.err

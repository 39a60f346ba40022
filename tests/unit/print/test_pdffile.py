"""PDFs changed in place with pikepdf (print/pdffile.py and its users): what a print-on-demand service
refuses is taken out of an interior (print/covers/presets.strip_refused), a box set in place comes
out the same bytes every time, and a failed change leaves the file as it was."""

from __future__ import annotations

import pikepdf
import pypdfium2
import pytest

from anthology.book.printers import PRESETS
from anthology.print import pdffile
from anthology.print.covers.presets import strip_refused

HTML = """<html lang="kk"><head><meta name="author" content="Галым Агелеуов"><title>Жаңаөзен</title>
<style>@page { size: A6; margin: 15mm } h1 { bookmark-level: 1 }</style></head><body>
<h1 id="one">Жаңаөзен</h1><p>Мұнайшылар жеті ай бойы ереуілге шықты. <a href="#two">Әрі қарай</a></p>
<h1 id="two" style="break-before: page">Алматы</h1><p>Қаңтар, 2022.</p></body></html>"""


@pytest.fixture
def interior(tmp_path):
    import weasyprint

    path = tmp_path / "interior.pdf"
    weasyprint.HTML(string=HTML).write_pdf(path, pdf_variant="pdf/a-3b")  # with XMP metadata
    with pikepdf.open(path) as pdf:  # what the service refuses is there to begin with
        assert "/Outlines" in pdf.Root and "/Metadata" in pdf.Root and "/Author" in pdf.docinfo
        assert any("/Annots" in page.obj for page in pdf.pages)
    return path


def _text(path) -> list[str]:
    document = pypdfium2.PdfDocument(str(path))
    try:
        return [page.get_textpage().get_text_bounded() for page in document]
    finally:
        document.close()


def test_kdp_refuses_links_bookmarks_and_metadata(interior, tmp_path):
    text = _text(interior)
    strip_refused(interior, PRESETS["kdp"])
    with pikepdf.open(interior) as pdf:
        assert not any("/Annots" in page.obj for page in pdf.pages)
        assert "/Outlines" not in pdf.Root and "/PageMode" not in pdf.Root and "/Metadata" not in pdf.Root
        assert "/Info" not in pdf.trailer
        assert len(pdf.pages) == 2
    assert _text(interior) == text and "Мұнайшылар" in text[0]


def test_a_service_that_refuses_nothing_leaves_the_file_alone(interior):
    before = interior.read_bytes()
    strip_refused(interior, PRESETS["lulu"])
    assert PRESETS["lulu"].refuses == () and interior.read_bytes() == before


def test_a_rewritten_file_is_the_same_bytes_every_time(interior, tmp_path):
    copies = []
    for name in ("a.pdf", "b.pdf"):
        copy = tmp_path / name
        copy.write_bytes(interior.read_bytes())
        with pdffile.rewritten(copy) as pdf:
            pdf.pages[0].trimbox = pikepdf.Array([10, 10, 200, 300])
        copies.append(copy.read_bytes())
    assert copies[0] == copies[1]
    with pikepdf.open(tmp_path / "a.pdf") as pdf:
        assert [float(v) for v in pdf.pages[0].trimbox] == [10, 10, 200, 300]


def test_a_change_that_fails_leaves_the_file_as_it_was(interior):
    before = interior.read_bytes()
    with pytest.raises(KeyError), pdffile.rewritten(interior) as pdf:
        del pdf.Root.Outlines
        raise KeyError("a mistake half way")
    assert interior.read_bytes() == before

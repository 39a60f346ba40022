"""The PDF/X finishing's flattening of opaque transparency groups (print/press/pdfx.py): a form whose
drawing is opaque loses its group, a form that draws an inline image keeps it (pikepdf names an
inline image's instruction "INLINE IMAGE", not "BI": a check by the operator's PDF name missed it)."""

from __future__ import annotations

import pikepdf

from anthology.print.press import pdfx


def _pdf_with_form(content: bytes) -> pikepdf.Pdf:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(100, 100))
    form = pikepdf.Stream(pdf, content)
    form["/Type"] = pikepdf.Name.XObject
    form["/Subtype"] = pikepdf.Name.Form
    form["/BBox"] = pikepdf.Array([0, 0, 100, 100])
    form["/Group"] = pikepdf.Dictionary(S=pikepdf.Name.Transparency, I=True)
    form["/Resources"] = pikepdf.Dictionary()
    page = pdf.pages[0]
    page.obj["/Resources"] = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Fm1=pdf.make_indirect(form)))
    page.obj["/Contents"] = pdf.make_stream(b"/Fm1 Do")
    return pdf


def _form(pdf: pikepdf.Pdf) -> pikepdf.Object:
    return pdf.pages[0].obj["/Resources"]["/XObject"]["/Fm1"]


def test_an_opaque_drawing_loses_its_transparency_group():
    pdf = _pdf_with_form(b"0 0 0 RG 10 10 m 90 90 l S")
    pdf_form = _form(pdf)
    pdfx._flatten_opaque(pdf)
    assert "/Group" not in pdf_form


def test_a_form_that_draws_an_inline_image_keeps_its_transparency_group():
    pdf = _pdf_with_form(b"q 80 0 0 80 10 10 cm BI /W 2 /H 1 /BPC 8 /CS /G ID \x00\xff EI Q")
    pdfx._flatten_opaque(pdf)
    form = _form(pdf)
    assert str(form["/Group"]["/S"]) == "/Transparency"
    assert b"ID" in form.read_bytes()  # the image itself left as it was drawn

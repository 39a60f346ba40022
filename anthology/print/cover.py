"""The generated cover: the book's cover template and stylesheet, rendered to a PNG image."""

from __future__ import annotations

import io

import pypdfium2

from anthology import templating as templates
from anthology.book.model import Book
from anthology.print.pdf import lay_out


def render_png(book: Book, env, width: int = 1600) -> bytes:
    """Render templates/cover.html (1600 × 2400 CSS px) to a PNG of `width` pixels."""
    stylesheet = templates.resource(book.root, "styles/book.css")
    html = env.get_template("cover.html").render(book=book, stylesheet=stylesheet.as_uri())
    pdf_bytes = lay_out(book, html).document.write_pdf()
    document = pypdfium2.PdfDocument(pdf_bytes)
    try:
        page = document[0]
        scale = width / page.get_width()
        image = page.render(scale=scale).to_pil().convert("RGB")
    finally:
        document.close()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()

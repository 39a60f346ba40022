"""The generated cover: the book's cover template and stylesheet, rendered to a PNG image."""

from __future__ import annotations

import io

import pypdfium2
import weasyprint
from weasyprint.text.fonts import FontConfiguration

from . import templates
from .model import Book
from .pdf import BookFetcher


def render_png(book: Book, env, width: int = 1600) -> bytes:
    """Render templates/cover.html (1600 × 2400 CSS px) to a PNG of `width` pixels."""
    stylesheet = templates.resource(book.root, "styles/book.css")
    html = env.get_template("cover.html").render(book=book, stylesheet=stylesheet.as_uri())
    fetcher = BookFetcher([book.root, templates.TOOL_ROOT / "styles"])
    pdf_bytes = weasyprint.HTML(string=html, base_url=str(book.root) + "/", url_fetcher=fetcher).write_pdf(
        font_config=FontConfiguration())
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

"""The generated cover: the book's cover template and stylesheet, rendered to a PNG image."""

from __future__ import annotations

import io

import pypdfium2

from anthology import cache
from anthology import templating as templates
from anthology.book.model import Book
from anthology.print.pdf import lay_out, recording_fetches


def render_png(book: Book, env, width: int = 1600) -> bytes:
    """Render templates/cover.html (1600 × 2400 CSS px) to a PNG of `width` pixels; laid out only
    when the cover's HTML or a file it uses (stylesheet, fonts, images) changed, else taken from
    the cache."""
    stylesheet = templates.resource(book.root, "styles/book.css")
    html = env.get_template("cover.html").render(book=book, stylesheet=stylesheet.as_uri())
    request = cache.key("cover", html, width)
    entry = cache.lookup(request)
    png = entry.read("cover.png") if entry else None
    if png is None:
        with recording_fetches() as fetched:
            png = _render(book, html, width)
        cache.store(request, sorted(fetched), {"cover.png": png})
    return png


def _render(book: Book, html: str, width: int) -> bytes:
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

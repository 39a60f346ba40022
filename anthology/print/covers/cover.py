"""The book's cover: the cover template and stylesheet laid out at any size (the EPUB's image, the zine's
front cover) or the book's own `cover:` image scaled to fill it."""

from __future__ import annotations

import io

from anthology import cache
from anthology.book.model import Book
from anthology.print.source import recording_fetches, stylesheet_url  # (print/pdf.py, WeasyPrint, only to lay one out)

EPUB_WIDTH, EPUB_HEIGHT = 1200.0, 1800.0  # points: the 1600 × 2400 CSS px of the EPUB's cover image


def cover_html(book: Book, env, width: float, height: float, *, use_image: bool = True) -> str:
    """templates/cover.html at `width` × `height` points; a rem is a hundredth of the width."""
    return env.get_template("cover.html").render(
        book=book, stylesheet=stylesheet_url(book), width=f"{width:.3f}pt", height=f"{height:.3f}pt",
        unit=f"{width / 100:.4f}pt", cover_url=book.cover.as_uri() if (use_image and book.cover) else None)


def lay_out_front(book: Book, width: float, height: float, env, **options):
    """The front cover as a one-page document (pdf.PrintResult) of `width` × `height` points."""
    from anthology.print.pdf import lay_out

    return lay_out(book, cover_html(book, env, width, height), **options)


def render_png(book: Book, env, width: int = 1600) -> bytes:
    """Render the generated cover (2:3, as templates/cover.html was drawn) to a PNG of `width` pixels;
    laid out only when the cover's HTML or a file it uses (stylesheet, fonts, images) changed, else
    taken from the cache."""
    html = cover_html(book, env, EPUB_WIDTH, EPUB_HEIGHT, use_image=False)
    png = cached_png(book, env, width, html)
    if png is None:
        with recording_fetches() as fetched:
            png = _render(book, html, width)
        cache.store(cache.key("cover", html, width), sorted(fetched), {"cover.png": png})
    return png


def cached_png(book: Book, env, width: int = 1600, html: str | None = None) -> bytes | None:
    """The generated cover's PNG from the cache, if its HTML was rendered before (no layout: a
    build asks before it wakes a worker for it)."""
    html = html if html is not None else cover_html(book, env, EPUB_WIDTH, EPUB_HEIGHT, use_image=False)
    entry = cache.lookup(cache.key("cover", html, width))
    return entry.read("cover.png") if entry else None


def render_png_recorded(book: Book, env) -> tuple[bytes, list[str]]:
    """render_png(), and the files its layout read (for the build cache: the cover may be rendered in
    a worker process, whose reads the build's own recording does not see)."""
    with recording_fetches() as fetched:
        png = render_png(book, env)
    return png, sorted(str(path) for path in fetched)


def _render(book: Book, html: str, width: int) -> bytes:
    import pypdfium2

    from anthology.print.pdf import lay_out

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

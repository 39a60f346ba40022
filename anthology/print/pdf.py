"""Book -> print PDF through WeasyPrint: one HTML document, the shared stylesheet, a safe fetcher."""

from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from anthology.print.weasy import libraries  # noqa: F401 (before weasyprint: opens its libraries quickly)
import weasyprint
from weasyprint.formatting_structure import boxes
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from anthology import templating as templates
from anthology.book.model import Book
from anthology.print.weasy import pngdata
from anthology.print.source import (  # noqa: F401 (this module's names before source.py existed)
    _RECORDERS, DEFAULT_BLEED, MIN_MEDIA_MARGIN, book_html, page_css, press_bleed, press_margin, print_label,
    record_fetches, recording_fetches, set_bleed_box)

LOGGER = logging.getLogger("weasyprint")
pngdata.install()  # a PNG's own rows written as they are


class BookFetcher(URLFetcher):
    """Serves only files inside the allowed folders (the book's, the tool's styles) and data: URLs."""

    def __init__(self, roots: list[Path], grayscale: bool = False, press=None):
        super().__init__(allowed_protocols={"file", "data"})
        self.roots = [root.resolve() for root in roots]
        self.refused: list[str] = []
        self.grayscale = grayscale  # serve images, stylesheets and SVGs in gray
        self.press = press  # print/press/cmyk.Press: serve them in CMYK (a PDF/X)

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith("file://"):
            from urllib.parse import unquote, urlsplit

            path = Path(unquote(urlsplit(url).path)).resolve()
            if any(path == root or root in path.parents for root in self.roots) and path.is_file():
                for served in _RECORDERS:
                    served.add(path)
                if self.press is not None:
                    return self._cmyk(url, path, headers)
                if self.grayscale:
                    return self._gray(url, path, headers)
                if path.suffix.lower() == ".png" and (converted := pngdata.as_rgb(path)) is not None:
                    return _served(url, converted, "image/png")
                return super().fetch(url, headers)
        self.refused.append(url)
        raise ValueError(f"refused (outside the book): {url}")


    def _gray(self, url: str, path: Path, headers):
        from weasyprint.urls import URLFetcherResponse

        from anthology.print.covers import grayscale

        suffix = path.suffix.lower()
        if suffix in grayscale.RASTER:
            data, mime = grayscale.image(path)
            return _served(url, data, mime)
        if suffix == ".css":
            text = grayscale.stylesheet(path.read_text(encoding="utf-8"))
            return URLFetcherResponse(url, body=text, headers={"Content-Type": "text/css"})
        if suffix == ".svg":
            text = grayscale.svg(path.read_text(encoding="utf-8"))
            return URLFetcherResponse(url, body=text, headers={"Content-Type": "image/svg+xml"})
        return super().fetch(url, headers)


    def _cmyk(self, url: str, path: Path, headers):
        from weasyprint.urls import URLFetcherResponse

        from anthology.print.press import cmyk

        suffix = path.suffix.lower()
        if suffix in cmyk.RASTER:
            data, mime = self.press.image(path)
            return _served(url, data, mime)
        if suffix == ".css":
            text = self.press.stylesheet(path.read_text(encoding="utf-8"))
            return URLFetcherResponse(url, body=text, headers={"Content-Type": "text/css"})
        if suffix == ".svg":
            text = self.press.svg(path.read_text(encoding="utf-8"))
            return URLFetcherResponse(url, body=text, headers={"Content-Type": "image/svg+xml"})
        return super().fetch(url, headers)


def press_colours(book: Book, press: bool):
    """The CMYK conversions (print/press/cmyk.Press) when a layout is a PDF/X's: the press PDF of a book
    with `print: pdf-x:`, and the interior where the printer's preset asks for PDF/X; else None."""
    if not book.print.pdf_x or not (press or book.print.pdf_x_interior):
        return None
    from anthology.print.press import cmyk

    return cmyk.for_book(book)


def _served(url: str, data: bytes, mime: str):
    """A response with bytes other than the file's at `url` (a converted image)."""
    from weasyprint.urls import URLFetcherResponse

    class Converted(URLFetcherResponse):
        path = None  # WeasyPrint would embed the file at the URL's path, not these bytes

    return Converted(url, body=data, headers={"Content-Type": mime})


@dataclass
class PrintResult:
    document: weasyprint.Document  # laid out (WeasyPrint ships no types: Any to mypy)
    warnings: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    long_notes: frozenset[str] = frozenset()  # notes printed at the end of their piece
    page_rules: str = ""  # further @page rules it was laid out with (a service's margins)
    context: Any = None  # WeasyPrint's LayoutContext (untyped), when lay_out() was asked to keep it
    press: object = None  # print/press/cmyk.Press, when laid out in CMYK for a PDF/X

    def overflowing_notes(self) -> set[str]:
        """Ids of footnotes that do not fit in their page's footnote area (WeasyPrint does not
        split a footnote over two pages: the end of such a note would be lost)."""
        found = set()
        for page in self.document.pages:
            for area in page._page_box.children:
                if not isinstance(area, boxes.FootnoteAreaBox):
                    continue
                limit = area.position_y + area.margin_height() + 1
                for note in area.children:
                    if note.position_y + note.margin_height() > limit and note.element is not None:
                        found.add(note.element.get("id"))
        return found

    def anchor_pages(self) -> dict[str, int]:
        """Page number (1-based) of every anchor (id) in the laid-out document."""
        pages: dict[str, int] = {}
        for number, page in enumerate(self.document.pages, start=1):
            for anchor in page.anchors:
                pages.setdefault(anchor, number)
        return pages


@contextmanager
def captured_warnings():
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record):
            records.append(record.getMessage())

    handler = Collect(level=logging.WARNING)
    LOGGER.addHandler(handler)
    previous = LOGGER.propagate
    LOGGER.propagate = False
    try:
        yield records
    finally:
        LOGGER.removeHandler(handler)
        LOGGER.propagate = previous


def render(book: Book, env, *, index_entries: list, build_date, press: bool = False,
           long_notes: frozenset[str] = frozenset(), page_rules: str = "") -> PrintResult:
    """Lay out the book; the result can be inspected (anchor pages) before it is written.
    `page_rules`: further @page rules (a print-on-demand service's margins)."""
    html = book_html(book, env, index_entries, build_date, page_css(book, press, page_rules), long_notes)
    colours = press_colours(book, press)
    if colours is not None and (problems := colours.problems(book)):
        from anthology.errors import BookError

        raise BookError(problems)
    result = lay_out(book, html, grayscale=book.print.grayscale, pdf_tags=book.print.tagged,
                     pdf_variant="pdf/ua-1" if book.print.tagged else None, press=colours)
    result.long_notes = long_notes
    result.page_rules = page_rules
    return result


def lay_out(book: Book, html: str, grayscale: bool = False, keep_context: bool = False,
            font_config=None, lxml_parsed: bool = False, press=None, **options) -> PrintResult:
    """Lay out one HTML document of the book (the book, its cover, a mini-zine) with the fetcher
    that serves only the book's files, collecting what WeasyPrint warns about. `grayscale`: every
    image and colour in gray (print/covers/grayscale.py). `keep_context`: the result's `context` is
    WeasyPrint's layout context (print/layout/parts.py). `lxml_parsed`: HTML that lxml wrote, parsed by
    lxml (print/weasy/parsed.py). `press`: a print/press/cmyk.Press: every colour and image in CMYK
    for a PDF/X (grayscale first, when both are asked)."""
    fetcher = BookFetcher([book.root, templates.TOOL_ROOT / "styles"], grayscale, press)
    if press is not None:
        html = press.html(html)
        options.setdefault("output_intent", "device-cmyk")  # transparency groups blend in DeviceCMYK
    elif grayscale:
        from anthology.print.covers import grayscale as gray

        html = gray.html(html)
    source = None
    if lxml_parsed:
        from anthology.print.weasy import parsed

        source = parsed.document(html, str(book.root) + "/", fetcher)
    if source is None:
        source = weasyprint.HTML(string=html, base_url=str(book.root) + "/", url_fetcher=fetcher)
    context = None
    with captured_warnings() as warnings:
        if keep_context:  # WeasyPrint's internals: print/weasy/margins.py
            from anthology.print.weasy.margins import render_keeping_context

            document, context = render_keeping_context(source, font_config or FontConfiguration(), options)
        else:
            document = source.render(font_config=font_config or FontConfiguration(), **options)
    result = PrintResult(document, list(warnings), list(fetcher.refused))
    result.context = context
    result.press = press
    return result


# Logged at every write on machines without libharfbuzz-subset: about the machine, not the book.
MACHINE_NOTICES = ("HarfBuzz-Subset",)


def reading_direction(book: Book):
    """A finisher for write_pdf(): a right-to-left book's PDF says so to viewers
    (/ViewerPreferences /Direction /R2L: two-page views put the first page on the right of the
    window's spread order, pages turn leftwards). None for a left-to-right book."""
    if book.direction != "rtl":
        return None

    def finish(_document, pdf) -> None:
        import pydyf

        pdf.catalog["ViewerPreferences"] = pydyf.Dictionary({"Direction": "/R2L"})

    return finish


def write(result: PrintResult, target: Path, book: Book) -> None:
    """Write the laid-out book; warnings WeasyPrint logs while writing join the result's. A layout in
    CMYK is checked first for what its PDF/X forbids (print/press/pdfx.py)."""
    if result.press is not None:
        from anthology.print.press import pdfx

        pdfx.before_write(result, target, book)
    with captured_warnings() as warnings:
        result.document.write_pdf(target, pdf_tags=book.print.tagged,
                                  pdf_variant="pdf/ua-1" if book.print.tagged else None,
                                  finisher=reading_direction(book))
    result.warnings += [w for w in warnings if not any(n in w for n in MACHINE_NOTICES)]

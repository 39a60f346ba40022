"""The print edition's source, without WeasyPrint: the book as one HTML document, its page rules,
and the record of the files layouts read. The parent process of a build needs only this (the
layouts happen in workers: print/layout/assemble.py), so it does not import WeasyPrint."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from markupsafe import Markup

from anthology.book.model import Book
from anthology.text import fragments, parallel

_RECORDERS: list[set[Path]] = []  # open recording_fetches() sets (process-wide: why it is safe, docs/architecture.md#state)


@contextmanager
def recording_fetches():
    """Collect the path of every file any BookFetcher serves meanwhile (the build's inputs)."""
    served: set[Path] = set()
    _RECORDERS.append(served)
    try:
        yield served
    finally:  # by identity: two recordings that read the same files are equal sets
        del _RECORDERS[next(i for i, s in enumerate(_RECORDERS) if s is served)]


def record_fetches(paths) -> None:
    """Add files read elsewhere (a worker process, a cached layout) to every open recording."""
    for served in _RECORDERS:
        served.update(Path(p) for p in paths)


DEFAULT_BLEED = 3 * 72 / 25.4  # 3 mm when the manifest names none
MIN_MEDIA_MARGIN = 9 * 72 / 25.4


def press_bleed(book: Book) -> float:
    return book.print.bleed or DEFAULT_BLEED


def press_margin(book: Book) -> float:
    """How far the press PDF's MediaBox reaches beyond the trim. WeasyPrint draws crop marks in the
    outer half of its CSS bleed area, so that area is three times the bleed (9 mm at least): the
    marks then stand outside the bleed, where a printer expects them."""
    return max(3 * press_bleed(book), MIN_MEDIA_MARGIN)


def page_css(book: Book, press: bool, extra: str = "") -> str:
    """The page size, and the press PDF's bleed and marks or the print-on-demand service's bleed;
    `extra`: further @page rules (a service's margins)."""
    from anthology.print.covers import presets

    width, height = book.print.trim
    # !important: the manifest's print: settings win over any @page rule of a book's stylesheet
    # (`@page :left { size: … }` is more specific than this rule)
    rules = [f"size: {width:.2f}pt {height:.2f}pt !important;"]
    if press:
        rules.append(f"bleed: {press_margin(book):.2f}pt !important;")
        rules.append("marks: crop cross !important;")
    css = "@page { " + " ".join(rules) + " }"
    if book.direction == "rtl":  # bound on the right: the first page is a left-hand one, the running
        # heads change sides (the book's title on the verso, now the right-hand page; folios stay outside)
        css += (" @page :left { @top-left { content: string(piecetitle, first); font-size: 8pt; font-style: italic;"
                " font-variant: normal; letter-spacing: normal; } }"
                " @page :right { @top-right { content: string(booktitle); font-size: 8pt; font-style: normal;"
                " font-variant: small-caps; letter-spacing: 0.05em; } }")
    if not press and book.print.printer:
        css += " " + presets.page_rules(presets.PRESETS[book.print.printer], book.print.bleed)
    return css + (" " + extra if extra else "")


def print_label(book: Book) -> str:
    """The print edition's page size in the book's language ("A5, 148 × 210 мм")."""
    return book.labels.trim(book.print.trim_name, *book.print.trim)


def stylesheet_url(book) -> str:
    """The URL of the print edition's one stylesheet (book/styles.py): the tool's file itself when the
    book adds nothing to it, else the tool's rules, the fonts for the book's other scripts
    (book/glyphs.py) and the book's own rules as a data: URL (in gray when the book asks: the
    book's fetcher converts only the files it serves)."""
    import base64

    from anthology.book import glyphs, styles

    fonts_css = glyphs.fonts_css(book.glyphs)
    single = styles.print_single(book, fonts_css)
    if single is not None:
        return single.as_uri()
    text = styles.print_text(book, fonts_css)
    if getattr(book.print, "grayscale", False):
        from anthology.print.covers import grayscale

        text = grayscale.stylesheet(text)
    return "data:text/css;charset=utf-8;base64," + base64.b64encode(text.encode("utf-8")).decode("ascii")


_BODIES: dict = {}  # (fragment, long notes) -> its print HTML: the book's HTML is made more than once


def book_html(book: Book, env, index_entries: list, build_date, page_rules: str,
              long_notes: frozenset[str] = frozenset()) -> str:
    def body_of(fragment):
        if not fragment:
            return fragments.print_body(fragment, long_notes)
        key = (fragment.html, tuple(map(tuple, fragment.notes)), long_notes)
        if key not in _BODIES:
            if len(_BODIES) > 5000:  # a long preview session: start afresh
                _BODIES.clear()
            _BODIES[key] = fragments.print_body(fragment, long_notes)
        return _BODIES[key]

    def notes_of(fragment, prefix):
        return fragments.print_endnotes(fragment, prefix, long_notes, book.labels.notes)

    def render_piece(piece):
        template = env.get_template(f"pieces/{piece.kind}.html")
        body, notes = body_of(piece.body), notes_of(piece.body, piece.id)
        if piece.original is not None and piece.parallel != "off":
            from anthology.print import facing

            original = body_of(piece.original.body)
            notes += notes_of(piece.original.body, f"{piece.id}_original")
            if piece.parallel == "facing":
                return facing.render(book, env, piece, body, original, notes, page_rules)
            body = parallel.body(piece, body, original, book, print_order=True)
        return Markup(template.render(book=book, piece=piece, body=body, notes=notes))

    keywords = ", ".join(["anthology"] + [c.title for c in book.chapters])
    meta = [("author", ", ".join(book.authors or book.editors)), ("keywords", keywords),
            ("description", book.description or book.subtitle or book.title), ("generator", "anthology")]
    meta = [(k, v) for k, v in meta if v]
    return env.get_template("book.html").render(
        book=book, stylesheet=stylesheet_url(book), pdf_meta=meta, index=index_entries,
        render_piece=render_piece, body_of=body_of, notes_of=notes_of,
        link=lambda target: f"#{target}", build_date=build_date, print_label=print_label(book),
        page_css=page_rules,
    )


def set_bleed_box(path: Path, book: Book) -> None:
    """Set each page's BleedBox to the trim grown by the book's bleed (WeasyPrint caps it at 10 pt)."""
    import pikepdf

    from anthology.print import pdffile

    bleed = press_bleed(book)
    with pdffile.rewritten(path) as pdf:
        for page in pdf.pages:
            left, bottom, right, top = (float(v) for v in page.trimbox)
            page.bleedbox = pikepdf.Array([left - bleed, bottom - bleed, right + bleed, top + bleed])

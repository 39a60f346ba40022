"""The print edition's page breaks as EPUB page-break markers and the EPUB's page list.

The print stage gives, for every PDF page, the section (piece, chapter opener, front or back matter
part) whose text begins the page and how many non-space characters of that section came before it
on earlier pages (print/layout/breaks.py reads them from the layout). The EPUB gets a `pagebreak`
marker at the same character in the same section, so the words after marker N are the words at the
top of page N of the PDF.
"""

from __future__ import annotations

from anthology.book.model import Book

END = 10**9  # a character count past the end of any section


def scopes_of(book: Book) -> dict[str, str]:
    """The id of each section the EPUB also has, with its EPUB file name."""
    scopes = {"halftitle": "titlepage.xhtml", "titlepage": "titlepage.xhtml", "rights": "rights.xhtml",
              "credits": "credits.xhtml", "index": "index.xhtml"}
    if book.preface:
        scopes["preface"] = "preface.xhtml"
    for chapter in book.chapters:
        scopes[chapter.id] = chapter.file_name
        for piece in chapter.pieces:
            scopes[piece.id] = piece.file_name
            if piece.original is not None and piece.parallel in ("facing", "columns"):
                from anthology.text import parallel

                for name in parallel.scopes(piece):
                    scopes[name] = piece.file_name
    return scopes


def page_breaks(document, scopes: dict[str, str]):
    """The page breaks of a document laid out whole: print/layout/breaks.page_breaks (kept here for
    the callers of its former place; the print stage's Edition.breaks gives them for any layout)."""
    from anthology.print.layout.breaks import page_breaks as read_breaks

    return read_breaks(document, scopes)


def from_layout(book: Book, document) -> tuple[dict[str, list[tuple[str, int, str]]], list[tuple[str, str]]]:
    """Page-break markers and the page list of a document laid out whole (as from_breaks())."""
    return from_breaks(book, page_breaks(document, scopes_of(book)))


def from_breaks(book: Book, breaks) -> tuple[dict[str, list[tuple[str, int, str]]], list[tuple[str, str]]]:
    """Page-break markers per EPUB file, and the page list (label, href) in reading order, from the
    print edition's (page number, scope, characters before) of every page (Edition.breaks)."""
    scopes = scopes_of(book)
    markers: dict[str, list[tuple[str, int, str]]] = {}
    labels: list[tuple[str, str]] = []
    waiting: list[str] = []  # pages with nothing the EPUB has (blank pages, the contents page)
    last: str | None = None
    for number, scope, chars in breaks:
        if scope is None:
            waiting.append(str(number))
            continue
        for label in waiting + [str(number)]:  # a page without text is marked where the next begins
            markers.setdefault(scopes[scope], []).append((scope, chars, label))
            labels.append((label, f"{scopes[scope]}#page-{label}"))
        waiting = []
        last = scope
    for label in waiting:  # trailing blank pages: at the very end of the last part
        if last is not None:
            markers.setdefault(scopes[last], []).append((last, END, label))
            labels.append((label, f"{scopes[last]}#page-{label}"))
    return markers, labels

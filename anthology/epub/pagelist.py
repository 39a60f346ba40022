"""The print edition's page breaks, read from WeasyPrint's layout, as EPUB page-break positions.

For every PDF page, the first text in the main flow (not running heads, not footnotes) is found,
with the section (piece, chapter opener, front or back matter part) that holds it and how many
non-space characters of that section came before it on earlier pages. The EPUB gets a
`pagebreak` marker at the same character in the same section, so the words after marker N are
the words at the top of page N of the PDF.
"""

from __future__ import annotations

import re


from anthology.book.model import Book

HYPHEN = "\u2010"
END = 10**9  # a character count past the end of any section
_SPACE = re.compile(r"\s+")


_INVISIBLE = dict.fromkeys(map(ord, HYPHEN + "\u00ad\u200b\u2060\ufeff"))  # added by layout or print_body


def _count(text: str) -> int:
    """Non-space characters as the EPUB has them: hyphens of hyphenation, break hints left out."""
    return len(_SPACE.sub("", text.translate(_INVISIBLE)))


def _text_boxes(box, boxes):
    """Text boxes of the main flow in order; pseudo-element text (calls, markers, ::after) skipped.
    `boxes`: WeasyPrint's box module (imported by the caller: page_breaks() runs where layouts are)."""
    if isinstance(box, (boxes.MarginBox, boxes.FootnoteAreaBox)):
        return
    if isinstance(box, boxes.TextBox):
        if "::" not in (box.element_tag or ""):
            yield box
        return
    for child in getattr(box, "children", []):
        yield from _text_boxes(child, boxes)


def page_breaks(document, scopes: dict[str, str]):
    """Yield (page number, scope id, characters before) for each page; scope None when the page
    holds no text of any scope (a blank page, the printed contents).

    `scopes` maps the id of each section the EPUB also has to its EPUB file name.
    """
    from anthology.print.weasy import libraries  # noqa: F401 (before weasyprint: opens its libraries quickly)
    from weasyprint.formatting_structure import boxes
    parents: dict = {}
    roots = {id(page._page_box.children[0].element): page._page_box.children[0].element
             for page in document.pages}  # one per layout joined into the document (print/layout/index_pages.py)
    if not roots:
        return
    for root in roots.values():
        for parent in root.iter():
            for child in parent:
                parents[child] = parent
    scope_cache: dict = {}

    def scope_of(element):
        if element in scope_cache:
            return scope_cache[element]
        node, found = element, None
        while node is not None:
            if "endnotes" in (node.get("class") or "").split():
                break  # notes printed after a piece are notes (asides) in the EPUB: not counted
            if node.get("id") in scopes and node.tag == "section":
                found = node.get("id")
                break
            if node.get("data-scope") in scopes:  # one side of a chunk of parallel text (text/parallel.py)
                found = node.get("data-scope")
                break
            node = parents.get(node)
        scope_cache[element] = found
        return found

    seen: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        first = None
        for box in _text_boxes(page._page_box, boxes):
            scope = scope_of(box.element)
            if scope is None:
                continue
            if first is None:
                first = (number, scope, seen.get(scope, 0))
            seen[scope] = seen.get(scope, 0) + _count(box.text)
        yield first or (number, None, 0)


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


def from_layout(book: Book, document) -> tuple[dict[str, list[tuple[str, int, str]]], list[tuple[str, str]]]:
    """Page-break markers per EPUB file, and the page list (label, href) in reading order."""
    return from_breaks(book, page_breaks(document, scopes_of(book)))


def from_breaks(book: Book, breaks) -> tuple[dict[str, list[tuple[str, int, str]]], list[tuple[str, str]]]:
    """As from_layout(), from page_breaks()'s (page number, scope, characters before) of every page
    (the print edition laid out in units gives them unit by unit: print/layout/parts.py)."""
    scopes = scopes_of(book)
    markers: dict[str, list[tuple[str, int, str]]] = {}
    labels: list[tuple[str, str]] = []
    waiting: list[str] = []  # pages with nothing the EPUB has (blank pages, the contents page)
    last = None
    for number, scope, chars in breaks:
        if scope is None:
            waiting.append(str(number))
            continue
        for label in waiting + [str(number)]:  # a page without text is marked where the next begins
            markers.setdefault(scopes[scope], []).append((scope, chars, label))
            labels.append((label, f"{scopes[scope]}#page-{label}"))
        waiting = []
        last = scope
    for label in waiting if last else []:  # trailing blank pages: at the very end of the last part
        markers.setdefault(scopes[last], []).append((last, END, label))
        labels.append((label, f"{scopes[last]}#page-{label}"))
    return markers, labels

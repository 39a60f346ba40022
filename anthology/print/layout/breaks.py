"""Where each page of a laid-out print edition begins, read from WeasyPrint's boxes: for every
page, the section (an id of scopes_of()) whose main-flow text comes first on it (not running heads,
not footnotes) and how many non-space characters of that section came before it on earlier pages.
The EPUB's page list is made from these (epub/pagelist.from_breaks)."""

from __future__ import annotations

import re

HYPHEN = "\u2010"
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

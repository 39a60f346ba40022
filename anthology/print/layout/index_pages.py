"""The index laid out again on its own and joined to the pages before it, instead of the whole book.

The index is the book's last section and begins on a right-hand page: nothing before it refers to
anything inside it (the contents name only its first page), so its length cannot move an earlier
page. Once a first layout has given every occurrence its page, the index with one locator per page
is laid out alone (after the half-title, which sets the running head of left pages), with its
folios counted from the page where it begins and its locators as those pages' numbers, and its
pages replace the first layout's index pages. The result is checked (same first page, side and
running heads as the first layout's index); when anything differs, or the PDF is tagged (its
structure tree cannot span two layouts), the caller lays the whole book out again instead.
"""

from __future__ import annotations

import dataclasses

from lxml import etree, html as lxml_html


SECTION_ID = "index"


def placeholder(entries: list[dict]) -> list[dict]:
    """The index of a first layout: its first entry with one locator. It begins on the same page as
    the whole index would (nothing before it depends on its length) and costs a fraction of laying
    out every locator in two columns; its pages are replaced by relayout()."""
    return [{**entry, "locators": entry["locators"][:1]} for entry in entries[:1]]


def relayout(book, first, html: str):
    """`first` with its index pages replaced by those of the index in `html` (the whole book's HTML
    with the final index) laid out alone; None when the shortcut does not apply."""
    from anthology.print import pdf

    if book.print.tagged:
        return None
    pages = first.anchor_pages()
    start = pages.get(SECTION_ID)
    alone = _index_alone(html, pages, start) if start else None
    if alone is None:
        return None
    result = pdf.lay_out(book, alone, grayscale=book.print.grayscale, press=pdf.press_colours(book, False))
    index_pages = [n for n, page in enumerate(result.document.pages) if SECTION_ID in page.anchors]
    if index_pages[:1] != [_FIRST_PAGE] or not _same_margins(first.document.pages[start - 1:start + 1],
                                                         result.document.pages[_FIRST_PAGE:_FIRST_PAGE + 2]):
        return None
    document = first.document.copy(first.document.pages[:start - 1] + result.document.pages[_FIRST_PAGE:])
    # everything else the first layout was made with (long notes, page rules …) stays as it was
    return dataclasses.replace(first, document=document, warnings=first.warnings + result.warnings,
                               refused=first.refused + result.refused)


_FIRST_PAGE = 2  # 0-based: the half-title, a blank left-hand page, then the index on the right


def _index_alone(html: str, pages: dict[str, int], start: int) -> str | None:
    """The book's HTML with only the half-title (the first part) and the index, the locators' page
    numbers written in, and the page counter set so that the index begins on page `start`."""
    root = lxml_html.document_fromstring(html)
    body = root.find("body")
    index = [child for child in body if child.get("id") == SECTION_ID]
    if body is None or not index or body[0] is index[0] or body[-1] is not index[0]:
        return None
    for child in list(body)[1:-1]:
        body.remove(child)
    body[0].tail = "\n"
    from anthology.print.layout.parts import number_locators

    rule = number_locators([link for link in index[0].iter("a")
                            if "index-locator" in (link.get("class") or "").split()], pages)
    if rule is None:
        return None
    style = etree.SubElement(root.find("head"), "style")
    style.text = f"@page :first {{ counter-reset: page {start - _FIRST_PAGE} }}\n{rule}\n"
    return "<!DOCTYPE html>\n" + lxml_html.tostring(root, encoding="unicode")


def _margin_texts(page) -> list[tuple[str, str]]:
    found = []
    for box in page._page_box.children:
        if type(box).__name__ == "MarginBox":
            found.append((box.at_keyword, "".join(_texts(box))))
    return sorted(found)


def _texts(box):
    text = getattr(box, "text", None)
    if text is not None:
        yield text
    for child in getattr(box, "children", []):
        yield from _texts(child)


def _same_margins(before, after) -> bool:
    """The running heads and folios of the first index pages (a left and a right one when there are
    two) are the ones the first layout had."""
    return bool(before) and bool(after) and all(
        _margin_texts(a) == _margin_texts(b) and a.width == b.width and a.height == b.height
        for a, b in zip(before, after))

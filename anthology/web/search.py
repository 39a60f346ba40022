"""The search index of the web edition: the plain text of every page worth searching, written as
a small JavaScript file (search-index.js) that search.js reads. A script file, not JSON, because
browsers refuse fetch() of a JSON file on file:// pages, and the site must search from disk too."""

from __future__ import annotations

import json
import re

import lxml.html

from anthology.web.pages import Page


BLOCKS = {"p", "li", "div", "section", "aside", "blockquote", "figure", "figcaption", "h1", "h2", "h3", "h4",
          "h5", "h6", "td", "th", "dt", "dd", "br"}


def page_text(page: Page) -> str:
    """The words of a page's text (notes included; the title and byline are searched apart) in one line."""
    root = lxml.html.fragment_fromstring(str(page.content), create_parent="div")
    for hidden in root.xpath("//*[@aria-hidden='true'] | //header[contains(@class, 'piece-header')] | //nav"
                             " | //*[contains(@class, 'chapter-number')]"):
        hidden.drop_tree()
    for element in root.iter():
        if element.tag in BLOCKS or "line" in (element.get("class") or "").split():  # a verse line
            element.tail = " " + (element.tail or "")  # words of two blocks never run together
    return re.sub(r"\s+", " ", "".join(root.itertext())).strip()


def entries(pages: list[Page]) -> list[dict]:
    out = []
    for page in pages:
        if not page.searchable:
            continue
        entry = {"u": page.name, "t": page.title, "x": page_text(page)}
        if page.crumbs[1:]:
            entry["c"] = page.crumbs[-1][0]
        if page.piece and (page.piece.authors or page.piece.translators):
            entry["a"] = " ".join(page.piece.authors + page.piece.translators)
        out.append(entry)
    return out


def index_script(pages: list[Page]) -> str:
    data = json.dumps(entries(pages), ensure_ascii=False, separators=(",", ":"))
    return "/* The search index of this site: built with the book, read by search.js. */\n" \
           f"window.anthologySearch = {data};\n"

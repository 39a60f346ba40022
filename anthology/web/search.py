"""The search index of the web edition: the plain text of every page worth searching, written as
a small JavaScript file (search-index.js) that search.js reads. A script file, not JSON, because
browsers refuse fetch() of a JSON file on file:// pages, and the site must search from disk too."""

from __future__ import annotations

import json
import re

import lxml.html

from anthology.web.pages import Page


def page_text(page: Page) -> str:
    """The words of a page's content, notes included, in one line."""
    root = lxml.html.fragment_fromstring(str(page.content), create_parent="div")
    for hidden in root.xpath("//*[@aria-hidden='true']"):
        hidden.drop_tree()
    return re.sub(r"\s+", " ", " ".join(root.itertext())).strip()


def entries(pages: list[Page]) -> list[dict]:
    out = []
    for page in pages:
        if not page.searchable:
            continue
        entry = {"u": page.name, "t": page.title, "x": page_text(page)}
        if page.crumbs[1:]:
            entry["c"] = page.crumbs[-1][0]
        out.append(entry)
    return out


def index_script(pages: list[Page]) -> str:
    data = json.dumps(entries(pages), ensure_ascii=False, separators=(",", ":"))
    return "/* The search index of this site: built with the book, read by search.js. */\n" \
           f"window.anthologySearch = {data};\n"

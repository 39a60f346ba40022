"""The shape of an imported text: the title taken out wherever it stands (Standard Ebooks'
`<h2 epub:type="title">`, Word's Heading 1 that repeats the document's title), its subtitle beside it,
and the headings left shifted so that the first level under the title is `##` (h2), the next `###`."""

from __future__ import annotations

import re

from anthology.importers.footnotes import epub_types
from anthology.text.sanitize import remove_element

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_SUBTITLE_TYPES = {"se:bridgehead", "subtitle", "z3998:subtitle"}


def text_of(element) -> str:
    return " ".join("".join(element.itertext()).split())


def same_title(a: str | None, b: str | None) -> bool:
    def norm(text):
        return re.sub(r"[\W_]+", " ", (text or "").casefold()).strip()
    return bool(norm(a)) and norm(a) == norm(b)


def take_title(root, title: str | None) -> tuple[str | None, str | None, list[str]]:
    """Remove the heading that is the piece's title (and a subtitle paragraph in its <header>).

    The title is the heading marked as the title, the first heading when it is the document's first
    element, or any heading equal to the known title. Returns (title, subtitle, what was dropped)."""
    dropped: list[str] = []
    headings = [el for el in root.iter(*HEADINGS)]
    chosen = None
    for heading in headings:
        if same_title(text_of(heading), title):
            chosen = heading
            break
    if chosen is None and title:  # <title>Mozilla - Wikipedia</title> and <h1>Mozilla</h1>
        for heading in headings[:1]:
            name = text_of(heading)
            if heading.tag == "h1" and name and re.match(rf"^{re.escape(name)}\s+[-|–—:·•]+\s+\S", title):
                chosen = heading
    if chosen is None and headings:
        first = headings[0]
        if "title" in epub_types(first) and _is_top(first, headings) or \
                (first.tag == "h1" and not [h for h in headings[1:] if h.tag == "h1"] and title is None):
            chosen = first
    subtitle = None
    if chosen is not None:
        title = text_of(chosen) or title
        header = chosen.getparent()
        if header is not None and header.tag in ("header", "hgroup"):
            for p in header.iter("p"):
                if epub_types(p) & _SUBTITLE_TYPES or header.tag == "hgroup":
                    subtitle = text_of(p) or None
                    remove_element(p)
                    break
        line = f"line {chosen.sourceline}: " if chosen.sourceline else ""
        dropped.append(f"{line}the heading “{text_of(chosen)}” is the piece’s title: it was taken into the "
                       "front matter")
        remove_element(chosen)
    for heading in list(root.iter(*HEADINGS)):  # the title again, further down
        if same_title(text_of(heading), title):
            line = f"line {heading.sourceline}: " if heading.sourceline else ""
            dropped.append(f"{line}the heading “{text_of(heading)}” repeats the title: left out")
            remove_element(heading)
    return title, subtitle, dropped


def _is_top(heading, headings) -> bool:
    """The heading is the highest-level one of the document."""
    return heading.tag == min(h.tag for h in headings)


def shift_headings(root) -> dict[str, str]:
    """The highest heading level left becomes h2 (Markdown `##`, the first level under the piece's
    title), each further level one below the one before (h1, h3 -> h2, h3). Returns the changes."""
    levels = sorted({int(el.tag[1]) for el in root.iter(*HEADINGS)})
    mapping = {f"h{level}": f"h{min(2 + index, 6)}" for index, level in enumerate(levels)}
    for element in root.iter(*HEADINGS):
        element.tag = mapping[element.tag]
    return {old: new for old, new in mapping.items() if old != new}


def languages(root) -> list[str]:
    """The languages marked inside the text (lang on its elements), in order of appearance."""
    seen: list[str] = []
    for element in root.iter():
        if isinstance(element.tag, str):
            lang = element.get("lang")
            if lang and lang not in seen:
                seen.append(lang)
    return seen

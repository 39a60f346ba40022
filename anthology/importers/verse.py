"""Verse in an HTML document: inside an element whose semantics say poem, song or verse (Standard
Ebooks' `z3998:poem`), each paragraph is a stanza and each `<span>` (or each run between `<br>`s) a
line, its indentation class (`i1`, `i2`) kept. Stanzas become `<div class="verse"><p class="stanza">
<span class="line">`, the shape the Markdown writer turns into verse lines."""

from __future__ import annotations

import re

from lxml import etree

from anthology.importers.footnotes import epub_types

VERSE = {"z3998:poem", "z3998:song", "z3998:verse", "z3998:lyrics", "z3998:hymn", "z3998:ballad"}
_INDENT = re.compile(r"^i\d$")


def mark(root) -> tuple[int, int]:
    """Turn the verse of root into stanzas and lines in place; returns (stanzas, lines)."""
    containers = [el for el in root.iter() if isinstance(el.tag, str) and epub_types(el) & VERSE]
    containers = [el for el in containers if not any(a in containers for a in el.iterancestors())]
    stanzas = lines = 0
    for container in containers:
        for p in list(container.iter("p")):
            if p.getparent() is None or any(a.tag == "header" for a in p.iterancestors()):
                continue
            made = _stanza(p)
            if made:
                stanzas += 1
                lines += made
        if container.tag == "blockquote":
            container.tag = "div"  # the verse is set off by its own layout
        _group(container)
    return stanzas, lines


def _stanza(p) -> int:
    """Rewrite a paragraph as a stanza of lines; returns its number of lines (0: left as it was)."""
    spans = [child for child in p if child.tag == "span"]
    others = [child for child in p if child.tag not in ("span", "br")]
    lines: list[tuple[list[str], etree._Element]] = []  # lxml has no stubs: Any to mypy
    if spans and not others and not (p.text or "").strip():
        for span in spans:
            classes = [c for c in (span.get("class") or "").split() if _INDENT.match(c)]
            lines.append((classes, span))
    else:  # text and inline elements separated by <br>
        current = etree.Element("span")
        current.text = p.text
        for child in list(p):
            if child.tag == "br":
                lines.append(([], current))
                current = etree.Element("span")
                current.text = child.tail
            else:
                current.append(child)
        lines.append(([], current))
        if len(lines) < 2 and p.getparent().tag not in ("div", "section", "article", "blockquote", "body"):
            return 0
    for child in list(p):
        p.remove(child)
    p.text = None
    p.attrib.clear()
    p.set("class", "stanza")
    count = 0
    for classes, span in lines:
        if not "".join(span.itertext()).strip():
            continue
        span.tail = None
        span.text = (span.text or "").lstrip()
        if len(span):
            span[-1].tail = (span[-1].tail or "").rstrip()
        else:
            span.text = span.text.rstrip()
        lang = span.get("lang") or span.get("xml:lang")
        span.attrib.clear()
        span.set("class", " ".join(["line"] + classes))
        if lang:
            span.set("lang", lang)
        p.append(span)
        count += 1
    return count


def _group(container) -> None:
    """Consecutive stanzas wrapped in one <div class="verse">."""
    for parent in [container] + list(container.iter()):
        if not isinstance(parent.tag, str):
            continue
        run = []
        for child in list(parent):
            if child.tag == "p" and child.get("class") == "stanza":
                run.append(child)
                continue
            _wrap(parent, run)
            run = []
        _wrap(parent, run)


def _wrap(parent, run) -> None:
    if not run:
        return
    div = etree.Element("div")
    div.set("class", "verse")
    parent.insert(parent.index(run[0]), div)
    for stanza in run:
        tail, stanza.tail = stanza.tail, None
        div.append(stanza)
    div.tail = tail

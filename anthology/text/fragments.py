"""Fragment HTML, finished for one output: notes as EPUB pop-up asides, or as print footnotes."""

from __future__ import annotations

import re

from lxml import etree
from markupsafe import Markup, escape

from anthology.book.model import Fragment
from anthology.text.sanitize import remove_element


def parse(html: str):
    """Parse fragment XHTML into a <div> element (fragments are always well-formed)."""
    return etree.fromstring(f"<div>{html}</div>")


def serialize_children(root) -> str:
    text = root.text or ""
    return text + "".join(etree.tostring(child, encoding="unicode") for child in root)


def epub_body(fragment: Fragment | None) -> Markup:
    return Markup(fragment.html) if fragment else Markup("")


def epub_notes(fragment: Fragment | None, prefix: str) -> Markup:
    """Notes as <aside epub:type="footnote">, number first, linking back to the call."""
    if not fragment or not fragment.notes:
        return Markup("")
    out = []
    for number, content in fragment.notes:
        note = parse(content)
        first = note.find("p")
        back = etree.Element("a")
        back.set("class", "note-number")
        back.set("href", f"#{prefix}-noteref-{number}")
        back.set("role", "doc-backlink")
        back.text = f"{fragment.marks.get(number, number)}."
        back.tail = " " + ((first.text or "") if first is not None else (note.text or ""))
        if first is None:
            first, note.text = note, None
        else:
            first.text = None
        first.insert(0, back)
        series = fragment.series.get(number)
        out.append(
            f'<aside class="footnote{f" note-{series}" if series else ""}" id="{prefix}-note-{number}" '
            f'data-epub-type="footnote" role="doc-footnote">{serialize_children(note)}</aside>'
        )
    return Markup("\n".join(out))


_BREAK_AFTER = re.compile(r"(?<=[/.?&=_-])(?=[^/])")


def _breakable(element) -> None:
    """Let a printed address break after / . ? & = _ - (a zero-width space), never mid-word."""
    for node in element.iter():
        if node.text:
            node.text = _BREAK_AFTER.sub("\u200b", node.text)
        if node is not element and node.tail:
            node.tail = _BREAK_AFTER.sub("\u200b", node.tail)


_BLOCKS = {"ul", "ol", "li", "blockquote", "div", "figure", "figcaption", "h3", "h4", "h5", "h6", "pre",
           "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "dl", "dt", "dd", "hr"}
_SEPARATORS = {"li": "; ", "tr": "; ", "th": " ", "td": " ", "dt": " ", "dd": "; "}


def _inline_only(note) -> None:
    """A printed footnote is one inline run: its blocks (lists, tables, quotes) become spans."""
    for element in list(note.iter()):
        if element is note or element.tag not in _BLOCKS:
            continue
        if element.tag == "hr":
            remove_element(element)
            continue
        if element.tag in _SEPARATORS and element.getnext() is not None:
            element.tail = _SEPARATORS[element.tag] + (element.tail or "")
        element.tag = "span"
    for element in note.iter():  # one run of text: no line breaks left from the blocks
        if element.text:
            element.text = re.sub(r"\s*\n\s*", " ", element.text)
        if element.tail:
            element.tail = re.sub(r"\s*\n\s*", " ", element.tail)


def _note_runs(content: str):
    """A note's content as one inline run (a list of nodes) with its paragraphs as spans."""
    note = parse(content)
    for p in note.iter("p"):
        p.tag = "span"
        p.set("class", "note-p")
    _inline_only(note)
    children = list(note)
    for i, child in enumerate(children):
        if i and child.get("class") == "note-p":
            child.text = " " + (child.text or "")
    return note.text, children


def print_body(fragment: Fragment | None, long_notes: frozenset[str] = frozenset()) -> Markup:
    """The fragment for print: each note call becomes a <span class="footnote"> holding the note
    (for float: footnote), except the notes in `long_notes` (too long for one page's foot), whose
    calls stay links to the end of the piece (see print_endnotes). Links to other pieces point
    inside the one print document."""
    if not fragment:
        return Markup("")
    root = parse(fragment.html)
    for link in root.xpath("//a[contains(@class, 'external')]"):
        _breakable(link)
    for link in root.xpath("//a[contains(@class, 'internal')]"):
        piece, _, anchor = link.get("href", "").partition("#")
        link.set("href", "#" + (anchor or piece.removesuffix(".xhtml")))
    notes = dict(fragment.notes)
    for call in root.xpath("//a[@class='noteref']"):
        target = call.get("href", "#")[1:]
        number = target.rpartition("-note-")[2]
        if target in long_notes:
            call.set("class", "noteref endnote-call")
            continue
        span = etree.Element("span")
        series = fragment.series.get(number)
        span.set("class", f"footnote note-{series}" if series else "footnote")
        span.set("data-n", fragment.marks.get(number, number))
        span.set("id", target)
        span.text, children = _note_runs(notes.get(number, ""))
        for child in children:
            span.append(child)
        span.tail = call.tail
        call.getparent().replace(call, span)
    return Markup(serialize_children(root))


def print_endnotes(fragment: Fragment | None, prefix: str, long_notes: frozenset[str], heading: str) -> Markup:
    """The notes too long for a page's foot, printed after the piece (text never lost)."""
    if not fragment or not long_notes:
        return Markup("")
    out = []
    for number, content in fragment.notes:
        note_id = f"{prefix}-note-{number}"
        if note_id in long_notes:
            mark = escape(fragment.marks.get(number, number))
            out.append(f'<div class="endnote" id="{note_id}"><span class="endnote-number">{mark}.</span> {content}</div>')
    if not out:
        return Markup("")
    return Markup(f'<section class="endnotes"><p class="endnotes-title">{escape(heading)}</p>{"".join(out)}</section>')

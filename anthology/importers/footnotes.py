"""Footnotes of an HTML document, wherever their note links point: a place in the document itself, or
a note in another file beside it (a Standard Ebooks chapter's `endnotes.xhtml`). Each call becomes a
token, each note's content is taken out; a note that cannot be found is reported with its line."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable

from lxml import etree, html as lxml_html

from anthology.text.sanitize import remove_element

NOTE_TOKEN = "ANTHOLOGYNOTEREF{}X"  # stands for a footnote call until the Markdown is written
_NOTE_TEXT = re.compile(r"^\W{0,2}(\d{1,3}|[ivxlc]{1,6}|[*†‡§])\W{0,2}$", re.I)
_BACKLINK_TEXT = {"↑", "↩", "↩︎", "^", "back", "return"}

# href without its fragment -> {id: element} of that other document, or None when it is not there
Resolver = Callable[[str], "dict | None"]


def epub_types(element) -> set[str]:
    """The words of an element's epub:type, however the parser named the attribute."""
    words = set()
    for name, value in element.attrib.items():
        if name == "epub:type" or name.endswith("}type") and "ops" in name:
            words.update(value.split())
    return words


def take(root, resolve: Resolver | None = None) -> tuple[list, list[str]]:
    """Replace each footnote call with a token and take the notes out.

    Returns the notes' content (in call order) and what was lost, each with its line."""
    ids = {el.get("id"): el for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    order: dict[str, int] = {}
    notes, lost = [], []
    for anchor in list(root.iter("a")):
        href = (anchor.get("href") or "").strip()
        if "#" not in href or anchor.getparent() is None:
            continue
        document, _, fragment = href.partition("#")
        text = "".join(anchor.itertext()).strip()
        parent = anchor.getparent()
        marked = parent.tag == "sup" or "noteref" in epub_types(anchor) or \
            any(word in (anchor.get("class") or "") + (anchor.get("role") or "") for word in ("footnote-ref", "noteref"))
        if not marked or not _NOTE_TEXT.match(text) or (document and re.match(r"^[a-z][a-z0-9+.-]*:|^//", document, re.I)):
            continue
        if document:
            found = resolve(document) if resolve else None
            target = found.get(fragment) if found else None
            if target is not None:
                target = copy.deepcopy(target)
        else:
            target = ids.get(fragment)
        line = f"line {anchor.sourceline}: " if anchor.sourceline else ""
        if target is None or target.tag in ("h1", "h2", "h3", "h4"):
            if not document and "noteref" not in epub_types(anchor):
                continue  # a superscript link to a place in the text: not a note
            lost.append(f"{line}the note {text} ({href}) was not found: its call was removed; "
                        "copy the note in by hand")
            remove_element(_remove_call(anchor))
            continue
        key = href
        if key not in order:
            order[key] = len(order) + 1
            notes.append(_note_content(target, anchor.get("id")))
        call = _remove_call(anchor)
        call.tail = NOTE_TOKEN.format(order[key]) + (call.tail or "")
        remove_element(call)
    for container in root.xpath(".//section|.//div|.//ol|.//aside|.//footer"):
        if container.getparent() is not None and _empty(container):
            container.getparent().remove(container)
    return notes, lost


def _remove_call(anchor):
    """The element that stands for the call (the link, or the <sup> around it alone), emptied."""
    parent = anchor.getparent()
    call = parent if parent.tag == "sup" and len(parent) == 1 and not (parent.text or "").strip() else anchor
    call.text = None
    for child in list(call):
        call.remove(child)
    return call


def _note_content(target, ref_id: str | None):
    """The note's content as a <div>, without its back link; the note is removed from the body."""
    for back in list(target.iter("a")):
        href = back.get("href") or ""
        if (ref_id and href.endswith(f"#{ref_id}")) or "backlink" in epub_types(back) \
                or "".join(back.itertext()).strip() in _BACKLINK_TEXT:
            remove_element(back)
    holder = lxml_html.fragment_fromstring("<div></div>")
    if target.tag in ("li", "aside", "div", "section", "p", "span"):
        holder.text = target.text
        for child in list(target):
            holder.append(child)
        if target.tag in ("p", "span"):
            wrapped = etree.SubElement(holder, "p")
            wrapped.text, holder.text = holder.text, None
            for child in list(holder)[:-1]:
                wrapped.append(child)
    if target.getparent() is not None:
        target.getparent().remove(target)
    return holder


def _empty(element) -> bool:
    return not "".join(element.itertext()).strip() and element.find(".//img") is None

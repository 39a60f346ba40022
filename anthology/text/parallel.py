"""Parallel text: a piece's translation and its original cut into aligned chunks, the check that they
pair, and the two texts set together for the reflowable outputs and the print edition's `columns`
and `after` (the print edition's `facing` is print/facing.py). See docs/parallel-text.md.

A chunk is one top-level block of a fragment (a heading, a paragraph, a stanza, a list, a block
quote, a table, a figure), or the blocks that a `:::` fence groups (<div class="chunk">).
"""

from __future__ import annotations

import re

from lxml import etree
from markupsafe import Markup, escape

from anthology.text import fragments

_KINDS = {"h3": "heading", "h4": "heading", "h5": "heading", "h6": "heading", "ul": "list", "ol": "list",
          "blockquote": "block quote", "table": "table", "figure": "figure", "pre": "code block", "hr": "rule",
          "dl": "list"}


def blocks(html: str) -> list:
    """The top-level elements of a fragment (whitespace between them dropped)."""
    return [child for child in fragments.parse(html) if isinstance(child.tag, str)]


def is_group(element) -> bool:
    return element.tag == "div" and "chunk" in (element.get("class") or "").split()


def chunks(html: str) -> list[str]:
    """The fragment's aligned chunks, each as HTML (a group's blocks without their <div>)."""
    out = []
    for element in blocks(html):
        tail, element.tail = element.tail, None
        out.append(fragments.serialize_children(element) if is_group(element)
                   else etree.tostring(element, encoding="unicode"))
        element.tail = tail
    return out


def kind(element) -> str:
    """What a chunk is, in words, for a message."""
    if is_group(element):
        return "::: group"
    classes = (element.get("class") or "").split()
    if "stanza" in classes:
        return "refrain" if "refrain" in classes else "stanza"
    return _KINDS.get(element.tag, "paragraph")


def _start(element) -> str:
    text = re.sub(r"\s+", " ", " ".join(_text(element))).strip()
    return text[:40] + ("…" if len(text) > 40 else "")


def _text(element):
    """The element's words, without the notes' (footnote spans of print, note calls)."""
    if element.get("class") in ("noteref", "footnote"):
        yield element.tail or ""
        return
    yield element.text or ""
    for child in element:
        if isinstance(child.tag, str):
            yield from _text(child)
        else:
            yield child.tail or ""
    yield element.tail or ""


def source_lines(source: str, first_line: int, html: str) -> list[int]:
    """The source line of each chunk: found by the chunk's first word, searched forward in the
    Markdown (the converted HTML keeps no line numbers)."""
    lines, position = [], 0
    fences = [m.start() for m in re.finditer(r"^:::[ \t]*(chunk)?[ \t]*$", source, re.M)]
    for element in blocks(html):
        if is_group(element):
            opening = next((f for f in fences if f >= position), None)
            if opening is not None:
                fences = fences[fences.index(opening) + 2:]
                lines.append(first_line + source.count("\n", 0, opening))
                position = opening + 3
                continue
        words = re.findall(r"\w{2,}", " ".join(_text(element)))
        found = source.find(words[0], position) if words else -1
        if found < 0:
            lines.append(lines[-1] if lines else first_line)
            continue
        lines.append(first_line + source.count("\n", 0, found))
        position = found + len(words[0])
    return lines


def pairing_problem(translation: str, original: str) -> tuple[int, str] | None:
    """None when both fragments have as many chunks; else (0-based index of the first chunk that
    does not pair, what is wrong)."""
    left, right = blocks(translation), blocks(original)
    if len(left) == len(right):
        return None
    sizes = [(len(" ".join(_text(a))), len(" ".join(_text(b)))) for a, b in zip(left, right)]
    ratio = (sum(b for _, b in sizes) or 1) / (sum(a for a, _ in sizes) or 1)  # how much longer the original runs
    for index, (a, b) in enumerate(zip(left, right)):
        if kind(a) != kind(b):
            return index, f"chunk {index + 1} is a {kind(a)} in the translation but a {kind(b)} in the original"
        ours, theirs = sizes[index]
        if max(ours, theirs) >= 40 and not 0.4 < (theirs / max(ours, 1)) / ratio < 2.5:
            return index, (f"chunk {index + 1} (“{_start(a)}” and “{_start(b)}”) differs in length too much "
                           "to be the same text")
    index = min(len(left), len(right))
    longer, element = ("translation", left[index]) if len(left) > len(right) else ("original", right[index])
    return index, f"the {longer} goes on with a {kind(element)} (“{_start(element)}”) that the other has not"


def counts(translation: str, original: str) -> tuple[int, int]:
    return len(blocks(translation)), len(blocks(original))


def scopes(piece) -> list[str]:
    """The ids of both sides of every chunk (the original's title is o0), as interleaved() and the
    facing pages mark them for the page list (epub/pagelist.py)."""
    count = len(blocks(piece.body.html))
    return [f"{piece.id}_o0"] + [f"{piece.id}_{side}{n}" for n in range(1, count + 1) for side in "to"]


# --- the two texts together -------------------------------------------------------------------

def _lang(original, xml: bool) -> str:
    code = escape(original.language)
    return f' lang="{code}"' + (f' xml:lang="{code}"' if xml else "") + f' dir="{original.direction}"'


def interleaved(piece, translation: str, original: str, xml: bool = False, print_order: bool = False) -> Markup:
    """Chunk after chunk: each chunk of the translation, then its original, in a pair (the EPUB, the
    web edition, and `columns` in print, where the pair is a two-column grid with the original on the
    left: `print_order` puts it first). Every side has `data-scope`, the page list's unit
    (epub/pagelist.py): the print edition counts characters side by side."""
    from anthology.text import markup

    mode = piece.parallel
    title = markup.inline(piece.original.title or piece.title)
    out = [f'<div class="parallel parallel-{mode}" data-original-language="{escape(piece.original.language)}">',
           f'<div class="chunk-original original-heading" id="{piece.id}_o0" data-scope="{piece.id}_o0"'
           f'{_lang(piece.original, xml)}><p class="piece-title-original">{title}</p></div>']
    for number, (ours, theirs) in enumerate(zip(chunks(translation), chunks(original)), start=1):
        t = (f'<div class="chunk-translation" id="{piece.id}_t{number}" data-scope="{piece.id}_t{number}">'
             f'{ours}</div>')
        o = (f'<div class="chunk-original" id="{piece.id}_o{number}" data-scope="{piece.id}_o{number}"'
             f'{_lang(piece.original, xml)}>{theirs}</div>')
        out.append(f'<div class="chunk-pair">{o + t if print_order else t + o}</div>')
    out.append("</div>")
    return Markup("\n".join(out))


def after(piece, translation: str, original: str, book, xml: bool = False) -> Markup:
    """The translation, then the original under its own title."""
    o, labels = piece.original, book.labels
    title = o.title or piece.title
    heading = escape(labels.format("original_text", language=labels.language(o.language)))
    from anthology.text import markup

    return Markup(
        f'{translation}\n<section class="original-text" id="{piece.id}_original" aria-labelledby="{piece.id}_original-title"'
        f'{_lang(o, xml)}>\n<p class="original-label"{_book_lang(book, xml)}>{heading}</p>\n'
        f'<h3 class="original-title" id="{piece.id}_original-title">{markup.inline(title)}</h3>\n{original}\n</section>')


def _book_lang(book, xml: bool) -> str:
    code = escape(book.language)
    return f' lang="{code}"' + (f' xml:lang="{code}"' if xml else "")


def body(piece, translation: str, original: str, book, xml: bool = False, print_order: bool = False) -> Markup:
    """A piece's body with its original as its `parallel:` mode asks (facing is interleaved here:
    the reflowable outputs have no spreads)."""
    if piece.original is None or piece.parallel == "off":
        return Markup(translation)
    if piece.parallel == "after":
        return after(piece, translation, original, book, xml)
    return interleaved(piece, translation, original, xml, print_order)


def epub_body(piece, book, xml: bool = True) -> Markup:
    """The piece's body for the EPUB (xml:lang too) and the web edition (xml=False)."""
    if piece.original is None or piece.parallel == "off":
        return fragments.epub_body(piece.body)
    return body(piece, fragments.epub_body(piece.body), fragments.epub_body(piece.original.body), book, xml)


def web_switch(piece, book) -> Markup:
    """The web edition's switch (translation, original, both), hidden until site.js shows it."""
    labels = book.labels
    original = f"{labels.show_original} ({labels.language(piece.original.language)})"
    buttons = [("translation", labels.show_translation), ("original", original), ("both", labels.show_both)]
    out = [f'<div class="parallel-switch" role="group" aria-label="{escape(labels.show_text)}" hidden>',
           f'<span class="parallel-switch-label" aria-hidden="true">{escape(labels.show_text)}:</span>']
    out += [f'<button type="button" data-show="{name}" aria-pressed="{str(name == "both").lower()}">{escape(text)}</button>'
            for name, text in buttons]
    return Markup("".join(out) + "</div>")


def web_body(piece, book) -> Markup:
    """The piece's body for the web edition: as the EPUB's, with the switch before interleaved text."""
    html = epub_body(piece, book, xml=False)
    if piece.original is not None and piece.parallel in ("facing", "columns"):
        return Markup(web_switch(piece, book) + html)
    return html


def epub_notes(piece) -> Markup:
    """Both sides' notes, the translation's first (the original's asides marked with its language)."""
    notes = fragments.epub_notes(piece.body, piece.id)
    if piece.original is None or piece.parallel == "off":
        return notes
    theirs = fragments.epub_notes(piece.original.body, f"{piece.id}_original")
    if not theirs:
        return notes
    code = escape(piece.original.language)
    theirs = Markup(re.sub(r'<aside class="footnote', f'<aside lang="{code}" dir="{piece.original.direction}" '
                                                      'class="footnote', str(theirs)))
    return Markup(notes + "\n" + theirs)

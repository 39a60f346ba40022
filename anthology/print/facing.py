"""Facing pages: a piece's original on the left-hand pages and its translation on the right-hand
pages, in step (docs/parallel-text.md, "How the facing layout finds its page breaks").

1. Measure: both sides' chunks are laid out once, in one WeasyPrint document with the book's
   stylesheet and page rules, every chunk opening a page of its own. Each chunk's pages, how much
   of its last page it fills (flow and footnotes), and for a chunk longer than a page where each
   following page begins (the non-space characters of each block on earlier pages) are read from
   the boxes.
2. Group: chunks go into spreads greedily, in order, while both sides' chunks still fit one page
   (the measured heights added up, with a line of slack). A chunk longer than a page on either side
   has its spreads alone; it is cut where its measured pages break, on each side, and the shorter
   side is padded with blank pages.
3. Emit: HTML only. Each spread is an original page (`break-before: left`) and a translation page
   (`break-before: right`); WeasyPrint puts in the blank page of a padded side by itself. The piece
   is then laid out with the rest of the book (in parts or whole) like any other: each side's notes
   float to the foot of their own page, running heads and folios are the book's.

The layout of step 1 costs about as much as the piece's own; it is remembered for the build and in
the build cache (keyed by its HTML), so a book lays it out again only when the piece changed.
"""

from __future__ import annotations

import copy
import hashlib
import re
from dataclasses import dataclass, field

from lxml import etree
from markupsafe import Markup, escape

from anthology.print.layout.breaks import _count, _text_boxes  # the page list's own counting
from anthology.text import fragments, markup, parallel

SLACK = 16.0  # points kept free on a page of several chunks (collapsing margins, a note's separator)


@dataclass
class Chunk:
    """One chunk of one side as measured, laid out from the top of a page."""

    pages: list[list[list[int]]] = field(default_factory=list)  # per page: [block index, its characters there]
    flow: float = 0.0  # points of flow its last page holds
    notes: float = 0.0  # points of footnotes on its last page (separator included)

    @property
    def long(self) -> bool:
        return len(self.pages) > 1


def render(book, env, piece, body: Markup, original: Markup, notes: Markup, page_rules: str) -> Markup:
    """The piece's section for print, its spreads in step (body, original: print HTML of each side)."""
    template = env.get_template(f"pieces/{piece.kind}.html")
    html = str(template.render(book=book, piece=piece, body=Markup('<div class="facing-sentinel"></div>'),
                               notes=notes))
    section = etree.fromstring(html.encode("utf-8"), etree.HTMLParser(encoding="utf-8")).find(".//section")
    header = section.find("header")
    sentinel = section.find(".//div[@class='facing-sentinel']")
    body_div = sentinel.getparent()
    body_div.remove(sentinel)
    notes_section = section.find("section")
    for child in list(section):
        section.remove(child)
    section.text = "\n"
    section.set("class", (section.get("class") or "") + " parallel-facing")
    theirs = _original_header(piece)
    chunks = {"o": [theirs] + parallel.chunks(str(original)), "t": [_tostring(header)] + parallel.chunks(str(body))}
    body_class = body_div.get("class") or "piece-body"
    sides = {side: [_layout_chunk(piece, side, run, chunks[side], body_class) for run in glued(chunks)]
             for side in "ot"}
    measures, height = measure(book, piece, sides, page_rules)
    code, direction = escape(piece.original.language), piece.original.direction
    for group in groups(measures, height):
        pages = {side: _pages(piece, side, sides[side], measures[side], group) for side in "ot"}
        for number in range(max(len(pages["o"]), len(pages["t"]))):
            for side in "ot":
                if number >= len(pages[side]):
                    continue
                extra = f' lang="{code}" dir="{direction}"' if side == "o" else ""
                name = "original" if side == "o" else "translation"
                page = etree.fromstring(f'<div class="facing-page facing-{name}"{extra}>{pages[side][number]}</div>')
                page.tail = "\n"
                section.append(page)
    if notes_section is not None:
        section.append(notes_section)
    return Markup(etree.tostring(section, encoding="unicode", method="xml"))


def _tostring(element) -> str:
    element.tail = None
    return etree.tostring(element, encoding="unicode", method="xml")


def _original_header(piece) -> str:
    """The left-hand page's heading: the original's title (the translation's, when it has none)."""
    title = markup.inline(piece.original.title or piece.title)
    return (f'<header class="piece-header original-header"><p class="piece-title-original" '
            f'id="{piece.id}_original-title">{title}</p></header>')


_HEADING = re.compile(r"^\s*<(h[1-6]|header)\b")


def glued(chunks: dict[str, list[str]]) -> list[range]:
    """The chunks laid out together: a heading (or the piece's header) on either side goes with the
    chunk after it, so that it never ends a page."""
    count = min(len(chunks["o"]), len(chunks["t"]))
    runs, start = [], 0
    for index in range(count):
        if index + 1 < count and any(_HEADING.match(chunks[side][index]) for side in "ot"):
            continue
        runs.append(range(start, index + 1))
        start = index + 1
    return runs


def _layout_chunk(piece, side: str, run: range, chunks: list[str], body_class: str) -> str:
    """Chunks laid out as one: each in a part with the page list's data-scope (epub/pagelist.py),
    the header alone, the others in the piece's body class (lyrics: the verse)."""
    parts = []
    for index in run:
        scope = f' data-scope="{piece.id}_{side}{index}"' if index or side == "o" else ""
        kind = "facing-part" if index == 0 else f"{body_class} facing-part"
        parts.append(f'<div class="{kind}"{scope}>{chunks[index]}</div>')
    return "".join(parts)


def _wrapped(html: str) -> str:
    return f'<div class="facing-chunk">{html}</div>'


# --- 1. measure ---------------------------------------------------------------------------------

def measure(book, piece, sides: dict[str, list[str]], page_rules: str) -> tuple[dict[str, list[Chunk]], float]:
    from anthology import templating as templates

    stylesheet = templates.resource(book.root, "styles/book.css").as_uri()
    parts = []
    for side in "ot":
        extra = f' lang="{escape(piece.original.language)}" dir="{piece.original.direction}"' if side == "o" else ""
        for index, html in enumerate(sides[side]):
            parts.append(f'<div class="facing-measure" data-m="{side}{index}"{extra}>{_wrapped(html)}</div>')
    html = (f'<!DOCTYPE html>\n<html lang="{escape(book.language)}"><head><meta charset="utf-8"/>'
            f'<link rel="stylesheet" href="{escape(stylesheet)}"><style>{page_rules}\n'
            '.facing-measure { break-before: page; }</style></head><body class="print">'
            f'<section class="piece piece-{piece.kind} parallel-facing">{"".join(parts)}</section></body></html>')
    from anthology import cache

    key = hashlib.sha256(html.encode()).hexdigest()
    measured = cache.per_build("facing-measures")  # (the stylesheet's fonts may change between builds)
    if key not in measured:
        measured[key] = _cached(book, key, html, {side: len(sides[side]) for side in "ot"})
    found = measured[key]
    return {side: [Chunk(**data) for data in found[side]] for side in "ot"}, found["height"]


def _cached(book, key: str, html: str, counts: dict[str, int]) -> dict:
    from anthology import cache

    entry_key = cache.key("facing-measure", key)
    entry = cache.lookup(entry_key)
    if entry is not None and isinstance(entry.data.get("measures"), dict):
        return entry.data["measures"]
    from anthology.print import pdf
    from anthology.print.layout import parts

    with pdf.recording_fetches() as fetched:
        html, shared = parts._without_stylesheet(book, html)  # the stylesheet parsed once a process
        options: dict = {} if shared is None else {"font_config": shared.font_config, "stylesheets": [shared.sheet]}
        result = pdf.lay_out(book, html, grayscale=book.print.grayscale, lxml_parsed=True, **options)
        if shared is not None:
            pdf.record_fetches(shared.fetched)
    measures = _read(result.document, counts)
    cache.store(entry_key, sorted(fetched), {}, {"measures": measures}, prune_now=False)
    return measures


def _read(document, counts: dict[str, int]) -> dict:
    """Every chunk's pages (the characters of each of its blocks on each) and how much of its last
    page it fills, from the measuring layout's boxes; and the height of a page's flow. `counts`: the
    chunks of each side (one the layout did not show is taken as one page: nothing is dropped)."""
    from anthology.print.weasy import libraries  # noqa: F401
    from weasyprint.formatting_structure import boxes

    found: dict[str, dict] = {}
    height = 0.0
    for page in document.pages:
        page_box = page._page_box
        top = page_box.content_box_y()
        height = max(height, page_box.height)
        chunk_box = _find(page_box, lambda b: b.element is not None and b.element.get("data-m"))
        if chunk_box is None:
            continue
        entry = found.setdefault(chunk_box.element.get("data-m"), {"pages": [], "flow": 0.0, "notes": 0.0})
        inner = _find(chunk_box, lambda b: b.element is not None and "facing-chunk" in (b.element.get("class") or ""))
        on_page = []
        if inner is not None:
            children = [child for child in inner.element if isinstance(child.tag, str)]
            for block in inner.children:
                if block.element in children:
                    on_page.append([children.index(block.element), sum(_count(t.text) for t in _text_boxes(block, boxes))])
        entry["pages"].append(on_page)
        entry["flow"] = chunk_box.position_y + chunk_box.margin_height() - top
        entry["notes"] = sum(area.margin_height() for area in page_box.children
                             if isinstance(area, boxes.FootnoteAreaBox) and area.children)
    out: dict = {side: [found.get(f"{side}{i}", {"pages": [[]], "flow": 0.0, "notes": 0.0})
                  for i in range(counts[side])] for side in "ot"}
    out["height"] = height
    return out


def _find(box, test):
    if test(box):
        return box
    for child in getattr(box, "children", []):
        if child.__class__.__name__ in ("FootnoteAreaBox",) or "Margin" in child.__class__.__name__:
            continue
        hit = _find(child, test)
        if hit is not None:
            return hit
    return None


# --- 2. group -------------------------------------------------------------------------------------

def groups(measures: dict[str, list[Chunk]], height: float) -> list[range]:
    """Chunks in spreads: consecutive chunks while both sides fit a page of `height` points of flow;
    a chunk of several pages (on either side) alone."""
    count = min(len(measures["o"]), len(measures["t"]))
    out: list[range] = []
    start = 0
    while start < count:
        end = start + 1
        if not any(measures[side][start].long for side in "ot"):
            while end < count and not any(measures[side][end].long for side in "ot") \
                    and all(_fits(measures[side][start:end + 1], height) for side in "ot"):
                end += 1
        out.append(range(start, end))
        start = end
    return out


def _fits(chunks: list[Chunk], height: float) -> bool:
    """Whether chunks, each measured alone at a page's top, fit one page together."""
    return sum(c.flow + c.notes for c in chunks) + SLACK <= height


# --- 3. emit ----------------------------------------------------------------------------------------

def _pages(piece, side: str, chunks: list[str], measures: list[Chunk], group: range) -> list[str]:
    """The HTML of each page of one side of a spread group."""
    if len(group) == 1 and measures[group.start].long:
        return [_wrapped(html) for html in cut(chunks[group.start], measures[group.start].pages)]
    return [_wrapped("".join(chunks[i] for i in group))]


def cut(html: str, pages: list[list[list[int]]]) -> list[str]:
    """A chunk's HTML cut into its measured pages: `pages[k]` lists the blocks on page k with their
    non-space characters there. A block cut inside is cut before the word that holds the first
    character of the next page (a word hyphenated over the page goes to the next page whole)."""
    blocks = [b for b in fragments.parse(html) if isinstance(b.tag, str)]
    pages = [list(map(list, page)) for page in pages] or [[]]
    shown = {index for page in pages for index, _ in page}
    for index in range(len(blocks)):  # a block no page showed (none should be) goes with the one before it
        if index not in shown:
            number = next((n for n, page in enumerate(pages) if any(i == index - 1 for i, _ in page)), 0)
            pages[number].append([index, 0])
            pages[number].sort()
            shown.add(index)
    last_page = {index: number for number, page in enumerate(pages) for index, _ in page}
    done = [0] * len(blocks)
    out = []
    for number, page in enumerate(pages):
        parts = []
        for index, chars in page:
            if index >= len(blocks):
                continue
            part = copy.deepcopy(blocks[index])
            part.tail = None
            if done[index]:
                _mark(_drop_before(part, done[index]), "facing-continued")
            if last_page[index] > number:
                _mark(_drop_after(part, chars), "facing-continues")
            done[index] += chars
            parts.append(etree.tostring(part, encoding="unicode"))
        if parts:
            out.append("".join(parts))
    return out


_BLOCK_TAGS = {"p", "li", "dt", "dd", "td", "th", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6", "pre"}


def _mark(element, name: str) -> None:
    """Mark the block a page cut goes through (its last line justified, or no indent)."""
    if element is not None:
        element.set("class", " ".join((element.get("class") or "").split() + [name]))


def _skipped(element) -> bool:
    return "footnote" in (element.get("class") or "").split()


def _visible_text(element):
    yield element.text or ""
    for child in element:
        if isinstance(child.tag, str) and not _skipped(child):
            yield from _visible_text(child)
        yield child.tail or ""


def _nodes(element):
    """(owner, is_tail) of each text node in order, inside note spans skipped."""
    yield element, False
    for child in element:
        if isinstance(child.tag, str) and not _skipped(child):
            yield from _nodes(child)
        yield child, True


def _split_point(element, chars: int):
    """(owner, is_tail, offset) of the start of the word holding non-space character `chars`."""
    count = 0
    for node, is_tail in _nodes(element):
        text = (node.tail if is_tail else node.text) or ""
        for match in re.finditer(r"\S+", text):
            length = _count(match.group())
            if count + length > chars:
                return node, is_tail, match.start()
            count += length
    return None


def _holder(node, is_tail, element):
    """The innermost block element that holds a text node."""
    holder = node.getparent() if is_tail and node is not element else node
    while holder is not element and holder.tag not in _BLOCK_TAGS:
        holder = holder.getparent()
    return holder


def _drop_after(element, chars: int):
    """Keep the element's text up to the word holding non-space character `chars`; return the block cut."""
    point = _split_point(element, chars)
    if point is None:
        return None
    node, is_tail, offset = point
    holder = _holder(node, is_tail, element)
    if is_tail:
        node.tail = node.tail[:offset].rstrip()
        anchor = node
    else:
        node.text = node.text[:offset].rstrip()
        for child in list(node):
            node.remove(child)
        anchor = node
        if anchor is element:
            return holder
        anchor.tail = None
    while anchor is not element:
        parent = anchor.getparent()
        for sibling in list(anchor.itersiblings()):
            parent.remove(sibling)
        if parent is not element:
            parent.tail = None
        anchor = parent
    return holder


def _drop_before(element, chars: int):
    """Keep the element's text from the word holding non-space character `chars`; return the block cut."""
    point = _split_point(element, chars)
    if point is None:
        return None
    node, is_tail, offset = point
    holder = _holder(node, is_tail, element)
    if is_tail:
        node.tail = node.tail[offset:]
        anchor = node
        parent = anchor.getparent()
        keep_tail = anchor.tail
        for sibling in list(anchor.itersiblings(preceding=True)):
            parent.remove(sibling)
        parent.text = keep_tail or ""
        parent.remove(anchor)
        anchor = parent
    else:
        node.text = node.text[offset:]
        anchor = node
        if anchor is not element:
            parent = anchor.getparent()
            for sibling in list(anchor.itersiblings(preceding=True)):
                parent.remove(sibling)
            parent.text = None
            anchor = parent
    while anchor is not element:
        parent = anchor.getparent()
        for sibling in list(anchor.itersiblings(preceding=True)):
            parent.remove(sibling)
        parent.text = None
        anchor = parent
    return holder

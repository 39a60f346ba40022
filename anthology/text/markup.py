"""Markdown text -> a safe XHTML Fragment: footnotes apart, figures, marked lists, verse, checked links."""

from __future__ import annotations

import functools
import re
from contextlib import contextmanager
from html import escape
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable

import markdown
from lxml import etree, html as lxml_html

from anthology.book import images as image_files
from anthology.book import languages
from anthology.book import limits
from anthology.book.model import Fragment
from anthology.text import typography
from anthology.text.sanitize import remove_element, sanitize

MARKERS = "□■►▪•◆◇▸"
_MARKER_LINE = re.compile(rf"^([{MARKERS}])[ \u00a0\t]*(\S.*)$")
_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+[\"']([^\"']*)[\"'])?\s*\)")
_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(\s*<?([^)\s>]+)>?[^)]*\)")
_NOTE_REF = re.compile(r"\[\^([^\]\s]+)\](?!:)")
_NOTE_DEF = re.compile(r"^\[\^([^\]\s]+)\]:", re.M)
_EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)



@dataclass
class Context:
    """Where the Markdown comes from and how to report and resolve things in it."""

    source: Path           # the Markdown file
    first_line: int        # file line of the text's first line
    root: Path             # the book's folder: nothing outside it may be used
    id_prefix: str         # prefix for every id in this fragment (unique across the book)
    report: Callable[[int | None, str], None]
    piece_for: Callable[[Path], str | None] = lambda path: None  # a .md path -> piece id
    kind: str = "article"
    warn: Callable[[int | None, str], None] = lambda line, message: None  # a problem that does not stop the build
    language: str = "en"   # the language the text is written in (a piece's language:, else the book's)
    anchor_link: Callable[[int, str, str, str], None] = lambda line, target, prefix, anchor: None
    # ^ a link to an anchor (line, as written, the id prefix of the text it points into, the anchor),
    #   checked once every text of the book is read
    series: dict[str, str] | None = None  # "tn"/"ed" -> the label printed with such a note ("Trans.")
    conversions: Conversions | None = None  # the reading's remembered conversions (remembered_conversions())


def _converter() -> markdown.Markdown:
    return markdown.Markdown(
        # no smarty: quotes, dashes and spaces follow each element's language (text/typography.py)
        extensions=["footnotes", "tables", "attr_list", "sane_lists", "md_in_html"],
        extension_configs={
            "footnotes": {"USE_DEFINITION_ORDER": False, "BACKLINK_TEXT": "", "SUPERSCRIPT_TEXT": "{}"},
        },
        output_format="xhtml",
    )


_MD = _converter()


def render(text: str, ctx: Context) -> Fragment:
    """Convert one Markdown text (no front matter) into a Fragment, reporting problems to ctx."""
    images = _check_images(text, ctx)
    _check_links(text, ctx)
    _check_notes(text, ctx)
    source = _lyrics_to_markdown(text) if ctx.kind == "lyrics" else _marker_lists(text)
    source = _chunk_fences(source, ctx)
    try:
        body = _convert(source, ctx.conversions)
    except RecursionError:
        ctx.report(ctx.first_line, "the text nests too deeply for the Markdown converter (quotes, lists or "
                                   "emphasis inside each other): simplify it")
        return Fragment(html="")
    root = lxml_html.fragment_fromstring(body or "<p></p>", create_parent="div")
    depth, _element = limits.deepest(root)
    if depth > limits.MAX_TREE_DEPTH:
        line = limits.html_depth_line(text)  # raw HTML: where its tags open too deep
        if line is None:  # else the line where markup characters are densest (emphasis in emphasis …)
            counts = [sum(row.count(c) for c in "*_>[`~") for row in text.split("\n")]
            line = counts.index(max(counts)) + 1
        line += ctx.first_line - 1
        ctx.report(line, f"elements nested {depth} deep (raw HTML, emphasis, quotes or lists inside each other), "
                         f"more than the limit of {limits.MAX_TREE_DEPTH}: simplify it")
        return Fragment(html="")
    _table_alignment(root)
    refused = sanitize(root)
    _languages(root, text, ctx)
    typography.apply(root, ctx.language)
    links = _rewrite_links(root, ctx)  # before the notes are taken out: links in notes too
    notes, marks, series = _take_notes(root, ctx.id_prefix, ctx.series or {})
    _figures(root)
    _marked_lists(root)
    if ctx.kind == "lyrics":
        _verse(root)
    _heading_ids(root, ctx.id_prefix)
    _check_raw_images(root, text, ctx, images, refused)
    return Fragment(html=_serialize(root), notes=notes, images=images, links=links, marks=marks, series=series)


def _source_line(text: str, src: str, ctx: Context) -> int | None:
    """The line of an image source in the text: as an attribute value first, else anywhere."""
    for needle in (f'"{src}"', f"'{src}'", f"({src}", src):
        index = text.find(needle)
        if index >= 0:
            return _line(text, index, ctx)
    return None


def _check_raw_images(root, text: str, ctx: Context, images: list[Path], refused: list[str]) -> None:
    """Every <img> (Markdown or raw HTML) must be a file inside the book; others are dropped.

    Markdown images were checked (with alt text) before conversion; raw HTML ones are checked here,
    including those whose remote or file: source the sanitizer took away."""
    reported = {target for _alt, target in ((m.group(1), m.group(2)) for m in _IMAGE.finditer(text))}
    for src in refused:
        if src not in reported:
            ctx.report(_source_line(text, src, ctx), f"the image '{src}' is not a file in the book's folder: "
                                                     "put the image in the book and use a relative path")
    for img in list(root.iter("img")):
        src = img.get("src", "")
        path = _inside(ctx, src) if src and not _EXTERNAL.match(src) and not src.startswith("/") else None
        if path is None or not path.is_file() or path.suffix.lower() not in IMAGE_TYPES:
            if src and src not in reported:
                ctx.report(_source_line(text, src, ctx), f"the image '{src}' is not an image file inside "
                                                         "the book's folder: put the image in the book and "
                                                         "use a relative path")
            parent = img.getparent()
            if parent.tag == "figure":
                parent.getparent().remove(parent)
            else:
                remove_element(img)
            continue
        if path not in images:
            images.append(path)
            _verify_image(ctx, _source_line(text, src, ctx), src, path)
        img.set("src", _root_relative(ctx, src))


def _serialize(root) -> str:
    parts = [root.text or ""] if (root.text or "").strip() else []
    for child in root:
        parts.append(etree.tostring(child, method="xml", encoding="unicode"))
    return "".join(parts)


@dataclass
class Conversions:
    """One reading of a book (remembered_conversions()): the Markdown conversions of earlier builds
    (sha256 of a source -> its HTML, from the build cache), and what this reading converted or took
    from there (stored afterwards)."""

    known: dict[str, str] = field(default_factory=dict)
    used: dict[str, str] = field(default_factory=dict)


def _convert(source: str, conversions: Conversions | None = None) -> str:
    """Python-Markdown's HTML for a text (a pure function of the text, which remembered_conversions()
    keeps between builds: an edit converts the edited piece only)."""
    if conversions is None:
        _MD.reset()
        return _MD.convert(source)
    import hashlib

    key = hashlib.sha256(source.encode()).hexdigest()
    body = conversions.known.get(key)
    if body is None:
        _MD.reset()
        body = _MD.convert(source)
    conversions.used[key] = body
    return body


@contextmanager
def remembered_conversions():
    """While a book is read (give what it yields to each Context): conversions of earlier builds are
    taken from the build cache, and this book's are stored there afterwards (only this book's: the
    entry does not grow with edits)."""
    from anthology import cache

    entry_key = cache.key("markdown-conversions")
    entry = cache.lookup(entry_key)
    conversions = Conversions()
    if entry is not None and isinstance(entry.data.get("html"), dict):
        conversions.known.update(entry.data["html"])
    yield conversions
    if conversions.used and conversions.used.keys() != conversions.known.keys():
        cache.store(entry_key, [], {}, {"html": dict(conversions.used)}, prune_now=False)


@functools.lru_cache(maxsize=4096)
def inline(text: str, language: str = "en") -> str:
    """Markdown for a single line (titles, credits): inline markup only, escaped and sanitized, with the
    typography of `language`. Remembered (a pure function of the text): the templates ask for each
    title several times (the contents, the running heads, the credits, the EPUB's navigation), a
    thousand times at 10x."""
    _MD.reset()
    body = _MD.convert(text.replace("\n", " "))
    root = lxml_html.fragment_fromstring(body or "<p></p>", create_parent="div")
    sanitize(root)
    for element in root.iter():
        if isinstance(element.tag, str) and element.get("lang") and not element.get("dir") \
                and not languages.problem(element.get("lang")) \
                and languages.direction(element.get("lang")) != languages.direction(language):
            element.set("dir", languages.direction(element.get("lang")))
    typography.apply(root, language)
    first = root[0] if len(root) else root
    return escape(first.text or "", quote=False) + "".join(
        etree.tostring(child, method="xml", encoding="unicode") for child in first)


# --- checks on the source text, with line numbers -------------------------------------------

def _line(text: str, index: int, ctx: Context) -> int:
    return ctx.first_line + text.count("\n", 0, index)


def _inside(ctx: Context, target: str) -> Path | None:
    """Resolve a relative path from the Markdown file; None (and a report) if it escapes the book."""
    path = (ctx.source.parent / target).resolve()
    root = ctx.root.resolve()
    if path != root and root not in path.parents:
        return None
    return path


def _check_images(text: str, ctx: Context) -> list[Path]:
    found = []
    for match in _IMAGE.finditer(text):
        alt, target = match.group(1), match.group(2)
        line = _line(text, match.start(), ctx)
        if not alt.strip():
            ctx.report(line, f"the image '{target}' has no alt text: write a description between "
                             "the brackets, ![what the image shows](…)")
        elif alt.strip().upper().startswith("TODO"):
            ctx.warn(line, f"the image '{target}' still has a TODO for its alt text: describe what the image "
                           "shows between the brackets")
        if _EXTERNAL.match(target) or target.startswith("//"):
            ctx.report(line, f"the image '{target}' is not a file in the book's folder: download it "
                             "into the book and use a relative path")
            continue
        path = _inside(ctx, target)
        if path is None:
            ctx.report(line, f"the image '{target}' is outside the book's folder")
        elif not path.is_file():
            ctx.report(line, f"the image '{target}' does not exist (looked for {path})")
        elif path.suffix.lower() not in IMAGE_TYPES:
            ctx.report(line, f"the image '{target}' is not a PNG, JPEG, GIF or SVG file")
        else:
            found.append(path)
            _verify_image(ctx, line, target, path)
    return found


def _verify_image(ctx: Context, line: int | None, target: str, path: Path) -> None:
    """The image file itself (`target` as written, at `path`): decodable, not a bomb, a self-contained
    SVG (book/images.py)."""
    for problem in image_files.problems(path):
        ctx.report(line, f"the image '{target}' {problem}")


IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
               ".gif": "image/gif", ".svg": "image/svg+xml"}


def _check_links(text: str, ctx: Context) -> None:
    for match in _LINK.finditer(text):
        target = match.group(1)
        if _EXTERNAL.match(target):
            continue
        line = _line(text, match.start(), ctx)
        if target.startswith("#"):
            if target[1:]:
                ctx.anchor_link(line, target, ctx.id_prefix, target[1:])
            continue
        path_part, _, anchor = target.partition("#")
        path = _inside(ctx, path_part)
        if path is None:
            ctx.report(line, f"the link '{target}' points outside the book's folder")
        elif not path.exists():
            ctx.report(line, f"the link '{target}' points to a file that does not exist")
        elif (piece := ctx.piece_for(path)) is None:
            ctx.report(line, f"the link '{target}' points to a file that is not a piece of the book: "
                             "link to a piece listed in book.yaml")
        elif anchor:
            ctx.anchor_link(line, target, piece, anchor)


def anchor_id(prefix: str, anchor: str) -> str:
    """The id a link's #anchor points to in the text whose ids start with prefix."""
    return f"{prefix}-{_slug(anchor)}"


_ALIGN = re.compile(r"text-align:\s*(left|right|center)", re.I)


def _table_alignment(root) -> None:
    """A table column's alignment (`---:`), which Python-Markdown writes as a style the sanitizer
    removes, becomes a class (align-left, align-right, align-center) the stylesheet sets."""
    for cell in root.iter("th", "td"):
        match = _ALIGN.search(cell.get("style") or "")
        if match:
            cell.set("class", ((cell.get("class") or "") + f" align-{match.group(1).lower()}").strip())


_LANG_ATTRIBUTE = re.compile(r"""\blang\s*=\s*["']?([^"'\s}>]*)""")


def _languages(root, text: str, ctx: Context) -> None:
    """Every lang= is a valid BCP 47 tag (else a problem at its line); an element whose language
    is written the other way than its surroundings gets dir= (an isolated run inside a line) unless
    the source gave one."""
    lines: dict[str, int] = {}
    for match in _LANG_ATTRIBUTE.finditer(text):
        lines.setdefault(match.group(1), _line(text, match.start(), ctx))

    def walk(element, inherited: str) -> None:
        for child in element:
            if not isinstance(child.tag, str):
                continue
            tag = child.get("lang")
            direction = inherited
            if tag is not None:
                found = languages.problem(tag)
                if found:
                    ctx.report(lines.get(tag, ctx.first_line), f"lang={tag}: {found}")
                    del child.attrib["lang"]
                else:
                    direction = languages.direction(tag)
                    if child.get("dir") is None and direction != inherited:
                        child.set("dir", direction)
            if child.get("dir") in ("ltr", "rtl"):
                direction = child.get("dir")
            walk(child, direction)

    walk(root, languages.direction(ctx.language))

def _check_notes(text: str, ctx: Context) -> None:
    defined = {m.group(1): m.start() for m in _NOTE_DEF.finditer(text)}
    used: dict[str, int] = {}
    for match in _NOTE_REF.finditer(text):
        used.setdefault(match.group(1), match.start())
        if match.group(1) not in defined:
            ctx.report(_line(text, match.start(), ctx),
                       f"the footnote [^{match.group(1)}] is never defined: add a line "
                       f"'[^{match.group(1)}]: the note' at the end of the file")
    for name, index in defined.items():
        if name not in used:
            ctx.report(_line(text, index, ctx), f"the footnote [^{name}] is defined but never called")
    _check_notes_in_notes(text, ctx)


def _check_notes_in_notes(text: str, ctx: Context) -> None:
    """A footnote's own text may not call a footnote: a note citing itself, notes citing each other
    in a ring, or one note's call inside another would leave links to notes that do not exist (the
    notes are taken from the main text only) and lose a note's text. Reported at the definition."""
    spans = _note_spans(text)
    calls = {name: [m.group(1) for m in _NOTE_REF.finditer(text, start, end)] for name, (start, end) in spans.items()}
    for name, (start, _end) in spans.items():
        if not calls[name]:
            continue
        ring, here, seen = None, calls[name][0], [name]
        while here in calls and here not in seen:  # follow the first call of each note
            seen.append(here)
            here = calls[here][0] if calls[here] else None
        if here == name:
            ring = seen
        called = calls[name][0]
        if called == name:
            what = f"the footnote [^{name}] calls itself: delete the call [^{name}] from its text"
        elif ring:
            what = "the footnotes " + " → ".join(f"[^{n}]" for n in ring + [name]) + " call each other in a " \
                   "ring: a note cannot have notes; call each from the main text"
        else:
            what = f"the footnote [^{name}] calls the footnote [^{called}] inside its own text: a note cannot " \
                   f"have notes; write [^{called}]'s text into it, or call [^{called}] from the main text"
        ctx.report(_line(text, start, ctx), what)


def _note_spans(text: str) -> dict[str, tuple[int, int]]:
    """Each footnote definition's text, as (start, end) in `text`: its first line and the lines that
    continue it (indented, or not separated by a blank line), up to the next definition."""
    spans: dict[str, tuple[int, int]] = {}
    for match in _NOTE_DEF.finditer(text):
        end = match.end()
        blank = False
        while end < len(text):
            nl = text.find("\n", end)
            line_start = len(text) if nl < 0 else nl + 1
            if line_start >= len(text):
                end = len(text)
                break
            line_end = text.find("\n", line_start)
            line = text[line_start:len(text) if line_end < 0 else line_end]
            if _NOTE_DEF.match(line) or (blank and line.strip() and not line.startswith(("    ", "\t"))):
                end = line_start
                break
            blank = not line.strip()
            end = line_start + len(line)
        spans.setdefault(match.group(1), (match.start(), end))
    return spans


# --- source rewriting before Markdown -----------------------------------------------------

def _marker_lists(text: str) -> str:
    """Lines starting with □ ■ ► (the source's own list markers) become Markdown list items."""
    out: list[str] = []
    fence = False
    for line in text.split("\n"):
        if line.startswith("```") or line.startswith("~~~"):
            fence = not fence
        match = None if fence else _MARKER_LINE.match(line)
        if match:
            if out and out[-1].strip() and not out[-1].startswith("- "):
                out.append("")
            out.append(f"- {match.group(1)}\u2060{match.group(2)}")
        else:
            out.append(line)
    return "\n".join(out)


_FENCE = re.compile(r"^:::\s*(chunk)?\s*$")


def _chunk_fences(text: str, ctx: Context) -> str:
    """`:::` lines group the blocks between them into one aligned chunk (docs/parallel-text.md):
    they become <div class="chunk" markdown="1"> … </div>. Chunks do not nest."""
    out: list[str] = []
    fence = opened = None
    for number, line in enumerate(text.split("\n")):
        if line.startswith("```") or line.startswith("~~~"):
            fence = not fence
        if fence or not _FENCE.match(line):
            out.append(line)
            continue
        if opened is None:
            opened = number
            out += ["", '<div class="chunk" markdown="1">', ""]
        else:
            opened = None
            out += ["", "</div>", ""]
    if opened is not None:
        if ctx.kind != "lyrics":  # (the lyrics' lines were rewritten: their numbers moved)
            ctx.report(ctx.first_line + opened, "this ':::' opens a chunk that is never closed: end it with "
                                                "a line ':::'")
        else:
            ctx.report(ctx.first_line, "a ':::' chunk is opened and never closed: end it with a line ':::'")
        out += ["", "</div>", ""]
    return "\n".join(out)


def _lyrics_to_markdown(text: str) -> str:
    """Every line is a verse line; blank lines separate stanzas; '> ' stanzas are the refrain."""
    stanzas: list[list[str]] = []
    notes: list[str] = []
    current: list[str] = []
    in_note = False
    for line in text.split("\n"):
        if _NOTE_DEF.match(line):
            in_note = True
        if in_note:
            notes.append(line)
            continue
        if _FENCE.match(line):  # a chunk of aligned stanzas opens or closes (text/parallel.py)
            if current:
                stanzas.append(current)
            stanzas.append([":::"])
            current = []
            continue
        if line.strip():
            current.append(line.rstrip())
        elif current:
            stanzas.append(current)
            current = []
    if current:
        stanzas.append(current)
    blocks = []
    for stanza in stanzas:
        if stanza == [":::"]:
            blocks.append(":::")
            continue
        refrain = all(line.lstrip().startswith(">") for line in stanza)
        lines = [re.sub(r"^\s*>\s?", "", line) if refrain else line.strip() for line in stanza]
        lines = [re.sub(r"^([#>*+-]|\d+\.)", r"\\\1", line) for line in lines]
        joined = "  \n".join(lines)
        blocks.append("> " + joined.replace("\n", "\n> ") if refrain else joined)
    return "\n\n".join(blocks) + "\n\n" + "\n".join(notes)


# --- tree transformations -----------------------------------------------------------------

SERIES = {"tn": "abcdefghijklmnopqrstuvwxyz", "ed": ("*", "\u2020", "\u2021", "\u00a7", "\u2016", "\u00b6")}


def series_mark(series: str, n: int) -> str:
    """The n-th (1-based) mark of a note series: a b … z aa bb …; * † ‡ § ‖ ¶ ** †† …"""
    marks = SERIES[series]
    return marks[(n - 1) % len(marks)] * ((n - 1) // len(marks) + 1)


def _take_notes(root, prefix: str, labels: dict[str, str]):
    """Replace Python-Markdown's endnotes with numbered calls and a list of (key, HTML).

    A note whose label starts with `tn` is the translator's, `ed` the editor's: each series is
    counted apart (keys t1, t2 … and e1, e2 …) and marked with letters or symbols; the author's
    notes keep 1, 2, 3. Returns (notes, marks of the tn/ed notes, their series)."""
    notes: list[tuple[str, str]] = []
    marks: dict[str, str] = {}
    series_of: dict[str, str] = {}
    container = None
    for div in root.iter("div"):
        if "footnote" in (div.get("class") or "").split():
            container = div
            break
    contents: dict[str, etree._Element] = {}  # lxml has no stubs: Any to mypy
    if container is not None:
        for li in container.iter("li"):
            for back in li.xpath(".//a[contains(@class,'footnote-backref')]"):
                _drop(back)
            contents[li.get("id", "")] = li
        container.getparent().remove(container)
    counts = {"": 0, "tn": 0, "ed": 0}
    for sup in list(root.iter("sup")):
        anchor = sup.find("a")
        if anchor is None or "footnote-ref" not in (anchor.get("class") or ""):
            continue
        target = anchor.get("href", "#")[1:]
        label = target.split(":", 1)[-1].lower()
        series = next((name for name in ("tn", "ed") if label.startswith(name)), "")
        counts[series] += 1
        number = counts[series]
        key = f"{series[:1]}{number}" if series else str(number)
        mark = series_mark(series, number) if series else key
        call = etree.Element("a")
        call.set("href", f"#{prefix}-note-{key}")
        call.set("id", f"{prefix}-noteref-{key}")
        call.set("class", "noteref")
        call.set("data-epub-type", "noteref")
        call.set("role", "doc-noteref")
        call.text = mark
        call.tail = sup.tail
        sup.getparent().replace(sup, call)
        li = contents.get(target)
        body = "".join(etree.tostring(c, method="xml", encoding="unicode") for c in li) if li is not None else ""
        if li is not None and (li.text or "").strip():
            body = f"<p>{li.text}</p>" + body
        if series:
            marks[key], series_of[key] = mark, series
            body = _with_series_label(body, labels.get(series, series))
        notes.append((key, body))
    return notes, marks, series_of


def _with_series_label(body: str, label: str) -> str:
    """The note's last paragraph ends with its series' label: '… (Trans.)'."""
    tag = f' <span class="note-series">({escape(label, quote=False)})</span>'
    index = body.rfind("</p>")
    return body[:index] + tag + body[index:] if index >= 0 else body + tag


def _drop(element) -> None:
    """Remove a back link and the no-break space Python-Markdown put before it."""
    parent = element.getparent()
    remove_element(element)
    last = parent[-1] if len(parent) else None
    if last is not None and last.tail:
        last.tail = last.tail.rstrip("\u00a0 ")
    elif last is None and parent.text:
        parent.text = parent.text.rstrip("\u00a0 ")


def _figures(root) -> None:
    """A paragraph holding only an image becomes a figure; the image's title is the caption.

    In a figure written as `<figure markdown="1">` (with its own `<figcaption markdown="1">`),
    the image's paragraph is simply unwrapped.
    """
    for p in list(root.iter("p")):
        children = list(p)
        if len(children) != 1 or children[0].tag != "img" or (p.text or "").strip() \
                or (children[0].tail or "").strip():
            continue
        img = children[0]
        if p.getparent().tag == "figure":
            img.tail = p.tail
            p.getparent().replace(p, img)
            continue
        figure = etree.Element("figure")
        figure.set("class", "figure")
        img.tail = None
        caption = img.attrib.pop("title", None)
        figure.append(img)
        if caption:
            figcaption = etree.SubElement(figure, "figcaption")
            figcaption.text = caption
        figure.tail = p.tail
        p.getparent().replace(p, figure)


_MARKER_NAMES = {"□": "white-square", "■": "black-square", "►": "pointer", "▪": "small-square",
                 "•": "bullet", "◆": "diamond", "◇": "white-diamond", "▸": "small-pointer"}


def _marked_lists(root) -> None:
    """List items that start with a source marker keep it, as a visible marker span."""
    for ul in root.iter("ul"):
        markers = set()
        for li in ul.findall("li"):
            holder = li[0] if len(li) and li[0].tag == "p" and not (li.text or "").strip() else li
            text = holder.text or ""
            if text[:1] in _MARKER_NAMES and text[1:2] == "\u2060":
                markers.add(text[0])
                holder.text = text[2:]
                span = etree.Element("span")
                span.set("class", "marker")
                span.set("aria-hidden", "true")
                span.text = text[0] + "\u00a0"  # inside the span: justification cannot stretch it
                span.tail = holder.text
                holder.text = None
                holder.insert(0, span)
        if markers:
            ul.set("class", ("marked " + _MARKER_NAMES[sorted(markers)[0]]).strip())


def _verse(root) -> None:
    """Lyrics: each stanza a block, each line a span, line breaks kept, the refrain marked (inside
    `:::` chunks too)."""
    for block in list(root):
        if block.tag == "div" and "chunk" in (block.get("class") or "").split():
            _verse(block)
            continue
        refrain = block.tag == "blockquote"
        p = block.find("p") if refrain else block
        if p is None or p.tag != "p":
            continue
        lines: list[list] = [[p.text or ""]]
        for child in list(p):
            if child.tag == "br":
                lines.append([child.tail or ""])
            else:
                lines[-1].append(child)
        stanza = etree.Element("p")
        stanza.set("class", "stanza refrain" if refrain else "stanza")
        for number, parts in enumerate(lines):
            if number:
                etree.SubElement(stanza, "br")
            span = etree.SubElement(stanza, "span")
            span.set("class", "line")
            span.text = parts[0].lstrip("\n")
            for part in parts[1:]:
                span.append(part)
            if len(span):
                span[-1].tail = (span[-1].tail or "").rstrip("\n")
            else:
                span.text = span.text.rstrip("\n")
        stanza.tail = block.tail
        root.replace(block, stanza)


def _slug(text: str) -> str:
    """A readable id: the text transliterated to Latin letters (anyascii), lower case, hyphens."""
    if not text.isascii():
        from anyascii import anyascii

        text = anyascii(text).replace("'", "")  # the soft sign: 'пись' + 'мо' -> pismo, not pis-mo
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


_SHIFT = {"h1": "h3", "h2": "h3", "h3": "h4", "h4": "h5", "h5": "h6", "h6": "h6"}


def _heading_ids(root, prefix: str) -> None:
    """Headings inside a piece sit below the piece title (h2): shift them, give book-unique ids."""
    seen: set[str] = {f"{prefix}-title"}  # the piece's own title (templates/pieces/_piece.html)
    for element in root.iter():
        if element.tag in _SHIFT:
            element.tag = _SHIFT[element.tag]
        if element.tag in ("h1", "h2", "h3", "h4", "h5", "h6") or element.get("id"):
            base = element.get("id") or _slug("".join(element.itertext()))
            if base.startswith(prefix + "-"):
                continue
            candidate, n = f"{prefix}-{_slug(base)}", 1
            while candidate in seen:
                n += 1
                candidate = f"{prefix}-{_slug(base)}-{n}"
            seen.add(candidate)
            element.set("id", candidate)


def _root_relative(ctx: Context, target: str) -> str:
    path = (ctx.source.parent / target).resolve()
    try:
        return path.relative_to(ctx.root.resolve()).as_posix()
    except ValueError:
        return target


def _rewrite_links(root, ctx: Context) -> list[str]:
    """Links to other pieces become 'ID.xhtml#anchor'; external links are collected for print."""
    external = []
    for a in root.iter("a"):
        href = a.get("href")
        if not href or a.get("class") in ("footnote-ref", "footnote-backref"):
            continue
        if _EXTERNAL.match(href):
            bare = "".join(a.itertext()).strip() in (href, href.removeprefix("mailto:"))
            a.set("class", ((a.get("class") or "") + (" external bare" if bare else " external")).strip())
            external.append(href)
            continue
        if href.startswith("#"):
            a.set("href", f"#{ctx.id_prefix}-{_slug(href[1:])}")
            continue
        path_part, _, anchor = href.partition("#")
        path = _inside(ctx, path_part)
        piece = ctx.piece_for(path) if path else None
        if piece:
            a.set("href", f"{piece}.xhtml" + (f"#{piece}-{_slug(anchor)}" if anchor else ""))
            a.set("class", ((a.get("class") or "") + " internal").strip())
    return external

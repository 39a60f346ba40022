"""Book -> EPUB 3 through ebooklib: one XHTML file per piece, nav with landmarks and page list, NCX."""

from __future__ import annotations

import datetime as dt
import mimetypes
import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from ebooklib import epub
from lxml import etree
from markupsafe import Markup

from anthology.book import stylesheet
from anthology.book.model import Book
from anthology.epub import ace
from anthology.text import fragments, markup, parallel
from anthology.text.markup import IMAGE_TYPES

OPS = "http://www.idpf.org/2007/ops"
XHTML = "http://www.w3.org/1999/xhtml"


@dataclass
class Document:
    file_name: str
    title: str
    content: str           # body content (XHTML)
    body_type: str = ""
    body_class: str = ""


@dataclass
class EpubExtras:
    """What the print edition gives the EPUB: its page breaks and page list, the cover image."""

    page_breaks: dict[str, list[tuple[str, int, str]]] = field(default_factory=dict)  # file -> (section id, characters before, label)
    page_labels: list[tuple[str, str]] = field(default_factory=list)  # (label, href) in reading order
    cover_png: bytes | None = None
    print_edition: str = ""


def link_for(book: Book):
    files = {"preface": "preface.xhtml", "credits": "credits.xhtml", "index": "index.xhtml",
             "toc": "nav.xhtml", "titlepage": "titlepage.xhtml", "rights": "rights.xhtml"}
    files.update({c.id: c.file_name for c in book.chapters})
    files.update({p.id: p.file_name for p in book.pieces})
    return lambda target: files.get(target, target)


def documents(book: Book, env, index_entries: list, build_date: dt.date, print_label: str) -> list[Document]:
    """Every content document of the EPUB in reading order (nav and cover excepted)."""
    link = link_for(book)
    common = dict(book=book, link=link, index=index_entries, build_date=build_date, print_label=print_label,
                  body_of=fragments.epub_body, notes_of=fragments.epub_notes)

    def part(name: str, **extra) -> str:
        return env.get_template(f"parts/{name}.html").render(**common, **extra)

    docs = [
        Document("titlepage.xhtml", book.labels.title_page, part("halftitle") + part("titlepage"), "frontmatter"),
        Document("rights.xhtml", book.labels.rights, part("rights"), "frontmatter"),
    ]
    if book.preface:
        docs.append(Document("preface.xhtml", book.labels.preface, part("preface"), "frontmatter"))
    for number, chapter in enumerate(book.chapters, start=1):
        docs.append(Document(chapter.file_name, _plain(chapter.title, book.language),
                             part("chapter", chapter=chapter, number=number),
                             "bodymatter"))
        for piece in chapter.pieces:
            template = env.get_template(f"pieces/{piece.kind}.html")
            html = template.render(book=book, piece=piece, body=parallel.epub_body(piece, book),
                                   notes=parallel.epub_notes(piece))
            docs.append(Document(piece.file_name, _plain(piece.title, piece.language or book.language), html,
                                 "bodymatter"))
    docs.append(Document("credits.xhtml", book.labels.credits, part("credits"), "backmatter"))
    if index_entries:
        docs.append(Document("index.xhtml", book.labels.index, part("index"), "backmatter"))
    return docs


def xhtml(env, book: Book, doc: Document, breaks: list[tuple[str, int, str]] | None = None) -> bytes:
    """A complete, well-formed XHTML document; data-epub-type becomes epub:type."""
    text = env.get_template("epub-document.xhtml").render(
        book=book, title=re.sub(r"<[^>]+>", "", doc.title), content=Markup(doc.content),
        body_type=doc.body_type, body_class=doc.body_class)
    root = _epub_types(etree.fromstring(text.encode("utf-8")))
    if breaks:
        insert_page_breaks(root, breaks)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", doctype="<!DOCTYPE html>")


XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _epub_types(root):
    """Templates and fragments write data-epub-type (HTML has no namespaces); XHTML gets epub:type,
    and xml:lang beside every lang (EPUB reading systems of XHTML read either)."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        value = element.attrib.pop("data-epub-type", None)
        if value:
            element.set(f"{{{OPS}}}type", value)
        lang = element.get("lang")
        if lang is not None and element.get(XML_LANG) is None:
            element.set(XML_LANG, lang)
    return root


def insert_page_breaks(root, breaks: list[tuple[str, int, str]]) -> None:
    """Put <span epub:type="pagebreak"> before the character `chars` (non-space characters
    counted from the start, notes and note calls skipped) of the section with id `element`.
    Each section's text is walked once for all its breaks (a long piece spans many pages)."""
    by_id = {el.get("id"): el for el in root.iter() if el.get("id")}
    wanted: dict[str, list[tuple[int, etree._Element]]] = {}
    for element_id, chars, label in breaks:  # in page order: a later marker lands after an earlier one
        if by_id.get(element_id) is None:
            continue
        marker = etree.Element(f"{{{XHTML}}}span")
        marker.set("id", f"page-{label}")
        marker.set(f"{{{OPS}}}type", "pagebreak")
        marker.set("role", "doc-pagebreak")
        marker.set("aria-label", label)
        marker.set("class", "pagebreak")
        wanted.setdefault(element_id, []).append((chars, marker))
    for element_id, markers in wanted.items():
        _place_all(by_id[element_id], markers)


def _skipped(element) -> bool:
    cls = (element.get("class") or "").split()
    return (element.tag.endswith("aside") or "notes" in cls or "noteref" in cls
            or "pagebreak" in cls or element.get(f"{{{OPS}}}type") == "noteref")


def _text_nodes(element):
    """(owner, is_tail) for every text node of element in document order, notes skipped."""
    yield element, False
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if not _skipped(child):
            yield from _text_nodes(child)
        yield child, True


def _place_all(element, markers: list[tuple[int, etree._Element]]) -> None:
    """Insert each marker before the first word that starts at or after its non-space character
    `chars` (markers in page order; one that falls past the text goes at the end). The places are
    found in one walk, then the markers go in from the last place back, so that the text offsets
    found stay true and markers at the same place keep their order."""
    todo = sorted(range(len(markers)), key=lambda i: markers[i][0])  # stable: page order kept at ties
    places: list[tuple[object, bool, int, etree._Element]] = []
    count, next_one = 0, 0
    for node, is_tail in _text_nodes(element):
        if next_one == len(todo):
            break
        text = (node.tail if is_tail else node.text) or ""
        for match in re.finditer(r"\S+", text):
            while next_one < len(todo) and count >= markers[todo[next_one]][0]:
                places.append((node, is_tail, match.start(), markers[todo[next_one]][1]))
                next_one += 1
            if next_one == len(todo):
                break
            count += len(match.group())
    for node, is_tail, start, marker in reversed(places):
        text = (node.tail if is_tail else node.text) or ""
        marker.tail = text[start:]
        if is_tail:
            node.tail = text[:start]
            node.addnext(marker)
        else:
            node.text = text[:start]
            node.insert(0, marker)
    for i in sorted(todo[next_one:]):  # past the text: at the end, in page order
        element.append(markers[i][1])


def nav_document(env, book: Book, extras: EpubExtras, index_entries, has_cover: bool) -> bytes:
    """The EPUB 3 navigation document: contents, landmarks, and the print edition's page list."""
    html = env.get_template("nav.xhtml").render(book=book, index=index_entries,
                                                page_labels=extras.page_labels, has_cover=has_cover)
    root = _epub_types(etree.fromstring(html.encode("utf-8")))
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", doctype="<!DOCTYPE html>")


def epub_css(book: Book) -> bytes:
    """The EPUB's and the site's stylesheet: the tool's rules, then the book's (book/styles.py), without
    print fonts and @page rules."""
    from anthology.book import styles

    return _without_page_rules(_without_comments(styles.epub_text(book.root, book.styles))).encode("utf-8")


_COMMENT_OR_STRING = re.compile(r"(\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*')|/\*.*?\*/", re.S)


def _without_comments(css: str) -> str:
    """Comments out (strings kept as they are): a comment that mentions @page must not be taken for a rule."""
    return _COMMENT_OR_STRING.sub(lambda m: m.group(1) or "", css)


def stylesheet_files(book: Book, css: str) -> list[tuple[str, Path]]:
    """(name in the EPUB, file) of what the book's own stylesheet refers to (fonts, images, imported
    stylesheets and what they refer to), so that the EPUB carries them: the stylesheet sits at
    style/book.css in the EPUB as at styles/book.css in the book, the rest keeps its place beside it.
    (load_book has already refused references to the network and outside the book.)"""
    styles = book.root.resolve() / "styles"
    if not (styles / "book.css").is_file():
        return []
    found: dict[str, Path] = {}
    queue = [(styles, css)]
    while queue and len(found) < stylesheet.MAX_IMPORTS:
        base, text = queue.pop(0)
        for _line, target in stylesheet.references(text):
            path, _problem = stylesheet.local_target(target, base, book.root)
            if path is None:
                continue
            written = os.path.normpath(base / target.split("#", 1)[0].split("?", 1)[0])  # as the CSS says
            name = posixpath.normpath("style/" + Path(os.path.relpath(written, styles)).as_posix())
            if name.startswith("../") or name in found:
                continue
            found[name] = path
            if path.suffix.lower() == ".css":
                queue.append((Path(written).parent, path.read_text(encoding="utf-8", errors="replace")))
    return sorted(found.items())


def _without_page_rules(css: str) -> str:
    """Drop @page blocks (paged media only; EPUB readers ignore them and EPUBCheck cannot parse
    their margin boxes)."""
    out, i = [], 0
    for match in re.finditer(r"@page\b[^{]*\{", css):
        if match.start() < i:
            continue
        out.append(css[i: match.start()])
        depth, j = 1, match.end()
        while j < len(css) and depth:
            depth += {"{": 1, "}": -1}.get(css[j], 0)
            j += 1
        i = j
    out.append(css[i:])
    return "".join(out)


def build(book: Book, env, target: Path, *, index_entries: list, build_date: dt.date, modified: dt.datetime,
          print_label: str, extras: EpubExtras) -> None:
    """Write the EPUB (not yet normalised) to target."""
    pub = epub.EpubBook()
    pub.set_identifier(book.identifier)
    pub.set_title(book.title)
    pub.set_language(book.language)
    if book.direction == "rtl":  # a book in Hebrew, Arabic, Persian…: its pages turn from right to left
        pub.set_direction("rtl")
    pub.add_prefix("a11y", "http://www.idpf.org/epub/vocab/package/a11y/#")
    for n, name in enumerate(book.authors, start=1):
        pub.add_author(name, uid=f"aut-{n}", role="aut")
    for role, people in (("edt", book.editors), ("trl", book.translators)):
        for n, name in enumerate(people, start=1):
            pub.add_metadata("DC", "contributor", name, {"id": f"{role}-{n}"})
            pub.add_metadata(None, "meta", role, {"refines": f"#{role}-{n}", "property": "role", "scheme": "marc:relators"})
    if book.publisher:
        pub.add_metadata("DC", "publisher", book.publisher)
    if book.date:
        pub.add_metadata("DC", "date", book.date.isoformat())
    if book.description:
        pub.add_metadata("DC", "description", book.description)
    if book.subtitle:
        pub.add_metadata("DC", "title", book.subtitle, {"id": "subtitle"})
        pub.add_metadata(None, "meta", "subtitle", {"refines": "#subtitle", "property": "title-type"})
    rights = book.labels.rights_see if not book.rights else "".join(fragments.parse(book.rights.html).itertext())
    pub.add_metadata("DC", "rights", " ".join(rights.split()))
    if extras.print_edition:
        pub.add_metadata("DC", "source", extras.print_edition)
        if extras.page_labels:  # EPUB Accessibility 1.1: which edition the page list and markers come from
            pub.add_metadata(None, "meta", extras.print_edition, {"property": "pageBreakSource"})
    for chapter in book.chapters:
        pub.add_metadata("DC", "subject", chapter.title)
    _accessibility(pub, book, has_pages=bool(extras.page_labels))

    style = epub.EpubItem(uid="style", file_name="style/book.css", media_type="text/css", content=epub_css(book))
    pub.add_item(style)

    # cover
    cover_bytes: bytes | None
    if book.cover:
        cover_bytes, cover_name = book.cover.read_bytes(), "images/cover" + book.cover.suffix.lower()
    else:
        cover_bytes, cover_name = extras.cover_png, "images/cover.png"
    spine = []
    if cover_bytes:
        image = epub.EpubItem(uid="cover-image", file_name=cover_name,
                              media_type=IMAGE_TYPES[Path(cover_name).suffix], content=cover_bytes)
        image.properties = ["cover-image"]
        pub.add_item(image)
        pub.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})
        cover_doc = Document("cover.xhtml", book.labels.cover,
                             f'<section class="cover" data-epub-type="cover" aria-label="{Markup.escape(book.labels.cover)}">'
                             f'<img src="{cover_name}" role="doc-cover" alt="{Markup.escape(book.labels.cover)}: {Markup.escape(book.title)}"/></section>',
                             body_class="cover-body")
        item = epub.EpubItem(uid="cover", file_name="cover.xhtml", media_type="application/xhtml+xml",
                             content=xhtml(env, book, cover_doc))
        pub.add_item(item)
        spine.append(item)

    docs = documents(book, env, index_entries, build_date, print_label)
    items = {}
    for doc in docs:
        item = epub.EpubItem(uid=_uid(doc.file_name), file_name=doc.file_name,
                             media_type="application/xhtml+xml",
                             content=xhtml(env, book, doc, extras.page_breaks.get(doc.file_name)))
        pub.add_item(item)
        items[doc.file_name] = item
    nav = epub.EpubItem(uid="nav", file_name="nav.xhtml", media_type="application/xhtml+xml",
                        content=nav_document(env, book, extras, index_entries, has_cover=bool(cover_bytes)))
    nav.properties = ["nav"]
    pub.add_item(nav)

    for n, image in enumerate(book.images):
        relative = image.relative_to(book.root.resolve()).as_posix()
        pub.add_item(epub.EpubItem(uid=f"img-{n + 1}", file_name=relative,
                                   media_type=IMAGE_TYPES[image.suffix.lower()], content=image.read_bytes()))

    taken = {image.relative_to(book.root.resolve()).as_posix() for image in book.images}
    for n, (name, path) in enumerate(stylesheet_files(book, style.content.decode("utf-8"))):
        if name not in taken and name not in {"style/book.css", "nav.xhtml", "toc.ncx"}:
            taken.add(name)
            pub.add_item(epub.EpubItem(uid=f"style-file-{n + 1}", file_name=name, content=path.read_bytes(),
                                       media_type=mimetypes.guess_type(name)[0] or "application/octet-stream"))

    pub.toc = _ncx_toc(book, docs)
    pub.add_item(epub.EpubNcx())
    front = [d for d in docs if d.body_type == "frontmatter"]
    rest = [d for d in docs if d.body_type != "frontmatter"]
    pub.spine = spine + [items[d.file_name] for d in front[:2]] + [nav] + [items[d.file_name] for d in front[2:]] \
        + [items[d.file_name] for d in rest]
    writer = _Writer(str(target), pub, {"mtime": modified, "epub3_landmark": False, "epub2_guide": False,
                                        "raise_exceptions": True})
    writer.process()
    try:
        writer.write()
    except BaseException:  # a full disk: ebooklib leaves its zip open, closed (and failing again) at exit
        out = getattr(writer, "out", None)
        if out is not None:
            try:
                out.close()
            except (OSError, ValueError):
                pass
        raise


class _Writer(epub.EpubWriter):
    """ebooklib's writer, with the book's language on the package element (xml:lang), as EPUB
    Accessibility asks (Ace's epub-lang)."""

    def _write_opf_file(self, root):
        root.set("{http://www.w3.org/XML/1998/namespace}lang", self.book.language)
        super()._write_opf_file(root)


def _plain(title: str, language: str) -> str:
    """A title as plain text with the typography of its language (the documents' <title>, the NCX)."""
    from html import unescape

    return unescape(re.sub(r"<[^>]+>", "", markup.inline(str(title), language)))  # no-break spaces kept


def _uid(file_name: str) -> str:
    """A manifest id (an XML name) for a document: piece ids may start with a digit."""
    stem = file_name.rsplit(".", 1)[0]
    return stem if re.match(r"^[A-Za-z_]", stem) else f"doc-{stem}"


def _ncx_toc(book: Book, docs: list[Document]):
    toc = [epub.Link("titlepage.xhtml", book.labels.title_page, "ncx-titlepage")]
    if book.preface:
        toc.append(epub.Link("preface.xhtml", book.labels.preface, "ncx-preface"))
    for chapter in book.chapters:
        section = epub.Section(_plain(chapter.title, book.language), href=chapter.file_name)
        toc.append((section, [epub.Link(p.file_name, _plain(p.title, p.language or book.language), f"ncx-{p.id}")
                              for p in chapter.pieces]))
    toc.append(epub.Link("credits.xhtml", book.labels.credits, "ncx-credits"))
    if any(d.file_name == "index.xhtml" for d in docs):
        toc.append(epub.Link("index.xhtml", book.labels.index, "ncx-index"))
    return toc


def _accessibility(pub, book: Book, has_pages: bool) -> None:
    meta = lambda prop, value: pub.add_metadata(None, "meta", value, {"property": prop})  # noqa: E731
    has_images = bool(book.images)
    meta("schema:accessMode", "textual")
    if has_images:
        meta("schema:accessMode", "visual")
    meta("schema:accessModeSufficient", "textual")
    features = ["tableOfContents", "readingOrder", "structuralNavigation"]
    if has_images:
        features.append("alternativeText")
    if book.index:
        features.append("index")
    if has_pages:
        features += ["printPageNumbers", "pageBreakMarkers"]
    for feature in features:
        meta("schema:accessibilityFeature", feature)
    meta("schema:accessibilityHazard", "none")
    labels = book.labels  # in the book's language, as the package's xml:lang says
    summary = labels.format("a11y_summary", images=labels.a11y_images if has_images else "",
                            pages=labels.a11y_pages if has_pages else "", ace=ace.TESTED_VERSION)
    meta("schema:accessibilitySummary", summary)
    pub.add_metadata(None, "meta", "EPUB Accessibility 1.1 - WCAG 2.2 Level AA", {"property": "dcterms:conformsTo"})
    meta("a11y:certifiedBy", labels.format("a11y_certified", ace=ace.TESTED_VERSION))

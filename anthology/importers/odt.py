"""OpenDocument text (.odt) -> Draft: content.xml walked with lxml into the same HTML the other importers
give `finish()`: headings by outline level, emphasis, bold, small caps, strikethrough and languages from
the styles, quotations, lists, tables with merged cells, footnotes and endnotes, images with their
descriptions and titles, comments kept for the editor; the contents and page-number fields left out.
Tracked changes are refused unless accepted (--accept-changes); title, author and language from meta.xml.

(odfpy's own ODF2XHTML writes emphasis as CSS classes, which would have to be read back from its
stylesheet: walking the XML is shorter and keeps the meaning.)"""

from __future__ import annotations

import posixpath
from pathlib import Path

from lxml import etree, html as lxml_html

from anthology.importers import Draft, Options, Unreadable, structure
from anthology.importers import archive as archives
from anthology.importers import html as html_importer

NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
    "xlink": "http://www.w3.org/1999/xlink",
    "dc": "http://purl.org/dc/elements/1.1/",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
}
_IMAGES = {".png": ".png", ".jpg": ".jpg", ".jpeg": ".jpg", ".gif": ".gif", ".svg": ".svg"}
_LEFT_OUT = {"table-of-content", "alphabetical-index", "illustration-index", "bibliography", "page-number",
             "page-count", "tracked-changes", "sequence-decls", "soft-page-break", "bookmark", "bookmark-start",
             "bookmark-end", "reference-mark", "change", "change-start", "change-end"}


def q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


class _Styles:
    """What a style name means: inline properties, heading/quote roles, numbered lists."""

    def __init__(self, *roots):
        self.props: dict[str, dict] = {}
        self.parent: dict[str, str] = {}
        self.numbered: set[str] = set()
        self.default_language = None
        for root in roots:
            if root is None:
                continue
            for style in root.iter(q("style:style")):
                name = style.get(q("style:name"))
                self.parent[name] = style.get(q("style:parent-style-name")) or ""
                text = style.find(q("style:text-properties"))
                self.props[name] = dict(text.attrib) if text is not None else {}
            for lists in root.iter(q("text:list-style")):
                first = lists[0] if len(lists) else None
                if first is not None and first.tag == q("text:list-level-style-number"):
                    self.numbered.add(lists.get(q("style:name")))
            for default in root.iter(q("style:default-style")):
                text = default.find(q("style:text-properties"))
                if default.get(q("style:family")) == "paragraph" and text is not None and text.get(q("fo:language")):
                    self.default_language = _tag(text.get(q("fo:language")), text.get(q("fo:country")))

    def get(self, name: str, key: str) -> str | None:
        seen = set()
        while name and name not in seen:
            seen.add(name)
            value = self.props.get(name, {}).get(q(key))
            if value:
                return value
            name = self.parent.get(name, "")
        return None

    def family(self, name: str) -> str:
        chain, seen = [], set()
        while name and name not in seen:
            seen.add(name)
            chain.append(name.replace("_20_", " ").lower())
            name = self.parent.get(name, "")
        return " ".join(chain)


def _tag(language: str | None, country: str | None) -> str | None:
    if not language or language == "none":
        return None
    return f"{language}-{country}" if country and country != "none" else language


def read(path: Path, options: Options | None = None) -> Draft:
    options = options or Options()
    with archives.open_zip(path, "an OpenDocument text (.odt)") as zipped:
        names = set(zipped.namelist())
        if "content.xml" not in names:
            raise Unreadable(f"{path}: this is not an OpenDocument text (.odt): it has no content.xml")
        content = archives.xml(zipped, "content.xml", path)
        styles_root = archives.xml(zipped, "styles.xml", path) if "styles.xml" in names else None
        meta = archives.xml(zipped, "meta.xml", path) if "meta.xml" in names else None
        changes = content.findall(f".//{q('text:changed-region')}")
        if changes and options.changes != "accept":
            if options.changes == "reject":
                raise Unreadable(f"{path}: the document has {len(changes)} tracked changes; rejecting them is not "
                                 "supported for OpenDocument: reject them in LibreOffice (Edit > Track Changes), "
                                 "or import with --accept-changes")
            raise Unreadable(f"{path}: the document has {len(changes)} tracked changes that no one has accepted or "
                             "rejected: decide in LibreOffice, or import again with --accept-changes")
        walker = _Walker(_Styles(styles_root, content), zipped, names, path)
        office_text = content.find(f".//{q('office:text')}")
        if office_text is None:
            raise Unreadable(f"{path}: the document has no text (office:text)")
        root = lxml_html.fragment_fromstring("<div></div>")
        walker.children(office_text, root)
    title = _meta(meta, "dc:title") or walker.title
    title, subtitle, dropped = structure.take_title(root, title)
    notes_holder = etree.SubElement(root, "ol")
    for number, note in enumerate(walker.notes, start=1):
        item = etree.SubElement(notes_holder, "li", id=f"odt-note-{number}")
        for child in list(note):
            item.append(child)
    draft = html_importer.finish(root, path, walker.images)
    draft.title = title
    draft.subtitle = subtitle or walker.subtitle
    creator = _meta(meta, "dc:creator") or _meta(meta, "meta:initial-creator")
    draft.authors = [creator] if creator else []
    draft.language = _meta(meta, "dc:language") or walker.styles.default_language
    draft.comments = walker.comments
    draft.findings[:0] = dropped
    if changes:
        draft.findings.append(f"tracked changes: {len(changes)}, accepted (--accept-changes)")
    if walker.comments:
        draft.findings.append(f"comments in the document: {len(walker.comments)}")
    if walker.left_out:
        draft.findings.append("dropped: " + ", ".join(sorted(walker.left_out)) + " (the book makes its own)")
    return draft


def _meta(meta, name: str) -> str | None:
    if meta is None:
        return None
    for element in meta.iter(q(name)):
        if (element.text or "").strip():
            return " ".join(element.text.split())
    return None


class _Walker:
    def __init__(self, styles: _Styles, zipped, names: set[str], path: Path):
        self.styles, self.zipped, self.names, self.path = styles, zipped, names, path
        self.images: dict[str, bytes] = {}
        self.notes: list = []
        self.comments: list[str] = []
        self.left_out: set[str] = set()
        self.title: str | None = None
        self.subtitle: str | None = None

    def children(self, source, target) -> None:
        _append_text(target, source.text)
        for child in source:
            self.element(child, target)
            _append_text(target, child.tail)

    def element(self, node, target) -> None:
        if not isinstance(node.tag, str):
            return
        local = etree.QName(node).localname
        namespace = etree.QName(node).namespace
        if local in _LEFT_OUT:
            if local in ("table-of-content", "alphabetical-index", "page-number", "page-count", "bibliography"):
                self.left_out.add({"table-of-content": "the document's own contents"}.get(local, local))
            return
        if namespace == NS["office"] and local == "annotation":
            self._comment(node, target)
            return
        if namespace == NS["office"] and local == "annotation-end":
            return
        style = node.get(q("text:style-name")) or ""
        if local == "h":
            level = min(int(node.get(q("text:outline-level")) or 1), 6)
            self.children(node, etree.SubElement(target, f"h{level}"))
        elif local == "p":
            family = self.styles.family(style)
            if "title" in family.split()[:1] or family.startswith("title"):
                holder = etree.SubElement(target, "h1")
            elif family.startswith("subtitle"):
                holder = etree.Element("p")
                self.children(node, holder)
                self.subtitle = " ".join("".join(holder.itertext()).split()) or None
                return
            elif "quotation" in family or "quote" in family:
                holder = etree.SubElement(etree.SubElement(target, "blockquote"), "p")
            elif "caption" in family or "illustration" in family:
                holder = etree.SubElement(target, "p", {"class": "image-caption"})
            else:
                holder = etree.SubElement(target, "p")
            self.children(node, self._inline(holder, style))
        elif local == "span":
            self.children(node, self._inline(etree.SubElement(target, "span"), style))
        elif local == "a":
            self.children(node, etree.SubElement(target, "a", href=node.get(q("xlink:href")) or ""))
        elif local == "s":
            _append_text(target, " " * int(node.get(q("text:c")) or 1))
        elif local == "tab":
            _append_text(target, " ")
        elif local == "line-break":
            etree.SubElement(target, "br")
        elif local == "list":
            kind = "ol" if (style or self._list_style(node)) in self.styles.numbered else "ul"
            self.children(node, etree.SubElement(target, kind))
        elif local in ("list-item", "list-header"):
            self.children(node, etree.SubElement(target, "li"))
        elif local == "note":
            self._note(node, target)
        elif local == "table":
            self.children(node, etree.SubElement(target, "table"))
        elif local == "table-header-rows":
            head = etree.SubElement(target, "thead")
            for row in node.iter(q("table:table-row")):
                self._row(row, head, "th")
        elif local == "table-row":
            self._row(node, target, "td")
        elif local in ("table-rows", "table-row-group"):
            self.children(node, target)
        elif local == "frame":
            self._frame(node, target)
        elif local in ("section", "soft-page-break", "sequence"):
            self.children(node, target)
        elif namespace == NS["text"] or namespace == NS["draw"]:
            self.children(node, target)  # other fields: their text as it stands

    def _list_style(self, node) -> str:
        for ancestor in node.iterancestors(q("text:list")):
            if ancestor.get(q("text:style-name")):
                return ancestor.get(q("text:style-name"))
        return ""

    def _inline(self, holder, style: str):
        """Emphasis, bold, small caps, strikethrough and language of a style, as elements around holder's content."""
        if not style:
            return holder
        inner = holder
        if self.styles.get(style, "fo:font-style") in ("italic", "oblique"):
            inner = etree.SubElement(inner, "em")
        if self.styles.get(style, "fo:font-weight") in ("bold", "700", "800", "900"):
            inner = etree.SubElement(inner, "strong")
        if self.styles.get(style, "fo:font-variant") == "small-caps":
            inner = etree.SubElement(inner, "span", {"class": "small-caps"})
        if (self.styles.get(style, "style:text-line-through-style") or "none") != "none":
            inner = etree.SubElement(inner, "del")
        language = _tag(self.styles.get(style, "fo:language"), self.styles.get(style, "fo:country"))
        if language and language != self.styles.default_language and holder.tag == "span":
            holder.set("lang", language)
        return inner

    def _row(self, row, target, cell_tag: str) -> None:
        tr = etree.SubElement(target, "tr")
        for cell in row:
            if cell.tag == q("table:covered-table-cell"):
                continue
            if cell.tag != q("table:table-cell"):
                continue
            td = etree.SubElement(tr, cell_tag)
            for attribute, name in (("table:number-columns-spanned", "colspan"), ("table:number-rows-spanned", "rowspan")):
                if (cell.get(q(attribute)) or "1") != "1":
                    td.set(name, cell.get(q(attribute)))
            paragraphs = etree.Element("div")
            self.children(cell, paragraphs)
            for index, paragraph in enumerate(paragraphs):
                if index:
                    etree.SubElement(td, "br")
                _append_text(td, paragraph.text)
                for child in list(paragraph):
                    td.append(child)

    def _note(self, node, target) -> None:
        body = node.find(q("text:note-body"))
        holder = etree.Element("div")
        if body is not None:
            self.children(body, holder)
        self.notes.append(holder)
        number = len(self.notes)
        sup = etree.SubElement(target, "sup")
        etree.SubElement(sup, "a", href=f"#odt-note-{number}", **{"class": "footnote-ref"}).text = str(number)

    def _comment(self, node, target) -> None:
        author = " ".join("".join(t for e in node.iter(q("dc:creator")) for t in e.itertext()).split()) or "someone"
        date = "".join(t for e in node.iter(q("dc:date")) for t in e.itertext())[:10]
        text = " ".join(" ".join("".join(p.itertext()) for p in node.iter(q("text:p"))).split())
        self.comments.append(f"Comment {len(self.comments) + 1} by {author}{', ' + date if date else ''}: {text}")
        _append_text(target, html_importer.COMMENT_TOKEN.format(len(self.comments)))

    def _frame(self, node, target) -> None:
        image = node.find(q("draw:image"))
        if image is None:
            self.children(node, target)
            return
        href = posixpath.normpath(image.get(q("xlink:href")) or "")
        extension = _IMAGES.get(posixpath.splitext(href)[1].lower())
        if href not in self.names or extension is None:
            return
        data = self.zipped.read(href)
        name = f"image-{len(self.images) + 1}{extension}"
        archives.check_image(data, href, self.path)
        self.images[name] = data
        alt = " ".join("".join(t for e in node.iter(q("svg:desc")) for t in e.itertext()).split())
        title = " ".join("".join(t for e in node.iter(q("svg:title")) for t in e.itertext()).split())
        attributes = {"src": name, "alt": alt or title}
        if alt and title and title != alt:
            attributes["title"] = title
        etree.SubElement(target, "img", attributes)


def _append_text(element, text: str | None) -> None:
    if not text:
        return
    if len(element):
        element[-1].tail = (element[-1].tail or "") + text
    else:
        element.text = (element.text or "") + text

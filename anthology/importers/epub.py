"""An EPUB (another tool's book, a Standard Ebooks edition) -> one Draft per chapter, in spine order:
each content document read by the HTML importer with its notes (found in whichever member the note
links point at), verse, images and languages; titles from the documents, authors and language from
the package metadata. Title pages, imprints, colophons, tables of contents and endnote files are not
chapters and are left out (their notes go with the chapters that call them)."""

from __future__ import annotations

import posixpath
from pathlib import Path
from urllib.parse import unquote

from anthology.importers import Draft, Options, Unreadable
from anthology.importers import archive as archives
from anthology.importers import html as html_importer
from anthology.importers.footnotes import epub_types

_OPF = "{http://www.idpf.org/2007/opf}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_CONTAINER = "{urn:oasis:names:tc:opendocument:xmlns:container}"
_NOT_CHAPTERS = {"titlepage", "halftitlepage", "imprint", "colophon", "copyright-page", "endnotes", "footnotes",
                 "toc", "landmarks", "loi", "lot", "cover", "se:uncopyright", "rearnotes"}
_IMAGES = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/svg+xml": ".svg"}


def read(path: Path, options: Options) -> list[Draft]:
    zipped = archives.open_zip(path, "an EPUB")
    with zipped:
        names = set(zipped.namelist())
        container = archives.xml(zipped, "META-INF/container.xml", path)
        rootfile = container.find(f".//{_CONTAINER}rootfile")
        opf_path = rootfile.get("full-path") if rootfile is not None else None
        if not opf_path or opf_path not in names:
            raise Unreadable(f"{path}: the EPUB names no package document (META-INF/container.xml)")
        opf = archives.xml(zipped, opf_path, path)
        base = posixpath.dirname(opf_path)
        metadata = opf.find(f"{_OPF}metadata")
        book_title = _text(metadata, "title")
        authors = [" ".join((c.text or "").split()) for c in metadata.iter(f"{_DC}creator") if (c.text or "").strip()] \
            if metadata is not None else []
        language = _text(metadata, "language")
        items = {item.get("id"): item for item in opf.iter(f"{_OPF}item")}
        chapters = []
        for itemref in opf.iter(f"{_OPF}itemref"):
            item = items.get(itemref.get("idref"))
            if item is None or item.get("media-type") != "application/xhtml+xml" or \
                    "nav" in (item.get("properties") or "").split() or itemref.get("linear") == "no":
                continue
            member = posixpath.normpath(posixpath.join(base, unquote(item.get("href") or "")))
            if member in names and not _boilerplate(zipped.read(member)):
                chapters.append(member)
        numbered = {member: number for number, member in enumerate(chapters, start=1)}
        if options.only:
            beyond = sorted(n for n in options.only if n > len(chapters))
            if beyond:
                raise Unreadable(f"{path}: --only {', '.join(map(str, beyond))}: the EPUB has {len(chapters)} "
                                 "chapters (run with --dry-run to see them)")
            chapters = [member for number, member in enumerate(chapters, start=1) if number in options.only]
        drafts = []
        for member in chapters:
            draft = _chapter(zipped, names, member, path)
            draft.source = f"chapter {numbered[member]}: {member}"
            draft.authors = draft.authors or list(authors)
            draft.language = draft.language or language
            draft.book_title = book_title
            drafts.append(draft)
        return drafts


def _chapter(zipped, names: set[str], member: str, path: Path) -> Draft:
    folder = posixpath.dirname(member)

    def inside(href: str) -> str | None:
        target = posixpath.normpath(posixpath.join(folder, unquote(href.split("#")[0].split("?")[0])))
        return target if target in names and not target.startswith("../") else None

    def sibling(href: str) -> bytes | None:
        target = inside(href)
        return zipped.read(target) if target and target.endswith((".xhtml", ".html", ".htm")) else None

    def image(src: str, draft: Draft) -> str | None:
        target = inside(src) if src and not html_importer._REMOTE.match(src) else None
        extension = _IMAGES.get(_type_of(target)) if target else None
        if target is None or extension is None:
            draft.checks.append(f"the image {src} was left out: it is not a PNG, JPEG, GIF or SVG file in the EPUB")
            return None
        data = zipped.read(target)
        archives.check_image(data, target, path)
        return html_importer._add(draft, data, extension)

    return html_importer.read_document(zipped.read(member), Path(f"{path}:{member}"), sibling, None,
                                       image_loader=image)


def _type_of(member: str) -> str:
    extension = posixpath.splitext(member)[1].lower()
    return {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
            ".svg": "image/svg+xml"}.get(extension, "")


def _boilerplate(data: bytes) -> bool:
    """A title page, imprint, colophon, contents or endnotes document: its body or first section says so."""
    from lxml import html as lxml_html

    try:
        document = lxml_html.document_fromstring(data.decode("utf-8", errors="replace").split("?>", 1)[-1]
                                                 if data.lstrip().startswith(b"<?xml") else data)
    except Exception:
        return False
    body = document.find("body")
    if body is None:
        return True
    for element in [body] + list(body.iter("section", "article", "nav", "div"))[:2]:
        if epub_types(element) & _NOT_CHAPTERS:
            return True
    return not "".join(body.itertext()).strip() and body.find(".//img") is None


def _text(metadata, name: str) -> str | None:
    if metadata is None:
        return None
    for element in metadata.iter(f"{_DC}{name}"):
        if (element.text or "").strip():
            return " ".join(element.text.split())
    return None

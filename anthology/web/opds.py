"""The OPDS 1.2 acquisition feed (site/opds.xml): the book as one entry that reading apps can
subscribe to, with its cover and open-access links to the EPUB and the PDF."""

from __future__ import annotations

import datetime as dt
import uuid

from lxml import etree

from anthology.book.model import Book
from anthology.web.downloads import Download
from anthology.web.pages import plain

ATOM = "http://www.w3.org/2005/Atom"
DC = "http://purl.org/dc/terms/"
OPDS = "http://opds-spec.org/2010/catalog"
ACQUISITION_FEED = "application/atom+xml;profile=opds-catalog;kind=acquisition"
NAV = {None: ATOM, "dc": DC, "opds": OPDS}


def _sub(parent, tag: str, text: str | None = None, **attrs):
    ns, _, local = tag.rpartition(":")
    element = etree.SubElement(parent, f"{{{NAV[ns or None]}}}{local}", {k.rstrip("_"): v for k, v in attrs.items()})
    if text is not None:
        element.text = text
    return element


def feed(book: Book, updated: dt.datetime, cover: str, downloads: list[Download]) -> bytes:
    """The feed as UTF-8 XML; links are relative to the feed (the site can move)."""
    stamp = updated.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    title = plain(book.title, book.language)
    root = etree.Element(f"{{{ATOM}}}feed", nsmap=NAV)
    _sub(root, "id", f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'anthology-opds:' + book.identifier)}")
    _sub(root, "title", title)
    _sub(root, "updated", stamp)
    author = _sub(root, "author")
    _sub(author, "name", book.publisher or book.labels.names(book.editors) or title)
    _sub(root, "link", rel="self", href="opds.xml", type=ACQUISITION_FEED)
    _sub(root, "link", rel="start", href="opds.xml", type=ACQUISITION_FEED)
    _sub(root, "link", rel="alternate", href="index.html", type="text/html")

    entry = _sub(root, "entry")
    _sub(entry, "title", title)
    _sub(entry, "id", book.identifier)
    _sub(entry, "updated", stamp)
    for name in book.editors or book.authors:
        _sub(_sub(entry, "author"), "name", name)
    _sub(entry, "dc:identifier", book.identifier)
    _sub(entry, "dc:language", book.language)
    if book.publisher:
        _sub(entry, "dc:publisher", book.publisher)
    if book.date:
        _sub(entry, "dc:issued", book.date.isoformat())
    summary = book.description or plain(book.subtitle or book.title, book.language)
    _sub(entry, "summary", summary, type="text")
    for chapter in book.chapters:
        _sub(entry, "category", term=plain(chapter.title, book.language), label=plain(chapter.title, book.language))
    media = "image/png" if cover.endswith(".png") else "image/jpeg"
    _sub(entry, "link", rel="http://opds-spec.org/image", href=cover, type=media)
    _sub(entry, "link", rel="http://opds-spec.org/image/thumbnail", href=cover, type=media)
    _sub(entry, "link", rel="alternate", href="index.html", type="text/html")
    for download in downloads:
        if download.kind in ("epub", "pdf"):
            _sub(entry, "link", rel="http://opds-spec.org/acquisition/open-access", href=download.name,
                 type=download.media_type, length=str(download.size), title=download.format(book.labels))
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)

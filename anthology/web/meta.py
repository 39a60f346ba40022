"""What a page says about itself to link previews and search engines: OpenGraph and Twitter card
metadata on every page, schema.org Book JSON-LD on the home page."""

from __future__ import annotations

import json

from markupsafe import Markup, escape

from anthology.book.model import Book
from anthology.web.pages import Page, plain


def _meta(attribute: str, name: str, content: str) -> str:
    return f'<meta {attribute}="{escape(name)}" content="{escape(content)}">'


def head(book: Book, page: Page, cover: str, downloads: list[dict] | None) -> Markup:
    """The <head> lines of one page; `downloads` (the home page's) adds the JSON-LD."""
    title = plain(book.title, book.language)
    description = book.description or plain(book.subtitle or book.title, book.language)
    cover_alt = f"{book.labels.cover}: {title}"
    lines = [
        _meta("property", "og:title", page.title),
        _meta("property", "og:type", "book" if page.kind == "home" else "article"),
        _meta("property", "og:site_name", title),
        _meta("property", "og:description", description),
        _meta("property", "og:locale", book.language.replace("-", "_")),
        _meta("property", "og:image", cover),
        _meta("property", "og:image:alt", cover_alt),
        _meta("name", "twitter:card", "summary"),
        _meta("name", "twitter:title", page.title),
        _meta("name", "twitter:description", description),
        _meta("name", "twitter:image", cover),
        _meta("name", "twitter:image:alt", cover_alt),
    ]
    if page.piece and page.piece.authors:
        lines += [_meta("property", "article:author", name) for name in page.piece.authors]
    if downloads is not None:
        data = json.dumps(book_json_ld(book, cover, downloads), ensure_ascii=False, indent=1, sort_keys=True)
        lines.append('<script type="application/ld+json">\n' + data.replace("</", "<\\/") + "\n</script>")
    return Markup("\n".join(lines))


def _people(names: list[str]) -> list[dict]:
    return [{"@type": "Person", "name": name} for name in names]


def book_json_ld(book: Book, cover: str, downloads: list[dict]) -> dict:
    """schema.org Book: the anthology, its editors, authors, translators, parts and editions."""
    from anthology.web.pages import page_name

    data = {
        "@context": "https://schema.org",
        "@type": "Book",
        "name": plain(book.title, book.language),
        "inLanguage": book.language,
        "identifier": book.identifier,
        "image": cover,
        "isAccessibleForFree": True,
        "url": "index.html",
        "hasPart": [{"@type": "CreativeWork", "name": plain(p.title, book.language), "url": page_name(p.id),
                     **({"author": _people(p.authors)} if p.authors else {}),
                     **({"translator": _people(p.translators)} if p.translators else {})}
                    for p in book.pieces],
        "encoding": [{"@type": "MediaObject", "name": d["format"], "contentUrl": d["name"],
                      "encodingFormat": d["media_type"], "contentSize": d["human_size"]} for d in downloads],
    }
    if book.subtitle:
        data["alternativeHeadline"] = plain(book.subtitle, book.language)
    if book.description:
        data["description"] = book.description
    if book.editors:
        data["editor"] = _people(book.editors)
    if book.authors:
        data["author"] = _people(book.authors)
    if book.translators:
        data["translator"] = _people(book.translators)
    if book.publisher:
        data["publisher"] = {"@type": "Organization", "name": book.publisher}
    if book.date:
        data["datePublished"] = book.date.isoformat()
    return data

"""Every page of the web edition: its content from the book's own templates (the same parts and
piece templates as the EPUB and the print edition), its place in the book (breadcrumbs, previous
and next) and its file name."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup

from anthology.book.model import Book, Chapter, Piece
from anthology.text import fragments, markup, parallel

HOME, SEARCH, BOOK_INDEX = "index.html", "search.html", "book-index.html"

# EPUB document stems whose web page has another name
_SPECIAL = {"index": BOOK_INDEX, "nav": HOME + "#contents", "titlepage": HOME, "rights": HOME + "#about",
            "toc": HOME + "#contents", "cover": HOME}


@dataclass
class Page:
    name: str                   # file name in the site
    title: str                  # plain text
    kind: str                   # home, preface, chapter, piece, credits, index, search
    content: Markup = Markup("")
    crumbs: list[tuple[str, str]] = field(default_factory=list)  # (title, href) of the pages above
    piece: Piece | None = None
    chapter: Chapter | None = None
    prev: Page | None = None
    next: Page | None = None
    searchable: bool = False    # its text goes into the search index


def plain(text: str, language: str = "en") -> str:
    """A title (inline Markdown) as plain text."""
    return Markup(markup.inline(str(text), language)).striptags()


def page_name(target: str) -> str:
    """The site's file name for a piece id, chapter id or part name (preface, credits, index …)."""
    return _SPECIAL.get(target, f"{target}.html")


_XHTML_HREF = re.compile(r'href="([^"#:/?]+)\.xhtml(#[^"]*)?"')


def web_hrefs(html: str) -> str:
    """Links written for the EPUB (other.xhtml#anchor) point at the site's pages."""
    return _XHTML_HREF.sub(lambda m: f'href="{page_name(m.group(1))}{m.group(2) or ""}"', html)


_HEADING = re.compile(r"<(/?)h([1-6])(?=[\s>/])")


def dense_headings(html: str, top: int = 1) -> str:
    """Renumber the headings of one page so that they start at `top` and never skip a level
    (a piece's h2 title is the page's h1, its h3 sections become h2 …)."""
    levels = sorted({int(m.group(2)) for m in _HEADING.finditer(html)})
    mapping = {level: top + i for i, level in enumerate(levels)}
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{mapping[int(m.group(2))]}", html)


def reading_order(book: Book, has_index: bool) -> list[Page]:
    """The pages in reading order (home first), with titles, breadcrumbs, previous and next;
    their content is filled in by render()."""
    labels = book.labels
    home = Page(HOME, plain(book.title, book.language), "home")
    top = [(home.title, HOME)]
    pages = [home]
    if book.preface:
        pages.append(Page(page_name("preface"), labels.preface, "preface", crumbs=top, searchable=True))
    for chapter in book.chapters:
        opener = Page(page_name(chapter.id), plain(chapter.title, book.language), "chapter", crumbs=top, chapter=chapter,
                      searchable=bool(chapter.intro))
        pages.append(opener)
        for piece in chapter.pieces:
            pages.append(Page(page_name(piece.id), plain(piece.title, book.language), "piece",
                              crumbs=top + [(opener.title, opener.name)], piece=piece, searchable=True))
    pages.append(Page(page_name("credits"), labels.credits, "credits", crumbs=top))
    if has_index:
        pages.append(Page(BOOK_INDEX, labels.index, "index", crumbs=top))
    for before, after in zip(pages, pages[1:]):
        before.next, after.prev = after, before
    return pages


def render(book: Book, env, pages: list[Page], context: dict) -> None:
    """Fill in each page's content from the book's templates; `context` holds what the part
    templates expect (index entries with web links, build date, print label, downloads …)."""
    common = dict(book=book, link=page_name, body_of=lambda f: Markup(web_hrefs(fragments.epub_body(f))),
                  notes_of=lambda f, prefix: Markup(web_hrefs(fragments.epub_notes(f, prefix))), **context)
    number = 0
    for page in pages:
        if page.kind == "piece":
            piece = page.piece
            assert piece is not None, "a piece's page is made with its piece"
            html = env.get_template(f"pieces/{piece.kind}.html").render(
                book=book, piece=piece, body=Markup(web_hrefs(parallel.web_body(piece, book))),
                notes=Markup(web_hrefs(parallel.epub_notes(piece))))
        elif page.kind == "chapter":
            number += 1
            html = env.get_template("parts/chapter.html").render(**common, chapter=page.chapter, number=number)
            html += env.get_template("web/chapter-pieces.html").render(**common, chapter=page.chapter)
        elif page.kind == "index":
            html = env.get_template("parts/index.html").render(**common)
        else:
            html = env.get_template(f"{'web' if page.kind in ('home', 'search') else 'parts'}/{page.kind}.html") \
                .render(**common, page=page)
        page.content = Markup(dense_headings(web_hrefs(html)))

"""Writes the web edition into a folder: every page, the stylesheet and scripts, the images and
cover, the downloadable editions, the search index and the OPDS feed.

`write_site(book, out_dir, downloads)` is all a caller needs (the build, or a preview server that
adds its own live-reload script around the written pages); nothing written depends on the clock
except through SOURCE_DATE_EPOCH.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
from pathlib import Path

from markupsafe import Markup
from PIL import Image

from anthology import templating as templates
from anthology.book.model import Book
from anthology.epub.writer import epub_css, stylesheet_files
from anthology.text import index
from anthology.web import downloads as dl
from anthology.web import meta, opds, pages, search

SCRIPTS = ("site.js", "search.js")


def _epoch() -> int:
    value = os.environ.get("SOURCE_DATE_EPOCH", "")
    return int(value) if value.strip().isdigit() else int(dt.datetime.now(dt.UTC).timestamp())


def _smaller(png: bytes, width: int = 800) -> bytes:
    """The generated cover (1600 px wide) at screen size for the home page and link previews."""
    with Image.open(io.BytesIO(png)) as image:
        if image.width <= width:
            return png
        small = image.convert("RGB").resize((width, round(image.height * width / image.width)),
                                            Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    small.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def write_site(book: Book, out_dir: Path, downloads: list[dl.Download], *, env=None,
               index_entries: list | None = None, build_date: dt.date | None = None,
               epoch: int | None = None, cover_png: bytes | None = None, print_label: str | None = None) -> list[Path]:
    """Write the site into out_dir (created if needed); return the files written.

    index_entries: index.for_epub(...) of the marked book (marked and unpaged here when not given:
    pass them with the book index.mark() returned). cover_png: the generated
    cover when the build has rendered it already.
    """
    from anthology.print.covers import cover as covers
    from anthology.print.pdf import print_label as label_of

    env = env or templates.environment(book)
    epoch = _epoch() if epoch is None else epoch
    updated = dt.datetime.fromtimestamp(epoch, dt.UTC)
    build_date = build_date or updated.date()
    if index_entries is None:  # (the loaded book is frozen: the marked copy is written)
        book, entries = index.mark(book)
        index_entries = index.for_epub(entries)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def put(name: str, data: bytes | str) -> None:
        path = out_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        written.append(path)

    css = epub_css(book)
    put("book.css", css)
    taken = {image.relative_to(book.root.resolve()).as_posix() for image in book.images}
    for name, path in stylesheet_files(book, css.decode("utf-8")):  # the fonts and images it names
        name = name.removeprefix("style/")
        if name not in taken and name != "book.css" and not name.startswith("../"):
            taken.add(name)
            put(name, path.read_bytes())
    for script in SCRIPTS:
        put(script, templates.resource(book.root, f"templates/web/{script}").read_bytes())
    for image in book.images:
        put(image.relative_to(book.root.resolve()).as_posix(), image.read_bytes())
    if book.cover:
        cover_name, cover_bytes = "cover" + book.cover.suffix.lower(), book.cover.read_bytes()
    else:
        cover_name, cover_bytes = "cover.png", _smaller(cover_png or covers.render_png(book, env))
    put(cover_name, cover_bytes)
    with Image.open(out_dir / cover_name) as img:
        cover_size = img.size
    offered = dl.ordered(downloads)
    for download in offered:
        target = out_dir / download.name
        shutil.copyfile(download.source, target)
        written.append(target)

    labels = book.labels
    trim = labels.trim(book.print.trim_name, *book.print.trim)
    views = [{"kind": d.kind, "name": d.name, "format": d.format(labels), "media_type": d.media_type,
              "human_size": dl.human_size(d.size, labels), "size": d.size,
              "for_reader": dl.for_reader(d, labels, trim)} for d in offered]
    site = pages.reading_order(book, has_index=bool(index_entries))
    search_page = pages.Page(pages.SEARCH, labels.search, "search", crumbs=[(site[0].title, pages.HOME)])
    pages.render(book, env, site + [search_page], dict(
        index=index_entries, build_date=build_date, print_label=print_label or label_of(book),
        downloads=views, cover=cover_name, cover_size=cover_size))
    frame = env.get_template("web/page.html")
    site_title = pages.plain(book.title, book.language)
    for page in site + [search_page]:
        head = meta.head(book, page, cover_name, views if page.kind == "home" else None)
        scripts = ["search-index.js", "search.js"] if page.kind == "search" else []
        put(page.name, frame.render(book=book, page=page, head=Markup(head), site_title=site_title,
                                    has_index=bool(index_entries), scripts=scripts))
    put("search-index.js", search.index_script(site))
    put("opds.xml", opds.feed(book, updated, cover_name, offered))
    return written

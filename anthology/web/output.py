"""The web edition, `render(book, session) -> list[Path]`: the reading site with its search index and
OPDS feed, offering the EPUB, the PDF and the zine made in the same build (web/site.py)."""

from __future__ import annotations

from pathlib import Path


def render(book, session) -> list[Path]:
    from anthology.print import source
    from anthology.text import index
    from anthology.web.site import write_site

    session.progress("writing the site")
    return write_site(book, session.outputs.temp_dir_for("site"), session.offered, env=session.env,
                      index_entries=index.for_epub(session.entries), build_date=session.build_date,
                      epoch=session.epoch, cover_png=session.cover_png, print_label=source.print_label(book))

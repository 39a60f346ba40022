"""The EPUB output, `render(book, session) -> list[Path]`: the EPUB with the print edition's page
list (its page breaks from the print stage's Edition) and the generated cover from the print stage;
`early(book, session)` writes it while the last parts of the PDF are still being written."""

from __future__ import annotations

from pathlib import Path


def render(book, session) -> list[Path]:
    if session.edition.laid_early:  # written while the PDF was (early())
        return []
    cover_png = None
    if not book.cover:
        from anthology.print import source

        session.progress("rendering the cover")
        cover_png, fetched = session.printing.cover_png(book, session.env)
        source.record_fetches(fetched)
    session.cover_png = cover_png
    return [_write(book, session, session.edition.breaks, cover_png)]


def early(book, session):
    """The print stage's on_laid(breaks): once every part is laid out, while the workers still write,
    the EPUB is written meanwhile, when the cover is ready. False: not yet (then again later, or by
    render())."""

    def laid(breaks) -> bool:
        cover_png = None
        if not book.cover:
            made = session.printing.cover_ready()
            if made is None:
                return False  # not rendered yet (or failed): written afterwards, the usual way
            from anthology.print import source

            cover_png, fetched = made
            source.record_fetches(fetched)
        _write(book, session, breaks, cover_png)
        return True

    return laid


def _write(book, session, breaks, cover_png) -> Path:
    from anthology.epub import pagelist
    from anthology.epub import reproducible as epubzip
    from anthology.epub import writer as epub
    from anthology.print import source
    from anthology.text import index

    label = source.print_label(book)
    extras = epub.EpubExtras(print_edition=book.labels.format(
        "print_source", title=book.title, trim=label, file=f"{book.output}.pdf"))
    extras.page_breaks, extras.page_labels = pagelist.from_breaks(book, breaks)
    extras.cover_png = cover_png
    session.progress("writing the EPUB")
    raw = session.outputs.scratch(f"{book.output}.epub")
    epub.build(book, session.env, raw, index_entries=index.for_epub(session.entries), build_date=session.build_date,
               modified=session.modified, print_label=label, extras=extras)
    target = session.target(f"{book.output}.epub", "epub")
    epubzip.normalize(raw, target, session.epoch)
    return target

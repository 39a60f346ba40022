"""Orchestration: load and check the whole book, render every output, write each one atomically."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from anthology import cache
from anthology.epoch import build_epoch, epoch_key
from anthology.errors import BookError, Problem
from anthology.outputs import AtomicOutputs

# The renderers (WeasyPrint, ebooklib, pypdf) are imported inside the functions that use them, so
# that `anthology --help`, `anthology check` and a build served from the cache start quickly.

FORMATS = ("epub", "pdf", "zine", "minizine", "cover", "site")


@dataclass
class BuildReport:
    outputs: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    fetched: set[Path] = field(default_factory=set)  # files the layouts read (for the cache)
    cached: bool = False  # the outputs were restored from the cache (every input unchanged)


def build(manifest: Path, out_dir: Path, formats: list[str], *, press: bool | None = None,
          piece: str | None = None, progress=None) -> BuildReport:
    """Build the requested formats. Raises BookError (nothing written) when the sources are wrong,
    a book's own template included. When every input is unchanged since a build of the same request
    (see cache.py), the outputs are restored from the cache instead. `progress` is called with
    the name of each phase as it begins (see progress.py)."""
    # Every parameter but the output folder and the progress display is part of the cache key, a
    # parameter added later included: read them first thing, before any other local exists.
    options = {name: value for name, value in locals().items() if name not in ("manifest", "out_dir", "progress")}
    from anthology.progress import silent

    progress = progress or silent
    options["formats"] = sorted(options["formats"])
    cache.forget_hashes()  # files may have changed since an earlier build in this process (the preview)
    request = _request_key("build", manifest, epoch=epoch_key(), **options)
    cacheable = "site" not in formats  # the cache keeps files; a site is a folder, always built
    restored = _restore(request, out_dir) if cacheable else None
    if restored is not None:
        return restored
    progress(f"reading {Path(manifest).name} and the pieces")
    pool = None
    if any(f in formats for f in ("pdf", "epub", "zine", "cover", "site")):
        from anthology.print.layout import assemble
        from anthology.print.layout.pool import Pool

        if assemble.enabled():  # the print edition's workers start now, and warm up while the book is read
            # (all of them for a first build; else the first one, the others once they have work)
            first_build = not (out_dir.is_dir() and any(out_dir.glob("*.pdf")))
            pool = Pool(manifest=Path(manifest), eager=first_build)
    try:
        import jinja2

        from anthology.book.manifest import load_book

        book = load_book(manifest)
        _remember_check(manifest, book)
        from anthology.print.source import recording_fetches

        try:
            with recording_fetches() as fetched:
                report = _build(book, out_dir, formats, press, piece, progress, pool)
            report.fetched = fetched
        except jinja2.TemplateError as exc:
            from anthology.templating import template_problem

            raise BookError([template_problem(book, exc)]) from None
    finally:
        if pool is not None:
            pool.close()
    outputs = {path.name: path for path in report.outputs if path.parent == Path(out_dir) and path.is_file()}
    if cacheable and len(outputs) == len(report.outputs):  # an output that is a folder, or in one, is not cached
        cache.store(request, _inputs(book, report), outputs,
                    {"warnings": [[w.file, w.line, w.message, w.code, w.level] for w in report.warnings]})
    return report


def _request_key(command: str, manifest: Path, **options) -> str:
    """The cache key of a request: the tool, the manifest's place, the options, and which files the
    book's own templates/ and styles/ folders hold (their contents are dependencies)."""
    manifest = Path(manifest).absolute()
    own = [str(p.relative_to(manifest.parent)) for folder in ("templates", "styles")
           for p in cache.tree_files(manifest.parent / folder)]
    return cache.key(command, str(manifest), own, options)


def _inputs(book, report: BuildReport) -> list[Path]:
    """Every file the build read: the book's sources, images, cover, own templates and styles, and
    what the layout fetched."""
    own = [p for folder in ("templates", "styles") for p in cache.tree_files(book.root / folder)]
    return sorted({*_loaded(book), *own, *report.fetched})


def _loaded(book) -> set[Path]:
    """The files reading and checking the book used: its texts, images and cover, the stylesheet and
    the fonts the glyph check read."""
    from anthology.book.glyphs import declared_fonts
    from anthology.book.styles import sheets

    found = sheets(book.root, book.styles)
    return {Path(book.manifest), *book.sources, *book.images, *([book.cover] if book.cover else []),
            *found, *(font for sheet in found for _, font in declared_fonts(sheet))}


def _restore(request: str, out_dir: Path) -> BuildReport | None:
    """The outputs of an earlier build of the same request with the same inputs, written atomically
    into `out_dir`; None when there is none or any of it is damaged."""
    entry = cache.lookup(request)
    if entry is None:
        return None
    outputs = AtomicOutputs(out_dir)
    try:
        for name in sorted(entry.blobs):
            content = entry.read(name)
            if content is None:
                return None
            outputs.temp_for(name).write_bytes(content)
        report = BuildReport(outputs=outputs.commit(), cached=True)
    finally:
        outputs.discard()
    report.warnings = [Problem(*w) for w in entry.data.get("warnings", [])]
    return report


def _remember_check(manifest: Path, book) -> None:
    """Record that this book, with exactly these files, passes `check`."""
    cache.store(_request_key("check", manifest), sorted(_loaded(book)),
                {}, {"chapters": len(book.chapters), "pieces": len(book.pieces),
                     "warnings": [[w.file, w.line, w.message, w.code, w.level] for w in book.warnings]})


def _build(book, out_dir: Path, formats: list[str], press: bool | None, piece: str | None,
           progress, pool=None) -> BuildReport:
    from anthology import templating as templates
    from anthology.epub import pagelist
    from anthology.epub import reproducible as epubzip
    from anthology.epub import writer as epub
    from anthology.print import source
    from anthology.print.covers import presets
    from anthology.text import index

    from anthology.book import glyphs

    report = BuildReport(warnings=list(book.warnings))  # the book's own (an alt text still TODO)
    report.warnings += glyphs.print_problems(book, formats)  # a character no font has stops a print edition
    epoch = build_epoch()
    modified = dt.datetime.fromtimestamp(epoch, dt.timezone.utc).replace(tzinfo=None)
    build_date = modified.date()
    env = templates.environment(book)
    preset = presets.PRESETS.get(book.print.printer or "")
    interior_bleed = bool(preset and preset.bleed and book.print.bleed)  # the service's bleed, in <name>.pdf
    if press is None:
        press = book.print.marks or (bool(book.print.bleed) and not interior_bleed)
    outputs = AtomicOutputs(out_dir)
    site = "site" in formats
    # the site offers the EPUB, the PDF and the zine: made in the same run, kept out of out_dir unless asked
    made = set(formats) | ({"epub", "pdf", "zine"} if site else set())
    offered: list = []

    def target(name: str, kind: str, asked: str | None = None) -> Path:
        path = outputs.temp_for(name) if (asked or kind) in formats else outputs.scratch(name)
        if site:
            from anthology.web.downloads import Download

            offered.append(Download(kind, path, name))
        return path

    epub_early: list[Path] = []  # the EPUB when written while the last parts of the PDF were

    def write_epub(page_list, cover_png) -> None:
        extras = epub.EpubExtras(print_edition=f"{book.title}, print edition ({source.print_label(book)}), "
                                              f"{book.output}.pdf")
        extras.page_breaks, extras.page_labels = page_list
        extras.cover_png = cover_png
        progress("writing the EPUB")
        raw = outputs.scratch(f"{book.output}.epub")
        epub.build(book, env, raw, index_entries=index.for_epub(entries), build_date=build_date,
                   modified=modified, print_label=source.print_label(book), extras=extras)
        epubzip.normalize(raw, target(f"{book.output}.epub", "epub"), epoch)

    def early_epub(breaks) -> bool:
        """Called by assemble() once every part is laid out (their page breaks known), while the
        workers still write: the EPUB is written meanwhile, when the cover is ready. False: not yet."""
        if "epub" not in made:
            return True
        cover_png = None
        if not book.cover:
            if not (cover_from_pool and isinstance(pool.cover, tuple)):
                return False  # not rendered yet (or failed): written afterwards, the usual way
            cover_png, fetched = pool.cover
            source.record_fetches(fetched)
        write_epub(pagelist.from_breaks(book, breaks), cover_png)
        epub_early.append(outputs.out_dir / f"{book.output}.epub")
        return True

    try:
        entries = index.mark(book)
        layout = None
        reading_pdf = None
        cover_from_pool = pool is not None and "epub" in made and not book.cover
        if cover_from_pool:  # the generated cover: from the cache, else by a layout worker first
            from anthology.print.covers import cover

            pool.want_cover(cover.cached_png(book, env))
        if any(f in made for f in ("pdf", "epub", "zine", "cover")):
            from anthology.print.layout import assemble

            if assemble.applies(book, preset):  # in units, on every core, each cached (print/layout/assemble.py)
                reading_pdf = target(f"{book.output}.pdf", "pdf") if "pdf" in made \
                    else outputs.scratch(f"{book.output}.pdf")
                layout = assemble.assemble(book, env, entries, build_date, reading_pdf, progress=progress,
                                           pool=pool, on_laid=early_epub if not site else None)
                if layout is None:
                    epub_early.clear()  # written from parts that were not used: written again below
                    progress("laying out the print edition whole")
            if layout is None:
                layout = _print_layout(book, env, entries, build_date, progress)
            if preset:
                layout = _keep_service_margins(book, env, entries, build_date, layout, preset, interior_bleed,
                                               progress)
                report.warnings += _service_warnings(book, layout, preset, interior_bleed)
        written = isinstance(layout, assemble.Assembled) if layout is not None else False
        if not written or press or "zine" in made:
            from anthology.print import pdf  # WeasyPrint, here: the units (print/layout/assemble.py) did without
        if "pdf" in made:
            if not written:
                reading_pdf = reading_pdf or target(f"{book.output}.pdf", "pdf")
                progress(f"writing the PDF ({_page_count(layout)} pages)")
                pdf.write(layout, reading_pdf, book)
            if preset:
                presets.strip_refused(reading_pdf, preset)
            if press:
                progress("laying out and writing the press PDF")
                press_pdf = target(f"{book.output}-press.pdf", "press", asked="pdf")
                pressed = written and assemble.assemble(book, env, entries, build_date, press_pdf, press=True,
                                                        page_rules=layout.page_rules, pool=pool)
                if not pressed:
                    press_layout = pdf.render(book, env, index_entries=index.for_print(entries),
                                              build_date=build_date, press=True, long_notes=layout.long_notes,
                                              page_rules=layout.page_rules)
                    pdf.write(press_layout, press_pdf, book)
                source.set_bleed_box(press_pdf, book)
        if "zine" in made:
            from anthology.print.imposition import zine
            from anthology.print.imposition import zinecovers

            if not written and (reading_pdf is None or "pdf" not in made):
                reading_pdf = reading_pdf or outputs.scratch(f"{book.output}.pdf")
                progress(f"writing the PDF ({_page_count(layout)} pages)")
                pdf.write(layout, reading_pdf, book)
            zine_source = outputs.scratch(f"{book.output}-zine-source.pdf")
            progress("the zine's covers")
            report.warnings += [Problem("PDF", None, w, "WEASYPRINT", "warning")
                                for w in zinecovers.write(book, env, reading_pdf, zine_source,
                                                          grayscale=book.print.grayscale)]
            progress("imposing the zine")
            zine.impose_booklet(zine_source, target(f"{book.output}-zine.pdf", "zine"),
                                sheet=book.print.sheet, signature=book.print.signature,
                                creep=book.print.creep, marks=book.print.marks, direction=book.direction)
        if "minizine" in formats:
            from anthology.print.imposition import minizine

            progress("laying out the mini-zine")

            report.warnings += [Problem("PDF", None, w, "WEASYPRINT", "warning")
                                for w in minizine.build(book, env, piece, outputs)]
        if "cover" in formats:
            from anthology.print.covers import wrap

            progress("laying out the cover wrap")
            report.warnings += wrap.write(book, env, _page_count(layout),
                                          outputs.temp_for(f"{book.output}-cover.pdf"))
        if layout is not None:
            _report_print_warnings(layout, report)
        cover_png = None
        if "epub" in made and not epub_early:
            if not book.cover:
                progress("rendering the cover")
                from anthology.epub.pagelist import scopes_of

                made_cover = pool.cover_png(book, scopes_of(book)) if cover_from_pool else None
                if made_cover is None:  # no workers (ANTHOLOGY_UNITS=off), or one failed: here, errors reported
                    from anthology.print.covers import cover

                    made_cover = cover.render_png_recorded(book, env)
                cover_png, fetched = made_cover
                source.record_fetches(fetched)
            if written:
                write_epub(pagelist.from_breaks(book, layout.breaks), cover_png)
            else:
                write_epub(pagelist.from_layout(book, layout.document), cover_png)
        if site:
            from anthology.web.site import write_site

            progress("writing the site")
            write_site(book, outputs.temp_dir_for("site"), offered, env=env, index_entries=index.for_epub(entries),
                       build_date=build_date, epoch=epoch, cover_png=cover_png, print_label=source.print_label(book))
        report.outputs = outputs.commit()
    finally:
        outputs.discard()
    return report


def _keep_service_margins(book, env, entries, build_date, layout, preset, bleed: bool, progress):
    """Lay the book out again, with wider margins, while its content comes closer to the trim than
    the print-on-demand service allows (the inside margin grows with the page count)."""
    from anthology.print.covers import presets

    for _ in range(3):
        rules = presets.margin_rules(preset, layout.document, bleed, layout.page_rules)
        if rules == layout.page_rules:
            break
        progress(f"laying out the print edition again (the margins {preset.service} asks for)")
        layout = _print_layout(book, env, entries, build_date, progress, page_rules=rules)
    return layout


def _service_warnings(book, layout, preset, bleed: bool) -> list[Problem]:
    from anthology.print.covers import presets

    where = book.lines.get("print.printer")
    found = [Problem(book.manifest.name, where, f"print: printer: {preset.name}: {message}", "PRINTER", "warning")
             for message in presets.broken_rules(preset, layout.document, bleed)]
    if bleed and abs(book.print.bleed - presets.INCH / 8) > 0.1:
        found.append(Problem(book.manifest.name, book.lines.get("print.bleed"),
                             f"print: bleed: {preset.service} wants 0.125 in of bleed "
                             f"(this book has {book.print.bleed / presets.INCH:.3f} in)", "PRINTER", "warning"))
    for image, page, dpi in presets.low_resolution_images(layout.document, book.root):
        found.append(Problem(image, None, f"printed at {dpi:.0f} dpi on page {page}; {preset.service} wants "
                                          f"{presets.MIN_DPI} dpi: use a larger image or print it smaller",
                             "PRINTER", "warning"))
    return found


def _print_layout(book, env, entries, build_date, progress, page_rules: str = ""):
    """Lay out the print edition: again (twice at most) while a footnote is too long for the foot of
    its page (such a note goes to the end of its piece instead, so none of it is lost); then the
    index gets the page numbers of this very layout, and only the index is laid out again (see
    print/layout/index_pages.py; the whole book only where that shortcut does not apply). The first
    layouts hold a placeholder index of one locator: where the index begins is all they need of it.
    `page_rules`: further @page rules (the margins a print-on-demand service asks for)."""
    from anthology.print import pdf
    from anthology.print.layout import index_pages
    from anthology.text import index

    long_notes: frozenset[str] = frozenset()
    first_index = index_pages.placeholder(index.for_print(entries))
    progress("laying out the print edition")
    layout = pdf.render(book, env, index_entries=first_index, build_date=build_date, page_rules=page_rules)
    for _ in range(2):
        overflowing = layout.overflowing_notes() - long_notes
        if not overflowing:
            break
        long_notes |= overflowing
        progress(f"laying out the print edition again ({len(overflowing)} long footnotes after their piece)")
        layout = pdf.render(book, env, index_entries=first_index, build_date=build_date, long_notes=long_notes,
                            page_rules=page_rules)
    if not entries:
        return layout
    index.resolve(entries, layout.anchor_pages())  # earlier pages will not move: only the index changes
    progress("laying out the index")
    html = pdf.book_html(book, env, index.for_print(entries), build_date, pdf.page_css(book, False, page_rules),
                         long_notes)
    joined = index_pages.relayout(book, layout, html)
    if joined is not None:
        return joined
    progress("laying out the whole book again (the index could not be laid out alone)")
    return pdf.render(book, env, index_entries=index.for_print(entries), build_date=build_date,
                      long_notes=long_notes, page_rules=page_rules)


def _page_count(layout) -> int:
    """Pages of a layout: laid out whole (print/pdf.py) or in units (print/layout/assemble.py)."""
    pages = getattr(layout, "pages", None)
    return pages if isinstance(pages, int) else len(layout.document.pages)


def _report_print_warnings(layout, report: BuildReport) -> None:
    report.warnings += [Problem("PDF", None, w, "WEASYPRINT", "warning") for w in layout.warnings]
    report.warnings += [Problem("PDF", None, f"resource refused: {u}", "FETCH", "warning") for u in layout.refused]


def check(manifest: Path):
    """Validate the manifest and every piece; write nothing."""
    from anthology.book.manifest import load_book

    book = load_book(manifest)
    _remember_check(manifest, book)
    return book


def checked_before(manifest: Path) -> dict | None:
    """{chapters, pieces, warnings} when this very book (every file unchanged) passed check before, else None."""
    entry = cache.lookup(_request_key("check", manifest))
    return entry.data if entry else None

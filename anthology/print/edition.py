"""The print stage's one interface: a build asks for the print edition and gets an Edition back,
whether it was laid out in parts on every core (print/layout/assemble.py) or whole in this process
(print/pdf.py), with its pages, anchors, page breaks (for the EPUB's page list), warnings, and the
writing of the PDF and the press PDF. The worker pool, the fallback to the whole book, a
print-on-demand service's margins and the generated cover's future live here, behind `Printing`.

    printing = Printing.start(manifest, out_dir, formats)   # before the book is read: workers warm up
    printing.want_cover(book, env)                           # the EPUB's generated cover, in a worker
    edition = printing.lay_out(book, env, entries, build_date, pdf_target, progress, on_laid=...)
    edition.write_pdf(target); edition.write_press_pdf(target); edition.breaks; edition.pages
    printing.cover_png(book, env); printing.close()
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from anthology.errors import Problem

Break = tuple[int, "str | None", int]  # (page number, section id or None, characters before)


@dataclass
class Edition:
    """The print edition laid out: what every output needs of it, however it was laid out."""

    pages: int
    warnings: list[str] = field(default_factory=list)  # WeasyPrint's, while laying out and writing
    refused: list[str] = field(default_factory=list)  # URLs the fetcher refused
    problems: list[Problem] = field(default_factory=list)  # a print-on-demand service's rules broken
    long_notes: frozenset[str] = frozenset()  # footnotes printed at the end of their piece
    page_rules: str = ""  # further @page rules it was laid out with (a service's margins)
    laid_early: bool = False  # on_laid() was answered (with these very page breaks)
    _breaks: list[Break] | None = None
    _anchors: dict[str, int] | None = None
    _whole: Any = None  # pdf.PrintResult when laid out whole
    _written: Path | None = None  # where the reading PDF is already written
    _job: dict = field(default_factory=dict)  # what laid it out (for the press PDF)

    @property
    def from_parts(self) -> bool:
        return self._whole is None

    @property
    def document(self):
        """WeasyPrint's document, when laid out whole (None from parts)."""
        return getattr(self._whole, "document", None)

    @property
    def breaks(self) -> list[Break]:
        """(page number, section id or None, characters of that section before it) of every page."""
        if self._breaks is None:
            from anthology.epub.pagelist import scopes_of
            from anthology.print.layout.breaks import page_breaks

            self._breaks = list(page_breaks(self._whole.document, scopes_of(self._job["book"])))
        return self._breaks

    @property
    def anchors(self) -> dict[str, int]:
        """The page (1-based) of every anchor (id) in the book."""
        if self._anchors is None:
            self._anchors = self._whole.anchor_pages()
        return self._anchors

    def write_pdf(self, target: Path) -> Path:
        """The reading PDF at `target` (from parts it is already written where lay_out() was told)."""
        target = Path(target)
        if self._written is not None and target == self._written:
            return target
        if self._written is not None:
            target.write_bytes(self._written.read_bytes())
            return target
        from anthology.print import pdf

        self._job["progress"](f"writing the PDF ({self.pages} pages)")
        pdf.write(self._whole, target, self._job["book"])
        self.warnings = list(self._whole.warnings)  # the write's own warnings joined them
        self._written = target
        return target

    def write_press_pdf(self, target: Path) -> Path:
        """The press PDF (bleed, crop marks) at `target`: in parts when the edition was, else whole."""
        from anthology.print import source

        job = self._job
        book = job["book"]
        pressed = False
        if self.from_parts:
            from anthology.print.layout import assemble

            pressed = assemble.assemble(book, job["env"], job["entries"], job["build_date"], target, press=True,
                                        page_rules=self.page_rules, pool=job["pool"]) is not None
        if not pressed:
            from anthology.print import pdf
            from anthology.text import index

            press_layout = pdf.render(book, job["env"], index_entries=index.for_print(job["entries"]),
                                      build_date=job["build_date"], press=True, long_notes=self.long_notes,
                                      page_rules=self.page_rules)
            pdf.write(press_layout, target, book)
        source.set_bleed_box(target, book)
        return target

    def report(self) -> list[Problem]:
        """WeasyPrint's warnings and the refused resources, as the build reports them."""
        return [Problem("PDF", None, w, "WEASYPRINT", "warning") for w in self.warnings] + \
               [Problem("PDF", None, f"resource refused: {u}", "FETCH", "warning") for u in self.refused]


class Printing:
    """The print stage of one build: the worker pool (started before the book is read, closed by
    close()), the generated cover's future, and lay_out()."""

    def __init__(self, pool=None):
        self.pool = pool
        self.cover_from_pool = False

    @classmethod
    def start(cls, manifest: Path, out_dir: Path, formats) -> Printing:
        """The print stage for these formats; its workers start now, and warm up while the book is
        read (all of them for a first build; else the first one, the others once they have work)."""
        pool = None
        if any(f in formats for f in ("pdf", "epub", "zine", "cover", "site")):
            from anthology.print.layout import assemble
            from anthology.print.layout.pool import Pool

            if assemble.enabled():
                first_build = not (Path(out_dir).is_dir() and any(Path(out_dir).glob("*.pdf")))
                pool = Pool(manifest=Path(manifest), eager=first_build)
        return cls(pool)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()

    def want_cover(self, book, env) -> None:
        """The generated cover is wanted (the EPUB's): from the cache, else by a worker first."""
        if self.pool is not None and not book.cover:
            from anthology.print.covers import cover

            self.cover_from_pool = True
            self.pool.want_cover(cover.cached_png(book, env))

    def cover_ready(self) -> tuple[bytes, list[str]] | None:
        """The generated cover's PNG and the files it read, if a worker has it already (no waiting)."""
        if self.cover_from_pool and isinstance(self.pool.cover, tuple):
            return self.pool.cover
        return None

    def cover_png(self, book, env) -> tuple[bytes, list[str]]:
        """The generated cover's PNG and the files it read: from a worker (waiting for it), else
        rendered here (where its errors are reported)."""
        from anthology.epub.pagelist import scopes_of

        made = self.pool.cover_png(book, scopes_of(book)) if self.cover_from_pool else None
        if made is None:  # no workers (ANTHOLOGY_UNITS=off), or one failed
            from anthology.print.covers import cover

            made = cover.render_png_recorded(book, env)
        return made

    def lay_out(self, book, env, entries, build_date, pdf_target: Path | None, progress, on_laid=None) -> Edition:
        """The print edition: in parts on every core, its PDF written to `pdf_target` meanwhile, when
        the book allows it, else laid out whole (and written by write_pdf()). `on_laid(breaks)`: called
        once every part is laid out, while the last parts are written (again while it returns False);
        the edition's `laid_early` says whether it was answered with the breaks of this very layout."""
        from anthology.print.covers import presets
        from anthology.print.layout import assemble

        preset = presets.PRESETS.get(book.print.printer or "")
        job = {"book": book, "env": env, "entries": entries, "build_date": build_date, "pool": self.pool,
               "progress": progress}
        if assemble.applies(book, preset):  # in parts, on every core, each cached (print/layout/assemble.py)
            answered: list[bool] = []

            def laid(breaks) -> bool:
                done = on_laid(breaks)
                answered.append(done)
                return done

            made = assemble.assemble(book, env, entries, build_date, pdf_target, progress=progress,
                                     pool=self.pool, on_laid=laid if on_laid is not None else None)
            if made is not None:
                return Edition(made.pages, made.warnings, made.refused, long_notes=made.long_notes,
                               page_rules=made.page_rules, laid_early=any(answered), _breaks=made.breaks,
                               _anchors=made.anchors, _written=Path(pdf_target) if pdf_target is not None else None,
                               _job=job)
            progress("laying out the print edition whole")
        result = _whole(book, env, entries, build_date, progress)
        problems = []
        if preset:
            bleed = bool(preset.bleed and book.print.bleed)  # the service's bleed, in <name>.pdf
            result = _keep_service_margins(book, env, entries, build_date, result, preset, bleed, progress)
            problems = _service_warnings(book, result, preset, bleed)
        return Edition(len(result.document.pages), list(result.warnings), list(result.refused), problems,
                       long_notes=result.long_notes, page_rules=result.page_rules, _whole=result, _job=job)


def _whole(book, env, entries, build_date, progress, page_rules: str = ""):
    """Lay out the print edition whole: again (twice at most) while a footnote is too long for the
    foot of its page (such a note goes to the end of its piece instead, so none of it is lost); then
    the index gets the page numbers of this very layout, and only the index is laid out again (see
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


def _keep_service_margins(book, env, entries, build_date, layout, preset, bleed: bool, progress):
    """Lay the book out again, with wider margins, while its content comes closer to the trim than
    the print-on-demand service allows (the inside margin grows with the page count)."""
    from anthology.print.covers import presets

    for _ in range(3):
        rules = presets.margin_rules(preset, layout.document, bleed, layout.page_rules)
        if rules == layout.page_rules:
            break
        progress(f"laying out the print edition again (the margins {preset.service} asks for)")
        layout = _whole(book, env, entries, build_date, progress, page_rules=rules)
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

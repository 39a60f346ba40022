"""Orchestration: load and check the whole book, render every output, write each one atomically."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from anthology import cache
from anthology.epoch import build_epoch, epoch_key
from anthology.errors import BookError, Problem
from anthology.outputs import AtomicOutputs, write_file

# The renderers (WeasyPrint, ebooklib, pikepdf) are imported inside the functions that use them, so
# that `anthology --help`, `anthology check` and a build served from the cache start quickly.

FORMATS = ("epub", "pdf", "zine", "minizine", "cover", "site", "proof")


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
    with cache.build_scope():  # its memos (each file hashed once) last this build only: the next one starts afresh
        return _build_once(manifest, out_dir, formats, press, piece, progress, options)


def _build_once(manifest: Path, out_dir: Path, formats: list[str], press: bool | None, piece: str | None,
                progress, options: dict) -> BuildReport:
    request = _request_key("build", manifest, epoch=epoch_key(), **options)
    cacheable = "site" not in formats  # the cache keeps files; a site is a folder, always built
    restored = _restore(request, out_dir) if cacheable else None
    if restored is not None:
        return restored
    progress(f"reading {Path(manifest).name} and the pieces")
    from anthology.print.edition import Printing

    printing = Printing.start(manifest, out_dir, formats)  # its workers warm up while the book is read
    try:
        import jinja2

        from anthology.book.manifest import load_book

        book = load_book(manifest)
        _remember_check(manifest, book)
        from anthology.print.source import recording_fetches

        try:
            with recording_fetches() as fetched:
                report = _build(book, out_dir, formats, press, piece, progress, printing)
            report.fetched = fetched
        except jinja2.TemplateError as exc:
            from anthology.templating import template_problem

            raise BookError([template_problem(book, exc)]) from None
    finally:
        printing.close()
        from anthology.book.languages import save_remembered

        save_remembered()  # the answers of CLDR this build computed, for the next one
    outputs: dict[str, bytes | Path] = {path.name: path for path in report.outputs if path.parent == Path(out_dir) and path.is_file()}
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
            write_file(outputs.temp_for(name), content)
        report = BuildReport(outputs=outputs.commit(), cached=True)
    except OSError as exc:
        raise outputs.explain(exc) from None
    finally:
        outputs.discard()
    report.warnings = [Problem(*w) for w in entry.data.get("warnings", [])]
    return report


def _remember_check(manifest: Path, book) -> None:
    """Record that this book, with exactly these files, passes `check`."""
    cache.store(_request_key("check", manifest), sorted(_loaded(book)),
                {}, {"chapters": len(book.chapters), "pieces": len(book.pieces),
                     "warnings": [[w.file, w.line, w.message, w.code, w.level] for w in book.warnings]})


# The outputs, in the order they are made; each is render(book, session) -> list[Path] (session.py).
def _outputs():
    from anthology.epub import output as epub
    from anthology.print import output as printed
    from anthology.web import output as web

    return (("pdf", printed.pdf), ("zine", printed.zine), ("minizine", printed.minizine),
            ("cover", printed.cover), ("epub", epub.render), ("site", web.render))


PRINTED = ("pdf", "epub", "zine", "cover")  # the outputs that need the print edition laid out


def _build(book, out_dir: Path, formats: list[str], press: bool | None, piece: str | None,
           progress, printing) -> BuildReport:
    """Render every asked output of a loaded book into `out_dir`, atomically (all or nothing):
    the index marked, the print edition laid out (once, for every output that needs it), then each
    output in turn."""
    from anthology import templating
    from anthology.book import glyphs
    from anthology.epub import output as epub
    from anthology.print.covers import presets
    from anthology.session import Session
    from anthology.text import index

    if press is None:
        preset = presets.PRESETS.get(book.print.printer or "")
        interior_bleed = bool(preset and preset.bleed and book.print.bleed)  # the service's bleed, in <name>.pdf
        press = book.print.marks or (bool(book.print.bleed) and not interior_bleed) or "proof" in formats
    # the site offers the EPUB, the PDF and the zine: made in the same run, kept out of out_dir unless asked
    made = set(formats) | ({"epub", "pdf", "zine"} if "site" in formats else set()) \
        | ({"pdf"} if "proof" in formats else set())  # the soft proof is made from the press PDF
    book, entries = index.mark(book)  # the index's marks: a marked copy (the loaded Book is frozen)
    session = Session(book, templating.environment(book), AtomicOutputs(out_dir), formats, made, press, piece,
                      progress, build_epoch(), printing, entries=entries,
                      warnings=list(book.warnings))  # the book's own first
    try:
        session.warnings += glyphs.print_problems(book, formats)  # a character no font has stops a print edition
        if "epub" in made:
            printing.want_cover(book, session.env)  # the generated cover, by a worker first
        if any(f in made for f in PRINTED):
            name = f"{book.output}.pdf"
            session.pdf_target = session.target(name, "pdf") if "pdf" in made \
                else session.outputs.scratch(name) if "zine" in made else None  # EPUB: page breaks only
            early = epub.early(book, session) if "epub" in made and not session.site else None
            session.edition = printing.lay_out(book, session.env, session.entries, session.build_date,
                                               session.pdf_target, progress, on_laid=early)
            session.warnings += session.edition.problems
        for name, render in _outputs():
            if name in made:
                render(book, session)
        if session.edition is not None:
            session.warnings += session.edition.report()
        report = BuildReport(warnings=session.warnings)
        report.outputs = session.outputs.commit()
    except OSError as exc:  # a write that failed names its output and what to do (outputs.py)
        raise session.outputs.explain(exc) from None
    finally:
        session.outputs.discard()
    return report


def check(manifest: Path):
    """Validate the manifest and every piece; write nothing."""
    from anthology.book.manifest import load_book

    with cache.build_scope():
        book = load_book(manifest)
        _remember_check(manifest, book)
    return book


def checked_before(manifest: Path) -> dict | None:
    """{chapters, pieces, warnings} when this very book (every file unchanged) passed check before, else None."""
    entry = cache.lookup(_request_key("check", manifest))
    return entry.data if entry else None

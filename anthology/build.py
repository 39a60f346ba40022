"""Orchestration: load and check the whole book, render every output, write each one atomically."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import cover, epub, epubzip, index, pagelist, pdf, templates
from .errors import Problem
from .manifest import load_book
from .model import Book

FORMATS = ("epub", "pdf", "zine", "minizine")


@dataclass
class BuildReport:
    outputs: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def build_epoch() -> int:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else now."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value and value.strip().isdigit():
        return int(value)
    return int(dt.datetime.now(dt.timezone.utc).timestamp())


class AtomicOutputs:
    """Collects outputs in temporary files; only commit() renames them into place."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self.pending: list[tuple[Path, Path]] = []
        out_dir.mkdir(parents=True, exist_ok=True)

    def temp_for(self, name: str) -> Path:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=self.out_dir)
        os.close(fd)
        path = Path(tmp)
        self.pending.append((path, self.out_dir / name))
        return path

    def commit(self) -> list[Path]:
        done = []
        umask = os.umask(0)
        os.umask(umask)
        for tmp, final in self.pending:
            os.chmod(tmp, 0o666 & ~umask)
            os.replace(tmp, final)
            done.append(final)
        self.pending = []
        return done

    def discard(self) -> None:
        for tmp, _ in self.pending:
            tmp.unlink(missing_ok=True)
        self.pending = []


def build(manifest: Path, out_dir: Path, formats: list[str], *, press: bool | None = None,
          piece: str | None = None) -> BuildReport:
    """Build the requested formats. Raises BookError (nothing written) when the sources are wrong."""
    book = load_book(manifest)
    report = BuildReport()
    epoch = build_epoch()
    modified = dt.datetime.fromtimestamp(epoch, dt.timezone.utc).replace(tzinfo=None)
    build_date = modified.date()
    env = templates.environment(book.root)
    press = book.print.marks or bool(book.print.bleed) if press is None else press
    outputs = AtomicOutputs(out_dir)
    try:
        entries = index.mark(book)
        needs_print = any(f in formats for f in ("pdf", "epub", "zine"))
        result = None
        if needs_print:
            result = pdf.render(book, env, index_entries=index.for_print(entries), build_date=build_date, press=False)
            if entries:
                index.resolve(entries, result.anchor_pages())
                result = pdf.render(book, env, index_entries=index.for_print(entries), build_date=build_date, press=False)
            report.warnings += [Problem("PDF", None, w, "WEASYPRINT", "warning") for w in result.warnings]
            report.warnings += [Problem("PDF", None, f"resource refused: {u}", "FETCH", "warning") for u in result.refused]
        if "pdf" in formats:
            target = outputs.temp_for(f"{book.output}.pdf")
            pdf.write(result, target, book)
            if press:
                press_result = pdf.render(book, env, index_entries=index.for_print(entries), build_date=build_date, press=True)
                pdf.write(press_result, outputs.temp_for(f"{book.output}-press.pdf"), book)
        if "zine" in formats:
            from . import zine

            reading = outputs.temp_for(f".{book.output}-zine-source.pdf")
            outputs.pending.pop()  # a scratch file, never renamed into place
            try:
                pdf.write(result, reading, book)
                zine.impose_booklet(reading, outputs.temp_for(f"{book.output}-zine.pdf"),
                                    sheet=book.print.sheet, signature=book.print.signature,
                                    creep=book.print.creep, marks=book.print.marks)
            finally:
                reading.unlink(missing_ok=True)
        if "minizine" in formats:
            from . import minizine

            minizine.build(book, env, piece, outputs, build_date)
        if "epub" in formats:
            extras = epub.EpubExtras(print_edition=f"{book.title}, print edition ({pdf.print_label(book)}), "
                                                  f"{book.output}.pdf")
            if result is not None:
                extras.page_breaks, extras.page_labels = pagelist.from_layout(book, result.document)
            if not book.cover:
                extras.cover_png = cover.render_png(book, env)
            raw = outputs.temp_for(f".{book.output}.epub.raw")
            outputs.pending.pop()
            try:
                epub.build(book, env, raw, index_entries=index.for_epub(entries), build_date=build_date,
                           modified=modified, print_label=pdf.print_label(book), extras=extras)
                epubzip.normalize(raw, outputs.temp_for(f"{book.output}.epub"), epoch)
            finally:
                raw.unlink(missing_ok=True)
        report.outputs = outputs.commit()
    finally:
        outputs.discard()
    return report


def check(manifest: Path) -> Book:
    """Validate the manifest and every piece; write nothing."""
    return load_book(manifest)

"""One build's state, made explicit: the validated book and its rendering context (templates, index
entries, dates), where each output goes (AtomicOutputs), the print stage and its Edition once laid
out, the downloads a site offers, and the report. Every output is a function over it with one
signature, `render(book, session) -> list[Path]` (epub/output.py, print/output.py, web/output.py),
called in turn by build.py. The book it holds is frozen (book/model.py): what the stages compute is
held here, never written into the Book; what a build only remembers while it runs is in its build
scope (cache.build_scope). See docs/architecture.md, "State"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable
from typing import Any

from anthology.errors import Problem
from anthology.outputs import AtomicOutputs


@dataclass
class Session:
    book: Any  # the loaded Book with the index's marks (text/index.mark returns it): frozen, as loaded
    env: Any  # the templates' Jinja environment (templating.environment)
    outputs: AtomicOutputs
    formats: list[str]  # asked for
    made: set[str]  # made (a site offers the EPUB, the PDF and the zine: made for it, kept out of out_dir)
    press: bool  # also the press PDF
    piece: str | None  # the mini-zine's piece
    progress: Callable[[str], None]
    epoch: int  # SOURCE_DATE_EPOCH or the fixed default (epoch.py)
    printing: Any = None  # print/edition.Printing: the worker pool and the cover's future
    entries: list = field(default_factory=list)  # the index's entries (text/index.mark)
    edition: Any = None  # print/edition.Edition, once laid out
    warnings: list[Problem] = field(default_factory=list)
    offered: list = field(default_factory=list)  # web/downloads.Download, for the site
    cover_png: bytes | None = None  # the generated cover, once rendered (the EPUB's, the site's)
    pdf_target: Path | None = None  # where the reading PDF goes (a scratch file when not asked for)

    @property
    def modified(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.epoch, dt.UTC).replace(tzinfo=None)

    @property
    def build_date(self) -> dt.date:
        return self.modified.date()

    @property
    def site(self) -> bool:
        return "site" in self.formats

    def target(self, name: str, kind: str, asked: str | None = None) -> Path:
        """Where output `name` of `kind` is written: into the output folder when its format (`asked`,
        else `kind`) was asked for, else a scratch file; offered by the site when there is one."""
        path = self.outputs.temp_for(name) if (asked or kind) in self.formats else self.outputs.scratch(name)
        if self.site:
            from anthology.web.downloads import Download

            self.offered.append(Download(kind, path, name))
        return path

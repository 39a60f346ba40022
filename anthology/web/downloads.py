"""The files the site offers for download: which edition each is, who it is for, and its size."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# kind -> (label of the format's name, media type, label explaining who it is for)
KINDS = {
    "epub": ("format_epub", "application/epub+zip", "download_epub"),
    "pdf": ("format_pdf", "application/pdf", "download_pdf"),
    "zine": ("format_zine", "application/pdf", "download_zine"),
    "press": ("format_press", "application/pdf", "download_press"),
}
ORDER = tuple(KINDS)


@dataclass
class Download:
    """One downloadable edition: `source` is where the build wrote it, `name` its file name in the site."""

    kind: str  # epub, pdf, zine, press
    source: Path
    name: str

    def format(self, labels) -> str:
        """The edition's name in the book's language ("EPUB", "PDF для брошюры")."""
        return labels.format(KINDS[self.kind][0])

    @property
    def media_type(self) -> str:
        return KINDS[self.kind][1]

    @property
    def size(self) -> int:
        return self.source.stat().st_size


def human_size(size: int, labels) -> str:
    """214 kB, 1.4 MB, "214 кБ" (1024-based, as file managers show them; CLDR's units via Babel)."""
    return labels.size(size)


def for_reader(download: Download, labels, trim: str) -> str:
    """The plain-language line saying who this edition is for (`trim`: the page size, in words)."""
    return labels.format(KINDS[download.kind][2], trim=trim)


def ordered(downloads: list[Download]) -> list[Download]:
    return sorted(downloads, key=lambda d: ORDER.index(d.kind))

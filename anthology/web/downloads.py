"""The files the site offers for download: which edition each is, who it is for, and its size."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# kind -> (format name shown, media type, label explaining who it is for)
KINDS = {
    "epub": ("EPUB", "application/epub+zip", "download_epub"),
    "pdf": ("PDF", "application/pdf", "download_pdf"),
    "zine": ("Zine PDF", "application/pdf", "download_zine"),
    "press": ("Press PDF", "application/pdf", "download_press"),
}
ORDER = tuple(KINDS)


@dataclass
class Download:
    """One downloadable edition: `source` is where the build wrote it, `name` its file name in the site."""

    kind: str  # epub, pdf, zine, press
    source: Path
    name: str

    @property
    def format(self) -> str:
        return KINDS[self.kind][0]

    @property
    def media_type(self) -> str:
        return KINDS[self.kind][1]

    @property
    def size(self) -> int:
        return self.source.stat().st_size


def human_size(size: int) -> str:
    """214 KB, 1.4 MB (1024-based, as file managers show them)."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def for_reader(download: Download, labels, trim_name: str) -> str:
    """The plain-language line saying who this edition is for."""
    return labels.format(KINDS[download.kind][2], trim=trim_name)


def ordered(downloads: list[Download]) -> list[Download]:
    return sorted(downloads, key=lambda d: ORDER.index(d.kind))

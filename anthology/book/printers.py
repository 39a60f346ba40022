"""Print-on-demand services as data (`print: printer: kdp | lulu | ingramspark | copyshop`): the rules one
service sets for an interior PDF (bleed, margins by page count, page counts, trim sizes, what it
refuses). The print stage (print/covers/presets.py) turns them into CSS and warnings.

Figures and their sources are listed in the README ("For printers"). Lengths here are inches."""

from __future__ import annotations

from dataclasses import dataclass

INCH = 72.0  # points
PX = 0.75  # points in a CSS px (WeasyPrint's layout unit)
MIN_DPI = 300


@dataclass(frozen=True)
class Preset:
    name: str
    service: str
    bleed_inside: bool  # bleed also on the spine edge of interior pages
    inside: tuple[tuple[int, float], ...]  # (up to this many pages, minimum inside margin)
    outside: float  # minimum top, bottom and outside margin without bleed
    outside_bleed: float  # the same with bleed
    pages: tuple[int, int] | None  # the fewest and the most pages the service binds
    trims: tuple[tuple[float, float], ...] = ()  # the sizes it prints (± 0.02 in) ...
    trim_range: tuple[tuple[float, float], tuple[float, float]] | None = None  # ... or any W, H in ranges
    refuses: tuple[str, ...] = ()  # of "bookmarks", "links", "metadata"
    grayscale: bool = False  # the preset's default for print: grayscale
    bleed: bool = True  # whether the interior may have bleed at all
    pdf_x: str | None = None  # the PDF/X its file creation guide asks for (interior and cover)

    def inside_margin(self, pages: int) -> float:
        for limit, margin in self.inside:
            if pages <= limit:
                return margin
        return self.inside[-1][1]

    def prints(self, trim_pt: tuple[float, float]) -> bool:
        if not self.trims and not self.trim_range:  # a copy shop prints any size that fits its sheet
            return True
        width, height = (v / INCH for v in trim_pt)
        if self.trim_range:
            (w0, w1), (h0, h1) = self.trim_range
            if w0 - 0.01 <= width <= w1 + 0.01 and h0 - 0.01 <= height <= h1 + 0.01:
                return True
        return any(abs(width - w) <= 0.02 and abs(height - h) <= 0.02 for w, h in self.trims)

    def describe_trims(self) -> str:
        parts = []
        if self.trim_range:
            (w0, w1), (h0, h1) = self.trim_range
            parts.append(f"{w0:g} to {w1:g} in wide and {h0:g} to {h1:g} in high")
        if self.trims:
            parts.append(", ".join(f"{w:g} × {h:g} in" for w, h in self.trims))
        return "; or ".join(parts)


UNLIMITED = 10 ** 6

PRESETS = {
    "kdp": Preset(
        "kdp", "Amazon KDP", bleed_inside=False,
        inside=((150, 0.375), (300, 0.5), (500, 0.625), (700, 0.75), (UNLIMITED, 0.875)),
        outside=0.25, outside_bleed=0.375, pages=(24, 828),
        trim_range=((4.0, 8.5), (6.0, 11.69)), refuses=("bookmarks", "links", "metadata")),
    "lulu": Preset(
        "lulu", "Lulu", bleed_inside=True,
        inside=((UNLIMITED, 0.7),), outside=0.5, outside_bleed=0.5, pages=(32, 800),
        trims=((4.25, 6.875), (5.0, 8.0), (5.5, 8.5), (5.83, 8.27), (6.0, 9.0), (6.14, 9.21), (6.625, 10.25),
               (7.0, 10.0), (7.44, 9.68), (7.44, 9.69), (7.5, 7.5), (8.27, 11.69), (8.5, 8.5), (8.5, 11.0),
               (9.0, 7.0), (11.0, 8.5), (11.69, 8.27))),
    "ingramspark": Preset(
        "ingramspark", "IngramSpark", bleed_inside=False,
        inside=((UNLIMITED, 0.5),), outside=0.5, outside_bleed=0.5, pages=(18, 1200),
        trim_range=((4.0, 8.5), (6.0, 11.69)), pdf_x="x-1a"),  # PDF/X-1a:2001 (docs/printers-pdfx.md)
    "copyshop": Preset(
        "copyshop", "a copy shop", bleed_inside=False,
        inside=((UNLIMITED, 0.25),), outside=0.25, outside_bleed=0.25, pages=None,
        grayscale=True, bleed=False),
}

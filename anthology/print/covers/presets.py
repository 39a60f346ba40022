"""Print-on-demand presets (`print: printer: kdp | lulu | ingramspark | copyshop`): the rules one
service sets for an interior PDF (bleed, margins by page count, page counts, trim sizes, what it
refuses), the CSS that makes a layout keep them, and the warnings when one cannot be met.

Figures and their sources are listed in the README ("For printers"). The services themselves are data in book/printers.py."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from anthology.book.printers import INCH, MIN_DPI, PRESETS, PX, Preset

__all__ = ["INCH", "MIN_DPI", "PRESETS", "PX", "Preset", "page_rules", "measure", "margin_rules", "broken_rules",
           "low_resolution_images", "strip_refused", "content_boxes"]


def page_rules(preset: Preset | None, bleed: float) -> str:
    """@page rules for the interior: the service's bleed (none on the spine edge where it wants it so)."""
    if preset is None or not bleed or not preset.bleed:
        return ""
    rules = f"@page {{ bleed: {bleed:.3f}pt; }}"
    if not preset.bleed_inside:
        rules += " @page :left { bleed-right: 0; } @page :right { bleed-left: 0; }"
    return rules


@dataclass(frozen=True)
class Margins:
    """The least room between content and each trim edge on any page, in points."""

    inside: float
    outside: float
    top: float
    bottom: float


def content_boxes(box):
    from weasyprint.formatting_structure import boxes

    if isinstance(box, (boxes.TextBox, boxes.ReplacedBox)) and box.width > 0 and box.height > 0:
        if not isinstance(box, boxes.TextBox) or box.text.strip():
            yield box
    for child in getattr(box, "children", []):
        yield from content_boxes(child)


def measure(document) -> list[Margins]:
    """Room left around the content of each page (right pages bind on the left)."""
    found = []
    for number, page in enumerate(document.pages):
        right_page = number % 2 == 0
        left = right = top = bottom = float("inf")
        for box in content_boxes(page._page_box):
            left = min(left, box.position_x)
            right = min(right, page.width - box.position_x - box.width)
            top = min(top, box.position_y)
            bottom = min(bottom, page.height - box.position_y - box.height)
        inside, outside = (left, right) if right_page else (right, left)
        found.append(Margins(inside * PX, outside * PX, top * PX, bottom * PX))
    return found


def margin_rules(preset: Preset, document, bleed: bool, previous: str = "") -> str:
    """@page rules that widen each margin whose content comes closer to the trim than the service
    allows; "" when every page keeps the rules. Page-margin boxes (running heads, folios) sit in
    the middle of the top and bottom margins: those margins grow by twice what is missing."""
    pages = len(document.pages)
    need_inside = preset.inside_margin(pages) * INCH
    need_outer = (preset.outside_bleed if bleed else preset.outside) * INCH
    widen = {"inside": 0.0, "outside": 0.0, "top": 0.0, "bottom": 0.0}
    current: dict[str, float] = {}
    for number, (page, room) in enumerate(zip(document.pages, measure(document))):
        box = page._page_box
        right_page = number % 2 == 0
        margins = {"inside": box.margin_left if right_page else box.margin_right,
                   "outside": box.margin_right if right_page else box.margin_left,
                   "top": box.margin_top, "bottom": box.margin_bottom}
        for side, have, need in (("inside", room.inside, need_inside), ("outside", room.outside, need_outer),
                                 ("top", room.top, need_outer), ("bottom", room.bottom, need_outer)):
            missing = need - have
            factor = 2 if side in ("top", "bottom") else 1
            if missing > 0.01:
                widen[side] = max(widen[side], margins[side] * PX + factor * missing + 0.5)
            current[side] = max(current.get(side, 0.0), margins[side] * PX)
    if not any(widen.values()):
        return previous
    value = {side: max(widen[side], current[side]) for side in widen}
    return (f"@page :right {{ margin: {value['top']:.2f}pt {value['outside']:.2f}pt {value['bottom']:.2f}pt "
            f"{value['inside']:.2f}pt !important; }} "
            f"@page :left {{ margin: {value['top']:.2f}pt {value['inside']:.2f}pt {value['bottom']:.2f}pt "
            f"{value['outside']:.2f}pt !important; }}")


def broken_rules(preset: Preset, document, bleed: bool) -> list[str]:
    """What the laid-out interior still does against the service's rules (for warnings)."""
    problems = []
    pages = len(document.pages)
    if preset.pages and not preset.pages[0] <= pages <= preset.pages[1]:
        low, high = preset.pages
        problems.append(f"{pages} pages: {preset.service} binds {low} to {high} pages")
    need_inside = preset.inside_margin(pages) * INCH
    need_outer = (preset.outside_bleed if bleed else preset.outside) * INCH
    for number, room in enumerate(measure(document), start=1):
        if room.inside < need_inside - 0.5 or min(room.outside, room.top, room.bottom) < need_outer - 0.5:
            problems.append(f"page {number}: content comes closer to the trim than {preset.service} allows "
                            f"(inside {need_inside / INCH:g} in, other edges {need_outer / INCH:g} in)")
            break
    return problems


def low_resolution_images(document, root: Path) -> list[tuple[str, int, float]]:
    """(image, first page, dpi) of every raster image printed at under 300 pixels to the inch."""
    from urllib.parse import unquote, urlsplit

    from weasyprint.formatting_structure import boxes

    found: dict[str, tuple[int, float]] = {}
    for number, page in enumerate(document.pages, start=1):
        for box in content_boxes(page._page_box):
            if not isinstance(box, boxes.ReplacedBox) or not hasattr(box.replacement, "width"):
                continue
            dpi = min(box.replacement.width / (box.width / 96), box.replacement.height / (box.height / 96))
            if dpi >= MIN_DPI or box.element is None:
                continue
            src = box.element.get("src") or ""
            path = Path(unquote(urlsplit(src).path)) if src.startswith("file:") else Path(src)
            try:
                name = str(path.resolve().relative_to(root.resolve()))
            except ValueError:
                name = src
            if name not in found or dpi < found[name][1]:
                found[name] = (found.get(name, (number, dpi))[0], dpi)
    return [(name, page, dpi) for name, (page, dpi) in found.items()]


def strip_refused(path: Path, preset: Preset) -> None:
    """Remove what the service refuses from a written interior: bookmarks, links, metadata."""
    if not preset.refuses:
        return
    from anthology.print import pdffile

    with pdffile.rewritten(path) as pdf:
        if "links" in preset.refuses:
            for page in pdf.pages:
                if "/Annots" in page.obj:
                    del page.obj["/Annots"]
        if "bookmarks" in preset.refuses:
            for key in ("/Outlines", "/PageMode"):
                if key in pdf.Root:
                    del pdf.Root[key]
        if "metadata" in preset.refuses:
            if "/Info" in pdf.trailer:
                del pdf.trailer["/Info"]
            if "/Metadata" in pdf.Root:
                del pdf.Root["/Metadata"]

"""The cover wrap for print on demand: back, spine and front on one sheet with bleed, the spine as wide
as the interior's page count times the paper's thickness (`--format cover` -> <name>-cover.pdf)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from anthology.print.source import stylesheet_url
from anthology.book.model import Book
from anthology.errors import Problem
from anthology.print.pdf import lay_out

INCH = 72.0
DEFAULT_BLEED = 0.125 * INCH
SPINE_TEXT_MIN_PAGES = 80  # thinner spines get no text (KDP: 79 pages; Lulu and IngramSpark near there)
SAFE = 0.25 * INCH  # text this far inside the trim at least
FOLD_CLEARANCE = 0.0625 * INCH  # spine text this far from each fold (KDP's fold variance)
BARCODE_WIDTH, BARCODE_HEIGHT = 2.0 * INCH, 1.2 * INCH
BARCODE_INSET = 0.25 * INCH  # from the bottom trim and from the spine fold
MIN_DPI = 300


@dataclass(frozen=True)
class Rect:
    x: float  # from the sheet's left edge, points
    y: float  # from the sheet's top edge, points
    width: float
    height: float

    def css(self) -> str:
        return (f"left: {self.x:.3f}pt; top: {self.y:.3f}pt; width: {self.width:.3f}pt; "
                f"height: {self.height:.3f}pt;")


@dataclass(frozen=True)
class Geometry:
    """Where everything is on the wrap, in points from the top left corner of the sheet."""

    trim: tuple[float, float]  # one panel's trim width and height
    bleed: float
    spine: float  # spine width
    pages: int
    barcode: bool = True
    rtl: bool = False  # a right-to-left book, bound on the right: the front panel on the left, the back on the right

    @property
    def width(self) -> float:
        return 2 * self.bleed + 2 * self.trim[0] + self.spine

    @property
    def height(self) -> float:
        return self.trim[1] + 2 * self.bleed

    @property
    def _left_panel(self) -> Rect:
        return Rect(self.bleed, self.bleed, *self.trim)

    @property
    def _right_panel(self) -> Rect:
        return Rect(self.bleed + self.trim[0] + self.spine, self.bleed, *self.trim)

    @property
    def back(self) -> Rect:
        return self._right_panel if self.rtl else self._left_panel

    @property
    def spine_rect(self) -> Rect:
        return Rect(self.bleed + self.trim[0], self.bleed, self.spine, self.trim[1])

    @property
    def front(self) -> Rect:
        return self._left_panel if self.rtl else self._right_panel

    @property
    def front_with_bleed(self) -> Rect:
        """The front panel and its bleed at the top, the bottom and the outside edge."""
        return Rect(0.0 if self.rtl else self.front.x, 0.0, self.trim[0] + self.bleed, self.height)

    @property
    def barcode_area(self) -> Rect | None:
        if not self.barcode:
            return None
        back = self.back  # near the spine fold: its right edge, or its left one on a right-to-left wrap
        x = back.x + BARCODE_INSET if self.rtl else back.x + back.width - BARCODE_INSET - BARCODE_WIDTH
        return Rect(x, back.y + back.height - BARCODE_INSET - BARCODE_HEIGHT, BARCODE_WIDTH, BARCODE_HEIGHT)

    @property
    def spine_text(self) -> bool:
        return self.pages >= SPINE_TEXT_MIN_PAGES


def geometry(book: Book, pages: int) -> Geometry:
    """The wrap of `book` for an interior of `pages` pages: spine = pages × paper thickness."""
    return Geometry(trim=book.print.trim, bleed=book.print.bleed or DEFAULT_BLEED,
                    spine=pages * book.print.paper_thickness, pages=pages, barcode=book.print.barcode,
                    rtl=book.direction == "rtl")


def wrap_html(book: Book, env, shape: Geometry) -> str:
    spine = shape.spine_rect
    text_size = max(0.0, min(14.0, 0.8 * (shape.spine - 2 * FOLD_CLEARANCE)))
    length = shape.trim[1] - 2 * SAFE
    # the spine's line of text: laid out horizontally, then turned a quarter clockwise about its
    # centre, so it reads top to bottom on the spine
    spine_line = Rect(spine.x + (spine.width - length) / 2, spine.y + (spine.height - spine.width) / 2,
                      length, spine.width)
    return env.get_template("cover-wrap.html").render(
        book=book, stylesheet=stylesheet_url(book), shape=shape, width=f"{shape.width:.3f}pt",
        height=f"{shape.height:.3f}pt", unit=f"{shape.trim[0] / 100:.4f}pt",
        cover_url=book.cover.as_uri() if book.cover else None, spine_line=spine_line,
        spine_size=f"{text_size:.2f}pt", show_date=False)


def write(book: Book, env, pages: int, target: Path) -> list[Problem]:
    """Write the wrap for an interior of `pages` pages to `target`; return the warnings."""
    from anthology.print.pdf import press_colours
    from anthology.print.press import pdfx

    shape = geometry(book, pages)
    layout = lay_out(book, wrap_html(book, env, shape), press=press_colours(book, True))  # CMYK for a PDF/X
    if layout.press is not None:
        pdfx.before_write(layout, target, book)
    layout.document.write_pdf(target)
    set_boxes(target, shape)
    pdfx.finish(target, book, press=True)  # print: pdf-x: the wrap goes to the same press
    warnings = [Problem("PDF", None, w, "WEASYPRINT", "warning") for w in layout.warnings]
    warnings += [Problem("PDF", None, f"resource refused: {u}", "FETCH", "warning") for u in layout.refused]
    return warnings + cover_resolution(book, shape) + barcode_overlap(book, shape, layout.document)


def barcode_overlap(book: Book, shape: Geometry, document) -> list[Problem]:
    """A warning when text of the back cover reaches into the barcode area (the white area hides it)."""
    from anthology.print.covers.presets import PX, content_boxes

    area = shape.barcode_area
    if area is None:
        return []
    for box in content_boxes(document.pages[0]._page_box):
        x, y, width, height = box.position_x * PX, box.position_y * PX, box.width * PX, box.height * PX
        if x < area.x + area.width and x + width > area.x and y < area.y + area.height and y + height > area.y:
            return [Problem(book.manifest.name, book.lines.get("description"),
                            "the back of the cover wrap is too full: its text reaches into the barcode area "
                            f"(2 × 1.2 in, lower {'left' if shape.rtl else 'right'}), where it is hidden: shorten the description",
                            "COVER", "warning")]
    return []


def set_boxes(path: Path, shape: Geometry) -> None:
    """TrimBox: the wrap without its bleed; BleedBox: the whole sheet (as for the press PDF)."""
    import pikepdf

    from anthology.print import pdffile

    with pdffile.rewritten(path) as pdf:
        for page in pdf.pages:
            page.trimbox = pikepdf.Array([shape.bleed, shape.bleed, shape.width - shape.bleed,
                                          shape.height - shape.bleed])
            page.bleedbox = pikepdf.Array([0, 0, shape.width, shape.height])


def cover_resolution(book: Book, shape: Geometry) -> list[Problem]:
    """A warning when the `cover:` image, scaled to fill the front panel and its bleed, has fewer
    than 300 pixels to the inch."""
    if not book.cover:
        return []
    from PIL import Image

    with Image.open(book.cover) as image:
        pixels = image.size
    panel = shape.front_with_bleed
    dpi = min(pixels[0] / (panel.width / INCH), pixels[1] / (panel.height / INCH))
    if dpi >= MIN_DPI:
        return []
    need = (round(panel.width / INCH * MIN_DPI), round(panel.height / INCH * MIN_DPI))
    return [Problem(book.manifest.name, book.lines.get("cover"),
                    f"the cover image {book.cover.name} ({pixels[0]} × {pixels[1]} px) is {dpi:.0f} dpi on the "
                    f"front panel ({panel.width / INCH:.2f} × {panel.height / INCH:.2f} in with bleed); printers "
                    f"want {MIN_DPI} dpi: use an image of at least {need[0]} × {need[1]} px", "COVER", "warning")]

"""Impose a finished PDF for printing as a zine: reorder and place its pages on printer sheets.

This module's one job is imposition.  It takes a PDF whose pages are in reading order (the
print PDF written by WeasyPrint, or a single piece rendered at a small trim size) and writes
a new PDF whose pages are *sheet sides*, ready for a copy shop:

``impose_booklet``
    saddle-stitched booklet (optionally split into signatures, with creep compensation):
    two pages side by side on landscape sheets, printed duplex, folded, stapled.
``impose_minizine``
    the classic one-sheet, eight-page fold-and-cut mini-zine.
``sheet_for_trim``
    the sheet a trim size is normally printed on.

Everything is done with pikepdf: each source page becomes a Form XObject (``as_form_xobject``)
drawn on a blank sheet through a transformation and a clip; the only hand-written PDF content is
that one line per page and the short stream that draws fold and crop marks.
Sizes are PDF points (1/72 in).  Output is deterministic: same input, same bytes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from typing import Any

import pikepdf

from anthology.print import pdffile

__all__ = [
    "ImpositionReport",
    "impose_booklet",
    "impose_minizine",
    "sheet_for_trim",
    "booklet_sides",
]

MM = 72 / 25.4

# Paper sizes, portrait (width, height) in points.
A4 = (210 * MM, 297 * MM)
A5 = (148 * MM, 210 * MM)
A7 = (74 * MM, 105 * MM)
LETTER = (612.0, 792.0)
HALF_LETTER = (396.0, 612.0)  # 5.5 x 8.5 in
QUARTER_LETTER = (306.0, 396.0)  # 4.25 x 5.5 in
EIGHTH_LETTER = (198.0, 306.0)  # 2.75 x 4.25 in: one cell of a Letter mini-zine

_SIZE_TOLERANCE = 2.0  # points; mm-rounded sizes from other tools still match

# Marks
_MARK_GAP = 3.0  # distance between a crop mark and the trim corner
_MARK_LEN = 12.0  # longest crop / fold mark
_MARK_MIN = 4.0  # a mark shorter than this is not drawn (no room)
_LINE_WIDTH = 0.25


@dataclass(frozen=True)
class ImpositionReport:
    """What an imposition did.

    ``sides`` lists every side of every sheet in the order of the output PDF's pages.  Each
    entry holds 1-based *source* page numbers, ``None`` for a blank slot:

    * booklet: ``(left, right)``; ``sides[2*i]`` is the front of sheet ``i``, ``sides[2*i+1]``
      its back;
    * minizine: one side with eight cells, top row left to right (printed upside down), then
      bottom row left to right.
    """

    kind: str  # "booklet" or "minizine"
    sheet: tuple[float, float]  # (width, height) of the landscape sheet, points
    pages: int  # source pages
    blanks: int  # blank pages added
    sheets: int  # physical sheets of paper
    signatures: int
    sides: tuple[tuple[int | None, ...], ...]
    scale: float = 1.0  # smallest scale applied to a page (1.0: actual size)

    def describe(self) -> str:
        """A few human-readable lines, e.g. for the CLI."""
        w, h = self.sheet
        lines = [
            f"{self.kind}: {self.pages} pages + {self.blanks} blank on {self.sheets} sheet(s) "
            f"of {w / MM:.0f} x {h / MM:.0f} mm"
            + (f", {self.signatures} signatures" if self.signatures > 1 else "")
            + (f", pages scaled to {self.scale:.0%}" if self.scale < 0.999 else "")
        ]

        def fmt(cells: tuple[int | None, ...]) -> str:
            return " ".join("-" if p is None else str(p) for p in cells)

        if self.kind == "minizine":
            cells = self.sides[0]
            lines.append(f"  top row (upside down): {fmt(cells[:4])}")
            lines.append(f"  bottom row:            {fmt(cells[4:])}")
        else:
            for i in range(0, len(self.sides), 2):
                front, back = fmt(self.sides[i]), fmt(self.sides[i + 1])
                lines.append(f"  sheet {i // 2 + 1}: front {front} | back {back}")
        return "\n".join(lines)


# --------------------------------------------------------------------------- sizes


def _is(size: tuple[float, float], ref: tuple[float, float]) -> bool:
    return abs(size[0] - ref[0]) <= _SIZE_TOLERANCE and abs(size[1] - ref[1]) <= _SIZE_TOLERANCE


def sheet_for_trim(
    width_pt: float, height_pt: float, *, minizine: bool = False
) -> tuple[float, float]:
    """The landscape sheet ``(width, height)`` for pages of this trim size.

    Booklet (two pages per sheet side): A5 -> A4 landscape, half letter (5.5 x 8.5 in) ->
    US Letter landscape, anything else -> exactly ``(2 * width, height)``.

    Mini-zine (``minizine=True``, eight pages in 4 x 2 cells): A7 -> A4 landscape, an eighth of
    Letter (2.75 x 4.25 in) or quarter letter (4.25 x 5.5 in, scaled down to fit the cell) ->
    Letter landscape, anything else -> exactly ``(4 * width, 2 * height)``.
    """
    size = (width_pt, height_pt)
    if minizine:
        if _is(size, A7):
            return (A4[1], A4[0])
        if _is(size, EIGHTH_LETTER) or _is(size, QUARTER_LETTER):
            return (LETTER[1], LETTER[0])
        return (4 * width_pt, 2 * height_pt)
    if _is(size, A5):
        return (A4[1], A4[0])
    if _is(size, HALF_LETTER):
        return (LETTER[1], LETTER[0])
    return (2 * width_pt, height_pt)


# --------------------------------------------------------------------------- page order


def _padded_signature(chunk: list[int], whole_book: bool) -> list[int | None]:
    """Pad one signature's pages (reading order) to a multiple of four.

    Blanks go before the last page (the back cover), never in the middle of the text and
    never after the back cover.  A one-page book has no back cover: its blanks go after it.
    """
    blanks = -len(chunk) % 4
    if not blanks:
        return list(chunk)
    if whole_book and len(chunk) == 1:
        return [chunk[0]] + [None] * blanks
    return list(chunk[:-1]) + [None] * blanks + [chunk[-1]]


def _saddle_sides(seq: list[int | None]) -> list[tuple[int | None, int | None]]:
    """Saddle-stitch order of one signature ``seq`` (length a multiple of 4).

    For n pages, sheet i (0-based) front = [n-2i, 2i+1] and back = [2i+2, n-2i-1]
    (1-based positions, left then right).  The back side is *not* rotated: see _place_booklet.
    """
    n = len(seq)
    sides: list[tuple[int | None, int | None]] = []
    for i in range(n // 4):
        sides.append((seq[n - 2 * i - 1], seq[2 * i]))  # front: n-2i | 2i+1
        sides.append((seq[2 * i + 1], seq[n - 2 * i - 2]))  # back: 2i+2 | n-2i-1
    return sides


def booklet_sides(
    page_count: int, signature: int | None = None, direction: str = "ltr"
) -> list[list[tuple[int | None, int | None]]]:
    """Page order of a saddle-stitched booklet, per signature, per sheet side.

    Returns one list per signature; each holds ``(left, right)`` tuples of 1-based source
    page numbers (``None``: blank), front then back of each sheet, outermost sheet first.
    ``signature=N`` makes signatures of N sheets (4N pages); only the last one is shorter
    and padded. ``direction="rtl"``: bound on the right, for a book read right to left; every
    side is mirrored, so the front cover (page 1) is on the left of the first sheet's outer side
    and the pages turn leftwards.
    """
    if direction not in ("ltr", "rtl"):
        raise ValueError(f"direction must be ltr or rtl, not {direction}")
    if page_count < 1:
        raise ValueError("cannot impose a document without pages")
    if signature is not None and signature < 1:
        raise ValueError(f"signature must be a positive number of sheets, not {signature}")
    pages = list(range(1, page_count + 1))
    per = 4 * signature if signature else page_count
    chunks = [pages[i : i + per] for i in range(0, page_count, per)]
    whole = len(chunks) == 1
    found = [_saddle_sides(_padded_signature(chunk, whole)) for chunk in chunks]
    if direction == "rtl":
        found = [[(right, left) for left, right in sides] for sides in found]
    return found


# --------------------------------------------------------------------------- placement


Matrix = tuple[float, float, float, float, float, float]  # a b c d e f, as PDF's cm operator


class _Source:
    """The pages of a source PDF, each made a Form XObject of the output PDF when first placed."""

    def __init__(self, src: Path, out: Any):
        self.pdf = pdffile.read(src)
        if not self.pdf.pages:
            self.pdf.close()
            raise ValueError(f"{src}: no pages to impose")
        self.out = out
        self.forms: dict[int, Any] = {}

    def __len__(self) -> int:
        return len(self.pdf.pages)

    def form(self, number: int) -> Any:
        """Page ``number`` (1-based) as a form of the output PDF: its content and resources only, so
        no link annotations reach the printer's sheets.  A /Rotate is the form's own /Matrix."""
        if number not in self.forms:
            self.forms[number] = self.out.copy_foreign(self.pdf.pages[number - 1].as_form_xobject())
        return self.forms[number]

    def trim(self, number: int) -> tuple[float, float, float, float]:
        """The page's TrimBox (falling back to the CropBox, then the MediaBox) as the page is seen,
        rotated by its /Rotate."""
        page = self.pdf.pages[number - 1]
        l, b, r, t = (float(v) for v in page.trimbox)
        rotate = int(page.obj.get("/Rotate", 0)) % 360
        if not rotate:
            return (l, b, r, t)
        a, b_, c, d, e, f = (float(v) for v in self.form(number).get("/Matrix", [1, 0, 0, 1, 0, 0]))
        xs = [a * x + c * y + e for x, y in ((l, b), (l, t), (r, b), (r, t))]
        ys = [b_ * x + d * y + f for x, y in ((l, b), (l, t), (r, b), (r, t))]
        return (min(xs), min(ys), max(xs), max(ys))

    def close(self) -> None:
        self.pdf.close()


def _place(
    sheet: Any, form: Any, clip: tuple[float, float, float, float], matrix: Matrix
) -> list[tuple[list, pikepdf.Operator]]:
    """The operations that draw ``form`` on ``sheet`` through ``matrix``, clipped to ``clip``
    (l, b, r, t in source coordinates: the TrimBox, which cuts off WeasyPrint's bleed).

    The same shape pypdf's merge_transformed_page wrote: ``q cm re W n … Q``, the page as a form."""
    taken = sheet.obj.get("/Resources", {}).get("/XObject", {})
    name = sheet.add_resource(form, pikepdf.Name.XObject, pikepdf.Name(f"/Fx{len(taken)}"))
    l, b, r, t = clip
    op = pikepdf.Operator
    return [([], op("q")), ([_number(v) for v in matrix], op("cm")),
            ([_number(v) for v in (l, b, r - l, t - b)], op("re")), ([], op("W")), ([], op("n")),
            ([name], op("Do")), ([], op("Q"))]


def _number(value: float) -> Decimal:
    """A number for a content stream, to eight digits from its magnitude (a scale of 0.99999259
    rounded to pikepdf's six decimals would move the edges of glyphs by a fraction of a pixel)."""
    if not value:
        return Decimal(0)
    digits = max(1, 8 - int(math.log10(abs(value))))
    return Decimal(f"{value:.{digits}f}").normalize()


def _draw(sheet: Any, out: Any, operations: list, marks: Any = None) -> None:
    """Set the sheet's content: the placed pages, then the marks (a stream shared between sheets)."""
    content = out.make_stream(pikepdf.unparse_content_stream(operations))
    sheet.obj.Contents = pikepdf.Array([content, marks]) if marks is not None else content


Rect = tuple[float, float, float, float]  # x0, y0, x1, y1 on the sheet


def _booklet_slot(
    trim_w: float, trim_h: float, sheet: tuple[float, float], right: bool, shift: float
) -> tuple[float, float, float, Rect]:
    """(scale, x0, y0, visible rect) of a page in the left or right half of a booklet sheet.

    The page sits flush against the fold (the sheet's vertical centre line) and is centred
    vertically; a page smaller than the half-sheet leaves its gap at the outer edge.  A page
    larger than the half is scaled down to fit.  ``shift`` (creep) moves the content towards
    the fold by that many sheet points; what crosses the fold is clipped, so the visible
    part always ends at the fold.
    """
    w, h = sheet
    scale = min(1.0, (w / 2) / trim_w, h / trim_h)
    pw, ph = trim_w * scale, trim_h * scale
    y0 = (h - ph) / 2
    if right:
        x0 = w / 2 - shift
        return scale, x0, y0, (w / 2, y0, x0 + pw, y0 + ph)
    x0 = w / 2 - pw + shift
    return scale, x0, y0, (x0, y0, w / 2, y0 + ph)


def impose_booklet(
    src: Path,
    dst: Path,
    *,
    sheet: tuple[float, float] | None = None,
    signature: int | None = None,
    creep: float = 0.0,
    marks: bool = False,
    direction: str = "ltr",
) -> ImpositionReport:
    """Impose ``src`` as a saddle-stitched booklet (or signatures) into ``dst``.

    ``direction="rtl"`` imposes it for binding on the right (a book in Hebrew, Arabic, Persian):
    every sheet side is mirrored (see :func:`booklet_sides`).

    Pages are placed two-up on landscape sheets (``sheet``: ``(width, height)`` in points,
    default :func:`sheet_for_trim` of the first page's trim; a portrait size is turned
    landscape).  Each page is placed by its TrimBox (bleed is cut away) flush against the
    fold, centred vertically.  The page count is padded with blank pages to a multiple of
    four; the blanks go before the last page (the back cover), except in a one-page book.

    Print the result duplex, **flip on short edge**, fold each sheet in half, nest the sheets
    in output order (first sheet outermost) and staple along the fold.

    ``signature=N`` splits the book into signatures of N sheets (4N pages); each is imposed
    as its own saddle booklet and the output holds all signatures' sheets in order; only
    the last signature is shorter and padded (blanks before the back cover).

    ``creep`` (points per sheet) compensates for the inner sheets of a folded signature
    pushing out at the fore-edge, where the trim then cuts more off them: the content of every
    page on sheet ``k`` of its signature (``k = 0`` is the outermost sheet) moves *towards the
    fold* by ``creep * k`` points.  The outermost sheet does not move.  The page is clipped at
    the fold, so the shift comes out of the inner (gutter) margin.

    ``marks=True`` draws fold marks (short dashed lines on the fold at the top and bottom
    edge, in the margin when there is one) and crop marks at the trim corners where there is
    margin outside the pages.  ``marks=False`` puts nothing on the sheet but the pages.
    """
    if creep < 0:
        raise ValueError(f"creep must not be negative, not {creep}")
    out = pikepdf.new()
    source = _Source(Path(src), out)
    first = source.trim(1)
    ref_w, ref_h = first[2] - first[0], first[3] - first[1]
    if sheet is None:
        sheet = sheet_for_trim(ref_w, ref_h)
    sheet = (max(sheet), min(sheet))
    W, H = sheet

    signatures = booklet_sides(len(source), signature, direction)
    all_sides: list[tuple[int | None, ...]] = []
    min_scale = 1.0
    marks_cache: dict[tuple, Any] = {}

    for sides in signatures:
        for index, pair in enumerate(sides):
            k = index // 2  # sheet within the signature, 0 = outermost
            shift = creep * k
            all_sides.append(pair)
            sheet_page = out.add_blank_page(page_size=(W, H))
            operations: list = []
            # Duplex, flip on short edge, landscape sheet: the paper turns over about a
            # vertical axis (like turning a book page), so "up" stays up and left and right
            # swap.  The back of the front's right half (page 2i+1) is the back's left half,
            # which holds page 2i+2, upright.  So the back side is laid out like the front and
            # NOT rotated.  (Flip on long edge turns the paper about the horizontal axis: the
            # back would then have to be rotated 180 degrees.)
            slots: list[Rect] = []
            for right, number in ((False, pair[0]), (True, pair[1])):
                if number is None:
                    tw, th = ref_w, ref_h
                else:
                    l, b, r, t = source.trim(number)
                    tw, th = r - l, t - b
                scale, x0, y0, visible = _booklet_slot(tw, th, sheet, right, shift)
                min_scale = min(min_scale, scale)
                slots.append(visible)
                if number is None:
                    continue
                # clip at the fold: a page shifted by creep loses `shift` points of its gutter
                cut = shift / scale
                clip = (l + cut, b, r, t) if right else (l, b, r - cut, t)
                matrix = (scale, 0.0, 0.0, scale, x0 - l * scale, y0 - b * scale)
                operations += _place(sheet_page, source.form(number), clip, matrix)
            marks_stream = None
            if marks:
                key = (W, H, tuple(round(v, 3) for s in slots for v in s))
                if key not in marks_cache:
                    segs = _crop_marks(slots, sheet)
                    dashed = _fold_marks_vertical(W / 2, slots, sheet)
                    marks_cache[key] = _marks_stream(out, segs, dashed)
                marks_stream = marks_cache[key]
            _draw(sheet_page, out, operations, marks_stream)

    count = sum(len(sig) * 2 for sig in signatures)  # padded page slots
    pages = len(source)
    pdffile.write(out, Path(dst))
    source.close()
    return ImpositionReport(
        kind="booklet",
        sheet=sheet,
        pages=pages,
        blanks=count - pages,
        sheets=len(all_sides) // 2,
        signatures=len(signatures),
        sides=tuple(all_sides),
        scale=min_scale,
    )


# The mini-zine layout, cell by cell: top row left to right (upside down), bottom row.
MINIZINE_CELLS: tuple[int, ...] = (5, 4, 3, 2, 6, 7, 8, 1)
#: bound on the right (a book read right to left): every row mirrored, the front cover bottom left
MINIZINE_CELLS_RTL: tuple[int, ...] = (2, 3, 4, 5, 1, 8, 7, 6)


def impose_minizine(
    src: Path,
    dst: Path,
    *,
    sheet: tuple[float, float] | None = None,
    marks: bool = False,
    direction: str = "ltr",
) -> ImpositionReport:
    """Impose up to eight pages of ``src`` as a one-sheet fold-and-cut mini-zine.

    The landscape sheet is divided into 4 columns x 2 rows.  Layout (page numbers)::

        +----+----+----+----+
        | 5  | 4  | 3  | 2  |   top row, printed upside down
        +----+====+====+----+   (==== the cut, across the middle two columns)
        | 6  | 7  | 8  | 1  |   bottom row: 8 = back cover, 1 = front cover
        +----+----+----+----+

    Every page's head is at the sheet's horizontal centre line.  Pages are placed by their
    TrimBox, scaled down to fit a cell if needed (aspect ratio kept) and centred in it.
    Fewer than eight pages are padded with blanks before the back cover (page 8), so page 8
    is always the last page of the source; a one-page source is just a cover.  More than
    eight pages raise ``ValueError``.

    ``direction="rtl"`` (a book in Hebrew, Arabic, Persian): each row mirrored, ``2 3 4 5`` above
    and ``1 8 7 6`` below, so that the same folds give a booklet bound on the right, its front
    cover on top and its pages turning leftwards.

    Print single-sided (``sheet`` default: :func:`sheet_for_trim` with ``minizine=True``,
    A7 -> A4).  To fold:

    1. Fold the sheet in half lengthwise (top edge to bottom edge) and unfold; fold it in
       half widthwise, then each half again, so the eight cells are creased.  Unfold.
    2. Fold in half widthwise (short edge to short edge), printed side out.  From the folded
       edge, cut along the horizontal centre line to the next crease (one cell wide): the cut
       runs through the middle two columns only, separating 4 from 7 and 3 from 8.
    3. Unfold, fold lengthwise with the printed side out (the upside-down row goes behind and
       becomes upright), push the two ends towards each other so the slit opens into a
       diamond, then a plus, and fold the four wings flat into a booklet with page 1 on top.

    Why it reads in order: after the lengthwise fold the uncut columns are leaves 1|2 (right)
    and 6|5 (left); the slit middle columns become two leaves, 7|8 (front layer) and 4|3
    (back layer), folded at their middle crease, which becomes their fore-edge.  All leaves
    hinge on the line where the outer columns meet the middle ones, and each printed spread
    is two neighbouring cells on one layer: 2|3, 4|5, 6|7, with 8|1 wrapping round as covers.
    """
    if direction not in ("ltr", "rtl"):
        raise ValueError(f"direction must be ltr or rtl, not {direction}")
    out = pikepdf.new()
    source = _Source(Path(src), out)
    n = len(source)
    if n > 8:
        source.close()
        raise ValueError(
            f"a mini-zine holds at most 8 pages; {src} has {n}. "
            "Shorten the piece or print it as a booklet."
        )
    first = source.trim(1)
    ref_w, ref_h = first[2] - first[0], first[3] - first[1]
    if sheet is None:
        sheet = sheet_for_trim(ref_w, ref_h, minizine=True)
    sheet = (max(sheet), min(sheet))
    W, H = sheet
    cw, ch = W / 4, H / 2

    # Blanks go before the back cover (position 8); a one-page source is only a cover.
    seq: list[int | None] = [1] + [None] * 7 if n == 1 else [*range(1, n), *[None] * (8 - n), n]
    cells = tuple(seq[pos - 1] for pos in (MINIZINE_CELLS_RTL if direction == "rtl" else MINIZINE_CELLS))

    sheet_page = out.add_blank_page(page_size=(W, H))
    operations: list = []
    min_scale = 1.0
    slots: list[Rect] = []
    for index, number in enumerate(cells):
        col, top = index % 4, index < 4
        cell_x, cell_y = col * cw, (ch if top else 0.0)
        if number is None:
            slots.append((cell_x, cell_y, cell_x + cw, cell_y + ch))
            continue
        l, b, r, t = source.trim(number)
        tw, th = r - l, t - b
        scale = min(1.0, cw / tw, ch / th)
        min_scale = min(min_scale, scale)
        pw, ph = tw * scale, th * scale
        x0 = cell_x + (cw - pw) / 2
        y0 = cell_y + (ch - ph) / 2
        slots.append((x0, y0, x0 + pw, y0 + ph))
        if top:
            # turned 180 degrees, (x, y) -> (-x, -y): the trim's lower-left corner lands on the
            # slot's upper-right corner.
            matrix = (-scale, 0.0, 0.0, -scale, x0 + pw + l * scale, y0 + ph + b * scale)
        else:
            matrix = (scale, 0.0, 0.0, scale, x0 - l * scale, y0 - b * scale)
        operations += _place(sheet_page, source.form(number), (l, b, r, t), matrix)

    marks_stream = None
    if marks:
        segs = _crop_marks(slots, sheet)
        dashed = []
        for x in (cw, 2 * cw, 3 * cw):
            dashed += _fold_marks_vertical(x, slots, sheet)
        dashed += _fold_marks_horizontal(ch, slots, sheet)
        # the cut: across the middle two columns on the centre line
        dashed.append(((cw, ch), (3 * cw, ch)))
        marks_stream = _marks_stream(out, segs, dashed)
    _draw(sheet_page, out, operations, marks_stream)

    pdffile.write(out, Path(dst))
    source.close()
    return ImpositionReport(
        kind="minizine",
        sheet=sheet,
        pages=n,
        blanks=8 - n,
        sheets=1,
        signatures=1,
        sides=(cells,),
        scale=min_scale,
    )


# --------------------------------------------------------------------------- marks

Segment = tuple[tuple[float, float], tuple[float, float]]


def _free_run(
    x: float, y: float, dx: int, dy: int, slots: list[Rect], sheet: tuple[float, float]
) -> float:
    """Free distance from (x, y) in direction (dx, dy) before the sheet edge or a page slot."""
    W, H = sheet
    eps = 0.01
    if dx:
        run = (W - x) if dx > 0 else x
        for x0, y0, x1, y1 in slots:
            if y0 - eps <= y <= y1 + eps:
                if dx > 0 and x0 >= x - eps:
                    run = min(run, x0 - x)
                elif dx < 0 and x1 <= x + eps:
                    run = min(run, x - x1)
    else:
        run = (H - y) if dy > 0 else y
        for x0, y0, x1, y1 in slots:
            if x0 - eps <= x <= x1 + eps:
                if dy > 0 and y0 >= y - eps:
                    run = min(run, y0 - y)
                elif dy < 0 and y1 <= y + eps:
                    run = min(run, y - y1)
    return max(run, 0.0)


def _crop_marks(slots: list[Rect], sheet: tuple[float, float]) -> list[Segment]:
    """Crop marks at each slot's trim corners, drawn only where there is margin for them."""
    segs: list[Segment] = []
    for x0, y0, x1, y1 in slots:
        for cx, cy, sx, sy in ((x0, y0, -1, -1), (x1, y0, 1, -1), (x0, y1, -1, 1), (x1, y1, 1, 1)):
            # horizontal mark on the trim line y = cy, outwards from the corner
            run = _free_run(cx, cy, sx, 0, slots, sheet)
            length = min(_MARK_LEN, run - _MARK_GAP)
            if length >= _MARK_MIN:
                segs.append(((cx + sx * _MARK_GAP, cy), (cx + sx * (_MARK_GAP + length), cy)))
            # vertical mark on the trim line x = cx
            run = _free_run(cx, cy, 0, sy, slots, sheet)
            length = min(_MARK_LEN, run - _MARK_GAP)
            if length >= _MARK_MIN:
                segs.append(((cx, cy + sy * _MARK_GAP), (cx, cy + sy * (_MARK_GAP + length))))
    return sorted(set(segs))


def _fold_marks_vertical(x: float, slots: list[Rect], sheet: tuple[float, float]) -> list[Segment]:
    """Dashed fold marks on the line x at the top and bottom edges of the sheet.

    In the margin above/below the pages when there is room; otherwise a short mark right at
    the paper's edge (on the fold, inside the page's head/foot margin).
    """
    W, H = sheet
    below = _free_run(x, 0.0, 0, 1, slots, sheet)  # from the bottom edge up
    above = _free_run(x, H, 0, -1, slots, sheet)  # from the top edge down
    lb = min(_MARK_LEN, below - _MARK_GAP) if below - _MARK_GAP >= _MARK_MIN else _MARK_MIN * 2
    la = min(_MARK_LEN, above - _MARK_GAP) if above - _MARK_GAP >= _MARK_MIN else _MARK_MIN * 2
    return [((x, 0.0), (x, lb)), ((x, H), (x, H - la))]


def _fold_marks_horizontal(
    y: float, slots: list[Rect], sheet: tuple[float, float]
) -> list[Segment]:
    """Dashed fold marks on the line y at the left and right edges of the sheet."""
    W, H = sheet
    left = _free_run(0.0, y, 1, 0, slots, sheet)
    right = _free_run(W, y, -1, 0, slots, sheet)
    ll = min(_MARK_LEN, left - _MARK_GAP) if left - _MARK_GAP >= _MARK_MIN else _MARK_MIN * 2
    lr = min(_MARK_LEN, right - _MARK_GAP) if right - _MARK_GAP >= _MARK_MIN else _MARK_MIN * 2
    return [((0.0, y), (ll, y)), ((W, y), (W - lr, y))]


def _fmt(v: float) -> str:
    text = f"{v:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _marks_stream(out: Any, solid: list[Segment], dashed: list[Segment]) -> Any:
    """A content stream whose only content is the marks (drawn over the sheet's pages)."""
    ops = [f"q 0 G {_fmt(_LINE_WIDTH)} w 0 J []0 d"]
    for (ax, ay), (bx, by) in solid:
        ops.append(f"{_fmt(ax)} {_fmt(ay)} m {_fmt(bx)} {_fmt(by)} l")
    if solid:
        ops.append("S")
    if dashed:
        ops.append("[3 2]0 d")
        for (ax, ay), (bx, by) in dashed:
            ops.append(f"{_fmt(ax)} {_fmt(ay)} m {_fmt(bx)} {_fmt(by)} l")
        ops.append("S")
    ops.append("Q")
    return out.make_stream("\n".join(ops).encode("ascii"))

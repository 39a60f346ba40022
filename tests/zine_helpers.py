"""Helpers for the zine tests (tests/unit/print/test_imposition.py, the zine and cover builds in
tests/e2e/): make numbered source PDFs and read imposed sheets back."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ContentStream

FOLIO = re.compile(r"PAGE-(\d+)")


def make_numbered_pdf(
    path: Path, count: int, *, size: str = "A5", bleed: str | None = None, font_size: str = "28pt"
) -> Path:
    """A WeasyPrint PDF of ``count`` pages; page i holds only the big folio text ``PAGE-ii``."""
    import weasyprint

    page_rule = f"size: {size}; margin: 12mm; background: #eef;"
    if bleed:
        page_rule += f" bleed: {bleed};"
    css = (
        f"@page {{ {page_rule} }} body {{ margin: 0 }}"
        f" div {{ font: {font_size}/1 serif; break-after: page }}"
        " div:last-child { break-after: auto }"
    )
    body = "".join(f"<div>PAGE-{i:02d}</div>" for i in range(1, count + 1))
    html = f"<html><head><style>{css}</style></head><body>{body}</body></html>"
    weasyprint.HTML(string=html).write_pdf(path)
    return path


def slice_pdf(src: Path, dst: Path, count: int) -> Path:
    """The first ``count`` pages of ``src`` (folios PAGE-01 .. PAGE-count)."""
    reader = PdfReader(src)
    writer = PdfWriter()
    for page in reader.pages[:count]:
        writer.add_page(page)
    with open(dst, "wb") as fh:
        writer.write(fh)
    return dst


@dataclass(frozen=True)
class Fragment:
    text: str
    x: float  # start of the text run on the page, in points
    y: float
    a: float  # 'a' of the text rendering matrix: negative when rotated by 180 degrees


def _times(m, n):
    """The matrix ``m`` then ``n`` (PDF's row-vector convention, [a b c d e f])."""
    a, b, c, d, e, f = (float(v) for v in m)
    A, B, C, D, E, F = (float(v) for v in n)
    return [a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F]


def fragments(page) -> list[Fragment]:
    """Text runs of a page with their position, from pypdf's extract_text visitor.

    The position is the origin of the text matrix mapped through the current transformation
    matrix (tm x cm), i.e. where the run starts on the page.  pypdf reports the text inside a
    Form XObject (the imposed sheets draw each page as one) in the form's own space: the matrix
    the form is drawn with (its /Matrix, then the cm at its ``Do``) is kept on a stack here.
    """
    found: list[Fragment] = []
    identity = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    stack = [(identity, page.get("/Resources"))]  # (form space -> page, resources), innermost last
    pending = []  # a form entered by ``Do``, pushed at its first operator (text pypdf flushes at the
    #               ``Do`` itself still belongs outside it)

    def before(operator, operands, cm, tm):
        if pending:
            stack.append(pending.pop())
        if operator == b"Do" and operands:
            outer, resources = stack[-1]
            xobjects = (resources.get_object().get("/XObject") if resources is not None else None) or {}
            xobject = xobjects.get(operands[0])
            xobject = xobject.get_object() if xobject is not None else None
            if xobject is not None and xobject.get("/Subtype") == "/Form":
                inner = _times(xobject.get("/Matrix", identity), _times(cm, outer))
                pending.append((inner, xobject.get("/Resources", resources)))

    def after(operator, operands, cm, tm):
        if operator == b"Do" and operands:
            if pending:  # an image, or a form without operators: nothing was pushed
                pending.pop()
            elif len(stack) > 1:
                stack.pop()

    def visit(text, cm, tm, font_dict, font_size):
        if not text.strip():
            return
        full = _times(cm, stack[-1][0])
        x = tm[4] * full[0] + tm[5] * full[2] + full[4]
        y = tm[4] * full[1] + tm[5] * full[3] + full[5]
        a = tm[0] * full[0] + tm[1] * full[2]
        found.append(Fragment(text.strip(), x, y, a))

    page.extract_text(visitor_text=visit, visitor_operand_before=before, visitor_operand_after=after)
    return found


def folios(frags: list[Fragment]) -> list[int]:
    return [int(m) for f in frags for m in FOLIO.findall(f.text)]


def halves(page) -> tuple[int | None, int | None]:
    """(left, right) folio of a booklet sheet side; None for a blank half.

    Fails if a half holds more than one folio.
    """
    width = float(page.mediabox.width)
    left, right = [], []
    for frag in fragments(page):
        (left if frag.x < width / 2 else right).append(frag)
    result = []
    for side in (left, right):
        numbers = folios(side)
        assert len(numbers) <= 1, f"more than one page in one half: {numbers}"
        result.append(numbers[0] if numbers else None)
    return tuple(result)


def cells(page) -> list[tuple[int | None, bool | None]]:
    """The eight cells of a mini-zine sheet, top row left to right then bottom row:
    (folio or None, rotated?) per cell."""
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    grid: list[list[Fragment]] = [[] for _ in range(8)]
    for frag in fragments(page):
        col = min(3, int(frag.x // (width / 4)))
        row = 0 if frag.y >= height / 2 else 1
        grid[row * 4 + col].append(frag)
    out = []
    for frags in grid:
        numbers = folios(frags)
        assert len(numbers) <= 1, f"more than one page in one cell: {numbers}"
        if numbers:
            out.append((numbers[0], all(f.a < 0 for f in frags)))
        else:
            out.append((None, None))
    return out


def operations(page) -> list[tuple[list, bytes]]:
    """The page's content stream operations (operands, operator)."""
    contents = page.get_contents()
    return [] if contents is None else list(ContentStream(contents, page.pdf).operations)


def placements(page) -> list[tuple[tuple[float, ...], tuple[float, ...]]]:
    """(cm, clip rect) of every source page merged onto a sheet.

    pypdf's merge_transformed_page starts each merged page with ``a b c d e f cm`` followed
    by the clip ``x y w h re W n`` (the source page's CropBox, in source coordinates).
    """
    ops = operations(page)
    found = []
    for i in range(1, len(ops) - 1):
        (operands, op), (prev_operands, prev_op) = ops[i], ops[i - 1]
        if op == b"re" and prev_op == b"cm" and ops[i + 1][1] in (b"W", b"W*"):
            cm = tuple(float(v) for v in prev_operands)
            found.append((cm, tuple(float(v) for v in operands)))
    return found


def clip_rects(page) -> list[tuple[float, ...]]:
    """Clip rectangles of the source pages merged onto a sheet."""
    return [rect for _cm, rect in placements(page)]


def line_segments(page) -> list[tuple[float, float, float, float]]:
    """Straight segments drawn with ``m``/``l`` in the page's content."""
    segs = []
    start = None
    for operands, op in operations(page):
        if op == b"m":
            start = (float(operands[0]), float(operands[1]))
        elif op == b"l" and start is not None:
            end = (float(operands[0]), float(operands[1]))
            segs.append((*start, *end))
            start = end
    return segs


def reading_order(sides: list[tuple[int | None, int | None]]) -> list[int | None]:
    """Simulate printing, folding and nesting one signature; return its reading order.

    ``sides`` are (left, right) halves as read from the PDF, front and back of each sheet in
    turn, outermost sheet first.  Printed duplex with flip on the short edge, the back of
    the front's right half is the back's left half (left and right swap, up stays up).
    Folded and nested, the booklet reads: the right half of each sheet's front followed by
    the left half of its back, from the outermost sheet inwards; then, from the innermost
    sheet outwards, the right half of the back followed by the left half of the front.
    """
    fronts = sides[0::2]
    backs = sides[1::2]
    first_half: list[int | None] = []
    for front, back in zip(fronts, backs):
        first_half += [front[1], back[0]]
    second_half: list[int | None] = []
    for front, back in reversed(list(zip(fronts, backs))):
        second_half += [back[1], front[0]]
    return first_half + second_half

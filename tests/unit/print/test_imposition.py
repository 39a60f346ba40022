"""Zine imposition: read the imposed PDF back and prove the page order and placement."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from anthology.print.imposition.zine import impose_booklet, impose_minizine, sheet_for_trim
from zine_helpers import (
    cells,
    clip_rects,
    fragments,
    halves,
    line_segments,
    make_numbered_pdf,
    operations,
    placements,
    reading_order,
    slice_pdf,
)

MM = 72 / 25.4
A4_LANDSCAPE = (297 * MM, 210 * MM)  # 841.89 x 595.28
A5 = (148 * MM, 210 * MM)
A7 = (74 * MM, 105 * MM)
_ = None  # a blank half in the tables below


# ---------------------------------------------------------------- fixtures (WeasyPrint once)


@pytest.fixture(scope="session")
def src_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("zine-src")


@pytest.fixture(scope="session")
def a5_40(src_dir) -> Path:
    return make_numbered_pdf(src_dir / "a5-40.pdf", 40)


@pytest.fixture(scope="session")
def a5_book(src_dir, a5_40):
    """book(n): an A5 PDF of the first n pages (PAGE-01 .. PAGE-n), cached."""
    cache: dict[int, Path] = {}

    def book(n: int) -> Path:
        if n not in cache:
            cache[n] = a5_40 if n == 40 else slice_pdf(a5_40, src_dir / f"a5-{n}.pdf", n)
        return cache[n]

    return book


@pytest.fixture(scope="session")
def a5_bleed_8(src_dir) -> Path:
    return make_numbered_pdf(src_dir / "a5-bleed-8.pdf", 8, bleed="3mm")


@pytest.fixture(scope="session")
def a7_10(src_dir) -> Path:
    return make_numbered_pdf(src_dir / "a7-10.pdf", 10, size="A7", font_size="14pt")


@pytest.fixture(scope="session")
def a7_book(src_dir, a7_10):
    cache: dict[int, Path] = {}

    def book(n: int) -> Path:
        if n not in cache:
            cache[n] = a7_10 if n == 10 else slice_pdf(a7_10, src_dir / f"a7-{n}.pdf", n)
        return cache[n]

    return book


def read_sides(path: Path) -> list[tuple[int | None, int | None]]:
    return [halves(page) for page in PdfReader(path).pages]


def expected_saddle(n: int) -> list[tuple[int | None, int | None]]:
    """Independent statement of the rule: pad to 4k with blanks before the last page, then
    sheet i front = [m-2i, 2i+1], back = [2i+2, m-2i-1] (1-based positions)."""
    m = -(-n // 4) * 4
    pos = list(range(1, n)) + [None] * (m - n) + [n] if n > 1 else [1, None, None, None]
    p = lambda k: pos[k - 1]  # noqa: E731
    sides = []
    for i in range(m // 4):
        sides += [(p(m - 2 * i), p(2 * i + 1)), (p(2 * i + 2), p(m - 2 * i - 1))]
    return sides


# ---------------------------------------------------------------- booklet order

# Written out by hand (left, right) per sheet side: front of sheet 1, back of sheet 1, ...
HAND_TABLES = {
    1: [(_, 1), (_, _)],
    2: [(2, 1), (_, _)],
    3: [(3, 1), (2, _)],
    4: [(4, 1), (2, 3)],
    5: [(5, 1), (2, _), (_, 3), (4, _)],
    8: [(8, 1), (2, 7), (6, 3), (4, 5)],
    13: [(13, 1), (2, _), (_, 3), (4, _), (12, 5), (6, 11), (10, 7), (8, 9)],
}


@pytest.mark.parametrize("n", sorted(HAND_TABLES))
def test_booklet_small_books_match_hand_tables(tmp_path, a5_book, n):
    out = tmp_path / "zine.pdf"
    report = impose_booklet(a5_book(n), out)
    assert read_sides(out) == HAND_TABLES[n]
    assert list(report.sides) == HAND_TABLES[n]
    assert report.pages == n
    assert report.blanks == -n % 4
    assert report.sheets == len(HAND_TABLES[n]) // 2


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 8, 13, 40])
def test_booklet_folds_into_reading_order(tmp_path, a5_book, n):
    """Simulated duplex (short-edge flip) + fold + nest: pages read 1..n, blanks only just
    before the back cover (after the single page of a one-page book)."""
    out = tmp_path / "zine.pdf"
    impose_booklet(a5_book(n), out)
    sides = read_sides(out)
    assert sides == expected_saddle(n)
    order = reading_order(sides)
    blanks = -n % 4
    if n == 1:
        assert order == [1, None, None, None]
    else:
        assert order == list(range(1, n)) + [None] * blanks + [n]


@pytest.mark.parametrize(
    "n, signature, sizes",
    [
        (40, 3, [12, 12, 12, 4]),
        (40, 5, [20, 20]),
        (40, 10, [40]),
        (13, 2, [8, 5]),  # last signature padded: 9 10 11 12 - - - 13
        (8, 1, [4, 4]),
        (5, 1, [4, 1]),  # the back cover alone in the last signature: - - - 5
    ],
)
def test_booklet_signatures(tmp_path, a5_book, n, signature, sizes):
    out = tmp_path / "zine.pdf"
    report = impose_booklet(a5_book(n), out, signature=signature)
    sides = read_sides(out)
    assert report.signatures == len(sizes)
    assert list(report.sides) == sides

    read: list[int | None] = []
    start = 0
    first_page = 1
    for size in sizes:
        padded = -(-size // 4) * 4
        sig_sides, start = sides[start : start + padded // 2], start + padded // 2
        order = reading_order(sig_sides)
        # each signature is its own saddle booklet, in order
        last = first_page + size - 1
        assert order == list(range(first_page, last)) + [None] * (padded - size) + [last]
        read += order
        first_page = last + 1
    assert start == len(sides), "sheets left over after the last signature"
    assert [p for p in read if p is not None] == list(range(1, n + 1))
    assert report.blanks == read.count(None)


def test_signature_must_be_positive(tmp_path, a5_book):
    with pytest.raises(ValueError, match="signature"):
        impose_booklet(a5_book(8), tmp_path / "z.pdf", signature=0)


# ---------------------------------------------------------------- booklet geometry


def _positions(path: Path) -> dict[int, tuple[float, float]]:
    """folio -> (x, y) of its text on the imposed sheets."""
    out = {}
    for page in PdfReader(path).pages:
        for frag in fragments(page):
            if frag.text.startswith("PAGE-"):
                out[int(frag.text[5:7])] = (frag.x, frag.y)
    return out


def _source_positions(path: Path) -> dict[int, tuple[float, float]]:
    """folio -> (x, y) of its text relative to the source page's trim box."""
    out = {}
    for page in PdfReader(path).pages:
        trim = page.trimbox
        for frag in fragments(page):
            if frag.text.startswith("PAGE-"):
                out[int(frag.text[5:7])] = (frag.x - float(trim.left), frag.y - float(trim.bottom))
    return out


def test_sheet_size_a5_on_a4_landscape(tmp_path, a5_book):
    out = tmp_path / "zine.pdf"
    report = impose_booklet(a5_book(8), out)
    for page in PdfReader(out).pages:
        assert float(page.mediabox.width) == pytest.approx(A4_LANDSCAPE[0], abs=0.5)
        assert float(page.mediabox.height) == pytest.approx(A4_LANDSCAPE[1], abs=0.5)
    assert report.sheet == pytest.approx(A4_LANDSCAPE, abs=0.5)


@pytest.mark.parametrize("sheet", [None, (420 * MM, 297 * MM)])  # A4, and A3 (pages smaller)
def test_pages_flush_against_the_fold_and_centred_vertically(tmp_path, a5_book, sheet):
    src = a5_book(8)
    out = tmp_path / "zine.pdf"
    impose_booklet(src, out, sheet=sheet)
    W, H = sheet or A4_LANDSCAPE
    placed = _positions(out)
    source = _source_positions(src)
    sides = read_sides(out)
    for left, right in sides:
        for number, is_right in ((left, False), (right, True)):
            if number is None:
                continue
            dx = placed[number][0] - source[number][0]
            dy = placed[number][1] - source[number][1]
            # trim's left edge: at the fold for a right page, one page width before it for a left
            assert dx == pytest.approx(W / 2 if is_right else W / 2 - A5[0], abs=0.05)
            assert dy == pytest.approx((H - A5[1]) / 2, abs=0.05)


def test_bleed_is_trimmed_away(tmp_path, a5_bleed_8, a5_book):
    """WeasyPrint's MediaBox includes the 3 mm bleed; pages are placed and clipped by TrimBox."""
    src = PdfReader(a5_bleed_8)
    assert float(src.pages[0].mediabox.width) > float(src.pages[0].trimbox.width) + 16
    out = tmp_path / "zine.pdf"
    report = impose_booklet(a5_bleed_8, out)
    reader = PdfReader(out)
    assert report.sheet == pytest.approx(A4_LANDSCAPE, abs=0.5)
    widths = [float(p.mediabox.width) for p in reader.pages]
    assert widths == pytest.approx([A4_LANDSCAPE[0]] * 4, abs=0.5)
    # same order and same text positions as the source without bleed
    assert read_sides(out) == HAND_TABLES[8]
    plain = tmp_path / "plain.pdf"
    impose_booklet(a5_book(8), plain)
    with_bleed, without = _positions(out), _positions(plain)
    for number in range(1, 9):
        assert with_bleed[number] == pytest.approx(without[number], abs=0.05)
    # every placed page is clipped to its trim box (0 0 148mm 210mm), not to the bleed box
    for page in reader.pages:
        rects = clip_rects(page)
        assert len(rects) == 2
        for rect in rects:
            assert rect == pytest.approx((0, 0, A5[0], A5[1]), abs=0.05)


def test_creep_moves_inner_sheets_towards_the_fold(tmp_path, a5_book):
    src = a5_book(12)  # 3 sheets: shifts 0, 1 * creep, 2 * creep
    plain, crept = tmp_path / "plain.pdf", tmp_path / "crept.pdf"
    impose_booklet(src, plain)
    report = impose_booklet(src, crept, creep=2.0)
    before, after = _positions(plain), _positions(crept)
    for side_index, (left, right) in enumerate(report.sides):
        shift = 2.0 * (side_index // 2)
        assert after[left][0] - before[left][0] == pytest.approx(shift, abs=0.01)  # left page: +x
        assert after[right][0] - before[right][0] == pytest.approx(-shift, abs=0.01)  # right: -x
        assert after[left][1] == pytest.approx(before[left][1], abs=0.01)
    # the shifted page is clipped at the fold: its gutter loses exactly the shift
    # and in the content stream: sheet 3 front (8 | 5) is translated by 2 * creep towards the
    # fold, and clipped at the fold, so its gutter loses exactly the shift
    W = A4_LANDSCAPE[0]
    (cm_left, clip_left), (cm_right, clip_right) = placements(PdfReader(crept).pages[4])
    assert cm_left == pytest.approx((1, 0, 0, 1, W / 2 - A5[0] + 4.0, 0), abs=0.01)
    assert cm_right == pytest.approx((1, 0, 0, 1, W / 2 - 4.0, 0), abs=0.01)
    assert clip_left == pytest.approx((0, 0, A5[0] - 4.0, A5[1]), abs=0.01)  # right edge cut
    assert clip_right == pytest.approx((4.0, 0, A5[0] - 4.0, A5[1]), abs=0.01)  # left edge cut


def test_creep_restarts_in_every_signature(tmp_path, a5_book):
    src = a5_book(16)
    plain, crept = tmp_path / "plain.pdf", tmp_path / "crept.pdf"
    impose_booklet(src, plain, signature=2)
    report = impose_booklet(src, crept, signature=2, creep=1.5)
    before, after = _positions(plain), _positions(crept)
    # sheets: sig 1 = sheets 0, 1; sig 2 = sheets 2, 3 -> shifts 0, 1.5, 0, 1.5
    for side_index, (left, right) in enumerate(report.sides):
        shift = 1.5 * ((side_index // 2) % 2)
        assert after[left][0] - before[left][0] == pytest.approx(shift, abs=0.01)
        assert after[right][0] - before[right][0] == pytest.approx(-shift, abs=0.01)


def test_portrait_sheet_is_turned_landscape(tmp_path, a5_book):
    out = tmp_path / "zine.pdf"
    report = impose_booklet(a5_book(4), out, sheet=(A4_LANDSCAPE[1], A4_LANDSCAPE[0]))
    assert report.sheet == pytest.approx(A4_LANDSCAPE)
    assert read_sides(out) == HAND_TABLES[4]


# ---------------------------------------------------------------- marks


def _strokes(path: Path) -> list[int]:
    return [sum(op == b"S" for _, op in operations(p)) for p in PdfReader(path).pages]


def test_no_marks_means_only_the_pages(tmp_path, a5_book):
    out = tmp_path / "zine.pdf"
    impose_booklet(a5_book(8), out, sheet=(420 * MM, 297 * MM))
    for page in PdfReader(out).pages:
        ops = {op for _, op in operations(page)}
        assert not ops & {b"S", b"d", b"l"}, ops & {b"S", b"d", b"l"}


def test_fold_marks_on_a4_without_margin(tmp_path, a5_book):
    out = tmp_path / "zine.pdf"
    impose_booklet(a5_book(8), out, marks=True)
    W, H = A4_LANDSCAPE
    for page in PdfReader(out).pages:
        ops = [op for _, op in operations(page)]
        assert b"S" in ops and b"d" in ops
        segs = line_segments(page)
        # no room for crop marks (pages fill the sheet's height): only the two fold marks,
        # on the fold, starting at the top and bottom edges
        assert len(segs) == 2
        for x0, _y0, x1, _y1 in segs:
            assert x0 == pytest.approx(W / 2, abs=0.01) and x1 == pytest.approx(W / 2, abs=0.01)
        assert sorted(round(s[1], 2) for s in segs) == [0, round(H, 2)]


def test_crop_and_fold_marks_in_the_margin(tmp_path, a5_book):
    out = tmp_path / "zine.pdf"
    W, H = 420 * MM, 297 * MM  # A3 landscape: a wide margin around the A5 pair
    impose_booklet(a5_book(8), out, sheet=(W, H), marks=True)
    x_left, x_right = W / 2 - A5[0], W / 2 + A5[0]
    y_bottom, y_top = (H - A5[1]) / 2, (H + A5[1]) / 2
    for page in PdfReader(out).pages:
        segs = line_segments(page)
        # outer corners: horizontal marks outwards on the trim lines, 3 pt away from the corner
        for x, direction in ((x_left, -1), (x_right, 1)):
            for y in (y_bottom, y_top):
                assert any(
                    s[1] == pytest.approx(y, abs=0.01)
                    and s[3] == pytest.approx(y, abs=0.01)
                    and s[0] == pytest.approx(x + 3 * direction, abs=0.01)
                    for s in segs
                ), (x, y)
        # vertical marks on the trim lines x = left edge, fold, right edge, outside the pages
        for x in (x_left, W / 2, x_right):
            above = [s for s in segs if s[0] == pytest.approx(x, abs=0.01) and s[1] > y_top]
            below = [s for s in segs if s[0] == pytest.approx(x, abs=0.01) and s[1] < y_bottom]
            assert above and below, x
        # nothing is drawn over the pages
        for x0, y0, x1, y1 in segs:
            mx, my = (x0 + x1) / 2, (y0 + y1) / 2
            assert not (x_left + 0.1 < mx < x_right - 0.1 and y_bottom + 0.1 < my < y_top - 0.1)


# ---------------------------------------------------------------- mini-zine

MINIZINE_LAYOUT = [5, 4, 3, 2, 6, 7, 8, 1]  # top row (upside down) then bottom row


@pytest.mark.parametrize(
    "n, expected",
    [
        (8, [5, 4, 3, 2, 6, 7, 8, 1]),
        (7, [5, 4, 3, 2, 6, _, 7, 1]),  # blanks go before the back cover
        (5, [_, 4, 3, 2, _, _, 5, 1]),
        (2, [_, _, _, _, _, _, 2, 1]),
        (1, [_, _, _, _, _, _, _, 1]),
    ],
)
def test_minizine_cells(tmp_path, a7_book, n, expected):
    out = tmp_path / "mini.pdf"
    report = impose_minizine(a7_book(n), out)
    reader = PdfReader(out)
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert float(page.mediabox.width) == pytest.approx(A4_LANDSCAPE[0], abs=0.5)
    assert float(page.mediabox.height) == pytest.approx(A4_LANDSCAPE[1], abs=0.5)
    found = cells(page)
    assert [number for number, _rot in found] == expected
    for index, (number, rotated) in enumerate(found):
        if number is not None:
            assert rotated is (index < 4), f"cell {index}: page {number} rotated={rotated}"
    assert list(report.sides[0]) == expected
    assert report.blanks == 8 - n


@pytest.mark.parametrize(
    "n, expected",
    [
        (8, [2, 3, 4, 5, 1, 8, 7, 6]),
        (7, [2, 3, 4, 5, 1, 7, _, 6]),  # blanks still go before the back cover
        (5, [2, 3, 4, _, 1, 5, _, _]),
        (1, [_, _, _, _, 1, _, _, _]),
    ],
)
def test_a_right_to_left_minizine_mirrors_every_row(tmp_path, a7_book, n, expected):
    """Bound on the right: the front cover bottom left, the pages turning leftwards; the top row
    still upside down, so the same folds and the same cut make the booklet."""
    out = tmp_path / "mini.pdf"
    report = impose_minizine(a7_book(n), out, direction="rtl")
    found = cells(PdfReader(out).pages[0])
    assert [number for number, _rot in found] == expected
    for index, (number, rotated) in enumerate(found):
        if number is not None:
            assert rotated is (index < 4), f"cell {index}: page {number} rotated={rotated}"
    assert list(report.sides[0]) == expected
    ltr = impose_minizine(a7_book(n), tmp_path / "ltr.pdf")
    for row in (slice(0, 4), slice(4, 8)):  # each row the left-to-right one read backwards
        assert list(report.sides[0][row]) == list(reversed(ltr.sides[0][row]))
    with pytest.raises(ValueError, match="direction"):
        impose_minizine(a7_book(n), tmp_path / "x.pdf", direction="up")


def test_minizine_heads_meet_at_the_centre_line(tmp_path, a7_book):
    """Every page's head (where its folio text is) faces the sheet's horizontal centre line;
    top-row pages are turned 180 degrees about their own centre, in their own cell."""
    src, out = a7_book(8), tmp_path / "mini.pdf"
    impose_minizine(src, out)
    page = PdfReader(out).pages[0]
    W, H = A4_LANDSCAPE
    source = _source_positions(src)
    by_folio = {int(f.text[5:7]): f for f in fragments(page) if f.text.startswith("PAGE-")}
    for index, number in enumerate(MINIZINE_LAYOUT):
        col, top = index % 4, index < 4
        sx, sy = source[number]
        # A7 is 0.7 pt narrower than a quarter of A4: centred in the cell
        cell_x, cell_y = col * W / 4 + (W / 4 - A7[0]) / 2, (H / 2 if top else 0)
        frag = by_folio[number]
        if top:  # rotated 180 degrees: source (x, y) -> cell's (right - x, top - y)
            assert frag.x == pytest.approx(cell_x + A7[0] - sx, abs=0.05)
            assert frag.y == pytest.approx(cell_y + A7[1] - sy, abs=0.05)
        else:
            assert frag.x == pytest.approx(cell_x + sx, abs=0.05)
            assert frag.y == pytest.approx(cell_y + sy, abs=0.05)
        assert abs(frag.y - H / 2) < H / 4  # the head is near the centre line


def test_minizine_scales_larger_pages_to_fit(tmp_path, a5_book):
    out = tmp_path / "mini.pdf"
    report = impose_minizine(a5_book(8), out, sheet=A4_LANDSCAPE)
    scale = min((A4_LANDSCAPE[0] / 4) / A5[0], (A4_LANDSCAPE[1] / 2) / A5[1])
    assert report.scale == pytest.approx(scale, abs=1e-3)
    page = PdfReader(out).pages[0]
    assert [number for number, _ in cells(page)] == MINIZINE_LAYOUT


def test_minizine_rejects_more_than_eight_pages(tmp_path, a7_book):
    with pytest.raises(ValueError, match="at most 8 pages"):
        impose_minizine(a7_book(9), tmp_path / "mini.pdf")
    assert not (tmp_path / "mini.pdf").exists()


def test_minizine_marks(tmp_path, a7_book):
    plain, marked = tmp_path / "plain.pdf", tmp_path / "marked.pdf"
    impose_minizine(a7_book(8), plain)
    impose_minizine(a7_book(8), marked, marks=True)
    assert _strokes(plain) == [0]
    assert _strokes(marked)[0] > 0
    W, H = A4_LANDSCAPE
    segs = line_segments(PdfReader(marked).pages[0])
    # the cut: on the centre line across the two middle columns
    assert any(
        s[1] == pytest.approx(H / 2) and s[3] == pytest.approx(H / 2)
        and {round(s[0], 2), round(s[2], 2)} == {round(W / 4, 2), round(3 * W / 4, 2)}
        for s in segs
    )


# ---------------------------------------------------------------- sizes, determinism, errors


def test_sheet_for_trim():
    assert sheet_for_trim(*A5) == pytest.approx(A4_LANDSCAPE, abs=0.01)
    assert sheet_for_trim(419.5, 595.3) == pytest.approx(A4_LANDSCAPE, abs=0.01)  # rounded A5
    assert sheet_for_trim(5.5 * 72, 8.5 * 72) == (792.0, 612.0)
    assert sheet_for_trim(300.0, 500.0) == (600.0, 500.0)
    assert sheet_for_trim(*A7, minizine=True) == pytest.approx(A4_LANDSCAPE, abs=0.01)
    assert sheet_for_trim(4.25 * 72, 5.5 * 72, minizine=True) == (792.0, 612.0)
    assert sheet_for_trim(2.75 * 72, 4.25 * 72, minizine=True) == (792.0, 612.0)
    assert sheet_for_trim(100.0, 150.0, minizine=True) == (400.0, 300.0)


def test_output_is_deterministic(tmp_path, a5_book, a7_book):
    for name in ("a", "b"):
        impose_booklet(a5_book(13), tmp_path / f"{name}.pdf", signature=2, creep=0.5, marks=True)
        impose_minizine(a7_book(6), tmp_path / f"{name}-mini.pdf", marks=True)
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    assert (tmp_path / "a-mini.pdf").read_bytes() == (tmp_path / "b-mini.pdf").read_bytes()


def test_report_describe(tmp_path, a5_book):
    report = impose_booklet(a5_book(5), tmp_path / "z.pdf")
    text = report.describe()
    assert "5 pages + 3 blank on 2 sheet(s)" in text
    assert "sheet 1: front 5 1 | back 2 -" in text


def test_negative_creep_is_rejected(tmp_path, a5_book):
    with pytest.raises(ValueError, match="creep"):
        impose_booklet(a5_book(4), tmp_path / "z.pdf", creep=-1)

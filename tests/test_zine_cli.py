"""Issue 6 at the command line: `anthology build --format zine` and `--format minizine --piece ID`.

The imposition maths is proved in test_zine.py; here the real book goes through the CLI and the
imposed sheets are read back (pages identified by their text and folios)."""

from __future__ import annotations

import math
import re
import shutil

import pytest
from pypdf import PdfReader

from book_helpers import REPO, copy_fixture, run_cli, words
from conftest import EPOCH
from zine_helpers import fragments, placements

MM = 72 / 25.4
A4_LANDSCAPE = (297 * MM, 210 * MM)
TABLOID_LANDSCAPE = (1224.0, 792.0)


def _copy_sample(target):
    shutil.copytree(REPO, target, ignore=shutil.ignore_patterns("build", ".venv", ".git", "tests", "anthology",
                                                                "*.egg-info", ".pytest_cache", ".ci"))
    return target / "book.yaml"


def _cli(*argv):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        return run_cli(*argv)


@pytest.fixture(scope="session")
def sample_copy(tmp_path_factory):
    return _copy_sample(tmp_path_factory.mktemp("zine-sample") / "book")


@pytest.fixture(scope="session")
def sample_zine(sample_copy, tmp_path_factory):
    out = tmp_path_factory.mktemp("zine-sample-out")
    run = _cli("build", sample_copy, "--out", out, "--format", "zine")
    assert run.code == 0, run.err
    return run, out


@pytest.fixture(scope="session")
def signature_zine(tmp_path_factory):
    """The full fixture with `signature: 2` and `sheet: tabloid`: its PDF and its zine."""
    work = tmp_path_factory.mktemp("zine-signature")
    manifest = copy_fixture("full", work / "book")
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        "print:\n  trim: 6in x 9in\n", "print:\n  trim: 6in x 9in\n  signature: 2\n  sheet: tabloid\n"),
        encoding="utf-8")
    run = _cli("build", manifest, "--out", work / "out", "--format", "pdf,zine")
    assert run.code == 0, run.err
    return work / "out" / "caspian-fixture.pdf", work / "out" / "caspian-fixture-zine.pdf"


def _halves_text(page) -> tuple[str, str]:
    width = float(page.mediabox.width)
    left = [f for f in fragments(page) if f.x < width / 2]
    right = [f for f in fragments(page) if f.x >= width / 2]
    return " ".join(f.text for f in left), " ".join(f.text for f in right)


# ================================================================= booklet


def test_zine_build_writes_only_the_zine_named_after_the_book(sample_zine):
    run, out = sample_zine
    assert [p.name for p in out.iterdir()] == ["kazakhstan-anthology-zine.pdf"]
    assert "kazakhstan-anthology-zine.pdf" in run.out


def test_zine_of_the_sample_has_two_sides_per_sheet_on_a4_landscape(builds, sample_zine):
    _, out = sample_zine
    pages = len(PdfReader(builds("sample").pdf).pages)
    zine = PdfReader(out / "kazakhstan-anthology-zine.pdf")
    assert len(zine.pages) == math.ceil(pages / 4) * 2
    for side in zine.pages:
        assert float(side.mediabox.width) == pytest.approx(A4_LANDSCAPE[0], abs=1)
        assert float(side.mediabox.height) == pytest.approx(A4_LANDSCAPE[1], abs=1)


def test_first_sheet_side_holds_the_last_page_and_page_one(builds, sample_zine):
    _, out = sample_zine
    reading = PdfReader(builds("sample").pdf)
    last = len(reading.pages)
    left, right = _halves_text(PdfReader(out / "kazakhstan-anthology-zine.pdf").pages[0])
    assert words(right) == words(reading.pages[0].extract_text())  # the half-title
    assert words(right) == words("Zhanaozen and After")
    assert re.search(rf"(^|\s){last}(\s|$)", left), left[-200:]  # the folio of the last page
    assert words(left)[:4] == words(reading.pages[-1].extract_text())[:4]


def test_second_side_holds_pages_two_and_the_one_before_last(builds, sample_zine):
    _, out = sample_zine
    reading = PdfReader(builds("sample").pdf)
    count = len(reading.pages)
    padded = math.ceil(count / 4) * 4
    left, right = _halves_text(PdfReader(out / "kazakhstan-anthology-zine.pdf").pages[1])
    assert words(left) == words(reading.pages[1].extract_text())  # page 2 (blank in the sample)
    expected = padded - 1 if padded - 1 < count else None  # a blank pad page when padded
    if expected is None:
        assert right.strip() == ""
    else:
        assert words(right)[:4] == words(reading.pages[expected - 1].extract_text())[:4]


def test_signature_and_sheet_from_the_manifest(signature_zine):
    pdf, zine = signature_zine
    pages = len(PdfReader(pdf).pages)
    per = 4 * 2
    expected_sides = (pages // per) * 4 + math.ceil((pages % per) / 4) * 2
    imposed = PdfReader(zine)
    assert len(imposed.pages) == expected_sides
    assert pages > per  # more than one signature, or the check proves nothing
    for side in imposed.pages:
        assert (float(side.mediabox.width), float(side.mediabox.height)) == (
            pytest.approx(TABLOID_LANDSCAPE[0], abs=1), pytest.approx(TABLOID_LANDSCAPE[1], abs=1))
    # the second signature starts with page 9 on the right of its first side
    reading = PdfReader(pdf)
    _, right = _halves_text(imposed.pages[4])
    assert words(right)[:3] == words(reading.pages[8].extract_text())[:3]


# ================================================================= mini-zine


@pytest.fixture(scope="session")
def minizine(sample_copy, tmp_path_factory):
    out = tmp_path_factory.mktemp("minizine-out")
    run = _cli("build", sample_copy, "--out", out, "--format", "minizine", "--piece", "life-in-a-police-state")
    assert run.code == 0, run.err
    return out


def test_minizine_is_one_a4_landscape_sheet_with_eight_cells(minizine):
    assert [p.name for p in minizine.iterdir()] == ["kazakhstan-anthology-life-in-a-police-state-minizine.pdf"]
    reader = PdfReader(minizine / "kazakhstan-anthology-life-in-a-police-state-minizine.pdf")
    assert len(reader.pages) == 1
    sheet = reader.pages[0]
    width, height = float(sheet.mediabox.width), float(sheet.mediabox.height)
    assert (width, height) == (pytest.approx(A4_LANDSCAPE[0], abs=1), pytest.approx(A4_LANDSCAPE[1], abs=1))
    placed = placements(sheet)
    assert 2 <= len(placed) <= 8
    cells = set()
    for frag in fragments(sheet):
        col, row = min(3, int(frag.x // (width / 4))), 0 if frag.y >= height / 2 else 1
        cells.add((row, col))
        # the top row is printed upside down, the bottom row upright
        assert (frag.a < 0) == (row == 0), (frag.text, row)
    assert len(cells) >= 2
    text = " ".join(f.text for f in fragments(sheet))
    assert contains_title(text, "Life in a Police State")


def contains_title(text: str, title: str) -> bool:
    want, have = words(title), words(text)
    return any(have[i:i + len(want)] == want for i in range(len(have)))


def test_minizine_unknown_piece_exits_1_naming_the_known_ids(sample_copy, tmp_path):
    run = _cli("build", sample_copy, "--out", tmp_path / "out", "--format", "minizine", "--piece", "no-such-piece")
    assert run.code == 1
    assert "no-such-piece" in run.err
    for known in ("life-in-a-police-state", "fraternal-peoples", "where-do-you-begin"):
        assert known in run.err
    assert "Traceback" not in run.err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_minizine_of_a_piece_too_long_exits_1_with_a_clear_message(sample_copy, tmp_path):
    run = _cli("build", sample_copy, "--out", tmp_path / "out", "--format", "minizine", "--piece", "ten-years-later")
    assert run.code == 1
    assert re.search(r"ten-years-later.*needs \d+ pages.*holds 8", run.err), run.err
    assert "Traceback" not in run.err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_minizine_without_a_piece_is_bad_usage(sample_copy, tmp_path):
    run = _cli("build", sample_copy, "--out", tmp_path / "out", "--format", "minizine")
    assert run.code == 2
    assert "--piece" in run.err
    assert not (tmp_path / "out").exists()

"""Glyphs for every script, and a book's stylesheet that adds to the tool's (issue 19).

Built end to end from tests/fixtures/scripts: a Russian book (6 × 9 in) with an Arabic paragraph, a
Hebrew line and Hebrew words, Kazakh words in Cyrillic and Latin script."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pypdfium2
import pytest
from pypdf import PdfReader

from book_helpers import FIXTURES, REPO, fonts_of, run_cli
from conftest import EPOCH

ARABIC = "على هذه الأرض ما يستحق الحياة"
HEBREW_LINE = "הַיּוֹם הַזֶּה"


def _build(book: Path, out: Path, formats: str, monkeypatch) -> object:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return run_cli("build", book / "book.yaml", "--out", out, "--format", formats)


@pytest.fixture(scope="module")
def scripts_book(tmp_path_factory):
    work = tmp_path_factory.mktemp("scripts")
    shutil.copytree(FIXTURES / "scripts", work / "book")
    with pytest.MonkeyPatch.context() as mp:
        run = _build(work / "book", work / "out", "epub,pdf,site", mp)
    assert run.code == 0, run.err
    return work, run


def _base_fonts(pdf: Path) -> set[str]:
    return {str(font.get("/BaseFont")).split("+")[-1] for font in fonts_of(PdfReader(pdf)).values()}


def _chars(pdf: Path, page_number: int) -> list[tuple[str, tuple[float, float, float, float]]]:
    """(character, (left, bottom, right, top)) of every character of a page, in points."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        text = document[page_number].get_textpage()
        return [(text.get_text_range(i, 1), text.get_charbox(i, loose=True)) for i in range(text.count_chars())]
    finally:
        document.close()


def _page_with(pdf: Path, needle: str) -> int:
    for number, page in enumerate(PdfReader(pdf).pages):
        if needle in re.sub(r"\s+", " ", page.extract_text() or ""):
            return number
    raise AssertionError(f"{needle!r} is on no page")


def _lines(chars, wanted) -> list[tuple[float, float, float]]:
    """(middle, left, right) of each line of characters for which wanted(char) holds, top first
    (characters whose vertical middles lie within 4 pt are one line)."""
    boxes = sorted(((bottom + top) / 2, left, right) for char, (left, bottom, right, top) in chars
                   if char.strip() and wanted(char))
    lines: list[list] = []
    for middle, left, right in reversed(boxes):
        if lines and abs(lines[-1][0] - middle) < 4:
            lines[-1][1:] = [min(lines[-1][1], left), max(lines[-1][2], right)]
        else:
            lines.append([middle, left, right])
    return [tuple(line) for line in lines]


def test_the_russian_book_with_arabic_and_hebrew_builds_and_names_its_fonts(scripts_book):
    work, run = scripts_book
    assert {p.name for p in (work / "out").iterdir()} >= {"book.epub", "book.pdf", "site"}
    report = [line for line in run.err.splitlines() if "fonts of the print edition" in line]
    assert len(report) == 1, run.err
    assert "Arabic: Noto Naskh Arabic" in report[0] and "Hebrew: Noto Serif Hebrew" in report[0]
    assert "Cyrillic: Charis SIL" in report[0]
    assert "GLYPH" not in run.err and "notdef" not in run.err, run.err


def test_the_pdf_sets_arabic_and_hebrew_with_the_shipped_fonts_and_no_other(scripts_book):
    work, _run = scripts_book
    fonts = _base_fonts(work / "out" / "book.pdf")
    assert "Noto-Naskh-Arabic" in fonts and "Noto-Serif-Hebrew" in fonts, fonts
    shipped = {re.sub(r"[^a-z]", "", p.stem.split("-")[0].lower())
               for p in (REPO / "styles" / "fonts").rglob("*.ttf")}
    for font in fonts:
        assert re.sub(r"[^a-z]", "", font.split("-Bold")[0].split("-Italic")[0].split("-Oblique")[0].lower()) \
            in shipped, (font, shipped)


def test_right_to_left_lines_lie_against_the_right_margin(scripts_book):
    work, _run = scripts_book
    pdf = work / "out" / "book.pdf"
    number = _page_with(pdf, "Караван шёл")
    chars = _chars(pdf, number)
    arabic = _lines(chars, lambda c: "\u0600" <= c <= "\u06ff")
    cyrillic = _lines(chars, lambda c: "\u0400" <= c <= "\u04ff")
    assert arabic and len(cyrillic) >= 3
    text_left = min(left for _b, left, _r in cyrillic)
    text_right = max(right for _b, _l, right in cyrillic)
    assert len(arabic) >= 2, arabic
    for _middle, _left, right in arabic[1:]:
        assert abs(right - text_right) < 6, (right, text_right)  # against the right margin
    assert arabic[1][2] - arabic[0][2] > 5, arabic  # the first line indented at its start, on the right
    last = arabic[-1]
    assert last[1] - text_left > 40, (last, text_left)  # the short last line ends on the left, not the start


def test_the_epub_and_the_site_carry_no_print_font(scripts_book):
    work, _run = scripts_book
    with zipfile.ZipFile(work / "out" / "book.epub") as epub:
        names = epub.namelist()
        css = epub.read("EPUB/style/book.css").decode("utf-8")
    assert not [n for n in names if n.endswith((".ttf", ".otf"))], names
    assert "@font-face" not in css and "Noto Naskh" not in css
    site = work / "out" / "site"
    assert not list(site.rglob("*.ttf"))
    assert ARABIC in (site / "karavan.html").read_text(encoding="utf-8")


def test_the_epub_of_the_book_with_three_scripts_passes_epubcheck(scripts_book):
    from anthology.epub.epubcheck import epubcheck

    work, _run = scripts_book
    problems = epubcheck(work / "out" / "book.epub")
    assert problems == [], "\n".join(map(str, problems))


def _has_cjk_noto() -> bool:
    if shutil.which("fc-list") is None:
        return False
    listed = subprocess.run(["fc-list", ":charset=4e2d", "family"], capture_output=True, text=True).stdout
    return "Noto" in listed


def test_chinese_comes_from_the_systems_noto_cjk_or_the_message_names_the_package(tmp_path, monkeypatch):
    book = tmp_path / "book"
    shutil.copytree(FIXTURES / "scripts", book)
    piece = book / "pismo.md"
    piece.write_text(piece.read_text(encoding="utf-8") + "\nИероглифы: 中文 и 漢字.\n", encoding="utf-8")
    line = piece.read_text(encoding="utf-8").split("\n").index("Иероглифы: 中文 и 漢字.") + 1
    run = _build(book, tmp_path / "out", "pdf", monkeypatch)
    if _has_cjk_noto():
        assert run.code == 0, run.err
        assert re.search(r"Han: Noto \w+ CJK", run.err), run.err
        assert any("CJK" in font for font in _base_fonts(tmp_path / "out" / "book.pdf"))
    else:
        assert run.code == 1, run.err
        assert re.search(rf"^pismo\.md:{line}: .*U\+4E2D.*fonts-noto-cjk", run.err, re.M), run.err
        assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
    # the EPUB and the site never fail over print fonts
    run = _build(book, tmp_path / "epub", "epub,site", monkeypatch)
    assert run.code == 0, run.err
    assert (tmp_path / "epub" / "book.epub").is_file()


# ------------------------------------------------------------------ a book's stylesheet adds to the tool's

HOUSE_CSS = """\
@font-face { font-family: "House"; src: url(fonts/house.ttf); }
/* one piece in its own font; the tool's fonts for other scripts after it */
#pismo .piece-body { font-family: "House", var(--anthology-script-fonts, serif), serif; }
.piece-title { color: #802020; }
@page { size: A4; }
@page :left { size: A3; }
"""


def _house_book(tmp_path: Path, manifest_extra: str = "") -> Path:
    book = tmp_path / "book"
    shutil.copytree(FIXTURES / "scripts", book)
    (book / "styles" / "fonts").mkdir(parents=True)
    shutil.copy(REPO / "styles" / "fonts" / "NotoSansMono-Regular.ttf", book / "styles" / "fonts" / "house.ttf")
    (book / "styles" / "book.css").write_text(HOUSE_CSS, encoding="utf-8")
    if manifest_extra:
        manifest = book / "book.yaml"
        manifest.write_text(manifest.read_text(encoding="utf-8") + manifest_extra, encoding="utf-8")
    return book


def test_a_books_stylesheet_adds_to_the_tools_and_the_manifests_trim_wins(tmp_path, monkeypatch):
    book = _house_book(tmp_path)
    run = _build(book, tmp_path / "out", "epub,pdf,site", monkeypatch)
    assert run.code == 0, run.err
    pdf = tmp_path / "out" / "book.pdf"
    reader = PdfReader(pdf)
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages}
    assert sizes == {(432, 648)}, sizes  # print: trim: 6in x 9in, whatever @page says
    fonts = _base_fonts(pdf)
    assert "House" in fonts  # the piece's own font (a copy of the shipped mono)
    assert "Charis-SIL" in fonts and "Noto-Naskh-Arabic" in fonts and "Noto-Serif-Hebrew" in fonts, fonts
    with zipfile.ZipFile(tmp_path / "out" / "book.epub") as epub:
        css = epub.read("EPUB/style/book.css").decode("utf-8")
        names = epub.namelist()
    assert css.index(".byline") < css.index("#802020")  # the tool's rules, then the book's
    assert "EPUB/style/fonts/house.ttf" in names
    site = tmp_path / "out" / "site"
    site_css = (site / "book.css").read_text(encoding="utf-8")
    assert ".byline" in site_css and "#802020" in site_css
    assert (site / "fonts" / "house.ttf").is_file()  # the site copies what its stylesheet names


def test_styles_replace_makes_the_books_stylesheet_the_only_one(tmp_path, monkeypatch):
    book = _house_book(tmp_path, "styles: replace\n")
    run = _build(book, tmp_path / "out", "epub,pdf", monkeypatch)
    assert run.code == 0, run.err
    with zipfile.ZipFile(tmp_path / "out" / "book.epub") as epub:
        css = epub.read("EPUB/style/book.css").decode("utf-8")
    assert "#802020" in css and ".byline" not in css
    reader = PdfReader(tmp_path / "out" / "book.pdf")
    assert {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages} == {(432, 648)}
    assert "Charis-SIL" not in _base_fonts(tmp_path / "out" / "book.pdf")


def test_an_unknown_styles_mode_is_a_problem_at_its_line(tmp_path):
    book = _house_book(tmp_path, "styles: merge\n")
    line = (book / "book.yaml").read_text(encoding="utf-8").split("\n").index("styles: merge") + 1
    run = run_cli("check", book / "book.yaml")
    assert run.code == 1
    assert re.search(rf"^book\.yaml:{line}: 'styles' must be add .* or replace", run.err, re.M), run.err

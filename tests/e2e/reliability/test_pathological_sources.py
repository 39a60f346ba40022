"""Sources no book should have, each an error naming the file and line, the previous outputs kept byte
for byte: one paragraph of megabytes (it would stall the print edition), footnotes that call
themselves or each other, and characters XML cannot carry made by a YAML escape or a character
reference, in a book or in a file being imported."""

from __future__ import annotations

import textwrap

import pytest

from book_helpers import run_cli, snapshot, write_book

MANIFEST = """\
    title: Патология
    language: ru
    chapters:
      - title: Первая
        pieces:
          - one.md
    """
ONE = "---\ntitle: Один\n---\n\nПервый абзац.[^1]\n\n[^1]: Примечание.\n"
WORDS = "Жанаозен нефть рабочие забастовка площадь зима декабрь город степь ветер " * 8


def _long_paragraph() -> str:
    """4 MB of ordinary words in one paragraph, wrapped at 900 characters a line."""
    text = (WORDS * (4_000_000 // len(WORDS) + 1))[:4_000_000 // 2]  # Cyrillic: two bytes a character
    return "\n".join(textwrap.wrap(text, 900))


def _piece(body: str, front: str = "title: Один") -> str:
    return f"---\n{front}\n---\n\n{body}\n"


# name -> (file, content, the message's start)
CASES = {
    "a 4 MB paragraph": ("one.md", _piece("Начало.\n\n" + _long_paragraph()),
                         "one.md:7: a paragraph of 2,000,"),
    "a note citing itself": ("one.md", _piece("Текст.[^a]\n\n[^a]: Примечание цитирует себя.[^a]"),
                             "one.md:7: the footnote [^a] calls itself"),
    "notes citing each other": ("one.md", _piece("Текст.[^a] И[^b]\n\n[^a]: Смотри[^b]\n[^b]: Смотри[^a]"),
                                "one.md:7: the footnotes [^a] → [^b] → [^a] call each other in a ring"),
    "a note calling another": ("one.md", _piece("Текст.[^a] И[^b]\n\n[^a]: Смотри[^b]\n\n[^b]: Второе."),
                               "one.md:7: the footnote [^a] calls the footnote [^b] inside its own text"),
    "a surrogate escape in front matter": ("one.md", _piece("Текст.", 'title: "Один \\ud800"'),
                                           "one.md:2: YAML: the character U+D800 (an unpaired surrogate)"),
    "a control escape in front matter": ("one.md", _piece("Текст.", 'title: "Один"\nsource: "\\x01"'),
                                         "one.md:3: YAML: the character U+0001"),
    "a surrogate escape in book.yaml": ("book.yaml", textwrap.dedent(MANIFEST).replace(
        "title: Патология", 'title: "Патология \\uDFFF"'), "book.yaml:1: YAML: the character U+DFFF"),
    "a surrogate reference": ("one.md", _piece("Текст &#xD800; здесь."),
                              "one.md:5: column 7: the character reference &#xD800; (U+D800, an unpaired surrogate)"),
    "a decimal surrogate reference": ("one.md", _piece("Текст\n\nи &#55296;"),
                                      "one.md:7: column 3: the character reference &#55296;"),
    "a control reference": ("one.md", _piece("Текст &#1; здесь."), "one.md:5: column 7: the character reference &#1;"),
    "a reference beyond Unicode": ("one.md", _piece("Текст &#x110000;"), "one.md:5: column 7: the character "
                                   "reference &#x110000; (beyond Unicode)"),
}


@pytest.mark.parametrize("case", CASES)
def test_an_error_at_its_line_and_the_previous_outputs_kept(tmp_path, case):
    manifest = write_book(tmp_path / "book", MANIFEST, {"one.md": ONE})
    out = tmp_path / "out"
    first = run_cli("build", manifest, "--out", out, "--format", "epub,pdf")
    assert first.code == 0, first.err
    before = snapshot(out)
    name, content, message = CASES[case]
    (manifest.parent / name).write_text(content, encoding="utf-8")
    run = run_cli("build", manifest, "--out", out, "--format", "epub,pdf")
    assert run.code == 1, run.err
    assert message in run.err, run.err
    assert "Traceback" not in run.err and "internal error" not in run.err
    assert snapshot(out) == before


def test_the_longest_paragraph_allowed_still_builds(tmp_path):
    from anthology.book import limits

    paragraph = "\n".join(textwrap.wrap((WORDS * 200)[:limits.MAX_BLOCK_CHARS - 1000], 900))
    manifest = write_book(tmp_path / "book", MANIFEST, {"one.md": _piece(paragraph)})
    run = run_cli("check", manifest)
    assert run.code == 0, run.err


def test_many_short_list_items_are_not_one_long_block(tmp_path):
    items = "\n".join(f"- пункт номер {n}, в котором есть несколько слов" for n in range(4000))
    manifest = write_book(tmp_path / "book", MANIFEST, {"one.md": _piece(items)})
    run = run_cli("check", manifest)
    assert run.code == 0, run.err


@pytest.mark.parametrize("suffix,content,line", [
    (".html", "<html><body><h1>Письмо</h1>\n<p>Текст</p>\n<p>и &#xD800; тут</p></body></html>", 3),
    (".md", "---\ntitle: Письмо\n---\n\nТекст &#xdfff;.\n", 5),
    (".txt", "Письмо\n\nТекст &#1; тут.\n", 3),
])
def test_import_names_a_reference_xml_cannot_carry(tmp_path, suffix, content, line):
    manifest = write_book(tmp_path / "book", MANIFEST, {"one.md": ONE})
    before = snapshot(manifest.parent)
    contribution = tmp_path / f"letter{suffix}"
    contribution.write_text(content, encoding="utf-8")
    run = run_cli("import", contribution, "--manifest", manifest)
    assert run.code == 1, run.out
    assert f"{contribution}:{line}: column" in run.err and "cannot carry" in run.err, run.err
    assert snapshot(manifest.parent) == before


def test_import_names_a_surrogate_escape_in_front_matter(tmp_path):
    manifest = write_book(tmp_path / "book", MANIFEST, {"one.md": ONE})
    contribution = tmp_path / "letter.md"
    contribution.write_text('---\ntitle: "Письмо \\ud83d"\n---\n\nТекст.\n', encoding="utf-8")
    run = run_cli("import", contribution, "--manifest", manifest)
    assert run.code == 1 and f"{contribution}:2: YAML: the character U+D83D" in run.err, run.err


def test_a_note_called_twice_from_the_text_still_builds(tmp_path):
    """Not a cycle: the same note called from two places of the main text."""
    manifest = write_book(tmp_path / "book", MANIFEST,
                          {"one.md": _piece("Раз.[^a] Два.[^a]\n\n[^a]: Одно примечание.")})
    run = run_cli("check", manifest)
    assert run.code == 0, run.err

"""Pathological text gets a message naming file, line (and column) instead of a crash: nesting, absurd
lines and words, control characters, oversized sources, a chapter without pieces."""

from __future__ import annotations

from pathlib import Path

import pytest

from anthology.book import limits
from book_helpers import run_cli, write_book

MANIFEST = """\
    title: Limits
    language: en
    chapters:
      - title: Only
        pieces:
          - p.md
    """


def _check(tmp_path: Path, body: str, manifest: str = MANIFEST):
    book = write_book(tmp_path / "book", manifest, {})
    (book.parent / "p.md").write_text("---\ntitle: P\n---\n\nFirst paragraph.\n\n" + body, encoding="utf-8")
    run = run_cli("check", book)
    assert "Traceback" not in run.err and "internal error" not in run.err, run.err
    return run


def test_five_thousand_nested_quotes_are_a_message_not_a_recursion_error(tmp_path):
    run = _check(tmp_path, ">" * 5000 + " deep\n")
    assert run.code == 1
    assert "p.md:7: block quotes nested 5000 deep, more than the limit of 16" in run.err


def test_quotes_written_with_spaces_count_too(tmp_path):
    run = _check(tmp_path, "> " * 40 + "deep\n")
    assert run.code == 1 and "p.md:7: block quotes nested 40 deep" in run.err, run.err


def test_deeply_nested_lists_are_a_message(tmp_path):
    run = _check(tmp_path, "".join("    " * i + f"- item {i}\n" for i in range(400)))
    assert run.code == 1
    assert "p.md:23: a list nested 17 deep, more than the limit of 16" in run.err, run.err
    assert run.err.count("a list nested") == 1  # reported once, at its first line


def test_nesting_within_the_limits_builds(tmp_path):
    body = (">" * limits.MAX_NESTING + " quoted\n\n"
            + "".join("    " * i + f"- item {i}\n" for i in range(limits.MAX_NESTING)))
    run = _check(tmp_path, body)
    assert run.code == 0, run.err


def test_deep_raw_html_and_emphasis_are_a_message(tmp_path):
    run = _check(tmp_path, "<div> " * 300 + "Deep text here" + " </div>" * 300 + "\n")
    assert run.code == 1 and "p.md:7: elements nested" in run.err and "limit of 48" in run.err, run.err
    run = _check(tmp_path / "b", "*a " * 500 + "x" + " b*" * 500 + "\n")
    assert run.code == 1 and "p.md:7:" in run.err, run.err


@pytest.mark.parametrize("char, name", [("\x00", "NUL"), ("\x1b", "ESC"), ("\x0c", "form feed"),
                                        ("\x85", "U+0085"), ("\ufffe", "U+FFFE")])
def test_control_characters_name_file_line_and_column(tmp_path, char, name):
    run = _check(tmp_path, f"Second paragraph.\n\nA bad{char}character.\n")
    assert run.code == 1
    assert f"p.md:9: column 6: the control character U+{ord(char):04X}" in run.err and name in run.err, run.err


def test_control_characters_in_the_manifest_are_found_too(tmp_path):
    run = _check(tmp_path, "Fine.\n", MANIFEST.replace("title: Limits", "title: Lim\x07its"))
    assert run.code == 1 and "book.yaml:1: column 11: the control character U+0007" in run.err, run.err


def test_an_absurd_line_and_an_absurd_word_are_messages(tmp_path):
    run = _check(tmp_path, "word " * 12_000 + "\n\n" + "x" * 5_000 + "\n")
    assert run.code == 1
    assert f"p.md:7: the line is 60,000 characters long, more than the limit of {limits.MAX_LINE_CHARS:,}" in run.err
    assert "p.md:9: column 1: a word of 5,000 characters without a space" in run.err, run.err


def test_oversized_piece_and_manifest_are_messages(tmp_path):
    run = _check(tmp_path, ("A sentence of ordinary length. " * 30 + "\n\n") * 6_000)
    assert run.code == 1 and "p.md:1: the file is" in run.err and "more than the limit of 5,000,000" in run.err
    run = _check(tmp_path / "b", "Fine.\n", MANIFEST + "# " + "padding " * 130_000 + "\n")
    assert run.code == 1 and "book.yaml:1: the file is" in run.err and "limit of 1,000,000" in run.err, run.err


def test_deep_yaml_in_the_manifest_and_the_front_matter_is_a_message(tmp_path):
    run = _check(tmp_path, "Fine.\n", MANIFEST + "description: " + "[ " * 3000 + "] " * 3000 + "\n")
    assert run.code == 1 and "book.yaml:7: YAML: values nested more than 32 deep" in run.err, run.err
    book = write_book(tmp_path / "c", MANIFEST, {"p.md": "---\ntitle: P\nsource: " + "{a: " * 50 + "1"
                                                 + "}" * 50 + "\n---\n\nText.\n"})
    run = run_cli("check", book)
    assert run.code == 1 and "p.md:3: YAML: values nested more than 32 deep" in run.err, run.err


def test_a_chapter_with_no_pieces_is_an_error(tmp_path):
    manifest = MANIFEST.replace("chapters:\n", "chapters:\n      - title: Empty Room\n        pieces: []\n")
    run = _check(tmp_path, "Fine.\n", manifest)
    assert run.code == 1
    assert "book.yaml:5: the chapter 'Empty Room' has no pieces" in run.err, run.err


def _indent(text: str) -> str:
    return "".join("    " + line for line in text.splitlines(keepends=True))


def test_labels_with_broken_placeholders_are_problems_not_crashes(tmp_path):
    manifest = MANIFEST.replace("    chapters:\n", _indent('editors: [An Editor]\nlabels:\n  edited_by: "Edited by {nope}"\n'
                                                         '  contents: "{"\n  months: a b\n  date: "{day:d}. {month} {year}"\n'
                                                         "chapters:\n"))
    run = _check(tmp_path, "Fine.\n", manifest)
    assert run.code == 1
    assert "book.yaml:5: the label 'edited_by' uses the placeholder {nope}" in run.err, run.err
    assert "book.yaml:6: the label 'contents' is not a valid text with placeholders" in run.err
    assert "book.yaml:7: the label 'months' must be twelve month names" in run.err
    assert "'date'" not in run.err  # {day:d} is a fine placeholder for a number


def test_print_sizes_outside_their_ranges_are_problems(tmp_path):
    manifest = MANIFEST.replace("    chapters:\n", _indent("print:\n  trim: 0mm x 5mm\n  bleed: 100mm\n  sheet: A3\n"
                                                         "  signature: 500\nchapters:\n"))
    run = _check(tmp_path, "Fine.\n", manifest)
    assert run.code == 1
    assert "book.yaml:4: print: trim: '0mm x 5mm' must be between 50 mm and 1000 mm on each side" in run.err
    assert "book.yaml:5: print: bleed: '100mm' must be between 0 mm and 20 mm" in run.err
    assert "book.yaml:7: print: signature: '500' must be between 1 and 100 sheets" in run.err, run.err
    assert "print: sheet" not in run.err


def test_a_value_with_line_breaks_is_quoted_on_the_problems_one_line(tmp_path):
    """Found by the fuzzer: `language: '\\n\\n  '` printed a problem over two lines."""
    run = _check(tmp_path, "Fine.\n", MANIFEST.replace("language: en", "language: \"\\n\\nx\""))
    assert run.code == 1
    lines = run.err.splitlines()
    assert lines[0].startswith("book.yaml:2: 'language' must be a BCP 47 language tag") and "\\n" in lines[0]
    assert len(lines) == 2, run.err

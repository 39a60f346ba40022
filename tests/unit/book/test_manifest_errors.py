"""Manifest and piece errors: load_book() raises BookError with every problem, each naming file and line."""

from __future__ import annotations

import pytest

from anthology.errors import BookError
from anthology.book.manifest import load_book
from book_helpers import FIXTURES, copy_fixture, write_book

PIECE = "---\ntitle: A Piece\n---\n\nSome text of the piece.\n"
MANIFEST = """\
title: A Book
language: en
chapters:
  - title: A Chapter
    pieces:
      - piece.md
"""


def problems_of(manifest):
    with pytest.raises(BookError) as info:
        load_book(manifest)
    problems = info.value.problems
    assert problems, "BookError without problems"
    return problems


def only(problems, file, line=None, *words):
    """The problems of `file` (at `line` if given) whose message holds every word."""
    found = [p for p in problems if p.file == file and (line is None or p.line == line)
             and all(w.lower() in p.message.lower() for w in words)]
    assert found, f"no problem {file}:{line} with {words}; got:\n" + "\n".join(map(str, problems))
    return found


def book(tmp_path, manifest=MANIFEST, **files):
    files = {name.replace("__", "/").replace("_md", ".md"): text for name, text in files.items()}
    files.setdefault("piece.md", PIECE)
    return write_book(tmp_path / "book", manifest, files)


# ---------------------------------------------------------------- the fixtures themselves load


@pytest.mark.parametrize("name", ["minimal", "full"])
def test_fixture_books_load_without_problems(name):
    loaded = load_book(FIXTURES / name / "book.yaml")
    assert loaded.pieces


# ---------------------------------------------------------------- unknown keys


def test_unknown_key_in_the_manifest(tmp_path):
    manifest = book(tmp_path, MANIFEST.replace("language: en\n", "language: en\ncolour: red\n"))
    only(problems_of(manifest), "book.yaml", 3, "colour")


def test_unknown_key_in_front_matter(tmp_path):
    manifest = book(tmp_path, piece_md="---\ntitle: A Piece\nmood: sombre\n---\n\nText.\n")
    only(problems_of(manifest), "piece.md", 3, "mood")


def test_unknown_key_in_a_chapter(tmp_path):
    manifest = book(tmp_path, MANIFEST.replace("  - title: A Chapter\n", "  - title: A Chapter\n    blurb: no\n"))
    only(problems_of(manifest), "book.yaml", 5, "blurb")


def test_unknown_key_in_a_manifest_piece_mapping(tmp_path):
    manifest = book(tmp_path, MANIFEST.replace("      - piece.md\n",
                                               "      - file: piece.md\n        title: Better\n        colour: red\n"))
    only(problems_of(manifest), "book.yaml", 8, "colour")


def test_unknown_key_in_a_crlf_file_with_bom_has_the_right_line(tmp_path):
    text = "\ufeff---\r\ntitle: A Piece\r\nmood: sombre\r\n---\r\n\r\nText.\r\n"
    manifest = book(tmp_path, piece_md=text.encode("utf-8"))
    only(problems_of(manifest), "piece.md", 3, "mood")


# ---------------------------------------------------------------- required keys and values


def test_missing_title(tmp_path):
    manifest = book(tmp_path, MANIFEST.replace("title: A Book\n", ""))
    only(problems_of(manifest), "book.yaml", None, "title")


def test_missing_language(tmp_path):
    manifest = book(tmp_path, MANIFEST.replace("language: en\n", ""))
    only(problems_of(manifest), "book.yaml", None, "language")


def test_piece_without_title(tmp_path):
    manifest = book(tmp_path, piece_md="---\nsubtitle: Only a subtitle\n---\n\nText.\n")
    only(problems_of(manifest), "piece.md", None, "title")


@pytest.mark.parametrize("tag", ["en_GB", "english!", "e", "12"])
def test_bad_language_tag(tmp_path, tag):
    manifest = book(tmp_path, MANIFEST.replace("language: en", f"language: '{tag}'"))
    only(problems_of(manifest), "book.yaml", 2, "language")


def test_bad_original_language_in_front_matter(tmp_path):
    manifest = book(tmp_path, piece_md="---\ntitle: A Piece\noriginal_language: Russian language\n---\n\nText.\n")
    only(problems_of(manifest), "piece.md", 3, "original_language")


@pytest.mark.parametrize("value", ["01/03/2024", "March 2024", "2024-3"])
def test_bad_date_in_the_manifest(tmp_path, value):
    manifest = book(tmp_path, MANIFEST.replace("language: en\n", f"language: en\ndate: {value}\n"))
    only(problems_of(manifest), "book.yaml", 3, "date")


def test_bad_date_in_front_matter(tmp_path):
    manifest = book(tmp_path, piece_md="---\ntitle: A Piece\ndate: yesterday\n---\n\nText.\n")
    only(problems_of(manifest), "piece.md", 3, "date")


def test_impossible_calendar_date_in_the_manifest(tmp_path):
    manifest = book(tmp_path, MANIFEST.replace("language: en\n", "language: en\ndate: 2024-13-45\n"))
    only(problems_of(manifest), "book.yaml", 3, "date")


def test_impossible_calendar_date_in_front_matter(tmp_path):
    manifest = book(tmp_path, piece_md="---\ntitle: A Piece\ndate: 2024-02-30\n---\n\nText.\n")
    only(problems_of(manifest), "piece.md", 3, "date")


def test_bad_kind(tmp_path):
    manifest = book(tmp_path, piece_md="---\ntitle: A Piece\nkind: poem\n---\n\nText.\n")
    only(problems_of(manifest), "piece.md", 3, "kind")


# ---------------------------------------------------------------- paths


def test_piece_path_that_does_not_exist(tmp_path):
    manifest = book(tmp_path, MANIFEST.replace("      - piece.md\n", "      - piece.md\n      - missing.md\n"))
    only(problems_of(manifest), "book.yaml", 7, "missing.md")


def test_piece_path_escaping_the_book_folder(tmp_path):
    (tmp_path / "outside.md").write_text(PIECE, encoding="utf-8")  # it exists, but is outside
    manifest = book(tmp_path, MANIFEST.replace("      - piece.md\n", "      - piece.md\n      - ../outside.md\n"))
    only(problems_of(manifest), "book.yaml", 7, "../outside.md", "outside")


def test_intro_path_escaping_the_book_folder(tmp_path):
    (tmp_path / "intro.md").write_text("An intro.\n", encoding="utf-8")
    manifest = book(tmp_path, MANIFEST.replace("  - title: A Chapter\n", "  - title: A Chapter\n    intro: ../intro.md\n"))
    only(problems_of(manifest), "book.yaml", 5, "outside")


def test_paths_are_relative_to_the_file_that_contains_them(tmp_path):
    manifest = book(tmp_path, MANIFEST.replace("piece.md", "texts/piece.md"), piece_md=PIECE,
                    texts__piece_md="---\ntitle: Deeper\n---\n\n![A dot](../pics/dot.png)\n")
    (tmp_path / "book" / "pics").mkdir()
    (tmp_path / "book" / "pics" / "dot.png").write_bytes((FIXTURES / "full/images/square.png").read_bytes())
    loaded = load_book(manifest)
    assert loaded.pieces[0].title == "Deeper"


def test_image_without_alt_text(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "dot.png").write_bytes((FIXTURES / "full/images/square.png").read_bytes())
    manifest = book(tmp_path, piece_md="---\ntitle: A Piece\n---\n\nText.\n\n![](dot.png \"A caption\")\n")
    only(problems_of(manifest), "piece.md", 7, "alt")


def test_missing_image(tmp_path):
    manifest = book(tmp_path, piece_md="---\ntitle: A Piece\n---\n\nText.\n\nMore.\n\n![A photo](photos/nothere.png)\n")
    only(problems_of(manifest), "piece.md", 9, "nothere.png")


def test_image_outside_the_book_folder(tmp_path):
    (tmp_path / "secret.png").write_bytes((FIXTURES / "full/images/square.png").read_bytes())
    manifest = book(tmp_path, piece_md="---\ntitle: A Piece\n---\n\n![A secret](../secret.png)\n")
    only(problems_of(manifest), "piece.md", 5, "outside")


def test_remote_image_is_an_error(tmp_path):
    manifest = book(tmp_path, piece_md="---\ntitle: A Piece\n---\n\n![A photo](https://example.com/a.png)\n")
    only(problems_of(manifest), "piece.md", 5, "example.com")


def test_link_to_a_missing_file(tmp_path):
    manifest = book(tmp_path, piece_md="---\ntitle: A Piece\n---\n\nSee [the other piece](other.md).\n")
    only(problems_of(manifest), "piece.md", 5, "other.md")


# ---------------------------------------------------------------- Markdown


def test_undefined_footnote_reference(tmp_path):
    manifest = book(tmp_path, piece_md="---\ntitle: A Piece\n---\n\nFirst.\n\nA call.[^ghost]\n")
    only(problems_of(manifest), "piece.md", 7, "ghost")


# ---------------------------------------------------------------- encodings and syntax


def test_file_that_is_not_utf8(tmp_path):
    manifest = book(tmp_path, piece_md="---\ntitle: Caf\xe9\n---\n\nText.\n".encode("latin-1"))
    found = only(problems_of(manifest), "piece.md", None, "UTF-8")
    assert found[0].line in (None, 2)


def test_manifest_that_is_not_utf8(tmp_path):
    manifest = book(tmp_path)
    manifest.write_bytes(MANIFEST.replace("A Book", "Caf\xe9").encode("latin-1"))
    only(problems_of(manifest), "book.yaml", None, "UTF-8")


def test_yaml_syntax_error_in_the_manifest(tmp_path):
    manifest = book(tmp_path, "title: A Book\nlanguage: en\n  oops: [1, 2\nchapters: []\n")
    problems = problems_of(manifest)
    only(problems, "book.yaml", 3)


def test_yaml_syntax_error_in_front_matter(tmp_path):
    manifest = book(tmp_path, piece_md="---\ntitle: A Piece\nauthors: [Ann, Bob\n---\n\nText.\n")
    found = [p for p in problems_of(manifest) if p.file == "piece.md"]
    assert found and found[0].line in (3, 4), found


def test_duplicate_key(tmp_path):
    manifest = book(tmp_path, MANIFEST.replace("language: en\n", "language: en\ntitle: Again\n"))
    only(problems_of(manifest), "book.yaml", 3, "title")


def test_front_matter_never_closed(tmp_path):
    manifest = book(tmp_path, piece_md="---\ntitle: A Piece\n\nText with no closing line.\n")
    only(problems_of(manifest), "piece.md", None, "---")


def test_duplicate_piece(tmp_path):
    manifest = book(tmp_path, MANIFEST.replace("      - piece.md\n", "      - piece.md\n      - ./piece.md\n"))
    only(problems_of(manifest), "book.yaml", 7, "piece.md")


def test_duplicate_piece_across_chapters(tmp_path):
    manifest = book(tmp_path, MANIFEST + "  - title: Another\n    pieces:\n      - piece.md\n")
    only(problems_of(manifest), "book.yaml", 9, "piece.md")


# ---------------------------------------------------------------- all at once


def test_all_problems_are_reported_at_once(tmp_path):
    manifest = book(
        tmp_path,
        MANIFEST.replace("language: en\n", "language: en\ncolour: red\n")
                .replace("      - piece.md\n", "      - piece.md\n      - second.md\n"),
        piece_md="---\ntitle: A Piece\nmood: sombre\n---\n\nText.\n",
        second_md="---\ntitle: Second\n---\n\nA call.[^nowhere]\n",
    )
    problems = problems_of(manifest)
    only(problems, "book.yaml", 3, "colour")
    only(problems, "piece.md", 3, "mood")
    only(problems, "second.md", 5, "nowhere")


def test_problems_in_a_copied_fixture_name_the_copy_relative_file(tmp_path):
    manifest = copy_fixture("full", tmp_path / "full")
    report = tmp_path / "full" / "one" / "report.md"
    report.write_text(report.read_text(encoding="utf-8").replace("kind: article", "kind: article\nfavourite: yes"),
                      encoding="utf-8")
    only(problems_of(manifest), "one/report.md", 5, "favourite")


def test_the_bom_crlf_fixture_really_has_a_bom_and_crlf():
    """Guards the fixture against an editor or git's autocrlf normalising it away."""
    data = (FIXTURES / "full" / "three" / "windows-notes.md").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf---\r\n")
    assert data.count(b"\r\n") == data.count(b"\n")

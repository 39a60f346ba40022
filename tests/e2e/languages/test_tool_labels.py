"""The tool's own words follow the book's language, and the manifest can override any of them."""

from __future__ import annotations

import zipfile
from pathlib import Path

from pypdf import PdfReader

from anthology.cli import main
from anthology.errors import BookError
from anthology.book.manifest import load_book

import pytest

PIECE = """---
title: Жизнь
authors: [Анна, Борис]
translators: [Вера]
source: Журнал
date: 2022-01-10
original_language: kk
---
Текст о жизни.
"""


def _russian_book(tmp_path: Path, extra: str = "") -> Path:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "life.md").write_text(PIECE, encoding="utf-8")
    manifest = tmp_path / "book.yaml"
    manifest.write_text("title: Книга\nlanguage: ru\noutput: kniga\neditors: [Составитель]\n" + extra
                        + "chapters:\n  - title: Глава\n    pieces: [p/life.md]\n", encoding="utf-8")
    return manifest


def test_a_russian_book_speaks_russian_in_both_outputs(tmp_path):
    manifest = _russian_book(tmp_path)
    assert main(["build", str(manifest), "--out", str(tmp_path / "out")]) == 0
    with zipfile.ZipFile(tmp_path / "out" / "kniga.epub") as epub:
        nav = epub.read("EPUB/nav.xhtml").decode()
        piece = epub.read("EPUB/life.xhtml").decode()
        credits = epub.read("EPUB/credits.xhtml").decode()
    assert "<h1 id=\"toc-title\">Содержание</h1>" in nav
    assert "Анна и Борис" in piece and "Журнал, 10 января 2022\u202fг." in piece and "Перевод: Вера" in piece
    assert "Источники и благодарности" in credits and "Язык оригинала: казахский." in credits
    text = " ".join(page.extract_text() for page in PdfReader(tmp_path / "out" / "kniga.pdf").pages)
    assert "Содержание" in text and "Составитель: Составитель" in text
    assert "Contents" not in text and "Translated by" not in text


def test_the_manifest_overrides_a_label(tmp_path):
    manifest = _russian_book(tmp_path, "labels:\n  contents: Оглавление\n")
    book = load_book(manifest)
    assert book.labels.contents == "Оглавление"
    assert book.labels.preface == "Предисловие"  # the others keep the language's words


def test_an_unknown_label_is_an_error_with_its_line(tmp_path):
    manifest = _russian_book(tmp_path, "labels:\n  contnets: Оглавление\n")
    with pytest.raises(BookError) as caught:
        load_book(manifest)
    [problem] = caught.value.problems
    assert (problem.file, problem.line) == ("book.yaml", 6)
    assert "contnets" in problem.message

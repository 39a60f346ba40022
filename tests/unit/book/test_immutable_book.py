"""The loaded Book is immutable (book/model.py): assigning to it, its chapters, pieces, fragments or
print settings raises; what later stages compute is a new value (text/index.mark returns a marked
copy with the entries), so the loaded book stays as it was read, and it still pickles (the layout
workers receive it)."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from anthology.book.manifest import load_book
from anthology.text import index
from book_helpers import write_book

PIECE = """---
title: {title}
authors: [Галым Агелеуов]
---

{body}
"""


@pytest.fixture
def book(tmp_path):
    manifest = write_book(tmp_path / "book", """\
        title: Жаңаөзен и после
        language: ru
        index: [Жанаозен, {term: Алматы, forms: [Алматы, Алмате]}]
        chapters:
          - title: Забастовка
            intro: intro.md
            pieces: [one.md, two.md]
          - title: Январь
            pieces: [three.md]
        """, {"intro.md": "Глава о Жанаозене и о Жанаозен.\n",
              "one.md": PIECE.format(title="Семь месяцев", body="Нефтяники Жанаозен бастовали.[^1]\n\n"
                                                                "[^1]: В Алмате об этом молчали."),
              "two.md": PIECE.format(title="Площадь", body="В Алматы вышли на площадь."),
              "three.md": PIECE.format(title="Январь 2022", body="Жанаозен и Алматы в январе.")})
    return load_book(manifest)


def test_assigning_to_a_loaded_book_or_its_parts_raises(book):
    piece = book.chapters[0].pieces[0]
    for target, name, value in [(book, "title", "Другое"), (book, "glyphs", None), (book, "warnings", []),
                                (book.chapters[0], "title", "Другая глава"), (piece, "title", "Другое"),
                                (piece, "chapter", None), (piece.body, "html", "<p>подмена</p>"),
                                (book.chapters[0].intro, "notes", []), (book.print, "trim", (1.0, 1.0)),
                                (book.index[0], "forms", ["Жанаозен"])]:
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(target, name, value)
    assert piece.title == "Семь месяцев" and "подмена" not in piece.body.html


def test_each_piece_knows_its_chapter(book):
    for chapter in book.chapters:
        assert all(piece.chapter is chapter for piece in chapter.pieces)


def test_marking_the_index_leaves_the_loaded_book_as_it_was(book):
    texts = [piece.body.html for piece in book.pieces] + [book.chapters[0].intro.html]
    notes = [piece.body.notes for piece in book.pieces]
    marked, entries = index.mark(book)
    assert [piece.body.html for piece in book.pieces] + [book.chapters[0].intro.html] == texts
    assert [piece.body.notes for piece in book.pieces] == notes
    assert all('class="ix"' not in html for html in texts)
    assert marked is not book and marked.pieces[0] is not book.pieces[0]
    assert 'class="ix"' in marked.pieces[0].body.html and 'class="ix"' in marked.pieces[0].body.notes[0][1]
    assert 'id="chapter-1-ix-1"' in marked.chapters[0].intro.html
    assert {e.term: [o.anchor for o in e.occurrences] for e in entries} == {
        "Алматы": ["one-ix-2", "two-ix-1", "three-ix-2"],
        "Жанаозен": ["chapter-1-ix-1", "one-ix-1", "three-ix-1"]}
    for chapter in marked.chapters:  # the marked copy's pieces belong to the marked copy's chapters
        assert all(piece.chapter is chapter for piece in chapter.pieces)
    with pytest.raises(dataclasses.FrozenInstanceError):
        marked.pieces[0].body.html = ""


def test_the_same_loaded_book_marks_the_same_way_every_time(book):
    first, first_entries = index.mark(book)
    second, second_entries = index.mark(book)
    assert [p.body.html for p in first.pieces] == [p.body.html for p in second.pieces]
    assert [(e.term, e.letter, [o.anchor for o in e.occurrences]) for e in first_entries] == \
        [(e.term, e.letter, [o.anchor for o in e.occurrences]) for e in second_entries] != []


def test_a_loaded_book_pickles_and_stays_frozen(book):
    marked, _entries = index.mark(book)
    copy = pickle.loads(pickle.dumps(marked))
    assert dataclasses.replace(copy, labels=marked.labels) == marked  # (Labels compare by identity)
    assert copy.labels.code == marked.labels.code == "ru" and copy.labels.contents == marked.labels.contents
    assert [p.body.html for p in copy.pieces] == [p.body.html for p in marked.pieces]
    for chapter in copy.chapters:
        assert all(piece.chapter is chapter for piece in chapter.pieces)
    with pytest.raises(dataclasses.FrozenInstanceError):
        copy.title = "Другое"

"""The print stage's one interface (print/edition.py): laid out in parts on every core or whole in
one process, the Edition a build gets back is the same book: its pages, page breaks, anchors, and
the PDF it writes."""

from __future__ import annotations

import datetime as dt

import pypdfium2
import pytest

from anthology import settings, templating
from anthology.book.manifest import load_book
from anthology.print.edition import Printing
from anthology.text import index
from book_helpers import write_book

pytestmark = pytest.mark.slow  # two layouts of a book, one in worker processes

PIECE = """---
title: {title}
authors: [Галым Агелеуов]
---

{body}
"""


def _book(folder):
    long = "\n\n".join(f"Абзац {n}: нефтяники Жанаозена бастовали семь месяцев, требуя равной оплаты.[^{n}]\n\n"
                       f"[^{n}]: Примечание {n}." for n in range(1, 40))
    return write_book(folder, """\
        title: Жаңаөзен и после
        language: ru
        index: [Жанаозен, Алматы]
        chapters:
          - title: Забастовка
            pieces: [one.md, two.md]
          - title: Январь
            pieces: [three.md]
        """, {"one.md": PIECE.format(title="Семь месяцев", body=long),
              "two.md": PIECE.format(title="Площадь", body="В Алматы вышли на площадь.\n\n" * 30),
              "three.md": PIECE.format(title="Январь 2022", body="Жанаозен и Алматы в январе.\n\n" * 60)})


def _lay_out(manifest, target, units: bool):
    with settings.using(settings.Settings(units=units, cache=False)):
        book, entries = index.mark(load_book(manifest))
        env = templating.environment(book)
        printing = Printing.start(manifest, target.parent, ["pdf"])
        try:
            assert (printing.pool is not None) == units
            edition = printing.lay_out(book, env, entries, dt.date(2026, 12, 1), target, lambda message: None)
            edition.write_pdf(target)
        finally:
            printing.close()
    return edition


def _pixels(pdf) -> list[bytes]:
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return [page.render(scale=30 / 72).to_pil().convert("L").tobytes() for page in document]
    finally:
        document.close()


def test_parts_and_whole_give_the_same_edition(tmp_path):
    manifest = _book(tmp_path / "book")
    (tmp_path / "parts").mkdir()
    (tmp_path / "whole").mkdir()
    parts = _lay_out(manifest, tmp_path / "parts" / "book.pdf", units=True)
    whole = _lay_out(manifest, tmp_path / "whole" / "book.pdf", units=False)
    assert parts.from_parts and not whole.from_parts
    assert parts.document is None and whole.document is not None
    assert parts.pages == whole.pages >= 8
    assert parts.breaks == whole.breaks
    assert [scope for _, scope, _ in parts.breaks if scope][:1] == ["halftitle"]
    assert {anchor: whole.anchors[anchor] for anchor in parts.anchors} == parts.anchors
    assert "index" in parts.anchors and parts.anchors["index"] == whole.anchors["index"]
    assert _pixels(tmp_path / "parts" / "book.pdf") == _pixels(tmp_path / "whole" / "book.pdf")
    copy = parts.write_pdf(tmp_path / "copy.pdf")  # from parts: the PDF already written, copied
    assert copy.read_bytes() == (tmp_path / "parts" / "book.pdf").read_bytes()
    assert [p.code for p in parts.report()] == [p.code for p in whole.report()]

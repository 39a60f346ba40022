"""Footnotes at the foot of the page that calls them (issue 19): forty notes of every length in a
Russian piece on A6 pages, so that many calls fall in the last lines of a page. With WeasyPrint's
default policy such a note went to the next page (its bug #1564); `footnote-policy: line` takes the
calling line along instead."""

from __future__ import annotations

import random
import re

from pypdf import PdfReader

from book_helpers import run_cli

WORDS = "ветер песок вода дорога дом караван море звезда ночь город стена ворота пальма утро".split()


def _book(folder):
    rng = random.Random(3)
    paragraphs, notes = [], []
    for k in range(1, 41):
        before = " ".join(rng.choice(WORDS) for _ in range(rng.randint(25, 70)))
        after = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 30)))
        paragraphs.append(f"{before} зов{k}ж[^{k}] {after}.")
        notes.append(f"[^{k}]: сноска{k}ж " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 40))) + ".")
    folder.mkdir()
    (folder / "notes.md").write_text("---\ntitle: Сноски\n---\n\n" + "\n\n".join(paragraphs) + "\n\n"
                                     + "\n".join(notes) + "\n", encoding="utf-8")
    (folder / "book.yaml").write_text("title: Notes\nlanguage: ru\nprint:\n  trim: A6\nchapters:\n"
                                      "  - title: Глава\n    pieces:\n      - notes.md\n", encoding="utf-8")
    return folder / "book.yaml"


def test_every_footnote_is_printed_on_the_page_that_calls_it(tmp_path):
    manifest = _book(tmp_path / "book")
    run = run_cli("build", manifest, "--out", tmp_path / "out", "--format", "pdf")
    assert run.code == 0, run.err
    calls, notes = {}, {}
    for number, page in enumerate(PdfReader(tmp_path / "out" / "notes.pdf").pages, start=1):
        text = page.extract_text() or ""
        for match in re.finditer(r"зов(\d+)ж", text):
            calls.setdefault(int(match.group(1)), number)
        for match in re.finditer(r"сноска(\d+)ж", text):
            notes.setdefault(int(match.group(1)), number)
    assert sorted(calls) == list(range(1, 41)) and sorted(notes) == list(range(1, 41)), (calls, notes)
    moved = {k: (calls[k], notes[k]) for k in calls if calls[k] != notes[k]}
    assert moved == {}, f"notes printed on another page than their call (call page, note page): {moved}"

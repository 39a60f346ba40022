"""Progress of a build: plain lines in a log, one self-overwriting line on a terminal, nothing when quiet."""

from __future__ import annotations

import os
import re
import pty
import subprocess
import sys
import zipfile

import pytest

from book_helpers import copy_fixture, run_cli

PHASES = ("reading book.yaml", "laying out the print edition", "writing the PDF", "writing the EPUB")


@pytest.fixture
def book(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # an empty cache: every phase runs
    return copy_fixture("minimal", tmp_path / "book")


def test_not_a_terminal_gets_one_plain_line_per_phase(book, tmp_path):
    run = run_cli("build", book, "--out", tmp_path / "out")
    assert run.code == 0, run.err
    assert "\r" not in run.out and "\x1b" not in run.out
    lines = run.out.splitlines()
    progress = [line for line in lines if line.startswith("[")]
    for phase in PHASES:
        assert sum(phase in line for line in progress) == 1, (phase, lines)
    assert [i for i, line in enumerate(lines) if line.startswith("[")] == list(range(len(progress)))
    assert all(line.split("]")[0].removeprefix("[").strip().endswith(" s") for line in progress)
    assert lines[len(progress)].startswith("wrote ")


def test_quiet_prints_nothing_but_still_builds(book, tmp_path):
    run = run_cli("build", book, "--out", tmp_path / "out", "--quiet")
    assert run.code == 0, run.err
    assert run.out == "" and run.err == ""
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a-minimal-book.epub", "a-minimal-book.pdf"]


def test_quiet_still_reports_problems(book, tmp_path):
    piece = book.parent / "only-piece.md"
    piece.write_text(piece.read_text(encoding="utf-8").replace("title: The Only Piece\n",
                                                               "title: The Only Piece\nmood: sombre\n"),
                     encoding="utf-8")
    run = run_cli("build", book, "--out", tmp_path / "out", "-q")
    assert run.code == 1 and run.out == ""
    assert "only-piece.md:3: unknown key 'mood'" in run.err


def test_a_terminal_gets_one_line_that_overwrites_itself(book, tmp_path):
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "anthology", "build", str(book), "--out", str(tmp_path / "out")],
                            stdout=follower, stderr=subprocess.PIPE, env=dict(os.environ))
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        chunks.append(chunk)
    assert proc.wait(timeout=300) == 0, proc.stderr.read()
    os.close(leader)
    text = b"".join(chunks).decode()
    progress, _, results = text.rpartition("\r\x1b[K")  # the line is cleared before the results
    assert progress.count("\r\x1b[K") >= len(PHASES) - 1
    assert "\n" not in progress  # every phase on the same line
    for phase in PHASES:
        assert phase in progress
    assert results.splitlines()[0].startswith("wrote ")


@pytest.mark.parametrize("units", ["on", "off"])
def test_a_long_index_is_laid_out_alone_and_numbered_from_its_pages(tmp_path, monkeypatch, units):
    """The index spans pages: only it is laid out again (no second layout of the whole book), its
    folios follow the book's, and every locator is the page of its occurrence; in parts
    (print/layout/assemble.py) and, with ANTHOLOGY_UNITS=off, laid out whole (print/layout/index_pages.py)."""
    from pypdf import PdfReader

    from book_helpers import write_book

    monkeypatch.setenv("ANTHOLOGY_UNITS", units)

    terms = [f"Placename{n:02d}" for n in range(90)]
    body = "\n\n".join(f"A paragraph about {term}, which the index lists. " * 3 for term in terms)
    manifest = write_book(tmp_path / "book", "title: Long Index\nlanguage: en\noutput: long\n"
                          "index: [" + ", ".join(terms) + "]\n"
                          "chapters:\n  - title: One\n    pieces: [piece.md]\n",
                          {"piece.md": "---\ntitle: The Piece\n---\n\n" + body + "\n"})
    run = run_cli("build", manifest, "--out", tmp_path / "out", "--format", "pdf,epub")
    assert run.code == 0, run.err
    assert "laying out the index" in run.out and "whole book again" not in run.out, run.out
    assert ("parts" in run.out) == (units == "on"), run.out
    reader = PdfReader(tmp_path / "out" / "long.pdf")
    texts = [page.extract_text() for page in reader.pages]
    first_index = next(n for n, text in enumerate(texts) if "Placename00" in text and "paragraph" not in text)
    assert len(texts) - first_index >= 2  # the index takes more than one page
    for number in range(first_index, len(texts)):
        assert str(number + 1) in texts[number].split()[-3:] or str(number + 1) in texts[number].split()[:3]
    index_text = " ".join(texts[first_index:])
    for term in terms:
        where = [n + 1 for n, text in enumerate(texts[:first_index]) if term in text]
        found = index_text.split(term, 1)[1].split("Placename", 1)[0]
        assert [int(x) for x in found.replace(",", " ").split() if x.isdigit()][:len(where)] == where, term
    # the EPUB's page list: each index page after the first begins with the entry that begins it in
    # the PDF (its locators are counted as the text they are: a marker fell a page early before)
    with zipfile.ZipFile(tmp_path / "out" / "long.epub") as epub:
        index_xhtml = next(epub.read(name).decode() for name in epub.namelist() if name.endswith("index.xhtml"))
    for number in range(first_index + 1, len(texts)):
        after = re.sub(r"<[^>]+>", "", index_xhtml.split(f'id="page-{number + 1}"', 1)[1].split(">", 1)[1])
        assert re.match(r"\s*Placename\d\d", after), (number + 1, after[:80])
        assert after.split()[0] == re.search(r"Placename\d\d", texts[number]).group(0), number + 1

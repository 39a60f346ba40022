"""The build cache: an unchanged book is restored, never wrongly; start-up imports nothing heavy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from book_helpers import copy_fixture, run_cli, snapshot

RESTORED = "restored from the cache"


@pytest.fixture
def book(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return copy_fixture("minimal", tmp_path / "book")


def clean_build(manifest: Path, out: Path, cache: Path, monkeypatch) -> dict[str, bytes]:
    """A build with an empty cache of its own."""
    with monkeypatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(cache))
        run = run_cli("build", manifest, "--out", out)
    assert run.code == 0 and RESTORED not in run.out, run.err
    return snapshot(out)


def test_an_unchanged_book_is_restored_byte_identical_to_a_clean_build(book, tmp_path, monkeypatch):
    first = run_cli("build", book, "--out", tmp_path / "a")
    assert first.code == 0 and RESTORED not in first.out, first.err
    again = run_cli("build", book, "--out", tmp_path / "b")
    assert again.code == 0 and RESTORED in again.out, again.out + again.err
    clean = clean_build(book, tmp_path / "clean", tmp_path / "other-cache", monkeypatch)
    assert snapshot(tmp_path / "b") == clean == snapshot(tmp_path / "a")
    assert sorted(clean) == ["a-minimal-book.epub", "a-minimal-book.pdf"]


def test_a_damaged_cache_entry_means_a_correct_rebuild(book, tmp_path, monkeypatch):
    assert run_cli("build", book, "--out", tmp_path / "a").code == 0
    blobs = sorted((tmp_path / "cache" / "anthology" / "blobs").rglob("*"))
    blobs = [b for b in blobs if b.is_file()]
    # the EPUB, the PDF, the generated cover and each print unit's PDF (print/layout/assemble.py): all damaged below
    assert len(blobs) >= 4
    for blob in blobs:  # same size, a few bytes changed: only a hash notices
        data = bytearray(blob.read_bytes())
        data[len(data) // 2] ^= 0xFF
        blob.write_bytes(bytes(data))
    run = run_cli("build", book, "--out", tmp_path / "b")
    assert run.code == 0 and RESTORED not in run.out, run.out
    assert snapshot(tmp_path / "b") == snapshot(tmp_path / "a")
    for entry in (tmp_path / "cache" / "anthology" / "entries").rglob("*.json"):
        entry.write_text("{not json", encoding="utf-8")
    run = run_cli("build", book, "--out", tmp_path / "c")
    assert run.code == 0 and RESTORED not in run.out, run.out
    assert snapshot(tmp_path / "c") == snapshot(tmp_path / "a")


def test_deleting_the_cache_is_safe(book, tmp_path):
    import shutil

    assert run_cli("build", book, "--out", tmp_path / "a").code == 0
    shutil.rmtree(tmp_path / "cache")
    run = run_cli("build", book, "--out", tmp_path / "b")
    assert run.code == 0 and RESTORED not in run.out
    assert snapshot(tmp_path / "b") == snapshot(tmp_path / "a")


def test_a_changed_piece_stylesheet_or_epoch_rebuilds(book, tmp_path, monkeypatch):
    assert run_cli("build", book, "--out", tmp_path / "a").code == 0
    piece = book.parent / "only-piece.md"
    piece.write_text(piece.read_text(encoding="utf-8") + "\nA sentence added afterwards.\n", encoding="utf-8")
    run = run_cli("build", book, "--out", tmp_path / "b")
    assert run.code == 0 and RESTORED not in run.out
    assert snapshot(tmp_path / "b") != snapshot(tmp_path / "a")
    # the book's own stylesheet appears: a new input, even though no source names it
    styles = book.parent / "styles"
    styles.mkdir()
    (styles / "book.css").write_text("h1 { color: #c00; }\n", encoding="utf-8")  # added to the tool's
    run = run_cli("build", book, "--out", tmp_path / "c")
    assert run.code == 0 and RESTORED not in run.out, run.err
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    run = run_cli("build", book, "--out", tmp_path / "d", "--format", "epub")
    assert run.code == 0 and RESTORED not in run.out
    assert snapshot(tmp_path / "d")["a-minimal-book.epub"] != snapshot(tmp_path / "c")["a-minimal-book.epub"]
    # an option is part of the request: --for-press after a plain build of the same book
    assert run_cli("build", book, "--out", tmp_path / "e", "--format", "pdf").code == 0
    run = run_cli("build", book, "--out", tmp_path / "e", "--format", "pdf", "--for-press")
    assert run.code == 0 and RESTORED not in run.out
    assert sorted(snapshot(tmp_path / "e")) == ["a-minimal-book-press.pdf", "a-minimal-book.pdf"]


def test_check_trusts_the_cache_only_for_an_unchanged_book(book, tmp_path):
    assert run_cli("check", book).code == 0
    again = run_cli("check", book)
    assert again.code == 0 and "1 chapters, 1 pieces" in again.out
    piece = book.parent / "only-piece.md"
    piece.write_text(piece.read_text(encoding="utf-8").replace("title: The Only Piece\n",
                                                               "title: The Only Piece\nmood: sombre\n"),
                     encoding="utf-8")
    broken = run_cli("check", book)
    assert broken.code == 1 and "only-piece.md:3: unknown key 'mood'" in broken.err


def test_the_cache_keeps_within_its_limit_and_drops_replaced_outputs(book, tmp_path, monkeypatch):
    blobs = tmp_path / "cache" / "anthology" / "blobs"
    piece = book.parent / "only-piece.md"
    original = piece.read_text(encoding="utf-8")
    for n in range(3):  # three edits: the entry of the request is replaced each time
        piece.write_text(original + f"\nEdit number {n}.\n", encoding="utf-8")
        assert run_cli("build", book, "--out", tmp_path / "out").code == 0
    kept = [p for p in blobs.rglob("*") if p.is_file()]
    # the last EPUB, PDF and cover, and the last PDF of each print unit (print/layout/assemble.py)
    assert 3 < len(kept) <= 3 + 4, kept  # the front matter, the chapter, the credits, the index
    monkeypatch.setenv("ANTHOLOGY_CACHE_MB", "0")
    piece.write_text(original, encoding="utf-8")
    run = run_cli("build", book, "--out", tmp_path / "out")
    assert run.code == 0 and [p for p in blobs.rglob("*") if p.is_file()] == []
    again = run_cli("build", book, "--out", tmp_path / "again")  # nothing kept: built, and the same
    assert again.code == 0 and RESTORED not in again.out
    assert snapshot(tmp_path / "again") == snapshot(tmp_path / "out")


def test_two_builds_at_once_share_the_cache_without_harm(book, tmp_path):
    env = dict(os.environ)
    procs = [subprocess.Popen([sys.executable, "-m", "anthology", "build", str(book), "--out", str(tmp_path / name)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for name in ("one", "two")]
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")
    third = run_cli("build", book, "--out", tmp_path / "three")
    assert third.code == 0 and RESTORED in third.out
    assert snapshot(tmp_path / "three") == snapshot(tmp_path / "one")
    leftovers = [p for p in (tmp_path / "cache").rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []


HEAVY = ("weasyprint", "ebooklib", "pikepdf", "pypdfium2")


def test_start_up_imports_no_renderer(book, tmp_path):
    """`--help`, `check` and a build served from the cache never import WeasyPrint, ebooklib, pikepdf or pypdfium2."""
    assert run_cli("build", book, "--out", tmp_path / "first").code == 0  # fills the cache
    probe = ("import sys; from anthology.cli import main\n"
             "try:\n    code = main(sys.argv[1:])\nexcept SystemExit as e:\n    code = e.code\n"
             f"print('HEAVY', sorted(m for m in {HEAVY!r} if m in sys.modules), code)")
    for argv in (["--help"], ["check", str(book)], ["build", str(book), "--out", str(tmp_path / "again")]):
        run = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True,
                             env=dict(os.environ))
        assert "HEAVY [] 0" in run.stdout, (argv, run.stdout + run.stderr)
    assert sorted(p.name for p in (tmp_path / "again").iterdir()) == ["a-minimal-book.epub", "a-minimal-book.pdf"]

"""Symbolic links: `anthology new --force` and `anthology import` never write through a link to outside
the book, and the build cache never follows a link when it reads, prunes or deletes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from book_helpers import run_cli, snapshot, write_book


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder outside every book, with a file a link may point at."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "precious.txt").write_text("не трогать\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("link", ["book.yaml", "README.md", "chapters"])
def test_new_force_does_not_write_through_a_link_out_of_the_book(tmp_path, outside, link):
    book = tmp_path / "book"
    book.mkdir()
    (book / "notes.txt").write_text("mine\n", encoding="utf-8")
    if link == "chapters":
        os.symlink(outside, book / link)
    else:
        os.symlink(outside / "precious.txt", book / link)
    before_outside, before_book = snapshot(outside), sorted(os.listdir(book))
    run = run_cli("new", book, "--force", "--title", "Антология")
    assert run.code == 1, run.out
    assert "symbolic link" in run.err and str(book / link) in run.err and "Traceback" not in run.err
    assert snapshot(outside) == before_outside  # nothing written outside, nothing removed
    assert sorted(os.listdir(book)) == before_book  # and nothing half-written inside


def test_new_force_does_not_create_a_file_through_a_dangling_link(tmp_path, outside):
    book = tmp_path / "book"
    book.mkdir()
    os.symlink(outside / "created-by-new.yaml", book / "book.yaml")
    run = run_cli("new", book, "--force")
    assert run.code == 1 and "symbolic link" in run.err
    assert not (outside / "created-by-new.yaml").exists()


def test_new_force_writes_through_a_link_that_stays_inside_the_book(tmp_path):
    book = tmp_path / "book"
    (book / "drafts").mkdir(parents=True)
    os.symlink(book / "drafts", book / "chapters")
    run = run_cli("new", book, "--force")
    assert run.code == 0, run.err
    assert any((book / "drafts").iterdir())


MANIFEST = """\
    title: Ссылки
    language: ru
    chapters:
      - title: Первая
        pieces:
          - chapters/01-first/one.md
    """


def test_import_does_not_write_through_a_linked_folder_out_of_the_book(tmp_path, outside):
    manifest = write_book(tmp_path / "book", MANIFEST, {"chapters/01-first/one.md": "---\ntitle: Один\n---\n\nТекст.\n"})
    os.symlink(outside, manifest.parent / "chapters" / "02-linked")
    contribution = tmp_path / "contribution.md"
    contribution.write_text("---\ntitle: Письмо\n---\n\nТекст письма.\n", encoding="utf-8")
    before_outside, before_book = snapshot(outside), snapshot(manifest.parent)
    run = run_cli("import", contribution, "--manifest", manifest, "--chapter", "2", "--chapter-title", "Linked")
    assert run.code == 1, run.out
    assert "symbolic link" in run.err and "Traceback" not in run.err
    assert snapshot(outside) == before_outside and snapshot(manifest.parent) == before_book


# ------------------------------------------------------------------------------------------- cache

CACHED = """\
    title: Кэш
    language: ru
    chapters:
      - title: Первая
        pieces: [one.md]
    """


def _cache_book(tmp_path) -> Path:
    return write_book(tmp_path / "book", CACHED, {"one.md": "---\ntitle: Один\n---\n\nТекст для кэша.\n"})


def test_the_cache_does_not_read_through_a_linked_folder(tmp_path, outside, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    manifest = _cache_book(tmp_path)
    first = run_cli("build", manifest, "--out", tmp_path / "out", "--format", "epub")
    assert first.code == 0, first.err
    again = run_cli("build", manifest, "--out", tmp_path / "out", "--format", "epub")
    assert "restored from the cache" in again.out  # the cache works: now put a link in its way
    blobs = tmp_path / "xdg" / "anthology" / "blobs"
    for shard in list(blobs.iterdir()):
        copy = outside / shard.name
        copy.mkdir()
        for blob in shard.iterdir():
            (copy / blob.name).write_bytes(blob.read_bytes())
            blob.unlink()
        shard.rmdir()
        os.symlink(copy, shard)
    before = snapshot(outside)
    linked = run_cli("build", manifest, "--out", tmp_path / "out", "--format", "epub")
    assert linked.code == 0, linked.err
    assert "restored from the cache" not in linked.out  # the blobs behind the links were not used
    assert snapshot(outside) == before


def test_pruning_the_cache_does_not_delete_through_a_linked_folder(tmp_path, outside, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    blobs = tmp_path / "xdg" / "anthology" / "blobs"
    blobs.mkdir(parents=True)
    os.symlink(outside, blobs / "ab")
    os.symlink(outside / "precious.txt", blobs / "precious-link")
    monkeypatch.setenv("ANTHOLOGY_CACHE_MB", "0")  # every blob is over the limit: prune all
    manifest = _cache_book(tmp_path)
    run = run_cli("build", manifest, "--out", tmp_path / "out", "--format", "epub")
    assert run.code == 0, run.err
    assert (outside / "precious.txt").read_text(encoding="utf-8") == "не трогать\n"
    assert (blobs / "ab").is_symlink()
    real_blobs = [p for shard in blobs.iterdir() if not shard.is_symlink() and shard.is_dir() for p in shard.iterdir()]
    assert real_blobs == []  # the cache's own blobs were pruned all the same

"""Disk faults: a full disk at every stage of a build, a read-only disk, a full disk under `new`. Each
gives one message naming the output and what to do, exit 1, no traceback, no abort of a native
library; the previous outputs stay byte for byte and nothing is left behind. The disks are small
tmpfs mounts (root only, as CI runs)."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from book_helpers import run_cli, write_book

ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
if not ROOT and not os.environ.get("CI"):
    pytest.skip("mounting a small tmpfs needs root (CI runs as root and runs these)", allow_module_level=True)

MANIFEST = """\
    title: Полный диск
    output: book
    language: ru
    chapters:
      - title: Первая
        pieces: [one.md, two.md]
    """
ONE = "---\ntitle: Один\n---\n\n" + "\n\n".join(["Нефтяники Жанаозена стояли на площади до зимы."] * 30) + "\n"
TWO = "---\ntitle: Екі\n---\n\n" + "\n\n".join(["Жұмысшылар өз ақысын талап етті.[^1]"] + ["Мәтін."] * 20) \
      + "\n\n[^1]: Ескерту.\n"
FORMATS = "epub,pdf,zine,cover"


@pytest.fixture
def disk(tmp_path):
    """make(kib) mounts a tmpfs of that size and returns it; all unmounted afterwards."""
    mounted: list[Path] = []

    def make(kib: int) -> Path:
        point = tmp_path / f"disk-{len(mounted)}"
        point.mkdir()
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={kib}k", "tmpfs", str(point)], check=True)
        mounted.append(point)
        return point

    yield make
    for point in mounted:
        subprocess.run(["umount", "-l", str(point)], check=False)


def _fill(folder: Path, leave: int) -> None:
    """Fill the disk of `folder` but for `leave` bytes."""
    with open(folder / "filler", "wb", buffering=0) as stream:
        try:
            while True:
                stream.write(b"\0" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    with open(folder / "filler", "r+b") as stream:
        stream.truncate(max(0, os.path.getsize(folder / "filler") - leave))


def _build(manifest: Path, out: Path, cache: Path, formats: str = FORMATS, **env) -> subprocess.CompletedProcess:
    """A real process: a native abort (qpdf's terminate, exit 134) would show here, not kill the tests."""
    return subprocess.run([sys.executable, "-m", "anthology", "build", str(manifest), "--out", str(out),
                           "--format", formats, "--quiet"], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "XDG_CACHE_HOME": str(cache), **env})


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and p.name != "filler"}


def _assert_named_refusal(done: subprocess.CompletedProcess, out: Path) -> None:
    assert done.returncode == 1, (done.returncode, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"anthology: {out}"), done.stderr  # the output, or its folder
    assert "free some space" in lines[0] and "previous outputs are untouched" in lines[0]
    for crash in ("Traceback", "terminate called", "QPDF", "_io.", "internal error"):
        assert crash not in done.stderr


# Free space left for the second build: it fails at a different write each time (the first
# temporary file, the EPUB, the joined PDF, the zine, the cover wrap), in both kinds of layout.
LEFT_KIB = [0, 8, 24, 48, 80]


@pytest.mark.parametrize("units", ["parts", "whole"])
@pytest.mark.parametrize("left", LEFT_KIB, ids=[f"{k}k-free" for k in LEFT_KIB])
def test_a_full_disk_names_the_output_and_keeps_the_previous_ones(tmp_path, disk, left, units):
    manifest = write_book(tmp_path / "book", MANIFEST, {"one.md": ONE, "two.md": TWO})
    out = disk(2048) / "out"
    cache = tmp_path / "cache"
    env = {"ANTHOLOGY_UNITS": "off"} if units == "whole" else {}
    first = _build(manifest, out, cache, **env)
    assert first.returncode == 0, first.stderr
    before = _files(out)
    assert set(before) == {"book.epub", "book.pdf", "book-zine.pdf", "book-cover.pdf"}

    with open(manifest.parent / "two.md", "a", encoding="utf-8") as stream:
        stream.write("\nЖаңа абзац, бірінші жинақтан кейін жазылған.\n")
    _fill(out.parent, left * 1024)
    done = _build(manifest, out, cache, **env)
    _assert_named_refusal(done, out)
    assert _files(out) == before
    assert sorted(p.name for p in out.iterdir()) == sorted(before), "temporary files left behind"

    (out.parent / "filler").unlink()  # room again: the same build now succeeds
    again = _build(manifest, out, cache, **env)
    assert again.returncode == 0, again.stderr
    assert _files(out) != before


def test_a_full_disk_while_restoring_from_the_cache(tmp_path, disk):
    manifest = write_book(tmp_path / "book", MANIFEST, {"one.md": ONE, "two.md": TWO})
    cache = tmp_path / "cache"
    assert _build(manifest, tmp_path / "elsewhere", cache).returncode == 0  # the cache holds this build
    out = disk(64) / "out"
    done = _build(manifest, out, cache)
    _assert_named_refusal(done, out)
    assert [p.name for p in out.iterdir()] == []


def test_a_read_only_disk_names_the_folder(tmp_path, disk):
    manifest = write_book(tmp_path / "book", MANIFEST, {"one.md": ONE, "two.md": TWO})
    point = disk(2048)
    out = point / "out"
    assert _build(manifest, out, tmp_path / "cache", "epub").returncode == 0
    before = _files(out)
    (manifest.parent / "one.md").write_text(ONE + "\nЕщё.\n", encoding="utf-8")
    subprocess.run(["mount", "-o", "remount,ro", str(point)], check=True)
    done = _build(manifest, out, tmp_path / "cache", "epub")
    assert done.returncode == 1 and done.stderr.startswith(f"anthology: {out}"), done.stderr
    assert "read-only" in done.stderr and "--out" in done.stderr and "Traceback" not in done.stderr
    assert _files(out) == before


def test_an_epub_only_build_writes_no_pdf_at_all(tmp_path):
    """Watched while it runs: not even a scratch PDF appears in the output folder."""
    manifest = write_book(tmp_path / "book", MANIFEST, {"one.md": ONE, "two.md": TWO})
    out = tmp_path / "out"
    out.mkdir()
    seen: set[str] = set()
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            seen.update(os.listdir(out))
            stop.wait(0.005)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        run = run_cli("build", manifest, "--out", out, "--format", "epub")
    finally:
        stop.set()
        watcher.join()
    assert run.code == 0, run.err
    assert any(".epub" in name for name in seen - {"book.epub"}), "the watcher saw no temporary file at all"
    assert not [name for name in seen if ".pdf" in name], sorted(seen)
    assert sorted(os.listdir(out)) == ["book.epub"]


def test_new_on_a_full_disk_names_the_file_and_leaves_nothing(disk):
    point = disk(16)
    _fill(point, 0)
    target = point / "книга"
    run = run_cli("new", target)
    assert run.code == 1
    assert run.err.startswith(f"anthology: {target}") and "free some space" in run.err, run.err
    assert "Traceback" not in run.err
    assert sorted(p.name for p in point.iterdir()) == ["filler"]

"""A build killed midway (SIGKILL: power loss, an out-of-memory kill, a CI timeout): no process of it
remains, the previous outputs are byte for byte what they were, the next build removes the killed
build's temporary files and equals a clean build. Real `anthology build` processes, really killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from book_helpers import REPO, write_book

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc (Linux)")

MANIFEST = """\
    title: Убитая сборка
    output: book
    language: ru
    chapters:
      - title: Первая
        pieces: [one.md, two.md]
      - title: Екінші
        pieces: [three.md]
    """


def _piece(title: str, words: str, count: int) -> str:
    paragraphs = "\n\n".join(f"{words} ({n})." for n in range(count))
    return f"---\ntitle: {title}\n---\n\n{paragraphs}\n"


FILES = {
    "one.md": _piece("Один", "Рабочие Жанаозена вышли на площадь и стояли там до зимы, требуя своего " * 3, 40),
    "two.md": _piece("Два", "Нефтяники говорили о зарплате, о жилье и о детях, которым негде учиться " * 3, 40),
    "three.md": _piece("Үш", "Жұмысшылар алаңға шығып, қысқа дейін сонда тұрды, өз ақысын талап етті " * 3, 40),
}


def _env(cache: Path, **extra) -> dict:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "XDG_CACHE_HOME": str(cache), **extra}
    env.pop("ANTHOLOGY_DEBUG", None)
    return env


def _command(manifest: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "anthology", "build", str(manifest), "--out", str(out), "--format", "epub,pdf"]


def _build(manifest: Path, out: Path, cache: Path, **extra) -> None:
    done = subprocess.run(_command(manifest, out), env=_env(cache, **extra), capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr


def _session_processes(session: int) -> list[str]:
    """The live processes (zombies aside) of a session, as 'pid state command'."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        command, rest = stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 2:].split()
        state, sid = rest[0], int(rest[3])
        if sid == session and state not in "ZX":
            found.append(f"{entry.name} {state} {command}")
    return found


def _kill_at(manifest: Path, out: Path, cache: Path, moment: str, **extra) -> list[str]:
    """Start a build in a session of its own, SIGKILL it when it prints `moment`; the processes of its
    session still alive once it is dead (and its workers had time to notice)."""
    build = subprocess.Popen(_command(manifest, out), env=_env(cache, **extra), stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, start_new_session=True)
    seen = []
    try:
        for line in build.stdout:
            seen.append(line)
            if moment in line:
                break
        else:
            pytest.fail(f"the build never reached '{moment}':\n{''.join(seen)}")
        assert len(_session_processes(build.pid)) >= 1
        os.kill(build.pid, signal.SIGKILL)
        build.wait(timeout=60)
        rest = threading.Thread(target=build.stdout.read, daemon=True)  # a caller waiting for the output's
        rest.start()  # end: it comes once no process of the build holds the pipe (bounded wait)
        rest.join(timeout=60)
        assert not rest.is_alive(), "the killed build's output pipe is still held open"
    finally:
        if build.poll() is None:
            build.kill()
        build.stdout.close()
    for _ in range(300):  # workers end on their own (the kernel's signal, the lifeline): give them a moment
        left = _session_processes(build.pid)
        if not left:
            break
        time.sleep(0.1)
    return left


def _visible(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and not p.name.startswith(".")}


def _hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# The parallel layout (parts, workers), then the whole-book layout in one process.
MOMENTS = [("reading", {}), ("laying out the print edition", {}), ("numbering the contents", {}),
           ("writing the PDF", {"ANTHOLOGY_UNITS": "off"})]


@pytest.mark.parametrize("moment,extra", MOMENTS, ids=[m if not e else f"{m} (whole book)" for m, e in MOMENTS])
def test_a_killed_build_leaves_no_process_and_loses_nothing(tmp_path, moment, extra):
    manifest = write_book(tmp_path / "book", MANIFEST, FILES)
    out, cache = tmp_path / "out", tmp_path / "cache"
    _build(manifest, out, cache, **extra)
    before = _visible(out)
    assert set(before) == {"book.epub", "book.pdf"} and _hidden(out) == []

    with open(manifest.parent / "two.md", "a", encoding="utf-8") as stream:  # a change: no cache hit
        stream.write("\nЕщё один абзац, дописанный после первой сборки.\n")
    left = _kill_at(manifest, out, cache, moment, **extra)
    assert left == [], f"processes of the killed build still running: {left}"
    assert _visible(out) == before, "the killed build changed the previous outputs"
    leftovers = _hidden(out)

    _build(manifest, out, cache, **extra)
    assert _hidden(out) == [], f"the next build left {_hidden(out)} (the killed build's were {leftovers})"
    clean = tmp_path / "clean"
    _build(manifest, clean, tmp_path / "clean-cache", **extra)
    assert _visible(out) == _visible(clean), "the build after the killed one differs from a clean build"
    if moment != "reading":  # by then the outputs' temporary files existed: the sweep had work to do
        assert leftovers, "the killed build left no temporary file: this test kills too early"


SCRIPT = textwrap.dedent("""\
    import sys, time
    from anthology.print.layout import pool
    if sys.argv[1] == "lifeline-only":
        pool._parent_death_signal = lambda: None  # the portable fallback alone (as off Linux)
    workers = pool.Pool(count=2, eager=False)
    print(workers.workers[0]["process"].pid, flush=True)  # the first; it forks the second once warm
    time.sleep(600)
    """)


@pytest.mark.parametrize("how", ["signal and lifeline", "lifeline-only"])
def test_workers_end_with_their_parent_however_it_ends(tmp_path, how):
    parent = subprocess.Popen([sys.executable, "-c", SCRIPT, how], stdout=subprocess.PIPE, text=True,
                              cwd=REPO, start_new_session=True)
    try:
        first = int(parent.stdout.readline())
        assert Path(f"/proc/{first}").exists()
        for _ in range(600):  # the second worker, forked by the first once WeasyPrint is imported
            if len(_session_processes(parent.pid)) == 3:
                break
            time.sleep(0.1)
        assert len(_session_processes(parent.pid)) == 3, _session_processes(parent.pid)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=60)
    finally:
        if parent.poll() is None:
            parent.kill()
        parent.stdout.close()
    for _ in range(300):
        if not _session_processes(parent.pid):
            break
        time.sleep(0.1)
    assert _session_processes(parent.pid) == []


def test_a_running_builds_temporary_files_are_left_alone_and_a_dead_ones_removed(tmp_path):
    from anthology.outputs import AtomicOutputs, owner_tag

    out = tmp_path / "out"
    out.mkdir()
    host = owner_tag().split("-")[0]
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    try:
        running = out / f".book.pdf.{host}-{sleeper.pid}.abcd1234.tmp"
        killed = out / f".book.pdf.{host}-{dead.pid}.abcd1234.tmp"
        killed_site = out / f".site.{host}-{dead.pid}.abcd1234.tmp"
        other_machine = out / f".book.pdf.000000-{dead.pid}.abcd1234.tmp"
        for path in (running, killed, other_machine):
            path.write_bytes(b"%PDF-")
        killed_site.mkdir()
        (killed_site / "index.html").write_text("<p>half a site</p>")
        (out / "book.pdf").write_bytes(b"the previous output")
        AtomicOutputs(out)
        assert sorted(p.name for p in out.iterdir()) == sorted([running.name, other_machine.name, "book.pdf"])
    finally:
        sleeper.kill()
        sleeper.wait()

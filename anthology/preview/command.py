"""`anthology serve`: the editor's live preview. Builds the site, serves it, and rebuilds on every save.

One loop in the main thread: the watcher yields the changed inputs; the site's pages are rebuilt first,
in this process (about a second for the sample book), and the open pages reload; the EPUB, the PDF and
the zine follow in a separate process (`anthology build`, on the other core, so WeasyPrint never holds
up the pages), and when they are done the pages are written again with their new download sizes. A
change that breaks the book leaves the last good pages in place and shows the problems in the terminal
and over the open page. Ctrl-C stops the server, the watcher and any build still running.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import IO

import jinja2

from anthology import cache, settings
from anthology.book.manifest import load_book
from anthology.book.model import Book
from anthology.errors import BookError, Problem
from anthology.outputs import AtomicOutputs, OutputError, sweep
from anthology.templating import template_problem
from anthology.preview import watch as watching
from anthology.preview.livereload import ReloadState
from anthology.preview.server import PortInUse, PreviewServer

EXIT_OK, EXIT_BOOK, EXIT_USAGE = 0, 1, 2


def serve(manifest: Path, out_dir: Path, host: str, port: int, stdout=None, stderr=None,
          ready: threading.Event | None = None, stop: threading.Event | None = None) -> int:
    """Run the preview until Ctrl-C (or `stop` is set); return the exit code."""
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    state = ReloadState()
    try:
        server = PreviewServer(out_dir / "site", host, port, reload=state, log=stderr)
    except PortInUse as exc:
        print(f"anthology: {exc} (another preview?); choose another port with --port", file=stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"anthology: cannot serve on {host}:{port}: {exc.strerror or exc}", file=stderr)
        return EXIT_USAGE
    preview = Preview(manifest, out_dir, state, stdout, stderr)
    stop = stop or threading.Event()
    try:
        server.start()
        print(f"Serving the preview of {manifest} at {server.url} (Ctrl-C stops it)", file=stdout, flush=True)
        preview.run(stop, ready)
    except KeyboardInterrupt:
        pass
    finally:
        with _no_interrupts():  # a second Ctrl-C while closing down must not leave a traceback
            stop.set()
            preview.background.stop()
            server.stop()
    print("Preview stopped.", file=stdout, flush=True)
    return EXIT_OK


class _no_interrupts:
    """Ignore SIGINT for a moment (in the main thread; elsewhere signals cannot be caught anyway)."""

    def __enter__(self):
        self.previous = None
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, signal.SIG_IGN)

    def __exit__(self, *exc):
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)


class Preview:
    """The rebuild loop: pages now, the other outputs in the background."""

    def __init__(self, manifest: Path, out_dir: Path, state: ReloadState, stdout, stderr):
        self.manifest, self.out_dir, self.state = manifest, out_dir, state
        self.stdout, self.stderr = stdout, stderr
        self.inputs = watching.Inputs(manifest, out_dir)
        self.background = Background(manifest, out_dir)
        self.cover_png: bytes | None = None
        self.book: Book | None = None

    def say(self, message: str, stream=None) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=stream or self.stdout, flush=True)

    def run(self, stop: threading.Event, ready: threading.Event | None = None) -> None:
        self.rebuild(None)
        if ready is not None:
            ready.set()
        for changed in watching.watch(self.inputs, stop):
            if changed:
                self.rebuild(changed)
            finished = self.background.poll()
            if finished is not None:
                self.background_done(*finished)

    # -- the pages, in this process ---------------------------------------------------------------
    def rebuild(self, changed: set[Path] | None) -> None:
        """Rebuild for these changed files (None: everything, at start)."""
        touched = watching.EVERYTHING if changed is None else frozenset().union(
            *(watching.touches(p, self.inputs.root) for p in changed))
        if changed:
            names = ", ".join(sorted(self._display(p) for p in changed))
            self.say(f"changed: {names}")
        if changed is None or self._touches_cover(changed):
            self.cover_png = None
        if watching.SITE in touched or self.book is None:
            if not self.write_pages("pages built" if changed is None else "pages rebuilt"):
                return
        others = touched - {watching.SITE}
        if others:
            self.background.request(others)
            self.state.set_status(self.background.status())

    def write_pages(self, what: str) -> bool:
        started = time.perf_counter()
        try:
            with cache.build_scope():  # each rebuild of the pages is a build of its own (cache.py)
                book = load_book(self.manifest)
                self.inputs.update(book)
                changed = self._write_site(book)
        except BookError as exc:
            self.inputs.update(None)
            self.failed(exc.problems)
            return False
        except OutputError as exc:  # a full disk …: the output named, what to do (outputs.py)
            self.failed([Problem("anthology", None, str(exc))])
            return False
        except OSError as exc:
            self.failed([Problem(str(exc.filename or self.out_dir), None, f"cannot write or read: {exc.strerror or exc}")])
            return False
        except Exception as exc:  # a bug of the tool: say so, keep serving the last good pages
            if settings.current().debug:
                raise
            self.failed([Problem("anthology", None, f"internal error ({type(exc).__name__}: {exc})")])
            return False
        self.book = book
        self.state.pages_built(changed)
        self.say(f"{what} in {time.perf_counter() - started:.1f} s ({len(changed) if changed is not None else 'all'}"
                 f" changed)")
        return True

    def _write_site(self, book) -> list[str] | None:
        """Write the site's pages atomically (with the editions built so far); return the changed files."""
        from anthology.web.site import write_site

        outputs = AtomicOutputs(self.out_dir)
        try:
            folder = outputs.temp_dir_for("site")
            try:
                write_site(book, folder, downloads(book, self.out_dir), cover_png=self.cover_png)
            except jinja2.TemplateError as exc:
                raise BookError([template_problem(book, exc)]) from None
            changed = changed_files(self.out_dir / "site", folder)
            outputs.commit()
        except OSError as exc:
            raise outputs.explain(exc) from None
        finally:
            outputs.discard()
        cover = self.out_dir / "site" / "cover.png"
        if not book.cover and cover.is_file():
            self.cover_png = cover.read_bytes()
        return changed

    def failed(self, problems: list[Problem]) -> None:
        for problem in problems:
            print(str(problem), file=self.stderr, flush=True)
        count = len(problems)
        self.say(f"{count} problem{'s' if count != 1 else ''} found; the last good pages stay served.", self.stderr)
        self.state.failed([str(p) for p in problems])

    def _touches_cover(self, changed: set[Path]) -> bool:
        return any(p == self.inputs.manifest or any(f in p.parents for f in self.inputs.styles) for p in changed)

    def _display(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.inputs.root).as_posix()
        except ValueError:
            return str(path)

    # -- the other outputs, in another process ----------------------------------------------------
    def background_done(self, ok: bool, formats: frozenset[str], seconds: float, errors: list[str]) -> None:
        what = editions(formats)
        what = what[:1].upper() + what[1:]
        if ok:
            self.say(f"{what} rebuilt in {seconds:.1f} s")
            self.state.set_status(self.background.status())
            if self.book is not None and not self.state.problems:
                self.write_pages("download sizes updated")
            return
        for line in errors:
            print(line, file=self.stderr, flush=True)
        self.say(f"{what} could not be rebuilt; the previous files stay.", self.stderr)
        self.state.set_status(self.background.status())
        self.state.failed([line for line in errors if line.strip()] or [f"{what} could not be rebuilt"])


def editions(formats) -> str:
    """'the EPUB, the PDF and the zine', in that order."""
    names = [f"the {name}" for key, name in (("epub", "EPUB"), ("pdf", "PDF"), ("zine", "zine")) if key in formats]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def downloads(book, out_dir: Path) -> list:
    """The editions already built in out_dir, for the site's download section."""
    from anthology.web.downloads import Download

    names = [("epub", f"{book.output}.epub"), ("pdf", f"{book.output}.pdf"), ("zine", f"{book.output}-zine.pdf")]
    if book.print.marks or book.print.bleed:
        names.append(("press", f"{book.output}-press.pdf"))
    return [Download(kind, out_dir / name, name) for kind, name in names if (out_dir / name).is_file()]


def changed_files(old: Path, new: Path) -> list[str] | None:
    """The site files (as URL paths) that differ between two builds; None when there was none before."""
    if not old.is_dir():
        return None
    old_files = {p.relative_to(old).as_posix() for p in old.rglob("*") if p.is_file()}
    new_files = {p.relative_to(new).as_posix() for p in new.rglob("*") if p.is_file()}
    changed = sorted(old_files ^ new_files)
    for name in sorted(old_files & new_files):
        a, b = old / name, new / name
        if a.stat().st_size != b.stat().st_size or a.read_bytes() != b.read_bytes():
            changed.append(name)
    return changed


STOP_GRACE = 10  # seconds a background build has to stop on SIGINT before it is killed


class Background:
    """`anthology build --format …` for the EPUB, the PDF and the zine, one run at a time; edits made
    while it runs are built in the next run."""

    def __init__(self, manifest: Path, out_dir: Path):
        self.manifest, self.out_dir = manifest, out_dir
        self.process: subprocess.Popen | None = None
        self.running: frozenset[str] = frozenset()
        self.pending: set[str] = set()
        self.started = 0.0
        self.log: IO[str] | None = None

    def request(self, formats) -> None:
        self.pending |= set(formats)
        if self.process is None:
            self._start()

    def status(self) -> str:
        if self.process is None:
            return ""
        return f"Building {editions(self.running)} in the background…"

    def _start(self) -> None:
        formats = sorted(self.pending)
        if watching.ZINE in formats and watching.PDF not in formats:
            formats.append(watching.PDF)  # the zine is made from the PDF: keep the two in step
        self.pending = set()
        self.running = frozenset(formats)
        self.log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "anthology", "build", str(self.manifest), "--out", str(self.out_dir),
             "--format", ",".join(formats), "--quiet", *settings.as_flags(settings.current())],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self.log,
            start_new_session=True)  # Ctrl-C in the terminal is ours to pass on, not the child's

    def poll(self):
        """(ok, formats, seconds, error lines) when a run has just ended, else None."""
        if self.process is None or self.log is None or self.process.poll() is None:  # (the log: with the process)
            return None
        code, formats = self.process.returncode, self.running
        seconds = time.perf_counter() - self.started
        self.log.seek(0)
        errors = [line.rstrip("\n") for line in self.log if line.strip()]
        self.log.close()
        self.process, self.running = None, frozenset()
        if self.pending:
            self._start()
        return code == 0, formats, seconds, [] if code == 0 else errors

    def stop(self) -> None:
        """End a run still going: SIGINT first (it removes its temporary files), then kill; what a
        killed run left in the output folder is swept (its process is gone, so its files are stale)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=STOP_GRACE)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        sweep(self.out_dir)
        if self.log is not None:
            self.log.close()
        self.process = None

"""The workers that lay out the print edition's units (print/layout/assemble.py): forked processes, one
per core, each laying out one unit at a time and holding it (two at most) until it is told where it
begins, then writing it. Started before the book is read, the first imports WeasyPrint and warms up
meanwhile, then forks the others from itself, warm (WeasyPrint imported once per build, not once per
core); one of them renders the generated cover first unless it is in the cache. Messages go through
two one-way pipes per worker, all made by the build's process before the first worker starts."""

from __future__ import annotations

import os
import sys
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from anthology.print.layout import parts as units_

if TYPE_CHECKING:
    import threading
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

    from anthology.book.model import Book


HOLD = 2  # units a worker may hold laid out, waiting for their first page (each holds its layout)


def jobs() -> int:
    from anthology import settings

    chosen = settings.current().jobs
    if chosen:
        return chosen
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1


class _Worker(TypedDict):
    """A worker process, as the parent sees it."""

    conn: Connection  # its messages to the parent
    out: Connection  # the parent's to it
    process: BaseProcess | None  # None: forked by the first worker (which ends it with itself)
    busy: tuple[str, str, tuple[int, bool] | None] | None  # ("lay" | "write" | "cover", unit, start); None: idle
    holding: list[str]  # units laid out, waiting to be told where they begin (HOLD at most)
    woken: bool  # sent the book (it imports WeasyPrint at once or with its first message)


class Pool:
    """Forked worker processes, each laying out one unit at a time and holding it (HOLD at most)
    until written. Started before the book is read (build.py), the first imports WeasyPrint and
    warms up (fonts, the hyphenation dictionary) meanwhile, then forks the others; give() hands the
    book to all of them when `eager` (a first build), else to each with its first work (wake())."""

    def __init__(self, count: int | None = None, manifest: Path | None = None, eager: bool = True):
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.failed, self.error = False, ""
        self.given: tuple[Book, dict[str, str]] | None = None  # the book and its EPUB scopes (give())
        self.sending: threading.Thread | None = None
        # the generated cover: (PNG, the files it read), "failed", or None (not rendered)
        self.cover_wanted, self.cover_sent = False, False
        self.cover: tuple[bytes, list[str]] | str | None = None
        self.workers: list[_Worker] = []
        # the lifeline: every worker watches its read end; the parent alone holds the write end, so
        # the read end sees end-of-file the moment the parent ends, however it ends (SIGKILL too)
        self._lifeline: int | None
        lifeline, self._lifeline = os.pipe()
        ends = []  # two one-way pipes (os.pipe) per worker: a duplex one would be a socket pair
        for _ in range(count or jobs()):
            from_worker, to_parent = context.Pipe(duplex=False)
            from_parent, to_worker = context.Pipe(duplex=False)
            ends.append((_Duplex(from_parent, to_parent), from_worker, to_worker))
        # the first worker forks the others once it is warm (_fork_siblings): they hold their ends of
        # the pipes made here; this process keeps only its own ends
        first = context.Process(target=_work, args=(ends[0][0], manifest, True),
                                kwargs={"parent": os.getpid(), "lifeline": (lifeline, self._lifeline),
                                        "siblings": [end[0] for end in ends[1:]]}, daemon=True)
        first.start()
        for rank, (worker_end, from_worker, to_worker) in enumerate(ends):
            worker_end.close()
            self.workers.append({"conn": from_worker, "out": to_worker, "process": first if rank == 0 else None,
                                 "busy": None, "holding": [], "woken": rank == 0 or eager})
        os.close(lifeline)

    def give(self, book, scopes) -> None:
        """The book the units come from (once: a pool serves one build). Sent to the first worker
        from a thread (it may still be warming up, not reading, and the book is more than a pipe
        holds); to the others with their first work (wake())."""
        import threading

        if self.given is None:
            self.given = (book, scopes)
            messages = [(worker["out"], ("book", book, scopes)) for worker in self.workers if worker["woken"]]
            self.sending = threading.Thread(target=_send_all, args=(messages,), daemon=True)
            self.sending.start()
        elif self.given[0] is not book:
            raise ValueError("a pool serves one book")

    def wake(self, worker: _Worker) -> bool:
        """Unless the pool is `eager` (a first build: every unit to lay out), a worker but the first
        gets the book with its first work: an edit that lays out one unit leaves the processor to
        the first one. False when the worker is gone."""
        if not worker["woken"]:
            worker["woken"] = True
            assert self.given is not None, "give() comes before the first work"
            try:
                worker["out"].send(("book", *self.given))
            except OSError:
                self.failed, self.error = True, "a worker ended before its first work"
        return not self.failed

    def step(self, state, starts, before_waiting=None) -> None:
        """Give work to idle workers, tell holders where their unit begins, then wait for one message.
        `state`: what assemble.py knows of every unit; `starts`: (first page, blank before) by unit;
        `before_waiting()`: the parent's own work, done while the workers do theirs."""
        from multiprocessing.connection import wait

        if self.sending is not None:  # the book first, on every pipe
            self.sending.join()
            self.sending = None

        taken = self.taken()
        waiting = [name for name in state.lay_order() if name not in taken
                   and name not in state.pdfs and state.needs_layout(name, starts)]
        if waiting and set(waiting) <= state.last:  # only the contents and index are left to lay
            for worker in self.workers:  # out: the end of the build waits on them, not on writes
                if worker["busy"] is None and len(worker["holding"]) < HOLD and waiting:
                    if not self._lay(worker, waiting.pop(0), state):
                        return
        for worker in self.workers:
            ready = [name for name in worker["holding"] if name in starts and state.units[name].write]
            if ready and worker["busy"] is None:
                worker["busy"] = ("write", ready[0], starts[ready[0]])
                worker["out"].send(("write", ready[0], *starts[ready[0]]))
        if self.cover_wanted and not self.cover_sent:  # first: the units' work then fills both cores
            free = [w for w in self.workers if w["busy"] is None and not w["holding"]]
            if free:
                self._send_cover(free[-1])
        for worker in self.workers:
            if worker["busy"] is None and len(worker["holding"]) < HOLD and waiting:
                if not self._lay(worker, waiting.pop(0), state):
                    return
        if waiting and all(len(w["holding"]) >= HOLD and w["busy"] is None for w in self.workers):
            last = max(self.workers, key=lambda w: max(map(state.order.index, w["holding"])))
            name = max(last["holding"], key=state.order.index)
            last["out"].send(("drop", name))  # every worker waits on units nobody lays out: make room
            last["holding"].remove(name)
        busy = [w["conn"] for w in self.workers if w["busy"] is not None]
        if before_waiting is not None:
            before_waiting()
        if not busy:  # nothing to wait for and the book not done: give up, lay it out whole
            self.failed, self.error = True, "no unit can be laid out or written"
            return
        for conn in wait(busy):
            worker = next(w for w in self.workers if w["conn"] is conn)
            try:
                message = worker["conn"].recv()
            except (EOFError, OSError):
                self.failed, self.error = True, "a worker ended without a word (killed, or out of memory)"
                return
            assert worker["busy"] is not None  # only busy workers were waited for
            kind, name, start = worker["busy"]
            worker["busy"] = None
            if kind == "cover":
                self.cover = message[1:] if message[0] == "cover" else "failed"
                continue
            if message[0] == "error":
                self.failed = True
                self.error = message[1]
                return
            if message[0] == "laid":
                _, laid, fetched = message
                if not state.laid_out(name, laid, fetched) or not state.units[name].write:
                    worker["out"].send(("drop", name))
                else:
                    worker["holding"].append(name)
            elif message[0] == "pdf":
                _, data, warnings = message
                worker["holding"].remove(name)
                if starts.get(name) == start:
                    state.written(name, start, data, warnings)

    def _lay(self, worker: _Worker, name: str, state) -> bool:
        if not self.wake(worker):
            return False
        worker["busy"] = ("lay", name, None)
        state.worked.add(name)
        worker["out"].send(("lay", state.units[name]))
        return True

    def want_cover(self, cached: bytes | None = None) -> None:
        """Render the generated cover in a worker, before its first unit (cover_png()); `cached`: its
        PNG from the cache, so that no worker is woken for it."""
        if cached is not None:
            self.cover = (cached, [])
        else:
            self.cover_wanted = True

    def cover_png(self, book, scopes) -> tuple[bytes, list[str]] | None:
        """The generated cover's PNG and the files it read, from a worker (waiting for it); None when
        the pool cannot give it (then the caller renders it, and reports its errors)."""
        if isinstance(self.cover, tuple):  # from the cache, or rendered already
            return self.cover
        if self.failed:
            return None
        self.give(book, scopes)
        if self.sending is not None:
            self.sending.join()
            self.sending = None
        if not self.cover_sent:
            idle = [w for w in self.workers if w["busy"] is None and not w["holding"]]
            if not idle:
                return None
            self._send_cover(idle[0])
        worker = next((w for w in self.workers if w["busy"] and w["busy"][0] == "cover"), None)
        if worker is not None:
            try:
                message = worker["conn"].recv()
            except (EOFError, OSError):
                message = ("failed",)
            worker["busy"] = None
            self.cover = message[1:] if message[0] == "cover" else "failed"
        return self.cover if isinstance(self.cover, tuple) else None  # not "failed", not None

    def _send_cover(self, worker: _Worker) -> None:
        if not self.wake(worker):
            return
        self.cover_sent = True
        worker["busy"] = ("cover", "", None)
        worker["out"].send(("cover",))

    def taken(self) -> set[str]:
        return {name for w in self.workers for name in w["holding"]} | \
               {w["busy"][1] for w in self.workers if w["busy"] and w["busy"][0] != "cover"}

    def close(self) -> None:
        self.failed = True  # of no further use
        if self.sending is not None:
            self.sending.join(timeout=5)
        killed = False
        for worker in self.workers:
            busy = worker["busy"] is not None
            try:
                worker["out"].send(None)  # an idle worker ends at once
            except (OSError, BrokenPipeError):
                pass
            worker["conn"].close()
            worker["out"].close()
            process = worker["process"] or self.workers[0]["process"]
            if busy and process is not None:  # work nobody will read: stop it now (the first worker's
                process.kill()  # end ends the others too)
                killed = True
        first = self.workers[0]["process"] if self.workers else None
        if first is not None and not killed:
            # idle, they end at once: the first waits for those it forked, so that their processor
            # time is counted to this process's children (time, `make bench`) as a child's is
            first.join(timeout=2)
        if self._lifeline is not None:
            os.close(self._lifeline)  # every worker still running ends with it
            self._lifeline = None
        # The first is reaped by multiprocessing (at the next pool's start, or when the program ends),
        # the others by the first.


def _die_with_parent(parent: int, lifeline: tuple[int, int | None]) -> None:
    """Called first thing in a worker: it ends when the build that forked it ends, however that ends
    (a SIGKILL, an out-of-memory kill, a CI timeout): no layout process outlives its build. On Linux
    the kernel sends it SIGKILL (prctl PR_SET_PDEATHSIG); everywhere, a thread watches the lifeline,
    a pipe whose only write end the parent holds, and ends the process at its end-of-file."""
    import threading

    read_end, write_end = lifeline
    if write_end is not None:
        os.close(write_end)  # this process's copy: only the parent's may keep the pipe open
    _parent_death_signal()
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(0)

    def watch() -> None:
        try:
            while os.read(read_end, 1):
                pass
        except OSError:
            pass
        os._exit(0)

    threading.Thread(target=watch, name="anthology-lifeline", daemon=True).start()


def _parent_death_signal() -> None:
    """Linux: ask the kernel for SIGKILL when the parent dies (elsewhere the lifeline alone holds)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        import signal

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):
        pass  # the lifeline still holds


def _lower_priority() -> None:
    """Workers yield the processor to the parent when both want it: the parent's work (reading the
    book, joining) is what the workers wait for."""
    try:
        os.nice(5)
    except OSError:
        pass


def _send_all(messages) -> None:
    for connection, message in messages:
        try:
            connection.send(message)
        except (OSError, TypeError, ValueError):  # a worker gone (the pool notices when it waits
            pass  # for it), or the pool closed under this thread (Ctrl-C): TypeError from a closed handle


class _Duplex:
    """A worker's end: receives from one pipe, sends on the other."""

    def __init__(self, incoming, outgoing):
        self._ends = (incoming, outgoing)
        self.recv, self.send = incoming.recv, outgoing.send

    def close(self) -> None:
        for end in self._ends:
            end.close()


def _warm(manifest: Path | None, trace: bool):
    """Import WeasyPrint (print/pdf.py) and warm up; returns print/pdf.py."""
    started = time.perf_counter()
    from anthology.print import pdf

    if manifest is not None:
        units_.warm_up(manifest)
    if trace:
        print(f"[unit {os.getpid()} {time.time() % 100:6.2f}] warm  {time.perf_counter() - started:.2f} s",
              file=sys.stderr)
    return pdf


def _work(conn, manifest: Path | None, woken: bool = True, parent: int | None = None,
          lifeline: tuple[int, int] | None = None, siblings: list | None = None) -> None:
    """A worker: lay out a unit, report it, write it when told where it begins (or drop it). It
    warms up at once when `woken`, else with its first message (Pool.wake), and then forks a worker
    for each of `siblings` (their ends of the pipes). It ends with `parent` (watching `lifeline`,
    see _die_with_parent)."""
    import signal

    if lifeline is not None and parent is not None:  # both given by the Pool, neither by a test's direct call
        _die_with_parent(parent, lifeline)

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it closes the pool
    _lower_priority()
    from anthology import settings

    trace = settings.current().trace_units
    pdf = _warm(manifest, trace) if woken else None  # None: WeasyPrint not imported yet
    if siblings:
        if pdf is None:
            pdf = _warm(manifest, trace)
        reapers = _fork_siblings(conn, siblings, lifeline[0] if lifeline is not None else None, pdf, trace)
    else:
        reapers = []
    _serve(conn, pdf, manifest, trace)
    for reaper in reapers:  # they end with their own last message: waited for, their time is ours
        reaper.join(timeout=2)


def _fork_siblings(conn, siblings: list, lifeline: int | None, pdf, trace: bool) -> list[threading.Thread]:
    """Fork a worker for each of `siblings` from this warm one: WeasyPrint imported, the stylesheet
    parsed, the fonts and the hyphenation dictionary loaded, once for all of them. Each ends with
    this process (the parent-death signal) and with the build (the lifeline, inherited)."""
    import threading

    me = os.getpid()
    reapers: list[threading.Thread] = []
    for sibling in siblings:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the new worker: its own pipes only, then the same loop
            code = 0
            try:
                conn.close()
                for other in siblings:
                    if other is not sibling:
                        other.close()
                if lifeline is not None:
                    _die_with_parent(me, (lifeline, None))
                if trace:
                    print(f"[unit {os.getpid()} {time.time() % 100:6.2f}] forked from {me}", file=sys.stderr)
                _serve(sibling, pdf, None, trace)
            except BaseException:  # noqa: BLE001 - the pool sees the pipe close and lays the book out whole
                code = 1
            finally:
                os._exit(code)  # never back into the first worker's stack
        sibling.close()
        reapers.append(threading.Thread(target=_reap, args=(pid,), name="anthology-reaper", daemon=True))
        reapers[-1].start()
    return reapers


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def _serve(conn, pdf, manifest: Path | None, trace: bool) -> None:
    """A worker's loop over its messages until the pool closes; `pdf` None: warm up with the first."""
    cold = pdf is None
    book: Book | None = None
    scopes: dict[str, str] | None = None

    held: dict[str, units_.LaidOut] = {}  # laid out, waiting to be told where they begin
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        if cold:
            cold = False
            pdf = _warm(manifest, trace)
        started = time.perf_counter()
        try:
            if message[0] == "book":
                _, book, scopes = message
                continue
            if message[0] == "lay":
                assert book is not None and scopes is not None, "the book comes before the first work"
                with pdf.recording_fetches() as fetched:
                    laid = held[message[1].name] = units_.LaidOut(book, message[1], scopes)
                conn.send(("laid", laid.laid, sorted(str(p) for p in fetched)))
            elif message[0] == "write":
                laid = held.pop(message[1])
                before = len(laid.result.warnings)
                with pdf.recording_fetches():
                    data = laid.write(message[2], message[3])
                conn.send(("pdf", data, laid.result.warnings[before:]))
            elif message[0] == "drop":
                held.pop(message[1], None)
            elif message[0] == "cover":
                try:
                    from anthology import templating
                    from anthology.print.covers import cover

                    assert book is not None, "the book comes before the cover"
                    conn.send(("cover", *cover.render_png_recorded(book, templating.environment(book))))
                except Exception:  # noqa: BLE001 - the parent renders it again and reports the error
                    conn.send(("cover-failed", traceback.format_exc()))
        except Exception:  # reported to the parent, which lays the book out whole instead
            held.clear()
            conn.send(("error", traceback.format_exc()))
        if trace:
            what = message[1].name if message[0] == "lay" else message[1] if message[0] in ("write", "drop") else ""
            print(f"[unit {os.getpid()} {time.time() % 100:6.2f}] {message[0]} {what} "
                  f"{time.perf_counter() - started:.2f} s", file=sys.stderr)

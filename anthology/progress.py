"""Progress of a build, one phase at a time: a line that overwrites itself on a terminal, plain lines
otherwise (a log, a pipe), nothing at all when quiet."""

from __future__ import annotations

import time


class Progress:
    """Call it with the name of each phase as it begins; `done()` before printing the results."""

    def __init__(self, stream, *, quiet: bool = False, tty: bool | None = None):
        self.stream = None if quiet else stream
        self.tty = bool(tty if tty is not None else getattr(stream, "isatty", lambda: False)())
        self.started = time.perf_counter()
        self.shown = False

    def __call__(self, phase: str) -> None:
        if self.stream is None:
            return
        line = f"[{time.perf_counter() - self.started:5.1f} s] {phase}"
        if self.tty:
            self.stream.write(f"\r\033[K{line}")
            self.shown = True
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def done(self) -> None:
        """Clear the self-overwriting line so that what follows starts on a clean line."""
        if self.stream is not None and self.tty and self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False


def silent(phase: str) -> None:
    """The progress of a build nobody watches."""

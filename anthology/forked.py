"""Work done in a forked process while the build goes on (the generated cover while the book is laid
out). The result comes back through a pipe; when the process fails, the caller does the work itself,
so that its errors are reported the usual way."""

from __future__ import annotations

import traceback


class Forked:
    """`function()` run in a forked child; result() waits for its (picklable) value."""

    def __init__(self, function):
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.function = function
        self.conn, child = context.Pipe(duplex=False)
        self.process = context.Process(target=_run, args=(function, child), daemon=True)
        self.process.start()
        child.close()

    def result(self):
        """The child's value; the function run here instead when the child failed."""
        try:
            ok, value = self.conn.recv()
        except (EOFError, OSError):
            ok, value = False, None
        finally:
            self.conn.close()
            self.process.join(timeout=5)
            if self.process.is_alive():
                self.process.kill()
        return value if ok else self.function()


def _run(function, conn) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        conn.send((True, function()))
    except BaseException:  # noqa: BLE001 - the parent does the work again and reports its error
        conn.send((False, traceback.format_exc()))
    finally:
        conn.close()

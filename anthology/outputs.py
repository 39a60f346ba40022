"""Atomic writing of outputs: every file and folder of a build written beside its place and renamed into
place only when the whole build succeeded, so a failed build never destroys the previous outputs.

Crash consistency: a temporary file is named `.NAME.HOST-PID.XXXXXXXX.tmp` (HOST a short hash of the
machine's name, PID the build's process), so that a later build can tell a leftover of a build that was
killed (SIGKILL, power loss: its process is gone) from the files of a build still running beside it,
and removes only the former (`sweep()`, run whenever an output folder is opened).

Write errors become an `OutputError` that names the output (not its temporary file) and says what to
do; `inside()` tells whether writing a path would land outside a folder through a symbolic link."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path


class OutputError(Exception):
    """An output or a book file that cannot be written; the message names it and says what to do."""


@lru_cache(maxsize=1)
def _host() -> str:
    """A short hash of the machine's name (os.uname: socket.gethostname counts as network use)."""
    try:
        name = os.uname().nodename
    except AttributeError:  # Windows
        name = os.environ.get("COMPUTERNAME", "")
    return hashlib.sha256(name.encode()).hexdigest()[:6]


def owner_tag() -> str:
    """HOST-PID of this process: what a temporary file's name carries."""
    return f"{_host()}-{os.getpid()}"


_TEMP = re.compile(r"^\..+\.(?P<host>[0-9a-f]{6})-(?P<pid>\d+)\.[A-Za-z0-9_]{8}\.tmp$")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def stale(name: str) -> bool:
    """Whether a file or folder named `name` is the temporary file of a build that no longer runs on
    this machine (its process is gone)."""
    match = _TEMP.match(name)
    return match is not None and match.group("host") == _host() and not _alive(int(match.group("pid")))


def sweep(folder: Path) -> list[Path]:
    """Remove the temporary files and folders that killed builds left in `folder`; the removed paths.
    Never follows a symbolic link (a link is removed as a link)."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not stale(entry.name):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
            removed.append(Path(entry.path))
        except OSError:
            pass
    return removed


def inside(root: Path, path: Path) -> bool:
    """Whether writing `path` stays inside `root`: every symbolic link on the way (the file's own
    included, a dangling one too) resolved."""
    real_root = Path(os.path.realpath(root))
    real = Path(os.path.realpath(path))
    return real == real_root or real_root in real.parents


def refuse_links_out(root: Path, paths) -> None:
    """OutputError naming the first path that a symbolic link would send outside `root` (nothing is
    written: call it before the first write)."""
    for path in paths:
        if not inside(root, path):
            raise OutputError(f"{path}: a symbolic link leads outside {root} (to {os.path.realpath(path)}); "
                              "nothing was written: remove the link or choose another folder")


_ADVICE = {
    errno.ENOSPC: "the disk is full{free}: free some space, or {elsewhere}",
    errno.EDQUOT: "the disk quota is used up{free}: free some space, or {elsewhere}",
    errno.EFBIG: "the file is larger than this disk takes: {elsewhere}",
    errno.EROFS: "the disk is read-only: {elsewhere}",
    errno.EACCES: "permission denied: make the folder writable, or {elsewhere}",
    errno.EPERM: "not permitted: make the folder writable, or {elsewhere}",
    errno.ENOTDIR: "a file stands where a folder must be: move it away, or {elsewhere}",
    errno.EEXIST: "a file stands where a folder must be: move it away, or {elsewhere}",
    errno.EIO: "the disk reported an input/output error: check it, or {elsewhere}",
}


def _free(folder: Path) -> str:
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return ""
    return f" ({free / 1024:,.0f} KB free in {folder})" if free < 1 << 30 else ""


def describe(exc: OSError, name: Path, folder: Path, elsewhere: str = "build elsewhere with --out DIR",
             untouched: str = "The previous outputs are untouched.") -> OutputError:
    """An OutputError for a failed write of `name` (an output, or the output folder itself);
    `elsewhere`: what else the user can do; `untouched`: what was kept."""
    advice = _ADVICE.get(exc.errno or 0, f"{exc.strerror or exc}: check the disk, or {{elsewhere}}")
    return OutputError(f"{name}: cannot write: {advice.format(free=_free(folder), elsewhere=elsewhere)}. "
                       f"{untouched}")


def write_file(path: Path, data: bytes) -> None:
    """Write bytes held in memory to `path`, after checking that the disk has room for them (cheap
    here: their size is known); an OSError always names `path`."""
    try:
        free = shutil.disk_usage(path.parent).free
    except OSError:
        free = None
    if free is not None and free < len(data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
    try:
        with open(path, "wb") as stream:
            stream.write(data)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None


class AtomicOutputs:
    """Collects outputs in temporary files; only commit() renames them into place.

    Scratch files (intermediate PDFs) live beside them and are always removed.
    """

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self.pending: list[tuple[Path, Path]] = []
        self.pending_dirs: list[tuple[Path, Path]] = []
        self.scratches: list[Path] = []
        self._names: dict[Path, Path] = {}  # every temporary file -> the output it is (or is made for)
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise describe(exc, out_dir, _existing(out_dir)) from None
        sweep(out_dir)

    def _prefix(self, name: str) -> str:
        return f".{name}.{owner_tag()}."

    def _temp(self, name: str) -> Path:
        try:
            fd, tmp = tempfile.mkstemp(prefix=self._prefix(name), suffix=".tmp", dir=self.out_dir)
        except OSError as exc:
            raise describe(exc, self.out_dir / name, self.out_dir) from None
        os.close(fd)
        self._names[Path(tmp)] = self.out_dir / name
        return Path(tmp)

    def temp_for(self, name: str) -> Path:
        """A temporary file that commit() renames to `name` in the output folder."""
        path = self._temp(name)
        self.pending.append((path, self.out_dir / name))
        return path

    def scratch(self, name: str) -> Path:
        """A temporary file that is never renamed into place."""
        path = self._temp(name)
        self.scratches.append(path)
        return path

    def temp_dir_for(self, name: str) -> Path:
        """A temporary folder that commit() puts in place of the folder `name` (the site)."""
        try:
            path = Path(tempfile.mkdtemp(prefix=self._prefix(name), suffix=".tmp", dir=self.out_dir))
        except OSError as exc:
            raise describe(exc, self.out_dir / name, self.out_dir) from None
        self.pending_dirs.append((path, self.out_dir / name))
        self._names[path] = self.out_dir / name
        return path

    def explain(self, exc: OSError) -> Exception:
        """What to raise for an OSError met while the outputs were written: an OutputError naming the
        output when the error is a write into the output folder or carries no file name (then the
        output whose temporary file was written last, the one being written); else `exc` itself (a
        source that cannot be read)."""
        filename = exc.filename if isinstance(exc.filename, (str, os.PathLike)) else None
        if filename is not None:
            path = Path(filename)
            for tmp, final in self._names.items():
                if path == tmp or tmp in path.parents:
                    return describe(exc, final, self.out_dir)
            if Path(os.path.abspath(path)).parent == Path(os.path.abspath(self.out_dir)):
                return describe(exc, self.out_dir, self.out_dir)
            return exc
        if exc.errno in _ADVICE:
            return describe(exc, self._last_written() or self.out_dir, self.out_dir)
        return exc

    def _last_written(self) -> Path | None:
        newest = None
        for tmp, final in self._names.items():
            try:
                changed = tmp.stat().st_mtime_ns
            except OSError:
                continue
            if newest is None or changed >= newest[0]:
                newest = (changed, final)
        return newest[1] if newest else None

    def commit(self) -> list[Path]:
        umask = os.umask(0)
        os.umask(umask)
        done = []
        for tmp, final in self.pending:
            os.chmod(tmp, 0o666 & ~umask)
            try:
                os.replace(tmp, final)
            except OSError as exc:
                raise describe(exc, final, self.out_dir) from None
            done.append(final)
        for tmp, final in self.pending_dirs:
            os.chmod(tmp, 0o777 & ~umask)
            old = None
            if final.exists():  # a folder cannot be replaced in one rename: move the old one aside first
                old = Path(tempfile.mkdtemp(prefix=self._prefix(f"{final.name}.old"), suffix=".tmp",
                                            dir=self.out_dir))
                os.replace(final, old / final.name)
            os.replace(tmp, final)
            if old:
                shutil.rmtree(old, ignore_errors=True)
            done.append(final)
        self.pending, self.pending_dirs = [], []
        return done

    def discard(self) -> None:
        for tmp in [tmp for tmp, _ in self.pending] + self.scratches:
            tmp.unlink(missing_ok=True)
        for tmp, _ in self.pending_dirs:
            shutil.rmtree(tmp, ignore_errors=True)
        self.pending, self.pending_dirs, self.scratches = [], [], []


def _existing(path: Path) -> Path:
    """The nearest folder of `path` that exists (for the free space of a folder not made yet)."""
    for candidate in [path, *path.parents]:
        if candidate.is_dir():
            return candidate
    return Path(".")

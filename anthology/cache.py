"""A content-addressed cache of finished work: outputs (and smaller results) keyed by every input.

Lives under `$XDG_CACHE_HOME/anthology` (else `~/.cache/anthology`). An entry is found by a key (the
tool's fingerprint plus whatever identifies the request) and records the content hash of every file
the work read (or that the file was absent); it is used only if every one of those files still has
that hash, and every stored blob is hashed again when it is read back. A damaged or stale entry is a
miss, never a wrong output. Everything is written to a temporary file and renamed into place, so
concurrent builds see a whole entry or none; deleting the folder at any time is safe.
`ANTHOLOGY_CACHE=off` turns the cache off. Blobs beyond `ANTHOLOGY_CACHE_MB` (default 1024) are
removed, least recently used first, and an entry replaced by a newer one for the same request takes
its blobs along (an editor's saves do not pile up).

Only the standard library is imported here: a build that hits the cache imports nothing heavy.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

FORMAT = 1  # bump when the layout of entries changes
_PACKAGE = Path(__file__).resolve().parent
# Third-party packages whose version changes what a build writes.
_LIBRARIES = ("weasyprint", "ebooklib", "markdown", "jinja2", "pikepdf", "pydyf", "fontTools", "lxml",
              "pypdfium2", "PIL", "tinycss2", "cssselect2", "pyphen", "yaml", "markupsafe", "babel")


DEFAULT_LIMIT_MB = 1024


def enabled() -> bool:
    from anthology import settings

    return settings.current().cache


def folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "anthology"


_BUILD: ContextVar[dict[str, dict] | None] = ContextVar("anthology_build_memos", default=None)


@contextmanager
def build_scope():
    """One build's memos (build.build opens it around the whole build; workers forked meanwhile
    inherit it): file hashes (file_hash) and whatever else a stage remembers only for one build
    (per_build). They end with the build, so a later build in the same process (the preview,
    `anthology serve`, a program calling build() twice) starts from nothing and sees every file as it
    is then, an edit that kept the size and the modification time included. Nested: the outer
    build's memos are kept."""
    if _BUILD.get() is not None:
        yield
        return
    token = _BUILD.set({})
    try:
        yield
    finally:
        _BUILD.reset(token)


def per_build(name: str) -> dict:
    """The memo `name` of the build under way (build_scope()): empty when the build begins, dropped
    when it ends; outside a build, a new empty dict at each call (nothing is remembered)."""
    memos = _BUILD.get()
    return {} if memos is None else memos.setdefault(name, {})


def file_hash(path: Path) -> str | None:
    """sha256 of a file's bytes; None when it does not exist (absence is recorded too). Within a
    build (build_scope()), a file whose size, modification time, inode and change time are
    unchanged is hashed once."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    memo = per_build("file-hashes")
    known = (str(path), stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns)
    if known in memo:
        return memo[known]
    digest = _hash(path)
    if digest is not None:
        memo[known] = digest
    return digest


def _hash(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None
    return digest.hexdigest()


def tree_files(root: Path) -> list[Path]:
    """Every file under `root` (none when it does not exist), in a stable order."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


@lru_cache(maxsize=1)
def tool_fingerprint() -> str:
    """The tool's own code, templates, styles and fonts, and the versions of the libraries it uses."""
    from importlib.util import find_spec

    from anthology.resources import TOOL_ROOT

    digest = hashlib.sha256(f"anthology-cache {FORMAT} {sys.version}".encode())
    for root in (_PACKAGE, TOOL_ROOT / "templates", TOOL_ROOT / "styles"):
        for path in tree_files(root):
            if path.suffix in (".pyc", ".tmp"):
                continue
            digest.update(f"{path.relative_to(root)}\0{file_hash(path)}\0".encode())
    for name in _LIBRARIES:
        spec = find_spec(name)
        location = Path(spec.origin).parent if spec and spec.origin else None
        installed = sorted(p.name for p in location.parent.glob("*.dist-info")) if location else []
        digest.update(f"{name}\0{location}\0".encode())
        digest.update("\0".join(n for n in installed if n.lower().startswith(name.lower()[:4])).encode())
    return digest.hexdigest()


def key(*parts: object) -> str:
    """A cache key from the tool's fingerprint and the request's parts (JSON-serialisable)."""
    text = json.dumps([tool_fingerprint(), *parts], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Entry:
    """What a finished piece of work left: its blobs (by name) and small data (JSON)."""

    blobs: dict[str, str] = field(default_factory=dict)  # name -> sha256 of the blob's bytes
    data: dict = field(default_factory=dict)

    def read(self, name: str) -> bytes | None:
        """A blob's bytes, or None when it is missing or damaged (then it is removed)."""
        digest = self.blobs.get(name)
        path = _blob_path(digest) if digest else None
        if path is not None and not _unlinked(path):
            return None
        try:
            content = path.read_bytes() if path else None
        except OSError:
            return None
        if path is None or content is None or hashlib.sha256(content).hexdigest() != digest:
            _remove(path)
            return None
        try:
            os.utime(path)  # recently used: pruned last
        except OSError:
            pass
        return content


def _unlinked(path: Path) -> bool:
    """Whether nothing on the way from the cache folder to `path` is a symbolic link: the cache never
    follows one when it reads, writes, prunes or deletes (a link planted in it could lead anywhere).
    The cache folder itself may be a link: where it lives is the user's choice."""
    top = folder()
    try:
        relative = path.relative_to(top)
    except ValueError:
        return False
    here = top
    for part in relative.parts:
        here = here / part
        if here.is_symlink():
            return False
    return True


def _blob_path(digest: str) -> Path:
    return folder() / "blobs" / digest[:2] / digest


def _entry_path(entry_key: str) -> Path:
    return folder() / "entries" / entry_key[:2] / f"{entry_key}.json"


def _remove(path: Path | None) -> None:
    try:
        if path and _unlinked(path):
            path.unlink()
    except OSError:
        pass


def _write_atomically(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not _unlinked(path.parent):
        raise OSError(f"{path.parent}: a symbolic link inside the cache: not followed")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(content)
        os.replace(tmp, path)
    except BaseException:
        _remove(Path(tmp))
        raise


def lookup(entry_key: str) -> Entry | None:
    """The entry for `entry_key` if every file it depends on is unchanged and its blobs are whole."""
    if not enabled():
        return None
    path = _entry_path(entry_key)
    if not _unlinked(path):
        return None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        deps, blobs, data = record["deps"], record["blobs"], record["data"]
        if record.get("key") != entry_key or not isinstance(deps, dict):
            raise ValueError("not this entry")
    except (OSError, ValueError, KeyError, TypeError):
        return None
    for dep, digest in deps.items():
        if file_hash(Path(dep)) != digest:
            return None
    for digest in blobs.values():
        if not isinstance(digest, str) or not _unlinked(_blob_path(digest)) or not _blob_path(digest).is_file():
            return None
    return Entry(dict(blobs), data)


def store(entry_key: str, deps: dict[Path, str | None] | list[Path], blobs: dict[str, bytes | Path],
          data: dict | None = None, prune_now: bool = True) -> None:
    """Record finished work. `deps` are the files it read (hashes taken now unless given). Failing to
    write the cache (a full disk, a read-only home) never fails the build. `prune_now=False`: many
    small entries in a row (print units), the build's last store prunes."""
    if not enabled():
        return
    try:
        if not isinstance(deps, dict):
            deps = {p: file_hash(p) for p in deps}
        names = {}
        for name, content in blobs.items():
            if isinstance(content, Path):
                content = content.read_bytes()
            digest = hashlib.sha256(content).hexdigest()
            if not (_unlinked(_blob_path(digest)) and _blob_path(digest).is_file()):
                _write_atomically(_blob_path(digest), content)
            names[name] = digest
        record = {"key": entry_key, "deps": {str(Path(p).absolute()): d for p, d in sorted(deps.items())},
                  "blobs": names, "data": data or {}}
        replaced = _blobs_of(_entry_path(entry_key)) - set(names.values())
        _write_atomically(_entry_path(entry_key), json.dumps(record, sort_keys=True).encode())
        for digest in replaced:  # another entry may share one: it then becomes a miss, never wrong
            _remove(_blob_path(digest))
        if prune_now and names:  # only a store that brought blobs can take the cache over its limit
            prune()
    except OSError:
        pass


def _blobs_of(entry: Path) -> set[str]:
    if not _unlinked(entry):
        return set()
    try:
        blobs = json.loads(entry.read_text(encoding="utf-8")).get("blobs", {})
        return {d for d in blobs.values() if isinstance(d, str) and len(d) == 64}
    except (OSError, ValueError, AttributeError):
        return set()


def prune() -> None:
    """Remove the least recently used blobs while they take more than the limit (a miss later)."""
    from anthology import settings

    limit = settings.current().cache_mb * 1024 * 1024
    blobs = []
    for path in _blob_files():
        try:
            stat = path.stat(follow_symlinks=False)
        except (OSError, TypeError):
            continue
        blobs.append((stat.st_mtime, stat.st_size, path))
    total = sum(size for _, size, _ in blobs)
    for _, size, path in sorted(blobs):
        if total <= limit:
            break
        _remove(path)
        total -= size


def _blob_files() -> list[Path]:
    """Every blob file, found without following a symbolic link (a linked folder or file is skipped)."""
    top = folder() / "blobs"
    if not _unlinked(top) or not top.is_dir():
        return []
    found = []
    try:
        shards = [e for e in os.scandir(top) if e.is_dir(follow_symlinks=False)]
        for shard in shards:
            found += [Path(e.path) for e in os.scandir(shard.path) if e.is_file(follow_symlinks=False)]
    except OSError:
        pass
    return found

"""What the preview watches, and which outputs an edit touches.

The inputs of a book are the files it was read from (manifest, pieces, intros, preface), its images
and cover, and the templates and stylesheet (the book's own and the tool's). The watcher (watchfiles,
inotify underneath) looks at the folders that hold them, not at whole trees, so a book at the top of
a repository does not make it watch `.venv/` or `node_modules/`; its filter lets through only inputs.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import watchfiles

from anthology.resources import TOOL_ROOT

SITE, EPUB, PDF, ZINE = "site", "epub", "pdf", "zine"
EVERYTHING = frozenset({SITE, EPUB, PDF, ZINE})
#: A file a manifest may name: a new one matters while the book cannot be read (a missing piece).
SOURCE_SUFFIXES = {".md", ".markdown", ".yaml", ".yml", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}
_EDITOR_LITTER = re.compile(r"(^\.|~$|\.sw.$|^4913$|^#.*#$|\.tmp$)")  # swap, backup and lock files


def touches(path: Path, book_root: Path) -> frozenset[str]:
    """The outputs an edit of this file changes: the web templates only the site, the EPUB's wrapper
    only the EPUB, the print master only the PDF and the zine; anything else (a source, an image, the
    stylesheet, a shared template) every output."""
    for root in (book_root, TOOL_ROOT):
        try:
            rel = Path(path).resolve().relative_to((root / "templates").resolve()).as_posix()
        except ValueError:
            continue
        if rel.startswith("web/"):
            return frozenset({SITE})
        if rel == "epub-document.xhtml":
            return frozenset({EPUB})
        if rel == "book.html":
            return frozenset({PDF, ZINE})
    return EVERYTHING


def style_folders(book_root: Path) -> list[Path]:
    """The templates and styles folders (with their subfolders) of the book and of the tool."""
    found = []
    for root in (book_root, TOOL_ROOT):
        for name in ("templates", "styles"):
            top = (root / name).resolve()
            if top.is_dir():
                found += [top] + sorted(p for p in top.rglob("*") if p.is_dir())
    return found


def named_in(manifest: Path) -> list[Path]:
    """Paths a manifest that cannot be loaded still names (read leniently), to watch for them."""
    import yaml

    try:
        data = yaml.safe_load(manifest.read_text(encoding="utf-8", errors="replace"))
    except (OSError, yaml.YAMLError):
        return []
    found: list[Path] = []

    def walk(value) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str) and Path(value).suffix.lower() in SOURCE_SUFFIXES and "\n" not in value:
            found.append(manifest.parent / value)

    walk(data)
    return found


class Inputs:
    """The files that make the book (as last read) and the folders to watch for them."""

    def __init__(self, manifest: Path, out_dir: Path):
        self.manifest = manifest.resolve()
        self.root = self.manifest.parent
        self.out_dir = out_dir.resolve()
        self.files: set[Path] = {self.manifest}
        self.readable = False
        self.styles = style_folders(self.root)

    def update(self, book) -> None:
        """After a book was read: exactly its files. After a failure (book None): keep the last ones."""
        self.styles = style_folders(self.root)
        if book is None:
            self.readable = False
            return
        self.readable = True
        files = {self.manifest} | {Path(p).resolve() for p in book.sources} | {p.resolve() for p in book.images}
        if book.cover:
            files.add(book.cover.resolve())
        self.files = files

    def folders(self) -> set[Path]:
        wanted = {self.root} | {p.parent for p in self.files} | set(self.styles)
        if not self.readable:  # the folders of files it names but cannot read yet, or their nearest parent
            for path in named_in(self.manifest):
                folder = path.parent.resolve()
                while not folder.is_dir() and self.root in folder.parents:
                    folder = folder.parent
                if folder.is_dir():
                    wanted.add(folder)
        return {f for f in wanted if f.is_dir() and f != self.out_dir and self.out_dir not in f.parents}

    def relevant(self, path: Path) -> bool:
        path = Path(path)
        if _EDITOR_LITTER.search(path.name):
            return False
        if path == self.out_dir or self.out_dir in path.parents:
            return False
        if path in self.files:
            return True
        if any(folder in path.parents for folder in self.styles):
            return True
        return not self.readable and path.suffix.lower() in SOURCE_SUFFIXES


def watch(inputs: Inputs, stop: threading.Event, tick: float = 0.25) -> Iterator[set[Path]]:
    """Yield each batch of changed inputs (an empty set every `tick` seconds when nothing changed, so
    the caller can do other work); follow the folders as the book's inputs change. Ends when `stop` is set.
    """
    while not stop.is_set():
        folders = inputs.folders()
        for batch in watchfiles.watch(*sorted(folders), watch_filter=lambda _, p: inputs.relevant(Path(p)),
                                      recursive=False, debounce=400, step=50, rust_timeout=int(tick * 1000),
                                      yield_on_timeout=True, stop_event=stop, raise_interrupt=True):
            yield {Path(path) for _, path in batch}
            if inputs.folders() != folders:
                break  # the manifest now names other folders: watch those

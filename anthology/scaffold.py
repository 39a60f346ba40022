"""`anthology new DIR`: lay out a new book that builds as it is, from the skeleton shipped with the tool."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

from anthology.book import languages
from anthology.outputs import describe, owner_tag, refuse_links_out, write_file
from anthology.resources import SKELETON

# Files of the skeleton whose shipped name differs from the written one (package data keeps no dotfiles).
_RENAMED = {"gitignore": ".gitignore"}
_TEXT = {".md", ".yaml", ""}


def skeleton_files() -> list[Path]:
    """Every file of the skeleton, relative to it, in a stable order."""
    return sorted(p.relative_to(SKELETON) for p in SKELETON.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")


def run(target: Path, *, title: str | None, language: str, force: bool, stdout=None, stderr=None) -> int:
    """Write the skeleton into target; 1 (nothing touched) when target is not empty and not forced."""
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    if target.exists() and not target.is_dir():
        print(f"{target}: exists and is not a folder; nothing was written", file=stderr)
        return 1
    if target.is_dir() and any(target.iterdir()) and not force:
        print(f"{target}: the folder is not empty; nothing was written (give --force to write the new "
              "book's files into it, replacing files of the same names)", file=stderr)
        return 1
    if languages.problem(language):
        print(f"anthology new: --language: {languages.problem(language)}", file=stderr)
        return 2
    title = (title or _title_from(target)).strip() or "My Anthology"
    values = {"__TITLE__": json.dumps(title, ensure_ascii=False), "__LANGUAGE__": language,
              "__TITLE_TEXT__": title}
    files = [(SKELETON / relative, target / relative.parent / _RENAMED.get(relative.name, relative.name))
             for relative in skeleton_files()]
    refuse_links_out(target, [destination for _, destination in files])  # before the first write
    contents = []
    for source, destination in files:
        if source.suffix in _TEXT:
            text = source.read_text(encoding="utf-8")
            for placeholder, value in values.items():
                text = text.replace(placeholder, value)
            contents.append((destination, text.encode("utf-8")))
        else:
            contents.append((destination, source.read_bytes()))
    written = _write_all(target, contents)
    print(f"A new book, “{title}”, in {target}/ ({len(written)} files):", file=stdout)
    for path in written:
        print(f"  {path.relative_to(target).as_posix()}", file=stdout)
    print(f"\nNext: cd {target} && anthology build   (the EPUB and PDF land in build/; see README.md)",
          file=stdout)
    return 0


def _write_all(target: Path, contents: list[tuple[Path, bytes]]) -> list[Path]:
    """Write every file, all or nothing: each to a temporary file beside it, renamed into place once
    all are written; on a failure (a full disk) nothing is left behind, folders made for it included,
    and an OutputError names the file."""
    made: list[Path] = []  # folders this call created, outermost first
    temps: list[tuple[Path, Path]] = []
    try:
        for destination, data in contents:
            for folder in reversed([destination.parent, *destination.parent.parents]):
                if not folder.exists():
                    folder.mkdir()
                    made.append(folder)
            temp = destination.with_name(f".{destination.name}.{owner_tag()}.tmp")
            temps.append((temp, destination))
            write_file(temp, data)
        for temp, destination in temps:
            os.replace(temp, destination)
    except OSError as exc:
        for temp, _ in temps:
            temp.unlink(missing_ok=True)
        for folder in reversed(made):
            try:
                folder.rmdir()
            except OSError:
                pass
        failed = Path(exc.filename) if exc.filename else target
        failed = next((d for t, d in temps if t == failed), failed)
        raise describe(exc, failed, _nearest(failed), elsewhere="start the book on another disk",
                       untouched="Nothing was written.") from None
    return [destination for destination, _ in contents]


def _nearest(path: Path) -> Path:
    return next((p for p in [path, *path.parents] if p.is_dir()), Path("."))


def _title_from(target: Path) -> str:
    words = re.split(r"[-_\s]+", target.resolve().name)
    return " ".join(w[:1].upper() + w[1:] for w in words if w)

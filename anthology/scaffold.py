"""`anthology new DIR`: lay out a new book that builds as it is, from the skeleton shipped with the tool."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from anthology.book import languages
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
    written = []
    for relative in skeleton_files():
        source = SKELETON / relative
        destination = target / relative.parent / _RENAMED.get(relative.name, relative.name)
        destination.parent.mkdir(parents=True, exist_ok=True)
        if relative.suffix in _TEXT:
            text = source.read_text(encoding="utf-8")
            for placeholder, value in values.items():
                text = text.replace(placeholder, value)
            destination.write_text(text, encoding="utf-8")
        else:
            destination.write_bytes(source.read_bytes())
        written.append(destination)
    print(f"A new book, “{title}”, in {target}/ ({len(written)} files):", file=stdout)
    for path in written:
        print(f"  {path.relative_to(target).as_posix()}", file=stdout)
    print(f"\nNext: cd {target} && anthology build   (the EPUB and PDF land in build/; see README.md)",
          file=stdout)
    return 0


def _title_from(target: Path) -> str:
    words = re.split(r"[-_\s]+", target.resolve().name)
    return " ".join(w[:1].upper() + w[1:] for w in words if w)

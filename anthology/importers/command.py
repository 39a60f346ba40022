"""`anthology import FILE`: read a contributor's file, write it as a piece (with its images) into the
book and add it to a chapter of book.yaml; print what was written and what to check. All or nothing:
every output is decided before the first file is written."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path, PurePosixPath

from anthology.importers import Draft, Unreadable, read
from anthology.importers.html import TODO_ALT
from anthology.importers.markdown import piece_body
from anthology.importers.placement import Manifest, PlacementError
from anthology.outputs import refuse_links_out

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2


def run(file: Path, *, manifest: Path, chapter: int | None, chapter_title: str | None, kind: str | None,
        to: Path | None, stdout=None, stderr=None) -> int:
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    if not manifest.is_file():
        print(f"{manifest}: no such manifest (run this in the book's folder, or give --manifest)", file=stderr)
        return EXIT_USAGE
    try:
        draft = read(file)
        book = Manifest(manifest)
    except (Unreadable, PlacementError) as exc:
        print(f"{exc}\nNothing was written.", file=stderr)
        return EXIT_PROBLEM
    count = len(book.chapters)
    number = chapter if chapter is not None else max(count, 1)
    if not 1 <= number <= count + 1:
        print(f"anthology import: --chapter must be between 1 and {count + 1} (the book has {count} "
              f"chapter{'s' if count != 1 else ''}; {count + 1} starts a new one)", file=stderr)
        return EXIT_USAGE
    from anthology.book.manifest import slug

    root = manifest.parent.resolve()
    title = draft.title or _title_from(file)
    name = slug(title)[:60].strip("-") or "piece"
    taken = {slug(PurePosixPath(listed).stem) for listed in book.listed()}
    base, n = name, 1
    while name in taken:  # piece ids come from file names and must be unique in the book
        n += 1
        name = f"{base}-{n}"
    new_chapter_title = chapter_title or f"Chapter {number}"
    if to is not None:
        target = to.resolve()
        if root not in target.parents or target.suffix != ".md":
            print(f"anthology import: --to {to}: must be a .md file inside the book's folder {root}", file=stderr)
            return EXIT_USAGE
    else:
        target = root / book.chapter_folder(number, new_chapter_title) / f"{name}.md"
    entry = target.relative_to(root).as_posix()
    if target.exists() or entry in book.listed():
        print(f"{target}: already exists or is already in {manifest.name}; nothing was written "
              "(give another path with --to)", file=stderr)
        return EXIT_PROBLEM
    images = _image_paths(draft, target, name)
    body = draft.markdown if draft.markdown is not None else \
        piece_body(draft, {provisional: relative for provisional, (relative, _) in images.items()})
    text = _front_matter(draft, title, kind) + body
    try:
        manifest_text = book.with_piece(number, entry, new_chapter_title)
    except PlacementError as exc:
        print(f"{exc}\nNothing was written.", file=stderr)
        return EXIT_PROBLEM
    refuse_links_out(root, [target, *(path for _, path in images.values())])  # no write through a symlink
    written = _write(target, text, images, draft, manifest, manifest_text)
    _report(written, draft, text, title, number, count, new_chapter_title, manifest, root, file, stdout)
    return EXIT_OK


def _title_from(file: Path) -> str:
    return file.stem.replace("_", " ").replace("-", " ").strip().capitalize() or "Untitled"


def _image_paths(draft: Draft, target: Path, name: str) -> dict[str, tuple[str, Path]]:
    """Provisional image name -> (path relative to the piece, absolute path), never an existing file."""
    folder = target.parent / "images"
    chosen: dict[str, tuple[str, Path]] = {}
    number = 0
    for provisional in draft.images:
        suffix = Path(provisional).suffix
        while True:
            number += 1
            path = folder / f"{name}-{number}{suffix}"
            if not path.exists():
                break
        chosen[provisional] = (f"images/{path.name}", path)
    return chosen


def _front_matter(draft: Draft, title: str, kind: str | None) -> str:
    """YAML front matter; strings written as JSON strings, which YAML reads as they are."""
    values = {"title": title}
    if draft.subtitle:
        values["subtitle"] = draft.subtitle
    values["kind"] = kind or draft.front.pop("kind", None) or "article"
    if draft.authors:
        values["authors"] = draft.authors
    for key, value in draft.front.items():  # the rest of a Markdown file's own front matter
        values.setdefault(key, value)
    lines = ["---"]
    for key, value in values.items():
        if key == "kind":
            lines.append(f"kind: {value}")
        elif isinstance(value, (str, list)):
            lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
        else:
            lines.append(f"{key}: {value}")
    return "\n".join(lines + ["---", ""])


def _write(target: Path, text: str, images, draft: Draft, manifest: Path, manifest_text: str) -> list[Path]:
    written = []
    for provisional, (_relative, path) in images.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(draft.images[provisional])
        written.append(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    written.append(target)
    fd, tmp = tempfile.mkstemp(prefix=".book.", suffix=".yaml.tmp", dir=manifest.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as stream:
        stream.write(manifest_text)
    os.chmod(tmp, manifest.stat().st_mode & 0o777)
    os.replace(tmp, manifest)
    return written


def _report(written, draft: Draft, text: str, title: str, number: int, count: int, chapter_title: str,
            manifest: Path, root: Path, file: Path, stdout) -> None:
    def show(path: Path) -> str:
        return str(path.resolve().relative_to(root))

    print(f"Imported {file} as “{title}”:", file=stdout)
    for path in written:
        print(f"  wrote {show(path)}", file=stdout)
    where = f"a new chapter {number}, “{chapter_title}”" if number > count else f"chapter {number}"
    print(f"  added it to {where} in {manifest.name}", file=stdout)
    checks = list(draft.checks)
    if not draft.title:
        checks.append(f"the title “{title}” was made from the file name: correct it in the front matter")
    if not draft.authors:
        checks.append("no author found: add authors: [\"…\"] to the front matter")
    if number > count and chapter_title.startswith("Chapter "):
        checks.append(f"the new chapter is titled “{chapter_title}”: give it its title in {manifest.name}")
    todo = text.count(TODO_ALT)
    if todo and not any(TODO_ALT in c for c in checks):
        checks.append(f"{todo} image alt text{'s are' if todo != 1 else ' is'} “{TODO_ALT}”: describe the images")
    checks.append("read the piece against the original (emphasis, quotes, lists, notes), then run anthology build")
    print("Check:", file=stdout)
    for item in checks:
        print(f"  - {item}", file=stdout)

"""`anthology import FILE`: read a contributor's file (an EPUB: its chapters), write each piece (with its
images) into the book and add it to a chapter of book.yaml; print what was written, what was found and
lost, and what to check. All or nothing: every output is decided before the first file is written, and
`--dry-run` stops there."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from anthology.importers import Draft, Options, Unreadable, read_all
from anthology.importers.html import TODO_ALT
from anthology.importers.markdown import piece_body
from anthology.importers.placement import Manifest, PlacementError, file_name
from anthology.outputs import refuse_links_out

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2


@dataclass
class _Planned:
    draft: Draft
    title: str
    target: Path
    entry: str
    text: str
    images: dict[str, tuple[str, Path]]


def run(file: Path, *, manifest: Path, chapter: int | None, chapter_title: str | None, kind: str | None,
        to: Path | None, dry_run: bool = False, options: Options | None = None, stdout=None, stderr=None) -> int:
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    if not manifest.is_file():
        print(f"{manifest}: no such manifest (run this in the book's folder, or give --manifest)", file=stderr)
        return EXIT_USAGE
    try:
        drafts = read_all(file, options)
        book = Manifest(manifest)
    except (Unreadable, PlacementError) as exc:
        print(f"{exc}\nNothing was written.", file=stderr)
        return EXIT_PROBLEM
    if not drafts:
        print(f"{file}: nothing to import (no chapter chosen has any text)\nNothing was written.", file=stderr)
        return EXIT_PROBLEM
    if to is not None and len(drafts) != 1:
        print(f"anthology import: --to names one file, but {file} gives {len(drafts)} pieces: leave --to out",
              file=stderr)
        return EXIT_USAGE
    count = len(book.chapters)
    whole_book = file.suffix.lower() == ".epub"
    number = chapter if chapter is not None else (count + 1 if whole_book else max(count, 1))
    if not 1 <= number <= count + 1:
        print(f"anthology import: --chapter must be between 1 and {count + 1} (the book has {count} "
              f"chapter{'s' if count != 1 else ''}; {count + 1} starts a new one)", file=stderr)
        return EXIT_USAGE
    book_title = getattr(drafts[0], "book_title", None)
    new_chapter_title = chapter_title or (book_title if whole_book and book_title else f"Chapter {number}")
    root = manifest.parent.resolve()
    if to is not None:
        target = to.resolve()
        if root not in target.parents or target.suffix != ".md":
            print(f"anthology import: --to {to}: must be a .md file inside the book's folder {root}", file=stderr)
            return EXIT_USAGE
    from anthology.book.manifest import slug

    taken = {slug(PurePosixPath(listed).stem) for listed in book.listed()}
    language = str(book.data.get("language") or "")
    planned: list[_Planned] = []
    manifest_text = book.text
    for draft in drafts:
        title = draft.title or _title_from(file)
        name = file_name(title)
        base, n = name, 1
        while name in taken:  # piece ids come from file names and must be unique in the book
            n += 1
            name = f"{base}-{n}"
        taken.add(name)
        path = target if to is not None else root / book.chapter_folder(number, new_chapter_title) / f"{name}.md"
        entry = path.relative_to(root).as_posix()
        if path.exists() or entry in book.listed():
            print(f"{path}: already exists or is already in {manifest.name}; nothing was written "
                  "(give another path with --to)", file=stderr)
            return EXIT_PROBLEM
        images = _image_paths(draft, path, name, {p for plan in planned for _, p in plan.images.values()})
        chosen_kind = kind or draft.front.get("kind") or draft.kind
        body = draft.markdown if draft.markdown is not None else \
            piece_body(draft, {provisional: relative for provisional, (relative, _) in images.items()}, chosen_kind)
        text = _front_matter(draft, title, kind, language) + body
        try:
            manifest_text = book.with_piece(number, entry, new_chapter_title)
        except PlacementError as exc:
            print(f"{exc}\nNothing was written.", file=stderr)
            return EXIT_PROBLEM
        planned.append(_Planned(draft, title, path, entry, text, images))
    if not dry_run:
        refuse_links_out(root, [path for plan in planned  # no write through a symlink
                                for path in (plan.target, *(p for _, p in plan.images.values()))])
        for plan in planned:
            _write(plan)
        _replace(manifest, manifest_text)
    for plan in planned:
        _report(plan, file, root, dry_run, stdout)
    where = f"a new chapter {number}, “{new_chapter_title}”" if number > count else f"chapter {number}"
    verb = "would add" if dry_run else "added"
    print(f"{verb} {'it' if len(planned) == 1 else f'the {len(planned)} pieces'} to {where} in {manifest.name}",
          file=stdout)
    if number > count and new_chapter_title.startswith("Chapter "):
        print(f"  - the new chapter is titled “{new_chapter_title}”: give it its title in {manifest.name}", file=stdout)
    if dry_run:
        print("Dry run: nothing was written.", file=stdout)
    return EXIT_OK


def _title_from(file: Path) -> str:
    return file.stem.replace("_", " ").replace("-", " ").strip().capitalize() or "Untitled"


def _image_paths(draft: Draft, target: Path, name: str, claimed: set[Path]) -> dict[str, tuple[str, Path]]:
    """Provisional image name -> (path relative to the piece, absolute path), never an existing file."""
    folder = target.parent / "images"
    chosen: dict[str, tuple[str, Path]] = {}
    number = 0
    for provisional in draft.images:
        suffix = Path(provisional).suffix
        while True:
            number += 1
            path = folder / f"{name}-{number}{suffix}"
            if not path.exists() and path not in claimed:
                break
        chosen[provisional] = (f"images/{path.name}", path)
    return chosen


def _front_matter(draft: Draft, title: str, kind: str | None, book_language: str) -> str:
    """YAML front matter; strings written as JSON strings, which YAML reads as they are."""
    from anthology.book import schema

    values: dict[str, object] = {"title": title}
    if draft.subtitle:
        values["subtitle"] = draft.subtitle
    values["kind"] = kind or draft.front.pop("kind", None) or draft.kind or "article"
    if draft.authors:
        values["authors"] = draft.authors
    comment = None
    if draft.language and draft.language.lower() != book_language.lower():
        if "language" in schema.PIECE:
            values["language"] = draft.language
        else:  # the book cannot say a piece's own language yet: keep what the source said for the editor
            comment = (f"# language: {json.dumps(draft.language)}  (the source's language; this version of the "
                       "tool takes the book's language for every piece)")
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
    if comment:
        lines.append(comment)
    return "\n".join(lines + ["---", ""])


def _write(plan: _Planned) -> None:
    for provisional, (_relative, path) in plan.images.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(plan.draft.images[provisional])
    plan.target.parent.mkdir(parents=True, exist_ok=True)
    plan.target.write_text(plan.text, encoding="utf-8")


def _replace(manifest: Path, manifest_text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".book.", suffix=".yaml.tmp", dir=manifest.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as stream:
        stream.write(manifest_text)
    os.chmod(tmp, manifest.stat().st_mode & 0o777)
    os.replace(tmp, manifest)


def _report(plan: _Planned, file: Path, root: Path, dry_run: bool, stdout) -> None:
    draft = plan.draft

    def show(path: Path) -> str:
        return str(path.resolve().relative_to(root))

    source = f"{file} ({draft.source})" if draft.source else str(file)
    print(f"{'Would import' if dry_run else 'Imported'} {source} as “{plan.title}”:", file=stdout)
    paths = [path for _, path in plan.images.values()] + [plan.target]
    for path in paths:
        print(f"  {'would write' if dry_run else 'wrote'} {show(path)}", file=stdout)
    if dry_run:
        front = plan.text.split("\n---\n", 1)[0].removeprefix("---\n")
        print("  front matter:", file=stdout)
        for line in front.splitlines():
            print(f"    {line}", file=stdout)
        print(f"  and {plan.text.count(chr(10)) - front.count(chr(10)) - 2} lines of Markdown", file=stdout)
    findings = list(draft.findings)
    if draft.language:
        findings.append(f"language: {draft.language}")
    if draft.comments:
        findings.append(f"comments: {len(draft.comments)}, kept as <!-- … --> in the Markdown (the build leaves "
                        "them out)")
    if findings:
        print("Found:", file=stdout)
        for item in findings:
            print(f"  - {item}", file=stdout)
    checks = list(draft.checks)
    if not draft.title:
        checks.append(f"the title “{plan.title}” was made from the file name: correct it in the front matter")
    if not draft.authors:
        checks.append("no author found: add authors: [\"…\"] to the front matter")
    todo = plan.text.count(TODO_ALT)
    if todo and not any(TODO_ALT in c for c in checks):
        checks.append(f"{todo} image alt text{'s are' if todo != 1 else ' is'} “{TODO_ALT}”: describe the images")
    if draft.comments:
        checks.append(f"answer the {len(draft.comments)} reviewer comment{'s' if len(draft.comments) != 1 else ''} "
                      "(<!-- … --> in the piece), then delete them")
    checks.append("read the piece against the original (emphasis, quotes, lists, notes), then run anthology build")
    print("Check:", file=stdout)
    for item in checks:
        print(f"  - {item}", file=stdout)

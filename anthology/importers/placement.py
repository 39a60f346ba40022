"""Where an imported piece goes: its chapter's folder, a free file name, and its entry in book.yaml,
edited with a round-trip YAML library so the manifest keeps its comments, order and quoting."""

from __future__ import annotations

import difflib
import io
from pathlib import Path, PurePosixPath

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.tokens import CommentToken
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString
from ruamel.yaml.util import load_yaml_guess_indent


def file_name(title: str) -> str:
    """The file name (without .md) for a piece titled `title`: its slug, letters of other scripts
    transliterated (anyascii) while the book's slug() drops them ("Начало Работы" -> nachalo-raboty)."""
    from anthology.book.manifest import slug

    if slug("\u0436") in ("", "book"):  # slug() keeps only Latin letters
        from anyascii import anyascii

        title = anyascii(title)
    return slug(title)[:60].strip("-") or "piece"


class PlacementError(Exception):
    """The manifest cannot take the piece; the message is `FILE[:LINE]: what`."""


class Manifest:
    """book.yaml, read for a round trip."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self.text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
            _data, indent, block_seq_indent = load_yaml_guess_indent(self.text)
        except (OSError, UnicodeDecodeError) as exc:
            raise PlacementError(f"{path}: cannot read the manifest: {exc}") from None
        except YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise PlacementError(f"{path}:{mark.line + 1 if mark else 1}: YAML: {getattr(exc, 'problem', exc)}") from None
        self.guessed = (indent or 2, max(indent or 2, (block_seq_indent or 0) + 2), block_seq_indent or 0)
        self.yaml = _round_trip(self.guessed)
        self.data = self.yaml.load(self.text)
        if not isinstance(self.data, CommentedMap) or not isinstance(self.data.get("chapters"), CommentedSeq):
            raise PlacementError(f"{path}: the manifest has no chapters: list to add the piece to")
        self.chapters: CommentedSeq = self.data["chapters"]

    def chapter_folder(self, number: int, new_title: str) -> PurePosixPath:
        """The folder of chapter `number` (1-based): where its last piece is, else chapters/NN-slug."""
        from anthology.book.manifest import slug

        if number <= len(self.chapters):
            chapter = self.chapters[number - 1]
            pieces = chapter.get("pieces") if isinstance(chapter, CommentedMap) else None
            for entry in reversed(pieces or []):
                target = entry.get("file") if isinstance(entry, CommentedMap) else entry
                if isinstance(target, str) and target.strip():
                    return PurePosixPath(target.strip()).parent
            title = chapter.get("title", "") if isinstance(chapter, CommentedMap) else ""
        else:
            title = new_title
        return PurePosixPath("chapters") / f"{number:02d}-{slug(str(title))}"

    def listed(self) -> set[str]:
        """Every piece path the manifest lists, normalised."""
        found = set()
        for chapter in self.chapters:
            for entry in (chapter.get("pieces") or []) if isinstance(chapter, CommentedMap) else []:
                target = entry.get("file") if isinstance(entry, CommentedMap) else entry
                if isinstance(target, str):
                    found.add(PurePosixPath(target.strip()).as_posix())
        return found

    def with_piece(self, number: int, entry: str, new_title: str) -> str:
        """The manifest's new text with `entry` at the end of chapter `number` (one past the last: a new
        chapter titled `new_title`). Nothing is written."""
        if number == len(self.chapters) + 1:
            chapter = CommentedMap()
            chapter["title"] = _like(self.chapters[-1].get("title") if self.chapters and
                                     isinstance(self.chapters[-1], CommentedMap) else None, new_title)
            chapter["pieces"] = CommentedSeq([_like(self._last_entry(), entry)])
            self.chapters.append(chapter)
        else:
            chapter = self.chapters[number - 1]
            if not isinstance(chapter, CommentedMap):
                raise PlacementError(f"{self.path}: chapter {number} is not a mapping with title: and pieces:")
            if not isinstance(chapter.get("pieces"), CommentedSeq):
                chapter["pieces"] = CommentedSeq()
            _append_before_trailing_comments(chapter["pieces"], _like(self._last_entry(), entry))
        return self._dump()

    def _last_entry(self):
        for chapter in reversed(self.chapters):
            for entry in reversed((chapter.get("pieces") or []) if isinstance(chapter, CommentedMap) else []):
                if isinstance(entry, str):
                    return entry
        return None

    def _dump(self) -> str:
        """The data written back in the indentation that changes the fewest of the manifest's lines:
        round-trip YAML keeps comments, order and quoting, but writes one indentation for the whole file."""
        best = None
        for layout in (self.guessed, (2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4)):
            out = io.StringIO()
            _round_trip(layout).dump(self.data, out)
            text = out.getvalue()
            matcher = difflib.SequenceMatcher(None, self.text.splitlines(), text.splitlines(), autojunk=False)
            changed = sum(max(i2 - i1, 0) for op, i1, i2, _j1, _j2 in matcher.get_opcodes() if op != "insert" and op != "equal")
            if best is None or changed < best[0]:
                best = (changed, text)
            if changed == 0:
                break
        assert best is not None, "the loop above tries at least one layout"
        return best[1]


def _round_trip(layout: tuple[int, int, int]) -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    mapping, sequence, offset = layout
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def _like(example, value: str):
    """value quoted the way the example next to it is (double, single or plain)."""
    for kind in (DoubleQuotedScalarString, SingleQuotedScalarString):
        if isinstance(example, kind):
            return kind(value)
    return value


def _append_before_trailing_comments(sequence: CommentedSeq, entry: str) -> None:
    """Append entry; full-line comments that followed the last item stay below, after the new one
    (an end-of-line comment stays with its own item)."""
    last = len(sequence) - 1
    sequence.append(entry)
    slot = sequence.ca.items.get(last)
    token = slot[0] if slot else None
    if last < 0 or not isinstance(token, CommentToken):
        return
    eol, newline, rest = token.value.partition("\n")
    if not rest.strip():
        return
    token.value = eol + newline
    if not token.value.strip():
        slot[0] = None
        if not any(slot):
            del sequence.ca.items[last]
    sequence.ca.items[last + 1] = [CommentToken("\n" + rest, token.start_mark), None, None, None]

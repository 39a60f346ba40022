"""Markdown (.md) and plain text (.txt) -> Draft: Markdown keeps its front matter and text (the build
sanitises any raw HTML in it); plain text becomes paragraphs with Markdown's special characters escaped."""

from __future__ import annotations

import re
from pathlib import Path

from anthology.book.sources import SourceError, parse_yaml, read_text, split_front_matter
from anthology.importers import Draft, Unreadable

_SPECIAL = re.compile(r"([\\`*_{}\[\]>#|~])")
_LINE_START = re.compile(r"^(\s*)([-+]|\d+\.)(\s)", re.M)


def read(path: Path) -> Draft:
    try:
        text = read_text(path)
    except SourceError as exc:
        raise Unreadable(f"{path}: {exc.message}") from None
    if path.suffix.lower() == ".txt":
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
        body = "\n\n".join(_LINE_START.sub(r"\1\\\2\3", _SPECIAL.sub(r"\\\1", p).replace("<", "&lt;"))
                             for p in paragraphs)
        return Draft(markdown=body + "\n")
    try:
        front, body, _line = split_front_matter(text)
        data = parse_yaml(front, first_line=2) if front is not None else None
    except SourceError as exc:
        raise Unreadable(f"{path}:{exc.line or 1}: {exc.message}") from None
    draft = Draft(markdown=body.strip("\n") + "\n", front=dict(data) if isinstance(data, dict) else {})
    draft.title = draft.front.pop("title", None)
    authors = draft.front.pop("authors", None) or draft.front.pop("author", None) or []
    draft.authors = [authors] if isinstance(authors, str) else [str(a) for a in authors]
    if re.search(r"!\[[^\]]*\]\((?!https?:)", body):
        draft.checks.append("the Markdown refers to images: copy them into the book and check their paths")
    return draft

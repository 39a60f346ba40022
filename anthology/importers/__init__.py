"""Contributors' files -> drafts of pieces: one module per format, chosen by the file's extension.

Every importer returns a `Draft`: the document's title and authors, its body as sanitised HTML whose
images point at provisional names, the images' bytes under those names, and what the editor should
check. `command.py` turns a draft into a piece of the book (`markdown.py` writes the Markdown,
`placement.py` the files and the manifest entry).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


class Unreadable(Exception):
    """The file cannot be read as the format its name says; the message names the file."""


@dataclass
class Draft:
    title: str | None = None
    subtitle: str | None = None
    authors: list[str] = field(default_factory=list)
    html: str = ""                                       # sanitised body HTML (no title, no author)
    notes: list[str] = field(default_factory=list)       # footnotes' HTML; the body calls note n by NOTE_TOKEN
    markdown: str | None = None                          # set instead of html by the Markdown/text importer
    front: dict = field(default_factory=dict)            # front matter a Markdown file already had
    images: dict[str, bytes] = field(default_factory=dict)  # provisional name (as in html) -> bytes
    checks: list[str] = field(default_factory=list)      # what the editor should look at


FORMATS = {".docx": "docx", ".html": "html", ".htm": "html", ".xhtml": "html",
           ".md": "text", ".markdown": "text", ".txt": "text"}


def read(path: Path) -> Draft:
    """Read a contributor's file into a Draft; Unreadable (naming the file) when that fails."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise Unreadable(f"{path}: cannot import a '{path.suffix or 'extensionless'}' file "
                         f"(known: {', '.join(sorted(FORMATS))})")
    if not path.is_file():
        raise Unreadable(f"{path}: no such file")
    if fmt != "docx":  # a reference to a character XML cannot carry (&#xD800;): named, not turned into U+FFFD
        from anthology.book.limits import bad_references

        found = bad_references(path.read_bytes().decode("utf-8", errors="replace"))
        if found:
            raise Unreadable(f"{path}:{found[0][0]}: {found[0][1]}")
    if fmt == "docx":
        from anthology.importers import docx as module
    elif fmt == "html":
        from anthology.importers import html as module
    else:
        from anthology.importers import text as module
    return module.read(path)

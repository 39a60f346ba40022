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
    language: str | None = None                          # BCP 47 tag of the text (lang on <html>, Word's)
    kind: str | None = None                              # "lyrics" when the whole text is a poem or a song
    findings: list[str] = field(default_factory=list)    # what was found and what was lost, with locations
    comments: list[str] = field(default_factory=list)    # the reviewers' comments, kept for the editor
    source: str | None = None                            # where the text came from (an EPUB's member)
    book_title: str | None = None                        # the title of the EPUB the text came from


@dataclass
class Options:
    """The editor's choices for one import."""

    changes: str | None = None          # Word's tracked changes: "accept", "reject", or None (refuse them)
    only: set[int] | None = None        # an EPUB's chapters to take (1-based), None for all
    whole_page: bool = False            # a web page read whole, not cut to its main text


def numbers(text: str) -> set[int]:
    """ "3,5-7" -> {3, 5, 6, 7}; ValueError saying what is wrong."""
    chosen: set[int] = set()
    for part in text.split(","):
        first, _, last = part.strip().partition("-")
        if not first.isdigit() or (last and not last.isdigit()):
            raise ValueError(f"'{part.strip()}' is not a number or a range such as 5-7")
        low, high = int(first), int(last or first)
        if low < 1 or high < low:
            raise ValueError(f"'{part.strip()}': chapters count from 1, a range from low to high")
        chosen.update(range(low, high + 1))
    return chosen


FORMATS = {".docx": "docx", ".html": "html", ".htm": "html", ".xhtml": "html", ".epub": "epub", ".odt": "odt",
           ".md": "text", ".markdown": "text", ".txt": "text"}


def read_all(path: Path, options: Options | None = None) -> list[Draft]:
    """Read a contributor's file into Drafts (an EPUB gives one per chapter, any other file one);
    Unreadable (naming the file) when that fails."""
    options = options or Options()
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise Unreadable(f"{path}: cannot import a '{path.suffix or 'extensionless'}' file "
                         f"(known: {', '.join(sorted(FORMATS))})")
    if not path.is_file():
        raise Unreadable(f"{path}: no such file")
    if fmt not in ("docx", "odt", "epub"):  # a reference to a character XML cannot carry (&#xD800;): named, not turned into U+FFFD
        from anthology.book.limits import bad_references

        found = bad_references(path.read_bytes().decode("utf-8", errors="replace"))
        if found:
            raise Unreadable(f"{path}:{found[0][0]}: {found[0][1]}")
    if fmt == "epub":
        from anthology.importers import epub

        return epub.read(path, options)
    if fmt == "docx":
        from anthology.importers import docx

        return [docx.read(path, options)]
    if fmt == "odt":
        from anthology.importers import odt

        return [odt.read(path, options)]
    if fmt == "html":
        from anthology.importers import html

        return [html.read(path, whole_page=options.whole_page)]
    from anthology.importers import text

    return [text.read(path)]


def read(path: Path, options: Options | None = None) -> Draft:
    """The one Draft of a file that is not an EPUB."""
    return read_all(path, options)[0]

"""Book / Chapter / Piece: the one validated object every renderer consumes.

Immutable once `load_book` returns: every class here is a frozen dataclass, so assigning to a field
of a loaded Book, chapter, piece or fragment raises `dataclasses.FrozenInstanceError`. What later
stages compute is a new value, never written into the Book: the index's marks are a marked copy
(`text/index.mark` returns it with the entries, the build's Session holds both). The one link
made after construction, a piece's `chapter`, is set by `Chapter.__post_init__` while the chapter
is made. Pickling (the Book is sent to the layout workers) does not go through `__setattr__`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from anthology.book.labels import Labels

if TYPE_CHECKING:
    from anthology.book.glyphs import Survey


@dataclass(frozen=True)
class Fragment:
    """A piece of Markdown turned into HTML: body without notes, notes apart, images used."""

    html: str
    notes: list[tuple[str, str]] = field(default_factory=list)  # (number, note content HTML)
    images: list[Path] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # external URLs, for print
    marks: dict[str, str] = field(default_factory=dict)  # note key -> its printed mark ("a", "*") for tn/ed notes
    series: dict[str, str] = field(default_factory=dict)  # note key -> "tn" (translator) or "ed" (editor)
    chunk_lines: list[int] = field(default_factory=list)  # source line of each aligned chunk (parallel text)


@dataclass(frozen=True)
class Original:
    """The text a piece was translated from, set beside it (text/parallel.py)."""

    path: Path
    language: str
    direction: str  # "ltr" or "rtl"
    body: Fragment
    title: str | None = None


@dataclass(frozen=True)
class Piece:
    id: str
    path: Path
    title: str
    kind: str = "article"
    subtitle: str | None = None
    authors: list[str] = field(default_factory=list)
    translators: list[str] = field(default_factory=list)
    source: str | None = None
    date: dt.date | None = None
    url: str | None = None
    original_language: str | None = None  # the language it was translated from
    language: str | None = None  # the language it is written in (None: the book's)
    credits: str | None = None
    body: Fragment | None = None
    original: Original | None = None
    parallel: str = "off"  # facing | columns | after | off (always off without an original)
    chapter: Chapter | None = field(default=None, compare=False)  # set by the Chapter (not compared: a cycle)

    @property
    def file_name(self) -> str:
        return f"{self.id}.xhtml"


@dataclass(frozen=True)
class Chapter:
    id: str
    title: str
    intro: Fragment | None
    pieces: list[Piece]

    def __post_init__(self) -> None:
        # the chapter claims its pieces as it is made (a frozen piece's one late link): a chapter made
        # again (dataclasses.replace) is given new pieces too, as text/index.mark does
        for piece in self.pieces:
            object.__setattr__(piece, "chapter", self)

    @property
    def file_name(self) -> str:
        return f"{self.id}.xhtml"


@dataclass(frozen=True)
class IndexTerm:
    term: str
    forms: list[str]
    line: int | None = None  # its line in the manifest


@dataclass(frozen=True)
class PrintSettings:
    trim: tuple[float, float] = (419.53, 595.28)  # points; A5
    trim_name: str = "A5"
    bleed: float = 0.0  # points
    marks: bool = False
    sheet: tuple[float, float] | None = None
    signature: int | None = None
    creep: float = 0.0  # points per sheet
    tagged: bool = False
    zine_back: str = "description"  # or "blank"
    paper_thickness: float = 0.002252 * 72  # points per page (white paper)
    barcode: bool = True  # leave the barcode area clear on the back of the cover wrap
    printer: str | None = None  # a preset of anthology/print/presets.py: kdp, lulu, ingramspark, copyshop
    grayscale: bool = False  # every image and colour of the print PDF and the zine in gray
    pdf_x: str | None = None  # x-1a, x-3 or x-4: the press PDF and the cover wrap as PDF/X (print/pdfx.py)
    pdf_x_interior: bool = False  # the interior <name>.pdf too (a printer's preset that asks for PDF/X)
    output_intent: object = None  # book.profiles.OutputIntent of a PDF/X


@dataclass(frozen=True)
class Book:
    root: Path
    manifest: Path
    title: str
    language: str
    identifier: str
    output: str
    chapters: list[Chapter]
    subtitle: str | None = None
    editors: list[str] = field(default_factory=list)
    publisher: str | None = None
    date: dt.date | None = None
    rights: Fragment | None = None
    description: str | None = None
    cover: Path | None = None
    preface: Fragment | None = None
    index: list[IndexTerm] = field(default_factory=list)
    print: PrintSettings = field(default_factory=PrintSettings)
    labels: Labels = field(default_factory=lambda: Labels("en"))
    sources: list[Path] = field(default_factory=list)  # every text file read: manifest, pieces, intros, preface
    lines: dict[str, int] = field(default_factory=dict)  # manifest line of each key ("cover", "print.trim")
    warnings: list = field(default_factory=list)  # Problems that do not stop the build (an alt text still TODO)
    styles: str = "add"  # the book's styles/book.css adds to the tool's, or "replace"s it (book/styles.py)
    glyphs: Survey | None = None  # the print edition's fonts for other scripts, what none covers (load_book)

    @property
    def direction(self) -> str:
        """'rtl' for a book in a language written right to left (he, ar, fa…), else 'ltr'."""
        from anthology.book import direction

        return direction.of(self.language)

    @property
    def pieces(self) -> list[Piece]:
        return [piece for chapter in self.chapters for piece in chapter.pieces]

    @property
    def images(self) -> list[Path]:
        seen: dict[Path, None] = {}
        fragments = [self.preface, self.rights] + [c.intro for c in self.chapters]
        fragments += [p.body for p in self.pieces] + [p.original.body for p in self.pieces if p.original]
        for fragment in fragments:
            for image in fragment.images if fragment else []:
                seen.setdefault(image)
        return list(seen)

    @property
    def authors(self) -> list[str]:
        return _unique(name for piece in self.pieces for name in piece.authors)

    @property
    def translators(self) -> list[str]:
        return _unique(name for piece in self.pieces for name in piece.translators)


def _unique(names) -> list[str]:
    return list(dict.fromkeys(names))

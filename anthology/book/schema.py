"""The manifest and front-matter keys, declared once: name, type, whether required, what it means."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

BCP47 = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|\d{3}))?(-[A-Za-z0-9]{5,8}|-\d[A-Za-z0-9]{3})*$")
KINDS = ("article", "lyrics", "testimony")


@dataclass(frozen=True)
class Key:
    type: str          # text | texts | date | path | language | kind | list | mapping | int | bool
    required: bool = False
    help: str = ""


BOOK = {
    "title": Key("text", True, "the book's title"),
    "subtitle": Key("text", help="the book's subtitle"),
    "language": Key("language", True, "BCP 47 language tag, e.g. en, en-GB, ru"),
    "editors": Key("texts", help="the anthology's editors"),
    "publisher": Key("text"),
    "date": Key("date", help="publication date, YYYY-MM-DD"),
    "identifier": Key("text", help="default: a UUID derived from the title"),
    "rights": Key("text", help="Markdown for the rights page"),
    "description": Key("text"),
    "cover": Key("path", help="a cover image; default: a cover generated from the title page"),
    "output": Key("text", help="base name of the output files; default: a slug of the title"),
    "preface": Key("path", help="a Markdown file with the preface"),
    "index": Key("list", help="terms of the index of names and places"),
    "print": Key("mapping", help="print settings (see PRINT below)"),
    "styles": Key("text", help="add (default): the book's styles/book.css is loaded after the tool's, its rules "
                               "win; replace: the book's stylesheet is the only one"),
    "labels": Key("mapping", help="the tool's own words in the book's language, e.g. contents: Inhalt"),
    "chapters": Key("list", True, "the themed chapters in reading order"),
}

CHAPTER = {
    "title": Key("text", True),
    "intro": Key("path", help="a Markdown file introducing the chapter"),
    "pieces": Key("list", True, "Markdown files, or mappings with file: and front-matter overrides"),
}

PIECE = {
    "title": Key("text", True),
    "subtitle": Key("text"),
    "kind": Key("kind", help="article (default), lyrics or testimony"),
    "authors": Key("texts"),
    "translators": Key("texts"),
    "source": Key("text", help="where the piece first appeared"),
    "date": Key("date", help="original date, YYYY-MM-DD"),
    "url": Key("text"),
    "language": Key("language", help="the language the piece is written in (default: the book's)"),
    "original_language": Key("language", help="the language the piece was translated from"),
    "credits": Key("text", help="free text: thanks, permissions"),
    "id": Key("text", help="the piece's id (default: the file name); used in EPUB file names and --piece"),
}

INDEX_TERM = {
    "term": Key("text", True, "the heading in the index"),
    "forms": Key("texts", help="the strings to find in the text (default: the term itself)"),
}

PRINT = {
    "trim": Key("text", help="A5 (default), A4, A6, A7, letter, half-letter, 5.5in x 8.5in, 6in x 9in, or W x H"),
    "bleed": Key("text", help="e.g. 3mm"),
    "marks": Key("text", help="crop (crop marks), none"),
    "sheet": Key("text", help="zine sheet size: A4, A3, letter, tabloid or W x H"),
    "signature": Key("int", help="sheets per signature in the zine"),
    "creep": Key("text", help="creep compensation per sheet in the zine, e.g. 0.1mm"),
    "tagged": Key("bool", help="write a tagged PDF/UA-1"),
    "paper": Key("text", help="the interior's paper, for the spine of the cover wrap: white (0.002252 in a page, "
                              "the default), cream (0.0025 in) or a thickness a page such as 0.06mm"),
    "barcode": Key("text", help="area (default: a clear white 2 × 1.2 in area on the back of the cover wrap) or none"),
    "printer": Key("text", help="the print-on-demand service whose rules the interior follows: kdp, lulu, "
                                "ingramspark or copyshop"),
    "grayscale": Key("bool", help="every image and colour of the print PDF and the zine in gray"),
    "zine-back": Key("text", help="the zine's outside back cover: description (default: description, "
                                  "publisher and date) or blank"),
    "pdf-x": Key("text", help="the press PDF (and the cover wrap, and the interior where the printer's preset asks "
                              "for it) as PDF/X: x-1a, x-3, x-4 or none (the default; docs/pdfx.md)"),
    "output-intent": Key("text", help="the CMYK printing condition of a PDF/X: fogra39 (the default), gracol, swop "
                                      "or the printer's own profile, a .icc file inside the book"),
}

ZINE_BACKS = ("description", "blank")
PAPERS = {"white": 0.002252, "cream": 0.0025}  # inches per page (KDP's figures)
BARCODES = ("area", "none")


def check_value(key: Key, value) -> tuple[object, str | None]:
    """Return (normalised value, problem or None) for one value against its declared type."""
    kind = key.type
    if kind == "text":
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            text = str(value)
            return (text, None) if text.strip() else (None, "must not be empty")
        return None, "must be text"
    if kind == "texts":
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
            return [v.strip() for v in value], None
        return None, "must be a list of names (text)"
    if kind == "date":
        if isinstance(value, dt.datetime):
            return value.date(), None
        if isinstance(value, dt.date):
            return value, None
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip()), None
            except ValueError:
                pass
        return None, f"must be a date written YYYY-MM-DD (got '{value}')"
    if kind == "language":
        from anthology.book import languages

        found = languages.problem(value)
        if found is None:
            return value.strip(), None
        return None, f"must be a BCP 47 language tag such as en, en-GB or kk-Cyrl (got '{value}'): {found}"
    if kind == "kind":
        if value in KINDS:
            return value, None
        return None, f"must be one of {', '.join(KINDS)} (got '{value}')"
    if kind == "path":
        if isinstance(value, str) and value.strip():
            return value.strip(), None
        return None, "must be a file path"
    if kind == "list":
        return (value, None) if isinstance(value, list) else (None, "must be a list")
    if kind == "mapping":
        return (value, None) if isinstance(value, dict) else (None, "must be a mapping of keys")
    if kind == "int":
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value, None
        return None, "must be a whole number above 0"
    if kind == "bool":
        return (value, None) if isinstance(value, bool) else (None, "must be true or false")
    raise AssertionError(kind)

"""Which stylesheets a book's editions use, in which order, and the one text each edition gets.

The tool's `styles/book.css` comes first; a book's own `styles/book.css` ADDS to it (loaded after it,
so the book's rules win). `styles: replace` in the manifest makes the book's stylesheet the only one,
as it was before version 0.x. The EPUB and the site get one file (the tool's rules, then the book's,
each without its print-fonts block); the print edition gets one stylesheet too, as a `data:` URL whose
references are absolute file URLs, with the fonts for the book's other scripts (book/glyphs.py)
between the tool's rules and the book's. A book without a stylesheet of its own and without other
scripts is laid out from the tool's file itself, as before.
"""

from __future__ import annotations

import re
from pathlib import Path

from anthology.resources import TOOL_ROOT

MODES = ("add", "replace")
STYLESHEET = "styles/book.css"
_PRINT_FONTS = re.compile(r"/\* print-fonts:start \*/.*?/\* print-fonts:end \*/", re.S)
_COMMENT_OR_STRING = re.compile(r"(\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*')|/\*.*?\*/", re.S)
_IMPORT_RULE = re.compile(r"@import\s[^;]*;", re.I)
_CHARSET_RULE = re.compile(r"@charset\s[^;]*;", re.I)
_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)""", re.I)
_IMPORT_STRING = re.compile(r"""(@import\s+)(?:"([^"]*)"|'([^']*)')""", re.I)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


def tool_sheet() -> Path:
    return TOOL_ROOT / STYLESHEET


def own_sheet(root: Path) -> Path | None:
    """The book's own stylesheet, None when it has none (or when the book is the tool's own folder)."""
    own = Path(root) / STYLESHEET
    if not own.is_file() or own.resolve() == tool_sheet().resolve():
        return None
    return own


def sheets(root: Path, mode: str = "add") -> list[Path]:
    """The stylesheets of a book, in cascade order (the last wins)."""
    own = own_sheet(root)
    if own is None:
        return [tool_sheet()]
    return [own] if mode == "replace" else [tool_sheet(), own]


def without_comments(css: str) -> str:
    return _COMMENT_OR_STRING.sub(lambda m: m.group(1) or "", css)


def _joined(texts: list[str]) -> str:
    """Stylesheets as one: every @import of any of them first (CSS ignores one after a rule)."""
    imports, bodies = [], []
    for text in texts:
        text = _CHARSET_RULE.sub("", without_comments(text))
        imports += _IMPORT_RULE.findall(text)
        bodies.append(_IMPORT_RULE.sub("", text))
    return "\n".join(imports + bodies)


def epub_text(root: Path, mode: str = "add") -> str:
    """The EPUB's and the site's one stylesheet (at style/book.css, beside where the book's own
    references expect it): each sheet without its print-fonts block (readers choose their fonts)."""
    return _joined([_PRINT_FONTS.sub("", sheet.read_text(encoding="utf-8")) for sheet in sheets(root, mode)])


def _absolute(css: str, base: Path) -> str:
    """Relative url() and @import references made absolute file URLs (the text is moved away from
    the file it was written in)."""

    def target(value: str) -> str:
        if not value or value.startswith("#") or _SCHEME.match(value) or value.startswith("//"):
            return value
        return (base / value).resolve().as_uri() + ("#" + value.split("#", 1)[1] if "#" in value else "")

    css = _URL.sub(lambda m: f'url("{target(next(g for g in m.groups() if g is not None).strip())}")', css)
    return _IMPORT_STRING.sub(lambda m: f'{m.group(1)}"{target(m.group(2) or m.group(3) or "")}"', css)


def print_single(book, fonts_css: str = "") -> Path | None:
    """The one file the print edition can use as it is (no book stylesheet to add, no fonts for
    other scripts), else None."""
    listed = sheets(book.root, getattr(book, "styles", "add"))
    return listed[0] if len(listed) == 1 and not fonts_css else None


def print_text(book, fonts_css: str = "") -> str:
    """The print edition's stylesheet as one text: the tool's, the fonts for the book's scripts, the
    book's (references absolute)."""
    texts = []
    for sheet in sheets(book.root, getattr(book, "styles", "add")):
        texts.append(_absolute(without_comments(sheet.read_text(encoding="utf-8")), sheet.parent))
        if sheet == tool_sheet() and fonts_css:
            texts.append(fonts_css)
    if fonts_css and len(texts) == 1:  # styles: replace: the fonts before the book's own rules
        texts.insert(0, fonts_css)
    return _joined(texts)


def print_files(book) -> list[Path]:
    """The files the print stylesheet was made from (inputs of the build)."""
    return sheets(book.root, getattr(book, "styles", "add"))

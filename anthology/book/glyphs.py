"""Every character of the book must have a glyph in a font the stylesheet declares (@font-face)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

_FACE = re.compile(r"@font-face\s*{([^}]*)}", re.S)
_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
_FAMILY = re.compile(r"font-family\s*:\s*['\"]?([^;'\"]+)")


def declared_fonts(stylesheet: Path) -> list[tuple[str, Path]]:
    """(family, file) of every @font-face in the stylesheet."""
    css = stylesheet.read_text(encoding="utf-8")
    fonts = []
    for block in _FACE.findall(css):
        family = _FAMILY.search(block)
        for url in _URL.findall(block):
            fonts.append((family.group(1).strip() if family else "?", (stylesheet.parent / url).resolve()))
    return fonts


@lru_cache(maxsize=32)
def _cmap(path: Path) -> frozenset[int]:
    """The characters a font file has glyphs for; read with fontTools once per font file, then kept
    in the build cache (keyed by the file's content)."""
    from anthology import cache

    request = cache.key("cmap", cache.file_hash(path))
    entry = cache.lookup(request)
    if entry is not None and isinstance(entry.data.get("cmap"), list):
        return frozenset(entry.data["cmap"])
    from fontTools.ttLib import TTFont  # imported when needed: `anthology --help` stays quick

    font = TTFont(str(path), lazy=True)
    try:
        found = frozenset(font.getBestCmap() or {})
    finally:
        font.close()
    cache.store(request, [path], {}, {"cmap": sorted(found)})
    return found


def coverage(stylesheet: Path) -> tuple[frozenset[int], list[str]]:
    covered: set[int] = set()
    families: list[str] = []
    for family, path in declared_fonts(stylesheet):
        if path.is_file():
            covered |= _cmap(path)
            if family not in families:
                families.append(family)
    return frozenset(covered), families


def _needs_glyph(char: str) -> bool:
    return not (char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Zs", "Zl", "Zp"))


def missing(texts: dict[Path, str], stylesheet: Path):
    """Yield (file, line, char) for characters no declared font can draw (first place each)."""
    covered, families = coverage(stylesheet)
    if not covered:
        return
    seen: set[str] = set()
    for path, text in texts.items():
        for number, line in enumerate(text.split("\n"), start=1):
            for char in line:
                if ord(char) < 128 or char in seen or ord(char) in covered or not _needs_glyph(char):
                    continue
                seen.add(char)
                yield path, number, char, families


def describe(char: str, families: list[str]) -> str:
    name = unicodedata.name(char, "unnamed character")
    return (f"the character '{char}' (U+{ord(char):04X} {name}) has no glyph in the book's fonts "
            f"({', '.join(families)}): replace it, or declare a font that has it with @font-face "
            "in styles/book.css")

"""Which font sets each character of the print edition: the stylesheets' own @font-face fonts first,
then the tool's fonts for other scripts (styles/fonts/scripts/, Noto, OFL), then a Noto font the system
has (Debian's fonts-noto-cjk above all; found by fontconfig), each named; what none of them covers is a problem of the print
edition only (the EPUB and the site leave the fonts to the reader).

`survey()` runs once when the book is read (a set of its distinct characters, so a book in one script
costs one set difference); `fonts_css()` gives the print stylesheet the fonts it chose, as the
custom property `--anthology-script-fonts` that the tool's font stacks end with."""

from __future__ import annotations

import re
import os
import shutil
import subprocess
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from anthology.resources import TOOL_ROOT

_FACE = re.compile(r"@font-face\s*{([^}]*)}", re.S)
_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
_FAMILY = re.compile(r"font-family\s*:\s*['\"]?([^;'\"]+)")

SCRIPT_FONTS_DIR = TOOL_ROOT / "styles" / "fonts" / "scripts"
#: The tool's fonts for other scripts, in the order they are tried: (family, file stem). A `-Bold` file
#: beside the `-Regular` one is declared too. All Noto (SIL Open Font License 1.1), from Debian's
#: fonts-noto-core (see styles/fonts/README.md).
SCRIPT_FONTS = (
    ("Noto Naskh Arabic", "NotoNaskhArabic"),  # Arabic, Persian, Urdu (Naskh), Kurdish, Uyghur
    ("Noto Serif Hebrew", "NotoSerifHebrew"),
    ("Noto Serif Armenian", "NotoSerifArmenian"),
    ("Noto Serif Georgian", "NotoSerifGeorgian"),
    ("Noto Serif Devanagari", "NotoSerifDevanagari"),  # Hindi, Marathi, Nepali, Sanskrit
    ("Noto Serif Bengali", "NotoSerifBengali"),
    ("Noto Serif Gurmukhi", "NotoSerifGurmukhi"),
    ("Noto Serif Gujarati", "NotoSerifGujarati"),
    ("Noto Sans Oriya", "NotoSansOriya"),
    ("Noto Serif Tamil", "NotoSerifTamil"),
    ("Noto Serif Telugu", "NotoSerifTelugu"),
    ("Noto Serif Kannada", "NotoSerifKannada"),
    ("Noto Serif Malayalam", "NotoSerifMalayalam"),
    ("Noto Serif Sinhala", "NotoSerifSinhala"),
    ("Noto Serif Thai", "NotoSerifThai"),
    ("Noto Serif Ethiopic", "NotoSerifEthiopic"),  # Amharic, Tigrinya
)
_CJK = {"Hani", "Hira", "Kana", "Hang", "Bopo"}
MAX_PLACES = 20  # lines named in the problems; the rest counted


@dataclass(frozen=True)
class Font:
    family: str
    files: tuple[tuple[str, Path], ...]  # (font-weight, file)
    origin: str  # "tool" (styles/fonts/scripts) or "system" (found by fontconfig)
    index: int = 0  # the font's number in a collection file (.ttc)

    @property
    def file(self) -> Path:
        return self.files[0][1]


@dataclass(frozen=True)
class Survey:
    """What the print edition needs beyond the stylesheets' fonts, and what nothing covers."""

    added: list[Font] = field(default_factory=list)  # fonts for other scripts, in stack order
    scripts: list[tuple[str, str]] = field(default_factory=list)  # (script, family that sets it)
    missing: list[tuple[Path, int, str]] = field(default_factory=list)  # (file, line, characters)
    missing_count: int = 0  # distinct characters no font covers


def declared_fonts(stylesheet: Path) -> list[tuple[str, Path]]:
    """(family, file) of every @font-face in the stylesheet."""
    css = stylesheet.read_text(encoding="utf-8")
    fonts = []
    for block in _FACE.findall(css):
        family = _FAMILY.search(block)
        for url in _URL.findall(block):
            fonts.append((family.group(1).strip() if family else "?", (stylesheet.parent / url).resolve()))
    return fonts


_CMAPS: OrderedDict[tuple, frozenset[int]] = OrderedDict()  # (path, number, stat) -> its characters
_CMAPS_KEPT = 64


def _cmap(path: Path, number: int = 0) -> frozenset[int]:
    """The characters a font file has glyphs for; read with fontTools once per font file, then kept
    in the build cache (keyed by the file's content) and in this process, keyed by the file's stat
    (size, modification time, inode, change time): a font replaced while `anthology serve` runs is
    read again, never its old characters."""
    try:
        stat = os.stat(path)
    except OSError:
        stat = None
    known = (str(path), number, stat and (stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns))
    if known in _CMAPS:
        _CMAPS.move_to_end(known)
        return _CMAPS[known]
    found = _read_cmap(path, number)
    _CMAPS[known] = found
    while len(_CMAPS) > _CMAPS_KEPT:
        _CMAPS.popitem(last=False)
    return found


def _read_cmap(path: Path, number: int) -> frozenset[int]:
    from anthology import cache

    request = cache.key("cmap", cache.file_hash(path), number)
    entry = cache.lookup(request)
    if entry is not None and isinstance(entry.data.get("cmap"), list):
        return frozenset(entry.data["cmap"])
    from fontTools.ttLib import TTFont  # imported when needed: `anthology --help` stays quick

    font = TTFont(str(path), lazy=True, fontNumber=number)
    try:
        found = frozenset(font.getBestCmap() or {})
    finally:
        font.close()
    cache.store(request, [path], {}, {"cmap": sorted(found)})
    return found


def coverage(stylesheets: list[Path]) -> tuple[frozenset[int], list[str]]:
    covered: set[int] = set()
    families: list[str] = []
    for sheet in stylesheets:
        for family, path in declared_fonts(sheet):
            if path.is_file():
                covered |= _cmap(path)
                if family not in families:
                    families.append(family)
    return frozenset(covered), families


def _needs_glyph(char: str) -> bool:
    """Spaces and invisible format characters (ZWJ, the bidi marks) need no glyph; letters, marks
    (Arabic harakat, Hebrew points, Indic vowel signs) and symbols do."""
    return not (char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Zs", "Zl", "Zp"))


def _script(char: str) -> str:
    from fontTools import unicodedata as ucd

    return ucd.script(char)


def script_name(code: str) -> str:
    from fontTools import unicodedata as ucd

    return ucd.script_name(code, default=code)


def _tool_fonts() -> list[Font]:
    fonts = []
    for family, stem in SCRIPT_FONTS:
        regular = SCRIPT_FONTS_DIR / f"{stem}-Regular.ttf"
        bold = SCRIPT_FONTS_DIR / f"{stem}-Bold.ttf"
        if regular.is_file():
            files = (("normal", regular),) + ((("bold", bold),) if bold.is_file() else ())
            fonts.append(Font(family, files, "tool"))
    return fonts


def _system_fonts(char: str) -> list[tuple[str, Path, int]]:
    """(family, file, index in the file) of the system's Noto fonts (Debian's fonts-noto-core,
    fonts-noto-extra, fonts-noto-cjk) with a glyph for `char`, serif and regular styles first
    (fontconfig's fc-list; nothing when it is not installed)."""
    if shutil.which("fc-list") is None:
        return []
    try:
        listed = subprocess.run(["fc-list", "--format", "%{family[0]}\t%{style[0]}\t%{index}\t%{file}\n",
                                 f":charset={ord(char):x}"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    found = []
    for line in listed.splitlines():
        parts = line.split("\t")
        if len(parts) != 4 or not parts[2].isdigit():
            continue
        family, style, index, file = parts
        if not family.startswith("Noto"):
            continue  # Debian's fonts-noto-* only: the fonts a message can name, the same on every machine
        rank = (0 if family.startswith("Noto Serif") else 1 if family.startswith("Noto") else 2,
                0 if style in ("Regular", "Book", "Normal") else 1)
        found.append((rank, family, file, int(index)))
    return [(family, Path(file), index) for _rank, family, file, index in sorted(found)]


def survey(texts: dict[Path, str], stylesheets: list[Path]) -> Survey:
    """The fonts the print edition adds for the book's characters, which font sets which script,
    and where the characters no font covers are (their first line in each file)."""
    chars = set().union(*(set(text) for text in texts.values())) if texts else set()
    chars = {c for c in chars if ord(c) >= 128 and _needs_glyph(c)}
    covered, families = coverage(stylesheets)
    rest = {c for c in chars if ord(c) not in covered}
    if not rest:
        return Survey()
    added: list[Font] = []
    for font in _tool_fonts():
        got = {c for c in rest if ord(c) in _cmap(font.file)}
        if got:
            added.append(font)
            rest -= got
        if not rest:
            break
    tried: set[tuple[Path, int]] = set()
    for char in sorted(rest):
        if char not in rest:
            continue
        for family, path, index in _system_fonts(char):
            if (path, index) in tried or not path.is_file():
                continue
            tried.add((path, index))
            try:
                cmap = _cmap(path, index)
            except Exception:  # noqa: BLE001 - a font fontTools cannot read: the next one
                continue
            got = {c for c in rest if ord(c) in cmap}
            if got:
                if all(f.family != family for f in added):
                    added.append(Font(family, (("normal", path),), "system", index))
                rest -= got
                break
    return Survey(added, _who_sets(chars, covered, families, added),
                  _places(texts, rest) if rest else [], len(rest))


def _who_sets(chars: set[str], covered: frozenset[int], families: list[str], added: list[Font]):
    """(script, family) for each script of the book's characters beyond ASCII (the first font of the
    stack that has its characters)."""
    by_script: dict[str, set[str]] = {}
    for char in chars:
        code = _script(char)
        if code in ("Zyyy", "Zinh", "Zzzz"):
            if ord(char) in covered:
                continue
            code = "Zyyy"  # symbols no stylesheet font has: named too
        by_script.setdefault(code, set()).add(char)
    found = []
    book_family = families[0] if families else "the stylesheet's font"
    for code, members in sorted(by_script.items(), key=lambda item: script_name(item[0])):
        family = book_family if any(ord(c) in covered for c in members) else None
        for font in added:
            if family is None and any(ord(c) in _cmap(font.file, font.index) for c in members):
                family = font.family
        if family:
            found.append((script_name(code) if code != "Zyyy" else "symbols", family))
    named = {family for script, family in found if script != "symbols"}
    return [(script, family) for script, family in found if script != "symbols" or family not in named]


def _places(texts: dict[Path, str], rest: set[str]) -> list[tuple[Path, int, str]]:
    """Every line (in reading order) where a character of `rest` occurs, with those characters."""
    places = []
    for path, text in texts.items():
        if not rest.intersection(text):
            continue
        for number, line in enumerate(text.split("\n"), start=1):
            found = [c for c in dict.fromkeys(line) if c in rest]
            if found:
                places.append((path, number, "".join(found)))
    return places


def fonts_css(found: Survey | None) -> str:
    """The print stylesheet's part for the fonts the survey added: their @font-face rules (the
    tool's files) and the custom property the tool's font stacks end with."""
    if found is None or not found.added:
        return ""
    rules = [f'@font-face {{ font-family: "{font.family}"; src: url("{path.resolve().as_uri()}"); '
             f'font-weight: {weight}; font-style: normal; }}'
             for font in found.added if font.origin == "tool" for weight, path in font.files]
    stack = ", ".join(f'"{font.family}"' for font in found.added)
    return "\n".join(rules + [f":root {{ --anthology-script-fonts: {stack}; }}"])


def install_hint(chars: str) -> str:
    scripts = {_script(c) for c in chars}
    if scripts & _CJK:
        return "install Debian's fonts-noto-cjk (apt-get install fonts-noto-cjk)"
    return "install Debian's fonts-noto-core and fonts-noto-extra (apt-get install fonts-noto-core fonts-noto-extra)"


def describe(chars: str) -> str:
    shown = ", ".join(f"'{c}' (U+{ord(c):04X} {unicodedata.name(c, 'unnamed character')})" for c in chars[:6])
    more = f" and {len(chars) - 6} more" if len(chars) > 6 else ""
    return (f"no font of the print edition has a glyph for {shown}{more} (the book's fonts, the tool's fonts for "
            f"other scripts, the system's): {install_hint(chars)}, or give a font that has them with @font-face "
            "in styles/book.css (see docs/scripts-and-direction.md); the EPUB and the site are not affected")


def report_line(found: Survey | None) -> str | None:
    """'fonts: Arabic: Noto Naskh Arabic (the tool's), …' when fonts beyond the stylesheets' set a script."""
    if found is None or not found.added:
        return None
    origin = {font.family: font for font in found.added}
    parts = []
    for script, family in found.scripts:
        font = origin.get(family)
        where = "" if font is None else " (the tool's, OFL)" if font.origin == "tool" else f" (the system's, {font.file})"
        parts.append(f"{script}: {family}{where}")
    return "fonts of the print edition: " + "; ".join(parts)


PRINT_FORMATS = ("pdf", "zine", "minizine", "cover")


def problems(book, level: str) -> list:
    """A Problem for each line (the first MAX_PLACES) with characters no font of the print edition has."""
    from anthology.errors import Problem

    found = book.glyphs
    if found is None or not found.missing:
        return []
    root = Path(book.root).resolve()

    def shown(path: Path) -> str:
        try:
            return str(Path(path).resolve().relative_to(root))
        except ValueError:
            return str(path)

    out = []
    for path, line, chars in found.missing[:MAX_PLACES]:
        message = describe(chars)
        if level != "error":
            message += " (the print edition only: the PDF, the zine and the cover wrap cannot be made until then)"
        out.append(Problem(shown(path), line, message, "GLYPH", level))
    if len(found.missing) > MAX_PLACES:
        path, line, _chars = found.missing[MAX_PLACES]
        out.append(Problem(shown(path), line, f"and {len(found.missing) - MAX_PLACES} more lines with characters "
                                              "no font of the print edition has", "GLYPH", level))
    return out


def print_problems(book, formats) -> list:
    """Raises BookError (nothing written) when a print edition is asked for and characters have no
    font (load_book reported them as warnings: the EPUB and the site still build); else the report of
    which font sets which script (an info line) when fonts beyond the stylesheets' are used."""
    from anthology.errors import BookError, Problem

    asked = [f for f in formats if f in PRINT_FORMATS]
    if asked and (errors := problems(book, "error")):
        raise BookError(errors)
    line = report_line(book.glyphs)
    return [Problem("PDF", None, line, "FONTS", "info")] if line and (asked or "site" in formats) else []

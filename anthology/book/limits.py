"""The stated limits of a book's sources, and the checks that turn pathological text into messages
(file, line, column) before it reaches the Markdown converter, lxml or WeasyPrint, which would crash
or stall on it. The README lists every limit with its value."""

from __future__ import annotations

import re
import unicodedata

MAX_MANIFEST_BYTES = 1_000_000      # book.yaml
MAX_SOURCE_BYTES = 5_000_000        # a piece, chapter intro or preface
MAX_LINE_CHARS = 50_000             # one line of a source (a paragraph written on one line included)
MAX_BLOCK_CHARS = 100_000           # one paragraph or block: lines without a blank line between them
MAX_WORD_CHARS = 1_000              # characters without a space or line break between them
MAX_NESTING = 16                    # block quotes in quotes, lists in lists
MAX_TREE_DEPTH = 48                 # elements inside elements in one piece (raw HTML, emphasis …)
MAX_YAML_DEPTH = 32                 # mappings and lists inside each other in YAML

# Characters XML 1.0 cannot carry at all, and the other control characters (C0 and C1) that have
# no business in a book: everything in Unicode's Cc category but tab and line feed, unpaired
# surrogates (a YAML escape can make one) and U+FFFE/U+FFFF.
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_CHAR_REF = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")
# A block for MAX_BLOCK_CHARS ends at a blank line; a list item, table row, heading or note begins one.
_BLOCK_START = re.compile(r"^\s*(?:[-+*]\s|\d+[.)]\s|\||#|\[\^)")
_LONG_WORD = re.compile(rf"\S{{{MAX_WORD_CHARS + 1},}}")
_QUOTE = re.compile(r"^(?:[ ]{0,3}>)+")
_LIST_ITEM = re.compile(r"^([ \t]*)(?:[-+*]|\d+[.)])[ \t]")


def _name(char: str) -> str:
    names = {"\x00": "NUL", "\x1b": "ESC", "\x7f": "DEL", "\x0b": "vertical tab", "\x0c": "form feed"}
    if "\ud800" <= char <= "\udfff":
        return "an unpaired surrogate"
    return names[char] if char in names else unicodedata.name(char, "a control character")


def carried_by_xml(code: int) -> bool:
    """Whether XML 1.0 can carry the code point (and the book wants it: no C1 controls)."""
    return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF \
        or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF


def forbidden_character(text: str) -> tuple[int, str] | None:
    """(index, message) of the first character XML cannot carry in a text that is not a file's own
    (a YAML value made by an escape such as "\\ud800"), else None."""
    bad = _FORBIDDEN.search(text)
    if bad is None:
        return None
    char = bad.group(0)
    return bad.start(), (f"the character U+{ord(char):04X} ({_name(char)}) cannot be carried by XML "
                         "(written as an escape?): delete it")


def bad_references(text: str) -> list[tuple[int, str]]:
    """(line, message) for every character reference (&#…;) to a code point XML cannot carry:
    parsers would put U+FFFD in its place, or fail."""
    found = []
    for match in _CHAR_REF.finditer(text):
        code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
        if not carried_by_xml(code):
            line = text.count("\n", 0, match.start()) + 1
            column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
            what = f"U+{code:04X}" if code <= 0x10FFFF else "beyond Unicode"
            kind = ", an unpaired surrogate" if 0xD800 <= code <= 0xDFFF else ""
            found.append((line, f"column {column}: the character reference {match.group(0)} ({what}{kind}) "
                                "names a character XML cannot carry: delete it"))
    return found


def text_problems(text: str, markdown: bool) -> list[tuple[int, str]]:
    """(line, message) for control characters, absurdly long lines and words, and (in Markdown)
    block quotes or lists nested deeper than MAX_NESTING. Line numbers are 1-based in `text`."""
    found: list[tuple[int, str]] = []
    quoted = listed = False  # nesting is reported at its first line only
    if markdown:
        found += bad_references(text) + _long_blocks(text)
    for number, line in enumerate(text.split("\n"), start=1):
        bad = _FORBIDDEN.search(line)
        if bad:
            char = bad.group(0)
            found.append((number, f"column {bad.start() + 1}: the control character U+{ord(char):04X} "
                                  f"({_name(char)}) cannot be carried by XML: delete it"))
        if len(line) > MAX_LINE_CHARS:
            found.append((number, f"the line is {len(line):,} characters long, more than the limit of "
                                  f"{MAX_LINE_CHARS:,}: break it into paragraphs"))
        else:
            word = _LONG_WORD.search(line)
            if word:
                found.append((number, f"column {word.start() + 1}: a word of {len(word.group(0)):,} characters "
                                      f"without a space, more than the limit of {MAX_WORD_CHARS:,} "
                                      f"('{word.group(0)[:30]}…'): no page or screen can set it"))
        if markdown:
            quotes = _QUOTE.match(line)
            depth = quotes.group(0).count(">") if quotes else 0
            if depth > MAX_NESTING and not quoted:
                quoted = True
                found.append((number, f"block quotes nested {depth} deep, more than the limit of {MAX_NESTING}"))
            item = _LIST_ITEM.match(line[quotes.end():] if quotes else line)
            if item and len(item.group(1).expandtabs(4)) // 4 >= MAX_NESTING and not listed:
                listed = True
                found.append((number, f"a list nested {len(item.group(1).expandtabs(4)) // 4 + 1} deep, more "
                                      f"than the limit of {MAX_NESTING}"))
    return found


def _long_blocks(text: str) -> list[tuple[int, str]]:
    """(first line, message) of every paragraph or block longer than MAX_BLOCK_CHARS: laying out one
    paragraph takes time that grows faster than its length (a 4 MB one would stall the print edition)."""
    found = []
    start, size = 0, 0
    lines = text.split("\n")
    for number, line in enumerate(lines + [""], start=1):
        if not line.strip() or _BLOCK_START.match(line):
            if size > MAX_BLOCK_CHARS:
                found.append((start, f"a paragraph of {size:,} characters (lines {start}–{number - 1}), more "
                                     f"than the limit of {MAX_BLOCK_CHARS:,}: break it into paragraphs "
                                     "with blank lines"))
            start, size = number, (len(line) if line.strip() else 0)
        else:
            if size == 0:
                start = number
            size += len(line) + 1
    return found


def deepest(root) -> tuple[int, object]:
    """(depth, element) of the most deeply nested element of an lxml tree, without recursion."""
    best, best_element = 0, root
    stack = [(root, 0)]
    while stack:
        element, depth = stack.pop()
        if depth > best:
            best, best_element = depth, element
        stack.extend((child, depth + 1) for child in element)
    return best, best_element


def yaml_depth_line(text: str) -> int:
    """The first line where YAML brackets or indentation nest deeper than MAX_YAML_DEPTH (else 1)."""
    depth = 0
    for number, line in enumerate(text.split("\n"), start=1):
        indent = len(line) - len(line.lstrip(" -"))
        if indent > 2 * MAX_YAML_DEPTH:
            return number
        for char in line:
            depth += {"[": 1, "{": 1, "]": -1, "}": -1}.get(char, 0)
            if depth > MAX_YAML_DEPTH:
                return number
    return 1


_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)[^<>]*?(/?)>")
_VOID = {"br", "hr", "img", "col", "wbr", "input", "meta", "link", "source", "area", "base", "embed", "track"}


def html_depth_line(text: str) -> int | None:
    """The first line (1-based) where raw HTML tags open more than MAX_TREE_DEPTH deep, or None."""
    depth = 0
    for match in _TAG.finditer(text):
        closing, name, self_closing = match.groups()
        if name.lower() in _VOID or self_closing:
            continue
        depth += -1 if closing else 1
        if depth > MAX_TREE_DEPTH:
            return text.count("\n", 0, match.start()) + 1
    return None


MM = 72 / 25.4
PRINT_RANGES = {  # print: settings, in points (sheets per signature for signature)
    "trim": (50 * MM, 1000 * MM), "sheet": (50 * MM, 2000 * MM),
    "bleed": (0, 20 * MM), "creep": (0, 2 * MM), "signature": (1, 100),
}


def print_problem(name: str, value) -> str | None:
    """What is wrong with a print: setting's size (None when it is within PRINT_RANGES)."""
    if name not in PRINT_RANGES or value is None:
        return None
    low, high = PRINT_RANGES[name]
    values = value if isinstance(value, tuple) else (value,)
    if all(low <= v <= high for v in values):
        return None
    if name == "signature":
        return f"must be between {low} and {high} sheets"
    return f"must be between {low / MM:.0f} mm and {high / MM:.0f} mm" + (" on each side" if isinstance(value, tuple) else "")

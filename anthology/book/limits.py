"""The stated limits of a book's sources, and the checks that turn pathological text into messages
(file, line, column) before it reaches the Markdown converter, lxml or WeasyPrint, which would crash
or stall on it. The README lists every limit with its value."""

from __future__ import annotations

import re
import unicodedata

MAX_MANIFEST_BYTES = 1_000_000      # book.yaml
MAX_SOURCE_BYTES = 5_000_000        # a piece, chapter intro or preface
MAX_LINE_CHARS = 50_000             # one line of a source (a paragraph written on one line included)
MAX_WORD_CHARS = 1_000              # characters without a space or line break between them
MAX_NESTING = 16                    # block quotes in quotes, lists in lists
MAX_TREE_DEPTH = 48                 # elements inside elements in one piece (raw HTML, emphasis …)
MAX_YAML_DEPTH = 32                 # mappings and lists inside each other in YAML

# Characters XML 1.0 cannot carry at all, and the other control characters (C0 and C1) that have
# no business in a book: everything in Unicode's Cc category but tab and line feed, plus U+FFFE/U+FFFF.
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
_LONG_WORD = re.compile(r"\S{%d,}" % (MAX_WORD_CHARS + 1))
_QUOTE = re.compile(r"^(?:[ ]{0,3}>)+")
_LIST_ITEM = re.compile(r"^([ \t]*)(?:[-+*]|\d+[.)])[ \t]")


def _name(char: str) -> str:
    names = {"\x00": "NUL", "\x1b": "ESC", "\x7f": "DEL", "\x0b": "vertical tab", "\x0c": "form feed"}
    return names.get(char) or unicodedata.name(char, "a control character")


def text_problems(text: str, markdown: bool) -> list[tuple[int, str]]:
    """(line, message) for control characters, absurdly long lines and words, and (in Markdown)
    block quotes or lists nested deeper than MAX_NESTING. Line numbers are 1-based in `text`."""
    found: list[tuple[int, str]] = []
    quoted = listed = False  # nesting is reported at its first line only
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

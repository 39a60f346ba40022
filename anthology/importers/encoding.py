"""The characters of an HTML file: its byte-order mark, its own declaration (the HTML5 prescan of
`<meta charset>`, or an XML declaration), else strict UTF-8, else a guess by charset-normalizer that
the import report says was a guess."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_XML_DECLARATION = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


@dataclass
class Decoded:
    text: str
    encoding: str
    how: str          # "byte-order mark", "declared", "utf-8", "guessed"


def decode(data: bytes) -> Decoded | None:
    """The text of an HTML document, or None when no encoding reads it."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return Decoded(data[len(bom):].decode(name, errors="replace"), name, "byte-order mark")
    declared = _declared(data)
    if declared is not None:
        try:
            return Decoded(data.decode(declared), declared, "declared")
        except (UnicodeDecodeError, LookupError):
            pass  # the declaration is wrong: look at the bytes themselves
    try:
        return Decoded(data.decode("utf-8"), "utf-8", "utf-8" if declared is None else "guessed")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return None
    return Decoded(str(best), best.encoding, "guessed")


def _declared(data: bytes) -> str | None:
    """The encoding the document declares: an XML declaration, else `<meta>` as HTML5's prescan
    reads it in the first 1024 bytes (tinyhtml5's implementation of the algorithm)."""
    match = _XML_DECLARATION.match(data[:200])
    if match:
        return _python_name(match.group(1).decode("ascii"))
    from tinyhtml5.inputstream import EncodingParser

    found = EncodingParser(data[:1024]).get_encoding()
    if found is None:
        return None
    return _python_name(found.name)


def _python_name(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None

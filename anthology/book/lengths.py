"""Lengths and paper sizes in PDF points (1/72 in): '3mm', '0.1mm', 'A5', '6in x 9in'."""

from __future__ import annotations

import re

PER_UNIT = {"pt": 1.0, "mm": 72 / 25.4, "cm": 720 / 25.4, "in": 72.0, "px": 0.75, "pc": 12.0}
PAPER = {  # portrait width x height in points
    "a3": (841.89, 1190.55), "a4": (595.28, 841.89), "a5": (419.53, 595.28),
    "a6": (297.64, 419.53), "a7": (209.76, 297.64),
    "letter": (612.0, 792.0), "us-letter": (612.0, 792.0), "half-letter": (396.0, 612.0),
    "quarter-letter": (306.0, 396.0), "tabloid": (792.0, 1224.0), "legal": (612.0, 1008.0),
}
_LENGTH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(pt|mm|cm|in|px|pc)\s*$", re.I)
_SIZE = re.compile(r"^\s*(\S+?\s*(?:pt|mm|cm|in|px|pc))\s*[x×*]\s*(\S+?\s*(?:pt|mm|cm|in|px|pc))\s*$", re.I)


def length(text: str) -> float:
    """'3mm' -> points. Raises ValueError with a message fit for an editor."""
    match = _LENGTH.match(str(text))
    if not match:
        raise ValueError(f"'{text}' is not a length: write a number and a unit, e.g. 3mm, 0.125in, 9pt")
    return float(match.group(1)) * PER_UNIT[match.group(2).lower()]


def paper(text: str) -> tuple[float, float]:
    """'A5', 'letter', '6in x 9in', '5.5in × 8.5in' -> (width, height) in points."""
    key = str(text).strip().lower().replace(" ", "-")
    if key in PAPER:
        return PAPER[key]
    match = _SIZE.match(str(text))
    if match:
        return length(match.group(1)), length(match.group(2))
    names = ", ".join(n.upper() if n[0] == "a" else n for n in PAPER)
    raise ValueError(f"'{text}' is not a paper size: use one of {names}, or W x H such as 6in x 9in")

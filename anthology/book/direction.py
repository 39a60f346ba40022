"""The writing direction of a language (ltr or rtl), from CLDR through Babel."""

from __future__ import annotations

import functools


@functools.lru_cache(maxsize=64)
def direction(tag: str) -> str:
    """'rtl' for a BCP 47 tag whose script runs right to left (he, ar, fa, ur, ku-Arab …), else 'ltr'."""
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(tag.replace("_", "-"), sep="-")
    except (ValueError, UnknownLocaleError):
        try:
            locale = Locale.parse(tag.split("-")[0])
        except (ValueError, UnknownLocaleError):
            return "ltr"
    return "rtl" if locale.character_order == "right-to-left" else "ltr"

"""The writing direction of a language, from CLDR's data (Babel): no hand-made list of languages."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=256)
def is_rtl(tag: str | None) -> bool:
    """Whether a BCP 47 language tag names a language written right to left (he, ar, fa, ur, yi…;
    a script subtag counts: az-Arab is, az-Latn is not). An unknown tag is left to right."""
    if not tag:
        return False
    import babel

    try:
        return babel.Locale.parse(str(tag).replace("-", "_")).character_order == "right-to-left"
    except (ValueError, TypeError, babel.UnknownLocaleError):
        return False


def of(tag: str | None) -> str:
    """'rtl' or 'ltr'."""
    return "rtl" if is_rtl(tag) else "ltr"

"""The writing direction of a language, from CLDR's data (Babel): no hand-made list of languages.

Babel's answer costs a tenth of a second the first time in a process (its import and the locale's
data), so it is remembered in the build cache (cache.py), keyed by the tag (and, through the tool's
fingerprint, Babel's version)."""

from __future__ import annotations

from functools import lru_cache


def _from_cldr(tag: str) -> bool:
    import babel

    try:
        return babel.Locale.parse(tag.replace("-", "_")).character_order == "right-to-left"
    except (ValueError, TypeError, babel.UnknownLocaleError):
        return False


@lru_cache(maxsize=256)
def is_rtl(tag: str | None) -> bool:
    """Whether a BCP 47 language tag names a language written right to left (he, ar, fa, ur, yi…;
    a script subtag counts: az-Arab is, az-Latn is not). An unknown tag is left to right."""
    if not tag:
        return False
    from anthology import cache

    request = cache.key("direction", str(tag))  # the tool's fingerprint holds Babel's version
    entry = cache.lookup(request)
    if entry is not None and isinstance(entry.data.get("rtl"), bool):
        return entry.data["rtl"]
    found = _from_cldr(str(tag))
    cache.store(request, [], {}, {"rtl": found}, prune_now=False)
    return found


def of(tag: str | None) -> str:
    """'rtl' or 'ltr'."""
    return "rtl" if is_rtl(tag) else "ltr"

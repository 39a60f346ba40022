"""Language tags: whether a tag is valid BCP 47, its writing direction and script, its Babel locale.

Validity is checked against the IANA Language Subtag Registry (through langcodes, which ships it);
direction and script come from CLDR (through Babel: a locale's `character_order`, and CLDR's likely
subtags for a language or script Babel has no locale for). Nothing here is a hand-made list of
languages: the other modules (labels, typography, collation, the templates) ask this one.
"""

from __future__ import annotations

import functools


def problem(tag) -> str | None:
    """What is wrong with a language tag (None when it is a valid BCP 47 tag)."""
    import langcodes

    if not isinstance(tag, str) or not tag.strip():
        return "must be a BCP 47 language tag such as en, en-GB or kk-Cyrl"
    tag = tag.strip()
    if "_" in tag:
        return f"'{tag}' is not a BCP 47 language tag: write {tag.replace('_', '-')} (a hyphen, not an underscore)"
    if not langcodes.tag_is_valid(tag):
        return (f"'{tag}' is not a valid BCP 47 language tag (the IANA language subtag registry has no such "
                "language, script or region): use a tag such as en, en-GB, ru, kk-Cyrl or kk-Latn")
    return None


def base(tag: str | None) -> str:
    """The language subtag alone, lower case ('kk-Latn' -> 'kk')."""
    return (tag or "").split("-")[0].lower()


@functools.lru_cache(maxsize=512)
def locale(tag: str | None):
    """Babel's Locale for a tag: the tag itself, else its language alone, else None."""
    from babel import Locale, UnknownLocaleError

    for candidate in (tag, base(tag)):
        if not candidate:
            continue
        try:
            return Locale.parse(candidate, sep="-")
        except (UnknownLocaleError, ValueError, TypeError):
            continue
    return None


@functools.lru_cache(maxsize=512)
def script(tag: str | None) -> str:
    """The ISO 15924 script a tag is written in ('kk-Latn' -> 'Latn', 'ru' -> 'Cyrl', 'he' -> 'Hebr'):
    the tag's own script subtag, else CLDR's likely subtags for its language ('Zyyy' when unknown)."""
    from babel.core import get_global

    parts = (tag or "").split("-")
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            return part.title()
    likely = get_global("likely_subtags").get(base(tag))
    for part in (likely or "").split("_")[1:]:
        if len(part) == 4 and part.isalpha():
            return part.title()
    return "Zyyy"


@functools.lru_cache(maxsize=512)
def direction(tag: str | None) -> str:
    """'rtl' or 'ltr' for a language tag, from CLDR's character order: the tag's own locale (kk-Arab is
    right to left, kk left to right), else a language written in the tag's script."""
    from babel import Locale, UnknownLocaleError
    from babel.core import get_global

    if not tag:
        return "ltr"
    parts = tag.split("-")
    explicit = [p for p in parts[1:] if len(p) == 4 and p.isalpha()]
    candidates = [tag]
    if explicit:
        candidates.append(f"{parts[0]}-{explicit[0]}")
        likely = get_global("likely_subtags").get(f"und_{explicit[0].title()}")
        if likely:
            candidates.append(likely.split("_")[0] + "-" + explicit[0].title())
    else:
        candidates.append(parts[0])
        likely = get_global("likely_subtags").get(base(tag))
        if likely:  # a language Babel has no locale for: a language of its likely script
            found = [p for p in likely.split("_")[1:] if len(p) == 4]
            writer = get_global("likely_subtags").get(f"und_{found[0]}") if found else None
            if writer:
                candidates.append(writer.split("_")[0])
    for candidate in candidates:
        try:
            order = Locale.parse(candidate, sep="-").character_order
        except (UnknownLocaleError, ValueError, TypeError):
            continue
        return "rtl" if order == "right-to-left" else "ltr"
    return "ltr"


def same_language(a: str | None, b: str | None) -> bool:
    return base(a) == base(b)

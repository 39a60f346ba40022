"""Language tags: whether a tag is valid BCP 47, its writing direction and script, its Babel locale.

Validity is checked against the IANA Language Subtag Registry (through langcodes, which ships it);
direction and script come from CLDR (through Babel: a locale's `character_order`, and CLDR's likely
subtags for a language or script Babel has no locale for). Nothing here is a hand-made list of
languages: the other modules (labels, typography, collation, the templates) ask this one.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

_FACTS: dict[str, object] | None = None  # remembered answers of Babel and langcodes (see remembered())
_UNSAVED = False  # answers computed since the facts were last written to the build cache


def remembered(kind: str, args: tuple, compute):
    """compute(), remembered by (kind, args) in the build cache: loading Babel's locale data or
    langcodes' registry costs a tenth of a second or more, and a book asks the same few questions
    (its languages' directions, its dates, its sizes) at every build. JSON-able answers only. New
    answers are written to the cache once, by save_remembered() (the build calls it at its end; at
    the latest when the process exits), not once per answer."""
    global _FACTS, _UNSAVED
    if _FACTS is None:
        from anthology import cache

        entry = cache.lookup(cache.key("cldr-facts"))
        _FACTS = dict(entry.data.get("facts", {})) if entry is not None else {}
    name = json.dumps([kind, *args], ensure_ascii=False, default=str)
    if name not in _FACTS:
        _FACTS[name] = compute()
        if len(_FACTS) > 2000:  # a book asks a few hundred questions: forget old books' answers
            _FACTS = {name: _FACTS[name]}
        if not _UNSAVED:
            import atexit

            atexit.register(save_remembered)  # unregistered again when saved
        _UNSAVED = True
    return _FACTS[name]


def save_remembered() -> None:
    """Write the answers computed since the last save to the build cache (one entry, one write)."""
    global _UNSAVED
    if not _UNSAVED or _FACTS is None:
        return
    import atexit

    from anthology import cache

    _UNSAVED = False
    atexit.unregister(save_remembered)
    cache.store(cache.key("cldr-facts"), [], {}, {"facts": _FACTS}, prune_now=False)


def problem(tag) -> str | None:
    """What is wrong with a language tag (None when it is a valid BCP 47 tag)."""
    if not isinstance(tag, str) or not tag.strip():
        return "must be a BCP 47 language tag such as en, en-GB or kk-Cyrl"
    return remembered("tag-problem", (tag.strip(),), lambda: _problem(tag.strip()))


_SYNTAX = re.compile(r"""^(?:
    (?P<language>[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4,8})
    (?:-(?P<script>[a-z]{4}))?
    (?:-(?P<region>[a-z]{2}|\d{3}))?
    (?P<variants>(?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*)
    (?:-[\da-wy-z](?:-[a-z\d]{2,8})+)*
    (?:-x(?:-[a-z\d]{1,8})+)?
  | x(?:-[a-z\d]{1,8})+)$""", re.X | re.I)


@functools.lru_cache(maxsize=1)
def registry() -> str:
    """The IANA Language Subtag Registry as langcodes ships it, read as text: looking a subtag up in
    it takes microseconds, where importing langcodes (which compiles it into patterns) takes a tenth
    of a second of every first build."""
    from importlib.util import find_spec

    spec = find_spec("langcodes")
    if spec is None or not spec.submodule_search_locations:  # a declared dependency: a broken install
        raise ModuleNotFoundError("langcodes is not installed: pip install langcodes")
    folder = Path(next(iter(spec.submodule_search_locations)))
    return (folder / "data" / "language-subtag-registry.txt").read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def _registry_lower() -> str:
    return registry().lower()


def _registered(kind: str, subtag: str) -> bool:
    if kind == "language" and "qaa" <= subtag <= "qtz" and len(subtag) == 3:
        return True  # the registry's private-use range
    return f"Type: {kind}\nSubtag: {subtag}\n" in registry()


def _problem(tag: str) -> str | None:
    if "_" in tag:
        return f"'{tag}' is not a BCP 47 language tag: write {tag.replace('_', '-')} (a hyphen, not an underscore)"
    if "-" in tag and f"\nTag: {tag.lower()}\n" in _registry_lower():
        return None  # a grandfathered or redundant tag of the registry (i-klingon, zh-min-nan …)
    match = _SYNTAX.match(tag)
    unknown = None
    if not match:
        unknown = "is not made like one (language, then -Script, -REGION, variants …)"
    elif match.group("language"):
        language = match.group("language").split("-")[0].lower()
        script, region = match.group("script"), match.group("region")
        variants = [v for v in (match.group("variants") or "").split("-") if v]
        if not _registered("language", language):
            unknown = f"has the language '{language}', which the IANA language subtag registry does not have"
        elif script and not _registered("script", script.title()):
            unknown = f"has the script '{script}', which the IANA language subtag registry does not have"
        elif region and not _registered("region", region.upper()):
            unknown = f"has the region '{region}', which the IANA language subtag registry does not have"
        elif any(not _registered("variant", v.lower()) for v in variants):
            unknown = "has a variant the IANA language subtag registry does not have"
    if unknown:
        return (f"'{tag}' is not a valid BCP 47 language tag: it {unknown}; use a tag such as en, en-GB, ru, "
                "kk-Cyrl or kk-Latn")
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
    return remembered("script", (tag or "",), lambda: _script(tag))


def _script(tag: str | None) -> str:
    from babel.core import get_global

    parts = (tag or "").split("-")
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            return part.title()
    record = f"Type: language\nSubtag: {base(tag)}\n"
    text = registry()
    at = text.find(record)
    if at >= 0:  # the registry's Suppress-Script: the script the language is written in
        end = text.find("%%", at)
        found = re.search(r"^Suppress-Script: (\w{4})$", text[at:end], re.M)
        if found:
            return found.group(1)
    likely = get_global("likely_subtags").get(base(tag))
    for part in (likely or "").split("_")[1:]:
        if len(part) == 4 and part.isalpha():
            return part.title()
    return "Zyyy"


@functools.lru_cache(maxsize=512)
def direction(tag: str | None) -> str:
    """'rtl' or 'ltr' for a language tag, from CLDR's character order: the tag's own locale (kk-Arab is
    right to left, kk left to right), else a language written in the tag's script."""
    return remembered("direction", (tag or "",), lambda: _direction(tag))


def _direction(tag: str | None) -> str:
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

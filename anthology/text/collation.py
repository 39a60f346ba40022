"""Words in a language's alphabetical order, and the letter each is filed under (the index).

The Unicode Collation Algorithm with its default table (DUCET, through pyuca, pure Python), the
book's own script first (as CLDR's collations reorder them: a Russian index lists Cyrillic names,
then Latin ones), and each language's tailoring where DUCET's order is not the language's:
TAILORINGS lists, from CLDR 47's collation rules (common/collation/<language>.xml), only the letters
whose place DUCET gets wrong for that language. DUCET already files Ё with Е, Ә after А, Ғ after Г,
Қ after К, Ң after Н, Ө after О, Һ after Х, Є after Е; it does not put Kazakh Ұ before Ү, І after Ы,
Ukrainian Ґ after Г or Ї after І, nor Polish, Turkish, Spanish, Czech or Nordic letters apart.

Loading DUCET takes a quarter of a second: `order()` keeps its result in the build cache, so a book
whose index terms did not change never loads it.
"""

from __future__ import annotations

import functools
import unicodedata

from anthology.book import languages

# language -> [(base letter, the letters that follow it, in order)]; "=" marks a letter filed as
# another (Turkish I is the capital of ı, not of i)
TAILORINGS: dict[str, list[tuple[str, str]]] = {
    "kk": [("у", "ұү"), ("ы", "і")],
    "uk": [("г", "ґ"), ("і", "ї")],
    "be": [("у", "ў")],
    "pl": [("a", "ą"), ("c", "ć"), ("e", "ę"), ("l", "ł"), ("n", "ń"), ("o", "ó"), ("s", "ś"), ("z", "źż")],
    "tr": [("c", "ç"), ("g", "ğ"), ("h", "ı"), ("o", "ö"), ("s", "ş"), ("u", "ü")],
    "az": [("c", "ç"), ("g", "ğ"), ("h", "ı"), ("o", "ö"), ("s", "ş"), ("u", "ü"), ("e", "ə")],
    "es": [("n", "ñ")],
    "cs": [("c", "č"), ("h", "ch"), ("r", "ř"), ("s", "š"), ("z", "ž")],
    "sk": [("a", "ä"), ("c", "č"), ("h", "ch"), ("o", "ô"), ("r", "ř"), ("s", "š"), ("z", "ž")],
    "sv": [("z", "åäö")], "fi": [("z", "åäö")],
    "da": [("z", "æøå")], "nb": [("z", "æøå")], "no": [("z", "æøå")], "nn": [("z", "æøå")],
    "et": [("s", "šzž"), ("w", "õäöü")],
    "hu": [("c", "cs"), ("d", "dz"), ("g", "gy"), ("l", "ly"), ("n", "ny"), ("o", "ö"), ("s", "sz"),
           ("t", "ty"), ("u", "ü"), ("z", "zs")],
    "lt": [("c", "č"), ("s", "š"), ("z", "ž")],
    "lv": [("c", "č"), ("g", "ģ"), ("k", "ķ"), ("l", "ļ"), ("n", "ņ"), ("s", "š"), ("z", "ž")],
    "ro": [("a", "ăâ"), ("i", "î"), ("s", "ș"), ("t", "ț")],
    "hr": [("c", "čć"), ("d", "džđ"), ("l", "lj"), ("n", "nj"), ("s", "š"), ("z", "ž")],
    "sl": [("c", "č"), ("s", "š"), ("z", "ž")],
    "is": [("a", "á"), ("d", "ð"), ("e", "é"), ("i", "í"), ("o", "ó"), ("u", "ú"), ("y", "ý"), ("z", "þæö")],
}
# letters whose capital in the language is not Python's (Turkish and Azerbaijani i -> İ, ı -> I)
CAPITALS = {"tr": {"i": "İ", "ı": "I"}, "az": {"i": "İ", "ı": "I"}}
LOWER = {"tr": {"I": "ı", "İ": "i"}, "az": {"I": "ı", "İ": "i"}}
_HIGH = 0xFFF0  # above every primary weight of DUCET: a tailored letter sorts after all of its base's words


_NEEDED: set[int] = set()  # the code points the collator was loaded for (see _collator)


def _collator():
    """pyuca's collator with DUCET's entries for the characters of the words being sorted only:
    parsing all of DUCET's 30,000 lines takes a tenth of a second, these few a hundredth."""
    return _loaded(frozenset(_NEEDED))


@functools.lru_cache(maxsize=4)
def _loaded(needed: frozenset[int]):
    import pyuca
    from pyuca.collator import COLL_ELEMENT_PATTERN
    from pyuca.utils import hexstrings2int

    wanted = {f"{cp:04X}" for cp in needed}

    class Collator(pyuca.Collator):
        def load(self, filename):  # pyuca's own parsing, of the lines for `needed` only
            with open(filename, encoding="utf-8") as keys:
                text = keys.read()
            for line in text.splitlines():
                if not line or line[0] in "#@":
                    if line.startswith("@implicitweights"):
                        span, base_weight = line[len("@implicitweights"):].split("#", 1)[0].split(";")
                        start, end = span.split("..")
                        self.implicit_weights.append([int(start, 16), int(end, 16), int(base_weight, 16)])
                    continue
                head, _, rest = line.partition(";")
                points = head.split()
                if not all(p in wanted for p in points):
                    continue
                elements = [hexstrings2int(m.groups()) for m in COLL_ELEMENT_PATTERN.finditer(rest.split("#", 1)[0])]
                self.table.add(hexstrings2int(points), elements)

    return Collator()


def _need(texts) -> None:
    """Make sure the collator knows every character of `texts` (and their decompositions, bases
    and the letters tailorings refer to)."""
    wanted = set()
    for text in texts:
        for char in text:
            wanted.add(ord(char))
            wanted.update(ord(c) for c in unicodedata.normalize("NFD", char))
            wanted.update(ord(c) for base in _bases(char) for c in unicodedata.normalize("NFD", base))
    for rules in TAILORINGS.values():
        for base_letter, after in rules:
            wanted.update(ord(c) for c in base_letter + base_letter.upper() + after + after.upper())
    if not wanted <= _NEEDED:
        _NEEDED.update(wanted)


@functools.lru_cache(maxsize=64)
def _units(language: str) -> dict[str, tuple[str, int]]:
    """unit (lower case) -> (its base letter, its rank after the base)."""
    units = {}
    for base_letter, after in TAILORINGS.get(languages.base(language), []):
        rank = 0
        i = 0
        while i < len(after):  # a two-letter unit (cs "ch", hu "cs") is written whole in the string
            unit = after[i:i + 2] if after[i:i + 2] in {"ch", "cs", "dz", "gy", "ly", "ny", "sz", "ty", "zs",
                                                        "dž", "lj", "nj"} else after[i]
            rank += 1
            units[unit] = (base_letter, rank)
            i += len(unit)
    return units


def _lower(text: str, language: str) -> str:
    table = LOWER.get(languages.base(language), {})
    return "".join(table.get(c, c) for c in text).lower()


def _elements(text: str, language: str) -> list[list[int]]:
    collator = _collator()
    units = _units(language)
    lower = _lower(text, language)
    elements: list[list[int]] = []
    run_start, i = 0, 0

    def flush(end: int) -> None:
        if end > run_start:
            elements.extend(collator.collation_elements(unicodedata.normalize("NFD", text[run_start:end])))

    while i < len(text):
        unit = next((u for u in (lower[i:i + 2], lower[i]) if u in units), None) if units else None
        if unit is None:
            i += 1
            continue
        flush(i)
        base_letter, rank = units[unit]
        written = text[i:i + len(unit)]
        upper = written[:1].isupper()
        base_elements = collator.collation_elements(base_letter)
        elements.extend([e[0], e[1], 0x08 if upper else e[2]] for e in base_elements)
        elements.append([_HIGH + rank, 0x20, 0x08 if upper else 0x02])
        i += len(unit)
        run_start = i
    flush(len(text))
    return elements


def _script(char: str) -> str:
    return unicodedata.name(char, "").split(" ")[0]


@functools.lru_cache(maxsize=64)
def _script_name(language: str) -> str:
    """The first word of the Unicode names of the letters of the language's script ('CYRILLIC'),
    from the script's description in the IANA registry."""
    import re

    code = languages.script(language)
    found = re.search(rf"^Type: script\nSubtag: {code}\nDescription: (\w+)", languages.registry(), re.M)
    return found.group(1).upper() if found else code.upper()


def _first_letter(text: str) -> int | None:
    for i, char in enumerate(text):
        if char.isalpha():
            return i
    return None


def sort_key(text: str, language: str) -> tuple:
    """The key that orders `text` among others in `language` (words of the language's script first)."""
    _need([text])
    collator = _collator()
    at = _first_letter(text)
    own = at is not None and _script(text[at]) == _script_name(language)
    return (0 if own else 1, collator.sort_key_from_collation_elements(_elements(text, language)))


def letter(text: str, language: str) -> str:
    """The letter `text` is filed under in `language`: Ёж under Е in Russian, Қазақ under Қ, Łódź
    under L in a Russian book and under Ł in a Polish one; '#' for a text that starts with no letter."""
    at = _first_letter(text)
    if at is None:
        return "#"
    _need([text])
    units = _units(language)
    lang = languages.base(language)
    lower = _lower(text[at:at + 2], language)
    for unit in (lower[:2], lower[:1]):
        if unit in units:
            return CAPITALS.get(lang, {}).get(unit[0], unit[0].upper()) + unit[1:]
    char = text[at]
    capital = CAPITALS.get(lang, {}).get(_lower(char, language), char.upper())
    primaries = _primaries(char, language)
    for candidate in _bases(char):
        if candidate != char and _primaries(candidate, language) == primaries:
            return CAPITALS.get(lang, {}).get(_lower(candidate, language), candidate.upper())
    return capital


def _primaries(char: str, language: str) -> list[int]:
    return [e[0] for e in _elements(char, language) if e[0]]


def _bases(char: str) -> list[str]:
    """Letters `char` may be a variant of: its decomposition's base letter, the letter its Unicode
    name is made from (Ł is LATIN CAPITAL LETTER L WITH STROKE, Ґ CYRILLIC … GHE WITH UPTURN)."""
    found = []
    decomposed = unicodedata.normalize("NFD", char)[:1]
    if decomposed:
        found.append(decomposed)
    name = unicodedata.name(char, "")
    if " WITH " in name:
        try:
            found.append(unicodedata.lookup(name.split(" WITH ")[0]))
        except KeyError:
            pass
    return found


def order(terms: list[str], language: str) -> list[tuple[str, str]]:
    """(term, letter) for every term, in the language's order; remembered in the build cache."""
    from anthology import cache

    request = cache.key("collation", language, sorted(terms))
    entry = cache.lookup(request)
    if entry is not None and isinstance(entry.data.get("order"), list) \
            and sorted(t for t, _l in entry.data["order"]) == sorted(terms):
        return [(term, heading) for term, heading in entry.data["order"]]
    _need(terms)
    keyed = sorted(terms, key=lambda term: (sort_key(_without_punctuation(term), language), term))
    result = [(term, letter(term, language)) for term in keyed]
    cache.store(request, [], {}, {"order": [list(pair) for pair in result]}, prune_now=False)
    return result


def _without_punctuation(term: str) -> str:
    return "".join(c for c in term if c.isalnum() or c.isspace() or c == ",")

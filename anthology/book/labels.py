"""The words the tool itself prints (Contents, Translated by, dates, sizes, language names …), in the
book's language.

Built in for English, Russian, Ukrainian, Kazakh, German, French, Spanish, Polish, Turkish, Arabic and
Hebrew (every label in each: tests/e2e/languages/test_multilingual_book.py checks it); another language falls back to English
for the words, while dates, sizes, lists of names and the names of languages come from CLDR through
Babel for any language. A label may have plural forms, a mapping of CLDR plural categories (one, few,
many, other …) chosen by Babel's plural rules for the number of people it names. A book adds to (never
replaces) these with `labels:` in its manifest: a label it gives replaces that label only, and
`languages:` adds names to CLDR's.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import string

from anthology.book import languages as tags

from anthology.book.label_texts import BUILT_IN, EN  # noqa: E402  (EN: the names every book may override)

OVERRIDE_ONLY = {  # labels a book may give that have no built-in text (CLDR gives them)
    "months": "twelve month names, for dates written as {day} {month} {year} (default: CLDR's dates)",
    "date": "a date as {day} {month} {year} (default: CLDR's long date of the language)",
    "languages": "code=Name pairs added to CLDR's names of languages",
}
NAMES = tuple(EN) + tuple(OVERRIDE_ONLY)
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")


class Labels:
    """Labels for one language, with the manifest's overrides; attribute access for templates."""

    def __init__(self, language: str, overrides: dict | None = None):
        self.code = language  # the book's language tag
        base = dict(EN)
        base.update(BUILT_IN.get(tags.base(language), {}))
        overrides = dict(overrides or {})
        self._extra_languages = dict(pair.split("=", 1) for pair in str(overrides.pop("languages", "")).split())
        self._months = overrides.pop("months", "").split() or None
        self._date = overrides.pop("date", None)
        self._own_and = "and" in overrides
        base.update(overrides)
        self._labels = base

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):  # not a label (and while unpickling, before _labels exists)
            raise AttributeError(name)
        try:
            value = self._labels[name]
        except KeyError:
            raise AttributeError(name) from None
        return value if isinstance(value, str) else value.get("other", next(iter(value.values())))

    def _text(self, name: str, count: int | None) -> str:
        value = self._labels[name]
        if isinstance(value, str):
            return value
        category = tags.remembered("plural", (self.code, count), lambda: _locale(self.code).plural_form(count)) \
            if count is not None else "other"
        return value.get(category) or value.get("other") or next(iter(value.values()))

    def format(self, name: str, count: int | None = None, **values) -> str:
        """The label with its placeholders filled in; a value ending in a full stop before the
        label's own ("… 2019 г." + ".") gives one full stop, not two."""
        text = self._text(name, count)
        out: list[str] = []
        for literal, field, spec, _conversion in string.Formatter().parse(text):
            if out and out[-1].endswith(".") and literal.startswith("."):
                literal = literal[1:]
            out.append(literal)
            if field is not None:
                out.append(format(values[field], spec or ""))
        return "".join(out)

    def people(self, name: str, people: list[str]) -> str:
        """A label that names people ("Составители: А и Б"), in the plural form for their number."""
        return self.format(name, count=len(people), names=self.names(people))

    def date(self, date: dt.date | None) -> str:
        """A date the language's way (CLDR's long format: "14 марта 2019 г.", "14. März 2019")."""
        if not date:
            return ""
        if self._months or self._date:
            months = self._months or _babel_months(self.code)
            return (self._date or "{day} {month} {year}").format(day=date.day, month=months[date.month - 1],
                                                                 year=date.year)
        def long_date() -> str:
            from babel.dates import format_date

            return format_date(date, "long", locale=_locale(self.code))

        return tags.remembered("date", (self.code, date.isoformat()), long_date)

    def names(self, people: list[str]) -> str:
        people = list(people)
        if len(people) <= 1:
            return "".join(people)
        if self._own_and:
            return ", ".join(people[:-1]) + f" {self._labels['and']} " + people[-1]
        def listed() -> str:
            from babel.lists import format_list

            return format_list(people, locale=_locale(self.code))

        return tags.remembered("list", (self.code, *people), listed)

    def language(self, code: str | None) -> str:
        """The name of a language in the book's language: the book's own names first, then CLDR's for
        any code ('kk-Latn' -> 'казахский (латиница)'); the code itself when neither knows it."""
        if not code:
            return ""
        for candidate in (code, tags.base(code)):
            if candidate in self._extra_languages:
                return self._extra_languages[candidate]
        return tags.remembered("language-name", (self.code, code), lambda: self._cldr_language(code))

    def _cldr_language(self, code: str) -> str:
        locale = _locale(self.code)
        name = locale.languages.get(code.replace("-", "_")) or locale.languages.get(tags.base(code))
        if not name:
            return code
        script = next((p for p in code.split("-")[1:] if len(p) == 4 and p.isalpha()), None)
        if script and code.replace("-", "_") not in locale.languages:
            name += f" ({locale.scripts.get(script.title(), script)})"
        return name

    def size(self, size: int) -> str:
        """A file's size the language's way ("214 кБ", "1,4 MB"; 1024-based, as file managers count)."""
        kilobytes = max(1, round(size / 1024)) if size < 1024 * 1024 else None
        megabytes = None if kilobytes else round(size / (1024 * 1024), 1)
        return tags.remembered("size", (self.code, kilobytes, megabytes), lambda: self._size(size))

    def _size(self, size: int) -> str:
        from babel.units import format_unit

        locale = _locale(self.code)
        if size < 1024 * 1024:
            return format_unit(max(1, round(size / 1024)), "digital-kilobyte", length="short", locale=locale)
        return format_unit(round(size / (1024 * 1024), 1), "digital-megabyte", length="short", locale=locale)

    def trim(self, name: str, width: float, height: float) -> str:
        """A page size: its name when it has one, and its dimensions ("A5, 148 × 210 мм";
        "6 × 9 дюйм." for a size given in inches)."""
        return tags.remembered("trim", (self.code, name, round(width, 2), round(height, 2)),
                               lambda: self._trim(name, width, height))

    def _trim(self, name: str, width: float, height: float) -> str:
        from babel.numbers import format_decimal
        from babel.units import format_unit

        locale = _locale(self.code)
        custom = bool(re.search(r"\d\s*[a-z]*\s*[x×]\s*\d", name.lower()))  # "6in x 9in": dimensions alone
        if custom and "in" in name.lower():
            w, h, unit = round(width / 72, 2), round(height / 72, 2), "length-inch"
        else:
            w, h, unit = round(width / 72 * 25.4), round(height / 72 * 25.4), "length-millimeter"
        size = f"{format_decimal(w, locale=locale)}\u00a0×\u00a0{format_unit(h, unit, length='short', locale=locale)}"
        return size if custom else f"{name}, {size}"


@functools.lru_cache(maxsize=32)
def _locale(language: str):
    from babel import Locale

    return tags.locale(language) or Locale("en")


@functools.lru_cache(maxsize=32)
def _babel_months(language: str) -> list[str]:
    locale = _locale(language)
    return [locale.months["format"]["wide"][n] for n in range(1, 13)]

def problem(name: str, value) -> str | None:
    """What is wrong with a book's own text for the label `name` (None when nothing): its {placeholders}
    must be those of the English label, `months` twelve words, `languages` pairs of code=name; a
    mapping gives plural forms (one:, few:, many:, other: …, CLDR's categories)."""
    if isinstance(value, dict):
        if name in OVERRIDE_ONLY:
            return "must be text, not a mapping"
        for category, text in value.items():
            if category not in PLURAL_CATEGORIES:
                return (f"has the plural form '{category}', which is not one of CLDR's categories "
                        f"({', '.join(PLURAL_CATEGORIES)})")
            if not isinstance(text, str) or not text.strip():
                return f"must be text in its plural form '{category}'"
            found = problem(name, text)
            if found:
                return f"({category}) {found}"
        return None
    if name == "months":
        return None if len(value.split()) == 12 else "must be twelve month names separated by spaces"
    if name == "languages":
        bad = [pair for pair in value.split() if "=" not in pair.strip("=")]
        return f"must be pairs like en=English (not '{bad[0]}')" if bad else None
    template = EN.get(name, "{day} {month} {year}")  # date, the only other label with placeholders
    allowed = {field for _text, field, _spec, _conv in string.Formatter().parse(template) if field}
    try:
        fields = {field for _text, field, _spec, _conv in string.Formatter().parse(value) if field is not None}
        samples = {field: (1 if field in ("day", "year") else "x") for field in allowed}
        unknown = sorted(fields - allowed)
        if not unknown:
            value.format(**samples)
    except (ValueError, IndexError, KeyError, AttributeError, TypeError) as exc:
        return f"is not a valid text with placeholders ({exc}): write {{{{ and }}}} for a brace"
    if unknown:
        known = ", ".join("{" + f + "}" for f in sorted(allowed)) or "none"
        return f"uses the placeholder {{{unknown[0]}}}, which this label does not have (it has: {known})"
    return None

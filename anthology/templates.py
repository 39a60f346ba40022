"""The Jinja2 environment (autoescape, StrictUndefined) and the helpers every template may call."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from . import markup

TOOL_ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = {"en": "English", "ru": "Russian", "kk": "Kazakh", "uk": "Ukrainian", "de": "German",
             "fr": "French", "es": "Spanish", "uz": "Uzbek", "ky": "Kyrgyz", "be": "Belarusian"}


def resource(book_root: Path, relative: str) -> Path:
    """A template or style file: the book's own copy if it has one, else the tool's."""
    own = book_root / relative
    return own if own.exists() else TOOL_ROOT / relative


def names(people: list[str]) -> str:
    people = list(people)
    if len(people) <= 1:
        return "".join(people)
    return ", ".join(people[:-1]) + " and " + people[-1]


def longdate(date: dt.date | None) -> str:
    return f"{date.day} {date:%B %Y}" if date else ""


def language_name(code: str | None) -> str:
    if not code:
        return ""
    return LANGUAGES.get(code.split("-")[0].lower(), code)


def byline(piece) -> Markup:
    parts = []
    if piece.authors:
        parts.append(escape(names(piece.authors)))
    where = ", ".join(x for x in (piece.source, longdate(piece.date)) if x)
    if where:
        parts.append(Markup('<span class="byline-source">{}</span>').format(where))
    if piece.translators:
        parts.append(Markup('<span class="byline-translators">Translated by {}</span>').format(names(piece.translators)))
    return Markup(" <span class=\"sep\" aria-hidden=\"true\">·</span> ").join(parts)


def credit_lines(piece) -> list[Markup]:
    lines = []
    if piece.authors:
        lines.append(escape(f"By {names(piece.authors)}."))
    if piece.source or piece.date:
        where = ", ".join(x for x in (piece.source, longdate(piece.date)) if x)
        lines.append(escape(f"First published: {where}."))
    if piece.url:
        lines.append(Markup('<a class="external bare" href="{0}">{0}</a>').format(piece.url))
    if piece.original_language:
        lines.append(escape(f"Original language: {language_name(piece.original_language)}."))
    if piece.translators:
        lines.append(escape(f"Translated by {names(piece.translators)}."))
    if piece.credits:
        lines.append(Markup(markup.inline(piece.credits)))
    return lines


def environment(book_root: Path) -> jinja2.Environment:
    own = book_root / "templates"
    search = [str(p) for p in (own, TOOL_ROOT / "templates") if p.is_dir()]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(search),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["inline"] = lambda text: Markup(markup.inline(str(text)))
    env.globals.update(names=names, longdate=longdate, byline=byline, credit_lines=credit_lines,
                       language_name=language_name)
    return env

"""The Jinja2 environment (sandboxed, autoescape, StrictUndefined) and the helpers every template may call.

A book's templates are data, not code: they render in Jinja2's immutable sandbox, which refuses
Python's internals (`__globals__`, `__class__` …) and changing lists and dicts, and this sandbox
also refuses every method of a path that touches the file system (`read_text`, `open`, `unlink` …)."""

from __future__ import annotations

import traceback
from pathlib import Path, PurePath

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from anthology.errors import Problem
from anthology.text import markup
from anthology.text.index import groups as index_groups
from anthology.book import languages
from anthology.book.labels import Labels

from anthology.resources import TOOL_ROOT, resource  # noqa: F401  (re-exported for the renderers)


def sentence(text) -> str:
    """The text with a full stop at its end, unless it has one ("… 2019 г." stays as it is)."""
    text = str(text).rstrip()
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def byline(piece, labels: Labels) -> Markup:
    parts = []
    if piece.authors:
        parts.append(escape(labels.names(piece.authors)))
    where = ", ".join(x for x in (piece.source, labels.date(piece.date)) if x)
    if where:
        parts.append(Markup('<span class="byline-source">{}</span>').format(where))
    if piece.translators:
        parts.append(Markup('<span class="byline-translators">{}</span>').format(
            labels.people("translated_by", piece.translators)))
    return Markup(" <span class=\"sep\" aria-hidden=\"true\">·</span> ").join(parts)


def credit_lines(piece, labels: Labels, language: str = "en") -> list[Markup]:
    lines = []
    if piece.authors:
        lines.append(escape(labels.people("by", piece.authors)))
    if piece.source or piece.date:
        where = ", ".join(x for x in (piece.source, labels.date(piece.date)) if x)
        lines.append(escape(labels.format("first_published", where=where)))
    if piece.url:
        lines.append(Markup('<a class="external bare" href="{0}">{0}</a>').format(piece.url))
    if piece.original is not None and piece.original.title:  # the original's title, in its language
        text = escape(labels.format("original_title", title="\x00", language=labels.language(piece.original_language)))
        title = Markup('<span class="credit-original" lang="{}" dir="{}">{}</span>').format(
            piece.original.language, piece.original.direction, Markup(markup.inline(piece.original.title)))
        lines.append(Markup(text.replace("\x00", title)))
    elif piece.original_language:
        lines.append(escape(labels.format("original_language", language=labels.language(piece.original_language))))
    if piece.translators:
        lines.append(escape(sentence(labels.people("translated_by", piece.translators))))
    if piece.credits:
        lines.append(Markup(markup.inline(piece.credits, language)))
    return lines


def lang_attributes(tag: str | None, around: str) -> Markup:
    """` lang="…" dir="…"` for an element written in `tag` inside text in `around` (nothing when the
    same language; dir only when the direction changes). XHTML gets xml:lang from the EPUB writer."""
    if not tag or tag == around:
        return Markup("")
    out = Markup(' lang="{}"').format(tag)
    if languages.direction(tag) != languages.direction(around):
        out += Markup(' dir="{}"').format(languages.direction(tag))
    return out


def in_language(html, tag: str | None, around: str) -> Markup:
    """A title written in another language than the book's, in a <span lang=…> (the contents, the
    credits, the navigation); as it is otherwise."""
    attributes = lang_attributes(tag, around)
    return Markup('<span class="title-lang"{}>{}</span>').format(attributes, html) if attributes else Markup(html)


class BookSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, with paths reduced to their pure (string-like) side."""

    def is_safe_attribute(self, obj, attr, value) -> bool:
        if isinstance(obj, Path) and not hasattr(PurePath, attr):
            return False  # exists(), read_text(), open(), write_bytes(), unlink(), resolve() …
        return super().is_safe_attribute(obj, attr, value)


def own_templates(root: Path) -> Path | None:
    """The book's own templates/ folder, None when it has none (or when the book is the tool's own
    folder, as the sample book at the top of the repository is)."""
    own = Path(root) / "templates"
    if not own.is_dir() or own.resolve() == (TOOL_ROOT / "templates").resolve():
        return None
    return own


def environment(book) -> jinja2.Environment:
    """Templates from the book's own templates/ folder first, then the tool's."""
    labels = book.labels
    own = own_templates(book.root)
    search = [str(p) for p in (own, TOOL_ROOT / "templates") if p is not None and p.is_dir()]
    env = BookSandbox(
        loader=jinja2.FileSystemLoader(search),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["letters"] = index_groups
    env.filters["inline"] = lambda text, language=None: Markup(markup.inline(str(text), language or book.language))
    env.globals.update(
        t=labels, names=labels.names, longdate=labels.date, sentence=sentence,
        byline=lambda piece: byline(piece, labels),
        credit_lines=lambda piece: credit_lines(piece, labels, book.language),
        direction=languages.direction, lang_attributes=lambda tag: lang_attributes(tag, book.language),
        in_language=lambda html, tag: in_language(html, tag, book.language),
    )
    return env


def template_problem(book, exc) -> Problem:
    """A template error as a book problem: the template's file and line when Jinja2 knows them."""
    name = getattr(exc, "filename", None) or getattr(exc, "name", None)
    line = getattr(exc, "lineno", None)
    if not name:  # a runtime error: Jinja2 puts the template's own line in the traceback
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith((".html", ".xhtml"))]
        if frames:
            name, line = frames[-1].filename, frames[-1].lineno
    where = name or "templates"
    if name:
        try:
            where = str(Path(name).resolve().relative_to(book.root.resolve()))
        except ValueError:
            from anthology.resources import TOOL_ROOT

            where = str(Path(name).relative_to(TOOL_ROOT)) if Path(name).is_absolute() \
                and TOOL_ROOT in Path(name).parents else name
    from jinja2.sandbox import SecurityError

    message = f"template error: {exc.message or exc}"
    if isinstance(exc, SecurityError):
        message += (" Templates are sandboxed: they may use the book's values and the helpers, "
                    "not Python's internals, files or commands; remove that expression")
    return Problem(where, line, message)

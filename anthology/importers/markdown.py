"""A draft's cleaned HTML -> the Markdown of a piece: markdownify for the text, `[^n]` footnotes,
images pointed at their place in the book, list items indented the way Python-Markdown reads them.

The Markdown must read back as the text it came from: a backslash only where Python-Markdown takes
it away again, verse as verse lines, small caps, languages, abbreviations and deletions as the inline
HTML the book keeps, and tables that Markdown cannot hold (merged cells, no header row) as HTML.
"""

from __future__ import annotations

import html as html_text
import re
from typing import Any

from markdownify import MarkdownConverter

from anthology.importers import Draft
from anthology.importers.html import COMMENT_TOKEN, NOTE_TOKEN

# markdownify escapes these too, but Python-Markdown keeps the backslash before them: undo it.
_NOT_ESCAPES = re.compile(r"\\([&=~])")
_ENTITY_LIKE = re.compile(r"&(#?\w+;)")
_SMALL_CAPS = {"small-caps", "smallcaps", "smcp", "sc"}


def _attributes(el, names) -> str:
    out = []
    for name in names:
        value = el.get(name)
        if isinstance(value, list):
            value = " ".join(value)
        if value:
            out.append(f' {name}="{html_text.escape(str(value), quote=True)}"')
    return "".join(out)


# markdownify's own __init__.pyi declares none of the convert_* methods (nor process_tag) that its
# converter defines and this one overrides or calls: the base is taken as untyped
_Base: Any = MarkdownConverter


class _Converter(_Base):
    """markdownify with list items indented by four columns (Python-Markdown's nesting rule), the
    book's verse, inline semantics kept, and HTML tables where Markdown's cannot say it."""

    def __init__(self, lyrics: bool = False, **options):
        super().__init__(**options)
        self.lyrics = lyrics

    def escape(self, text, parent_tags):
        text = super().escape(text, parent_tags)
        text = _NOT_ESCAPES.sub(r"\1", text)
        text = _ENTITY_LIKE.sub(r"&amp;\1", text)  # "&copy;" as text, not as the entity
        return text.replace("{", "\\{")  # never an attribute list

    def convert_li(self, el, text, parent_tags):
        text = (text or "").strip()
        if not text:
            return "\n"
        parent = el.parent
        if parent is not None and parent.name == "ol":
            start = int(parent.get("start")) if str(parent.get("start") or "").isdigit() else 1
            bullet = f"{start + len(el.find_previous_siblings('li'))}."
        else:
            bullet = "-"
        bullet = bullet.ljust(3) + " "
        indent = " " * len(bullet)
        lines = text.split("\n")
        body = "\n".join([lines[0]] + [indent + line if line.strip() else "" for line in lines[1:]])
        return f"{bullet}{body}\n"

    # --- inline semantics the book keeps -----------------------------------------------------

    def _with_lang(self, el, markdown: str) -> str:
        lang = el.get("lang")
        return f'{markdown}{{: lang="{html_text.escape(lang, quote=True)}"}}' if lang and markdown else markdown

    def convert_em(self, el, text, parent_tags):
        return self._with_lang(el, super().convert_em(el, text, parent_tags))

    convert_i = convert_em

    def convert_strong(self, el, text, parent_tags):
        return self._with_lang(el, super().convert_strong(el, text, parent_tags))

    convert_b = convert_strong

    def convert_span(self, el, text, parent_tags):
        classes = set(el.get("class") or [])
        kept = sorted(classes & _SMALL_CAPS)
        if "line" in classes or not (kept or el.get("lang")) or not text:
            return text
        cls = ' class="small-caps"' if kept else ""
        return f"<span{cls}{_attributes(el, ('lang',))}>{text}</span>"

    def convert_abbr(self, el, text, parent_tags):
        return f"<abbr{_attributes(el, ('title', 'lang'))}>{text}</abbr>" if text else ""

    def convert_del(self, el, text, parent_tags):
        return f"<del>{text}</del>" if text else ""

    convert_s = convert_del
    convert_strike = convert_del

    def convert_cite(self, el, text, parent_tags):
        return f"<cite>{text}</cite>" if text else ""

    # --- verse -----------------------------------------------------------------------------

    def convert_div(self, el, text, parent_tags):
        if "verse" not in (el.get("class") or []):
            return super().convert_div(el, text, parent_tags)
        stanzas = []
        for stanza in el.find_all("p", recursive=False):
            lines = []
            for line in stanza.find_all("span", recursive=False):
                content = self.process_tag(line, parent_tags=set(parent_tags) | {"p", "_inline"}).strip()
                indent = [c for c in (line.get("class") or []) if re.fullmatch(r"i\d", c)]
                lines.append((indent[0] if indent else None, content))
            if lines:
                stanzas.append(lines)
        if self.lyrics:  # the piece is verse: a line a line, a blank line between stanzas
            return "\n\n" + "\n\n".join(
                "\n".join(f'<span class="{i}">{t}</span>' if i else t for i, t in stanza) for stanza in stanzas
            ) + "\n\n"
        blocks = []
        for stanza in stanzas:
            joined = "<br />\n".join(f'<span class="line{" " + i if i else ""}">{t}</span>' for i, t in stanza)
            blocks.append(f'<p class="stanza" markdown="1">{joined}</p>')
        return '\n\n<div class="verse" markdown="1">\n' + "\n".join(blocks) + "\n</div>\n\n"

    # --- tables ----------------------------------------------------------------------------

    def _html_table(self, el) -> bool:
        table = el if el.name == "table" else el.find_parent("table")
        if table is None:
            return False
        if getattr(table, "_anthology_html", None) is None:
            rows = table.find_all("tr")
            first = rows[0].find_all(["td", "th"]) if rows else []
            spans = any(cell.get("colspan", "1") != "1" or cell.get("rowspan", "1") != "1"
                        for cell in table.find_all(["td", "th"]))
            header = bool(first) and all(cell.name == "th" and cell.get_text(strip=True) for cell in first)
            table._anthology_html = spans or not header or table.find("table") is not None
        return table._anthology_html

    def convert_table(self, el, text, parent_tags):
        if not self._html_table(el):
            return super().convert_table(el, text, parent_tags)
        return '\n\n<table markdown="1">\n' + text.strip() + "\n</table>\n\n"

    def _cell(self, el, text, parent_tags, tag):
        if not self._html_table(el):
            method = super().convert_th if tag == "th" else super().convert_td
            return method(el, text, parent_tags)
        content = " ".join((text or "").split())
        if tag == "th" and not content:
            tag = "td"  # an empty header cell says nothing to a screen reader
        return f"<{tag}{_attributes(el, ('colspan', 'rowspan'))} markdown=\"1\">{content}</{tag}>"

    def convert_td(self, el, text, parent_tags):
        return self._cell(el, text, parent_tags, "td")

    def convert_th(self, el, text, parent_tags):
        return self._cell(el, text, parent_tags, "th")

    def convert_tr(self, el, text, parent_tags):
        if not self._html_table(el):
            return super().convert_tr(el, text, parent_tags)
        return f'<tr markdown="1">{text.strip()}</tr>\n'

    def _section(self, el, text, parent_tags):
        if not self._html_table(el):
            return text
        return f'<{el.name} markdown="1">\n{text.strip()}\n</{el.name}>\n'

    convert_thead = _section
    convert_tbody = _section
    convert_tfoot = _section


_OPTIONS = dict(heading_style="ATX", bullets="-", strong_em_symbol="*", sup_symbol="<sup>",
                sub_symbol="<sub>", escape_misc=True, table_infer_header=False, autolinks=True)


def to_markdown(html: str, lyrics: bool = False) -> str:
    text = _Converter(lyrics=lyrics, **_OPTIONS).convert(html or "")
    text = text.replace("\\<", "&lt;")  # Python-Markdown has no escape for "<": an entity keeps it text
    text = re.sub(r"[ \t]+\n", lambda m: "  \n" if m.group(0).startswith("  ") else "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def piece_body(draft: Draft, images: dict[str, str], kind: str | None = None) -> str:
    """The Markdown body of the piece: the text, then its footnotes; images renamed by `images`."""
    html = draft.html
    for provisional, final in images.items():
        html = html.replace(f'src="{provisional}"', f'src="{final}"')
    lyrics = (kind or draft.kind) == "lyrics"
    body = to_markdown(html, lyrics=lyrics)
    for number in range(1, len(draft.notes) + 1):
        body = body.replace(NOTE_TOKEN.format(number), f"[^{number}]")
    for number, comment in enumerate(draft.comments, start=1):
        safe = " ".join(comment.split()).replace("--", "\u2013").replace(">", "\u203a")
        body = body.replace(COMMENT_TOKEN.format(number), f"<!-- {safe} -->")
    notes = []
    for number, note in enumerate(draft.notes, start=1):
        text = to_markdown(note) or "TODO: the note was empty in the original"
        lines = text.split("\n")
        notes.append(f"[^{number}]: " + "\n".join([lines[0]] + ["    " + l if l.strip() else "" for l in lines[1:]]))
    return body + ("\n\n" + "\n\n".join(notes) if notes else "") + "\n"

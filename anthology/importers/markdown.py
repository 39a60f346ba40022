"""A draft's cleaned HTML -> the Markdown of a piece: markdownify for the text, `[^n]` footnotes,
images pointed at their place in the book, list items indented the way Python-Markdown reads them."""

from __future__ import annotations

import re

from markdownify import MarkdownConverter

from anthology.importers import Draft
from anthology.importers.html import NOTE_TOKEN


class _Converter(MarkdownConverter):
    """markdownify with list items indented by four columns (Python-Markdown's nesting rule)."""

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


_OPTIONS = dict(heading_style="ATX", bullets="-", strong_em_symbol="*", sup_symbol="<sup>",
                sub_symbol="<sub>", escape_misc=True, table_infer_header=True, autolinks=True)


def to_markdown(html: str) -> str:
    text = _Converter(**_OPTIONS).convert(html or "")
    text = text.replace("\\<", "&lt;")  # Python-Markdown has no escape for "<": an entity keeps it text
    text = re.sub(r"[ \t]+\n", lambda m: "  \n" if m.group(0).startswith("  ") else "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def piece_body(draft: Draft, images: dict[str, str]) -> str:
    """The Markdown body of the piece: the text, then its footnotes; images renamed by `images`."""
    html = draft.html
    for provisional, final in images.items():
        html = html.replace(f'src="{provisional}"', f'src="{final}"')
    body = to_markdown(html)
    for number in range(1, len(draft.notes) + 1):
        body = body.replace(NOTE_TOKEN.format(number), f"[^{number}]")
    notes = []
    for number, note in enumerate(draft.notes, start=1):
        text = to_markdown(note) or "TODO: the note was empty in the original"
        lines = text.split("\n")
        notes.append(f"[^{number}]: " + "\n".join([lines[0]] + ["    " + l if l.strip() else "" for l in lines[1:]]))
    return body + ("\n\n" + "\n\n".join(notes) if notes else "") + "\n"

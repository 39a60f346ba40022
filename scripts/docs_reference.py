"""The reference of every manifest and front-matter key, made from anthology/book/schema.py.

A MkDocs hook (mkdocs.yml: `hooks: [scripts/docs_reference.py]`): a page's `<!-- schema -->` is
replaced by one table per section of the schema. Run alone, it prints the tables:

    .venv/bin/python scripts/docs_reference.py
"""

from __future__ import annotations

from pathlib import Path

MARKER = "<!-- schema -->"
ROOT = Path(__file__).resolve().parent.parent
INCLUDED = ("CHANGELOG.md", "CONTRIBUTING.md")  # written at the top, shown in the site

SECTIONS = (  # (schema table, heading, where it is written)
    ("BOOK", "The book", "`book.yaml`, at the top"),
    ("CHAPTER", "A chapter", "each item of `chapters:`"),
    ("PIECE", "A piece", "a piece's front matter, or a mapping in `pieces:` (with `file:`) that overrides it"),
    ("INDEX_TERM", "An index term", "each item of `index:` that is a mapping (a plain string is a term of one form)"),
    ("PRINT", "Print settings", "under `print:`"),
)


def tables() -> str:
    import sys

    if str(ROOT) not in sys.path:  # this tree's schema, whichever anthology is installed
        sys.path.insert(0, str(ROOT))
    from anthology.book import schema

    out = []
    for name, heading, where in SECTIONS:
        keys = getattr(schema, name)
        out.append(f"## {heading}\n\nWritten {where}.\n\n| key | type | required | what it means |\n|---|---|---|---|")
        for key, spec in keys.items():
            help_text = (spec.help or "").replace("|", "\\|")
            out.append(f"| `{key}` | {spec.type} | {'yes' if spec.required else ''} | {help_text} |")
        out.append("")
    out.append("Piece kinds: " + ", ".join(f"`{k}`" for k in schema.KINDS) + ". Papers: " +
               ", ".join(f"`{k}` ({v} in a page)" for k, v in schema.PAPERS.items()) + ".")
    return "\n".join(out) + "\n"


def on_page_markdown(markdown: str, page=None, config=None, files=None) -> str:
    """The schema's tables in place of MARKER; a file of the repository's top (CHANGELOG.md,
    CONTRIBUTING.md) in place of `<!-- include NAME -->`, so that each is written once."""
    if MARKER in markdown:
        markdown = markdown.replace(MARKER, tables())
    for name in INCLUDED:
        marker = f"<!-- include {name} -->"
        if marker in markdown:
            markdown = markdown.replace(marker, (ROOT / name).read_text(encoding="utf-8"))
    return markdown


if __name__ == "__main__":
    print(tables())

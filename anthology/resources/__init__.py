"""Where the tool's own templates, styles and fonts are.

One copy lives in the repository: the top-level `templates/` and `styles/` folders. A wheel (or a plain
`pip install .`) carries them as the package data `anthology/resources/templates` and
`anthology/resources/styles` (see `package-dir` in pyproject.toml); a checkout or an editable install
finds them at the repository's top level. The skeleton of a new book (`anthology new`) lives in the
package itself, `anthology/resources/skeleton/`.
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent

#: The folder that holds the tool's `templates/` and `styles/`.
TOOL_ROOT = _HERE if (_HERE / "templates").is_dir() else _HERE.parent.parent

#: The files `anthology new` copies into a new book.
SKELETON = _HERE / "skeleton"


def resource(book_root: Path, relative: str) -> Path:
    """A template or style file: the book's own copy if it has one, else the tool's."""
    own = book_root / relative
    return own if own.exists() else TOOL_ROOT / relative

"""The book's own stylesheet is data: every file it refers to (`@import`, `url()`, `@font-face`) must be
a file inside the book's folder; the network and paths outside the book are problems with their line."""

from __future__ import annotations

import re
from pathlib import Path

from anthology.resources import TOOL_ROOT

_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)""", re.I)
_IMPORT = re.compile(r"""@import\s+(?:"([^"]*)"|'([^']*)')""", re.I)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
MAX_IMPORTS = 50  # stylesheets followed through @import, in all


def references(css: str) -> list[tuple[int, str]]:
    """(line, target) of every url() and quoted @import in a stylesheet, comments left out."""
    text = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), css)
    found = []
    for pattern in (_URL, _IMPORT):
        for match in pattern.finditer(text):
            target = next(g for g in match.groups() if g is not None).strip()
            found.append((text.count("\n", 0, match.start()) + 1, target))
    return sorted(found)


def local_target(target: str, base: Path, root: Path) -> tuple[Path | None, str | None]:
    """(the file inside the book a reference means, None) or (None, what is wrong with it).
    data: URLs and in-document references (#id) are neither: (None, None)."""
    if not target or target.startswith("#") or target.lower().startswith("data:"):
        return None, None
    if _SCHEME.match(target) or target.startswith("//"):
        return None, (f"the stylesheet refers to '{target}', which is not a file in the book "
                      "(no network and no file: URLs during a build): put the file in the book's folder "
                      "and use a relative path")
    path = (base / target.split("#", 1)[0].split("?", 1)[0]).resolve()
    root = root.resolve()
    tool_styles = (TOOL_ROOT / "styles").resolve()  # the fetcher serves the tool's fonts too
    if target.startswith("/") or not (root in path.parents or tool_styles in path.parents):
        return None, (f"the stylesheet refers to '{target}', which is outside the book's folder: put the "
                      "file in the book's folder and use a relative path")
    if not path.is_file():
        return None, f"the stylesheet refers to '{target}', which does not exist (looked for {path})"
    return path, None


def check(stylesheet: Path, root: Path, report) -> None:
    """Report (path, line, message) for every reference of the book's own stylesheet, and of the
    stylesheets it imports, that points outside the book, to the network, or to nothing."""
    queue, seen = [stylesheet], set[Path]()
    while queue and len(seen) < MAX_IMPORTS:
        sheet = queue.pop(0)
        if sheet in seen:
            continue
        seen.add(sheet)
        try:
            css = sheet.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            report(sheet, None, f"cannot read the stylesheet as UTF-8 text ({exc})")
            continue
        for line, target in references(css):
            path, problem = local_target(target, sheet.parent, root)
            if problem:
                report(sheet, line, problem)
            elif path is not None and path.suffix.lower() == ".css":
                queue.append(path)

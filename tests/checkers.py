"""The outside checkers the tests drive: Debian's chromium, Ace by DAISY, axe-core (scripts/bootstrap-checkers).

`need(...)` returns the path of a checker, or skips the test with the reason outside CI; in CI (`CI` set)
a missing checker fails the test, so a broken bootstrap can never pass as a skip.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _missing(what: str, how: str):
    message = f"{what} is not installed ({how}; `make checkers` installs it)"
    if os.environ.get("CI"):
        pytest.fail(f"in CI, {message}", pytrace=False)
    pytest.skip(message)


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        _missing("Debian's chromium", "apt-get install chromium")
    return path


def ace() -> Path:
    path = ROOT / "node_modules" / ".bin" / "ace-cli"
    if not path.exists():
        _missing("Ace by DAISY", "npm install --ignore-scripts")
    chromium()
    return path


def axe_script() -> Path:
    path = ROOT / "node_modules" / "axe-core" / "axe.min.js"
    if not path.exists():
        _missing("axe-core", "npm install --ignore-scripts")
    return path


# ------------------------------------------------------------------ violations, said the same way for both checkers


def ace_violations(epub: Path) -> tuple[str, list[str]]:
    """Run Ace by DAISY on epub: (Ace's version, one line per violation as `FILE:LINE: message (impact) [rule]`).
    Fails the test when Ace does not run."""
    from anthology.epub import ace as ace_module

    report, trouble = ace_module.run(epub, ace())
    if report is None:
        pytest.fail(f"Ace by DAISY did not run on {epub.name}: {'; '.join(map(str, trouble))}", pytrace=False)
    return ace_module.version(report), [str(p) for p in ace_module.violations(report, epub)]


def axe_violations(results: dict) -> list[str]:
    """The violations of an `axe.run()` result (the web edition's check), one line per offending node in
    the same shape as Ace's: `PAGE: target: message (impact) [rule]`."""
    lines = []
    for violation in results.get("violations", []):
        for node in violation.get("nodes", []) or [{}]:
            target = " ".join(map(str, node.get("target", [])))
            summary = "; ".join(" ".join(s.split()) for s in (node.get("failureSummary") or violation.get("help", ""))
                                .splitlines() if s.strip())
            lines.append(f"{results.get('url', '')}: {target}: {summary} ({violation.get('impact')}) [{violation['id']}]")
    return lines


def no_violations_message(checker: str, what: str, lines: list[str]) -> str:
    """The failure message of an accessibility test: every violation, one per line."""
    return f"{checker} found {len(lines)} violation(s) in {what}:\n" + "\n".join(lines)


def ghostscript() -> str:
    path = shutil.which("gs")
    if not path:
        _missing("Debian's ghostscript", "apt-get install ghostscript")
    return path

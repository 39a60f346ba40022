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

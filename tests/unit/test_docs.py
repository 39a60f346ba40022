"""The documentation site builds with `mkdocs build --strict` (every page in the nav, every link
found) and its generated reference lists every key of the schema."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from anthology.book import schema

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow  # a subprocess build of the whole site


def test_the_site_builds_strict_and_its_reference_has_every_key(tmp_path):
    program = Path(sys.executable).parent / "mkdocs"
    run = subprocess.run([str(program), "build", "--strict", "--site-dir", str(tmp_path / "site")], cwd=REPO,
                         capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert run.returncode == 0, run.stdout + run.stderr
    keys = (tmp_path / "site" / "reference" / "keys" / "index.html").read_text(encoding="utf-8")
    for table in (schema.BOOK, schema.CHAPTER, schema.PIECE, schema.INDEX_TERM, schema.PRINT):
        for key in table:
            assert f"<code>{key}</code>" in keys, key
    changelog = (tmp_path / "site" / "changelog" / "index.html").read_text(encoding="utf-8")
    assert "Unreleased" in changelog  # CHANGELOG.md itself, not its marker


def test_every_fact_of_the_old_readme_has_a_page():
    """The README became the front door: the sections it held live on in docs/."""
    docs = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "docs").rglob("*.md"))
    for heading in ("The two commands", "Speed and the build cache", "Checking accessibility (Ace by DAISY)",
                    "The web edition (`--format site`)", "Your own book: installing the tool and starting a book",
                    "Bringing in contributors' files: `anthology import`", "The manifest (`book.yaml`)",
                    "Pieces (Markdown with front matter)", "Limits", "Templates and styles", "The preview",
                    "For printers", "Print-on-demand presets: `print: printer:`", "The zine"):
        assert f"# {heading}" in docs, heading

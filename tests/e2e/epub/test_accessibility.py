"""Issue 12: Ace by DAISY, the field's accessibility checker for EPUB, finds no violation (of any impact) in the
sample book and in every fixture book; `check --epub` and `build --check-epub` report its findings as
`FILE:LINE: message [RULE]` next to EPUBCheck's."""

from __future__ import annotations

import re
import zipfile

import pytest

from book_helpers import copy_fixture, run_cli, snapshot
from checkers import ace, ace_violations, no_violations_message


@pytest.fixture(scope="session")
def ace_checked(builds):
    """ace_checked(name) -> (Ace's version, its violations as lines) for that build's EPUB, run once per book."""
    cache: dict[str, tuple[str, list[str]]] = {}

    def get(name: str):
        if name not in cache:
            cache[name] = ace_violations(builds(name).epub)
        return cache[name]

    return get


@pytest.mark.parametrize("name", ["sample", "full"])
def test_ace_finds_no_violation(ace_checked, name):
    version, lines = ace_checked(name)
    assert lines == [], no_violations_message(f"Ace by DAISY {version}", f"the {name} book's EPUB", lines)


def test_check_epub_runs_ace_which_finds_no_violation_in_the_minimal_book(tmp_path, monkeypatch):
    """The minimal book's Ace run is this one, through the command: exit 0 and the release of Ace named,
    the one package-lock.json pins and the EPUB's accessibility metadata names."""
    from anthology.epub.ace import TESTED_VERSION

    ace()
    monkeypatch.delenv("ANTHOLOGY_ACE", raising=False)
    manifest = copy_fixture("minimal", tmp_path / "book")
    monkeypatch.chdir(manifest.parent)
    before = snapshot(manifest.parent)
    run = run_cli("check", manifest, "--epub")
    assert run.code == 0 and run.err == "", no_violations_message("Ace by DAISY", "the minimal book", [run.err])
    assert f"OK — EPUBCheck and Ace by DAISY {TESTED_VERSION} found no problems" in run.out
    assert snapshot(manifest.parent) == before  # Ace's report went to a temporary folder


def test_build_check_epub_reports_ace_violations_as_file_line_message_rule(tmp_path, monkeypatch):
    """A link without words (the book's own doing) is a serious violation: exit 1, and the line named is
    the line of the EPUB document that holds the link."""
    ace()
    monkeypatch.delenv("ANTHOLOGY_ACE", raising=False)
    manifest = copy_fixture("minimal", tmp_path / "book")
    with (manifest.parent / "only-piece.md").open("a", encoding="utf-8") as piece:
        piece.write("\nA link with no words: [](only-piece.md).\n")
    out = tmp_path / "out"
    run = run_cli("build", manifest, "--out", out, "--format", "epub", "--check-epub")
    assert run.code == 1, (run.out, run.err)
    found = re.findall(r"^a-minimal-book\.epub!(EPUB/only-piece\.xhtml):(\d+): (.+) \((serious)\) \[link-name\]$",
                       run.err, re.M)
    assert len(found) == 1, run.err
    path, line, message, _ = found[0]
    assert "\n" not in message and message
    with zipfile.ZipFile(out / "a-minimal-book.epub") as epub:
        source = epub.read(path).decode("utf-8").splitlines()
    assert re.search(r"<a [^>]*href=\"only-piece\.xhtml\"[^>]*>\s*</a>|<a [^>]*href=\"only-piece\.xhtml\"[^>]*/>",
                     source[int(line) - 1]), source[int(line) - 1]

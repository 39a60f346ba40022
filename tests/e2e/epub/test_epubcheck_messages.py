"""EPUBCheck's findings as the tool's own messages: `check --epub` on a good book says OK; each problem
names its code, the file inside the EPUB, the line and the message; `build --check-epub` exits 1 on
an error and 0 on warnings alone. (Ace by DAISY's findings beside them: test_accessibility.py.)"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from book_helpers import copy_fixture, run_cli


def test_check_epub_on_a_good_book_exits_0_and_says_ok(tmp_path, monkeypatch):
    monkeypatch.setenv("ANTHOLOGY_ACE", "off")  # EPUBCheck alone here; with Ace: tests/e2e/epub/test_accessibility.py
    manifest = copy_fixture("minimal", tmp_path / "book")
    run = run_cli("check", manifest, "--epub")
    assert run.code == 0, run.err
    assert "OK" in run.out
    assert run.err == ""


@pytest.fixture(scope="session")
def broken_epub_problems(builds, tmp_path_factory):
    """EPUBCheck's findings for a copy of the minimal book's EPUB with its piece's XHTML removed."""
    from anthology.epub.epubcheck import epubcheck

    source = builds("minimal").epub
    broken = tmp_path_factory.mktemp("broken-epub") / "broken.epub"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(broken, "w") as zout:
        for info in zin.infolist():
            if info.filename.endswith("only-piece.xhtml"):
                continue
            zout.writestr(info, zin.read(info.filename))
    return broken, epubcheck(broken)


def test_epubcheck_problems_name_code_file_inside_the_epub_line_and_message(broken_epub_problems):
    broken, problems = broken_epub_problems
    errors = [p for p in problems if p.level == "error"]
    assert errors, [str(p) for p in problems]
    missing = [p for p in errors if "only-piece.xhtml" in p.message or "only-piece.xhtml" in p.file]
    assert missing, [str(p) for p in errors]
    for problem in errors:
        assert re.match(r"^[A-Z]{3}-\d{3}[a-z]?$", problem.code), problem.code
        assert problem.file.startswith(f"{broken.name}!"), problem.file
        assert problem.message and "\n" not in problem.message
    located = [p for p in errors if p.line is not None]
    assert located, [str(p) for p in errors]
    problem = located[0]
    inside = problem.file.split("!", 1)[1]
    assert "/" in inside or inside.endswith((".opf", ".xhtml", ".ncx"))  # a path inside the EPUB
    assert str(problem) == f"{problem.file}:{problem.line}: {problem.message} [{problem.code}]"


def test_build_check_epub_exits_1_when_epubcheck_finds_errors(tmp_path, monkeypatch):
    import anthology.epub.epubcheck
    from anthology.errors import Problem

    calls = []

    def fake(path):
        calls.append(Path(path))
        return [Problem(f"{Path(path).name}!EPUB/only-piece.xhtml", 12, "element \"blink\" not allowed here",
                        "RSC-005", "error")]

    monkeypatch.setattr(anthology.epub.epubcheck, "epubcheck", fake)
    monkeypatch.setenv("ANTHOLOGY_ACE", "off")  # EPUBCheck's messages only (Ace: tests/e2e/epub/test_accessibility.py)
    manifest = copy_fixture("minimal", tmp_path / "book")
    run = run_cli("build", manifest, "--out", tmp_path / "out", "--format", "epub", "--check-epub")
    assert run.code == 1, (run.out, run.err)
    assert [p.suffix for p in calls] == [".epub"]
    assert re.search(r"^a-minimal-book\.epub!EPUB/only-piece\.xhtml:12: element \"blink\" not allowed here "
                     r"\[RSC-005\]$", run.err, re.M), run.err


def test_build_check_epub_exits_0_when_epubcheck_finds_only_warnings(tmp_path, monkeypatch):
    import anthology.epub.epubcheck
    from anthology.errors import Problem

    monkeypatch.setattr(anthology.epub.epubcheck, "epubcheck",
                        lambda path: [Problem("x.epub!EPUB/nav.xhtml", 3, "something odd", "HTM-999", "warning")])
    monkeypatch.setenv("ANTHOLOGY_ACE", "off")
    manifest = copy_fixture("minimal", tmp_path / "book")
    run = run_cli("build", manifest, "--out", tmp_path / "out", "--format", "epub", "--check-epub")
    assert run.code == 0, run.err
    assert "x.epub!EPUB/nav.xhtml:3: warning: something odd [HTM-999]" in run.err

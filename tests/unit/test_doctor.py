"""`anthology doctor` says what the machine has and lacks, with the command that installs each piece."""

from __future__ import annotations

import io

from anthology import doctor
from book_helpers import run_cli


def test_this_machine_has_what_the_tests_use():
    run = run_cli("doctor")
    assert run.code == 0, run.out
    lines = run.out.splitlines()
    assert any(line.startswith("ok   Pango") for line in lines), run.out  # WeasyPrint lays out the tests' PDFs
    assert any(line.startswith("ok   Java") for line in lines), run.out  # EPUBCheck runs in the tests
    assert any(line.startswith("ok   a font for Cyrillic (ru): Charis SIL (shipped)") for line in lines), run.out
    assert "Everything the EPUB, the PDF, the zine and the site need is here" in run.out


def test_missing_programs_are_named_with_their_install_command(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no java, node, chromium or fc-list
    monkeypatch.delenv("PUPPETEER_EXECUTABLE_PATH", raising=False)
    monkeypatch.chdir(tmp_path)
    run = run_cli("doctor")
    assert run.code == 0, run.out  # all optional: the EPUB and the PDF can still be made
    out = run.out
    assert "--   Java: not found" in out and "install: apt-get install default-jre-headless" in out
    assert "--   Node.js: not found" in out and "install: apt-get install nodejs npm" in out
    assert "--   Chromium: not found" in out and "install: apt-get install chromium" in out
    assert "install: apt-get install fontconfig" in out
    assert "--   a font for Hebrew (he): not found" in out and "install: apt-get install fonts-noto-core" in out
    assert "ok   a font for Kazakh Cyrillic (kk): Charis SIL (shipped)" in out  # the tool's own fonts


def test_ace_turned_off_is_said(monkeypatch):
    monkeypatch.setenv("ANTHOLOGY_ACE", "off")
    assert "ok   Ace by DAISY: turned off (ANTHOLOGY_ACE=off)" in run_cli("doctor").out


def test_a_required_piece_missing_exits_1_and_says_what_cannot_be_made():
    findings = [doctor.Finding("Pango", "the PDF", None, "apt-get install libpango-1.0-0", required=True),
                doctor.Finding("Java", "EPUBCheck", "/usr/bin/java", "apt-get install default-jre-headless")]
    out = io.StringIO()
    assert doctor.report(findings, out) == 1
    text = out.getvalue()
    assert "MISS Pango: not found" in text and "install: apt-get install libpango-1.0-0" in text
    assert "1 required piece missing" in text
    assert "install: apt-get install default-jre-headless" not in text  # found: nothing to install

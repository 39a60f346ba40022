"""The command line: exit codes, messages, output names, atomic outputs, `check` writes nothing."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from book_helpers import REPO, copy_fixture, run_cli, snapshot

MESSAGE = re.compile(r"^(?P<file>[^\s:]+):(?P<line>\d+): .+", re.M)


def break_piece(manifest: Path) -> Path:
    """Put an unknown key on line 3 of the minimal fixture's piece."""
    piece = manifest.parent / "only-piece.md"
    piece.write_text(piece.read_text(encoding="utf-8").replace("title: The Only Piece\n",
                                                               "title: The Only Piece\nmood: sombre\n"),
                     encoding="utf-8")
    return piece


@pytest.fixture
def minimal(tmp_path) -> Path:
    return copy_fixture("minimal", tmp_path / "minimal")


# ---------------------------------------------------------------- exit codes


def test_build_succeeds_with_exit_0_and_names_outputs_after_the_title(minimal, tmp_path):
    out = tmp_path / "out"
    run = run_cli("build", minimal, "--out", out)
    assert run.code == 0, run.err
    assert sorted(p.name for p in out.iterdir()) == ["a-minimal-book.epub", "a-minimal-book.pdf"]
    assert (out / "a-minimal-book.pdf").read_bytes().startswith(b"%PDF-")
    assert "Traceback" not in run.err


def test_output_key_names_the_files(minimal, tmp_path):
    minimal.write_text(minimal.read_text(encoding="utf-8") + "output: my-zine-2024\n", encoding="utf-8")
    out = tmp_path / "out"
    run = run_cli("build", minimal, "--out", out, "--format", "epub")
    assert run.code == 0, run.err
    assert [p.name for p in out.iterdir()] == ["my-zine-2024.epub"]


def test_format_selects_the_outputs(minimal, tmp_path):
    out = tmp_path / "out"
    run = run_cli("build", minimal, "--out", out, "--format", "pdf")
    assert run.code == 0, run.err
    assert [p.name for p in out.iterdir()] == ["a-minimal-book.pdf"]


def test_default_manifest_and_out_dir_are_book_yaml_and_build(minimal, monkeypatch):
    monkeypatch.chdir(minimal.parent)
    run = run_cli("build", "--format", "epub")
    assert run.code == 0, run.err
    assert (minimal.parent / "build" / "a-minimal-book.epub").is_file()


def test_book_problems_exit_1_with_file_line_messages_and_no_traceback(minimal, tmp_path):
    break_piece(minimal)
    run = run_cli("build", minimal, "--out", tmp_path / "out")
    assert run.code == 1
    assert "Traceback" not in run.err
    messages = MESSAGE.findall(run.err)
    assert ("only-piece.md", "3") in messages, run.err
    assert "mood" in run.err
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_all_problems_are_printed_at_once(minimal, tmp_path):
    break_piece(minimal)
    minimal.write_text(minimal.read_text(encoding="utf-8").replace("language: en\n", "language: en\ncolour: red\n"),
                       encoding="utf-8")
    run = run_cli("check", minimal)
    assert run.code == 1
    found = {(m.group("file"), m.group("line")) for m in MESSAGE.finditer(run.err)}
    assert {("only-piece.md", "3"), ("book.yaml", "3")} <= found, run.err


@pytest.mark.parametrize("argv", [
    ["build", "--no-such-option"],
    ["frobnicate"],
    [],
    ["build", "{manifest}", "--format", "docx"],
    ["build", "{manifest}", "--format", "epub,mobi"],
    ["build", "{missing}"],
    ["check", "{missing}"],
])
def test_bad_usage_exits_2(minimal, tmp_path, argv, capsys):
    argv = [a.format(manifest=minimal, missing=tmp_path / "nope" / "book.yaml") for a in argv]
    run = run_cli(*argv, "--out", tmp_path / "out") if argv[:1] == ["build"] else run_cli(*argv)
    captured = capsys.readouterr()  # argparse may print to the real stderr
    assert run.code == 2, (run.out, run.err, captured.err)
    assert "Traceback" not in run.err + captured.err
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- atomic outputs


def test_a_failing_build_leaves_previous_outputs_untouched(minimal, tmp_path):
    out = tmp_path / "out"
    first = run_cli("build", minimal, "--out", out)
    assert first.code == 0, first.err
    before = snapshot(out)
    stats = {name: os.stat(out / name).st_mtime_ns for name in before}
    break_piece(minimal)
    second = run_cli("build", minimal, "--out", out)
    assert second.code == 1
    assert snapshot(out) == before  # same names (no temp files left), same bytes
    assert {name: os.stat(out / name).st_mtime_ns for name in before} == stats


def test_a_build_failing_late_leaves_previous_outputs_and_no_temp_files(minimal, tmp_path, monkeypatch):
    """A failure after the sources were read (here: while writing the EPUB) must not touch the
    previous outputs either, nor leave temporary files behind."""
    out = tmp_path / "out"
    assert run_cli("build", minimal, "--out", out).code == 0
    before = snapshot(out)
    minimal.parent.joinpath("only-piece.md").write_text(
        "---\ntitle: The Only Piece, Changed\n---\n\nChanged text.\n", encoding="utf-8")
    import anthology.epub.reproducible

    def explode(*args, **kwargs):
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(anthology.epub.reproducible, "normalize", explode)
    try:
        assert run_cli("build", minimal, "--out", out).code != 0
    except OSError:
        pass  # how an I/O failure is reported is not the point here
    assert snapshot(out) == before


def test_successful_rebuild_replaces_outputs(minimal, tmp_path):
    out = tmp_path / "out"
    assert run_cli("build", minimal, "--out", out, "--format", "epub").code == 0
    before = (out / "a-minimal-book.epub").read_bytes()
    piece = minimal.parent / "only-piece.md"
    piece.write_text(piece.read_text(encoding="utf-8").replace("Quillon", "Quillonne"), encoding="utf-8")
    assert run_cli("build", minimal, "--out", out, "--format", "epub").code == 0
    assert (out / "a-minimal-book.epub").read_bytes() != before
    assert [p.name for p in out.iterdir()] == ["a-minimal-book.epub"]


# ---------------------------------------------------------------- check


def test_check_writes_nothing(minimal, monkeypatch):
    folder = minimal.parent
    monkeypatch.chdir(folder)
    before = snapshot(folder)
    run = run_cli("check", minimal)
    assert run.code == 0, run.err
    assert snapshot(folder) == before
    assert not (folder / "build").exists()


def test_check_of_a_broken_book_exits_1_and_writes_nothing(minimal, monkeypatch):
    break_piece(minimal)
    folder = minimal.parent
    monkeypatch.chdir(folder)
    before = snapshot(folder)
    run = run_cli("check", minimal)
    assert run.code == 1
    assert ("only-piece.md", "3") in MESSAGE.findall(run.err)
    assert snapshot(folder) == before


def test_check_epub_runs_epubcheck_and_writes_nothing(minimal, monkeypatch):
    folder = minimal.parent
    monkeypatch.chdir(folder)
    monkeypatch.setenv("ANTHOLOGY_ACE", "off")  # with Ace: tests/e2e/epub/test_accessibility.py (writes nothing either)
    before = snapshot(folder)
    run = run_cli("check", minimal, "--epub")
    assert run.code == 0, run.err
    assert snapshot(folder) == before


# ---------------------------------------------------------------- the console script


def _script() -> Path:
    return Path(sys.executable).parent / "anthology"


def test_console_script_reports_problems_without_traceback(minimal):
    break_piece(minimal)
    proc = subprocess.run([str(_script()), "check", str(minimal)], capture_output=True, text=True,
                          cwd=minimal.parent, timeout=120)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert re.search(r"^only-piece\.md:3: .*mood", proc.stderr, re.M), proc.stderr


def test_console_script_bad_usage_exits_2_without_traceback(tmp_path):
    proc = subprocess.run([str(_script()), "build", "--format", "docx", "--out", str(tmp_path / "o"),
                           str(REPO / "tests" / "fixtures" / "minimal" / "book.yaml")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "o").exists()


def test_console_script_impossible_date_is_a_book_problem(minimal):
    minimal.write_text(minimal.read_text(encoding="utf-8").replace("language: en\n", "language: en\ndate: 2024-02-30\n"),
                       encoding="utf-8")
    proc = subprocess.run([str(_script()), "check", str(minimal)], capture_output=True, text=True,
                          cwd=minimal.parent, timeout=120)
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 1
    assert re.search(r"^book\.yaml:3: ", proc.stderr, re.M)


def test_for_press_writes_a_press_pdf_with_bleed_and_leaves_the_reading_pdf_without(minimal, tmp_path):
    from pypdf import PdfReader

    out = tmp_path / "out"
    run = run_cli("build", minimal, "--out", out, "--format", "pdf", "--for-press")
    assert run.code == 0, run.err
    assert sorted(p.name for p in out.iterdir()) == ["a-minimal-book-press.pdf", "a-minimal-book.pdf"]
    reading = PdfReader(out / "a-minimal-book.pdf").pages[0]
    press = PdfReader(out / "a-minimal-book-press.pdf").pages[0]
    a5 = (148 / 25.4 * 72, 210 / 25.4 * 72)
    assert (float(reading.mediabox.width), float(reading.mediabox.height)) == (pytest.approx(a5[0], abs=1),
                                                                                pytest.approx(a5[1], abs=1))
    assert (float(press.trimbox.width), float(press.trimbox.height)) == (pytest.approx(a5[0], abs=1),
                                                                          pytest.approx(a5[1], abs=1))
    assert float(press.mediabox.width) > float(press.trimbox.width) + 10  # bleed (and room for marks)


def test_a_handled_ctrl_c_ends_the_command_with_its_own_code():
    """CPython 3.11 remembers a KeyboardInterrupt raised inside exec() of a string (dataclasses make
    their methods so while a module is imported) and ends the process by SIGINT after main()
    returns, caught or not: the preview then ended with -2 instead of 0, one Ctrl-C in ten. The
    `anthology` command (cli.run) ends with the code main() gave."""
    import subprocess
    import sys

    script = (
        "import os, signal, sys\n"
        "from anthology import cli\n"
        "def main(argv=None, stdout=None, stderr=None):\n"
        "    try:\n"
        "        exec('import os, signal, time; os.kill(os.getpid(), signal.SIGINT); time.sleep(5)')\n"
        "    except KeyboardInterrupt:\n"
        "        cli._INTERRUPTED.append(True)\n"
        "        print('stopped')\n"
        "        return 0\n"
        "    return 3\n"
        "cli.main = main\n"
        "sys.exit(cli.run())\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (0, "stopped\n"), done.stderr

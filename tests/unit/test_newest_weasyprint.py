"""`make test-newest-weasyprint` (scripts/newest_weasyprint.py) decides what to run from the newest
WeasyPrint release: skipped with its reason (index unreachable, nothing to install, a venv that cannot
be made), the contract tests again when the pin is the newest, a venv of its own otherwise. Fed version
lists, an index served from this process and an unreachable one; nothing is installed."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import tomllib
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "newest_weasyprint.py"
PIN = next(r.split("==")[1] for r in tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
           if r.lower().startswith("weasyprint=="))
NEXT = f"{int(PIN.split('.')[0]) + 1}.0"


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], cwd=REPO, capture_output=True, text=True,
                          timeout=120)


def _said(run) -> str:
    lines = run.stdout.splitlines()
    assert run.stderr == "" and lines, (run.stdout, run.stderr)
    assert all(line.startswith("test-newest-weasyprint: ") for line in lines), lines
    return run.stdout


def test_the_pinned_release_being_the_newest_runs_the_contract_tests_again():
    run = _run("--versions", f"67.0,{PIN},{NEXT}b1,{NEXT}.dev3", "--dry-run")
    assert run.returncode == 0
    assert (f"WeasyPrint {PIN} is the newest release and the pinned one: the main suite (make test) already "
            "ran against it; running its contract tests (tests/unit/print/test_weasy_contract.py) once more"
            in _said(run))


def test_it_exits_with_the_contract_tests_status(tmp_path):
    contract = tmp_path / "test_stand_in.py"  # one failing test stands in for the contract tests
    contract.write_text("def test_stand_in():\n    assert 'Жаңаөзен' == 'Жанаозен'\n", encoding="utf-8")
    run = _run("--versions", PIN, "--contract", str(contract))
    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 failed" in run.stdout


def test_a_newer_release_is_installed_in_a_venv_of_its_own():
    run = _run("--versions", f"{PIN},{NEXT},{NEXT}rc1", "--dry-run")
    assert run.returncode == 0
    assert (f"WeasyPrint {NEXT} is newer than the pinned {PIN}: installing it in "
            f"{REPO / '.venv-weasyprint-newest'}") in _said(run)


def test_an_unreachable_index_is_a_skip_with_its_reason():
    run = _run("--index", "http://127.0.0.1:9/pypi")  # the discard port: nothing listens there
    assert run.returncode == 0
    said = _said(run)
    assert said.count("\n") == 1
    assert said.startswith("test-newest-weasyprint: skipped: cannot reach http://127.0.0.1:9/pypi/weasyprint/json (")


def test_no_release_to_test_is_a_skip():
    run = _run("--versions", f"{NEXT}a1,not-a-version")
    assert run.returncode == 0
    assert f"skipped: no WeasyPrint release among {NEXT}a1, not-a-version" in _said(run)


def test_a_venv_that_cannot_be_made_is_a_skip_and_nothing_is_installed(tmp_path):
    in_the_way = tmp_path / "venv"
    in_the_way.write_text("a file where the venv would go")
    run = _run("--versions", f"{PIN},{NEXT}", "--venv", str(in_the_way))
    assert run.returncode == 0
    assert f"skipped: cannot make the venv {in_the_way}: " in _said(run)
    assert in_the_way.read_text() == "a file where the venv would go"


@pytest.fixture
def index():
    """PyPI's JSON API for WeasyPrint, served from this process: a newer release that is yanked, a
    pre-release, and a release without files."""
    releases = {"67.0": [{"yanked": False}], PIN: [{"yanked": False}], f"{NEXT}b2": [{"yanked": False}],
                NEXT: [{"yanked": True}], f"{int(NEXT.split('.')[0]) + 1}.0": []}
    body = json.dumps({"info": {"version": PIN}, "releases": releases}).encode()
    asked = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            self.send_response(200 if self.path == "/pypi/weasyprint/json" else 404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/pypi", asked
    server.shutdown()
    server.server_close()


def test_the_index_is_read_leaving_out_yanked_releases_and_pre_releases(index):
    url, asked = index
    run = _run("--index", url, "--dry-run")
    assert run.returncode == 0
    assert f"WeasyPrint {PIN} is the newest release and the pinned one" in _said(run)
    assert asked == ["/pypi/weasyprint/json"]

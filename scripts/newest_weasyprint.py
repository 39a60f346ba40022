"""`make test-newest-weasyprint`: the whole suite once against the newest WeasyPrint release.

WeasyPrint is pinned (`weasyprint==…` in pyproject.toml) because the package relies on some of its
internals (anthology/print/weasy/, ASSUMPTIONS). This asks PyPI's JSON API for the newest release
(pre-releases and yanked releases left out) and then:

- PyPI cannot be reached, or that release cannot be installed here (offline, no wheel, a failed
  build, a pip constraint): says so in one line and exits 0, skipped, with the reason;
- the newest release is the pinned one: says that the main suite already ran against it, runs the
  WeasyPrint contract tests (tests/unit/print/test_weasy_contract.py) once more in the main venv and
  exits with their status;
- otherwise: makes a venv of its own (.venv-weasyprint-newest/, gitignored), installs the project
  with its test extra and then that WeasyPrint over the pin, runs the whole suite there and exits with
  its status, naming the version it tested.

`--versions 69.0,70.0,71.0` stands in for PyPI's list and `--dry-run` says what would be done
without installing or running anything (tests/unit/test_newest_weasyprint.py).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

from packaging.version import InvalidVersion, Version

REPO = Path(__file__).resolve().parents[1]
INDEX = "https://pypi.org/pypi"
CONTRACT = "tests/unit/print/test_weasy_contract.py"
NAME = "test-newest-weasyprint"


class Skip(Exception):
    """The newest WeasyPrint cannot be tested here: the reason, in one line."""


def pinned(pyproject: Path = REPO / "pyproject.toml") -> str:
    """The WeasyPrint version pyproject.toml pins (`weasyprint==X`)."""
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    for requirement in data["project"]["dependencies"]:
        found = re.fullmatch(r"\s*weasyprint\s*==\s*([^\s;,]+)\s*", requirement, re.IGNORECASE)
        if found:
            return found.group(1)
    raise SystemExit(f"{NAME}: pyproject.toml pins no WeasyPrint version (weasyprint==X)")


def releases(index: str, timeout: float = 20) -> list[str]:
    """The versions of WeasyPrint on the index (its JSON API) that have a file not yanked."""
    url = f"{index.rstrip('/')}/weasyprint/json"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            data = json.load(answer)
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", None) or error
        raise Skip(f"cannot reach {url} ({reason})") from None
    return [version for version, files in data.get("releases", {}).items()
            if files and not all(f.get("yanked") for f in files)]


def newest(versions: list[str]) -> str:
    """The highest final release among `versions` (pre-releases and unparsable names left out)."""
    found = []
    for text in versions:
        try:
            version = Version(text)
        except InvalidVersion:
            continue
        if not version.is_prerelease:
            found.append((version, text))
    if not found:
        raise Skip(f"no WeasyPrint release among {', '.join(versions) or 'none'}")
    return max(found)[1]


def _run(command: list[str], **options) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=REPO, **options)


def _failure(run: subprocess.CompletedProcess) -> str:
    lines = [line.strip() for line in (run.stderr or run.stdout or "").splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR")]
    return (errors or lines or [f"exit status {run.returncode}"])[-1]


def install(venv: Path, version: str) -> Path:
    """The project with its test extra and WeasyPrint `version` over the pin, in `venv` (reused when
    it already holds them for this pyproject.toml); returns its Python."""
    python = venv / "bin" / "python"
    stamp = venv / ".installed"
    want = f"weasyprint=={version}\n{hashlib.sha256((REPO / 'pyproject.toml').read_bytes()).hexdigest()}\n"
    if stamp.is_file() and stamp.read_text() == want and python.exists():
        return python
    if not python.exists():
        made = _run([sys.executable, "-m", "venv", str(venv)], capture_output=True, text=True)
        if made.returncode:
            raise Skip(f"cannot make the venv {venv}: {_failure(made)}")
    steps = [[str(python), "-m", "pip", "install", "--quiet", "-e", ".[test]"],
             # over the pin: pip warns that anthology asks for the pinned version, and installs
             [str(python), "-m", "pip", "install", "--quiet", f"weasyprint=={version}"]]
    for step in steps:
        run = _run(step, capture_output=True, text=True)
        if run.returncode:
            raise Skip(f"WeasyPrint {version} cannot be installed here: {_failure(run)}")
    check = _run([str(python), "-c", "import weasyprint; print(weasyprint.__version__)"],
                 capture_output=True, text=True)
    if check.returncode or check.stdout.strip() != version:
        raise Skip(f"WeasyPrint {version} did not install (found {check.stdout.strip() or _failure(check)})")
    stamp.write_text(want)
    return python


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", default=os.environ.get("WEASYPRINT_NEWEST_INDEX", INDEX),
                        help=f"the JSON API to ask (default {INDEX})")
    parser.add_argument("--versions", help="comma-separated versions standing in for the index's list")
    parser.add_argument("--venv", type=Path, default=REPO / ".venv-weasyprint-newest")
    parser.add_argument("--basetemp", type=Path, default=Path(tempfile.gettempdir()) / "bt-weasyprint-newest")
    parser.add_argument("--dry-run", action="store_true", help="say what would be done, do nothing")
    parser.add_argument("--contract", default=CONTRACT, help=argparse.SUPPRESS)  # the tests' stand-in
    args = parser.parse_args(argv)

    pin = pinned()
    try:
        found = [v.strip() for v in args.versions.split(",")] if args.versions is not None else releases(args.index)
        latest = newest(found)
        if Version(latest) <= Version(pin):
            print(f"{NAME}: WeasyPrint {pin} is the newest release and the pinned one: the main suite "
                  f"(make test) already ran against it; running its contract tests ({CONTRACT}) once more",
                  flush=True)
            if args.dry_run:
                return 0
            return _run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", args.contract]).returncode
        print(f"{NAME}: WeasyPrint {latest} is newer than the pinned {pin}: installing it in {args.venv}",
              flush=True)
        if args.dry_run:
            return 0
        python = install(args.venv, latest)
    except Skip as reason:
        print(f"{NAME}: skipped: {reason}")
        return 0
    print(f"{NAME}: testing the whole suite against WeasyPrint {latest} (pinned: {pin})", flush=True)
    suite = _run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--basetemp={args.basetemp}"])
    verdict = "passed" if suite.returncode == 0 else f"FAILED (exit status {suite.returncode})"
    print(f"{NAME}: the suite against WeasyPrint {latest}: {verdict}")
    return suite.returncode


if __name__ == "__main__":
    sys.exit(main())

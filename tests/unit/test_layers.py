"""The import contracts of pyproject.toml ([tool.importlinter]): stages import one way, only the print
stage imports WeasyPrint, the package never imports pypdf, the shared pieces import no stage."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_imports_run_one_way():
    program = Path(sys.executable).parent / "lint-imports"
    run = subprocess.run([str(program), "--no-cache"], cwd=REPO, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout and "4 kept" in run.stdout, run.stdout

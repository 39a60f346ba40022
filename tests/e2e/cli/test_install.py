"""The tool as a new user gets it: the wheel built from this repository, installed into a fresh virtual
environment outside the checkout, starts a new book and builds it (templates, styles, fonts and the
new book's skeleton travel in the wheel)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from book_helpers import REPO, pdf_pages_text

import anthology

# What a wheel is built from: nothing else of the checkout (no sample book, no tests, no .venv).
SOURCES = ("pyproject.toml", "README.md", "anthology", "templates", "styles")


def _run(argv, cwd: Path, env=None) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, f"{' '.join(map(str, argv))} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(venv bin folder, wheel, clean environment, work folder): the wheel installed in a fresh venv."""
    work = tmp_path_factory.mktemp("install")
    source = work / "source"
    source.mkdir()
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(REPO / name, source / name)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", work / "dist",
          source], cwd=work, env=env)
    wheel = next((work / "dist").glob("anthology-*.whl"))
    venv = work / "venv"
    _run([sys.executable, "-m", "venv", venv], cwd=work, env=env)
    _run([venv / "bin" / "python", "-m", "pip", "install", "-q", wheel], cwd=work, env=env)
    return venv / "bin", wheel, env, work


def test_the_wheel_carries_templates_styles_fonts_and_the_skeleton(installed):
    _bin, wheel, _env, _work = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("anthology/resources/templates/book.html", "anthology/resources/styles/book.css",
                 "anthology/resources/skeleton/book.yaml",
                 "anthology/resources/skeleton/chapters/images/placeholder.png",
                 "anthology/importers/docx.py", "anthology/scaffold.py",
                 "anthology/resources/icc/fogra39.icc", "anthology/print/press/pdfx.py"):
        assert name in names, name
    assert any(n.startswith("anthology/resources/styles/fonts/") and n.endswith((".ttf", ".otf", ".woff2"))
               for n in names)
    assert not any(n.startswith(("chapters/", "tests/")) for n in names)


def test_the_installed_tool_is_the_one_in_the_venv_and_knows_its_version(installed):
    bin_, _wheel, env, work = installed
    where = _run([bin_ / "python", "-c", "import anthology; print(anthology.__file__)"], cwd=work, env=env)
    assert Path(where.stdout.strip()).is_relative_to(bin_.parent)
    assert _run([bin_ / "anthology", "--version"], cwd=work, env=env).stdout.strip() == f"anthology {anthology.__version__}"
    assert _run([bin_ / "python", "-m", "anthology", "--version"], cwd=work, env=env).stdout.strip() \
        == f"anthology {anthology.__version__}"


def test_new_then_build_outside_the_checkout(installed):
    bin_, _wheel, env, work = installed
    env = dict(env, PATH=f"{bin_}{os.pathsep}{env.get('PATH', '')}")
    _run(["anthology", "new", "my-book", "--title", "My Book"], cwd=work, env=env)
    book = work / "my-book"
    _run(["anthology", "import", REPO / "tests" / "fixtures" / "import" / "contribution.docx"], cwd=book, env=env)
    built = _run(["anthology", "build"], cwd=book, env=env)
    assert "wrote build/my-book.epub" in built.stdout and "wrote build/my-book.pdf" in built.stdout
    assert "still has a TODO for its alt text" in built.stderr  # the imported photograph's, and only that
    assert len(built.stderr.splitlines()) == 1, built.stderr
    with zipfile.ZipFile(book / "build" / "my-book.epub") as epub:
        names = epub.namelist()
        css = next(epub.read(n).decode() for n in names if n.endswith(".css"))
    assert any(n.endswith("placeholder.png") for n in names)
    assert any(n.endswith("the-well-at-shetpe.xhtml") for n in names)
    assert "font-family" in css  # the tool's stylesheet, from the wheel
    pages = pdf_pages_text(book / "build" / "my-book.pdf")
    assert any("A Testimony" in p for p in pages) and any("The footnote" in p for p in pages)
    _run(["make", "zine"], cwd=book, env=env)  # the new book's Makefile drives the installed tool
    assert (book / "build" / "my-book-zine.pdf").read_bytes().startswith(b"%PDF-")

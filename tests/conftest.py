"""Session-wide builds of the fixture books: each book is built once and shared by the tests."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from book_helpers import FIXTURES, REPO, Epub, run_cli

EPOCH = "1700000000"  # SOURCE_DATE_EPOCH of every shared build


@pytest.fixture(scope="session", autouse=True)
def own_cache(tmp_path_factory):
    """The tests' build cache lives in a folder of their own, never in the user's ~/.cache."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
        yield


@dataclass
class Built:
    name: str
    manifest: Path
    out: Path
    epub: Path
    pdf: Path
    code: int
    stdout: str
    stderr: str

    @property
    def book(self) -> Path:
        return self.manifest.parent

    def open_epub(self) -> Epub:
        return Epub(self.epub)


def _build(tmp_path_factory, name: str, source: Path, label: str = "") -> Built:
    work = tmp_path_factory.mktemp(f"{name}{label}")
    if source.is_dir():
        book = work / "book"
        shutil.copytree(source, book, ignore=shutil.ignore_patterns("build", ".venv", ".git", "tests",
                                                                    "anthology", "*.egg-info", ".pytest_cache"))
        manifest = book / "book.yaml"
    else:
        manifest = source
    out = work / "out"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        run = run_cli("build", manifest, "--out", out)
    assert run.code == 0, f"building {name} failed:\n{run.err}"
    epubs, pdfs = sorted(out.glob("*.epub")), sorted(out.glob("*.pdf"))
    assert len(epubs) == 1 and len(pdfs) == 1, sorted(p.name for p in out.iterdir())
    return Built(name, manifest, out, epubs[0], pdfs[0], run.code, run.out, run.err)


@pytest.fixture(scope="session")
def builds(tmp_path_factory):
    """builds(name) -> Built, for 'minimal', 'full', 'full-again' (a second build) and 'sample'."""
    cache: dict[str, Built] = {}

    def get(name: str) -> Built:
        if name not in cache:
            if name == "sample":
                cache[name] = _build(tmp_path_factory, "sample", REPO)
            else:
                base = name.removesuffix("-again")
                cache[name] = _build(tmp_path_factory, base, FIXTURES / base,
                                     "-again" if name.endswith("-again") else "")
        return cache[name]

    return get


@pytest.fixture(scope="session")
def epubchecked(builds):
    """epubchecked(name) -> EPUBCheck's problems for that build's EPUB (run once per book)."""
    from anthology.epub.epubcheck import epubcheck

    cache: dict[str, list] = {}

    def get(name: str) -> list:
        if name not in cache:
            cache[name] = epubcheck(builds(name).epub)
        return cache[name]

    return get

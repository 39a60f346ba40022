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


# ------------------------------------------------------------------------------ the fast tier
# `make test-fast` runs `-m "not slow and not browser"`: the unit tests (tests/unit/, fast unless marked)
# and the tests of the end-to-end files below that build no whole book. The markers are given here
# by file and by name, so that the test files themselves need no edit; a new top-level test file is
# slow until it is listed in FAST_FILES.
FAST_FILES = {"test_manifest.py", "test_limits.py", "test_zine.py", "test_preview_watch.py", "test_labels.py",
              "test_cover_wrap.py", "test_presets.py", "test_import.py", "test_new.py", "test_grayscale.py"}
BROWSER_FILES = {"test_preview.py", "test_web.py", "test_accessibility.py"}  # Chromium, Playwright or Ace
SLOW_FIXTURES = {"builds", "epubchecked", "kdp_interior", "gray_book", "new_book"}  # each builds a book
SLOW_TESTS = {  # in FAST_FILES, tests that build a whole book or run EPUBCheck
    "test_the_imported_book_is_epubcheck_and_ace_clean", "test_margins_too_narrow_for_the_service_are_widened",
    "test_the_new_book_is_epubcheck_clean", "test_a_russian_book_speaks_russian_in_both_outputs",
    "test_the_colour_build_has_colour_to_lose", "test_copyshop_prints_gray_unless_told_otherwise",
    "test_format_cover_from_a_real_build_uses_the_interior_page_count",
    "test_markdown_keeps_its_front_matter_and_text_is_escaped", "test_a_page_count_the_service_does_not_bind_is_a_warning",
    "test_import_writes_the_piece_and_its_images_and_says_what_to_check",
    "test_new_writes_a_book_that_builds_from_inside_its_folder",
}
BROWSER_TESTS = {"test_the_imported_book_is_epubcheck_and_ace_clean"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = Path(str(item.fspath))
        unit = "unit" in path.relative_to(Path(__file__).parent).parts
        name = item.name.split("[")[0]
        if path.name in BROWSER_FILES or name in BROWSER_TESTS:
            item.add_marker(pytest.mark.browser)
        if unit:
            continue  # fast unless the test marks itself slow
        fixtures = set(getattr(item, "fixturenames", ()))
        if path.name not in FAST_FILES or name in SLOW_TESTS or fixtures & SLOW_FIXTURES \
                or (path.name == "test_import.py" and "book" in fixtures):
            item.add_marker(pytest.mark.slow)

"""Session-wide builds of the fixture books (each built once and shared by the tests), and the tier of
every test (fast, slow, browser) read from where it lives: see "the tiers" below."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from book_helpers import EPOCH, FIXTURES, REPO, Epub, build_variant, run_cli


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


@pytest.fixture(scope="session")
def tagged(tmp_path_factory):
    """The full fixture with `tagged: true`, a bare address added to a piece, built with --for-press:
    (reading PDF, press PDF), for the tagged-PDF, bleed and link-address tests."""
    def edit(book):
        manifest = book / "book.yaml"
        manifest.write_text(manifest.read_text(encoding="utf-8").replace(
            "print:\n  trim: 6in x 9in\n", "print:\n  trim: 6in x 9in\n  tagged: true\n"), encoding="utf-8")
        notes = book / "three" / "windows-notes.md"
        notes.write_text(notes.read_text(encoding="utf-8")
                         + "\nThe printers keep a list at <https://example.net/kuryk/printers> for visitors.\n",
                         encoding="utf-8")

    book, out = build_variant(tmp_path_factory, "tagged", "full", "--format", "pdf", "--for-press", edit=edit)
    assert "tagged: true" in (book / "book.yaml").read_text(encoding="utf-8")
    return out / "caspian-fixture.pdf", out / "caspian-fixture-press.pdf"


# ------------------------------------------------------------------------------ the tiers
# `make test-fast` runs `-m "not slow and not browser"`; `make test` runs everything. Where a test
# stands follows from where it lives:
#
#   tests/unit/<stage>/   fast, unless the test marks itself (@pytest.mark.slow, @pytest.mark.browser);
#   tests/e2e/<area>/     slow (it builds a whole book, runs EPUBCheck or a subprocess build), except
#                         the files listed in FAST_E2E, whose tests build no whole book: there a test
#                         is slow all the same when FAST_E2E names it or it uses a SLOW_FIXTURES fixture.
#   browser               the e2e files and folders in BROWSER (Chromium through Playwright, axe-core or
#                         Ace by DAISY), and tests listed there as "file::test".
#
# Paths are relative to tests/e2e/. A new e2e file is slow until it is listed in FAST_E2E. An entry that
# names no file (or, when its file is collected, no test) stops the run: a renamed file cannot change tiers.
FAST_E2E = {  # file: the names of its tests that are slow all the same
    "print/test_cover_wrap.py": {"test_format_cover_from_a_real_build_uses_the_interior_page_count"},
    "print/test_print_on_demand.py": {"test_margins_too_narrow_for_the_service_are_widened",
                                      "test_a_page_count_the_service_does_not_bind_is_a_warning"},
    "importers/test_import.py": {"test_markdown_keeps_its_front_matter_and_text_is_escaped"},
    "cli/test_new_book.py": {"test_new_writes_a_book_that_builds_from_inside_its_folder"},
    "languages/test_tool_labels.py": {"test_a_russian_book_speaks_russian_in_both_outputs"},
}
SLOW_FIXTURES = {"builds", "epubchecked", "tagged", "kdp_interior", "new_book", "imported_book"}  # each builds a book
BROWSER = {
    "web/",
    "preview/test_live_preview.py",
    "epub/test_accessibility.py",
    "importers/test_import.py::test_the_imported_book_is_epubcheck_and_ace_clean",
}
TESTS = Path(__file__).parent


def _stale_entries() -> list[str]:
    """The FAST_E2E and BROWSER entries that name a file or folder that is not there, or a test that its
    file does not define."""
    stale = []
    entries = [(path, name) for path, names in FAST_E2E.items() for name in ["", *names]]
    entries += [tuple(entry.partition("::")[::2]) for entry in BROWSER]
    for path, name in entries:
        where = TESTS / "e2e" / path
        if not where.exists():
            stale.append(path)
        elif name and f"def {name}(" not in where.read_text(encoding="utf-8"):
            stale.append(f"{path}::{name}")
    return stale


def pytest_collection_modifyitems(config, items):
    if stale := _stale_entries():
        raise pytest.UsageError("tests/conftest.py: FAST_E2E or BROWSER names what tests/e2e/ does not have "
                                f"(renamed or removed?): {', '.join(sorted(stale))}")
    for item in items:
        where = Path(str(item.fspath)).relative_to(TESTS)
        if where.parts[0] != "e2e":
            continue  # tests/unit/ and the rest: fast unless the test marks itself
        path = Path(*where.parts[1:]).as_posix()
        name = item.name.split("[")[0]
        if any(path.startswith(entry) if entry.endswith("/") else entry in (path, f"{path}::{name}")
               for entry in BROWSER):
            item.add_marker(pytest.mark.browser)
        if path not in FAST_E2E or name in FAST_E2E[path] or set(getattr(item, "fixturenames", ())) & SLOW_FIXTURES:
            item.add_marker(pytest.mark.slow)

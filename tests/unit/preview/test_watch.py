"""What `anthology serve` watches and what each edit touches: a real watcher on a copy of a fixture book."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from anthology.book.manifest import load_book
from anthology.resources import TOOL_ROOT
from anthology.preview import watch as watching
from book_helpers import copy_fixture

WAIT = 30


def watched(inputs: watching.Inputs, edit, settle: float = 1.5) -> set[Path]:
    """Start a real watcher, make the edit, return every changed input it reports within `settle` s."""
    stop, seen, started = threading.Event(), set(), threading.Event()

    def run():
        for batch in watching.watch(inputs, stop, tick=0.1):
            started.set()
            seen.update(batch)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert started.wait(WAIT)
    edit()
    time.sleep(settle)
    stop.set()
    thread.join(WAIT)
    assert not thread.is_alive()
    return seen


def test_the_inputs_are_the_files_the_book_reads(tmp_path):
    manifest = copy_fixture("full", tmp_path / "book")
    book = load_book(manifest)
    inputs = watching.Inputs(manifest, tmp_path / "book" / "build")
    inputs.update(book)
    root = manifest.parent.resolve()
    for name in ("book.yaml", "one/report.md", "one/intro.md", "front/preface.md", "images/square.png",
                 "three/windows-notes.md"):
        assert (root / name) in inputs.files, name
    assert inputs.relevant(root / "one" / "report.md")
    assert inputs.relevant(TOOL_ROOT.resolve() / "templates" / "parts" / "credits.html")
    assert inputs.relevant(TOOL_ROOT.resolve() / "styles" / "book.css")
    assert not inputs.relevant(root / "one" / "notes.txt")  # not read by the book
    assert not inputs.relevant(root / "one" / ".report.md.swp")  # an editor's swap file
    assert not inputs.relevant(root / "build" / "site" / "index.html")  # the preview's own output
    assert root / "build" not in inputs.folders()


def test_what_an_edit_touches(tmp_path):
    root = tmp_path / "book"
    assert watching.touches(root / "one" / "report.md", root) == watching.EVERYTHING
    assert watching.touches(TOOL_ROOT / "templates" / "web" / "page.html", root) == {"site"}
    assert watching.touches(root / "templates" / "web" / "page.html", root) == {"site"}
    assert watching.touches(TOOL_ROOT / "templates" / "epub-document.xhtml", root) == {"epub"}
    assert watching.touches(TOOL_ROOT / "templates" / "book.html", root) == {"pdf", "zine"}
    assert watching.touches(TOOL_ROOT / "styles" / "book.css", root) == watching.EVERYTHING


def test_the_watcher_reports_edits_of_inputs_only(tmp_path):
    manifest = copy_fixture("full", tmp_path / "book")
    inputs = watching.Inputs(manifest, tmp_path / "book" / "build")
    inputs.update(load_book(manifest))
    root = manifest.parent.resolve()
    report = root / "one" / "report.md"
    seen = watched(inputs, lambda: report.write_text(report.read_text(encoding="utf-8") + "\nMore.\n",
                                                     encoding="utf-8"))
    assert seen == {report}
    seen = watched(inputs, lambda: (root / "one" / "notes.txt").write_text("not part of the book\n"))
    assert seen == set()


def test_a_book_that_cannot_be_read_is_watched_for_the_file_it_misses(tmp_path):
    manifest = copy_fixture("minimal", tmp_path / "book")
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        "only-piece.md", "only-piece.md\n      - later/new-piece.md"), encoding="utf-8")
    inputs = watching.Inputs(manifest, tmp_path / "book" / "build")
    inputs.update(None)  # load_book failed: the piece does not exist yet
    later = manifest.parent.resolve() / "later"
    later.mkdir()
    assert later in inputs.folders()
    seen = watched(inputs, lambda: (later / "new-piece.md").write_text("---\ntitle: New\n---\nText.\n"))
    assert seen == {later / "new-piece.md"}

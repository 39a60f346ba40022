"""The print edition laid out in units (print/layout/assemble.py: front matter, each chapter, credits and
index, in worker processes, each cached) is the book laid out whole: the same pages pixel for pixel,
the same links, destinations, bookmarks and metadata, the same EPUB page list. An edit lays out its
chapter only; styles that need the whole book, and a worker that dies, mean a whole layout."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pypdfium2
import pytest
from pypdf import PdfReader

from book_helpers import REPO, copy_fixture, pdf_pages_text, run_cli, snapshot

EPOCH = "1700000000"


def _build(manifest: Path, out: Path, cache: Path, monkeypatch, *extra: str, **env: str):
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    for name in ("ANTHOLOGY_UNITS", "ANTHOLOGY_JOBS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    run = run_cli("build", manifest, "--out", out, *extra)
    assert run.code == 0, run.err
    return run


def _pixels(pdf: Path) -> list[bytes]:
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return [document[n].render(scale=40 / 72).to_pil().convert("L").tobytes() for n in range(len(document))]
    finally:
        document.close()


def _structure(pdf: Path) -> dict:
    """Everything of the PDF but its pages' drawing: destinations, links, bookmarks, metadata."""
    reader = PdfReader(pdf)
    numbers = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages)}

    def where(destination) -> tuple:
        return numbers[destination.page.idnum], round(float(destination.left or 0)), round(float(destination.top or 0))

    def outline(items, level=0):
        found = []
        for item in items:
            found += outline(item, level + 1) if isinstance(item, list) else [(level, item.title, where(item))]
        return found

    links = []
    for n, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            target = annot.get("/Dest") or annot.get("/A", {}).get("/URI")
            links.append((n, tuple(round(float(v)) for v in annot["/Rect"]), str(target)))
    return {"pages": len(reader.pages), "destinations": {k: where(v) for k, v in reader.named_destinations.items()},
            "links": links, "outline": outline(reader.outline), "metadata": dict(reader.metadata),
            "language": str(reader.trailer["/Root"].get("/Lang")), "sizes": [tuple(p.mediabox) for p in reader.pages]}


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """The full fixture built in units and whole, each with a cache of its own."""
    root = tmp_path_factory.mktemp("units")
    manifest = copy_fixture("full", root / "book")
    built = {}
    with pytest.MonkeyPatch.context() as monkeypatch:
        for name, env in (("units", {}), ("whole", {"ANTHOLOGY_UNITS": "off"})):
            run = _build(manifest, root / name, root / f"cache-{name}", monkeypatch, **env)
            built[name] = (root / name, run.out)
    return built


def test_units_are_used_and_give_the_pages_of_the_whole_book(both):
    units, whole = both["units"][0] / "caspian-fixture.pdf", both["whole"][0] / "caspian-fixture.pdf"
    assert "parts, " in both["units"][1] and "laid out now" in both["units"][1], both["units"][1]
    assert "parts" not in both["whole"][1]
    assert _pixels(units) == _pixels(whole)


def test_units_keep_every_link_destination_bookmark_and_the_metadata(both):
    units = _structure(both["units"][0] / "caspian-fixture.pdf")
    whole = _structure(both["whole"][0] / "caspian-fixture.pdf")
    assert units == whole
    internal = [target for _, _, target in units["links"] if not target.startswith("http")]
    assert internal and all(target in units["destinations"] for target in internal)  # every link leads somewhere
    assert len(units["outline"]) >= 8 and units["metadata"]["/Title"] == "Songs and Reports from the Caspian Shore"


def test_the_epub_and_its_page_list_are_the_same(both):
    assert (both["units"][0] / "caspian-fixture.epub").read_bytes() == \
        (both["whole"][0] / "caspian-fixture.epub").read_bytes()


def test_the_sample_book_in_units_is_the_sample_laid_out_whole(tmp_path, monkeypatch):
    """The real book: footnotes, an index over two columns, images, a testimony, 49 pages."""
    book = tmp_path / "book"
    book.mkdir()
    shutil.copy(REPO / "book.yaml", book / "book.yaml")
    shutil.copytree(REPO / "chapters", book / "chapters")
    _build(book / "book.yaml", tmp_path / "units", tmp_path / "c1", monkeypatch, "--format", "pdf")
    _build(book / "book.yaml", tmp_path / "whole", tmp_path / "c2", monkeypatch, "--format", "pdf",
           ANTHOLOGY_UNITS="off")
    units, whole = tmp_path / "units" / "kazakhstan-anthology.pdf", tmp_path / "whole" / "kazakhstan-anthology.pdf"
    assert _structure(units) == _structure(whole)
    assert _pixels(units) == _pixels(whole)


def test_an_edit_lays_out_its_chapter_only_and_gives_what_a_clean_build_gives(tmp_path, monkeypatch):
    manifest = copy_fixture("full", tmp_path / "book")
    first = _build(manifest, tmp_path / "out", tmp_path / "cache", monkeypatch)
    assert "from the cache" not in first.out
    piece = manifest.parent / "one" / "report.md"
    piece.write_text(piece.read_text(encoding="utf-8") + "\nOne sentence more, added by an editor.\n",
                     encoding="utf-8")
    edited = _build(manifest, tmp_path / "out", tmp_path / "cache", monkeypatch)
    counts = re.search(r"(\d+) parts, (\d+) laid out now, (\d+) from the cache", edited.out)
    assert counts, edited.out
    parts, fresh, cached = map(int, counts.groups())
    assert fresh == 1 and cached == parts - 1  # its chapter; the contents and index did not move
    clean = _build(manifest, tmp_path / "clean", tmp_path / "other-cache", monkeypatch)
    assert "from the cache" not in clean.out
    assert snapshot(tmp_path / "out") == snapshot(tmp_path / "clean")


def test_an_edit_of_one_chapter_starts_one_worker_only(tmp_path, monkeypatch, capfd):
    """WeasyPrint is imported and warmed up once per build: the first worker does it, the others are
    forked from it warm. An edit that lays out one chapter lays out that unit only, in one worker
    (and the cover comes from the cache)."""
    manifest = copy_fixture("full", tmp_path / "book")
    capfd.readouterr()
    _build(manifest, tmp_path / "out", tmp_path / "cache", monkeypatch, ANTHOLOGY_JOBS="2", ANTHOLOGY_TRACE_UNITS="1")
    err = capfd.readouterr().err
    assert len(re.findall(r"\] warm ", err)) == 1 and len(re.findall(r"\] forked from ", err)) == 1, err
    assert "] cover" in err, err  # a clean build: the cover too
    workers = set(re.findall(r"\[unit (\d+) [^]]*\] (?:lay|write|cover) ", err))
    assert len(workers) == 2, err  # both worked
    piece = manifest.parent / "one" / "report.md"
    piece.write_text(piece.read_text(encoding="utf-8") + "\nOne sentence more.\n", encoding="utf-8")
    _build(manifest, tmp_path / "out", tmp_path / "cache", monkeypatch, ANTHOLOGY_JOBS="2", ANTHOLOGY_TRACE_UNITS="1")
    err = capfd.readouterr().err
    assert len(re.findall(r"\] warm ", err)) == 1 and len(re.findall(r"\] lay ", err)) == 1, err
    assert "] cover" not in err, err


def test_one_worker_or_two_give_the_same_files(tmp_path, monkeypatch):
    manifest = copy_fixture("full", tmp_path / "book")
    _build(manifest, tmp_path / "one", tmp_path / "c1", monkeypatch, ANTHOLOGY_JOBS="1")
    _build(manifest, tmp_path / "three", tmp_path / "c3", monkeypatch, ANTHOLOGY_JOBS="3")
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "three")


def test_credits_longer_than_the_last_chapter_are_laid_out_first_and_give_the_same_book(tmp_path, monkeypatch, capfd):
    """The unit laid out last delays the index: credits longer than the last chapter are laid out
    right after the front matter's probe and held (with a chapter) until their first page is known."""
    from book_helpers import write_book

    pieces = {f"p{n:02d}.md": f"---\ntitle: Piece {n}\ncredits: \"First printed in the Steppe Review, issue {n}; "
              f"translated by a volunteer of the Almaty reading circle, with the author's permission.\"\n---\n\n"
              + f"Text of piece {n}. " * 40 + "\n" for n in range(24)}
    pieces["last.md"] = "---\ntitle: Last\n---\n\nA short last piece.\n"
    manifest = write_book(tmp_path / "book", "title: Long Credits\nlanguage: en\noutput: credits\n"
                          "chapters:\n  - title: Many\n    pieces: [" + ", ".join(f"p{n:02d}.md" for n in range(24)) + "]\n"
                          "  - title: Short\n    pieces: [last.md]\n", pieces)
    capfd.readouterr()
    _build(manifest, tmp_path / "one", tmp_path / "c1", monkeypatch, ANTHOLOGY_JOBS="1", ANTHOLOGY_TRACE_UNITS="1")
    steps = re.findall(r"\] (lay|write) (\S+)", capfd.readouterr().err)
    laid = [name for step, name in steps if step == "lay"]
    assert laid[:2] == ["front-count", "credits"] and "credits" not in laid[2:], laid
    # once the chapters are counted, the numbered contents are laid out as soon as the worker has
    # room (it held the credits and the last chapter), before it writes the rest: the end of the
    # build waits on the contents
    assert steps.index(("lay", "front")) < steps.index(("write", "chapter-2")), steps
    _build(manifest, tmp_path / "two", tmp_path / "c2", monkeypatch, ANTHOLOGY_JOBS="2")
    _build(manifest, tmp_path / "whole", tmp_path / "c3", monkeypatch, ANTHOLOGY_UNITS="off")
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")
    one, whole = tmp_path / "one" / "credits.pdf", tmp_path / "whole" / "credits.pdf"
    assert _structure(one) == _structure(whole)
    assert _pixels(one) == _pixels(whole)


def test_a_long_footnote_in_a_unit_goes_after_its_piece_as_in_the_whole_book(tmp_path, monkeypatch):
    manifest = copy_fixture("full", tmp_path / "book")
    piece = manifest.parent / "one" / "report.md"
    note = " ".join(f"Note sentence {i} runs on and on with words." for i in range(1, 90))
    piece.write_text(piece.read_text(encoding="utf-8") + "\nA call to a long note.[^long]\n\n[^long]: " + note + "\n",
                     encoding="utf-8")
    _build(manifest, tmp_path / "units", tmp_path / "c1", monkeypatch, "--format", "pdf")
    _build(manifest, tmp_path / "whole", tmp_path / "c2", monkeypatch, "--format", "pdf", ANTHOLOGY_UNITS="off")
    units, whole = tmp_path / "units" / "caspian-fixture.pdf", tmp_path / "whole" / "caspian-fixture.pdf"
    text = re.sub(r"\s+", " ", " ".join(pdf_pages_text(units)))
    assert "Note sentence 89" in text and "Notes" in text
    assert _pixels(units) == _pixels(whole)


def test_a_page_total_in_the_books_styles_lays_the_book_out_whole(tmp_path, monkeypatch):
    """counter(pages) would count a unit's pages only: such styles are laid out whole, and right."""
    manifest = copy_fixture("minimal", tmp_path / "book")
    styles = manifest.parent / "styles"
    styles.mkdir()
    css = ""  # added to the tool's stylesheet
    css += '\n@page :right { @bottom-center { content: "page " counter(page) " of " counter(pages); font-size: 8pt } }\n'
    (styles / "book.css").write_text(css, encoding="utf-8")
    run = _build(manifest, tmp_path / "out", tmp_path / "cache", monkeypatch, "--format", "pdf")
    assert "laying out the print edition whole" in run.out, run.out
    texts = pdf_pages_text(tmp_path / "out" / "a-minimal-book.pdf")
    total = len(texts)
    assert any(f"page 3 of {total}" in text for text in texts), texts[2]


def test_a_worker_that_dies_means_the_book_is_laid_out_whole(tmp_path, monkeypatch):
    from anthology.print.layout import parts as units

    def die(*args, **kwargs):
        os._exit(9)  # in the worker process (forked with this patch), as if killed

    manifest = copy_fixture("full", tmp_path / "book")
    _build(manifest, tmp_path / "whole", tmp_path / "c1", monkeypatch, ANTHOLOGY_UNITS="off")
    monkeypatch.setattr(units.LaidOut, "__init__", die)
    run = _build(manifest, tmp_path / "out", tmp_path / "c2", monkeypatch)
    assert "laying out the print edition whole" in run.out, run.out
    assert _pixels(tmp_path / "out" / "caspian-fixture.pdf") == _pixels(tmp_path / "whole" / "caspian-fixture.pdf")
    assert (tmp_path / "out" / "caspian-fixture.epub").read_bytes() == \
        (tmp_path / "whole" / "caspian-fixture.epub").read_bytes()


def test_the_press_pdf_in_units_is_the_press_pdf_laid_out_whole(tmp_path, monkeypatch):
    """Bleed and crop marks (author @page rules) over the book's stylesheet (given to the units as a
    user stylesheet): the same sheets as laid out whole."""
    manifest = copy_fixture("full", tmp_path / "book")
    _build(manifest, tmp_path / "units", tmp_path / "c1", monkeypatch, "--format", "pdf", "--for-press")
    _build(manifest, tmp_path / "whole", tmp_path / "c2", monkeypatch, "--format", "pdf", "--for-press",
           ANTHOLOGY_UNITS="off")
    units, whole = tmp_path / "units" / "caspian-fixture-press.pdf", tmp_path / "whole" / "caspian-fixture-press.pdf"
    assert _structure(units)["sizes"] == _structure(whole)["sizes"]
    assert [tuple(p.bleedbox) for p in PdfReader(units).pages] == [tuple(p.bleedbox) for p in PdfReader(whole).pages]
    assert _pixels(units) == _pixels(whole)


def test_the_grayscale_edition_in_units_is_the_one_laid_out_whole(tmp_path, monkeypatch):
    manifest = copy_fixture("full", tmp_path / "book")
    text = manifest.read_text(encoding="utf-8").replace("print:\n", "print:\n  grayscale: true\n")
    manifest.write_text(text, encoding="utf-8")
    _build(manifest, tmp_path / "units", tmp_path / "c1", monkeypatch, "--format", "pdf")
    _build(manifest, tmp_path / "whole", tmp_path / "c2", monkeypatch, "--format", "pdf", ANTHOLOGY_UNITS="off")
    units, whole = tmp_path / "units" / "caspian-fixture.pdf", tmp_path / "whole" / "caspian-fixture.pdf"
    assert _pixels(units) == _pixels(whole)


@pytest.mark.parametrize("delay", [0.0, 0.3])  # while the book is sent to the workers; while they lay out
def test_ctrl_c_stops_the_build_and_its_workers_and_leaves_the_last_outputs(tmp_path, monkeypatch, delay):
    import signal
    import subprocess
    import sys
    import time

    book = tmp_path / "book"
    book.mkdir()
    shutil.copy(REPO / "book.yaml", book / "book.yaml")
    shutil.copytree(REPO / "chapters", book / "chapters")
    out = tmp_path / "out"
    out.mkdir()
    (out / "kazakhstan-anthology.pdf").write_bytes(b"the last build's PDF")
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"), PYTHONUNBUFFERED="1")
    env.pop("ANTHOLOGY_UNITS", None)
    proc = subprocess.Popen([sys.executable, "-m", "anthology", "build", str(book / "book.yaml"), "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    for line in proc.stdout:
        if "laying out the print edition" in line:
            break
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    err = proc.communicate(timeout=60)[1]
    assert proc.returncode == 130, err
    assert "interrupted; earlier outputs are untouched" in err and "Traceback" not in err, err
    assert sorted(p.name for p in out.iterdir()) == ["kazakhstan-anthology.pdf"]
    assert (out / "kazakhstan-anthology.pdf").read_bytes() == b"the last build's PDF"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # the workers end too (their parent's pipes are closed)
        alive = [proc for proc in Path("/proc").glob("[0-9]*/cmdline")
                 if str(out).encode() in _read(proc)]
        if not alive:
            break
        time.sleep(0.2)
    assert not alive, alive


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:  # a process that ended meanwhile
        return b""


def test_lxml_reads_every_unit_as_the_tree_tinyhtml5_builds(tmp_path, monkeypatch):
    """print/weasy/parsed.py hands WeasyPrint the units' HTML parsed by lxml instead of tinyhtml5 (a
    thirtieth of the time): for every unit of the full fixture and of the sample book, the same
    elements, text, tails and attributes; what lxml could read otherwise is left to tinyhtml5."""
    import tinyhtml5

    from anthology.print.weasy import parsed
    from anthology.print.layout import parts as units

    laid_out = units.LaidOut.__init__

    def keep(self, book, unit, scopes):  # in the worker processes: written down for the test
        (tmp_path / "units").mkdir(exist_ok=True)
        (tmp_path / "units" / f"{book.output}-{unit.name}.html").write_text(unit.html, encoding="utf-8")
        laid_out(self, book, unit, scopes)

    monkeypatch.setattr(units.LaidOut, "__init__", keep)
    sample = tmp_path / "sample"
    sample.mkdir()
    shutil.copy(REPO / "book.yaml", sample / "book.yaml")
    shutil.copytree(REPO / "chapters", sample / "chapters")
    for manifest in (copy_fixture("full", tmp_path / "full"), sample / "book.yaml"):
        _build(manifest, tmp_path / "out", tmp_path / "cache", monkeypatch, "--format", "pdf")

    def signature(root):
        return [(e.tag, e.text or "", e.tail or "", sorted(e.attrib.items())) for e in root.iter()
                if isinstance(e.tag, str)]

    files = sorted((tmp_path / "units").glob("*.html"))
    assert len(files) >= 12 and any("index" in f.name for f in files)
    for file in files:
        html = file.read_text(encoding="utf-8")
        ours = parsed.tree(html)
        assert ours is not None, file.name
        assert signature(ours) == signature(tinyhtml5.parse(html, namespace_html_elements=False)), file.name
    assert parsed.tree("<!DOCTYPE html><html><body><svg><circle r='1'/></svg></body></html>") is None
    assert parsed.tree("<!DOCTYPE html><html><body><!-- a note --><p>x</p></body></html>") is None

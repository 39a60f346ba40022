"""Safety: a build reads no file outside the book's folder and never touches the network,
whatever the Markdown says (raw HTML images, file:// URLs, ../ paths, inline styles)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from access_recorder import Recorder
from book_helpers import FIXTURES, Epub, run_cli, write_book

# ------------------------------------------------------------------ a book that tries to read outside itself

HOSTILE = """\
---
title: A Hostile Piece
---

An ordinary first paragraph about the harbour of Velmira.

<p>Relative escape: <img src="../../secret.png" alt="escape one"/> end of the first trap.</p>

<p>Absolute URL: <img src="file://{secret}" alt="escape two"/> end of the second trap.</p>

<p>Absolute path: <img src="{secret}" alt="escape three"/> end of the third trap.</p>

<p style="background-image: url('../../secret.png')">A styled paragraph that must not load its background.</p>

<p>Remote: <img src="https://example.com/beacon.png" alt="beacon"/> and <img src="//example.net/b.png" alt="b"/>.</p>

<div><object data="../../secret.png"></object><iframe src="http://example.org/"></iframe></div>

The last paragraph about Velmira closes the piece.
"""


def _hostile_book(folder: Path, piece: str) -> Path:
    return write_book(folder, """\
        title: A Hostile Book
        language: en
        chapters:
          - title: Traps
            pieces:
              - chapters/hostile.md
        """, {"chapters/hostile.md": piece})


@pytest.fixture
def sanitizable(tmp_path):
    """The hostile piece without its images that point outside the book or to the network (those
    are errors): what is left must build, with every remaining trap neutralised."""
    text = HOSTILE
    for trap in ("Relative escape", "Absolute URL", "Absolute path", "Remote:"):
        text = "\n".join(line for line in text.split("\n") if trap not in line)
    return _hostile_book(tmp_path / "book", text)


@pytest.fixture
def hostile(tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes((FIXTURES / "full" / "images" / "square.png").read_bytes() + b"SECRET-BYTES")
    return _hostile_book(tmp_path / "book", HOSTILE.format(secret=secret)), secret


def _build(manifest: Path, out: Path):
    with Recorder() as recorder:
        run = run_cli("build", manifest, "--out", out)
    return run, recorder


def test_build_reads_no_file_outside_the_book_and_opens_no_socket(hostile, tmp_path):
    manifest, secret = hostile
    run, recorder = _build(manifest, tmp_path / "out")
    assert recorder.opened(manifest.parent / "chapters" / "hostile.md")  # the hook does see reads
    assert recorder.opened(secret) == []
    assert recorder.network == []
    if run.code == 1:  # refusing the book is fine if the message names the file
        assert "hostile.md" in run.err and "Traceback" not in run.err
    else:
        assert run.code == 0, run.err


def test_images_outside_the_book_or_remote_are_errors_naming_their_lines(hostile, tmp_path):
    manifest, _ = hostile
    run, _ = _build(manifest, tmp_path / "out")
    assert run.code == 1 and "Traceback" not in run.err
    lines = sorted(int(m) for m in __import__("re").findall(r"chapters/hostile\.md:(\d+): the image", run.err))
    assert lines == [7, 9, 11, 15, 15], run.err  # three escaping <img>, two remote ones on one line
    assert not (tmp_path / "out" / "a-hostile-book.epub").exists()


def test_outputs_of_a_sanitized_book_carry_nothing_from_outside(sanitizable, tmp_path):
    manifest = sanitizable
    out = tmp_path / "out"
    run, _ = _build(manifest, out)
    assert run.code == 0, run.err
    epub_path, pdf_path = out / "a-hostile-book.epub", out / "a-hostile-book.pdf"
    with zipfile.ZipFile(epub_path) as z:
        for name in z.namelist():
            assert b"example.com" not in z.read(name) or name.endswith(".opf"), name
    pdf = PdfReader(pdf_path)
    images = [img for page in pdf.pages for img in page.images]
    assert images == []  # none of the traps drew an image
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Velmira" in text and "must not load its background" in text


def test_epub_of_a_hostile_book_references_nothing_outside_the_package(hostile, tmp_path):
    manifest, secret = hostile
    out = tmp_path / "out"
    run, _ = _build(manifest, out)
    if run.code == 1:
        assert "hostile.md:" in run.err  # refused with a message naming the piece: fine
        return
    epub = Epub(out / "a-hostile-book.epub")
    names = set(epub.zip.namelist())
    for href, data in epub.documents().items():
        for element in etree.fromstring(data).iter():
            if not isinstance(element.tag, str):
                continue
            for attr in ("src", "data", "poster"):
                value = element.get(attr)
                if value is None:
                    continue
                assert not value.startswith(("file:", "/", "http:", "https:", "//")), (href, value)
                target = epub.name(str(Path(href).parent / value)).replace("\\", "/")
                assert target.removeprefix("./") in names, (href, value)
            style = element.get("style") or ""
            assert "url(" not in style, (href, style)


def test_sanitized_markup_keeps_no_style_object_or_iframe(sanitizable, tmp_path):
    manifest = sanitizable
    out = tmp_path / "out"
    run, _ = _build(manifest, out)
    assert run.code == 0, run.err
    epub = Epub(out / "a-hostile-book.epub")
    data = epub.documents()["hostile.xhtml"]
    root = etree.fromstring(data)
    tags = {etree.QName(e).localname for e in root.iter() if isinstance(e.tag, str)}
    assert not tags & {"object", "iframe", "embed", "script"}
    assert not [e for e in root.iter() if isinstance(e.tag, str) and e.get("style")]
    assert b"example.com" not in data and b"example.net" not in data and b"example.org" not in data


def test_normal_builds_read_no_file_outside_the_book_and_the_tool(tmp_path):
    """The full fixture, built under the audit hook: every file opened lies in the book, the output
    folder, the tool's own package, or the Python/system libraries; and no socket is opened."""
    import shutil

    book = tmp_path / "book"
    shutil.copytree(FIXTURES / "full", book)
    sibling = tmp_path / "sibling.md"
    sibling.write_text("not part of the book", encoding="utf-8")
    with Recorder() as recorder:
        run = run_cli("build", book / "book.yaml", "--out", tmp_path / "out", "--format", "pdf")
    assert run.code == 0, run.err
    assert recorder.opened(book / "one" / "report.md")  # the hook does see reads
    assert recorder.network == []
    assert recorder.opened(sibling) == []
    outside = [p for kind, p in recorder.events if kind == "open" and p.startswith(str(tmp_path))
               and not (p.startswith(str(book)) or p.startswith(str(tmp_path / "out")))]
    assert outside == []


def test_markdown_link_outside_the_book_is_an_error(tmp_path):
    (tmp_path / "elsewhere.md").write_text("---\ntitle: Elsewhere\n---\n\nx\n", encoding="utf-8")
    manifest = write_book(tmp_path / "book", """\
        title: B
        language: en
        chapters:
          - title: C
            pieces:
              - p.md
        """, {"p.md": "---\ntitle: P\n---\n\nSee [elsewhere](../elsewhere.md).\n"})
    run = run_cli("check", manifest)
    assert run.code == 1
    assert "p.md:5:" in run.err and "outside" in run.err


def test_svg_image_cannot_pull_files_from_outside(tmp_path):
    """SVG resources go through the fetcher too: an SVG inside the book that references a file outside."""
    secret = tmp_path / "secret.png"
    secret.write_bytes((FIXTURES / "full" / "images" / "square.png").read_bytes())
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="20" '
           f'height="20"><image xlink:href="file://{secret}" width="20" height="20"/>'
           '<image xlink:href="../../secret.png" width="20" height="20"/></svg>')
    manifest = write_book(tmp_path / "book", """\
        title: An SVG Book
        language: en
        chapters:
          - title: C
            pieces:
              - p.md
        """, {"p.md": "---\ntitle: P\n---\n\n![A drawing](pics/drawing.svg \"A drawing\")\n", "pics/drawing.svg": svg})
    with Recorder() as recorder:
        run = run_cli("build", manifest, "--out", tmp_path / "out", "--format", "pdf")
    assert recorder.opened(secret) == []
    assert recorder.network == []
    assert run.code in (0, 1) and "Traceback" not in run.err

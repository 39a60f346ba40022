"""Nothing lost: every failure of issue 14 (a sandboxed template, a stylesheet reaching outside, a
broken image, a limit) leaves the previous build's outputs exactly as they were, byte for byte."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from book_helpers import run_cli, snapshot, write_book
from image_helpers import BROKEN, png_bytes

MANIFEST = """\
    title: Kept Safe
    language: en
    chapters:
      - title: First
        pieces:
          - one.md
    """
ONE = "---\ntitle: One\n---\n\nThe first paragraph.\n\n![A square](img/fig.png \"A figure\")\n\nThe end.\n"
FORMATS = "epub,pdf,zine"


def _set(name: str, content: str | bytes):
    def apply(book: Path):
        target = book / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content) if isinstance(content, bytes) else target.write_text(content, encoding="utf-8")
    return apply


def _append(text: str, name: str = "one.md"):
    def apply(book: Path):
        with open(book / name, "a", encoding="utf-8") as stream:
            stream.write(text)
    return apply


BREAKERS = {
    "template attack": _set("templates/pieces/article.html",
                            '{% extends "pieces/_piece.html" %}\n{% block body %}\n'
                            "{{ cycler.__init__.__globals__.os.popen('id').read() }}\n{% endblock %}\n"),
    "template reads a path": _set("templates/pieces/article.html",
                                  "{{ book.manifest.read_text() }}\n"),
    "stylesheet outside": _set("styles/book.css", '@import url("../../elsewhere.css");\n'),
    "stylesheet network": _set("styles/book.css", "body { background: url(https://example.com/x.png); }\n"),
    **{f"image {name}": _set("img/fig.png", data) for name, (data, _m) in BROKEN.items() if name.endswith(".png")},
    "image cut short": _set("img/fig.png", png_bytes((400, 300))[:200]),
    "nested quotes": _append("\n" + ">" * 5000 + " deep\n"),
    "nested lists": _append("\n" + "".join("    " * i + "- item\n" for i in range(100))),
    "control character": _append("\nA NUL\x00here.\n"),
    "absurd word": _append("\n" + "y" * 20_000 + "\n"),
    "absurd line": _append("\n" + "a word " * 20_000 + "\n"),
    "oversized piece": _append("\n" + ("Long enough paragraph. " * 40 + "\n\n") * 6_000),
    "deep yaml": _set("one.md", "---\ntitle: One\nsource: " + "[ " * 200 + "] " * 200 + "\n---\n\nText.\n"),
    "empty chapter": _set("book.yaml", MANIFEST.replace("    ", "", 1).replace("\n    ", "\n")
                          + "  - title: Nothing\n    pieces: []\n"),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The good book, built once: (book folder, output folder)."""
    work = tmp_path_factory.mktemp("kept")
    manifest = write_book(work / "book", MANIFEST, {"one.md": ONE, "img/fig.png": png_bytes((400, 300))})
    run = run_cli("build", manifest, "--out", work / "out", "--format", FORMATS)
    assert run.code == 0, run.err
    return manifest.parent, work / "out"


@pytest.mark.parametrize("case", sorted(BREAKERS))
def test_a_failed_build_leaves_the_previous_outputs_byte_identical(built, tmp_path, case):
    good_book, good_out = built
    book, out = tmp_path / "book", tmp_path / "out"
    shutil.copytree(good_book, book)
    shutil.copytree(good_out, out)
    before = snapshot(out)
    assert sorted(before) == ["kept-safe-zine.pdf", "kept-safe.epub", "kept-safe.pdf"]
    BREAKERS[case](book)
    run = run_cli("build", book / "book.yaml", "--out", out, "--format", FORMATS)
    assert run.code == 1, (case, run.err)
    assert "Traceback" not in run.err and "nothing was written" in run.err
    assert snapshot(out) == before  # same names (no temporary files left), same bytes

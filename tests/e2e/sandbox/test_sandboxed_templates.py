"""A book's templates and stylesheet are data, not code: the attacks of issue 14 on a book folder that
travels (a contributor's, a pull request's) run nothing, read nothing outside the book, fetch nothing."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from book_helpers import REPO, run_cli, write_book
from access_recorder import Recorder

MANIFEST = """\
    title: A Travelling Book
    language: en
    chapters:
      - title: Arrivals
        pieces:
          - chapters/harbour.md
    """
PIECE = "---\ntitle: The Harbour\n---\n\nThe ferry to Velmira leaves at dawn.\n"


def _book(folder: Path, files: dict | None = None) -> Path:
    return write_book(folder, MANIFEST, {"chapters/harbour.md": PIECE, **(files or {})})


def _with_secret(tmp_path: Path) -> Path:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-4711\n", encoding="utf-8")
    return secret


def test_the_template_attack_of_the_issue_runs_no_command_and_prints_no_outside_file(tmp_path):
    secret = _with_secret(tmp_path)
    pwned = tmp_path / "pwned"
    attack = ('{% extends "pieces/_piece.html" %}\n{% block body %}\n'
              f"{{{{ cycler.__init__.__globals__.os.popen('touch {pwned}; cat {secret}').read() }}}}\n"
              "{% endblock %}\n")
    manifest = _book(tmp_path / "book", {"templates/pieces/article.html": attack})
    out = tmp_path / "out"
    run = run_cli("build", manifest, "--out", out)
    assert run.code == 1, run.err
    assert "templates/pieces/article.html:3: template error:" in run.err and "sandboxed" in run.err
    assert "Traceback" not in run.err and "TOP-SECRET" not in run.out + run.err
    assert not pwned.exists()
    assert not out.exists() or list(out.iterdir()) == []


def test_a_template_cannot_read_a_file_through_the_paths_it_is_given(tmp_path):
    secret = _with_secret(tmp_path)
    for line, expression in enumerate([
        '{{ book.root.parent.joinpath("secret.txt").read_text() }}',
        '{{ piece.path.parent.parent.parent.joinpath("secret.txt").open().read() }}',
        "{{ lipsum.__globals__['os'].listdir('/') }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ t._labels }}",
        "{% set x = book.chapters.append(1) %}",
    ]):
        folder = tmp_path / f"book{line}"
        manifest = _book(folder, {"templates/pieces/article.html":
                                  '{% extends "pieces/_piece.html" %}\n{% block body %}\n' + expression
                                  + "\n{% endblock %}\n"})
        run = run_cli("build", manifest, "--out", folder / "out", "--format", "epub")
        assert run.code == 1, (expression, run.err)
        assert "templates/pieces/article.html:3: template error:" in run.err, (expression, run.err)
        assert "TOP-SECRET" not in run.err and "Traceback" not in run.err
        assert not (folder / "out" / "a-travelling-book.epub").exists()
    assert secret.read_text(encoding="utf-8") == "TOP-SECRET-4711\n"


def test_a_books_harmless_template_still_renders(tmp_path):
    manifest = _book(tmp_path / "book", {"templates/pieces/article.html":
                                         '{% extends "pieces/_piece.html" %}\n{% block body %}\n'
                                         "<p>{{ piece.title|upper }} from {{ piece.path.name }}</p>{{ body }}\n"
                                         "{% endblock %}\n"})
    run = run_cli("build", manifest, "--out", tmp_path / "out", "--format", "epub")
    assert run.code == 0, run.err
    with zipfile.ZipFile(tmp_path / "out" / "a-travelling-book.epub") as epub:
        doc = epub.read("EPUB/harbour.xhtml").decode()
    assert "THE HARBOUR from harbour.md" in doc and "ferry to Velmira" in doc


# ------------------------------------------------------------------ the book's stylesheet

HOSTILE_CSS = """\
@import url("../../outside.css");
@import "https://example.com/remote.css";
body { background-image: url('{secret}'); }
@font-face { font-family: "Stolen"; src: url(file://{font}); }
@font-face { font-family: "Far"; src: url(https://fonts.example.com/far.woff2); }
p { background: url(//example.net/beacon.png); }
/* url(../../ignored-in-a-comment.png) */
h2 { background: url(data:image/png;base64,iVBORw0KGgo=); }
"""


def _hostile_css_book(tmp_path: Path) -> tuple[Path, Path, Path]:
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG not really")
    font = tmp_path / "stolen.ttf"
    shutil.copy(REPO / "styles" / "fonts" / "CharisSIL-Regular.ttf", font)
    (tmp_path / "outside.css").write_text("body { color: red; }\n", encoding="utf-8")
    css = HOSTILE_CSS.replace("{secret}", str(secret)).replace("{font}", str(font))
    return _book(tmp_path / "book", {"styles/book.css": css}), secret, font


def test_a_stylesheet_pointing_outside_the_book_or_to_the_network_is_a_problem_with_its_lines(tmp_path):
    manifest, _secret, _font = _hostile_css_book(tmp_path)
    run = run_cli("check", manifest)
    assert run.code == 1, run.err
    lines = {int(line.split(":")[1]) for line in run.err.splitlines() if line.startswith("styles/book.css:")}
    assert lines == {1, 2, 3, 4, 5, 6}, run.err
    assert "outside the book's folder" in run.err and "not a file in the book" in run.err
    assert "Traceback" not in run.err


def test_a_hostile_stylesheet_reads_nothing_outside_and_fetches_nothing(tmp_path):
    manifest, secret, font = _hostile_css_book(tmp_path)
    with Recorder() as recorder:
        run = run_cli("build", manifest, "--out", tmp_path / "out")
    assert run.code == 1 and "styles/book.css:" in run.err
    assert recorder.opened(secret) == [] and recorder.opened(font) == []
    assert recorder.opened(tmp_path / "outside.css") == []
    assert recorder.network == []
    assert not (tmp_path / "out" / "a-travelling-book.pdf").exists()


def test_what_the_stylesheet_uses_inside_the_book_reaches_both_outputs(tmp_path):
    from pypdf import PdfReader

    from anthology.epub.epubcheck import epubcheck

    font = REPO / "styles" / "fonts" / "NotoSansMono-Regular.ttf"
    css = ('@import "extra.css";\n' + (REPO / "styles" / "book.css").read_text(encoding="utf-8")
           + '\n@font-face { font-family: "House"; src: url(fonts/house.ttf); }\n'
           + 'h2 { font-family: "House"; }\n')
    manifest = _book(tmp_path / "book", {
        "styles/book.css": css.replace("url(fonts/CharisSIL", "url(../../tool-fonts/CharisSIL")
        .replace("url(fonts/Noto", "url(../../tool-fonts/Noto"),
        "styles/extra.css": ".byline { color: #333; }\n", "styles/fonts/house.ttf": font.read_bytes()})
    run = run_cli("check", manifest)
    assert run.code == 1 and "tool-fonts/CharisSIL-Regular.ttf', which is outside" in run.err, run.err
    (manifest.parent / "styles" / "book.css").write_text(css.replace("url(fonts/CharisSIL", "url(tool/CharisSIL")
                                                         .replace("url(fonts/Noto", "url(tool/Noto"),
                                                         encoding="utf-8")
    shutil.copytree(REPO / "styles" / "fonts", manifest.parent / "styles" / "tool")
    run = run_cli("build", manifest, "--out", tmp_path / "out")
    assert run.code == 0, run.err
    epub_path = tmp_path / "out" / "a-travelling-book.epub"
    with zipfile.ZipFile(epub_path) as epub:
        names = set(epub.namelist())
    assert {"EPUB/style/extra.css", "EPUB/style/fonts/house.ttf"} <= names, names
    assert not [n for n in names if "Charis" in n]  # the print-fonts block stays out of the EPUB
    assert [p for p in epubcheck(epub_path) if p.level in ("error", "warning")] == []
    fonts = {str(f.get_object()["/BaseFont"]) for page in PdfReader(tmp_path / "out" / "a-travelling-book.pdf").pages
             for f in (page.get("/Resources", {}).get("/Font") or {}).values()}
    assert any(f.endswith("+House") for f in fonts), fonts  # the house font set the piece title

"""Property-based tests (Hypothesis): generated manifests, front matter and Markdown (random keys, types
and nesting, Unicode with right-to-left text and combining marks, YAML edge cases) go through `check`
and `build`. The only outcomes allowed: exit 0 with valid outputs, or exit 1 with `FILE:LINE: message`
lines; never exit 3, never a traceback.

CI runs a derandomised profile with a fixed number of examples (CHECK_EXAMPLES checks, BUILD_EXAMPLES
builds, EPUBCheck on the first EPUBCHECK_RUNS EPUBs); `make fuzz` (ANTHOLOGY_FUZZ=1) runs many more,
randomised (ANTHOLOGY_FUZZ_CHECKS and ANTHOLOGY_FUZZ_BUILDS set the numbers)."""

from __future__ import annotations

import os
import re
import tempfile
import zipfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from book_helpers import run_cli
from image_helpers import png_bytes

FUZZ = bool(os.environ.get("ANTHOLOGY_FUZZ"))
CHECK_EXAMPLES = int(os.environ.get("ANTHOLOGY_FUZZ_CHECKS", 2000 if FUZZ else 100))
BUILD_EXAMPLES = int(os.environ.get("ANTHOLOGY_FUZZ_BUILDS", 40 if FUZZ else 4))
EPUBCHECK_RUNS = 10 if FUZZ else 1

COMMON = dict(deadline=None, derandomize=not FUZZ, database=None, print_blob=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.filter_too_much])
PROBLEM = re.compile(r"^[^\s:][^:\n]*:\d+: \S")
SUMMARY = re.compile(r"^\d+ problems? found; nothing was written\.$")

# ------------------------------------------------------------------ text

SCRIPTS = st.sampled_from([
    "Zhanaozen", "Жаңаөзен", "Қазақстан", "مرحبا بالعالم", "שלום עולם", "e\u0301te\u0301", "a\u0308\u0301\u0323",
    "\u202eevil\u202c", "\u200f\u200e", "\u200b", "😀👩‍👩‍👧", "漢字かな", "ǅemal", "İstanbul", "ﬁﬂ", "\u00a0", "\t",
    "&amp;", "&nbsp;", "<", ">", "'", '"', "\\", "*", "_", "`", "[", "]", "{", "}", "#", "|", "~", "^", "%",
])
WORD = st.one_of(SCRIPTS, st.text(min_size=1, max_size=12,
                                  alphabet=st.characters(blacklist_categories=("Cs",))))
LINE = st.lists(WORD, min_size=1, max_size=12).map(" ".join)


def _quote(depth: int, text: str) -> str:
    return "> " * depth + text


@st.composite
def markdown_blocks(draw, files: list[str]) -> str:
    kinds = st.sampled_from(["para", "heading", "quote", "list", "olist", "note", "link", "image", "html",
                             "table", "code", "marker", "attr", "emphasis", "rule", "raw"])
    blocks, notes = [], []
    for kind in draw(st.lists(kinds, min_size=0, max_size=8)):
        text = draw(LINE)
        if kind == "para":
            blocks.append(text)
        elif kind == "heading":
            blocks.append("#" * draw(st.integers(1, 7)) + " " + text)
        elif kind == "quote":
            blocks.append(_quote(draw(st.integers(1, 20)), text))
        elif kind in ("list", "olist"):
            depth = draw(st.integers(1, 20))
            marker = "- " if kind == "list" else "1. "
            blocks.append("\n".join("    " * i + marker + text for i in range(depth)))
        elif kind == "note":
            name = draw(st.sampled_from(["1", "n", "a b", "x", "é", "1"]))
            blocks.append(f"{text}[^{name}]")
            if draw(st.booleans()):
                notes.append(f"[^{name}]: {draw(LINE)}")
        elif kind == "link":
            target = draw(st.sampled_from(files + ["https://example.org/x", "missing.md", "../outside.md",
                                                   "#anchor", "mailto:a@b.c", "javascript:alert(1)", ""]))
            blocks.append(f"[{text}]({target})")
        elif kind == "image":
            target = draw(st.sampled_from(["img/ok.png", "img/missing.png", "../x.png", "http://e.x/a.png",
                                           "img/ok.png#x", "img/", ""]))
            blocks.append(f'![{draw(st.sampled_from(["", text]))}]({target} "{text}")')
        elif kind == "html":
            tag = draw(st.sampled_from(["div", "span", "script", "style", "figure", "table", "svg", "math",
                                        "iframe", "p", "a", "img", "blockquote", "ruby", "bdi"]))
            attrs = draw(st.sampled_from(['', ' dir="rtl"', ' onclick="x()"', ' style="color:red"',
                                          ' src="img/ok.png" alt="a"', ' href="javascript:x"',
                                          ' markdown="1"', ' lang="ar"']))
            blocks.append(f"<{tag}{attrs}>{text}</{tag}>" if draw(st.booleans()) else f"<{tag}{attrs}>{text}")
        elif kind == "table":
            blocks.append(f"| {text} | b |\n|---|---|\n| 1 | {text} |")
        elif kind == "code":
            blocks.append(f"```\n{text}\n```")
        elif kind == "marker":
            blocks.append("\n".join(f"{m} {text}" for m in draw(st.lists(st.sampled_from("□■►•"), max_size=4))))
        elif kind == "attr":
            lang = draw(st.sampled_from(["ru", "ar", "x", "", '"']))
            blocks.append(f'*{text}*{{: lang="{lang}"}}')
        elif kind == "emphasis":
            depth = draw(st.integers(1, 30))
            blocks.append("*" * depth + text + "*" * draw(st.integers(0, depth)))
        elif kind == "rule":
            blocks.append(draw(st.sampled_from(["---", "***", "- - -", "___"])))
        else:
            blocks.append(draw(st.text(max_size=80)))
    return "\n\n".join(blocks + notes) + "\n"


# ------------------------------------------------------------------ YAML values

YAML_EDGE = st.sampled_from([
    "yes", "no", "on", "off", "~", "null", ".inf", "-.nan", "0x1F", "0o17", "1e3", "2024-02-30", "2024-02-29",
    "12:30:00", "!!binary aGVsbG8=", "!!python/object:os.system", "*undefined", "&a x", "? a", "- - -", "|",
    ">-", "'", '"', "{", "[", "@x", "`x`", "%TAG", "a: b: c", "\t", "", "---", "...",
])
SCALAR = st.one_of(LINE, st.integers(), st.floats(allow_nan=True), st.booleans(), st.none(), st.dates(),
                   YAML_EDGE)
VALUE = st.recursive(SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                     max_leaves=12)
PIECE_KEYS = ["title", "subtitle", "kind", "authors", "translators", "source", "date", "url",
              "original_language", "credits", "id"]
BOOK_KEYS = ["title", "language", "subtitle", "publisher", "description", "editors", "date", "identifier",
             "rights", "output", "index", "print", "labels", "preface", "cover"]


LABELS = ["contents", "edited_by", "translated_by", "by", "date", "months", "languages", "and", "first_published",
          "built", "identifier", "no_such_label"]
LABEL_EDGE = st.sampled_from(["{names}", "{", "}", "{x}", "{names.upper}", "{0}", "{}", "{day:>{x}}", "{names!r}",
                              "%s", "{day:d}", "{names:d}", "a b c", "en=English x", "=", "{{names}}"])
PRINT_KEYS = ["trim", "bleed", "marks", "sheet", "signature", "creep", "tagged", "paper"]
PRINT_EDGE = st.sampled_from(["A5", "a4", "letter", "6in x 9in", "0mm x 0mm", "1mm x 1mm", "99999in x 1in",
                              "3mm", "-3mm", "1e9mm", "crop", "none", "cross", "0", "-1", "1000", "0.1mm", "nan"])


def _dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False)


@st.composite
def front_matter(draw) -> str:
    data = {}
    if draw(st.integers(0, 9)):
        data["title"] = draw(st.one_of(LINE, SCALAR)) if draw(st.integers(0, 4)) == 0 else draw(LINE)
    for key in draw(st.lists(st.sampled_from(PIECE_KEYS + ["bogus", "Title", "kind"]), max_size=4)):
        if key == "kind":
            data[key] = draw(st.sampled_from(["article", "lyrics", "testimony", "poem", ""]))
        else:
            data[key] = draw(VALUE)
    text = _dump(data) if data else ""
    if draw(st.integers(0, 6)) == 0:  # raw YAML edge cases, not what a dumper writes
        text += f"{draw(st.sampled_from(PIECE_KEYS + ['x']))}: {draw(YAML_EDGE)}\n"
    return text


@st.composite
def books(draw, sane: bool = False) -> dict[str, str | bytes]:
    """A whole book: book.yaml, pieces, an image. With sane=True the manifest's skeleton is valid."""
    count = draw(st.integers(1, 3))
    names = [f"p/piece{n}.md" for n in range(count)]
    files: dict[str, str | bytes] = {"img/ok.png": png_bytes()}
    links = [f"piece{n}.md" for n in range(count)]
    for name in names:
        body = draw(markdown_blocks(links))
        if sane:
            files[name] = "---\n" + _dump({"title": draw(LINE), "kind": draw(
                st.sampled_from(["article", "lyrics", "testimony"]))}) + "---\n\n" + body
        else:
            files[name] = "---\n" + draw(front_matter()) + "---\n\n" + body
        files[name] = files[name].replace("img/ok.png", "../img/ok.png")
    manifest: dict = {"title": draw(LINE), "language": draw(st.sampled_from(["en", "ru", "ar", "he", "kk-Cyrl",
                                                                            "x", ""]))}
    if sane:
        manifest["language"] = draw(st.sampled_from(["en", "ru", "de", "fr", "ar", "he"]))
    for key in draw(st.lists(st.sampled_from(BOOK_KEYS + ["bogus"]), max_size=0 if sane else 4)):
        manifest[key] = draw(VALUE)
    chapters = []
    for name in names:
        entry = name if draw(st.booleans()) or sane else {"file": name, **({"title": draw(LINE)})}
        chapters.append({"title": draw(LINE) if sane else draw(st.one_of(LINE, SCALAR)), "pieces": [entry]})
    if not sane and draw(st.integers(0, 5)) == 0:
        chapters.append(draw(VALUE))
    if not sane and draw(st.integers(0, 3)) == 0:
        manifest["labels"] = draw(st.dictionaries(st.sampled_from(LABELS), st.one_of(LINE, LABEL_EDGE), max_size=4))
    if not sane and draw(st.integers(0, 3)) == 0:
        manifest["print"] = draw(st.dictionaries(st.sampled_from(PRINT_KEYS), st.one_of(PRINT_EDGE, SCALAR),
                                                 max_size=4))
    manifest["chapters"] = chapters
    files["book.yaml"] = _dump(manifest)
    if not sane and draw(st.integers(0, 6)) == 0:
        files["book.yaml"] += f"{draw(st.sampled_from(BOOK_KEYS))}: {draw(YAML_EDGE)}\n"
    return files


def _write(folder: Path, files: dict) -> Path:
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content, encoding="utf-8")
    return folder / "book.yaml"


def _assert_allowed(run, files) -> None:
    assert run.code in (0, 1), (run.code, run.err, files)
    assert "Traceback" not in run.err and "internal error" not in run.err, (run.err, files)
    if run.code == 1:
        lines = run.err.rstrip("\n").split("\n")
        assert SUMMARY.match(lines[-1]), (run.err, files)
        bad = [line for line in lines[:-1] if not PROBLEM.match(line)]
        assert bad == [], (bad, files)


@settings(max_examples=CHECK_EXAMPLES, **COMMON)
@given(books())
def test_check_of_any_generated_book_is_ok_or_problems_with_lines(files):
    with tempfile.TemporaryDirectory() as tmp:
        run = run_cli("check", _write(Path(tmp) / "book", files))
    _assert_allowed(run, files)


_EPUBCHECKED: list[Path] = []


@settings(max_examples=BUILD_EXAMPLES, **COMMON)
@given(books(sane=True))
def test_build_of_a_generated_book_gives_valid_outputs_or_problems_with_lines(files):
    from pypdf import PdfReader

    with tempfile.TemporaryDirectory() as tmp:
        manifest = _write(Path(tmp) / "book", files)
        out = Path(tmp) / "out"
        run = run_cli("build", manifest, "--out", out, "--format", "epub,pdf")
        _assert_allowed(run, files)
        if run.code == 1:
            assert not out.exists() or list(out.iterdir()) == []
            return
        written = sorted(out.iterdir())
        assert [p.suffix for p in written] == [".epub", ".pdf"], written
        epub_path, pdf_path = written
        reader = PdfReader(pdf_path)
        assert len(reader.pages) > 0 and all(isinstance(p.extract_text(), str) for p in reader.pages)
        with zipfile.ZipFile(epub_path) as epub:
            assert epub.testzip() is None
            for name in epub.namelist():
                if name.endswith((".xhtml", ".opf", ".ncx")):
                    etree.fromstring(epub.read(name))  # well-formed XML
        if len(_EPUBCHECKED) < EPUBCHECK_RUNS:
            from anthology.epub.epubcheck import epubcheck

            _EPUBCHECKED.append(epub_path)
            found = [p for p in epubcheck(epub_path) if p.level in ("error", "fatal")]
            assert found == [], ([str(p) for p in found], files)


YAML_ALPHABET = st.sampled_from(list(":-?[]{},&*!|>'\"%@`#\n \t") + ["title", "chapters", "pieces", "language",
                                                                    "p.md", "en", "- ", "  ", "\u202e", "é"])


@settings(max_examples=CHECK_EXAMPLES // 2, **COMMON)
@given(st.lists(YAML_ALPHABET, max_size=60).map("".join), st.binary(max_size=200))
def test_check_of_arbitrary_manifest_text_and_piece_bytes(manifest_text, piece_bytes):
    files = {"book.yaml": "title: T\nlanguage: en\nchapters:\n  - title: C\n    pieces: [p.md]\n" + manifest_text,
             "p.md": b"---\ntitle: P\n---\n" + piece_bytes}
    with tempfile.TemporaryDirectory() as tmp:
        run = run_cli("check", _write(Path(tmp) / "book", files))
    _assert_allowed(run, files)

"""What a piece's content becomes, in one-piece books that once broke the build: a footnote holding a
table and a link, a link inside a note, a footnote too long for its page, a link to another piece, code,
SVG and JPEG figures in a chapter introduction, and the generated cover. Each test builds its book and
looks at what comes out."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from pypdf import PdfReader

from anthology.cli import main


def _book(tmp_path: Path, body: str, extra: str = "") -> Path:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "piece.md").write_text("---\ntitle: Piece\n---\n" + body, encoding="utf-8")
    manifest = tmp_path / "book.yaml"
    manifest.write_text("title: Regression\nlanguage: en\n" + extra
                        + "chapters:\n  - title: One\n    pieces: [p/piece.md]\n", encoding="utf-8")
    return manifest


def _build(manifest: Path, *formats: str) -> int:
    return main(["build", str(manifest), "--out", str(manifest.parent / "out"), "--format", ",".join(formats)])


def _pdf_text(path: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(path).pages)


def test_a_footnote_with_a_table_and_a_link_stays_in_the_footnote(tmp_path):
    manifest = _book(tmp_path, "Call here.[^n]\n\nAfter the call.\n\n[^n]: A note with a table:\n\n    | x | y |\n    |---|---|\n"
                               "    | 1 | 2 |\n\n    And a [link](https://example.org/page).\n")
    assert _build(manifest, "pdf") == 0
    reader = PdfReader(manifest.parent / "out" / "regression.pdf")
    page = next(p for p in reader.pages if "Call here" in p.extract_text())
    text = re.sub(r"\s+", " ", page.extract_text().replace("\u200b", ""))
    # the note's table and its last paragraph follow the call's paragraph only inside the note area
    assert text.index("After the call") < text.index("A note with a table") < text.index("And a link")
    assert "example.org/page" in text  # a link inside a note prints its address too


def test_links_inside_notes_are_marked_external_in_the_epub(tmp_path):
    manifest = _book(tmp_path, "Text.[^n]\n\n[^n]: See [the site](https://example.org).\n")
    assert _build(manifest, "epub") == 0
    with zipfile.ZipFile(manifest.parent / "out" / "regression.epub") as epub:
        doc = epub.read("EPUB/piece.xhtml").decode()
    assert re.search(r'<aside[^>]*epub:type="footnote".*class="external"', doc, re.S)


def test_code_is_set_in_a_shipped_font(tmp_path):
    manifest = _book(tmp_path, "Run `make book` now.\n\n```\nmake test\n```\n")
    assert _build(manifest, "pdf") == 0
    reader = PdfReader(manifest.parent / "out" / "regression.pdf")
    fonts = set()
    for page in reader.pages:
        for font in (page.get("/Resources", {}).get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    assert any("Noto-Sans-Mono" in f for f in fonts), fonts
    assert all(re.match(r"(Charis-SIL|Noto-Sans-(Mono|Symbols-2))", f) for f in fonts), fonts


def test_the_generated_cover_fills_its_image_edge_to_edge(tmp_path):
    """The book's page rules (margins of left and right pages) once left a white band on the cover."""
    import io

    from PIL import Image

    manifest = _book(tmp_path, "Text.\n")
    assert _build(manifest, "epub") == 0
    with zipfile.ZipFile(manifest.parent / "out" / "regression.epub") as epub:
        image = Image.open(io.BytesIO(epub.read("EPUB/images/cover.png"))).convert("RGB")
    corners = {image.getpixel(xy) for xy in [(2, 2), (image.width - 3, 2), (2, image.height - 3),
                                             (image.width - 3, image.height - 3)]}
    assert len(corners) == 1 and corners != {(255, 255, 255)}, corners


def test_a_footnote_too_long_for_one_page_is_printed_whole_after_its_piece(tmp_path):
    """WeasyPrint cannot split a footnote over two pages: the end of a long note fell off the page.
    Such a note now goes to the end of its piece, under a "Notes" heading, and none of it is lost."""
    body = "\n\n".join(f"Paragraph {i} " + "lorem ipsum dolor sit amet " * 12 + ("[^long]" if i == 6 else "")
                       for i in range(1, 14))
    note = " ".join(f"Note sentence {i} runs on and on with words." for i in range(1, 90))
    manifest = _book(tmp_path, body + "\n\n[^long]: " + note + "\n")
    assert _build(manifest, "pdf", "epub") == 0
    text = _pdf_text(manifest.parent / "out" / "regression.pdf")
    text = re.sub(r"\s+", " ", re.sub(r"[\u2010-]\s*\n", "", text))  # undo hyphenation at line ends
    found = {int(n) for n in re.findall(r"sentence (\d+) runs", text)}  # "Note" may end a page
    assert found == set(range(1, 90))
    assert "Notes" in text
    with zipfile.ZipFile(manifest.parent / "out" / "regression.epub") as epub:
        doc = epub.read("EPUB/piece.xhtml").decode()
    assert 'epub:type="footnote"' in doc and "Note sentence 89" in doc  # the EPUB keeps its pop-up note


def test_a_link_to_another_piece_is_an_internal_link_in_the_pdf(tmp_path):
    """Links to another piece once pointed at 'other.xhtml' in the PDF: a dead file link on paper."""
    manifest = _book(tmp_path, "See [the other piece](other.md#a-section) and [its start](other.md).\n")
    (tmp_path / "p" / "other.md").write_text("---\ntitle: Other\n---\n## A section\n\nText.\n", encoding="utf-8")
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("[p/piece.md]", "[p/piece.md, p/other.md]"),
                        encoding="utf-8")
    assert _build(manifest, "pdf") == 0
    reader = PdfReader(manifest.parent / "out" / "regression.pdf")
    actions = [annot.get_object().get("/A", {}) for page in reader.pages for annot in (page.get("/Annots") or [])]
    uris = [str(a.get("/URI")) for a in actions if "/URI" in a]
    assert not [u for u in uris if ".xhtml" in u or ".md" in u], uris
    targets = [annot.get_object().get("/Dest") or annot.get_object().get("/A", {}).get("/D")
               for page in reader.pages for annot in (page.get("/Annots") or [])]
    assert any(t is not None for t in targets)


def test_svg_and_jpeg_figures_in_a_chapter_intro_build_clean(tmp_path):
    """A book of another shape: figures in a chapter introduction, SVG and JPEG, US Letter."""
    from PIL import Image

    from anthology.epub.epubcheck import epubcheck

    manifest = _book(tmp_path, "![A grey photo](img/photo.jpg \"A photo\")\n", "print:\n  trim: letter\n")
    (tmp_path / "p" / "img").mkdir()
    Image.new("RGB", (40, 30), (200, 200, 220)).save(tmp_path / "p" / "img" / "photo.jpg")
    (tmp_path / "p" / "img" / "diagram.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><circle cx="100" cy="50" r="30"/></svg>',
        encoding="utf-8")
    (tmp_path / "p" / "intro.md").write_text('![A diagram with a circle](img/diagram.svg "Diagram")\n',
                                             encoding="utf-8")
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        "  - title: One\n", "  - title: One\n    intro: p/intro.md\n"), encoding="utf-8")
    assert _build(manifest, "epub", "pdf") == 0
    epub_path = manifest.parent / "out" / "regression.epub"
    assert [p for p in epubcheck(epub_path) if p.level in ("error", "warning")] == []
    with zipfile.ZipFile(epub_path) as epub:
        opf = epub.read("EPUB/content.opf").decode()
        chapter = epub.read("EPUB/chapter-1.xhtml").decode()
    assert re.search(r'href="p/img/diagram.svg"[^>]*media-type="image/svg\+xml"', opf)
    assert re.search(r'href="p/img/photo.jpg"[^>]*media-type="image/jpeg"', opf)
    assert "<figcaption>Diagram</figcaption>" in chapter
    reader = PdfReader(manifest.parent / "out" / "regression.pdf")
    assert round(float(reader.pages[0].mediabox.width)) == 612
    assert any(page.images for page in reader.pages)  # the JPEG is drawn

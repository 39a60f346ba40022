"""Issue 5: the tagged PDF (`print: tagged: true`), read back with pypdf: a structure tree with the book's
tags, its language and title, headings in the book's order without a skipped level, every figure's alt
text, lists as lists, notes read after the text that calls them, each page's reading order as printed;
no tree when the book does not ask for one."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from book_helpers import pdf_main_text, source_pieces, words


def _struct_tags(node, seen=None) -> set[str]:
    seen = set() if seen is None else seen
    tags: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        item = item.get_object() if hasattr(item, "get_object") else item
        key = id(item)
        if key in seen:
            continue
        seen.add(key)
        if isinstance(item, dict):
            if "/S" in item:
                tags.add(str(item["/S"]))
            kids = item.get("/K")
            if kids is not None:
                stack.extend(kids if isinstance(kids, list) else [kids])
        elif isinstance(item, list):
            stack.extend(item)
    return tags


def test_tagged_pdf_has_a_structure_tree_with_the_book_tags(tagged):
    reading, _ = tagged
    root = PdfReader(reading).trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) is True
    assert "/StructTreeRoot" in root
    tags = _struct_tags(root["/StructTreeRoot"])
    assert {"/H1", "/H2", "/P", "/Figure", "/Caption", "/L", "/LI"} <= tags, sorted(tags)
    assert str(root.get("/Lang")) == "en-GB"


@pytest.fixture(scope="session")
def tagged_structure(tagged):
    """The tagged reading PDF's structure tree, read once (tests/pdf_structure.py)."""
    from pdf_structure import Structure

    reading, _ = tagged
    return Structure(reading)


def _flat_words(text: str) -> str:
    return "".join(words(text))


def test_tagged_pdf_says_its_language_and_shows_its_title_in_the_window(tagged_structure):
    catalog = tagged_structure.catalog
    assert str(catalog["/Lang"]) == "en-GB"
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"]) is True
    assert tagged_structure.reader.metadata["/Title"] == "Songs and Reports from the Caspian Shore"
    xmp = catalog["/Metadata"].get_object().get_data().decode("utf-8")
    assert "<dc:title>" in xmp and "Songs and Reports from the Caspian Shore" in xmp
    assert 'pdfuaid:part="1"' in xmp


def test_tagged_pdf_headings_follow_the_book_in_order_without_skipping_a_level(tagged, tagged_structure):
    headings = [(int(n.tag[1]), " ".join(n.all_text().split())) for n in tagged_structure.walk()
                if re.fullmatch(r"H[1-6]", n.tag)]
    assert headings[0][0] == 1
    skips = [(a, b) for a, b in zip(headings, headings[1:]) if b[0] > a[0] + 1]
    assert skips == []
    reading, _ = tagged
    manifest = reading.parent.parent / "book" / "book.yaml"
    expected = []
    for piece in source_pieces(manifest):
        if (1, piece.chapter) not in expected:
            expected.append((1, piece.chapter))
        expected.append((2, piece.title))
    found = [h for h in headings if h in expected]
    assert found == expected, headings


def test_tagged_pdf_every_figure_has_its_alt_text(tagged_structure):
    figures = [n for n in tagged_structure.walk() if n.tag == "Figure"]
    assert [f.alt for f in figures] == [
        "A small red square on a pale ground, standing in for a photograph of the square"]  # two/witness.md
    captions = [" ".join(n.all_text().split()) for n in tagged_structure.walk() if n.tag == "Caption"]
    assert captions == ["The square at dawn (placeholder image)"]


def _tagged_text_nodes(structure, text: str):
    """The structure elements (with their ancestors' tags) whose text holds `text`, deepest first."""
    found = []

    def visit(node, ancestors):
        if text in " ".join(node.all_text().split()):
            found.append((node, ancestors))
        for child in node.children:
            visit(child, ancestors + [node.tag])

    for root in structure.roots:
        visit(root, [])
    return sorted(found, key=lambda item: -len(item[1]))


def test_tagged_pdf_lists_are_lists_and_notes_are_read_after_the_text_that_calls_them(tagged_structure):
    for item in ("Higher wages for the night shift", "An independent union at every berth"):  # one/report.md
        node, ancestors = _tagged_text_nodes(tagged_structure, item)[0]
        assert ancestors[-3:] == ["L", "LI", "LBody"] or ancestors[-2:] == ["LI", "LBody"], (item, ancestors)
        assert "L" in ancestors
    contents = [n for n in tagged_structure.walk() if n.tag == "L" and n.page == 5]
    assert contents, "the printed contents is not a list"
    # WeasyPrint 70 has no Note tag: a footnote is tagged by the box it is (NonStruct > Span); what is
    # checked is that each note is in the tree, on its page, read after the paragraph that calls it.
    page = tagged_structure.reading_order
    for call, note in (("stopped work on a cold Tuesday", "The stoppage began at the Zephyrine berth"),
                       ("wrote down its demands", "The canteen was also where the Quorvell family")):
        [(call_node, _)] = _tagged_text_nodes(tagged_structure, call)[:1]
        [(note_node, _)] = _tagged_text_nodes(tagged_structure, note)[:1]
        assert call_node.page == note_node.page
        order = page(note_node.page)
        assert order.index(note_node.owned[0][1]) > order.index(call_node.owned[-1][1])


def test_tagged_pdf_reading_order_of_every_page_follows_its_text(tagged_structure):
    """The tree reads each page's text (running head and folio aside: they are not in the tree)
    in the order the page prints it."""
    reader = tagged_structure.reader
    wrong = []
    for number, page in enumerate(reader.pages, start=1):
        content = tagged_structure.content(number)
        read = _flat_words("".join(content[m].text for m in tagged_structure.reading_order(number)))
        printed = _flat_words(pdf_main_text(page))
        if read != printed:
            wrong.append((number, read[:80], printed[:80]))
    assert wrong == []


def test_untagged_pdf_has_no_structure_tree(builds):
    root = PdfReader(builds("full").pdf).trailer["/Root"]
    assert "/StructTreeRoot" not in root

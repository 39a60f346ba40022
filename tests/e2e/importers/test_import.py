"""`anthology import`: a Word file made by Pandoc and a hostile HTML file become pieces of a new book;
every part (text, emphasis, heading, quote, list, table, link, footnote, image with its alt text, title
and author) reaches the EPUB and the PDF, and no script, handler or remote image does."""

from __future__ import annotations

import difflib
import re
import shutil

import pytest
import yaml
from pypdf import PdfReader

from book_helpers import EPUB_TYPE, FIXTURES, NS, Epub, contains_in_order, element_text, pdf_pages_text, run_cli, \
    snapshot, split_front, words

IMPORTS = FIXTURES / "import"
DOCX = IMPORTS / "contribution.docx"  # made by Pandoc from contribution-source.md (see its comment)
HTML = IMPORTS / "letter.html"


@pytest.fixture(scope="module")
def imported_book(tmp_path_factory):
    """A new book with the .docx imported into chapter 1 and the HTML into a new chapter 2, built."""
    work = tmp_path_factory.mktemp("import")
    contributions = work / "inbox"
    shutil.copytree(IMPORTS, contributions)
    folder = work / "book"
    assert run_cli("new", folder, "--title", "Imported Voices").code == 0
    before = (folder / "book.yaml").read_text(encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(folder)
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        docx = run_cli("import", contributions / "contribution.docx", "--chapter", "1")
        html = run_cli("import", contributions / "letter.html", "--chapter", "2", "--chapter-title", "Letters")
        built = run_cli("build")
    return {"folder": folder, "before": before, "docx": docx, "html": html, "built": built,
            "epub": Epub(folder / "build" / "imported-voices.epub"),
            "pdf": folder / "build" / "imported-voices.pdf"}


def _page_of(pages: list[str], phrase: str) -> list[int]:
    want = words(phrase)
    return [i for i, text in enumerate(pages) if contains_in_order(words(text), want, max_gap=2)]



# ------------------------------------------------------------------ what import writes and says


def test_import_writes_the_piece_and_its_images_and_says_what_to_check(imported_book):
    docx, folder = imported_book["docx"], imported_book["folder"]
    assert docx.code == 0, docx.err
    assert "wrote chapters/01-first-chapter/the-well-at-shetpe.md" in docx.out
    assert "wrote chapters/01-first-chapter/images/the-well-at-shetpe-1.png" in docx.out
    assert "added it to chapter 1 in book.yaml" in docx.out
    assert "1 image has no alt text" in docx.out and "TODO" in docx.out
    front, body = split_front((folder / "chapters/01-first-chapter/the-well-at-shetpe.md").read_text(encoding="utf-8"))
    assert front["title"] == "The Well at Shetpe" and front["authors"] == ["Dina Orlova"]
    assert "*spring*" in body and "**everyone**" in body and "## What the elders said" in body
    assert "> We dug the well" in body and "[^1]: Told to the author" in body
    assert "![A yellow sun on a blue sky above the village](images/the-well-at-shetpe-1.png)" in body
    assert "![TODO: describe this image](images/the-well-at-shetpe-2.png)" in body
    assert (folder / "chapters/01-first-chapter/images/the-well-at-shetpe-1.png").read_bytes() \
        == (IMPORTS / "sun.png").read_bytes()


def test_the_manifest_only_gains_the_new_lines_comments_and_quoting_kept(imported_book):
    after = (imported_book["folder"] / "book.yaml").read_text(encoding="utf-8")
    diff = [line for line in difflib.unified_diff(imported_book["before"].splitlines(), after.splitlines(), n=0, lineterm="")
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert diff == ["+      - chapters/01-first-chapter/the-well-at-shetpe.md",
                    '+  - title: "Letters"',
                    "+    pieces:",
                    "+      - chapters/02-letters/a-letter-from-aktau.md"]
    chapters = yaml.safe_load(after)["chapters"]
    assert chapters[0]["pieces"][-1] == "chapters/01-first-chapter/the-well-at-shetpe.md"
    assert after.index("the-well-at-shetpe.md") < after.index("# A piece may also be a mapping")


def test_the_build_succeeds_and_reports_each_todo_alt_text_with_its_line(imported_book):
    built = imported_book["built"]
    assert built.code == 0, built.err
    todo = [line for line in built.err.splitlines() if "TODO" in line]
    assert len(todo) == 2, built.err
    assert re.match(r"^chapters/01-first-chapter/the-well-at-shetpe\.md:\d+: warning: .*alt text", todo[0])
    assert re.match(r"^chapters/02-letters/a-letter-from-aktau\.md:\d+: warning: .*alt text", todo[1])
    for _ in range(2):  # the second check is answered from the cache: the warnings are still said
        check = run_cli("check", imported_book["folder"] / "book.yaml")
        assert check.code == 0 and len([l for l in check.err.splitlines() if "[ALT-TODO]" in l]) == 2
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        again = run_cli("build", imported_book["folder"] / "book.yaml", "--out", imported_book["folder"] / "build")
    assert again.code == 0 and again.err.count("[ALT-TODO]") == 2


def test_the_imported_book_is_epubcheck_and_ace_clean(imported_book):
    from anthology.epub.epubcheck import epubcheck
    from checkers import ace_violations, no_violations_message

    assert epubcheck(imported_book["folder"] / "build" / "imported-voices.epub") == []
    version, lines = ace_violations(imported_book["folder"] / "build" / "imported-voices.epub")
    assert lines == [], no_violations_message(f"Ace by DAISY {version}", "the imported book's EPUB", lines)


# ------------------------------------------------------------------ the Word file in both outputs


def test_every_part_of_the_word_file_is_in_the_epub(imported_book):
    epub = imported_book["epub"]
    doc = epub.xml("the-well-at-shetpe.xhtml")
    body = doc.find(".//x:div[@class='piece-body']", NS)
    assert element_text(doc.find(".//x:h2", NS)) == "The Well at Shetpe"
    assert "Dina Orlova" in element_text(doc.find(".//x:body", NS))
    assert [element_text(e) for e in body.iterfind(".//x:em", NS)] == ["spring"]
    assert [element_text(e) for e in body.iterfind(".//x:strong", NS)] == ["everyone"]
    assert [element_text(h) for h in body.iterfind(".//x:h3", NS)] == ["What the elders said"]
    assert "We dug the well with our own hands" in element_text(body.find(".//x:blockquote", NS))
    assert [element_text(li) for li in body.iterfind(".//x:ul/x:li", NS)] == [
        "the wells of the company were fenced off;", "the river had dried up;", "the children were ill."]
    assert [element_text(c) for c in body.iterfind(".//x:table//x:th", NS)] == ["Year", "Families"]
    assert body.find(".//x:a[@href='https://example.org/shetpe-report']", NS) is not None
    refs = [a for a in doc.iter(f"{{{NS['x']}}}a") if a.get(EPUB_TYPE) == "noteref"]
    assert len(refs) == 1
    aside = doc.find(f".//x:aside[@id='{refs[0].get('href')[1:]}']", NS)
    assert aside.get(EPUB_TYPE) == "footnote" and "Told to the author in August 2021" in element_text(aside)
    assert "Told to the author" not in element_text(body)
    alts = [img.get("alt") for img in body.iterfind(".//x:img", NS)]
    assert alts == ["A yellow sun on a blue sky above the village", "TODO: describe this image"]
    images = [item["href"] for item in epub.manifest.values()
              if item["href"].endswith(".png") and "the-well-at-shetpe" in item["href"]]
    assert len(images) == 2


def test_every_part_of_the_word_file_is_in_the_pdf(imported_book):
    pages = pdf_pages_text(imported_book["pdf"])
    for phrase in ("The Well at Shetpe", "Dina Orlova", "What the elders said", "We dug the well with our own hands",
                   "the river had dried up", "Families", "the village’s own report"):
        assert _page_of(pages, phrase), phrase
    call, note = _page_of(pages, "everyone who had left"), _page_of(pages, "Told to the author in August 2021")
    assert len(note) == 1 and call == note  # a footnote at the foot of its page, not an endnote
    assert note_after_text(pages[note[0]], "everyone who had left", "Told to the author")
    first, last = _page_of(pages, "The water came back"), _page_of(pages, "without a description")
    reader = PdfReader(imported_book["pdf"])
    assert sum(len(drawn_images(reader, reader.pages[i])) for i in range(first[0], last[-1] + 1)) == 2


def drawn_images(reader, page, content=None, resources=None) -> list[str]:
    """The image XObjects a page draws (WeasyPrint gives every page the same resources)."""
    from pypdf.generic import ContentStream

    resources = page["/Resources"].get_object() if resources is None else resources
    xobjects = resources.get("/XObject")
    xobjects = xobjects.get_object() if xobjects else {}
    found = []
    for operands, operator in ContentStream(content or page.get_contents(), reader).operations:
        if operator == b"Do":
            xobject = xobjects[operands[0]].get_object()
            if xobject["/Subtype"] == "/Image":
                found.append(operands[0])
            elif xobject["/Subtype"] == "/Form":
                own = xobject.get("/Resources")
                found += drawn_images(reader, page, xobject, own.get_object() if own else resources)
    return found


def note_after_text(page: str, call: str, note: str) -> bool:
    return page.index(note.split()[0]) > page.index(call.split()[-1])


# ------------------------------------------------------------------ the HTML file: sanitised


def test_the_html_file_arrives_without_script_handler_or_remote_image(imported_book):
    html = imported_book["html"]
    assert html.code == 0, html.err
    assert "https://tracker.example.com/pixel.png was not fetched" in html.out
    assert "<script>" in html.out and "<iframe>" in html.out and "event handler" in html.out
    piece = (imported_book["folder"] / "chapters/02-letters/a-letter-from-aktau.md").read_text(encoding="utf-8")
    epub = imported_book["epub"]
    everything = b"".join(epub.read(item["href"]) for item in epub.manifest.values()
                          if item["href"].endswith((".xhtml", ".css", ".ncx"))).decode("utf-8")
    assert "Dear friends, the <em>sea</em> is lower" in everything
    for text in (piece, everything):
        for bad in ("<script", "alert(", "hijacked", "steal()", "onclick", "onload", "tracker.example.com",
                    "javascript:", "<iframe", "background: url"):
            assert bad not in text, bad
    pages = "\n".join(pdf_pages_text(imported_book["pdf"]))
    assert "alert" not in pages and "the script in the body" not in pages


def test_every_part_of_the_html_file_is_in_both_outputs(imported_book):
    doc = imported_book["epub"].xml("a-letter-from-aktau.xhtml")
    body = doc.find(".//x:div[@class='piece-body']", NS)
    assert element_text(doc.find(".//x:h2", NS)) == "A Letter from Aktau"
    assert "Marat Seitkali" in element_text(doc.find(".//x:body", NS))
    assert [element_text(e) for e in body.iterfind(".//x:em", NS)] == ["sea"]
    assert "The harbour will not wait for us." in element_text(body.find(".//x:blockquote", NS))
    assert [element_text(li) for li in body.iterfind(".//x:ol/x:li", NS)] == ["first the boats,", "then the nets."]
    assert [img.get("alt") for img in body.iterfind(".//x:img", NS)] == [
        "A red square with a white window: the old pump house", "TODO: describe this image"]
    assert body.find(".//x:a[@href='https://example.org/aktau']", NS) is not None
    assert "dangerous link" in element_text(body) and body.find(".//x:a[@href='javascript:steal()']", NS) is None
    asides = [a for a in doc.iter(f"{{{NS['x']}}}aside") if a.get(EPUB_TYPE) == "footnote"]
    assert len(asides) == 1 and "Measured at the old pier in July." in element_text(asides[0])
    pages = pdf_pages_text(imported_book["pdf"])
    call, note = _page_of(pages, "lower again this summer"), _page_of(pages, "Measured at the old pier in July")
    assert len(note) == 1 and call == note
    for phrase in ("A Letter from Aktau", "Marat Seitkali", "The harbour will not wait for us", "then the nets"):
        assert _page_of(pages, phrase), phrase
    reader = PdfReader(imported_book["pdf"])
    assert len(drawn_images(reader, reader.pages[call[0]])) == 2


# ------------------------------------------------------------------ refusals: nothing written


@pytest.fixture
def small_book(tmp_path):
    folder = tmp_path / "small"
    assert run_cli("new", folder).code == 0
    return folder


@pytest.mark.parametrize("name, content", [
    ("broken.docx", b"this is not a zip archive"),
    ("latin1.txt", "caf\u00e9 au lait".encode("latin-1")),
    ("notes.pdf", b"%PDF-1.4"),
])
def test_an_unreadable_file_is_named_exit_1_and_nothing_written(small_book, tmp_path, name, content):
    bad = tmp_path / name
    bad.write_bytes(content)
    before = snapshot(small_book)
    run = run_cli("import", bad, "--manifest", small_book / "book.yaml")
    assert run.code == 1, run.err
    assert str(bad) in run.err and "Traceback" not in run.err
    assert snapshot(small_book) == before


def test_a_missing_file_and_a_chapter_out_of_range_write_nothing(small_book, tmp_path):
    before = snapshot(small_book)
    missing = run_cli("import", tmp_path / "nowhere.docx", "--manifest", small_book / "book.yaml")
    assert missing.code == 1 and "nowhere.docx" in missing.err
    far = run_cli("import", DOCX, "--manifest", small_book / "book.yaml", "--chapter", "3")
    assert far.code == 2 and "between 1 and 2" in far.err
    assert snapshot(small_book) == before


def test_an_existing_piece_is_never_overwritten(small_book):
    manifest = small_book / "book.yaml"
    target = small_book / "chapters" / "01-first-chapter" / "an-article.md"
    before = snapshot(small_book)
    run = run_cli("import", DOCX, "--manifest", manifest, "--to", target)
    assert run.code == 1 and "already" in run.err
    assert snapshot(small_book) == before


def test_a_second_import_of_the_same_title_gets_its_own_file_and_id(small_book):
    manifest = small_book / "book.yaml"
    first = run_cli("import", DOCX, "--manifest", manifest)
    second = run_cli("import", DOCX, "--manifest", manifest, "--kind", "testimony")
    assert first.code == 0 and second.code == 0, first.err + second.err
    assert "the-well-at-shetpe-2.md" in second.out
    front, _ = split_front((small_book / "chapters/01-first-chapter/the-well-at-shetpe-2.md").read_text(encoding="utf-8"))
    assert front["kind"] == "testimony"
    assert run_cli("check", manifest).code == 0


def test_markdown_keeps_its_front_matter_and_text_is_escaped(small_book, tmp_path):
    manifest = small_book / "book.yaml"
    md = tmp_path / "song.md"
    md.write_text('---\ntitle: "River Song"\nauthor: "Ana Bel"\nsource: "A Zine"\n---\nOne line\nanother\n',
                  encoding="utf-8")
    txt = tmp_path / "plain_notes.txt"
    txt.write_text("Prices: *not* <b>bold</b> and_more\n\n# not a heading\n", encoding="utf-8")
    assert run_cli("import", md, "--manifest", manifest, "--kind", "lyrics").code == 0
    assert run_cli("import", txt, "--manifest", manifest).code == 0
    front, body = split_front((small_book / "chapters/01-first-chapter/river-song.md").read_text(encoding="utf-8"))
    assert front == {"title": "River Song", "kind": "lyrics", "authors": ["Ana Bel"], "source": "A Zine"}
    assert body == "One line\nanother\n"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        built = run_cli("build", manifest, "--out", small_book / "build", "--format", "epub")
    assert built.code == 0, built.err
    text = Epub(small_book / "build" / "small.epub").text("plain-notes.xhtml")
    assert "Prices: *not* <b>bold</b> and_more" in text and "# not a heading" in text

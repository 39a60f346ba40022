"""`anthology import` of whole EPUBs (a Standard Ebooks selection: spine order, --only, metadata) and of
OpenDocument text, the dry run, and the files it must refuse: not what its name says, a damaged zip, a
member outside its folder, an XML bomb, an image bomb. Each refusal names the file, exits 1 and writes
nothing."""

from __future__ import annotations

import pytest

from book_helpers import EPUB_TYPE, Epub, FIXTURES, NS, element_text, pdf_pages_text, run_cli, snapshot, split_front
from import_documents import damaged, german_odt, png_bomb, rewrite_zip, russian_review_docx, se_epub

SUN = FIXTURES / "import" / "sun.png"


@pytest.fixture
def small_book(tmp_path):
    folder = tmp_path / "small"
    assert run_cli("new", folder).code == 0
    return folder



def test_a_whole_epub_arrives_in_spine_order_as_one_chapter_and_builds(small_book, tmp_path):
    epub = se_epub(tmp_path / "selected.epub")
    manifest = small_book / "book.yaml"
    before = snapshot(small_book)
    dry = run_cli("import", epub, "--manifest", manifest, "--dry-run")
    assert dry.code == 0, dry.err
    assert snapshot(small_book) == before and "Dry run: nothing was written." in dry.out
    assert dry.out.index("chapter 1: text/the-petchenyeg.xhtml") < dry.out.index("chapter 2: text/prayer-of-columbus") \
        < dry.out.index("chapter 3: text/memories-of-president-lincoln")
    assert "titlepage" not in dry.out and "endnotes.xhtml as" not in dry.out
    assert "would add the 3 pieces to a new chapter 2, “Selected Pieces”" in dry.out
    run = run_cli("import", epub, "--manifest", manifest, "--only", "1-2")
    assert run.code == 0, run.err
    assert "memories-of-president-lincoln" not in run.out
    folder = small_book / "chapters" / "02-selected-pieces"
    front, body = split_front((folder / "the-petchenyeg.md").read_text(encoding="utf-8"))
    assert front["authors"] == ["Anton Chekhov"] and "[^1]: The Petchenyegs were a tribe" in body
    front, _ = split_front((folder / "prayer-of-columbus.md").read_text(encoding="utf-8"))
    assert front["kind"] == "lyrics"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        built = run_cli("build", manifest, "--out", small_book / "build")
    assert built.code == 0, built.err
    book = Epub(small_book / "build" / "small.epub")
    doc = book.xml("the-petchenyeg.xhtml")
    assert any(a.get(EPUB_TYPE) == "footnote" for a in doc.iter(f"{{{NS['x']}}}aside"))
    assert len(book.xml("prayer-of-columbus.xhtml").findall(".//x:p[@class='stanza']", NS)) == 12
    pages = pdf_pages_text(small_book / "build" / "small.pdf")
    assert any("Mongolian nomads" in page and "my good sir" in page for page in pages)


def test_only_beyond_the_epub_and_a_bad_list_are_refused(small_book, tmp_path):
    epub = se_epub(tmp_path / "selected.epub")
    before = snapshot(small_book)
    far = run_cli("import", epub, "--manifest", small_book / "book.yaml", "--only", "2,9")
    assert far.code == 1 and "--only 9" in far.err and "has 3 chapters" in far.err
    bad = run_cli("import", epub, "--manifest", small_book / "book.yaml", "--only", "x-2")
    assert bad.code == 2 and "'x-2'" in bad.err
    assert snapshot(small_book) == before


def test_an_opendocument_text_arrives_whole_and_builds(small_book, tmp_path):
    odt = german_odt(tmp_path / "brunnen.odt", SUN.read_bytes())
    manifest = small_book / "book.yaml"
    run = run_cli("import", odt, "--manifest", manifest)
    assert run.code == 0, run.err
    assert "notes: 1 found" in run.out and "comments in the document: 1" in run.out and "language: de-DE" in run.out
    path = small_book / "chapters" / "01-first-chapter" / "der-brunnen-von-schetpe.md"
    front, body = split_front(path.read_text(encoding="utf-8"))
    assert front["title"] == "Der Brunnen von Schetpe" and front["authors"] == ["Dina Orlova"]
    assert "## Einleitung" in body and "### Die Ältesten" in body and "Einleitung 1" not in body
    assert "Das Wasser kam *zurück* & blieb = gut.[^1]" in body and "[^1]: Erzählt im August 2021" in body
    assert '<span class="small-caps">Kapitälchen</span>' in body and '<span lang="ru-RU">вода</span>' in body
    assert "<!-- Comment 1 by Lektorin, 2024-05-02: Quelle prüfen. -->" in body
    assert "1.  erstens" in body and '<td colspan="2" markdown="1">beide zusammen</td>' in body
    assert '"Abbildung 1: Die Sonne")' in body and "Seite Ende." in body
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        built = run_cli("build", manifest, "--out", small_book / "build", "--format", "epub")
    assert built.code == 0, built.err
    doc = Epub(small_book / "build" / "small.epub").xml("der-brunnen-von-schetpe.xhtml")
    assert any(a.get(EPUB_TYPE) == "footnote" for a in doc.iter(f"{{{NS['x']}}}aside"))
    assert "Quelle prüfen" not in element_text(doc.find(".//x:body", NS))
    assert element_text(doc.find(".//x:figcaption", NS)) == "Abbildung 1: Die Sonne"


def test_opendocument_tracked_changes_are_refused_unless_accepted(small_book, tmp_path):
    odt = german_odt(tmp_path / "tracked.odt", SUN.read_bytes(), tracked=True)
    before = snapshot(small_book)
    refused = run_cli("import", odt, "--manifest", small_book / "book.yaml")
    assert refused.code == 1 and "1 tracked changes" in refused.err and str(odt) in refused.err
    assert snapshot(small_book) == before
    accepted = run_cli("import", odt, "--manifest", small_book / "book.yaml", "--accept-changes")
    assert accepted.code == 0 and "tracked changes: 1, accepted" in accepted.out


def test_the_dry_run_of_a_word_file_lists_every_finding_and_writes_nothing(small_book, tmp_path):
    docx = russian_review_docx(tmp_path / "review.docx", SUN.read_bytes())
    before = snapshot(small_book)
    run = run_cli("import", docx, "--manifest", small_book / "book.yaml", "--reject-changes", "--dry-run")
    assert run.code == 0, run.err
    assert snapshot(small_book) == before
    for finding in ("would write chapters/01-first-chapter/docx4j-nachalo-raboty.md",
                    "would write chapters/01-first-chapter/images/docx4j-nachalo-raboty-1.png",
                    "tracked changes: 1 insertions, 1 deletions, rejected", "comments in the document: 2",
                    "caption “Рисунок 1. Солнце над Шетпе”", "Word's own contents", "language: ru-RU",
                    'title: "Docx4j – Начало Работы"', "headings: h1 -> h2, h2 -> h3"):
        assert finding in run.out, finding


# ------------------------------------------------------------------ refusals: nothing written


def _bad_files(tmp_path):
    good = russian_review_docx(tmp_path / "good.docx", SUN.read_bytes())
    png = tmp_path / "picture.html"
    png.write_bytes(SUN.read_bytes())
    not_zip = tmp_path / "letter.docx"
    not_zip.write_text("<html><body>a web page saved as .docx</body></html>", encoding="utf-8")
    not_epub = tmp_path / "book.epub"
    not_epub.write_bytes(b"%PDF-1.7 a PDF under an EPUB name")
    cut = tmp_path / "cut.docx"
    cut.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    broken = damaged(good, tmp_path / "damaged.docx")
    escape = rewrite_zip(good, tmp_path / "escape.docx",
                         lambda name, data: {name: data, **({"../../evil.xml": b"<x/>"} if name == "word/styles.xml" else {})})
    bomb = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    xml_bomb = rewrite_zip(good, tmp_path / "bomb.docx",
                           lambda name, data: {name: bomb + data.split(b"?>", 1)[1] if name == "word/document.xml" else data})
    image_bomb = rewrite_zip(good, tmp_path / "pixels.docx",
                             lambda name, data: {name: png_bomb() if name.startswith("word/media/") else data})
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "huge.png").write_bytes(png_bomb())
    html_bomb = tmp_path / "html" / "page.html"
    html_bomb.write_text('<html><body><p>Look:</p><img src="huge.png" alt="a huge picture"></body></html>',
                         encoding="utf-8")
    entities = tmp_path / "entities.xhtml"
    entities.write_text('<?xml version="1.0"?><!DOCTYPE html [<!ENTITY a "aaaaaaaaaa">]><html><body><p>&a;</p>'
                        '</body></html>', encoding="utf-8")
    epub_escape = tmp_path / "escape.epub"
    se_epub(tmp_path / "se.epub")
    rewrite_zip(tmp_path / "se.epub", epub_escape,
                lambda name, data: {name: data, **({"/etc/passwd.xhtml": b"<x/>"} if name == "content.opf" else {})})
    return {
        "an image under an HTML name": (png, "not an HTML file"),
        "a web page under a .docx name": (not_zip, "not a Word document"),
        "a PDF under an EPUB name": (not_epub, "not an EPUB"),
        "a Word file cut short": (cut, "not a Word document"),
        "a damaged zip": (broken, "damaged"),
        "a member outside its folder": (escape, "outside the archive's folder"),
        "an XML bomb in a .docx": (xml_bomb, "XML entities"),
        "an image bomb in a .docx": (image_bomb, "megapixels"),
        "an image bomb beside an HTML file": (html_bomb, "megapixels"),
        "entities in an XHTML file": (entities, "XML entities"),
        "an EPUB member at an absolute path": (epub_escape, "outside the archive's folder"),
    }


def test_bad_files_are_refused_with_their_name_exit_1_and_nothing_written(small_book, tmp_path):
    manifest = small_book / "book.yaml"
    before = snapshot(small_book)
    for what, (path, message) in _bad_files(tmp_path).items():
        run = run_cli("import", path, "--manifest", manifest, "--accept-changes")
        assert run.code == 1, (what, run.out, run.err)
        assert str(path) in run.err and message in run.err, (what, run.err)
        assert "Traceback" not in run.err and "Nothing was written" in run.err, what
        assert snapshot(small_book) == before, what


def test_mammoths_own_word_documents_keep_notes_comments_tables_and_strikethrough(small_book):
    """Real Word documents from mammoth's test suite (tests/fixtures/import-mammoth)."""
    manifest = small_book / "book.yaml"
    runs = {name: run_cli("import", FIXTURES / "import-mammoth" / f"{name}.docx", "--manifest", manifest)
            for name in ("comments", "footnotes", "endnotes", "tables", "strikethrough")}
    for name, run in runs.items():
        assert run.code == 0, (name, run.err)
    assert "comments in the document: 2" in runs["comments"].out
    assert "notes: 2 found" in runs["footnotes"].out and "notes: 2 found" in runs["endnotes"].out

    def body(name):
        return split_front((small_book / "chapters/01-first-chapter" / f"{name}.md").read_text(encoding="utf-8"))[1]

    assert body("comments") == ("Ouch<!-- Comment 1 by Michael Williamson, 2016-07-03 on “Ouch”: A tachyon walks "
                                "into a bar. -->.<!-- Comment 2 by Michael Williamson, 2016-07-03: Fin. -->\n")
    assert "Ouch[^1].[^2]" in body("endnotes") and "[^2]: Fin." in body("endnotes")
    assert "<del>Today's Special: Salmon</del> Sold out" in body("strikethrough")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        built = run_cli("build", manifest, "--out", small_book / "build")
    assert built.code == 0, built.err
    book = Epub(small_book / "build" / "small.epub")
    notes = [a for a in book.xml("footnotes.xhtml").iter(f"{{{NS['x']}}}aside") if a.get(EPUB_TYPE) == "footnote"]
    assert [element_text(n).split(" ", 1)[1] for n in notes] == ["A tachyon walks into a bar.", "Fin."]
    assert "tachyon" not in element_text(book.xml("comments.xhtml").find(".//x:body", NS))
    table = book.xml("tables.xhtml").find(".//x:table", NS)
    assert table.find(".//x:th", NS) is None and len(table.findall(".//x:td", NS)) == 4
    assert element_text(book.xml("strikethrough.xhtml").find(".//x:del", NS)) == "Today’s Special: Salmon"  # typographic quote
    pages = pdf_pages_text(small_book / "build" / "small.pdf")
    assert any("Ouch" in page and "A tachyon walks into a bar." in page for page in pages)


def test_a_note_that_cannot_be_found_is_named_and_its_number_not_glued_to_the_text(small_book, tmp_path):
    chapter = tmp_path / "chapter.xhtml"
    chapter.write_text(
        '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml" '
        'xmlns:epub="http://www.idpf.org/2007/ops" xml:lang="ru"><head><title>Печенег</title></head><body>\n'
        '<section epub:type="chapter"><h2 epub:type="title">Печенег</h2>\n'
        '<p>— Вы печенег,<a href="endnotes.xhtml#note-5" id="noteref-5" epub:type="noteref">5</a> милостивый государь!</p>\n'
        '</section></body></html>', encoding="utf-8")
    run = run_cli("import", chapter, "--manifest", small_book / "book.yaml")
    assert run.code == 0, run.err
    assert "line 3: the note 5 (endnotes.xhtml#note-5) was not found" in run.out
    _, body = split_front((small_book / "chapters/01-first-chapter/pecheneg.md").read_text(encoding="utf-8"))
    assert body == "— Вы печенег, милостивый государь!\n"

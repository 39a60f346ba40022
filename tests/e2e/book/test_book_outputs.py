"""End to end: build the fixture books (and the sample book) once, then read the EPUB and PDF back."""

from __future__ import annotations

import re
import zipfile
from pathlib import PurePosixPath

import pytest
from lxml import etree
from pypdf import PdfReader

from book_helpers import (
    EPUB_TYPE,
    NS,
    contains_in_order,
    font_file,
    fonts_of,
    outline_titles,
    pdf_pages_text,
    piece_file,
    source_paragraphs,
    source_pieces,
    words,
    xhtml_ids,
)

FIXTURE_BOOKS = ["minimal", "full"]
def _pages(built):
    """PDF text per page, cached on the Built object."""
    if not hasattr(built, "_pages"):
        built._pages = pdf_pages_text(built.pdf)
    return built._pages


def _page_of(pages: list[str], phrase: str) -> list[int]:
    """0-based indexes of the pages whose text holds the phrase (word-normalised)."""
    want = words(phrase)
    return [i for i, text in enumerate(pages) if contains_in_order(words(text), want, max_gap=2)]


# ================================================================= EPUBCheck


@pytest.mark.parametrize("name", ["full", "minimal", "sample"])
def test_epubcheck_finds_no_errors(epubchecked, name):
    errors = [str(p) for p in epubchecked(name) if p.level in ("error", "fatal")]
    assert errors == []


@pytest.mark.parametrize("name", ["full", "minimal", "sample"])
def test_epubcheck_finds_no_warnings(epubchecked, name):
    warnings = [str(p) for p in epubchecked(name) if p.level == "warning"]
    assert warnings == []


# ================================================================= text of every piece


@pytest.mark.parametrize("name", FIXTURE_BOOKS)
def test_every_piece_text_is_in_its_own_epub_document(builds, name):
    built = builds(name)
    epub = built.open_epub()
    for piece in source_pieces(built.manifest):
        text = words(epub.text(piece_file(piece)))
        assert contains_in_order(text, words(piece.title)), piece.title
        for paragraph in source_paragraphs(piece.body):
            assert contains_in_order(text, words(paragraph), max_gap=2), (piece.path.name, paragraph)


@pytest.mark.parametrize("name", FIXTURE_BOOKS)
def test_every_piece_text_is_in_the_pdf(builds, name):
    built = builds(name)
    text = words("\n".join(_pages(built)))
    for piece in source_pieces(built.manifest):
        assert contains_in_order(text, words(piece.title)), piece.title
        for paragraph in source_paragraphs(piece.body):
            # page breaks put a running head, a folio and footnotes between two words
            assert contains_in_order(text, words(paragraph), max_gap=60), (piece.path.name, paragraph)


def test_preface_and_chapter_intros_are_in_both_outputs(builds):
    built = builds("full")
    epub = built.open_epub()
    all_epub = words(" ".join(epub.text(h) for h in epub.documents()))
    pdf = words("\n".join(_pages(built)))
    for name in ("front/preface.md", "one/intro.md", "two/intro.md"):
        sentence = words((built.book / name).read_text(encoding="utf-8"))
        assert contains_in_order(all_epub, sentence), name
        assert contains_in_order(pdf, sentence, max_gap=60), name


def test_manifest_mapping_overrides_the_front_matter(builds):
    built = builds("full")
    epub = built.open_epub()
    doc = epub.xml("override.xhtml")
    heading = " ".join(doc.find(".//x:h2", NS).itertext()) if doc.find(".//x:h2", NS) is not None else ""
    everything = b"".join(epub.documents().values()).decode("utf-8")
    assert "The Title From the Manifest" in heading or "The Title From the Manifest" in epub.text("override.xhtml")
    assert "Marat Seitkali" in epub.text("override.xhtml")
    pdf = "\n".join(_pages(built))
    for gone in ("The Title From the File", "Someone Forgotten"):
        assert gone not in everything
        assert gone not in pdf
    assert "Marat Seitkali" in pdf


def test_bom_and_crlf_piece_reads_like_any_other(builds):
    built = builds("full")
    epub = built.open_epub()
    text = epub.text("windows-notes.xhtml")
    assert "Notes Saved on Windows" in text
    assert "printers of Kuryk" in text
    for href, data in epub.documents().items():
        assert "\ufeff".encode() not in data, href
        assert b"\r" not in data, href
    assert "---" not in text and "title:" not in text  # the front matter was understood, not printed


def test_typographic_quotes_and_dashes(builds):
    text = builds("full").open_epub().text("override.xhtml")
    assert "\u201cnot today\u201d" in text
    assert "didn\u2019t" in text
    assert re.search("up [\u2013\u2014] then", text)
    assert '"' not in text and "--" not in text


def test_bylines_show_authors_source_date_and_translators(builds):
    epub = builds("full").open_epub()
    report = " ".join(epub.text("report.xhtml").split())
    assert "Dina Orlova" in report and "Coastal Bulletin" in report and "2023" in report
    assert "Translated by" not in report
    witness = " ".join(epub.text("witness.xhtml").split())
    assert "Galiya Nurpeisova" in witness and "Recorded in Aktau" in witness and "2024" in witness
    translated = witness[witness.index("Translated by"):]
    assert "Ada Lindqvist" in translated and "Boris Tamm" in translated


# ================================================================= EPUB structure


@pytest.mark.parametrize("name", FIXTURE_BOOKS)
def test_one_xhtml_file_per_piece_in_manifest_order_in_the_spine(builds, name):
    built = builds(name)
    epub = built.open_epub()
    expected = [piece_file(p) for p in source_pieces(built.manifest)]
    spine = epub.spine
    assert len(set(expected)) == len(expected)
    positions = [spine.index(href) for href in expected]
    assert positions == sorted(positions)
    for href in expected:
        assert epub.by_href(href)["media-type"] == "application/xhtml+xml"


@pytest.mark.parametrize("name", FIXTURE_BOOKS)
def test_every_document_is_well_formed_with_the_book_language_and_unique_ids(builds, name):
    import yaml

    built = builds(name)
    language = yaml.safe_load(built.manifest.read_text(encoding="utf-8"))["language"]
    for href, data in built.open_epub().documents().items():
        root = etree.fromstring(data)  # raises if not well-formed
        assert root.get("lang") == language or root.get("{http://www.w3.org/XML/1998/namespace}lang") == language
        ids = [el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id")]
        assert len(ids) == len(set(ids)), href


@pytest.mark.parametrize("name", FIXTURE_BOOKS)
def test_nav_document_nests_pieces_under_their_chapters(builds, name):
    built = builds(name)
    epub = built.open_epub()
    nav = epub.xml(epub.nav_href)
    toc = next(n for n in nav.iter(f"{{{NS['x']}}}nav") if n.get(EPUB_TYPE) == "toc")
    chapters: dict[str, list[str]] = {}
    for li in toc.find("x:ol", NS).findall("x:li", NS):
        nested = li.find("x:ol", NS)
        if nested is not None:
            label = " ".join(li.find("x:a", NS).itertext())
            chapters[label] = [a.get("href") for a in nested.findall("x:li/x:a", NS)]
    expected: dict[str, list[str]] = {}
    for piece in source_pieces(built.manifest):
        expected.setdefault(piece.chapter, []).append(piece_file(piece))
    assert chapters == expected


@pytest.mark.parametrize("name", FIXTURE_BOOKS)
def test_ncx_is_present_and_nests_pieces_under_chapters(builds, name):
    built = builds(name)
    epub = built.open_epub()
    ncx_items = [i for i in epub.manifest.values() if i["media-type"] == "application/x-dtbncx+xml"]
    assert len(ncx_items) == 1
    assert epub.opf.find(".//opf:spine", NS).get("toc") == ncx_items[0]["id"]
    ncx = epub.xml(ncx_items[0]["href"])
    found: dict[str, list[str]] = {}
    for point in ncx.find("ncx:navMap", NS).findall("ncx:navPoint", NS):
        children = point.findall("ncx:navPoint", NS)
        if children:
            label = point.find("ncx:navLabel/ncx:text", NS).text
            found[label] = [c.find("ncx:content", NS).get("src").split("#")[0] for c in children]
    expected: dict[str, list[str]] = {}
    for piece in source_pieces(built.manifest):
        expected.setdefault(piece.chapter, []).append(piece_file(piece))
    assert found == expected


def test_package_metadata_title_language_identifier(builds):
    epub = builds("full").open_epub()
    titles = [t.text for t in epub.metadata("dc:title")]
    assert titles[0] == "Songs and Reports from the Caspian Shore"
    assert [lang.text for lang in epub.metadata("dc:language")] == ["en-GB"]
    unique = epub.opf.get("unique-identifier")
    identifier = epub.opf.find(f".//dc:identifier[@id='{unique}']", NS).text
    assert identifier and identifier.strip()


def test_default_identifier_is_stable_across_builds(builds):
    def identifier(built):
        epub = built.open_epub()
        return epub.opf.find(f".//dc:identifier[@id='{epub.opf.get('unique-identifier')}']", NS).text

    first, second = identifier(builds("full")), identifier(builds("full-again"))
    assert first == second
    assert identifier(builds("minimal")) != first  # derived from the title, not a constant


def _people(epub, tag: str) -> dict[str, set[str]]:
    """name -> MARC relator roles, for dc:creator or dc:contributor."""
    people: dict[str, set[str]] = {}
    for element in epub.metadata(tag):
        roles = {m.text for m in epub.refines(element.get("id"), "role") if m.get("scheme") == "marc:relators"}
        people.setdefault(element.text, set()).update(roles)
    return people


def test_authors_editors_translators_have_marc_relator_roles(builds):
    epub = builds("full").open_epub()
    everyone: dict[str, set[str]] = {}
    for tag in ("dc:creator", "dc:contributor"):
        for name, roles in _people(epub, tag).items():
            everyone.setdefault(name, set()).update(roles)
    creators = _people(epub, "dc:creator")
    for author in ("Dina Orlova", "Galiya Nurpeisova", "Marat Seitkali", "Boris Tamm"):
        assert "aut" in creators.get(author, set()), author
    contributors = _people(epub, "dc:contributor")
    assert "edt" in contributors["Ada Lindqvist"] and "edt" in contributors["Boris Tamm"]
    assert "trl" in contributors["Ada Lindqvist"] and "trl" in contributors["Boris Tamm"]
    assert "Someone Forgotten" not in everyone  # overridden by the manifest
    for element in epub.metadata("dc:creator") + epub.metadata("dc:contributor"):
        assert element.get("id"), "a role needs an id to refine"
    ids = [e.get("id") for e in epub.opf.iter() if isinstance(e.tag, str) and e.get("id")]
    assert len(ids) == len(set(ids))


def test_images_are_in_the_package_with_their_media_type(builds):
    built = builds("full")
    epub = built.open_epub()
    doc = epub.xml("witness.xhtml")
    img = doc.find(".//x:figure/x:img", NS)
    target = PurePosixPath("witness.xhtml").parent / img.get("src")
    item = epub.by_href(str(target))
    assert item is not None, img.get("src")
    assert item["media-type"] == "image/png"
    assert epub.read(item["href"]) == (built.book / "images" / "square.png").read_bytes()


# ================================================================= notes, figures, verse, lists


def test_epub_footnotes_are_noterefs_to_asides_in_the_same_file(builds):
    epub = builds("full").open_epub()
    doc = epub.xml("report.xhtml")
    refs = [a for a in doc.iter(f"{{{NS['x']}}}a") if a.get(EPUB_TYPE) == "noteref"]
    assert len(refs) == 2
    ids = {el.get("id"): el for el in doc.iter() if isinstance(el.tag, str) and el.get("id")}
    notes = []
    for ref in refs:
        href = ref.get("href")
        assert href.startswith("#"), href  # the same file
        aside = ids[href[1:]]
        assert aside.tag == f"{{{NS['x']}}}aside"
        assert aside.get(EPUB_TYPE) == "footnote"
        notes.append(" ".join("".join(aside.itertext()).split()))
    assert "Zephyrine berth" in notes[0]
    assert "Quorvell family" in notes[1]
    # the note's content is not also left in the running text
    body = doc.find(".//x:div[@class='piece-body']", NS)
    assert "Zephyrine" not in "".join(body.itertext())


def test_pdf_footnotes_are_on_the_page_of_their_call(builds):
    pages = _pages(builds("full"))
    for call, note in (("stopped work on a cold Tuesday morning", "began at the Zephyrine berth"),
                       ("met in the canteen and wrote down its demands", "where the Quorvell family ran")):
        call_pages, note_pages = _page_of(pages, call), _page_of(pages, note)
        assert len(call_pages) == 1 and len(note_pages) == 1, (call, call_pages, note_pages)
        assert call_pages == note_pages


def test_figure_has_image_alt_and_caption(builds):
    doc = builds("full").open_epub().xml("witness.xhtml")
    figures = doc.findall(".//x:figure", NS)
    assert len(figures) == 1
    img = figures[0].find(".//x:img", NS)
    caption = figures[0].find(".//x:figcaption", NS)
    assert img.get("alt", "").startswith("A small red square on a pale ground")
    assert " ".join("".join(caption.itertext()).split()) == "The square at dawn (placeholder image)"


def test_figure_caption_is_printed(builds):
    assert _page_of(_pages(builds("full")), "The square at dawn (placeholder image)")


def test_lyrics_have_a_span_per_line_breaks_and_a_marked_refrain(builds):
    doc = builds("full").open_epub().xml("song.xhtml")
    lines = [[" ".join("".join(s.itertext()).split()) for s in stanza.iter(f"{{{NS['x']}}}span")
              if "line" in (s.get("class") or "").split()]
             for stanza in doc.iter() if "stanza" in (stanza.get("class") or "").split()]
    assert lines == [
        ["We rise before the cranes are lit", "We walk the road along the quay", "The frost is thick upon the rails"],
        ["Hold the line, hold the line", "Nobody walks home alone"],
        ["The wind comes off the Caspian", "It cuts through every borrowed coat"],
    ]
    stanzas = [s for s in doc.iter() if "stanza" in (s.get("class") or "").split()]
    for stanza, stanza_lines in zip(stanzas, lines):
        # readers that ignore CSS still break the lines
        assert len(stanza.findall(".//x:br", NS)) == len(stanza_lines) - 1
    refrains = ["refrain" in (s.get("class") or "").split() for s in stanzas]
    assert refrains == [False, True, False]


def test_lyrics_lines_are_printed_as_lines(builds):
    pages = _pages(builds("full"))
    text = "\n".join(pages)
    for line in ("We rise before the cranes are lit", "Nobody walks home alone",
                 "It cuts through every borrowed coat"):
        assert re.search(r"(^|\n)\s*" + re.escape(line) + r"\s*(\n|$)", text), line


def test_marker_list_is_a_real_list_keeping_its_marker(builds):
    doc = builds("full").open_epub().xml("report.xhtml")
    lists = [ul for ul in doc.iter(f"{{{NS['x']}}}ul") if "□" in "".join(ul.itertext())]
    assert len(lists) == 1
    items = [" ".join("".join(li.itertext()).split()) for li in lists[0].findall("x:li", NS)]
    assert items == ["□ Higher wages for the night shift", "□ An independent union at every berth"]


def test_table_is_a_table(builds):
    doc = builds("full").open_epub().xml("report.xhtml")
    table = doc.find(".//x:table", NS)
    assert [" ".join(th.itertext()) for th in table.iter(f"{{{NS['x']}}}th")] == ["Year", "Event in the harbour"]
    cells = [" ".join(td.itertext()) for td in table.iter(f"{{{NS['x']}}}td")]
    assert cells == ["2011", "First stoppage at the grain terminal", "2023", "Second stoppage at the container berth"]


# ================================================================= links and raw HTML


def test_links_to_other_pieces_resolve_in_the_epub(builds):
    epub = builds("full").open_epub()
    doc = epub.xml("report.xhtml")
    hrefs = {" ".join(a.itertext()): a.get("href") for a in doc.iter(f"{{{NS['x']}}}a")}
    song = hrefs["a song about the night shift"]
    assert song.split("#")[0] == "song.xhtml"
    witness = hrefs["what she saw on the square"]
    file, _, anchor = witness.partition("#")
    assert file == "witness.xhtml" and anchor
    target = next(el for el in epub.xml(file).iter() if isinstance(el.tag, str) and el.get("id") == anchor)
    assert re.fullmatch(r"\{[^}]+\}h[1-6]", target.tag)
    assert " ".join(target.itertext()).strip() == "What I saw"
    assert hrefs["the Coastal Bulletin archive"] == "https://example.org/coastal-bulletin/"


@pytest.mark.parametrize("name", FIXTURE_BOOKS)
def test_every_relative_link_in_the_epub_resolves(builds, name):
    epub = builds(name).open_epub()
    docs = epub.documents()
    ids = {href: xhtml_ids(etree.fromstring(data)) for href, data in docs.items()}
    for href, data in docs.items():
        for a in etree.fromstring(data).iter(f"{{{NS['x']}}}a"):
            link = a.get("href")
            if not link or re.match(r"^[a-z][a-z0-9+.-]*:", link):
                continue
            file, _, anchor = link.partition("#")
            file = str(PurePosixPath(href).parent / file) if file else href
            file = file.removeprefix("./")
            assert file in ids, (href, link)
            if anchor:
                assert anchor in ids[file], (href, link)


def test_raw_html_cannot_inject_scripts_handlers_or_remote_images_in_the_epub(builds):
    epub = builds("full").open_epub()
    for href, data in epub.documents().items():
        root = etree.fromstring(data)
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            assert etree.QName(element).localname not in ("script", "iframe", "object", "embed"), href
            assert not [a for a in element.attrib if etree.QName(a).localname.lower().startswith("on")], href
            for attr in ("src", "href"):
                assert not (element.get(attr) or "").lower().startswith("javascript:"), href
            if etree.QName(element).localname == "img":
                assert "tracker.example.com" not in (element.get("src") or ""), href
        assert b"injected-script-payload" not in data
        assert b"alert(" not in data
    scripted = [i for i in epub.manifest.values() if "scripted" in i.get("properties", "")]
    assert scripted == []
    assert "The boxed raw paragraph about Quillonport survives sanitising." in epub.text("report.xhtml")


def test_neutralised_raw_image_leaves_no_dangling_reference(builds):
    epub = builds("full").open_epub()
    names = set(epub.zip.namelist())
    doc = epub.xml("report.xhtml")
    for img in doc.iter(f"{{{NS['x']}}}img"):
        assert img.get("src"), "an <img> without src"
        assert epub.name(str(PurePosixPath("report.xhtml").parent / img.get("src"))) in names, img.get("src")


def test_raw_html_cannot_inject_scripts_or_remote_images_in_the_pdf(builds):
    built = builds("full")
    text = "\n".join(_pages(built))
    assert "injected-script-payload" not in text
    assert "alert(" not in text
    assert "Quillonport" in text and "Marrowind" in text
    reader = PdfReader(built.pdf)
    uris = [annot.get_object().get("/A", {}).get("/URI", "")
            for page in reader.pages for annot in (page.get("/Annots") or [])]
    assert not [u for u in uris if "tracker.example.com" in str(u)]
    assert "/JavaScript" not in str(reader.trailer["/Root"].get("/Names", {}))
    assert "/OpenAction" not in reader.trailer["/Root"]


# ================================================================= PDF


def _page_size(reader, index=0):
    box = reader.pages[index].trimbox
    return float(box.width), float(box.height)


def test_pdf_is_a5_by_default(builds):
    reader = PdfReader(builds("minimal").pdf)
    for index in range(len(reader.pages)):
        width, height = _page_size(reader, index)
        assert width == pytest.approx(148 / 25.4 * 72, abs=1) and height == pytest.approx(210 / 25.4 * 72, abs=1)
    box = reader.pages[0].mediabox  # the reading PDF has no bleed
    assert float(box.width) == pytest.approx(148 / 25.4 * 72, abs=1)


def test_pdf_trim_size_from_the_manifest(builds):
    reader = PdfReader(builds("full").pdf)
    assert _page_size(reader) == (pytest.approx(432, abs=1), pytest.approx(648, abs=1))  # 6in x 9in


def _shipped_families() -> set[str]:
    from fontTools.ttLib import TTFont

    from book_helpers import REPO

    return {re.sub(r"[^a-z0-9]", "", TTFont(f)["name"].getDebugName(1).lower())
            for f in (REPO / "styles" / "fonts").glob("*.[ot]tf")}


@pytest.mark.parametrize("name", FIXTURE_BOOKS)
def test_pdf_fonts_are_all_embedded_and_shipped(builds, name):
    families = _shipped_families()
    assert families
    reader = PdfReader(builds(name).pdf)
    fonts = fonts_of(reader)
    assert fonts
    for key, font in fonts.items():
        program = font_file(font)
        assert program is not None, f"font not embedded: {key}"
        if font.get("/Subtype") != "/Type3":
            assert len(program.get_data()) > 0, key
            base = re.sub(r"[^a-z0-9]", "", str(font.get("/BaseFont")).split("+")[-1].lower())
            assert any(base.startswith(family) for family in families), f"font not from styles/fonts: {key}"


@pytest.mark.parametrize("name", FIXTURE_BOOKS)
def test_pdf_outline_has_chapters_with_their_pieces(builds, name):
    built = builds(name)
    outline = outline_titles(PdfReader(built.pdf).outline)
    expected: dict[str, list[str]] = {}
    for piece in source_pieces(built.manifest):
        expected.setdefault(piece.chapter, []).append(piece.title)
    for chapter, titles in expected.items():
        assert chapter in outline, (chapter, outline)
        children = outline[outline.index(chapter) + 1]
        assert isinstance(children, list) and children[: len(titles)] == titles, (chapter, outline)


def test_pdf_has_a_table_of_contents_with_page_numbers(builds):
    built = builds("full")
    pages = _pages(built)
    pieces = source_pieces(built.manifest)
    toc = [i for i, text in enumerate(pages) if "Contents" in text
           and all(p.title in " ".join(text.split()) for p in pieces)]
    assert toc, "no page lists every piece"
    toc_text = " ".join(pages[toc[0]].split())
    for piece in pieces:
        starts = [i for i in _page_of(pages, piece.title) if i != toc[0]]
        first = min(starts) + 1
        after = toc_text[toc_text.index(piece.title) + len(piece.title):]
        # the TOC entry carries the page number the piece starts on (after dots and authors)
        assert re.match(r"^[^0-9]{0,120}?" + str(first) + r"\b", after), (piece.title, first, after[:80])


def test_pdf_each_piece_starts_on_a_new_page_with_a_folio(builds):
    built = builds("full")
    pages = _pages(built)
    pieces = source_pieces(built.manifest)
    for before, piece in zip(pieces, pieces[1:]):
        last = source_paragraphs(before.body, notes=False)[-1]
        first = source_paragraphs(piece.body, notes=False)[0]
        end_page = max(_page_of(pages, " ".join(words(last)[-5:])))
        start_page = min(_page_of(pages, " ".join(words(first)[:5])))
        assert start_page > end_page, (before.title, piece.title)
        assert str(start_page + 1) in words(pages[start_page]), f"no folio on page {start_page + 1}"


# ================================================================= reproducible EPUB


def test_epub_is_byte_reproducible_with_source_date_epoch(builds):
    assert builds("full").epub.read_bytes() == builds("full-again").epub.read_bytes()


@pytest.mark.parametrize("name", FIXTURE_BOOKS)
def test_epub_mimetype_first_and_stored(builds, name):
    with zipfile.ZipFile(builds(name).epub) as z:
        first = z.infolist()[0]
        assert first.filename == "mimetype"
        assert first.compress_type == zipfile.ZIP_STORED
        assert z.read("mimetype") == b"application/epub+zip"
        assert not first.extra
    assert builds(name).epub.read_bytes()[30:38] == b"mimetype"


def test_epub_modified_date_comes_from_source_date_epoch(builds):
    epub = builds("minimal").open_epub()
    modified = [m.text for m in epub.metadata("opf:meta") if m.get("property") == "dcterms:modified"]
    assert modified == ["2023-11-14T22:13:20Z"]  # SOURCE_DATE_EPOCH=1700000000

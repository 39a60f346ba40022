"""Issue 4: what the EPUB says of itself and its parts: package metadata (the print edition, the language,
accessibility), landmarks, the cover, the semantics of front, body and back matter, notes and verse, the
index's locators, ids and links. The page list: test_page_list.py; EPUBCheck's messages:
test_epubcheck_messages.py."""

from __future__ import annotations

import io
import re

import pytest
import yaml
from lxml import etree

from book_helpers import (
    EPUB_TYPE,
    Epub,
    NS,
    REPO,
    XHTML_NS,
    contains_in_order,
    copy_fixture,
    element_text,
    main_words,
    nav_list,
    resolve_href,
    run_cli,
    words,
    xhtml_ids,
)
from conftest import EPOCH

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PAGED_BOOKS = ["sample", "full"]


def _classes(element) -> list[str]:
    return (element.get("class") or "").split()





# ================================================================= package metadata


@pytest.mark.parametrize("name", PAGED_BOOKS)
def test_dc_source_names_the_print_edition(builds, name):
    built = builds(name)
    epub = built.open_epub()
    sources = [s.text for s in epub.metadata("dc:source")]
    assert len(sources) == 1
    title = yaml.safe_load(built.manifest.read_text(encoding="utf-8"))["title"]
    assert title in sources[0]
    assert "print" in sources[0].lower()
    assert built.pdf.name in sources[0]
    # EPUB Accessibility 1.1 (Page Source Identification): the same edition as pageBreakSource
    assert _meta_values(epub, "pageBreakSource") == sources


@pytest.mark.parametrize("name", ["sample", "full", "minimal"])
def test_package_document_carries_the_book_language(builds, name):
    built = builds(name)
    language = yaml.safe_load(built.manifest.read_text(encoding="utf-8"))["language"]
    assert built.open_epub().opf.get(XML_LANG) == language


def _meta_values(epub: Epub, prop: str) -> list[str]:
    return [m.text for m in epub.metadata("opf:meta") if m.get("property") == prop]


@pytest.mark.parametrize("name, has_images", [("sample", True), ("full", True), ("minimal", False)])
def test_accessibility_metadata(builds, name, has_images):
    epub = builds(name).open_epub()
    modes = _meta_values(epub, "schema:accessMode")
    assert "textual" in modes
    assert ("visual" in modes) == has_images
    assert "textual" in _meta_values(epub, "schema:accessModeSufficient")
    features = set(_meta_values(epub, "schema:accessibilityFeature"))
    assert {"tableOfContents", "readingOrder", "structuralNavigation",
            "printPageNumbers", "pageBreakMarkers"} <= features
    assert ("alternativeText" in features) == has_images
    assert _meta_values(epub, "schema:accessibilityHazard")
    assert set(_meta_values(epub, "schema:accessibilityHazard")) <= {
        "none", "noFlashingHazard", "noMotionSimulationHazard", "noSoundHazard"}
    summary = _meta_values(epub, "schema:accessibilitySummary")
    assert len(summary) == 1 and len(summary[0]) > 40
    assert _meta_values(epub, "dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]
    assert "a11y:" in (epub.opf.get("prefix") or "")  # a11y:certifiedBy needs its prefix declared
    from anthology.epub.ace import TESTED_VERSION  # the release tests/e2e/epub/test_accessibility.py runs

    assert f"Ace by DAISY {TESTED_VERSION}" in summary[0]
    assert [f"Ace by DAISY {TESTED_VERSION}" in c for c in _meta_values(epub, "a11y:certifiedBy")] == [True]


def test_images_all_have_alt_text_when_alternative_text_is_claimed(builds):
    epub = builds("sample").open_epub()
    images = [img for data in epub.documents().values()
              for img in etree.fromstring(data).iter(f"{XHTML_NS}img")]
    assert images
    assert all(img.get("alt", "").strip() for img in images)


# ================================================================= navigation: landmarks


@pytest.mark.parametrize("name, has_index", [("sample", True), ("full", True), ("minimal", False)])
def test_landmarks_name_the_parts_and_resolve(builds, name, has_index):
    built = builds(name)
    epub = built.open_epub()
    nav = nav_list(epub.xml(epub.nav_href), "landmarks")
    assert nav is not None
    links = {a.get(EPUB_TYPE): a.get("href") for a in nav.iter(f"{XHTML_NS}a")}
    expected = {"cover", "titlepage", "toc", "bodymatter", "appendix"} | ({"index"} if has_index else set())
    assert set(links) == expected
    files = {i["href"] for i in epub.manifest.values()}
    for kind, href in links.items():
        target, fragment = resolve_href(epub.nav_href, href)
        assert target in files, (kind, href)
        if fragment:
            assert fragment in xhtml_ids(epub.xml(target)), (kind, href)
    # the body starts with the first chapter, the credits are the appendix
    assert resolve_href(epub.nav_href, links["bodymatter"])[0] == \
        next(h for h in epub.spine if epub.xml(h).find("x:body", NS).get(EPUB_TYPE) == "bodymatter")
    assert resolve_href(epub.nav_href, links["appendix"])[0] == "credits.xhtml"
    assert resolve_href(epub.nav_href, links["toc"])[0] == epub.nav_href


# ================================================================= cover


def _cover_item(epub: Epub) -> dict:
    items = [i for i in epub.manifest.values() if "cover-image" in i.get("properties", "").split()]
    assert len(items) == 1
    return items[0]


def test_generated_cover_is_a_portrait_png_marked_as_the_cover(builds):
    from PIL import Image

    epub = builds("sample").open_epub()
    item = _cover_item(epub)
    assert item["media-type"] == "image/png"
    image = Image.open(io.BytesIO(epub.read(item["href"])))
    image.load()  # decodes
    assert image.format == "PNG"
    width, height = image.size
    assert height > width * 1.2
    covers = [m for m in epub.metadata("opf:meta") if m.get("name") == "cover"]
    assert [m.get("content") for m in covers] == [item["id"]]
    assert epub.spine[0] == "cover.xhtml"
    cover_doc = epub.xml("cover.xhtml")
    img = cover_doc.find(".//x:img", NS)
    assert resolve_href("cover.xhtml", img.get("src"))[0] == epub.name(item["href"]).removeprefix(
        str(epub.base) + "/")
    assert img.get("alt")


def test_generated_cover_shows_light_type_on_the_dark_ground(builds):
    """The rendered cover is not blank: it has the stylesheet's ground and some lettering."""
    from PIL import Image

    epub = builds("sample").open_epub()
    image = Image.open(io.BytesIO(epub.read(_cover_item(epub)["href"]))).convert("L")
    histogram = image.histogram()
    dark, light = sum(histogram[:100]), sum(histogram[180:])
    assert dark > sum(histogram) * 0.5
    assert light > sum(histogram) * 0.005


@pytest.fixture(scope="session")
def given_cover_book(tmp_path_factory):
    """The minimal fixture with `cover: art/front.png` (a 300 × 450 PNG), EPUB only."""
    from PIL import Image

    work = tmp_path_factory.mktemp("given-cover")
    manifest = copy_fixture("minimal", work / "book")
    (work / "book" / "art").mkdir()
    buffer = io.BytesIO()
    Image.new("RGB", (300, 450), (200, 30, 40)).save(buffer, format="PNG")
    (work / "book" / "art" / "front.png").write_bytes(buffer.getvalue())
    manifest.write_text(manifest.read_text(encoding="utf-8") + "cover: art/front.png\n", encoding="utf-8")
    out = work / "out"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        run = run_cli("build", manifest, "--out", out, "--format", "epub")
    assert run.code == 0, run.err
    return buffer.getvalue(), Epub(next(out.glob("*.epub")))


def test_cover_from_the_manifest_is_used_as_given(given_cover_book):
    image_bytes, epub = given_cover_book
    item = _cover_item(epub)
    assert epub.read(item["href"]) == image_bytes
    assert item["media-type"] == "image/png"
    assert [m.get("content") for m in epub.metadata("opf:meta") if m.get("name") == "cover"] == [item["id"]]
    assert epub.spine[0] == "cover.xhtml"
    assert len([i for i in epub.manifest.values() if i["media-type"].startswith("image/")]) == 1


# ================================================================= semantics of the parts


def _sections(epub: Epub, href: str, kind: str):
    return [el for el in epub.xml(href).iter() if isinstance(el.tag, str)
            and kind in (el.get(EPUB_TYPE) or "").split()]


def test_front_body_and_back_matter_carry_epub_types_and_roles(builds):
    built = builds("full")
    epub = built.open_epub()
    body_types = {h: epub.xml(h).find("x:body", NS).get(EPUB_TYPE) for h in epub.spine if h != epub.nav_href}
    for href in ("titlepage.xhtml", "rights.xhtml", "preface.xhtml"):
        assert body_types[href] == "frontmatter", href
    assert body_types["credits.xhtml"] == body_types["index.xhtml"] == "backmatter"
    for href, kind in body_types.items():
        if href.startswith("chapter-") or href in ("report.xhtml", "song.xhtml", "witness.xhtml"):
            assert kind == "bodymatter", href

    assert _sections(epub, "titlepage.xhtml", "titlepage")
    assert _sections(epub, "rights.xhtml", "copyright-page")
    [preface] = _sections(epub, "preface.xhtml", "preface")
    assert preface.get("role") == "doc-preface"
    [opener] = _sections(epub, "chapter-1.xhtml", "part")
    assert opener.get("role") == "doc-part"
    for href in ("report.xhtml", "override.xhtml", "song.xhtml", "witness.xhtml", "windows-notes.xhtml"):
        [piece] = _sections(epub, href, "chapter")
        assert piece.get("role") == "doc-chapter", href
    [credits] = _sections(epub, "credits.xhtml", "appendix")
    assert credits.get("role") == "doc-appendix"
    [index] = _sections(epub, "index.xhtml", "index")
    assert index.get("role") == "doc-index"
    doc = epub.xml("index.xhtml")
    entries = [el for el in doc.iter() if isinstance(el.tag, str) and el.get(EPUB_TYPE) == "index-entry"]
    assert entries
    for entry in entries:
        kinds = [el.get(EPUB_TYPE) for el in entry.iter() if isinstance(el.tag, str)]
        assert "index-term" in kinds and "index-locator" in kinds


def _screen_selectors(css: str) -> list[str]:
    import tinycss2

    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return [tinycss2.serialize(rule.prelude).strip() for rule in rules if rule.type == "qualified-rule"]


def test_epub_stylesheet_keeps_every_screen_rule_of_the_tools_stylesheet(builds):
    """The EPUB's copy leaves out the @page rules and the print fonts only: a comment that mentions
    @page once made it drop the end of the heading comment, which then swallowed the first rules."""
    epub = builds("minimal").open_epub()
    [css_href] = [i["href"] for i in epub.manifest.values() if i["media-type"] == "text/css"]
    epub_css = epub.read(css_href).decode("utf-8")
    tool_css = (REPO / "styles" / "book.css").read_text(encoding="utf-8")
    expected = _screen_selectors(tool_css)
    assert "a" in expected and ".index-locator" in expected
    assert _screen_selectors(epub_css) == expected
    import tinycss2

    at_rules = {rule.lower_at_keyword for rule in tinycss2.parse_stylesheet(epub_css, skip_comments=True)
                if rule.type == "at-rule"}
    assert "media" in at_rules and not at_rules & {"page", "font-face"}, at_rules


# epub:type values the tool writes that have a DPUB-ARIA role, and that role (Ace's epub-type-has-matching-role)
MATCHING_ROLES = {"chapter": "doc-chapter", "part": "doc-part", "preface": "doc-preface", "appendix": "doc-appendix",
                  "index": "doc-index", "introduction": "doc-introduction", "footnote": "doc-footnote",
                  "noteref": "doc-noteref", "pagebreak": "doc-pagebreak", "toc": "doc-toc",
                  "page-list": "doc-pagelist", "credits": "doc-credits", "credit": "doc-credit",
                  "endnotes": "doc-endnotes", "epigraph": "doc-epigraph", "subtitle": "doc-subtitle"}


@pytest.mark.parametrize("name", ["sample", "full"])
def test_every_epub_type_with_a_matching_aria_role_carries_that_role(builds, name):
    epub = builds(name).open_epub()
    missing = []
    for href, data in epub.documents().items():
        root = etree.fromstring(data)
        pointers = {a for nav in root.iter(f"{XHTML_NS}nav") if nav.get(EPUB_TYPE) == "landmarks" for a in nav.iter()}
        for element in root.iter():  # (a landmark link's epub:type names where it points, not what it is)
            kinds = (element.get(EPUB_TYPE) or "").split() if isinstance(element.tag, str) \
                and element not in pointers else []
            for kind in kinds:
                if kind in MATCHING_ROLES and MATCHING_ROLES[kind] not in (element.get("role") or "").split():
                    missing.append((href, element.sourceline, kind, element.get("role")))
    assert missing == []
    opener = epub.xml("chapter-1.xhtml")
    assert [el.get("role") for el in opener.iter(f"{XHTML_NS}div") if el.get(EPUB_TYPE) == "introduction"] \
        == ["doc-introduction"]


# ================================================================= notes


@pytest.mark.parametrize("name", PAGED_BOOKS)
def test_noterefs_and_footnote_asides_link_both_ways_in_the_same_file(builds, name):
    epub = builds(name).open_epub()
    total = 0
    for href, data in epub.documents().items():
        root = etree.fromstring(data)
        ids = {el.get("id"): el for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
        refs = [a for a in root.iter(f"{XHTML_NS}a") if a.get(EPUB_TYPE) == "noteref"]
        asides = [el for el in root.iter() if isinstance(el.tag, str) and el.get(EPUB_TYPE) == "footnote"]
        assert len(refs) == len(asides), href
        for ref in refs:
            total += 1
            assert ref.get("role") == "doc-noteref", href
            assert ref.get("href", "").startswith("#"), (href, ref.get("href"))
            aside = ids.get(ref.get("href")[1:])
            assert aside is not None, (href, ref.get("href"))
            assert aside.tag == f"{XHTML_NS}aside"
            assert aside.get(EPUB_TYPE) == "footnote" and aside.get("role") == "doc-footnote"
            first = aside[0]
            back = first[0] if len(first) else None
            assert not (first.text or "").strip(), "the note number comes first"
            assert back is not None and back.tag == f"{XHTML_NS}a"
            assert back.get("role") == "doc-backlink"
            assert back.get("href") == f"#{ref.get('id')}"
            assert re.match(r"^\d+", element_text(back)) and element_text(back).rstrip(".") == element_text(ref), (href, element_text(back))
            assert len(element_text(aside)) > len(element_text(back)) + 3  # the note has content
    assert total >= 2


# ================================================================= verse and languages


@pytest.mark.parametrize("name, href", [("full", "song.xhtml"), ("sample", "life-in-a-police-state.xhtml")])
def test_lyrics_carry_song_semantics_stanzas_lines_and_refrain(builds, name, href):
    doc = builds(name).open_epub().xml(href)
    types = [t for el in doc.iter() if isinstance(el.tag, str) for t in (el.get(EPUB_TYPE) or "").split()]
    assert "z3998:song" in types and "z3998:lyrics" in types
    prefix = doc.get("{http://www.idpf.org/2007/ops}prefix") or ""
    assert "z3998:" in prefix
    [lyrics] = [el for el in doc.iter() if isinstance(el.tag, str) and "z3998:lyrics" in (el.get(EPUB_TYPE) or "")]
    stanzas = [el for el in lyrics.iter() if "stanza" in _classes(el)]
    assert len(stanzas) >= 2
    for stanza in stanzas:
        lines = [s for s in stanza.iter(f"{XHTML_NS}span") if "line" in _classes(s)]
        assert lines, element_text(stanza)
        in_lines = [w for s in lines for w in element_text(s).split()]
        in_stanza = [w for t in stanza.itertext() for w in t.split()]
        assert in_lines == in_stanza  # every word is in a line
        assert len(stanza.findall(".//x:br", NS)) == len(lines) - 1
    if name == "full":
        assert ["refrain" in _classes(s) for s in stanzas] == [False, True, False]


@pytest.mark.parametrize("name", PAGED_BOOKS + ["minimal"])
def test_every_document_has_the_book_language_in_lang_and_xml_lang(builds, name):
    built = builds(name)
    language = yaml.safe_load(built.manifest.read_text(encoding="utf-8"))["language"]
    epub = built.open_epub()
    for href, data in epub.documents().items():
        root = etree.fromstring(data)
        assert root.get("lang") == language, href
        assert root.get(XML_LANG) == language, href


def test_foreign_words_carry_their_language(builds):
    epub = builds("sample").open_epub()
    marked = [(href, el) for href, data in epub.documents().items() for el in etree.fromstring(data).iter()
              if isinstance(el.tag, str) and el.tag != f"{XHTML_NS}html" and el.get("lang")]
    churka = [el for _, el in marked if element_text(el) == "churka"]
    assert churka
    for el in churka:
        assert el.get("lang") == "ru-Latn"
        assert el.get(XML_LANG) in (None, "ru-Latn")


# ================================================================= the index


@pytest.mark.parametrize("name", PAGED_BOOKS)
def test_index_locators_are_the_print_pages_where_the_term_occurs(builds, name):
    built = builds(name)
    epub = built.open_epub()
    data = yaml.safe_load(built.manifest.read_text(encoding="utf-8"))
    forms: dict[str, list[str]] = {}
    for entry in data["index"]:
        if isinstance(entry, str):
            forms[entry] = [entry]
        else:
            forms[entry["term"]] = entry.get("forms", [entry["term"]])
    pages = main_words(built)
    index = epub.xml("index.xhtml")
    documents: dict[str, dict] = {}
    seen_terms, wrong = set(), []
    for entry in index.iter():
        if not isinstance(entry.tag, str) or entry.get(EPUB_TYPE) != "index-entry":
            continue
        term = element_text(next(el for el in entry.iter() if isinstance(el.tag, str)
                          and el.get(EPUB_TYPE) == "index-term"))
        assert term in forms, term
        seen_terms.add(term)
        locators = [a for a in entry.iter(f"{XHTML_NS}a") if a.get(EPUB_TYPE) == "index-locator"]
        assert locators, term
        for a in locators:
            label = element_text(a)
            assert label.isdigit(), (term, label)
            target, fragment = resolve_href("index.xhtml", a.get("href"))
            if target not in documents:
                documents[target] = {el.get("id"): el for el in epub.xml(target).iter()
                                     if isinstance(el.tag, str) and el.get("id")}
            span = documents[target].get(fragment)
            assert span is not None, (term, a.get("href"))
            assert "ix" in _classes(span), (term, a.get("href"))
            assert element_text(span) in forms[term], (term, element_text(span))
            page = pages[int(label) - 1]
            if not contains_in_order(page, words(element_text(span))):
                wrong.append((term, label, element_text(span)))
    assert wrong == []
    assert seen_terms  # the index is not empty


# ================================================================= ids and links


@pytest.mark.parametrize("name", PAGED_BOOKS)
def test_ids_are_unique_and_every_internal_link_resolves(builds, name):
    epub = builds(name).open_epub()
    files = {i["href"] for i in epub.manifest.values()}
    ids: dict[str, set[str]] = {}
    trees = {}
    for href, data in epub.documents().items():
        root = etree.fromstring(data)
        trees[href] = root
        all_ids = [el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id")]
        assert len(all_ids) == len(set(all_ids)), href
        ids[href] = set(all_ids)
    broken = []
    for href, root in trees.items():
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            link = el.get("href") if el.tag == f"{XHTML_NS}a" else el.get("src")
            if not link or re.match(r"^[a-z][a-z0-9+.-]*:", link):
                continue
            target, fragment = resolve_href(href, link)
            if target not in files:
                broken.append((href, link))
            elif fragment and fragment not in ids.get(target, set()):
                broken.append((href, link))
    assert broken == []

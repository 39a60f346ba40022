"""Issue 5: the print PDF's pages — page boxes, bleed and crop marks, trim sizes and binding margins,
running heads and folios, chapter openers, TOC and index page numbers, printed link addresses, metadata,
glyph coverage and fonts, stanzas and figures kept whole, no WeasyPrint warnings. The tagged PDF:
test_tagged_pdf.py."""

from __future__ import annotations

import logging
import re

import pytest
import yaml
from pypdf import PdfReader

from book_helpers import (
    MM,
    REPO,
    XHTML_NS,
    build_variant,
    built_pdf,
    contains_in_order,
    copy_fixture,
    font_file,
    fonts_of,
    main_words,
    pdf_main_text,
    pdf_margin_runs,
    pdf_runs,
    run_cli,
    source_pieces,
    words,
    write_book,
)

PAGED_BOOKS = ["sample", "full"]




def _box(box) -> tuple[float, float, float, float]:
    return tuple(round(float(v), 1) for v in (box.left, box.bottom, box.right, box.top))


def _append(path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


# ================================================================= press: bleed and crop marks


@pytest.fixture(scope="session")
def press_from_manifest(tmp_path_factory):
    """The minimal book with `print: bleed: 5mm` and `marks: crop`: reading and press PDFs."""
    def edit(book):
        _append(book / "book.yaml", "print:\n  bleed: 5mm\n  marks: crop\n")

    _, out = build_variant(tmp_path_factory, "press-manifest", "minimal", "--format", "pdf", edit=edit)
    return out / "a-minimal-book.pdf", out / "a-minimal-book-press.pdf"


def _assert_bleed(press_path, reading_path, bleed: float):
    press, reading = PdfReader(press_path), PdfReader(reading_path)
    assert len(press.pages) == len(reading.pages)
    for page, plain in zip(press.pages, reading.pages):
        trim = _box(page.trimbox)
        media = _box(page.mediabox)
        assert "/TrimBox" in page and "/BleedBox" in page
        # the trim is the reading page; the BleedBox is the trim grown by the bleed on every side
        assert trim[2] - trim[0] == pytest.approx(float(plain.trimbox.width), abs=0.5)
        assert trim[3] - trim[1] == pytest.approx(float(plain.trimbox.height), abs=0.5)
        bleed_box = _box(page.bleedbox)
        assert bleed_box == pytest.approx((trim[0] - bleed, trim[1] - bleed, trim[2] + bleed, trim[3] + bleed), abs=0.5)
        # the MediaBox reaches farther (three times the bleed, 9 mm at least): room for the marks
        margin = max(3 * bleed, 9 * MM)
        assert media == pytest.approx((trim[0] - margin, trim[1] - margin, trim[2] + margin, trim[3] + margin), abs=0.5)


def test_press_pdf_from_the_manifest_has_its_bleed_around_the_trim(press_from_manifest):
    reading, press = press_from_manifest
    _assert_bleed(press, reading, 5 * MM)


def test_for_press_default_bleed_is_3mm(tagged):
    reading, press = tagged
    _assert_bleed(press, reading, 3 * MM)


@pytest.mark.parametrize("name", ["minimal", "full", "sample"])
def test_reading_pdf_has_no_bleed(builds, name):
    for page in built_pdf(builds(name)).pages:
        assert _box(page.mediabox) == _box(page.trimbox)


def _dark_pixels_outside_trim(path, index=0) -> int:
    """Dark pixels drawn between the MediaBox edge and the TrimBox (crop marks live there)."""
    import pypdfium2

    page_box = PdfReader(path).pages[index]
    media, trim = _box(page_box.mediabox), _box(page_box.trimbox)
    document = pypdfium2.PdfDocument(str(path))
    try:
        image = document[index].render(scale=2).to_pil().convert("L")
    finally:
        document.close()
    left, right = (trim[0] - media[0]) * 2 - 1, (trim[2] - media[0]) * 2 + 1
    top, bottom = (media[3] - trim[3]) * 2 - 1, (media[3] - trim[1]) * 2 + 1
    mask = image.point(lambda value: 255 if value < 128 else 0)
    strips = [(0, 0, image.width, max(0, int(top))), (0, int(bottom) + 1, image.width, image.height),
              (0, 0, max(0, int(left)), image.height), (int(right) + 1, 0, image.width, image.height)]
    return sum(mask.crop(box).histogram()[255] for box in strips if box[2] > box[0] and box[3] > box[1])


def test_press_pdf_draws_crop_marks_outside_the_trim(press_from_manifest):
    reading, press = press_from_manifest
    assert _dark_pixels_outside_trim(press) > 20


def test_crop_marks_stay_out_of_the_bleed(press_from_manifest):
    """Marks in the bleed would be printed on the trimmed-off edge of a full-bleed page: they belong
    outside the BleedBox. Nothing dark is drawn between the BleedBox and the TrimBox of a blank
    area of the page (the crop lines' extensions would show there)."""
    import pypdfium2

    _, press = press_from_manifest
    page = PdfReader(press).pages[0]
    media, bleed, trim = _box(page.mediabox), _box(page.bleedbox), _box(page.trimbox)
    document = pypdfium2.PdfDocument(str(press))
    try:
        image = document[0].render(scale=2).to_pil().convert("L")
    finally:
        document.close()

    def x(v):
        return int((v - media[0]) * 2)

    def y(v):
        return int((media[3] - v) * 2)

    mask = image.point(lambda value: 255 if value < 128 else 0)
    ring = [(x(bleed[0]) + 1, y(bleed[3]) + 1, x(trim[0]) - 1, y(trim[1]) - 1),   # left strip
            (x(trim[2]) + 1, y(bleed[3]) + 1, x(bleed[2]) - 1, y(trim[1]) - 1),   # right strip
            (x(bleed[0]) + 1, y(bleed[3]) + 1, x(bleed[2]) - 1, y(trim[3]) - 1),  # top strip
            (x(bleed[0]) + 1, y(trim[1]) + 1, x(bleed[2]) - 1, y(bleed[1]) - 1)]  # bottom strip
    assert sum(mask.crop(box).histogram()[255] for box in ring) == 0


# ================================================================= trim sizes and binding margins

LONG_TEXT = "\n\n".join(
    f"Paragraph {n} of the harbour chronicle tells how the night shift of the port of Marrowind "
    "kept the cranes turning through the winter storms, how the dockers shared their bread and their "
    "stories, and how the foremen of the company counted every crate that crossed the quay twice "
    "over before the ships were allowed to sail out into the grey and heavy Caspian water." for n in range(1, 41))

TRIMS = {"A4": (595.28, 841.89), "letter": (612.0, 792.0), "5.5in x 8.5in": (396.0, 612.0)}


@pytest.fixture(scope="session")
def trim_book(tmp_path_factory):
    cache: dict[str, PdfReader] = {}

    def get(trim: str) -> PdfReader:
        if trim not in cache:
            folder = tmp_path_factory.mktemp("trim")
            manifest = write_book(folder / "book", f"""\
                title: Trim Test
                language: en
                print:
                  trim: {trim}
                chapters:
                  - title: The Chapter
                    pieces:
                      - chronicle.md
                """, {"chronicle.md": "---\ntitle: The Harbour Chronicle\n---\n\n" + LONG_TEXT + "\n"})
            run = run_cli("build", manifest, "--out", folder / "out", "--format", "pdf")
            assert run.code == 0, run.err
            cache[trim] = PdfReader(folder / "out" / "trim-test.pdf")
        return cache[trim]

    return get


def _text_edges(page) -> tuple[float, float]:
    """(left, right) edges of the main text block, from pdfium's character boxes."""
    import io

    import pypdfium2
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_page(page)
    buffer = io.BytesIO()
    writer.write(buffer)
    document = pypdfium2.PdfDocument(buffer.getvalue())
    try:
        textpage = document[0].get_textpage()
        height = float(page.trimbox.height)
        lefts, rights = [], []
        for i in range(textpage.count_chars()):
            left, bottom, right, top = textpage.get_charbox(i)
            if right - left <= 0 or not (20 * MM < bottom < height - 18 * MM):
                continue
            lefts.append(left)
            rights.append(right)
    finally:
        document.close()
    return min(lefts), max(rights)


@pytest.mark.parametrize("trim", sorted(TRIMS))
def test_trim_size_sets_the_page_size(trim_book, trim):
    reader = trim_book(trim)
    width, height = TRIMS[trim]
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(width, abs=1)
        assert float(page.mediabox.height) == pytest.approx(height, abs=1)


@pytest.mark.parametrize("trim", sorted(TRIMS))
def test_inner_margin_is_wider_than_the_outer_one(trim_book, trim):
    reader = trim_book(trim)
    width = TRIMS[trim][0]
    checked = {"right": 0, "left": 0}
    for number, page in enumerate(reader.pages, start=1):
        text = words(pdf_main_text(page))
        if "paragraph" not in text or len(text) < 150:
            continue  # only full pages of the chronicle's running text
        left, right = _text_edges(page)
        left_margin, right_margin = left, width - right
        if number % 2:  # a right-hand page: the spine is on its left
            assert left_margin > right_margin + 3, (number, left_margin, right_margin)
            checked["right"] += 1
        else:
            assert right_margin > left_margin + 3, (number, left_margin, right_margin)
            checked["left"] += 1
    assert checked["right"] and checked["left"], checked


# ================================================================= running heads, folios, openers


def _section_starts(built) -> list[tuple[int, str, str]]:
    """(page, running-head title, kind) where each piece, the credits and the index begin."""
    pages = main_words(built)
    first_opener = min(_chapter_openers(built))
    starts = []
    for piece in source_pieces(built.manifest):
        title = words(piece.title)
        found = [n for n, page in enumerate(pages, 1) if page[: len(title)] == title and n > first_opener]
        assert found, piece.title
        starts.append((found[0], piece.title, "piece"))
    for heading, head in (("sources and credits", "Sources and credits"), ("index of names and places", "Index")):
        found = [n for n, page in enumerate(pages, 1) if page[: len(heading.split())] == heading.split()]
        if found:
            starts.append((found[0], head, "back"))
    return sorted(starts)


def _chapter_openers(built) -> list[int]:
    data = yaml.safe_load(built.manifest.read_text(encoding="utf-8"))
    pages = main_words(built)
    openers = []
    for number, chapter in enumerate(data["chapters"], start=1):
        want = [str(number)] + words(chapter["title"])
        found = [n for n, page in enumerate(pages, 1) if page[: len(want)] == want]
        assert len(found) == 1, (chapter["title"], found)
        openers.append(found[0])
    return openers


@pytest.mark.parametrize("name", PAGED_BOOKS)
def test_chapter_openers_are_on_right_hand_pages_without_running_head(builds, name):
    built = builds(name)
    reader = built_pdf(built)
    for number in _chapter_openers(built):
        assert number % 2 == 1, f"chapter opener on page {number}"
        top, bottom = pdf_margin_runs(reader.pages[number - 1])
        assert top == [], (number, [r.text for r in top])


@pytest.mark.parametrize("name", PAGED_BOOKS)
def test_blank_pages_carry_no_text_at_all(builds, name):
    built = builds(name)
    reader = built_pdf(built)
    blanks = [n for n, page in enumerate(main_words(built), 1) if not page]
    assert blanks, "no blank page: the check proves nothing"
    for number in blanks:
        assert [r.text for r in pdf_runs(reader.pages[number - 1])] == [], number


@pytest.mark.parametrize("name", PAGED_BOOKS)
def test_running_heads_book_title_left_piece_title_right(builds, name):
    built = builds(name)
    reader = built_pdf(built)
    title = yaml.safe_load(built.manifest.read_text(encoding="utf-8"))["title"]
    pages = main_words(built)
    starts = _section_starts(built)
    openers = set(_chapter_openers(built))
    first_body = min(openers)
    headed = 0
    for number in range(first_body, len(pages) + 1):
        if number in openers or not pages[number - 1]:
            continue
        top, _ = pdf_margin_runs(reader.pages[number - 1])
        head = " ".join(" ".join(r.text for r in top).split())
        if number % 2 == 0:
            assert head == title, (number, head)
        else:
            current = [t for start, t, _ in starts if start <= number][-1]
            assert words(head) == words(current), (number, head, current)
        headed += 1
    assert headed >= 4


@pytest.mark.parametrize("name", PAGED_BOOKS)
def test_body_pages_have_their_folio_at_the_outer_corner(builds, name):
    built = builds(name)
    reader = built_pdf(built)
    pages = main_words(built)
    for number in range(min(_chapter_openers(built)), len(pages) + 1):
        if not pages[number - 1]:
            continue
        page = reader.pages[number - 1]
        _, bottom = pdf_margin_runs(page)
        assert [r.text.strip() for r in bottom] == [str(number)], number
        middle = float(page.trimbox.width) / 2
        assert (bottom[0].x > middle) == (number % 2 == 1), (number, bottom[0].x)


# ================================================================= TOC and index page numbers


def _toc_entries(built) -> list[tuple[str, list[str]]]:
    """(title as printed in the contents, words the page it points to starts with)."""
    data = yaml.safe_load(built.manifest.read_text(encoding="utf-8"))
    entries = []
    if data.get("preface"):
        entries.append(("Preface", ["preface"]))
    pieces = iter(source_pieces(built.manifest))
    for number, chapter in enumerate(data["chapters"], start=1):
        entries.append((chapter["title"], [str(number)] + words(chapter["title"])))
        for _ in chapter["pieces"]:
            piece = next(pieces)
            entries.append((piece.title, words(piece.title)))
    entries.append(("Sources and credits", ["sources", "and", "credits"]))
    if data.get("index"):
        entries.append(("Index of names and places", ["index", "of", "names", "and", "places"]))
    return entries


@pytest.mark.parametrize("name", PAGED_BOOKS)
def test_toc_page_numbers_point_at_the_pages_where_the_entries_begin(builds, name):
    built = builds(name)
    pages = main_words(built)
    texts = [" ".join(pdf_main_text(p).split()) for p in built_pdf(built).pages]
    toc = [i for i, page in enumerate(pages) if page[:1] == ["contents"]]
    assert toc
    toc_text = " ".join(texts[i] for i in toc)
    position = 0
    for title, opening in _toc_entries(built):
        at = toc_text.find(title, position)
        assert at >= 0, (title, toc_text[position:position + 200])
        after = toc_text[at + len(title):]
        match = re.match(r"^[^0-9]{0,160}?(\d+)\b", after)
        assert match, (title, after[:100])
        number = int(match.group(1))
        assert pages[number - 1][: len(opening)] == opening, (title, number, pages[number - 1][:10])
        position = at + len(title)


@pytest.mark.parametrize("name", PAGED_BOOKS)
def test_printed_index_page_numbers_are_where_the_terms_are(builds, name):
    built = builds(name)
    data = yaml.safe_load(built.manifest.read_text(encoding="utf-8"))
    pages = main_words(built)
    reader = built_pdf(built)
    start = max(n for n, page in enumerate(pages) if page[:5] == ["index", "of", "names", "and", "places"])
    index_text = " ".join(" ".join(pdf_main_text(p).split()) for p in reader.pages[start:])
    checked = 0
    for entry in data["index"]:
        term, forms = (entry, [entry]) if isinstance(entry, str) else (entry["term"], entry.get("forms", [entry["term"]]))
        match = re.search(re.escape(term) + r" (\d+(?:, \d+)*)", index_text)
        if match is None:
            continue  # a term that occurs only in bylines and credits has no entry
        for number in (int(n) for n in match.group(1).split(", ")):
            assert any(contains_in_order(pages[number - 1], words(f)) for f in forms), (term, number)
            checked += 1
    assert checked >= 2


# ================================================================= links printed on paper


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_external_link_prints_its_address_after_the_link_text(builds):
    text = _flat("\n".join(p.extract_text() for p in built_pdf(builds("full")).pages))
    assert _flat("the Coastal Bulletin archive <https://example.org/coastal-bulletin/>") in text


def test_bare_addresses_are_printed_once(builds):
    built = builds("sample")
    text = _flat("\n".join(p.extract_text() for p in built_pdf(built).pages))
    bare = re.findall(r"<(https?://[^>\s]+)>", "\n".join(
        p.read_text(encoding="utf-8") for p in (built.book / "chapters").rglob("*.md")))
    assert bare
    for address in bare:
        assert text.count(address) == 1, address
        assert "<" + address + ">" not in text


def test_bare_address_added_to_a_fixture_is_printed_once(tagged):
    reading, _ = tagged
    text = _flat("\n".join(p.extract_text() for p in PdfReader(reading).pages))
    assert text.count("https://example.net/kuryk/printers") == 1


# ================================================================= metadata


@pytest.mark.parametrize("name", PAGED_BOOKS)
def test_pdf_document_metadata(builds, name):
    built = builds(name)
    data = yaml.safe_load(built.manifest.read_text(encoding="utf-8"))
    reader = built_pdf(built)
    info = reader.metadata
    assert info["/Title"] == data["title"]
    authors = {a for p in source_pieces(built.manifest) for a in p.authors}
    assert authors and all(a in info["/Author"] for a in authors)
    assert info["/Subject"] == data["description"]
    keywords = info["/Keywords"]
    for chapter in data["chapters"]:
        assert chapter["title"] in keywords


@pytest.mark.parametrize("name", PAGED_BOOKS)
def test_pdf_catalog_names_the_book_language(builds, name):
    built = builds(name)
    language = yaml.safe_load(built.manifest.read_text(encoding="utf-8"))["language"]
    assert str(built_pdf(built).trailer["/Root"].get("/Lang")) == language


# ================================================================= glyphs and fonts


@pytest.fixture
def emoji_book(tmp_path):
    manifest = copy_fixture("minimal", tmp_path / "book")
    piece = manifest.parent / "only-piece.md"
    piece.write_text(piece.read_text(encoding="utf-8") + "\nThe keeper signed his letters with a \U0001F600 face.\n",
                     encoding="utf-8")
    line = piece.read_text(encoding="utf-8").split("\n").index("The keeper signed his letters with a \U0001F600 face.") + 1
    return manifest, line


@pytest.mark.parametrize("command", [("build", "--format", "pdf"), ("build", "--format", "zine"),
                                     ("build", "--format", "cover")])
def test_a_character_without_a_glyph_stops_the_print_edition_naming_file_line_and_character(emoji_book, tmp_path,
                                                                                            command):
    manifest, line = emoji_book
    run = run_cli(*command[:1], manifest, *command[1:], "--out", tmp_path / "out")
    assert run.code == 1, (run.out, run.err)
    assert re.search(rf"^only-piece\.md:{line}: .*(\U0001F600|U\+1F600).*install", run.err, re.M), run.err
    assert "Traceback" not in run.err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.parametrize("command", [("check",), ("build", "--format", "epub,site")])
def test_a_character_without_a_glyph_is_only_a_warning_for_check_the_epub_and_the_site(emoji_book, tmp_path,
                                                                                       command):
    manifest, line = emoji_book
    argv = [*command[:1], manifest, *command[1:]]
    if command[0] == "build":
        argv += ["--out", tmp_path / "out"]
    run = run_cli(*argv)
    assert run.code == 0, (run.out, run.err)
    assert re.search(rf"^only-piece\.md:{line}: warning: .*U\+1F600.*print edition only", run.err, re.M), run.err
    if command[0] == "build":
        assert (tmp_path / "out" / "a-minimal-book.epub").is_file()
        assert (tmp_path / "out" / "site" / "index.html").is_file()


def test_sample_pdf_fonts_are_all_embedded_and_shipped(builds):
    from fontTools.ttLib import TTFont

    families = {re.sub(r"[^a-z0-9]", "", TTFont(f)["name"].getDebugName(1).lower())
                for f in (REPO / "styles" / "fonts").glob("*.[ot]tf")}
    fonts = fonts_of(built_pdf(builds("sample")))
    assert fonts
    for key, font in fonts.items():
        program = font_file(font)
        assert program is not None, f"not embedded: {key}"
        if font.get("/Subtype") != "/Type3":
            base = re.sub(r"[^a-z0-9]", "", str(font.get("/BaseFont")).split("+")[-1].lower())
            assert any(base.startswith(f) for f in families), key


# ================================================================= stanzas and figures kept whole


def _stanzas(epub, href) -> list[list[str]]:
    doc = epub.xml(href)
    return [[" ".join("".join(s.itertext()).split()) for s in stanza.iter(f"{XHTML_NS}span")
             if "line" in (s.get("class") or "").split()]
            for stanza in doc.iter() if "stanza" in (stanza.get("class") or "").split()]


@pytest.mark.parametrize("name, href", [("full", "song.xhtml"), ("sample", "life-in-a-police-state.xhtml")])
def test_stanzas_are_never_split_across_pages(builds, name, href):
    built = builds(name)
    pages = main_words(built)
    stanzas = _stanzas(built.open_epub(), href)
    assert len(stanzas) >= 2
    for lines in stanzas:
        stanza = words(" ".join(lines))
        assert any(contains_in_order(page, stanza, max_gap=1) for page in pages), lines


@pytest.mark.parametrize("name", PAGED_BOOKS)
def test_figures_and_their_captions_share_a_page(builds, name):
    built = builds(name)
    epub = built.open_epub()
    captions = []
    for href in epub.spine:
        for figure in epub.xml(href).iter(f"{XHTML_NS}figure"):
            caption = figure.find(f"{XHTML_NS}figcaption")
            if caption is not None and figure.find(f".//{XHTML_NS}img") is not None:
                captions.append(" ".join("".join(caption.itertext()).split()))
    assert captions
    reader = built_pdf(built)
    pages = main_words(built)
    position = 0
    for caption in captions:
        want = words(caption)
        found = [n for n in range(position, len(pages)) if contains_in_order(pages[n], want, max_gap=2)]
        assert found, caption
        number = found[0]
        assert len(reader.pages[number].images) >= 1, (caption, number + 1)
        position = number


# ================================================================= WeasyPrint warnings


def test_a_build_logs_no_weasyprint_warnings(tmp_path, caplog):
    from anthology.build import build

    manifest = copy_fixture("full", tmp_path / "book")
    logger = logging.getLogger("weasyprint")
    logger.addHandler(caplog.handler)  # the build stops propagation while it lays out
    try:
        with caplog.at_level(logging.WARNING, logger="weasyprint"):
            report = build(manifest, tmp_path / "out", ["pdf"])
    finally:
        logger.removeHandler(caplog.handler)
    harfbuzz = re.compile(r"HarfBuzz[- ]Subset", re.I)
    logged = [r.getMessage() for r in caplog.records
              if r.name.startswith("weasyprint") and r.levelno >= logging.WARNING
              and not harfbuzz.search(r.getMessage())]
    assert logged == []
    # the fixture's index names an author who appears only in bylines: the book's own warning, not WeasyPrint's
    assert [str(w) for w in report.warnings if not harfbuzz.search(w.message) and w.code != "INDEX-UNUSED"] == []
    assert (tmp_path / "out" / "caspian-fixture.pdf").is_file()

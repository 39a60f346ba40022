"""Parallel text (issue 20): the original beside its translation in print (facing pages, columns,
after), in the EPUB, the zine and the web edition; translators' and editors' notes in their own series.

The fixture (tests/fixtures/parallel) is a Russian letter with its English translation (a note on
each side, a translator's and an editor's note, a paragraph that runs over several pages, a `:::`
group of two Russian paragraphs for one English one) set on facing pages, and a song with stanzas
and a refrain in columns. It is built once for the module, as every output.
"""

from __future__ import annotations

import re

import pytest
from lxml import etree

from book_helpers import FIXTURES, NS, Epub, copy_fixture, nav_list, run_cli, snapshot
from checkers import ace_violations, axe_script, no_violations_message
from web_helpers import broken_links, launched_chromium

EPOCH = "1700000000"
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
LATIN_WORD = re.compile(r"\b[A-Za-z]{2,}\b")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    work = tmp_path_factory.mktemp("parallel")
    manifest = copy_fixture("parallel", work / "book")
    out = work / "out"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        run = run_cli("build", manifest, "--out", out, "--format", "epub,pdf,zine,site")
    assert run.code == 0, run.err
    return out


def page_texts(pdf_path) -> list[str]:
    """The text of every page (pdfium), hyphenation joined again."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf_path))
    texts = [page.get_textpage().get_text_range() for page in document]
    return [_joined(text) for text in texts]


def main_texts(pdf_path) -> list[str]:
    """Each page's text without its running head and folio (the margins of styles/book.css)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf_path))
    out = []
    for page in document:
        width, height = page.get_size()
        mm = 72 / 25.4
        text = page.get_textpage().get_text_bounded(left=0, bottom=20 * mm - 2, right=width, top=height - 18 * mm + 2)
        out.append(_joined(text))
    return out


def _joined(text: str) -> str:
    text = text.replace("\r", "")
    text = re.sub("[\u2010\u00ad\x02-]\n", "", text)
    return re.sub(r"\s+", " ", text)


def tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _find(needle: list[str], pages: list[list[str]]) -> int | None:
    """The index of the first page whose words hold `needle` in order, next to each other."""
    for number, words in enumerate(pages):
        for i in range(len(words) - len(needle) + 1):
            if words[i:i + len(needle)] == needle:
                return number
    return None


def facing_chunks():
    """Each aligned chunk of the letter as (translation words, original words), from the book model."""
    from anthology.book.manifest import load_book
    from anthology.text import parallel

    book = load_book(FIXTURES / "parallel" / "book.yaml")
    letter = book.pieces[0]

    def plain(html):
        return tokens(" ".join(etree.fromstring(f"<div>{html}</div>").itertext()))

    return [(plain(t), plain(o)) for t, o in zip(parallel.chunks(letter.body.html),
                                                  parallel.chunks(letter.original.body.html))]


def letter_pages(texts: list[str]) -> range:
    """The pages (0-based) of the facing piece: from its original title to the song's chapter opener."""
    first = next(i for i, t in enumerate(texts) if "Пишу вам из Жанаозена" in t)
    last = next(i for i, t in enumerate(texts) if "Songs" in t and i > first)
    return range(first, last)


# ------------------------------------------------------------------------------------------ print

def test_every_spread_holds_the_original_left_and_the_translation_right(built):
    pdf = built / "two-tongues.pdf"
    texts = main_texts(pdf)
    pages = letter_pages(texts)
    assert pages.start % 2 == 1, "the facing piece opens on a left-hand page (an even page number)"
    assert len(pages) >= 6, "the long paragraph runs over more than one spread"
    for index in pages:
        text = texts[index]
        if not text.strip():
            continue  # a padded page: blank
        if index % 2 == 1:  # page number index + 1 is even: a left-hand page
            assert CYRILLIC.search(text), f"page {index + 1}: {text[:80]}"
            assert not LATIN_WORD.search(text), f"page {index + 1} (left) holds translation: {text[:200]}"
        else:
            assert LATIN_WORD.search(text), f"page {index + 1}: {text[:80]}"
            assert not CYRILLIC.search(text), f"page {index + 1} (right) holds original: {text[:200]}"


def test_chunk_k_of_each_side_is_on_the_same_spread(built):
    texts = main_texts(built / "two-tongues.pdf")
    pages = letter_pages(texts)
    words = [tokens(texts[i]) if i in pages else [] for i in range(len(texts))]
    spreads_seen = set()
    for number, (ours, theirs) in enumerate(facing_chunks(), start=1):
        for end in ("first", "last"):
            a, b = (ours[:3], theirs[:3]) if end == "first" else (ours[-3:], theirs[-3:])
            right, left = _find(a, words), _find(b, words)
            assert right is not None and left is not None, (number, end, a, b)
            assert left % 2 == 1 and right == left + 1, \
                f"chunk {number} ({end} words): original on page {left + 1}, translation on page {right + 1}"
            spreads_seen.add(left)
    assert len(spreads_seen) >= 3


def test_each_side_has_its_notes_at_its_own_foot_and_running_heads_on_both_pages(built):
    texts = page_texts(built / "two-tongues.pdf")
    pages = letter_pages(texts)
    russian_note = next(i for i in pages if "Забастовка закончилась" in texts[i])
    english_note = next(i for i in pages if "The strike ended on 16 December 2011" in texts[i])
    assert "Пишу вам из Жанаозена" in texts[russian_note] and russian_note % 2 == 1
    assert "I am writing to you from Zhanaozen" in texts[english_note] and english_note == russian_note + 1
    assert "Gulnara Bazhkenova · Uralskaya Nedelya, December 16, 2012 · Translated by Test Translator" \
        in texts[english_note]  # the byline's own characters (the header goes through an HTML parser)
    translators = next(i for i in pages if "Kurt: salted dried curd" in texts[i])
    assert "(Trans.)" in texts[translators] and "balls of dried cheese,a" in texts[translators].replace(" ", " ")
    assert "The letter was published a year after the events. (Ed.)" in texts[translators]
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(built / "two-tongues.pdf"))
    for index in pages:
        page = document[index]
        width, height = page.get_size()
        if not texts[index].strip():
            continue
        head = page.get_textpage().get_text_bounded(left=0, bottom=height - 18 * 72 / 25.4, right=width, top=height)
        expected = "Two Tongues" if index % 2 == 1 else "A Letter from Zhanaozen"
        assert expected.lower() in head.lower(), f"page {index + 1}: running head {head!r}"


def test_the_song_sets_stanza_beside_stanza_in_columns(built):
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(built / "two-tongues.pdf"))
    texts = page_texts(built / "two-tongues.pdf")
    index = next(i for i, t in enumerate(texts) if "Встаём мы раньше солнца" in t)
    page = document[index]
    width, height = page.get_size()
    text = page.get_textpage()
    left = _joined(text.get_text_bounded(left=0, bottom=0, right=width / 2, top=height))
    right = _joined(text.get_text_bounded(left=width / 2, bottom=0, right=width, top=height))
    for line in ("Встаём мы раньше солнца", "Жанаозен, Жанаозен", "Площадь зимой была полна"):
        assert line in left
    for line in ("We rise before the sun is up", "Oh Zhanaozen, oh Zhanaozen", "The square was full in wintertime"):
        assert line in right
    assert not CYRILLIC.search(right.replace("Two Tongues", ""))


def test_index_locators_point_at_either_side_and_contents_and_credits_name_the_original(built):
    texts = page_texts(built / "two-tongues.pdf")
    pages = letter_pages(texts)
    index_page = next(t for t in reversed(texts) if "Index of names and places" in t)
    locators = [int(n) for n in re.search(r"Zhanaozen ([\d, ]+)", index_page).group(1).replace(",", " ").split()]
    assert locators == sorted(locators)
    left = [n for n in locators if n - 1 in pages and (n - 1) % 2 == 1]
    right = [n for n in locators if n - 1 in pages and (n - 1) % 2 == 0]
    assert left and right, locators
    for number in left:
        assert "Жанаоз" in texts[number - 1]
    for number in right:
        assert "Zhanaozen" in texts[number - 1]
    contents = next(t for t in texts if "Contents" in t)
    assert "Письмо из Жанаозена (Russian)" in contents and "Песня нефтяников (Russian)" in contents
    credits = next(t for t in texts if "Sources and credits" in t and "Original title" in t)
    assert "Original title: Письмо из Жанаозена (Russian)." in credits


def test_the_zine_keeps_the_facing_pages_facing(built):
    import pypdfium2 as pdfium

    from zine_helpers import reading_order

    texts = page_texts(built / "two-tongues.pdf")
    by_text = {text.strip(): number for number, text in enumerate(texts, start=1) if text.strip()}
    sides = []
    for sheet in pdfium.PdfDocument(str(built / "two-tongues-zine.pdf")):
        width, height = sheet.get_size()
        text = sheet.get_textpage()
        sides.append(tuple(by_text.get(_joined(text.get_text_bounded(left=left, bottom=0, right=left + width / 2,
                                                                     top=height)).strip())
                           for left in (0, width / 2)))
    order = reading_order(sides)  # the booklet's pages as read once folded: book page numbers
    pages = [i + 1 for i in letter_pages(texts) if texts[i].strip()]
    for folio in pages:
        position = order.index(folio) + 1  # the booklet's own page number
        assert position % 2 == folio % 2, f"book page {folio} is the booklet's page {position}"
    spreads = [p for p in pages if p % 2 == 0 and p + 1 in pages]
    assert len(spreads) >= 3
    for left in spreads:
        assert order.index(left + 1) == order.index(left) + 1  # side by side when the booklet lies open
        assert CYRILLIC.search(texts[left - 1]) and not CYRILLIC.search(main_texts(built / "two-tongues.pdf")[left])


def test_the_whole_book_layout_and_the_press_pdf_give_the_same_spreads(built, tmp_path):
    manifest = copy_fixture("parallel", tmp_path / "book")
    out = tmp_path / "out"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        mp.setenv("ANTHOLOGY_UNITS", "off")  # laid out whole, in one process
        run = run_cli("build", manifest, "--out", out, "--format", "pdf,cover", "--for-press")
    assert run.code == 0, run.err
    parts = page_texts(built / "two-tongues.pdf")
    assert page_texts(out / "two-tongues.pdf") == parts
    assert page_texts(out / "two-tongues-press.pdf") == parts
    assert (out / "two-tongues-cover.pdf").stat().st_size > 0


# ------------------------------------------------------------------------------------------ EPUB

def test_the_epub_follows_each_chunk_with_its_original_and_lists_both_pages(built):
    epub = Epub(built / "two-tongues.epub")
    root = epub.xml("letter.xhtml")
    pairs = root.findall(".//x:div[@class='chunk-pair']", NS)
    assert len(pairs) == len(facing_chunks())
    for pair in pairs:
        first, second = [child for child in pair if isinstance(child.tag, str)]
        assert first.get("class") == "chunk-translation" and second.get("class") == "chunk-original"
        assert second.get("lang") == "ru" and second.get(XML_LANG) == "ru" and second.get("dir") == "ltr"
    groups = [pair for pair in pairs if len(pair.findall("x:div[@class='chunk-original']/x:p", NS)) == 2]
    assert len(groups) == 1  # the ::: group: two Russian paragraphs for one English one
    assert len(groups[0].findall("x:div[@class='chunk-translation']/x:p", NS)) == 1
    figures = [pair.find(".//x:figure", NS) for pair in pairs if pair.find(".//x:figure", NS) is not None]
    assert len(figures) == 1 and figures[0].find(".//x:img", NS).get("alt") == "A small red square"
    assert pairs[figures and pairs.index(next(p for p in pairs if p.find(".//x:figure", NS) is not None))] \
        .find("x:div[@class='chunk-original']//x:img", NS).get("alt") == "Маленький красный квадрат"
    asides = {a.get("id"): "".join(a.itertext()) for a in root.iter("{http://www.w3.org/1999/xhtml}aside")}
    assert "letter-note-1" in asides and "letter_original-note-1" in asides
    assert asides["letter-note-t1"].strip().startswith("a.") and "(Trans.)" in asides["letter-note-t1"]
    assert asides["letter-note-e1"].strip().startswith("*.") and "(Ed.)" in asides["letter-note-e1"]
    calls = [a.text for a in root.iter("{http://www.w3.org/1999/xhtml}a") if a.get("class") == "noteref"]
    assert calls == ["1", "1", "a", "*"]  # the author's 1 on each side; the translator's a, the editor's *
    texts = page_texts(built / "two-tongues.pdf")
    pages = [str(i + 1) for i in letter_pages(texts) if texts[i].strip()]
    listed = [a.text for a in nav_list(epub.xml(epub.nav_href), "page-list").iter("{http://www.w3.org/1999/xhtml}a")]
    assert set(pages) <= set(listed)
    markers = {m.get("aria-label"): m for m in root.iter() if m.get("class") == "pagebreak"}
    for label in pages:
        marker = markers[label]
        side = next(a for a in marker.iterancestors() if a.get("data-scope") or a.tag.endswith("section"))
        if int(label) % 2 == 0 and side.get("data-scope"):
            assert side.get("class").startswith("chunk-original"), label


def test_epubcheck_and_ace_find_nothing(built):
    from anthology.epub.epubcheck import epubcheck

    assert [str(p) for p in epubcheck(built / "two-tongues.epub")] == []
    version, violations = ace_violations(built / "two-tongues.epub")
    assert violations == [], no_violations_message(f"Ace {version}", "the parallel fixture", violations)


# ------------------------------------------------------------------------------------------ web

@pytest.fixture(scope="module")
def browser():
    axe_script()
    with launched_chromium() as browser:
        yield browser


def _boxes(page):
    return page.evaluate("""() => {
        const pair = document.querySelectorAll('.chunk-pair')[1];
        const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; };
        return [box(pair.querySelector('.chunk-original')), box(pair.querySelector('.chunk-translation'))];
    }""")


@pytest.mark.parametrize("width", [360, 1280])
def test_the_site_sets_both_texts_and_is_accessible(built, browser, width):
    site = built / "site"
    assert broken_links(site) == []
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto((site / "letter.html").as_uri())
    assert errors == []
    original, translation = _boxes(page)
    if width == 1280:
        assert original[0] < translation[0] and abs(original[1] - translation[1]) < 2  # side by side
    else:
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert translation[1] < original[1]  # one after the other: the translation first
    assert page.locator(".parallel-switch").is_visible()
    page.add_script_tag(path=str(axe_script()))
    violations = page.evaluate("axe.run(document).then(r => r.violations.map(v => v.id))")
    assert violations == []
    context.close()


def test_the_switch_works_from_disk_and_remembers_the_choice(built, browser):
    site = built / "site"
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto((site / "letter.html").as_uri())
    assert page.locator(".chunk-original").first.is_visible()
    page.click("button[data-show=translation]")
    assert not page.locator(".chunk-pair .chunk-original").first.is_visible()
    assert page.locator(".chunk-translation").first.is_visible()
    assert page.get_attribute("button[data-show=translation]", "aria-pressed") == "true"
    page.goto((site / "song.html").as_uri())  # another page of the book: the choice holds
    assert not page.locator(".chunk-pair .chunk-original").first.is_visible()
    page.click("button[data-show=original]")
    page.reload()
    assert page.locator(".chunk-pair .chunk-original").first.is_visible()
    assert not page.locator(".chunk-translation").first.is_visible()
    page.click("button[data-show=both]")
    assert page.locator(".chunk-translation").first.is_visible() and page.locator(".chunk-original").first.is_visible()
    context.close()
    context = browser.new_context(java_script_enabled=False)  # without scripts: both texts, no switch
    page = context.new_page()
    page.goto((site / "letter.html").as_uri())
    assert not page.locator(".parallel-switch").is_visible()
    assert page.locator(".chunk-pair .chunk-original").first.is_visible()
    assert page.locator(".chunk-translation").first.is_visible()
    context.close()


def test_both_texts_are_in_the_search_index(built):
    index = (built / "site" / "search-index.js").read_text(encoding="utf-8")
    assert "Почти весь карандаш так и остался" in index
    assert "Most of the pencil is still there" in index


# ------------------------------------------------------------------------------------------ the other modes

def _variant(tmp_path, mode: str) -> tuple:
    manifest = copy_fixture("parallel", tmp_path / "book")
    text = manifest.read_text(encoding="utf-8").replace("parallel: facing", f"parallel: {mode}")
    manifest.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    run = run_cli("build", manifest, "--out", out, "--format", "epub,pdf")
    assert run.code == 0, run.err
    return out, page_texts(out / "two-tongues.pdf")


def test_after_sets_the_original_after_the_translation_under_its_own_title(tmp_path):
    out, texts = _variant(tmp_path, "after")
    whole = " ".join(texts)
    assert whole.index("We do not talk about December") < whole.index("The original (Russian)") \
        < whole.index("Письмо из Жанаозена Пишу вам") < whole.index("Мы не говорим о декабре")
    root = Epub(out / "two-tongues.epub").xml("letter.xhtml")
    section = root.find(".//x:section[@class='original-text']", NS)
    assert section.get("lang") == "ru" and section.get(XML_LANG) == "ru"
    assert section.find("x:h3", NS).text == "Письмо из Жанаозена"


def test_off_leaves_the_original_out_and_costs_nothing(tmp_path):
    out, texts = _variant(tmp_path, "off")
    whole = " ".join(texts)
    assert "Пишу вам" not in whole and "I am writing to you" in whole
    assert "Песня нефтяников" in whole  # the song keeps its own columns: the manifest entry says so


# ------------------------------------------------------------------------------------------ bad input

def test_chunks_that_do_not_pair_are_an_error_naming_both_files_and_lines(tmp_path):
    manifest = copy_fixture("parallel", tmp_path / "book")
    original = tmp_path / "book" / "pieces" / "letter.ru.md"
    text = original.read_text(encoding="utf-8").replace("Мы не говорим о декабре.", "Лишний абзац.\n\nМы не говорим о декабре.")
    original.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "two-tongues.pdf").write_bytes(b"previous")
    before = snapshot(out)
    run = run_cli("build", manifest, "--out", out)
    assert run.code == 1 and "Traceback" not in run.err
    line = next(n for n, row in enumerate(text.split("\n"), start=1) if row.startswith("Лишний абзац"))
    assert re.search(r"pieces/letter\.md:\d+: the translation has 6 chunks and its original pieces/letter\.ru\.md 7", run.err)
    assert f"original line {line})" in run.err
    assert snapshot(out) == before


def test_original_without_its_language_and_parallel_without_an_original_are_errors(tmp_path):
    manifest = copy_fixture("parallel", tmp_path / "book")
    letter = tmp_path / "book" / "pieces" / "letter.md"
    letter.write_text(letter.read_text(encoding="utf-8").replace("original_language: ru\n", ""), encoding="utf-8")
    song = tmp_path / "book" / "pieces" / "song.md"
    song.write_text(song.read_text(encoding="utf-8").replace("original: song.ru.md\n", ""), encoding="utf-8")
    run = run_cli("check", manifest)
    assert run.code == 1 and "Traceback" not in run.err
    assert re.search(r"pieces/letter\.md:\d+: original: needs original_language:", run.err)
    assert re.search(r"book\.yaml:\d+: 'parallel: columns' needs the piece's original", run.err)


def test_an_unclosed_group_and_a_bad_mode_are_errors(tmp_path):
    manifest = copy_fixture("parallel", tmp_path / "book")
    original = tmp_path / "book" / "pieces" / "letter.ru.md"
    original.write_text(original.read_text(encoding="utf-8").replace("бензина.", "бензина.\n\n:::\nОткрыто."),
                        encoding="utf-8")
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("parallel: columns", "parallel: sideways"),
                        encoding="utf-8")
    run = run_cli("check", manifest)
    assert run.code == 1
    assert re.search(r"pieces/letter\.ru\.md:\d+: this ':::' opens a chunk that is never closed", run.err)
    assert "'parallel' must be one of facing, columns, after, off (got 'sideways')" in run.err


def test_a_right_to_left_original_is_marked_rtl():
    from anthology.book.direction import direction

    assert [direction(t) for t in ("he", "ar-EG", "fa", "ru", "kk-Cyrl", "de")] == ["rtl"] * 3 + ["ltr"] * 3


def test_note_series_count_apart_in_a_book_without_originals(tmp_path):
    from book_helpers import write_book

    manifest = write_book(tmp_path / "book", """\
        title: Заметки
        language: ru
        chapters:
          - title: Одна
            pieces: [note.md]
        """, {"note.md": """\
        ---
        title: Примечания
        ---
        Первое[^1], перевод[^tn1], второе[^2], редактор[^ed-a], ещё перевод[^tn-b].

        [^1]: Автор.
        [^2]: Снова автор.
        [^tn1]: Переводчик.
        [^tn-b]: Снова переводчик.
        [^ed-a]: Редактор.
        """})
    out = tmp_path / "out"
    run = run_cli("build", manifest, "--out", out, "--format", "epub,pdf")
    assert run.code == 0, run.err
    root = Epub(next(out.glob("*.epub"))).xml("note.xhtml")
    calls = [a.text for a in root.iter("{http://www.w3.org/1999/xhtml}a") if a.get("class") == "noteref"]
    assert calls == ["1", "a", "2", "*", "b"]
    asides = ["".join(a.itertext()).strip() for a in root.iter("{http://www.w3.org/1999/xhtml}aside")]
    assert "a. Переводчик. (Примеч. пер.)" in asides and "*. Редактор. (Примеч. ред.)" in asides
    text = " ".join(page_texts(next(out.glob("*.pdf"))))
    assert "a. Переводчик. (Примеч. пер.)" in text and "b. Снова переводчик. (Примеч. пер.)" in text
    assert "2. Снова автор." in text


def test_a_long_chunk_is_cut_between_words_and_loses_nothing():
    from anthology.print.facing import cut

    html = ('<p>One <em>two three</em> four<span class="footnote">A note</span> five six.</p>'
            '<p>Seven eight.</p>')
    # page 1 shows 11 non-space characters of the first paragraph ("One two three"), page 2 the rest
    pages = cut(html, [[[0, 11]], [[0, 14], [1, 11]]])
    first, second = (etree.fromstring(f"<div>{page}</div>") for page in pages)
    assert "".join(first.itertext()) == "One two three"
    assert first[0].get("class") == "facing-continues" and first[0].find("em").text == "two three"
    assert second[0].get("class") == "facing-continued"
    assert "".join(second[0].itertext()).split() == ["fourA", "note", "five", "six."]  # the note right after "four"
    assert second[0].find("span").get("class") == "footnote" and second[1].text == "Seven eight."
    # a word hyphenated over the page (13 characters: "One two three fo-") goes to the next page whole
    pages = cut(html, [[[0, 13]], [[0, 12], [1, 11]]])
    assert "".join(etree.fromstring(f"<div>{pages[0]}</div>").itertext()) == "One two three"
    assert "".join(etree.fromstring(f"<div>{pages[1]}</div>").itertext()).startswith("four")


def test_the_shorter_side_is_padded_with_blank_pages(tmp_path):
    manifest = copy_fixture("parallel", tmp_path / "book")
    letter = tmp_path / "book" / "pieces" / "letter.md"
    text = letter.read_text(encoding="utf-8")
    start = text.index("The road from Aktau")
    end = text.index("\n", start)
    letter.write_text(text[:start] + "The road is long, and my father knew it well." + text[end:], encoding="utf-8")
    out = tmp_path / "out"
    run = run_cli("build", manifest, "--out", out, "--format", "pdf")
    assert run.code == 0, run.err
    texts = main_texts(out / "two-tongues.pdf")
    pages = letter_pages(texts)
    blank_right = [i + 1 for i in pages if i % 2 == 0 and not texts[i].strip()]
    assert blank_right, "the translation's side of the long chunk's second spread is blank"
    for index in pages:
        if index % 2 == 1 and texts[index].strip():
            assert not LATIN_WORD.search(texts[index]), index + 1
        elif texts[index].strip():
            assert not CYRILLIC.search(texts[index]), index + 1
    market = next(i for i in pages if "Рынок открывается в семь" in texts[i])
    assert "The market opens at seven" in texts[market + 1] and market % 2 == 1

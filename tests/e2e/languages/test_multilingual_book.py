"""Issue 19 (the text layer): every language at home. A Russian anthology with Kazakh (Cyrillic and
Latin), German, French and Polish text, Polish and Turkish names in its index, and (for the EPUB and
the site, which need no print fonts) an Arabic paragraph and Hebrew words, built end to end
(tests/fixtures/multilingual): lang, xml:lang and dir, the languages' quotes and spaces, the index in
Russian order, transliterated ids and file names, the tool's words in Russian; and the errors."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from book_helpers import FIXTURES, NS, REPO, Epub, pdf_pages_text, run_cli, write_book

NAME = "more-ushlo-a-my-ostalis"  # the book's title, transliterated
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """The fixture built as it is: EPUB, PDF (6 × 9 in) and site."""
    work = tmp_path_factory.mktemp("multilingual")
    shutil.copytree(FIXTURES / "multilingual", work / "book")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        run = run_cli("build", work / "book" / "book.yaml", "--out", work / "out", "--format", "epub,pdf,site")
    assert run.code == 0, run.err
    assert "warning" not in run.err, run.err
    return work / "out"


@pytest.fixture(scope="module")
def rtl_book(tmp_path_factory):
    """The fixture with its Arabic and Hebrew piece, EPUB and site only: a stylesheet of the book's own
    that is the tool's without its print fonts (those have no Arabic or Hebrew glyphs yet)."""
    work = tmp_path_factory.mktemp("multilingual-rtl")
    shutil.copytree(FIXTURES / "multilingual", work / "book")
    manifest = work / "book" / "book.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        "      - chapters/lettre.md\n", "      - chapters/lettre.md\n      - chapters/shalom.md\n"), encoding="utf-8")
    css = (REPO / "styles" / "book.css").read_text(encoding="utf-8")
    (work / "book" / "styles").mkdir()
    (work / "book" / "styles" / "book.css").write_text(
        re.sub(r"/\* print-fonts:start \*/.*?/\* print-fonts:end \*/", "", css, flags=re.S), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        run = run_cli("build", manifest, "--out", work / "out", "--format", "epub,site")
    assert run.code == 0, run.err
    return work / "out"


def _xhtml(out: Path, href: str):
    return Epub(out / f"{NAME}.epub").xml(href)


def _text(element) -> str:
    return "".join(element.itertext())


def _flat(text: str) -> str:
    """Words with single plain spaces between them (no-break spaces too)."""
    return " ".join(text.replace(NBSP, " ").replace(NNBSP, " ").split())


def _html(path: Path):
    return etree.parse(str(path), etree.HTMLParser()).getroot()


# ------------------------------------------------------------------------------ names and ids


def test_ids_and_file_names_are_transliterated_and_the_front_matter_id_is_honoured(book):
    assert sorted(p.name for p in book.iterdir()) == [f"{NAME}.epub", f"{NAME}.pdf", "site"]
    epub = Epub(book / f"{NAME}.epub")
    hrefs = set(i["href"] for i in epub.manifest.values())
    assert {"pismo.xhtml", "karavan.xhtml", "der-brief.xhtml", "lettre.xhtml"} <= hrefs  # id: der-brief
    pismo = _xhtml(book, "pismo.xhtml")
    heading = pismo.find(".//x:h3", NS)
    assert heading.get("id") == "pismo-more-ushlo-a-my-ostalis"
    links = {a.text: a.get("href") for a in pismo.iter(f"{{{NS['x']}}}a")}
    assert links["караван"] == "karavan.xhtml#karavan-zhol"
    assert links["начало главы"] == "#pismo-more-ushlo-a-my-ostalis"
    assert (book / "site" / "pismo.html").is_file() and (book / "site" / "der-brief.html").is_file()


# ------------------------------------------------------------------------------ lang, xml:lang, dir


def test_every_text_has_its_language_in_the_epub_and_the_site(book):
    pismo = _xhtml(book, "pismo.xhtml")
    assert (pismo.get("lang"), pismo.get(XML_LANG), pismo.get("dir")) == ("ru", "ru", "ltr")
    for href, lang in (("karavan.xhtml", "kk"), ("der-brief.xhtml", "de"), ("lettre.xhtml", "fr")):
        section = _xhtml(book, href).find(".//x:section", NS)
        assert (section.get("lang"), section.get(XML_LANG), section.get("dir")) == (lang, lang, None), href
    latin = next(e for e in pismo.iter() if e.get("lang") == "kk-Latn")
    assert latin.text == "Qazaqstan" and latin.get(XML_LANG) == "kk-Latn"
    site = _html(book / "site" / "karavan.html")
    assert (site.get("lang"), site.get("dir")) == ("ru", "ltr")
    assert site.xpath("//section[@id='karavan']")[0].get("lang") == "kk"


def test_right_to_left_text_gets_dir_and_a_word_inside_a_line_is_isolated(rtl_book):
    doc = _xhtml(rtl_book, "shalom.xhtml")
    paragraph = next(e for e in doc.iter(f"{{{NS['x']}}}p") if e.get("lang") == "ar")
    assert (paragraph.get("dir"), paragraph.get(XML_LANG)) == ("rtl", "ar")
    assert "”عربية“" in _text(paragraph)  # CLDR's Arabic quotes (the opening one is ”)
    word = next(e for e in doc.iter() if e.get("lang") == "he")
    assert word.tag == f"{{{NS['x']}}}em" and word.get("dir") == "rtl" and word.text == "שלום"
    assert word.getparent().get("lang") is None  # the Russian line around it stays left to right
    page = _html(rtl_book / "site" / "shalom.html")
    assert page.xpath("//p[@lang='ar']/@dir") == ["rtl"]
    assert page.xpath("//em[@lang='he']/@dir") == ["rtl"]


def test_the_epubs_pass_epubcheck(book, rtl_book):
    from anthology.epub.epubcheck import epubcheck

    for out in (book, rtl_book):
        problems = [str(p) for p in epubcheck(out / f"{NAME}.epub") if p.level in ("error", "fatal", "warning")]
        assert problems == [], problems


def test_ace_finds_no_violation_in_the_book_with_right_to_left_text(rtl_book):
    from checkers import ace_violations, no_violations_message

    version, lines = ace_violations(rtl_book / f"{NAME}.epub")
    assert lines == [], no_violations_message(f"Ace by DAISY {version}", "the multilingual book's EPUB", lines)


def test_titles_in_another_language_carry_it_in_the_contents_and_the_credits(book):
    epub = Epub(book / f"{NAME}.epub")
    nav = epub.xml(epub.nav_href)
    title = next(a for a in nav.iter(f"{{{NS['x']}}}a") if a.get("href") == "der-brief.xhtml")
    assert [(s.get("lang"), s.get(XML_LANG), _text(s)) for s in title] == [("de", "de", "Ein Brief aus Zürich")]
    credit = _xhtml(book, "credits.xhtml").xpath("//x:div[@id='credit-lettre']//x:span[@lang='fr']", namespaces=NS)
    assert [_text(s) for s in credit] == ["Lettre de Paris"]
    home = _html(book / "site" / "index.html")
    assert home.xpath("//a[@href='karavan.html']/span/@lang") == ["kk"]


# ------------------------------------------------------------------------------ typography


def test_each_language_has_its_own_quotes_dashes_and_spaces_in_the_epub(book):
    pismo = _text(_xhtml(book, "pismo.xhtml").find(".//x:body", NS))
    assert "Он сказал: «Это „Мастер“" + NBSP + "— книга о" + NBSP + "море»" in pismo
    assert "в" + NBSP + "1995" + NBSP + "г." in pismo  # after a one-letter word, before г.
    assert "Мы ждали у" + NBSP + "моря…" + NBSP + "— Да" + NBSP + "— ответил" in pismo
    assert "Письмо с" + NBSP + "«моря»" in pismo  # the title too
    assert "„Mój «dom» jest tu”" in pismo  # Polish inside the Russian piece
    assert '"' not in pismo and "--" not in pismo and " - " not in pismo.replace(NBSP, " ")
    kazakh = _text(_xhtml(book, "karavan.xhtml").find(".//x:body", NS))
    assert "«Қазақ» газетінде жазды: «Жол" + NBSP + "— ұзақ»" in kazakh
    german = _text(_xhtml(book, "der-brief.xhtml").find(".//x:body", NS))
    assert "„Das ist ‚gut‘" + NBSP + "– und mehr nicht“" in german
    french = _text(_xhtml(book, "lettre.xhtml").find(".//x:body", NS))
    assert "Il a dit" + NBSP + ": «" + NBSP + "Bonjour" + NBSP + "»" + NNBSP + "! Vraiment" + NNBSP + "? Oui" \
        + NNBSP + "; je" in french
    assert "d’Almaty et d’İstanbul" in french


def test_titles_have_their_languages_quotes_in_the_documents_titles_and_the_ncx(book):
    epub = Epub(book / f"{NAME}.epub")
    assert _text(epub.xml("pismo.xhtml").find(".//x:head/x:title", NS)) == "Письмо с\u00a0«моря»"
    ncx = etree.fromstring(epub.read("toc.ncx"))
    labels = [_text(t) for t in ncx.iter("{http://www.daisy.org/z3986/2005/ncx/}text")]
    assert "Письмо с\u00a0«моря»" in labels and not any('"' in label for label in labels)


def test_the_print_edition_has_the_same_quotes(book):
    text = " ".join(pdf_pages_text(book / f"{NAME}.pdf"))
    flat = _flat(text)
    assert "«Это „Мастер“ — книга о море»" in flat
    assert "„Das ist ‚gut‘ – und mehr nicht“" in flat
    assert "« Bonjour » !" in flat


def test_marks_already_right_are_left_as_they_are(tmp_path):
    from anthology.text import typography

    for lang, text in (("ru", "Уже «правильно» — и так"), ("de", "Schon „richtig“ – so"),
                       ("fr", "Déjà «" + NBSP + "juste" + NBSP + "»" + NNBSP + "!"), ("en", "Already “right” — so")):
        root = etree.fromstring(f"<div><p>{text}</p></div>")
        typography.apply(root, lang)
        assert root[0].text == text.replace("и так", "и" + NBSP + "так"), lang
    root = etree.fromstring('<div><p>Code: <code>x = "a" -- b</code></p></div>')
    typography.apply(root, "ru")
    assert root.find("p/code").text == 'x = "a" -- b'


# ------------------------------------------------------------------------------ the index


RUSSIAN_ORDER = ["Алматы", "Бөкейхан, Әлихан", "Ежов", "Ёлкин", "Есенин", "Кира", "Қарағанды", "Уфа", "Ұлытау",
                 "Almaty", "İstanbul", "Łódź", "Lublin", "Łukasiewicz, Jan", "Paris", "Zürich"]
RUSSIAN_LETTERS = ["А", "Б", "Е", "К", "Қ", "У", "Ұ", "A", "I", "L", "P", "Z"]


def test_the_index_is_in_russian_order_with_russian_letters_in_every_edition(book):
    index = _xhtml(book, "index.xhtml")
    terms = [_text(e) for e in index.iter() if (e.get("class") or "") == "index-term"]
    letters = [_text(e) for e in index.iter() if (e.get("class") or "") == "index-letter"]
    assert terms == RUSSIAN_ORDER
    assert letters == RUSSIAN_LETTERS  # Ё under Е, Latin names after the Cyrillic ones
    site = _html(book / "site" / "book-index.html")
    assert [_text(e) for e in site.xpath("//*[@class='index-term']")] == RUSSIAN_ORDER
    pages = pdf_pages_text(book / f"{NAME}.pdf")
    printed = next(p for p in pages if "Указатель имён и мест" in p and "Łódź" in p)
    positions = [printed.find(term.split(",")[0]) for term in RUSSIAN_ORDER]
    assert -1 not in positions and positions == sorted(positions), positions


def test_collation_follows_the_languages_alphabet():
    from anthology.text import collation

    def order(words, lang):
        return [w for w, _letter in collation.order(words, lang)]

    assert order(["Үй", "Ұлы", "Ілияс", "Ыбырай", "Қазақ", "Кира"], "kk") == ["Кира", "Қазақ", "Ұлы", "Үй", "Ыбырай", "Ілияс"]
    assert order(["Żywiec", "Zakopane", "Łódź", "Lublin", "Ćma", "Cyr"], "pl") == \
        ["Cyr", "Ćma", "Lublin", "Łódź", "Zakopane", "Żywiec"]
    assert order(["İstanbul", "Işık", "Ivan", "Çelik", "Cem", "Hakan"], "tr") == \
        ["Cem", "Çelik", "Hakan", "Işık", "Ivan", "İstanbul"]
    assert [l for _w, l in collation.order(["İstanbul", "Işık", "Łódź"], "tr")] == ["I", "İ", "L"]
    assert [l for _w, l in collation.order(["Łódź", "Ёж"], "pl")] == ["Ł", "Е"]


def test_an_index_term_that_occurs_nowhere_is_a_warning_at_its_line(tmp_path):
    manifest = write_book(tmp_path / "b", """\
        title: Книга
        language: ru
        index:
          - Москва
          - Нигде
        chapters:
          - title: Глава
            pieces: [p.md]
        """, {"p.md": "---\ntitle: Текст\n---\nМосква.\n"})
    run = run_cli("check", manifest)
    assert run.code == 0
    assert "book.yaml:5: warning: the index term 'Нигде' occurs nowhere" in run.err
    assert "Москва'" not in run.err


# ------------------------------------------------------------------------------ the tool's words


def test_the_tools_words_are_russian_with_russian_grammar(book):
    rights = _flat(_text(_xhtml(book, "rights.xhtml").find(".//x:body", NS)))
    assert "Составители: Анна Иванова и Борис Петров." in rights  # two editors: the plural
    assert "Издатель: Тестовое издательство, 14 марта 2019 г." in rights and "г.." not in rights
    credits = _flat(_text(_xhtml(book, "credits.xhtml").find(".//x:body", NS)))
    assert "Авторы: Анна Иванова и Борис Петров." in credits and "Автор: Әлихан Бөкейхан." in credits
    assert "Впервые опубликовано: Журнал «Степь», 14 марта 2019 г." in credits and "г.." not in credits
    assert "Язык оригинала: казахский." in credits and "Язык оригинала: немецкий." in credits
    assert "Перевод: Вера Сидорова и Глеб Орлов." in credits
    epub = Epub(book / f"{NAME}.epub")
    summary = epub.opf.xpath("//opf:meta[@property='schema:accessibilitySummary']", namespaces=NS)[0].text
    assert summary.startswith("В этом издании есть оглавление")
    source = epub.metadata("dc:source")[0].text
    assert _flat(source) == f"Море ушло, а мы остались, печатное издание (6 × 9 дюйм.), {NAME}.pdf"
    assert "6\u00a0×\u00a09" in source  # a page size never broken over two lines
    home = _html(book / "site" / "index.html")
    downloads = _flat(_text(home.xpath("//section[@id='downloads']")[0]))
    for english in ("Zine PDF", "Press PDF", "KB", "MB", "6in", "print edition", "Download"):
        assert english not in downloads, (english, downloads)
    assert "PDF для брошюры" in downloads and re.search(r"\d+ кБ", downloads)
    assert "формат 6 × 9 дюйм." in downloads


def test_every_built_in_language_has_every_label():
    import string

    from anthology.book.label_texts import BUILT_IN, EN

    assert {"en", "ru", "uk", "kk", "de", "fr", "es", "pl", "tr", "ar", "he"} <= set(BUILT_IN)

    def fields(text):
        return {f for _t, f, _s, _c in string.Formatter().parse(text) if f}

    for language, labels in BUILT_IN.items():
        assert set(labels) == set(EN), (language, set(EN) ^ set(labels))
        for name, value in labels.items():
            for text in (value.values() if isinstance(value, dict) else [value]):
                assert text.strip(), (language, name)
                assert fields(text) == fields(EN[name]), (language, name, text)


def test_language_names_come_from_cldr_and_the_manifest_adds_to_them(tmp_path):
    from anthology.book.manifest import load_book

    manifest = write_book(tmp_path / "b", """\
        title: Книга
        language: ru
        labels:
          languages: "crh=крымскотатарский-язык"
        chapters:
          - title: Глава
            pieces: [p.md]
        """, {"p.md": "---\ntitle: Текст\noriginal_language: uz\n---\nТекст.\n"})
    labels = load_book(manifest).labels
    assert labels.language("crh") == "крымскотатарский-язык"
    assert labels.language("uz") == "узбекский" and labels.language("kk") == "казахский"  # still there
    assert labels.language("kk-Latn") == "казахский (латиница)"
    assert labels.language("he") == "иврит"


def test_a_label_of_the_manifest_may_give_plural_forms(tmp_path):
    from anthology.book.manifest import load_book

    manifest = write_book(tmp_path / "b", """\
        title: Книга
        language: ru
        editors: [Анна, Борис, Вера, Глеб, Дина]
        labels:
          edited_by:
            one: "Редактор: {names}"
            few: "Редакторы (несколько): {names}"
            other: "Редакторы: {names}"
        chapters:
          - title: Глава
            pieces: [p.md]
        """, {"p.md": "---\ntitle: Текст\n---\nТекст.\n"})
    labels = load_book(manifest).labels
    assert labels.people("edited_by", ["Анна"]) == "Редактор: Анна"
    assert labels.people("edited_by", ["Анна", "Борис"]) == "Редакторы (несколько): Анна и Борис"
    assert labels.people("edited_by", ["А", "Б", "В", "Г", "Д"]).startswith("Редакторы: ")  # five: many -> other
    assert labels.preface == "Предисловие"  # the others stay
    bad = write_book(tmp_path / "c", manifest.read_text(encoding="utf-8").replace("few:", "several:"), {
        "p.md": "---\ntitle: Текст\n---\nТекст.\n"})
    run = run_cli("check", bad)
    assert run.code == 1 and "book.yaml:7: the label 'edited_by' has the plural form 'several'" in run.err


def test_directions_come_from_cldr():
    from anthology.book.languages import direction

    assert [direction(t) for t in ("ar", "he", "fa", "ur", "yi", "ug", "kk-Arab", "dv")] == ["rtl"] * 8
    assert [direction(t) for t in ("ru", "kk", "kk-Latn", "kk-Cyrl", "de", "tr", "en-GB")] == ["ltr"] * 7


# ------------------------------------------------------------------------------ bad input


def test_bad_language_tags_and_links_are_errors_at_their_lines(tmp_path):
    manifest = write_book(tmp_path / "b", """\
        title: Книга
        language: ru
        chapters:
          - title: Глава
            pieces: [письмо.md, караван.md]
        """, {
        "письмо.md": "---\ntitle: Письмо\nlanguage: russian\n---\nТекст.\n\nСлово *x*{: lang=xx-bad }.\n\n"
                     "[Туда](караван.md#nope) и [сюда](#nowhere), [верно](караван.md#zhol).\n",
        "караван.md": "---\ntitle: Караван\n---\n## Жол\n\nТекст.\n",
    })
    before = sorted(p.name for p in (tmp_path / "b").iterdir())
    run = run_cli("check", manifest)
    assert run.code == 1
    assert "письмо.md:3: 'language'" in run.err and "'russian' is not a valid BCP 47 language tag" in run.err
    assert "письмо.md:7: lang=xx-bad:" in run.err
    assert "письмо.md:9: the link 'караван.md#nope' points to '#nope'" in run.err
    assert "письмо.md:9: the link '#nowhere' points to '#nowhere'" in run.err
    assert "#zhol" not in run.err
    assert "Traceback" not in run.err
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == before
    assert run_cli("build", manifest, "--out", tmp_path / "out", "--format", "epub").code == 1


def test_two_pieces_with_one_id_are_reported_with_both_sources(tmp_path):
    manifest = write_book(tmp_path / "b", """\
        title: Книга
        language: ru
        chapters:
          - title: Глава
            pieces: [a/письмо.md, b/pismo.md]
        """, {"a/письмо.md": "---\ntitle: Один\n---\nТекст.\n", "b/pismo.md": "---\ntitle: Два\n---\nТекст.\n"})
    run = run_cli("check", manifest)
    assert run.code == 1
    assert "book.yaml:5:" in run.err and "'b/pismo.md' gets the id 'pismo'" in run.err
    assert "'a/письмо.md' already has" in run.err


def test_table_alignment_is_kept_in_every_output(book):
    pismo = _xhtml(book, "pismo.xhtml")
    cells = [(c.get("class"), _text(c)) for c in pismo.iter(f"{{{NS['x']}}}td")]
    assert ("align-right", "2 000 000") in cells and ("align-left", "Ұлытау") in cells
    css = Epub(book / f"{NAME}.epub").read("style/book.css").decode()
    assert "td.align-right" in css and "text-align: right" in css
    site = _html(book / "site" / "pismo.html")
    assert site.xpath("//td[@class='align-right']/text()") == ["2 000 000", "10 000"]
    with zipfile.ZipFile(book / f"{NAME}.epub") as z:
        assert b'style="' not in z.read("EPUB/pismo.xhtml")

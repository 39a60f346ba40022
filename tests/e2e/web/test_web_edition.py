"""The web edition (`build --format site`) in a real browser: Debian's chromium driven by Playwright,
axe-core injected into every page, every page opened from file:// with the network refused."""

from __future__ import annotations

import re
import shutil

import pytest
from lxml import etree

from book_helpers import REPO, copy_fixture, run_cli, snapshot
from checkers import axe_script
from web_helpers import broken_links, html_pages, launched_chromium, word_in_one_piece

EPOCH = "1700000000"
OPDS_TYPE = "application/atom+xml;profile=opds-catalog;kind=acquisition"
ATOM = {"a": "http://www.w3.org/2005/Atom", "dc": "http://purl.org/dc/terms/"}


def _build_site(tmp_path_factory, name: str, source):
    work = tmp_path_factory.mktemp(f"site-{name}")
    if isinstance(source, type(REPO)) and source.name == "book.yaml":
        manifest = source
    elif source == REPO:
        book = work / "book"
        shutil.copytree(REPO, book, ignore=shutil.ignore_patterns("build", ".venv", ".git", "tests", "node_modules",
                                                                  "anthology", "*.egg-info", ".pytest_cache"))
        manifest = book / "book.yaml"
    else:
        manifest = copy_fixture(source, work / "book")
    out = work / "out"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        run = run_cli("build", manifest, "--out", out, "--format", "site")
    assert run.code == 0, run.err
    return out


@pytest.fixture(scope="session")
def sites(tmp_path_factory):
    """sites(name) -> the out folder of a --format site build of 'sample' or 'full' (built once)."""
    cache = {}

    def get(name: str):
        if name not in cache:
            cache[name] = _build_site(tmp_path_factory, name, REPO if name == "sample" else name)
        return cache[name]

    return get


@pytest.fixture(scope="module")  # one browser for this module; stopped before another module starts its own
def browser():
    axe_script()
    with launched_chromium() as browser:
        yield browser


def _offline_page(context):
    """A page whose every request that is not a file of the site fails and is recorded."""
    page = context.new_page()
    page.outside, page.errors = [], []

    def route(r):
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            page.outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    return page


@pytest.mark.parametrize("name", ["sample", "full"])
def test_every_page_loads_offline_clean_and_accessible(sites, browser, name):
    site = sites(name) / "site"
    assert broken_links(site) == []
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = _offline_page(context)
    problems = []
    for file in html_pages(site):
        page.errors.clear()
        page.goto(file.as_uri())
        page.wait_for_load_state("load")
        if page.errors:
            problems.append(f"{file.name}: console {page.errors}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            problems.append(f"{file.name}: {width} px wide at a 360 px phone width")
        page.add_script_tag(path=str(axe_script()))
        result = page.evaluate("axe.run(document).then(r => r.violations.map(v => v.id + ': ' + "
                               "v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(' | ')))")
        problems += [f"{file.name}: axe {v}" for v in result]
    context.close()
    assert page.outside == []
    assert problems == []


def test_the_home_page_offers_the_editions_with_their_sizes(sites):
    site = sites("full") / "site"
    root = etree.parse(str(site / "index.html"), etree.HTMLParser()).getroot()
    links = root.xpath("//section[@id='downloads']//a")
    shown = {a.get("href"): "".join(a.itertext()) for a in links}
    assert set(shown) == {"caspian-fixture.epub", "caspian-fixture.pdf", "caspian-fixture-zine.pdf"}
    for href, text in shown.items():
        size = (site / href).stat().st_size
        assert size > 1000
        number = re.search(r"· ([\d.]+) (kB|MB)$", text)  # CLDR's English units (Babel)
        assert number, text
        value = float(number.group(1)) * (1024 if number.group(2) == "kB" else 1024 * 1024)
        assert abs(value - size) <= (512 if number.group(2) == "kB" else 52429), (text, size)
    for_whom = [p.text for p in root.xpath("//section[@id='downloads']//p[@class='download-for']")]
    assert any("e-readers" in t for t in for_whom) and any("copy shop" in t for t in for_whom)
    # the build made the editions for the site only: the out folder holds the site alone
    assert sorted(p.name for p in (sites("full")).iterdir()) == ["site"]
    cover = root.xpath("//img[@class='home-cover']")[0]
    assert (site / cover.get("src")).is_file() and cover.get("alt").endswith("Songs and Reports from the Caspian Shore")
    contents = " ".join(root.xpath("//section[@id='contents']")[0].itertext())
    assert "Translated by" in contents and "Reports from the Coast" in contents


def test_opds_feed_parses_and_its_links_resolve(sites):
    site = sites("full") / "site"
    feed = etree.parse(str(site / "opds.xml")).getroot()
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    for path in ("a:id", "a:title", "a:updated", "a:author/a:name"):
        assert feed.xpath(f"{path}/text()", namespaces=ATOM), path
    assert feed.xpath("a:updated/text()", namespaces=ATOM) == ["2023-11-14T22:13:20Z"]
    entries = feed.xpath("a:entry", namespaces=ATOM)
    assert len(entries) == 1
    entry = entries[0]
    assert entry.xpath("dc:language/text()", namespaces=ATOM) == ["en-GB"]
    assert entry.xpath("dc:identifier/text()", namespaces=ATOM)
    assert entry.xpath("a:summary/text()", namespaces=ATOM)
    links = entry.xpath("a:link", namespaces=ATOM)
    rels = {link.get("rel") for link in links}
    assert {"http://opds-spec.org/image", "http://opds-spec.org/acquisition/open-access"} <= rels
    acquired = {}
    for link in links:
        target = site / link.get("href")
        assert target.is_file(), link.get("href")
        if link.get("rel").endswith("open-access"):
            assert int(link.get("length")) == target.stat().st_size
            acquired[link.get("type")] = link.get("href")
    assert set(acquired) == {"application/epub+zip", "application/pdf"}
    for page in html_pages(site):
        head = etree.parse(str(page), etree.HTMLParser()).getroot()
        assert head.xpath(f"//head/link[@rel='alternate'][@type='{OPDS_TYPE}'][@href='opds.xml']"), page.name
    home = etree.parse(str(site / "index.html"), etree.HTMLParser()).getroot()
    assert home.xpath("//meta[@property='og:image'][@content='cover.png']")
    assert '"@type": "Book"' in home.xpath("//script[@type='application/ld+json']/text()")[0]


def test_search_from_disk_finds_a_word_of_one_piece(sites, browser):
    site = sites("full") / "site"
    word, piece_page = word_in_one_piece(site, ["report.html", "witness.html", "windows-notes.html"])
    context = browser.new_context()
    page = _offline_page(context)
    page.goto((site / "witness.html").as_uri())
    page.fill("#site-search-q", word.upper())  # case does not matter
    page.press("#site-search-q", "Enter")
    page.wait_for_selector(".search-list a")
    hits = page.eval_on_selector_all(".search-list a", "links => links.map(a => a.getAttribute('href'))")
    assert hits == [piece_page], (word, hits)
    assert word in page.inner_text(".search-list mark").lower()
    page.click(".search-list a")
    page.wait_for_load_state("load")
    assert page.url.endswith("/" + piece_page)
    assert page.errors == [] and page.outside == []
    context.close()


def test_a_note_opens_in_place_with_scripts_and_jumps_without(sites, browser):
    site = sites("full") / "site"
    context = browser.new_context()
    page = _offline_page(context)
    page.goto((site / "report.html").as_uri())
    call = page.locator("a.noteref").first
    assert call.get_attribute("aria-expanded") == "false"
    call.click()
    assert call.get_attribute("aria-expanded") == "true"
    assert "Zephyrine berth" in page.inner_text(".note-pop")
    assert page.url.endswith("report.html")  # no jump
    call.click()
    assert page.locator(".note-pop").count() == 0
    context.close()

    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((site / "report.html").as_uri())
    page.locator("a.noteref").first.click()
    assert page.url.endswith("#report-note-1")
    page.locator("#report-note-1 a.note-number").click()
    assert page.url.endswith("#report-noteref-1")
    context.close()


def test_index_locators_link_into_the_pieces(sites):
    site = sites("full") / "site"
    root = etree.parse(str(site / "book-index.html"), etree.HTMLParser()).getroot()
    hrefs = root.xpath("//a[contains(@class, 'index-locator')]/@href")
    assert hrefs and all(re.fullmatch(r"[\w-]+\.html#[\w-]+-ix-\d+", h) for h in hrefs), hrefs


def test_dark_scheme_and_print_stylesheet(sites, browser):
    site = sites("full") / "site"
    colours = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        page.goto((site / "report.html").as_uri())
        colours[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
        if scheme == "light":
            page.emulate_media(media="print")
            assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).display") == "none"
            assert page.locator("main").is_visible()
        context.close()
    assert colours["light"] != colours["dark"]


def test_two_builds_give_identical_sites(sites, tmp_path_factory):
    # the same sources (the print edition's PDF depends on the book's folder, so: the same folder)
    again = _build_site(tmp_path_factory, "full-again", sites("full").parent / "book" / "book.yaml")
    assert snapshot(again / "site") == snapshot(sites("full") / "site")


def test_the_press_pdf_is_offered_when_the_manifest_asks_for_it(tmp_path):
    manifest = copy_fixture("minimal", tmp_path / "book")
    manifest.write_text(manifest.read_text(encoding="utf-8") + "print:\n  bleed: 3mm\n", encoding="utf-8")
    assert run_cli("build", manifest, "--out", tmp_path / "out", "--format", "site").code == 0
    site = tmp_path / "out" / "site"
    home = etree.parse(str(site / "index.html"), etree.HTMLParser()).getroot()
    offered = home.xpath("//section[@id='downloads']//a/@href")
    assert [h for h in offered if h.endswith("-press.pdf")] and all((site / h).is_file() for h in offered)
    feed = etree.parse(str(site / "opds.xml")).getroot()
    acquired = feed.xpath("//a:link[contains(@rel, 'acquisition')]/@href", namespaces=ATOM)
    assert not [h for h in acquired if h.endswith("-press.pdf")]  # readers get the reading editions


def test_a_broken_book_reports_like_the_epub_and_keeps_the_old_site(tmp_path):
    manifest = copy_fixture("full", tmp_path / "book")
    out = tmp_path / "out"
    assert run_cli("build", manifest, "--out", out, "--format", "epub,site").code == 0
    # an edition asked for beside the site is the very file the site offers
    assert sorted(p.name for p in out.iterdir()) == ["caspian-fixture.epub", "site"]
    assert (out / "caspian-fixture.epub").read_bytes() == (out / "site" / "caspian-fixture.epub").read_bytes()
    before = snapshot(out)
    report = tmp_path / "book" / "one" / "report.md"
    report.write_text(report.read_text(encoding="utf-8") + "\n![](missing.png)\n", encoding="utf-8")
    site_run = run_cli("build", manifest, "--out", out, "--format", "site")
    epub_run = run_cli("build", manifest, "--out", tmp_path / "other", "--format", "epub,pdf")
    assert site_run.code == epub_run.code == 1
    assert site_run.err == epub_run.err and "report.md:" in site_run.err
    assert snapshot(out) == before

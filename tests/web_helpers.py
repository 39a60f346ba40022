"""Helpers for the web edition's tests: build a book's site once, drive Debian's chromium, read pages."""

from __future__ import annotations

import re
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html

BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]


@contextmanager
def launched_chromium(timeout_ms: float | None = None):
    """Debian's chromium (found by checkers.chromium(), which skips or fails with the reason) driven
    by Playwright, closed at the end."""
    from playwright.sync_api import sync_playwright

    from checkers import chromium

    executable = chromium()
    options = {} if timeout_ms is None else {"timeout": timeout_ms}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=BROWSER_ARGS, **options)
        try:
            yield browser
        finally:
            browser.close()


def html_pages(site: Path) -> list[Path]:
    return sorted(site.glob("*.html"))


def ids_of(page: Path) -> set[str]:
    return set(lxml.html.parse(str(page)).getroot().xpath("//@id"))


def broken_links(site: Path) -> list[str]:
    """Every local href/src of every page that names a missing file or a missing id in its page."""
    ids: dict[Path, set[str]] = {}
    broken = []
    for page in html_pages(site):
        root = lxml.html.parse(str(page)).getroot()
        for element, attribute in [(e, "href") for e in root.xpath("//*[@href]")] + \
                                  [(e, "src") for e in root.xpath("//*[@src]")]:
            value = element.get(attribute)
            parts = urlsplit(value)
            if parts.scheme or parts.netloc:
                continue  # a link to the web is not a request the page makes
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not target.is_file():
                broken.append(f"{page.name}: {value} (no such file)")
                continue
            if parts.fragment and target.suffix == ".html":
                if target not in ids:
                    ids[target] = ids_of(target)
                if unquote(parts.fragment) not in ids[target]:
                    broken.append(f"{page.name}: {value} (no such id)")
    return broken


def page_words(page: Path) -> Counter:
    root = lxml.html.parse(str(page)).getroot()
    main = root.find(".//main")
    return Counter(w.lower() for w in re.findall(r"[^\W\d_]{7,}", main.text_content()))


def word_in_one_piece(site: Path, piece_pages: list[str]) -> tuple[str, str]:
    """A word that occurs in exactly one page of the site, and that page is a piece's."""
    counts = {p.name: page_words(p) for p in html_pages(site)}
    for name in piece_pages:
        for word in sorted(counts[name]):
            if all(word not in c for other, c in counts.items() if other != name):
                return word, name
    raise AssertionError("no word unique to one piece")

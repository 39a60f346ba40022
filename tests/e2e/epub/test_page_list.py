"""Issue 4: the EPUB's page list of the print edition: one entry for every page of the PDF, each a
pagebreak marker standing right before the first words of its page (blank pages and the printed
contents marked where the next page begins), in ascending order through the spine."""

from __future__ import annotations

import pytest

from book_helpers import (
    EPUB_TYPE,
    Epub,
    XHTML_NS,
    built_pdf,
    contains_in_order,
    element_text,
    main_words,
    nav_list,
    resolve_href,
    words_after_page_breaks,
    words_around_page_breaks,
)

PAGED_BOOKS = ["sample", "full"]





def _page_list(epub: Epub) -> list[tuple[str, str]]:
    nav = nav_list(epub.xml(epub.nav_href), "page-list")
    assert nav is not None, "no page-list nav"
    return [(element_text(a), a.get("href")) for a in nav.iter(f"{XHTML_NS}a")]


def _markers_in_spine_order(epub: Epub) -> list[tuple[str, str, list[str]]]:
    """(file, label, words after) for every pagebreak marker, in reading order."""
    found = []
    for href in epub.spine:
        for label, after in words_after_page_breaks(epub.xml(href), count=8):
            found.append((href, label, after))
    return found


def _is_printed_contents(page_words: list[str]) -> bool:
    return bool(page_words) and page_words[0] == "contents"


@pytest.mark.parametrize("name", PAGED_BOOKS)
def test_page_list_labels_are_every_print_page_in_order_and_resolve_to_pagebreak_markers(builds, name):
    built = builds(name)
    epub = built.open_epub()
    entries = _page_list(epub)
    pages = len(built_pdf(built).pages)
    assert [label for label, _ in entries] == [str(n) for n in range(1, pages + 1)]
    documents = {}
    for label, href in entries:
        target, fragment = resolve_href(epub.nav_href, href)
        assert fragment, href
        if target not in documents:
            documents[target] = {el.get("id"): el for el in epub.xml(target).iter()
                                 if isinstance(el.tag, str) and el.get("id")}
        marker = documents[target].get(fragment)
        assert marker is not None, f"page {label}: {href} does not resolve"
        assert marker.get(EPUB_TYPE) == "pagebreak", href
        assert marker.get("aria-label", marker.get("title")) == label, href


@pytest.mark.parametrize("name", PAGED_BOOKS)
def test_words_after_each_page_break_marker_open_that_page_of_the_pdf(builds, name):
    """The contract of the page list: the words after marker N are at the top of PDF page N."""
    built = builds(name)
    markers = _markers_in_spine_order(built.open_epub())
    pages = main_words(built)
    assert sorted(int(label) for _, label, _ in markers) == list(range(1, len(pages) + 1))
    checked, wrong = 0, []
    for href, label, after in markers:
        page = pages[int(label) - 1]
        if not page:
            continue  # a blank page: marked where the next page begins
        if _is_printed_contents(page):
            continue  # the printed contents has no counterpart in the EPUB's documents
        want = after[: min(4, len(page))]
        assert want, f"page {label}: marker in {href} has no text after it"
        if not contains_in_order(page[: len(want) + 8], want, max_gap=2):
            wrong.append((label, href, want, page[:12]))
        checked += 1
    assert wrong == []
    assert checked >= len(pages) * 0.6  # most pages were really compared


@pytest.mark.parametrize("name", PAGED_BOOKS)
def test_pages_without_epub_text_are_marked_where_the_next_page_begins(builds, name):
    """Blank pages and the printed contents get a marker with the same words after it as the
    marker of the next page that has text."""
    built = builds(name)
    markers = _markers_in_spine_order(built.open_epub())
    pages = main_words(built)
    by_label = {int(label): after for _, label, after in markers}
    placeholders = [n for n in range(1, len(pages) + 1)
                    if not pages[n - 1] or _is_printed_contents(pages[n - 1])]
    assert placeholders, "the book has no blank page: the check proves nothing"
    for n in placeholders:
        following = next((m for m in range(n + 1, len(pages) + 1) if m not in placeholders), None)
        if following is None:
            continue  # trailing blank pages: at the very end of the last part
        assert by_label[n] == by_label[following], (n, following)


@pytest.mark.parametrize("name", PAGED_BOOKS)
def test_page_break_markers_appear_in_ascending_order_through_the_spine(builds, name):
    labels = [int(label) for _, label, _ in _markers_in_spine_order(builds(name).open_epub())]
    assert labels == sorted(labels)


def test_minimal_book_page_list_matches_its_pdf(builds):
    built = builds("minimal")
    entries = _page_list(built.open_epub())
    assert [label for label, _ in entries] == [str(n) for n in range(1, len(built_pdf(built).pages) + 1)]


@pytest.mark.parametrize("name", PAGED_BOOKS)
def test_the_marker_stands_exactly_before_the_first_words_of_its_page(builds, name):
    """Stricter than the test above: the words right after marker N are the very first words of
    page N, or, when page N opens with the end of a word hyphenated on page N-1 (that word is then
    the one before the marker), the words that follow it. A footnote call printed among the page's
    first words (a number the EPUB has as a note reference, outside the reading order) is skipped."""
    built = builds(name)
    pages = main_words(built)
    epub = built.open_epub()
    wrong = []
    for href in epub.spine:
        for label, before, after in words_around_page_breaks(epub.xml(href), count=3):
            page = pages[int(label) - 1]
            if not page or _is_printed_contents(page):
                continue
            page = [w for n, w in enumerate(page) if n >= 6 or not (w.isdigit() and w not in after)]
            continued = len(page[0]) < len(before) and before.endswith(page[0])
            if after != page[:3] and not (continued and after == page[1:4]):
                wrong.append((label, href, before, after, page[:4]))
    assert wrong == []

"""The index of names and places: occurrences marked in the text, locators for print and EPUB."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from lxml import etree

from anthology.text import collation, fragments
from anthology.book.model import Book, Fragment

SKIP = {"h1", "h2", "h3", "h4", "h5", "h6"}  # headings are not indexed; captions are text


@dataclass
class Locator:
    anchor: str
    file: str
    label: str = ""

    def print_view(self) -> dict:
        """In print the number itself comes from target-counter(), so it is always the page's."""
        return {"href": f"#{self.anchor}", "label": ""}

    def epub_view(self) -> dict:
        return {"href": f"{self.file}#{self.anchor}", "label": self.label}


@dataclass
class Entry:
    term: str
    occurrences: list[Locator] = field(default_factory=list)  # every occurrence, in reading order
    pages: list[Locator] | None = None  # one locator per print page, once the layout is known
    letter: str = "#"  # the letter of the book's alphabet it is filed under (collation.letter)

    @property
    def locators(self) -> list[Locator]:
        return self.pages if self.pages is not None else self.occurrences


def mark(book: Book) -> tuple[Book, list[Entry]]:
    """The book with every occurrence of an index term wrapped in <span class="ix" id=…>, and the
    entries. The loaded book is not changed (it is frozen, book/model.py): the marked one is a copy
    whose texts differ, which the build's Session holds (the same loaded book marks the same way
    every time)."""
    if not book.index:
        return book, []
    entries = {term.term: Entry(term.term) for term in book.index}
    form_to_term: dict[str, str] = {}
    for term in book.index:
        for form in term.forms:
            form_to_term.setdefault(form, term.term)
    forms = sorted(form_to_term, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(f) for f in forms) + r")(?!\w)")

    def marked(fragment: Fragment, prefix: str, file: str) -> Fragment:
        counter = [0]

        def anchor_for(form: str, counter: list[int] = counter, prefix: str = prefix, file: str = file) -> str:
            counter[0] += 1
            anchor = f"{prefix}-ix-{counter[0]}"
            entries[form_to_term[form]].occurrences.append(Locator(anchor, file))
            return anchor

        return replace(fragment, html=_mark_html(fragment.html, pattern, anchor_for),
                       notes=[(n, _mark_html(html, pattern, anchor_for)) for n, html in fragment.notes])

    # in reading order (the anchors' numbers and the occurrences' order): the preface, then each
    # chapter's intro and pieces, either side of parallel text
    preface = marked(book.preface, "preface", "preface.xhtml") if book.preface else book.preface
    chapters = []
    for chapter in book.chapters:
        intro = marked(chapter.intro, chapter.id, chapter.file_name) if chapter.intro else chapter.intro
        pieces = []
        for piece in chapter.pieces:
            body = marked(piece.body, piece.id, piece.file_name) if piece.body is not None else None
            original = piece.original
            if original is not None and piece.parallel != "off":
                original = replace(original, body=marked(original.body, f"{piece.id}_original", piece.file_name))
            pieces.append(replace(piece, body=body, original=original))
        chapters.append(replace(chapter, intro=intro, pieces=pieces))  # (the new chapter claims its new pieces)
    result = []
    for name, letter in collation.order(list(entries), book.language):  # the same order in every edition
        entries[name].letter = letter
        result.append(entries[name])
    return replace(book, preface=preface, chapters=chapters), [e for e in result if e.occurrences]


def _mark_html(html: str, pattern, anchor_for) -> str:
    if not pattern.search(html):
        return html
    root = fragments.parse(html)
    _mark_element(root, pattern, anchor_for)
    return fragments.serialize_children(root)


def _mark_element(element, pattern, anchor_for) -> None:
    if element.tag in SKIP or element.get("class") in ("ix", "noteref", "marker"):
        return
    if element.text:
        element.text = _split(element, element.text, pattern, anchor_for, at_start=True)
    for child in list(element):
        _mark_element(child, pattern, anchor_for)
        if child.tail:
            child.tail = _split(child, child.tail, pattern, anchor_for, at_start=False)


def _split(owner, text: str, pattern, anchor_for, at_start: bool) -> str:
    """Wrap matches in `text` (owner's text or tail) in spans; return the text left before them."""
    matches = list(pattern.finditer(text))
    if not matches:
        return text
    head = text[: matches[0].start()]
    spans = []
    for i, match in enumerate(matches):
        span = etree.Element("span")
        span.set("class", "ix")
        span.set("id", anchor_for(match.group(1)))
        span.text = match.group(1)
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        span.tail = text[match.end(): end]
        spans.append(span)
    if at_start:
        for offset, span in enumerate(spans):
            owner.insert(offset, span)
    else:
        parent, position = owner.getparent(), owner.getparent().index(owner)
        for offset, span in enumerate(spans, start=1):
            parent.insert(position + offset, span)
    return head


def resolve(entries: list[Entry], anchor_pages: dict[str, int]) -> None:
    """Give the entries their print pages: one locator per page (the first occurrence on it)."""
    for entry in entries:
        kept, seen = [], set()
        for occurrence in entry.occurrences:
            page = anchor_pages.get(occurrence.anchor)
            if page is None or page in seen:
                continue
            seen.add(page)
            kept.append(Locator(occurrence.anchor, occurrence.file, str(page)))
        kept.sort(key=lambda locator: int(locator.label))  # parallel text: the original's left-hand pages come first
        entry.pages = kept


def groups(entries: list[dict]) -> list[tuple[str, list[dict]]]:
    """(letter, entries) in the entries' own order (Jinja's groupby would sort the letters by code point)."""
    out: list[tuple[str, list[dict]]] = []
    for entry in entries:
        if not out or out[-1][0] != entry["letter"]:
            out.append((entry["letter"], []))
        out[-1][1].append(entry)
    return out


def for_print(entries: list[Entry]) -> list[dict]:
    return [{"term": e.term, "letter": e.letter, "locators": [l.print_view() for l in e.locators]} for e in entries]


def for_epub(entries: list[Entry]) -> list[dict]:
    return [{"term": e.term, "letter": e.letter, "locators": [l.epub_view() for l in e.locators]} for e in entries]

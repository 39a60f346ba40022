"""The print edition cut into units (front matter, each chapter, credits, index), each laid out on its
own and written as a PDF of its own once the page where it begins is known.

Every unit but the front matter opens on a right-hand page (`break-before: right`), so its pages do
not depend on where it begins: only its folios do. A unit is laid out after the half-title (which
sets the running head of left-hand pages), so that it begins on a right-hand page as in the whole
book; the half-title and the blank page after it are then left out. Once the pages before it are
counted, its margin boxes (folios, running heads) are made again with the page counter moved, and
it is written. Page numbers printed in the text (the contents, the index's locators) are written in
as `data-page`. A link into another unit would be dropped by WeasyPrint (no such anchor): the name is
given to the unit's first page once it is laid out (no element to parse, style and lay out: a
thousand of them cost the index of a 400-page book 0.7 s), and print/layout/stitch.py gives every name its
real destination when the units' PDFs are joined.
"""

from __future__ import annotations

import copy
import dataclasses
import os
import re
from pathlib import Path
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from lxml import etree, html as lxml_html

from anthology.print.weasy import margins

if TYPE_CHECKING:
    from anthology.book.model import Book

HALF_TITLE = "halftitle"
_SKIP = 2  # the half-title and the blank left-hand page after it, before a unit laid out alone

# Page numbers written in, where the whole book has target-counter(): the contents and the index.
_NUMBERED = {"toc": ("toc-list", ".toc-list a::after { content: leader(dotted) attr(data-page) !important }"),
             "index": ("index-locator", ".index-locator::after { content: attr(data-page) !important }")}


@dataclass
class Unit:
    """One unit: its name (front, a chapter's id, credits, index) and its own HTML document."""

    name: str
    html: str
    owned: list[str] = field(default_factory=list)  # every id defined in it (the destinations it gives)
    alone: bool = True  # laid out after the half-title, which is then left out
    write: bool = True  # False for the front matter laid out only to count its pages
    wanted: list[str] = field(default_factory=list)  # ids it links to that other units hold


def split(html: str) -> list[Unit] | None:
    """The whole book's HTML as units; None when it is not shaped as book.html makes it (then the
    book is laid out whole)."""
    root = lxml_html.document_fromstring(html)
    body = root.find("body")
    sections = list(body) if body is not None else []
    if not sections or sections[0].get("id") != HALF_TITLE or any(s.tag != "section" for s in sections):
        return None
    groups: list[list] = [[]]
    for section in sections:
        classes = (section.get("class") or "").split()
        if "chapter-opener" in classes or section.get("id") in ("credits", "index"):
            groups.append([])
        groups[-1].append(section)
    if len(groups) < 2 or not groups[0]:
        return None
    names = ["front"] + [group[0].get("id") for group in groups[1:]]
    if len(set(names)) != len(names) or not all(names) or ("index" in names and names[-1] != "index"):
        return None  # (a book's own template may order its parts otherwise: then it is laid out whole)
    return [_unit(root, name, group, alone=index > 0) for index, (name, group) in enumerate(zip(names, groups))]


def _unit(root, name: str, group: list, alone: bool) -> Unit:
    """The book's document with only this group's sections (after the half-title when `alone`), and
    the link targets it names but does not hold."""
    tree = etree.Element(root.tag, dict(root.attrib))  # the document's head, and only these sections
    tree.append(copy.deepcopy(root.find("head")))
    body = etree.SubElement(tree, "body", dict(root.find("body").attrib))
    body.text = "\n"
    for section in ([root.find("body")[0]] if alone else []) + group:
        body.append(copy.deepcopy(section))
    owned = [element.get("id") for section in (body[1:] if alone else body) for element in section.iter()
             if element.get("id")]
    held = set(owned) | ({HALF_TITLE} if alone else set())
    wanted = sorted({link.get("href")[1:] for link in body.iter("a")
                     if (link.get("href") or "").startswith("#") and link.get("href")[1:] not in held})
    return Unit(name, "<!DOCTYPE html>\n" + lxml_html.tostring(tree, encoding="unicode"), owned, alone,
                wanted=wanted)


# What only a layout of the whole book can get right: the number of pages, page numbers of other
# parts (cross-references), page-number selectors, page numbers kept in running strings.
_WHOLE_BOOK = re.compile(r"counters?\(\s*pages\b|target-(?:counters?|text)\s*\(|:nth\(|"
                         r"string-set\s*:[^;}]*counters?\(")
_NUMBERED_RULES = (".toc-list a::after", ".index-locator::after")  # their numbers are written in


def css_allows_units(css: str) -> bool:
    """Whether a stylesheet lays out the same in units as whole: page numbers of other parts only in
    the contents and the index (written in as data-page), no page total, no :nth() pages."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    for match in _WHOLE_BOOK.finditer(css):
        if match.group(0).startswith("target-counter"):
            selector = css[:match.start()].rsplit("}", 1)[-1].split("{")[0].strip()
            if selector in _NUMBERED_RULES:
                continue
        return False
    return True


def with_section(unit: Unit, html: str) -> Unit | None:
    """`unit` (laid out alone) with its section replaced by `html`, one section with the same id (the
    index with every locator, rendered alone), the targets it names found anew; None when `html` is
    not such a section."""
    try:
        section = lxml_html.fragment_fromstring(html.strip())
    except (etree.ParserError, ValueError):
        return None
    root = lxml_html.document_fromstring(unit.html)
    body = root.find("body")
    old = [child for child in body[1:]] if body is not None and len(body) == 2 else []
    if not unit.alone or not old or section.tag != "section" or section.get("id") != unit.name:
        return None
    section.tail = old[0].tail
    body.replace(old[0], section)
    return _unit(root, unit.name, [section], alone=True)


def number_links(links, pages: dict[str, int]) -> bool:
    """Write the page of each link's target as `data-page` (the number target-counter() would print
    there); False when a target has no page. Used here and by print/layout/index_pages.py."""
    for link in links:
        target = (link.get("href") or "").removeprefix("#")
        if target not in pages:
            return False
        link.set("data-page", str(pages[target]))
    return True


def number_locators(links, pages: dict[str, int]) -> str | None:
    """Write the page of each of the index's locators in, and return the rule that prints it (None
    when a target has no page). Written as the locator's text when the locators are empty (as in
    templates/parts/index.html): a third faster to lay out than generated content, for the same
    pixels; else as `data-page`. Used here and by print/layout/index_pages.py."""
    if not number_links(links, pages):
        return None
    if any(len(link) or link.text for link in links):
        return _NUMBERED["index"][1]
    for link in links:
        link.text = link.get("data-page")
    return ".index-locator::after { content: none !important }"


def with_pages(unit: Unit, pages: dict[str, int]) -> Unit | None:
    """`unit` with the page numbers of the contents or the index written in (as the whole book's
    target-counter() would print them); None when a target has no page."""
    if unit.name not in ("front", "index"):
        return unit
    root = lxml_html.document_fromstring(unit.html)
    rule: str | None
    links, rule = _numbered_links(root, "toc" if unit.name == "front" else "index")
    if unit.name == "index":
        rule = number_locators(links, pages)
    elif not number_links(links, pages):
        rule = None
    if rule is None:
        return None
    style = etree.SubElement(root.find("head"), "style")
    style.text = rule
    html = "<!DOCTYPE html>\n" + lxml_html.tostring(root, encoding="unicode")
    return dataclasses.replace(unit, html=html, write=True)


def probe(front: Unit, name: str) -> Unit:
    """The front matter laid out only to count its pages, before the pages of the others are known:
    its contents numbered 1 throughout (a number of the kind it will have)."""
    links, _ = _numbered_links(lxml_html.document_fromstring(front.html), "toc")
    pages = {(link.get("href") or "").removeprefix("#"): 1 for link in links}
    numbered = with_pages(front, pages) or front
    return dataclasses.replace(numbered, name=name, alone=False, write=False)


def _numbered_links(root, kind: str) -> tuple[list, str]:
    """The links of the contents ("toc") or the index's locators ("index") whose numbers are written
    in, and the rule that prints them."""
    marker, rule = _NUMBERED[kind]
    if kind == "toc":
        return [link for link in root.iter("a")
                if any(marker in (ol.get("class") or "").split() for ol in link.iterancestors("ol"))], rule
    return [link for link in root.iter("a") if marker in (link.get("class") or "").split()], rule


@dataclass
class Laid:
    """A unit laid out, before it is written: what the parent needs to place it."""

    count: int  # its pages (without the half-title and blank page it was laid out after)
    anchors: dict[str, int]  # id -> page within the unit (1-based), for the ids it owns
    breaks: list[tuple[int, str | None, int]]  # breaks.page_breaks() within the unit
    overflowing: list[str]  # footnotes too long for their page
    warnings: list[str]
    refused: list[str]


class LaidOut:
    """A unit's layout kept in memory until it is written (in the worker process that made it)."""

    def __init__(self, book, unit: Unit, scopes: dict[str, str]):
        from anthology.print import pdf
        from anthology.print.layout.breaks import page_breaks

        self.book, self.unit = book, unit
        html, shared = _without_stylesheet(book, unit.html)
        options = {} if shared is None else {"font_config": shared.font_config, "stylesheets": [shared.sheet]}
        with margins.no_margin_boxes():  # made once, by write(), with the right page numbers
            self.result = pdf.lay_out(book, html, grayscale=book.print.grayscale, keep_context=True,
                                      lxml_parsed=True, **options)
        if shared is not None:
            self.result.warnings = shared.warnings + self.result.warnings
            pdf.record_fetches(shared.fetched)
        pages = self.result.document.pages
        self.skip = _SKIP if unit.alone else 0
        first = self.skip + 1  # the unit's first page in this layout (1-based)
        if len(pages) < first or not _starts_unit(pages, self.skip, unit):
            raise UnitError(f"{unit.name}: the unit does not begin on a right-hand page of its own")
        content = self.result.document.copy(pages[self.skip:])
        owned = set(unit.owned)
        anchors: dict[str, int] = {}
        for number, page in enumerate(content.pages, start=1):
            for anchor in page.anchors:
                if anchor in owned:
                    anchors.setdefault(anchor, number)
        self.laid = Laid(len(content.pages), anchors,
                         [tuple(b) for b in page_breaks(content, scopes)],
                         sorted(self.result.overflowing_notes()), self.result.warnings, self.result.refused)

    def write(self, start: int, blank_before: bool) -> bytes:
        """The unit's PDF, its first page numbered `start`, after a blank left-hand page when asked."""
        from anthology.print import pdf

        pages = self.result.document.pages
        first = self.skip
        if blank_before:
            if not self.unit.alone or not pages[1]._page_box.page_type.blank:
                raise UnitError(f"{self.unit.name}: no blank page to put before it")
            first = 1
        counted = self.result.context.page_maker[self.skip + 1][3][1].get("page", [self.skip + 1])[0]
        margins.renumber(self.result.document, self.result.context, start - counted, first)
        names = pages[self.skip].anchors  # the places it links to in other units, for the links to stay
        for target in self.unit.wanted:
            names.setdefault(target, (0, 0, 0, 0))
        document = self.result.document.copy(pages[first:])
        with pdf.captured_warnings() as warnings:
            data = document.write_pdf()
        self.result.warnings += [w for w in warnings if not any(n in w for n in pdf.MACHINE_NOTICES)]
        return data


class UnitError(Exception):
    """A unit could not be laid out as the whole book would be: the book is laid out whole instead."""


def _starts_unit(pages, skip: int, unit: Unit) -> bool:
    page = pages[skip]._page_box.page_type
    if not unit.alone:
        return True
    return page.side == "right" and not page.blank and bool(unit.owned) and unit.owned[0] in pages[skip].anchors


@dataclass
class _Sheet:
    font_config: object
    sheet: object
    warnings: list[str]
    fetched: list


# In each process (a worker, or the build's own for facing pages): the book's stylesheet, parsed once,
# by (URL, grayscale) -- a data: URL holds the text itself -- with the stat of every file parsing it
# read (the stylesheet's file, its imports, its fonts): a file changed since, in a long-lived process
# (`anthology serve`, or a worker forked from it), is parsed again, never served stale.
_SHEETS: dict[tuple[str, bool], tuple[tuple, _Sheet | None]] = {}


def _stamps(paths) -> tuple:
    """(path, size, modification time, inode, change time) of each file; None where it is gone."""
    found: list[tuple] = []
    for path in sorted({str(p) for p in paths}):
        try:
            stat = os.stat(path)
            found.append((path, stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns))
        except OSError:
            found.append((path, None))
    return tuple(found)


def _still_fresh(stamps: tuple) -> bool:
    return _stamps(stamp[0] for stamp in stamps) == stamps


def _without_stylesheet(book, html: str) -> tuple[str, _Sheet | None]:
    """The unit's HTML without its link to the book's stylesheet, and that stylesheet parsed once per
    process (with its fonts): parsing it took longer than laying out a short chapter. Given to
    WeasyPrint as a user stylesheet, it loses to the document's own rules (the page size, the page
    numbers written in) as it did by coming first; a stylesheet with `!important` (which would then
    win over them) stays linked."""
    from anthology.print import pdf

    match = _LINK.search(html)
    if match is None:
        return html, None
    url = match.group(1)
    key = (url, book.print.grayscale)
    if key not in _SHEETS or not _still_fresh(_SHEETS[key][0]):
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        from anthology.resources import TOOL_ROOT

        fetcher = pdf.BookFetcher([book.root, TOOL_ROOT / "styles"], book.print.grayscale)
        font_config = FontConfiguration()
        with pdf.recording_fetches() as fetched, pdf.captured_warnings() as warnings:
            try:
                response = fetcher.fetch(url)
                text = response.read().decode("utf-8", errors="replace")
                response.close()
            except Exception:  # noqa: BLE001 - refused or unreadable: the link stays, as for the whole book
                text = None
            if text is None or "!important" in text:
                parsed = None
            else:
                sheet = weasyprint.CSS(url=url, font_config=font_config, url_fetcher=fetcher)
                parsed = _Sheet(font_config, sheet, list(warnings), sorted(fetched))
        _SHEETS[key] = (_stamps(fetched), parsed)
    shared = _SHEETS[key][1]
    if shared is None:
        return html, None
    return html[:match.start()] + html[match.end():], shared


_LINK = re.compile(r'<link rel="stylesheet" href="([^"]+)">')


_WARM_UP = ("Wheat fields near Zhanaozen, <em>a song</em> and <strong>a testimony</strong>: "
            "extraordinarily international hyphenation, numbers 1234567890.")


def warm_up(manifest: Path) -> None:
    """Load what the first layout of a process would: WeasyPrint's fonts and the book's stylesheet,
    the hyphenation dictionary of its language, the PDF writer. A worker does it as soon as it
    starts, while the build's process reads the book: only the manifest's language and grayscale
    setting are read here. Anything going wrong is left to the real layout to show and report."""
    from html import escape
    from types import SimpleNamespace

    import yaml

    from anthology.book import styles
    from anthology.print import pdf

    try:
        root = Path(manifest).absolute().parent
        # the manifest as written, not checked yet (anything wrong and the warm-up is passed over)
        data: Any = yaml.safe_load(Path(manifest).read_text(encoding="utf-8")) or {}
        language = str(data.get("language") or "en")
        printing = data.get("print") if isinstance(data.get("print"), dict) else {}
        # a stand-in for the Book with what the layout reads of it (the book itself is read meanwhile)
        stand_in = SimpleNamespace(root=root, print=SimpleNamespace(grayscale=printing.get("grayscale") is True))
        book = cast("Book", stand_in)
        mode = data.get("styles") if data.get("styles") in styles.MODES else "add"
        url = styles.sheets(root, mode)[-1 if mode == "replace" else 0].as_uri()
        html = (f'<!DOCTYPE html>\n<html lang="{escape(language)}"><head>'
                f'<link rel="stylesheet" href="{escape(url)}"></head><body class="print">'
                f'<section class="piece"><p>{_WARM_UP}</p></section></body></html>')
        html, shared = _without_stylesheet(book, html)
        options: dict[str, Any] = {} if shared is None else {"font_config": shared.font_config,
                                                             "stylesheets": [shared.sheet]}
        with pdf.captured_warnings():
            pdf.lay_out(book, html, grayscale=book.print.grayscale, **options).document.write_pdf()
    except Exception:  # noqa: BLE001
        pass

"""The print edition laid out unit by unit (print/layout/parts.py), on every core, each unit's layout and PDF
kept in the build cache, joined into the book's PDF (print/layout/stitch.py).

Workers are forked processes, one per core (`ANTHOLOGY_JOBS` sets how many). Units go to them in
reading order: the front matter first, laid out to count its pages (its contents cannot be numbered
yet), then the chapters and the credits. A worker reports a unit's page count and keeps the layout
until the pages before it are counted, then renumbers its folios and writes it. With every chapter
counted, the index (its locators written in) and the front matter (its contents numbered) are laid
out; the front matter must come out as long as it was counted, or the book is laid out whole.

A unit whose HTML is unchanged since an earlier build is not laid out again: its page count comes
from the cache, and its PDF too when it begins on the same page. Editing one piece thus lays out
its chapter only, and the index and contents when page numbers moved.

Anything unexpected (a worker's error, a unit not shaped as the whole book would lay it out)
returns None: the caller then lays the book out whole, the way it always could.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from anthology import cache
from anthology.print.layout import parts as units_
from anthology.print.layout.pool import Pool, jobs

_PROBE = "front-count"  # the front matter laid out to count its pages


@dataclass
class Assembled:
    """The book's PDF made from units: what the rest of the build needs of its layout."""

    pages: int
    breaks: list[tuple[int, str | None, int]]  # breaks.page_breaks() of every page
    warnings: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    long_notes: frozenset[str] = frozenset()
    page_rules: str = ""
    anchors: dict[str, int] = field(default_factory=dict)  # the page of every anchor (id) of the book


def enabled() -> bool:
    """`ANTHOLOGY_UNITS=off` lays every book out whole, in one process."""
    from anthology import settings

    return settings.current().units


def applies(book, preset) -> bool:
    """Units serve the plain and press PDFs; a tagged PDF (one structure tree) and a print-on-demand
    service's margin checks (they read the whole layout) need the book laid out whole, and so does a
    right-to-left book (its units would open on left-hand pages: parts.py counts right-hand ones)."""
    return not book.print.tagged and preset is None and enabled() and book.direction != "rtl"


def whole_for_press(book) -> bool:
    """A PDF/X press edition is laid out whole, in the build's process: its colours and images are
    made CMYK as the layout fetches them (print/press/cmyk.py)."""
    return bool(book.print.pdf_x)


def assemble(book, env, entries, build_date, target: Path | None, *, press: bool = False, page_rules: str = "",
             progress=None, pool: Pool | None = None, on_laid=None) -> Assembled | None:
    """The book's PDF written to `target` from units (None: laid out for its page breaks only, an
    EPUB-only build writes no PDF); None when the book must be laid out whole.
    `pool`: workers started earlier (Pool), else started here; either way closed when this fails.
    `on_laid(breaks)`: called once every part is laid out, with breaks.page_breaks() of every page,
    while the last parts are written; again later while it returns False."""
    from anthology.epub import pagelist
    from anthology.print import source as pdf
    from anthology.print.layout import index_pages
    from anthology.text import index

    if press and whole_for_press(book):
        return None
    progress = progress or (lambda message: None)
    css = pdf.page_css(book, press, page_rules)
    long_notes: frozenset[str] = frozenset()

    def split(index_entries, notes) -> dict[str, units_.Unit] | None:
        found = units_.split(pdf.book_html(book, env, index_entries, build_date, css, notes))
        return {unit.name: unit for unit in found} if found else None

    first_index = index_pages.placeholder(index.for_print(entries)) if entries else []
    pieces = split(first_index, long_notes)
    if pieces is None or list(pieces)[0] != "front" or not _styles_allow_units(book, pieces["front"].html):
        return None
    order = [name for name in pieces if name not in ("front", "index")]  # chapters, credits
    has_index = "index" in pieces
    scopes = pagelist.scopes_of(book)
    state = _State(book, scopes, css)
    probe = units_.probe(pieces["front"], _PROBE)
    state.add(probe)
    for name in order:
        state.add(pieces[name])
    if len(order) > 2 and len(pieces[order[-1]].html) > len(pieces[order[-2]].html):
        # the unit laid out last delays the index and the contents: when the last unit (the credits,
        # which list every piece) is longer than the one before it, it is laid out first instead
        state.early = order[-1]
    own = pool is None or pool.failed
    if pool is None or own:
        pool = Pool(min(jobs(), len(order) + 1))
    pool.give(book, scopes)
    progress(f"laying out the print edition ({len(order) + 1 + has_index} parts, {len(pool.workers)} at a time)")
    final_queued = False
    done = False

    def names_in_order() -> list[str]:
        return ["front"] + order + (["index"] if has_index else [])

    def laid_hook(starts) -> None:
        """on_laid(), once every part is laid out (and the numbered front matter kept its length)."""
        nonlocal on_laid
        names = names_in_order()
        if on_laid is not None and final_queued and all(name in state.laid for name in names) \
                and state.laid["front"].count == state.laid[_PROBE].count and on_laid(state.breaks(starts, names)):
            on_laid = None

    try:
        while True:
            starts = state.place([_PROBE] + order)
            if not final_queued and all(name in starts and name in state.laid for name in order):
                final_queued = True
                progress("laying out the index and numbering the contents" if has_index else "numbering the contents")
                anchors = state.anchors(starts, [_PROBE] + order)
                if has_index:
                    index.resolve(entries, anchors)
                    final_index = _index_unit(book, env, pieces["index"], index.for_print(entries))
                    if final_index is None:  # a book's own templates: the whole book's HTML again
                        remade = split(index.for_print(entries), long_notes)
                        final_index = remade.get("index") if remade else None
                    numbered = units_.with_pages(final_index, anchors) if final_index else None
                    if numbered is None:
                        return None
                    state.add(numbered)
                    end = starts[order[-1]][0] + state.laid[order[-1]].count - 1
                    starts["index"] = (_right_after(end), _right_after(end) != end + 1)
                    anchors[index_pages.SECTION_ID] = starts["index"][0]  # all the contents name of it
                front = units_.with_pages(pieces["front"], anchors)
                if front is None:
                    return None
                state.add(front)
                starts["front"] = (1, False)
                state.final_starts = starts
            if final_queued:
                starts = {**starts, **state.final_starts}
                if "front" in state.laid and state.laid["front"].count != state.laid[_PROBE].count:
                    return None  # the numbered contents came out longer or shorter: lay out whole
            names = order + (["index"] if has_index else []) + ["front"]
            for name in state.order:  # the cached PDFs of units placed where they were before
                state.needs_layout(name, starts)
            if all(name in state.pdfs for name in names) and not pool.taken():
                done = True
                break
            if pool.failed:
                _gave_up(pool)
                return None
            pool.step(state, starts, before_waiting=lambda starts=starts: laid_hook(starts))
            if pool.failed:
                _gave_up(pool)
                return None
            for name, notes in state.overflowing.items():  # a footnote too long: at the end of its piece
                if name in ("front", "index"):  # the numbered front matter or index: the probe had none
                    return None
                long_notes = state.long_notes = long_notes | set(notes)
                remade = split(first_index, long_notes)
                wanted = "front" if name == _PROBE else name
                if remade is None or wanted not in remade:
                    return None
                state.replace(remade[name] if name != _PROBE else units_.probe(remade["front"], _PROBE))
                pieces = {**pieces, **{k: v for k, v in remade.items() if k != "index"}}
            state.overflowing.clear()
    finally:
        if own or not done:  # a pool left in the middle of its work is of no further use
            pool.close()
    final = names_in_order()
    fresh = len(state.worked & set(final))
    cached = f", {len(final) - fresh} from the cache" if fresh < len(final) else ""
    progress(f"{'writing the PDF' if target is not None else 'laid out'} ({starts[final[-1]][0] + state.laid[final[-1]].count - 1} pages: "
             f"{len(final)} parts, {fresh} laid out now{cached})")
    count = state.joiner.finish(final, target)
    for name in final:
        pdf.record_fetches(state.fetched.get(name, []))
    return Assembled(pages=count, breaks=state.breaks(starts, final),
                     warnings=_unique(w for name in final for w in state.warnings.get(name, [])),
                     refused=_unique(r for name in final for r in state.laid[name].refused),
                     long_notes=long_notes, page_rules=page_rules, anchors=state.anchors(starts, final))


def _gave_up(pool: Pool) -> None:
    """The workers failed: the caller lays the book out whole (and meets the error itself, if it is
    one of the book's); with ANTHOLOGY_TRACE_UNITS=1 the workers' own report is shown."""
    from anthology import settings

    if settings.current().trace_units and pool.error:
        import sys

        print(f"[units] laid out whole instead: {pool.error}", file=sys.stderr)
    return None


def _styles_allow_units(book, html: str) -> bool:
    """The book's stylesheet and the styles in its templates' head need nothing only a whole layout
    gives (units.css_allows_units)."""
    from lxml import html as lxml_html

    from anthology.book import styles

    head = lxml_html.document_fromstring(html).find("head")
    if head is None or len([link for link in head.iter("link") if link.get("rel") == "stylesheet"]) != 1:
        return False  # another stylesheet (a book's own template): not read here, so not trusted
    texts = [style.text or "" for style in head.iter("style")]
    try:
        texts.append(styles.print_text(book))
    except (OSError, UnicodeDecodeError):
        return False
    return all(units_.css_allows_units(text) and "@import" not in text for text in texts)


def _index_unit(book, env, placeholder: units_.Unit, entries: list) -> units_.Unit | None:
    """The index unit with every locator: templates/parts/index.html rendered alone in place of the
    placeholder's index (rendering the whole book again took a tenth of a second at 1x, on the way
    of every edit). Not with a book's own templates (they may give the index more than it takes)."""
    from anthology.templating import own_templates

    if own_templates(book.root) is not None:
        return None
    html = env.get_template("parts/index.html").render(book=book, index=entries, link=lambda target: f"#{target}")
    return units_.with_section(placeholder, html)


def _right_after(page: int) -> int:
    """The first right-hand (odd) page after `page`."""
    return page + 1 if (page + 1) % 2 else page + 2


def _unique(items) -> list:
    return list(dict.fromkeys(items))


class _State:
    """Every unit, what is known of it (laid out, PDF) and what the cache had."""

    def __init__(self, book, scopes, variant: str):
        from anthology.print.layout.stitch import Joiner

        self.book, self.scopes, self.variant = book, scopes, variant  # variant: the page rules
        self.joiner = Joiner()
        self.units: dict[str, units_.Unit] = {}
        self.laid: dict[str, units_.Laid] = {}
        self.pdfs: set[str] = set()  # units whose PDF is in the joiner
        self.fetched: dict[str, list[str]] = {}
        self.warnings: dict[str, list[str]] = {}
        self.overflowing: dict[str, list[str]] = {}
        self.retries: dict[str, int] = {}
        self.long_notes: frozenset[str] = frozenset()
        self.final_starts: dict[str, tuple[int, bool]] = {}
        self.worked: set[str] = set()
        self.missed: set[tuple[str, tuple[int, bool]]] = set()
        self.order: list[str] = []  # reading order (the front matter's probe first)
        self.early: str | None = None  # laid out right after the probe (lay_order())
        self.last = frozenset({"front", "index"})  # once queued, laid out before any write waits

    def key(self, unit: units_.Unit, kind: str) -> str:
        """A unit's place in the cache: one entry per unit of this book and page style (an edit
        replaces it, its old PDF goes with it); its HTML is checked against the entry's."""
        return cache.key("print-unit", kind, str(self.book.manifest), unit.name, unit.alone,
                         self.book.print.grayscale, self.variant)

    def _entry(self, unit: units_.Unit, kind: str, **expected):
        entry = cache.lookup(self.key(unit, kind))
        wanted = {"html": hashlib.sha256(unit.html.encode()).hexdigest(), **expected}
        if entry is None or any(entry.data.get(k) != v for k, v in wanted.items()):
            return None
        return entry

    def add(self, unit: units_.Unit) -> None:
        self.units[unit.name] = unit
        if unit.name not in self.order:
            self.order.append(unit.name)
        entry = self._entry(unit, "laid")
        if entry is not None:
            try:
                self.laid[unit.name] = units_.Laid(**entry.data["laid"])
                self.fetched[unit.name] = entry.data["fetched"]
                self.warnings[unit.name] = list(self.laid[unit.name].warnings)
            except (KeyError, TypeError):
                pass

    def replace(self, unit: units_.Unit) -> None:
        for table in (self.laid, self.fetched, self.warnings):
            table.pop(unit.name, None)
        self.pdfs.discard(unit.name)
        self.add(unit)

    def lay_order(self) -> list[str]:
        """The order in which units are laid out: the reading order (a unit is written as soon as
        the units before it are counted), but for `early`, put right after the front matter's probe."""
        if self.early not in self.order:
            return self.order
        rest = [name for name in self.order if name != self.early]
        return rest[:1] + [self.early] + rest[1:]

    def needs_layout(self, name: str, starts) -> bool:
        """Whether the unit must be laid out (again); a PDF found in the cache is taken meanwhile."""
        if name not in self.laid:
            return True
        unit = self.units[name]
        if not unit.write or name in self.pdfs or name not in starts:
            return False
        if (name, starts[name]) in self.missed:
            return True
        self.missed.add((name, starts[name]))  # looked up once: a miss stays a miss in this build
        entry = self._entry(unit, "pdf", start=list(starts[name]))
        content = entry.read("unit.pdf") if entry else None
        if content is not None:
            self.pdfs.add(name)
            self.joiner.add(name, content, unit.owned)
            return False
        return True

    def laid_out(self, name: str, laid: units_.Laid, fetched: list[str]) -> bool:
        """Record a unit's layout; False when it must be laid out again, with its too long footnotes
        at the end of their piece (twice at most, as for the whole book)."""
        self.worked.add(name)
        if set(laid.overflowing) - self.long_notes and self.retries.get(name, 0) < 2:
            self.overflowing[name] = laid.overflowing
            self.retries[name] = self.retries.get(name, 0) + 1
            return False
        self.laid[name] = laid
        self.fetched[name] = fetched
        self.warnings[name] = list(laid.warnings)
        unit = self.units[name]
        cache.store(self.key(unit, "laid"), [Path(p) for p in fetched], {},
                    {"html": hashlib.sha256(unit.html.encode()).hexdigest(), "laid": asdict(laid), "fetched": fetched},
                    prune_now=False)
        return True

    def written(self, name: str, start: tuple[int, bool], data: bytes, warnings: list[str]) -> None:
        self.pdfs.add(name)
        self.joiner.add(name, data, self.units[name].owned)  # here, while the workers go on
        self.warnings[name] = self.warnings.get(name, []) + warnings
        unit = self.units[name]
        cache.store(self.key(unit, "pdf"), [Path(p) for p in self.fetched.get(name, [])], {"unit.pdf": data},
                    {"html": hashlib.sha256(unit.html.encode()).hexdigest(), "start": list(start)}, prune_now=False)

    def place(self, names: list[str]) -> dict[str, tuple[int, bool]]:
        """(first page, blank page before it) of every unit whose earlier units are all counted."""
        starts: dict[str, tuple[int, bool]] = {}
        if _PROBE not in self.laid:
            return starts
        end = self.laid[_PROBE].count
        for name in names[1:]:
            start = _right_after(end)
            starts[name] = (start, start != end + 1)
            if name not in self.laid or name in self.overflowing:
                break
            end = start + self.laid[name].count - 1
        return starts

    def anchors(self, starts, names: list[str]) -> dict[str, int]:
        found = {}
        for name in names:
            first = 1 if name == _PROBE else starts[name][0]
            found.update({anchor: first + page - 1 for anchor, page in self.laid[name].anchors.items()})
        return found

    def breaks(self, starts, names: list[str]) -> list[tuple[int, str | None, int]]:
        found: list[tuple[int, str | None, int]] = []
        for name in names:
            first, blank = starts[name]
            if blank:
                found.append((first - 1, None, 0))
            found += [(first + number - 1, scope, chars) for number, scope, chars in self.laid[name].breaks]
        return found

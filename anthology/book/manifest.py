"""book.yaml -> a validated Book: every piece read, every problem reported at once with its line."""

from __future__ import annotations

import dataclasses
import re
import uuid
from pathlib import Path
from types import SimpleNamespace

from anthology.book import glyphs
from anthology.book import images
from anthology.book import limits
from anthology.book import stylesheet as own_stylesheet
from anthology.book import styles
from anthology.text import markup
from anthology.book import schema
from anthology.book import lengths
from anthology.book import printers as presets
from anthology.book import profiles
from anthology.errors import Problems
from anthology.book.labels import NAMES as LABEL_NAMES, Labels
from anthology.book.labels import problem as label_problem
from anthology.book.model import Book, Chapter, IndexTerm, Piece, PrintSettings
from anthology.book.sources import LineDict, LineList, SourceError, parse_yaml, read_text, split_front_matter


def slug(text: str) -> str:
    """A file name or id from a text in any script: transliterated to Latin letters (anyascii, so
    'письмо' -> 'pismo'), lower case, words joined by hyphens."""
    text = str(text)
    if not text.isascii():
        from anyascii import anyascii

        text = anyascii(text)
    text = re.sub(r"[^\w\s-]", "", text.lower(), flags=re.ASCII)
    return re.sub(r"[\s_-]+", "-", text).strip("-") or "book"


def load_book(manifest: Path) -> Book:
    """Read and validate the whole book; raise BookError with every problem found."""
    manifest = Path(manifest).absolute()
    root = manifest.parent
    problems = Problems(root)
    with markup.remembered_conversions() as conversions:
        loader = _Loader(root, manifest, problems, conversions)
        book = loader.load()
    loader.check_anchor_links(book)
    if book is not None:
        for term in unused_index_terms(book):
            forms = ", ".join(f"'{form}'" for form in term.forms)
            problems.warn(manifest, term.line, f"the index term '{term.term}' occurs nowhere in the book "
                                               f"(looked for {forms}): correct its forms: or remove it",
                          "INDEX-UNUSED")
    own = styles.own_sheet(root)
    if own is not None:  # the book's own stylesheet: data, checked like the rest
        own_stylesheet.check(own, root, problems.add)
    if book is not None:
        # which fonts the print edition adds for other scripts, and what none covers: a problem of the
        # print edition only (build.py), never of the EPUB or the site
        book = dataclasses.replace(book, glyphs=glyphs.survey(loader.texts, styles.sheets(root, book.styles)))
        problems.warnings += glyphs.problems(book, "warning")
    problems.raise_if_any()
    assert book is not None, "the loader returns no book only after reporting a problem"
    # the Book is frozen (book/model.py): what was learnt while checking it is given as it is made
    return dataclasses.replace(book, sources=list(loader.texts), warnings=problems.warnings)


class _Loader:
    def __init__(self, root: Path, manifest: Path, problems: Problems, conversions: markup.Conversions | None = None):
        self.root, self.manifest, self.problems = root, manifest, problems
        self.conversions = conversions  # Markdown conversions remembered between builds (text/markup.py)
        self.piece_ids: dict[Path, str] = {}
        self.texts: dict[Path, str] = {}  # every source text read, for the glyph check
        self.language = "en"  # the book's, once the manifest is read
        self.anchor_links: list[tuple[Path, int, str, str, str]] = []  # (file, line, as written, prefix, anchor)
        self._read: dict[Path, str | None] = {}
        self._front: dict[Path, tuple | SourceError | None] = {}  # front_matter(), parsed once per file
        self.series: dict[str, str] = {}
        self.parallel = "facing"

    def report(self, path: Path, line: int | None, message: str) -> None:
        self.problems.add(path, line, message)

    # -- generic helpers --------------------------------------------------------------------
    def fields(self, data: LineDict, keys: dict, where: Path, what: str) -> dict:
        """Check a mapping against declared keys; return the normalised values."""
        values = {}
        for name in data:
            if name not in keys:
                known = ", ".join(keys)
                self.report(where, data.line_of(name), f"unknown key '{name}' in {what} (known keys: {known})")
        for name, key in keys.items():
            if name not in data or data[name] is None:
                if key.required:
                    self.report(where, data.line, f"{what} has no '{name}': add {name}: …")
                continue
            value, problem = schema.check_value(key, data[name])
            if problem:
                self.report(where, data.line_of(name), f"'{name}' {problem}")
            else:
                values[name] = value
        return values

    def path(self, target: str, base: Path, where: Path, line: int, what: str) -> Path | None:
        path = (base / target).resolve()
        root = self.root.resolve()
        if root not in path.parents:
            self.report(where, line, f"{what} '{target}' is outside the book's folder {self.root}")
            return None
        if not path.is_file():
            self.report(where, line, f"{what} '{target}' does not exist")
            return None
        return path

    def read(self, path: Path) -> str | None:
        """The file's text, or None (and problems reported) when it cannot be read or breaks a
        limit of limits.py (control characters, absurd lines or words, nesting, size)."""
        if path in self._read:
            return self._read[path]
        self._read[path] = self._read_once(path)
        return self._read[path]

    def front_matter(self, path: Path, report: bool = True):
        """(front, data, body, body_line) of a Markdown file: `front` None when it has no front
        matter, `data` its YAML with the file's own line numbers (data.line 1); None when the file
        cannot be read or its YAML is wrong (reported when `report`). Parsed once per file."""
        if path not in self._front:
            text = self.read(path)
            if text is None:
                self._front[path] = None
            else:
                try:
                    front, body, body_line = split_front_matter(text)
                    data = parse_yaml(front, first_line=2) if front is not None else None
                except SourceError as exc:
                    self._front[path] = exc
                else:
                    if isinstance(data, LineDict):
                        data.line, data.lines = 1, {k: v + 1 for k, v in data.lines.items()}
                    self._front[path] = (front, data, body, body_line)
        found = self._front[path]
        if isinstance(found, SourceError):
            if report:
                self.report(path, found.line, found.message)
            return None
        return found

    def _read_once(self, path: Path) -> str | None:
        manifest = path == self.manifest
        try:
            text = read_text(path, limits.MAX_MANIFEST_BYTES if manifest else limits.MAX_SOURCE_BYTES)
        except SourceError as exc:
            self.report(path, exc.line, exc.message)
            return None
        found = limits.text_problems(text, markdown=not manifest)
        for line, message in found:
            self.report(path, line, message)
        self.texts[path] = "" if found else text  # a source of the book either way (the preview watches it)
        return None if found else text

    # -- the book -----------------------------------------------------------------------------
    def load(self) -> Book | None:
        text = self.read(self.manifest)
        if text is None:
            return None
        try:
            data = parse_yaml(text)
        except SourceError as exc:
            self.report(self.manifest, exc.line, exc.message)
            return None
        if not isinstance(data, LineDict):
            self.report(self.manifest, 1, "the manifest must be a YAML mapping with title:, language: and chapters:")
            return None
        meta = self.fields(data, schema.BOOK, self.manifest, "the manifest")
        self.language = meta.get("language", "en")
        title = meta.get("title", "Untitled")
        labels = self.labels(meta.get("language", "en"), data.get("labels"))
        self.series = {"tn": labels.note_tn, "ed": labels.note_ed}  # the labels of translators' and editors' notes
        self.parallel = meta.get("parallel", "facing")  # the book's default for pieces with an original
        chapters_data = data.get("chapters")
        if not isinstance(chapters_data, list):
            chapters_data = []
        plans = self.plan_chapters(chapters_data)
        chapters = [self.chapter(n, plan) for n, plan in enumerate(plans, start=1)]
        if not any(chapter.pieces for chapter in chapters) and "chapters" in meta:
            self.report(self.manifest, data.line_of("chapters"), "the book has no pieces: list Markdown files under chapters: → pieces:")
        base = self.manifest.parent
        preface = rights = None
        if "preface" in meta:
            path = self.path(meta["preface"], base, self.manifest, data.line_of("preface"), "the preface")
            preface = self.markdown_file(path, "preface") if path else None
        if "rights" in meta:
            rights = self.markdown_text(meta["rights"], self.manifest, data.line_of("rights") + 1, "rights")
        cover = None
        if "cover" in meta:
            cover = self.path(meta["cover"], base, self.manifest, data.line_of("cover"), "the cover image")
            if cover and cover.suffix.lower() not in (".png", ".jpg", ".jpeg"):
                self.report(self.manifest, data.line_of("cover"), "the cover must be a PNG or JPEG image")
            elif cover:
                for problem in images.problems(cover):
                    self.report(self.manifest, data.line_of("cover"), f"the cover image '{meta['cover']}' {problem}")
        mode = meta.get("styles", "add")
        if mode not in styles.MODES:
            self.report(self.manifest, data.line_of("styles"), f"'styles' must be add (the book's styles/book.css "
                        f"is loaded after the tool's) or replace (it is the only stylesheet), not '{mode}'")
        output = meta.get("output") or slug(title)
        if not re.match(r"^[\w.-]+$", output):
            self.report(self.manifest, data.line_of("output"), f"'output' must be a plain file name without folders (got '{output}')")
        return Book(
            root=self.root, manifest=self.manifest, title=title, language=meta.get("language", "en"),
            identifier=meta.get("identifier") or f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'anthology:' + title)}",
            output=output, chapters=chapters, subtitle=meta.get("subtitle"), editors=meta.get("editors", []),
            publisher=meta.get("publisher"), date=meta.get("date"), rights=rights,
            description=meta.get("description"), cover=cover, preface=preface,
            index=self.index(data.get("index")), print=self.print_settings(data.get("print")),
            labels=labels,
            lines=_lines(data), styles=mode if mode in styles.MODES else "add",
        )

    def plan_chapters(self, chapters_data: list) -> list[tuple]:
        """First pass: every chapter's keys and every piece's path, so links can be resolved."""
        plans = []
        seen_ids: dict[str, tuple[Path, str]] = {}
        for n, item in enumerate(chapters_data):
            line = chapters_data.line_of(n) if isinstance(chapters_data, LineList) else None
            if not isinstance(item, LineDict):
                self.report(self.manifest, line, "each chapter must be a mapping with title: and pieces:")
                continue
            meta = self.fields(item, schema.CHAPTER, self.manifest, "a chapter")
            pieces = []
            raw = item.get("pieces")
            if not isinstance(raw, LineList):
                raw = LineList()
            if isinstance(item.get("pieces"), LineList) and not raw:
                self.report(self.manifest, item.line_of("pieces"),
                            f"the chapter '{meta.get('title', n + 1)}' has no pieces: list its Markdown files "
                            "under pieces:, or remove the chapter")
            for i, entry in enumerate(raw):
                entry_line = raw.line_of(i)
                overrides = LineDict()
                overrides.line, overrides.lines = entry_line, {}
                if isinstance(entry, str):
                    target = entry
                elif isinstance(entry, LineDict) and isinstance(entry.get("file"), str):
                    target = entry["file"]
                    for key, value in entry.items():
                        if key != "file":
                            overrides[key] = value
                            overrides.lines[key] = entry.line_of(key)
                else:
                    self.report(self.manifest, entry_line, "a piece must be a path to a Markdown file, or a mapping with file:")
                    continue
                path = self.path(target, self.manifest.parent, self.manifest, entry_line, "the piece")
                if path is None:
                    continue
                if path in self.piece_ids:
                    self.report(self.manifest, entry_line, f"the piece '{target}' is listed twice")
                    continue
                given = overrides.get("id") if isinstance(overrides.get("id"), str) else self.front_id(path)
                piece_id = slug(given or path.stem)
                where = "its id:" if given else f"its file name '{path.name}'"
                if piece_id in seen_ids:
                    other, other_where = seen_ids[piece_id]
                    self.report(self.manifest, entry_line,
                                f"the piece '{target}' gets the id '{piece_id}' (from {where}), which "
                                f"'{self.problems.display(other)}' already has (from {other_where}): give one "
                                "of them another id: in its front matter, or another file name")
                    continue
                if piece_id in RESERVED_IDS or piece_id.startswith("chapter-"):
                    self.report(self.manifest, entry_line, f"the piece id '{piece_id}' (from {where}) is reserved "
                                "for a part of the book: give the piece another id: or file name")
                    continue
                seen_ids[piece_id] = (path, where)
                self.piece_ids[path] = piece_id
                pieces.append((path, piece_id, overrides))
            plans.append((item, meta, pieces))
        return plans

    def front_id(self, path: Path) -> str | None:
        """The id: of a piece's front matter, if it has one (problems are reported when it is read)."""
        found = self.front_matter(path, report=False)
        if found is None:
            return None
        data = found[1]
        value = data.get("id") if isinstance(data, dict) else None
        return str(value).strip() if isinstance(value, (str, int)) and str(value).strip() else None

    def check_anchor_links(self, book: Book | None) -> None:
        """Every link to #anchor (in the same text or another piece) finds an id there."""
        if book is None:
            return
        texts = {piece.id: piece.body for piece in book.pieces}
        texts.update({chapter.id: chapter.intro for chapter in book.chapters})
        texts.update({"preface": book.preface, "rights": book.rights})
        ids: dict[str, set[str]] = {}
        for path, line, target, prefix, anchor in self.anchor_links:
            if prefix not in ids:
                fragment = texts.get(prefix)
                html = (fragment.html + "".join(h for _n, h in fragment.notes)) if fragment else ""
                ids[prefix] = set(re.findall(r'\bid="([^"]+)"', html))
                if fragment:
                    ids[prefix] |= {f"{prefix}-note-{n}" for n, _h in fragment.notes}
                ids[prefix] |= {f"{prefix}-title", prefix}  # the piece's (or chapter's) own title
            wanted = markup.anchor_id(prefix, anchor)
            if prefix in texts and wanted not in ids[prefix] and anchor not in ids[prefix]:
                self.report(path, line, f"the link '{target}' points to '#{anchor}', which is no heading or id "
                                        f"in {'this text' if target.startswith('#') else target.split('#')[0]}: "
                                        "link to a heading's text or an {: #id } written there")

    def chapter(self, number: int, plan: tuple) -> Chapter:
        item, meta, piece_plans = plan
        chapter_id = f"chapter-{number}"
        intro = None
        if "intro" in meta:
            path = self.path(meta["intro"], self.manifest.parent, self.manifest, item.line_of("intro"), "the chapter intro")
            intro = self.markdown_file(path, chapter_id) if path else None
        pieces = [self.piece(path, piece_id, overrides) for path, piece_id, overrides in piece_plans]
        # the chapter claims its pieces as it is made (Chapter.__post_init__ sets each piece's chapter)
        return Chapter(id=chapter_id, title=meta.get("title", "Untitled"), intro=intro,
                       pieces=[piece for piece in pieces if piece])

    def piece(self, path: Path, piece_id: str, overrides: LineDict) -> Piece | None:
        found = self.front_matter(path)
        if found is None:
            return None
        front, data, body, body_line = found
        if front is None:
            self.report(path, 1, "the piece has no front matter: start the file with '---', title: …, '---'")
            data = LineDict()
            data.line, data.lines = 1, {}
        elif data is None:
            data = LineDict()
            data.line, data.lines = 1, {}
        elif not isinstance(data, LineDict):
            self.report(path, 2, "the front matter must be YAML keys (title: …)")
            return None
        meta = self.fields(data, schema.PIECE, path, "the front matter")
        override = self.fields(overrides, {k: schema.Key(v.type) for k, v in schema.PIECE.items()},
                               self.manifest, f"the manifest entry for {path.name}")
        meta.update(override)
        if "title" not in meta:
            return None
        kind = meta.get("kind", "article")
        fragment = self.markdown_text(body, path, body_line, piece_id, kind=kind,
                                      language=meta.get("language") or self.language)
        meta.pop("id", None)
        if meta.get("language") == self.language:
            meta.pop("language")
        original = meta.pop("original", None)
        parallel = meta.pop("parallel", None)
        piece = Piece(id=piece_id, path=path, kind=kind, body=fragment, **{k: v for k, v in meta.items() if k != "kind"})
        def where(key: str) -> tuple[Path, int]:
            return (self.manifest, overrides.line_of(key)) if key in overrides else (path, data.line_of(key))

        if original is not None:
            found = self.original(piece, original, where("original"), (body, body_line))
            if found is not None:
                piece = dataclasses.replace(piece, original=found, parallel=parallel or self.parallel)
        elif parallel is not None and parallel != "off":
            self.report(*where("parallel"), f"'parallel: {parallel}' needs the piece's original: add original: "
                                            "FILE.md (and original_language:), or remove parallel:")
        return piece

    def original(self, piece: Piece, target: str, where: tuple[Path, int], translation: tuple):
        """The piece's original (original: FILE.md, relative to the piece), read like a piece and
        checked chunk by chunk against the translation (text/parallel.py)."""
        from anthology.book.model import Original
        from anthology.book.direction import direction
        from anthology.text import parallel

        if not piece.original_language:
            self.report(*where, "original: needs original_language: (the original's BCP 47 tag, e.g. ru, de, kk-Cyrl)")
            return None
        path = self.path(target, piece.path.parent, where[0], where[1], "the original")
        if path is None:
            return None
        if path == piece.path or path in self.piece_ids:
            self.report(*where, f"the original '{target}' is a piece of the book: name a file of its own")
            return None
        found = self.front_matter(path)
        if found is None:
            return None
        _front, data, body, body_line = found
        title = None
        if data is not None and not isinstance(data, LineDict):
            self.report(path, 2, "the original's front matter must be YAML keys (title: …)")
        elif data is not None:
            title = self.fields(data, schema.ORIGINAL, path, "the original's front matter").get("title")
        fragment = self.markdown_text(body, path, body_line, f"{piece.id}_original", kind=piece.kind,
                                      language=piece.original_language)
        if piece.body is None or not piece.body.html and not fragment.html:
            return None
        failed = parallel.pairing_problem(piece.body.html, fragment.html)
        if failed is not None:
            index, what = failed
            ours = parallel.source_lines(translation[0], translation[1], piece.body.html)
            theirs = parallel.source_lines(body, body_line, fragment.html)
            n, m = parallel.counts(piece.body.html, fragment.html)
            line_t = ours[min(index, len(ours) - 1)] if ours else translation[1]
            line_o = theirs[min(index, len(theirs) - 1)] if theirs else body_line
            self.report(piece.path, line_t,
                        f"the translation has {n} chunks and its original {path.relative_to(self.root)} {m}: they "
                        f"pair up to chunk {index}; {what} (translation line {line_t}, original line {line_o}). "
                        "Split or join paragraphs, or group blocks with ':::' lines (docs/parallel-text.md)")
            return None
        return Original(path=path, language=piece.original_language, body=fragment, title=title,
                        direction=direction(piece.original_language))

    def markdown_file(self, path: Path, prefix: str):
        text = self.read(path)
        if text is None:
            return None
        try:
            front, body, body_line = split_front_matter(text)
        except SourceError as exc:
            self.report(path, exc.line, exc.message)
            return None
        if front is not None:
            self.report(path, 1, "this file takes no front matter: remove the '---' block")
        return self.markdown_text(body, path, body_line, prefix)

    def markdown_text(self, text: str, path: Path, first_line: int, prefix: str, kind: str = "article",
                      language: str | None = None):
        ctx = markup.Context(
            language=language or self.language,
            anchor_link=lambda line, target, into, anchor: self.anchor_links.append((path, line, target, into, anchor)),
            source=path, first_line=first_line, root=self.root, id_prefix=prefix,
            report=lambda line, message: self.report(path, line, message),
            piece_for=lambda p: self.piece_ids.get(Path(p).resolve()), kind=kind,
            warn=lambda line, message: self.problems.warn(path, line, message, "ALT-TODO"),
            series=self.series, conversions=self.conversions,
        )
        return markup.render(text, ctx)

    # -- index and print ------------------------------------------------------------------------
    def index(self, data) -> list[IndexTerm]:
        if not isinstance(data, LineList):
            return []
        terms = []
        for n, item in enumerate(data):
            if isinstance(item, str) and item.strip():
                terms.append(IndexTerm(item.strip(), [item.strip()], data.line_of(n)))
            elif isinstance(item, LineDict):
                meta = self.fields(item, schema.INDEX_TERM, self.manifest, "an index term")
                if "term" in meta:
                    terms.append(IndexTerm(meta["term"], meta.get("forms") or [meta["term"]], data.line_of(n)))
            else:
                self.report(self.manifest, data.line_of(n), "an index entry must be a term, or a mapping with term: and forms:")
        return terms

    def labels(self, language: str, data) -> Labels:
        overrides: dict[str, str | dict] = {}
        if isinstance(data, LineDict):
            for name, value in data.items():
                if name not in LABEL_NAMES:
                    self.report(self.manifest, data.line_of(name),
                                f"unknown label '{name}' under labels: (known: {', '.join(LABEL_NAMES)})")
                elif isinstance(value, dict) and not label_problem(name, value):
                    overrides[name] = dict(value)
                elif isinstance(value, dict):
                    bad = next((k for k in value if label_problem(name, {k: value[k]})), None)
                    line = value.line_of(bad) if bad is not None and isinstance(value, LineDict) else data.line_of(name)
                    self.report(self.manifest, line, f"the label '{name}' {label_problem(name, value)}")
                elif not isinstance(value, str) or not value.strip():
                    self.report(self.manifest, data.line_of(name), f"the label '{name}' must be text")
                elif label_problem(name, value):
                    self.report(self.manifest, data.line_of(name), f"the label '{name}' {label_problem(name, value)}")
                else:
                    overrides[name] = value
        return Labels(language, overrides)

    def print_settings(self, data) -> PrintSettings:
        if not isinstance(data, LineDict):
            return PrintSettings()
        # the settings are gathered on a draft, then frozen (book/model.py): PrintSettings(**draft)
        settings = SimpleNamespace(**{f.name: getattr(PrintSettings(), f.name) for f in dataclasses.fields(PrintSettings)})
        meta = self.fields(data, schema.PRINT, self.manifest, "print:")

        def trim(v) -> None:
            settings.trim = lengths.paper(v)
            settings.trim_name = v

        converters = {
            "trim": trim,
            "bleed": lambda v: setattr(settings, "bleed", lengths.length(v)),
            "creep": lambda v: setattr(settings, "creep", lengths.length(v)),
            "sheet": lambda v: setattr(settings, "sheet", _landscape(lengths.paper(v))),
            "marks": lambda v: setattr(settings, "marks", _marks(v)),
            "signature": lambda v: setattr(settings, "signature", v),
            "tagged": lambda v: setattr(settings, "tagged", v),
            "paper": lambda v: setattr(settings, "paper_thickness", _paper(v)),
            "barcode": lambda v: setattr(settings, "barcode", _choice(v, schema.BARCODES, "barcode setting") == "area"),
            "zine-back": lambda v: setattr(settings, "zine_back", _choice(v, schema.ZINE_BACKS, "zine back cover")),
        }
        converters["printer"] = lambda v: setattr(settings, "printer", _printer(v))
        converters["grayscale"] = lambda v: setattr(settings, "grayscale", v)
        converters["pdf-x"] = lambda v: setattr(settings, "pdf_x", _pdf_x(v))
        converters["output-intent"] = lambda v: setattr(settings, "output_intent", profiles.resolve(v, self.root))
        # the preset first: every other key of print: overrides what it sets
        for name, value in sorted(meta.items(), key=lambda item: item[0] != "printer"):
            try:
                converters[name](value)
                if name == "printer" and settings.printer is not None:  # _printer() names a preset or raises
                    settings.grayscale = presets.PRESETS[settings.printer].grayscale
                    settings.pdf_x = presets.PRESETS[settings.printer].pdf_x
            except ValueError as exc:
                self.report(self.manifest, data.line_of(name), f"print: {name}: {exc}")
                continue
            problem = limits.print_problem(name, getattr(settings, name, None))
            if problem:
                self.report(self.manifest, data.line_of(name), f"print: {name}: '{value}' {problem}")
        if settings.pdf_x and settings.output_intent is None:
            settings.output_intent = profiles.SHIPPED[profiles.DEFAULT]
        if not settings.pdf_x:
            settings.output_intent = None
        if settings.printer:
            preset = presets.PRESETS[settings.printer]
            settings.pdf_x_interior = bool(preset.pdf_x and settings.pdf_x)
            if not preset.prints(settings.trim):
                where = "trim" if "trim" in data else "printer"
                width, height = (v / 72 for v in settings.trim)
                self.report(self.manifest, data.line_of(where),
                            f"print: trim: {preset.service} does not print {settings.trim_name} "
                            f"({width:.2f} × {height:.2f} in); it prints {preset.describe_trims()}")
        return PrintSettings(**vars(settings))


def unused_index_terms(book: Book) -> list[IndexTerm]:
    """The manifest's index terms none of whose forms occurs in the book's texts (a search of their
    text, headings left out as the index leaves them out; `anthology check` reports them too)."""
    if not book.index:
        return []
    forms = sorted({form for term in book.index for form in term.forms}, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(f) for f in forms) + r")(?!\w)")
    texts = [book.preface] + [c.intro for c in book.chapters] + [p.body for p in book.pieces]
    found: set[str] = set()
    for fragment in texts:
        if fragment is None:
            continue
        for html in [fragment.html] + [note for _n, note in fragment.notes]:
            text = re.sub(r"<h[1-6][^>]*>.*?</h[1-6]>", " ", html, flags=re.S)
            text = re.sub(r"<[^>]+>", "", text).replace("&amp;", "&")
            found.update(pattern.findall(text))
    return [term for term in book.index if not found.intersection(term.forms)]


def _lines(data: LineDict) -> dict[str, int]:
    """The manifest line of every top-level key and of every key under print: ('print.trim')."""
    lines = {name: data.line_of(name) for name in data}
    if isinstance(data.get("print"), LineDict):
        lines.update({f"print.{name}": data["print"].line_of(name) for name in data["print"]})
    return lines


# the EPUB documents, and the pages of the web edition (search.html, book-index.html)
RESERVED_IDS = {"cover", "titlepage", "halftitle", "rights", "toc", "nav", "preface", "credits", "index", "style",
                "search", "book-index"}


def _landscape(size: tuple[float, float]) -> tuple[float, float]:
    return (max(size), min(size))


def _printer(value: str) -> str:
    name = str(value).strip().lower()
    if name not in presets.PRESETS:
        raise ValueError(f"'{value}' is not a printer this tool knows: use {', '.join(presets.PRESETS)}")
    return name


def _pdf_x(value: str) -> str | None:
    name = str(value).strip().lower().replace("pdf/", "").replace("pdfx", "x")
    if name in ("none", "no", ""):
        return None
    if name not in profiles.VARIANTS:
        raise ValueError(f"'{value}' is not a PDF/X variant this tool writes: use {', '.join(profiles.VARIANTS)} "
                         "or none")
    return name


def _paper(value: str) -> float:
    """white, cream or a thickness a page ('0.06mm') -> points a page."""
    name = str(value).strip().lower()
    if name in schema.PAPERS:
        return schema.PAPERS[name] * 72
    try:
        thickness = lengths.length(name)
    except ValueError:
        raise ValueError(f"'{value}' is not a paper: use {', '.join(schema.PAPERS)} or a thickness a page "
                         "such as 0.06mm") from None
    if not 0 < thickness < 1 * 72 / 25.4:
        raise ValueError(f"'{value}' is not a plausible thickness for one page (0.05mm to 0.2mm is usual)")
    return thickness


def _choice(value: str, choices: tuple[str, ...], what: str) -> str:
    value = str(value).strip().lower()
    if value not in choices:
        raise ValueError(f"'{value}' is not a {what}: use {' or '.join(choices)}")
    return value


def _marks(value: str) -> bool:
    value = value.strip().lower()
    if value in ("crop", "crop cross", "cross crop", "cross"):
        return True
    if value in ("none", "no", ""):
        return False
    raise ValueError(f"'{value}' is not a kind of marks: use crop or none")

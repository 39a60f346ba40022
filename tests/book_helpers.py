"""Helpers for the end-to-end tests: read built EPUBs and PDFs, compare their text with the sources.

Written against the contract (issue 2), not against the package's internals: the only package
calls are the CLI entry point, load_book() for errors, and validate.epubcheck().
"""

from __future__ import annotations

import io
import re
import shutil
import textwrap
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import yaml
from lxml import etree

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REPO = Path(__file__).resolve().parent.parent
EPOCH = "1700000000"  # SOURCE_DATE_EPOCH of every shared build (tests/conftest.py)

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
    "container": "urn:oasis:names:tc:opendocument:xmlns:container",
}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


# ------------------------------------------------------------------------------ running the CLI


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(*argv: str | Path) -> Run:
    """Call anthology.cli.main in-process and capture what it prints."""
    from anthology.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], stdout=out, stderr=err)
    return Run(code, out.getvalue(), err.getvalue())


def copy_fixture(name: str, target: Path) -> Path:
    """Copy tests/fixtures/<name> to target; return the copied manifest."""
    shutil.copytree(FIXTURES / name, target)
    return target / "book.yaml"


def build_variant(tmp_path_factory, label: str, fixture: str, *argv: str, edit=None) -> tuple[Path, Path]:
    """Copy a fixture book, let `edit(folder)` change it, build it with argv at EPOCH; (book folder, out)."""
    import pytest

    work = tmp_path_factory.mktemp(label)
    manifest = copy_fixture(fixture, work / "book")
    if edit:
        edit(work / "book")
    out = work / "out"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        run = run_cli("build", manifest, "--out", out, *argv)
    assert run.code == 0, run.err
    return work / "book", out


def write_book(folder: Path, manifest: str, files: dict[str, str | bytes]) -> Path:
    """Write book.yaml and the given files (text is dedented); return the manifest path."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "book.yaml").write_text(textwrap.dedent(manifest), encoding="utf-8")
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return folder / "book.yaml"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under folder (hidden ones too) with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ------------------------------------------------------------------------------ reading sources


@dataclass
class SourcePiece:
    path: Path
    front: dict
    overrides: dict
    body: str
    chapter: str

    @property
    def title(self) -> str:
        return self.overrides.get("title", self.front.get("title"))

    @property
    def kind(self) -> str:
        return self.overrides.get("kind", self.front.get("kind", "article"))

    @property
    def authors(self) -> list[str]:
        return list(self.overrides.get("authors", self.front.get("authors", [])))

    @property
    def translators(self) -> list[str]:
        return list(self.overrides.get("translators", self.front.get("translators", [])))


def read_source(path: Path) -> str:
    return path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")


def split_front(text: str) -> tuple[dict, str]:
    if not text.startswith("---\n"):
        return {}, text
    end = text.index("\n---\n", 3)
    return yaml.safe_load(text[4:end]) or {}, text[end + 5:]


def source_pieces(manifest: Path) -> list[SourcePiece]:
    """The pieces of a book in manifest order, read independently of the package."""
    data = yaml.safe_load(read_source(manifest))
    pieces = []
    for chapter in data["chapters"]:
        for entry in chapter["pieces"]:
            overrides = {}
            if isinstance(entry, dict):
                overrides = {k: v for k, v in entry.items() if k != "file"}
                entry = entry["file"]
            path = manifest.parent / entry
            front, body = split_front(read_source(path))
            pieces.append(SourcePiece(path, front, overrides, body, chapter["title"]))
    return pieces


def piece_file(piece: SourcePiece) -> str:
    """The contract names no EPUB file names; the package names them after the file (or id:)."""
    return f"{piece.overrides.get('id', piece.front.get('id', piece.path.stem))}.xhtml"


_NOTE_DEF = re.compile(r"^\[\^[^\]]+\]:\s*", re.M)


def source_paragraphs(body: str, notes: bool = True) -> list[str]:
    """Plain text of each paragraph (and footnote, unless notes=False) of a Markdown body."""
    text = re.sub(r"<script\b.*?</script>", " ", body, flags=re.S | re.I)
    paragraphs = []
    for block in re.split(r"\n\s*\n", text):
        if re.match(r"\s*!\[", block):  # a figure: its alt is not text, its caption is checked apart
            continue
        if not notes and _NOTE_DEF.match(block.strip()):
            continue
        block = _NOTE_DEF.sub("", block)
        block = re.sub(r"\[\^[^\]]+\]", " ", block)                 # note calls
        block = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", block)          # inline images
        block = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", block)      # links: their text
        block = re.sub(r"\{:[^}]*\}", " ", block)                   # attribute lists
        block = re.sub(r"<[^>]+>", " ", block)                      # raw HTML tags
        block = re.sub(r"^\s*(#+|>|\|?\s*-{3,}.*)", " ", block, flags=re.M)
        if words(block):
            paragraphs.append(block)
    return paragraphs


def element_text(element) -> str:
    """An element's text, every run of whitespace one space."""
    return " ".join("".join(element.itertext()).split())


def built_pdf(built):
    """A shared build's PDF read by pypdf, read once (kept on the Built)."""
    from pypdf import PdfReader

    if not hasattr(built, "_reader"):
        built._reader = PdfReader(built.pdf)
    return built._reader


def main_words(built) -> list[list[str]]:
    """Words of the main text (running head and folio removed) of every page of a shared build's
    PDF, read once."""
    if not hasattr(built, "_main_words"):
        built._main_words = [words(pdf_main_text(page)) for page in built_pdf(built).pages]
    return built._main_words


def words(text: str) -> list[str]:
    """Comparable words: lower case, hyphens (and soft hyphens) ignored, digits apart from letters."""
    text = re.sub(r"(\w)[-\u2010\u00ad]\s*\n\s*(\w)", r"\1\2", text)  # a word hyphenated at line end
    text = re.sub(r"[-\u2010\u2011\u00ad]", "", text)
    return re.findall(r"[^\W\d_]+|\d+", text.lower())


def contains_in_order(haystack: list[str], needle: list[str], max_gap: int = 0) -> bool:
    """needle occurs in haystack in order, with at most max_gap foreign words between two of its
    words (running heads, folios, note calls and printed link addresses interrupt the PDF text)."""
    if not needle:
        return True
    for start, word in enumerate(haystack):
        if word != needle[0]:
            continue
        pos, ok = start, True
        for want in needle[1:]:
            window = haystack[pos + 1: pos + 2 + max_gap]
            try:
                pos = pos + 1 + window.index(want)
            except ValueError:
                ok = False
                break
        if ok:
            return True
    return False


# ------------------------------------------------------------------------------ reading an EPUB


class Epub:
    def __init__(self, path: Path):
        self.path = path
        self.zip = zipfile.ZipFile(path)
        container = etree.fromstring(self.zip.read("META-INF/container.xml"))
        self.opf_path = container.find(".//container:rootfile", NS).get("full-path")
        self.base = PurePosixPath(self.opf_path).parent
        self.opf = etree.fromstring(self.zip.read(self.opf_path))

    def name(self, href: str) -> str:
        return str(self.base / href) if str(self.base) != "." else href

    def read(self, href: str) -> bytes:
        return self.zip.read(self.name(href))

    def xml(self, href: str):
        return etree.fromstring(self.read(href))

    @property
    def manifest(self) -> dict[str, dict]:
        return {item.get("id"): dict(item.attrib) for item in self.opf.findall(".//opf:manifest/opf:item", NS)}

    def by_href(self, href: str) -> dict | None:
        return next((i for i in self.manifest.values() if i["href"] == href), None)

    @property
    def spine(self) -> list[str]:
        manifest = self.manifest
        return [manifest[ref.get("idref")]["href"] for ref in self.opf.findall(".//opf:spine/opf:itemref", NS)]

    def metadata(self, tag: str) -> list:
        return self.opf.findall(f".//opf:metadata/{tag}", NS)

    def refines(self, element_id: str, prop: str) -> list:
        return [m for m in self.metadata("opf:meta")
                if m.get("refines") == f"#{element_id}" and m.get("property") == prop]

    @property
    def nav_href(self) -> str:
        return next(i["href"] for i in self.manifest.values() if "nav" in i.get("properties", "").split())

    def documents(self) -> dict[str, bytes]:
        return {i["href"]: self.read(i["href"]) for i in self.manifest.values()
                if i["media-type"] == "application/xhtml+xml"}

    def text(self, href: str) -> str:
        root = self.xml(href)
        body = root.find("x:body", NS)
        return " ".join(body.itertext())


def resolve_href(base: str, href: str) -> tuple[str, str]:
    """(file inside the EPUB package, fragment) of a relative href found in the package's document `base`."""
    path, _, fragment = href.partition("#")
    target = str(PurePosixPath(base).parent / path) if path else base
    target = re.sub(r"^\./", "", target)
    parts: list[str] = []
    for part in target.split("/"):
        if part == "..":
            parts.pop()
        elif part and part != ".":
            parts.append(part)
    return "/".join(parts), fragment


def xhtml_ids(root) -> set[str]:
    return {el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id")}


# ------------------------------------------------------------------------------ reading a PDF


def pdf_pages_text(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(path).pages]


def outline_titles(outline) -> list:
    """pypdf's outline as nested lists of titles: [title, [children...]], ..."""
    out = []
    for item in outline:
        if isinstance(item, list):
            out.append(outline_titles(item))
        else:
            out.append(item.title)
    return out


def fonts_of(reader) -> dict[str, object]:
    """Every font dictionary reachable from the pages (form XObjects included), by base font name."""
    fonts: dict[str, object] = {}

    def walk(resources, seen):
        if resources is None:
            return
        resources = resources.get_object()
        font_dict = resources.get("/Font")
        if font_dict is not None:
            for ref in font_dict.get_object().values():
                font = ref.get_object()
                fonts[f"{font.get('/BaseFont')}#{id(font)}"] = font
        xobjects = resources.get("/XObject")
        if xobjects is not None:
            for ref in xobjects.get_object().values():
                xobj = ref.get_object()
                key = getattr(ref, "idnum", id(xobj))
                if key in seen:
                    continue
                seen.add(key)
                walk(xobj.get("/Resources"), seen)

    for page in reader.pages:
        walk(page.get("/Resources"), set())
    return fonts


def font_file(font) -> object | None:
    """The embedded font program of a font dictionary, or None."""
    if font.get("/Subtype") == "/Type3":
        return font.get("/CharProcs")  # glyphs drawn in the PDF itself
    descriptor = font.get("/FontDescriptor")
    if font.get("/Subtype") == "/Type0":
        descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
    if descriptor is None:
        return None
    descriptor = descriptor.get_object()
    for key in ("/FontFile", "/FontFile2", "/FontFile3"):
        if key in descriptor:
            return descriptor[key].get_object()
    return None


# ------------------------------------------------------------------------------ print layout (issues 4, 5)

MM = 72 / 25.4
XHTML_NS = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class PdfRun:
    """A run of text on a PDF page and where it starts (points, origin bottom left)."""

    text: str
    x: float
    y: float
    size: float


def pdf_runs(page) -> list[PdfRun]:
    """The text runs of a page with their start position, from pypdf's extraction visitor."""
    found: list[PdfRun] = []

    def visit(text, cm, tm, font_dict, font_size):
        if not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = (tm[3] * cm[3]) or 1
        found.append(PdfRun(text, x, y, abs(font_size * scale)))

    page.extract_text(visitor_text=visit)
    return found


def page_height(page) -> float:
    return float(page.trimbox.height)


def pdf_main_text(page, top: float = 18 * MM, bottom: float = 20 * MM) -> str:
    """The text of the page area (main flow and footnotes): runs in the top margin (running head)
    and bottom margin (folio) are left out. Margins are those of styles/book.css (18 mm, 20 mm)."""
    box = page.trimbox
    low, high = float(box.bottom) + bottom - 3, float(box.top) - top + 3
    return "".join(run.text for run in pdf_runs(page) if low < run.y < high)


def pdf_margin_runs(page, top: float = 18 * MM, bottom: float = 20 * MM) -> tuple[list[PdfRun], list[PdfRun]]:
    """(runs in the top margin, runs in the bottom margin) of a page."""
    box = page.trimbox
    low, high = float(box.bottom) + bottom - 3, float(box.top) - top + 3
    runs = pdf_runs(page)
    return [r for r in runs if r.y >= high], [r for r in runs if r.y <= low]


def _skipped_in_reading(element) -> bool:
    """Footnote asides, note lists and note calls are not part of the running text."""
    classes = (element.get("class") or "").split()
    return (element.tag == f"{XHTML_NS}aside" or element.get(EPUB_TYPE) in ("noteref", "footnote")
            or "notes" in classes or "noteref" in classes)


def words_around_page_breaks(root, count: int = 8) -> list[tuple[str, str, list[str]]]:
    """(label, the word before the marker, the first `count` words after it) for every
    epub:type="pagebreak" marker of an XHTML document, in document order; notes and note calls
    are skipped."""
    seen: list[str] = []
    found: list[tuple[str, str, list[str]]] = []

    def feed(text):
        if text:
            new = words(text)
            seen.extend(new)
            for _label, _before, collected in found:
                if len(collected) < count:
                    collected.extend(new)

    def walk(element):
        if element.get(EPUB_TYPE) == "pagebreak":
            found.append((element.get("aria-label") or element.get("title") or "", seen[-1] if seen else "", []))
            return
        feed(element.text)
        for child in element:
            if isinstance(child.tag, str) and not _skipped_in_reading(child):
                walk(child)
            feed(child.tail)

    walk(root.find("x:body", NS))
    return [(label, before, collected[:count]) for label, before, collected in found]


def words_after_page_breaks(root, count: int = 8) -> list[tuple[str, list[str]]]:
    """(label, the first `count` words after the marker) for every pagebreak marker."""
    return [(label, after) for label, _before, after in words_around_page_breaks(root, count)]


def nav_list(nav_root, kind: str):
    """The <nav epub:type=kind> of a nav document, or None."""
    return next((n for n in nav_root.iter(f"{XHTML_NS}nav") if n.get(EPUB_TYPE) == kind), None)

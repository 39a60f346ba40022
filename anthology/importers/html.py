"""HTML (.html, .xhtml) -> Draft, sanitised: no script, style, handler or remote image gets through;
local and inline (data:) images are taken in, remote ones reported and not fetched; footnotes are
recognised, also in the file the note links point at; verse, the title, headings and languages kept.

`finish()` is also the last step of the Word, OpenDocument and EPUB importers: all give the same
cleaned body HTML.
"""

from __future__ import annotations

import base64
import binascii
import re
from pathlib import Path, PurePosixPath
from collections.abc import Callable
from urllib.parse import unquote

from lxml import etree, html as lxml_html

from anthology.importers import Draft, Unreadable
from anthology.importers import archive as archives, encoding, footnotes, structure, verse, webpage
from anthology.importers.footnotes import NOTE_TOKEN  # noqa: F401 (the Markdown writer's token)
from anthology.text.sanitize import ALLOWED, DROPPED, remove_element, sanitize

TODO_ALT = "TODO: describe this image"
COMMENT_TOKEN = "ANTHOLOGYCOMMENT{}X"  # stands for a reviewer's comment until the Markdown is written
_IMAGE_TYPES = {".png": ".png", ".jpg": ".jpg", ".jpeg": ".jpg", ".gif": ".gif", ".svg": ".svg"}
_DATA_TYPES = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/svg+xml": ".svg"}
_REMOTE = re.compile(r"^([a-z][a-z0-9+.-]*:|//)", re.I)
_KEPT_LINK = re.compile(r"^(https?:|mailto:)", re.I)
_PATH_LIKE = re.compile(r"^([a-z]:[\\/]|\\\\|/|~/|file:|https?:|www\.)|\.(jpe?g|png|gif|bmp|tiff?|webp|svg|emf|wmf)$",
                        re.I)
_NOT_HTML = (b"PK\x03\x04", b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\xd0\xcf\x11\xe0", b"{\\rtf")

# a sibling document's path (relative to this one) -> its bytes, or None when it is not there
Loader = Callable[[str], "bytes | None"]


def read(path: Path, whole_page: bool = False) -> Draft:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise Unreadable(f"{path}: cannot read it: {exc.strerror}") from None
    folder = path.parent.resolve()

    def sibling(name: str) -> bytes | None:
        target = (path.parent / unquote(name)).resolve()
        if folder not in target.parents or not target.is_file() or target.suffix.lower() not in (".html", ".htm", ".xhtml"):
            return None
        return target.read_bytes()

    return read_document(data, path, sibling, path.parent.resolve(), whole_page=whole_page)


def read_document(data: bytes, path: Path, sibling: Loader, image_folder: Path | None,
                  images: dict[str, bytes] | None = None, image_loader=None, whole_page: bool = True) -> Draft:
    """One HTML document (a file, or an EPUB's member named by path) -> Draft; a web site's page is cut
    to its main text unless whole_page."""
    document, decoded = _parse(data, path)
    draft_language = _language(document)
    title = _meta(document, "title") or _first_text(document, "//head/title")
    authors = [a.strip() for a in re.split(r";", _meta(document, "author") or "") if a.strip()]
    title = webpage.page_title(title, document)
    extracted = None
    if not whole_page and webpage.is_web_page(document):
        body, kept, total = webpage.main_text(document)
        extracted = (f"main text: {kept:,} of the page's {total:,} words kept by readability-lxml (navigation, "
                     "sidebars and banners left out; --whole-page keeps everything)")
    else:
        body = document.find("body")
    if body is None:
        body = document
    root = lxml_html.fragment_fromstring("<div></div>")
    root.text, body.text = body.text, None
    for child in list(body):
        root.append(child)
    title, subtitle, dropped = structure.take_title(root, title)
    parsed: dict[str, dict | None] = {}

    def resolve(href: str) -> dict | None:
        if href not in parsed:
            other = sibling(href)
            parsed[href] = None
            if other is not None:
                try:
                    tree, _ = _parse(other, PurePosixPath(href))
                except Unreadable:
                    tree = None
                if tree is not None:
                    parsed[href] = {el.get("id"): el for el in tree.iter() if isinstance(el.tag, str) and el.get("id")}
        return parsed[href]

    draft = finish(root, path, images if images is not None else {}, resolve=resolve,
                   image_folder=image_folder, image_loader=image_loader)
    draft.title, draft.authors, draft.subtitle = title or None, authors, subtitle
    draft.language = draft_language
    draft.findings[:0] = dropped
    if extracted:
        draft.findings.insert(0, extracted)
        draft.checks.append("the page was cut to its main text: check that nothing of the article is missing "
                            "(import again with --whole-page to keep the whole page)")
    if decoded.how == "guessed":
        draft.checks.append(f"the file does not say its encoding: it was read as {decoded.encoding} (a guess by "
                            "charset-normalizer): check its accented and non-Latin letters")
        draft.findings.insert(0, f"encoding: {decoded.encoding}, guessed")
    else:
        draft.findings.insert(0, f"encoding: {decoded.encoding} ({decoded.how})")
    return draft


def _parse(data: bytes, path) -> tuple[lxml_html.HtmlElement, encoding.Decoded]:
    """The document tree of HTML bytes; Unreadable for what is not HTML or declares XML entities."""
    if not data.strip():
        raise Unreadable(f"{path}: the file is empty")
    if data.lstrip().startswith(_NOT_HTML) or b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Unreadable(f"{path}: this is not an HTML file (its content is binary: another format under an "
                         "HTML name?)")
    decoded = encoding.decode(data)
    if decoded is None:
        raise Unreadable(f"{path}: cannot tell the file's character encoding: save it as UTF-8")
    text = decoded.text
    if re.search(r"<!ENTITY", text[:100_000], re.I):
        raise Unreadable(f"{path}: the file declares XML entities (<!ENTITY …>), which can explode in size "
                         "(an XML bomb) or read other files: remove its <!DOCTYPE …> block")
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    try:
        document = lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise Unreadable(f"{path}: cannot read it as HTML: {exc}") from None
    return document, decoded


def _language(document) -> str | None:
    for element in (document, document.find("body")):
        if element is None:
            continue
        lang = element.get("lang") or element.get("xml:lang")
        if lang and re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", lang.strip()):
            return lang.strip()
    return None


def finish(root, source: Path, images: dict[str, bytes], resolve=None, image_folder: Path | None = None,
           image_loader=None) -> Draft:
    """Clean a body tree in place and return the Draft: footnotes, verse, images, links, headings,
    sanitising; what was found and lost goes to draft.findings."""
    draft = Draft(images=images)
    dropped = sorted({el.tag for el in root.iter() if isinstance(el.tag, str) and el.tag.lower() in DROPPED})
    handlers = sum(1 for el in root.iter() if isinstance(el.tag, str)
                   for name in el.attrib if name.lower().startswith("on"))
    notes, lost = footnotes.take(root, resolve)
    stanzas, lines = verse.mark(root)
    for holder in [root] + notes:
        _keep_languages(holder)
        _take_images(holder, source, draft, image_folder, image_loader)
        sanitize(holder)
        _unwrap_local_links(holder, draft)
    _captions(root)
    shifted = structure.shift_headings(root)
    for holder in [root] + notes:
        for anchor in holder.xpath(".//a[not(@href)]"):
            anchor.drop_tag()
    if dropped:
        draft.checks.append(f"removed from the text: {', '.join(f'<{t}>' for t in dropped)} (not allowed in the book)")
        draft.findings.append(f"dropped: {', '.join(f'<{t}>' for t in dropped)}")
    if handlers:
        draft.checks.append(f"removed {handlers} event handler attribute{'s' if handlers != 1 else ''} (on…=)")
    draft.findings.append(f"notes: {len(notes)} found" + (f", {len(lost)} lost" if lost else ""))
    for item in lost:
        draft.checks.append(item)
        draft.findings.append(f"note lost: {item}")
    if stanzas:
        draft.findings.append(f"verse: {stanzas} stanza{'s' if stanzas != 1 else ''}, {lines} line{'s' if lines != 1 else ''}")
        if _all_verse(root):
            draft.kind = "lyrics"
    if shifted:
        draft.findings.append("headings: " + ", ".join(f"{a} -> {b}" for a, b in sorted(shifted.items()))
                              + " (the first level under the title is ##)")
    inner = structure.languages(root)
    if inner:
        draft.findings.append("languages marked in the text: " + ", ".join(inner))
    draft.html = _serialize(root)
    draft.notes = [_serialize(note) for note in notes]
    return draft


def _all_verse(root) -> bool:
    """Nothing but verse (and no headings) in the body: the piece is a poem or a song."""
    if (root.text or "").strip():
        return False
    for child in root:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "div" and child.get("class") == "verse":
            continue
        if "".join(child.itertext()).strip() or child.find(".//img") is not None:
            return False
    return True


def _keep_languages(root) -> None:
    """xml:lang becomes lang; an element the book does not keep but that says its language (Standard
    Ebooks' <dfn xml:lang="ru-Latn">) becomes a <span> that keeps it."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        lang = element.attrib.pop("xml:lang", None) or element.attrib.pop("{http://www.w3.org/XML/1998/namespace}lang", None)
        if lang and not element.get("lang"):
            element.set("lang", lang)
        if element.get("lang") and element.tag.lower() not in ALLOWED and element.tag.lower() not in DROPPED:
            element.tag = "span"


# --- images -------------------------------------------------------------------------------------

def _take_images(root, source: Path, draft: Draft, folder: Path | None = None, loader=None) -> None:
    """Every <img> becomes a provisional name in draft.images, or goes (and is reported). An alt
    text that is a file's name or an address says nothing: it is reported and marked TODO."""
    todo = 0
    for img in list(root.iter("img")):
        src = (img.get("src") or "").strip()
        name = src if src in draft.images else (loader(src, draft) if loader else _load(src, source, draft, folder))
        if name is None:
            remove_element(img)
            continue
        for attribute in list(img.attrib):
            if attribute not in ("src", "alt", "title"):
                del img.attrib[attribute]
        img.set("src", name)
        alt = " ".join((img.get("alt") or "").split()).replace("[", "(").replace("]", ")")
        if alt and _PATH_LIKE.search(alt):
            draft.checks.append(f"an image’s alt text was a file name or an address ({alt}), not a description: "
                                f"write one where the piece says “{TODO_ALT}”")
            alt = ""
            todo -= 1  # reported above
        draft.findings.append(f"image {name}: alt text “{alt or TODO_ALT}”"
                              + (f", caption “{img.get('title')}”" if img.get("title") else ""))
        if not alt:
            todo += 1
            alt = TODO_ALT
        img.set("alt", alt)
    if todo > 0:
        draft.checks.append(f"{todo} image{'s have' if todo != 1 else ' has'} no alt text: write a description "
                            f"where the piece says “{TODO_ALT}” (the build reports it until then)")


def _load(src: str, source: Path, draft: Draft, folder: Path | None = None) -> str | None:
    if not src:
        draft.checks.append("an image without a source was left out")
        return None
    if src.lower().startswith("data:"):
        match = re.match(r"data:([\w/+.-]+);base64,(.*)$", src, re.S)
        extension = _DATA_TYPES.get(match.group(1).lower()) if match else None
        if match is None or extension is None:
            draft.checks.append("an inline image of an unknown type was left out")
            return None
        try:
            data = base64.b64decode(match.group(2), validate=False)
        except (binascii.Error, ValueError):
            draft.checks.append("an inline image that could not be decoded was left out")
            return None
        archives.check_image(data, f"inline image{extension}", source)
        return _add_picture(draft, data, extension, "an inline image")
    if _REMOTE.match(src):
        draft.checks.append(f"the remote image {src} was not fetched: download it, if you may use it, "
                            "put it in the book's folder and add it by hand")
        return None
    folder = folder or source.parent.resolve()
    path = (folder / unquote(src.split("?")[0].split("#")[0])).resolve()
    extension = _IMAGE_TYPES.get(path.suffix.lower())
    if folder not in path.parents or not path.is_file() or extension is None:
        draft.checks.append(f"the image {src} was left out: it is not a PNG, JPEG, GIF or SVG file "
                            f"in {folder}")
        return None
    data = path.read_bytes()
    archives.check_image(data, path.name, source)
    return _add_picture(draft, data, extension, src)


def _add_picture(draft: Draft, data: bytes, extension: str, name: str) -> str | None:
    if archives.is_pixel(data):
        draft.findings.append(f"dropped: {name}, an image of 1 or 2 pixels (a tracking pixel or a spacer)")
        return None
    return _add(draft, data, extension)


def _add(draft: Draft, data: bytes, extension: str) -> str:
    name = f"image-{len(draft.images) + 1}{extension}"
    draft.images[name] = data
    return name


def _captions(root) -> None:
    """A caption paragraph (Word's Caption style) right after an image alone in its paragraph becomes
    the image's title, which the book prints as the figure's caption."""
    for caption in root.xpath(".//p[@class='image-caption']"):
        previous = caption.getprevious()
        images = previous.findall("img") if previous is not None and previous.tag == "p" else []
        text = " ".join("".join(caption.itertext()).split())
        if len(images) == 1 and not "".join(previous.itertext()).strip() and text and not images[0].get("title"):
            if text == images[0].get("alt"):  # Pandoc repeats the alt text as the caption: once is enough
                caption.getparent().remove(caption)
                continue
            images[0].set("title", text.replace('"', "\u201d"))
            caption.getparent().remove(caption)
        else:
            del caption.attrib["class"]


# --- links and text -----------------------------------------------------------------------------

def _unwrap_local_links(root, draft: Draft) -> None:
    """Links to the web and mail stay; links to other files or places in the document lose their
    target (the text stays): they would lead nowhere in the book."""
    lost = []
    for anchor in list(root.iter("a")):
        href = anchor.get("href")
        if href is None:
            continue
        if href.strip().startswith("//"):  # scheme-relative: an address on the web, not a file
            href = "https:" + href.strip()
            anchor.set("href", href)
        if _KEPT_LINK.match(href.strip()):
            continue
        if not href.startswith("#"):
            lost.append(href)
        del anchor.attrib["href"]
    if lost:
        draft.checks.append("links to other files became plain text: " + ", ".join(sorted(set(lost))))


def _meta(document, name: str) -> str | None:
    for meta in document.xpath("//meta[@name]"):
        if meta.get("name", "").lower() in (name, f"dc.{name}", f"dcterms.{name}") and (meta.get("content") or "").strip():
            return meta.get("content").strip()
    return None


def _first_text(document, xpath: str) -> str | None:
    for element in document.xpath(xpath):
        text = " ".join("".join(element.itertext()).split())
        if text:
            return text
    return None


def _serialize(root) -> str:
    return (root.text or "") + "".join(etree.tostring(child, method="html", encoding="unicode") for child in root)

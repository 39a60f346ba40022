"""HTML (.html) -> Draft, sanitised: no script, style, handler or remote image gets through; local and
inline (data:) images are taken in, remote ones reported and not fetched; footnotes are recognised.

`finish()` is also the last step of the Word importer: both give the same cleaned body HTML.
"""

from __future__ import annotations

import base64
import binascii
import re
from pathlib import Path
from urllib.parse import unquote

from lxml import etree, html as lxml_html

from anthology.importers import Draft, Unreadable
from anthology.text.sanitize import DROPPED, remove_element, sanitize

TODO_ALT = "TODO: describe this image"
NOTE_TOKEN = "ANTHOLOGYNOTEREF{}X"  # stands for a footnote call until the Markdown is written
_IMAGE_TYPES = {".png": ".png", ".jpg": ".jpg", ".jpeg": ".jpg", ".gif": ".gif", ".svg": ".svg"}
_DATA_TYPES = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/svg+xml": ".svg"}
_REMOTE = re.compile(r"^([a-z][a-z0-9+.-]*:|//)", re.I)
_KEPT_LINK = re.compile(r"^(https?:|mailto:)", re.I)
_NOTE_TEXT = re.compile(r"^\W{0,2}(\d{1,3}|[ivxlc]{1,6}|[*†‡§])\W{0,2}$", re.I)
_BACKLINK_TEXT = {"↑", "↩", "↩︎", "^", "back", "return"}


def read(path: Path) -> Draft:
    try:
        data = path.read_bytes()
        document = lxml_html.document_fromstring(data) if data.strip() else None
    except (OSError, etree.ParserError, ValueError) as exc:
        raise Unreadable(f"{path}: cannot read it as HTML: {exc}") from None
    if document is None:
        raise Unreadable(f"{path}: the file is empty")
    title = _meta(document, "title") or _first_text(document, "//head/title")
    authors = [a.strip() for a in re.split(r";", _meta(document, "author") or "") if a.strip()]
    body = document.find("body")
    if body is None:
        body = document
    root = lxml_html.fragment_fromstring("<div></div>")
    root.text, body.text = body.text, None
    for child in list(body):
        root.append(child)
    heading = root.find(".//h1")
    if heading is not None and (not title or " ".join("".join(heading.itertext()).split()) == title):
        title = " ".join("".join(heading.itertext()).split()) or title
        remove_element(heading)
    draft = finish(root, path, {})
    draft.title, draft.authors = title or None, authors
    return draft


def finish(root, source: Path, images: dict[str, bytes]) -> Draft:
    """Clean a body tree in place and return the Draft: images, footnotes, links, sanitising."""
    draft = Draft(images=images)
    dropped = sorted({el.tag for el in root.iter() if isinstance(el.tag, str) and el.tag.lower() in DROPPED})
    handlers = sum(1 for el in root.iter() if isinstance(el.tag, str)
                   for name in el.attrib if name.lower().startswith("on"))
    notes = _take_footnotes(root)
    _take_images(root, source, draft)
    sanitize(root)
    _unwrap_local_links(root, draft)
    _captions(root)
    for anchor in root.xpath(".//a[not(@href)]"):
        anchor.drop_tag()
    if dropped:
        draft.checks.append(f"removed from the text: {', '.join(f'<{t}>' for t in dropped)} (not allowed in the book)")
    if handlers:
        draft.checks.append(f"removed {handlers} event handler attribute{'s' if handlers != 1 else ''} (on…=)")
    draft.html = _serialize(root)
    draft.notes = [_serialize(note) for note in notes]
    return draft


# --- footnotes ------------------------------------------------------------------------------------

def _take_footnotes(root) -> list:
    """Replace each footnote call with a token and take the notes out; returns the notes in order."""
    ids = {el.get("id"): el for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    order: dict[str, int] = {}
    notes = []
    for anchor in list(root.iter("a")):
        href = anchor.get("href") or ""
        target = ids.get(href[1:]) if href.startswith("#") else None
        text = "".join(anchor.itertext()).strip()
        marked = (anchor.getparent() is not None and anchor.getparent().tag == "sup") or \
            any(word in (anchor.get("class") or "") + (anchor.get("role") or "") for word in ("footnote-ref", "noteref")) \
            or "noteref" in " ".join(v for k, v in anchor.attrib.items() if k.endswith("type"))
        if target is None or not marked or not _NOTE_TEXT.match(text) or target.tag in ("h1", "h2", "h3", "h4"):
            continue
        key = href[1:]
        if key not in order:
            order[key] = len(order) + 1
            notes.append(_note_content(target, anchor.get("id")))
        call = anchor.getparent() if anchor.getparent().tag == "sup" and len(anchor.getparent()) == 1 \
            and not (anchor.getparent().text or "").strip() else anchor
        token = NOTE_TOKEN.format(order[key])
        call.text, call.tail = None, token + (call.tail or "")
        remove_element(call)
    for container in root.xpath(".//section|.//div|.//ol|.//aside|.//footer"):
        if container.getparent() is not None and _empty(container):
            container.getparent().remove(container)
    return notes


def _note_content(target, ref_id: str | None):
    """The note's content as a <div>, without its back link; the note is removed from the body."""
    for back in list(target.iter("a")):
        href = back.get("href") or ""
        if (ref_id and href == f"#{ref_id}") or "".join(back.itertext()).strip() in _BACKLINK_TEXT:
            remove_element(back)
    holder = lxml_html.fragment_fromstring("<div></div>")
    if target.tag in ("li", "aside", "div", "section", "p", "span"):
        holder.text = target.text
        for child in list(target):
            holder.append(child)
        if target.tag in ("p", "span"):
            wrapped = etree.SubElement(holder, "p")
            wrapped.text, holder.text = holder.text, None
            for child in list(holder)[:-1]:
                wrapped.append(child)
    if target.getparent() is not None:
        target.getparent().remove(target)
    return holder


def _empty(element) -> bool:
    return not "".join(element.itertext()).strip() and element.find(".//img") is None


# --- images -------------------------------------------------------------------------------------

def _take_images(root, source: Path, draft: Draft) -> None:
    """Every <img> becomes a provisional name in draft.images, or goes (and is reported)."""
    todo = 0
    for img in list(root.iter("img")):
        src = (img.get("src") or "").strip()
        name = src if src in draft.images else _load(src, source, draft)
        if name is None:
            remove_element(img)
            continue
        for attribute in list(img.attrib):
            if attribute not in ("src", "alt", "title"):
                del img.attrib[attribute]
        img.set("src", name)
        alt = " ".join((img.get("alt") or "").split()).replace("[", "(").replace("]", ")")
        if not alt:
            todo += 1
            alt = TODO_ALT
        img.set("alt", alt)
    if todo:
        draft.checks.append(f"{todo} image{'s have' if todo != 1 else ' has'} no alt text: write a description "
                            f"where the piece says “{TODO_ALT}” (the build reports it until then)")


def _load(src: str, source: Path, draft: Draft) -> str | None:
    if not src:
        draft.checks.append("an image without a source was left out")
        return None
    if src.lower().startswith("data:"):
        match = re.match(r"data:([\w/+.-]+);base64,(.*)$", src, re.S)
        extension = _DATA_TYPES.get(match.group(1).lower()) if match else None
        if extension is None:
            draft.checks.append("an inline image of an unknown type was left out")
            return None
        try:
            return _add(draft, base64.b64decode(match.group(2), validate=False), extension)
        except (binascii.Error, ValueError):
            draft.checks.append("an inline image that could not be decoded was left out")
            return None
    if _REMOTE.match(src):
        draft.checks.append(f"the remote image {src} was not fetched: download it, if you may use it, "
                            "put it in the book's folder and add it by hand")
        return None
    folder = source.parent.resolve()
    path = (folder / unquote(src.split("?")[0].split("#")[0])).resolve()
    extension = _IMAGE_TYPES.get(path.suffix.lower())
    if folder not in path.parents or not path.is_file() or extension is None:
        draft.checks.append(f"the image {src} was left out: it is not a PNG, JPEG, GIF or SVG file "
                            f"in {folder}")
        return None
    return _add(draft, path.read_bytes(), extension)


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
        if href is None or _KEPT_LINK.match(href.strip()):
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

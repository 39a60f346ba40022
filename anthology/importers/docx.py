"""Word (.docx) -> Draft, through mammoth: styles mapped to headings, quotes and lists, footnotes kept,
images extracted with Word's description as alt text, title and author from the document."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import mammoth
from lxml import etree, html as lxml_html

from anthology.importers import Draft, Unreadable
from anthology.importers import html as html_importer

# Word's and Pandoc's paragraph styles that mammoth does not know by default.
STYLE_MAP = """
p[style-name='Title'] => h1.doc-title:fresh
p[style-name='Subtitle'] => p.doc-subtitle:fresh
p[style-name='Author'] => p.doc-author:fresh
p[style-name='Date'] => p.doc-date:fresh
p[style-name='Quote'] => blockquote > p:fresh
p[style-name='Intense Quote'] => blockquote > p:fresh
p[style-name='Block Text'] => blockquote > p:fresh
p[style-name='Image Caption'] => p.image-caption:fresh
p[style-name='Caption'] => p.image-caption:fresh
p[style-name='Table Caption'] => p.table-caption:fresh
"""
# Styles that are plain body text: mammoth's "unrecognised style" for them is no news to the editor.
PLAIN_STYLES = {"Normal", "Body Text", "First Paragraph", "Compact", "Captioned Figure", "Figure",
                "Abstract", "List Paragraph", "Footnote Text", "Endnote Text", "Default Paragraph Font",
                "Hyperlink", "Footnote Reference", "Endnote Reference", "Verbatim Char"}
_STYLE = re.compile(r"Unrecognised (paragraph|run) style: '?(.+?)'? \(Style ID: [^)]*\)")
_CORE = "docProps/core.xml"
_DC = "{http://purl.org/dc/elements/1.1/}"
_EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/svg+xml": ".svg"}


def read(path: Path) -> Draft:
    images: dict[str, bytes] = {}
    skipped: list[str] = []

    def convert_image(image):
        extension = _EXTENSIONS.get(image.content_type)
        if extension is None:
            skipped.append(image.content_type or "unknown type")
            return {"src": "", "alt": image.alt_text or ""}
        with image.open() as stream:
            data = stream.read()
        name = f"image-{len(images) + 1}{extension}"
        images[name] = data
        return {"src": name, "alt": (image.alt_text or "").strip()}

    try:
        with path.open("rb") as stream:
            result = mammoth.convert_to_html(stream, style_map=STYLE_MAP,
                                             convert_image=mammoth.images.img_element(convert_image))
        properties = _core_properties(path)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, etree.XMLSyntaxError) as exc:
        raise Unreadable(f"{path}: cannot read it as a Word document (.docx): {exc}") from None
    except Exception as exc:  # mammoth raises plain exceptions on documents it cannot parse
        raise Unreadable(f"{path}: cannot read it as a Word document (.docx): {type(exc).__name__}: {exc}") from None
    root = lxml_html.fragment_fromstring(result.value or "<p></p>", create_parent="div")
    title = _take_text(root, ".//h1[@class='doc-title']")
    subtitle = _take_text(root, ".//p[@class='doc-subtitle']")
    authors = [a for a in (_text_of(root, p) for p in root.xpath(".//p[@class='doc-author']")) if a]
    for date in root.xpath(".//p[@class='doc-date']"):
        date.getparent().remove(date)
    draft = html_importer.finish(root, path, images)
    draft.title = properties.get("title") or title
    draft.authors = _split_names(properties.get("creator")) or authors
    draft.subtitle = subtitle
    styles = sorted({m.group(2) for m in map(_STYLE.search, (msg.message for msg in result.messages))
                     if m and m.group(2) not in PLAIN_STYLES})
    if styles:
        draft.checks.append("Word styles the importer does not know (their text came in as plain paragraphs): "
                            + ", ".join(styles))
    for kind in skipped:
        draft.checks.append(f"an image of type {kind} was left out: save it as PNG or JPEG and add it by hand")
    return draft


def _core_properties(path: Path) -> dict[str, str]:
    """dc:title and dc:creator from docProps/core.xml, when the document has them."""
    with zipfile.ZipFile(path) as archive:
        if _CORE not in archive.namelist():
            return {}
        root = etree.fromstring(archive.read(_CORE))
    found = {}
    for name in ("title", "creator"):
        element = root.find(f"{_DC}{name}")
        if element is not None and (element.text or "").strip():
            found[name] = element.text.strip()
    return found


def _take_text(root, xpath: str) -> str | None:
    """The text of the first element matching xpath, which is removed from the body."""
    for element in root.xpath(xpath):
        return _text_of(root, element)
    return None


def _text_of(root, element) -> str | None:
    """An element's text, whitespace collapsed; the element is removed from the body."""
    text = " ".join("".join(element.itertext()).split())
    element.getparent().remove(element)
    return text or None


def _split_names(value: str | None) -> list[str]:
    """Word's author field: one name, or several separated by semicolons."""
    return [name.strip() for name in (value or "").split(";") if name.strip()]

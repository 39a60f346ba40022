"""Word (.docx) -> Draft, through mammoth: styles mapped to headings, quotes and lists, footnotes kept,
images extracted with Word's description as alt text (and its title as the caption), title, author and
language from the document; comments kept for the editor, tracked changes decided by the editor, Word's
contents and fields left out (wordxml.py prepares the XML)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import mammoth
from lxml import etree, html as lxml_html

from anthology.importers import Draft, Options, Unreadable, structure, wordxml
from anthology.importers import archive as archives
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
small-caps => span.small-caps
strike => del
comment-reference => sup
"""
# Styles that are plain body text: mammoth's "unrecognised style" for them is no news to the editor.
PLAIN_STYLES = {"Normal", "Body Text", "First Paragraph", "Compact", "Captioned Figure", "Figure",
                "Abstract", "List Paragraph", "Footnote Text", "Endnote Text", "Default Paragraph Font",
                "Hyperlink", "Footnote Reference", "Endnote Reference", "Verbatim Char", "None",
                "annotation text", "annotation reference", "Comment Text", "Comment Reference"}
_STYLE = re.compile(r"Unrecognised (paragraph|run) style: '?(.+?)'? \(Style ID: [^)]*\)")
_LEFT_OUT_STYLES = re.compile(r"^(toc|contents)\s*\d*$|^toc heading$", re.I)  # wordxml.py takes these out
_CORE = "docProps/core.xml"
_DC = "{http://purl.org/dc/elements/1.1/}"
_EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/svg+xml": ".svg"}


def read(path: Path, options: Options | None = None) -> Draft:
    images: dict[str, bytes] = {}
    skipped: list[str] = []
    options = options or Options()
    prepared = wordxml.prepare(path, options.changes)

    def convert_image(image):
        extension = _EXTENSIONS.get(image.content_type)
        alt, _, title = (image.alt_text or "").partition(wordxml.TITLE_SEPARATOR)
        if extension is None:
            skipped.append(image.content_type or "unknown type")
            return {"src": "", "alt": alt}
        with image.open() as stream:
            data = stream.read()
        name = f"image-{len(images) + 1}{extension}"
        archives.check_image(data, name, path)
        images[name] = data
        attributes = {"src": name, "alt": alt.strip()}
        if title.strip():
            attributes["title"] = " ".join(title.split()).replace('"', "\u201d")
        return attributes

    try:
        result = mammoth.convert_to_html(prepared.data, style_map=STYLE_MAP,
                                         convert_image=mammoth.images.img_element(convert_image))
        properties = _core_properties(path)
    except Unreadable:
        raise
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
    comments = _take_comments(root, prepared)
    title = properties.get("title") or title
    title, _subtitle, dropped = structure.take_title(root, title) if title else (title, None, [])
    draft = html_importer.finish(root, path, images)
    draft.title = title
    draft.authors = _split_names(properties.get("creator")) or authors
    draft.subtitle = subtitle
    draft.language = _bcp47(properties.get("language") or prepared.language)
    draft.comments = comments
    draft.findings[:0] = dropped + _change_findings(prepared, options)
    if prepared.contents_paragraphs or prepared.fields:
        fields = ", ".join(f"{n} {kind}" for kind, n in sorted(prepared.fields.items()))
        draft.findings.append(f"dropped: Word's own contents ({prepared.contents_paragraphs} paragraphs)"
                              + (f" and fields ({fields})" if fields else "") + ": the book makes its own")
    styles = sorted({m.group(2) for m in map(_STYLE.search, (msg.message for msg in result.messages))
                     if m and m.group(2) not in PLAIN_STYLES
                     and not _LEFT_OUT_STYLES.match(m.group(2))})
    if styles:
        draft.checks.append("Word styles the importer does not know (their text came in as plain paragraphs): "
                            + ", ".join(styles))
    for kind in skipped:
        draft.checks.append(f"an image of type {kind} was left out: save it as PNG or JPEG and add it by hand")
    return draft


def _take_comments(root, prepared: wordxml.Prepared) -> list[str]:
    """mammoth's comment calls become tokens (kept as <!-- … --> in the Markdown); its list of comments
    at the end goes."""
    comments: list[str] = []
    for dl in root.xpath(".//dl[dt[starts-with(@id, 'comment-')]]"):
        dl.getparent().remove(dl)
    for anchor in root.xpath(".//a[starts-with(@href, '#comment-')]"):
        key = anchor.get("href")[len("#comment-"):]
        comment = prepared.comments.get(key)
        text = comment.text if comment else "".join(anchor.itertext())
        about = f" on “{comment.about}”" if comment and comment.about else ""
        who = f"{comment.author}{', ' + comment.date if comment and comment.date else ''}" if comment else "a reviewer"
        comments.append(f"Comment {len(comments) + 1} by {who}{about}: {text}")
        parent = anchor.getparent()
        if parent is None:
            continue
        call = parent if parent.tag == "sup" and len(parent) == 1 and not (parent.text or "").strip() else anchor
        call.text = None
        for child in list(call):
            call.remove(child)
        call.tail = html_importer.COMMENT_TOKEN.format(len(comments)) + (call.tail or "")
        html_importer.remove_element(call)
    for sup in list(root.iter("sup")):  # a <sup> that held only comment calls
        if not len(sup) and not re.sub(r"ANTHOLOGYCOMMENT\d+X", "", sup.text or "").strip():
            sup.drop_tag()
    return comments


def _change_findings(prepared: wordxml.Prepared, options: Options) -> list[str]:
    found = []
    if prepared.insertions or prepared.deletions:
        how = {"accept": "accepted (--accept-changes)",
               "reject": "rejected (--reject-changes)"}[options.changes or "accept"]  # None: refused by prepare()
        found.append(f"tracked changes: {prepared.insertions} insertions, {prepared.deletions} deletions, {how}")
    if prepared.formatting:
        found.append(f"tracked formatting changes: {prepared.formatting}, taken as they stand")
    if prepared.comments:
        found.append(f"comments in the document: {len(prepared.comments)}")
    return found


def _bcp47(value: str | None) -> str | None:
    if not value or not re.fullmatch(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*", value.strip()):
        return None
    return value.strip().replace("_", "-")


def _core_properties(path: Path) -> dict[str, str]:
    """dc:title and dc:creator from docProps/core.xml, when the document has them."""
    with zipfile.ZipFile(path) as archive:
        if _CORE not in archive.namelist():
            return {}
        root = etree.fromstring(archive.read(_CORE))
    found = {}
    for name in ("title", "creator", "language"):
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

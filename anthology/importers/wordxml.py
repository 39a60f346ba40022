"""Word's XML made ready for mammoth: tracked changes counted, then refused, accepted or rejected as the
editor chose; Word's own table of contents and its page-number fields left out; an image's title kept
beside its description; the comments (with the words they are about) and the document's language read.

The result is the .docx rewritten in memory with its word/document.xml changed; nothing is written."""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from anthology.importers import Unreadable, archive as archives

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_w = f"{{{W}}}"
TITLE_SEPARATOR = "\ue000"  # between an image's description and its title in the alt text mammoth reads
_FIELDS_LEFT_OUT = {"TOC", "PAGE", "NUMPAGES", "SECTIONPAGES", "PAGEREF", "INDEX", "XE", "TC", "TOA", "TA"}
_TOC_STYLE = re.compile(r"^(toc|contents)\s*\d*$|^tocheading$|^toc heading$", re.I)


@dataclass
class Comment:
    id: str
    author: str
    date: str
    text: str
    about: str = ""


@dataclass
class Prepared:
    data: io.BytesIO                    # the .docx to give mammoth
    insertions: int = 0
    deletions: int = 0
    formatting: int = 0
    fields: Counter = field(default_factory=Counter)
    contents_paragraphs: int = 0
    language: str | None = None
    comments: dict[str, Comment] = field(default_factory=dict)


def prepare(path: Path, changes: str | None) -> Prepared:
    """Read the .docx at path; Unreadable when it cannot be read or has tracked changes and `changes`
    (accept, reject) was not chosen."""
    with archives.open_zip(path, "a Word document (.docx)") as zipped:
        names = set(zipped.namelist())
        if "word/document.xml" not in names:
            raise Unreadable(f"{path}: this is not a Word document (.docx): it has no word/document.xml")
        document = archives.xml(zipped, "word/document.xml", path)
        styles = archives.xml(zipped, "word/styles.xml", path) if "word/styles.xml" in names else None
        comments = archives.xml(zipped, "word/comments.xml", path) if "word/comments.xml" in names else None
        prepared = Prepared(io.BytesIO())
        _count_changes(document, prepared)
        if (prepared.insertions or prepared.deletions) and changes is None:
            raise Unreadable(
                f"{path}: the document has tracked changes ({prepared.insertions} insertion"
                f"{'s' if prepared.insertions != 1 else ''}, {prepared.deletions} deletion"
                f"{'s' if prepared.deletions != 1 else ''}) that no one has accepted or rejected: decide in Word, "
                "or import again with --accept-changes (the text as changed) or --reject-changes (as it was)")
        _apply_changes(document, changes or "accept")
        _leave_out_contents(document, prepared)
        _keep_image_titles(document)
        prepared.language = _language(document, styles)
        prepared.comments = _comments(comments, document)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as rewritten:
            for info in zipped.infolist():
                if info.filename == "word/document.xml":
                    rewritten.writestr(info, etree.tostring(document, xml_declaration=True, encoding="UTF-8",
                                                            standalone=True))
                else:
                    rewritten.writestr(info, zipped.read(info))
    out.seek(0)
    prepared.data = out
    return prepared


def _count_changes(document, prepared: Prepared) -> None:
    for tag, counter in (("ins", "insertions"), ("moveTo", "insertions"), ("del", "deletions"),
                         ("moveFrom", "deletions")):
        for element in document.iter(_w + tag):
            if element.getparent() is not None and element.getparent().tag == _w + "rPr":
                # a paragraph mark inserted or deleted: paragraphs joined or split
                setattr(prepared, counter, getattr(prepared, counter) + 1)
            elif "".join(element.itertext()).strip() or element.find(f".//{_w}delText") is not None:
                setattr(prepared, counter, getattr(prepared, counter) + 1)
    prepared.formatting = sum(1 for tag in ("rPrChange", "pPrChange", "sectPrChange", "tblPrChange", "trPrChange",
                                            "tcPrChange", "numberingChange") for _ in document.iter(_w + tag))


def _apply_changes(document, changes: str) -> None:
    """Accept: insertions kept, deletions gone. Reject: the other way round. Formatting changes are
    always taken as they stand (their record removed)."""
    keep, drop = ("ins", "moveTo"), ("del", "moveFrom")
    if changes == "reject":
        keep, drop = drop, keep
    for tag in drop:
        for element in list(document.iter(_w + tag)):
            parent = element.getparent()
            if parent is None:
                continue
            if parent.tag == _w + "rPr":  # the paragraph mark's own change: the paragraph joins the next
                parent.remove(element)
                _join_with_next(parent.getparent().getparent())
                continue
            parent.remove(element)
    for tag in keep:
        for element in list(document.iter(_w + tag)):
            parent = element.getparent()
            if parent is None:
                continue
            if parent.tag == _w + "rPr":
                parent.remove(element)
                continue
            _unwrap(element)
    for element in list(document.iter(_w + "delText", _w + "delInstrText")):
        element.tag = _w + ("t" if element.tag.endswith("delText") else "instrText")
    for tag in ("rPrChange", "pPrChange", "sectPrChange", "tblPrChange", "trPrChange", "tcPrChange",
                "numberingChange", "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd"):
        for element in list(document.iter(_w + tag)):
            element.getparent().remove(element)


def _join_with_next(paragraph) -> None:
    if paragraph is None or paragraph.tag != _w + "p":
        return
    following = paragraph.getnext()
    if following is None or following.tag != _w + "p":
        return
    for child in list(following):
        if child.tag != _w + "pPr":
            paragraph.append(child)
    following.getparent().remove(following)


def _unwrap(element) -> None:
    parent = element.getparent()
    index = parent.index(element)
    for offset, child in enumerate(list(element)):
        parent.insert(index + offset, child)
    parent.remove(element)


def _leave_out_contents(document, prepared: Prepared) -> None:
    """Word's table of contents (a content control, a TOC field, or paragraphs in its TOC styles) and
    page-number fields are Word's layout, not the text: they go."""
    for sdt in list(document.iter(_w + "sdt")):
        gallery = sdt.find(f"{_w}sdtPr/{_w}docPartObj/{_w}docPartGallery")
        if gallery is not None and "contents" in (gallery.get(_w + "val") or "").lower():
            prepared.contents_paragraphs += sum(1 for _ in sdt.iter(_w + "p"))
            sdt.getparent().remove(sdt)
    for simple in list(document.iter(_w + "fldSimple")):
        kind = (simple.get(_w + "instr") or "").split()
        if kind and kind[0].upper() in _FIELDS_LEFT_OUT:
            prepared.fields[kind[0].upper()] += 1
            simple.getparent().remove(simple)
    doomed = []
    stack: list[dict] = []
    for run in list(document.iter(_w + "r")):
        char = run.find(_w + "fldChar")
        kind = char.get(_w + "fldCharType") if char is not None else None
        if kind == "begin":
            stack.append({"instr": "", "result": False, "drop": False})
            continue
        if not stack:
            continue
        top = stack[-1]
        if kind == "separate":
            words = top["instr"].split()
            top["drop"] = bool(words) and words[0].upper() in _FIELDS_LEFT_OUT
            if top["drop"]:
                prepared.fields[words[0].upper()] += 1
            top["result"] = True
        elif kind == "end":
            stack.pop()
        elif not top["result"]:
            top["instr"] += "".join(t.text or "" for t in run.iter(_w + "instrText"))
        elif any(frame["drop"] for frame in stack):
            doomed.append(run)
    touched = set()
    for run in doomed:
        paragraph = next((a for a in run.iterancestors(_w + "p")), None)
        run.getparent().remove(run)
        if paragraph is not None:
            touched.add(paragraph)
    for paragraph in list(document.iter(_w + "p")):
        style = paragraph.find(f"{_w}pPr/{_w}pStyle")
        if style is not None and _TOC_STYLE.match(style.get(_w + "val") or ""):
            touched.add(paragraph)
            for run in list(paragraph.iter(_w + "r")):
                run.getparent().remove(run)
    for paragraph in touched:
        if paragraph.getparent() is not None and not "".join(t.text or "" for t in paragraph.iter(_w + "t")).strip() \
                and next(paragraph.iter("{*}drawing"), None) is None:
            prepared.contents_paragraphs += 1
            paragraph.getparent().remove(paragraph)


def _keep_image_titles(document) -> None:
    """mammoth reads an image's description (or, without one, its title) as the alt text: give it both,
    so that the title can become the caption."""
    for properties in document.iter(f"{{{WP}}}docPr"):
        description, title = (properties.get("descr") or "").strip(), (properties.get("title") or "").strip()
        if description and title and title != description:
            properties.set("descr", description + TITLE_SEPARATOR + title)


def _language(document, styles) -> str | None:
    """The language of most of the text: the runs' own w:lang, else the document's default."""
    counts: Counter = Counter()
    for lang in document.iter(_w + "lang"):
        value = lang.get(_w + "val")
        if value:
            run = lang.getparent().getparent() if lang.getparent() is not None else None
            size = len("".join(t.text or "" for t in run.iter(_w + "t"))) if run is not None else 0
            counts[value] += max(size, 1)
    default = None
    if styles is not None:
        found = styles.find(f"{_w}docDefaults/{_w}rPrDefault/{_w}rPr/{_w}lang")
        default = found.get(_w + "val") if found is not None else None
        normal = styles.find(f"{_w}style[@{_w}styleId='Normal']/{_w}rPr/{_w}lang")
        if normal is not None and normal.get(_w + "val"):
            default = normal.get(_w + "val")
    total_text = sum(len(t.text or "") for t in document.iter(_w + "t"))
    if counts:
        value, size = counts.most_common(1)[0]
        if default is None or size > total_text / 2:
            return value
    return default


def _comments(comments, document) -> dict[str, Comment]:
    """Each comment with its author, date, text and the words of the document it is about."""
    found: dict[str, Comment] = {}
    if comments is None:
        return found
    for comment in comments.iter(_w + "comment"):
        text = " ".join(" ".join(t.text or "" for t in p.iter(_w + "t")).strip() for p in comment.iter(_w + "p"))
        found[comment.get(_w + "id")] = Comment(comment.get(_w + "id"), comment.get(_w + "author") or "someone",
                                                (comment.get(_w + "date") or "")[:10], " ".join(text.split()))
    open_ranges: dict[str, list[str]] = {}
    for element in document.iter(_w + "commentRangeStart", _w + "commentRangeEnd", _w + "t", _w + "p"):
        if element.tag == _w + "p":
            for pending in open_ranges.values():
                pending.append(" ")
        elif element.tag == _w + "commentRangeStart":
            open_ranges[element.get(_w + "id")] = []
        elif element.tag == _w + "commentRangeEnd":
            words = open_ranges.pop(element.get(_w + "id"), None)
            if words is not None and element.get(_w + "id") in found:
                found[element.get(_w + "id")].about = " ".join("".join(words).split())
        else:
            for words in open_ranges.values():
                words.append(element.text or "")
    return found

"""Contributors' files made by the tests: Word documents written with python-docx (and, where python-docx
has no API, Word's own XML added to them), EPUBs zipped from the Standard Ebooks fixtures, and broken
files of every kind the importer must refuse."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_w = f"{{{W}}}"
SE = Path(__file__).resolve().parent / "fixtures" / "import-se"


def _el(tag: str, **attributes) -> etree._Element:
    element = etree.Element(_w + tag)
    for name, value in attributes.items():
        element.set(_w + name, value)
    return element


def _run(text: str, deleted: bool = False) -> etree._Element:
    run = _el("r")
    t = etree.SubElement(run, _w + ("delText" if deleted else "t"))
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return run


def _field_runs(instruction: str, result: str, close: bool = True) -> list:
    runs = []
    begin = _el("r")
    begin.append(_el("fldChar", fldCharType="begin"))
    instr = _el("r")
    code = etree.SubElement(instr, _w + "instrText")
    code.text = f" {instruction} "
    separate = _el("r")
    separate.append(_el("fldChar", fldCharType="separate"))
    end = _el("r")
    end.append(_el("fldChar", fldCharType="end"))
    runs += [begin, instr, separate, _run(result)] + ([end] if close else [])
    return runs


def russian_review_docx(path: Path, image: bytes) -> Path:
    """A Russian translation under review: title, headings 1 and 2, Word's own contents (a TOC field),
    a page-number field, two comments, an insertion and a deletion, a table with merged cells and
    a table without a header row, an image with a description and a title, one whose alt text is
    a file path, small caps and a strikethrough; the document's language ru-RU."""
    import docx
    from docx.shared import Inches

    document = docx.Document()
    document.core_properties.title = "Docx4j – Начало Работы"
    document.core_properties.author = "Анна Петрова"
    contents = document.add_paragraph("", style="Normal")
    for run in _field_runs('TOC \\o "1-3" \\h \\z \\u', "Введение ........ 1", close=False):
        contents._p.append(run)
    toc_entry = document.add_paragraph("Введение\t1")
    toc_entry.style = document.styles.add_style("toc 1", docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
    closing = document.add_paragraph("")
    end = _el("r")
    end.append(_el("fldChar", fldCharType="end"))
    closing._p.append(end)
    document.add_heading("Введение", level=1)
    first = document.add_paragraph("Библиотека работает с документами & таблицами = просто ~ быстро. ")
    commented = first.add_run("Это предложение обсуждается.")
    document.add_comment(commented, text="Проверить перевод термина.", author="Редактор", initials="Р")
    changed = document.add_paragraph("Перевод ")
    changed._p.append(_tracked("ins", _run("новой ")))
    changed._p.append(_tracked("del", _run("старой ", deleted=True)))
    changed._p.append(_run("главы."))
    small = document.add_paragraph("Слово ")
    caps = small.add_run("капителью")
    caps.font.small_caps = True
    small.add_run(" и ")
    strike = small.add_run("зачёркнутое")
    strike.font.strike = True
    small.add_run(".")
    document.add_heading("Установка", level=2)
    second = document.add_paragraph("Страница ")
    for run in _field_runs("PAGE", "7"):
        second._p.append(run)
    second.add_run(" из руководства.")
    again = second.add_run(" Второй комментарий здесь.")
    document.add_comment(again, text="Нужна ссылка.", author="Корректор", initials="К")
    merged = document.add_table(rows=3, cols=3)
    merged.rows[0].cells[0].text, merged.rows[0].cells[1].text, merged.rows[0].cells[2].text = "Год", "Город", "Число"
    merged.rows[0]._tr.get_or_add_trPr().append(_el("tblHeader"))
    merged.cell(1, 0).merge(merged.cell(2, 0)).text = "2021"
    merged.cell(1, 1).merge(merged.cell(1, 2)).text = "Алматы и Астана вместе"
    merged.cell(2, 1).text, merged.cell(2, 2).text = "Шымкент", "12"
    document.add_paragraph("Между таблицами.")
    plain = document.add_table(rows=2, cols=2)
    for r, row in enumerate(plain.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"ячейка {r + 1}.{c + 1}"
    picture = document.add_paragraph()
    picture.add_run().add_picture(io.BytesIO(image), width=Inches(1))
    document.add_paragraph()
    second_picture = document.add_paragraph()
    second_picture.add_run().add_picture(io.BytesIO(image), width=Inches(1))
    document.add_paragraph("Конец.")
    pictures = document.element.body.findall(".//{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")
    pictures[0].set("descr", "Жёлтое солнце над деревней")
    pictures[0].set("title", "Рисунок 1. Солнце над Шетпе")
    pictures[1].set("descr", "C:\\Documents and Settings\\user\\My Documents\\pangolin.jpeg")
    defaults = document.styles.element.find(f"{_w}docDefaults/{_w}rPrDefault/{_w}rPr")
    lang = defaults.find(_w + "lang")
    if lang is None:
        lang = etree.SubElement(defaults, _w + "lang")
    lang.set(_w + "val", "ru-RU")
    document.save(path)
    return path


def _tracked(kind: str, run) -> etree._Element:
    change = _el(kind, id="90" if kind == "ins" else "91", author="Переводчик", date="2024-05-01T10:00:00Z")
    change.append(run)
    return change


def se_epub(path: Path) -> Path:
    """An EPUB 3 of three Standard Ebooks chapters (Chekhov and Whitman) and their endnotes, with a
    title page that is not a chapter, zipped from the fixtures."""
    members = {
        "text/titlepage.xhtml": b'<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml" '
                                b'xmlns:epub="http://www.idpf.org/2007/ops"><head><title>Titlepage</title></head>'
                                b'<body epub:type="frontmatter"><section epub:type="titlepage"><h1>Selected</h1>'
                                b'</section></body></html>',
        "text/the-petchenyeg.xhtml": (SE / "chekhov" / "the-petchenyeg.xhtml").read_bytes(),
        "text/endnotes.xhtml": (SE / "chekhov" / "endnotes.xhtml").read_bytes(),
        "text/prayer-of-columbus.xhtml": (SE / "whitman" / "prayer-of-columbus.xhtml").read_bytes(),
        "text/memories-of-president-lincoln.xhtml": (SE / "whitman" / "memories-of-president-lincoln.xhtml").read_bytes(),
    }
    spine = ["titlepage", "the-petchenyeg", "prayer-of-columbus", "memories-of-president-lincoln", "endnotes"]
    items = "".join(f'<item id="{n}" href="text/{n}.xhtml" media-type="application/xhtml+xml"/>' for n in spine)
    opf = (f'<?xml version="1.0" encoding="utf-8"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0" '
           f'unique-identifier="uid"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
           f'<dc:identifier id="uid">urn:test:se</dc:identifier><dc:title>Selected Pieces</dc:title>'
           f'<dc:creator id="a1">Anton Chekhov</dc:creator><dc:language>en-GB</dc:language></metadata>'
           f'<manifest>{items}<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>'
           f'</manifest><spine>{"".join(f"<itemref idref={chr(34)}{n}{chr(34)}/>" for n in spine)}</spine></package>')
    members["content.opf"] = opf.encode()
    members["nav.xhtml"] = b'<html xmlns="http://www.w3.org/1999/xhtml"><body><nav><ol><li>x</li></ol></nav></body></html>'
    return write_epub(path, members, "content.opf")


def write_epub(path: Path, members: dict[str, bytes], opf: str) -> Path:
    with zipfile.ZipFile(path, "w") as zipped:
        zipped.writestr(zipfile.ZipInfo("mimetype"), b"application/epub+zip")
        zipped.writestr("META-INF/container.xml",
                        '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:'
                        f'container"><rootfiles><rootfile full-path="{opf}" media-type="application/oebps-package+xml"/>'
                        '</rootfiles></container>')
        for name, data in members.items():
            zipped.writestr(name, data)
    return path


def png_bomb() -> bytes:
    """A PNG whose header claims 30000 × 30000 pixels (900 megapixels) with almost no data."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


def rewrite_zip(source: Path, target: Path, change) -> Path:
    """A copy of a zip whose members pass through change(name, data) -> {name: data}."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            for name, data in change(info.filename, zin.read(info)).items():
                zout.writestr(name, data)
    return target


def damaged(source: Path, target: Path) -> Path:
    """A copy of a zip with a byte of a member's compressed data changed (its checksum fails)."""
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as zipped:
        info = zipped.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 20
    data[start] ^= 0xFF
    target.write_bytes(bytes(data))
    return target




ODF = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
    "xlink": "http://www.w3.org/1999/xlink",
    "dc": "http://purl.org/dc/elements/1.1/",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
}


def german_odt(path: Path, image: bytes, tracked: bool = False) -> Path:
    """An OpenDocument text in German, as LibreOffice writes one: title, two heading levels, italic and
    small-caps spans, a footnote, a comment, a numbered list, a table with a merged cell, an image with
    a description and a title, the document's contents; optionally a tracked insertion."""
    declarations = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in ODF.items())
    changes = ('<text:tracked-changes><text:changed-region text:id="ct1"><text:insertion><office:change-info>'
               '<dc:creator>Lektor</dc:creator><dc:date>2024-05-01T10:00:00</dc:date></office:change-info>'
               '</text:insertion></text:changed-region></text:tracked-changes>') if tracked else ""
    content = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-content {declarations} office:version="1.3">
<office:automatic-styles>
<style:style style:name="T1" style:family="text"><style:text-properties fo:font-style="italic"/></style:style>
<style:style style:name="T2" style:family="text"><style:text-properties fo:font-variant="small-caps"/></style:style>
<style:style style:name="T3" style:family="text"><style:text-properties fo:language="ru" fo:country="RU"/></style:style>
<text:list-style style:name="L1"><text:list-level-style-number text:level="1"/></text:list-style>
</office:automatic-styles>
<office:body><office:text>{changes}
<text:table-of-content text:name="Inhalt"><text:index-body><text:p text:style-name="Contents_20_1">Einleitung 1</text:p></text:index-body></text:table-of-content>
<text:p text:style-name="Title">Der Brunnen von Schetpe</text:p>
<text:h text:outline-level="1">Einleitung</text:h>
<text:p>Das Wasser kam <text:span text:style-name="T1">zurück</text:span> &amp; blieb = gut.<text:note text:id="ftn1" text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>Erzählt im August 2021.</text:p></text:note-body></text:note> Ein <text:span text:style-name="T2">Kapitälchen</text:span> und <text:span text:style-name="T3">вода</text:span>.<office:annotation><dc:creator>Lektorin</dc:creator><dc:date>2024-05-02T09:00:00</dc:date><text:p>Quelle prüfen.</text:p></office:annotation>{'<text:change-start text:change-id="ct1"/>Neu eingefügt.<text:change-end text:change-id="ct1"/>' if tracked else ''}</text:p>
<text:h text:outline-level="2">Die Ältesten</text:h>
<text:list text:style-name="L1"><text:list-item><text:p>erstens</text:p></text:list-item><text:list-item><text:p>zweitens</text:p></text:list-item></text:list>
<table:table table:name="T"><table:table-column table:number-columns-repeated="2"/>
<table:table-header-rows><table:table-row><table:table-cell><text:p>Jahr</text:p></table:table-cell><table:table-cell><text:p>Familien</text:p></table:table-cell></table:table-row></table:table-header-rows>
<table:table-row><table:table-cell table:number-columns-spanned="2"><text:p>beide zusammen</text:p></table:table-cell><table:covered-table-cell/></table:table-row>
</table:table>
<text:p><draw:frame draw:name="Bild1"><draw:image xlink:href="Pictures/sun.png"/><svg:title>Abbildung 1: Die Sonne</svg:title><svg:desc>Eine gelbe Sonne über dem Dorf</svg:desc></draw:frame></text:p>
<text:p>Seite <text:page-number>3</text:page-number> Ende.</text:p>
</office:text></office:body></office:document-content>"""
    styles = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles {declarations}><office:styles>
<style:default-style style:family="paragraph"><style:text-properties fo:language="de" fo:country="DE"/></style:default-style>
<style:style style:name="Title" style:family="paragraph"/>
</office:styles></office:document-styles>"""
    meta = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta {declarations}><office:meta><dc:title>Der Brunnen von Schetpe</dc:title>
<dc:creator>Dina Orlova</dc:creator><dc:language>de-DE</dc:language></office:meta></office:document-meta>"""
    with zipfile.ZipFile(path, "w") as zipped:
        zipped.writestr(zipfile.ZipInfo("mimetype"), b"application/vnd.oasis.opendocument.text")
        zipped.writestr("content.xml", content)
        zipped.writestr("styles.xml", styles)
        zipped.writestr("meta.xml", meta)
        zipped.writestr("Pictures/sun.png", image)
        zipped.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest xmlns:manifest='
                        '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>')
    return path

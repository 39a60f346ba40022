"""The units' PDFs (print/units.py) joined into the book's PDF: pages with their links, every named
destination from the unit that holds it, the outline, the document's metadata and language."""

from __future__ import annotations

import io
from pathlib import Path


def join(parts: list[tuple[bytes, list[str]]], target: Path) -> int:
    """Write the PDF of `parts` (each a unit's PDF and the ids it owns), in order, to `target`; the
    first part's metadata and language are the document's. Returns the number of pages."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (ArrayObject, DictionaryObject, NameObject, TextStringObject)

    writer = PdfWriter()
    names: dict[str, ArrayObject] = {}
    outlines = []
    first_reader = None
    for data, owned in parts:
        reader = PdfReader(io.BytesIO(data))
        first_reader = first_reader or reader
        base = len(writer.pages)
        page_of = {page.indirect_reference.idnum: base + n for n, page in enumerate(reader.pages)}
        for page in reader.pages:
            writer.add_page(page)
        mine = set(owned)
        for name, destination in _destinations(reader):
            if name in mine and name not in names and destination[0].idnum in page_of:
                names[name] = (page_of[destination[0].idnum], destination[1:])
        outlines.append((reader, page_of))
    pages = writer.pages
    array = ArrayObject()
    for name in sorted(names):
        number, rest = names[name]
        array.append(TextStringObject(name))
        array.append(ArrayObject([pages[number].indirect_reference, *rest]))
    if array:
        dests = DictionaryObject({NameObject("/Names"): array})
        writer._root_object[NameObject("/Names")] = DictionaryObject(
            {NameObject("/Dests"): writer._add_object(dests)})
    for reader, page_of in outlines:
        _copy_outline(writer, reader, page_of)
    root = first_reader.trailer["/Root"]
    if "/Lang" in root:
        writer._root_object[NameObject("/Lang")] = TextStringObject(root["/Lang"])
    if first_reader.metadata:
        writer.add_metadata({key: value for key, value in first_reader.metadata.items()})
    with open(target, "wb") as stream:
        writer.write(stream)
    return len(pages)


def _destinations(reader):
    """(name, [page reference, /XYZ, x, y, zoom]) of the reader's name tree of destinations (WeasyPrint
    writes one flat /Names array)."""
    names = reader.trailer["/Root"].get("/Names")
    dests = names.get_object().get("/Dests") if names else None
    if dests is None:
        return
    array = dests.get_object().get("/Names") or []
    for index in range(0, len(array) - 1, 2):
        destination = array[index + 1].get_object()
        yield str(array[index]), list(destination)


def _copy_outline(writer, reader, page_of: dict[int, int], source=None, parent=None) -> None:
    """The reader's outline items (title, /XYZ destination, open or closed) under `parent`."""
    from pypdf.generic import Fit

    if source is None:
        outlines = reader.trailer["/Root"].get("/Outlines")
        item = outlines.get_object().get("/First") if outlines else None
    else:
        item = source.get("/First")
    while item is not None:
        item = item.get_object()
        destination = item["/Dest"]
        page = destination[0]
        number = page_of.get(page.idnum)
        if number is not None:
            left, top = (float(v) if v is not None else None for v in destination[2:4])
            added = writer.add_outline_item(title=str(item["/Title"]), page_number=number, parent=parent,
                                            fit=Fit.xyz(left=left, top=top, zoom=0),
                                            is_open=item.get("/Count", 0) >= 0)
            _copy_outline(writer, reader, page_of, item, added)
        item = item.get("/Next")

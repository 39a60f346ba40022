"""The units' PDFs (print/units.py) joined into the book's PDF: pages with their links, every named
destination from the unit that holds it, the outline, the document's metadata and language.

Units are added as they are written, in any order (the parent process does it while the workers lay
out the rest); finish() puts the pages in reading order and writes the file."""

from __future__ import annotations

import io
from pathlib import Path


class Joiner:
    def __init__(self):
        from pypdf import PdfWriter

        self.writer = PdfWriter()
        self.parts: dict[str, tuple] = {}  # name -> (reader, its pages' references here, ids it owns)

    def add(self, name: str, data: bytes, owned: list[str]) -> None:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        references = [self.writer.add_page(page).indirect_reference for page in reader.pages]
        self.parts[name] = (reader, references, owned)

    def finish(self, order: list[str], target: Path) -> int:
        """Write the parts named in `order`, in that order, to `target`; the first part's metadata and
        language are the document's. Returns the number of pages."""
        from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

        writer = self.writer
        kids = ArrayObject(reference for name in order for reference in self.parts[name][1])
        tree = writer._root_object["/Pages"].get_object()
        tree[NameObject("/Kids")] = kids
        names: dict[str, ArrayObject] = {}
        for name in order:
            reader, references, owned = self.parts[name]
            here = _page_map(reader, references)
            mine = set(owned)
            for anchor, destination in _destinations(reader):
                if anchor in mine and anchor not in names and destination[0].idnum in here:
                    names[anchor] = ArrayObject([here[destination[0].idnum], *destination[1:]])
        array = ArrayObject()
        for anchor in sorted(names):
            array.append(TextStringObject(anchor))
            array.append(names[anchor])
        if array:
            dests = DictionaryObject({NameObject("/Names"): array})
            writer._root_object[NameObject("/Names")] = DictionaryObject(
                {NameObject("/Dests"): writer._add_object(dests)})
        for name in order:
            reader, references, _ = self.parts[name]
            _copy_outline(writer, reader, _page_map(reader, references))
        first = self.parts[order[0]][0]
        root = first.trailer["/Root"]
        if "/Lang" in root:
            writer._root_object[NameObject("/Lang")] = TextStringObject(root["/Lang"])
        if first.metadata:
            writer.add_metadata(dict(first.metadata.items()))
        with open(target, "wb") as stream:
            writer.write(stream)
        return len(kids)


def join(parts: list[tuple[bytes, list[str]]], target: Path) -> int:
    """The PDFs of `parts` (each a unit's PDF and the ids it owns) joined in order into `target`."""
    joiner = Joiner()
    for number, (data, owned) in enumerate(parts):
        joiner.add(str(number), data, owned)
    return joiner.finish([str(number) for number in range(len(parts))], target)


def _page_map(reader, references) -> dict:
    """The object number of each of the reader's pages -> the reference of its copy here."""
    return {page.indirect_reference.idnum: reference for page, reference in zip(reader.pages, references)}


def _destinations(reader):
    """(name, [page reference, /XYZ, x, y, zoom]) of the reader's name tree of destinations (WeasyPrint
    writes one flat /Names array)."""
    names = reader.trailer["/Root"].get("/Names")
    dests = names.get_object().get("/Dests") if names else None
    if dests is None:
        return
    array = dests.get_object().get("/Names") or []
    for index in range(0, len(array) - 1, 2):
        yield str(array[index]), list(array[index + 1].get_object())


def _copy_outline(writer, reader, here: dict, source=None, parent=None) -> None:
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
        page = here.get(destination[0].idnum)
        if page is not None:
            left, top = (float(v) if v is not None else None for v in destination[2:4])
            added = writer.add_outline_item(title=str(item["/Title"]), page_number=page, parent=parent,
                                            fit=Fit.xyz(left=left, top=top, zoom=0),
                                            is_open=item.get("/Count", 0) >= 0)
            _copy_outline(writer, reader, here, item, added)
        item = item.get("/Next")

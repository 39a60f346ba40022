"""The units' PDFs (print/layout/parts.py) joined into the book's PDF with pikepdf (qpdf): the pages with
their links, every named destination from the unit that holds it, the outline, the document's
metadata and language.

A unit's PDF names the places it links to in other units too (on its first page, units.py); those
names are dropped from it before it is joined, so that each name leads where its own unit puts it.
pikepdf joins a 400-page book in a tenth of a second, where pypdf took two.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from anthology.outputs import write_file

if TYPE_CHECKING:
    import pikepdf


class Joiner:
    """Collects the units' PDFs as they are written; finish() joins them in reading order."""

    def __init__(self):
        self.parts: dict[str, tuple[bytes, list[str]]] = {}

    def add(self, name: str, data: bytes, owned: list[str]) -> None:
        self.parts[name] = (data, owned)

    def finish(self, order: list[str], target: Path | None) -> int:
        """Write the parts named in `order`, in that order, to `target`; the first part's metadata and
        language are the document's. Returns the number of pages."""
        import pikepdf

        book = pikepdf.new()
        sources = []
        destinations = pikepdf.NameTree.new(book)
        for name in order:
            data, owned = self.parts[name]
            source = pikepdf.open(io.BytesIO(data))
            sources.append(source)
            kept = _keep_destinations(source, set(owned))
            base = len(book.pages)
            result = book.add_pages_from(source, forms="strip")  # the outline too
            here = {page.obj.objgen: book.pages[base + number].obj for number, page in enumerate(source.pages)}
            for anchor, destination in kept:  # every destination the unit holds, linked to or not
                destinations[anchor] = pikepdf.Array([here[destination[0].objgen], *list(destination)[1:]])
            if result.renamed_dests:  # each name is kept by one unit only: a clash is a mistake here
                raise ValueError(f"{name}: destinations renamed while joining: {dict(result.renamed_dests)}")
        book.Root.Names = pikepdf.Dictionary(Dests=destinations.obj)
        first = sources[0]
        if "/Lang" in first.Root:
            book.Root.Lang = first.Root.Lang
        for key, value in first.docinfo.items():
            book.docinfo[key] = value
        # saved in memory and written by Python, never by qpdf itself: qpdf meeting a full disk can
        # abort the whole process (an uncaught QPDFSystemError), where Python raises an OSError
        joined = io.BytesIO()
        book.save(joined, deterministic_id=True, fix_metadata_version=False,
                  object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True)
        count = len(book.pages)
        book.close()
        for source in sources:
            source.close()
        if target is not None:  # None: only the page count (an EPUB-only build writes no PDF)
            write_file(Path(target), joined.getvalue())
        return count


def _keep_destinations(source, owned: set[str]) -> list[tuple[str, pikepdf.Object]]:
    """Only the named destinations of ids the unit holds are left in its PDF (WeasyPrint writes one
    flat /Names array); returns them, (name, [page, /XYZ, x, y, zoom])."""
    import pikepdf

    names = source.Root.get("/Names")
    dests = names.get("/Dests") if names is not None else None
    if dests is None or "/Names" not in dests:
        return []
    array = dests.Names
    kept, found = pikepdf.Array(), list[tuple[str, pikepdf.Object]]()
    for index in range(0, len(array) - 1, 2):
        if str(array[index]) in owned:
            kept.append(array[index])
            kept.append(array[index + 1])
            found.append((str(array[index]), array[index + 1]))
    dests.Names = kept
    return found

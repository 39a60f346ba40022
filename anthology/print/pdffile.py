"""Open and write PDF files with pikepdf, the package's one library for a PDF's structure (pages,
boxes, forms, annotations, metadata); pypdfium2 only renders (see docs/architecture.md).

A file is saved in memory and written by Python, never by qpdf itself: qpdf meeting a full disk can
abort the whole process (an uncaught QPDFSystemError), where Python raises an OSError. The document
identifier is derived from the content, so the same input writes the same bytes."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def read(path: Path) -> Any:
    """The PDF at `path` as a pikepdf.Pdf, read into memory (the file may then be replaced)."""
    import pikepdf

    return pikepdf.open(io.BytesIO(Path(path).read_bytes()))


def write(pdf: Any, path: Path) -> None:
    """Save `pdf` to `path` (its folder made), reproducibly."""
    buffer = io.BytesIO()
    pdf.save(buffer, deterministic_id=True, fix_metadata_version=False, compress_streams=True)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


@contextmanager
def rewritten(path: Path) -> Iterator[Any]:
    """`with rewritten(path) as pdf:` changes the PDF at `path` in place (written when the block ends
    without an error)."""
    pdf = read(path)
    try:
        yield pdf
        write(pdf, path)
    finally:
        pdf.close()

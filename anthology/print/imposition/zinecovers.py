"""The zine's covers: the book's cover in front, blank inside covers, an outside back cover with the
description, publisher and date (or blank), and the padding blanks before the inside back cover."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf

from anthology.print import pdffile
from anthology.print.source import stylesheet_url
from anthology.book.model import Book
from anthology.print.pdf import lay_out


def sequence(pages: int) -> list[str | int]:
    """The zine's pages in reading order: 'front', 'blank' (inside front cover), the book's pages
    1..pages, padding 'blank's, 'blank' (inside back cover), 'back': a multiple of four in all."""
    padding = -(pages + 4) % 4
    return ["front", "blank", *range(1, pages + 1), *["blank"] * padding, "blank", "back"]


def covers_html(book: Book, env, width: float, height: float) -> str:
    return env.get_template("zine-covers.html").render(
        book=book, stylesheet=stylesheet_url(book), width=f"{width:.3f}pt", height=f"{height:.3f}pt",
        unit=f"{width / 100:.4f}pt", cover_url=book.cover.as_uri() if book.cover else None,
        back=book.print.zine_back != "blank")


def write(book: Book, env, reading_pdf: Path, target: Path, **layout_options) -> list[str]:
    """Write `target`: the reading PDF between its covers, padded to a multiple of four pages.
    Returns the warnings of the covers' layout."""
    reader = pdffile.read(reading_pdf)
    left, bottom, right, top = (float(v) for v in reader.pages[0].trimbox)
    width, height = right - left, top - bottom
    layout = lay_out(book, covers_html(book, env, width, height), **layout_options)
    covers = pikepdf.open(io.BytesIO(layout.document.write_pdf()))
    zine = pikepdf.new()
    for item in sequence(len(reader.pages)):
        if item == "front":
            zine.pages.append(covers.pages[0])
        elif item == "back" and len(covers.pages) > 1:
            zine.pages.append(covers.pages[1])
        elif isinstance(item, int):
            zine.pages.append(reader.pages[item - 1])
        else:
            zine.add_blank_page(page_size=(width, height))
    pdffile.write(zine, target)
    for pdf in (zine, covers, reader):
        pdf.close()
    return layout.warnings + [f"resource refused: {url}" for url in layout.refused]

"""One piece as a classic eight-page fold-and-cut mini-zine: render it small, then impose it."""

from __future__ import annotations

from markupsafe import Markup

from anthology.text import fragments
from anthology.print import pdf
from anthology.print.source import stylesheet_url
from anthology.print.imposition import zine
from anthology.errors import BookError, Problem
from anthology.book.model import Book

def cell_size(book: Book) -> tuple[float, float]:
    """A7 pages on A4, or 2.75 × 4.25 in pages on US Letter for books in inch sizes."""
    sheet = book.print.sheet
    letter_family = (sheet and abs(max(sheet) - 792) < 2) or abs(book.print.trim[0] % 18) < 0.01
    return zine.EIGHTH_LETTER if letter_family else zine.A7


def find_piece(book: Book, wanted: str):
    for piece in book.pieces:
        if wanted in (piece.id, piece.path.name, piece.path.stem):
            return piece
    known = ", ".join(p.id for p in book.pieces)
    raise BookError([Problem(book.manifest.name, None, f"no piece '{wanted}' in the book (pieces: {known})")])


def build(book: Book, env, wanted: str, outputs) -> list[str]:
    """Render the piece at the mini-zine's page size and impose it on one sheet; return the
    warnings of the layout."""
    piece = find_piece(book, wanted)
    width, height = cell_size(book)
    piece_html = env.get_template(f"pieces/{piece.kind}.html").render(
        book=book, piece=piece, body=fragments.print_body(piece.body), notes="")
    html = env.get_template("minizine.html").render(
        book=book, piece=piece, body=Markup(piece_html), width=f"{width:.2f}", height=f"{height:.2f}",
        stylesheet=stylesheet_url(book))
    layout = pdf.lay_out(book, html, grayscale=book.print.grayscale)
    document = layout.document
    pages = len(document.pages)
    if pages > 8:
        raise BookError([Problem(str(piece.path.relative_to(book.root)), None,
                                 f"the piece '{piece.id}' needs {pages} pages at this size; a mini-zine holds 8 "
                                 "(cover and back included): choose a shorter piece")])
    source = outputs.scratch(f"{book.output}-{piece.id}-minizine-source.pdf")
    document.write_pdf(source)
    zine.impose_minizine(source, outputs.temp_for(f"{book.output}-{piece.id}-minizine.pdf"),
                         marks=book.print.marks, direction=book.direction)
    return layout.warnings + [f"resource refused: {url}" for url in layout.refused]

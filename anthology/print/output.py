"""The print outputs, each `render(book, session) -> list[Path]` over the Edition the print stage
laid out (print/edition.py): the reading PDF and the press PDF, the zine, the mini-zine, the cover wrap."""

from __future__ import annotations

from pathlib import Path

from anthology.errors import Problem


def pdf(book, session) -> list[Path]:
    """<name>.pdf (already written when laid out in parts), and <name>-press.pdf when asked."""
    from anthology.print.covers import presets
    from anthology.print.press import pdfx

    written = [session.edition.write_pdf(session.pdf_target)]
    preset = presets.PRESETS.get(book.print.printer or "")
    if preset:
        presets.strip_refused(written[0], preset)
    session.warnings += pdfx.finish(written[0], book, press=False)  # print: pdf-x (the preset's)
    if session.press:
        session.progress("laying out and writing the press PDF")
        press = session.target(f"{book.output}-press.pdf", "press", asked="pdf")
        written.append(session.edition.write_press_pdf(press))
        session.warnings += pdfx.finish(press, book, press=True, outputs=session.outputs, formats=session.formats)
    return written


def zine(book, session) -> list[Path]:
    """<name>-zine.pdf: the reading PDF between its covers, imposed as a saddle-stitched booklet."""
    from anthology.print.imposition import zine as imposition
    from anthology.print.imposition import zinecovers

    reading = session.edition.write_pdf(session.pdf_target)
    source = session.outputs.scratch(f"{book.output}-zine-source.pdf")
    session.progress("the zine's covers")
    session.warnings += [Problem("PDF", None, w, "WEASYPRINT", "warning")
                         for w in zinecovers.write(book, session.env, reading, source, grayscale=book.print.grayscale)]
    session.progress("imposing the zine")
    target = session.target(f"{book.output}-zine.pdf", "zine")
    imposition.impose_booklet(source, target, sheet=book.print.sheet, signature=book.print.signature,
                              creep=book.print.creep, marks=book.print.marks, direction=book.direction)
    return [target]


def minizine(book, session) -> list[Path]:
    """<name>-<piece>-minizine.pdf: one piece on one folded sheet."""
    from anthology.print.imposition import minizine as mini

    session.progress("laying out the mini-zine")
    session.warnings += [Problem("PDF", None, w, "WEASYPRINT", "warning")
                         for w in mini.build(book, session.env, session.piece, session.outputs)]
    return []


def cover(book, session) -> list[Path]:
    """<name>-cover.pdf: the cover wrap, its spine as wide as the interior's pages make it."""
    from anthology.print.covers import wrap

    session.progress("laying out the cover wrap")
    target = session.outputs.temp_for(f"{book.output}-cover.pdf")
    session.warnings += wrap.write(book, session.env, session.edition.pages, target)
    return [target]

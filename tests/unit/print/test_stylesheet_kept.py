"""The book's stylesheet is parsed once per process (print/layout/parts.py) and kept for every part
laid out there, but never served stale: a stylesheet (or a font it names) changed while the process
lives, as in `anthology serve` or a worker forked from it, is parsed again."""

from __future__ import annotations

from types import SimpleNamespace

from anthology.book.glyphs import SCRIPT_FONTS_DIR
from anthology.print.layout import parts
from book_helpers import write_book


def test_a_changed_stylesheet_or_font_is_parsed_again(tmp_path, monkeypatch):
    monkeypatch.setattr(parts, "_SHEETS", {})  # this test's own (dropped after it, while WeasyPrint is loaded)
    manifest = write_book(tmp_path / "book", "title: Сказки\nlanguage: ru\nstyles: replace\n", {
        "styles/book.css": '@font-face { font-family: "Own"; src: url(fonts/own.ttf); }\n'
                           'body { font-family: "Own"; color: #222; }\n',
        "styles/fonts/own.ttf": (SCRIPT_FONTS_DIR / "NotoSerifArmenian-Regular.ttf").read_bytes()})
    root = manifest.parent
    sheet, font = root / "styles" / "book.css", root / "styles" / "fonts" / "own.ttf"
    book = SimpleNamespace(root=root, print=SimpleNamespace(grayscale=False))
    html = f'<html><head><link rel="stylesheet" href="{sheet.as_uri()}"></head><body><p>Жили-были</p></body></html>'

    def parsed():
        rest, shared = parts._without_stylesheet(book, html)
        assert shared is not None and "<link" not in rest
        return shared

    first = parsed()
    assert parsed() is first  # kept while nothing changed
    assert {str(sheet), str(font.resolve())} <= {str(p) for p in first.fetched}
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("#222", "#333"), encoding="utf-8")
    second = parsed()
    assert second is not first and parsed() is second
    font.write_bytes((SCRIPT_FONTS_DIR / "NotoSerifGeorgian-Regular.ttf").read_bytes())
    assert parsed() is not second

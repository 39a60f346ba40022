"""A font file replaced while one process runs (`anthology serve` for hours) is read again: the glyph
survey (book/glyphs.py) keys what it learnt of a font by the file's stat, not by its path alone."""

from __future__ import annotations

import os
import shutil

import pytest

from anthology.book.glyphs import SCRIPT_FONTS_DIR
from anthology.book.manifest import load_book
from book_helpers import write_book

HEBREW = SCRIPT_FONTS_DIR / "NotoSerifHebrew-Regular.ttf"
ARMENIAN = SCRIPT_FONTS_DIR / "NotoSerifArmenian-Regular.ttf"


def _book(folder):
    return write_book(folder, """\
        title: שירים
        language: he
        chapters:
          - title: פרק
            pieces: [one.md]
        """, {"one.md": "---\ntitle: שיר\n---\n\nבראשית ברא אלוהים את השמים ואת הארץ.\n",
              "styles/book.css": '@font-face { font-family: "Own"; src: url(fonts/own.ttf); }\n'
                                 'body { font-family: "Own", serif; }\n',
              "styles/fonts/own.ttf": HEBREW.read_bytes()})


def _added(manifest) -> list[str]:
    return [font.family for font in load_book(manifest).glyphs.added]


@pytest.mark.parametrize("how", ["renamed over", "rewritten in place"])
def test_a_font_replaced_during_one_process_is_read_again(tmp_path, how):
    manifest = _book(tmp_path / "book")
    own = manifest.parent / "styles" / "fonts" / "own.ttf"
    assert _added(manifest) == []  # the book's own font sets its Hebrew
    inode = own.stat().st_ino
    if how == "renamed over":  # a new file (an editor's or a download's usual save)
        shutil.copyfile(ARMENIAN, own.with_suffix(".new"))
        os.replace(own.with_suffix(".new"), own)
    else:  # the same file, new bytes
        shutil.copyfile(ARMENIAN, own)
        assert own.stat().st_ino == inode
    assert _added(manifest) == ["Noto Serif Hebrew"]  # its Hebrew is gone: the tool's font sets it now
    shutil.copyfile(HEBREW, own)
    assert _added(manifest) == []

"""With every WeasyPrint speed-up switched off (ANTHOLOGY_WEASY_OFF=all), a book prints the same
pages: the speed-ups change how fast, never what."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pypdfium2
import pytest
from PIL import Image

from book_helpers import write_book

pytestmark = pytest.mark.slow  # two builds in subprocesses


def _palette_png() -> bytes:
    image = Image.new("P", (60, 40))
    image.putpalette([0, 90, 160] * 128 + [230, 200, 40] * 128)
    for x in range(60):
        for y in range(40):
            image.putpixel((x, y), 0 if (x // 10 + y // 10) % 2 else 200)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _pages(pdf) -> list[bytes]:
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return [bytes(page.render(scale=50 / 72).to_pil().tobytes()) for page in document]
    finally:
        document.close()


def test_the_speed_ups_off_print_the_same_pages(tmp_path):
    manifest = write_book(tmp_path / "book", """\
        title: Шахтёры и нефтяники
        language: ru
        chapters:
          - title: Жаңаөзен
            pieces: [piece.md]
        """, {"piece.md": "---\ntitle: Семь месяцев\n---\n\nНефтяники Жанаозена бастовали семь месяцев.\n\n"
                          "![Карта](images/map.png)\n", "images/map.png": _palette_png()})
    outputs = {}
    for label, off in (("fast", ""), ("plain", "all")):
        env = {**os.environ, "ANTHOLOGY_WEASY_OFF": off, "ANTHOLOGY_CACHE": "off", "SOURCE_DATE_EPOCH": "1700000000"}
        run = subprocess.run([sys.executable, "-m", "anthology", "build", str(manifest), "--out",
                              str(tmp_path / label), "--format", "pdf", "--quiet"], env=env,
                             capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        (pdf,) = (tmp_path / label).glob("*.pdf")
        outputs[label] = _pages(pdf)
    assert len(outputs["fast"]) >= 3
    assert outputs["fast"] == outputs["plain"]

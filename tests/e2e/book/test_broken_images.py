"""Broken images are found when the book is read (`check` too): a decompression bomb, a text file
named .png, a cut-short JPEG, a JPEG named .png, an SVG with an entity or a reference to another file.
Each is `FILE:LINE:` of the line that uses it, names the image and says what to do; nothing is written."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image

from access_recorder import Recorder
from book_helpers import run_cli, write_book
from image_helpers import BROKEN, GOOD_SVG, XXE_SVG, jpeg_bytes, png_bytes


def _book(folder: Path, image: str, data: bytes, cover: bytes | None = None) -> Path:
    """A book using `image` as a figure in a piece (line 7), inline in raw HTML in a chapter intro
    (line 2), and, if given, a cover (book.yaml line 3)."""
    files = {
        "pieces/one.md": "---\ntitle: One\n---\n\nBefore the figure.\n\n"
                         f'![What the picture shows](../img/{image} "A caption")\n\nAfter it.\n',
        "intro.md": f'An introduction.\n<p>Inline: <img src="img/{image}" alt="the same picture"/></p>\n',
        "img/good.png": png_bytes(), "img/good.svg": GOOD_SVG, f"img/{image}": data,
    }
    if cover is not None:
        files["img/cover.png"] = cover
    return write_book(folder, f"""\
        title: Pictures
        language: en
        {'cover: img/cover.png' if cover is not None else 'description: no cover'}
        chapters:
          - title: The Chapter
            intro: intro.md
            pieces:
              - pieces/one.md
        """, files)


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_image_is_a_problem_at_every_line_that_uses_it(tmp_path, name):
    data, expected = BROKEN[name]
    manifest = _book(tmp_path / "book", name, data)
    run = run_cli("check", manifest)
    assert run.code == 1, run.err
    assert "Traceback" not in run.err and "internal error" not in run.err
    for where, target in (("pieces/one.md:7", f"../img/{name}"), ("intro.md:2", f"img/{name}")):
        assert re.search(rf"^{re.escape(where)}: the image '{re.escape(target)}' .*{re.escape(expected)}",
                         run.err, re.M), run.err
    assert all(re.match(r"^[\w./-]+:\d+: ", line) for line in run.err.splitlines()[:-1]), run.err


@pytest.mark.parametrize("name", ["bomb.png", "text.png", "remote.svg"])
def test_a_broken_image_writes_no_output_at_all(tmp_path, name):
    data, _expected = BROKEN[name]
    manifest = _book(tmp_path / "book", name, data)
    out = tmp_path / "out"
    run = run_cli("build", manifest, "--out", out, "--format", "epub,pdf,zine,minizine", "--piece", "one",
                  "--for-press")
    assert run.code == 1 and "nothing was written" in run.err, run.err
    assert not out.exists() or [p.name for p in out.iterdir()] == []


def test_a_broken_cover_names_the_manifests_cover_line(tmp_path):
    manifest = _book(tmp_path / "book", "good.png", png_bytes(), cover=b"GIF89a not a picture at all")
    run = run_cli("check", manifest)
    assert run.code == 1
    assert "book.yaml:3: the cover image 'img/cover.png' is not an image" in run.err, run.err


def test_the_svg_entity_is_never_expanded_and_no_file_is_read(tmp_path):
    manifest = _book(tmp_path / "book", "entity.svg", XXE_SVG.encode())
    with Recorder() as recorder:
        run = run_cli("build", manifest, "--out", tmp_path / "out")
    assert run.code == 1
    assert recorder.opened(Path("/etc/passwd")) == [] and recorder.network == []
    assert "root:" not in run.err


def test_good_images_of_every_kind_still_build(tmp_path):
    manifest = _book(tmp_path / "book", "fine.jpg", jpeg_bytes(), cover=png_bytes((300, 450)))
    text = (manifest.parent / "pieces" / "one.md").read_text(encoding="utf-8")
    (manifest.parent / "pieces" / "one.md").write_text(
        text + '\n![A circle](../img/good.svg "Circle")\n\n![A square](../img/good.png "Square")\n', encoding="utf-8")
    run = run_cli("check", manifest)
    assert run.code == 0, run.err


def _png(kind: str) -> bytes:
    """A 90 x 60 picture with detail in every row (gradients and noise), saved as `kind`."""
    import random

    rng = random.Random(7)
    image = Image.new("RGB", (90, 60))
    image.putdata([((x * 3) % 256, (y * 4) % 256, rng.randrange(256)) for y in range(60) for x in range(90)])
    out = io.BytesIO()
    if kind == "gray":
        image.convert("L").save(out, format="PNG", compress_level=9)
    elif kind == "palette":
        image.convert("P", palette=Image.Palette.ADAPTIVE, colors=16).save(out, format="PNG")
    elif kind == "rgba":
        image.putalpha(Image.linear_gradient("L").resize((90, 60)))
        image.save(out, format="PNG")
    elif kind == "rgb16":  # 16 bits a sample: Pillow writes it from a 16-bit grey picture
        Image.frombytes("I;16", (90, 60), bytes(rng.randrange(256) for _ in range(90 * 60 * 2))).save(out, format="PNG")
    else:  # not as Pillow would write it again (level 6): the rows written tell which were used
        image.save(out, format="PNG", compress_level=9)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["rgb", "gray", "palette", "rgba", "rgb16"])
def test_a_png_written_with_its_own_rows_shows_the_same_pixels(tmp_path, monkeypatch, kind):
    """print/weasy/pngdata.py gives the PDF a PNG's own compressed rows when it can (8-bit grey or RGB,
    not interlaced) instead of WeasyPrint decoding and encoding it again: the page looks the same,
    pixel for pixel, as with WeasyPrint's own encoding, for those PNGs and for every other kind."""
    import pypdfium2
    import weasyprint
    from weasyprint.images import RasterImage

    from anthology.print.weasy import pngdata

    pngdata.install()  # as print/pdf.py does when it is imported: a PNG's own rows written as they are

    data = _png(kind)
    (tmp_path / "picture.png").write_bytes(data)
    html = weasyprint.HTML(string='<img src="picture.png" style="width: 12cm; image-rendering: pixelated">',
                           base_url=str(tmp_path) + "/")

    def pixels(pdf_bytes: bytes) -> bytes:
        page = pypdfium2.PdfDocument(pdf_bytes)[0]
        return page.render(scale=2).to_pil().tobytes()

    ours = html.write_pdf()
    monkeypatch.setattr(RasterImage, "_get_png_data", staticmethod(pngdata.ENCODE))
    theirs = html.write_pdf()
    assert pixels(ours) == pixels(theirs)
    rows = pngdata.idat(data, Image.open(io.BytesIO(data)).mode)
    assert (rows is not None) == (kind in ("rgb", "gray"))
    if rows is not None:  # written as they are (the file's rows), which WeasyPrint would not have done
        assert rows in ours and rows not in theirs


def test_an_interlaced_or_odd_png_is_encoded_again():
    from anthology.print.weasy import pngdata

    data = bytearray(_png("rgb"))
    assert pngdata.idat(bytes(data), "RGB") is not None
    assert pngdata.idat(bytes(data), "L") is None  # the mode Pillow read must be the file's
    interlaced = data[:]
    interlaced[8 + 8 + 12] = 1  # IHDR's interlace method: Adam7
    assert pngdata.idat(bytes(interlaced), "RGB") is None
    assert pngdata.idat(bytes(data[:40]), "RGB") is None  # cut short
    assert pngdata.idat(b"GIF89a", "RGB") is None


@pytest.mark.parametrize("kind", ["palette", "palette-transparent", "one-bit"])
def test_a_palette_png_is_made_rgb_once_and_prints_as_weasyprint_would(tmp_path, monkeypatch, kind):
    """print/weasy/pngdata.py: the RGB PNG WeasyPrint makes of a palette (or 1-bit) PNG is made once and
    kept in the build cache, keyed by the file's content; the PDF is the very PDF WeasyPrint's own
    conversion gives. A PNG with transparency is left to WeasyPrint."""
    import hashlib

    from anthology import cache
    from anthology.print.weasy import pngdata

    image = Image.open(io.BytesIO(_png("rgb")))
    out = io.BytesIO()
    if kind == "one-bit":
        image.convert("1").save(out, format="PNG")
    else:
        image.convert("P", palette=Image.Palette.ADAPTIVE, colors=16).save(
            out, format="PNG", **({"transparency": 0} if kind == "palette-transparent" else {}))
    data = out.getvalue()
    manifest = _book(tmp_path / "book", "drawing.png", data)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    run = run_cli("build", manifest, "--out", tmp_path / "ours", "--format", "pdf")
    assert run.code == 0, run.err
    kept = cache.lookup(cache.key("png-as-rgb", hashlib.sha256(data).hexdigest()))
    assert (kept is not None) == (kind != "palette-transparent")

    monkeypatch.setattr(pngdata, "as_rgb", lambda path: None)  # WeasyPrint converts it, as before
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other-cache"))
    run = run_cli("build", manifest, "--out", tmp_path / "theirs", "--format", "pdf")
    assert run.code == 0, run.err
    ours, theirs = (tmp_path / name / "pictures.pdf" for name in ("ours", "theirs"))
    assert ours.read_bytes() == theirs.read_bytes()

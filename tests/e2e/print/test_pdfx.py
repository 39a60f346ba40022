"""The PDF/X press edition (`print: pdf-x:`, `print: output-intent:`): what a press or a preflight checks,
read from the built files with pikepdf: the output intent, the version keys, the boxes, the fonts, the
colour spaces, transparency; Ghostscript's rendering of the PDF/X through its own output intent against
the soft proof; byte-identical rebuilds; bad input refused with the line or the image named.

The fixture book (tests/fixtures/pdfx) is Russian with Kazakh and German lines, a PNG of saturated
stripes with a see-through corner, a small JPEG, an SVG with hexadecimal, rgb() and named colours, and
a table (grey rules)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageCms

from book_helpers import FIXTURES, REPO, run_cli, snapshot
from checkers import ghostscript

EPOCH = "1700000000"
ICC = REPO / "anthology" / "resources" / "icc"


@pytest.fixture(autouse=True)
def _fixed_time(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def _book(tmp_path: Path, name: str, **print_keys) -> Path:
    """The fixture book copied to tmp_path/name with its print: keys replaced by `print_keys`."""
    folder = tmp_path / name
    shutil.copytree(FIXTURES / "pdfx", folder)
    manifest = folder / "book.yaml"
    text = manifest.read_text(encoding="utf-8").split("print:")[0]
    keys = {"trim": "A6", **print_keys}
    text += "print:\n" + "".join(f"  {key}: {value}\n" for key, value in keys.items() if value is not None)
    manifest.write_text(text, encoding="utf-8")
    return manifest


def _own_css(manifest: Path, css: str) -> None:
    """Give the book its own stylesheet: the tool's, and `css` after it."""
    styles = manifest.parent / "styles"
    shutil.copytree(REPO / "styles", styles)
    (styles / "book.css").write_text((styles / "book.css").read_text(encoding="utf-8") + "\n" + css, encoding="utf-8")


def _all_states(pdf) -> list:
    """Every graphics state of the pages and of the drawings (forms) they use."""
    found, holders, seen = [], [page.obj for page in pdf.pages], set()
    while holders:
        resources = holders.pop().get("/Resources")
        if resources is None:
            continue
        found += list((resources.get("/ExtGState") or {}).values())
        for xobject in (resources.get("/XObject") or {}).values():
            if xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                holders.append(xobject)
    return found


def _build(manifest: Path, *extra: str):
    result = run_cli("build", manifest, "--out", manifest.parent / "out", *extra)
    assert result.code == 0, result.err + result.out
    return result


@pytest.fixture(scope="module")
def x4(tmp_path_factory):
    """PDF/X-4 press edition, its soft proof and cover wrap; tagged (a tagged table's header cells)."""
    from _pytest.monkeypatch import MonkeyPatch

    with MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        manifest = _book(tmp_path_factory.mktemp("x4"), "book", **{"pdf-x": "x-4", "tagged": "true"})
        result = _build(manifest, "--for-press", "--format", "pdf,proof,cover")
    return manifest.parent / "out", result


@pytest.fixture(scope="module")
def x1a(tmp_path_factory):
    from _pytest.monkeypatch import MonkeyPatch

    with MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        manifest = _book(tmp_path_factory.mktemp("x1a"), "book", **{"pdf-x": "x-1a", "output-intent": "gracol"})
        _build(manifest, "--for-press", "--format", "pdf")
    return manifest.parent / "out"


# ------------------------------------------------------------------------------ reading a PDF/X


def _colour_operators(pdf) -> set[str]:
    """Every colour operator and colour space name used in the page contents and the forms."""
    found = set()
    for page in pdf.pages:
        holders = [page]
        seen = set()
        while holders:
            holder = holders.pop()
            for operands, operator in pikepdf.parse_content_stream(holder):
                name = str(operator)
                if name in ("rg", "RG", "k", "K", "g", "G", "sc", "scn", "SC", "SCN"):
                    found.add(name)
                elif name in ("cs", "CS"):
                    found.add(f"{name} {operands[0]}")
            resources = holder.obj.get("/Resources") if hasattr(holder, "obj") else holder.get("/Resources")
            for xobject in (resources.get("/XObject") or {}).values() if resources is not None else []:
                if xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
                    seen.add(xobject.objgen)
                    holders.append(xobject)
    return found


def _images(pdf) -> list:
    found = {}
    for page in pdf.pages:
        for xobject in (page.obj.Resources.get("/XObject") or {}).values():
            if xobject.get("/Subtype") == "/Image":
                found[xobject.objgen] = xobject
    return list(found.values())


def _fonts(pdf) -> list:
    found = {}
    for page in pdf.pages:
        for font in (page.obj.Resources.get("/Font") or {}).values():
            found[font.objgen] = font
    return list(found.values())


def _check_common(path: Path, condition: str, profile: Path, bleed: bool = True) -> pikepdf.Pdf:
    pdf = pikepdf.open(path)
    intents = pdf.Root.OutputIntents
    assert len(intents) == 1
    intent = intents[0]
    assert intent.S == "/GTS_PDFX" and intent.Type == "/OutputIntent"
    assert str(intent.OutputConditionIdentifier) == condition
    assert intent.DestOutputProfile.read_bytes() == profile.read_bytes()  # embedded, whole
    assert int(intent.DestOutputProfile.N) == 4
    assert str(pdf.docinfo.Trapped) == "/False"
    assert str(pdf.docinfo.CreationDate) == str(pdf.docinfo.ModDate) == "D:20231114221320+00'00'"
    assert "/ID" in pdf.trailer
    for number, page in enumerate(pdf.pages, start=1):
        media, bleeds, trim = (page.obj[key] for key in ("/MediaBox", "/BleedBox", "/TrimBox"))
        inside = (lambda a, b: a < b) if bleed else (lambda a, b: a <= b)  # the press PDF has bleed
        assert float(media[0]) <= float(bleeds[0]) and inside(float(bleeds[0]), float(trim[0])), number
        assert inside(float(trim[2]), float(bleeds[2])) and float(bleeds[2]) <= float(media[2]), number
        assert "/Annots" not in page.obj
    for font in _fonts(pdf):
        descriptors = [font.get("/FontDescriptor")] + [f.get("/FontDescriptor") for f in font.get("/DescendantFonts", [])]
        assert any(d is not None and any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                   for d in descriptors), font.get("/BaseFont")
    operators = _colour_operators(pdf)
    assert not {"rg", "RG"} & operators and not any("DeviceRGB" in o for o in operators), operators
    return pdf


# ------------------------------------------------------------------------------ PDF/X-4


def test_x4_output_intent_version_boxes_fonts_colours(x4):
    out, _ = x4
    pdf = _check_common(out / "book-press.pdf", "FOGRA39", ICC / "fogra39.icc")
    assert pdf.pdf_version == "1.6"
    xmp = pdf.Root.Metadata.read_bytes().decode()
    assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp
    assert re.search(r"<xmpMM:DocumentID>uuid:[0-9a-f-]{36}</xmpMM:DocumentID>", xmp)
    assert "<xmp:CreateDate>2023-11-14T22:13:20+00:00</xmp:CreateDate>" in xmp
    assert "Краска и бумага" in xmp  # dc:title
    from lxml import etree

    rdf = etree.fromstring(xmp.split("?>", 1)[1].rsplit("<?xpacket", 1)[0].encode())  # well-formed
    creators = rdf.findall(".//{http://purl.org/dc/elements/1.1/}creator//{*}li")
    assert [c.text for c in creators] == [str(pdf.docinfo.Author)]  # the XMP agrees with the Info dictionary
    spaces = {str(x.get("/ColorSpace")) for x in _images(pdf)}
    assert spaces <= {"/DeviceCMYK", "/DeviceGray"} and "/DeviceCMYK" in spaces, spaces
    assert any(x.get("/Filter") == "/DCTDecode" for x in _images(pdf))  # the PNG became a CMYK JPEG


def test_body_text_is_black_ink_alone_and_ink_within_the_limit(x4):
    out, _ = x4
    pdf = pikepdf.open(out / "book-press.pdf")
    text_colours, colours = set(), set()
    for page in pdf.pages:
        colour, in_text = None, False
        for operands, operator in pikepdf.parse_content_stream(page):
            name = str(operator)
            if name in ("k", "scn", "K", "SCN") and len(operands) == 4:
                colour = tuple(round(float(v), 4) for v in operands)
                colours.add(colour)
            elif name == "BT":
                in_text = True
            elif name == "ET":
                in_text = False
            elif name in ("Tj", "TJ") and in_text and colour:
                text_colours.add(colour)
    assert text_colours == {(0, 0, 0, 1)}  # all text: 100 % K, no cyan, magenta or yellow
    greys = {c for c in colours if c[:3] == (0, 0, 0) and 0 < c[3] < 1}
    assert greys, "the table's grey rules (#999) in black ink alone"
    coloured = {c for c in colours if c[:3] != (0, 0, 0)}
    assert len(coloured) >= 2, "the SVG's blue and red"
    assert all(c[3] < 0.25 for c in coloured)  # colours, not four-colour blacks
    assert max(sum(c) for c in colours) <= 3.0 + 1e-6  # 300 % total ink
    for image in _images(pdf):
        if image.get("/ColorSpace") == "/DeviceCMYK":
            pixels = Image.open(io.BytesIO(image.read_raw_bytes()))  # Pillow undoes Adobe's inversion
            assert pixels.mode == "CMYK"
            worst = max(sum(p) for p in zip(*(band.tobytes() for band in pixels.split())))
            assert worst <= 255 * 3 + 8, worst  # JPEG rounding aside


def test_x4_keeps_live_transparency_when_the_book_uses_it(tmp_path):
    manifest = _book(tmp_path, "see-through", **{"pdf-x": "x-4"})
    _own_css(manifest, "table { opacity: 0.5; }")
    _build(manifest, "--for-press", "--format", "pdf")
    pdf = pikepdf.open(manifest.parent / "out" / "book-press.pdf")
    assert any(float(state.get("/ca", 1)) == 0.5 for state in _all_states(pdf))


def test_soft_proof_matches_ghostscript_through_the_output_intent(x4, tmp_path):
    """Ghostscript renders the PDF/X with its embedded output intent as the CMYK profile (its own CMM,
    relative colorimetric); the proof (Ghostscript's CMYK pixels through LittleCMS) must show the same
    colours: over the coloured pixels a mean ΔE (CIE76) under 1 and none 3 apart (text and edges are left
    out: Ghostscript smooths them differently on a CMYK device)."""
    out, _ = x4
    gs = ghostscript()
    press = out / "book-press.pdf"
    proof_pages = sorted((out / "book-proof").glob("page-*.png"))
    assert len(proof_pages) == len(pikepdf.open(press).pages)
    pdf = pikepdf.open(press)
    page_of_picture = next(n for n, page in enumerate(pdf.pages, start=1)
                           for name in re.findall(rb"/([^\s/]+) Do", page.obj.Contents.read_bytes())
                           if page.obj.Resources.XObject[f"/{name.decode()}"].get("/ColorSpace") == "/DeviceCMYK")
    profile = tmp_path / "intent.icc"
    profile.write_bytes(pdf.Root.OutputIntents[0].DestOutputProfile.read_bytes())
    rendered = tmp_path / "gs.png"
    subprocess.run([gs, "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=png16m", "-r100", "-dUseTrimBox",
                    "-dTextAlphaBits=4", "-dGraphicsAlphaBits=4",
                    f"-sDefaultCMYKProfile={profile}", "-dRenderIntent=1", f"-dFirstPage={page_of_picture}",
                    f"-dLastPage={page_of_picture}", f"-sOutputFile={rendered}", str(press)], check=True)
    theirs = Image.open(rendered).convert("RGB")
    ours = Image.open(proof_pages[page_of_picture - 1]).convert("RGB")
    assert theirs.size == ours.size
    distances = _delta_e(ours, theirs)
    pixels, width = list(zip(*(band.tobytes() for band in ours.split()))), ours.width
    inside = [i for i in range(width + 1, len(pixels) - width - 1)  # not on an edge, where smoothing differs
              if max(pixels[i]) - min(pixels[i]) > 60
              and pixels[i] == pixels[i - 1] == pixels[i + 1] == pixels[i - width] == pixels[i + width]]
    coloured = sorted(distances[i] for i in inside)
    assert len(coloured) > 1000  # the stripes and the SVG are there, in colour
    assert sum(coloured) / len(coloured) < 1.0
    assert coloured[-1] < 3.0


def _delta_e(first, second) -> list[float]:
    to_lab = ImageCms.buildTransform(ImageCms.createProfile("sRGB"), ImageCms.createProfile("LAB"), "RGB", "LAB")
    a, b = (ImageCms.applyTransform(image, to_lab).tobytes() for image in (first, second))
    found = []
    for i in range(0, len(a), 3):
        dl = (a[i] - b[i]) * 100 / 255
        found.append((dl * dl + (a[i + 1] - b[i + 1]) ** 2 + (a[i + 2] - b[i + 2]) ** 2) ** 0.5)
    return found


def test_warnings_name_the_images_that_will_print_badly(x4):
    _, result = x4
    text = result.out + result.err
    assert re.search(r"images/small\.jpg: warning: printed at \d+ dpi on page \d+", text)
    assert re.search(r"images/colour\.png: warning: \d+% of its pixels \(page \d+\) are colours the press cannot print",
                     text)
    assert "colour.png: warning: printed at" not in text  # it has its 300 dpi


def test_cover_wrap_is_a_pdf_x_too(x4):
    out, _ = x4
    pdf = _check_common(out / "book-cover.pdf", "FOGRA39", ICC / "fogra39.icc")
    assert pdf.pdf_version == "1.6"
    fills = {tuple(round(float(v), 2) for v in operands) for operands, operator
             in pikepdf.parse_content_stream(pdf.pages[0]) if str(operator) in ("k", "scn") and len(operands) == 4}
    ground = [c for c in fills if c[0] > 0.5 and c[3] > 0.3]  # the generated cover's dark blue ground
    assert ground, fills
    assert all(sum(c) <= 3.0 + 1e-6 for c in fills)


def test_two_builds_are_byte_identical(x4, monkeypatch):
    """The same sources in the same place, built again without the cache (SOURCE_DATE_EPOCH set)."""
    out, _ = x4
    monkeypatch.setenv("ANTHOLOGY_CACHE", "off")
    again = out.parent / "again"
    result = run_cli("build", out.parent / "book.yaml", "--out", again, "--for-press", "--format", "pdf,proof,cover")
    assert result.code == 0, result.err
    assert "restored from the cache" not in result.out
    for name in ("book-press.pdf", "book-cover.pdf", "book.pdf"):
        assert (again / name).read_bytes() == (out / name).read_bytes(), name
    assert snapshot(again / "book-proof") == snapshot(out / "book-proof")
    assert b"/StructTreeRoot" in (again / "book-press.pdf").read_bytes() or \
        "/StructTreeRoot" in pikepdf.open(again / "book-press.pdf").Root  # tagged: its table's header ids too


# ------------------------------------------------------------------------------ PDF/X-1a


def test_x1a_version_keys_and_no_transparency(x1a):
    pdf = _check_common(x1a / "book-press.pdf", "CGATS TR 006", ICC / "gracol.icc")
    assert pdf.pdf_version == "1.3"
    assert str(pdf.docinfo.GTS_PDFXVersion) == "PDF/X-1:2001"
    assert str(pdf.docinfo.GTS_PDFXConformance) == "PDF/X-1a:2001"
    assert "/Metadata" not in pdf.Root  # PDF 1.3 has no XMP: the Info dictionary says it all
    for number, page in enumerate(pdf.pages, start=1):
        assert "/Group" not in page.obj, number
        resources = page.obj.Resources
        for state in (resources.get("/ExtGState") or {}).values():
            assert float(state.get("/ca", 1)) == 1 and float(state.get("/CA", 1)) == 1
            assert "/SMask" not in state or state.SMask == "/None"
        for name, xobject in (resources.get("/XObject") or {}).items():
            assert "/SMask" not in xobject, name
            if xobject.get("/Subtype") == "/Form" and "/Group" in xobject:
                assert xobject.Group.get("/S") != "/Transparency", name
        for space in (resources.get("/ColorSpace") or {}).values():
            assert space in ("/DeviceCMYK", "/DeviceGray"), space  # no ICC-based, no Lab in X-1a
    assert {str(x.get("/ColorSpace")) for x in _images(pdf)} <= {"/DeviceCMYK", "/DeviceGray"}


def test_x1a_refuses_transparency_naming_the_element(tmp_path):
    manifest = _book(tmp_path, "refused", **{"pdf-x": "x-1a"})
    _own_css(manifest, "table { opacity: 0.4; }")
    out = manifest.parent / "out"
    out.mkdir()
    (out / "book-press.pdf").write_bytes(b"the previous press PDF")
    result = run_cli("build", manifest, "--out", out, "--for-press", "--format", "pdf")
    assert result.code == 1
    assert re.search(r'book\.yaml:\d+: PDF/X-1a allows no transparency, and <table> \(in #colour\) '
                     r'\(opacity: 0\.4\) on page \d+ is see-through', result.err), result.err
    assert "Traceback" not in result.err
    assert (out / "book-press.pdf").read_bytes() == b"the previous press PDF"


# ------------------------------------------------------------------------------ the IngramSpark preset


def test_ingramspark_interior_is_pdf_x1a_2001(tmp_path):
    manifest = _book(tmp_path, "ingram", trim="5in x 8in", printer="ingramspark")
    result = run_cli("build", manifest, "--out", manifest.parent / "out", "--format", "pdf")
    assert result.code == 0, result.err
    pdf = _check_common(manifest.parent / "out" / "book.pdf", "FOGRA39", ICC / "fogra39.icc", bleed=False)
    assert str(pdf.docinfo.GTS_PDFXConformance) == "PDF/X-1a:2001"
    assert pdf.pdf_version == "1.3"


# ------------------------------------------------------------------------------ bad input


def _refused(tmp_path, name: str, line_text: str, message: str, **print_keys):
    manifest = _book(tmp_path, name, **{"pdf-x": "x-4", **print_keys})
    out = manifest.parent / "out"
    out.mkdir()
    (out / "book-press.pdf").write_bytes(b"previous")
    result = run_cli("build", manifest, "--out", out, "--for-press", "--format", "pdf")
    assert result.code == 1, result.out
    line = next(n for n, text in enumerate(manifest.read_text(encoding="utf-8").splitlines(), start=1)
                if line_text in text)
    assert re.search(rf"book\.yaml:{line}: .*{message}", result.err), result.err
    assert "Traceback" not in result.err
    assert snapshot(out) == {"book-press.pdf": b"previous"}


def test_an_rgb_profile_is_not_an_output_intent(tmp_path):
    folder = tmp_path / "rgb"
    manifest = _book(tmp_path, "rgb", **{"pdf-x": "x-4"})
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    (manifest.parent / "printer.icc").write_bytes(srgb)
    text = manifest.read_text(encoding="utf-8") + "  output-intent: printer.icc\n"
    manifest.write_text(text, encoding="utf-8")
    out = manifest.parent / "out"
    out.mkdir()
    (out / "book-press.pdf").write_bytes(b"previous")
    result = run_cli("build", manifest, "--out", out, "--for-press")
    assert result.code == 1
    assert re.search(r"book\.yaml:\d+: print: output-intent: 'printer.icc' is a profile for RGB of class 'mntr', "
                     r"not a CMYK output profile", result.err), result.err
    assert snapshot(out) == {"book-press.pdf": b"previous"}
    assert folder.exists()


def test_a_profile_outside_the_book_is_refused(tmp_path):
    shutil.copy(ICC / "swop.icc", tmp_path / "outside.icc")
    _refused(tmp_path, "outside", "output-intent", r"print: output-intent: the profile '\.\./outside\.icc' is "
             r"outside the book's folder", **{"output-intent": "../outside.icc"})


def test_a_printers_own_profile_is_embedded(tmp_path):
    manifest = _book(tmp_path, "own", **{"pdf-x": "x-4", "output-intent": "press/our-press.icc"})
    (manifest.parent / "press").mkdir()
    shutil.copy(ICC / "swop.icc", manifest.parent / "press" / "our-press.icc")
    _build(manifest, "--for-press", "--format", "pdf")
    pdf = _check_common(manifest.parent / "out" / "book-press.pdf", "Custom", ICC / "swop.icc")
    assert "SWOP" in str(pdf.Root.OutputIntents[0].Info)


def test_an_image_that_cannot_be_converted_is_named(tmp_path):
    manifest = _book(tmp_path, "broken", **{"pdf-x": "x-4"})
    image = manifest.parent / "images" / "colour.png"
    with Image.open(image) as picture:
        picture.save(image, icc_profile=b"not a colour profile at all" * 10)
    out = manifest.parent / "out"
    out.mkdir()
    (out / "book-press.pdf").write_bytes(b"previous")
    result = run_cli("build", manifest, "--out", out, "--for-press", "--format", "pdf")
    assert result.code == 1, result.out
    assert re.search(r"images/colour\.png: cannot be converted to CMYK for the press \(its embedded colour "
                     r"profile cannot be used", result.err), result.err
    assert snapshot(out) == {"book-press.pdf": b"previous"}


def test_an_unknown_variant_names_the_line(tmp_path):
    _refused(tmp_path, "variant", "pdf-x", r"print: pdf-x: 'x-2' is not a PDF/X variant this tool writes",
             **{"pdf-x": "x-2"})


def test_the_proof_needs_a_pdf_x(tmp_path):
    manifest = _book(tmp_path, "plain")
    result = run_cli("build", manifest, "--out", manifest.parent / "out", "--format", "proof")
    assert result.code == 1
    assert "--format proof shows the PDF/X press edition" in result.err

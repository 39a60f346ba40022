"""Every image the book uses is verified when the book is read: it decodes as the format its content
says (and its name says the same), it is not too large to decode, and an SVG is self-contained XML
without entities or references to other files. Each problem says what to do about it."""

from __future__ import annotations

import functools
import re
import warnings
from pathlib import Path

from lxml import etree
from PIL import Image, ImageFile

from anthology.book import stylesheet

MAX_PIXELS = 100_000_000       # width × height of a raster image (100 megapixels)
MAX_SVG_BYTES = 10_000_000     # an SVG file (10 MB)

FORMATS = {"PNG": (".png",), "JPEG": (".jpg", ".jpeg"), "GIF": (".gif",)}
_XLINK = "{http://www.w3.org/1999/xlink}href"
_SVG = "{http://www.w3.org/2000/svg}svg"


def problems(path: Path) -> list[str]:
    """What is wrong with the image file at path ([] when nothing is); cached per file version."""
    try:
        stat = path.stat()
    except OSError as exc:
        return [f"cannot be read ({exc.strerror})"]
    return list(_problems(path, stat.st_mtime_ns, stat.st_size, stat.st_ino, stat.st_ctime_ns))  # by the file's stat


@functools.lru_cache(maxsize=1024)
def _problems(path: Path, _mtime: int, _size: int, _inode: int, _changed: int) -> tuple[str, ...]:
    if path.suffix.lower() == ".svg":
        return tuple(_svg_problems(path))
    return tuple(_raster_problems(path))


def _raster_problems(path: Path) -> list[str]:
    suffix = path.suffix.lower()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                kind = image.format
                width, height = image.size
                if width * height > MAX_PIXELS:
                    return [f"is {width} × {height} pixels, more than the limit of {MAX_PIXELS // 1_000_000} "
                            "megapixels (a decompression bomb, or a scan far too large for a book): "
                            "scale it down (3000 pixels on the long side is plenty for print)"]
                if kind not in FORMATS:
                    return [f"is a {kind} image: save it as PNG or JPEG"]
                if suffix not in FORMATS[kind]:
                    return [f"is a {kind} image with a '{path.suffix}' name: rename it to "
                            f"'{path.stem}{FORMATS[kind][0]}' (readers trust the name)"]
                _load_strictly(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        claimed = re.search(r"\((\d+) pixels\)", str(exc))
        size = f"{int(claimed.group(1)) // 1_000_000:,} megapixels" if claimed else "too many pixels"
        return [f"claims {size}, more than the limit of {MAX_PIXELS // 1_000_000} megapixels "
                "(a decompression bomb, or a scan far too large for a book): scale it down "
                "(3000 pixels on the long side is plenty for print)"]
    except Image.UnidentifiedImageError:
        return ["is not an image (its content is not PNG, JPEG or GIF): export the picture again "
                "from an image editor"]
    except (OSError, ValueError, SyntaxError) as exc:
        return [f"cannot be decoded ({exc}): the file is damaged or cut short; export it again"]
    return []


def _load_strictly(image) -> None:
    """Decode every pixel; a file cut short is an error (WeasyPrint, once imported, tells Pillow to
    accept truncated files for the whole process: switch that off while we look)."""
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        image.load()
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _svg_problems(path: Path) -> list[str]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [f"cannot be read ({exc.strerror})"]
    if len(data) > MAX_SVG_BYTES:
        return [f"is {len(data):,} bytes, more than the limit of {MAX_SVG_BYTES:,} for an SVG: simplify it "
                "or save it as PNG"]
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        return [f"is not well-formed SVG (XML line {exc.lineno}: {exc.msg}): export it again"]
    found = []
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and list(dtd.iterentities()):
        names = ", ".join(sorted({entity.name for entity in dtd.iterentities()}))
        found.append(f"declares XML entities ({names}), which can read files or explode in size: "
                     "remove the <!DOCTYPE …> block")
    if root.tag != _SVG:
        found.append("is not an SVG image (its root element is not <svg> in the SVG namespace)")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        link = etree.QName(element).localname == "a"  # a link is followed by a reader, never loaded
        for name in ("href", _XLINK):
            target = (element.get(name) or "").strip()
            if link and target.lower().startswith(("http:", "https:", "mailto:")):
                continue
            if target and not target.startswith("#") and not target.lower().startswith("data:"):
                found.append(f"refers to '{target[:200]}' (line {element.sourceline} of the SVG); an SVG in a "
                             "book must be self-contained: embed the picture as a data: URL or draw it in "
                             "the SVG")
        css = (element.text or "") if etree.QName(element).localname == "style" else ""
        for _line, target in stylesheet.references(css + " " + (element.get("style") or "")):
            if target and not target.startswith("#") and not target.lower().startswith("data:"):
                found.append(f"refers to '{target[:200]}' in its CSS (line {element.sourceline} of the SVG); "
                             "an SVG in a book must be self-contained: embed it as a data: URL")
    return found

"""PNG image data given to the PDF as it is, instead of decoded and encoded again at every write.

To write a PNG image, WeasyPrint 70 decodes it with Pillow and encodes it again, only to take the
compressed rows (the IDAT chunks) out of the new file: 0.1 s of the 0.2 s it takes to write the
sample's chapter of drawings, at every build that writes it. A PDF reads those rows as they are (a
FlateDecode stream with the PNG predictors), so when the PNG is 8 bits a sample, grey or RGB,
not interlaced, its own IDAT chunks are the same pixels; any other PNG is encoded as before.

WeasyPrint stores the images it converts (palette, transparency) as a PNG that Pillow wrote with
the same settings, so for those the bytes written are the very bytes it wrote before.

That conversion (a palette PNG, like the sample's drawings, made RGB and encoded: 0.06 s of the
0.23 s the sample's chapter of drawings takes to lay out) is done once per image: as_rgb() gives
the print fetcher the converted PNG from the build cache, keyed by the file's content.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_COLOR_TYPES = {"L": 0, "RGB": 2}  # Pillow's mode -> the PNG colour type of the same samples


def idat(data: bytes, mode: str) -> bytes | None:
    """The concatenated IDAT chunks of a PNG whose rows a PDF can take as they are (8 bits, grey
    or RGB as `mode` says, not interlaced); None for any other PNG."""
    if not data.startswith(_SIGNATURE) or mode not in _COLOR_TYPES:
        return None
    chunks, position = [], len(_SIGNATURE)
    header = None
    while position + 8 <= len(data):
        length, kind = struct.unpack_from("!I4s", data, position)
        body = data[position + 8:position + 8 + length]
        if len(body) != length:
            return None
        if kind == b"IHDR":
            if length != 13:
                return None
            header = struct.unpack("!IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
        elif kind == b"IEND":
            break
        position += 12 + length
    if header is None or not chunks:
        return None
    _width, _height, depth, color, compression, filtering, interlace = header
    if (depth, color, compression, filtering, interlace) != (8, _COLOR_TYPES[mode], 0, 0, 0):
        return None
    return b"".join(chunks)


def install() -> None:
    """Give WeasyPrint's PNG writer the file's own rows when idat() can (once per process)."""
    global ENCODE
    from weasyprint.images import RasterImage

    from anthology.print import weasy

    if ENCODE is not None or not weasy.enabled("pngdata"):
        return
    ENCODE = encode = RasterImage._get_png_data

    def png_data(pillow_image):
        source: Any = getattr(pillow_image, "fp", None)  # the BytesIO WeasyPrint opened it from
        data = source.getvalue() if hasattr(source, "getvalue") else None
        rows = idat(data, pillow_image.mode) if data is not None and pillow_image.format == "PNG" else None
        return rows if rows is not None else encode(pillow_image)

    RasterImage._get_png_data = staticmethod(png_data)


ENCODE = None  # WeasyPrint's own encoder, once install() has replaced it


def as_rgb(path: Path) -> bytes | None:
    """The PNG WeasyPrint would make of a palette (or 1-bit, or 16-bit grey) PNG without
    transparency or orientation: its pixels in RGB, saved by Pillow as WeasyPrint saves them;
    remembered in the build cache by the file's content. None for any other file (served as is:
    only its header is read here)."""
    import io

    from PIL import Image

    from anthology import cache
    from anthology.print import weasy

    if not weasy.enabled("as-rgb"):
        return None
    try:
        with open(path, "rb") as stream:
            head = stream.read(len(_SIGNATURE) + 25)  # the signature and the IHDR chunk
        if not head.startswith(_SIGNATURE) or head[12:16] != b"IHDR" or len(head) < 26:
            return None
        depth, color = head[24], head[25]
        if color != 3 and not (color == 0 and depth != 8):  # not a palette, odd-depth grey PNG
            return None
        entry_key = cache.key("png-as-rgb", cache.file_hash(path))
        entry = cache.lookup(entry_key)
        converted = entry.read("image.png") if entry is not None else None
        if converted is not None:  # stored only for a PNG that passed the checks below
            return converted
        with Image.open(io.BytesIO(path.read_bytes())) as image:
            if image.mode not in ("1", "P", "I") or "transparency" in image.info or image.getexif().get(0x0112):
                return None
            out = io.BytesIO()
            image.convert("RGB").save(out, format="PNG", optimize=False)
        converted = out.getvalue()
        cache.store(entry_key, [], {"image.png": converted}, prune_now=False)
        return converted
    except (OSError, ValueError, SyntaxError):  # not a readable PNG: WeasyPrint reports it as before
        return None

"""Images the tests write: good ones of each kind (PNG, JPEG, SVG) and the broken ones every reader of a
book must refuse (BROKEN: name -> (bytes, what the message says)), shared by the image, failure and fuzz
tests."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims width × height pixels, with one tiny compressed row of data."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
            + chunk(b"IEND", b""))


def jpeg_bytes(size=(120, 80)) -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise(size, 60).convert("RGB").save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def png_bytes(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 180, 160)).save(buffer, "PNG")
    return buffer.getvalue()


XXE_SVG = ('<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
           '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="40"><text y="20">&xxe;</text></svg>\n')
HREF_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" '
            'height="40">\n<image href="https://example.com/tracker.png" width="20" height="20"/>\n'
            '<image xlink:href="file:///etc/hostname" width="20" height="20"/>\n</svg>\n')
GOOD_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><circle cx="20" cy="20" r="9"/></svg>\n'

BROKEN = {
    "bomb.png": (png_claiming(60000, 60000), "claims 3,600 megapixels, more than the limit of 100 megapixels"),
    "text.png": (b"This is a text file, not a picture.\n" * 20, "is not an image"),
    "cut.jpg": (jpeg_bytes()[:900], "cannot be decoded"),
    "photo.png": (jpeg_bytes(), "is a JPEG image with a '.png' name: rename it to 'photo.jpg'"),
    "entity.svg": (XXE_SVG.encode(), "declares XML entities (xxe)"),
    "remote.svg": (HREF_SVG.encode(), "refers to 'https://example.com/tracker.png'"),
}

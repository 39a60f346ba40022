"""Zip containers (.docx, .odt, .epub) opened with suspicion: a file that is not a zip, a damaged one,
a member whose name leads outside the archive's folder, an archive that unpacks to far more than a
book, XML that declares entities (an XML bomb) and images that would decode to too many pixels are
each refused with a message naming the file. `xml()` parses with entities and the network off."""

from __future__ import annotations

import io
import warnings
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from lxml import etree

from anthology.importers import Unreadable

MAX_MEMBERS = 20_000
MAX_UNPACKED = 1_000_000_000      # bytes, all members together
MAX_RATIO = 1_000                 # unpacked / packed size of one member
_XML_SUFFIXES = (".xml", ".rels", ".xhtml", ".html", ".htm", ".opf", ".ncx", ".svg")
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def open_zip(path: Path, what: str) -> zipfile.ZipFile:
    """The archive at path, checked; Unreadable naming the file when it is not a sound `what`."""
    if not zipfile.is_zipfile(path):
        raise Unreadable(f"{path}: this is not {what}: its content is not a zip archive (another format "
                         "under this name, or a file cut short)")
    try:
        archive = zipfile.ZipFile(path)
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise Unreadable(f"{path}: the archive is damaged ({exc}): save the document again") from None
    if len(members) > MAX_MEMBERS:
        raise Unreadable(f"{path}: the archive has {len(members):,} members, far more than {what} has")
    total = 0
    for member in members:
        name = member.filename
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if name.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
            raise Unreadable(f"{path}: the member '{name}' lies outside the archive's folder: the file was "
                             "made to write elsewhere, and is refused")
        total += member.file_size
        if member.compress_size and member.file_size / member.compress_size > MAX_RATIO and member.file_size > 10_000_000:
            raise Unreadable(f"{path}: the member '{name}' unpacks to {member.file_size:,} bytes from "
                             f"{member.compress_size:,} (a zip bomb?): refused")
    if total > MAX_UNPACKED:
        raise Unreadable(f"{path}: the archive unpacks to {total:,} bytes, more than a book's files (a zip bomb?)")
    try:
        broken = archive.testzip()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, zlib.error) as exc:
        raise Unreadable(f"{path}: the archive is damaged ({exc}): save the document again") from None
    if broken is not None:
        raise Unreadable(f"{path}: the archive is damaged (the member '{broken}' fails its checksum): save the "
                         "document again")
    for member in members:
        if member.filename.lower().endswith(_XML_SUFFIXES):
            head = archive.read(member)
            if b"<!ENTITY" in head.upper() or b"<\x00!\x00E\x00N\x00T\x00I\x00T\x00Y" in head.upper():
                raise Unreadable(f"{path}: '{member.filename}' declares XML entities (<!ENTITY …>), which can "
                                 "explode in size (an XML bomb) or read other files: refused")
    return archive


def xml(archive: zipfile.ZipFile, name: str, path: Path):
    """The parsed root of an XML member; Unreadable naming the file and member when it is not XML."""
    try:
        return etree.fromstring(archive.read(name), PARSER)
    except KeyError:
        raise Unreadable(f"{path}: the member '{name}' is missing") from None
    except etree.XMLSyntaxError as exc:
        raise Unreadable(f"{path}: '{name}' is not well-formed XML (line {exc.lineno}: {exc.msg})") from None


def check_image(data: bytes, name: str, path: Path) -> None:
    """Refuse an image that claims more pixels than the book allows (a decompression bomb)."""
    from PIL import Image

    from anthology.book.images import MAX_PIXELS

    if name.lower().endswith(".svg"):
        if b"<!ENTITY" in data.upper():
            raise Unreadable(f"{path}: the image '{name}' declares XML entities (an XML bomb?): refused")
        return
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        width, height = MAX_PIXELS, 2
    except Exception:  # not an image Pillow reads: the build reports it at its line
        return
    if width * height > MAX_PIXELS:
        raise Unreadable(f"{path}: the image '{name}' claims {width} × {height} pixels, more than the book's limit "
                         f"of {MAX_PIXELS // 1_000_000} megapixels (a decompression bomb, or a scan far too large): "
                         "scale it down and import again")


def is_pixel(data: bytes) -> bool:
    """An image of at most 2 × 2 pixels: a web page's tracking pixel or spacer, not a picture."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except Exception:
        return False
    return width <= 2 and height <= 2

"""Make an EPUB zip reproducible: mimetype first and stored, fixed entry order and timestamps."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path


def _order(name: str) -> tuple:
    if name == "mimetype":
        return (0, name)
    if name.startswith("META-INF/"):
        return (1, name)
    if name.endswith(".opf"):
        return (2, name)
    return (3, name)


def normalize(source: Path, target: Path, epoch: int) -> None:
    """Rewrite the zip at source into target, byte-reproducible for the same content and epoch."""
    stamp = time.gmtime(max(epoch, 315532800))[:6]  # the zip format cannot go before 1980
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for name in sorted(zin.namelist(), key=_order):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = 3
            info.external_attr = 0o644 << 16
            if name == "mimetype":
                info.compress_type = zipfile.ZIP_STORED
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(info, zin.read(name), compresslevel=9 if name != "mimetype" else None)

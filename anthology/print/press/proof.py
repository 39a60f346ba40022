"""The soft proof (`--format proof`): the PDF/X press edition as the press will print it, on screen.
Ghostscript renders the PDF/X's pages, trimmed, as CMYK pixels (the very ink values of the file);
LittleCMS (Pillow's ImageCms) turns them into sRGB through the output intent's profile, relative
colorimetric with black point compensation (paper white shown as the screen's white); each page is
written as <name>-proof/page-NNN.png.

Ghostscript is a program, not a library of this tool: `apt-get install ghostscript`."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from anthology.errors import BookError, Problem

RESOLUTION = 100  # pixels to the inch


def ghostscript() -> str | None:
    return shutil.which("gs")


def render_cmyk(pdf: Path, resolution: int = RESOLUTION) -> list:
    """The PDF's pages, trimmed, as CMYK Pillow images (Ghostscript's tiff32nc device: no colour
    conversion of DeviceCMYK content)."""
    from PIL import Image

    gs = ghostscript()
    if gs is None:
        raise BookError([Problem(str(pdf.name), None, "the soft proof needs Ghostscript to render the PDF/X's "
                                                      "pages: install it (apt-get install ghostscript)", "PROOF")])
    with tempfile.TemporaryDirectory() as work:
        pattern = Path(work) / "page-%03d.tif"
        command = [gs, "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-dUseTrimBox", "-sDEVICE=tiff32nc",
                   "-dTextAlphaBits=4", "-dGraphicsAlphaBits=4", f"-r{resolution}",
                   f"-sOutputFile={pattern}", str(pdf)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            raise BookError([Problem(str(pdf.name), None, f"Ghostscript could not render the PDF/X for the soft "
                                                          f"proof: {done.stderr.strip()[:300]}", "PROOF")])
        pages = []
        for path in sorted(Path(work).glob("page-*.tif")):
            with Image.open(path) as image:
                image.load()
                pages.append(image.convert("CMYK"))
        return pages


def write(pdf: Path, press, folder: Path) -> list[Path]:
    """Write the soft proof of `pdf` (a PDF/X whose colours `press` made) into `folder`."""
    from PIL import ImageCms

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for number, page in enumerate(render_cmyk(pdf), start=1):
        target = folder / f"page-{number:03d}.png"
        rgb = ImageCms.applyTransform(page, press.to_rgb)
        assert rgb is not None  # Pillow's type allows None: returned only when transformed in place
        rgb.save(target, format="PNG", optimize=True)
        written.append(target)
    return written

"""The CMYK output intents a PDF/X can name (`print: output-intent: fogra39 | gracol | swop | PATH.icc`):
the profiles the tool ships (anthology/resources/icc/, see its README.md for their data and licence)
and the check that a printer's own `.icc` file is a CMYK output profile inside the book."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ICC_DIR = Path(__file__).resolve().parent.parent / "resources" / "icc"
VARIANTS = ("x-1a", "x-3", "x-4")


@dataclass(frozen=True)
class OutputIntent:
    """What the PDF/X's /OutputIntents entry says: the profile, and the printing condition by name."""

    path: Path
    condition: str  # /OutputConditionIdentifier: a name in the ICC's registry, or "Custom"
    info: str  # /Info: the printing condition in words
    registry: str = "http://www.color.org"


# The characterized printing conditions of the ICC's registry (color.org/registry), each with the
# profile the tool built from the same characterization data.
SHIPPED = {
    "fogra39": OutputIntent(ICC_DIR / "fogra39.icc", "FOGRA39",
                            "Coated FOGRA39 (ISO 12647-2:2004/Amd 1, offset, paper type 1 or 2, coated)"),
    "gracol": OutputIntent(ICC_DIR / "gracol.icc", "CGATS TR 006",
                           "GRACoL 2006 Coated 1 (CGATS TR 006, ISO 12647-2 paper type 1)"),
    "swop": OutputIntent(ICC_DIR / "swop.icc", "CGATS TR 003",
                         "SWOP Grade 3 coated (CGATS TR 003, web offset)"),
}
DEFAULT = "fogra39"


def resolve(value: str, root: Path) -> OutputIntent:
    """The output intent a manifest value names; ValueError saying what is wrong and what to do."""
    name = str(value).strip()
    if name.lower() in SHIPPED:
        return SHIPPED[name.lower()]
    if not name.lower().endswith((".icc", ".icm")):
        raise ValueError(f"'{value}' is neither a profile this tool ships ({', '.join(SHIPPED)}) nor an "
                         ".icc file of the book")
    path = (root / name).resolve()
    if root.resolve() not in path.parents:
        raise ValueError(f"the profile '{value}' is outside the book's folder {root}: copy the printer's "
                         "profile into the book and name it by a relative path")
    if not path.is_file():
        raise ValueError(f"the profile '{value}' does not exist (looked for {path})")
    problem = not_cmyk_output(path)
    if problem:
        raise ValueError(f"'{value}' {problem}")
    return OutputIntent(path, "Custom", description(path) or path.stem, registry="")


def not_cmyk_output(path: Path) -> str | None:
    """Why the file is not a CMYK output (printer) profile, or None when it is one."""
    from PIL import ImageCms

    try:
        profile = ImageCms.ImageCmsProfile(str(path)).profile
    except (OSError, ImageCms.PyCMSError) as exc:
        return f"is not an ICC profile that LittleCMS can read ({exc})"
    space, kind = profile.xcolor_space.strip(), profile.device_class.strip()
    if space != "CMYK" or kind != "prtr":
        return (f"is a profile for {space} of class '{kind}', not a CMYK output profile (class 'prtr'): "
                "ask the printer for its CMYK characterization profile")
    return None


def description(path: Path) -> str:
    from PIL import ImageCms

    return (ImageCms.ImageCmsProfile(str(path)).profile.profile_description or "").strip()

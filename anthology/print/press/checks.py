"""What a PDF/X may not hold, checked twice: in the laid-out book (an element with CSS `opacity` in a
PDF/X-1a or X-3, named with its page; images that will print badly: too few pixels, colours the press
cannot print) and in the written PDF (fonts not embedded, colour spaces other than CMYK and grey, or
ICC-based ones for X-3 and X-4, transparency in X-1a and X-3), each finding with its page."""

from __future__ import annotations

from pathlib import Path

GAMUT_SHARE = 0.05  # warn when more than this share of an image's pixels move by over 10 ΔE
FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


def opacity_problems(document, variant: str) -> list[str]:
    """Every element drawn with CSS opacity below 1, for a variant that allows no transparency."""
    if variant == "x-4":
        return []
    found: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for box, holder in _boxes_in(page._page_box):
            if box.element is None or box.style["opacity"] >= 1:
                continue
            found.setdefault(_describe(box.element, holder) + f" (opacity: {box.style['opacity']:g})", number)
    return [f"PDF/X-{variant[2:]} allows no transparency, and {element} on page {page} is see-through: "
            f"remove its opacity, or ask for print: pdf-x: x-4, which keeps transparency"
            for element, page in found.items()]


def image_pages(document, root: Path) -> dict[Path, int]:
    """The first page of every raster image the layout placed."""
    from urllib.parse import unquote, urlsplit

    from weasyprint.formatting_structure import boxes

    found: dict[Path, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for box in _boxes(page._page_box):
            if isinstance(box, boxes.ReplacedBox) and box.element is not None and box.element.get("src"):
                src = box.element.get("src")
                path = Path(unquote(urlsplit(src).path)) if src.startswith("file:") else root / src
                found.setdefault(path.resolve(), number)
    return found


def image_warnings(document, root: Path, press) -> list[str]:
    """A warning for every image that will print badly: under 300 pixels to the inch where it is
    placed, or more than GAMUT_SHARE of its pixels outside the press's gamut."""
    from anthology.print.covers import presets

    found = [f"{name}: printed at {dpi:.0f} dpi on page {page}; a press wants {presets.MIN_DPI} dpi: use a "
             "larger image or print it smaller" for name, page, dpi in presets.low_resolution_images(document, root)]
    for path, page in image_pages(document, root).items():
        if path.suffix.lower() == ".svg" or not path.is_file():
            continue
        share = press.gamut_loss(path)
        if share > GAMUT_SHARE:
            found.append(f"{_name(path, root)}: {share:.0%} of its pixels (page {page}) are colours the press "
                         f"cannot print ({press.profile.name}): they print duller; see the soft proof "
                         "(--format proof)")
    return found


def pdf_problems(pdf, variant: str) -> list[str]:
    """What keeps the opened PDF (pikepdf) from being the PDF/X `variant`, each with its page."""
    found: list[str] = []
    for number, page in enumerate(pdf.pages, start=1):
        for what in ("/TrimBox", "/BleedBox"):
            if what not in page.obj:
                found.append(f"page {number}: no {what[1:]}")
        seen: set = set()
        for problem in _resources(page.obj, variant, seen):
            found.append(f"page {number}: {problem}")
        if variant != "x-4" and _transparent_group(page.obj):
            found.append(f"page {number}: a transparency group (PDF/X-{variant[2:]} allows no transparency)")
    return list(dict.fromkeys(found))


def _resources(holder, variant: str, seen: set):
    import pikepdf

    resources = holder.get("/Resources")
    if resources is None or resources.objgen in seen and resources.objgen != (0, 0):
        return
    seen.add(resources.objgen)
    for name, space in (resources.get("/ColorSpace") or {}).items():
        if not _allowed_space(space, variant):
            yield f"the colour space {name} is {_space_name(space)}"
    for name, font in (resources.get("/Font") or {}).items():
        if not _embedded(font):
            yield f"the font {font.get('/BaseFont', name)} is not embedded"
    for name, state in (resources.get("/ExtGState") or {}).items():
        if variant != "x-4" and _transparent_state(state):
            yield f"the graphics state {name} is transparent (PDF/X-{variant[2:]} allows no transparency)"
    for name, shading in (resources.get("/Shading") or {}).items():
        if not _allowed_space(shading.get("/ColorSpace"), variant):
            yield f"the gradient {name} is in {_space_name(shading.get('/ColorSpace'))}"
    for _name, pattern in (resources.get("/Pattern") or {}).items():
        if isinstance(pattern, pikepdf.Stream) or "/Resources" in pattern:
            yield from _resources(pattern, variant, seen)
    for name, xobject in (resources.get("/XObject") or {}).items():
        if xobject.objgen in seen:
            continue
        seen.add(xobject.objgen)
        if xobject.get("/Subtype") == "/Image":
            if not xobject.get("/ImageMask", False) and not _allowed_space(xobject.get("/ColorSpace"), variant):
                yield f"the image {name} is in {_space_name(xobject.get('/ColorSpace'))}"
            if variant != "x-4" and "/SMask" in xobject:
                yield f"the image {name} has an alpha mask (PDF/X-{variant[2:]} allows no transparency)"
        elif xobject.get("/Subtype") == "/Form":
            if variant != "x-4" and _transparent_group(xobject):
                yield f"the drawing {name} is a transparency group (PDF/X-{variant[2:]} allows no transparency)"
            yield from _resources(xobject, variant, seen)


def _allowed_space(space, variant: str) -> bool:
    import pikepdf

    if space is None:
        return True
    if isinstance(space, pikepdf.Name):
        return str(space) in ("/DeviceCMYK", "/DeviceGray", "/Pattern")
    if isinstance(space, pikepdf.Array) and len(space):
        family = str(space[0])
        if family in ("/Separation", "/DeviceN"):
            return _allowed_space(space[2], variant)
        if family == "/Indexed":
            return _allowed_space(space[1], variant)
        if family == "/Pattern":
            return len(space) < 2 or _allowed_space(space[1], variant)
        if family == "/ICCBased":
            return variant != "x-1a" and int(space[1].get("/N", 0)) in (1, 4)
        if family == "/Lab":
            return variant != "x-1a"
    return False


def _space_name(space) -> str:
    import pikepdf

    if isinstance(space, pikepdf.Array) and len(space):
        if str(space[0]) == "/ICCBased":
            return f"ICC-based with {int(space[1].get('/N', 0))} components"
        return str(space[0])[1:]
    return str(space)[1:] if space is not None else "no colour space"


def _embedded(font) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True
    descriptors = [font.get("/FontDescriptor")]
    descriptors += [child.get("/FontDescriptor") for child in font.get("/DescendantFonts") or []]
    return any(d is not None and any(f in d for f in FONT_FILES) for d in descriptors)


def _transparent_state(state) -> bool:
    for key in ("/CA", "/ca"):
        if key in state and float(state[key]) < 1:
            return True
    if "/SMask" in state and str(state["/SMask"]) != "/None":
        return True
    return "/BM" in state and str(state["/BM"]) not in ("/Normal", "/Compatible")


def _transparent_group(holder) -> bool:
    group = holder.get("/Group")
    return group is not None and str(group.get("/S")) == "/Transparency"


def _boxes(box):
    yield box
    for child in getattr(box, "children", []):
        yield from _boxes(child)


def _boxes_in(box, holder: str | None = None):
    """(box, the id of the nearest element around it that has one) for every box under `box`."""
    yield box, holder
    element = box.element
    inner = element.get("id") if element is not None and element.get("id") else holder
    for child in getattr(box, "children", []):
        yield from _boxes_in(child, inner if child.element is not element else holder)


def _describe(element, holder: str | None) -> str:
    """<tag class="…"> in the piece (or other part) #id that holds it."""
    attributes = "".join(f' {name}="{element.get(name)}"' for name in ("id", "class", "src") if element.get(name))
    tag = str(element.tag).rsplit("}", 1)[-1]
    return f"<{tag}{attributes}>" + (f" (in #{holder})" if holder else "")


def _name(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.resolve()))
    except ValueError:
        return str(path)

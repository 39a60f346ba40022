"""The grayscale edition (`print: grayscale: true`): every image and every colour of the print PDF and the
zine turned gray by one rule, Pillow's own (ITU-R 601-2 luma, L = 0.299 R + 0.587 G + 0.114 B), so that a
black-and-white copier gives what the editor saw on screen. Images are converted once a build run, as
WeasyPrint fetches them; stylesheets and SVG images have their colours mapped through the same rule."""

from __future__ import annotations

import io
import re
from pathlib import Path

RASTER = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif"}
_CACHE: dict[tuple[str, int, int, int, int], tuple[bytes, str]] = {}  # by the file's stat


def luma(red: int, green: int, blue: int) -> int:
    """The gray of an sRGB colour (0-255 each), exactly as Pillow's convert("L") computes it."""
    return (red * 19595 + green * 38470 + blue * 7471 + 0x8000) >> 16


def image(path: Path) -> tuple[bytes, str]:
    """The image at `path` in gray (with its transparency), as (bytes, MIME type); converted once."""
    from PIL import Image

    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size, stat.st_ino, stat.st_ctime_ns)  # a changed file is converted again
    if key not in _CACHE:
        with Image.open(path) as source:
            source.load()
            transparent = source.mode in ("RGBA", "LA", "PA") or "transparency" in source.info
            plain = source.convert("RGBA" if transparent else "RGB") \
                if source.mode in ("P", "PA", "I;16", "I", "F", "1", "CMYK", "YCbCr", "LAB", "HSV") else source
            gray = plain.convert("LA" if transparent else "L")
        buffer = io.BytesIO()
        if path.suffix.lower() in (".jpg", ".jpeg") and not transparent:
            gray.save(buffer, format="JPEG", quality=95)
            _CACHE[key] = (buffer.getvalue(), "image/jpeg")
        else:
            gray.save(buffer, format="PNG", optimize=True)
            _CACHE[key] = (buffer.getvalue(), "image/png")
    return _CACHE[key]


def _gray_colour(token) -> str | None:
    """CSS text for the gray of a colour token, or None when the token is not a colour."""
    import tinycss2.color3

    colour = tinycss2.color3.parse_color(token)
    if colour is None or isinstance(colour, str):  # not a colour, or currentColor
        return None
    level = luma(*(round(channel * 255) for channel in colour[:3]))
    if colour.alpha >= 1:
        return f"#{level:02x}{level:02x}{level:02x}"
    return f"rgba({level}, {level}, {level}, {colour.alpha:g})"


def _map_values(tokens, colour=None) -> str:
    import tinycss2

    out = []
    for token in tokens:
        if token.type in ("hash", "ident", "function"):
            gray = (colour or _gray_colour)(token)
            if gray is not None:
                out.append(gray)
                continue
        out.append(tinycss2.serialize([token]))
    return "".join(out)


def _map_declarations(content, colour=None) -> str:
    import tinycss2

    out = []
    for item in tinycss2.parse_blocks_contents(content) if hasattr(tinycss2, "parse_blocks_contents") \
            else tinycss2.parse_declaration_list(content):
        if item.type == "declaration":
            important = " !important" if item.important else ""
            out.append(f"{item.name}: {_map_values(item.value, colour)}{important};")
        elif item.type == "at-rule":
            out.append(_map_at_rule(item, colour))
        elif item.type == "qualified-rule":
            out.append(f"{tinycss2.serialize(item.prelude)}{{{_map_declarations(item.content, colour)}}}")
        elif item.type not in ("whitespace", "comment", "error"):
            out.append(tinycss2.serialize([item]))
    return " ".join(out)


def _map_at_rule(rule, colour=None) -> str:
    import tinycss2

    head = f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}"
    if rule.content is None:
        return head + ";"
    if rule.lower_at_keyword in ("media", "supports", "document", "layer"):
        return f"{head}{{{_map_rules(tinycss2.parse_rule_list(rule.content), colour)}}}"
    return f"{head}{{{_map_declarations(rule.content, colour)}}}"


def _map_rules(rules, colour=None) -> str:
    import tinycss2

    out = []
    for rule in rules:
        if rule.type == "qualified-rule":
            out.append(f"{tinycss2.serialize(rule.prelude)}{{{_map_declarations(rule.content, colour)}}}")
        elif rule.type == "at-rule":
            out.append(_map_at_rule(rule, colour))
        elif rule.type not in ("whitespace", "comment", "error"):
            out.append(tinycss2.serialize([rule]))
    return "\n".join(out)


def stylesheet(css: str, colour=None) -> str:
    """The stylesheet with every colour in every declaration mapped to its gray (or by `colour`, a
    function of a tinycss2 token that returns CSS text or None: print/press/cmyk.py)."""
    import tinycss2

    return _map_rules(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True), colour)


_STYLE = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.S | re.I)
_SVG_COLOUR = re.compile(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b|rgba?\([^)]*\)")


def html(text: str, colour=None) -> str:
    """The HTML with the colours of its <style> elements mapped to gray (or by `colour`)."""
    return _STYLE.sub(lambda m: m.group(1) + stylesheet(m.group(2), colour) + m.group(3), text)


def svg(text: str) -> str:
    """An SVG image with its hexadecimal and rgb() colours mapped to gray."""
    import tinycss2

    def gray(match):
        tokens = tinycss2.parse_component_value_list(match.group(0))
        return _gray_colour(tokens[0]) or match.group(0) if tokens else match.group(0)

    return _SVG_COLOUR.sub(gray, text)

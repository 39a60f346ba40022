"""Colour for the press (`print: pdf-x:`): every colour of the stylesheets, the SVG images and the raster
images turned CMYK through the PDF/X's output intent, before WeasyPrint lays the book out (the fetcher
serves the converted files, as for the grayscale edition).

- Rendering intent: relative colorimetric with black point compensation (LittleCMS through Pillow's
  ImageCms), for colours and images alike: in-gamut colours keep their measured value, paper white
  stays paper, sRGB black becomes the press's deepest black.
- Neutral colours (R = G = B: body text, rules, grey tints) are printed with black ink alone, at the
  K value whose lightness on this press matches the grey's: body text is pure K, never a four-colour
  black that would blur when the plates shift. Rich black only where the book asks for it, with a
  `device-cmyk()` colour of its own stylesheet, which passes unchanged (within the ink limit).
- Total ink: at most INK_LIMIT per cent (the shipped profiles are built with the same limit; every
  converted value, and every `device-cmyk()` of the book's own, is held to it by taking cyan, magenta
  and yellow back, black kept).
- Transparency: PDF/X-1a and X-3 allow none, so a colour with alpha is mixed with the paper's white
  (the usual page background); PDF/X-4 keeps it live (`device-cmyk(c m y k / alpha)`). An image's own
  alpha is flattened onto white for every variant (WeasyPrint writes an alpha mask only for RGB and
  grey images); CSS `opacity` is refused for X-1a and X-3 (print/press/checks.py).
- Raster images become CMYK JPEGs (quality 95) once a build, from their embedded colour profile (sRGB
  when they have none); grey images stay grey (DeviceGray); CMYK images are taken as they are (in the
  press's CMYK).
"""

from __future__ import annotations

import io
import os
import re
from functools import cached_property
from pathlib import Path

INK_LIMIT = 300  # per cent, C + M + Y + K
JPEG_QUALITY = 95
RASTER = (".png", ".jpg", ".jpeg", ".gif", ".tif", ".tiff", ".webp")


class ImageError(Exception):
    """An image that cannot be turned CMYK: `.path` and `.reason`."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


class Press:
    """The conversions for one output intent (a CMYK profile) and one PDF/X variant."""

    def __init__(self, profile: Path, variant: str, grey: bool = False):
        self.profile = Path(profile)
        self.variant = variant
        self.grey = grey  # the grayscale edition (print: grayscale): images and colours gray first
        self.live_transparency = variant == "x-4"
        self._colours: dict[tuple[int, int, int], tuple[float, float, float, float]] = {}
        self._images: dict[tuple[str, int, int], tuple[bytes, str]] = {}

    # -- transforms ----------------------------------------------------------------------------
    @cached_property
    def _cms(self):
        from PIL import ImageCms

        return ImageCms

    @cached_property
    def _press_profile(self):
        return self._cms.ImageCmsProfile(str(self.profile))

    def _transform(self, source, target, in_mode: str, out_mode: str):
        cms = self._cms
        return cms.buildTransform(source, target, in_mode, out_mode,
                                  renderingIntent=cms.Intent.RELATIVE_COLORIMETRIC,
                                  flags=cms.Flags.BLACKPOINTCOMPENSATION)

    @cached_property
    def to_cmyk(self):
        return self._transform(self._cms.createProfile("sRGB"), self._press_profile, "RGB", "CMYK")

    @cached_property
    def to_rgb(self):
        """CMYK on this press -> sRGB (the soft proof: paper white shown as white)."""
        return self._transform(self._press_profile, self._cms.createProfile("sRGB"), "CMYK", "RGB")

    @cached_property
    def _k_ramp(self) -> list[int]:
        """The sRGB grey level (0-255) that each K value (0-255) alone shows, through to_rgb."""
        from PIL import Image

        ramp = Image.new("CMYK", (256, 1))
        ramp.putdata([(0, 0, 0, k) for k in range(256)])
        grey = self._cms.applyTransform(ramp, self.to_rgb).convert("L")
        return list(grey.tobytes())

    # -- one colour ----------------------------------------------------------------------------
    def cmyk(self, red: int, green: int, blue: int) -> tuple[float, float, float, float]:
        """The CMYK (0-1 each) of an sRGB colour (0-255 each) on this press."""
        key = (red, green, blue)
        if key not in self._colours:
            if red == green == blue:
                self._colours[key] = (0.0, 0.0, 0.0, self._k_for(red) / 255)
            else:
                from PIL import Image

                pixel = self._cms.applyTransform(Image.new("RGB", (1, 1), key), self.to_cmyk).getpixel((0, 0))
                self._colours[key] = limit_ink(tuple(v / 255 for v in pixel))
        return self._colours[key]

    def _k_for(self, level: int) -> int:
        """The K value alone whose grey on this press is nearest sRGB grey `level` (black -> 100 % K)."""
        if level >= 255:
            return 0
        if level <= 0:
            return 255
        ramp = self._k_ramp
        darkest, lightest = ramp[255], ramp[0]
        target = darkest + (lightest - darkest) * level / 255  # black point compensation, as for colours
        return min(range(256), key=lambda k: abs(ramp[k] - target))

    def css(self, rgba: tuple[float, float, float, float]) -> str:
        """CSS for an sRGB colour (channels and alpha 0-1) on this press."""
        *rgb, alpha = rgba
        if alpha < 1 and not self.live_transparency:
            rgb = [alpha * v + (1 - alpha) for v in rgb]  # on white paper
            alpha = 1
        values = " ".join(f"{v:.4f}".rstrip("0").rstrip(".") or "0"
                          for v in self.cmyk(*(round(v * 255) for v in rgb)))
        return f"device-cmyk({values})" if alpha >= 1 else f"device-cmyk({values} / {alpha:g})"

    def _css_token(self, token) -> str | None:
        import tinycss2.color5

        if token.type == "function" and token.lower_name == "device-cmyk":
            colour = tinycss2.color5.parse_color(token)
            if colour is None:
                return None
            c, m, y, k = limit_ink(tuple(colour.coordinates))
            alpha = colour.alpha if self.live_transparency else 1
            text = f"{c:g} {m:g} {y:g} {k:g}"
            return f"device-cmyk({text})" if alpha >= 1 else f"device-cmyk({text} / {alpha:g})"
        import tinycss2.color3

        colour = tinycss2.color3.parse_color(token)
        if colour is None or isinstance(colour, str):  # not a colour, or currentColor
            return None
        return self.css(tuple(colour))

    # -- stylesheets, HTML, SVG ------------------------------------------------------------------
    def stylesheet(self, css: str) -> str:
        """The stylesheet with every colour on this press; text without a colour of its own in pure K."""
        from anthology.print.covers import grayscale

        if self.grey:
            css = grayscale.stylesheet(css)
        return ":root { color: device-cmyk(0 0 0 1); }\n" + grayscale.stylesheet(css, self._css_token)

    def html(self, text: str) -> str:
        from anthology.print.covers import grayscale

        return grayscale.html(grayscale.html(text) if self.grey else text, self._css_token)

    def svg(self, text: str) -> str:
        """An SVG image with its colours (hexadecimal, rgb() and named ones in paint attributes) on
        this press."""
        import tinycss2

        if self.grey:
            from anthology.print.covers import grayscale

            text = grayscale.svg(text)

        def convert(value: str) -> str:
            tokens = [t for t in tinycss2.parse_component_value_list(value) if t.type != "whitespace"]
            return (self._css_token(tokens[0]) or value) if len(tokens) == 1 else value

        text = _SVG_COLOUR.sub(lambda m: convert(m.group(0)), text)
        return _SVG_PAINT.sub(lambda m: m.group(1) + convert(m.group(2)) + m.group(3), text)

    # -- raster images ---------------------------------------------------------------------------
    def image(self, path: Path) -> tuple[bytes, str]:
        """The image in CMYK (a JPEG) or, when it is grey, in grey (a PNG), its alpha flattened onto
        white; converted once. ImageError when it cannot be read or converted."""
        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        if key not in self._images:
            self._images[key] = self._convert(path)
        return self._images[key]

    def _convert(self, path: Path) -> tuple[bytes, str]:
        from PIL import Image, ImageCms, UnidentifiedImageError

        try:
            with Image.open(path) as source:
                source.load()
                image = flatten(source)
                if self.grey and image.mode != "L":
                    image = image.convert("L")  # Pillow's luma, as print/covers/grayscale.py
                buffer = io.BytesIO()
                if image.mode == "L":
                    image.save(buffer, format="PNG", optimize=True)
                    return buffer.getvalue(), "image/png"
                if image.mode != "CMYK":
                    image = ImageCms.applyTransform(image.convert("RGB"), self._from(source))
                image = limit_image_ink(image)
                image.save(buffer, format="JPEG", quality=JPEG_QUALITY, dpi=source.info.get("dpi", (72, 72)))
                return buffer.getvalue(), "image/jpeg"
        except (OSError, UnidentifiedImageError, ImageCms.PyCMSError, ValueError) as exc:
            raise ImageError(path, f"cannot be converted to CMYK for the press ({exc})") from None

    def problems(self, book) -> list:
        """A Problem for every image of the book (its cover too) that cannot be turned CMYK, converting
        the others meanwhile (before the layout: an image WeasyPrint cannot fetch is only a warning)."""
        from anthology.errors import Problem

        found = []
        for path in [*book.images, *([book.cover] if book.cover else [])]:
            if Path(path).suffix.lower() not in RASTER:
                continue
            try:
                self.image(Path(path))
            except ImageError as error:
                try:
                    shown = str(Path(path).resolve().relative_to(book.root.resolve()))
                except ValueError:
                    shown = str(path)
                found.append(Problem(shown, None, f"{error.reason}: save it again as an RGB, grey or CMYK "
                                                  "PNG or JPEG", "PDFX"))
        return found

    def _from(self, source):
        """The transform to this press from the image's own colour profile (sRGB when it has none)."""
        embedded = source.info.get("icc_profile")
        if not embedded:
            return self.to_cmyk
        try:
            profile = self._cms.ImageCmsProfile(io.BytesIO(embedded))
            if profile.profile.xcolor_space.strip() != "RGB":
                raise ValueError(f"a {profile.profile.xcolor_space.strip()} profile in an RGB image")
            return self._transform(profile, self._press_profile, "RGB", "CMYK")
        except (OSError, ValueError, self._cms.PyCMSError) as exc:
            raise ValueError(f"its embedded colour profile cannot be used: {exc}") from None

    def gamut_loss(self, path: Path) -> float:
        """The share (0-1) of the image's pixels that move by more than 10 ΔE (CIE76) when printed on
        this press: colours outside its gamut."""
        from PIL import Image, ImageChops, ImageCms, ImageMath

        with Image.open(path) as source:
            source.load()
            image = flatten(source)
        if image.mode in ("L", "CMYK"):
            return 0.0
        image = image.convert("RGB")
        image.thumbnail((200, 200))
        lab = ImageCms.createProfile("LAB")
        to_lab = ImageCms.buildTransform(ImageCms.createProfile("sRGB"), lab, "RGB", "LAB")
        press_to_lab = self._transform(self._press_profile, lab, "CMYK", "LAB")
        before = ImageCms.applyTransform(image, to_lab)
        printed = ImageCms.applyTransform(image, self.to_cmyk)
        assert before is not None and printed is not None  # None only when transformed in place
        after = ImageCms.applyTransform(printed, press_to_lab)
        assert after is not None
        bands = [ImageChops.difference(b1, b2) for b1, b2 in zip(before.split(), after.split())]
        distance = ImageMath.lambda_eval(
            lambda args: ((args["l"] * (100 / 255)) ** 2 + args["a"] ** 2 + args["b"] ** 2) ** 0.5,
            l=bands[0], a=bands[1], b=bands[2])
        far = sum(ImageMath.lambda_eval(lambda a: a["convert"](a["d"] > 10, "L"), d=distance).histogram()[1:])
        return far / (image.width * image.height)


_SVG_COLOUR = re.compile(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b|rgba?\([^)]*\)")
_SVG_PAINT = re.compile(r"""((?:fill|stroke|stop-color|flood-color|color)\s*(?:=\s*["']|:\s*))([a-zA-Z]+)(["';\s])""")


def limit_ink(cmyk: tuple[float, ...]) -> tuple[float, float, float, float]:
    """CMYK (0-1) with cyan, magenta and yellow taken back so that the total stays within INK_LIMIT."""
    c, m, y, k = (min(1.0, max(0.0, v)) for v in cmyk)
    room = INK_LIMIT / 100 - k
    if c + m + y > room:
        scale = room / (c + m + y)
        c, m, y = c * scale, m * scale, y * scale
    return round(c, 4), round(m, 4), round(y, 4), round(k, 4)


def limit_image_ink(image):
    """A CMYK image held to INK_LIMIT, pixel by pixel (only where a pixel is over it)."""
    from PIL import Image, ImageMath

    c, m, y, k = image.split()
    limit = 255 * INK_LIMIT / 100
    total = ImageMath.lambda_eval(lambda a: a["c"] + a["m"] + a["y"] + a["k"], c=c, m=m, y=y, k=k)
    if total.getextrema()[1] <= limit:
        return image
    scale = ImageMath.lambda_eval(
        lambda a: a["min"](a["float"](1), (limit - a["k"]) / a["max"](a["c"] + a["m"] + a["y"], a["float"](1))),
        c=c, m=m, y=y, k=k)
    bands = [ImageMath.lambda_eval(lambda a: a["convert"](a["v"] * a["s"], "L"), v=band, s=scale)
             for band in (c, m, y)]
    return Image.merge("CMYK", (*bands, k))


def flatten(image):
    """The image without transparency: its alpha composed onto white; palette and 16-bit modes made
    RGB or grey; CMYK and grey kept."""
    from PIL import Image

    if image.mode in ("CMYK", "L"):
        return image
    if image.mode == "1":
        return image.convert("L")
    if image.mode in ("I", "I;16", "I;16B", "I;16L"):  # 16-bit grey: its top eight bits
        return image.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    if image.mode == "F":
        return image.convert("L")
    transparent = image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in image.info
    grey = image.mode in ("LA", "La") or (image.mode == "P" and _palette_is_grey(image))
    rgba = image.convert("RGBA") if transparent else image.convert("RGB")
    if transparent:
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        rgba = Image.alpha_composite(paper, rgba).convert("RGB")
    return rgba.convert("L") if grey else rgba


def _palette_is_grey(image) -> bool:
    palette = image.getpalette() or []
    return all(palette[i] == palette[i + 1] == palette[i + 2] for i in range(0, len(palette) - 2, 3))


_PRESSES: dict[tuple, Press] = {}


def for_book(book) -> Press:
    """The conversions for the book's output intent and PDF/X variant (one per process, so that each
    image is converted once; keyed by the profile file's stat, so a profile replaced meanwhile is read
    again). One per process, not per build: the soft proof's PNGs embed the sRGB profile LittleCMS
    makes, dated when it is made, so two builds in one process write the same proof only with one."""
    path = book.print.output_intent.path
    try:
        stat = os.stat(path)
        stamp: tuple = (stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns)
    except OSError:
        stamp = ()
    key = (str(path), stamp, book.print.pdf_x, book.print.grayscale)
    if key not in _PRESSES:
        _PRESSES[key] = Press(path, book.print.pdf_x, grey=book.print.grayscale)
    return _PRESSES[key]

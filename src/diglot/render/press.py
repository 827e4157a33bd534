"""Press files: the PDF/X-4 and PDF/X-1a editions a printer accepts.

WeasyPrint 70 writes the frame of a PDF/X file for ``pdf_variant='pdf/x-4'``
and ``'pdf/x-1a'``: a ``GTS_PDFX`` output intent embedding the
``device-cmyk`` colour profile (when one is registered), ``GTS_PDFXVersion``
in the XMP metadata (and the Info dictionary for X-1a), ``Trapped``, a file
identifier, and a TrimBox and BleedBox on every page. This module gives it
the rest:

- the output profile: the printer's (``print.output_intent``) or, without
  one, the free CMYK (SWOP) profile of Debian's ``libgs-common``, handed to
  WeasyPrint as its ``device-cmyk`` colour profile;
- CMYK colours: every RGB colour painted (the theme's, and WeasyPrint's own,
  such as crop marks) becomes CMYK, from :data:`THEME_CMYK`, greys as black
  ink only, other colours through the output profile;
- pictures: RGB pictures are tagged with the sRGB profile (X-4) or
  converted to CMYK through the output profile (X-1a). As they are fetched,
  a picture with a profile of its own is converted to sRGB, and for X-1a a
  transparent one is flattened onto white;
- a BleedBox exactly ``print.bleed`` outside the TrimBox (WeasyPrint stops
  at 10 pt), or equal to the TrimBox without a bleed;
- no annotations (the contents' links) on the pages: PDF/X allows none
  inside the BleedBox, and a printed page has no use for them;
- X-1a: no transparency groups and no colour space but CMYK and grey;
  anything really translucent is an error rather than a silent change.
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from dataclasses import dataclass
from functools import cached_property
from importlib.resources import files
from pathlib import Path

import pydyf
from PIL import Image, ImageCms, ImageOps

from ..errors import DiglotError
from ..source.manifest import icc_colour_space
from ..source.model import Periodical

PRESS_VARIANTS = ("pdf/x-4", "pdf/x-1a")

#: The CMYK profile used without ``print.output_intent``: Artifex's SWOP profile,
#: free, from Debian's libgs-common (scripts/system-deps.sh installs it).
DEFAULT_PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")
DEFAULT_PROFILE_PACKAGE = "libgs-common"

#: The theme's print colours (templates/print.css, print-parallel.css) in CMYK
#: percentages: the one place to change them. Greys are black ink only (rich
#: black text, in all four inks, is a printer's complaint), and the body's soft
#: screen black prints as solid black. A colour not listed here is converted:
#: a grey to black ink, any other through the output profile.
THEME_CMYK: dict[str, tuple[int, int, int, int]] = {
    "#000000": (0, 0, 0, 100),
    "#1a1a1a": (0, 0, 0, 100),  # body text
    "#333333": (0, 0, 0, 80),  # block quotations
    "#444444": (0, 0, 0, 73),  # subtitles
    "#4a4a4a": (0, 0, 0, 71),  # bylines, captions, keywords, the contents' second language
    "#555555": (0, 0, 0, 67),  # running heads and folios
    "#999999": (0, 0, 0, 40),  # table and bio rules
    "#ffffff": (0, 0, 0, 0),  # the cover's text
    "#0b6b5a": (96, 36, 74, 27),  # the accent: cover, section labels, the abstract's rule
    "#fff3c4": (0, 3, 28, 0),  # untranslated text in a draft
}

_RGB_OPERATOR = re.compile(rb"^(\S+) (\S+) (\S+) (rg|RG)$")
_TRANSPARENT_STATE = ("SMask", "BM")


class PressError(Exception):
    """A page holds something the press file's standard forbids (WeasyPrint's finisher raises it)."""


def for_variant(periodical: Periodical, variant: str | None) -> Press | None:
    """The press file settings for ``variant``, None unless it is a PDF/X variant.

    Raises a located :class:`DiglotError` when the output profile is missing
    or unfit, before anything is laid out.
    """
    if variant not in PRESS_VARIANTS:
        return None
    settings = periodical.print
    if settings.output_intent:
        where, name, path = settings.output_intent_location, settings.output_intent, periodical.root / settings.output_intent
    else:
        where, name, path = settings.location, str(DEFAULT_PROFILE), DEFAULT_PROFILE
        if not path.is_file():
            raise DiglotError(
                where,
                f"{variant} needs a CMYK output profile and {DEFAULT_PROFILE} is not installed: install Debian's"
                f" {DEFAULT_PROFILE_PACKAGE} (apt-get install {DEFAULT_PROFILE_PACKAGE}), or name the printer's"
                " ICC profile in print.output_intent",
            )
    try:
        profile = path.read_bytes()
    except OSError as exc:
        raise DiglotError(where, f"cannot read the output profile {name}: {exc.strerror}") from exc
    if icc_colour_space(profile) != b"CMYK":
        raise DiglotError(where, f"the output profile {name} is not a CMYK ICC profile; {variant} needs the printer's CMYK profile")
    if variant == "pdf/x-1a" and profile[8] >= 4:
        raise DiglotError(
            where,
            f"pdf/x-1a (PDF 1.4) needs a version 2 ICC profile, and {name} is version {profile[8]};"
            " ask the printer for their v2 profile, or make pdf/x-4",
        )
    return Press(variant, profile, name, bool(settings.bleed))


@dataclass
class Press:
    """One press file being made: its variant, output profile and bleed."""

    variant: str
    profile: bytes  # the output intent's ICC profile (CMYK)
    profile_name: str
    bleed: bool  # print.bleed is set: the BleedBox lies that far outside the TrimBox

    @property
    def x1a(self) -> bool:
        return self.variant == "pdf/x-1a"

    def render_options(self) -> dict:
        """Options for WeasyPrint's ``render``: the output profile as its ``device-cmyk`` colour profile.

        WeasyPrint's PDF/X output intent embeds that profile; given here, it
        needs no ``@color-profile`` rule in the document.
        """
        from weasyprint.css import ColorProfile

        colour_profile = ColorProfile(io.BytesIO(self.profile), self.profile_name, "relative-colorimetric", ["c", "m", "y", "k"])
        return {"color_profiles": {"device-cmyk": colour_profile}}

    # --- colours ---------------------------------------------------------------

    def cmyk(self, red: float, green: float, blue: float) -> tuple[float, float, float, float]:
        """An sRGB colour (components 0–1) as CMYK (0–1) for this press file."""
        rgb = tuple(max(0, min(255, round(v * 255))) for v in (red, green, blue))
        listed = THEME_CMYK.get("#" + "".join(f"{v:02x}" for v in rgb))
        if listed is not None:
            return tuple(v / 100 for v in listed)  # type: ignore[return-value]
        if rgb[0] == rgb[1] == rgb[2]:
            return (0.0, 0.0, 0.0, round(1 - rgb[0] / 255, 4))
        pixel = ImageCms.applyTransform(Image.new("RGB", (1, 1), rgb), self._to_cmyk).getpixel((0, 0))
        return tuple(round(v / 255, 4) for v in pixel)  # type: ignore[return-value]

    @cached_property
    def _srgb(self) -> bytes:
        return files("weasyprint.pdf").joinpath("sRGB2014.icc").read_bytes()

    @cached_property
    def _to_cmyk(self) -> ImageCms.ImageCmsTransform:
        return ImageCms.buildTransform(
            ImageCms.ImageCmsProfile(io.BytesIO(self._srgb)),
            ImageCms.ImageCmsProfile(io.BytesIO(self.profile)),
            "RGB",
            "CMYK",
            renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
        )

    # --- pictures, as they are fetched -------------------------------------------

    def picture(self, body: bytes) -> bytes | None:
        """A picture file as the press file needs it (a PNG), or None to use it as it is.

        A picture with an ICC profile of its own is converted to sRGB (WeasyPrint
        drops the profile, and the press file takes RGB as sRGB); for X-1a, which
        allows no transparency, a transparent picture is flattened onto white.
        """
        try:
            image = Image.open(io.BytesIO(body))  # reads the header: mode, profile, transparency
        except (OSError, ValueError, Image.DecompressionBombError):  # not a raster picture (an SVG): WeasyPrint reads it as it is
            return None
        icc = image.info.get("icc_profile")
        to_srgb = bool(icc) and image.mode in ("RGB", "RGBA", "P")
        to_flatten = self.x1a and (image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info)
        if not (to_srgb or to_flatten):
            return None
        image = ImageOps.exif_transpose(image)  # the PNG written below has no EXIF orientation left to follow
        if to_srgb:
            image = image.convert("RGBA" if image.mode == "RGBA" or "transparency" in image.info else "RGB")
            alpha = image.getchannel("A") if image.mode == "RGBA" else None
            image = ImageCms.profileToProfile(
                image.convert("RGB"),
                ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                ImageCms.ImageCmsProfile(io.BytesIO(self._srgb)),
                renderingIntent=ImageCms.Intent.PERCEPTUAL,
                outputMode="RGB",
            )
            if alpha is not None:
                image.putalpha(alpha)
        if to_flatten:
            grey = image.mode in ("LA", "L")
            image = image.convert("LA" if grey else "RGBA")
            flat = Image.new("L" if grey else "RGB", image.size, 255 if grey else (255, 255, 255))
            flat.paste(image.convert("L" if grey else "RGB"), mask=image.getchannel("A"))
            image = flat
        out = io.BytesIO()
        image.save(out, format="PNG")
        return out.getvalue()

    # --- the finished PDF ----------------------------------------------------------

    def finish(self, document, pdf: pydyf.PDF) -> None:
        """WeasyPrint's finisher: complete the PDF/X file before it is written."""
        from weasyprint.pdf.stream import Stream as ContentStream

        pages = [pdf.objects[number] for number in pdf.pages["Kids"][::3]]
        for page, pdf_page in zip(document.pages, pages):
            pdf_page.pop("Annots", None)
            self._bleed_box(pdf_page, page.bleed)
        srgb: pydyf.Stream | None = None
        invisible = _invisible_fill_states(pdf) if self.x1a else set()
        for obj in list(pdf.objects):
            if isinstance(obj, ContentStream):
                self._cmyk_content(obj)
                if self.x1a:
                    _paint_without_invisible_fills(obj, invisible)
                    obj.extra.pop("Group", None)  # transparency groups; nothing drawn in them is translucent (checked below)
            elif isinstance(obj, pydyf.Stream) and obj.extra.get("Subtype") == "/Image":
                if self.x1a and "SMask" in obj.extra:
                    raise PressError("pdf/x-1a allows no transparency, and a picture has an alpha channel; use pdf/x-4")
                if obj.extra.get("ColorSpace") != "/DeviceRGB":
                    continue  # grey or CMYK: both standards take them as they are
                if self.x1a:
                    self._cmyk_picture(obj)
                else:
                    if srgb is None:
                        srgb = pydyf.Stream([self._srgb], pydyf.Dictionary({"N": 3}), compress=True)
                        pdf.add_object(srgb)
                    obj.extra["ColorSpace"] = pydyf.Array(("/ICCBased", srgb.reference))
        if self.x1a:
            self._check_opaque(pdf)
        self._check_no_rgb(pdf)
        if self.x1a:
            self._drop_named_colour_spaces(pdf)

    def _bleed_box(self, pdf_page: pydyf.Dictionary, bleed: dict[str, float]) -> None:
        """BleedBox = TrimBox grown by print.bleed on every side (within the MediaBox); the TrimBox without one."""
        left, bottom, right, top = (float(v) for v in pdf_page["TrimBox"])
        media = [float(v) for v in pdf_page["MediaBox"]]
        grow = {side: value * 0.75 if self.bleed else 0 for side, value in bleed.items()}  # CSS px → pt
        pdf_page["BleedBox"] = pydyf.Array(
            [
                max(media[0], left - grow["left"]),
                max(media[1], bottom - grow["top"]),  # WeasyPrint's y axis: its "top" is the PDF's bottom
                min(media[2], right + grow["right"]),
                min(media[3], top + grow["bottom"]),
            ]
        )

    def _cmyk_content(self, stream: pydyf.Stream) -> None:
        """Each ``r g b rg`` (and ``RG``) operator of a content stream becomes ``c m y k k`` (``K``)."""
        items = stream.stream
        for index, item in enumerate(items):
            if isinstance(item, bytes) and item.endswith((b" rg", b" RG")) and (match := _RGB_OPERATOR.match(item)):
                cmyk = self.cmyk(*(float(v) for v in match.groups()[:3]))
                operator = b"k" if match[4] == b"rg" else b"K"
                items[index] = b" ".join([*(_number(v) for v in cmyk), operator])

    def _cmyk_picture(self, image: pydyf.Stream) -> None:
        """An RGB image XObject converted to DeviceCMYK through the output profile (X-1a)."""
        data = b"".join(item.data if isinstance(item, pydyf.Object) else bytes(item) for item in image.stream)
        width, height = int(image.extra["Width"]), int(image.extra["Height"])
        if image.extra.get("Filter") == "/DCTDecode":
            rgb = Image.open(io.BytesIO(data)).convert("RGB")
        else:  # WeasyPrint's PNG image data: rows with PNG predictors (DecodeParms /Predictor 15)
            rgb = Image.open(io.BytesIO(_png(width, height, data))).convert("RGB")
        cmyk = ImageCms.applyTransform(rgb, self._to_cmyk)
        image.stream = [zlib.compress(cmyk.tobytes(), 6)]
        for key in ("DecodeParms", "Decode"):
            image.extra.pop(key, None)
        image.extra.update({"ColorSpace": "/DeviceCMYK", "Filter": "/FlateDecode", "BitsPerComponent": 8})

    def _check_opaque(self, pdf: pydyf.PDF) -> None:
        """X-1a: no translucent graphics state, no soft mask, no blend mode."""
        for obj in pdf.objects:
            states = obj.get("ExtGState") if isinstance(obj, pydyf.Dictionary) else None
            for state in (states or {}).values():
                if not isinstance(state, dict):
                    continue
                if any(key in state for key in _TRANSPARENT_STATE) or any(float(state.get(key, 1)) < 1 for key in ("ca", "CA")):
                    raise PressError(
                        "pdf/x-1a allows no transparency, and the templates make something translucent"
                        " (opacity, or a colour with alpha); make it opaque, or use pdf/x-4"
                    )

    def _check_no_rgb(self, pdf: pydyf.PDF) -> None:
        """Nothing left in RGB (a gradient, say), and for X-1a nothing in a named colour space."""
        from weasyprint.pdf.stream import Stream as ContentStream

        for obj in pdf.objects:
            if _mentions(obj, "/DeviceRGB"):
                raise PressError(f"{self.variant}: the pages use RGB where only CMYK can go (a gradient in the templates?)")
            if self.x1a and isinstance(obj, ContentStream):
                for item in obj.stream:
                    if isinstance(item, bytes) and item.endswith((b" cs", b" CS")) and not item.startswith(b"/Device"):
                        raise PressError(f"pdf/x-1a allows only CMYK and grey, and the templates use {item[:-3].decode()} colours")

    def _drop_named_colour_spaces(self, pdf: pydyf.PDF) -> None:
        """X-1a: the document's named colour spaces (Lab, ICC-based) are unused (checked) and not allowed."""
        for obj in pdf.objects:
            if isinstance(obj, pydyf.Dictionary) and "lab-d50" in obj:  # WeasyPrint's one colour space dictionary
                obj.clear()


_FILL_AND_STROKE = {b"B": b"S", b"B*": b"S", b"b": b"s", b"b*": b"s", b"f": b"n", b"F": b"n", b"f*": b"n"}
_OTHER_PAINTING = (b"Tj", b"TJ", b"'", b'"', b"Do", b"sh", b"EI")


def _invisible_fill_states(pdf: pydyf.PDF) -> set[str]:
    """Names of the graphics states that only make fills fully transparent (``/ca 0``), and removes them.

    WeasyPrint draws crop marks (and SVG lines) as paths with a transparent
    fill and a black stroke; X-1a allows no ``ca`` below 1, so the fill goes
    (see :func:`_paint_without_invisible_fills`), which changes nothing printed.
    """
    names: set[str] = set()
    for obj in pdf.objects:
        states = obj.get("ExtGState") if isinstance(obj, pydyf.Dictionary) else None
        for name, state in list((states or {}).items()):
            if isinstance(state, dict) and set(state) == {"ca"} and float(state["ca"]) == 0:
                names.add(str(name))
                del states[name]
    return names


def _paint_without_invisible_fills(stream: pydyf.Stream, invisible: set[str]) -> None:
    """Drop the ``gs`` of each invisible-fill state; while one holds, fill-and-stroke only strokes, fill paints nothing."""
    if not invisible:
        return
    items = stream.stream
    active, saved = False, []
    for index, item in enumerate(items):
        if not isinstance(item, bytes):
            continue
        if item == b"q":
            saved.append(active)
        elif item == b"Q":
            active = saved.pop() if saved else False
        elif item.endswith(b" gs") and item.startswith(b"/"):
            name = item[1:-3].decode()
            if name in invisible:
                items[index], active = b"", True
            elif name.startswith("a"):  # WeasyPrint's fill alpha states: another fill opacity replaces it
                active = False
        elif active and item in _FILL_AND_STROKE:
            items[index] = _FILL_AND_STROKE[item]
        elif active and item.endswith(_OTHER_PAINTING):
            raise PressError("pdf/x-1a allows no transparency, and the templates draw something fully transparent; remove it, or use pdf/x-4")


def _number(value: float) -> bytes:
    """A PDF number: at most four decimals, never an exponent."""
    return (f"{value:.4f}".rstrip("0").rstrip(".") or "0").encode()


def _mentions(value, name: str) -> bool:
    """Whether a PDF dictionary, array or stream dictionary holds the name ``name`` (the stream's data aside)."""
    if isinstance(value, pydyf.Stream):
        value = value.extra
    if isinstance(value, str):
        return value == name
    if isinstance(value, dict):
        return any(_mentions(v, name) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_mentions(v, name) for v in value)
    return False


def _png(width: int, height: int, idat: bytes) -> bytes:
    """A PNG file around the compressed rows of an 8-bit RGB image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")

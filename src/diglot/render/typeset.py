"""Chinese typesetting at render time (W3C clreq), for what WeasyPrint's CSS lacks.

WeasyPrint 70 rejects ``text-autospace``, ``text-spacing-trim`` and
``hanging-punctuation``, and justifies by stretching spaces only. So, on the
HTML of a Chinese edition, never on sources or catalogs:

- a space goes between Han characters and Latin letters or digits (about a
  quarter em in Noto CJK): the Han–Latin gap of clreq. It stays that wide on
  a justified line: :mod:`diglot.render.justify` spreads a line's shortfall
  over the gaps between its characters, never into its spaces;
- names listed in ``print.no_autospace`` (brand and product names such as
  创意2030) are printed as written, without that gap, even where the text
  has a space there;
- the column is a whole number of ems (see :func:`measure`), so a line of
  ideographs and full-width punctuation fills it exactly;
- of two adjacent full-width punctuation marks, the first is set half-width
  with the font's ``halt`` feature (``」。`` → ``」``+``。`` compressed);
- ``——`` and ``……`` are kept on one line;
- quotation marks and the middle dot take a full character cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
LATIN = "A-Za-z0-9\u00c0-\u024f"
# Full-width punctuation that has a half-width form under "halt".
PUNCT = "，。、；：？！）」』》〉】”’“‘（「『《〈【"

_TAG = re.compile(r"(<[^>]*>)")
_HAN_LATIN = re.compile(rf"([{HAN}])([{LATIN}])|([{LATIN}%])([{HAN}])")
_PAIR = re.compile(rf"([{PUNCT}])(?=[{PUNCT}])")
_RUNS = re.compile(r"(——|……)")
# Quotes and the middle dot of transliterated names are proportional in the
# font by default; Chinese sets them in a full character cell ("fwid").
_FULL = re.compile("([“”‘’·])")
_SKIP = re.compile(r"^<(code|pre|script|style)\b", re.I)


def _space(match: re.Match) -> str:
    if match[1]:
        return f"{match[1]} {match[2]}"
    return f"{match[3]} {match[4]}"


def _boundary(a: str, b: str) -> bool:
    return bool(_HAN_LATIN.fullmatch(a + b))


def _unspaced(name: str) -> str:
    """``name`` without spaces where Han meets Latin: ``创意 2030`` → ``创意2030``."""
    return re.sub(rf"(?<=[{HAN}])\s+(?=[{LATIN}])|(?<=[{LATIN}%])\s+(?=[{HAN}])", "", name.strip())


def keep_pattern(names: Iterable[str]) -> re.Pattern | None:
    """A pattern matching each name written with or without spaces where Han meets Latin."""
    alternatives = []
    for name in sorted({_unspaced(n) for n in names if n.strip()}, key=len, reverse=True):
        # A name that starts or ends with a Latin letter or digit is not part of a longer word.
        pattern = rf"(?<![{LATIN}])" if re.match(rf"[{LATIN}]", name) else ""
        for index, char in enumerate(name):
            if index and _boundary(name[index - 1], char):
                pattern += "[ \u00a0]?"
            pattern += re.escape(char)
        pattern += rf"(?![{LATIN}])" if re.match(rf"[{LATIN}]", name[-1]) else ""
        alternatives.append(pattern)
    return re.compile("|".join(alternatives)) if alternatives else None


def chinese(html: str, no_autospace: Iterable[str] = ()) -> str:
    """The HTML with Han–Latin spaces, punctuation compression and unbreakable dash runs.

    ``no_autospace`` names (``print.no_autospace``) keep no Han–Latin gap.
    """
    keep = keep_pattern(no_autospace)
    parts = _TAG.split(html)
    skip = 0
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            if _SKIP.match(part):
                skip += 1
            elif skip and re.match(r"^</(code|pre|script|style)\b", part, re.I):
                skip -= 1
            continue
        if skip or not part:
            continue
        text = _HAN_LATIN.sub(_space, part)
        text = _HAN_LATIN.sub(_space, text)  # overlapping pairs (一a一)
        if keep is not None:
            text = keep.sub(lambda match: _unspaced(match[0]), text)
        text = _PAIR.sub(r'<span class="halt">\1</span>', text)
        text = _RUNS.sub(r'<span class="nobr">\1</span>', text)
        text = _FULL.sub(r'<span class="fwid">\1</span>', text)
        parts[index] = text
    return "".join(parts)


PAGE_SIZES_MM = {
    "a3": (297, 420), "a4": (210, 297), "a5": (148, 210), "a6": (105, 148),
    "b4": (250, 353), "b5": (176, 250), "letter": (215.9, 279.4), "legal": (215.9, 355.6), "ledger": (279.4, 431.8),
}
_UNITS_MM = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72, "px": 25.4 / 96, "pc": 25.4 / 6}


def page_width_mm(size: str) -> float:
    """The width of a CSS ``size`` value (``A4``, ``A5 landscape``, ``170mm 240mm``)."""
    return page_size_mm(size)[0]


def page_size_mm(size: str) -> tuple[float, float]:
    """(width, height) of a CSS ``size`` value."""
    words = size.lower().split()
    landscape = "landscape" in words
    words = [w for w in words if w not in ("portrait", "landscape")]
    if words and words[0] in PAGE_SIZES_MM:
        width, height = PAGE_SIZES_MM[words[0]]
    else:
        lengths = []
        for word in words:
            match = re.fullmatch(r"([\d.]+)(mm|cm|in|pt|px|pc)", word)
            if match:
                lengths.append(float(match[1]) * _UNITS_MM[match[2]])
        if not lengths:
            width, height = PAGE_SIZES_MM["a4"]
        else:
            width, height = lengths[0], lengths[1] if len(lengths) > 1 else lengths[0]
    if landscape:
        return max(width, height), min(width, height)
    return width, height


def measure(size: str, font_pt: float, margin_mm: float) -> tuple[int, float]:
    """The widest column of whole ems that fits between two margins of at least ``margin_mm``.

    Returns (characters per line, side margin in mm).
    """
    width_pt = page_width_mm(size) / 25.4 * 72
    room = width_pt - 2 * margin_mm / 25.4 * 72
    chars = int(room // font_pt)
    column_pt = chars * font_pt
    side_mm = (width_pt - column_pt) / 2 / 72 * 25.4
    return chars, side_mm

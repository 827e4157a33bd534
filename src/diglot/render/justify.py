"""Inter-character justification of Chinese lines, after WeasyPrint's layout.

WeasyPrint 70 justifies by stretching spaces only. A Chinese line has none,
so whenever a line break falls before a character that may not start a line
(，。）…) the line ends a character short, ragged; and a Chinese line that
does hold a space (``约 15%``, ``2021 年``, a Latin name) gets its whole
shortfall poured into that space, a visible hole. CSS's ``text-justify:
inter-character`` is not supported, so this module does it on the laid-out
document, before the PDF is written. On each non-final line of a justified
Chinese paragraph or list item it

- takes back what WeasyPrint added to the spaces, so each space is as wide
  as the font draws it: the quarter-em Han–Latin gap of
  :func:`diglot.render.typeset.chinese` stays a quarter em on every line;
- spreads the shortfall evenly over the gaps between characters, as letter
  spacing (a fraction of a point each), the way a Chinese compositor spaces
  out a line; the gaps beside a space, inside ``——`` and ``……`` and
  between the letters of a Latin word or number are left as they are (each
  Latin word gets a text box of its own for that).

Nothing is added to the text, so copying and searching the PDF are
unaffected. A line that is mostly Latin (a title quoted in the original)
keeps WeasyPrint's justification by word spaces.

The last line of a paragraph or list item keeps its natural width: the last
line of the block's last part (a block split across pages has a part on each),
a line ending in a forced break, and a line holding the paragraph end marker
that :func:`mark_paragraph_ends` puts in the HTML (an empty ``<span
class="diglot-end">``).

The positions are exact in the box tree; in the PDF, WeasyPrint writes each
glyph's advance to a thousandth of an em, truncated, which can leave a line a
few tenths of a point short of its edge (or a gap before a Latin word that
much wider).

This reaches into WeasyPrint's box tree (``Document.pages[i]._page_box``,
``TextBox.pango_layout``) in the same way WeasyPrint's own ``justify_line``
does; ``tests/test_print.py`` and ``tests/test_parallel.py`` check the result
on every build.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

END_CLASS = "diglot-end"
_P_END = re.compile(r"</p>")
# The characters WeasyPrint stretches on a justified line (its count_expandable_spaces).
SPACES = " \u00a0"
# Runs of these stay solid: no spacing inside ——, …….
_SOLID = set("—…")
# A line without spaces more than this short (in ems) may be short for a reason.
MAX_SHORTFALL_EM = 3.0


def mark_paragraph_ends(html: str) -> str:
    """Put an end marker (an empty word joiner) before every ``</p>``."""
    return _P_END.sub(f'<span class="{END_CLASS}">\u2060</span></p>', html)


def justify_document(document, min_shortfall: float = 0.3) -> int:
    """Justify the non-final lines of Chinese paragraphs in ``document`` inter-character; returns how many changed."""
    from weasyprint.formatting_structure import boxes

    blocks = []  # (page number, block, its lines): every justified Chinese paragraph or list item
    for number, page in enumerate(document.pages):
        stack = [page._page_box]
        while stack:
            box = stack.pop()
            children = getattr(box, "children", None) or []
            lines = [child for child in children if isinstance(child, boxes.LineBox)]
            # (a list item's lines sit in an anonymous block of its own, beside its marker)
            if lines and _is_text_block(box) and box.style["text_align_all"] == "justify" and _is_cjk(box):
                blocks.append((number, box, lines))
                continue
            stack.extend(child for child in children if isinstance(child, boxes.ParentBox))
    # A block split across pages: only the last part's last line ends it.
    pages_of: dict[int, list[int]] = {}
    for number, box, _ in blocks:
        pages_of.setdefault(id(box.element), []).append(number)
    changed = 0
    for number, box, lines in blocks:
        continues = max(pages_of[id(box.element)]) > number
        right = box.content_box_x() + box.width
        for index, line in enumerate(lines):
            if (index < len(lines) - 1 or continues) and not _is_final(line):
                changed += _justify_line(line, right, min_shortfall)
    return changed


def _is_text_block(box) -> bool:
    return getattr(box, "element_tag", None) in ("p", "li")


def _is_cjk(box) -> bool:
    """Only Chinese, Japanese and Korean paragraphs: a parallel edition has Latin ones beside them."""
    lang = (box.style["lang"] or "").lower()
    return lang.split("-")[0] in ("zh", "ja", "ko")


def _is_final(line) -> bool:
    """The last line of its paragraph (it holds the end marker) or a line ended by a forced break."""
    from weasyprint.formatting_structure import boxes

    stack = list(line.children)
    while stack:
        box = stack.pop()
        if isinstance(box, boxes.InlineBox):
            if box.element_tag == "br":
                return True
            element = getattr(box, "element", None)
            if element is not None and END_CLASS in (element.get("class") or "").split():
                return True
            stack.extend(box.children)
    return False


def _leaves(box, out: list) -> None:
    from weasyprint.formatting_structure import boxes

    for child in box.children:
        if not child.is_in_normal_flow():
            continue
        if isinstance(child, boxes.TextBox):
            out.append(child)
        elif isinstance(child, boxes.InlineBox):
            _leaves(child, out)
        else:
            out.append(child)


@dataclass
class _Leaf:
    """How one box of a line takes part in its spacing."""

    spaced: bool = False  # letter spacing inside the box (it has gaps, and is neither Latin nor a —— or …… run)
    gaps: int = 0  # gaps inside the box that the letter spacing widens
    after: bool = False  # the gap after the box, to the next one, is widened too
    lead: bool = False  # the text starts with a space
    trail: bool = False  # the text ends with a space


def _plan(leaves: list) -> list[_Leaf]:
    """Which gaps of a line take spacing: between any two characters, unless one is a space."""
    from weasyprint.formatting_structure import boxes

    plans, edges = [], []
    for leaf in leaves:
        plan = _Leaf()
        if isinstance(leaf, boxes.TextBox):
            text = leaf.text
            gaps = sum(1 for a, b in zip(text, text[1:]) if a not in SPACES and b not in SPACES)
            plan.spaced = gaps > 0 and not set(text) <= _SOLID and not all(_is_latin(c) or c in SPACES for c in text)
            plan.gaps = gaps if plan.spaced else 0
            plan.lead, plan.trail = text[:1] in SPACES, text[-1:] in SPACES
            edges.append((text[:1] if text else None, text[-1:] if text else None))
        else:  # a picture or an inline block: a character of its own
            edges.append(("x", "x"))
        plans.append(plan)
    # The gap between two boxes: between the last character of one and the first of the
    # next non-empty one.
    visible = [i for i, (first, _) in enumerate(edges) if first is not None]
    for i, j in zip(visible, visible[1:]):
        plans[i].after = edges[i][1] not in SPACES and edges[j][0] not in SPACES
    return plans


def _justify_line(line, right: float, min_shortfall: float) -> int:
    """Spread the line's shortfall over the gaps between its characters; 1 if the line changed."""
    from weasyprint.formatting_structure import boxes

    leaves: list = []
    _leaves(line, leaves)
    texts = [leaf for leaf in leaves if isinstance(leaf, boxes.TextBox)]
    text = "".join(t.text for t in texts)
    if not text.strip():
        return 0
    stretched = sum(t.justification_spacing * _spaces(t.text) for t in texts)  # what WeasyPrint gave the spaces
    if stretched:
        wide = sum(1 for char in text if unicodedata.east_asian_width(char) in "WF")
        if 2 * wide < len(text.replace(" ", "")) - wide:
            return 0  # mostly Latin (a title quoted in the original): justified by its word spaces, as Latin is
    else:
        # WeasyPrint left the line short; one too short may be so for a reason (a picture that did
        # not fit), while a line that WeasyPrint did justify is spaced out however short it is.
        shortfall = right - max(leaf.position_x + leaf.margin_width() for leaf in leaves)
        if shortfall < min_shortfall or shortfall > MAX_SHORTFALL_EM * line.style["font_size"] or len(text.strip()) < 8:
            return 0
    _split_latin(line)
    leaves = []
    _leaves(line, leaves)
    plans = _plan(leaves)
    gaps = sum(p.gaps + p.after for p in plans)
    if not gaps:
        return 0
    shortfall = right - (max(leaf.position_x + leaf.margin_width() for leaf in leaves) - stretched)
    plan_of = {id(leaf): plan for leaf, plan in zip(leaves, plans)}
    _spread(line, max(0.0, shortfall) / gaps, 0.0, plan_of)
    return 1


def _spaces(text: str) -> int:
    return sum(text.count(s) for s in SPACES)


def _is_latin(char: str) -> bool:
    """A character of Latin text: a letter or digit that is not full-width, or ASCII punctuation."""
    if char in SPACES:
        return False
    if char.isascii():
        return char.isprintable()
    return unicodedata.category(char)[0] in "LN" and unicodedata.east_asian_width(char) not in "WF"


def _latin_runs(text: str) -> list[str]:
    """``text`` cut into Latin words or numbers of two or more characters and what lies between them."""
    cuts = [0]
    start = None
    for index, char in enumerate(text + " "):
        if _is_latin(char) and index < len(text):
            start = index if start is None else start
        else:
            if start is not None and index - start >= 2:
                cuts += [start, index]
            start = None
    cuts.append(len(text))
    return [text[a:b] for a, b in zip(cuts, cuts[1:]) if b > a]


def _split_latin(box) -> None:
    """Give every Latin word or number in ``box``'s line a text box of its own.

    Chinese spacing never spreads the letters of a Latin word: the word's box
    takes no letter spacing, and the gaps around it do. Each piece keeps its
    share of the width (WeasyPrint's stretched spaces included), so that the
    line's geometry is unchanged until it is spaced out.
    """
    from weasyprint.formatting_structure import boxes
    from weasyprint.text.line_break import create_layout, line_size

    children = []
    for child in box.children:
        if isinstance(child, boxes.InlineBox):
            _split_latin(child)
        if not isinstance(child, boxes.TextBox) or len(pieces := _latin_runs(child.text)) < 2:
            children.append(child)
            continue
        x, parts = child.position_x, []
        for text in pieces:
            part = child.copy_with_text(text)
            part.pango_layout = create_layout(text, part.style, None, max_width=None, justification_spacing=0)
            width = line_size(part.pango_layout.get_first_line()[0], part.style)[0]
            part.pango_layout = create_layout(
                text, part.style, None, max_width=None, justification_spacing=child.justification_spacing
            )
            part.position_x, part.width = x, width + child.justification_spacing * _spaces(text)
            x += part.width
            parts.append(part)
        parts[-1].width += child.position_x + child.width - x  # what shaping across the cuts made of it
        children.extend(parts)
    box.children = children


def _spread(box, spacing: float, shift: float, plan_of: dict) -> float:
    """Move ``box`` by ``shift`` and space out its text as planned; returns the new shift."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.text.line_break import create_layout

    if isinstance(box, boxes.TextBox):
        plan = plan_of[id(box)]
        letter = spacing if plan.spaced else 0.0
        # Pango gives a space at either end of a box's text half of the (negative)
        # spacing that keeps it as wide as drawn: place the box so it stays so.
        edge = letter / 2
        shift += edge * plan.lead
        box.position_x += shift
        old_width = box.width
        style = box.style.copy()
        base = style["letter_spacing"]
        style["letter_spacing"] = (0 if base == "normal" else base) + letter
        # Each space gets letter spacing plus word spacing: minus twice the letter
        # spacing takes back what its two neighbours would give it.
        style["word_spacing"] = style["word_spacing"] - 2 * letter
        box.width -= box.justification_spacing * _spaces(box.text)
        box.justification_spacing = 0
        box.pango_layout = create_layout(box.text, style, None, max_width=None, justification_spacing=0)
        box.style = style  # drawing re-activates the layout with the box's style
        box.width += letter * plan.gaps - edge * (plan.lead + plan.trail) + spacing * plan.after
        return shift + box.width - old_width + edge * plan.trail
    if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        box.position_x += shift
        before = shift
        for child in box.children:
            if child.is_in_normal_flow():
                shift = _spread(child, spacing, shift, plan_of)
        box.width += shift - before
        return shift
    box.translate(shift, 0)
    plan = plan_of.get(id(box))
    return shift + (spacing if plan is not None and plan.after else 0.0)

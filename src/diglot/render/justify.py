"""Inter-character justification of Chinese lines, after WeasyPrint's layout.

WeasyPrint 70 justifies by stretching spaces only, and a Chinese line has
none: whenever a line break falls before a character that may not start a
line (，。）…) the line ends a character short, ragged. CSS's
``text-justify: inter-character`` is not supported, so this module does it
on the laid-out document, before the PDF is written: each non-final line of
a justified Chinese paragraph that ends short of its column gets the
missing width spread over its characters as letter spacing (a fraction of a
point each), the way a Chinese compositor spaces out a line. Nothing is
added to the text, so copying and searching the PDF are unaffected.

Paragraph ends are marked in the HTML with an empty ``<span
class="diglot-end">`` (see :func:`mark_paragraph_ends`): a line holding it
is the last of its paragraph and keeps its natural width.

This reaches into WeasyPrint's box tree (``Document.pages[i]._page_box``,
``TextBox.pango_layout``) in the same way WeasyPrint's own ``justify_line``
does; ``tests/test_print.py`` checks the result on every build.
"""

from __future__ import annotations

import re

END_CLASS = "diglot-end"
_P_END = re.compile(r"</p>")


def mark_paragraph_ends(html: str) -> str:
    """Put an end marker (an empty word joiner) before every ``</p>``."""
    return _P_END.sub(f'<span class="{END_CLASS}">\u2060</span></p>', html)


def justify_document(document, min_shortfall: float = 0.3) -> int:
    """Stretch the short non-final lines of justified paragraphs in ``document``; returns how many."""
    from weasyprint.formatting_structure import boxes

    stretched = 0
    for page in document.pages:
        stack = [page._page_box]
        while stack:
            box = stack.pop()
            children = getattr(box, "children", None) or []
            if _is_paragraph(box) and box.style["text_align_all"] == "justify" and _is_cjk(box):
                right = box.content_box_x() + box.width
                for line in children:
                    if isinstance(line, boxes.LineBox) and not _is_final(line):
                        stretched += _stretch(line, right, min_shortfall)
                continue
            stack.extend(child for child in children if isinstance(child, boxes.ParentBox))
    return stretched


def _is_paragraph(box) -> bool:
    return getattr(box, "element_tag", None) == "p"


def _is_cjk(box) -> bool:
    """Only Chinese, Japanese and Korean paragraphs: a parallel edition has Latin ones beside them."""
    lang = (box.style["lang"] or "").lower()
    return lang.split("-")[0] in ("zh", "ja", "ko")


def _is_final(line) -> bool:
    from weasyprint.formatting_structure import boxes

    stack = list(line.children)
    while stack:
        box = stack.pop()
        if isinstance(box, boxes.InlineBox):
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


def _stretch(line, right: float, min_shortfall: float) -> int:
    from weasyprint.formatting_structure import boxes

    leaves: list = []
    _leaves(line, leaves)
    texts = [leaf for leaf in leaves if isinstance(leaf, boxes.TextBox) and leaf.text.strip()]
    if not texts:
        return 0
    content_right = max(leaf.position_x + leaf.margin_width() for leaf in leaves)
    shortfall = right - content_right
    characters = sum(len(t.text.rstrip()) for t in texts)
    if shortfall < min_shortfall or characters < 8 or shortfall > 3 * line.style["font_size"]:
        return 0  # nothing to do, or a line that is short for a reason (a forced break, a picture)
    spacing = shortfall / max(1, characters - 1)
    _spread(line, spacing, 0.0, texts[-1])
    return 1


def _spread(box, spacing: float, shift: float, last_text) -> float:
    """Move ``box`` by ``shift`` and widen its text by ``spacing`` a character; returns the new shift."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.text.line_break import create_layout

    if isinstance(box, boxes.TextBox):
        box.position_x += shift
        text = box.text.rstrip()
        if not text:
            return shift
        # No spacing after the line's last character: it ends on the column edge.
        count = len(text) - (1 if box is last_text else 0)
        style = box.style.copy()
        base = style["letter_spacing"]
        style["letter_spacing"] = (0 if base == "normal" else base) + spacing
        box.pango_layout = create_layout(box.text, style, None, max_width=None, justification_spacing=box.justification_spacing)
        box.style = style  # drawing re-activates the layout with the box's style
        box.width += spacing * count
        return shift + spacing * count
    if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        box.position_x += shift
        before = shift
        for child in box.children:
            if child.is_in_normal_flow():
                shift = _spread(child, spacing, shift, last_text)
        box.width += shift - before
        return shift
    box.translate(shift, 0)
    return shift

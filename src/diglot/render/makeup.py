"""Page make-up on top of WeasyPrint: floating figures, full pages, no thin last pages.

WeasyPrint has no page floats (Kozea/WeasyPrint#1098): a figure or table
that does not fit in the rest of a page moves to the next one and leaves
the rest of the page white. This module lays the edition out, looks at
where things fell, and changes the document the way a typesetter would,
then lays it out again:

- **Floats.** A figure or short table that opens a page while the page
  before it ends in a hole moves, in the document, past the text that
  follows it, as much of that text as fills the hole: the text fills the
  page and the figure opens the next page (LaTeX's ``[tp]``). A paragraph
  that straddles the page break is cut in two at the line where the page
  ends (:func:`split_block`), so the figure sits at the very top. A figure
  moves by one page at most, never past another figure (numbers stay in
  reading order) and never out of its article's body.
- **Thin last pages.** An article must not end on a page of fewer than four
  lines. First the make-up tries to pull the page back by tightening the
  article's figures (at most :data:`MAX_TIGHTEN` of their height); else it
  pushes lines over: the last paragraph keeps ``widows`` lines with the
  biographies, which are kept with it.

Articles open on a page of their own, so each is laid out as a document of
its own: a change re-lays out one article, not the issue. The front matter
(cover, colophon, contents) is laid out last, with the page numbers the
articles got, and the pages are put together into one document, with
folios, footnote numbers, links and bookmarks continuing across articles.

This reaches into WeasyPrint's box tree as :mod:`.justify` does;
``tests/test_makeup.py`` measures the result page by page.
"""

from __future__ import annotations

import copy
import html as html_lib
import re
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

#: How much of its height a figure may lose to pull a thin last page back.
MAX_TIGHTEN = 0.25
#: The tallest hole the make-up leaves at a page's foot, in body lines: SPEC's three, less a
#: quarter line for what a reader measures beyond the line boxes (glyphs, the footnotes' rule space).
MAX_HOLE_LINES = 2.75
#: Fewest lines of text on an article's last page.
MIN_LAST_LINES = 4
#: A hole this many body lines tall at the foot of a page makes a figure after it float.
FLOAT_HOLE_LINES = 1.5
#: The space above the footnotes of a page (WeasyPrint's ``@footnote { margin-top: 1em }``), in CSS px.
NOTE_SPACE = 16.0
#: Layout passes per article at most (the first one included).
MAX_PASSES = 8

_FLOATS = {"figure", "table"}
_SPLITTABLE = {"p"}


# --- what fell where -----------------------------------------------------------------


@dataclass
class Item:
    """One thing in a page's flow: a line of text, or a float (figure, table) as a whole."""

    kind: str  # "line" or "float"
    element: object  # the etree element: the line's block, or the float
    top: object  # the top-level child of the article the item belongs to (body block, opener, bios)
    y0: float
    y1: float
    box: object = None
    notes: float = 0.0  # the height of the footnotes this line calls, set at the foot of its page
    margin: float = 0.0  # the space a float keeps below it
    count: int = 1  # lines of text it holds (a pair of the parallel edition: its longer side's)


@dataclass
class PageFlow:
    index: int
    area_top: float
    area_bottom: float  # the foot of the text area, or the top of the footnotes
    items: list[Item] = field(default_factory=list)
    has_notes: bool = False

    @property
    def bottom(self) -> float:
        return max((i.y1 for i in self.items), default=self.area_top)

    @property
    def hole(self) -> float:
        return self.area_bottom - self.bottom

    @property
    def room(self) -> float:
        """What more text could take at the foot of the page: the hole, less the space a float keeps below it."""
        last = self.items[-1] if self.items else None
        return self.hole - (last.margin if last is not None else 0.0) - 0.5

    def lines(self) -> int:
        return sum(i.count for i in self.items if i.kind == "line")


def page_flow(page, index: int, tops: dict) -> PageFlow:
    """The in-flow items of one laid-out page, in order; ``tops`` maps elements to their top-level block."""
    from weasyprint.formatting_structure import boxes

    page_box = page._page_box
    area_top = page_box.content_box_y()
    area_bottom = area_top + page_box.height
    root = page_box.children[0]
    note_heights: dict = {}
    for footnotes in page_box.children:
        if isinstance(footnotes, boxes.FootnoteAreaBox) and footnotes.children:
            area_bottom = min(area_bottom, footnotes.position_y)
            for note in footnotes.children:
                note_heights[getattr(note, "element", None)] = note.margin_height()
    flow = PageFlow(index, area_top, area_bottom, has_notes=bool(note_heights))

    def walk(box, top):
        element = getattr(box, "element", None)
        if element is not None and element in tops:
            top = tops[element]
        if isinstance(box, boxes.LineBox):
            if any(_has_text(child) for child in box.children):
                notes = sum(note_heights.get(call, 0.0) for call in _calls(box))
                flow.items.append(Item("line", _block_element(box), top, box.position_y, box.position_y + box.height, box, notes))
            return
        tag = getattr(box, "element_tag", "")
        if tag == "tr" and top is not None and element is top and not _is_float(element):
            # A pair of the parallel edition: one item, its two sides set level (moved whole, never cut).
            if box.height > 0:
                # Its foot is its last line's, not its cells' padding below: what a reader sees end.
                bottom = max((line.position_y + line.height for line in _lines(box)), default=box.position_y + box.height)
                count = max((len(_lines(cell)) for cell in box.children), default=1) or 1
                flow.items.append(Item("line", element, top, box.position_y, bottom, box, _row_notes(box, note_heights), count=count))
            return
        if _is_float(element) and element is top and isinstance(box, (boxes.BlockLevelBox, boxes.TableRowBox)):
            # From the top of its margin (the space above is the figure's) to the foot of its border:
            # the margin below is white a reader sees as part of a hole.
            bottom = box.border_box_y() + box.border_height()
            flow.items.append(Item("float", element, top, box.position_y, bottom, box, margin=box.margin_bottom))
            return
        if isinstance(box, boxes.ReplacedBox) and box.is_in_normal_flow():
            flow.items.append(Item("line", element, top, box.position_y, box.position_y + box.margin_height(), box))
            return
        for child in getattr(box, "children", None) or []:
            if child.is_in_normal_flow() or isinstance(child, boxes.LineBox):
                walk(child, top)

    walk(root, None)
    return flow


def _row_notes(row, note_heights: dict) -> float:
    return sum(note_heights.get(call, 0.0) for line in _lines(row) for call in _calls(line))


def _lines(box) -> list:
    found, stack = [], [box]
    while stack:
        b = stack.pop()
        if isinstance(b, _line_type()):
            found.append(b)
            continue
        stack.extend(getattr(b, "children", None) or [])
    return found


def _line_type():
    from weasyprint.formatting_structure import boxes

    return boxes.LineBox


def _calls(line) -> list:
    """The footnote elements a line calls (their ``::footnote-call`` boxes sit in the line)."""
    found, stack = [], list(line.children)
    while stack:
        box = stack.pop()
        if (getattr(box, "element_tag", "") or "").endswith("::footnote-call"):
            found.append(box.element)
        stack.extend(getattr(box, "children", None) or [])
    return found


def _has_text(box) -> bool:
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.TextBox):
        return bool(box.text.strip())
    return any(_has_text(child) for child in getattr(box, "children", None) or []) or isinstance(box, boxes.InlineReplacedBox)


def _block_element(line):
    return getattr(line, "element", None)


# --- cutting a paragraph where a page ends --------------------------------------------------

_TOKEN = re.compile(r"<[^>]+>|&[#\w]+;|[^<&]")
_UNCOUNTED = re.compile(r"[\s\u00ad\u2060]")


def line_text(line) -> str:
    """The text a laid-out line shows from its paragraph (generated content such as footnote calls left out)."""
    from weasyprint.formatting_structure import boxes

    out: list[str] = []

    def walk(box):
        tag = getattr(box, "element_tag", "") or ""
        if "::" in tag:  # ::footnote-call, ::before, ::marker: not in the document's text
            return
        if isinstance(box, boxes.TextBox):
            out.append(box.text)
        for child in getattr(box, "children", None) or []:
            if child.is_in_normal_flow():
                walk(child)

    walk(line)
    return "".join(out)


def counted(text: str) -> int:
    return len(_UNCOUNTED.sub("", text))


def split_block(element, count: int, hyphen: bool = False):
    """Cut ``element`` after its ``count``-th visible character: (head, tail), two new elements.

    Visible characters are those that are not white space; a footnote's own
    text (set at the foot of the page) does not count, and a footnote called
    right at the cut stays with the head. Inline elements open at the cut
    are closed in the head and opened again in the tail. ``hyphen`` adds the
    hyphen of a word the line broke.
    """
    source = ET.tostring(element, encoding="unicode", short_empty_elements=True)
    start = source.index(">") + 1
    end = source.rindex("<")
    open_tag, inner, close_tag = source[:start], source[start:end], source[end:]
    seen = 0
    stack: list[str] = []  # open tags inside the element at the cut
    skip_depth = 0  # inside a footnote: its text does not count
    cut = None
    tokens = list(_TOKEN.finditer(inner))
    i = 0
    while i < len(tokens):
        token = tokens[i][0]
        if token.startswith("<"):
            if token.startswith("</"):
                if skip_depth:
                    skip_depth -= 1
                if stack:
                    stack.pop()
            elif not token.endswith("/>"):
                if skip_depth or 'class="footnote' in token:
                    skip_depth += 1
                stack.append(token)
        elif not skip_depth and not _UNCOUNTED.match(html_lib.unescape(token)):
            seen += 1
            if seen == count:
                cut = i + 1
                break
        i += 1
    if cut is None:
        raise ValueError(f"cannot cut after {count} characters: the block has {seen}")
    # A footnote called right after the cut belongs to the head.
    j = cut
    while j < len(tokens) and 'class="footnote' in tokens[j][0] and tokens[j][0].startswith("<"):
        depth = 0
        while j < len(tokens):
            t = tokens[j][0]
            if t.startswith("</"):
                depth -= 1
            elif t.startswith("<") and not t.endswith("/>"):
                depth += 1
            j += 1
            if depth == 0:
                break
        cut = j
    # The open elements at the cut, from the tokens before it.
    stack = []
    for token in (t[0] for t in tokens[:cut]):
        if token.startswith("</"):
            stack.pop()
        elif token.startswith("<") and not token.endswith("/>"):
            stack.append(token)
    head_inner = "".join(t[0] for t in tokens[:cut]) + ("\u2010" if hyphen else "")
    tail_inner = "".join(t[0] for t in tokens[cut:]).lstrip()
    closing = "".join(f"</{_tag_name(t)}>" for t in reversed(stack))
    reopening = "".join(stack)
    head = ET.fromstring(open_tag + head_inner + closing + close_tag)
    tail = ET.fromstring(open_tag + reopening + tail_inner + close_tag)
    tail.attrib.pop("id", None)
    _add_class(head, "makeup-head")
    _add_class(tail, "makeup-tail")
    head.tail = "\n"
    tail.tail = element.tail
    return head, tail


def _tag_name(open_tag: str) -> str:
    return re.match(r"<([\w:-]+)", open_tag)[1]


def _add_class(element, name: str) -> None:
    classes = (element.get("class") or "").split()
    if name not in classes:
        element.set("class", " ".join([*classes, name]))


# --- the make-up of one article ---------------------------------------------------------


@dataclass
class ArticleMakeup:
    """One article's document and what was done to it."""

    article: object  # its <article>
    body: object  # the article's <div class="body">
    line_height: float
    floated: int = 0
    filled: int = 0
    tightened: int = 0
    pushed: int = 0
    notes: list[str] = field(default_factory=list)

    def movable(self, block) -> bool:
        """A block of the article's body, which figures may move past (not the opener, not the biographies)."""
        if block is None or all(block is not child for child in self.body):
            return False
        return not _is_row(block) or any(c.startswith("kind-") for c in _classes(block))

    def tops(self) -> dict:
        """Every element of the article → the top-level block it belongs to (a body block, a pair of the
        parallel edition, or the opener and biographies)."""
        mapping = {}
        for element in self.article.iter():
            mapping[element] = element  # overwritten below for what lies inside a block
        for top in list(self.article):
            for element in top.iter():
                mapping[element] = top
        for block in list(self.body):
            for element in block.iter():
                mapping[element] = block
        return mapping

    def flows(self, document) -> list[PageFlow]:
        tops = self.tops()
        return [page_flow(page, i, tops) for i, page in enumerate(document.pages)]

    # -- floats

    def counts(self) -> tuple:
        return (self.floated, self.filled, self.tightened, self.pushed)

    def float_fix(self, flows: list[PageFlow]) -> bool:
        """Move the first figure that left a hole before it past the text that fills the hole."""
        for n, (before, page) in enumerate(zip(flows, flows[1:])):
            if before.hole < FLOAT_HOLE_LINES * self.line_height or not before.items:
                continue
            start = next((n for n, i in enumerate(page.items) if i.kind == "float"), None)
            if start is None or any(not _is_heading(i.element) for i in page.items[:start]):
                continue  # no figure, or not a figure that opened this page
            run = [page.items[start]]  # figures set one after the other move together
            for item in page.items[start + 1 :]:
                if item.kind != "float":
                    break
                run.append(item)
            if any(not self.movable(i.top) or i.element is not i.top for i in run):
                continue
            moved = {_makeup_move(i.top) for i in run}
            following = flows[n + 2] if n + 2 < len(flows) else None
            # A figure moves one way only: what was moved on goes no further back, and the other way round.
            if "advanced" not in moved and self._defer(run, page.items[:start], page, before, following):
                return True
            if (
                "deferred" not in moved and n >= 1
                and self._mentioned_by(run, flows, before) and self._advance(run, before, flows[n - 1])
            ):
                return True
            if self._before_text(run, before):
                return True
            if "tightened" not in moved and self._squeeze(run, before):
                return True
        return False

    def _cut(self, element, lines: list, why: str):
        """Cut the body block ``element`` after the laid-out ``lines`` (its first ones), in place: the
        second part, or None (and a note) when the text does not match the lines."""
        count, hyphen = _visible(element, [i.box for i in lines])
        try:
            head, tail = split_block(element, count, hyphen=hyphen)
        except ValueError as exc:
            self.notes.append(f"could not cut a paragraph {why}: {exc}")
            return None
        position = list(self.body).index(element)
        self.body.remove(element)
        self.body.insert(position, tail)
        self.body.insert(position, head)
        return tail

    def _place(self, run: list[Item], anchor, how: str) -> None:
        """Set the figures of ``run`` before ``anchor`` (at the end of the body when None), in order."""
        for item in run:
            self.body.remove(item.top)
            if anchor is None:
                self.body.append(item.top)
            else:
                self.body.insert(list(self.body).index(anchor), item.top)
            _add_class(item.top, "makeup-floated")
            item.top.set("data-makeup", how)
        self.floated += len(run)

    def fill_fix(self, flows: list[PageFlow]) -> bool:
        """A page that ends in a hole while the next opens with a paragraph WeasyPrint would not break
        (its footnote did not fit beside it): cut the paragraph so that its first lines fill the hole."""
        for before, page in zip(flows, flows[1:]):
            if before.hole < FLOAT_HOLE_LINES * self.line_height or not before.items or not page.items:
                continue
            first = page.items[0]
            element = first.element
            if (
                _is_row(element) and first.kind == "line" and element is first.top and self.movable(element)
                and _makeup_move(element) != "filled" and not any(i.element is element for i in before.items)
            ):
                if self._fill_pair(first, before) is not None:
                    return True
                continue
            if (
                first.kind != "line" or element is not first.top or element.tag not in _SPLITTABLE
                or not self.movable(element) or _makeup_move(element) == "filled"
                or any(i.element is element for i in before.items)
            ):
                continue
            lines = [i for i in page.items if i.element is element]
            room = before.room
            # Two lines at least go over (a paragraph that would fit whole did not, for its footnote).
            fit = []
            notes = 0.0
            for line in lines[: len(lines) - 2]:
                if line.notes:
                    notes += line.notes + (0.0 if before.has_notes or notes else NOTE_SPACE)
                if line.y1 - first.y0 + notes > room:
                    break
                fit.append(line)
            if len(fit) < 2:
                continue
            tail = self._cut(element, fit, "to fill a page")
            if tail is None:
                continue
            _previous_sibling(self.body, tail).set("data-makeup", "filled")
            tail.set("data-makeup", "filled")
            self.filled += 1
            return True
        return False

    def _fill_pair(self, row: Item, before: PageFlow, offset: float = 0.0):
        """The parallel edition's version of a cut: a pair that opens the next page is cut on both sides
        at the lines that fit in the hole, into two pairs (each side keeps two lines at least); returns
        the second pair, or None. ``offset``: how far below the page's top the pair starts now (a figure
        above it that moves away)."""
        from weasyprint.formatting_structure import boxes

        cells = [c for c in row.box.children if isinstance(c, boxes.TableCellBox)]
        if len(cells) != 2 or any(len(list(c.element)) != 1 or c.element[0].tag not in _SPLITTABLE for c in cells):
            return None
        room = before.room - row.notes - (0.0 if before.has_notes or not row.notes else NOTE_SPACE)
        counts = []
        for cell in cells:
            lines = []
            stack = [cell]
            while stack:
                box = stack.pop(0)
                if isinstance(box, boxes.LineBox):
                    lines.append(box)
                    continue
                stack[:0] = list(getattr(box, "children", None) or [])
            fit = [line for line in lines[: len(lines) - 2] if line.position_y + line.height - row.y0 <= room]
            if len(fit) < 2:
                return None
            paragraph = cell.element[0]
            counts.append((paragraph, *_visible(paragraph, fit)))
        head_row = ET.Element(row.element.tag, dict(row.element.attrib))
        tail_row = ET.Element(row.element.tag, dict(row.element.attrib))
        for cell, (paragraph, count, hyphen) in zip(cells, counts):
            try:
                head, tail = split_block(paragraph, count, hyphen=hyphen)
            except ValueError as exc:
                self.notes.append(f"could not cut a pair to fill a page: {exc}")
                return None
            for target, part in ((head_row, head), (tail_row, tail)):
                td = ET.SubElement(target, cell.element.tag, dict(cell.element.attrib))
                td.append(part)
        head_row.set("data-makeup", "filled")
        tail_row.set("data-makeup", "filled")
        position = list(self.body).index(row.element)
        self.body.remove(row.element)
        self.body.insert(position, tail_row)
        self.body.insert(position, head_row)
        self.filled += 1
        return tail_row

    def _before_text(self, run: list[Item], before: PageFlow) -> bool:
        """Set the figures just ahead of the paragraph they follow, when that paragraph opens on the page
        before and still would: figure and text share the page, the figure first (LaTeX's ``[h]``)."""
        blocks = list(self.body)
        position = blocks.index(run[0].top)
        previous = blocks[position - 1] if position else None
        if previous is None or _is_float(previous) or _is_heading(previous):
            return False
        start = next((i for i in before.items if i.top is previous), None)
        if start is None:
            return False
        if before.items.index(start) == 0:
            return False  # it opens the page (or goes on from the page before): that is the page's top
        height = run[-1].y1 + run[-1].margin - run[0].y0
        if start.y0 + height + 2 * self.line_height > before.area_bottom:
            return False
        self._place(run, previous, "advanced")
        return True

    def _squeeze(self, run: list[Item], before: PageFlow) -> bool:
        """The figures can go neither on nor back: make their pictures just short enough (within
        :data:`MAX_TIGHTEN`) to fit in the hole before them."""
        pictures = [_image_height(i.box) or 0.0 for i in run]
        height = run[-1].y1 - run[0].y0
        need = height - (before.room - self.line_height * 0.25)
        if need <= 0 or not sum(pictures) or need > MAX_TIGHTEN * sum(pictures):
            return False
        fraction = need / sum(pictures)
        for item in run:
            _tighten(item, fraction)
            item.top.set("data-makeup", "tightened")
        self.tightened += len(run)
        return True

    def _mentioned_by(self, run: list[Item], flows: list[PageFlow], before: PageFlow) -> bool:
        """True when the text the figures follow starts on page ``before`` or earlier, and still would with
        the figures set at that page's top: they may go there without coming ahead of their text's page."""
        blocks = list(self.body)
        position = blocks.index(run[0].top)
        previous = next((b for b in reversed(blocks[:position]) if not _is_float(b)), None)
        if previous is None:
            return False
        first = next((f for f in flows if any(i.top is previous for i in f.items)), None)
        if first is None or first.index > before.index:
            return False
        if first.index < before.index:
            return True
        start = next(i for i in first.items if i.top is previous)
        height = run[-1].y1 + run[-1].margin - run[0].y0
        return start.y0 + height + 2 * self.line_height <= before.area_bottom

    def _advance(self, run: list[Item], before: PageFlow, earlier: PageFlow) -> bool:
        """No text follows the figures to fill the hole before them: set them at the top of the page
        before instead, the page that holds the text they follow (LaTeX's ``[t]``)."""
        leading = 0
        while leading < len(before.items) and before.items[leading].kind == "float":
            leading += 1
        if any(i.kind == "float" for i in before.items[leading:]):
            return False  # another figure in between: numbers would leave reading order
        rest = before.items[leading:]
        if not rest or not self.movable(rest[0].top):
            return False
        first = rest[0]
        carried = [i for i in earlier.items if i.element is first.element]
        if carried:
            # The page opens inside a paragraph: cut it where the page before ends.
            if first.element is not first.top or first.top.tag not in _SPLITTABLE:
                return False
            anchor = self._cut(first.element, [i for i in earlier.items if i.element is first.element], "for a figure")
            if anchor is None:
                return False
        else:
            anchor = first.top
        self._place(run, anchor, "advanced")
        return True

    def _defer(self, run: list[Item], ahead: list[Item], page: PageFlow, before: PageFlow, following: PageFlow | None) -> bool:
        room = before.room
        # What follows the figures, on this page and (when they fill it) the next, with the height
        # each line adds when set after the page's headings: a line's height and the space above it.
        after = page.items[page.items.index(run[-1]) + 1 :]
        if following is not None and all(i.kind == "float" or _is_heading(i.element) for i in page.items):
            after = after + following.items
        used = (ahead[-1].y1 - ahead[0].y0) if ahead else 0.0
        notes_added = False
        chosen: list[Item] = []
        previous = run[-1]
        for item in after:
            if item.kind == "float" or not self.movable(item.top):
                break  # never past another figure, never out of the body
            same_page = any(item is i for i in page.items) == any(previous is i for i in page.items)
            used += item.y1 - (previous.y1 if same_page and previous is not run[-1] else item.y0)
            if previous is run[-1] and same_page:
                used += item.y0 - run[-1].y1  # the space between the figure and the text
            if item.notes:  # its footnotes come along, with the space above them on a page without notes
                used += item.notes + (0.0 if before.has_notes or notes_added else NOTE_SPACE)
                notes_added = True
            if used > room:
                break
            chosen.append(item)
            previous = item
        # What is left of the hole is shared out by flush bottom (:func:`flush_bottom`).
        chosen = _trim(chosen, after, 2)
        text_chosen = [i for i in chosen]
        if not text_chosen and not ahead and after and _is_row(after[0].element) and self.movable(after[0].top):
            # The parallel edition: the pair after the figures is cut where the hole ends; they go between.
            tail = self._fill_pair(after[0], before, offset=after[0].y0 - run[0].y0 - (run[-1].y1 - run[0].y0))
            if tail is None:
                return False
            self.filled -= 1
            self._place(run, tail, "deferred")
            return True
        if not text_chosen:
            return False
        last = text_chosen[-1]
        following = after[len(text_chosen)] if len(text_chosen) < len(after) else None
        body = self.body
        if following is not None and following.element is last.element:
            # Cut the paragraph at the end of the last line that fits.
            lines = [i for i in after if i.element is last.element]
            anchor = self._cut(last.element, lines[: lines.index(last) + 1], "for a figure")
            if anchor is None:
                return False
        else:
            anchor = _next_sibling(body, last.top)
        self._place(run, anchor, "deferred")
        return True

    # -- thin last pages

    def last_page_fix(self, flows: list[PageFlow], tighten_done: bool) -> str | None:
        """'tighten' or 'push' when the article ends on a thin page (and the fix was applied), else None."""
        article_pages = [f for f in flows if any(i.top is not None for i in f.items)]
        if len(article_pages) < 2:
            return None
        last = article_pages[-1]
        # A figure fills a page as its height in lines would: a figure and a line of biography is no thin page.
        lines = last.lines() + sum(int((i.y1 - i.y0) / self.line_height) for i in last.items if i.kind == "float")
        if lines >= MIN_LAST_LINES:
            return None
        if not tighten_done:
            need = last.bottom - last.area_top + self.line_height
            figures = [i for f in article_pages[:-1] for i in f.items if i.kind == "float" and _image_height(i.box)]
            gain = sum((i.y1 - i.y0) * MAX_TIGHTEN for i in figures)
            if figures and gain >= need:
                share = need / sum(i.y1 - i.y0 for i in figures)
                for item in figures:
                    _tighten(item, min(MAX_TIGHTEN, share * 1.15))
                self.tightened += len(figures)
                return "tighten"
        return self._push(article_pages, MIN_LAST_LINES - lines)

    def _push(self, pages: list[PageFlow], needed: int) -> str | None:
        """Carry ``needed`` more lines over to the last page: from the paragraph the page break cuts
        (``widows``), else by keeping the first block of the last page with the lines before it; when
        that paragraph has too few lines to give, it goes over whole, with the heading it follows
        (flush bottom then spreads the space it leaves)."""
        previous, last = pages[-2], pages[-1]
        if not previous.items or not last.items:
            return None
        straddling = previous.items[-1]
        first = last.items[0]
        element = straddling.element
        if straddling.kind != "line" or element is None or straddling.top is None:
            self.notes.append("a thin last page: it follows a figure")
            return None
        before = sum(1 for i in previous.items if i.element is element)
        if before - needed >= 2:
            if element is first.element:
                already = sum(1 for i in last.items if i.element is element)
                _set_style(element, f"widows: {already + needed}")
            else:
                _set_style(first.top, "break-before: avoid")
                _set_style(element, f"widows: {needed}")
        else:
            # The whole block goes over, and the heading it follows with it.
            tops = [i.top for i in previous.items]
            start = straddling.top
            index = tops.index(start)
            while index > 0 and _is_heading(tops[index - 1]):
                index -= 1
                start = tops[index]
            if index == 0 or start is previous.items[0].top:
                self.notes.append("a thin last page: nothing before it to carry over")
                return None
            _set_style(start, "break-before: page")
        self.pushed += 1
        return "push"


class _Snapshot:
    """An article's blocks and every element's attributes, to undo a make-up step without laying out again."""

    def __init__(self, article, body):
        self.body = body
        self.children = list(body)
        self.attributes = [(element, dict(element.attrib)) for element in article.iter()]

    def restore(self) -> None:
        self.body[:] = self.children
        for element, attributes in self.attributes:
            element.attrib.clear()
            element.attrib.update(attributes)


def _makeup_move(element) -> str:
    return element.get("data-makeup") or ""


def _trim(chosen: list[Item], after: list[Item], least: int) -> list[Item]:
    """The lines to move ahead of a figure, ending on a whole top-level block (a heading never last),
    or inside a paragraph of the body with ``least`` lines at least on either side of the cut."""
    while chosen:
        last = chosen[-1]
        rest = [i for i in after[len(chosen) :] if i.top is last.top]
        if rest:
            splittable = last.top.tag in _SPLITTABLE and last.element is last.top
            head = sum(1 for i in chosen if i.top is last.top)
            if splittable and head >= least and len(rest) >= least:
                break
            if splittable and head > least:
                chosen.pop()
                continue
            chosen = [i for i in chosen if i.top is not last.top]
            continue
        if _is_heading(last.top):
            chosen.pop()
            continue
        break
    return chosen


def _visible(element, lines: list) -> tuple[int, bool]:
    """How many visible characters of ``element`` the laid-out ``lines`` show, and whether the last one
    broke a word with a hyphen of its own (which the cut adds back)."""
    text = "".join(line_text(line) for line in lines)
    hyphen = text.rstrip().endswith("\u2010") and not _ends_with_hyphen(element, counted(text))
    return counted(text) - (1 if hyphen else 0), hyphen


def _previous_sibling(parent, child):
    children = list(parent)
    index = children.index(child)
    return children[index - 1] if index else None


def _ends_with_hyphen(element, count: int) -> bool:
    """True when the ``count``-th visible character of ``element`` is itself a hyphen (not one added by hyphenation)."""
    text = _UNCOUNTED.sub("", "".join(_own_text(element)))
    return 0 < count <= len(text) and text[count - 1] in "-\u2010"


def _own_text(element):
    if element.text:
        yield element.text
    for child in element:
        if "footnote" not in (child.get("class") or "").split():
            yield from _own_text(child)
        if child.tail:
            yield child.tail


def _classes(element) -> list[str]:
    return (element.get("class") or "").split() if element is not None else []


def _is_heading(element) -> bool:
    """A heading, or in the parallel edition a pair of headings."""
    tag = getattr(element, "tag", "")
    return tag in ("h1", "h2", "h3", "h4", "h5", "h6") or (tag == "tr" and "kind-heading" in _classes(element))


def _is_float(element) -> bool:
    """A figure or table, or in the parallel edition a pair of them (moved as a pair)."""
    tag = getattr(element, "tag", "")
    if tag == "tr":
        return bool({"kind-figure", "kind-table"} & set(_classes(element)))
    return tag in _FLOATS and "pairs" not in _classes(element)  # the parallel edition's table of pairs is its body


def _is_row(element) -> bool:
    return getattr(element, "tag", "") == "tr"


def _opener_end(element) -> bool:
    return getattr(element, "tag", "") == "header" or "pair-opener-end" in _classes(element)


def _next_sibling(parent, child):
    children = list(parent)
    index = children.index(child)
    return children[index + 1] if index + 1 < len(children) else None


def _set_style(element, declaration: str) -> None:
    style = element.get("style")
    element.set("style", f"{style}; {declaration}" if style else declaration)


def _tighten(item: Item, fraction: float) -> None:
    """Make a figure's picture ``fraction`` shorter (it keeps its proportions), and its margins half."""
    for img in item.element.iter("img"):
        box_height = _image_height(item.box)
        if box_height:
            _set_style(img, f"max-height: {box_height * (1 - fraction):.2f}px")
    _set_style(item.element, "margin-top: 2.5mm; margin-bottom: 2.5mm")


def _image_height(box) -> float | None:
    from weasyprint.formatting_structure import boxes

    stack = [box]
    while stack:
        b = stack.pop()
        if isinstance(b, boxes.ReplacedBox):
            return b.height
        stack.extend(getattr(b, "children", None) or [])
    return None


# --- the issue: articles laid out one by one, then put together -------------------------------


@dataclass
class Report:
    """What the make-up did, for the build's summary and the benchmark."""

    passes: int = 0
    floated: int = 0
    filled: int = 0
    tightened: int = 0
    pushed: int = 0
    pages: int = 0
    notes: list[str] = field(default_factory=list)
    #: What the make-up could not mend, for the build's warnings: (article id, folio, what, lines).
    unresolved: list[tuple[str, int, str, float]] = field(default_factory=list)
    keep_html: bool = False  # keep the final HTML (for the benchmark's bare layout and the tests)
    html: str = ""


class Composer:
    """Lays out one edition's HTML as front matter + one document per article, with make-up."""

    def __init__(self, html: str, stylesheets: list, base_url: str, url_fetcher, font_config, options: dict, line_height: float,
                 finish=None, article_start: str = "any", cjk: bool = False, report: Report | None = None):
        from weasyprint import HTML

        self.base = HTML(string=html, base_url=base_url, url_fetcher=url_fetcher)
        self.stylesheets = stylesheets
        self.font_config = font_config
        self.options = options
        self.line_height = line_height
        self.finish = finish  # after-layout step for each final document (Chinese justification)
        self.article_start = article_start
        self.cjk = cjk
        self.report = report if report is not None else Report()
        self._any = None  # a laid-out document, to put the pages together with
        root = self.base.etree_element
        self.head = root.find("head")
        self.body = root.find("body")

    def _document(self, children: list, extra_css: str):
        """A document of the same <html> and <head> with ``children`` as its body, laid out."""
        import cssselect2
        from weasyprint import CSS

        root = ET.Element(self.base.etree_element.tag, dict(self.base.etree_element.attrib))
        root.append(self.head)
        body = ET.SubElement(root, "body", dict(self.body.attrib))
        body.extend(children)
        html = copy.copy(self.base)
        html.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
        html.etree_element = root
        sheets = [*self.stylesheets, CSS(string=extra_css, font_config=self.font_config)] if extra_css else self.stylesheets
        self.report.passes += 1
        self._any = html.render(stylesheets=sheets, font_config=self.font_config, **self.options)
        return self._any

    def compose(self):
        """The whole edition as one WeasyPrint document, and the make-up report."""
        children = list(self.body)
        # The articles, each with the element it sits in (the parallel edition's <div class="articles">).
        articles: list[tuple[object, object | None]] = []
        front = []
        for child in children:
            if child.tag == "article":
                articles.append((child, None))
            elif any(True for _ in child.iter("article")):
                articles += [(a, child) for a in child if a.tag == "article"]
            else:
                front.append(child)
        toc_links = [a for c in front for a in c.iter("a") if (a.get("href") or "").startswith("#")]
        for link in toc_links:
            link.set("data-page", "000")
        front_doc = self._document(front, _FRONT_CSS) if front else None
        page = len(front_doc.pages) if front_doc else 0
        documents, starts, footnotes = [], {}, 0
        for article, wrapper in articles:
            if self.article_start == "right" and page % 2 == 1:
                documents.append(self._blank(page + 1))
                page += 1
            doc = self._article(article, page + 1, footnotes, wrapper)
            starts[article.get("id")] = page + 1
            pages = [p for p in doc.pages if not getattr(p, "_makeup_pad", False)]
            documents.append(pages)
            page += len(pages)
            footnotes += sum(1 for e in article.iter() if "footnote" in (e.get("class") or "").split())
        if front:
            for link in toc_links:
                link.set("data-page", str(starts.get(link.get("href")[1:], "")))
            front_doc = self._document(front, _FRONT_CSS)
            if self.finish:
                self.finish(front_doc)
        all_pages = (front_doc.pages if front_doc else []) + [p for pages in documents for p in pages]
        first = front_doc or self._any
        self.report.pages = len(all_pages)
        if self.report.keep_html:
            self.report.html = "<!DOCTYPE html>\n" + ET.tostring(self.base.etree_element, encoding="unicode", method="html")
        return first.copy(all_pages), self.report

    def _cost(self, doc, makeup: ArticleMakeup) -> float:
        """How far the article's pages are from what the make-up wants, in line heights: the holes flush
        bottom cannot close beyond three lines weigh most, then a thin last page, then each page."""
        line = self.line_height
        flows = [f for f in makeup.flows(doc) if not getattr(doc.pages[f.index], "_makeup_pad", False)]
        cost = 0.0
        for flow in flows[:-1]:
            page = doc.pages[flow.index]
            closable = flush_capacity(page, flow, line, self.cjk) if flow.hole <= MAX_FLUSH_LINES * line else 0.0
            left = max(0.0, flow.hole - closable) / line
            cost += 10 * max(0.0, left - MAX_HOLE_LINES) + 0.05 * left
        if len(flows) > 1:
            last = flows[-1]
            lines = last.lines() + sum(int((i.y1 - i.y0) / line) for i in last.items if i.kind == "float")
            cost += 5 * max(0, MIN_LAST_LINES - lines)
        return cost + 0.5 * len(flows)

    def _push_holds(self, doc, makeup: ArticleMakeup) -> bool:
        flows = [f for f in makeup.flows(doc) if not getattr(doc.pages[f.index], "_makeup_pad", False)]
        if len(flows) < 2:
            return True
        previous = flows[-2]
        left = previous.hole - flush_capacity(doc.pages[previous.index], previous, self.line_height, self.cjk)
        return left <= MAX_HOLE_LINES * self.line_height and previous.hole <= MAX_FLUSH_LINES * self.line_height

    def _flush(self, doc, makeup: ArticleMakeup, number: int, article_id: str) -> None:
        """Flush bottom on every page of the article but its last (the pages are made anew, for their
        links); what is left unmended goes into the report."""
        from weasyprint.document import Page

        line = self.line_height
        indexes = [i for i, page in enumerate(doc.pages) if not getattr(page, "_makeup_pad", False)]
        flows = {f.index: f for f in makeup.flows(doc)}
        for folio, i in enumerate(indexes[:-1], start=number):
            added = flush_bottom(doc.pages[i], flows[i], line, self.cjk)
            if added:
                doc.pages[i] = Page(doc.pages[i]._page_box)
            left = flows[i].hole - added
            if left > MAX_HOLE_LINES * line:
                self.report.unresolved.append((article_id, folio, "hole", left / line))
        if len(indexes) > 1:
            last = flows[indexes[-1]]
            lines = last.lines() + sum(int((i.y1 - i.y0) / line) for i in last.items if i.kind == "float")
            if lines < MIN_LAST_LINES:
                self.report.unresolved.append((article_id, number + len(indexes) - 1, "thin", lines))

    def _blank(self, number: int) -> list:
        return self._document([], f"@page :first {{ counter-reset: page {number}; }}").pages[:1]

    def _article(self, article, number: int, footnotes: int, wrapper=None):
        pad = number % 2 == 0  # a left-hand page: a first, dropped page makes the article's first page a left one
        css = f"@page :first {{ counter-reset: page {number - 1 if pad else number}; }}\nbody {{ counter-reset: footnote {footnotes}; }}\n"
        # The blocks figures move among: the print edition's body, or the parallel edition's rows of pairs.
        body = article.find(".//div[@class='body']")
        if body is None:
            body = article.find(".//tbody")
        makeup = ArticleMakeup(article, body if body is not None else ET.Element("div"), self.line_height)
        lead = [ET.Element("div", {"class": "makeup-pad"})] if pad else []
        if wrapper is not None:
            holder = ET.Element(wrapper.tag, dict(wrapper.attrib))
            holder.append(article)
        else:
            holder = article

        def lay_out():
            doc = self._document([*lead, holder], css + (_PAD_CSS if pad else ""))
            if pad:
                doc.pages[0]._makeup_pad = True
            return doc


        doc = lay_out()
        cost = self._cost(doc, makeup)
        best = (cost, _Snapshot(article, makeup.body), doc, makeup.counts())
        tightened = False
        for _ in range(MAX_PASSES - 1):
            flows = [f for f in makeup.flows(doc) if not getattr(doc.pages[f.index], "_makeup_pad", False)]
            saved = _Snapshot(article, makeup.body)
            if body is not None and (makeup.float_fix(flows) or makeup.fill_fix(flows)):
                doc = lay_out()
                cost = self._cost(doc, makeup)
                if cost < best[0] - 1e-6:
                    best = (cost, _Snapshot(article, makeup.body), doc, makeup.counts())
                continue
            action = makeup.last_page_fix(flows, tightened)
            if action is None:
                break
            tightened = tightened or action == "tighten"
            candidate = lay_out()
            if action == "tighten" and len(candidate.pages) >= len(doc.pages):
                # Tightening did not pull the page back: undo it (lines are carried over next).
                saved.restore()
                makeup.tightened = 0
                continue
            if action == "push" and not self._push_holds(candidate, makeup):
                # Carrying lines over opened a hole on the page before that flush bottom cannot close: undo.
                saved.restore()
                makeup.pushed -= 1
                makeup.notes.append("a thin last page kept: carrying lines over would leave a hole")
                break
            doc, cost = candidate, self._cost(candidate, makeup)
            if cost < best[0] - 1e-6:
                best = (cost, _Snapshot(article, makeup.body), doc, makeup.counts())
            if action == "push":
                break
        if cost > best[0] + 1e-6:
            # A later step made the pages worse than an earlier state (steps are greedy): go back to that one.
            _, snapshot, doc, counts = best
            snapshot.restore()
            makeup.floated, makeup.filled, makeup.tightened, makeup.pushed = counts
        self._flush(doc, makeup, number, article.get("id") or "")
        self.report.floated += makeup.floated
        self.report.filled += makeup.filled
        self.report.tightened += makeup.tightened
        self.report.pushed += makeup.pushed
        self.report.notes += makeup.notes
        if self.finish:
            self.finish(doc)
        return doc


_FRONT_CSS = '.toc a.toc-entry::after { content: leader(". ") attr(data-page); }\n'
_PAD_CSS = ".makeup-pad { break-after: page; height: 0; }\n"


# --- flush bottom: the last small holes spread over the page's own spaces ---------------------

#: Per kind of space: how much it may grow, in body lines, and its share of the stretch.
_STRETCH = {"heading": (1.5, 3.0), "float": (1.0, 2.0), "block": (0.35, 0.5)}
#: A hole taller than this many lines is left for the reader (and the tests) to see.
MAX_FLUSH_LINES = 6.0


def flush_bottom(page, flow: PageFlow, line_height: float, cjk: bool) -> float:
    """Move the blocks of ``page`` down so that its last line sits on the foot of the text area
    (LaTeX's ``\\flushbottom``): the hole is shared among the spaces before headings, around
    figures and (in Latin text, whose paragraphs are spaced) between blocks, each within a limit.
    Returns the height added."""
    hole = flow.hole
    if hole < 0.25 * line_height or hole > MAX_FLUSH_LINES * line_height:
        return 0.0
    blocks, kinds = _spaces(page, flow, cjk)
    capacity = [(_STRETCH[k][0] * line_height if k else 0.0) for k in kinds]
    weights = [(_STRETCH[k][1] if k else 0.0) for k in kinds]
    wanted = hole - 0.05 * line_height
    extra = [0.0] * len(kinds)
    # Share the hole by weight, re-sharing what a capped space could not take.
    for _ in range(len(kinds) + 1):
        open_ = [i for i in range(len(kinds)) if weights[i] and extra[i] < capacity[i] - 1e-6]
        left = wanted - sum(extra)
        if left <= 1e-6 or not open_:
            break
        total = sum(weights[i] for i in open_)
        for i in open_:
            extra[i] = min(capacity[i], extra[i] + left * weights[i] / total)
    added = 0.0
    for (_, box), grow in zip(blocks[1:], extra):
        added += grow
        if added:
            box.translate(dy=added)
    return added


def flush_capacity(page, flow: PageFlow, line_height: float, cjk: bool) -> float:
    """How much of a hole :func:`flush_bottom` could take on this page."""
    _, kinds = _spaces(page, flow, cjk)
    return sum(_STRETCH[k][0] * line_height for k in kinds if k)


def _spaces(page, flow: PageFlow, cjk: bool) -> tuple[list, list]:
    """The page's top-level blocks with their boxes, and the kind of each space between two of them."""
    blocks: list[tuple[object, object]] = []
    seen = set()
    for item in flow.items:
        if item.top is None or id(item.top) in seen:
            continue
        seen.add(id(item.top))
        box = _box_of(page._page_box, item.top)
        if box is not None:
            blocks.append((item.top, box))
    kinds = []
    for (before, _), (after, _) in zip(blocks, blocks[1:]):
        if _is_heading(after) or after.tag == "aside" or "pair-bios" in _classes(after) or _opener_end(before):
            kind = "heading"  # before a heading or the biographies, after the article's opener
        elif _is_heading(before):
            kind = None  # a heading stays close to its text
        elif _is_float(after) or _is_float(before):
            kind = "float"
        else:
            # Chinese paragraphs are not spaced, so their spaces do not grow; pairs of the parallel edition are.
            kind = "block" if not cjk or (_is_row(before) and _is_row(after)) else None
        kinds.append(kind)
    return blocks, kinds


def _box_of(root, element):
    stack = [root]
    while stack:
        box = stack.pop(0)
        if getattr(box, "element", None) is element and not isinstance(box, _inline_types()):
            return box
        stack[:0] = list(getattr(box, "children", None) or [])
    return None


def _inline_types():
    from weasyprint.formatting_structure import boxes

    return (boxes.LineBox, boxes.InlineLevelBox)

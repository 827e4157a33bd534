"""How full a print edition's pages are, as a reader sees them (PyMuPDF): holes, lines, figures.

Geometry comes from the PDF alone: the trim box, the text area's margins
of the theme (22 mm top, 24 mm bottom), text lines with their font sizes,
pictures and drawn rules. Footnotes are the lines set at the note size
(8 pt) below the body; running heads and folios sit outside the text area.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pymupdf

MM = 72 / 25.4
TOP_MM, BOTTOM_MM = 22.0, 24.0
NOTE_PT = 8.0
#: The theme's space between the text and its footnotes: the footnote area's
#: margin (1 em of the page, 12 pt) and the first note's padding (1 mm).
NOTE_GAP = 12.0 + 1.0 * MM


@dataclass
class Box:
    y0: float
    y1: float
    x0: float = 0.0
    x1: float = 0.0
    text: str = ""
    size: float = 0.0


@dataclass
class Page:
    number: int  # 1-based
    top: float  # the text area, in points from the trim box's top
    bottom: float
    pitch: float  # the body's line pitch (font size × line height), for the leading below a line's glyphs
    lines: list[Box] = field(default_factory=list)  # body text lines (not notes, heads, folios)
    notes: list[Box] = field(default_factory=list)
    pictures: list[Box] = field(default_factory=list)
    rules: list[Box] = field(default_factory=list)

    @property
    def content_bottom(self) -> float:
        """The foot of the last line's line box (its glyphs and the half-leading below them), picture or rule."""
        lines = [b.y1 + max(0.0, self.pitch - (b.y1 - b.y0)) / 2 for b in self.lines]
        return max(lines + [b.y1 for b in self.pictures + self.rules], default=self.top)

    @property
    def foot(self) -> float:
        """Where the body may run to: the text area's foot, or above the footnotes and their separating space."""
        return min([n.y0 - NOTE_GAP for n in self.notes], default=self.bottom)

    @property
    def hole(self) -> float:
        return self.foot - self.content_bottom


def pages(pdf: Path, pitch: float, note_pt: float = NOTE_PT) -> list[Page]:
    result = []
    with pymupdf.open(pdf) as document:
        for index, page in enumerate(document):
            trim = page.trimbox
            top, bottom = trim.y0 + TOP_MM * MM, trim.y1 - BOTTOM_MM * MM
            measured = Page(index + 1, top - trim.y0, bottom - trim.y0, pitch)
            for block in page.get_text("dict")["blocks"]:
                for line in block.get("lines", []):
                    spans = [s for s in line["spans"] if s["text"].strip()]
                    if not spans:
                        continue
                    x0, y0, x1, y1 = line["bbox"]
                    if y1 <= top + 1 or y0 >= bottom - 1:
                        continue  # running head, folio
                    size = max(s["size"] for s in spans)
                    box = Box(y0 - trim.y0, y1 - trim.y0, x0, x1, "".join(s["text"] for s in line["spans"]), size)
                    (measured.notes if abs(size - note_pt) < 0.05 else measured.lines).append(box)
            for info in page.get_image_info():
                x0, y0, x1, y1 = info["bbox"]
                if y0 >= top - 1 and y1 <= bottom + 1:
                    measured.pictures.append(Box(y0 - trim.y0, y1 - trim.y0, x0, x1))
            for drawing in page.get_drawings():
                x0, y0, x1, y1 = drawing["rect"]
                if y0 >= top - 1 and y1 <= bottom + 1 and (x1 - x0) < trim.width * 0.9:
                    measured.rules.append(Box(y0 - trim.y0, y1 - trim.y0, x0, x1))
            # Notes are below the body: a note-sized line above body text is not a footnote (a caption).
            body_bottom = max([b.y1 for b in measured.lines], default=measured.top)
            keep = [n for n in measured.notes if n.y0 >= body_bottom - 0.5]
            measured.lines += [n for n in measured.notes if n not in keep]
            measured.notes = keep
            result.append(measured)
    return result


def article_ranges(pdf: Path) -> list[tuple[str, int, int]]:
    """(title, first page, last page) of each article, from the PDF's bookmarks: the articles are at
    level 2 under their sections (level 1); the cover's title (level 1, page 1) and the colophon's
    heading (level 2) before the first section are front matter."""
    with pymupdf.open(pdf) as document:
        toc = document.get_toc()
        count = document.page_count
    first_section = next((i for i, (level, _, page) in enumerate(toc) if level == 1 and page > 1), len(toc))
    entries = [(title, page) for level, title, page in toc[first_section:] if level == 2]
    ranges = []
    for i, (title, start) in enumerate(entries):
        end = entries[i + 1][1] - 1 if i + 1 < len(entries) else count
        ranges.append((title, start, end))
    return ranges

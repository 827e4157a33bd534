"""What a reader sees on a PDF's pages, from ``pdftotext -bbox-layout``: lines with their boxes."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


@dataclass
class Line:
    page: int
    block: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    words: list[tuple[float, float, str]]  # (xMin, xMax, text)

    @property
    def height(self) -> float:
        return self.y1 - self.y0


def lines(pdf: Path) -> list[Line]:
    out = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    out = re.sub(r"<!DOCTYPE[^>]*>", "", out)
    root = ET.fromstring(out)
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    result = []
    block_id = 0
    for page_no, page in enumerate(root.iter("{http://www.w3.org/1999/xhtml}page"), start=1):
        for block in page.iter("{http://www.w3.org/1999/xhtml}block"):
            block_id += 1
            for line in block.findall("x:line", ns):
                words = [(float(w.get("xMin")), float(w.get("xMax")), w.text or "") for w in line.findall("x:word", ns)]
                result.append(
                    Line(page_no, block_id, float(line.get("xMin")), float(line.get("yMin")), float(line.get("xMax")), float(line.get("yMax")),
                         " ".join(w[2] for w in words), words)
                )
    return result


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info)[1])


def page_texts(pdf: Path) -> list[str]:
    return [
        subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        for n in range(1, page_count(pdf) + 1)
    ]


@dataclass
class Row:
    """One printed line as a reader sees it: pdftotext's lines at the same height on a page, joined."""

    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    words: list[tuple[float, float, str]]  # (xMin, xMax, text), left to right


def rows(pdf: Path, x_range: tuple[float, float] | None = None) -> list[Row]:
    """The printed lines of ``pdf`` in reading order; with ``x_range``, only the words inside it (one column)."""
    result: dict[tuple[int, int], Row] = {}
    for line in lines(pdf):
        words = [w for w in line.words if x_range is None or x_range[0] - 1 <= w[0] and w[1] <= x_range[1] + 12]
        if not words:
            continue
        row = result.setdefault((line.page, round(line.y1)), Row(line.page, words[0][0], line.y0, words[-1][1], line.y1, "", []))
        row.words.extend(words)
    for row in result.values():
        row.words.sort()
        row.x0, row.x1 = row.words[0][0], max(w[1] for w in row.words)
        row.text = "".join(w[2] for w in row.words)
    return sorted(result.values(), key=lambda r: (r.page, r.y0))


def continued_rows(pdf: Path, left: float, size: float, x_range: tuple[float, float] | None = None) -> list[Row]:
    """Rows of Chinese body text (from page 4) that a row of the same paragraph follows: all lines but the last.

    Such a row is at the body ``size``, starts at the column's ``left`` edge or
    a two-character indent in, holds ten Han characters or more, and the next
    row starts at the left edge one line lower on the same page.
    """
    ordered = [row for row in rows(pdf, x_range) if row.page > 3]
    result = []
    for this, following in zip(ordered, ordered[1:]):
        body_size = 0.85 * size < this.y1 - this.y0 < 1.5 * size
        starts = abs(this.x0 - left) < 1 or abs(this.x0 - (left + 2 * size)) < 1
        continued = this.page == following.page and abs(following.x0 - left) < 1 and 1.4 * size < following.y0 - this.y0 < 2.1 * size
        if body_size and starts and continued and len(HAN.findall(this.text)) >= 10:
            result.append(this)
    return result


def spaced(row: Row, size: float) -> bool:
    """The row holds a space: a gap between two of its words wider than a footnote call's margin."""
    return any(b[0] - a[1] > 0.22 * size for a, b in zip(row.words, row.words[1:]))

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

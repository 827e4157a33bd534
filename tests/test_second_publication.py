"""A publication written apart from the sample builds without changes to the tool.

tests/fixtures/lumen: English first, an English-source and a Chinese-source
article, per-language pictures, A5 with bleed and crop marks, a base URL.
"""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pypdf import PdfReader

from .conftest import FIXTURES, pdftotext, run


@pytest.fixture(scope="module")
def lumen(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("lumen") / "lumen"
    shutil.copytree(FIXTURES / "lumen", root)
    result = run("--root", str(root), "-q", "build")
    assert result.exit_code == 0, result.output
    return root / "build"


def test_validates_clean():
    result = run("--root", str(FIXTURES / "lumen"), "validate")
    assert result.exit_code == 0, result.output
    assert "0 error(s), 0 warning(s)" in result.stdout


def test_languages_in_its_own_order(lumen):
    home = (lumen / "site/index.html").read_text(encoding="utf-8")
    assert home.index("Lumen Quarterly") < home.index("光季刊")
    assert '<html lang="en">' in home
    zh = (lumen / "site/zh-hans/spring-2027/dimming-the-square/index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-Hans">' in zh
    assert "调暗广场" in zh and "艾达·布伦南" in zh
    issue = (lumen / "site/zh-hans/spring-2027/index.html").read_text(encoding="utf-8")
    assert "2027年3月" in issue and "第2卷" in issue and "第4期" in issue


def test_per_language_pictures(lumen):
    en = (lumen / "site/en/spring-2027/dimming-the-square/index.html").read_text(encoding="utf-8")
    zh = (lumen / "site/zh-hans/spring-2027/dimming-the-square/index.html").read_text(encoding="utf-8")
    assert "images/map.png" in en and "map.zh_Hans.png" not in en
    assert "images/map.zh_Hans.png" in zh
    assert (lumen / "site/media/issues/spring-2027/images/map.zh_Hans.png").is_file()


def test_feeds_and_sitemap_with_alternates(lumen):
    ns = {"a": "http://www.w3.org/2005/Atom", "s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    feed = ET.parse(lumen / "site/zh-hans/feed.xml").getroot()
    titles = [e.text for e in feed.findall("a:entry/a:title", ns)]
    assert titles == ["调暗广场", "港口上空的星星"]
    sitemap = ET.parse(lumen / "site/sitemap.xml").getroot()
    url = next(u for u in sitemap.findall("s:url", ns) if u.find("s:loc", ns).text.endswith("/en/spring-2027/dimming-the-square/"))
    alternates = {l.get("hreflang"): l.get("href") for l in url.findall("x:link", ns)}
    assert alternates == {
        "en": "https://lumen.example.org/en/spring-2027/dimming-the-square/",
        "zh-Hans": "https://lumen.example.org/zh-hans/spring-2027/dimming-the-square/",
    }


def test_print_editions(lumen):
    en = lumen / "pdf/spring-2027.en.pdf"
    zh = lumen / "pdf/spring-2027.zh-hans.pdf"
    assert "Stars over the harbour" in pdftotext(en)
    assert "调暗广场" in pdftotext(zh).replace(" ", "")
    page = PdfReader(en).pages[0]
    width_mm = float(page.trimbox.width) * 25.4 / 72
    assert round(width_mm) == 148  # A5, with bleed and marks outside the trim box
    assert float(page.mediabox.width) > float(page.trimbox.width)

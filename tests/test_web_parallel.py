"""The web parallel view: each article beside its translation, one page per interface language.

The sample build is read as a reader's tools see it (the Nu validator in
test_web.py covers these pages too); a copy of the sample with hostile
translations is rendered in-process, without Pagefind or PDFs.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from diglot.render.edition import Edition
from diglot.render.web import SiteRenderer, parallel_path, parallel_pdf_path
from diglot.source.manifest import read_publication

from .conftest import REPO, SAMPLE_ARTICLES, copy_publication

ISSUE = "2026-10"
ARTICLES = SAMPLE_ARTICLES
LANGS = {"zh-hans": "zh-Hans", "en": "en"}  # tag → BCP 47
BASE = "https://creative2030.example.org/"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Pairs(HTMLParser):
    """The page's pairs (``.pair``), each with its sides (``.side``): language, classes, text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.html_lang = None
        self.pairs: list[dict] = []
        self.links: list[dict] = []
        self._stack: list[tuple[str, str]] = []  # (tag, role): role is pair, side or ""
        self._side: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if tag in ("a", "link"):
            self.links.append(attrs)
        if tag in VOID:
            return
        role = ""
        if "pair" in classes:
            role = "pair"
            self.pairs.append({"classes": classes, "tag": tag, "sides": []})
        elif "side" in classes:
            assert self._stack and self._stack[-1][1] == "pair", f"a side outside a pair: {attrs}"
            role = "side"
            self._side = {"lang": attrs.get("lang"), "classes": classes, "text": "", "html_ids": []}
            self.pairs[-1]["sides"].append(self._side)
        if self._side is not None and "id" in attrs:
            self._side["html_ids"].append(attrs["id"])
        self._stack.append((tag, role))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while self._stack:
            open_tag, role = self._stack.pop()
            if role == "side":
                self._side = None
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self._side is not None:
            self._side["text"] += data


def parse(html: str) -> Pairs:
    parser = Pairs()
    parser.feed(html)
    return parser


def page(site: Path, tag: str, slug: str) -> Pairs:
    return parse((site / parallel_path(tag, ISSUE, slug)).read_text(encoding="utf-8"))


def kind(pair: dict) -> str:
    return next(c.removeprefix("pair-") for c in pair["classes"] if c.startswith("pair-"))


@pytest.fixture(scope="module")
def site(sample_build) -> Path:
    return sample_build / "site"


@pytest.mark.parametrize("tag", LANGS)
def test_every_article_has_a_parallel_page_in_each_interface_language(site, tag):
    for slug in ARTICLES:
        found = page(site, tag, slug)
        assert found.html_lang == LANGS[tag], slug
        assert len(found.pairs) > 5, slug


@pytest.mark.parametrize("tag", LANGS)
def test_every_pair_holds_both_languages_each_marked_with_its_own(site, tag):
    for slug in ARTICLES:
        found = page(site, tag, slug)
        for pair in found.pairs:
            langs = [side["lang"] for side in pair["sides"]]
            if kind(pair) == "translators":  # only the translation has translators
                assert langs in (["en"], ["zh-Hans"]), (slug, pair)
                continue
            assert sorted(langs) == ["en", "zh-Hans"], (slug, kind(pair), langs)
            assert {s["classes"][1] for s in pair["sides"]} == {"side-left", "side-right"}
            assert [s["classes"][1] for s in pair["sides"]] == ["side-left", "side-right"]


def test_the_source_language_is_on_the_left_and_first(site):
    zh_source = page(site, "en", "repair-as-design")
    en_source = page(site, "zh-hans", "songs-of-the-river")
    for found, source in ((zh_source, "zh-Hans"), (en_source, "en")):
        for pair in found.pairs:
            if kind(pair) != "translators":
                assert pair["sides"][0]["lang"] == source and "is-source" in pair["sides"][0]["classes"]


def test_the_pairs_carry_the_article_in_both_languages(site):
    found = page(site, "en", "repair-as-design")
    kinds = [kind(p) for p in found.pairs]
    for wanted in ("legend", "title", "subtitle", "byline", "translators", "abstract", "keywords", "heading", "paragraph", "figure", "list-item", "footnote"):
        assert wanted in kinds, wanted
    title = found.pairs[kinds.index("title")]
    assert [s["text"].strip() for s in title["sides"]] == ["修理也是设计", "Repair Is Design Too"]
    translators = found.pairs[kinds.index("translators")]
    assert translators["sides"][0]["text"] == "Translated by Ruth Hale"
    # On the English page the Chinese column keeps its own labels.
    abstract = found.pairs[kinds.index("abstract")]
    assert abstract["sides"][0]["text"].startswith("摘要") and abstract["sides"][1]["text"].startswith("Abstract")
    zh_page = page(site, "zh-hans", "songs-of-the-river")
    translators = next(p for p in zh_page.pairs if kind(p) == "translators")
    assert translators["sides"][0]["lang"] == "zh-Hans" and translators["sides"][0]["text"] == "译者：林乔"


def test_footnotes_pair_with_unique_ids_and_their_own_numbers(site):
    html = (site / parallel_path("en", ISSUE, "repair-as-design")).read_text(encoding="utf-8")
    found = parse(html)
    notes = [p for p in found.pairs if kind(p) == "footnote"]
    assert len(notes) == 2
    ids = [i for p in found.pairs for s in p["sides"] for i in s["html_ids"]]
    assert len(ids) == len(set(ids)), "duplicate ids on the page"
    assert {"fn-zh-hans-1", "fn-en-1", "fn-zh-hans-2", "fn-en-2"} <= set(ids)
    assert html.count('<ol class="footnotes-list" start="2"><li id="fn-en-2"') == 1
    assert html.count('<ol class="footnotes-list" start="2"><li id="fn-zh-hans-2"') == 1


@pytest.mark.parametrize("tag", LANGS)
def test_the_language_switch_and_alternates_lead_to_the_other_parallel_page(site, tag):
    found = page(site, tag, "songs-of-the-river")
    other = next(t for t in LANGS if t != tag)
    switch = [a for a in found.links if a.get("rel") == "alternate" and "href" in a and a.get("hreflang") == LANGS[other]]
    hrefs = {a["href"] for a in switch}
    # the <link> (absolute, under base_url) and the visible switch (relative)
    assert f"{BASE}{other}/{ISSUE}/songs-of-the-river/parallel/" in hrefs
    assert f"../../../../{other}/{ISSUE}/songs-of-the-river/parallel/index.html" in hrefs
    canonical = [a["href"] for a in found.links if a.get("rel") == "canonical"]
    assert canonical == [f"{BASE}{tag}/{ISSUE}/songs-of-the-river/parallel/"]


@pytest.mark.parametrize("tag", LANGS)
def test_the_parallel_page_links_back_to_each_single_language_article(site, tag):
    found = page(site, tag, "repair-as-design")
    hrefs = {a.get("href") for a in found.links}
    other = next(t for t in LANGS if t != tag)
    assert "../index.html" in hrefs  # the article in the page's language
    assert f"../../../../{other}/{ISSUE}/repair-as-design/index.html" in hrefs


@pytest.mark.parametrize(("tag", "label"), [("zh-hans", "双语对照阅读"), ("en", "Read side by side")])
def test_both_article_pages_link_to_the_parallel_view(site, tag, label):
    for slug in ARTICLES:
        html = (site / f"{tag}/{ISSUE}/{slug}/index.html").read_text(encoding="utf-8")
        assert f'<a href="parallel/index.html">{label}</a>' in html, slug


def test_parallel_pages_stay_out_of_the_sitemap_and_the_search_index(site):
    sitemap = ET.parse(site / "sitemap.xml").getroot()
    assert "/parallel/" not in ET.tostring(sitemap, encoding="unicode")
    html = (site / parallel_path("en", ISSUE, "repair-as-design")).read_text(encoding="utf-8")
    assert "data-pagefind-body" not in html and 'data-pagefind-ignore="all"' in html
    indexed = "".join(p.name for p in (site / "pagefind").rglob("*"))
    assert indexed  # Pagefind ran; its fragments are compressed, so the browser test checks the results


# --- rendered in-process ---------------------------------------------------------


def render(root: Path, *, with_parallel: bool = False, languages: list[str] | None = None) -> dict[str, str]:
    periodical, problems = read_publication(root)
    editions = [Edition(periodical, lang, draft=True, problems=problems) for lang in languages or periodical.languages]
    renderer = SiteRenderer(periodical, editions, with_pdf=True, with_parallel=with_parallel, issue_ids=[ISSUE])
    return renderer.render()


@pytest.mark.parametrize("with_parallel", [True, False])
def test_the_issue_page_offers_the_parallel_pdf_when_there_is_one(with_parallel):
    pages = render(REPO, with_parallel=with_parallel)
    for tag, label in (("en", "Parallel edition"), ("zh-hans", "双语对照版")):
        html = pages[f"{tag}/{ISSUE}/index.html"]
        link = f'<a class="parallel-pdf" href="../../{parallel_pdf_path(ISSUE)}" type="application/pdf">{label}</a>'
        assert (link in html) is with_parallel
        assert f'href="../../pdf/{ISSUE}.{tag}.pdf"' in html


def test_one_edition_alone_has_no_parallel_view():
    pages = render(REPO, languages=["en"])
    assert not [p for p in pages if "/parallel/" in p]
    assert "Read side by side" not in pages[f"en/{ISSUE}/repair-as-design/index.html"]


def test_html_in_translations_and_names_shows_as_text(tmp_path):
    root = copy_publication(REPO, tmp_path / "pub")
    po = root / f"locale/en/LC_MESSAGES/{ISSUE}/repair-as-design.po"
    text = po.read_text(encoding="utf-8")
    # An escaped tag is text by Markdown's rules; a raw one is refused and the source shown instead.
    text = text.replace('msgstr "Repair Is Design Too"', 'msgstr "Repair \\\\<script>alert(1)\\\\</script> Is Design Too"')
    text = text.replace('msgstr "What a repair café teaches a designer"', 'msgstr "What a <script>alert(2)</script> teaches"')
    po.write_text(text, encoding="utf-8")
    manifest = root / f"issues/{ISSUE}/issue.yaml"
    yaml_text = manifest.read_text(encoding="utf-8")
    manifest.write_text(yaml_text.replace("en: Zhou Yiming}", "en: \"<script>alert(3)</script>\"}"), encoding="utf-8")

    for tag in LANGS:
        html = render(root)[parallel_path(tag, ISSUE, "repair-as-design")]
        assert "<script>alert" not in html
        found = parse(html)
        title = next(p for p in found.pairs if kind(p) == "title")
        assert title["sides"][1]["text"].strip() == "Repair <script>alert(1)</script> Is Design Too"
        assert "Repair &lt;script&gt;alert(1)&lt;/script&gt; Is Design Too" in html
        byline = next(p for p in found.pairs if kind(p) == "byline")
        assert "<script>alert(3)</script>" in byline["sides"][1]["text"]
        heading = next(p for p in found.pairs if kind(p) == "heading")
        refused = heading["sides"][1]
        assert refused["text"].strip() == "修理站教给设计师的事" and "is-fallback" in refused["classes"]
        assert '<div class="side side-right is-fallback" lang="en"><h2 class="untranslated" lang="zh-Hans">' in html

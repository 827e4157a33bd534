"""An article becomes one message per block, and renders back with the same structure."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from diglot.source import markdown
from diglot.source.manifest import read_publication

from .conftest import REPO

SAMPLE = """\
# A heading

A paragraph with *emphasis*, **strong**, `code`, a [link](https://example.org/) and a note[^n].

![A picture of a *loop*](images/loop.png "How a thing goes round")

- first item
- second item

1. one
2. two

> A quoted paragraph.

| Sector | Share |
|---|---|
| Craft | 42 |
| 2026 | 17 |

---

[^n]: The note's text.
"""


def kinds(body):
    return [(s.kind, s.text) for s in markdown.segments(body)]


def test_one_message_per_block_with_inline_markdown_kept():
    assert kinds(SAMPLE) == [
        ("heading", "A heading"),
        ("paragraph", "A paragraph with *emphasis*, **strong**, `code`, a [link](https://example.org/) and a note[^n]."),
        ("alt text", "A picture of a *loop*"),
        ("caption", "How a thing goes round"),
        ("list item", "first item"),
        ("list item", "second item"),
        ("list item", "one"),
        ("list item", "two"),
        ("quote", "A quoted paragraph."),
        ("table cell", "Sector"),
        ("table cell", "Share"),
        ("table cell", "Craft"),
        ("footnote", "The note's text."),
    ]


def test_blocks_without_letters_are_not_messages():
    texts = [t for _, t in kinds(SAMPLE)]
    assert "42" not in texts and "2026" not in texts


def test_segment_lines_point_into_the_file():
    segments = markdown.segments(SAMPLE, line_offset=10)
    assert segments[0].line == 11  # the heading is the body's first line
    assert next(s for s in segments if s.kind == "quote").line == 11 + SAMPLE.splitlines().index("> A quoted paragraph.")


def test_soft_breaks_join_with_a_space_in_latin_and_nothing_between_han():
    assert markdown.normalize_inline("one\ntwo") == "one two"
    assert markdown.normalize_inline("可持续\n发展") == "可持续发展"
    assert markdown.normalize_inline("hard  \nbreak") == "hard  \nbreak"


def sample_articles():
    periodical, problems = read_publication(REPO)
    assert not problems.errors
    return [a for issue in periodical.issues for a in issue.articles]


@pytest.mark.parametrize("article", sample_articles(), ids=lambda a: a.slug)
def test_identity_translation_renders_exactly_the_source(article):
    for mode in ("web", "print"):
        source = markdown.render(article.body, mode=mode)
        identity = markdown.render(article.body, translate=lambda kind, text: text, mode=mode)
        assert identity.html == source.html
        assert not identity.fallbacks


def test_reassembly_matches_markdown_it_on_the_source():
    """Without soft breaks to normalise, diglot's HTML is markdown-it's own."""
    reference = MarkdownIt("commonmark").enable("table").use(footnote_plugin, inline=False)
    body = SAMPLE.replace("![A picture of a *loop*](images/loop.png \"How a thing goes round\")\n\n", "")
    assert markdown.render(body, translate=lambda k, t: t).html == reference.render(body)


def test_translation_replaces_each_block_and_keeps_structure():
    table = {
        "A heading": "一个标题",
        "first item": "第一项",
        "How a thing goes round": "物品如何循环",
        "A picture of a *loop*": "一张*循环*示意图",
    }
    rendered = markdown.render(SAMPLE, translate=lambda kind, text: table.get(text, text))
    html = rendered.html
    assert "<h1>一个标题</h1>" in html
    assert "<li>第一项</li>" in html
    assert "<figcaption>物品如何循环</figcaption>" in html
    assert 'alt="一张循环示意图"' in html
    assert html.count("<li>") == 4  # the footnote is <li id=...>, not counted


def test_untranslated_blocks_are_marked_with_the_source_language():
    rendered = markdown.render("Hello world.\n\n- an item\n", translate=lambda k, t: None, source_lang_tag="en")
    assert '<p class="untranslated" lang="en">Hello world.</p>' in rendered.html
    assert '<li class="untranslated" lang="en">an item</li>' in rendered.html
    assert len(rendered.fallbacks) == 2


def test_hostile_translation_is_rendered_as_text():
    hostile = '<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))'
    html = markdown.render("Hello.\n", translate=lambda k, t: hostile).html
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html


def test_javascript_links_in_sources_are_dropped():
    html = markdown.render("[click](javascript:alert(1)) and [ok](https://example.org/)\n").html
    assert "javascript:" not in html.split("[click]")[0]
    assert 'href="javascript' not in html
    assert '<a href="https://example.org/">ok</a>' in html


def test_print_mode_puts_footnote_text_at_its_reference():
    html = markdown.render("Text[^a].\n\n[^a]: The note.\n", mode="print").html
    assert '<span class="footnote">The note.</span>' in html
    assert "footnotes-sep" not in html


def test_raw_html_is_found_in_blocks_and_inline():
    found = markdown.find_raw_html("Para\n\n<div>\nx\n</div>\n\nInline <b>bold</b>\n")
    assert [f.line for f in found] == [2, 6, 6]
    assert markdown.find_raw_html("a <script>x</script>", inline_only=True)

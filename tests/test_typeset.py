"""Chinese typesetting applied to the HTML of a Chinese edition."""

from __future__ import annotations

from diglot.render import justify, typeset


def test_han_latin_spacing_outside_tags_and_code():
    html = '<p>本中心2025年调查了UNESCO的<a href="https://x.org/a2b">网站a</a>和<code>diglot更新</code>。</p>'
    out = typeset.chinese(html)
    assert "本中心 2025 年调查了 UNESCO 的" in out
    assert 'href="https://x.org/a2b"' in out  # attributes untouched
    assert ">网站 a</a>" in out
    assert "<code>diglot更新</code>" in out  # code is left as written


def test_already_spaced_text_is_left_alone():
    assert typeset.chinese("<p>采用 CC BY 4.0 许可</p>") == "<p>采用 CC BY 4.0 许可</p>"


def test_adjacent_punctuation_is_compressed_and_dash_runs_kept_together():
    out = typeset.chinese("<p>他说：“好。”——然后……走了。</p>")
    assert '<span class="halt">。</span>' in out  # 。 before ” : the first of the pair is set half-width
    assert '<span class="nobr">——</span>' in out and '<span class="nobr">……</span>' in out
    assert '<span class="fwid">“</span>' in out


def test_paragraph_ends_are_marked():
    assert justify.mark_paragraph_ends("<p>一</p><p>二</p>").count(justify.END_CLASS) == 2

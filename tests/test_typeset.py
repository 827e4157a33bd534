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


def test_no_autospace_names_keep_no_han_latin_gap():
    names = ["创意2030", "B站"]
    out = typeset.chinese("<p>《创意2030》与创意 2030 的读者，创意2030年；AB站和B站</p>", names)
    assert "《创意2030》与创意2030 的读者" in out  # as written, or with the source's space taken out
    assert "创意2030 年" in out  # the gap after the name stays
    assert "AB 站和 B站" in out  # a name is never the end of a longer Latin word
    assert typeset.chinese("<p><code>创意 2030</code></p>", names) == "<p><code>创意 2030</code></p>"

"""diglot stats and diglot check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from diglot.catalog import checks, pofile, stats

from .conftest import REPO, run
from .test_merge import make_pub, update


def test_words_count_han_characters_one_each_and_skip_markup():
    assert stats.source_words("可持续发展") == 5
    assert stats.source_words("A [link](https://example.org/very/long) and *emphasis*.") == 4
    assert stats.source_words("创意2030 and UNESCO") == 2 + 1 + 2  # 创, 意, 2030, and, UNESCO
    assert stats.source_words("Don’t count e.g. twice") == 4


@pytest.fixture
def pub(tmp_path) -> Path:
    root = make_pub(tmp_path / "pub", {"a": "First paragraph here.\n\nSecond one, longer than the first.\n\nThird."})
    update(root)
    po = root / "locale/zh_Hans/LC_MESSAGES/2027-01/a.po"
    cat = pofile.parse(po.read_text(encoding="utf-8"))
    entries = {e.msgid: e for e in cat.entries}
    entries["First paragraph here."].msgstr = "第一段。"
    entries["Second one, longer than the first."].msgstr = "第二段。"
    entries["Second one, longer than the first."].flags.append("fuzzy")
    po.write_text(pofile.dump(cat), encoding="utf-8")
    return root


def test_stats_json(pub):
    result = run("--root", str(pub), "stats", "-l", "zh_Hans", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)["languages"]["zh_Hans"]
    article = next(c for c in data["catalogs"] if c["domain"] == "2027-01/a")
    assert article["path"] == "locale/zh_Hans/LC_MESSAGES/2027-01/a.po"
    assert article["kind"] == "article" and article["issue"] == "2027-01"
    assert article["messages"] == {"translated": 1, "fuzzy": 1, "untranslated": 1, "total": 3}
    assert article["words"] == {"translated": 3, "fuzzy": 6, "untranslated": 1, "total": 10}
    assert article["percent"] == 30.0
    issue = data["issues"]["2027-01"]
    assert issue["messages"]["fuzzy"] == 1  # fuzzy never counts as translated
    assert data["total"]["messages"]["total"] >= 3


def test_stats_table(pub):
    result = run("--root", str(pub), "stats")
    assert result.exit_code == 0
    line = next(l for l in result.stdout.splitlines() if l.startswith("2027-01/a "))
    assert "1 / 1 / 1" in line and "3 / 6 / 1" in line and "30.0" in line
    assert "issue 2027-01" in result.stdout and "all zh_Hans" in result.stdout


def test_stats_on_the_sample_is_complete():
    data = json.loads(run("--root", str(REPO), "stats", "--json").stdout)
    for lang in ("zh_Hans", "en"):
        assert data["languages"][lang]["total"]["percent"] == 100.0
        assert data["languages"][lang]["total"]["messages"]["untranslated"] == 0


def entry(msgid: str, msgstr: str) -> pofile.Entry:
    return pofile.Entry(msgid=msgid, msgstr=msgstr, line=10, msgstr_line=11)


def found(msgid, msgstr, source="en", target="zh_Hans", theme=False):
    return [(f.check, f.severity, f.message) for f in checks.check_entry("x.po", entry(msgid, msgstr), source, target, theme)]


def test_a_good_translation_passes():
    assert found("Read the [report](https://example.org/) *now*[^1].", "现在就读这份[报告](https://example.org/)*吧*[^1]。") == []
    assert found("在2025年，我们访问了3个城市。", "In 2025 we visited three cities.", "zh_Hans", "en") == []


@pytest.mark.parametrize(
    ("msgid", "msgstr", "message"),
    [
        ("A [link](https://a.org/) here.", "这里有一个链接。", "link to https://a.org/ is missing from the translation"),
        ("A [link](https://a.org/) here.", "这里[链接](https://b.org/)。", "link to https://b.org/ is in the translation but not in the source"),
        ("Note[^2] here.", "注释在此。", "footnote reference [^2] is missing from the translation"),
        ("Run `diglot update` now.", "现在运行 diglot update。", "code span `diglot update` is missing from the translation"),
        ("One *two* three *four*.", "一*二*三四。", "emphasis: 2 in the source, 1 in the translation"),
        ("Very **bold** claim.", "非常大胆的说法。", "strong emphasis: 1 in the source, 0 in the translation"),
        ("See ![map](images/map.png) here.", "见此处地图。", "picture images/map.png is missing from the translation"),
    ],
)
def test_markup_errors(msgid, msgstr, message):
    assert ("markup", "error", message) in found(msgid, msgstr)


def test_placeholders_in_theme_strings():
    assert ("placeholder", "error", "placeholder %(number)s is missing from the translation") in found("No. %(number)s", "第期", theme=True)
    assert found("No. %(number)s", "第%(number)s期", theme=True) == []
    assert ("placeholder", "error", "placeholder {name} is in the translation but not in the source") in found("Hello", "你好{name}", theme=True)


def test_raw_html_in_a_translation():
    assert ("raw-html", "error", "raw HTML '<script>' in the translation; write Markdown instead") in found("Hello world.", "你好<script>x</script>")


def test_numbers():
    assert found("In 2025, 1,260 firms took part.", "2025年，有1260家企业参与。") == []
    assert found("It took 3 years.", "这花了三年。") == []  # a Chinese numeral is the same number
    assert found("It took 3 years.", "这花了３年。") == []  # so is a full-width digit
    assert found("共有一千二百六十家企业。", "There were 1,260 firms.", "zh_Hans", "en") == []
    assert ("numbers", "warning", "number 42 of the source not found in the translation") in found("There are 42 gardens.", "有很多菜园。")


def test_punctuation():
    assert ("punctuation", "warning", "half-width ',' in Chinese text; use full-width punctuation (，。；：？！)") in found("Rivers, songs.", "河流,歌谣。")
    assert ("punctuation", "warning", "full-width '，' in English text") in found("河流，歌谣。", "Rivers， songs.", "zh_Hans", "en")
    assert found("Version 2.5 is out.", "2.5版已发布。") == []  # a decimal point is not punctuation


def test_whitespace_copy_and_length():
    assert ("whitespace", "warning", "leading or trailing whitespace differs from the source") in found("Hello world ", "你好世界")
    assert ("copy", "warning", "the translation is the source text, unchanged") in found("This sentence was never translated.", "This sentence was never translated.")
    too_long = found("A short line of text.", "一" * 80)
    assert too_long and too_long[0][0] == "length"


def test_check_command_exit_codes(pub):
    assert run("--root", str(REPO), "check").exit_code == 0
    po = pub / "locale/zh_Hans/LC_MESSAGES/2027-01/a.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "第一段。"', 'msgstr "第一段`x`。"'), encoding="utf-8")
    result = run("--root", str(pub), "check", "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["errors"] == 1
    item = data["findings"][0]
    assert item["check"] == "markup" and item["severity"] == "error"
    assert item["path"] == "locale/zh_Hans/LC_MESSAGES/2027-01/a.po" and item["line"] > 0
    human = run("--root", str(pub), "check")
    assert f"locale/zh_Hans/LC_MESSAGES/2027-01/a.po:{item['line']}:1: error: [markup] code span `x` is in the translation but not in the source" in human.stdout

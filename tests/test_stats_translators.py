"""diglot stats per translator: who is behind, from issue.yaml's `translators`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import polib
import pytest

from .conftest import REPO, copy_publication, run

EN_COURTYARD = "locale/en/LC_MESSAGES/2026-10/courtyard-climate.po"


def assign(root: Path, slug: str, translators: str | None) -> None:
    """Set (or with None, remove) one article's `translators:` line in the sample's issue.yaml."""
    path = root / "issues/2026-10/issue.yaml"
    text = path.read_text(encoding="utf-8")
    entry = re.compile(rf"(  - slug: {slug}\n(?:    (?!translators:).*\n)*)    translators: .*\n")
    assert entry.search(text), slug
    line = f"    translators: {translators}\n" if translators is not None else ""
    path.write_text(entry.sub(lambda m: m.group(1) + line, text, count=1), encoding="utf-8")


@pytest.fixture
def pub(tmp_path) -> Path:
    """The sample with courtyard-climate translated into English by two people, partly;
    gardens-and-livelihoods assigned to nobody."""
    root = copy_publication(REPO, tmp_path / "pub")
    assign(root, "courtyard-climate", "{en: [ruth-hale, lin-qiao]}")
    assign(root, "gardens-and-livelihoods", None)
    po = polib.pofile(str(root / EN_COURTYARD))
    entries = [e for e in po if not e.obsolete]
    entries[1].msgstr = ""
    entries[2].msgstr = ""
    entries[3].flags.append("fuzzy")
    po.save()
    return root


def translators(data: dict, lang: str) -> dict:
    return {t["id"]: t for t in data["languages"][lang]["translators"]}


def test_translators_in_json(pub):
    result = run("--root", str(pub), "stats", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    en = translators(data, "en")
    assert list(en) == ["ruth-hale", "lin-qiao", None]  # first article's order; unassigned last
    ruth, lin, nobody = en["ruth-hale"], en["lin-qiao"], en[None]
    assert ruth["name"] == "Ruth Hale" and lin["name"] == "Lin Qiao" and nobody["name"] is None
    assert ruth["articles"] == ["2026-10/editors-note", "2026-10/repair-as-design", "2026-10/courtyard-climate"]
    assert ruth["messages"] == {"translated": 51, "fuzzy": 1, "untranslated": 2, "total": 54}
    # fuzzy: "城市遗产" (4 Han characters); untranslated: the subtitle (14) and the abstract (90)
    assert ruth["words"] == {"translated": 2071, "fuzzy": 4, "untranslated": 104, "total": 563 + 854 + 762}
    assert ruth["percent"] == 95.0
    # the article both translate counts in full for each
    assert lin["articles"] == ["2026-10/courtyard-climate"]
    assert lin["messages"] == {"translated": 15, "fuzzy": 1, "untranslated": 2, "total": 18}
    assert lin["words"] == {"translated": 654, "fuzzy": 4, "untranslated": 104, "total": 762}
    assert lin["percent"] == 85.8
    assert nobody["articles"] == ["2026-10/gardens-and-livelihoods"]
    assert nobody["messages"] == {"translated": 20, "fuzzy": 0, "untranslated": 0, "total": 20}
    assert nobody["words"]["total"] == 765 and nobody["percent"] == 100.0
    # the name as the target language's edition shows it
    zh = translators(data, "zh_Hans")
    assert list(zh) == ["lin-qiao"]
    assert zh["lin-qiao"]["name"] == "林乔" and zh["lin-qiao"]["messages"]["total"] == 58
    # the per-catalog figures stay as they were and agree
    courtyard = next(c for c in data["languages"]["en"]["catalogs"] if c["domain"] == "2026-10/courtyard-climate")
    assert courtyard["messages"] == lin["messages"] and courtyard["words"] == lin["words"]


def test_translators_table(pub):
    result = run("--root", str(pub), "stats")
    assert result.exit_code == 0, result.output
    table = result.stdout.split("by translator", 1)[1]
    rows = [[cell.strip() for cell in line.split("│")] for line in table.splitlines() if "│" in line]
    assert rows == [
        ["林乔 (lin-qiao)", "zh_Hans", "2", "58 / 0 / 0", "1168 / 0 / 0", "100.0"],
        ["Ruth Hale (ruth-hale)", "en", "3", "51 / 1 / 2", "2071 / 4 / 104", "95.0"],
        ["Lin Qiao (lin-qiao)", "en", "1", "15 / 1 / 2", "654 / 4 / 104", "85.8"],
        ["(unassigned)", "en", "1", "20 / 0 / 0", "765 / 0 / 0", "100.0"],
    ]


def test_translators_follow_the_language_and_issue_filters(pub):
    only_en = run("--root", str(pub), "stats", "2026-10", "-l", "en")
    assert only_en.exit_code == 0, only_en.output
    assert "Ruth Hale (ruth-hale)" in only_en.stdout and "林乔" not in only_en.stdout
    data = json.loads(run("--root", str(pub), "stats", "2026-10", "-l", "zh_Hans", "--json").stdout)
    assert list(data["languages"]) == ["zh_Hans"]
    assert [t["id"] for t in data["languages"]["zh_Hans"]["translators"]] == ["lin-qiao"]
    assert data["languages"]["zh_Hans"]["translators"][0]["articles"] == [
        "2026-10/songs-of-the-river",
        "2026-10/counting-the-creative-economy",
    ]


def test_a_plain_string_name_and_an_empty_list(pub):
    path = pub / "issues/2026-10/issue.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("editors: [xiao-lan]", "  wu-an:\n    name: 吴安\neditors: [xiao-lan]", 1)
    path.write_text(text, encoding="utf-8")
    assign(pub, "editors-note", "{en: [wu-an]}")
    assign(pub, "repair-as-design", "{en: []}")
    data = json.loads(run("--root", str(pub), "stats", "-l", "en", "--json").stdout)
    en = translators(data, "en")
    assert en["wu-an"]["name"] == "吴安"  # a plain string: as written, in the source language
    assert en["wu-an"]["articles"] == ["2026-10/editors-note"]
    assert en[None]["articles"] == ["2026-10/repair-as-design", "2026-10/gardens-and-livelihoods"]
    assert en[None]["messages"]["total"] == 24 + 20

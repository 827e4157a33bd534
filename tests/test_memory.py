"""diglot memory export / import (TMX 1.4) and update's use of the kept memories."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import etree

from diglot.catalog import pofile
from diglot.catalog.memory import match_language, memory_name

from .conftest import FIXTURES, REPO, copy_publication, run
from .test_catalogs import msgfmt_check

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TMX = FIXTURES / "tmx"
EDITORS_NOTE = "locale/en/LC_MESSAGES/2026-10/editors-note.po"


@pytest.fixture
def pub(tmp_path) -> Path:
    return copy_publication(REPO, tmp_path / "pub")


def parse_tmx(path: Path) -> etree._Element:
    return etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()


def props(tu: etree._Element) -> dict[str, str]:
    return {p.get("type"): p.text for p in tu.findall("prop")}


def translated_entries(root: Path, langs=("en", "zh_Hans"), issue: str | None = None) -> list[tuple[str, pofile.Entry]]:
    found = []
    for lang in langs:
        folder = root / "locale" / lang / "LC_MESSAGES"
        for path in sorted(folder.rglob("*.po")):
            domain = path.relative_to(folder).with_suffix("").as_posix()
            if issue is not None and not domain.startswith(issue + "/"):
                continue
            for entry in pofile.parse(path.read_text(encoding="utf-8")).entries:
                if not entry.obsolete and entry.translated and entry.msgid_plural is None:
                    found.append((domain, entry))
    return found


def blank(path: Path, indexes: list[int] | None = None) -> dict[str, str]:
    """Remove translations (all, or of the entries at ``indexes``); returns the translated ones removed, msgid → msgstr."""
    catalog = pofile.parse(path.read_text(encoding="utf-8"))
    removed = {}
    for index, entry in enumerate(catalog.entries):
        if entry.obsolete or entry.msgid_plural is not None or (indexes is not None and index not in indexes):
            continue
        if entry.translated:
            removed[entry.msgid] = entry.msgstr
        entry.msgstr = ""
        entry.set_fuzzy(False)
        entry.previous_msgid = None
    path.write_text(pofile.dump(catalog), encoding="utf-8")
    return removed


def entries(path: Path) -> dict[str, pofile.Entry]:
    return {e.msgid: e for e in pofile.parse(path.read_text(encoding="utf-8")).entries if not e.obsolete}


# --- export ------------------------------------------------------------------------


def test_export_writes_tmx_14_of_every_translated_message(tmp_path):
    out = tmp_path / "sample.tmx"
    result = run("--root", str(REPO), "memory", "export", str(out))
    assert result.exit_code == 0, result.output
    expected = translated_entries(REPO)
    assert f"({len(expected)} translation units)" in result.output
    tmx = parse_tmx(out)
    assert tmx.tag == "tmx" and tmx.get("version") == "1.4"
    header = tmx.find("header")
    assert header.get("creationtool") == "diglot"
    assert header.get("creationtoolversion")
    assert header.get("datatype") == "plaintext"
    assert header.get("segtype") == "block"
    assert header.get("adminlang") == "en"
    assert header.get("o-tmf")
    assert header.get("srclang") == "*all*"  # the theme is English, articles are in both languages
    tus = tmx.find("body").findall("tu")
    assert len(tus) == len(expected) > 100
    for tu in tus:
        tuvs = tu.findall("tuv")
        assert len(tuvs) == 2
        langs = [tuv.get(XML_LANG) for tuv in tuvs]
        assert sorted(langs) == ["en", "zh-Hans"]
        assert tu.get("srclang") == langs[0]
        assert all(tuv.find("seg").text for tuv in tuvs)
        assert "x-diglot-unit" in props(tu)
    units = {props(tu)["x-diglot-unit"] for tu in tus}
    assert {"theme", "periodical", "2026-10/issue", "2026-10/editors-note", "2026-10/counting-the-creative-economy"} <= units
    for tu in tus:
        if "/" in props(tu)["x-diglot-unit"]:
            assert props(tu)["x-diglot-issue"] == "2026-10"
        else:
            assert "x-diglot-issue" not in props(tu)
    # the same pairs as the catalogs: source segment → target segment
    pairs = sorted((tu.findall("tuv")[0].find("seg").text, tu.findall("tuv")[1].find("seg").text) for tu in tus)
    assert pairs == sorted((e.msgid, e.msgstr) for _, e in expected)
    # Markdown inline markup stays as text
    assert any("**" in tuv.find("seg").text for tu in tus for tuv in tu.findall("tuv"))


def test_export_is_deterministic_and_limited_by_language_and_issue(tmp_path):
    first, second, english = tmp_path / "a.tmx", tmp_path / "b.tmx", tmp_path / "en.tmx"
    assert run("--root", str(REPO), "memory", "export", str(first)).exit_code == 0
    assert run("--root", str(REPO), "memory", "export", str(second)).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    assert not list(tmp_path.glob(".*.tmp"))

    result = run("--root", str(REPO), "memory", "export", str(english), "-l", "en", "2026-10")
    assert result.exit_code == 0, result.output
    tus = parse_tmx(english).find("body").findall("tu")
    assert len(tus) == len(translated_entries(REPO, ("en",), issue="2026-10"))
    assert {tu.findall("tuv")[1].get(XML_LANG) for tu in tus} == {"en"}
    assert {tu.get("srclang") for tu in tus} == {"zh-Hans"}
    assert parse_tmx(english).find("header").get("srclang") == "zh-Hans"
    assert all(props(tu)["x-diglot-issue"] == "2026-10" for tu in tus)

    result = run("--root", str(REPO), "memory", "export", str(tmp_path / "x.tmx"), "1999-01")
    assert result.exit_code == 1
    assert "no issue '1999-01'" in result.output
    assert not (tmp_path / "x.tmx").exists()


# --- the round trip ---------------------------------------------------------------------


def test_round_trip_export_import_update_fills_the_same_translations(pub, tmp_path):
    out = tmp_path / "sample.tmx"
    assert run("--root", str(pub), "memory", "export", str(out)).exit_code == 0
    removed: dict[str, dict[str, str]] = {}
    for path in sorted((pub / "locale/en/LC_MESSAGES/2026-10").glob("*.po")):
        if path.name != "issue.po":
            removed[path.name] = blank(path)
    assert sum(len(r) for r in removed.values()) > 50
    result = run("--root", str(pub), "update")
    assert result.exit_code == 0, result.output
    assert "from memory" not in result.output  # no memory kept yet: untranslated stays untranslated

    result = run("--root", str(pub), "memory", "import", str(out))
    assert result.exit_code == 0, result.output
    assert "as locale/memory/sample.tmx" in result.output
    assert (pub / "locale/memory/sample.tmx").read_bytes() == out.read_bytes()

    result = run("--root", str(pub), "update")  # the new memory is part of the cache key: everything re-merged
    assert result.exit_code == 0, result.output
    assert f"({sum(len(r) for r in removed.values())} from memory)" in result.output
    for name, translations in removed.items():
        path = pub / "locale/en/LC_MESSAGES/2026-10" / name
        msgfmt_check(path)
        now = entries(path)
        for msgid, msgstr in translations.items():
            assert now[msgid].msgstr == msgstr
            assert not now[msgid].fuzzy
            assert "diglot: from translation memory, locale/memory/sample.tmx" in now[msgid].tcomments
    result = run("--root", str(pub), "update")
    assert result.output.startswith("0 file(s) written"), result.output


# --- other tools' memories -----------------------------------------------------------------


def test_memoq_and_trados_memories_import_and_fill(pub):
    path = pub / EDITORS_NOTE
    before = entries(path)
    msgids = list(before)
    title, first, loop, paragraph, name = msgids[0], msgids[2], msgids[3], msgids[6], msgids[7]
    blank(path, [0, 2, 3, 6, 7])

    result = run("--root", str(pub), "memory", "import", str(TMX / "memoq-acme.tmx"))
    assert result.exit_code == 0, result.output
    assert "as locale/memory/memoq-acme.tmx (3 translation units" in result.output  # the zh-CN/de-DE one is not for us
    result = run("--root", str(pub), "memory", "import", str(TMX / "Trados Studio ACME.tmx"))
    assert result.exit_code == 0, result.output
    assert "as locale/memory/trados-studio-acme.tmx (2 translation units" in result.output

    result = run("--root", str(pub), "update", "-l", "en")
    assert result.exit_code == 0, result.output
    msgfmt_check(path)
    now = entries(path)
    memoq = "diglot: from translation memory, locale/memory/memoq-acme.tmx"
    trados = "diglot: from translation memory, locale/memory/trados-studio-acme.tmx"
    assert now[title].msgstr == "It All Began with a Mended Chair" and not now[title].fuzzy
    assert memoq in now[title].tcomments
    # inline codes dropped, their text kept
    assert now[paragraph].msgstr == "Last winter, the repair café downstairs mended my old wooden chair."
    assert not now[paragraph].fuzzy
    assert now[first].msgstr == "inaugural issue" and trados in now[first].tcomments
    assert now[loop].msgstr == "circularity"
    # a close source: fuzzy, with the memory's source as the previous msgid
    assert now[name].fuzzy
    assert now[name].msgstr.startswith("The title Creative 2030 takes its date")
    assert now[name].previous_msgid != name and "真正" in now[name].previous_msgid
    assert memoq in now[name].tcomments
    # other translations untouched
    for msgid, entry in before.items():
        if msgid not in (title, first, loop, paragraph, name):
            assert now[msgid].msgstr == entry.msgstr


def test_a_utf_16_memory_imports(pub, tmp_path):
    text = (TMX / "Trados Studio ACME.tmx").read_bytes().decode("utf-8-sig").replace('encoding="utf-8"', 'encoding="UTF-16"')
    path = tmp_path / "utf16.tmx"
    path.write_bytes(text.encode("utf-16"))
    result = run("--root", str(pub), "memory", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "(2 translation units" in result.output


def test_language_tags_map_to_the_publication_languages():
    languages = ["zh_Hans", "en"]
    for tag in ("zh-CN", "ZH-CN", "zh-cn", "zh-Hans", "zh", "zh-Hans-CN", "zh_Hans"):
        assert match_language(tag, languages) == "zh_Hans", tag
    for tag in ("en", "en-US", "EN-GB", "en-us"):
        assert match_language(tag, languages) == "en", tag
    for tag in ("zh-TW", "zh-Hant", "fr-FR", "de", "x-klingon", ""):
        assert match_language(tag, languages) is None, tag
    assert match_language("en-GB", ["en_US", "en_GB"]) == "en_GB"
    assert match_language("en", ["zh_Hant", "en_US"]) == "en_US"


def test_memory_names():
    assert memory_name("Trados Studio ACME") == "trados-studio-acme"
    assert memory_name("__ÄÖ__") == ""
    assert memory_name("memoQ_export-2026.10") == "memoq-export-2026-10"


def test_import_name_option(pub):
    result = run("--root", str(pub), "memory", "import", str(TMX / "memoq-acme.tmx"), "--name", "acme")
    assert result.exit_code == 0, result.output
    assert (pub / "locale/memory/acme.tmx").is_file()
    result = run("--root", str(pub), "memory", "import", str(TMX / "memoq-acme.tmx"), "--name", "ACME Memory")
    assert result.exit_code == 2
    assert "is not a memory name" in result.output


# --- bad input ---------------------------------------------------------------------------------

GOOD_TU = '<tu><tuv xml:lang="zh-CN"><seg>循环</seg></tuv><tuv xml:lang="en-US"><seg>circularity</seg></tuv></tu>'

BROKEN = {
    "truncated.tmx": (
        '<?xml version="1.0"?>\n<tmx version="1.4">\n<header srclang="zh-CN"/>\n<body>\n' + GOOD_TU + "\n<tu>\n",
        "truncated.tmx:7:1: error: not well-formed XML: ",
    ),
    "xliff.tmx": (
        '<?xml version="1.0"?>\n<xliff version="1.2">\n</xliff>\n',
        "xliff.tmx:2:1: error: not a TMX file: the root element is <xliff>, expected <tmx>",
    ),
    "one-language.tmx": (
        '<tmx version="1.4">\n<header srclang="zh-CN"/>\n<body>\n' + GOOD_TU + '\n  <tu tuid="2"><tuv xml:lang="zh-CN"><seg>在地</seg></tuv><tuv xml:lang="ZH-cn"><seg>在地</seg></tuv></tu>\n</body>\n</tmx>\n',
        "one-language.tmx:5:3: error: <tu> needs a <tuv> in at least two languages (a source and its translation)",
    ),
    "no-lang.tmx": (
        '<tmx version="1.4">\n<header/>\n<body>\n<tu>\n <tuv><seg>循环</seg></tuv>\n <tuv xml:lang="en"><seg>circularity</seg></tuv>\n</tu>\n</body>\n</tmx>\n',
        "no-lang.tmx:5:2: error: <tuv> has no xml:lang attribute",
    ),
    "no-body.tmx": ('<tmx version="1.4">\n<header/>\n</tmx>\n', "no-body.tmx:1:1: error: not a TMX file: <tmx> has no <body>"),
    "empty.tmx": ('<tmx version="1.4">\n<header/>\n<body>\n</body>\n</tmx>\n', "empty.tmx:3:1: error: the memory holds no <tu>"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_tmx_is_reported_at_its_line_and_nothing_is_written(pub, tmp_path, name):
    text, message = BROKEN[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = run("--root", str(pub), "memory", "import", str(path), cwd=tmp_path)
    assert result.exit_code == 1
    assert message.replace(name, str(path)) in result.output
    assert "aborted with" in result.output
    assert "Traceback" not in result.output
    assert not (pub / "locale/memory").exists()


XXE = """<?xml version="1.0"?>
<!DOCTYPE tmx [
  <!ENTITY secret SYSTEM "file:///etc/passwd">
]>
<tmx version="1.4"><header/><body>
<tu><tuv xml:lang="zh-CN"><seg>循环</seg></tuv><tuv xml:lang="en"><seg>&secret;</seg></tuv></tu>
</body></tmx>
"""

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE tmx [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<tmx version="1.4"><header/><body>
<tu><tuv xml:lang="zh-CN"><seg>循环</seg></tuv><tuv xml:lang="en"><seg>&lol9;</seg></tuv></tu>
</body></tmx>
"""


XXE_UTF16 = XXE.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')


@pytest.mark.parametrize("text, encoding", [(XXE, "utf-8"), (LAUGHS, "utf-8"), (XXE_UTF16, "utf-16")], ids=["xxe", "billion-laughs", "xxe-utf-16"])
def test_entity_declarations_are_refused(pub, tmp_path, text, encoding):
    path = tmp_path / "evil.tmx"
    path.write_bytes(text.encode(encoding))
    result = run("--root", str(pub), "memory", "import", str(path))
    assert result.exit_code == 1
    assert f"{path}:3:3: error: the file declares XML entities" in result.output
    assert not (pub / "locale/memory").exists()


def test_an_external_dtd_is_not_fetched(pub, tmp_path):
    path = tmp_path / "with-doctype.tmx"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE tmx SYSTEM "http://example.invalid/tmx14.dtd">\n<tmx version="1.4"><header/><body>' + GOOD_TU + "</body></tmx>\n",
        encoding="utf-8",
    )
    result = run("--root", str(pub), "memory", "import", str(path))
    assert result.exit_code == 0, result.output


def test_a_kept_memory_broken_by_hand_is_reported_by_update(pub):
    shutil.copy(TMX / "memoq-acme.tmx", pub / "x.tmx")
    assert run("--root", str(pub), "memory", "import", str(pub / "x.tmx")).exit_code == 0
    (pub / "locale/memory/x.tmx").write_text("<tmx>\n<body>", encoding="utf-8")
    result = run("--root", str(pub), "update")
    assert result.exit_code == 1
    assert "locale/memory/x.tmx:2:" in result.output
    assert "this memory is not used (fix or remove locale/memory/x.tmx)" in result.output


def test_memory_help():
    for args in (["memory", "--help"], ["memory", "export", "--help"], ["memory", "import", "--help"]):
        result = run(*args)
        assert result.exit_code == 0
        assert "TMX" in result.output

"""glossary.yaml: validated with located messages, shown by `update`, enforced by `check` (SPEC §8)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import polib
import pytest

from diglot.catalog.glossary import Glossary, Term, findings
from diglot.errors import Location

from .conftest import REPO, copy_publication, run

EDITORS_NOTE = "locale/en/LC_MESSAGES/2026-10/editors-note.po"
ISSUE = "locale/en/LC_MESSAGES/2026-10/issue.po"
COUNTING = "locale/zh_Hans/LC_MESSAGES/2026-10/counting-the-creative-economy.po"

GLOSSARY = """\
- zh_Hans: 修理站
  en: repair café
  note: a volunteer-run repair event
  forbidden: {en: [repair shop]}
- {zh_Hans: 可持续发展, en: sustainable development}
- {zh_Hans: 创意经济, en: creative economy}
"""


@pytest.fixture
def pub(tmp_path) -> Path:
    root = copy_publication(REPO, tmp_path / "pub")
    (root / "glossary.yaml").write_text(GLOSSARY, encoding="utf-8")
    return root


def msgfmt_check(path: Path) -> None:
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], check=True, capture_output=True)


def entry_block(text: str, msgid_start: str) -> list[str]:
    """The lines of the entry whose msgid starts with ``msgid_start``, comments included."""
    blocks = text.split("\n\n")
    return next(b for b in blocks if f'"{msgid_start}' in b).splitlines()


def msgstr_line(path: Path, msgid_start: str) -> int:
    """The 1-based line of the msgstr of the entry whose msgid starts with ``msgid_start``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if f'"{msgid_start}' in line)
    return next(i for i in range(start, len(lines)) if lines[i].startswith("msgstr")) + 1


# --- update ---------------------------------------------------------------------------


def test_update_shows_the_terms_in_glossary_order_and_is_stable(pub):
    before = {e.msgid: (e.msgstr, e.tcomment) for e in polib.pofile(str(pub / EDITORS_NOTE))}
    result = run("--root", str(pub), "update")
    assert result.exit_code == 0, result.output
    assert f"wrote {EDITORS_NOTE}" in result.stdout

    text = (pub / EDITORS_NOTE).read_text(encoding="utf-8")
    block = entry_block(text, "去年冬天")
    # the message holds 社区修理站 and 可持续发展: one line each, in the glossary's order, after the kind
    assert block[:3] == [
        "#. paragraph",
        "#. glossary: 修理站 → repair café (a volunteer-run repair event)",
        "#. glossary: 可持续发展 → sustainable development",
    ]
    # the sample's own terms (not in this glossary) are gone: the comments follow the glossary
    assert "产品设计师" not in "".join(line for line in text.splitlines() if line.startswith("#. glossary"))
    # the arrow points to the target language: an English-source article into Chinese
    counting = (pub / COUNTING).read_text(encoding="utf-8")
    assert "#. glossary: creative economy → 创意经济" in entry_block(counting, "What survey data")
    # translations and translator comments untouched; the files stay valid gettext
    after = {e.msgid: (e.msgstr, e.tcomment) for e in polib.pofile(str(pub / EDITORS_NOTE))}
    assert after == before
    for rel in (EDITORS_NOTE, ISSUE, COUNTING):
        msgfmt_check(pub / rel)
    # templates are language-neutral: the comments name a target language, so only catalogs carry them
    assert "glossary:" not in (pub / "locale/pot/2026-10/editors-note.pot").read_text(encoding="utf-8")

    snapshot = {p: p.read_bytes() for p in (pub / "locale").rglob("*.po*")}
    again = run("--root", str(pub), "update")
    assert again.exit_code == 0 and again.stdout.startswith("0 file(s) written"), again.output
    assert {p: p.read_bytes() for p in (pub / "locale").rglob("*.po*")} == snapshot


def test_a_glossary_edit_updates_the_comments(pub):
    assert run("--root", str(pub), "update").exit_code == 0
    glossary = pub / "glossary.yaml"
    glossary.write_text(GLOSSARY.replace("a volunteer-run repair event", "not a shop"), encoding="utf-8")
    result = run("--root", str(pub), "update")
    assert result.exit_code == 0 and f"wrote {EDITORS_NOTE}" in result.stdout, result.output
    assert "#. glossary: 修理站 → repair café (not a shop)" in (pub / EDITORS_NOTE).read_text(encoding="utf-8")
    # without a glossary the comments go, and nothing else changes
    glossary.unlink()
    assert run("--root", str(pub), "update").exit_code == 0
    assert "#. glossary" not in (pub / EDITORS_NOTE).read_text(encoding="utf-8")
    assert "#. paragraph" in (pub / EDITORS_NOTE).read_text(encoding="utf-8")


# --- validate -------------------------------------------------------------------------------


BROKEN = """\
- {zh_Hans: 创意经济, en: creative economy}
- {zh_Hans: 文化创意, en: Creative Economy}
- {zh_Hans: 修理站, fr: café de réparation}
- just a string
- {zh_Hans: [修理, 站], en: repair café}
- {zh_Hans: 社区菜园, en: community garden, forbidden: {en: allotment}}
- {zh_Hans: 城市更新}
- {zh_Hans: 口述史, en: oral history, forbidden: [oral tradition]}
"""


def test_validate_locates_every_glossary_problem(pub):
    (pub / "glossary.yaml").write_text(BROKEN, encoding="utf-8")
    result = run("--root", str(pub), "validate")
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("glossary.yaml")]
    assert lines == [
        "glossary.yaml:2:23: error: duplicate term 'Creative Economy' (en): already at line 1; merge the two entries",
        "glossary.yaml:3:18: error: 'fr' in a glossary entry is not an edition language (nor 'note' or 'forbidden'); expected one of: en, forbidden, note, zh_Hans",
        "glossary.yaml:4:3: error: a glossary entry must be a mapping such as {zh_Hans: 创意经济, en: creative economy}, not 'just a string'",
        "glossary.yaml:5:13: error: the 'zh_Hans' term of a glossary entry must be a string, not a list",
        "glossary.yaml:6:57: error: the forbidden renderings in 'en' must be a list (e.g. forbidden: {en: [cultural economy]}), not 'allotment'",
        "glossary.yaml:7:3: error: a glossary entry needs a term in at least two languages (it has 1), e.g. {zh_Hans: 创意经济, en: creative economy}",
        "glossary.yaml:8:47: error: 'forbidden' must map languages to lists of renderings (e.g. forbidden: {en: [cultural economy]}), not a list",
    ], result.output
    assert "7 error(s)" in result.stderr

    # update refuses a broken glossary and writes nothing
    snapshot = {p: p.read_bytes() for p in (pub / "locale").rglob("*.po")}
    update = run("--root", str(pub), "update")
    assert update.exit_code == 1
    assert "glossary.yaml:2:23: error: duplicate term" in update.stderr
    assert {p: p.read_bytes() for p in (pub / "locale").rglob("*.po")} == snapshot


def test_a_glossary_that_is_not_a_list(pub):
    (pub / "glossary.yaml").write_text("创意经济: creative economy\n", encoding="utf-8")
    result = run("--root", str(pub), "validate")
    assert result.exit_code == 1
    assert "glossary.yaml:1:1: error: glossary.yaml must be a list of entries such as '- {zh_Hans: 创意经济, en: creative economy}', not a mapping" in result.stderr


def test_the_sample_glossary_is_valid_and_respected():
    result = run("--root", str(REPO), "validate")
    assert result.exit_code == 0 and "glossary.yaml" not in result.output
    check = run("--root", str(REPO), "check", "--json")
    data = json.loads(check.stdout)
    assert not [f for f in data["findings"] if f["check"] == "glossary"]
    import yaml

    assert len(yaml.safe_load((REPO / "glossary.yaml").read_text(encoding="utf-8"))) >= 15


# --- check ------------------------------------------------------------------------------------


def test_check_accepts_inflections_warns_on_a_missing_term_and_refuses_a_forbidden_one(pub):
    assert run("--root", str(pub), "update").exit_code == 0
    # issue.po: "本期从修理站…" is translated "Starting from repair cafés…": the plural is the term
    assert "Starting from repair cafés" in (pub / ISSUE).read_text(encoding="utf-8")
    clean = run("--root", str(pub), "check", "--json")
    assert clean.exit_code == 0
    assert not [f for f in json.loads(clean.stdout)["findings"] if f["check"] == "glossary"]

    po = pub / EDITORS_NOTE
    text = po.read_text(encoding="utf-8")
    text = text.replace("the community repair café downstairs", "the community repair shop downstairs")
    text = text.replace("sustainable development is not always", "durable growth is not always")
    po.write_text(text, encoding="utf-8")
    line = msgstr_line(po, "去年冬天")

    result = run("--root", str(pub), "check")
    assert result.exit_code == 1
    glossary_lines = [x for x in result.stdout.splitlines() if "[glossary]" in x]
    assert glossary_lines == [
        f"{EDITORS_NOTE}:{line}:1: error: [glossary] 'repair shop' is a forbidden rendering of '修理站'; use 'repair café'",
        f"{EDITORS_NOTE}:{line}:1: warning: [glossary] '可持续发展' should be translated as 'sustainable development' (glossary.yaml)",
    ]

    data = json.loads(run("--root", str(pub), "check", "--json").stdout)
    found = [f for f in data["findings"] if f["check"] == "glossary"]
    assert [(f["severity"], f["path"], f["line"], f["term"]) for f in found] == [
        ("error", EDITORS_NOTE, line, {"zh_Hans": "修理站", "en": "repair café"}),
        ("warning", EDITORS_NOTE, line, {"zh_Hans": "可持续发展", "en": "sustainable development"}),
    ]
    assert data["errors"] >= 1 and data["warnings"] >= 1


def test_matching():
    glossary = Glossary(
        [
            Term({"zh_Hans": "修理站", "en": "repair café"}, Location("glossary.yaml", 1, 3)),
            Term({"zh_Hans": "社区菜园", "en": "community garden"}, Location("glossary.yaml", 2, 3), forbidden={"en": ["allotment"]}),
        ]
    )
    # English: by stems, case-insensitively, multi-word, never across a link target
    assert [t.terms["en"] for t in glossary.found("Two Repair Cafés and the community gardens", "en")] == ["repair café", "community garden"]
    assert glossary.found("[a link](https://example.org/repair-cafe) about gardens", "en") == []
    assert glossary.found("a repair of the café", "en") == []
    # Chinese: by substring
    assert [t.terms["en"] for t in glossary.found("社区修理站和社区菜园", "zh_Hans")] == ["repair café", "community garden"]
    assert findings(glossary, "社区菜园很小。", "The community gardens are small.", "zh_Hans", "en") == []
    [finding] = findings(glossary, "社区菜园很小。", "The allotments are small.", "zh_Hans", "en")
    assert finding.severity == "error"
    [finding] = findings(glossary, "Community gardens grow.", "菜园在生长。", "en", "zh_Hans")
    assert finding.severity == "warning"
    assert finding.message == "'community garden' should be translated as '社区菜园' (glossary.yaml)"

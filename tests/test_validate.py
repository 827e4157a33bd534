"""`diglot validate`: every fault in a publication is reported, located, and makes it exit 1.

Each case under ``tests/fixtures/broken/<case>/`` holds only the files that
differ from the minimal valid publication in ``tests/fixtures/broken/_base/``
(plus, optionally, a ``DELETE`` file listing root-relative paths to remove).
A case carries exactly one fault; its test asserts the exact located line
(``path:line:col: error: message``, path relative to the root) the tool must
print on stderr, and exit status 1.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from diglot.cli import main

BROKEN = Path(__file__).resolve().parent / "fixtures" / "broken"
BASE = BROKEN / "_base"
PICTURE = "issues/2026-01/images/fig.png"
SUMMARY_RE = re.compile(r"^\d+ issue\(s\), \d+ article\(s\), \d+ catalog\(s\): \d+ error\(s\), \d+ warning\(s\)$")
PROBLEM_RE = re.compile(r"^(?P<path>[^:\s][^:]*):(?P<line>\d+):(?P<col>\d+): (?:error|warning): \S")

ISSUE = "issues/2026-01/issue.yaml"
ZH_ARTICLE = "issues/2026-01/articles/small-river.md"
EN_ARTICLE = "issues/2026-01/articles/field-notes.md"
EN_CATALOG = "locale/en/LC_MESSAGES/2026-01/small-river.po"


def make_publication(tmp_path: Path, *cases: str) -> Path:
    """A copy of ``_base`` with each case's files laid over it (and its DELETE list removed)."""
    root = tmp_path / "pub"
    shutil.copytree(BASE, root)
    picture = root / PICTURE
    picture.parent.mkdir(parents=True, exist_ok=True)
    from PIL import Image

    Image.new("RGB", (8, 6), (40, 110, 170)).save(picture, format="PNG")
    for case in cases:
        folder = BROKEN / case
        assert folder.is_dir(), f"no fixture folder {folder}"
        for path in sorted(folder.rglob("*")):
            if path.is_dir() or path.relative_to(folder).as_posix() == "DELETE":
                continue
            target = root / path.relative_to(folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        delete = folder / "DELETE"
        if delete.is_file():
            for rel in delete.read_text(encoding="utf-8").splitlines():
                if rel.strip():
                    target = root / rel.strip()
                    assert target.is_file(), f"DELETE of {case} names a file the base lacks: {rel}"
                    target.unlink()
    return root


def validate(root: Path, *args: str):
    return CliRunner().invoke(main, ["--root", str(root), "validate", *args])


def assert_clean_exit(result) -> None:
    """No traceback and no internal error, whatever the input."""
    assert "Traceback" not in result.output
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


# case → the exact line that must appear on stderr
CASES: dict[str, str] = {
    # manifests: YAML syntax
    "issue-yaml-syntax": f"{ISSUE}:3:14: error: YAML syntax error: mapping values are not allowed here",
    "periodical-yaml-syntax": "periodical.yaml:2:25: error: YAML syntax error: expected <block end>, but found ']'",
    # issue.yaml: shape and values
    "missing-date": f"{ISSUE}:1:1: error: issue.yaml lacks the required key 'date'",
    "wrong-type-number": f"{ISSUE}:1:9: error: number must be a whole number, not 'first'",
    "misspelt-key": f"{ISSUE}:4:1: error: unknown key 'descripton' in issue.yaml; did you mean 'description'?",
    "impossible-date": f"{ISSUE}:2:7: error: impossible date '2026-02-30': day is out of range for month",
    "bad-date-format": f"{ISSUE}:2:7: error: date '15/01/2026' must be YYYY-MM-DD or YYYY-MM",
    "unknown-section": f"{ISSUE}:17:14: error: unknown section 'featurs'; did you mean 'features'?",
    "unknown-contributor": f"{ISSUE}:15:15: error: unknown contributor 'wang-fan'; did you mean 'wang-fang'?",
    "duplicate-slug": f"{ISSUE}:16:11: error: duplicate slug 'small-river': each article appears once in an issue",
    "empty-issue-yaml": f"{ISSUE}:1:1: error: issue.yaml is empty; it needs at least number, date, title, sections and articles",
    "missing-article-file": f"{ISSUE}:16:11: error: article file not found: {EN_ARTICLE}; create it or correct the slug",
    "text-mapping-lacks-language": (
        f"{ISSUE}:10:11: error: name of 'wang-fang' lacks 'en': a mapping needs a value for every edition language"
        " (or write one plain string to have it translated)"
    ),
    # periodical.yaml
    "one-language": "periodical.yaml:2:12: error: a bilingual periodical needs at least two languages, e.g. [zh_Hans, en]",
    "unknown-language": (
        "periodical.yaml:2:22: error: unknown language 'english' (unknown locale 'english');"
        " use a CLDR locale id such as zh_Hans, zh_Hant, en, fr"
    ),
    "bad-issn": "periodical.yaml:4:7: error: issn '2049-3631' has a wrong check digit: expected 2049-3630",
    "bad-parallel-left": "periodical.yaml:5:18: error: print.parallel_left must be one of source, zh_Hans, en, not 'fr'",
    # pictures
    "missing-picture": f"{ZH_ARTICLE}:9:10: error: picture not found: issues/2026-01/images/map.png",
    "picture-outside-root": f"{ZH_ARTICLE}:9:10: error: picture path '../../../etc/hostname' leaves the publication root",
    "picture-from-network": (
        f"{ZH_ARTICLE}:9:10: error: 'http://example.com/fig.png' is not a file of the publication:"
        " pictures are never fetched from the network; save it under issues/2026-01/images/"
    ),
    # article bodies and front matter
    "raw-html-block": (
        f"{EN_ARTICLE}:12:1: error: raw HTML is not allowed in an article"
        " ('<div class=\"note\">A boxed note.</div>'); use Markdown instead"
    ),
    "raw-html-inline": f"{EN_ARTICLE}:6:68: error: raw HTML is not allowed in an article ('<b>'); use Markdown instead",
    "front-matter-not-closed": f"{EN_ARTICLE}:1:1: error: front matter is not closed: add a line '---' after its last key",
    "no-front-matter": (
        f"{EN_ARTICLE}:1:1: error: missing front matter: begin the file with a line '---',"
        " then 'title: ...', then a line '---'"
    ),
    "front-matter-yaml-error": f"{EN_ARTICLE}:2:19: error: YAML syntax error: mapping values are not allowed here",
    "front-matter-unknown-key": (
        f"{EN_ARTICLE}:3:1: error: unknown key 'autor' in front matter; expected one of: abstract, keywords, subtitle, title"
    ),
    # catalogs
    "po-does-not-parse": (
        f"{EN_CATALOG}:28:1: error: catalog does not parse: unexpected 'this': expected msgid, msgstr,"
        " a quoted string or a # comment;"
        " fix it by hand (diglot update leaves it alone until then)"
    ),
}

# Faults found by the first version of these tests and fixed since; each keeps its exact line.
CASES.update(
    {
        # the msgstr holding the HTML, not the entry's first comment line
        "po-raw-html": (
            f"{EN_CATALOG}:48:13: error: translation contains raw HTML ('<span style=\"color:red\">'); write Markdown instead"
        ),
        # polib reads an unterminated string silently; msgfmt --check rejects it, and so does diglot
        "po-unterminated-string": (
            f"{EN_CATALOG}:28:15: error: catalog does not parse: the string is not closed: a string must end"
            " with \" on the same line; fix it by hand (diglot update leaves it alone until then)"
        ),
    }
)

ALL_CASES = [*CASES]

BROKEN_PARAMS = [pytest.param(case, expected, id=case) for case, expected in CASES.items()]


def test_every_fixture_folder_is_a_case():
    folders = {p.name for p in BROKEN.iterdir() if p.is_dir() and p.name != "_base"}
    assert folders == set(ALL_CASES)
    assert len(ALL_CASES) == len(set(ALL_CASES)) >= 18


def test_valid_publication_exits_0(tmp_path):
    root = make_publication(tmp_path)
    result = validate(root)
    assert_clean_exit(result)
    assert result.exit_code == 0, result.output
    # The parity report: the English article has no Chinese catalog yet.
    assert result.stderr.splitlines() == [
        "locale/zh_Hans/LC_MESSAGES/2026-01/field-notes.po: warning: no zh-hans counterpart for any of the 6 messages"
        " of issues/2026-01/articles/field-notes.md: no catalog yet (run 'diglot update')"
    ]
    assert result.stdout.splitlines() == [
        "parity: 13 block pairs in 2 article(s), 6 without a counterpart",
        "1 issue(s), 2 article(s), 1 catalog(s): 0 error(s), 1 warning(s)",
    ]


@pytest.mark.parametrize(("case", "expected"), BROKEN_PARAMS)
def test_broken_case_is_reported_and_located(tmp_path, case, expected):
    root = make_publication(tmp_path, case)
    result = validate(root)
    assert_clean_exit(result)
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert expected in lines, "\n".join(lines)
    assert SUMMARY_RE.match(lines[-1]), lines[-1]
    assert result.stdout == ""


@pytest.mark.parametrize("case", ALL_CASES)
def test_no_traceback_for_any_case(tmp_path, case):
    root = make_publication(tmp_path, case)
    for args in ((), ("2026-01",)):
        result = validate(root, *args)
        assert_clean_exit(result)
        assert result.exit_code in (0, 1)


def test_two_faults_in_different_files_are_both_listed(tmp_path):
    root = make_publication(tmp_path, "misspelt-key", "front-matter-unknown-key")
    result = validate(root)
    assert_clean_exit(result)
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert CASES["misspelt-key"] in lines
    assert CASES["front-matter-unknown-key"] in lines
    assert len(lines) == 3, "\n".join(lines)
    assert lines[-1] == "1 issue(s), 2 article(s), 1 catalog(s): 2 error(s), 0 warning(s)"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("创意2030", "periodical.yaml:6:17: error: print.no_autospace must be a list of names, e.g. [创意2030], not '创意2030'"),
        ("[创意2030, '']", "periodical.yaml:6:26: error: each entry of print.no_autospace must not be empty"),
        (
            "[Creative 2030]",
            "periodical.yaml:6:18: error: print.no_autospace entry 'Creative 2030' has no Chinese character next to"
            " a Latin letter or digit, so there is no gap to leave out; list names as Chinese text writes them, e.g. 创意2030",
        ),
    ],
)
def test_a_bad_no_autospace_is_located(tmp_path, value, expected):
    root = make_publication(tmp_path)
    config = root / "periodical.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"print:\n  no_autospace: {value}\n", encoding="utf-8")
    result = validate(root)
    assert_clean_exit(result)
    assert result.exit_code == 1, result.output
    assert expected in result.stderr.splitlines(), result.stderr


def test_no_autospace_names_are_valid(tmp_path):
    root = make_publication(tmp_path)
    config = root / "periodical.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "print:\n  no_autospace: [创意2030, B站]\n", encoding="utf-8")
    result = validate(root)
    assert_clean_exit(result)
    assert result.exit_code == 0, result.output


def test_validate_one_issue_reports_its_fault(tmp_path):
    root = make_publication(tmp_path, "unknown-section")
    result = validate(root, "2026-01")
    assert_clean_exit(result)
    assert result.exit_code == 1
    assert CASES["unknown-section"] in result.stderr.splitlines()


@pytest.mark.parametrize("case", ALL_CASES)
def test_every_problem_line_has_line_and_column(tmp_path, case):
    root = make_publication(tmp_path, case)
    lines = validate(root).stderr.splitlines()
    assert lines
    for line in lines[:-1]:
        assert PROBLEM_RE.match(line), line


# One fault should be reported once, not as phantom problems elsewhere.
@pytest.mark.parametrize(
    ("case", "phantom"),
    [
        ("text-mapping-lacks-language", "unknown contributor 'wang-fang'"),
        ("periodical-yaml-syntax", "is not an edition language"),
        ("misspelt-key", "unknown contributor"),
        ("bad-issn", "edition language"),
        ("front-matter-yaml-error", "raw HTML"),
    ],
)
def test_one_fault_reports_no_phantom_problems(tmp_path, case, phantom):
    root = make_publication(tmp_path, case)
    result = validate(root)
    assert result.exit_code == 1
    assert not [line for line in result.stderr.splitlines() if phantom in line], result.stderr


def test_empty_issue_yaml_is_reported_after_an_earlier_error(tmp_path):
    root = make_publication(tmp_path, "bad-issn", "empty-issue-yaml")
    result = validate(root)
    assert_clean_exit(result)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert CASES["bad-issn"] in lines
    assert CASES["empty-issue-yaml"] in lines, "\n".join(lines)


def test_article_with_byte_order_mark_is_valid(tmp_path):
    root = make_publication(tmp_path)
    article = root / EN_ARTICLE
    article.write_bytes(b"\xef\xbb\xbf" + article.read_bytes())
    result = validate(root)
    assert_clean_exit(result)
    assert result.exit_code == 0, result.output


def test_raw_html_in_a_plural_translation_is_reported(tmp_path):
    root = make_publication(tmp_path)
    catalog = root / EN_CATALOG
    with catalog.open("a", encoding="utf-8") as f:
        f.write('\nmsgid "one river"\nmsgid_plural "{n} rivers"\nmsgstr[0] "one <b>river</b>"\nmsgstr[1] "{n} rivers"\n')
    result = validate(root)
    assert_clean_exit(result)
    assert result.exit_code == 1, result.output
    assert any(line.startswith(f"{EN_CATALOG}:") and "raw HTML" in line for line in result.stderr.splitlines())

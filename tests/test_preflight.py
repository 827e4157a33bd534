"""`diglot preflight`: what a printer would reject, found in the real layout, located where the fix goes.

The cases are laid out for real (WeasyPrint, the installed fonts) in copies of
tests/fixtures/lumen, a small A5 publication (English first, a picture with a
Chinese variant), each changed to carry the problems a test looks for.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import polib
import pytest
from PIL import Image

from diglot.render.preflight import unembedded_fonts

from .conftest import FIXTURES, REPO, copy_publication, run

ISSUE = "issues/spring-2027/issue.yaml"
ARTICLE = "issues/spring-2027/articles/dimming-the-square.md"
PICTURE = "issues/spring-2027/images/map.png"  # 1440 × 720: 352 ppi across the A5 column
ZH_CATALOG = "locale/zh_Hans/LC_MESSAGES/spring-2027/dimming-the-square.po"
CHECKSUM = "3f9a0c41d2e87b6653f9a0c41d2e87b6653f9a0c41d2e87b6653f9a0c41d2e87b66"
PROBLEM_RE = re.compile(r"^(?P<path>[^:\s][^:]*):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning): (?P<message>.+)$")


def picture(root: Path, rel: str, width: int, height: int) -> None:
    Image.new("RGB", (width, height), (40, 110, 170)).save(root / rel, format="PNG")


def line_of(root: Path, rel: str, text: str) -> int:
    lines = (root / rel).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def preflight(root: Path, *args: str):
    return run("--root", str(root), "preflight", *args)


@pytest.fixture(scope="module")
def faulty(tmp_path_factory) -> Path:
    """Lumen with one fault of each kind: a coarse picture, a coarse cover, characters no font has
    (one in the article, one only in its Chinese translation), an unbreakable string and a wide table."""
    root = copy_publication(FIXTURES / "lumen", tmp_path_factory.mktemp("faulty") / "lumen")
    picture(root, PICTURE, 480, 288)  # 5 in at 96 px an inch, so shrunk to the 104 mm column: 117 ppi
    picture(root, "issues/spring-2027/images/cover.png", 300, 200)
    issue = root / ISSUE
    issue.write_text(issue.read_text(encoding="utf-8").replace("title: Light after dark\n", "title: Light after dark\ncover: images/cover.png\n"), encoding="utf-8")
    article = root / ARTICLE
    text = article.read_text(encoding="utf-8")
    cells = " | ".join(f"Column{n}withaverylongunbreakableheading" for n in range(1, 4))
    text = text.replace(
        "The opposite happened.",
        "\ue000 marks the spot on the map.\n\n"
        f"The ledger's checksum is {CHECKSUM} in full.\n\n"
        f"| {cells} |\n|---|---|---|\n| 1 | 2 | 3 |\n\n"
        "The opposite happened.",
    )
    article.write_text(text, encoding="utf-8")
    catalog = polib.pofile(str(root / ZH_CATALOG))
    entry = next(e for e in catalog if e.msgid.startswith("When the council"))
    entry.msgstr = "\ue001" + entry.msgstr
    catalog.save()
    return root


@pytest.fixture(scope="module")
def faulty_result(faulty):
    return preflight(faulty)


def test_a_coarse_picture_is_an_error_at_its_markdown_line(faulty, faulty_result):
    assert faulty_result.exit_code == 1, faulty_result.output
    line = line_of(faulty, ARTICLE, "](images/map.png")
    expected = f"{ARTICLE}:{line}:1: error: images/map.png prints at 117 ppi at 104 mm wide (needs 300)"
    assert expected in faulty_result.stdout.splitlines(), faulty_result.stdout


def test_a_coarse_cover_is_located_at_the_cover_line(faulty, faulty_result):
    line = line_of(faulty, ISSUE, "cover:")
    found = [x for x in faulty_result.stdout.splitlines() if "images/cover.png" in x]
    assert found, faulty_result.stdout
    assert all(x.startswith(f"{ISSUE}:{line}:1: error: images/cover.png prints at ") and x.endswith(" (needs 300)") for x in found), found


def test_a_character_no_font_has_is_an_error_with_its_code_point(faulty, faulty_result):
    line = line_of(faulty, ARTICLE, "\ue000")
    expected = f"{ARTICLE}:{line}:1: error: U+E000 (private use) has no glyph in any embedded font"
    assert expected in faulty_result.stdout.splitlines(), faulty_result.stdout


def test_a_character_only_the_translation_has_is_located_in_the_catalog(faulty, faulty_result):
    line = line_of(faulty, ZH_CATALOG, "\ue001")
    col = (faulty / ZH_CATALOG).read_text(encoding="utf-8").splitlines()[line - 1].index("\ue001") + 1
    expected = f"{ZH_CATALOG}:{line}:{col}: error: U+E001 (private use) has no glyph in any embedded font"
    assert expected in faulty_result.stdout.splitlines(), faulty_result.stdout


def test_text_and_tables_wider_than_their_column(faulty, faulty_result):
    lines = faulty_result.stdout.splitlines()
    word = line_of(faulty, ARTICLE, CHECKSUM)
    col = (faulty / ARTICLE).read_text(encoding="utf-8").splitlines()[word - 1].index(CHECKSUM) + 1
    text = [x for x in lines if x.startswith(f"{ARTICLE}:{word}:{col}: error: text runs ")]
    assert len(text) == 1, lines
    assert re.search(r"text runs \d+\.\d mm past the right edge of its column: \"3f9a0c41d2e8[0-9a-f]+…\" cannot break", text[0])
    table = line_of(faulty, ARTICLE, "Column1")
    assert [x for x in lines if x.startswith(f"{ARTICLE}:{table}:1: error: a table runs ")], lines


def test_every_line_is_located_and_nothing_else_is_found(faulty_result):
    lines = faulty_result.stdout.splitlines()
    assert all(PROBLEM_RE.match(x) for x in lines), lines
    assert not any("font" in x and "not embedded" in x for x in lines)  # WeasyPrint embeds every font
    assert "Traceback" not in faulty_result.output
    assert re.fullmatch(r"preflight: 3 print edition\(s\) laid out: \d+ error\(s\), 0 warning\(s\)\n", faulty_result.stderr)


def test_json_output(faulty, faulty_result):
    result = preflight(faulty, "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["editions"] == ["pdf/spring-2027.en.pdf", "pdf/spring-2027.zh-hans.pdf", "pdf/spring-2027.parallel.pdf"]
    findings = data["findings"]
    assert data["errors"] == len(findings) and data["warnings"] == 0
    assert {f["code"] for f in findings} == {"picture-resolution", "missing-glyph", "overflow"}
    assert all(set(f) == {"path", "line", "col", "severity", "code", "message", "editions"} for f in findings)
    # the same findings as the text output, in the same order
    assert [f"{f['path']}:{f['line']}:{f['col']}: {f['severity']}: {f['message']}" for f in findings] == faulty_result.stdout.splitlines()
    coarse = next(f for f in findings if f["message"].startswith("images/map.png"))
    assert coarse["editions"] == ["pdf/spring-2027.en.pdf", "pdf/spring-2027.parallel.pdf"]  # zh-hans prints map.zh_Hans.png
    pua = next(f for f in findings if f["message"].startswith("U+E001"))
    assert pua["editions"] == ["pdf/spring-2027.zh-hans.pdf", "pdf/spring-2027.parallel.pdf"]


def test_a_picture_below_300_ppi_is_a_warning(tmp_path):
    root = copy_publication(FIXTURES / "lumen", tmp_path / "lumen")
    picture(root, "issues/spring-2027/images/map.zh_Hans.png", 820, 410)  # about 200 ppi across the column
    result = preflight(root)
    assert result.exit_code == 0, result.output
    line = line_of(root, ARTICLE, "](images/map.png")
    assert result.stdout.splitlines() == [
        f"{ARTICLE}:{line}:1: warning: images/map.zh_Hans.png prints at 200 ppi at 104 mm wide (needs 300)",
        "preflight: 3 print edition(s) laid out: 0 error(s), 1 warning(s)",
    ]


def test_one_issue_and_a_wrong_issue(tmp_path):
    root = copy_publication(FIXTURES / "lumen", tmp_path / "lumen")
    result = preflight(root, "spring-2027")
    assert result.exit_code == 0, result.output
    assert "preflight: 3 print edition(s) laid out: 0 error(s), 0 warning(s)" in result.stdout
    wrong = preflight(root, "no-such-issue")
    assert wrong.exit_code == 1 and "issues: error: no issue 'no-such-issue'" in wrong.stderr


def test_the_sample_preflights_without_errors():
    result = preflight(REPO)
    assert result.exit_code == 0, result.output
    assert "3 print edition(s) laid out: 0 error(s)" in result.stdout
    assert all(" warning: " in x and " ppi at " in x for x in result.stdout.splitlines()[:-1]), result.stdout


def test_build_fails_a_release_on_a_preflight_error_and_a_draft_goes_on(tmp_path):
    root = copy_publication(FIXTURES / "lumen", tmp_path / "lumen")
    picture(root, PICTURE, 200, 120)  # placed at its size, 96 px an inch
    line = line_of(root, ARTICLE, "](images/map.png")
    expected = f"{ARTICLE}:{line}:1: error: images/map.png prints at 96 ppi at 53 mm wide (needs 300)"
    release = run("--root", str(root), "build", "-l", "en", "--format", "pdf", "--out", str(tmp_path / "release"))
    assert release.exit_code == 1
    assert expected in release.stderr.splitlines()
    assert not (tmp_path / "release").exists()  # nothing written
    draft = run("--root", str(root), "build", "-l", "en", "--format", "pdf", "--draft", "--out", str(tmp_path / "draft"))
    assert draft.exit_code == 0, draft.output
    assert expected in draft.stderr.splitlines()
    assert "preflight: 1 error(s) in the print editions; a release build fails on them" in draft.stderr
    assert (tmp_path / "draft/pdf/spring-2027.en.pdf").is_file()


def test_unembedded_fonts_are_read_from_the_pdf():
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"), NameObject("/BaseFont"): NameObject("/Helvetica")})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})})
    data = io.BytesIO()
    writer.write(data)
    assert unembedded_fonts(data.getvalue()) == ["Helvetica"]


def test_help():
    result = run("preflight", "--help")
    assert result.exit_code == 0 and "diglot preflight" in result.stdout
    assert run("--root", str(REPO), "preflight", "--no-such-option").exit_code == 2

"""extract / update: standard gettext files that never lose a translation."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import polib
import pytest

from diglot import fsutil

from .conftest import REPO, run

WELCOME = "locale/en/LC_MESSAGES/example/welcome.po"
PARAGRAPH = "每篇文章都是一个 Markdown 文件。文章的每个段落、标题和列表项都会成为译者目录中的一条消息。"
ITEM = "在 `issue.yaml` 中添加文章；"


@pytest.fixture
def pub(tmp_path) -> Path:
    root = tmp_path / "pub"
    assert run("init", str(root)).exit_code == 0
    return root


def entry(root: Path, rel: str, msgid: str) -> polib.POEntry:
    po = polib.pofile(str(root / rel))
    found = [e for e in po if e.msgid == msgid]
    assert len(found) == 1, f"{msgid!r} in {rel}"
    return found[0]


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "locale").rglob("*")) if p.is_file()}


def msgfmt_check(path: Path) -> None:
    result = subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(path)], capture_output=True, text=True)
    assert result.returncode == 0, f"{path}: {result.stderr}"


def test_layout_follows_the_spec(pub):
    files = set(snapshot(pub))
    assert {
        "locale/pot/theme.pot",
        "locale/pot/periodical.pot",
        "locale/pot/example/issue.pot",
        "locale/pot/example/welcome.pot",
        "locale/zh_Hans/LC_MESSAGES/theme.po",
        "locale/en/LC_MESSAGES/periodical.po",
        "locale/en/LC_MESSAGES/example/issue.po",
        WELCOME,
    } <= files
    # a language never has a catalog for a unit written in that language
    assert not any(f.startswith("locale/zh_Hans/LC_MESSAGES/example/") for f in files)
    assert "locale/en/LC_MESSAGES/theme.po" not in files


def test_headers_references_and_comments(pub):
    po = polib.pofile(str(pub / WELCOME))
    assert po.metadata["Language"] == "en"
    assert po.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    found = entry(pub, WELCOME, PARAGRAPH)
    assert found.occurrences == [("issues/example/articles/welcome.md", "")]
    assert found.comment == "paragraph"
    text = (pub / WELCOME).read_text(encoding="utf-8")
    assert "#: issues/example/articles/welcome.md\n" in text  # a file, never a line


def test_update_twice_changes_nothing(pub):
    before = snapshot(pub)
    result = run("--root", str(pub), "update")
    assert result.exit_code == 0
    assert "0 file(s) written" in result.stdout
    assert snapshot(pub) == before


def test_changed_block_keeps_its_translation_as_fuzzy_with_previous_msgid(pub):
    old_translation = entry(pub, WELCOME, PARAGRAPH).msgstr
    changed = PARAGRAPH.replace("一条消息", "一条讯息")  # a one-character edit
    edit(pub, "issues/example/articles/welcome.md", PARAGRAPH, changed)
    assert run("--root", str(pub), "update").exit_code == 0
    updated = entry(pub, WELCOME, changed)
    assert "fuzzy" in updated.flags
    assert updated.previous_msgid == PARAGRAPH
    assert updated.msgstr == old_translation
    assert "#| msgid" in (pub / WELCOME).read_text(encoding="utf-8")


def test_removed_block_becomes_obsolete_with_its_translation(pub):
    old_translation = entry(pub, WELCOME, ITEM).msgstr
    edit(pub, "issues/example/articles/welcome.md", f"- {ITEM}\n", "")
    assert run("--root", str(pub), "update").exit_code == 0
    gone = entry(pub, WELCOME, ITEM)
    assert gone.obsolete and gone.msgstr == old_translation
    text = (pub / WELCOME).read_text(encoding="utf-8")
    assert f'#~ msgid "{ITEM}"' in text
    # and restoring the block brings the translation back
    edit(pub, "issues/example/articles/welcome.md", "## 接下来做什么\n\n", f"## 接下来做什么\n\n- {ITEM}\n")
    assert run("--root", str(pub), "update").exit_code == 0
    back = entry(pub, WELCOME, ITEM)
    assert not back.obsolete and back.msgstr == old_translation


def test_translator_comments_and_flags_survive(pub):
    po = polib.pofile(str(pub / WELCOME))
    target = next(e for e in po if e.msgid == PARAGRAPH)
    target.tcomment = "checked with the author"
    target.flags.append("no-wrap")
    po.save(str(pub / WELCOME))
    assert run("--root", str(pub), "update").exit_code == 0
    kept = entry(pub, WELCOME, PARAGRAPH)
    assert kept.tcomment == "checked with the author"
    assert "no-wrap" in kept.flags


def test_every_written_catalog_passes_msgfmt_check(pub):
    edit(pub, "issues/example/articles/welcome.md", PARAGRAPH, PARAGRAPH + "新句子。")
    assert run("--root", str(pub), "update").exit_code == 0
    for path in sorted((pub / "locale").rglob("*.po")):
        msgfmt_check(path)


def test_every_catalog_in_the_repository_passes_msgfmt_check():
    catalogs = [
        path
        for folder in ("locale", "src/diglot/skeleton/locale", "tests/fixtures/lumen/locale", "tests/fixtures/broken/_base/locale")
        for path in sorted((REPO / folder).rglob("*.po"))
    ]
    assert len(catalogs) >= 15
    for path in catalogs:
        msgfmt_check(path)


def test_a_catalog_that_does_not_parse_is_reported_and_left_alone(pub):
    broken = pub / WELCOME
    broken.write_text('msgid "a"\nmsgstr "b"\nthis is not gettext\n', encoding="utf-8")
    before = broken.read_bytes()
    other = pub / "locale/en/LC_MESSAGES/example/issue.po"
    edit(pub, "issues/example/issue.yaml", "title: 第一期", "title: 第一期（修订）")
    result = run("--root", str(pub), "update")
    assert result.exit_code == 1
    assert f"{WELCOME}:3:1: error: catalog does not parse: unexpected 'this'" in result.stderr
    assert broken.read_bytes() == before
    assert "第一期（修订）" in other.read_text(encoding="utf-8")  # the other catalogs still update


def test_theme_strings_are_extracted_from_the_templates(pub):
    pot = polib.pofile(str(pub / "locale/pot/theme.pot"))
    contents = next(e for e in pot if e.msgid == "Contents")
    assert ("templates/print.html", "") in contents.occurrences
    number = next(e for e in pot if e.msgid == "No. %(number)s")
    assert "python-format" in number.flags
    msgfmt_check(pub / "locale/zh_Hans/LC_MESSAGES/theme.po")


def test_atomic_write_keeps_the_old_file_when_the_write_fails(tmp_path, monkeypatch):
    target = tmp_path / "x.po"
    target.write_text("old", encoding="utf-8")

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        fsutil.atomic_write(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.po"]  # no temporary file left behind

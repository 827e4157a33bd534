"""diglot update on real files: every merge case, memory, other tools' files, kills and races."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import polib
import pytest

from diglot.catalog import pofile

from .conftest import run

DIGLOT = [sys.executable, "-m", "diglot.cli"]

LONG = (
    "Repair cafés began as small volunteer evenings, but over a decade they have become a quiet "
    "infrastructure of the circular economy: a place where broken kettles, torn coats and wobbly "
    "chairs are assessed, opened, mended and returned, and where the knowledge of how things are "
    "made is passed from one neighbour to the next. Each evening produces a ledger of what came "
    "in and what went out again, and those ledgers, read together, tell designers more about the "
    "lifespan of products than any laboratory test could hope to reveal in the same span of time, "
    "and at a fraction of its cost."
)
assert len(LONG) > 570


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def make_pub(root: Path, articles: dict[str, str], issue: str = "2027-01") -> Path:
    """An English-first publication; ``articles`` maps slug → Markdown body."""
    write(root / "periodical.yaml", "title: {en: Test Review, zh_Hans: 测试评论}\nlanguages: [en, zh_Hans]\n")
    entries = "".join(f"  - {{slug: {slug}, section: essays}}\n" for slug in articles)
    write(
        root / f"issues/{issue}/issue.yaml",
        f"number: 1\ndate: 2027-01\ntitle: {{en: One, zh_Hans: 一}}\nsections:\n  - {{id: essays, title: {{en: Essays, zh_Hans: 随笔}}}}\narticles:\n{entries}",
    )
    for slug, body in articles.items():
        write(root / f"issues/{issue}/articles/{slug}.md", f"---\ntitle: {{en: {slug}, zh_Hans: {slug}}}\n---\n\n{body}\n")
    return root


def catalog(root: Path, slug: str, issue: str = "2027-01") -> pofile.Catalog:
    return pofile.parse((root / f"locale/zh_Hans/LC_MESSAGES/{issue}/{slug}.po").read_text(encoding="utf-8"))


def translate_all(root: Path, prefix: str = "译文：") -> None:
    for path in sorted((root / "locale/zh_Hans/LC_MESSAGES").rglob("*.po")):
        cat = pofile.parse(path.read_text(encoding="utf-8"))
        for entry in cat.entries:
            if not entry.msgstr:
                entry.msgstr = prefix + entry.msgid[:40]
        path.write_text(pofile.dump(cat), encoding="utf-8")


def update(root: Path, *args: str):
    result = run("--root", str(root), "update", *args)
    assert result.exit_code == 0, result.output
    return result


def by_msgid(cat: pofile.Catalog) -> dict[str, pofile.Entry]:
    return {e.msgid: e for e in cat.entries}


def test_one_character_edit_in_a_long_paragraph_is_fuzzy_not_lost(tmp_path):
    root = make_pub(tmp_path / "pub", {"repair": f"{LONG}\n\nA second paragraph."})
    update(root)
    translate_all(root)
    update(root)
    old = by_msgid(catalog(root, "repair"))[LONG].msgstr
    edited = LONG.replace("kettles", "kettle")
    text = (root / "issues/2027-01/articles/repair.md").read_text(encoding="utf-8")
    (root / "issues/2027-01/articles/repair.md").write_text(text.replace(LONG, edited), encoding="utf-8")
    result = update(root)
    assert "1 changed, now fuzzy" in result.stdout
    entries = by_msgid(catalog(root, "repair"))
    assert entries[edited].fuzzy
    assert entries[edited].previous_msgid == LONG
    assert entries[edited].msgstr == old
    assert LONG not in entries  # neither untranslated nor obsolete: it became the fuzzy entry


def test_changed_blocks_are_matched_by_similarity_and_position(tmp_path):
    body = "\n\n".join(f"Paragraph number {n} talks about rivers, songs and the seasons of the delta." for n in range(1, 7))
    root = make_pub(tmp_path / "pub", {"rivers": body})
    update(root)
    translate_all(root, prefix="")
    update(root)
    before = by_msgid(catalog(root, "rivers"))
    # every paragraph edited the same way: each must take its own old translation, not a neighbour's
    edited = body.replace("talks about", "speaks of")
    (root / "issues/2027-01/articles/rivers.md").write_text(
        (root / "issues/2027-01/articles/rivers.md").read_text(encoding="utf-8").replace(body, edited), encoding="utf-8"
    )
    update(root)
    after = catalog(root, "rivers")
    for entry in after.entries:
        if entry.fuzzy:
            assert entry.msgstr == before[entry.previous_msgid].msgstr
            assert entry.previous_msgid.replace("talks about", "speaks of") == entry.msgid


def test_translation_memory_fills_exact_and_close_hits(tmp_path):
    boiler = "Letters to the editors are welcome and may be edited for length and clarity."
    root = make_pub(tmp_path / "pub", {"first": f"## Acknowledgements\n\n{boiler}"})
    update(root)
    translate_all(root)
    update(root)
    first = by_msgid(catalog(root, "first"))
    # a new article repeats the heading and, slightly changed, the boilerplate
    close = boiler.replace("editors", "editor")
    manifest = root / "issues/2027-01/issue.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + "  - {slug: second, section: essays}\n", encoding="utf-8")
    write(root / "issues/2027-01/articles/second.md", f"---\ntitle: {{en: second, zh_Hans: second}}\n---\n\n## Acknowledgements\n\n{close}\n\nSomething new.\n")
    result = update(root)
    assert "2 from memory" in result.stdout
    second = by_msgid(catalog(root, "second"))
    heading = second["Acknowledgements"]
    assert heading.msgstr == first["Acknowledgements"].msgstr and not heading.fuzzy
    assert heading.tcomments == ["diglot: from translation memory, locale/zh_Hans/LC_MESSAGES/2027-01/first.po"]
    near = second[close]
    assert near.fuzzy and near.previous_msgid == boiler and near.msgstr == first[boiler].msgstr
    assert second["Something new."].msgstr == ""


def test_two_copies_give_the_same_bytes(tmp_path):
    one = make_pub(tmp_path / "one", {"a": LONG, "b": "Short text.\n\n- item one\n- item two"})
    two = make_pub(tmp_path / "two", {"a": LONG, "b": "Short text.\n\n- item one\n- item two"})
    update(one)
    update(two)
    for path in sorted((one / "locale").rglob("*.po")):
        rel = path.relative_to(one)
        a, b = path.read_text(encoding="utf-8"), (two / rel).read_text(encoding="utf-8")
        strip = lambda t: "\n".join(l for l in t.splitlines() if "POT-Creation-Date" not in l)  # noqa: E731
        assert strip(a) == strip(b)


@pytest.mark.parametrize("msgcat_args", [["--no-wrap"], ["-w", "40"], ["--sort-output"]])
def test_a_catalog_saved_by_another_tool_merges_without_loss(tmp_path, msgcat_args):
    root = make_pub(tmp_path / "pub", {"a": f"{LONG}\n\nAnother paragraph, with *emphasis*.", "b": "Text."})
    update(root)
    translate_all(root)
    po = root / "locale/zh_Hans/LC_MESSAGES/2027-01/a.po"
    cat = pofile.parse(po.read_text(encoding="utf-8"))
    cat.entries[0].tcomments = ["checked by the author"]
    po.write_text(pofile.dump(cat), encoding="utf-8")
    update(root)
    canonical = po.read_text(encoding="utf-8")
    before = {e.msgid: (e.msgstr, e.tcomments) for e in pofile.parse(canonical).entries}
    # another tool rewrites it: other wrapping, order or header layout
    other = subprocess.run(["msgcat", *msgcat_args, str(po)], capture_output=True, text=True, check=True).stdout
    assert other != canonical
    po.write_text(other, encoding="utf-8")
    update(root)
    after = {e.msgid: (e.msgstr, e.tcomments) for e in pofile.parse(po.read_text(encoding="utf-8")).entries}
    assert after == before
    assert po.read_text(encoding="utf-8") == canonical  # and it is back in document order and our wrapping


def test_msgcat_round_trip_keeps_every_translation(tmp_path):
    root = make_pub(tmp_path / "pub", {"a": f"{LONG}\n\n> A \"quoted\" line with a back\\\\slash.\n\n1. first\n2. second"})
    update(root)
    translate_all(root)
    update(root)
    po = root / "locale/zh_Hans/LC_MESSAGES/2027-01/a.po"
    out = tmp_path / "roundtrip.po"
    subprocess.run(["msgcat", "-o", str(out), str(po)], check=True)
    ours = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(po))}
    theirs = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(out))}
    assert ours == theirs and len(ours) >= 4
    # and our reader reads msgcat's file the same way polib does
    assert {(e.msgctxt, e.msgid): e.msgstr for e in pofile.parse(out.read_text(encoding="utf-8")).entries} == theirs


def test_a_large_unchanged_archive_is_not_rewritten(tmp_path):
    root = make_pub(tmp_path / "pub", {f"a{n}": f"Paragraph {n}.\n\nMore text {n}." for n in range(30)})
    update(root)
    stamps = {p: p.stat().st_mtime_ns for p in (root / "locale").rglob("*.po*")}
    result = update(root)
    assert result.stdout.strip().endswith("0 file(s) written, 66 unchanged")
    assert {p: p.stat().st_mtime_ns for p in (root / "locale").rglob("*.po*")} == stamps


def test_the_cache_is_only_a_shortcut(tmp_path):
    """A translator's edit is seen even though the source did not change; deleting the cache loses nothing."""
    root = make_pub(tmp_path / "pub", {"a": "One paragraph."})
    update(root)
    po = root / "locale/zh_Hans/LC_MESSAGES/2027-01/a.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgid "One paragraph."\nmsgstr ""', 'msgid "One paragraph."\nmsgstr "一段。"'), encoding="utf-8")
    update(root)
    assert by_msgid(catalog(root, "a"))["One paragraph."].msgstr == "一段。"
    shutil.rmtree(root / "build")
    update(root)
    assert by_msgid(catalog(root, "a"))["One paragraph."].msgstr == "一段。"


# --- kills and races ----------------------------------------------------------------


def big_pub(root: Path) -> Path:
    body = "\n\n".join(f"{LONG[: 200 + n]} ({n})" for n in range(40))
    return make_pub(root, {f"article-{n:02d}": body for n in range(60)})


def snapshot(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted((root / "locale").rglob("*.po*"))
        if not p.name.startswith(".")  # a killed run's temporary file, never a catalog
    }


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src")}


def test_killing_update_leaves_each_catalog_old_or_new(tmp_path):
    root = big_pub(tmp_path / "pub")
    update(root)
    translate_all(root)
    update(root)
    old = snapshot(root)
    saved = tmp_path / "saved"
    shutil.copytree(root / "locale", saved / "locale")
    shutil.copytree(root / "build", saved / "build")
    for path in sorted((root / "issues").rglob("*.md")):
        path.write_text(path.read_text(encoding="utf-8").replace("kettles", "kettle"), encoding="utf-8")
    reference = tmp_path / "reference"
    shutil.copytree(root, reference)
    start = time.perf_counter()
    subprocess.run([*DIGLOT, "--root", str(reference), "-q", "update"], env=env(), check=True, capture_output=True)
    duration = time.perf_counter() - start
    new = snapshot(reference)
    assert set(new) == set(old) and any(new[k] != old[k] for k in new)

    # Kill at different moments; search for a moment inside the writing phase
    # (too early: all old; too late: all new) and check every outcome.
    low, high = 0.0, duration * 1.2
    mixed = 0
    for _attempt in range(12):
        delay = (low + high) / 2
        shutil.rmtree(root / "locale")
        shutil.rmtree(root / "build")
        shutil.copytree(saved / "locale", root / "locale")
        shutil.copytree(saved / "build", root / "build")
        process = subprocess.Popen([*DIGLOT, "--root", str(root), "-q", "update"], env=env(), start_new_session=True)
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        now = snapshot(root)
        assert set(now) == set(old)
        for rel, text in now.items():
            assert text in (old[rel], new[rel]), f"{rel} is neither the old nor the new catalog after a kill at {delay:.2f}s"
        changed = sum(1 for rel in now if now[rel] != old[rel])
        if changed == 0:
            low = delay
        elif changed == sum(1 for rel in now if new[rel] != old[rel]):
            high = delay
        else:
            mixed += 1
            if mixed >= 3:
                break
            low, high = low + (delay - low) / 2, high - (high - delay) / 2
    assert mixed, "no kill landed while catalogs were being written"
    # the next run finishes the job and tidies up
    update(root)
    assert snapshot(root).keys() == new.keys()
    assert {k: v for k, v in snapshot(root).items() if "POT-Creation" not in v} == {k: v for k, v in new.items() if "POT-Creation" not in v}
    assert not [p for p in (root / "locale").rglob("*.tmp")]


def test_two_updates_at_once_do_not_corrupt_a_catalog(tmp_path):
    root = big_pub(tmp_path / "pub")
    update(root)
    translate_all(root)
    update(root)
    for path in sorted((root / "issues").rglob("*.md")):
        path.write_text(path.read_text(encoding="utf-8").replace("kettles", "kettle"), encoding="utf-8")
    processes = [
        subprocess.Popen([*DIGLOT, "--root", str(root), "-q", "update"], env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    for process in processes:
        _out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()
    for rel, text in snapshot(root).items():
        cat = pofile.parse(text)  # parses: no interleaved or truncated writes
        if rel.endswith(".po"):
            assert all(e.has_translation for e in cat.entries if not e.obsolete), rel  # every translation kept (fuzzy or not)
    result = update(root)
    assert "0 file(s) written" in result.stdout

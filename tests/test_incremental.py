"""Builds at archive scale: only outputs whose inputs changed are rendered and written, in N processes.

On the Lumen fixture grown to two issues (the second a copy of the first
with its own number), each build with real WeasyPrint:

- a correction in one catalog renders that issue's PDFs in that language
  (and its parallel edition) again, and nothing else: the other PDFs keep
  their bytes and modification times, and so do the other issue's pages;
- a changed picture renders what shows it; a changed print stylesheet every PDF;
- ``--jobs 1`` and ``--jobs 2`` give the same files;
- a build killed while it renders leaves the previous output as it was.
"""

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

from .conftest import FIXTURES, copy_publication, run

A, B = "spring-2027", "summer-2027"
ZH_CATALOG = "locale/zh_Hans/LC_MESSAGES/{issue}/dimming-the-square.po"


def two_issues(target: Path) -> Path:
    root = copy_publication(FIXTURES / "lumen", target)
    shutil.copytree(root / "issues" / A, root / "issues" / B)
    manifest = root / "issues" / B / "issue.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("number: 4", "number: 5").replace("date: 2027-03", "date: 2027-06"), encoding="utf-8")
    for folder in sorted((root / "locale").glob(f"*/LC_MESSAGES/{A}")) + sorted((root / "locale").glob(f"pot/{A}")):
        shutil.copytree(folder, folder.parent / B)
    return root


def snapshot(out: Path) -> dict[str, tuple[int, bytes]]:
    """Every output file: (modification time, bytes)."""
    return {
        p.relative_to(out).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(out.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(out).parts)  # caches, staging
    }


def build(root: Path, *args: str):
    result = run("--root", str(root), "build", *args)
    assert result.exit_code == 0, result.output
    return result


def changed(before: dict, after: dict, prefix: str = "") -> set[str]:
    return {rel for rel in after if rel.startswith(prefix) and before.get(rel) != after[rel]}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = two_issues(tmp_path_factory.mktemp("incremental") / "lumen")
    build(root, "--jobs", "2")
    return root


def test_a_correction_renders_only_what_it_shapes(built, tmp_path):
    root = copy_publication(built, tmp_path / "lumen")
    shutil.copytree(built / "build", root / "build", copy_function=shutil.copy2)
    out = root / "build"
    before = snapshot(out)
    catalog = polib.pofile(str(root / ZH_CATALOG.format(issue=A)))
    entry = next(e for e in catalog if e.msgstr and not e.fuzzy and not e.obsolete)
    entry.msgstr = entry.msgstr + "。"
    catalog.save()
    result = build(root, "--jobs", "2")
    after = snapshot(out)
    assert changed(before, after, "pdf/") == {f"pdf/{A}.zh-hans.pdf", f"pdf/{A}.parallel.pdf"}, result.output
    # The other issue's pages, and the English pages, are the very files they were (but the parallel
    # view of the article, which shows the Chinese beside the English).
    assert not changed(before, after, f"site/zh-hans/{B}/")
    assert changed(before, after, "site/en/") == {f"site/en/{A}/dimming-the-square/parallel/index.html"}
    assert changed(before, after, f"site/zh-hans/{A}/dimming-the-square/")
    # Nothing changed since: nothing is rendered or written.
    again = build(root)
    assert "nothing changed" in again.output
    assert snapshot(out) == after


def test_a_picture_renders_what_shows_it_and_a_stylesheet_every_pdf(built, tmp_path):
    root = copy_publication(built, tmp_path / "lumen")
    shutil.copytree(built / "build", root / "build", copy_function=shutil.copy2)
    out = root / "build"
    before = snapshot(out)
    picture = next(p for p in sorted((root / "issues" / B / "images").glob("*.png")))
    picture.write_bytes(picture.read_bytes() + b"\0")  # the same picture, other bytes: an edit
    build(root, "--format", "pdf,parallel")
    middle = snapshot(out)
    assert changed(before, middle, "pdf/") and all(rel.startswith(f"pdf/{B}.") for rel in changed(before, middle, "pdf/"))
    (root / "templates").mkdir(exist_ok=True)
    from diglot.theme import builtin_templates

    css = (builtin_templates() / "print.css").read_text(encoding="utf-8")
    (root / "templates" / "print.css").write_text(css + "\n.bios { color: #333; }\n", encoding="utf-8")
    build(root, "--format", "pdf,parallel")
    assert changed(middle, snapshot(out), "pdf/") == {rel for rel in middle if rel.startswith("pdf/")}


def test_one_or_two_jobs_give_the_same_files(built, tmp_path):
    # Both builds in one folder: a picture's name in a PDF comes from its path.
    root = copy_publication(built, tmp_path / "lumen")
    build(root, "--jobs", "2", "--format", "pdf,parallel")
    two = {rel: data for rel, (_, data) in snapshot(root / "build").items() if rel.startswith("pdf/")}
    shutil.rmtree(root / "build")
    build(root, "--jobs", "1", "--format", "pdf,parallel")
    one = {rel: data for rel, (_, data) in snapshot(root / "build").items() if rel.startswith("pdf/")}
    assert one.keys() == two.keys() and len(one) == 6
    assert one == two


def test_a_killed_build_leaves_the_last_output(built, tmp_path):
    root = copy_publication(built, tmp_path / "lumen")
    shutil.copytree(built / "build", root / "build", copy_function=shutil.copy2)
    out = root / "build"
    before = snapshot(out)
    (root / "templates").mkdir(exist_ok=True)
    from diglot.theme import builtin_templates

    css = (builtin_templates() / "print.css").read_text(encoding="utf-8")
    (root / "templates" / "print.css").write_text(css + "\n.bios { color: #222; }\n", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1] / "src"))
    process = subprocess.Popen(
        [sys.executable, "-m", "diglot.cli", "--root", str(root), "-q", "build", "--jobs", "2"], env=env, start_new_session=True
    )
    # Kill it while it renders: once the first rendered PDF is waiting in the staging folder.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None and not any(out.glob(".pdf.new-*/pdf/*.pdf")):
        time.sleep(0.02)
    assert process.poll() is None, "the build ended before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert snapshot(out) == before
    # The next build clears what the killed one left and finishes the job.
    build(root)
    assert not list(out.glob(".pdf.new-*")) and not list(out.glob(".site.*"))
    assert changed(before, snapshot(out), "pdf/")

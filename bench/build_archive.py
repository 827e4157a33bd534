"""Benchmark: building an archive of N issues, in one process or two, from scratch or after one correction.

The archive is N copies of the sample issue (issues/2026-10, its six articles
and pictures, its catalogs), each with its own id and number, in a copy of
this publication. For each N (6, 12 and 24 by default), one run each of
`diglot build` (web, print and parallel editions):

- a full build with `--jobs 1`, and one with `--jobs 2` (each from an empty build folder);
- after one corrected translation (one message of one issue's English catalog), a build;
- a build right after, with nothing changed.

It prints seconds, peak memory (the build and its worker processes), the
outputs rendered, and the ratios SPEC §6 and task 12 set goals for:
`--jobs 2` ≤ 0.7× `--jobs 1`; a correction ≤ 0.2× a full build; full build
time linear in issues; peak memory < 500 MB at 24 issues and within 10% of
6; no-change < 0.1 s.

    .venv/bin/python bench/build_archive.py [--sizes 6,12,24] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE = "2026-10"
DIGLOT = str(REPO / ".venv/bin/diglot")


def make_archive(root: Path, issues: int) -> list[str]:
    """A copy of the sample publication with ``issues`` copies of its issue; their ids."""
    root.mkdir(parents=True)
    for name in ("periodical.yaml", "templates"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copyfile)(source, root / name)
    ids = []
    for n in range(issues):
        issue_id = f"{2027 + n // 12}-{n % 12 + 1:02d}"
        ids.append(issue_id)
        shutil.copytree(REPO / "issues" / SAMPLE, root / "issues" / issue_id)
        manifest = root / "issues" / issue_id / "issue.yaml"
        text = manifest.read_text(encoding="utf-8")
        lines = [f"number: {n + 1}" if line.startswith("number:") else f"date: {issue_id}" if line.startswith("date:") else line for line in text.splitlines()]
        manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for lang_dir in sorted((REPO / "locale").iterdir()):
        for item in sorted(lang_dir.rglob("*")):
            rel = item.relative_to(REPO / "locale")
            if SAMPLE in rel.parts:
                continue
            target = root / "locale" / rel
            if item.is_dir():
                target.mkdir(parents=True, exist_ok=True)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(item, target)
        for folder in (lang_dir / "LC_MESSAGES" / SAMPLE, lang_dir / SAMPLE):
            if folder.is_dir():
                for issue_id in ids:
                    shutil.copytree(folder, root / "locale" / folder.relative_to(REPO / "locale").parent / issue_id, dirs_exist_ok=True)
    return ids


def timed(root: Path, *args: str) -> tuple[float, int, str]:
    """Seconds, peak resident memory in MB (the build and its workers), and standard output."""
    start = time.perf_counter()
    process = subprocess.Popen([DIGLOT, "--root", str(root), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    out, err = process.stdout.read(), process.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"diglot {' '.join(args)} failed:\n{err[-3000:]}")
    return elapsed, usage.ru_maxrss // 1024, out


def correct(root: Path, issue_id: str) -> None:
    """One corrected word in one English translation."""
    po = root / "locale/en/LC_MESSAGES" / issue_id / "repair-as-design.po"
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace("Figure 1 draws this process as a loop.", "Figure 1 draws the process as a loop.", 1), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="6,12,24")
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="diglot-archive-"))
    rows = []
    print(f"{'issues':>6}{'jobs 1 s':>10}{'MB':>6}{'jobs 2 s':>10}{'MB':>6}{'j2/j1':>7}{'s/issue':>9}{'fix s':>8}{'fix/full':>9}{'no-change s':>13}")
    for size in (int(s) for s in args.sizes.split(",")):
        root = work / f"archive-{size}"
        shutil.rmtree(root, ignore_errors=True)
        ids = make_archive(root, size)
        t1, m1, _ = timed(root, "-q", "build", "--jobs", "1")
        shutil.rmtree(root / "build")
        t2, m2, _ = timed(root, "-q", "build", "--jobs", "2")
        correct(root, ids[len(ids) // 2])
        tf, _, _ = timed(root, "-q", "build", "--jobs", "2")
        tn, _, out = timed(root, "build")
        assert out.startswith("nothing changed"), out
        rows.append((size, t1, m1, t2, m2, tf, tn))
        print(f"{size:6d}{t1:10.1f}{m1:6d}{t2:10.1f}{m2:6d}{t2 / t1:7.2f}{t2 / size:9.2f}{tf:8.1f}{tf / t2:9.3f}{tn:13.3f}", flush=True)
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        print(f"\nper issue, jobs 2: {first[3] / first[0]:.2f} s at {first[0]} issues, {last[3] / last[0]:.2f} s at {last[0]} (linear: equal)")
        print(f"peak memory, jobs 2: {first[4]} MB at {first[0]} issues, {last[4]} MB at {last[0]} ({(last[4] / first[4] - 1) * 100:+.0f}%)")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

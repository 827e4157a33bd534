"""Benchmark: the print and parallel editions of a synthetic issue, diglot against bare WeasyPrint.

A synthetic issue (zh_Hans source, en translation filled in, figures of five
shapes at random points: tests/synthetic.py) is generated. For each print
edition, in one run and on the same machine:

- `diglot build --format pdf -l LANG` (the command line), median of N runs,
  with its peak memory;
- bare WeasyPrint (`weasyprint.HTML(...).write_pdf()` in a fresh process) on
  the final HTML: the HTML as diglot's page make-up left it (figures moved,
  paragraphs cut), laid out once, with the same CSS; median of N runs.

The ratio is the cost of diglot over one bare layout: reading the
publication, catalogs, templates, Chinese typesetting, the confined URL
fetcher, and the page make-up's extra layout passes (each article is its own
document, so a pass re-lays out one article, not the issue). The make-up's
passes (one per article at least, plus the front matter twice), floated
figures, cut paragraphs, tightened figures and pushed lines are printed.

Then the parallel edition (both layouts), against its peer, the two
single-language editions together: `diglot build --format parallel` against
the two `diglot build --format pdf -l LANG` runs (medians), and the render
alone, timed inside one process each (no start-up, no imports), against the
two single-language renders.

    .venv/bin/python bench/render_pdf.py [--runs 3] [--articles 24] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

sys.path.insert(0, str(REPO))
from tests.synthetic import make_issue, translate  # noqa: E402  (the issue the make-up tests use, figures and all)


def timed(command: list[str], root: Path | None = None) -> tuple[float, int]:
    if root is not None:  # a real build every time, not the "nothing changed" answer
        (root / "build/.cache/build.json").unlink(missing_ok=True)
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{command[:3]} failed: {process.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss // 1024


BARE = """
import sys
from pathlib import Path
from weasyprint import HTML, CSS
html, css, base, out = sys.argv[1:5]
HTML(string=Path(html).read_text(encoding="utf-8"), base_url=base).write_pdf(
    out, stylesheets=[CSS(string=Path(css).read_text(encoding="utf-8"))])
"""


def dump_final_html(root: Path, lang: str, work: Path) -> tuple[Path, Path, object]:
    """The HTML as page make-up left it (figures moved, paragraphs cut) and its CSS, for bare WeasyPrint; and the make-up report."""
    from diglot.render.edition import Edition
    from diglot.render.pdf import made_up, print_html
    from diglot.source.manifest import read_publication

    periodical, problems = read_publication(root)
    edition = Edition(periodical, lang, draft=False, problems=problems)
    _, css = print_html(periodical, edition, periodical.issues[0])
    html, report = made_up(periodical, edition, periodical.issues[0])
    html_path, css_path = work / f"final.{lang}.html", work / f"final.{lang}.css"
    html_path.write_text(html, encoding="utf-8")
    css_path.write_text(css, encoding="utf-8")
    return html_path, css_path, report


RENDER = """
import sys, time
from pathlib import Path
from weasyprint.text.fonts import FontConfiguration
from diglot.render.edition import Edition
from diglot.errors import Problems
from diglot.source.manifest import read_publication
from diglot.render.pdf import render_parallel, render_pdf
root, what = Path(sys.argv[1]), sys.argv[2]
periodical, problems = read_publication(root)
editions = {lang: Edition(periodical, lang, draft=False, problems=problems) for lang in periodical.languages}
issue = periodical.issues[0]
start = time.perf_counter()
if what in ("columns", "facing"):
    render_parallel(periodical, editions, issue, FontConfiguration(), layout=what)
else:
    render_pdf(periodical, editions[what], issue, FontConfiguration())
print(time.perf_counter() - start)
"""


def render_time(root: Path, what: str) -> float:
    """Seconds to render one edition, timed inside a fresh process (after imports and reading)."""
    out = subprocess.run([sys.executable, "-c", RENDER, str(root), what], capture_output=True, text=True, check=True).stdout
    return float(out.split()[-1])


def pdf_pages(pdf: Path) -> int:
    return int(subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout.split("Pages:")[1].split()[0])


def parallel_bench(root: Path, diglot: list[str], runs: int, singles: dict[str, float]) -> None:
    """The parallel edition against the two single-language editions together."""
    print(f"\n{'parallel':10}{'pages':>7}{'build s':>9}{'MB':>6}{'zh+en s':>9}{'ratio':>7}{'render s':>10}{'zh+en s':>9}{'ratio':>7}")
    alone = {lang: statistics.median(render_time(root, lang) for _ in range(runs)) for lang in ("zh_Hans", "en")}
    for layout in ("columns", "facing"):
        builds = [timed([*diglot, "build", "--format", "parallel", "--parallel-layout", layout], root) for _ in range(runs)]
        renders = [render_time(root, layout) for _ in range(runs)]
        t_build, m_build = statistics.median(t for t, _ in builds), max(m for _, m in builds)
        t_render = statistics.median(renders)
        pages = pdf_pages(root / "build/pdf/2030-01.parallel.pdf")
        both_build, both_render = sum(singles.values()), sum(alone.values())
        print(
            f"{layout:10}{pages:7d}{t_build:9.2f}{m_build:6d}{both_build:9.2f}{t_build / both_build:7.2f}"
            f"{t_render:10.2f}{both_render:9.2f}{t_render / both_render:7.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--articles", type=int, default=24)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="diglot-render-"))
    root = work / "issue"
    if root.exists():
        shutil.rmtree(root)
    rng = random.Random(120)
    make_issue(root, args.articles, rng)
    diglot = [str(REPO / ".venv/bin/diglot"), "--root", str(root), "-q"]
    subprocess.run([*diglot, "update"], check=True, stdout=subprocess.DEVNULL)
    translate(root, rng)
    subprocess.run([*diglot, "update"], check=True, stdout=subprocess.DEVNULL)

    print(f"{'edition':10}{'pages':>7}{'diglot s':>10}{'MB':>6}{'bare s':>9}{'MB':>6}{'ratio':>7}{'passes':>8}{'floated':>9}{'cut':>5}{'tightened':>10}{'pushed':>8}")
    singles: dict[str, float] = {}
    for lang, tag in (("zh_Hans", "zh-hans"), ("en", "en")):
        html, css, report = dump_final_html(root, lang, work)
        ours, bare = [], []
        bare_command = [sys.executable, "-c", BARE, str(html), str(css), root.as_uri() + "/", str(work / f"bare.{tag}.pdf")]
        for run in range(args.runs):  # alternate, and alternate who goes first, so both meet the same machine
            if run % 2:
                bare.append(timed(bare_command))
            ours.append(timed([*diglot, "build", "--format", "pdf", "-l", lang], root))
            if not run % 2:
                bare.append(timed(bare_command))
        pages = pdf_pages(root / f"build/pdf/2030-01.{tag}.pdf")
        t_ours, t_bare = statistics.median(t for t, _ in ours), statistics.median(t for t, _ in bare)
        singles[lang] = t_ours
        m_ours, m_bare = max(m for _, m in ours), max(m for _, m in bare)
        print(
            f"{tag:10}{pages:7d}{t_ours:10.2f}{m_ours:6d}{t_bare:9.2f}{m_bare:6d}{t_ours / t_bare:7.2f}"
            f"{report.passes:8d}{report.floated:9d}{report.filled:5d}{report.tightened:10d}{report.pushed:8d}"
        )
    parallel_bench(root, diglot, args.runs, singles)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

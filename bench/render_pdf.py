"""Benchmark: the print and parallel editions of a synthetic issue, diglot against bare WeasyPrint.

A synthetic issue (zh_Hans source, en translation filled in) is generated.
For each edition, in one run and on the same machine:

- `diglot build --format pdf -l LANG` (the command line), median of N runs,
  with its peak memory;
- bare WeasyPrint (`weasyprint.HTML(...).write_pdf()` in a fresh process) on
  the very HTML and CSS diglot hands to WeasyPrint, median of N runs.

The difference is diglot's overhead: reading the publication, catalogs,
templates, Chinese typesetting, the confined URL fetcher, writing.

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

from diglot.catalog import pofile  # noqa: E402

HAN = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"
WORDS = "river city craft repair garden memory climate water music market workshop archive street harvest season design culture heritage energy community school library bridge harbour forest village museum theatre song story print textile timber bamboo clay stone paper solar wind rain flood the a of and to in for with on by from as at into over between through makes keeps shares builds carries teaches changes grows mends quietly slowly together again often carefully shared public small old new long warm green careful patient practical".split()


def zh_paragraph(rng: random.Random) -> str:
    out = []
    for _ in range(rng.randint(5, 9)):
        sentence = "".join(rng.choice(HAN) for _ in range(rng.randint(12, 30)))
        if rng.random() < 0.3:
            sentence += f"{rng.randint(2, 2030)}年"
        if rng.random() < 0.15:
            sentence += "UNESCO"
        out.append(sentence + rng.choice("，。。；"))
    return "".join(out)[:-1] + "。"


def en_paragraph(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(70, 120))]
    return " ".join(words).capitalize() + "."


def make_issue(root: Path, articles: int, rng: random.Random) -> None:
    (root / "issues/2030-01/articles").mkdir(parents=True)
    (root / "periodical.yaml").write_text("title: {zh_Hans: 基准评论, en: Bench Review}\nlanguages: [zh_Hans, en]\nissn: 2049-3630\n", encoding="utf-8")
    entries, contributors = [], []
    for a in range(articles):
        slug = f"article-{a + 1:02d}"
        contributors.append(f"  a{a}: {{name: {{zh_Hans: 作者{a + 1}, en: Author {a + 1}}}}}")
        entries.append(f"  - {{slug: {slug}, section: {'one' if a % 2 else 'two'}, authors: [a{a}]}}")
        blocks = [f"## 第{h + 1}节\n\n" + "\n\n".join(zh_paragraph(rng) for _ in range(4)) for h in range(3)]
        blocks.insert(1, zh_paragraph(rng) + "[^1]")
        blocks.append("[^1]: " + zh_paragraph(rng)[:80])
        (root / f"issues/2030-01/articles/{slug}.md").write_text(
            f"---\ntitle: 第{a + 1}篇文章的标题\nabstract: {zh_paragraph(rng)[:90]}\n---\n\n" + "\n\n".join(blocks) + "\n", encoding="utf-8"
        )
    (root / "issues/2030-01/issue.yaml").write_text(
        "number: 1\ndate: 2030-01\ntitle: 基准一期\nsections:\n  - {id: one, title: 专题}\n  - {id: two, title: 观察}\n"
        "contributors:\n" + "\n".join(contributors) + "\narticles:\n" + "\n".join(entries) + "\n",
        encoding="utf-8",
    )


def translate(root: Path, rng: random.Random) -> None:
    for path in sorted((root / "locale/en/LC_MESSAGES").rglob("*.po")):
        catalog = pofile.parse(path.read_text(encoding="utf-8"))
        for entry in catalog.entries:
            if not entry.msgstr:
                text = en_paragraph(rng) if len(entry.msgid) > 40 else " ".join(rng.choice(WORDS) for _ in range(4)).capitalize()
                entry.msgstr = text + ("[^1]" if "[^1]" in entry.msgid else "")
        path.write_text(pofile.dump(catalog), encoding="utf-8")


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


def dump_final_html(root: Path, lang: str, work: Path) -> tuple[Path, Path]:
    from diglot.render.edition import Edition
    from diglot.render.pdf import print_html
    from diglot.source.manifest import read_publication

    periodical, problems = read_publication(root)
    edition = Edition(periodical, lang, draft=False, problems=problems)
    html, css = print_html(periodical, edition, periodical.issues[0])
    html_path, css_path = work / f"final.{lang}.html", work / f"final.{lang}.css"
    html_path.write_text(html, encoding="utf-8")
    css_path.write_text(css, encoding="utf-8")
    return html_path, css_path


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

    print(f"{'edition':10}{'pages':>7}{'diglot s':>10}{'MB':>6}{'bare s':>9}{'MB':>6}{'overhead':>10}")
    singles: dict[str, float] = {}
    for lang, tag in (("zh_Hans", "zh-hans"), ("en", "en")):
        html, css = dump_final_html(root, lang, work)
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
        print(f"{tag:10}{pages:7d}{t_ours:10.2f}{m_ours:6d}{t_bare:9.2f}{m_bare:6d}{(t_ours / t_bare - 1) * 100:9.1f}%")
    parallel_bench(root, diglot, args.runs, singles)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

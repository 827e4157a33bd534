"""Benchmark: diglot's web build of the sample issue against Sphinx + MyST + sphinx-intl.

The same six articles of issues/2026-10 are built by both tools, in both
languages. Sphinx gets a project of its own in a work folder: every article
with its front matter stripped and its title as the page's `#` heading, the
issue's pictures, an index page with a toctree in the issue's order, and
myst-parser (GitHub tables and `[^1]` footnotes are in MyST's defaults).
Sphinx has one source language per project, so the source is `zh_CN` for
every page; the English edition goes through Sphinx's gettext workflow
(`sphinx-build -b gettext`, `sphinx-intl update -l en`), with the msgstr
filled from diglot's own catalogs where the msgids match (whitespace
collapsed; a picture's paragraph, one Sphinx message, is put together from
diglot's alt text and caption). The English-source articles are "translated" into English too:
their msgstr is their msgid, so both builds translate every article once.
Sphinx picks `images/repair-cycle.en.png` for the English build itself.

Sphinx, myst-parser and sphinx-intl live in their own virtualenv,
bench/.venv-sphinx, created and filled from PyPI on the first run. After one
untimed build of each tool (which also compiles Sphinx's .mo files), runs
alternate between the tools; median of N runs of:

- Sphinx, a full build of both languages: `sphinx-build -E -b html` for
  zh_CN, then the same with `-D language=en`, each into an emptied folder;
- `diglot build --format html --draft`, the full build of both web editions
  (its output folder's site/ removed before each run);
- the same diglot command again right after, nothing changed.

    .venv/bin/python bench/build_html.py [--runs 5] [--keep DIR]
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from diglot.catalog import pofile  # noqa: E402

ISSUE = "2026-10"
SPHINX_VENV = REPO / "bench/.venv-sphinx"
SPHINX_PACKAGES = ["sphinx", "sphinx-intl", "myst-parser"]

CONF_PY = '''\
project = "Creative 2030"
extensions = ["myst_parser"]
source_suffix = {".md": "markdown"}
language = "zh_CN"           # one source language per project; en comes from the catalogs
locale_dirs = ["locales/"]
gettext_compact = False      # one catalog per page, as diglot has one per article
exclude_patterns = ["locales", "_build"]
# GitHub tables and [^1] footnotes are on by default in myst-parser.
'''


# --- the Sphinx virtualenv ----------------------------------------------------


def ensure_sphinx() -> str:
    """Create bench/.venv-sphinx if needed; returns the installed versions."""
    python = SPHINX_VENV / "bin/python"
    probe = [str(python), "-c", "import sphinx, sphinx_intl, myst_parser; print(f'Sphinx {sphinx.__version__}, myst-parser {myst_parser.__version__}')"]
    if python.exists():
        done = subprocess.run(probe, capture_output=True, text=True)
        if done.returncode == 0:
            return done.stdout.strip()
    else:
        if shutil.which("python3") is None:
            raise SystemExit("python3 not found: it is needed to create bench/.venv-sphinx")
        print(f"creating {SPHINX_VENV.relative_to(REPO)} ...", flush=True)
        done = subprocess.run(["python3", "-m", "venv", str(SPHINX_VENV)], capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"python3 -m venv {SPHINX_VENV} failed (on Debian: apt-get install python3-venv):\n{done.stderr}")
    print(f"installing {', '.join(SPHINX_PACKAGES)} into {SPHINX_VENV.relative_to(REPO)} ...", flush=True)
    done = subprocess.run([str(python), "-m", "pip", "install", "-q", *SPHINX_PACKAGES], capture_output=True, text=True)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-20:])
        raise SystemExit(
            f"pip install {' '.join(SPHINX_PACKAGES)} failed (exit {done.returncode}); is PyPI reachable?\n{tail}\n"
            f"Fix the cause, or remove {SPHINX_VENV} and run again."
        )
    done = subprocess.run(probe, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{SPHINX_VENV} is unusable after pip install:\n{done.stderr}")
    return done.stdout.strip()


def tool(name: str) -> str:
    return str(SPHINX_VENV / "bin" / name)


def run(command: list[str], what: str) -> tuple[float, str]:
    """Run a command; (seconds, its stderr). Stops the benchmark if it fails."""
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{what} failed (exit {done.returncode}): {' '.join(command)}\n{done.stderr}")
    return elapsed, done.stderr


# --- the Sphinx project ---------------------------------------------------------


def read_issue() -> tuple[str, list[tuple[str, str]]]:
    """(issue title, [(slug, source language)] in the issue's order)."""
    periodical = yaml.safe_load((REPO / "periodical.yaml").read_text(encoding="utf-8"))
    issue = yaml.safe_load((REPO / "issues" / ISSUE / "issue.yaml").read_text(encoding="utf-8"))
    default = issue.get("source_language") or periodical["languages"][0]
    return issue["title"], [(a["slug"], a.get("source_language", default)) for a in issue["articles"]]


def make_project(src: Path, title: str, articles: list[tuple[str, str]]) -> None:
    src.mkdir(parents=True)
    (src / "conf.py").write_text(CONF_PY, encoding="utf-8")
    shutil.copytree(REPO / "issues" / ISSUE / "images", src / "images")
    toctree = "\n".join(slug for slug, _ in articles)
    (src / "index.md").write_text(f"# {title}\n\n```{{toctree}}\n:maxdepth: 1\n\n{toctree}\n```\n", encoding="utf-8")
    for slug, _ in articles:
        text = (REPO / "issues" / ISSUE / "articles" / f"{slug}.md").read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        heading = yaml.safe_load(front)["title"]
        (src / f"{slug}.md").write_text(f"# {heading}\n\n{body.lstrip()}", encoding="utf-8")


def normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def diglot_translations(lang: str) -> dict[str, str]:
    """msgid → msgstr of diglot's translated entries for one language (all its catalogs)."""
    out: dict[str, str] = {}
    for path in sorted((REPO / "locale" / lang / "LC_MESSAGES").rglob("*.po")):
        for entry in pofile.parse(path.read_text(encoding="utf-8")).live():
            if entry.msgstr and not entry.fuzzy:
                out.setdefault(normal(entry.msgid), entry.msgstr)
    return out


PICTURE = re.compile(r'!\[(?P<alt>[^\]]*)\]\((?P<uri>\S+?)(?: "(?P<title>[^"]*)")?\)')


def lookup(msgid: str, table: dict[str, str]) -> str | None:
    """The translation of a Sphinx msgid in diglot's messages, or None.

    Sphinx keeps a picture's paragraph whole (`![alt](uri "caption")`) where
    diglot has two messages, the alt text and the caption: those are put back
    together."""
    key = normal(msgid)
    if key in table:
        return table[key]
    picture = PICTURE.fullmatch(key)
    if picture is None:
        return None
    alt = table.get(normal(picture["alt"])) if picture["alt"] else ""
    caption = table.get(normal(picture["title"])) if picture["title"] else ""
    if alt is None or caption is None:
        return None
    return f"![{alt}]({picture['uri']}" + (f' "{caption}")' if caption else ")")


def fill_catalogs(locales: Path, english_source: set[str]) -> tuple[dict[str, int], list[str]]:
    """Fill Sphinx's en catalogs from diglot's; (counts, the msgids diglot does not have)."""
    en = diglot_translations("en")
    as_is = {key: key for key in diglot_translations("zh_Hans")}  # the English-source articles' msgids
    counts = dict.fromkeys(["zh", "filled", "pictures", "en", "en known", "en numbers"], 0)
    unmatched: list[str] = []
    for path in sorted((locales / "en/LC_MESSAGES").glob("*.po")):
        catalog = pofile.parse(path.read_text(encoding="utf-8"))
        for entry in catalog.live():
            picture = PICTURE.fullmatch(normal(entry.msgid)) is not None
            if path.stem in english_source:
                counts["en"] += 1
                entry.msgstr = entry.msgid
                if lookup(entry.msgid, as_is) is not None:
                    counts["en known"] += 1
                elif re.fullmatch(r"[\d.,%]+", entry.msgid.strip()):
                    counts["en numbers"] += 1
                else:
                    unmatched.append(f"{path.stem}: {entry.msgid}")
                continue
            counts["zh"] += 1
            translation = lookup(entry.msgid, en)
            if translation is None:
                unmatched.append(f"{path.stem}: {entry.msgid}")
            else:
                entry.msgstr = translation
                counts["filled"] += 1
                counts["pictures"] += picture
        path.write_text(pofile.dump(catalog), encoding="utf-8")
    return counts, unmatched


def warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "WARNING" in line or "ERROR" in line]


# --- the timed builds -----------------------------------------------------------


def sphinx_full(project: Path) -> tuple[float, list[str]]:
    """Both languages from scratch; (seconds, warnings)."""
    total, found = 0.0, []
    for lang in ("zh_CN", "en"):
        out = project / f"html-{lang}"
        shutil.rmtree(out, ignore_errors=True)
        command = [tool("sphinx-build"), "-q", "-E", "-b", "html", str(project / "src"), str(out)]
        if lang != "zh_CN":
            command[5:5] = ["-D", f"language={lang}"]
        elapsed, stderr = run(command, f"sphinx-build ({lang})")
        total += elapsed
        found += [f"[{lang}] {w}" for w in warnings(stderr)]
    return total, found


def diglot_build(out: Path, full: bool) -> float:
    if full:
        shutil.rmtree(out / "site", ignore_errors=True)
    command = [str(REPO / ".venv/bin/diglot"), "--root", str(REPO), "-q", "build", "--format", "html", "--draft", "--out", str(out)]
    return run(command, "diglot build")[0]


def check_outputs(project: Path, diglot_out: Path, articles: list[tuple[str, str]]) -> str:
    """Both tools really built every article in both languages; a one-line summary."""
    sphinx_pages = {lang: len(list((project / f"html-{lang}").glob("*.html"))) for lang in ("zh_CN", "en")}
    for slug, _ in articles:
        for lang in ("zh_CN", "en"):
            if not (project / f"html-{lang}" / f"{slug}.html").is_file():
                raise SystemExit(f"Sphinx wrote no {slug}.html for {lang}")
    english = (project / "html-en/repair-as-design.html").read_text(encoding="utf-8")
    if "Repair Is Design Too" not in english:
        raise SystemExit("the English Sphinx build is not translated (no 'Repair Is Design Too' in repair-as-design.html)")
    if "repair-cycle.en.png" not in english:
        print("note: Sphinx's English build does not use images/repair-cycle.en.png")
    if "<table" not in (project / "html-zh_CN/counting-the-creative-economy.html").read_text(encoding="utf-8"):
        raise SystemExit("Sphinx did not render the GitHub table of counting-the-creative-economy")
    site = diglot_out / "site"
    diglot_pages = len(list(site.rglob("*.html")))
    return (
        f"output: Sphinx {sphinx_pages['zh_CN']} + {sphinx_pages['en']} HTML pages; "
        f"diglot {diglot_pages} HTML pages (with issue, contributor and index pages and a Pagefind index)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="build the Sphinx project and all output here and keep it")
    args = parser.parse_args()

    versions = ensure_sphinx()
    work = (args.keep or Path(tempfile.mkdtemp(prefix="diglot-bench-html-"))).resolve()
    project = work / "sphinx"
    diglot_out = work / "diglot"
    shutil.rmtree(project, ignore_errors=True)
    shutil.rmtree(diglot_out, ignore_errors=True)

    title, articles = read_issue()
    make_project(project / "src", title, articles)
    english_source = {slug for slug, lang in articles if lang == "en"}
    print(f"{versions}; issue {ISSUE}: {len(articles)} articles ({len(english_source)} English-source); work folder {work}")

    # Sphinx's translation workflow, untimed: the equivalent of diglot's catalogs on disk.
    run([tool("sphinx-build"), "-q", "-b", "gettext", str(project / "src"), str(project / "gettext")], "sphinx-build -b gettext")
    run([tool("sphinx-intl"), "update", "-p", str(project / "gettext"), "-l", "en", "-d", str(project / "src/locales")], "sphinx-intl update")
    counts, unmatched = fill_catalogs(project / "src/locales", english_source)
    print(
        f"Sphinx en catalogs, {counts['zh'] + counts['en']} messages. Chinese-source pages: {counts['filled']}/{counts['zh']} "
        f"filled from diglot's en catalogs ({counts['filled'] / max(counts['zh'], 1):.0%}; {counts['pictures']} picture(s) put "
        f"together from diglot's alt text and caption), {counts['zh'] - counts['filled']} left empty. English-source pages: "
        f"{counts['en']} kept as they are (msgstr = msgid), {counts['en known']} of them diglot msgids too, "
        f"{counts['en numbers']} numeric table cells diglot does not extract"
    )
    for line in unmatched[:10]:
        print(f"  no diglot msgid for  {line[:110]}")
    if len(unmatched) > 10:
        print(f"  ... and {len(unmatched) - 10} more")

    # One untimed build of each: compiles the .mo files, warms the disk cache.
    _, found = sphinx_full(project)
    diglot_build(diglot_out, full=True)
    print(check_outputs(project, diglot_out, articles))
    print(f"Sphinx warnings: {len(found)}")
    for line in found[:10]:
        print(f"  {line[:150]}")

    sphinx_times, full_times, nochange_times = [], [], []
    for _ in range(args.runs):
        sphinx_times.append(sphinx_full(project)[0])
        full_times.append(diglot_build(diglot_out, full=True))
        nochange_times.append(diglot_build(diglot_out, full=False))
    sphinx = statistics.median(sphinx_times)
    full = statistics.median(full_times)
    nochange = statistics.median(nochange_times)

    print()
    print(f"{'median of ' + str(args.runs) + ' runs':44}{'seconds':>9}")
    print(f"{'Sphinx full build, zh_CN + en':44}{sphinx:9.3f}")
    print(f"{'diglot full build, zh_Hans + en':44}{full:9.3f}")
    print(f"{'diglot no-change rebuild':44}{nochange:9.3f}")
    print()
    print(f"diglot full / Sphinx full:        {full / sphinx:.3f}x  (goal <= 0.5x)")
    print(f"diglot no-change / diglot full:   {nochange / full:.3f}x  (goal <= 0.1x)")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

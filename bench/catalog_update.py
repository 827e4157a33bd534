"""Benchmark: `diglot update` against GNU msgmerge and Babel on a large archive.

A synthetic publication of 20 issues x 10 articles x 100 paragraphs (20,000
messages, English source, zh_Hans catalogs filled in) is generated; then 10%
of the paragraphs are edited by one word. On the same files:

- `diglot update` (the command line, as a user runs it), median of N runs,
  every run starting from the same catalogs and cache;
- a no-change `diglot update` right after;
- GNU `msgmerge --previous` over every catalog and its new template, one
  after the other (how a Makefile runs it), and also two at a time;
- Babel's `Catalog.update` (read_po, update, write_po), stopped after a time
  limit and extrapolated.

It counts the fuzzy matches each produced and how many are correct (the
changed paragraph kept the translation of the paragraph it came from, with
that paragraph as the previous msgid), and the peak memory of diglot.

diglot runs twice a round: without a glossary, and with a `glossary.yaml` of
`--glossary` terms (300 by default: two-word phrases of the archive's
vocabulary, about one a paragraph), each from catalogs settled in its own
state; the difference is what the glossary costs.

    .venv/bin/python bench/catalog_update.py [--runs 5] [--glossary 300] [--babel-limit 60] [--keep DIR]
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

ISSUES, ARTICLES, PARAGRAPHS = 20, 10, 100
WORDS = (
    "river city craft repair garden memory climate water music festival market workshop archive "
    "neighbourhood street courtyard harvest season material design culture heritage energy community "
    "school library bridge harbour forest meadow island village museum theatre song story dance print "
    "textile ceramic timber bamboo clay stone paper glass wool cotton solar wind rain flood drought "
    "the a of and to in for with on by from as at into over under between among through across "
    "makes keeps shares builds carries teaches remembers changes grows mends counts sings writes "
    "quietly slowly together again often rarely carefully openly locally seasonal shared public small "
    "old new long short bright warm cool green blue careful patient generous practical ordinary"
).split()
HAN = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"


def paragraph(rng: random.Random, serial: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(60, 110))]
    words[0] = words[0].capitalize()
    return " ".join(words) + f" (note {serial})."


def chinese(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(HAN) for _ in range(n)) + "。"


def make_archive(root: Path, rng: random.Random) -> dict[str, str]:
    """Write the publication; returns every paragraph's msgid → its zh_Hans translation."""
    (root / "issues").mkdir(parents=True)
    (root / "periodical.yaml").write_text(
        "title: {en: Bench Review, zh_Hans: 基准评论}\nlanguages: [en, zh_Hans]\n", encoding="utf-8"
    )
    serial = 0
    translations: dict[str, str] = {}
    for i in range(ISSUES):
        issue_id = f"2030-{i + 1:02d}"
        folder = root / "issues" / issue_id / "articles"
        folder.mkdir(parents=True)
        articles = []
        for a in range(ARTICLES):
            slug = f"article-{a + 1:02d}"
            paragraphs = []
            for _ in range(PARAGRAPHS - 1):
                serial += 1
                text = paragraph(rng, serial)
                paragraphs.append(text)
                translations[text] = chinese(rng, len(text) // 3)
            title = f"Article {a + 1} of issue {i + 1}"
            translations[title] = f"第{i + 1}期第{a + 1}篇文章"
            body = "\n\n".join(paragraphs)
            (folder / f"{slug}.md").write_text(f"---\ntitle: {title}\n---\n\n{body}\n", encoding="utf-8")
            articles.append(f"  - {{slug: {slug}, section: essays}}")
        manifest = (
            f"number: {i + 1}\ndate: 2030-{(i % 12) + 1:02d}\ntitle: Issue {i + 1}\n"
            "sections:\n  - {id: essays, title: Essays}\narticles:\n" + "\n".join(articles) + "\n"
        )
        translations[f"Issue {i + 1}"] = f"第{i + 1}期"
        translations["Essays"] = "随笔"
        translations["Bench Review"] = "基准评论"
        (root / "issues" / issue_id / "issue.yaml").write_text(manifest, encoding="utf-8")
    return translations


def fill(root: Path, translations: dict[str, str]) -> None:
    for path in sorted((root / "locale/zh_Hans/LC_MESSAGES").rglob("*.po")):
        catalog = pofile.parse(path.read_text(encoding="utf-8"))
        for entry in catalog.entries:
            if not entry.msgstr and entry.msgid in translations:
                entry.msgstr = translations[entry.msgid]
        path.write_text(pofile.dump(catalog), encoding="utf-8")


def edit(root: Path, rng: random.Random) -> dict[str, str]:
    """Change one word in 10% of the paragraphs; returns new msgid → old msgid."""
    changed: dict[str, str] = {}
    for path in sorted((root / "issues").rglob("*.md")):
        head, body = path.read_text(encoding="utf-8").split("---\n\n", 1)
        paragraphs = body.rstrip("\n").split("\n\n")
        for index in rng.sample(range(len(paragraphs)), k=len(paragraphs) // 10):
            words = paragraphs[index].split(" ")
            position = rng.randrange(1, len(words) - 3)
            words[position] = rng.choice([w for w in WORDS if w != words[position]])
            new = " ".join(words)
            changed[new] = paragraphs[index]
            paragraphs[index] = new
        path.write_text(head + "---\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return changed


STOP = set("the a of and to in for with on by from as at into over under between among through across".split())


def glossary_yaml(rng: random.Random, terms: int) -> str:
    """``terms`` entries, two-word phrases of the vocabulary ("river craft"): as in a real glossary, a
    paragraph holds one or two of them (a glossary of single common words would match every one)."""
    content = [w for w in WORDS if w not in STOP]
    chosen: list[str] = []
    while len(chosen) < terms:
        phrase = f"{rng.choice(content)} {rng.choice(content)}"
        if phrase not in chosen:
            chosen.append(phrase)
    lines = [f"- {{en: {term}, zh_Hans: {chinese(rng, rng.randint(2, 4))[:-1]}}}" for term in chosen[:terms]]
    return "\n".join(lines) + "\n"


def diglot(root: Path, *args: str) -> tuple[float, int]:
    """Run the diglot command line; (seconds, peak RSS in KiB of it and its workers)."""
    exe = REPO / ".venv/bin/diglot"
    start = time.perf_counter()
    process = subprocess.Popen([str(exe), "--root", str(root), "-q", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"diglot {' '.join(args)} failed: {process.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss


def snapshot(root: Path, target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(root / "locale", target / "locale")
    if (root / "build/.cache").exists():
        shutil.copytree(root / "build/.cache", target / "cache")


def restore(root: Path, source: Path) -> None:
    shutil.rmtree(root / "locale")
    shutil.copytree(source / "locale", root / "locale")
    shutil.rmtree(root / "build/.cache", ignore_errors=True)
    if (source / "cache").exists():
        shutil.copytree(source / "cache", root / "build/.cache")


def comments(root: Path) -> int:
    return sum(p.read_text(encoding="utf-8").count("#. glossary: ") for p in (root / "locale").rglob("*.po"))


def score(catalogs: list[Path], changed: dict[str, str], old_translations: dict[str, str]) -> tuple[int, int]:
    """(fuzzy entries, correct ones) in the given catalogs."""
    fuzzy = correct = 0
    for path in catalogs:
        if not path.is_file():  # msgmerge writes nothing for a catalog without messages
            continue
        catalog = pofile.parse(path.read_text(encoding="utf-8"))
        for entry in catalog.entries:
            if entry.obsolete or not entry.fuzzy:
                continue
            fuzzy += 1
            old = changed.get(entry.msgid)
            if old is not None and entry.previous_msgid == old and entry.msgstr == old_translations.get(old):
                correct += 1
    return fuzzy, correct


def msgmerge_all(pairs: list[tuple[Path, Path, Path]], jobs: int) -> float:
    start = time.perf_counter()
    running: list[subprocess.Popen] = []
    for old, pot, out in pairs:
        if len(running) >= jobs:
            running.pop(0).wait()
        running.append(subprocess.Popen(["msgmerge", "--previous", "-q", "-o", str(out), str(old), str(pot)]))
    for process in running:
        process.wait()
    return time.perf_counter() - start


def babel_update(pairs: list[tuple[Path, Path, Path]], limit: float) -> tuple[float, int, int]:
    """(seconds for all catalogs, extrapolated; catalogs done; fuzzy found in those)."""
    from babel.messages.pofile import read_po, write_po

    start = time.perf_counter()
    done = fuzzy = 0
    for old, pot, out in pairs:
        with open(old, "rb") as handle:
            catalog = read_po(handle)
        with open(pot, "rb") as handle:
            template = read_po(handle)
        catalog.update(template)
        fuzzy += sum(1 for m in catalog if m.id and m.fuzzy)
        with open(out, "wb") as handle:
            write_po(handle, catalog, include_previous=True)
        done += 1
        if time.perf_counter() - start > limit:
            break
    elapsed = time.perf_counter() - start
    return elapsed * len(pairs) / done, done, fuzzy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--glossary", type=int, default=300, help="terms in the glossary of the second diglot run")
    parser.add_argument("--babel-limit", type=float, default=60.0, help="seconds Babel may run before extrapolating")
    parser.add_argument("--keep", type=Path, help="build the archive here and keep it")
    args = parser.parse_args()
    if shutil.which("msgmerge") is None:
        raise SystemExit("msgmerge not found: apt-get install gettext")

    work = args.keep or Path(tempfile.mkdtemp(prefix="diglot-bench-"))
    root = work / "archive"
    if root.exists():
        shutil.rmtree(root)
    rng = random.Random(2030)
    print(f"archive: {ISSUES} issues x {ARTICLES} articles x {PARAGRAPHS} blocks in {root}")
    translations = make_archive(root, rng)
    diglot(root, "update")
    fill(root, translations)
    diglot(root, "update")  # settles the catalogs and the cache: the state a translator commits
    catalogs = sorted((root / "locale/zh_Hans/LC_MESSAGES").rglob("*.po"))
    messages = sum(len(pofile.parse(p.read_text(encoding="utf-8")).entries) for p in catalogs)
    print(f"{len(catalogs)} zh_Hans catalogs, {messages} messages, all translated")
    before = work / "before"
    snapshot(root, before)
    old_catalogs = {p.relative_to(root): p.read_text(encoding="utf-8") for p in catalogs}
    # The same catalogs settled with a glossary (its comments in them), for the runs that have one.
    glossary = glossary_yaml(random.Random(14), args.glossary)
    (root / "glossary.yaml").write_text(glossary, encoding="utf-8")
    diglot(root, "update")
    before_glossary = work / "before-glossary"
    snapshot(root, before_glossary)
    (root / "glossary.yaml").unlink()
    print(f"glossary: {args.glossary} terms; with it, {comments(root)} glossary comments in the catalogs")
    changed = edit(root, rng)
    print(f"edited {len(changed)} paragraphs by one word")

    # msgmerge gets the same old catalogs and the same new templates diglot writes
    out = work / "msgmerge"
    out.mkdir(exist_ok=True)
    restore(root, before)
    diglot(root, "extract")
    pairs = []
    for rel, text in old_catalogs.items():
        old = out / (str(rel).replace("/", "__") + ".old")
        old.write_text(text, encoding="utf-8")
        domain = str(rel).split("LC_MESSAGES/", 1)[1].removesuffix(".po")
        pot = out / (domain.replace("/", "__") + ".pot")
        shutil.copyfile(root / f"locale/pot/{domain}.pot", pot)
        pairs.append((old, pot, out / (str(rel).replace("/", "__"))))

    # Runs alternate between diglot and msgmerge, so that both meet the same machine.
    times, peaks, serial_times, two_times, plain_times = [], [], [], [], []
    for _ in range(args.runs):
        restore(root, before)
        plain_times.append(diglot(root, "update")[0])
        restore(root, before_glossary)
        (root / "glossary.yaml").write_text(glossary, encoding="utf-8")
        elapsed, peak = diglot(root, "update")
        (root / "glossary.yaml").unlink()
        times.append(elapsed)
        peaks.append(peak)
        serial_times.append(msgmerge_all(pairs, 1))
        two_times.append(msgmerge_all(pairs, 2))
    full = statistics.median(times)
    plain = statistics.median(plain_times)
    serial = statistics.median(serial_times)
    two = statistics.median(two_times)
    fuzzy, correct = score(catalogs, changed, translations)
    mm_fuzzy, mm_correct = score([p[2] for p in pairs], changed, translations)
    (root / "glossary.yaml").write_text(glossary, encoding="utf-8")
    nochange = statistics.median(diglot(root, "update")[0] for _ in range(args.runs))

    babel_time, babel_done, babel_fuzzy = babel_update(pairs, args.babel_limit)

    print()
    print(f"{'':34}{'median s':>10}{'fuzzy':>8}{'correct':>9}")
    print(f"{'diglot update, with the glossary':34}{full:10.3f}{fuzzy:8d}{correct:9d}")
    print(f"{'diglot update, no glossary':34}{plain:10.3f}")
    print(f"{'diglot update, nothing changed':34}{nochange:10.3f}")
    print(f"{'msgmerge --previous, one by one':34}{serial:10.3f}{mm_fuzzy:8d}{mm_correct:9d}")
    print(f"{'msgmerge --previous, two at once':34}{two:10.3f}")
    label = "Babel Catalog.update" + (f" (est., {babel_done}/{len(pairs)})" if babel_done < len(pairs) else "")
    print(f"{label:34}{babel_time:10.1f}{'':8}{'':9}   ({babel_fuzzy} fuzzy in the {babel_done} catalogs done)")
    print()
    print(f"diglot / msgmerge:                 {full / serial:.3f}x  (goal <= 0.25x; vs two msgmerge at once: {full / two:.3f}x)")
    print(f"the glossary's cost:               {(full / plain - 1) * 100:+.1f}%  (goal <= 10%)")
    print(f"no-change diglot / msgmerge:       {nochange / serial:.3f}x  (goal <= 0.1x)")
    print(f"diglot / Babel:                    {full / babel_time:.4f}x")
    print(f"peak memory of diglot update:      {max(peaks) / 1024:.0f} MB (goal < 500 MB)")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

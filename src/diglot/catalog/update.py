"""diglot extract / diglot update: write every template, create or merge every catalog.

Fast where an archive is large:

- a unit whose source file, template and catalogs are exactly as the last
  run left them is skipped without being read (a fingerprint cache in
  ``build/.cache/``; delete it and everything is recomputed, nothing lost);
- changed articles are read, segmented and merged in two processes;
- catalogs are read and written by :mod:`diglot.catalog.pofile`.

Safe where work is precious: one ``update`` at a time per publication (a
lock), each file replaced atomically, a catalog that does not parse left
untouched, and the cache written last, so a run killed half way is simply
redone by the next one.
"""

from __future__ import annotations

import fcntl
import gc
import json
import os
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from .. import __version__
from ..errors import Problems
from ..fsutil import atomic_write
from ..source.manifest import read_article, read_publication
from ..source.model import Article, Periodical
from . import memory as memories
from . import pofile
from .catalogs import (
    THEME_LANG,
    Memory,
    MergeCounts,
    Unit,
    article_unit,
    issue_unit,
    merge,
    periodical_unit,
    pot_text,
    read_po,
    template_files,
    theme_unit,
)
from .glossary import Glossary, annotate, read_glossary

CACHE = "build/.cache/catalogs.json"
LOCK = "build/.cache/update.lock"
PARALLEL_MIN = 24  # below this many changed articles one process is faster


@dataclass
class UpdateReport:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    counts: MergeCounts = field(default_factory=MergeCounts)
    problems: Problems = field(default_factory=Problems)

    def add_counts(self, counts: MergeCounts) -> None:
        for name in vars(counts):
            setattr(self.counts, name, getattr(self.counts, name) + getattr(counts, name))


@dataclass
class _Result:
    domain: str
    fingerprint: list | None  # None: do not cache (the unit had problems)
    digest: str = ""
    pot_date: str = ""
    files: dict[str, list[int] | None] = field(default_factory=dict)
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    counts: MergeCounts = field(default_factory=MergeCounts)
    problems: Problems = field(default_factory=Problems)
    glossary: dict[str, list[int]] = field(default_factory=dict)  # what the glossary found anew (from a worker)


def _stat(path: Path) -> list[int] | None:
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    return [info.st_mtime_ns, info.st_size]


@contextmanager
def locked(root: Path):
    """Hold the publication's update lock: a second ``update`` waits for the first."""
    path = root / LOCK
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _load_cache(root: Path, key: str) -> dict:
    try:
        data = json.loads((root / CACHE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if data.get("key") != key:
        return {}
    return data.get("units", {})


def _save_cache(root: Path, key: str, units: dict) -> None:
    atomic_write(root / CACHE, json.dumps({"key": key, "units": units}, ensure_ascii=False, sort_keys=True))


def title_of(periodical: Periodical) -> str:
    text = periodical.title
    if text.values:
        return text.values.get("en") or next(iter(text.values.values()), "")
    return text.source or ""


# --- one unit ----------------------------------------------------------------------


class _Context:
    """What processing a unit needs; one per process."""

    def __init__(self, root: Path, languages: list[str], title: str, cache: dict):
        self.root = root
        self.languages = languages
        self.title = title
        self.cache = cache
        self._memories: dict[str, Memory] = {}
        self.imported: memories.Memories | None = None  # locale/memory/*.tmx, read once in _run
        self.glossary = Glossary([])

    def memory(self, lang: str) -> Memory:
        if lang not in self._memories:
            self._memories[lang] = Memory.from_files(self.root, lang)
        return self._memories[lang]

    def unchanged(self, domain: str, fingerprint: list, source_lang: str) -> "_Result | None":
        """The cached result when the unit's source and every output file are as the last run left them."""
        cached = self.cache.get(domain)
        if not cached or cached.get("fingerprint") != fingerprint:
            return None
        files = _outputs(domain, source_lang, self.languages)
        if any(_stat(self.root / rel) != cached["files"].get(rel) for rel in files):
            return None
        return _Result(
            domain,
            fingerprint,
            digest=cached.get("digest", ""),
            pot_date=cached.get("pot_date", ""),
            files=dict(cached["files"]),
            unchanged=len(files),
        )


def _outputs(unit_domain: str, source_lang: str, languages: list[str]) -> list[str]:
    files = [f"locale/pot/{unit_domain}.pot"]
    files += [f"locale/{lang}/LC_MESSAGES/{unit_domain}.po" for lang in languages if lang != source_lang]
    return files


def _process_unit(ctx: _Context, unit: Unit, fingerprint: list) -> _Result:
    root = ctx.root
    result = _Result(unit.domain, fingerprint, digest=unit.digest())
    cached = ctx.cache.get(unit.domain) or {}
    same_messages = cached.get("digest") == result.digest and cached.get("fingerprint") is not None

    pot_rel = unit.pot_rel
    pot_path = root / pot_rel
    if same_messages and cached.get("pot_date") and _stat(pot_path) == cached["files"].get(pot_rel):
        result.pot_date = cached["pot_date"]
        result.unchanged += 1
    else:
        old_text = pot_path.read_text(encoding="utf-8") if pot_path.is_file() else None
        new_text, result.pot_date = pot_text(unit, ctx.title, old_text)
        if new_text is not None:
            atomic_write(pot_path, new_text)
            result.written.append(pot_rel)
        else:
            result.unchanged += 1
    result.files[pot_rel] = _stat(pot_path)

    for lang in ctx.languages:
        if lang == unit.source_lang:
            continue
        rel = unit.po_rel(lang)
        path = root / rel
        current = _stat(path)
        if same_messages and current is not None and current == cached["files"].get(rel):
            result.files[rel] = current
            result.unchanged += 1
            continue
        old = None
        old_text = None
        if current is not None:
            old = read_po(root, rel, result.problems, path)
            if old is None:
                result.fingerprint = None  # retry next time, once the catalog is fixed
                continue
            old_text = "\n".join(old.lines)  # the text it was parsed from
        imported = ctx.imported.get(unit.source_lang, lang) if ctx.imported else None
        catalog, counts = merge(old, unit, lang, result.pot_date, ctx.title, memory=lambda lang=lang: ctx.memory(lang), own_rel=rel, imported=imported)
        annotate(ctx.glossary, catalog.entries, unit.source_lang, lang)  # per target language: never in the .pot
        text = pofile.dump(catalog)
        if text != old_text:
            atomic_write(path, text)
            result.written.append(rel)
        else:
            result.unchanged += 1
        result.files[rel] = _stat(path)
        _add(result.counts, counts)
    return result


def _add(total: MergeCounts, counts: MergeCounts) -> None:
    for name in vars(counts):
        setattr(total, name, getattr(total, name) + getattr(counts, name))


def _process_article(ctx: _Context, article: Article, fingerprint: list) -> _Result:
    problems = Problems()
    if not read_article(ctx.root, article, ctx.languages, problems) or problems.errors:
        return _Result(article.domain, None, problems=problems)
    result = _process_unit(ctx, article_unit(article), fingerprint)
    result.problems.extend(problems)
    return result


# The worker processes inherit the context through fork.
_WORKER: _Context | None = None


def _work(batch: list[tuple[Article, list]]) -> list[_Result]:
    assert _WORKER is not None
    results = [_process_article(_WORKER, article, fingerprint) for article, fingerprint in batch]
    if results:  # what this worker's glossary found goes back to be remembered
        results[-1].glossary, _WORKER.glossary.fresh = _WORKER.glossary.fresh, {}
    return results


def _run_articles(ctx: _Context, jobs: list[tuple[Article, list]]) -> list[_Result]:
    workers = min(2, os.cpu_count() or 1)
    if len(jobs) < PARALLEL_MIN or workers < 2:
        return [_process_article(ctx, article, fingerprint) for article, fingerprint in jobs]
    global _WORKER
    _WORKER = ctx
    try:
        # Interleaved batches keep both processes busy to the end; order is restored below.
        batches = [jobs[i::workers * 2] for i in range(workers * 2)]
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as pool:
            results = [r for batch in pool.map(_work, batches) for r in batch]
    finally:
        _WORKER = None
    order = {article.domain: i for i, (article, _) in enumerate(jobs)}
    return sorted(results, key=lambda r: order[r.domain])


# --- the whole run -----------------------------------------------------------------------


def run(root: Path, issues: list[str] | None = None, languages: list[str] | None = None) -> UpdateReport:
    """Extract every template and, for ``languages`` (none: templates only), create or merge the catalogs."""
    with locked(root):
        # Temporary files of a run that was killed half way: nobody else writes while we hold the lock.
        locale = root / "locale"
        if locale.is_dir():
            for leftover in locale.rglob(".*.tmp"):
                leftover.unlink(missing_ok=True)
        # The run creates many short-lived objects and no reference cycles worth
        # collecting: the cyclic collector only costs time here (about 10%).
        enabled = gc.isenabled()
        gc.disable()
        try:
            return _run(root, issues, languages)
        finally:
            if enabled:
                gc.enable()


def _run(root: Path, issues: list[str] | None, languages: list[str] | None) -> UpdateReport:
    report = UpdateReport()
    periodical, problems = read_publication(root, issues, articles=False)
    report.problems.extend(problems)
    if problems.errors:
        return report
    glossary = read_glossary(root, periodical.languages, report.problems)
    if report.problems.errors:
        return report
    languages = list(languages or [])
    title = title_of(periodical)
    # A new or changed memory in locale/memory/ re-merges every catalog, and so does a glossary
    # edit (it changes the comments of every catalog).
    kept_memories = memories.fingerprint(root)
    parts = [__version__, title, kept_memories]
    if glossary.digest:
        parts.append(glossary.digest)
    key = json.dumps(parts)
    cache = _load_cache(root, key)
    ctx = _Context(root, languages, title, cache)
    ctx.glossary = glossary
    glossary.memo = _load_glossary_memo(root, glossary.digest)
    if kept_memories and languages:
        ctx.imported = memories.load(root, list(periodical.languages), report.problems)
    results: list[_Result] = []

    # The theme: cached on the templates' file stats.
    templates = [[name, *(_stat(path) or [])] for name, path in template_files(root)]
    fingerprint = ["theme", templates]
    results.append(ctx.unchanged("theme", fingerprint, THEME_LANG) or _process_unit(ctx, theme_unit(root), fingerprint))

    # The periodical and the issue manifests: already read, cheap to compare.
    shared = [periodical_unit(periodical)] + [issue_unit(issue) for issue in sorted(periodical.issues, key=lambda i: i.id)]
    for unit in shared:
        fingerprint = [unit.kind, unit.digest()]
        results.append(ctx.unchanged(unit.domain, fingerprint, unit.source_lang) or _process_unit(ctx, unit, fingerprint))

    # Articles: only those whose file or catalogs changed are read.
    jobs = []
    for issue in sorted(periodical.issues, key=lambda i: i.id):
        for article in issue.articles:
            fingerprint = ["article", article.source_language, _stat(root / article.rel)]
            cached = ctx.unchanged(article.domain, fingerprint, article.source_language)
            if cached is not None:
                results.append(cached)
            else:
                jobs.append((article, fingerprint))
    results.extend(_run_articles(ctx, jobs))

    units = dict(cache)
    for result in results:
        report.written.extend(result.written)
        report.unchanged += result.unchanged
        report.add_counts(result.counts)
        report.problems.extend(result.problems)
        if result.fingerprint is None:
            units.pop(result.domain, None)
        else:
            units[result.domain] = {
                "fingerprint": result.fingerprint,
                "digest": result.digest,
                "pot_date": result.pot_date,
                "files": result.files,
            }
    if report.written or units != cache:
        _save_cache(root, key, units)
    found = dict(glossary.fresh)
    for result in results:
        found.update(result.glossary)
    if found:
        _save_glossary_memo(root, glossary.digest, {**glossary.memo, **found})
    return report


GLOSSARY_MEMO = "build/.cache/glossary.json"


def _load_glossary_memo(root: Path, digest: str) -> dict[str, list[int]]:
    """The terms found in messages by earlier runs with this very glossary."""
    if not digest:
        return {}
    try:
        data = json.loads((root / GLOSSARY_MEMO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data.get("hits", {}) if data.get("digest") == digest else {}


def _save_glossary_memo(root: Path, digest: str, hits: dict[str, list[int]]) -> None:
    try:
        atomic_write(root / GLOSSARY_MEMO, json.dumps({"digest": digest, "hits": hits}, separators=(",", ":")))
    except OSError:
        pass  # a read-only publication: matching again next time costs time, not correctness


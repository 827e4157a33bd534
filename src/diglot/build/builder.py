"""diglot build: plan → render everything in memory → write.

Nothing is written until every page and PDF has rendered and, for a release
build, every edition is complete; the site folder is then swapped in whole,
so bad input never leaves half an output.
"""

from __future__ import annotations

import gc
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..errors import DiglotError, Location, Problems
from ..render.edition import Edition
from ..render.parallel import Parity
from ..render.parallel import report as parity_report
from ..render.preflight import Finding, merge
from ..render.web import SiteRenderer, parallel_pdf_path, pdf_path
from ..source.manifest import read_publication
from ..source.model import Periodical
from ..theme import template_dirs
from . import jobs
from .cache import FORMATS
from .jobs import Job
from .keys import Keys, load_outputs, save_outputs


@dataclass
class BuildOptions:
    issues: list[str] | None = None
    languages: list[str] | None = None
    formats: tuple[str, ...] = FORMATS
    draft: bool = False
    out: Path | None = None
    pdf_variant: str | None = None
    parallel_layout: str | None = None  # default: the periodical's print.parallel_layout
    jobs: int | None = None  # worker processes for the PDFs; default: the number of cores


@dataclass
class BuildResult:
    periodical: Periodical
    written: list[str] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)
    parity: Parity = field(default_factory=Parity)
    #: A draft build's preflight findings, errors included: printed, never failing it
    #: (a release build puts them among its problems, where an error fails it).
    preflight: Problems = field(default_factory=Problems)
    rendered: list[str] = field(default_factory=list)  # PDFs rendered (their inputs changed)
    kept: list[str] = field(default_factory=list)  # PDFs left as they were


#: progress(description, total) → a callable advancing that task by one step.
Progress = Callable[[str, int], Callable[[], None]]


def _no_progress(description: str, total: int) -> Callable[[], None]:
    return lambda: None


def build(root: Path, options: BuildOptions, progress: Progress = _no_progress) -> BuildResult:
    periodical, problems = read_publication(root)
    problems.raise_if_errors()
    languages = options.languages or periodical.languages
    for lang in languages:
        if lang not in periodical.languages:
            problems.error(Location("periodical.yaml"), f"'{lang}' is not an edition language of this periodical ({', '.join(periodical.languages)})")
    issue_ids = options.issues or [i.id for i in periodical.issues]
    for issue_id in issue_ids:
        if issue_id not in [i.id for i in periodical.issues]:
            problems.error(Location("issues"), f"no issue '{issue_id}'")
    problems.raise_if_errors()

    # The editions this build shows; the parallel edition needs both its languages.
    by_lang = {lang: Edition(periodical, lang, draft=options.draft, problems=problems) for lang in languages}
    editions = list(by_lang.values())
    if "parallel" in options.formats:
        for lang in periodical.parallel_languages:
            by_lang.setdefault(lang, Edition(periodical, lang, draft=options.draft, problems=problems))
    out = options.out or root / "build"
    result = BuildResult(periodical, problems=problems)
    result.parity = _parity(periodical, issue_ids, by_lang, options.draft, problems)

    created = not out.exists()  # a failed first build leaves no output folder behind
    out.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(out)
    staging = out / f".pdf.new-{os.getpid()}"
    staged: dict[str, str] = {}  # PDFs rendered by this build, waiting in the staging folder
    outputs = load_outputs(root)
    try:
        if "pdf" in options.formats or "parallel" in options.formats:
            staged = _render_pdfs(root, periodical, options, issue_ids, editions, by_lang, out, staging, outputs, problems, result, progress)
        pages = _render_site(periodical, options, issue_ids, editions, out, problems, progress)
        _check_complete(list(by_lang.values()), options.draft, problems)
        problems.raise_if_errors()
        # Everything rendered: the changed PDFs go in place (each in one rename), then the site.
        for rel, path in staged.items():
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, out / rel)
            result.written.append(f"{_rel_out(root, out)}{rel}")
        if staged:
            save_outputs(root, outputs)
        if pages:
            if _write_site(root, out, pages, editions):
                result.written.append(f"{_rel_out(root, out)}site/")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if created and not result.written:
            shutil.rmtree(out, ignore_errors=True)
    return result


def _render_pdfs(root, periodical, options, issue_ids, editions, by_lang, out, staging, outputs, problems, result, progress) -> dict[str, str]:
    """Render the PDFs whose inputs changed (the others stay as they are, not even rewritten), in
    ``options.jobs`` processes; their problems, preflight findings and missing messages go to the build."""
    variant_key = {"draft": options.draft, "pdf_variant": options.pdf_variant, "parallel_layout": options.parallel_layout}
    keys = Keys(root, periodical, variant_key)
    planned: list[tuple[Job, str]] = []
    for edition in editions if "pdf" in options.formats else []:
        for issue_id in issue_ids:
            planned.append((Job(pdf_path(issue_id, edition.tag), "print", issue_id, edition.lang), keys.pdf(issue_id, [edition.lang], "print")))
    if "parallel" in options.formats:
        for issue_id in issue_ids:
            planned.append((Job(parallel_pdf_path(issue_id), "parallel", issue_id), keys.pdf(issue_id, list(periodical.parallel_languages), "parallel")))
    keys.hasher.save()
    todo, kept = [], []
    for job, key in planned:
        record = outputs.get(_output_id(root, out, job.rel))
        if record and record.get("key") == key and (out / job.rel).is_file():
            kept.append(jobs.from_json(job, record))
        else:
            todo.append((job, key))
    result.rendered = [job.rel for job, _ in todo]
    result.kept = [done.job.rel for done in kept]
    steps = {}
    for job, _ in todo:
        name = f"PDF {job.lang and by_lang[job.lang].tag or 'parallel'}"
        steps.setdefault(name, 0)
        steps[name] += 1
    advance = {name: progress(name, count) for name, count in steps.items()}
    if todo:
        # Layout allocates millions of short-lived objects; keep the collector
        # from walking everything read so far each time it runs.
        gc.collect()
        gc.freeze()
    context = jobs.Context(periodical, by_lang, options.pdf_variant, options.parallel_layout, staging)
    workers = options.jobs or jobs.default_workers()
    found: list[tuple[str, Finding]] = []
    staged: dict[str, str] = {}
    key_of = dict((job, key) for job, key in todo)

    def step(job: Job) -> None:
        advance[f"PDF {job.lang and by_lang[job.lang].tag or 'parallel'}"]()

    for done in [*kept, *jobs.run(context, [job for job, _ in todo], workers, step)]:
        for problem in done.problems:
            problems._add(problem)
        found += [(done.job.rel, finding) for finding in done.findings]
        for lang, missing in done.missing.items():
            lookup = by_lang[lang].lookup
            for item in missing:
                if (item.location, item.msgid) not in {(m.location, m.msgid) for m in lookup.missing}:
                    lookup.missing.append(item)
        if done.staged is not None:
            staged[done.job.rel] = done.staged
            outputs[_output_id(root, out, done.job.rel)] = {"key": key_of[done.job], **jobs.to_json(done)}
    result.preflight = _preflight(found, options.draft, problems)
    return staged


def _output_id(root: Path, out: Path, rel: str) -> str:
    """An output's name in the key store: relative to the publication (a copied publication keeps its keys)."""
    return os.path.relpath(out / rel, root)


def _render_site(periodical, options, issue_ids, editions, out, problems, progress) -> dict[str, str]:
    """Every page of the web edition, as strings (rendering them all is quick; writing is what the build spares)."""
    if "html" not in options.formats:
        return {}
    with_pdf = "pdf" in options.formats or all((out / pdf_path(i, e.tag)).is_file() for i in issue_ids for e in editions)
    with_parallel = "parallel" in options.formats or all((out / parallel_pdf_path(i)).is_file() for i in issue_ids)
    step = progress("web edition", 1)
    pages = SiteRenderer(periodical, editions, with_pdf=with_pdf, with_parallel=with_parallel, issue_ids=issue_ids).render()
    step()
    if not periodical.base_url:
        problems.warning(Location("periodical.yaml"), "no base_url: the Atom feeds, sitemap and canonical links are skipped")
    return pages


def _rel_out(root: Path, out: Path) -> str:
    try:
        return out.resolve().relative_to(root.resolve()).as_posix() + "/"
    except ValueError:
        return str(out) + "/"


def _parity(periodical: Periodical, issue_ids: list[str], by_lang: dict[str, Edition], draft: bool, problems: Problems) -> Parity:
    """The parity report, as warnings: untranslated blocks only where no release-build error says so already."""
    report = parity_report(periodical, issue_ids, by_lang)
    for mismatch in report.mismatches:
        reported = mismatch.untranslated and not draft and mismatch.lang in by_lang
        if not reported:
            problems.warning(mismatch.location, mismatch.message)
    return report


def _preflight(found: list[tuple[str, Finding]], draft: bool, problems: Problems) -> Problems:
    """The print editions' preflight findings: a release build's problems (an error fails it);
    a draft build's are returned to be printed, errors too, without failing it."""
    findings = Problems()
    for finding, _ in merge(found):
        (findings.error if finding.severity == "error" else findings.warning)(finding.location, finding.message)
    if draft:
        return findings
    problems.extend(findings)
    return Problems()


def _check_complete(editions: list[Edition], draft: bool, problems: Problems) -> None:
    for edition in editions:
        missing = edition.lookup.missing
        if not missing:
            continue
        if draft:
            problems.warning(
                Location(f"locale/{edition.lang}"),
                f"draft: {len(missing)} message{'s' if len(missing) != 1 else ''} shown in the source language in the {edition.tag} edition",
            )
            continue
        for item in missing:
            excerpt = item.msgid if len(item.msgid) <= 60 else item.msgid[:57] + "..."
            problems.error(item.location, f"{item.reason} in the {edition.tag} edition: \"{excerpt}\"")
        problems.error(
            Location(f"locale/{edition.lang}"),
            f"the {edition.tag} edition is incomplete ({len(missing)} message{'s' if len(missing) != 1 else ''}); translate them, or build a draft with --draft",
        )


def _index_for_search(site: Path) -> None:
    """Full-text search of the articles, per language (Pagefind segments Chinese), into site/pagefind/."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(site), "--quiet"],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise DiglotError(None, f"indexing the site for search failed (Pagefind): {(result.stderr or result.stdout).strip()[-500:]}")


def _remove_stale_staging(out: Path) -> None:
    """Staging folders left by a build that was killed (or a server stopped mid-rebuild)."""
    for folder in sorted([*out.glob(".site.*-*"), *out.glob(".pdf.new-*")]):
        pid = folder.name.rsplit("-", 1)[1]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            pass  # a live process of another user: not ours to touch


def _write_site(root: Path, out: Path, pages: dict[str, str], editions: list[Edition]) -> bool:
    """Put the new site together in a fresh folder, then swap it in for the old one.

    A file whose content did not change is linked from the old site, not written again (it keeps its
    date); the search index is made again only when a page changed. Returns whether anything changed.
    """
    site = out / "site"
    staging = out / f".site.new-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    changed = False

    def put(rel: str, data: bytes) -> None:
        nonlocal changed
        target, current = staging / rel, site / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if current.is_file() and current.stat().st_size == len(data) and current.read_bytes() == data:
            os.link(current, target)
        else:
            target.write_bytes(data)
            changed = True

    try:
        for rel, html in pages.items():
            put(rel, html.encode("utf-8"))
        for rel in sorted(set().union(*(e.assets for e in editions))):
            put(f"media/{rel}", (root / rel).read_bytes())
        css = next((d / "web.css" for d in template_dirs(root) if (d / "web.css").is_file()), None)
        if css is not None:
            put("assets/web.css", css.read_bytes())
        pdf_dir = out / "pdf"
        if pdf_dir.is_dir():
            for path in sorted(pdf_dir.glob("*.pdf")):  # the site's copies of the PDFs: links to them
                target = staging / "pdf" / path.name
                target.parent.mkdir(parents=True, exist_ok=True)
                os.link(path, target)
                current = site / "pdf" / path.name
                changed = changed or not (current.is_file() and os.path.samefile(current, path))
        stale = site.is_dir() and any(
            not (staging / p.relative_to(site)).exists() for p in site.rglob("*") if p.is_file() and "pagefind" not in p.relative_to(site).parts
        )
        changed = changed or stale or not site.is_dir()
        if not changed:
            return False
        index = site / "pagefind"
        if index.is_dir() and not any(True for rel in pages if not (site / rel).is_file()) and _same_pages(site, staging, pages):
            shutil.copytree(index, staging / "pagefind", copy_function=os.link)
        else:
            _index_for_search(staging)
        old = out / f".site.old-{os.getpid()}"
        if site.exists():
            os.replace(site, old)
        os.replace(staging, site)
        if old.exists():
            shutil.rmtree(old)
        return True
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _same_pages(site: Path, staging: Path, pages: dict[str, str]) -> bool:
    """True when every page is the very file the old site had (linked, not written): the index holds."""
    return all(os.path.samefile(site / rel, staging / rel) for rel in pages)

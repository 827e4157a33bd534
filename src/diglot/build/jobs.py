"""Rendering the PDFs of a build: one job a PDF, in this process or in N worker processes.

Each job renders one PDF (an issue in one language, or the parallel edition
of an issue), preflights it, and writes it to the build's staging folder, so
no PDF is held in memory beyond its own rendering and the build's memory does
not grow with the number of issues. A job hands back where its PDF is, and
what it found: problems (located errors and the make-up's warnings),
preflight findings, and the messages its editions lacked. Workers are forked
after the publication has been read, so they share it without reading it
again; the output is the same for any number of workers.
"""

from __future__ import annotations

import dataclasses
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Callable, Iterator

from ..errors import DiglotError, Location, Problem, Problems


@dataclass(frozen=True)
class Job:
    rel: str  # the PDF's path under the output folder
    kind: str  # "print" or "parallel"
    issue_id: str
    lang: str = ""  # the print edition's language


@dataclass
class Done:
    job: Job
    staged: str | None  # the rendered PDF in the staging folder, or None when it failed
    problems: list[Problem] = field(default_factory=list)
    findings: list = field(default_factory=list)  # preflight Findings
    missing: dict[str, list] = field(default_factory=dict)  # lang → Missing messages met while rendering


@dataclass
class Context:
    """What every job needs, read once by the build (and inherited by forked workers)."""

    periodical: object
    by_lang: dict
    pdf_variant: str | None
    parallel_layout: str | None
    staging: Path


_CONTEXT: Context | None = None
_FONTS = None


def render(job: Job) -> Done:
    """Render, preflight and stage one PDF (in a worker, or in the build's own process)."""
    global _FONTS
    from weasyprint.text.fonts import FontConfiguration

    from ..render.makeup import Report
    from ..render.pdf import render_parallel, render_pdf
    from ..render.preflight import Inspector

    ctx = _CONTEXT
    # Fonts of its own for each PDF: what one PDF loaded must not shape the next (the output is the
    # same whichever worker renders it, after whichever other PDF).
    _FONTS = FontConfiguration()
    periodical = ctx.periodical
    issue = periodical.issue(job.issue_id)
    problems = Problems()
    report = Report()
    before = {lang: len(e.lookup.missing) for lang, e in ctx.by_lang.items()}
    try:
        if job.kind == "print":
            edition = ctx.by_lang[job.lang]
            inspector = Inspector(periodical, issue, f"the {edition.tag} print edition")
            pdf = render_pdf(periodical, edition, issue, _FONTS, ctx.pdf_variant, inspect=inspector, report=report)
            tag = edition.tag
        else:
            inspector = Inspector(periodical, issue, "the parallel edition")
            pdf = render_parallel(
                periodical, ctx.by_lang, issue, _FONTS, ctx.pdf_variant, ctx.parallel_layout, inspect=inspector, report=report
            )
            tag = "parallel"
    except DiglotError as exc:
        return Done(job, None, [Problem(exc.location or Location(issue.rel), exc.message, "error")])
    inspector.check_pdf(pdf)
    makeup_warnings(issue, tag, report, problems)
    staged = ctx.staging / job.rel
    staged.parent.mkdir(parents=True, exist_ok=True)
    staged.write_bytes(pdf)
    missing = {lang: e.lookup.missing[before[lang] :] for lang, e in ctx.by_lang.items() if len(e.lookup.missing) > before[lang]}
    return Done(job, str(staged), list(problems.items), list(inspector.findings), missing)


def run(context: Context, jobs: list[Job], workers: int, step: Callable[[Job], None]) -> Iterator[Done]:
    """Every job done, in the order given; ``workers`` processes (1: here, one after another)."""
    global _CONTEXT
    _CONTEXT = context
    context.staging.mkdir(parents=True, exist_ok=True)
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            done = render(job)
            step(job)
            yield done
        return
    # Forked workers inherit the publication read by the build; each renders with fonts of its own.
    done_by_job: dict[Job, Done] = {}
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=get_context("fork")) as pool:
        futures = {pool.submit(render, job): job for job in jobs}
        for future in as_completed(futures):
            job = futures[future]
            done_by_job[job] = future.result()
            step(job)
    for job in jobs:
        yield done_by_job[job]


def makeup_warnings(issue, tag: str, report, problems: Problems) -> None:
    """What the page make-up could not mend, at the article, for the editor to shorten or lengthen."""
    by_id = {f"article-{a.slug}": a for a in issue.articles}
    for article_id, folio, what, amount in report.unresolved:
        article = by_id.get(article_id)
        where = Location(article.rel if article else issue.rel, 1, 1)
        if what == "hole":
            problems.warning(where, f"print edition {tag}, page {folio}: a hole of {amount:.1f} lines at the foot that no figure move could fill")
        else:
            problems.warning(where, f"print edition {tag}, page {folio}: the article ends on a page of {amount:.0f} line(s)")


def default_workers() -> int:
    return os.cpu_count() or 1


# --- what an unchanged PDF found when it was made, kept with its key ------------------------------


def to_json(done: Done) -> dict:
    return {
        "problems": [dataclasses.asdict(p) for p in done.problems],
        "findings": [dataclasses.asdict(f) for f in done.findings],
    }


def from_json(job: Job, data: dict, staged: str | None = None) -> Done:
    from ..render.preflight import Finding

    def location(d: dict) -> Location:
        return Location(d["path"], d.get("line", 0), d.get("col", 0))

    problems = [Problem(location(p["location"]), p["message"], p["severity"]) for p in data.get("problems", [])]
    findings = [Finding(**{**f, "location": location(f["location"])}) for f in data.get("findings", [])]
    return Done(job, staged, problems, findings)

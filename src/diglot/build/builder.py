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
from ..fsutil import atomic_write
from ..render.edition import Edition
from ..render.parallel import Parity
from ..render.parallel import report as parity_report
from ..render.preflight import Finding, Inspector, merge
from ..render.web import SiteRenderer, parallel_pdf_path, pdf_path
from ..source.manifest import read_publication
from ..source.model import Periodical
from ..theme import template_dirs
from .cache import FORMATS


@dataclass
class BuildOptions:
    issues: list[str] | None = None
    languages: list[str] | None = None
    formats: tuple[str, ...] = FORMATS
    draft: bool = False
    out: Path | None = None
    pdf_variant: str | None = None
    parallel_layout: str | None = None  # default: the periodical's print.parallel_layout


@dataclass
class BuildResult:
    periodical: Periodical
    written: list[str] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)
    parity: Parity = field(default_factory=Parity)
    #: A draft build's preflight findings, errors included: printed, never failing it
    #: (a release build puts them among its problems, where an error fails it).
    preflight: Problems = field(default_factory=Problems)


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

    pdfs: dict[str, bytes] = {}
    if "pdf" in options.formats or "parallel" in options.formats:
        from weasyprint.text.fonts import FontConfiguration

        from ..render.makeup import Report
        from ..render.pdf import render_parallel, render_pdf

        font_config = FontConfiguration()
        # Layout allocates millions of short-lived objects; keep the collector
        # from walking everything read so far each time it runs.
        gc.collect()
        gc.freeze()
        found: list[tuple[str, Finding]] = []  # preflight of each PDF, checked on the layout that is written
        for edition in editions if "pdf" in options.formats else []:
            step = progress(f"PDF {edition.tag}", len(issue_ids))
            for issue_id in issue_ids:
                issue, rel = periodical.issue(issue_id), pdf_path(issue_id, edition.tag)
                inspector = Inspector(periodical, issue, f"the {edition.tag} print edition")
                report = Report()
                pdfs[rel] = render_pdf(periodical, edition, issue, font_config, options.pdf_variant, inspect=inspector, report=report)
                found += _inspected(inspector, rel, pdfs[rel])
                _makeup_warnings(issue, edition.tag, report, problems)
                step()
        if "parallel" in options.formats:
            step = progress("PDF parallel", len(issue_ids))
            for issue_id in issue_ids:
                issue, rel = periodical.issue(issue_id), parallel_pdf_path(issue_id)
                inspector = Inspector(periodical, issue, "the parallel edition")
                report = Report()
                pdfs[rel] = render_parallel(
                    periodical, by_lang, issue, font_config, options.pdf_variant, options.parallel_layout, inspect=inspector, report=report
                )
                found += _inspected(inspector, rel, pdfs[rel])
                _makeup_warnings(issue, "parallel", report, problems)
                step()
        result.preflight = _preflight(found, options.draft, problems)

    pages: dict[str, str] = {}
    if "html" in options.formats:
        with_pdf = "pdf" in options.formats or all(
            (out / pdf_path(i, e.tag)).is_file() for i in issue_ids for e in editions
        )
        with_parallel = "parallel" in options.formats or all((out / parallel_pdf_path(i)).is_file() for i in issue_ids)
        step = progress("web edition", 1)
        pages = SiteRenderer(periodical, editions, with_pdf=with_pdf, with_parallel=with_parallel, issue_ids=issue_ids).render()
        step()
        if not periodical.base_url:
            problems.warning(Location("periodical.yaml"), "no base_url: the Atom feeds, sitemap and canonical links are skipped")

    _check_complete(list(by_lang.values()), options.draft, problems)
    problems.raise_if_errors()

    for rel, data in pdfs.items():
        atomic_write(out / rel, data)
        result.written.append(f"{_rel_out(root, out)}{rel}")
    if pages:
        _write_site(root, out, pages, editions, pdfs)
        result.written.append(f"{_rel_out(root, out)}site/")
    return result


def _makeup_warnings(issue, tag: str, report, problems: Problems) -> None:
    """What the page make-up could not mend, at the article, for the editor to shorten or lengthen."""
    by_id = {f"article-{a.slug}": a for a in issue.articles}
    for article_id, folio, what, amount in report.unresolved:
        article = by_id.get(article_id)
        where = Location(article.rel if article else issue.rel, 1, 1)
        if what == "hole":
            problems.warning(where, f"print edition {tag}, page {folio}: a hole of {amount:.1f} lines at the foot that no figure move could fill")
        else:
            problems.warning(where, f"print edition {tag}, page {folio}: the article ends on a page of {amount:.0f} line(s)")


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


def _inspected(inspector: Inspector, rel: str, pdf: bytes) -> list[tuple[str, Finding]]:
    inspector.check_pdf(pdf)
    return [(rel, finding) for finding in inspector.findings]


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
    for folder in sorted(out.glob(".site.*-*")):
        pid = folder.name.rsplit("-", 1)[1]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            pass  # a live process of another user: not ours to touch


def _write_site(root: Path, out: Path, pages: dict[str, str], editions: list[Edition], pdfs: dict[str, bytes]) -> None:
    """Write the whole site into a fresh folder, then swap it in for the old one."""
    out.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(out)
    staging = out / f".site.new-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    try:
        for rel, html in pages.items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(html, encoding="utf-8")
        assets = sorted(set().union(*(e.assets for e in editions)))
        for rel in assets:
            target = staging / "media" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / rel, target)
        css = next((d / "web.css" for d in template_dirs(root) if (d / "web.css").is_file()), None)
        if css is not None:
            (staging / "assets").mkdir(parents=True, exist_ok=True)
            shutil.copyfile(css, staging / "assets" / "web.css")
        _index_for_search(staging)
        pdf_dir = out / "pdf"
        if pdf_dir.is_dir():
            (staging / "pdf").mkdir(exist_ok=True)
            for path in sorted(pdf_dir.glob("*.pdf")):
                shutil.copyfile(path, staging / "pdf" / path.name)
        site = out / "site"
        old = out / f".site.old-{os.getpid()}"
        if site.exists():
            os.replace(site, old)
        os.replace(staging, site)
        if old.exists():
            shutil.rmtree(old)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)

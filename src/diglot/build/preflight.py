"""diglot preflight: lay out every print edition of the chosen issues and report what a printer would reject.

The editions are laid out exactly as ``diglot build --format pdf,parallel``
lays them out (as drafts: a missing translation shows its source text, as it
would in a draft build; completeness is the build's and ``stats``' concern),
each with a :class:`diglot.render.preflight.Inspector`; nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problems
from ..render.edition import Edition
from ..render.preflight import Finding, Inspector, merge
from ..render.web import parallel_pdf_path, pdf_path
from ..source.manifest import read_publication
from .builder import Progress


@dataclass
class Report:
    """The findings of every print edition laid out, merged (see :func:`preflight.merge`)."""

    editions: list[str] = field(default_factory=list)  # the PDFs laid out, as the build names them: pdf/2026-10.en.pdf
    findings: list[tuple[Finding, list[str]]] = field(default_factory=list)  # each with the PDFs it is in

    @property
    def errors(self) -> int:
        return sum(1 for f, _ in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f, _ in self.findings if f.severity == "warning")

    def summary(self) -> str:
        return f"preflight: {len(self.editions)} print edition(s) laid out: {self.errors} error(s), {self.warnings} warning(s)"

    def as_json(self) -> dict:
        """The stable ``--json`` form (documented in README)."""
        return {
            "editions": self.editions,
            "errors": self.errors,
            "warnings": self.warnings,
            "findings": [
                {
                    "path": f.location.path,
                    "line": f.location.line,
                    "col": (f.location.col or 1) if f.location.line else 0,  # as the text output prints it
                    "severity": f.severity,
                    "code": f.code,
                    "message": f.message,
                    "editions": editions,
                }
                for f, editions in self.findings
            ],
        }


def run(root: Path, issues: list[str] | None = None, progress: Progress | None = None) -> Report:
    """Lay out the print editions (every language, then the parallel edition) of ``issues`` (default: all)."""
    from weasyprint.text.fonts import FontConfiguration

    from ..render.pdf import render_parallel, render_pdf

    progress = progress or (lambda description, total: (lambda: None))
    periodical, problems = read_publication(root, issues or None)
    problems.raise_if_errors()
    catalog_problems = Problems()  # a catalog that does not parse fails the run, as in a build
    editions = {lang: Edition(periodical, lang, draft=True, problems=catalog_problems) for lang in periodical.languages}
    font_config = FontConfiguration()
    report = Report()
    found: list[tuple[str, Finding]] = []
    chosen = periodical.issues  # newest first, as read

    def inspect(issue, name: str, what: str, render) -> None:
        inspector = Inspector(periodical, issue, what)
        pdf = render(inspector)
        inspector.check_pdf(pdf)
        report.editions.append(name)
        found.extend((name, finding) for finding in inspector.findings)

    for edition in editions.values():
        step = progress(f"preflight {edition.tag}", len(chosen))
        for issue in chosen:
            inspect(
                issue,
                pdf_path(issue.id, edition.tag),
                f"the {edition.tag} print edition",
                lambda inspector: render_pdf(periodical, edition, issue, font_config, inspect=inspector),
            )
            step()
    step = progress("preflight parallel", len(chosen))
    for issue in chosen:
        inspect(
            issue,
            parallel_pdf_path(issue.id),
            "the parallel edition",
            lambda inspector: render_parallel(periodical, editions, issue, font_config, inspect=inspector),
        )
        step()
    catalog_problems.raise_if_errors()
    report.findings = merge(found)
    return report


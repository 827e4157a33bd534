"""diglot init and diglot new-issue: new publications and issues from templates."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from .catalog import update
from .errors import DiglotError, Location
from .fsutil import atomic_write
from .source.manifest import DATE_RE, ID_RE, read_publication
from .theme import skeleton


def init_publication(directory: Path) -> None:
    """Copy the skeleton publication into ``directory`` and write its catalogs."""
    if directory.exists() and any(directory.iterdir()):
        raise DiglotError(None, f"{directory} exists and is not empty; choose a new folder")
    shutil.copytree(skeleton(), directory, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
    periodical, problems = read_publication(directory)
    problems.raise_if_errors()
    report = update.run(directory, languages=periodical.languages)
    report.problems.raise_if_errors()


_TITLES = {"zh": "新一期", "en": "New issue", "fr": "Nouveau numéro"}
_SECTIONS = {"zh": "专题", "en": "Features", "fr": "Dossier"}
_ARTICLE = {
    "zh": ("第一篇文章", "在这里写正文。每个段落都会成为译者目录中的一条消息。"),
    "en": ("First article", "Write the body here. Each paragraph becomes one message in the translators' catalogs."),
    "fr": ("Premier article", "Écrivez le texte ici. Chaque paragraphe devient un message dans les catalogues des traducteurs."),
}


def new_issue(root: Path, issue_id: str, number: int | None = None, date: str | None = None) -> list[str]:
    """Write ``issues/<issue_id>/issue.yaml`` and a first article; returns the files written."""
    if not ID_RE.match(issue_id):
        raise DiglotError(None, f"issue id '{issue_id}' must use lowercase ASCII letters, digits and '-' (e.g. 2027-04)")
    folder = root / "issues" / issue_id
    if folder.exists():
        raise DiglotError(Location(f"issues/{issue_id}"), "this issue already exists")
    periodical, problems = read_publication(root, only=[])
    problems.raise_if_errors()
    if date is None:
        date = dt.date.today().isoformat()
    elif not DATE_RE.match(date):
        raise DiglotError(None, f"--date '{date}' must be YYYY-MM-DD or YYYY-MM")
    if number is None:
        existing, _ = read_publication(root)
        number = max((i.number for i in existing.issues), default=0) + 1
    lang = periodical.default_language
    key = lang.split("_")[0]
    title = _TITLES.get(key, _TITLES["en"])
    section = _SECTIONS.get(key, _SECTIONS["en"])
    article_title, paragraph = _ARTICLE.get(key, _ARTICLE["en"])
    manifest = (
        f"number: {number}\n"
        f"date: {date}\n"
        f"title: {title}\n"
        "sections:\n"
        "  - id: features\n"
        f"    title: {section}\n"
        "articles:\n"
        "  - slug: first-article\n"
        "    section: features\n"
    )
    article = f"---\ntitle: {article_title}\n---\n\n{paragraph}\n"
    written = []
    for rel, text in (
        (f"issues/{issue_id}/issue.yaml", manifest),
        (f"issues/{issue_id}/articles/first-article.md", article),
    ):
        atomic_write(root / rel, text)
        written.append(rel)
    (folder / "images").mkdir(exist_ok=True)
    return written

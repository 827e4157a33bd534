"""diglot stats: how far each edition is, in messages and in source words.

Counts come from the sources (every message the edition needs) looked up in
the catalogs, so a catalog that ``diglot update`` has not caught up with
counts its new messages as untranslated. Fuzzy never counts as translated.
Words: English (and other space-separated) words and numbers count one
each; every Han character counts one.

Article catalogs are also summed per translator (the manifest's
``translators: {<lang>: [ids]}``), so an editor sees who is behind: an
article with two translators counts in full for both, and articles nobody is
assigned to for a language are summed as unassigned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problems
from ..source import markdown
from ..source.model import Issue
from .catalogs import Unit, po_rel, read_po

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
_WORD = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*")


def source_words(text: str) -> int:
    """Words of a message as a reader sees it (Markdown syntax and URLs excluded)."""
    plain = markdown.plain_text(text) if any(c in text for c in "*_`[!<&\\") else text
    han = len(_HAN.findall(plain))
    rest = _HAN.sub(" ", plain)
    return han + len(_WORD.findall(rest))


@dataclass
class Counts:
    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    words_translated: int = 0
    words_fuzzy: int = 0
    words_untranslated: int = 0

    def add(self, state: str, words: int) -> None:
        setattr(self, state, getattr(self, state) + 1)
        setattr(self, f"words_{state}", getattr(self, f"words_{state}") + words)

    def __iadd__(self, other: "Counts") -> "Counts":
        for name in vars(other):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    @property
    def messages(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def words(self) -> int:
        return self.words_translated + self.words_fuzzy + self.words_untranslated

    @property
    def percent(self) -> float:
        """Translated source words as a share of all source words."""
        return round(100.0 * self.words_translated / self.words, 1) if self.words else 100.0

    def as_json(self) -> dict:
        return {
            "messages": {"translated": self.translated, "fuzzy": self.fuzzy, "untranslated": self.untranslated, "total": self.messages},
            "words": {"translated": self.words_translated, "fuzzy": self.words_fuzzy, "untranslated": self.words_untranslated, "total": self.words},
            "percent": self.percent,
        }


@dataclass
class CatalogStats:
    lang: str
    domain: str
    path: str
    kind: str  # theme, periodical, issue, article
    issue: str | None
    counts: Counts = field(default_factory=Counts)


@dataclass
class TranslatorStats:
    """What one translator (``id`` None: nobody) is assigned in one language."""

    id: str | None
    name: str | None  # in the target language if the manifest gives it
    lang: str
    articles: list[str] = field(default_factory=list)  # domains, in publication order
    counts: Counts = field(default_factory=Counts)

    @property
    def label(self) -> str:
        if self.id is None:
            return "(unassigned)"
        return f"{self.name} ({self.id})" if self.name and self.name != self.id else self.id


@dataclass
class LanguageStats:
    lang: str
    catalogs: list[CatalogStats] = field(default_factory=list)
    translators: list[TranslatorStats] = field(default_factory=list)

    @property
    def total(self) -> Counts:
        total = Counts()
        for catalog in self.catalogs:
            total += catalog.counts
        return total

    def issues(self) -> dict[str, Counts]:
        out: dict[str, Counts] = {}
        for catalog in self.catalogs:
            if catalog.issue is not None:
                out.setdefault(catalog.issue, Counts())
                out[catalog.issue] += catalog.counts
        return out


def compute(
    root: Path, units: list[Unit], languages: list[str], problems: Problems, issues: list[Issue] | None = None
) -> list[LanguageStats]:
    """Counts per catalog of each language; with ``issues``, also per translator of their articles."""
    result = []
    for lang in languages:
        stats = LanguageStats(lang)
        for unit in units:
            if unit.source_lang == lang:
                continue
            rel = po_rel(lang, unit.domain)
            index = {}
            if (root / rel).is_file():
                catalog = read_po(root, rel, problems)
                if catalog is not None:
                    index = catalog.index()
            issue = unit.domain.split("/", 1)[0] if "/" in unit.domain else None
            item = CatalogStats(lang, unit.domain, rel, unit.kind, issue)
            for message in unit.messages:
                entry = index.get(message.key)
                if entry is not None and entry.translated:
                    state = "translated"
                elif entry is not None and entry.fuzzy and entry.has_translation:
                    state = "fuzzy"
                else:
                    state = "untranslated"
                item.counts.add(state, source_words(message.msgid))
            stats.catalogs.append(item)
        if issues is not None:
            stats.translators = by_translator(stats, issues)
        result.append(stats)
    return result


def contributor_name(issue: Issue, contributor_id: str, lang: str) -> str | None:
    """A contributor's name from its mapping's ``lang`` entry (else its first); a plain string as written."""
    contributor = issue.contributors.get(contributor_id)
    if contributor is None:
        return None
    name = contributor.name
    if name.values:
        return name.values.get(lang) or next(iter(name.values.values()), None)
    return name.source


def by_translator(stats: LanguageStats, issues: list[Issue]) -> list[TranslatorStats]:
    """The language's article catalogs summed per assigned translator.

    In order of each translator's first article (issues by id, articles in
    manifest order, as the catalogs are); "(unassigned)" last. Theme,
    periodical and issue catalogs are nobody's assignment and are left out.
    """
    articles = {a.domain: (issue, a) for issue in issues for a in issue.articles}
    people: dict[str | None, TranslatorStats] = {}
    for catalog in stats.catalogs:
        if catalog.kind != "article" or catalog.domain not in articles:
            continue
        issue, article = articles[catalog.domain]
        ids = article.translators.get(stats.lang) or [None]
        for tid in dict.fromkeys(ids):  # an id listed twice counts once
            person = people.get(tid)
            if person is None:
                name = contributor_name(issue, tid, stats.lang) if tid is not None else None
                person = people[tid] = TranslatorStats(tid, name, stats.lang)
            person.articles.append(catalog.domain)
            person.counts += catalog.counts
    unassigned = people.pop(None, None)
    return list(people.values()) + ([unassigned] if unassigned else [])


def as_json(result: list[LanguageStats]) -> dict:
    return {
        "languages": {
            stats.lang: {
                "total": stats.total.as_json(),
                "issues": {issue: counts.as_json() for issue, counts in sorted(stats.issues().items())},
                "catalogs": [
                    {"domain": c.domain, "path": c.path, "kind": c.kind, "issue": c.issue, **c.counts.as_json()}
                    for c in stats.catalogs
                ],
                "translators": [
                    {"id": t.id, "name": t.name, "articles": t.articles, **t.counts.as_json()} for t in stats.translators
                ],
            }
            for stats in result
        }
    }

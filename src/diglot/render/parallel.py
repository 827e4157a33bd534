"""The parallel edition: every block of an article beside its translation.

An article renders to the same blocks in every language, since a translation
only replaces a block's inline text (:func:`markdown.render`), so blocks pair
by position and the pairing is exact. What can still leave a block without a
counterpart is listed by :func:`parity`: a message not translated (or fuzzy),
or a translation whose structure differs from its source (one list item
written as two lines, a footnote call dropped).

The print and web renderers both lay out the :class:`Pair` lists made here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from markupsafe import Markup

from .. import locales
from ..errors import Location
from ..source import markdown
from ..source.model import Article, Issue, Periodical
from . import typeset
from .edition import ArticleView, Edition, Resolved

#: A footnote call in a side's HTML before notes are paired (NUL never survives Markdown parsing).
_NOTE = re.compile("\x00([^\x00]*)\x00")


@dataclass
class Side:
    """One language's half of a pair."""

    lang: str
    html: Markup
    is_source: bool
    fallback: bool = False  # shown in the source language: the block has no counterpart
    number: int = 0  # a footnote's number in this language (a translation may call notes in another order)

    @property
    def html_lang(self) -> str:
        return locales.bcp47(self.lang)

    @property
    def cjk(self) -> bool:
        return locales.is_cjk(self.lang)


@dataclass
class Pair:
    """A block and its translation: ``kind`` as in :class:`markdown.Block`."""

    kind: str
    line: int
    left: Side
    right: Side

    @property
    def sides(self) -> tuple[Side, Side]:
        return self.left, self.right


@dataclass
class ParallelArticle:
    slug: str
    left: ArticleView  # the article in the left column's language
    right: ArticleView
    pairs: list[Pair]

    @property
    def left_is_source(self) -> bool:
        return not self.left.is_translation

    def views(self) -> tuple[ArticleView, ArticleView]:
        return self.left, self.right


def sides(periodical: Periodical, article: Article) -> tuple[str, str]:
    """The article's (left, right) languages: by default its source language on the left."""
    first, second = periodical.parallel_languages
    setting = periodical.print.parallel_left
    if setting == "source":
        left = article.source_language if article.source_language in (first, second) else first
    else:
        left = setting
    return left, second if left == first else first


def article_pairs(
    editions: dict[str, Edition],
    issue: Issue,
    article: Article,
    *,
    mode: str,
    image_url: Callable[[str, str], str],
) -> ParallelArticle:
    """The article's blocks in its two parallel languages, paired.

    ``mode`` is ``print`` (each footnote beside its translation where it is
    first called, Chinese typesetting applied) or ``web`` (footnotes as
    pairs at the end; element ids prefixed by the language tag).
    """
    periodical = next(iter(editions.values())).periodical
    left_lang, right_lang = sides(periodical, article)
    rendered = {}
    for lang in (left_lang, right_lang):
        edition = editions[lang]
        footnote = (lambda label, _html: f"\x00{label}\x00") if mode == "print" else None
        rendered[lang] = edition.render_body(
            issue, article, mode=mode, image_url=image_url, id_prefix=edition.tag, blocks=True, footnote=footnote
        )
    left, right = rendered[left_lang], rendered[right_lang]
    pairs = _pair_blocks(article, left_lang, right_lang, left.blocks, right.blocks)
    if mode == "print":
        _typeset(pairs, periodical.print.no_autospace)
        _pair_notes(article, pairs, left, right, left_lang, right_lang, periodical.print.no_autospace)
    views = [
        editions[lang].article_view(issue, article, mode=mode, image_url=image_url, body=False) for lang in (left_lang, right_lang)
    ]
    return ParallelArticle(article.slug, views[0], views[1], pairs)


def _pair_blocks(
    article: Article, left_lang: str, right_lang: str, left: list[markdown.Block], right: list[markdown.Block]
) -> list[Pair]:
    def side(lang: str, block: markdown.Block | None) -> Side:
        is_source = lang == article.source_language
        if block is None:
            return Side(lang, Markup(""), is_source, fallback=True)
        return Side(lang, Markup(block.html), is_source, fallback=bool(block.fallbacks), number=block.number)

    pairs = []
    body_left = [b for b in left if b.kind != "footnote"]
    body_right = [b for b in right if b.kind != "footnote"]
    # Same source, same blocks: this holds by construction (see the module docstring).
    for a, b in zip(body_left, body_right, strict=True):
        pairs.append(Pair(a.kind, a.line, side(left_lang, a), side(right_lang, b)))
    # Web-mode footnotes pair by label, in the source's order; a note one side
    # never calls has no counterpart there.
    notes_left = {b.label: b for b in left if b.kind == "footnote"}
    notes_right = {b.label: b for b in right if b.kind == "footnote"}
    source_first = notes_left if left_lang == article.source_language else notes_right
    labels = list(source_first) + [label for label in {**notes_left, **notes_right} if label not in source_first]
    for label in labels:
        a, b = notes_left.get(label), notes_right.get(label)
        line = (a or b).line
        pairs.append(Pair("footnote", line, side(left_lang, a), side(right_lang, b)))
    return pairs


def _typeset(pairs: list[Pair], no_autospace: tuple[str, ...]) -> None:
    from . import justify

    for pair in pairs:
        for side in pair.sides:
            if side.cjk:
                side.html = Markup(justify.mark_paragraph_ends(typeset.chinese(str(side.html), no_autospace)))


def _pair_notes(
    article: Article,
    pairs: list[Pair],
    left: markdown.Rendered,
    right: markdown.Rendered,
    left_lang: str,
    right_lang: str,
    no_autospace: tuple[str, ...],
) -> None:
    """Print mode: put each footnote, in both languages side by side, where the left column first calls it.

    Notes are numbered in the order the source calls them; a note only the
    right column calls floats from there.
    """
    source = left if left_lang == article.source_language else right
    numbers: dict[str, int] = {}
    for label in [*source.notes, *left.notes, *right.notes]:
        numbers.setdefault(label, len(numbers) + 1)

    def note(lang: str, notes: dict[str, str], label: str) -> str:
        text = notes.get(label, "")
        if text and locales.is_cjk(lang):
            text = typeset.chinese(text, no_autospace)
        cls = "fn-side cjk" if locales.is_cjk(lang) else "fn-side"
        return f'<span class="{cls}" lang="{locales.bcp47(lang)}"><span class="fn-n">{numbers[label]}</span> {text}</span>'

    def floated(label: str) -> str:
        return (
            f'<span class="footnote fn-pair" data-n="{numbers[label]}">'
            f"{note(left_lang, left.notes, label)}{note(right_lang, right.notes, label)}</span>"
        )

    placed: set[str] = set()
    called_left = set(left.notes) & {m for p in pairs for m in _NOTE.findall(str(p.left.html))}

    def in_left(match: re.Match) -> str:
        label = match[1]
        if label not in numbers or label in placed:
            return ""
        placed.add(label)
        return floated(label)

    def in_right(match: re.Match) -> str:
        label = match[1]
        if label not in numbers:
            return ""
        if label in called_left or label in placed:
            return f'<span class="fn-call">{numbers[label]}</span>'
        placed.add(label)
        return floated(label)

    for pair in pairs:
        pair.left.html = Markup(_NOTE.sub(in_left, str(pair.left.html)))
        pair.right.html = Markup(_NOTE.sub(in_right, str(pair.right.html)))


# --- parity -------------------------------------------------------------------------


@dataclass
class Mismatch:
    """A block without a counterpart: where the fix goes, and what is wrong."""

    location: Location
    message: str
    untranslated: bool  # untranslated or fuzzy, rather than a structural difference
    lang: str  # the language lacking the counterpart
    blocks: int = 1  # how many blocks it stands for


@dataclass
class Parity:
    pairs: int = 0
    articles: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)

    def summary(self) -> str:
        if not self.mismatches:
            return f"parity: {self.pairs} block pairs in {self.articles} article(s), every block has its counterpart"
        count = sum(m.blocks for m in self.mismatches)
        return f"parity: {self.pairs} block pairs in {self.articles} article(s), {count} without a counterpart"


_BLOCK_MARKUP = re.compile(r"^ {0,3}(?:[-*+]\s|\d{1,9}[.)]\s|#{1,6}\s|>)")
_NOTE_CALL = re.compile(r"\[\^([^\]\s]+)\]")


def report(periodical: Periodical, issue_ids: list[str], editions: dict[str, Edition] | None = None) -> Parity:
    """The parity report of the given issues; ``editions`` (by language) are reused when given."""
    from ..errors import Problems

    editions = editions or {}
    pair = {
        lang: editions.get(lang) or Edition(periodical, lang, draft=True, problems=Problems())  # catalog problems are validate's
        for lang in periodical.parallel_languages
    }
    result = Parity()
    for issue_id in issue_ids:
        parity(pair, periodical.issue(issue_id), result)
    return result


def parity(editions: dict[str, Edition], issue: Issue, report: Parity | None = None) -> Parity:
    """Every block of the issue's articles without a counterpart in the other parallel language."""
    report = report or Parity()
    periodical = next(iter(editions.values())).periodical
    for article in issue.articles:
        report.articles += 1
        paired = article_pairs(editions, issue, article, mode="web", image_url=lambda rel, _slug: rel)
        report.pairs += len(paired.pairs) + len(_header_texts(paired.left))
        for lang, view in zip(sides(periodical, article), paired.views()):
            if lang != article.source_language:
                _check_translation(editions[lang], article, view, report)
    return report


def _header_texts(view: ArticleView) -> list[Resolved]:
    return [t for t in (view.title, view.subtitle, view.abstract, *view.keywords) if t is not None]


def _check_translation(edition: Edition, article: Article, view: ArticleView, report: Parity) -> None:
    lookup = edition.lookup
    tag = edition.tag
    if lookup.catalog(article.domain) is None:
        count = len(markdown.segments(article.body)) + len(_source_header(article))
        where = lookup.where(article.domain, "")
        report.mismatches.append(
            Mismatch(where, f"no {tag} counterpart for any of the {count} messages of {article.rel}: no catalog yet (run 'diglot update')", True, edition.lang, count)
        )
        return
    for text, source in zip(_header_texts(view), _source_header(article)):
        if text.fallback_lang:
            where = lookup.where(article.domain, source)
            report.mismatches.append(Mismatch(where, f"no {tag} counterpart: {_excerpt(source)} ({article.rel}) is untranslated or fuzzy", True, edition.lang))
    for segment in markdown.segments(article.body, article.body_line - 1):
        at = f"{article.rel}:{segment.line}"
        translated = lookup.get(article.domain, segment.text)
        where = lookup.where(article.domain, segment.text)
        if translated is None:
            report.mismatches.append(Mismatch(where, f"no {tag} counterpart: the {segment.kind} at {at} is untranslated or fuzzy", True, edition.lang))
            continue
        for problem in _structure(segment.text, translated):
            report.mismatches.append(Mismatch(where, f"structure differs: the {segment.kind} at {at} {problem} in the {tag} translation", False, edition.lang))


def _source_header(article: Article) -> list[str]:
    texts = [article.title, article.subtitle, article.abstract, *article.keywords]
    return [t.source or "" for t in texts if t is not None]


def _structure(source: str, translation: str) -> list[str]:
    problems = []
    source_lines, translated_lines = source.count("\n") + 1, translation.count("\n") + 1
    if source_lines != translated_lines:
        problems.append(f"has {source_lines} line{'s' if source_lines > 1 else ''}, but {translated_lines}")
    for line in translation.split("\n")[1:] if translated_lines > 1 else []:
        if _BLOCK_MARKUP.match(line):
            problems.append(f"is one block, but a line starts with block markup ({line.strip()[:12]!r}) shown as text")
            break
    calls_source, calls_translation = _NOTE_CALL.findall(source), _NOTE_CALL.findall(translation)
    for label in calls_source:
        if label not in calls_translation:
            problems.append(f"calls footnote [^{label}], which is not called")
    for label in calls_translation:
        if label not in calls_source:
            problems.append(f"does not call footnote [^{label}], which is called")
    return problems


def _excerpt(text: str) -> str:
    return f'"{text}"' if len(text) <= 40 else f'"{text[:37]}..."'

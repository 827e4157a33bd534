"""One language's edition: every text of the publication resolved for that language.

Renderers (HTML, PDF) only see the views built here, so both show the same
articles, sections, order and figures in every language.
"""

from __future__ import annotations

import gettext as _gettext
import posixpath
from dataclasses import dataclass
from typing import Callable

from markupsafe import Markup, escape

from .. import locales
from ..catalog.catalogs import THEME_LANG, Lookup
from ..errors import Problems
from ..source import markdown
from ..source.manifest import safe_rel, variant_rel
from ..source.model import Article, Contributor, Issue, Periodical, Text


@dataclass
class Resolved:
    """A text in the edition's language, or the source text when no translation exists."""

    text: str
    fallback_lang: str | None = None  # set when the source text is shown instead

    def markup(self, inline: bool = True) -> Markup:
        html = markdown.render_inline(self.text) if inline else str(escape(self.text))
        if self.fallback_lang:
            return Markup(f'<span class="untranslated" lang="{locales.bcp47(self.fallback_lang)}">{html}</span>')
        return Markup(html)

    @property
    def plain(self) -> str:
        return markdown.plain_text(self.text)

    def __str__(self) -> str:
        return self.plain


@dataclass
class ContributorView:
    id: str
    name: Resolved
    affiliation: Resolved | None
    bio: Resolved | None


@dataclass
class ArticleView:
    article: Article
    issue_id: str
    slug: str
    section: Resolved
    title: Resolved
    subtitle: Resolved | None
    abstract: Resolved | None
    keywords: list[Resolved]
    authors: list[ContributorView]
    translators: list[ContributorView]
    source_language: str
    is_translation: bool
    body_html: Markup = Markup("")
    untranslated_blocks: int = 0


@dataclass
class SectionView:
    id: str
    title: Resolved
    articles: list[ArticleView]


@dataclass
class IssueView:
    issue: Issue
    id: str
    number: int
    volume: int | None
    date_text: str
    date_iso: str
    title: Resolved
    description: Resolved | None
    sections: list[SectionView]
    articles: list[ArticleView]
    editors: list[ContributorView]
    cover_rel: str | None


class Edition:
    """The publication seen in ``lang``; ``mode`` is ``web`` or ``print``."""

    def __init__(self, periodical: Periodical, lang: str, *, draft: bool, problems: Problems):
        self.periodical = periodical
        self.lang = lang
        self.tag = locales.url_tag(lang)
        self.html_lang = locales.bcp47(lang)
        self.draft = draft
        self.lookup = Lookup(periodical.root, lang, problems)
        self.problems = problems
        self.assets: set[str] = set()  # root-relative files the edition shows

    # --- texts --------------------------------------------------------------

    def text(self, text: Text | None) -> Resolved | None:
        if text is None:
            return None
        if text.values is not None:
            return Resolved(text.values.get(self.lang, ""))
        source = text.source or ""
        if text.lang == self.lang or not markdown.has_letters(source):
            return Resolved(source)
        translated = self.lookup.get(text.domain, source)
        if translated is None:
            return Resolved(source, fallback_lang=text.lang)
        return Resolved(translated)

    def gettext(self, message: str) -> str:
        if self.lang == THEME_LANG:
            return message
        return self.lookup.get("theme", message) or message

    def gettext_markup(self, message: str, **variables) -> Markup:
        """A theme string for a template of another edition's language, like Jinja's newstyle
        gettext: the translation is trusted markup, the variables are escaped."""
        return Markup(self.gettext(message)) % variables

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        if self.lang == THEME_LANG:
            return singular if n == 1 else plural
        entries = self.lookup.catalog("theme") or {}
        entry = entries.get(singular)
        if entry is not None and entry.msgid_plural and "fuzzy" not in entry.flags:
            index = _gettext.c2py(locales.plural_forms(self.lang).split("plural=")[1].rstrip(";"))(n)
            value = entry.msgstr_plural.get(index)
            if value:
                return value
        return singular if n == 1 else plural

    def date(self, issue: Issue) -> str:
        return locales.date(issue.date, issue.date_precision, self.lang)

    def number(self, value: int) -> str:
        return locales.number(value, self.lang)

    # --- pictures --------------------------------------------------------------

    def picture_rel(self, folder: str, src: str) -> str | None:
        """The file to show for ``src`` in this language (``x.en.png`` over ``x.png``), or None."""
        rel, _why = safe_rel(self.periodical.root, folder, src)
        if rel is None:
            return None
        variant = variant_rel(rel, self.lang)
        root = self.periodical.root
        for candidate in (variant, rel):
            if (root / candidate).is_file() and safe_rel(root, "", candidate)[0]:
                self.assets.add(candidate)
                return candidate
        return None

    # --- views -------------------------------------------------------------------

    def contributor(self, contributor: Contributor) -> ContributorView:
        return ContributorView(
            contributor.id,
            self.text(contributor.name),
            self.text(contributor.affiliation),
            self.text(contributor.bio),
        )

    def issue_view(self, issue: Issue, *, mode: str, image_url: Callable[[str, str], str], bodies: bool = True) -> IssueView:
        """``image_url(rel, page)`` turns a root-relative file into a URL for the page;
        ``bodies=False`` leaves the articles' bodies unrendered."""
        sections = [SectionView(s.id, self.text(s.title), []) for s in issue.sections]
        by_id = {s.id: s for s in sections}
        articles = []
        for article in issue.articles:
            view = self.article_view(issue, article, mode=mode, image_url=image_url, body=bodies)
            by_id[article.section_id].articles.append(view)
            articles.append(view)
        cover_rel = None
        if issue.cover is not None:
            cover_rel = self.picture_rel("", issue.cover.rel)
        return IssueView(
            issue=issue,
            id=issue.id,
            number=issue.number,
            volume=issue.volume,
            date_text=self.date(issue),
            date_iso=issue.date.isoformat() if issue.date_precision == "day" else issue.date.strftime("%Y-%m"),
            title=self.text(issue.title),
            description=self.text(issue.description),
            sections=[s for s in sections if s.articles],
            articles=articles,
            editors=[self.contributor(issue.contributors[e]) for e in issue.editors],
            cover_rel=cover_rel,
        )

    def article_view(
        self, issue: Issue, article: Article, *, mode: str, image_url: Callable[[str, str], str], body: bool = True
    ) -> ArticleView:
        """The article in this language; ``body=False`` leaves its body unrendered."""
        view = ArticleView(
            article=article,
            issue_id=issue.id,
            slug=article.slug,
            section=self.text(issue.section(article.section_id).title),
            title=self.text(article.title),
            subtitle=self.text(article.subtitle),
            abstract=self.text(article.abstract),
            keywords=[self.text(k) for k in article.keywords],
            authors=[self.contributor(issue.contributors[a]) for a in article.authors],
            translators=[self.contributor(issue.contributors[t]) for t in article.translators.get(self.lang, [])],
            source_language=article.source_language,
            is_translation=article.source_language != self.lang,
        )

        if not body:
            return view
        rendered = self.render_body(issue, article, mode=mode, image_url=image_url, id_prefix=article.slug if mode == "print" else "")
        view.body_html = Markup(rendered.html)
        view.untranslated_blocks = len(rendered.fallbacks)
        return view

    def render_body(
        self,
        issue: Issue,
        article: Article,
        *,
        mode: str,
        image_url: Callable[[str, str], str],
        id_prefix: str = "",
        blocks: bool = False,
        footnote: markdown.FootnoteRef | None = None,
    ) -> markdown.Rendered:
        """The article's body in this language (see :func:`markdown.render`)."""
        is_translation = article.source_language != self.lang

        def translate(kind: str, msgid: str) -> str | None:
            return self.lookup.get(article.domain, msgid)

        def resolve(src: str) -> str | None:
            rel = self.picture_rel(issue.folder, src)
            return image_url(rel, article.slug) if rel else None

        return markdown.render(
            article.body,
            translate=translate if is_translation else None,
            source_lang_tag=locales.bcp47(article.source_language),
            resolve_image=resolve,
            mode=mode,
            line_offset=article.body_line - 1,
            id_prefix=id_prefix,
            typographer=True,
            blocks=blocks,
            footnote=footnote,
            source_rel=article.rel,
        )


def relative_url(target: str, page: str) -> str:
    """A link from the page at site path ``page`` to site path ``target`` (both '/'-separated)."""
    start = posixpath.dirname(page) or "."
    return posixpath.relpath(target, start)

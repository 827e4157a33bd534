"""The web edition: pages, feeds and sitemap, returned as strings keyed by site path.

Links between pages are relative (``../index.html``), so ``build/site`` works
from any static host and from the file system alike.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Callable

import jinja2
from markupsafe import Markup

from .. import __version__, locales
from ..source.model import Article, Issue, Periodical
from . import metadata, parallel
from .edition import ArticleView, Edition, IssueView, relative_url
from .templating import environment

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"


def issue_path(tag: str, issue_id: str) -> str:
    return f"{tag}/{issue_id}/index.html"


def article_path(tag: str, issue_id: str, slug: str) -> str:
    return f"{tag}/{issue_id}/{slug}/index.html"


def parallel_path(tag: str, issue_id: str, slug: str) -> str:
    """The article's parallel view, its interface in ``tag``'s language."""
    return f"{tag}/{issue_id}/{slug}/parallel/index.html"


def pdf_path(issue_id: str, tag: str) -> str:
    return f"pdf/{issue_id}.{tag}.pdf"


def parallel_pdf_path(issue_id: str) -> str:
    return f"pdf/{issue_id}.parallel.pdf"


@dataclass
class Page:
    path: str
    html_lang: str


@dataclass
class Column:
    """One column of a parallel page: a language of the pair, with its own view and theme strings."""

    position: str  # "left" or "right"
    lang: str
    html_lang: str
    name: str  # the language's name in itself
    is_source: bool
    view: ArticleView
    article_path: str  # the single-language article
    gettext: Callable[..., Markup]


class SiteRenderer:
    """Renders every page of the web edition for the given editions."""

    def __init__(
        self, periodical: Periodical, editions: list[Edition], *, with_pdf: bool, issue_ids: list[str], with_parallel: bool = False
    ):
        self.periodical = periodical
        self.editions = editions
        self.with_pdf = with_pdf
        self.with_parallel = with_parallel  # the site offers the parallel PDF
        self.issue_ids = issue_ids
        self.pages: dict[str, str] = {}
        self.page_langs: dict[str, str] = {}
        by_lang = {e.lang: e for e in editions}
        # The parallel view needs both of its languages; a build of one edition has none.
        languages = periodical.parallel_languages
        self.parallel_editions = {lang: by_lang[lang] for lang in languages} if all(l in by_lang for l in languages) else None
        self._pairs: dict[tuple[str, str], parallel.ParallelArticle] = {}

    def languages(self, page_for_lang) -> list[dict]:
        """The language switch: every edition's counterpart of the current page."""
        return [
            {
                "lang": e.lang,
                "tag": e.tag,
                "html_lang": e.html_lang,
                "name": locales.language_name(e.lang),
                "target": page_for_lang(e.tag),
            }
            for e in self.editions
        ]

    def render(self) -> dict[str, str]:
        for edition in self.editions:
            self._render_edition(edition)
        self._render_home()
        if self.periodical.base_url:
            self.pages["sitemap.xml"] = self._sitemap()
            for edition in self.editions:
                self.pages[f"{edition.tag}/feed.xml"] = self._feed(edition)
        return self.pages

    def _context(self, edition: Edition, env: jinja2.Environment, page: str, counterpart) -> dict:
        periodical = self.periodical

        def url(target: str) -> str:
            return relative_url(target, page)

        alternates = self.languages(counterpart)
        base = periodical.base_url
        title = edition.text(periodical.title)
        publisher = edition.text(periodical.publisher)
        return {
            "periodical_ld": metadata.periodical(title.plain, edition.lang, periodical.issn, publisher.plain if publisher else None, f"{base}{edition.tag}/" if base else None),
            "og_locale": metadata.og_locale(edition.lang),
            "og_alternates": [metadata.og_locale(e.lang) for e in self.editions if e.lang != edition.lang],
            "json_ld": metadata.json_ld,
            "edition": edition,
            "lang": edition.lang,
            "html_lang": edition.html_lang,
            "tag": edition.tag,
            "page": page,
            "url": url,
            "periodical_title": title,
            "publisher": publisher,
            "license": edition.text(periodical.license),
            "issn": periodical.issn,
            "alternates": alternates,
            "canonical": (base + page.removesuffix("index.html")) if base else None,
            "absolute": (lambda target: base + target.removesuffix("index.html")) if base else None,
            "draft": edition.draft,
            "generator": f"diglot {__version__}",
            "with_pdf": self.with_pdf,
            "with_parallel": self.with_parallel,
            "pdf_path": pdf_path,
            "parallel_pdf_path": parallel_pdf_path,
            "issue_path": issue_path,
            "article_path": article_path,
        }

    def _render_edition(self, edition: Edition) -> None:
        env = environment(self.periodical.root, edition)
        tag = edition.tag
        issues: list[IssueView] = []
        for issue in self.periodical.issues:
            def image_url(rel: str, slug: str, issue=issue) -> str:
                return relative_url(f"media/{rel}", article_path(tag, issue.id, slug))

            issues.append(edition.issue_view(issue, mode="web", image_url=image_url))

        page = f"{tag}/index.html"
        ctx = self._context(edition, env, page, lambda t: f"{t}/index.html")
        self._put(page, edition, env.get_template("archive.html").render(ctx, issues=issues))
        page = f"{tag}/search/index.html"
        ctx = self._context(edition, env, page, lambda t: f"{t}/search/index.html")
        self.pages[page] = env.get_template("search.html").render(ctx)

        for view in issues:
            if view.id not in self.issue_ids:
                continue
            page = issue_path(tag, view.id)
            ctx = self._context(edition, env, page, lambda t, v=view: issue_path(t, v.id))
            issue_ld = metadata.issue(ctx["periodical_ld"], view, edition.lang, self._url(page, page))
            self._put(page, edition, env.get_template("issue.html").render(ctx, issue=view, issue_ld=issue_ld))
            for index, article in enumerate(view.articles):
                page = article_path(tag, view.id, article.slug)
                ctx = self._context(edition, env, page, lambda t, v=view, a=article: article_path(t, v.id, a.slug))
                previous = view.articles[index - 1] if index > 0 else None
                following = view.articles[index + 1] if index + 1 < len(view.articles) else None
                counterparts = {e.lang: self._url(article_path(e.tag, view.id, article.slug), page) for e in self.editions}
                article_ld = metadata.article(ctx["periodical_ld"], view, article, edition.lang, counterparts[edition.lang], counterparts)
                html = env.get_template("article.html").render(
                    ctx, issue=view, article=article, previous=previous, next=following, article_ld=article_ld,
                    pdf_url=self._url(pdf_path(view.id, tag), page) if self.with_pdf else None,
                    parallel_url=relative_url(parallel_path(tag, view.id, article.slug), page) if self.parallel_editions else None,
                )
                self._put(page, edition, html)
                if self.parallel_editions:
                    self._render_parallel(edition, env, view, article)

    def _render_parallel(self, edition: Edition, env: jinja2.Environment, view: IssueView, article: ArticleView) -> None:
        """The article beside its translation, with ``edition``'s interface.

        Kept out of the sitemap (it repeats the language pages) and out of
        the search index (it has no ``data-pagefind-body``).
        """
        page = parallel_path(edition.tag, view.id, article.slug)
        ctx = self._context(edition, env, page, lambda t: parallel_path(t, view.id, article.slug))
        paired = self._paired(view.issue, article.article)
        left, right = parallel.sides(self.periodical, article.article)
        columns = [
            self._column("left", left, paired.left, view.id),
            self._column("right", right, paired.right, view.id),
        ]
        html = env.get_template("article-parallel.html").render(
            ctx, issue=view, article=article, columns=columns,
            body=[p for p in paired.pairs if p.kind != "footnote"],
            notes=[p for p in paired.pairs if p.kind == "footnote"],
        )
        # Straight into pages, not _put: page_langs feeds the sitemap.
        self.pages[page] = html

    def _column(self, position: str, lang: str, side_view: ArticleView, issue_id: str) -> Column:
        edition = self.parallel_editions[lang]
        return Column(
            position=position,
            lang=lang,
            html_lang=edition.html_lang,
            name=locales.language_name(lang),
            is_source=lang == side_view.source_language,
            view=side_view,
            article_path=article_path(edition.tag, issue_id, side_view.slug),
            gettext=edition.gettext_markup,
        )

    def _paired(self, issue: Issue, article: Article) -> parallel.ParallelArticle:
        """The article's pairs, made once for every edition's parallel page."""
        key = (issue.id, article.slug)
        if key not in self._pairs:
            # Every parallel page sits at the same depth, so one image URL serves all.
            page = parallel_path(self.editions[0].tag, issue.id, article.slug)

            def image_url(rel: str, _slug: str) -> str:
                return relative_url(f"media/{rel}", page)

            self._pairs[key] = parallel.article_pairs(self.parallel_editions, issue, article, mode="web", image_url=image_url)
        return self._pairs[key]

    def _url(self, target: str, page: str) -> str:
        """An absolute URL from base_url, else a link relative to ``page``."""
        base = self.periodical.base_url
        return base + target.removesuffix("index.html") if base else relative_url(target, page)

    def _put(self, page: str, edition: Edition, html: str) -> None:
        self.pages[page] = html
        self.page_langs[page] = edition.lang

    def _render_home(self) -> None:
        first = self.editions[0]
        env = environment(self.periodical.root, None)
        page = "index.html"
        choices = [
            {
                "html_lang": e.html_lang,
                "name": locales.language_name(e.lang),
                "title": e.text(self.periodical.title),
                "target": f"{e.tag}/index.html",
            }
            for e in self.editions
        ]
        self.pages[page] = env.get_template("home.html").render(
            choices=choices,
            url=lambda target: relative_url(target, page),
            html_lang=first.html_lang,
            title=" · ".join(str(c["title"]) for c in choices),
            generator=f"diglot {__version__}",
        )

    # --- sitemap and feeds --------------------------------------------------------

    def _sitemap(self) -> str:
        ET.register_namespace("", SITEMAP)
        ET.register_namespace("xhtml", XHTML)
        urlset = ET.Element(f"{{{SITEMAP}}}urlset")
        base = self.periodical.base_url or ""
        groups: dict[str, dict[str, str]] = {}
        for page, lang in self.page_langs.items():
            groups.setdefault(page.split("/", 1)[1], {})[lang] = page
        for rest, by_lang in groups.items():
            for lang, page in by_lang.items():
                entry = ET.SubElement(urlset, f"{{{SITEMAP}}}url")
                ET.SubElement(entry, f"{{{SITEMAP}}}loc").text = base + page.removesuffix("index.html")
                for other_lang, other in by_lang.items():
                    ET.SubElement(
                        entry,
                        f"{{{XHTML}}}link",
                        {"rel": "alternate", "hreflang": locales.bcp47(other_lang), "href": base + other.removesuffix("index.html")},
                    )
        ET.indent(urlset)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(urlset, encoding="unicode") + "\n"

    def _feed(self, edition: Edition) -> str:
        ET.register_namespace("", ATOM)
        base = self.periodical.base_url or ""
        tag = edition.tag
        feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": edition.html_lang})
        ET.SubElement(feed, f"{{{ATOM}}}title").text = edition.text(self.periodical.title).plain
        ET.SubElement(feed, f"{{{ATOM}}}id").text = f"{base}{tag}/"
        ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": f"{base}{tag}/feed.xml"})
        ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "href": f"{base}{tag}/"})
        issues = self.periodical.issues
        newest = max((i.date for i in issues), default=dt.date(2000, 1, 1))
        ET.SubElement(feed, f"{{{ATOM}}}updated").text = f"{newest.isoformat()}T00:00:00Z"
        ET.SubElement(feed, f"{{{ATOM}}}generator").text = "diglot"
        for issue in issues:
            for article in issue.articles:
                entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
                link = f"{base}{tag}/{issue.id}/{article.slug}/"
                ET.SubElement(entry, f"{{{ATOM}}}title").text = edition.text(article.title).plain
                ET.SubElement(entry, f"{{{ATOM}}}id").text = link
                ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "href": link})
                ET.SubElement(entry, f"{{{ATOM}}}updated").text = f"{issue.date.isoformat()}T00:00:00Z"
                for author in article.authors:
                    person = ET.SubElement(entry, f"{{{ATOM}}}author")
                    ET.SubElement(person, f"{{{ATOM}}}name").text = edition.text(issue.contributors[author].name).plain
                if article.abstract is not None:
                    ET.SubElement(entry, f"{{{ATOM}}}summary").text = edition.text(article.abstract).plain
        ET.indent(feed)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"

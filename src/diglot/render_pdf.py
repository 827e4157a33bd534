"""Print editions through WeasyPrint: returns PDF bytes.

WeasyPrint only ever sees files of the publication: :class:`SafeFetcher`
serves regular files inside the publication root and refuses everything else
(the network, other files, device files), recording each refusal.
"""

from __future__ import annotations

import logging
import mimetypes
import os
import stat
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse, path2url

from . import __version__, justify, locales, typeset
from .edition import Edition
from .errors import DiglotError, Location
from .model import Issue, Periodical
from .render_html import environment


class SafeFetcher(URLFetcher):
    """A WeasyPrint URL fetcher confined to the publication root."""

    def __init__(self, root: Path, **kwargs):
        super().__init__(**kwargs)
        self.root = os.path.realpath(root)
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return self._refuse(url, "only files inside the publication are read")
        path = os.path.realpath(unquote(parts.path))
        if os.path.commonpath([path, self.root]) != self.root:
            return self._refuse(url, "outside the publication root")
        try:
            info = os.stat(path)
        except OSError:
            return self._refuse(url, "no such file")
        if not stat.S_ISREG(info.st_mode):
            return self._refuse(url, "not a regular file")
        with open(path, "rb") as handle:
            body = handle.read()
        mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(path2url(path), body, {"Content-Type": mime})

    def _refuse(self, url: str, why: str):
        self.refused.append(f"{url} ({why})")
        raise ValueError(f"diglot refused to fetch {url}: {why}")


BODY_PT = 10.5  # the body text size of print.css: the Chinese measure is counted in it
MIN_SIDE_MM = 22.0


def page_css(periodical: Periodical) -> str:
    """Page size, bleed and marks from periodical.yaml; side margins that make the
    text column a whole number of body-size characters wide (values checked when read)."""
    settings = periodical.print
    chars, side = typeset.measure(settings.page_size, BODY_PT, MIN_SIDE_MM)
    rules = [f"size: {settings.page_size};", f"margin-left: {side:.3f}mm;", f"margin-right: {side:.3f}mm;"]
    if settings.bleed:
        rules.append(f"bleed: {settings.bleed};")
    if settings.marks:
        rules.append(f"marks: {settings.marks};")
    css = "@page { " + " ".join(rules) + " }\n"
    css += f"html {{ font-size: {BODY_PT}pt; }} /* {chars} characters a line */\n"
    css += f".cover {{ height: {typeset.page_size_mm(settings.page_size)[1]:.2f}mm; min-height: 0; }}\n"
    if settings.article_start == "right":
        css += ".article { break-before: right; }\n"
    return css


def print_html(periodical: Periodical, edition: Edition, issue: Issue) -> tuple[str, str]:
    """The print edition's HTML and its stylesheet."""
    root = periodical.root

    def image_url(rel: str, _slug: str) -> str:
        return path2url(str(root / rel))

    view = edition.issue_view(issue, mode="print", image_url=image_url)
    env = environment(root, edition)
    authors: list[str] = []
    for article in view.articles:
        for author in article.authors:
            if author.name.plain not in authors:
                authors.append(author.name.plain)
    keywords: list[str] = []
    for article in view.articles:
        for keyword in article.keywords:
            if keyword.plain not in keywords:
                keywords.append(keyword.plain)
    html = env.get_template("print.html").render(
        edition=edition,
        issue=view,
        html_lang=edition.html_lang,
        tag=edition.tag,
        cjk=locales.is_cjk(edition.lang),
        periodical_title=edition.text(periodical.title),
        publisher=edition.text(periodical.publisher),
        license=edition.text(periodical.license),
        issn=periodical.issn,
        authors=authors,
        keywords=keywords,
        cover_url=image_url(view.cover_rel, "") if view.cover_rel else None,
        generator=f"diglot {__version__}",
    )
    if locales.is_cjk(edition.lang):
        start = html.find("<body")
        html = html[:start] + justify.mark_paragraph_ends(typeset.chinese(html[start:]))
    css = env.loader.get_source(env, "print.css")[0]
    return html, css + "\n" + page_css(periodical)


def render_pdf(
    periodical: Periodical,
    edition: Edition,
    issue: Issue,
    font_config: FontConfiguration | None = None,
    pdf_variant: str | None = None,
) -> bytes:
    """The print edition of ``issue`` in the edition's language, as PDF bytes.

    ``pdf_variant`` is ``pdf/a-3b`` (archives) or ``pdf/ua-1`` (tagged, for
    accessibility); the default is a plain PDF, the fastest to make.
    """
    html, css = print_html(periodical, edition, issue)
    fetcher = SafeFetcher(periodical.root)
    font_config = font_config or FontConfiguration()
    logger = logging.getLogger("weasyprint")
    collector = _Collector()
    previous, propagate = logger.level, logger.propagate
    logger.setLevel(logging.ERROR)
    logger.addHandler(collector)
    logger.propagate = False
    try:
        options = {"pdf_variant": pdf_variant} if pdf_variant else {}
        document = HTML(string=html, base_url=path2url(str(periodical.root)) + "/", url_fetcher=fetcher).render(
            stylesheets=[CSS(string=css, font_config=font_config, url_fetcher=fetcher)],
            font_config=font_config,
            **options,
        )
        if locales.is_cjk(edition.lang):
            justify.justify_document(document)
        pdf = document.write_pdf(uncompressed_pdf=False, **options)
    except Exception as exc:  # WeasyPrint failures become located errors
        raise DiglotError(Location(issue.rel), f"rendering the {edition.tag} PDF failed: {exc}") from exc
    finally:
        logger.setLevel(previous)
        logger.removeHandler(collector)
        logger.propagate = propagate
    if fetcher.refused:
        raise DiglotError(Location(issue.rel), "the print edition asked for files outside the publication: " + "; ".join(fetcher.refused))
    if collector.messages:
        # WeasyPrint reports layout errors (a dangling link, a CSS value it drops) without failing.
        raise DiglotError(Location(issue.rel), f"the {edition.tag} print edition has layout errors: " + "; ".join(collector.messages[:5]))
    return pdf


class _Collector(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if "refused to fetch" not in record.getMessage():
            self.messages.append(record.getMessage())

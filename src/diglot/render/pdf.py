"""Print editions through WeasyPrint: returns PDF bytes.

WeasyPrint only ever sees files of the publication: :class:`SafeFetcher`
serves regular files inside the publication root and refuses everything else
(the network, other files, device files), recording each refusal.
"""

from __future__ import annotations

import html as html_lib
import logging
import mimetypes
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse, path2url

from .. import __version__, locales
from ..errors import DiglotError, Location
from ..source.model import Issue, Periodical
from . import justify, makeup, parallel, press, spreads, typeset
from .edition import Edition
from .templating import environment

#: Called with the laid-out WeasyPrint ``Document`` just before it is written.
Inspect = Callable[[object], None]


class SafeFetcher(URLFetcher):
    """A WeasyPrint URL fetcher confined to the publication root."""

    def __init__(self, root: Path, pictures: Callable[[bytes], bytes | None] | None = None, **kwargs):
        super().__init__(**kwargs)
        self.root = os.path.realpath(root)
        self.refused: list[str] = []
        self.pictures = pictures  # press files: a picture's bytes → the bytes to use (a PNG), or None to keep them

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
        if self.pictures is not None and mime.startswith("image/"):
            converted = self.pictures(body)
            if converted is not None:
                return _Converted(path2url(path), converted, {"Content-Type": "image/png"})
        return URLFetcherResponse(path2url(path), body, {"Content-Type": mime})

    def _refuse(self, url: str, why: str):
        self.refused.append(f"{url} ({why})")
        raise ValueError(f"diglot refused to fetch {url}: {why}")


class _Converted(URLFetcherResponse):
    """A picture converted on the way: no file path, or WeasyPrint would read the file again instead."""

    path = None


BODY_PT = 10.5  # the body text size of print.css: the Chinese measure is counted in it
MIN_SIDE_MM = 22.0


def page_css(periodical: Periodical) -> str:
    """Page size, bleed and marks from periodical.yaml; side margins that make the
    text column a whole number of body-size characters wide (values checked when read)."""
    settings = periodical.print
    chars, side = typeset.measure(settings.page_size, BODY_PT, MIN_SIDE_MM)
    css = _page_rules(periodical, side)
    css += f"html {{ font-size: {BODY_PT}pt; }} /* {chars} characters a line */\n"
    if settings.article_start == "right":
        css += ".article { break-before: right; }\n"
    return css


def _page_rules(periodical: Periodical, side_mm: float) -> str:
    """The @page rule (size, side margins, bleed, marks) and the cover's height."""
    settings = periodical.print
    rules = [f"size: {settings.page_size};", f"margin-left: {side_mm:.3f}mm;", f"margin-right: {side_mm:.3f}mm;"]
    if settings.bleed:
        rules.append(f"bleed: {settings.bleed};")
    if settings.marks:
        rules.append(f"marks: {settings.marks};")
    height_mm = typeset.page_size_mm(settings.page_size)[1]
    return "@page { " + " ".join(rules) + " }\n" + f".cover {{ height: {height_mm:.2f}mm; min-height: 0; }}\n"


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
        html = html[:start] + justify.mark_paragraph_ends(typeset.chinese(html[start:], periodical.print.no_autospace))
    css = env.loader.get_source(env, "print.css")[0]
    return html, css + "\n" + page_css(periodical)


def render_pdf(
    periodical: Periodical,
    edition: Edition,
    issue: Issue,
    font_config: FontConfiguration | None = None,
    pdf_variant: str | None = None,
    report: makeup.Report | None = None,
    inspect: Inspect | None = None,
) -> bytes:
    """The print edition of ``issue`` in the edition's language, as PDF bytes.

    ``pdf_variant`` is ``pdf/a-3b`` (archives), ``pdf/ua-1`` (tagged, for
    accessibility) or ``pdf/x-4`` / ``pdf/x-1a`` (press files in CMYK, see
    :mod:`diglot.render.press`); the default is a plain PDF, the fastest to make.
    ``inspect`` is called with the laid-out document before it is written
    (preflight, :class:`diglot.render.preflight.Inspector`).
    """
    html, css = print_html(periodical, edition, issue)
    cjk = locales.is_cjk(edition.lang)
    line_height = BODY_PT * (1.75 if cjk else 1.6) * 96 / 72  # print.css's body line, in CSS px
    return _write_pdf(
        periodical, issue, f"the {edition.tag} print edition", html, css, cjk, font_config, pdf_variant, line_height=line_height, report=report, inspect=inspect
    )


def made_up(periodical: Periodical, edition: Edition, issue: Issue, font_config: FontConfiguration | None = None) -> tuple[str, makeup.Report]:
    """The print edition's HTML as the page make-up left it (figures moved, paragraphs cut), and what it did."""
    report = makeup.Report(keep_html=True)
    render_pdf(periodical, edition, issue, font_config, report=report)
    return report.html, report


def _write_pdf(
    periodical: Periodical,
    issue: Issue,
    what: str,
    html: str,
    css: str,
    cjk: bool,
    font_config: FontConfiguration | None,
    pdf_variant: str | None,
    after_layout: Callable | None = None,
    line_height: float | None = None,
    report: makeup.Report | None = None,
    inspect: Inspect | None = None,
) -> bytes:
    """Lay out and write one edition, with the publication's fetcher; WeasyPrint errors become located ones."""
    press_file = press.for_variant(periodical, pdf_variant)  # PDF/X only; a missing profile stops here
    fetcher = SafeFetcher(periodical.root, pictures=press_file.picture if press_file else None)
    font_config = font_config or FontConfiguration()
    logger = logging.getLogger("weasyprint")
    collector = _Collector()
    previous, propagate = logger.level, logger.propagate
    logger.setLevel(logging.ERROR)
    logger.addHandler(collector)
    logger.propagate = False
    try:
        options = {"pdf_variant": pdf_variant} if pdf_variant else {}
        base_url = path2url(str(periodical.root)) + "/"
        stylesheets = [CSS(string=css, font_config=font_config, url_fetcher=fetcher)]
        render_options = {**options, **(press_file.render_options() if press_file else {})}
        # Inter-character justification of the Chinese paragraphs (the others are left alone).
        finish = justify.justify_document if cjk else None
        if line_height is not None:  # page make-up: floats, full pages, no thin last pages
            composer = makeup.Composer(
                html, stylesheets, base_url, fetcher, font_config, render_options, line_height, finish, periodical.print.article_start, cjk, report
            )
            document, _report = composer.compose()
        else:
            document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
                stylesheets=stylesheets, font_config=font_config, **render_options
            )
            if finish:
                finish(document)
        if inspect is not None:  # the laid-out pages (before facing spreads are cut: that only moves boxes)
            inspect(document)
        if after_layout is not None:
            document = after_layout(document)
        pdf = document.write_pdf(uncompressed_pdf=False, finisher=press_file.finish if press_file else None, **options)
    except Exception as exc:  # WeasyPrint failures become located errors
        raise DiglotError(Location(issue.rel), f"rendering {what} failed: {exc}") from exc
    finally:
        logger.setLevel(previous)
        logger.removeHandler(collector)
        logger.propagate = propagate
    if fetcher.refused:
        raise DiglotError(Location(issue.rel), f"{what} asked for files outside the publication: " + "; ".join(fetcher.refused))
    if collector.messages:
        # WeasyPrint reports layout errors (a dangling link, a CSS value it drops) without failing.
        raise DiglotError(Location(issue.rel), f"{what} has layout errors: " + "; ".join(collector.messages[:5]))
    return pdf


# --- the parallel edition ----------------------------------------------------------

PARALLEL_PT = 9.5  # body size of the side-by-side columns
MIN_GUTTER_MM = 6.0


@dataclass(frozen=True)
class _Lang:
    lang: str
    tag: str
    html_lang: str
    cjk: bool


def parallel_css(periodical: Periodical, layout: str) -> str:
    """Page geometry of the parallel edition.

    ``columns``: the print edition's page, its text column split in two
    columns of whole characters at the parallel body size. ``facing``: the
    articles laid out on spreads (pages of twice the width), one page's
    column for each language, cut into left- and right-hand pages afterwards
    (:mod:`diglot.render.spreads`).
    """
    settings = periodical.print
    chars, side = typeset.measure(settings.page_size, BODY_PT, MIN_SIDE_MM)
    text_pt = chars * BODY_PT
    side_pt = side / 25.4 * 72
    width_mm, height_mm = typeset.page_size_mm(settings.page_size)
    css = _page_rules(periodical, side)
    if layout == "facing":
        body_pt, column_pt, gutter_pt = BODY_PT, text_pt, 2 * side_pt
        css += f"@page spread {{ size: {2 * width_mm:.3f}mm {height_mm:.3f}mm; }}\n"
    else:
        body_pt = PARALLEL_PT
        column_chars = int((text_pt - MIN_GUTTER_MM / 25.4 * 72) // (2 * body_pt))
        column_pt = column_chars * body_pt
        gutter_pt = text_pt - 2 * column_pt
    css += f"html {{ font-size: {BODY_PT}pt; }} .pairs {{ font-size: {body_pt}pt; }}\n"
    css += f".pairs td.left {{ width: {column_pt:.3f}pt; padding-right: {gutter_pt:.3f}pt; }}\n"
    css += f".pairs td.right {{ width: {column_pt:.3f}pt; }}\n"
    css += f".pairs {{ width: {2 * column_pt + gutter_pt:.3f}pt; }}\n"
    css += f".fn-side {{ width: {column_pt:.3f}pt; }} .fn-side + .fn-side {{ margin-left: {gutter_pt:.3f}pt; }}\n"
    return css


def parallel_html(periodical: Periodical, editions: dict[str, Edition], issue: Issue, layout: str) -> tuple[str, str]:
    """The parallel edition's HTML and its stylesheet."""
    root = periodical.root

    def image_url(rel: str, _slug: str) -> str:
        return path2url(str(root / rel))

    langs = {lang: _Lang(lang, e.tag, e.html_lang, locales.is_cjk(lang)) for lang, e in editions.items()}
    first, second = (langs[lang] for lang in periodical.parallel_languages)
    views = {lang: editions[lang].issue_view(issue, mode="print", image_url=image_url, bodies=False) for lang in (first.lang, second.lang)}
    articles = {a.slug: parallel.article_pairs(editions, issue, a, mode="print", image_url=image_url) for a in issue.articles}
    side_of = {slug: tuple(langs[lang] for lang in parallel.sides(periodical, pa.left.article)) for slug, pa in articles.items()}
    sections = [
        {"title": section.title, "articles": [articles[a.slug] for a in issue.articles if a.section_id == section.id]}
        for section in issue.sections
    ]

    def pa_view(pa: parallel.ParallelArticle, lang: str):
        return pa.left if side_of[pa.slug][0].lang == lang else pa.right

    authors: list[str] = []
    keywords: list[str] = []
    for view in views[first.lang].articles:
        authors += [a.name.plain for a in view.authors if a.name.plain not in authors]
        keywords += [k.plain for k in view.keywords if k.plain not in keywords]
    env = environment(root, editions[first.lang])
    issue_head = " · ".join(
        f"{editions[x.lang].text(periodical.title).plain} {editions[x.lang].gettext('No. %(number)s') % {'number': issue.number}}"
        for x in (first, second)
    )
    html = env.get_template("print-parallel.html").render(
        layout=layout,
        editions=[first, second],
        first=first,
        tags={lang: x.tag for lang, x in langs.items()},
        t={x.lang: editions[x.lang].gettext_markup for x in (first, second)},
        text={x.lang: editions[x.lang].text for x in (first, second)},
        periodical=periodical,
        views=views,
        sections=[s for s in sections if s["articles"]],
        side_of=side_of,
        pa_view=pa_view,
        issue_head=issue_head,
        heading_level=_heading_level,
        bookmark=_bookmark,
        authors=authors,
        keywords=keywords,
        cover_url=image_url(views[first.lang].cover_rel, "") if views[first.lang].cover_rel else None,
        generator=f"diglot {__version__}",
    )
    html = _typeset_front(html, langs, periodical.print.no_autospace)
    css = env.loader.get_source(env, "print.css")[0] + "\n" + env.loader.get_source(env, "print-parallel.css")[0]
    return html, css + "\n" + parallel_css(periodical, layout) + _list_starts(html)


_HEADING = re.compile(r"^\s*<h([1-6])\b")
_TAGS = re.compile(r"<[^>]+>")


def _heading_level(pair: parallel.Pair) -> int:
    match = _HEADING.match(str(pair.left.html)) if pair.kind == "heading" else None
    return int(match[1]) if match else 0


def _bookmark(pair: parallel.Pair) -> str:
    texts = [html_lib.unescape(_TAGS.sub("", str(side.html))).strip() for side in pair.sides]
    return " · ".join(t for t in texts if t)


_OL_START = re.compile(r'<ol start="(\d+)"')


def _list_starts(html: str) -> str:
    """Numbering for the list items that open their own list (``<ol start="3">``).

    WeasyPrint reads ``start`` only as a presentational hint, off by default.
    """
    starts = sorted({int(n) for n in _OL_START.findall(html)})
    return "".join(f'ol[start="{n}"] {{ counter-reset: list-item {n}; counter-increment: list-item -1; }}\n' for n in starts)


def _typeset_front(html: str, langs: dict[str, _Lang], no_autospace: tuple[str, ...]) -> str:
    """Chinese typesetting for the cover, colophon, contents and openers (the body pairs have theirs)."""
    if not any(x.cjk for x in langs.values()):
        return html
    start = html.find("<body")
    return html[:start] + typeset.chinese(html[start:], no_autospace)


def render_parallel(
    periodical: Periodical,
    editions: dict[str, Edition],
    issue: Issue,
    font_config: FontConfiguration | None = None,
    pdf_variant: str | None = None,
    layout: str | None = None,
    inspect: Inspect | None = None,
    report: makeup.Report | None = None,
) -> bytes:
    """The parallel edition of ``issue`` as PDF bytes; ``layout`` is ``columns`` or ``facing``; ``inspect`` as in :func:`render_pdf`."""
    layout = layout or periodical.print.parallel_layout
    html, css = parallel_html(periodical, editions, issue, layout)
    after = spreads.cut_spreads if layout == "facing" else None
    cjk = any(locales.is_cjk(lang) for lang in periodical.parallel_languages)
    # Page make-up for the columns layout (facing spreads are cut after layout, see spreads.py).
    line_height = PARALLEL_PT * 1.7 * 96 / 72 if layout == "columns" else None  # print-parallel.css: td.side line-height
    return _write_pdf(
        periodical, issue, f"the parallel edition ({layout})", html, css, cjk, font_config, pdf_variant, after,
        line_height=line_height, report=report, inspect=inspect,
    )


class _Collector(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if "refused to fetch" not in record.getMessage():
            self.messages.append(record.getMessage())

"""Machine-readable metadata of web pages: schema.org JSON-LD, OpenGraph, Highwire citation tags.

Each page describes itself in its own language only; counterparts in the
other languages are linked (``workTranslation`` / ``translationOfWork``,
``og:locale:alternate``), never mixed in.
"""

from __future__ import annotations

import json

from markupsafe import Markup

from .. import locales


def json_ld(data: dict) -> Markup:
    """A ``<script type="application/ld+json">`` body that cannot close its element early."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def og_locale(lang: str) -> str:
    """``zh_Hans`` → ``zh_CN``, ``en`` → ``en_US``: OpenGraph wants language_TERRITORY."""
    from babel.core import get_global

    likely = get_global("likely_subtags").get(lang) or get_global("likely_subtags").get(lang.split("_")[0]) or lang
    loc = locales.locale(likely)
    return f"{loc.language}_{loc.territory}" if loc.territory else loc.language


def periodical(title: str, lang: str, issn: str | None, publisher: str | None, url: str | None) -> dict:
    data = {"@context": "https://schema.org", "@type": "Periodical", "name": title, "inLanguage": locales.bcp47(lang)}
    if issn:
        data["issn"] = issn
    if publisher:
        data["publisher"] = {"@type": "Organization", "name": publisher}
    if url:
        data["url"] = url
    return data


def issue(periodical_data: dict, view, lang: str, url: str | None) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "PublicationIssue",
        "issueNumber": str(view.number),
        "name": view.title.plain,
        "datePublished": view.date_iso,
        "inLanguage": locales.bcp47(lang),
        "isPartOf": _part(periodical_data, view),
    }
    if view.description:
        data["description"] = view.description.plain
    if url:
        data["url"] = url
    return data


def _part(periodical_data: dict, view) -> dict:
    parent = {k: v for k, v in periodical_data.items() if k != "@context"}
    if view.volume:
        return {"@type": "PublicationVolume", "volumeNumber": str(view.volume), "isPartOf": parent}
    return parent


def article(periodical_data: dict, issue_view, view, lang: str, url: str | None, counterparts: dict[str, str]) -> dict:
    """``counterparts``: language → URL of the same article in the other editions."""
    data = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "headline": view.title.plain,
        "name": view.title.plain,
        "inLanguage": locales.bcp47(lang),
        "datePublished": issue_view.date_iso,
        "author": [{"@type": "Person", "name": a.name.plain} for a in view.authors],
        "isPartOf": {
            "@type": "PublicationIssue",
            "issueNumber": str(issue_view.number),
            "name": issue_view.title.plain,
            "isPartOf": _part(periodical_data, issue_view),
        },
    }
    if url:
        data["url"] = url
        data["@id"] = url
    if view.subtitle:
        data["alternativeHeadline"] = view.subtitle.plain
    if view.abstract:
        data["abstract"] = view.abstract.plain
    if view.keywords:
        data["keywords"] = [k.plain for k in view.keywords]
    if view.translators:
        data["translator"] = [{"@type": "Person", "name": t.name.plain} for t in view.translators]
    source = view.source_language
    if lang != source and source in counterparts:
        data["translationOfWork"] = {"@type": "ScholarlyArticle", "@id": counterparts[source], "inLanguage": locales.bcp47(source)}
    elif lang == source:
        data["workTranslation"] = [
            {"@type": "ScholarlyArticle", "@id": link, "inLanguage": locales.bcp47(other)}
            for other, link in counterparts.items()
            if other != lang
        ]
    return data

"""The publication as diglot sees it, after reading and validation.

Paths kept in the model are '/'-separated and relative to the publication
root (``rel``); absolute paths only appear in :class:`Periodical.root`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Location


@dataclass(frozen=True)
class Text:
    """A human-readable field.

    Either a plain ``source`` string written in ``lang`` and translated through
    the catalog ``domain``, or fixed ``values`` per edition language, used as
    they are and never extracted.
    """

    location: Location
    domain: str
    source: str | None = None
    lang: str | None = None
    values: dict[str, str] | None = None
    comment: str = ""

    @property
    def translatable(self) -> bool:
        return self.source is not None


@dataclass(frozen=True)
class Section:
    id: str
    title: Text
    location: Location


@dataclass(frozen=True)
class Contributor:
    id: str
    name: Text
    affiliation: Text | None
    bio: Text | None
    location: Location


@dataclass(frozen=True)
class Picture:
    """A picture referenced from a source file.

    ``src`` is what the source says (``images/map.png``); ``rel`` is the
    default file relative to the root; ``variants`` maps an edition language
    to the file that overrides it (``images/map.en.png``).
    """

    src: str
    rel: str
    variants: dict[str, str]
    location: Location

    def file_for(self, lang: str) -> str:
        return self.variants.get(lang, self.rel)


@dataclass(frozen=True)
class Segment:
    """One message of an article: a block of text and what kind of block."""

    kind: str  # heading, paragraph, list item, quote, table cell, footnote, alt text, caption, title...
    text: str
    line: int  # 1-based line in the article file


@dataclass
class Article:
    slug: str
    issue_id: str
    section_id: str
    authors: list[str]
    translators: dict[str, list[str]]
    source_language: str
    rel: str  # issues/<id>/articles/<slug>.md
    location: Location  # the manifest entry
    title: Text | None = None
    subtitle: Text | None = None
    abstract: Text | None = None
    keywords: list[Text] = field(default_factory=list)
    body: str = ""
    body_line: int = 1  # line of the file where the body starts
    pictures: list[Picture] = field(default_factory=list)

    @property
    def domain(self) -> str:
        return f"{self.issue_id}/{self.slug}"


@dataclass
class Issue:
    id: str
    rel: str  # issues/<id>/issue.yaml
    number: int
    date: dt.date
    date_precision: str  # "day" or "month"
    title: Text
    source_language: str
    sections: list[Section]
    contributors: dict[str, Contributor]
    editors: list[str]
    articles: list[Article]
    volume: int | None = None
    description: Text | None = None
    cover: Picture | None = None

    @property
    def domain(self) -> str:
        return f"{self.id}/issue"

    @property
    def folder(self) -> str:
        return f"issues/{self.id}"

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.id == section_id)


@dataclass(frozen=True)
class PrintSettings:
    page_size: str = "A4"
    bleed: str | None = None
    marks: str | None = None
    article_start: str = "any"  # or "right": every article opens on a right-hand page
    parallel_left: str = "source"  # the parallel edition's left column: "source" or a language
    parallel_layout: str = "columns"  # or "facing": source on the left-hand page, translation on the right
    # Brand and product names printed without the Han–Latin gap (创意2030, not 创意 2030).
    no_autospace: tuple[str, ...] = ()
    output_intent: str | None = None  # the printer's CMYK ICC profile, relative to the root (press files)
    output_intent_location: Location | None = None  # where print.output_intent is written
    location: Location = Location("periodical.yaml", 1, 1)  # the print mapping, else the file's top: where a print key goes


@dataclass
class Periodical:
    root: Path
    title: Text
    languages: list[str]
    publisher: Text | None = None
    issn: str | None = None
    base_url: str | None = None
    license: Text | None = None
    print: PrintSettings = field(default_factory=PrintSettings)
    issues: list[Issue] = field(default_factory=list)

    @property
    def default_language(self) -> str:
        return self.languages[0]

    @property
    def parallel_languages(self) -> tuple[str, str]:
        """The two languages of the parallel edition: the first two edition languages."""
        return self.languages[0], self.languages[1]

    def issue(self, issue_id: str) -> Issue:
        return next(i for i in self.issues if i.id == issue_id)

    def texts(self) -> list[Text]:
        """The periodical's own texts, in file order."""
        return [t for t in (self.title, self.publisher, self.license) if t is not None]

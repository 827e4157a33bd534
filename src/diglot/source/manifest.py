"""Reading a publication: periodical.yaml, issue manifests and articles → model.

Every problem is collected with its location; nothing is raised for bad
input. Callers get the model (possibly partial) and the problems, and decide
whether to go on (validate reports, build aborts before writing anything).
"""

from __future__ import annotations

import datetime as dt
import os
import posixpath
import re
from pathlib import Path

import yaml

from .. import locales
from ..errors import Location, Problems
from . import markdown
from .model import Article, Contributor, Issue, Periodical, Picture, PrintSettings, Section, Text
from .yamlnodes import Doc, kind, unknown_message

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE_RE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
ISSN_RE = re.compile(r"^(\d{4})-(\d{3})([\dX])$")
URL_SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
MARKS = {"crop", "cross", "crop cross", "cross crop"}
# Where Chinese text meets Latin letters or digits: the gap render/typeset.py adds.
_HAN_LATIN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]\s*[A-Za-z0-9\u00c0-\u024f]|[A-Za-z0-9\u00c0-\u024f%]\s*[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def issue_ids_on_disk(root: Path) -> list[str]:
    issues = root / "issues"
    if not issues.is_dir():
        return []
    return sorted(p.name for p in issues.iterdir() if p.is_dir() and not p.name.startswith("."))


def read_publication(root: Path, only: list[str] | None = None, *, articles: bool = True) -> tuple[Periodical, Problems]:
    """Read and check the periodical and its issues (all, or those in ``only``).

    With ``articles=False`` the article files are only checked to exist; read
    them later with :func:`read_article` (``diglot update`` reads only the
    articles that changed since it last ran).
    """
    problems = Problems()
    periodical = _read_periodical(root, problems)
    available = issue_ids_on_disk(root)
    wanted = available if only is None else only
    for issue_id in wanted:
        if issue_id not in available:
            problems.error(Location("issues"), unknown_message(f"no issue '{issue_id}' in issues/", issue_id, available))
            continue
        issue = _read_issue(root, issue_id, periodical, problems, articles)
        if issue is not None:
            periodical.issues.append(issue)
    periodical.issues.sort(key=lambda i: (i.date, i.number, i.id), reverse=True)
    return periodical, problems


def _read_text_file(root: Path, rel: str, problems: Problems) -> str | None:
    try:
        # utf-8-sig: editors on Windows save a byte-order mark
        return (root / rel).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        problems.error(Location(rel), "file not found")
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        col = exc.start - (exc.object.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.error(Location(rel, line, col), f"not valid UTF-8 ({exc.reason}); save the file as UTF-8")
    except OSError as exc:
        problems.error(Location(rel), f"cannot read: {exc.strerror}")
    return None


def _yaml_file(root: Path, rel: str, problems: Problems, if_empty: str) -> tuple[Doc, yaml.Node | None]:
    """A YAML file as nodes; None (reported) when it cannot be read, does not parse or is empty."""
    doc = Doc(rel, problems)
    source = _read_text_file(root, rel, problems)
    if source is None:
        return doc, None
    node = doc.compose(source)
    if node is None and not any(p.location.path == rel for p in problems.errors):
        problems.error(Location(rel, 1, 1), if_empty)
    return doc, node


# --- text fields -----------------------------------------------------------------


class _Context:
    """What the readers of one file need to know."""

    def __init__(self, doc: Doc, languages: list[str], source_lang: str, domain: str):
        self.doc = doc
        self.languages = languages
        self.source_lang = source_lang
        self.domain = domain

    def text(self, node: yaml.Node, what: str) -> Text | None:
        doc = self.doc
        if isinstance(node, yaml.MappingNode):
            entries = doc.mapping(node, what, any_keys=True)
            if entries is None:
                return None
            values: dict[str, str] = {}
            for key, (key_node, value_node) in entries.items():
                if self.languages and key not in self.languages:
                    doc.error(key_node, unknown_message(f"'{key}' in {what} is not an edition language", key, self.languages))
                    continue
                value = doc.string(value_node, f"{what} in {key}")
                if value is not None:
                    values[key] = value
            missing = [lang for lang in self.languages if lang not in entries]  # none if periodical.yaml is broken
            if missing:
                doc.error(node, f"{what} lacks {', '.join(repr(m) for m in missing)}: a mapping needs a value for every edition language (or write one plain string to have it translated)")
                return None
            return Text(doc.at(node), self.domain, values=values, comment=what)
        value = doc.string(node, what)
        if value is None:
            return None
        return Text(doc.at(node), self.domain, source=value, lang=self.source_lang, comment=what)


# --- periodical.yaml ---------------------------------------------------------------


def _read_periodical(root: Path, problems: Problems) -> Periodical:
    rel = "periodical.yaml"
    fallback = Periodical(root=root, title=Text(Location(rel), "periodical", values={}), languages=[])
    doc, node = _yaml_file(root, rel, problems, "periodical.yaml is empty; it needs at least 'title' and 'languages'")
    if node is None:
        return fallback
    entries = doc.mapping(
        node,
        "periodical.yaml",
        required=["title", "languages"],
        optional=["publisher", "issn", "base_url", "print", "license"],
    )
    if entries is None:
        return fallback
    languages = _read_languages(doc, entries, node)
    ctx = _Context(doc, languages, languages[0] if languages else "", "periodical")
    periodical = Periodical(root=root, title=fallback.title, languages=languages)
    if "title" in entries:
        periodical.title = ctx.text(entries["title"][1], "the periodical's title") or fallback.title
    if "publisher" in entries:
        periodical.publisher = ctx.text(entries["publisher"][1], "publisher")
    if "license" in entries:
        periodical.license = ctx.text(entries["license"][1], "license")
    if "issn" in entries:
        periodical.issn = _read_issn(doc, entries["issn"][1])
    if "base_url" in entries:
        value_node = entries["base_url"][1]
        url = doc.string(value_node, "base_url")
        if url is not None:
            if not re.match(r"^https?://[^/\s]+", url):
                doc.error(value_node, f"base_url must be an absolute http(s) URL such as https://example.org/, not '{url}'")
            else:
                periodical.base_url = url if url.endswith("/") else url + "/"
    if "print" in entries:
        periodical.print = _read_print(doc, entries["print"][1], languages, root)
    return periodical


def _read_languages(doc: Doc, entries, node) -> list[str]:
    if "languages" not in entries:
        return []
    value_node = entries["languages"][1]
    languages: list[str] = []
    for lang, item in doc.string_list(value_node, "languages"):
        message = locales.check_language(lang)
        if message:
            doc.error(item, message)
        elif lang in languages:
            doc.error(item, f"language '{lang}' is listed twice")
        else:
            languages.append(lang)
    if isinstance(value_node, yaml.SequenceNode) and len(languages) < 2 and len(value_node.value) < 2:
        doc.error(value_node, "a bilingual periodical needs at least two languages, e.g. [zh_Hans, en]")
    return languages


def _read_issn(doc: Doc, node: yaml.Node) -> str | None:
    value = doc.string(node, "issn")
    if value is None:
        return None
    match = ISSN_RE.match(value.upper())
    if not match:
        doc.error(node, f"issn '{value}' is not of the form NNNN-NNNC (e.g. 2049-3630)")
        return None
    digits = match[1] + match[2]
    total = sum(int(d) * w for d, w in zip(digits, range(8, 1, -1)))
    check = (11 - total % 11) % 11
    expected = "X" if check == 10 else str(check)
    if match[3] != expected:
        doc.error(node, f"issn '{value}' has a wrong check digit: expected {digits[:4]}-{digits[4:]}{expected}")
        return None
    return value.upper()


PRINT_KEYS = ["page_size", "bleed", "marks", "article_start", "parallel_left", "parallel_layout", "no_autospace", "output_intent"]
PARALLEL_LAYOUTS = ("columns", "facing")


def _read_print(doc: Doc, node: yaml.Node, languages: list[str], root: Path) -> PrintSettings:
    entries = doc.mapping(node, "print", optional=PRINT_KEYS)
    if entries is None:
        return PrintSettings()
    values: dict = {"location": doc.at(node)}
    if "no_autospace" in entries:
        values["no_autospace"] = _read_no_autospace(doc, entries["no_autospace"][1])
    for key in PRINT_KEYS:
        if key in entries and key != "no_autospace":
            value = doc.string(entries[key][1], f"print.{key}")
            if value is None:
                continue
            if key == "output_intent":
                problem = _output_intent_problem(root, value)
                if problem:
                    doc.error(entries[key][1], problem)
                else:
                    values.update(output_intent=value, output_intent_location=doc.at(entries[key][1]))
                continue
            if not key.startswith("parallel_") and not re.match(r"^[A-Za-z0-9 .\-]+$", value):
                doc.error(entries[key][1], f"print.{key} '{value}' is not a CSS value")
                continue
            if key == "marks" and value not in MARKS:
                doc.error(entries[key][1], f"print.marks must be 'crop', 'cross' or 'crop cross', not '{value}'")
                continue
            if key == "article_start" and value not in ("any", "right"):
                doc.error(entries[key][1], f"print.article_start must be 'any' or 'right', not '{value}'")
                continue
            if key == "parallel_left" and value != "source" and value not in languages[:2]:
                choices = ", ".join(["source", *languages[:2]])
                doc.error(entries[key][1], f"print.parallel_left must be one of {choices}, not '{value}'")
                continue
            if key == "parallel_layout" and value not in PARALLEL_LAYOUTS:
                doc.error(entries[key][1], f"print.parallel_layout must be 'columns' or 'facing', not '{value}'")
                continue
            values[key] = value
    return PrintSettings(**values)


def _read_no_autospace(doc: Doc, node: yaml.Node) -> tuple[str, ...]:
    """``print.no_autospace``: names as Chinese text writes them, each with a Han–Latin boundary."""
    if not isinstance(node, yaml.SequenceNode):
        doc.error(node, f"print.no_autospace must be a list of names, e.g. [创意2030], not {kind(node)}")
        return ()
    names = []
    for name, item in doc.string_list(node, "print.no_autospace"):
        if not _HAN_LATIN.search(name):
            doc.error(
                item,
                f"print.no_autospace entry '{name}' has no Chinese character next to a Latin letter or digit,"
                " so there is no gap to leave out; list names as Chinese text writes them, e.g. 创意2030",
            )
            continue
        names.append(name)
    return tuple(names)


ICC_SPACES = {b"RGB ": "an RGB", b"GRAY": "a greyscale", b"Lab ": "a Lab", b"CMY ": "a CMY"}


def icc_colour_space(data: bytes) -> bytes | None:
    """The data colour space of an ICC profile (``b"CMYK"``, ``b"RGB "``...), or None if ``data`` is not one."""
    if len(data) < 128 or data[36:40] != b"acsp" or int.from_bytes(data[:4], "big") > len(data):
        return None
    return data[16:20]


def _output_intent_problem(root: Path, value: str) -> str | None:
    """What is wrong with ``print.output_intent``, or None: it must name a CMYK ICC profile inside the publication."""
    fix = "copy the printer's CMYK profile (an .icc file) into the publication and give its path from the root, e.g. profiles/printer.icc"
    if value.startswith("/") or "\\" in value or URL_SCHEME_RE.match(value):
        return f"print.output_intent '{value}' must be a path inside the publication; {fix}"
    rel = posixpath.normpath(value)
    real = os.path.realpath(root / rel)
    if rel == ".." or rel.startswith("../") or os.path.commonpath([real, os.path.realpath(root)]) != os.path.realpath(root):
        return f"print.output_intent '{value}' is outside the publication root; {fix}"
    if not os.path.isfile(real):
        return f"print.output_intent '{value}' does not exist; {fix}"
    try:
        with open(real, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        return f"print.output_intent '{value}' cannot be read: {exc.strerror}"
    space = icc_colour_space(data)
    if space is None:
        return f"print.output_intent '{value}' is not an ICC profile; ask the printer for their CMYK profile (an .icc file)"
    if space != b"CMYK":
        kind = ICC_SPACES.get(space, f"a '{space.decode('latin-1').strip()}'")
        return f"print.output_intent '{value}' is {kind} profile; a press file needs the printer's CMYK profile (e.g. ISO Coated v2, GRACoL)"
    return None


# --- issue.yaml ----------------------------------------------------------------------


def _read_issue(root: Path, issue_id: str, periodical: Periodical, problems: Problems, read_bodies: bool = True) -> Issue | None:
    folder = f"issues/{issue_id}"
    rel = f"{folder}/issue.yaml"
    if not ID_RE.match(issue_id):
        problems.error(Location(folder), f"issue folder name '{issue_id}' must use lowercase ASCII letters, digits and '-' only")
        return None
    if not (root / rel).is_file():
        problems.error(Location(folder), f"{folder}/ has no issue.yaml; run 'diglot new-issue {issue_id}' or remove the folder")
        return None
    doc, node = _yaml_file(root, rel, problems, "issue.yaml is empty; it needs at least number, date, title, sections and articles")
    if node is None:
        return None
    entries = doc.mapping(
        node,
        "issue.yaml",
        required=["number", "date", "title", "sections", "articles"],
        optional=["volume", "description", "source_language", "cover", "contributors", "editors"],
    )
    if entries is None:
        return None
    languages = periodical.languages
    source_lang = periodical.default_language if languages else ""
    if "source_language" in entries:
        source_lang = _read_edition_language(doc, entries["source_language"][1], "source_language", languages) or source_lang
    ctx = _Context(doc, languages, source_lang, f"{issue_id}/issue")

    number = doc.integer(entries["number"][1], "number") if "number" in entries else None
    volume = doc.integer(entries["volume"][1], "volume") if "volume" in entries else None
    date, precision = _read_date(doc, entries["date"][1]) if "date" in entries else (None, "day")
    title = ctx.text(entries["title"][1], "the issue's title") if "title" in entries else None
    description = ctx.text(entries["description"][1], "description") if "description" in entries else None
    cover = None
    if "cover" in entries:
        src = doc.string(entries["cover"][1], "cover")
        if src is not None:
            cover = _picture(root, folder, src, doc.at(entries["cover"][1]), languages, problems)

    sections = _read_sections(doc, ctx, entries.get("sections"))
    contributors = _read_contributors(doc, ctx, entries.get("contributors"))
    editors = []
    if "editors" in entries:
        for editor, item in doc.string_list(entries["editors"][1], "editors"):
            if editor not in contributors:
                doc.error(item, unknown_message(f"unknown contributor '{editor}' in editors", editor, contributors))
            elif dict.__contains__(contributors, editor):
                editors.append(editor)
    articles = _read_articles(root, doc, ctx, issue_id, entries.get("articles"), sections, contributors, languages, problems, read_bodies)
    if number is None or date is None or title is None or not sections:
        return None
    return Issue(
        id=issue_id,
        rel=rel,
        number=number,
        volume=volume,
        date=date,
        date_precision=precision,
        title=title,
        description=description,
        source_language=source_lang,
        cover=cover,
        sections=sections,
        contributors=contributors,
        editors=editors,
        articles=articles,
    )


def _read_edition_language(doc: Doc, node: yaml.Node, what: str, languages: list[str]) -> str | None:
    value = doc.string(node, what)
    if value is None:
        return None
    if not languages:  # periodical.yaml is broken and already reported
        return None
    if value not in languages:
        doc.error(node, unknown_message(f"{what} '{value}' is not one of the periodical's languages", value, languages))
        return None
    return value


def _read_date(doc: Doc, node: yaml.Node) -> tuple[dt.date | None, str]:
    if not isinstance(node, yaml.ScalarNode):
        doc.error(node, "date must be YYYY-MM-DD or YYYY-MM")
        return None, "day"
    value = node.value.strip()
    match = DATE_RE.match(value)
    if not match:
        doc.error(node, f"date '{value}' must be YYYY-MM-DD or YYYY-MM")
        return None, "day"
    year, month, day = int(match[1]), int(match[2]), int(match[3] or 1)
    try:
        return dt.date(year, month, day), ("day" if match[3] else "month")
    except ValueError as exc:
        doc.error(node, f"impossible date '{value}': {exc}")
        return None, "day"


def _read_sections(doc: Doc, ctx: _Context, pair) -> list[Section]:
    if pair is None:
        return []
    items = doc.sequence(pair[1], "sections")
    sections: list[Section] = []
    for item in items or []:
        entries = doc.mapping(item, "a section", required=["id", "title"])
        if entries is None or "id" not in entries or "title" not in entries:
            continue
        id_node = entries["id"][1]
        section_id = doc.string(id_node, "section id")
        if section_id is None:
            continue
        if not ID_RE.match(section_id):
            doc.error(id_node, f"section id '{section_id}' must use lowercase ASCII letters, digits and '-'")
            continue
        if any(s.id == section_id for s in sections):
            doc.error(id_node, f"duplicate section id '{section_id}'")
            continue
        title = ctx.text(entries["title"][1], f"title of section '{section_id}'")
        if title is not None:
            sections.append(Section(section_id, title, doc.at(item)))
    if items is not None and not items:
        doc.error(pair[1], "sections must list at least one section")
    return sections


class _Contributors(dict):
    """Contributors read without fault, plus the ids of those declared with a fault
    (already reported), so that citing them is not reported a second time."""

    def __init__(self):
        super().__init__()
        self.declared: set[str] = set()

    def __contains__(self, cid) -> bool:
        return super().__contains__(cid) or cid in self.declared


def _read_contributors(doc: Doc, ctx: _Context, pair) -> dict[str, Contributor]:
    contributors = _Contributors()
    if pair is None:
        return contributors
    entries = doc.mapping(pair[1], "contributors", any_keys=True)
    for cid, (key_node, value_node) in (entries or {}).items():
        contributors.declared.add(cid)
        if not ID_RE.match(cid):
            doc.error(key_node, f"contributor id '{cid}' must use lowercase ASCII letters, digits and '-'")
            continue
        fields = doc.mapping(value_node, f"contributor '{cid}'", required=["name"], optional=["affiliation", "bio"])
        if fields is None or "name" not in fields:
            continue
        name = ctx.text(fields["name"][1], f"name of '{cid}'")
        affiliation = ctx.text(fields["affiliation"][1], f"affiliation of '{cid}'") if "affiliation" in fields else None
        bio = ctx.text(fields["bio"][1], f"bio of '{cid}'") if "bio" in fields else None
        if name is not None:
            contributors[cid] = Contributor(cid, name, affiliation, bio, doc.at(key_node))
    return contributors


def _read_articles(root, doc, ctx, issue_id, pair, sections, contributors, languages, problems, read_bodies=True) -> list[Article]:
    if pair is None:
        return []
    items = doc.sequence(pair[1], "articles")
    if items is not None and not items:
        doc.error(pair[1], "articles must list at least one article")
    articles: list[Article] = []
    section_ids = [s.id for s in sections]
    for item in items or []:
        entries = doc.mapping(
            item, "an article entry", required=["slug", "section"], optional=["authors", "translators", "source_language"]
        )
        if entries is None or "slug" not in entries:
            continue
        slug_node = entries["slug"][1]
        slug = doc.string(slug_node, "slug")
        if slug is None:
            continue
        if not ID_RE.match(slug):
            doc.error(slug_node, f"slug '{slug}' must use lowercase ASCII letters, digits and '-'")
            continue
        if any(a.slug == slug for a in articles):
            doc.error(slug_node, f"duplicate slug '{slug}': each article appears once in an issue")
            continue
        section_id = None
        if "section" in entries:
            section_id = doc.string(entries["section"][1], "section")
            if section_id is not None and section_id not in section_ids:
                doc.error(entries["section"][1], unknown_message(f"unknown section '{section_id}'", section_id, section_ids))
                section_id = None
        authors = []
        if "authors" in entries:
            for author, author_node in doc.string_list(entries["authors"][1], "authors"):
                if author not in contributors:
                    doc.error(author_node, unknown_message(f"unknown contributor '{author}'", author, contributors))
                elif dict.__contains__(contributors, author):
                    authors.append(author)
        source_lang = ctx.source_lang
        if "source_language" in entries:
            source_lang = _read_edition_language(doc, entries["source_language"][1], "source_language", languages) or source_lang
        translators: dict[str, list[str]] = {}
        if "translators" in entries:
            tr_entries = doc.mapping(entries["translators"][1], "translators", any_keys=True) or {}
            for lang, (key_node, value_node) in tr_entries.items():
                if languages and lang not in languages:
                    doc.error(key_node, unknown_message(f"'{lang}' in translators is not an edition language", lang, languages))
                    continue
                if lang == source_lang:
                    doc.error(key_node, f"translators for '{lang}', the article's own source language")
                    continue
                ids = []
                for tid, tid_node in doc.string_list(value_node, f"translators for {lang}"):
                    if tid not in contributors:
                        doc.error(tid_node, unknown_message(f"unknown contributor '{tid}'", tid, contributors))
                    elif dict.__contains__(contributors, tid):
                        ids.append(tid)
                translators[lang] = ids
        rel = f"issues/{issue_id}/articles/{slug}.md"
        article = Article(
            slug=slug,
            issue_id=issue_id,
            section_id=section_id or "",
            authors=authors,
            translators=translators,
            source_language=source_lang,
            rel=rel,
            location=doc.at(item),
        )
        if not (root / rel).is_file():
            doc.error(slug_node, f"article file not found: {rel}; create it or correct the slug")
            continue
        if (not read_bodies or read_article(root, article, languages, problems)) and section_id:
            articles.append(article)
    listed = {a.slug for a in articles}
    folder = root / "issues" / issue_id / "articles"
    if folder.is_dir():
        for path in sorted(folder.glob("*.md")):
            if path.stem not in listed and not any(
                isinstance(i, yaml.MappingNode) and any(k.value == "slug" and getattr(v, "value", None) == path.stem for k, v in i.value)
                for i in (items or [])
            ):
                problems.warning(Location(f"issues/{issue_id}/articles/{path.name}", 1, 1), "article is not listed in issue.yaml and will not be published")
    return articles


# --- articles ---------------------------------------------------------------------------


def read_article(root: Path, article: Article, languages: list[str], problems: Problems) -> bool:
    """Fill ``article`` from its file; False if it could not be read at all."""
    rel = article.rel
    source = _read_text_file(root, rel, problems)
    if source is None:
        return False
    lines = source.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n").rstrip() != "---":
        problems.error(Location(rel, 1, 1), "missing front matter: begin the file with a line '---', then 'title: ...', then a line '---'")
        return False
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip("\r\n").rstrip() in ("---", "...")), None)
    if end is None:
        problems.error(Location(rel, 1, 1), "front matter is not closed: add a line '---' after its last key")
        return False
    doc = Doc(rel, problems, line_offset=1)
    ctx = _Context(doc, languages, article.source_language, article.domain)
    node = doc.compose("".join(lines[1:end]))
    ok = True
    if node is None:
        if not any(p.location.path == rel for p in problems.errors):
            problems.error(Location(rel, 2, 1), "front matter is empty: it needs at least 'title'")
        ok = False
    else:
        entries = doc.mapping(node, "front matter", required=["title"], optional=["subtitle", "abstract", "keywords"])
        if entries is None:
            ok = False
        else:
            if "title" in entries:
                article.title = ctx.text(entries["title"][1], "title")
            if "subtitle" in entries:
                article.subtitle = ctx.text(entries["subtitle"][1], "subtitle")
            if "abstract" in entries:
                article.abstract = ctx.text(entries["abstract"][1], "abstract")
            if "keywords" in entries:
                keywords = doc.sequence(entries["keywords"][1], "keywords") or []
                article.keywords = [k for k in (ctx.text(item, "keyword") for item in keywords) if k is not None]
            ok = article.title is not None
    article.body = "".join(lines[end + 1 :])
    article.body_line = end + 2
    def locate(line: int, text: str) -> Location:
        """Where ``text`` first appears in the block starting at ``line`` (1-based)."""
        for number in range(line, min(line + 200, len(lines) + 1)):
            col = lines[number - 1].find(text) if text else -1
            if col >= 0:
                return Location(rel, number, col + 1)
            if number > line and not lines[number - 1].strip():
                break
        return Location(rel, line, 1)

    for found in markdown.find_raw_html(article.body):
        snippet = found.snippet.splitlines()[0][:40] if found.snippet else ""
        problems.error(
            locate(article.body_line + found.line, snippet),
            f"raw HTML is not allowed in an article ('{snippet}'); use Markdown instead",
        )
        ok = False
    folder = f"issues/{article.issue_id}"
    for src, line in markdown.picture_sources(article.body):
        picture = _picture(root, folder, src, locate(article.body_line + line, src), languages, problems)
        if picture is not None:
            article.pictures.append(picture)
        else:
            ok = False
    return ok


def safe_rel(root: Path, folder: str, src: str) -> tuple[str | None, str | None]:
    """``src`` (relative to ``folder``) as a root-relative path, or (None, why not)."""
    if URL_SCHEME_RE.match(src) or src.startswith("//"):
        return None, f"'{src}' is not a file of the publication: pictures are never fetched from the network; save it under {folder}/images/"
    if src.startswith("/") or "\\" in src:
        return None, f"picture path '{src}' must be relative to {folder}/ and use '/'"
    rel = posixpath.normpath(posixpath.join(folder, src))
    if rel.startswith("../") or rel == "..":
        return None, f"picture path '{src}' leaves the publication root"
    real = os.path.realpath(root / rel)
    if os.path.commonpath([real, os.path.realpath(root)]) != os.path.realpath(root):
        return None, f"picture path '{src}' leads outside the publication root (through a link)"
    return rel, None


def variant_rel(rel: str, lang: str) -> str:
    """``images/map.png`` → ``images/map.en.png``."""
    stem, ext = posixpath.splitext(rel)
    return f"{stem}.{lang}{ext}"


def _picture(root: Path, folder: str, src: str, where: Location, languages: list[str], problems: Problems) -> Picture | None:
    rel, why = safe_rel(root, folder, src)
    if rel is None:
        problems.error(where, why or "bad picture path")
        return None
    variants = {}
    for lang in languages:
        candidate = variant_rel(rel, lang)
        if (root / candidate).is_file() and safe_rel(root, "", candidate)[0]:
            variants[lang] = candidate
    if not (root / rel).is_file():
        missing = [lang for lang in languages if lang not in variants]
        if missing:
            problems.error(where, f"picture not found: {rel}" + (f" (nor {variant_rel(rel, missing[0])})" if variants else ""))
            return None
    return Picture(src, rel, variants, where)

"""Message catalogs: source units → templates, merging, and looking translations up.

One catalog per source unit (theme, periodical, issue manifest, article) and
target language; see SPEC §2 for the layout. Files are read and written with
:mod:`diglot.catalog.pofile`; template strings are extracted with Babel's Jinja2
extractor. :mod:`diglot.catalog.update` runs the whole ``diglot update``.

Merging never loses a translation:

- exact match (same msgctxt and msgid): translation, flags and translator
  comments kept;
- changed block: the old message it most resembles (rapidfuzz ratio, ties
  broken by position in the document) gives its translation, marked fuzzy,
  with the old msgid as ``#| msgid``;
- new block with no similar old one: the translation memory (every other
  catalog of the language, then the memories imported into
  ``locale/memory/``) fills an exact hit, marked by a translator comment
  naming its source, or a close one as fuzzy;
- untranslated block: the imported memories fill it the same way;
- removed block: obsolete (``#~``), with its translation.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from rapidfuzz import fuzz, process

from .. import locales
from ..errors import Location, Problems
from ..source import markdown
from ..source.model import Article, Issue, Periodical, Text
from ..theme import builtin_catalog, template_dirs
from . import pofile

THEME_LANG = "en"  # theme msgids are English
FUZZY_CUTOFF = 60.0  # like msgmerge's 0.6 similarity threshold
MEMORY_CUTOFF = 85.0  # a memory hit must be closer than an in-catalog one
MEMORY_COMMENT = "diglot: from translation memory, "


@dataclass
class Message:
    msgid: str
    comments: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    msgctxt: str | None = None
    msgid_plural: str | None = None
    flags: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


@dataclass
class Unit:
    """One source unit: its domain names its catalogs."""

    domain: str  # theme, periodical, <issue>/issue, <issue>/<slug>
    source_lang: str
    messages: list[Message] = field(default_factory=list)
    kind: str = "article"  # theme, periodical, issue, article
    _index: dict = field(default_factory=dict, repr=False)

    @property
    def pot_rel(self) -> str:
        return f"locale/pot/{self.domain}.pot"

    def po_rel(self, lang: str) -> str:
        return po_rel(lang, self.domain)

    def add(self, msgid: str, comment: str, reference: str) -> None:
        message = self._index.get(msgid)
        if message is not None:
            if comment not in message.comments:
                message.comments.append(comment)
            if reference not in message.references:
                message.references.append(reference)
            return
        message = Message(msgid, [comment], [reference])
        self._index[msgid] = message
        self.messages.append(message)

    def digest(self) -> str:
        """A fingerprint of the messages, their comments, references and flags."""
        h = hashlib.sha1(self.source_lang.encode())
        for m in self.messages:
            for part in (m.msgctxt or "\0", m.msgid, m.msgid_plural or "\0", "\1".join(m.comments), "\1".join(m.references), "\1".join(m.flags)):
                h.update(part.encode())
                h.update(b"\2")
        return h.hexdigest()


def po_rel(lang: str, domain: str) -> str:
    return f"locale/{lang}/LC_MESSAGES/{domain}.po"


# --- collecting messages -------------------------------------------------------


def _add_text(unit: Unit, text: Text | None, reference: str) -> None:
    if text is not None and text.translatable and markdown.has_letters(text.source or ""):
        unit.add(text.source or "", text.comment, reference)


def periodical_unit(periodical: Periodical) -> Unit:
    unit = Unit("periodical", periodical.default_language, kind="periodical")
    for text in periodical.texts():
        _add_text(unit, text, "periodical.yaml")
    return unit


def issue_unit(issue: Issue) -> Unit:
    unit = Unit(issue.domain, issue.source_language, kind="issue")
    _add_text(unit, issue.title, issue.rel)
    _add_text(unit, issue.description, issue.rel)
    for section in issue.sections:
        _add_text(unit, section.title, issue.rel)
    for contributor in issue.contributors.values():
        for text in (contributor.name, contributor.affiliation, contributor.bio):
            _add_text(unit, text, issue.rel)
    return unit


def article_unit(article: Article) -> Unit:
    unit = Unit(article.domain, article.source_language, kind="article")
    for text in (article.title, article.subtitle, article.abstract, *article.keywords):
        _add_text(unit, text, article.rel)
    for segment in markdown.segments(article.body, article.body_line - 1):
        unit.add(segment.text, segment.kind, article.rel)
    return unit


def template_files(root: Path) -> list[tuple[str, Path]]:
    """The theme's templates in use: ``(name, path)``, the publication's own over the built-in ones."""
    seen: dict[str, Path] = {}
    for folder in template_dirs(root):
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".html", ".xml", ".txt") and path.is_file():
                seen.setdefault(path.relative_to(folder).as_posix(), path)
    return sorted(seen.items())


def theme_unit(root: Path) -> Unit:
    """Template strings of the theme in use, extracted with Babel's Jinja2 extractor."""
    from babel.messages.extract import extract_from_file

    unit = Unit("theme", THEME_LANG, kind="theme")
    for name, path in template_files(root):
        reference = f"templates/{name}"
        for _lineno, message, comments, context in extract_from_file(
            "jinja2", str(path), comment_tags=("Translators:",), strip_comment_tags=True, options={"trimmed": "true"}
        ):
            msgid, plural = (message[0], message[1]) if isinstance(message, tuple) else (message, None)
            if not msgid:
                continue
            existing = next((m for m in unit.messages if m.key == (context, msgid)), None)
            if existing is None:
                existing = Message(msgid, [], [], msgctxt=context, msgid_plural=plural)
                if "%(" in msgid or re.search(r"%[sd]", msgid):
                    existing.flags.append("python-format")
                unit.messages.append(existing)
            if reference not in existing.references:
                existing.references.append(reference)
            for comment in comments:
                if comment not in existing.comments:
                    existing.comments.append(comment)
    return unit


def collect_units(periodical: Periodical, with_shared: bool = True) -> list[Unit]:
    """Every source unit, articles read in full (for stats and checks)."""
    units = []
    if with_shared:
        units.append(theme_unit(periodical.root))
        units.append(periodical_unit(periodical))
    for issue in sorted(periodical.issues, key=lambda i: i.id):
        units.append(issue_unit(issue))
        units.extend(article_unit(a) for a in issue.articles)
    return units


# --- templates -------------------------------------------------------------------


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M+0000")


def new_metadata(title: str, domain: str) -> dict[str, str]:
    """The header of a new template or catalog, in the order xgettext writes it."""
    return {
        "Project-Id-Version": f"{title} {domain}",
        "POT-Creation-Date": "",
        "PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE",
        "Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
        "Language-Team": "LANGUAGE <LL@li.org>",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }


def _entry(message: Message) -> pofile.Entry:
    entry = pofile.Entry(
        msgid=message.msgid,
        msgctxt=message.msgctxt,
        comments=list(message.comments),
        references=list(message.references),
        flags=list(message.flags),
    )
    if message.msgid_plural is not None:
        entry.msgid_plural = message.msgid_plural
        entry.msgstr_plural = {0: "", 1: ""}
    return entry


def template(unit: Unit, title: str, creation_date: str) -> pofile.Catalog:
    catalog = pofile.Catalog(header_comments=[f"# Messages of {unit.domain} ({title}), extracted by diglot."])
    catalog.metadata = new_metadata(title, unit.domain)
    catalog.metadata["POT-Creation-Date"] = creation_date
    catalog.metadata["X-Source-Language"] = unit.source_lang
    catalog.entries = [_entry(m) for m in unit.messages]
    return catalog


_CREATION_RE = re.compile(r'^"POT-Creation-Date: ([^"\\]*)\\n"$', re.M)


def pot_text(unit: Unit, title: str, old_text: str | None) -> tuple[str | None, str]:
    """The template's new text (None when only its date would change) and its creation date."""
    date = now()
    if old_text is not None:
        match = _CREATION_RE.search(old_text)
        if match:
            candidate = pofile.dump(template(unit, title, match[1]))
            if candidate == old_text:
                return None, match[1]
            line = f'"POT-Creation-Date: {match[1]}\\n"'
            return candidate.replace(line, f'"POT-Creation-Date: {date}\\n"', 1), date
    return pofile.dump(template(unit, title, date)), date


# --- reading catalogs ----------------------------------------------------------------


def read_po(root: Path, rel: str, problems: Problems, path: Path | None = None) -> pofile.Catalog | None:
    """Parse a catalog; a file that does not parse is reported (at its line) and gives None."""
    path = path or root / rel
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        problems.error(Location(rel, line, 1), f"catalog is not valid UTF-8 ({exc.reason}); it must be saved as UTF-8")
        return None
    return parse_po(rel, text, problems)


def parse_po(rel: str, text: str, problems: Problems) -> pofile.Catalog | None:
    try:
        catalog = pofile.parse(text)
    except pofile.PoSyntaxError as exc:
        problems.error(Location(rel, exc.line, exc.col), f"catalog does not parse: {exc.message}; fix it by hand (diglot update leaves it alone until then)")
        return None
    seen: set = set()
    for entry in catalog.entries:
        if not entry.obsolete:
            if entry.key in seen:
                problems.error(
                    Location(rel, entry.line, 1),
                    f"catalog does not parse: the message \"{entry.msgid[:40]}\" appears twice; fix it by hand (diglot update leaves it alone until then)",
                )
                return None
            seen.add(entry.key)
    return catalog


# --- merging ---------------------------------------------------------------------------


@dataclass
class MergeCounts:
    kept: int = 0
    fuzzy: int = 0  # changed blocks that kept their old translation as fuzzy
    memory_exact: int = 0
    memory_fuzzy: int = 0
    new: int = 0
    obsolete: int = 0


class Memory:
    """Translations into one language from every catalog of the publication (built on demand)."""

    def __init__(self, entries: dict[str, tuple[str, str]], plurals: dict[str, tuple[dict[int, str], str]] | None = None):
        self.exact = entries  # msgid → (msgstr, catalog rel)
        self.plurals = plurals or {}  # msgid → (msgstr[n], catalog rel)
        self._choices = list(entries)

    @classmethod
    def from_files(cls, root: Path, lang: str, exclude: str = "") -> "Memory":
        entries: dict[str, tuple[str, str]] = {}
        plurals: dict[str, tuple[dict[int, str], str]] = {}

        def take(catalog: pofile.Catalog | None, source: str) -> None:
            for entry in catalog.entries if catalog else ():
                if entry.obsolete or not entry.translated:
                    continue
                if entry.msgid_plural is None:
                    entries.setdefault(entry.msgid, (entry.msgstr, source))
                else:
                    plurals.setdefault(entry.msgid, (dict(entry.msgstr_plural), source))

        folder = root / "locale" / lang / "LC_MESSAGES"
        if folder.is_dir():
            for path in sorted(folder.rglob("*.po")):
                rel = path.relative_to(root).as_posix()
                if rel != exclude:
                    take(read_po(root, rel, Problems(), path), rel)
        builtin = builtin_catalog(lang)
        if builtin is not None:
            take(read_po(builtin.parent, builtin.name, Problems(), builtin), "the built-in theme")
        return cls(entries, plurals)

    def get(self, msgid: str, exclude: str = "") -> tuple[str, str] | None:
        """(msgstr, source catalog) of an exact hit outside ``exclude``."""
        hit = self.exact.get(msgid)
        return None if hit is None or hit[1] == exclude else hit

    def close(self, msgid: str, exclude: str = "") -> tuple[str, str, str] | None:
        """(msgid, msgstr, source) of the closest entry above the cutoff outside ``exclude``, or None."""
        if not self._choices or len(msgid) < 4:
            return None
        for choice, _score, _index in process.extract(msgid, self._choices, scorer=fuzz.ratio, score_cutoff=MEMORY_CUTOFF, limit=3):
            msgstr, source = self.exact[choice]
            if source != exclude:
                return choice, msgstr, source
        return None


def _keep(old: pofile.Entry, message: Message) -> pofile.Entry:
    entry = _entry(message)
    entry.msgstr = old.msgstr
    if message.msgid_plural is not None and old.msgid_plural is not None:
        entry.msgstr_plural = dict(old.msgstr_plural)
    entry.tcomments = list(old.tcomments)
    flags = list(old.flags)
    for flag in message.flags:
        if flag not in flags:
            flags.append(flag)
    entry.flags = flags
    if old.fuzzy:
        entry.previous_msgctxt = old.previous_msgctxt
        entry.previous_msgid = old.previous_msgid
        entry.previous_msgid_plural = old.previous_msgid_plural
    return entry


def merge(
    old: pofile.Catalog | None,
    unit: Unit,
    lang: str,
    pot_date: str,
    title: str,
    memory: "Memory | Callable[[], Memory] | None" = None,
    own_rel: str = "",
    imported: "Memory | None" = None,
) -> tuple[pofile.Catalog, MergeCounts]:
    """The catalog for ``unit`` in ``lang``: the template's messages with every old translation kept.

    ``memory`` is a :class:`Memory` or a function returning one; it is only
    called when a new block has no similar old block in this catalog, and
    its entries from ``own_rel`` (this catalog) are ignored. ``imported``
    (the memories kept in ``locale/memory/``, from the unit's language into
    ``lang``) is consulted after it, and also fills untranslated messages.
    """
    counts = MergeCounts()
    catalog = pofile.Catalog()
    if old is not None and old.has_header:
        catalog.header_comments = list(old.header_comments)
        catalog.header_flags = [f for f in old.header_flags if f != "fuzzy"]
        catalog.metadata = dict(old.metadata)
    else:
        catalog.header_comments = [f"# {locales.language_name(lang, 'en')} translation of {unit.domain} ({title})."]
        catalog.metadata = new_metadata(title, unit.domain)
    catalog.metadata["POT-Creation-Date"] = pot_date
    catalog.metadata["Language"] = lang
    catalog.metadata["Plural-Forms"] = locales.plural_forms(lang)
    catalog.metadata["X-Source-Language"] = unit.source_lang

    old_entries = old.entries if old is not None else []
    live = {e.key: e for e in old_entries if not e.obsolete}
    dead = {e.key: e for e in old_entries if e.obsolete}
    used: set[tuple] = set()
    result: list[pofile.Entry | None] = []
    pending: list[int] = []
    for index, message in enumerate(unit.messages):
        found = live.get(message.key) or dead.get(message.key)
        if found is None:
            pending.append(index)
            result.append(None)
            continue
        used.add(message.key)
        entry = _keep(found, message)
        if imported is not None and message.msgid_plural is None and not entry.msgstr and not entry.fuzzy and _fill(entry, [imported], own_rel, counts):
            result.append(entry)
            continue
        result.append(entry)
        counts.kept += 1

    if pending:
        _match_changed(unit, old_entries, live, used, pending, result, counts)
    still = [i for i in pending if result[i] is None]
    if still and (memory is not None or imported is not None):
        memories = [memory() if callable(memory) else memory] if memory is not None else []
        if imported is not None:
            memories.append(imported)
        for index in still:
            message = unit.messages[index]
            if message.msgid_plural is not None:
                plural = memories[0].plurals.get(message.msgid)
                if plural is not None and plural[1] != own_rel:
                    entry = _entry(message)
                    entry.msgstr_plural = dict(plural[0])
                    entry.tcomments = [MEMORY_COMMENT + plural[1]]
                    counts.memory_exact += 1
                    result[index] = entry
                continue
            entry = _entry(message)
            if _fill(entry, memories, own_rel, counts):
                result[index] = entry
    for index in pending:
        if result[index] is None:
            result[index] = _entry(unit.messages[index])
            counts.new += 1

    entries: list[pofile.Entry] = [e for e in result if e is not None]
    plurals = int(locales.plural_forms(lang).split("nplurals=")[1].split(";")[0])
    for entry in entries:
        if entry.msgid_plural is not None:  # as many plural forms as the language has
            entry.msgstr_plural = {i: entry.msgstr_plural.get(i, "") for i in range(plurals)}
    for key, entry in live.items():
        if key not in used and entry.has_translation:
            gone = pofile.Entry(
                msgid=entry.msgid,
                msgctxt=entry.msgctxt,
                msgid_plural=entry.msgid_plural,
                msgstr=entry.msgstr,
                msgstr_plural=dict(entry.msgstr_plural),
                tcomments=list(entry.tcomments),
                flags=list(entry.flags),
                obsolete=True,
            )
            entries.append(gone)
            counts.obsolete += 1
    for key, entry in dead.items():
        if key not in used:
            entries.append(entry)
    catalog.entries = entries
    return catalog, counts


def _fill(entry: pofile.Entry, memories: list[Memory], own_rel: str, counts: MergeCounts) -> bool:
    """Translate ``entry`` from the first memory with an exact hit, else the first with a close one (fuzzy)."""
    for tm in memories:
        hit = tm.get(entry.msgid, own_rel)
        if hit is not None:
            entry.msgstr = hit[0]
            entry.tcomments = _with_comment(entry.tcomments, MEMORY_COMMENT + hit[1])
            counts.memory_exact += 1
            return True
    for tm in memories:
        close = tm.close(entry.msgid, own_rel)
        if close is not None:
            entry.msgstr = close[1]
            entry.flags = ["fuzzy", *entry.flags]
            entry.previous_msgid = close[0]
            entry.tcomments = _with_comment(entry.tcomments, MEMORY_COMMENT + close[2])
            counts.memory_fuzzy += 1
            return True
    return False


def _with_comment(comments: list[str], comment: str) -> list[str]:
    return comments if comment in comments else [*comments, comment]


def _match_changed(unit, old_entries, live, used, pending, result, counts) -> None:
    """Give each changed block the translation of the old block it came from, as fuzzy."""
    candidates = [
        (position, e)
        for position, e in enumerate(x for x in old_entries if not x.obsolete)
        if e.key not in used and e.has_translation and e.msgid_plural is None
    ]
    if not candidates:
        return
    old_count = max(1, sum(1 for e in old_entries if not e.obsolete))
    new_count = max(1, len(unit.messages))
    choices = [e.msgid for _, e in candidates]
    pairs = []
    for index in pending:
        message = unit.messages[index]
        if message.msgid_plural is not None:
            continue
        for _choice, score, j in process.extract(
            message.msgid, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=5
        ):
            distance = abs(index / new_count - candidates[j][0] / old_count)
            pairs.append((-score, distance, index, j))
    pairs.sort()
    taken: set[int] = set()
    for _score, _distance, index, j in pairs:
        if result[index] is not None or j in taken:
            continue
        taken.add(j)
        old = candidates[j][1]
        used.add(old.key)
        message = unit.messages[index]
        entry = _entry(message)
        entry.msgstr = old.msgstr
        entry.tcomments = list(old.tcomments)
        entry.flags = ["fuzzy", *[f for f in old.flags if f != "fuzzy"], *[f for f in message.flags if f not in old.flags]]
        # the previous msgid is the text the translation was made from
        entry.previous_msgctxt = old.previous_msgctxt if old.fuzzy else old.msgctxt
        entry.previous_msgid = old.previous_msgid if old.fuzzy and old.previous_msgid else old.msgid
        result[index] = entry
        counts.fuzzy += 1


# --- looking translations up ------------------------------------------------------------------


@dataclass
class Missing:
    """A message an edition lacks: where to fix it, and why."""

    location: Location
    msgid: str
    reason: str  # untranslated, fuzzy, not in catalog, no catalog


class Lookup:
    """Translations into one language, read from the catalogs on demand.

    ``get`` returns a translation, or None (recording why) for untranslated,
    fuzzy or absent messages: those fall back to the source text in drafts and
    fail release builds.
    """

    def __init__(self, root: Path, lang: str, problems: Problems):
        self.root = root
        self.lang = lang
        self.problems = problems
        self._catalogs: dict[str, dict[str, pofile.Entry] | None] = {}
        self.missing: list[Missing] = []
        self._rels: dict[str, str] = {}
        self._lines: dict[str, list[str]] = {}
        self._missing_keys: set[tuple[str, str]] = set()

    def catalog(self, domain: str) -> dict[str, pofile.Entry] | None:
        if domain not in self._catalogs:
            rel = po_rel(self.lang, domain)
            path: Path | None = self.root / rel
            if domain == "theme" and not path.is_file():
                # A publication without its own theme catalog uses the built-in theme's translations.
                path = builtin_catalog(self.lang)
                rel = path.as_posix() if path else rel
            entries = None
            if path is not None and path.is_file():
                catalog = read_po(self.root, rel, self.problems, path)
                if catalog is not None:
                    entries = {e.msgid: e for e in catalog.entries if not e.obsolete and e.msgctxt is None}
                    self._lines[domain] = catalog.lines
                    for entry in entries.values():
                        check_raw_html(rel, entry, self.problems, catalog.lines)
            self._catalogs[domain] = entries
            self._rels[domain] = rel
        return self._catalogs[domain]

    def get(self, domain: str, msgid: str) -> str | None:
        entries = self.catalog(domain)
        rel = self._rels[domain]
        if entries is None:
            self._miss(domain, Location(rel), msgid, "no catalog (run 'diglot update')")
            return None
        entry = entries.get(msgid)
        if entry is None:
            self._miss(domain, Location(rel), msgid, "not in the catalog (run 'diglot update')")
            return None
        if entry.fuzzy:
            # the "#, fuzzy" flag: removing it is the fix, once the translation is checked
            lines = self._lines.get(domain) or []
            flag_line = lines[entry.flags_line - 1] if 0 < entry.flags_line <= len(lines) else ""
            self._miss(domain, Location(rel, entry.flags_line or entry.line, flag_line.find("fuzzy") + 1), msgid, "fuzzy")
            return None
        if not entry.msgstr:
            self._miss(domain, Location(rel, entry.msgstr_line, 1), msgid, "untranslated")
            return None
        if markdown.find_raw_html(entry.msgstr, inline_only=True):
            return None  # reported by check_raw_html; the source text is shown instead
        return entry.msgstr

    def where(self, domain: str, msgid: str) -> Location:
        """Where ``msgid``'s translation is (its msgstr line), or its catalog."""
        entries = self.catalog(domain)
        entry = entries.get(msgid) if entries else None
        return Location(self._rels[domain], entry.msgstr_line or entry.line, 1) if entry else Location(self._rels[domain])

    def _miss(self, domain: str, location: Location, msgid: str, reason: str) -> None:
        if (domain, msgid) not in self._missing_keys:
            self._missing_keys.add((domain, msgid))
            self.missing.append(Missing(location, msgid, reason))


def check_raw_html(rel: str, entry: pofile.Entry, problems: Problems, lines: list[str] | None = None) -> None:
    for text in entry.translations():
        if "<" not in text:
            continue
        for found in markdown.find_raw_html(text, inline_only=True):
            where = _msgstr_location(rel, entry, lines or [], found.snippet)
            problems.error(where, f"translation contains raw HTML ('{found.snippet[:40]}'); write Markdown instead")
            return


def _msgstr_location(rel: str, entry: pofile.Entry, lines: list[str], snippet: str) -> Location:
    """The line and column of ``snippet`` in the entry's msgstr (the entry records where its msgstr starts)."""
    start = entry.msgstr_line or entry.line
    escaped = pofile.escape(snippet)[:20]
    for index in range(start - 1, min(start + 400, len(lines))):
        line = lines[index]
        if index >= start and not line.lstrip().startswith('"') and not line.startswith("msgstr"):
            break
        col = line.find(escaped) if escaped else -1
        if col >= 0:
            return Location(rel, index + 1, col + 1)
    return Location(rel, start, 1)


def catalog_files(root: Path) -> list[Path]:
    locale_dir = root / "locale"
    if not locale_dir.is_dir():
        return []
    return sorted(locale_dir.rglob("*.po")) + sorted(locale_dir.rglob("*.pot"))


def validate_catalogs(root: Path, problems: Problems) -> int:
    """Parse every catalog under locale/; report what does not parse or holds raw HTML. Returns the count."""
    files = catalog_files(root)
    for path in files:
        rel = path.relative_to(root).as_posix()
        catalog = read_po(root, rel, problems, path)
        for entry in catalog.entries if catalog else ():
            if not entry.obsolete:
                check_raw_html(rel, entry, problems, catalog.lines)
    return len(files)

"""Message catalogs: extract (.pot), update (.po), and look translations up.

One catalog per source unit (theme, periodical, issue manifest, article) and
target language; see SPEC §2 for the layout. Catalogs are plain gettext
files read and written with polib; template strings are extracted with
Babel's Jinja2 extractor.

Merging never loses a translation: an exact match keeps its translation,
flags and comments; a changed block takes the translation of the old block it
most resembles, marked fuzzy with the previous msgid; a removed block becomes
obsolete with its translation.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import polib
from rapidfuzz import fuzz, process

from . import locales, markdown, polint
from .errors import Location, Problems
from .fsutil import write_if_changed
from .model import Article, Issue, Periodical, Text
from .theme import builtin_catalog, template_dirs

WRAP = 78
FUZZY_CUTOFF = 70.0
THEME_LANG = "en"  # theme msgids are English
_CREATION_RE = re.compile(r'^"POT-Creation-Date: [^"]*\\n"\n', re.M)


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

    @property
    def pot_rel(self) -> str:
        return f"locale/pot/{self.domain}.pot"

    def po_rel(self, lang: str) -> str:
        return po_rel(lang, self.domain)

    def add(self, msgid: str, comment: str, reference: str) -> None:
        for message in self.messages:
            if message.msgid == msgid and message.msgctxt is None:
                if comment not in message.comments:
                    message.comments.append(comment)
                if reference not in message.references:
                    message.references.append(reference)
                return
        self.messages.append(Message(msgid, [comment], [reference]))


def po_rel(lang: str, domain: str) -> str:
    return f"locale/{lang}/LC_MESSAGES/{domain}.po"


# --- collecting messages -------------------------------------------------------


def _add_text(unit: Unit, text: Text | None, reference: str) -> None:
    if text is not None and text.translatable and markdown.has_letters(text.source or ""):
        unit.add(text.source or "", text.comment, reference)


def periodical_unit(periodical: Periodical) -> Unit:
    unit = Unit("periodical", periodical.default_language)
    for text in periodical.texts():
        _add_text(unit, text, "periodical.yaml")
    return unit


def issue_unit(issue: Issue) -> Unit:
    unit = Unit(issue.domain, issue.source_language)
    _add_text(unit, issue.title, issue.rel)
    _add_text(unit, issue.description, issue.rel)
    for section in issue.sections:
        _add_text(unit, section.title, issue.rel)
    for contributor in issue.contributors.values():
        for text in (contributor.name, contributor.affiliation, contributor.bio):
            _add_text(unit, text, issue.rel)
    return unit


def article_unit(article: Article) -> Unit:
    unit = Unit(article.domain, article.source_language)
    for text in (article.title, article.subtitle, article.abstract, *article.keywords):
        _add_text(unit, text, article.rel)
    for segment in markdown.segments(article.body, article.body_line - 1):
        unit.add(segment.text, segment.kind, article.rel)
    return unit


def theme_unit(root: Path) -> Unit:
    """Template strings of the theme in use (the publication's own templates over the built-in ones)."""
    from babel.messages.extract import extract_from_file

    unit = Unit("theme", THEME_LANG)
    seen: set[str] = set()
    for folder in template_dirs(root):
        for path in sorted(folder.rglob("*")):
            if path.suffix not in (".html", ".xml", ".txt") or not path.is_file():
                continue
            name = path.relative_to(folder).as_posix()
            if name in seen:  # overridden by the publication's own template
                continue
            seen.add(name)
            reference = f"templates/{name}"
            for _lineno, message, comments, context in extract_from_file(
                "jinja2", str(path), comment_tags=("Translators:",), strip_comment_tags=True,
                options={"trimmed": "true"},
            ):
                msgid, plural = (message[0], message[1]) if isinstance(message, tuple) else (message, None)
                if not msgid:
                    continue
                existing = next((m for m in unit.messages if m.key == (context, msgid)), None)
                if existing is None:
                    existing = Message(msgid, [], [], msgctxt=context, msgid_plural=plural)
                    if "%(" in msgid:
                        existing.flags.append("python-format")
                    unit.messages.append(existing)
                if reference not in existing.references:
                    existing.references.append(reference)
                for comment in comments:
                    if comment not in existing.comments:
                        existing.comments.append(comment)
    return unit


def collect_units(periodical: Periodical, with_shared: bool = True) -> list[Unit]:
    """Every source unit: theme and periodical (``with_shared``), then each issue and its articles."""
    units = []
    if with_shared:
        units.append(theme_unit(periodical.root))
        units.append(periodical_unit(periodical))
    for issue in sorted(periodical.issues, key=lambda i: i.id):
        units.append(issue_unit(issue))
        units.extend(article_unit(a) for a in issue.articles)
    return units


# --- writing templates ----------------------------------------------------------------


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M+0000")


def _entry(message: Message, msgstr: str = "") -> polib.POEntry:
    entry = polib.POEntry(
        msgid=message.msgid,
        msgstr=msgstr,
        msgctxt=message.msgctxt,
        comment="\n".join(message.comments),
        occurrences=[(ref, "") for ref in message.references],
        flags=list(message.flags),
    )
    if message.msgid_plural:
        entry.msgid_plural = message.msgid_plural
        entry.msgstr_plural = {0: "", 1: ""}
        entry.msgstr = ""
    return entry


def _new_metadata(title: str, domain: str) -> dict[str, str]:
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


def render_pot(unit: Unit, title: str, creation_date: str) -> str:
    pot = polib.POFile(wrapwidth=WRAP)
    pot.header = f"Messages of {unit.domain} ({title}), extracted by diglot."
    pot.metadata = _new_metadata(title, unit.domain)
    pot.metadata["POT-Creation-Date"] = creation_date
    pot.metadata["X-Source-Language"] = unit.source_lang
    for message in unit.messages:
        pot.append(_entry(message))
    return str(pot) + "\n"


def write_pot(root: Path, unit: Unit, title: str) -> tuple[bool, str]:
    """Write the unit's template unless only its date would change; (written, creation date)."""
    path = root / unit.pot_rel
    old = path.read_text(encoding="utf-8") if path.is_file() else None
    old_date = None
    if old is not None:
        match = re.search(r'^"POT-Creation-Date: ([^"]*)\\n"', old, re.M)
        old_date = match[1] if match else None
    if old_date:
        candidate = render_pot(unit, title, old_date)
        if candidate == old:
            return False, old_date
    date = _now()
    write_if_changed(path, render_pot(unit, title, date))
    return True, date


# --- reading and merging catalogs --------------------------------------------------------


_POLIB_LINE = re.compile(r"line (\d+)")


def read_po(root: Path, rel: str, problems: Problems) -> polib.POFile | None:
    """Parse a catalog; a file that does not parse is reported and gives None."""
    path = root / rel
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        problems.error(Location(rel, line, 1), f"catalog is not valid UTF-8 ({exc.reason}); it must be saved as UTF-8")
        return None
    text = text.removeprefix("\ufeff")
    syntax = polint.lint(text)
    if syntax:
        for line, col, message in syntax[:5]:
            problems.error(Location(rel, line, col), f"catalog does not parse: {message}; fix it by hand (diglot update leaves it alone until then)")
        return None
    try:
        return polib.pofile(text, wrapwidth=WRAP, check_for_duplicates=True)
    except (OSError, ValueError) as exc:
        reason = str(exc).replace("in po file ", "").strip()
        match = _POLIB_LINE.search(reason)
        line = int(match[1]) if match else 1
        duplicate = re.search(r'Entry "(.*)" already exists', reason, re.S)
        if duplicate:
            line = _line_of(text, duplicate[1], occurrence=2)
            reason = f"the message \"{duplicate[1][:40]}\" appears twice"
        problems.error(Location(rel, line, 1), f"catalog does not parse: {reason}; fix it by hand (diglot update leaves it alone until then)")
        return None


def _line_of(text: str, msgid: str, occurrence: int = 1) -> int:
    """The line of the ``occurrence``-th entry whose msgid starts like ``msgid`` (1 if not found)."""
    start = 'msgid "' + msgid.split("\n")[0][:30].replace("\\", "\\\\").replace('"', '\\"')
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(start) or (line == 'msgid ""' and not msgid):
            seen += 1
            if seen == occurrence:
                return number
    return 1


def _entry_key(entry: polib.POEntry) -> tuple[str | None, str]:
    return (entry.msgctxt, entry.msgid)


def _has_translation(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return any(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def merge(old: polib.POFile | None, unit: Unit, lang: str, pot_date: str, title: str,
          memory: dict[str, str] | None = None) -> polib.POFile:
    """The catalog for ``unit`` in ``lang``: the template's messages with every old translation kept."""
    po = polib.POFile(wrapwidth=WRAP)
    if old is not None:
        po.header = old.header
        po.metadata = dict(old.metadata)
    else:
        po.header = f"{locales.language_name(lang, 'en')} translation of {unit.domain} ({title})."
        po.metadata = _new_metadata(title, unit.domain)
    po.metadata["POT-Creation-Date"] = pot_date
    po.metadata["Language"] = lang
    po.metadata["Plural-Forms"] = locales.plural_forms(lang)
    po.metadata["X-Source-Language"] = unit.source_lang

    live: dict[tuple, polib.POEntry] = {}
    dead: dict[tuple, polib.POEntry] = {}
    for entry in old or []:
        (dead if entry.obsolete else live)[_entry_key(entry)] = entry
    used: set[tuple] = set()
    pending: list[tuple[int, Message]] = []

    entries: list[polib.POEntry | None] = []
    for message in unit.messages:
        found = live.get(message.key) or dead.get(message.key)
        if found is None:
            pending.append((len(entries), message))
            entries.append(None)
            continue
        used.add(message.key)
        entry = _entry(message)
        entry.msgstr = found.msgstr
        if message.msgid_plural and found.msgid_plural:
            entry.msgstr_plural = dict(found.msgstr_plural)
        entry.tcomment = found.tcomment
        entry.flags = sorted(set(found.flags) | set(message.flags), key=lambda f: (f != "fuzzy", f))
        entry.previous_msgid = found.previous_msgid if "fuzzy" in found.flags else None
        entries.append(entry)

    # Changed blocks: the old block most like the new one gives its translation, as fuzzy.
    candidates = {k: e for k, e in live.items() if k not in used and _has_translation(e) and not e.msgid_plural}
    for position, message in pending:
        entry = _entry(message)
        if candidates and not message.msgid_plural:
            best = process.extractOne(
                message.msgid, {k: e.msgid for k, e in candidates.items()}, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
            )
            if best is not None:
                source = candidates.pop(best[2])
                used.add(best[2])
                entry.msgstr = source.msgstr
                entry.tcomment = source.tcomment
                entry.flags = ["fuzzy", *[f for f in entry.flags if f != "fuzzy"]]
                entry.previous_msgid = source.msgid
        if not entry.msgstr and memory and message.msgid in memory and not message.msgid_plural:
            entry.msgstr = memory[message.msgid]
            entry.tcomment = "translation from the built-in theme"
        entries[position] = entry
    for entry in entries:
        po.append(entry)

    # Removed blocks: obsolete, with their translations; nothing translated is dropped.
    for key, entry in live.items():
        if key not in used and _has_translation(entry):
            entry.obsolete = True
            entry.occurrences = []
            po.append(entry)
    for key, entry in dead.items():
        if key not in used:
            po.append(entry)
    return po


def po_text(po: polib.POFile) -> str:
    return str(po) + "\n"


def theme_memory(lang: str) -> dict[str, str]:
    """Translations of the built-in theme into ``lang`` (used to fill new theme catalogs)."""
    path = builtin_catalog(lang)
    if path is None:
        return {}
    try:
        catalog = polib.pofile(str(path))
    except (OSError, ValueError):
        return {}
    return {e.msgid: e.msgstr for e in catalog if e.msgstr and not e.obsolete and "fuzzy" not in e.flags}


@dataclass
class UpdateReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def extract(periodical: Periodical, units: list[Unit]) -> tuple[UpdateReport, dict[str, str]]:
    """Write every unit's template; returns the report and each domain's POT-Creation-Date."""
    report = UpdateReport()
    dates = {}
    title = _title(periodical)
    for unit in units:
        written, date = write_pot(periodical.root, unit, title)
        dates[unit.domain] = date
        (report.written if written else report.unchanged).append(unit.pot_rel)
    return report, dates


def update(periodical: Periodical, units: list[Unit], languages: list[str], problems: Problems) -> UpdateReport:
    """Extract, then create or merge each catalog. A catalog that does not parse is left alone."""
    report, dates = extract(periodical, units)
    title = _title(periodical)
    root = periodical.root
    for lang in languages:
        memory = theme_memory(lang)
        for unit in units:
            if unit.source_lang == lang:
                continue
            rel = unit.po_rel(lang)
            old = None
            if (root / rel).is_file():
                old = read_po(root, rel, problems)
                if old is None:
                    continue
            po = merge(old, unit, lang, dates[unit.domain], title, memory if unit.domain == "theme" else None)
            if write_if_changed(root / rel, po_text(po)):
                report.written.append(rel)
            else:
                report.unchanged.append(rel)
    return report


def _title(periodical: Periodical) -> str:
    text = periodical.title
    if text.values:
        return text.values.get("en") or next(iter(text.values.values()), "")
    return text.source or ""


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
        self._catalogs: dict[str, dict[str, polib.POEntry] | None] = {}
        self.missing: list[Missing] = []
        self.builtin_theme = False
        self._lines: dict[str, list[str]] = {}
        self._missing_keys: set[tuple[str, str]] = set()

    def catalog(self, domain: str) -> dict[str, polib.POEntry] | None:
        if domain not in self._catalogs:
            rel = po_rel(self.lang, domain)
            entries = None
            source: Path | None = self.root / rel
            if domain == "theme" and not source.is_file():
                # A publication without its own theme catalog uses the built-in theme's translations.
                source = builtin_catalog(self.lang)
                if source is not None:
                    rel = source.as_posix()
                    self.builtin_theme = True
            if source is not None and source.is_file():
                po = read_po(source.parent, source.name, self.problems) if domain == "theme" and self.builtin_theme else read_po(self.root, rel, self.problems)
                if po is not None:
                    entries = {e.msgid: e for e in po if not e.obsolete and e.msgctxt is None}
                    lines = source.read_text(encoding="utf-8-sig").splitlines()
                    self._lines[domain] = lines
                    for entry in entries.values():
                        _check_raw_html(rel, entry, self.problems, lines)
            self._catalogs[domain] = entries
        return self._catalogs[domain]

    def get(self, domain: str, msgid: str) -> str | None:
        entries = self.catalog(domain)
        rel = po_rel(self.lang, domain)
        if entries is None:
            self._miss(domain, Location(rel), msgid, "no catalog (run 'diglot update')")
            return None
        entry = entries.get(msgid)
        if entry is None:
            self._miss(domain, Location(rel), msgid, "not in the catalog (run 'diglot update')")
            return None
        if "fuzzy" in entry.flags:
            self._miss(domain, self._flag_location(domain, rel, entry), msgid, "fuzzy")
            return None
        if not entry.msgstr:
            self._miss(domain, _msgstr_location(rel, entry, self._lines.get(domain), ""), msgid, "untranslated")
            return None
        if markdown.find_raw_html(entry.msgstr, inline_only=True):
            return None  # reported by _check_raw_html; the source text is shown instead
        return entry.msgstr

    def _flag_location(self, domain: str, rel: str, entry: polib.POEntry) -> Location:
        """The ``#, fuzzy`` line: removing the flag is the fix once the translation is checked."""
        lines = self._lines.get(domain) or []
        for index in range(max(entry.linenum - 1, 0), min(entry.linenum + 50, len(lines))):
            if lines[index].startswith("#,") and "fuzzy" in lines[index]:
                return Location(rel, index + 1, lines[index].find("fuzzy") + 1)
            if lines[index].startswith("msgid"):
                break
        return Location(rel, entry.linenum, 1)

    def _miss(self, domain: str, location: Location, msgid: str, reason: str) -> None:
        if (domain, msgid) not in self._missing_keys:
            self._missing_keys.add((domain, msgid))
            self.missing.append(Missing(location, msgid, reason))


def _check_raw_html(rel: str, entry: polib.POEntry, problems: Problems, lines: list[str] | None = None) -> None:
    translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
    for text in translations:
        for found in markdown.find_raw_html(text, inline_only=True):
            where = _msgstr_location(rel, entry, lines, found.snippet)
            problems.error(where, f"translation contains raw HTML ('{found.snippet[:40]}'); write Markdown instead")
            return


def _msgstr_location(rel: str, entry: polib.POEntry, lines: list[str] | None, snippet: str) -> Location:
    """The line of the msgstr holding ``snippet`` (polib only knows where the entry starts)."""
    if lines:
        start = max(entry.linenum - 1, 0)
        in_msgstr = False
        for index in range(start, min(start + 400, len(lines))):
            line = lines[index]
            if line.startswith("msgstr"):
                in_msgstr = True
            elif not line.startswith('"'):
                if in_msgstr:
                    break
                continue
            if in_msgstr:
                escaped = snippet.replace("\\", "\\\\").replace('"', '\\"')[:20]
                col = line.find(escaped)
                if col >= 0:
                    return Location(rel, index + 1, col + 1)
        for index in range(start, min(start + 400, len(lines))):
            if lines[index].startswith("msgstr"):
                return Location(rel, index + 1, 1)
    return Location(rel, entry.linenum, 1)


def validate_catalogs(root: Path, problems: Problems) -> int:
    """Parse every catalog under locale/; report what does not parse or holds raw HTML. Returns the count."""
    count = 0
    locale_dir = root / "locale"
    if not locale_dir.is_dir():
        return 0
    for path in sorted(locale_dir.rglob("*.po")) + sorted(locale_dir.rglob("*.pot")):
        rel = path.relative_to(root).as_posix()
        count += 1
        po = read_po(root, rel, problems)
        if po is None:
            continue
        lines = path.read_text(encoding="utf-8-sig").splitlines()
        for entry in po:
            if not entry.obsolete:
                _check_raw_html(rel, entry, problems, lines)
    return count

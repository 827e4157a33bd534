"""Translation memories in TMX 1.4: the publication's translations out, other tools' memories in.

- :func:`export_tmx` renders every translated, non-fuzzy message of the
  catalogs as TMX 1.4 (bytes; the command line writes them atomically).
- :func:`read_tmx` reads a TMX file, whoever wrote it (diglot, memoQ,
  Trados Studio, ...), and reports every problem at its line; it never
  expands entities, reads a DTD or touches the network.
- :func:`import_tmx` validates a file and keeps a copy as
  ``locale/memory/<name>.tmx``.
- :func:`load` reads the kept memories once per ``diglot update`` into one
  :class:`~diglot.catalog.catalogs.Memory` per language pair, which
  ``update`` consults after the publication's own memory.

TMX language tags (``zh-CN``, ``ZH-CN``, ``zh-Hans``, ``en-US``) are mapped to
the publication's languages (``zh_Hans``, ``en``) through Babel, likely
subtags filling the script: ``zh-CN`` is ``zh_Hans``, ``zh-TW`` ``zh_Hant``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__, locales
from ..errors import Location, Problems
from ..fsutil import atomic_write
from .catalogs import THEME_LANG, Memory, read_po

if TYPE_CHECKING:
    from lxml import etree

MEMORY_DIR = "locale/memory"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Inline elements whose content is the original format's code, not text.
CODE_TAGS = frozenset({"bpt", "ept", "ph", "it", "ut"})
NAME_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")


# --- reading ---------------------------------------------------------------------


@dataclass
class TranslationUnit:
    """One ``<tu>``: its segments by language tag as written in the file, in file order."""

    line: int
    srclang: str | None
    segments: list[tuple[str, str]] = field(default_factory=list)  # (xml:lang, text)


def _parser():
    from lxml import etree

    # No entity expansion, no DTD loading, no network: a TMX from outside is untrusted.
    return etree.XMLParser(
        resolve_entities=False, load_dtd=False, no_network=True, dtd_validation=False, huge_tree=False, remove_comments=True, remove_pis=True
    )


def _column(lines: list[str], line: int, needle: str) -> int:
    if 0 < line <= len(lines):
        found = lines[line - 1].find(needle)
        if found >= 0:
            return found + 1
    return 1


def segment_text(seg: etree._Element) -> str:
    """The text of a ``<seg>``: inline codes (``<bpt>``, ``<ept>``, ``<ph>``, ``<it>``, ``<ut>``) dropped, ``<hi>`` kept."""
    parts = [seg.text or ""]
    for child in seg:
        if not isinstance(child.tag, str):  # an entity reference left unexpanded
            pass
        elif child.tag not in CODE_TAGS:
            parts.append(segment_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _entity_declaration(data: bytes) -> tuple[int, int] | None:
    """(line, column) of an ``<!ENTITY`` in the DOCTYPE, in any of the encodings XML allows without a declaration."""
    for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
        doctype = data.find("<!DOCTYPE".encode(encoding))
        entity = data.find("<!ENTITY".encode(encoding), max(doctype, 0))
        if doctype >= 0 and entity >= 0:
            before = data[:entity].decode(encoding, errors="replace").lstrip("\ufeff")
            return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
    return None


def read_tmx(data: bytes, where: str, problems: Problems) -> list[TranslationUnit]:
    """The translation units of a TMX file; every problem is reported at ``where:line:col``.

    Returns the units even when there were problems; callers check
    ``problems.errors``.
    """
    from lxml import etree

    # Refused before parsing: libxml2 would otherwise still read the declarations.
    declared = _entity_declaration(data)
    if declared is not None:
        problems.error(
            Location(where, *declared),
            "the file declares XML entities, which diglot refuses in a translation memory; export it again without a DOCTYPE",
        )
        return []
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (exc.lineno or 1, 1)
        message = re.sub(r", line \d+, column \d+$", "", exc.msg or str(exc))
        problems.error(Location(where, line or 1, col or 1), f"not well-formed XML: {message}")
        return []
    docinfo = root.getroottree().docinfo
    try:
        text = data.decode(docinfo.encoding or "utf-8", errors="replace")
    except LookupError:
        text = data.decode("utf-8", errors="replace")
    lines = text.lstrip("\ufeff").splitlines()
    if root.tag != "tmx":
        problems.error(
            Location(where, root.sourceline or 1, _column(lines, root.sourceline or 1, "<")),
            f"not a TMX file: the root element is <{root.tag}>, expected <tmx>",
        )
        return []
    header = root.find("header")
    body = root.find("body")
    if header is None:
        problems.error(Location(where, root.sourceline or 1, _column(lines, root.sourceline or 1, "<tmx")), "not a TMX file: <tmx> has no <header>")
    if body is None:
        problems.error(Location(where, root.sourceline or 1, _column(lines, root.sourceline or 1, "<tmx")), "not a TMX file: <tmx> has no <body>")
        return []
    default_src = header.get("srclang") if header is not None else None
    units: list[TranslationUnit] = []
    for tu in body.iter("tu"):
        line = tu.sourceline or 1
        unit = TranslationUnit(line, tu.get("srclang") or default_src)
        for tuv in tu.findall("tuv"):
            tuv_line = tuv.sourceline or line
            lang = tuv.get(XML_LANG) or tuv.get("lang")  # "lang": TMX 1.1
            if not lang:
                problems.error(Location(where, tuv_line, _column(lines, tuv_line, "<tuv")), "<tuv> has no xml:lang attribute")
                continue
            seg = tuv.find("seg")
            if seg is None:
                problems.error(Location(where, tuv_line, _column(lines, tuv_line, "<tuv")), f"<tuv xml:lang=\"{lang}\"> has no <seg>")
                continue
            unit.segments.append((lang, segment_text(seg).strip()))
        if len({lang.lower() for lang, _ in unit.segments}) < 2:
            problems.error(
                Location(where, line, _column(lines, line, "<tu")),
                "<tu> needs a <tuv> in at least two languages (a source and its translation)",
            )
            continue
        units.append(unit)
    if not units and not problems.errors:
        problems.error(Location(where, body.sourceline or 1, _column(lines, body.sourceline or 1, "<body")), "the memory holds no <tu>")
    return units


# --- languages ---------------------------------------------------------------------


@cache
def _parts(tag: str) -> tuple[str, str, str] | None:
    """(language, script, territory) of a BCP 47 tag or CLDR id, the script filled from likely subtags."""
    from babel import Locale, UnknownLocaleError
    from babel.core import get_global

    try:
        loc = Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError, LookupError):
        return None
    script = loc.script
    if not script:
        likely = get_global("likely_subtags")
        for key in (f"{loc.language}_{loc.territory}" if loc.territory else "", loc.language):
            if key and key in likely:
                script = Locale.parse(likely[key]).script or ""
                break
    return loc.language, script or "", loc.territory or ""


def match_language(tag: str, languages: list[str]) -> str | None:
    """The publication language ``tag`` stands for: same language and script; a matching or absent territory preferred."""
    parts = _parts(tag)
    if parts is None:
        return None
    best: tuple[int, str] | None = None
    for lang in languages:
        own = _parts(lang)
        if own is None or own[:2] != parts[:2]:
            continue
        rank = 0 if own[2] == parts[2] else 1 if not own[2] else 2
        if best is None or rank < best[0]:
            best = (rank, lang)
    return best[1] if best else None


# --- memories kept in the publication -------------------------------------------------


def memory_files(root: Path) -> list[Path]:
    folder = root / MEMORY_DIR
    return sorted(p for p in folder.glob("*.tmx") if p.is_file()) if folder.is_dir() else []


def fingerprint(root: Path) -> list:
    """Names, times and sizes of the kept memories: part of ``update``'s cache key."""
    out = []
    for path in memory_files(root):
        info = path.stat()
        out.append([path.name, info.st_mtime_ns, info.st_size])
    return out


class Memories:
    """The kept memories of a publication, one :class:`Memory` per (source, target) language pair."""

    def __init__(self, pairs: dict[tuple[str, str], Memory]):
        self.pairs = pairs

    def get(self, source: str, target: str) -> Memory | None:
        return self.pairs.get((source, target))


def load(root: Path, languages: list[str], problems: Problems) -> Memories:
    """Read every ``locale/memory/*.tmx`` once; a file with errors is reported and left out."""
    entries: dict[tuple[str, str], dict[str, tuple[str, str]]] = {}
    for path in memory_files(root):
        rel = path.relative_to(root).as_posix()
        found = Problems()
        units = read_tmx(path.read_bytes(), rel, found)
        if found.errors:
            for problem in found.errors:
                problems.error(problem.location, f"{problem.message}; this memory is not used (fix or remove {rel})")
            continue
        for unit in units:
            segments: dict[str, str] = {}
            for tag, text in unit.segments:
                lang = match_language(tag, languages)
                if lang is not None and text:
                    segments.setdefault(lang, text)
            for source, source_text in segments.items():
                for target, target_text in segments.items():
                    if source != target:
                        entries.setdefault((source, target), {}).setdefault(source_text, (target_text, rel))
    return Memories({pair: Memory(values) for pair, values in entries.items()})


def import_tmx(root: Path, source: Path, name: str, where: str, languages: list[str], problems: Problems) -> tuple[str, int]:
    """Validate ``source`` and keep it as ``locale/memory/<name>.tmx``; nothing is written when it has errors.

    Returns the kept file (relative to the root) and how many units match
    the publication's languages.
    """
    data = source.read_bytes()
    units = read_tmx(data, where, problems)
    if problems.errors:
        return "", 0
    usable = sum(1 for unit in units if len({match_language(tag, languages) for tag, _ in unit.segments} - {None}) >= 2)
    if not usable:
        problems.warning(
            Location(where),
            f"no <tu> pairs two of the publication's languages ({', '.join(locales.bcp47(lang) for lang in languages)}); update will find nothing in it",
        )
    rel = f"{MEMORY_DIR}/{name}.tmx"
    atomic_write(root / rel, data)
    return rel, usable


def memory_name(stem: str) -> str:
    """A file's stem as a memory name: lowercase ASCII letters, digits and '-'."""
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")


# --- export ---------------------------------------------------------------------------


@dataclass
class Exported:
    data: bytes
    units: int


def export_tmx(root: Path, languages: list[str], default_language: str, issues: list[str] | None = None) -> Exported:
    """TMX 1.4 of every translated, non-fuzzy message into ``languages`` (of the named issues, or all catalogs).

    One ``<tu>`` per message and target language, in catalog order (languages,
    then catalogs sorted by path, then document order); the output depends on
    the catalogs alone, so exporting twice gives the same bytes.
    """
    from lxml import etree

    tus: list[etree._Element] = []
    sources: set[str] = set()
    for lang in languages:
        folder = root / "locale" / lang / "LC_MESSAGES"
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.po")):
            domain = path.relative_to(folder).with_suffix("").as_posix()
            issue = domain.split("/")[0] if "/" in domain else None
            if issues is not None and issue not in issues:
                continue
            catalog = read_po(root, path.relative_to(root).as_posix(), Problems(), path)
            if catalog is None:
                continue
            source_lang = catalog.metadata.get("X-Source-Language") or (THEME_LANG if domain == "theme" else default_language)
            source_tag, target_tag = locales.bcp47(source_lang), locales.bcp47(lang)
            for entry in catalog.entries:
                # TMX has no plural forms: plural messages stay in the catalogs.
                if entry.obsolete or not entry.translated or entry.msgid_plural is not None:
                    continue
                tu = etree.Element("tu", srclang=source_tag)
                if issue is not None:
                    etree.SubElement(tu, "prop", type="x-diglot-issue").text = issue
                etree.SubElement(tu, "prop", type="x-diglot-unit").text = domain
                if entry.msgctxt is not None:
                    etree.SubElement(tu, "prop", type="x-diglot-msgctxt").text = entry.msgctxt
                for tag, text in ((source_tag, entry.msgid), (target_tag, entry.msgstr)):
                    tuv = etree.SubElement(tu, "tuv")
                    tuv.set(XML_LANG, tag)
                    etree.SubElement(tuv, "seg").text = text
                tus.append(tu)
                sources.add(source_tag)
    tmx = etree.Element("tmx", version="1.4")
    etree.SubElement(
        tmx,
        "header",
        creationtool="diglot",
        creationtoolversion=__version__,
        datatype="plaintext",
        segtype="block",
        adminlang="en",
        srclang=next(iter(sources)) if len(sources) == 1 else "*all*",
        **{"o-tmf": "PO"},
    )
    body = etree.SubElement(tmx, "body")
    body.extend(tus)
    data = etree.tostring(tmx, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return Exported(data, len(tus))

"""diglot check: translation quality checks on every translated message.

Each check has a name and a severity. Errors break the rendered edition
(markup that no longer matches, placeholders, raw HTML); warnings point at
what a reviewer should look at (numbers, punctuation, whitespace, copies,
lengths). Fuzzy and empty translations are not checked: they are not used.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .. import locales
from ..errors import Location, Problems
from ..source import markdown
from . import glossary as terminology
from . import pofile
from .catalogs import Unit, read_po

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Finding:
    check: str
    severity: str
    location: Location
    msgid: str
    message: str
    term: dict[str, str] | None = None  # glossary findings: the entry's term in each language

    def __str__(self) -> str:
        return f"{self.location}: {self.severity}: [{self.check}] {self.message}"

    def as_json(self) -> dict:
        data = {
            "check": self.check,
            "severity": self.severity,
            "path": self.location.path,
            "line": self.location.line,
            "msgid": self.msgid,
            "message": self.message,
        }
        if self.term is not None:
            data["term"] = dict(self.term)
        return data


# --- inline markup -----------------------------------------------------------------

_FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\]")


def markup(text: str) -> dict[str, Counter]:
    """The inline markup of a message: what a translation must keep, in any order."""
    tokens = markdown.inline_tokens(_FOOTNOTE_REF.sub("", text))
    found: dict[str, Counter] = {"link": Counter(), "picture": Counter(), "footnote": Counter(), "code": Counter(), "emphasis": Counter(), "strong": Counter()}
    for token in tokens:
        if token.type == "link_open":
            found["link"][str(token.attrGet("href"))] += 1
        elif token.type == "image":
            found["picture"][str(token.attrGet("src"))] += 1
        elif token.type == "code_inline":
            found["code"][token.content] += 1
        elif token.type == "em_open":
            found["emphasis"]["*"] += 1
        elif token.type == "strong_open":
            found["strong"]["**"] += 1
    found["footnote"].update(_FOOTNOTE_REF.findall(text))
    return found


_NAMES = {"link": "link to {}", "picture": "picture {}", "footnote": "footnote reference [^{}]", "code": "code span `{}`"}


def _markup_findings(source: str, translation: str) -> list[str]:
    a, b = markup(source), markup(translation)
    problems = []
    for kind in ("link", "picture", "footnote", "code"):
        for item in sorted((a[kind] - b[kind]).elements()):
            problems.append(f"{_NAMES[kind].format(item)} is missing from the translation")
        for item in sorted((b[kind] - a[kind]).elements()):
            problems.append(f"{_NAMES[kind].format(item)} is in the translation but not in the source")
    for kind, word in (("emphasis", "emphasis"), ("strong", "strong emphasis")):
        if sum(a[kind].values()) != sum(b[kind].values()):
            problems.append(f"{word}: {sum(a[kind].values())} in the source, {sum(b[kind].values())} in the translation")
    return problems


_PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sdifr]|%[sdifr]|\{[A-Za-z_][A-Za-z0-9_]*\}")


# --- numbers --------------------------------------------------------------------------

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_URL = re.compile(r"\]\([^)]*\)|https?://\S+|`[^`]*`")
_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}
_ZH_NUMERAL = re.compile(f"[{''.join(_ZH_DIGITS)}{''.join(_ZH_UNITS)}]+")
_EN_WORDS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen twenty".split()
    )
}
_EN_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000})


def _normalize_number(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)  # full-width digits → ASCII
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", text):
        text = text.replace(",", "")
    return text


def _zh_numeral(text: str) -> int | None:
    """一千二百六十 → 1260; 二〇二五 → 2025 (digit by digit)."""
    if all(c in _ZH_DIGITS for c in text):
        return int("".join(str(_ZH_DIGITS[c]) for c in text)) if len(text) > 1 else _ZH_DIGITS[text]
    total, section, number = 0, 0, 0
    for c in text:
        if c in _ZH_DIGITS:
            number = _ZH_DIGITS[c]
        else:
            unit = _ZH_UNITS[c]
            if unit >= 10_000:
                total += (section + number) * unit
                section = number = 0
            else:
                section += (number or 1) * unit
                number = 0
    return total + section + number


def numbers_in(text: str) -> set[str]:
    text = _URL.sub(" ", _FOOTNOTE_REF.sub(" ", text))
    found = {_normalize_number(n) for n in _NUMBER.findall(unicodedata.normalize("NFKC", text))}
    for numeral in _ZH_NUMERAL.findall(text):
        value = _zh_numeral(numeral)
        if value is not None:
            found.add(str(value))
    for word in re.findall(r"[A-Za-z]+", text):
        if word.lower() in _EN_WORDS:
            found.add(str(_EN_WORDS[word.lower()]))
    return found


def source_numbers(text: str) -> set[str]:
    """Numbers written with digits in the source (numerals in words are free to change)."""
    text = _URL.sub(" ", _FOOTNOTE_REF.sub(" ", text))
    return {_normalize_number(n) for n in _NUMBER.findall(unicodedata.normalize("NFKC", text))}


# --- punctuation, length ------------------------------------------------------------------

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff"
_HALF_IN_ZH = re.compile(rf"(?<=[{_HAN}])[,.;:?!](?!\d)|[,;:?!](?=[{_HAN}])")
_FULL_IN_LATIN = re.compile(r"[，。；：？！、（）【】《》「」]")


def _plain(text: str) -> str:
    return markdown.plain_text(_FOOTNOTE_REF.sub("", text))


def _expected_ratio(source_lang: str, target_lang: str) -> tuple[float, float]:
    """Plausible range of len(translation) / len(source), in characters."""
    a, b = locales.is_cjk(source_lang), locales.is_cjk(target_lang)
    if a and not b:
        return 1.2, 7.0
    if b and not a:
        return 0.14, 0.85
    return 0.4, 2.5


# --- running the checks ------------------------------------------------------------------------


def check_entry(rel: str, entry: pofile.Entry, source_lang: str, target_lang: str, theme: bool) -> list[Finding]:
    findings: list[Finding] = []
    where = Location(rel, entry.msgstr_line or entry.line, 1)
    source, translation = entry.msgid, entry.msgstr

    def add(check: str, severity: str, message: str) -> None:
        findings.append(Finding(check, severity, where, source, message))

    for found in markdown.find_raw_html(translation, inline_only=True):
        add("raw-html", ERROR, f"raw HTML '{found.snippet[:40]}' in the translation; write Markdown instead")
    if theme:
        a, b = Counter(_PLACEHOLDER.findall(source)), Counter(_PLACEHOLDER.findall(translation))
        for item in sorted((a - b).elements()):
            add("placeholder", ERROR, f"placeholder {item} is missing from the translation")
        for item in sorted((b - a).elements()):
            add("placeholder", ERROR, f"placeholder {item} is in the translation but not in the source")
    else:
        for message in _markup_findings(source, translation):
            add("markup", ERROR, message)

    missing = sorted(source_numbers(source) - numbers_in(translation), key=lambda n: (len(n), n))
    if missing:
        add("numbers", WARNING, f"number{'s' if len(missing) > 1 else ''} {', '.join(missing)} of the source not found in the translation")
    if locales.is_cjk(target_lang):
        match = _HALF_IN_ZH.search(_plain(translation))
        if match:
            add("punctuation", WARNING, f"half-width '{match[0]}' in Chinese text; use full-width punctuation (，。；：？！)")
    else:
        match = _FULL_IN_LATIN.search(_plain(translation))
        if match:
            add("punctuation", WARNING, f"full-width '{match[0]}' in {locales.language_name(target_lang, 'en')} text")
    if markdown.has_letters(source) and (
        source[:1].isspace() != translation[:1].isspace() or source[-1:].isspace() != translation[-1:].isspace()
    ):  # a separator such as ", " → "、" changes its spacing on purpose
        add("whitespace", WARNING, "leading or trailing whitespace differs from the source")
    letters = sum(1 for c in source if c.isalpha())
    if translation == source and letters >= 20:
        add("copy", WARNING, "the translation is the source text, unchanged")
    elif letters >= 15:
        low, high = _expected_ratio(source_lang, target_lang)
        a, b = len(_plain(source)), len(_plain(translation))
        ratio = b / a if a else 1.0
        if ratio < low or ratio > high:
            add("length", WARNING, f"the translation is {ratio:.2f} times as long as the source (expected {low}–{high})")
    return findings


def run(root: Path, units: list[Unit], languages: list[str], problems: Problems, glossary: terminology.Glossary | None = None) -> list[Finding]:
    findings: list[Finding] = []
    glossary = glossary or terminology.Glossary([])
    for lang in languages:
        for unit in units:
            if unit.source_lang == lang:
                continue
            rel = unit.po_rel(lang)
            if not (root / rel).is_file():
                continue
            catalog = read_po(root, rel, problems)
            if catalog is None:
                continue
            wanted = {m.key for m in unit.messages}
            for entry in catalog.entries:
                if entry.obsolete or not entry.translated or entry.key not in wanted:
                    continue
                findings.extend(check_entry(rel, entry, unit.source_lang, lang, theme=unit.kind == "theme"))
                where = Location(rel, entry.msgstr_line or entry.line, 1)
                for found in terminology.findings(glossary, entry.msgid, entry.msgstr, unit.source_lang, lang):
                    findings.append(Finding("glossary", found.severity, where, entry.msgid, found.message, dict(found.term.terms)))
    return findings

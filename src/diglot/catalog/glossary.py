"""The publication's glossary: approved renderings of its key terms (SPEC §8).

``glossary.yaml`` at the root is a list of entries, one term per edition
language, with an optional ``note`` and ``forbidden`` renderings::

    - {zh_Hans: 创意经济, en: creative economy, note: the UNCTAD sense}
    - zh_Hans: 修复咖啡馆
      en: repair café
      forbidden: {en: [fix-it café]}

:func:`read_glossary` reads and validates it (every problem located);
:class:`Glossary` finds its terms in a text: Chinese, Japanese and Korean by
substring, other languages word by word, case-insensitively, comparing the
stems of a real stemmer (Snowball) so that "repair cafés" is "repair café".
``diglot update`` shows the terms found in a message as extracted comments
of the target language's catalog (:func:`annotate`); ``diglot check`` warns
when a translation lacks the approved rendering and errors on a forbidden
one (:func:`findings`).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import snowballstemmer
import yaml

from .. import locales
from ..errors import Location, Problems
from ..source.yamlnodes import Doc, kind, unknown_message
from . import pofile

FILE = "glossary.yaml"
COMMENT = "glossary: "
_OPTIONAL = ("note", "forbidden")
# Words: letters and digits, with inner apostrophes ("city's", which the stemmer reduces).
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
# Link targets and bare URLs are not prose: "[text](https://example.org/creative-economy)".
_NOT_PROSE = re.compile(r"\]\([^)]*\)|<?https?://[^\s>)]+>?")


@dataclass
class Term:
    """One glossary entry: its term in each language it names."""

    terms: dict[str, str]  # language → term
    location: Location
    note: str = ""
    forbidden: dict[str, list[str]] = field(default_factory=dict)
    where: dict[str, Location] = field(default_factory=dict, repr=False)  # of each term


# --- matching --------------------------------------------------------------------------


def _normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", _NOT_PROSE.sub("] ", text)).replace("’", "'").casefold()


@lru_cache(maxsize=None)
def _stemmer(lang: str):
    """The Snowball stemmer of ``lang``'s language, or None (words are then compared whole)."""
    name = (locales.locale(lang).english_name or "").split(" (")[0].lower()
    return snowballstemmer.stemmer(name) if name in snowballstemmer.algorithms() else None


class _Matcher:
    """Finds phrases of one language in texts: by substring (CJK) or by stem sequence."""

    def __init__(self, lang: str):
        self.cjk = locales.is_cjk(lang)
        self.stemmer = None if self.cjk else _stemmer(lang)
        self._stems: dict[str, str] = {}
        self._keys: dict[str, tuple[str, ...] | str] = {}

    def key(self, phrase: str) -> tuple[str, ...] | str:
        """The form a phrase is compared in: a string (CJK) or a tuple of stems."""
        if phrase not in self._keys:
            text = _normalize(phrase)
            self._keys[phrase] = "".join(text.split()) if self.cjk else tuple(self.stems(text))
        return self._keys[phrase]

    def stems(self, text: str) -> list[str]:
        words = _WORD.findall(text)
        if self.stemmer is None:
            return words
        cache = self._stems
        # Numbers do not inflect (and every "note 1234" would be a new word for the slow stemmer).
        missing = {w for w in words if w not in cache and not w.isdigit()}
        if missing:  # one call for the new words: the stemmer is the slow part
            missing_list = sorted(missing)
            cache.update(zip(missing_list, self.stemmer.stemWords(missing_list)))
        return [w if w.isdigit() else cache[w] for w in words]

    def prepare(self, text: str) -> tuple[str, ...] | str:
        """A text, made ready once for looking up every phrase in it."""
        text = _normalize(text)
        return "".join(text.split()) if self.cjk else tuple(self.stems(text))

    @staticmethod
    def contains(prepared: tuple[str, ...] | str, key: tuple[str, ...] | str) -> bool:
        if isinstance(prepared, str):
            return bool(key) and key in prepared
        n = len(key)
        return n > 0 and any(prepared[i : i + n] == key for i in range(len(prepared) - n + 1) if prepared[i] == key[0])


class Glossary:
    """The terms of a publication, indexed for finding them in the messages of any language."""

    def __init__(self, terms: list[Term], digest: str = ""):
        self.terms = terms
        self.digest = digest  # of the file's text; "" when there is none
        self._matchers: dict[str, _Matcher] = {}
        self._indexes: dict[str, dict] = {}
        self._lengths: dict[str, dict] = {}
        #: What earlier runs found, by a hash of (language, text): unchanged messages are not matched
        #: again (``diglot update`` keeps it in build/.cache/glossary.json, with the glossary's digest).
        self.memo: dict[str, list[int]] = {}
        self.fresh: dict[str, list[int]] = {}  # what this process found that the memo lacked

    def __bool__(self) -> bool:
        return bool(self.terms)

    def matcher(self, lang: str) -> _Matcher:
        if lang not in self._matchers:
            self._matchers[lang] = _Matcher(lang)
        return self._matchers[lang]

    def _index(self, lang: str) -> dict:
        """First character (CJK) or first stem → [(term number, key)]: a text is scanned once, not once per term."""
        if lang not in self._indexes:
            matcher = self.matcher(lang)
            index: dict = {}
            for number, term in enumerate(self.terms):
                if lang in term.terms:
                    key = matcher.key(term.terms[lang])
                    if key:
                        index.setdefault(key[0], []).append((number, key))
            self._indexes[lang] = index
        return self._indexes[lang]

    def found(self, text: str, lang: str) -> list[Term]:
        """The entries whose ``lang`` term occurs in ``text``, in the glossary's order."""
        key = hashlib.blake2b(f"{lang}\0{text}".encode(), digest_size=10).hexdigest()
        numbers = self.memo.get(key)
        if numbers is None:
            numbers = self._find(text, lang)
            self.memo[key] = self.fresh[key] = numbers
        return [self.terms[n] for n in numbers]

    def _find(self, text: str, lang: str) -> list[int]:
        index = self._index(lang)
        if not index:
            return []
        prepared = self.matcher(lang).prepare(text)
        hits: set[int] = set()
        if isinstance(prepared, tuple):
            # Word languages: the text's n-grams of stems, for each term length, met in sets (no
            # Python loop over the words: a paragraph of a hundred words costs a few set operations).
            for length, keys in self._by_length(lang).items():
                grams = set(zip(*(prepared[i:] for i in range(length)))) if length > 1 else set(prepared)
                for key in keys.keys() & grams:
                    hits.update(keys[key])
        else:
            for i, first in enumerate(prepared):
                for number, key in index.get(first, ()):
                    if number not in hits and prepared[i : i + len(key)] == key:
                        hits.add(number)
        return sorted(hits)

    def _by_length(self, lang: str) -> dict[int, dict]:
        """Term length in words → {stems (a string for one word, a tuple for more) → [term numbers]}."""
        cached = self._lengths.get(lang)
        if cached is None:
            cached = {}
            for entries in self._index(lang).values():
                for number, key in entries:
                    gram = key[0] if len(key) == 1 else key
                    cached.setdefault(len(key), {}).setdefault(gram, []).append(number)
            self._lengths[lang] = cached
        return cached

    def has(self, text: str, phrase: str, lang: str) -> bool:
        """Whether ``phrase`` (a ``lang`` phrase) occurs in ``text``, inflected or not."""
        matcher = self.matcher(lang)
        return matcher.contains(matcher.prepare(text), matcher.key(phrase))

    def contains(self, prepared: tuple[str, ...] | str, phrase: str, lang: str) -> bool:
        """:meth:`has` on a text already made ready by ``matcher(lang).prepare``."""
        return self.matcher(lang).contains(prepared, self.matcher(lang).key(phrase))


def comment(term: Term, source_lang: str, target_lang: str) -> str:
    note = " ".join(term.note.split())
    line = f"{COMMENT}{term.terms[source_lang]} → {term.terms[target_lang]}"
    return f"{line} ({note})" if note else line


def annotate(glossary: Glossary, entries: list[pofile.Entry], source_lang: str, target_lang: str) -> None:
    """Add a ``glossary:`` extracted comment to each message for each term its source contains.

    Called on freshly merged entries, whose extracted comments come from the
    template: the comments are recomputed from the glossary every time, so
    they change exactly when the glossary or the message does.
    """
    if not glossary:
        return
    for entry in entries:
        if entry.obsolete:
            continue
        for term in glossary.found(entry.msgid, source_lang):
            if target_lang in term.terms:
                entry.comments.append(comment(term, source_lang, target_lang))


@dataclass(frozen=True)
class Finding:
    severity: str  # "warning": the approved rendering is missing; "error": a forbidden one is used
    term: Term
    message: str


def findings(glossary: Glossary, source: str, translation: str, source_lang: str, target_lang: str) -> list[Finding]:
    """What a translation of ``source`` does wrong with the glossary's terms."""
    result = []
    if not glossary:
        return result
    prepared = None
    for term in glossary.found(source, source_lang):
        approved = term.terms.get(target_lang)
        if approved is None:
            continue
        if prepared is None:
            prepared = glossary.matcher(target_lang).prepare(translation)
        original = term.terms[source_lang]
        bad = next((b for b in term.forbidden.get(target_lang, ()) if glossary.contains(prepared, b, target_lang)), None)
        if bad is not None:  # the error says what to write instead: no warning on top of it
            result.append(Finding("error", term, f"'{bad}' is a forbidden rendering of '{original}'; use '{approved}'"))
        elif not glossary.contains(prepared, approved, target_lang):
            result.append(Finding("warning", term, f"'{original}' should be translated as '{approved}' (glossary.yaml)"))
    return result


# --- reading -----------------------------------------------------------------------------


def read_glossary(root: Path, languages: list[str], problems: Problems) -> Glossary:
    """The publication's glossary (empty without ``glossary.yaml``); every fault is reported, located.

    ``languages`` are the edition languages (empty when periodical.yaml is
    broken: then the languages are not checked). Faulty entries are left out.
    """
    path = root / FILE
    if not path.is_file():
        return Glossary([])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        problems.error(Location(FILE, line, 1), f"not valid UTF-8 ({exc.reason}); save the file as UTF-8")
        return Glossary([])
    digest = hashlib.sha1(text.encode()).hexdigest()
    doc = Doc(FILE, problems)
    node = doc.compose(text)
    if node is None:  # empty, or a syntax error (reported)
        return Glossary([], digest)
    if not isinstance(node, yaml.SequenceNode):
        doc.error(node, f"glossary.yaml must be a list of entries such as '- {{zh_Hans: 创意经济, en: creative economy}}', not {kind(node)}")
        return Glossary([], digest)
    terms: list[Term] = []
    seen: dict[tuple[str, str], Location] = {}
    for item in node.value:
        term = _read_entry(doc, item, languages)
        if term is None:
            continue
        duplicate = False
        for lang, value in term.terms.items():
            key = (lang, _duplicate_key(value))
            where = term.where[lang]
            if key in seen:
                first = seen[key]
                problems.error(where, f"duplicate term '{value}' ({lang}): already at line {first.line}; merge the two entries")
                duplicate = True
            else:
                seen[key] = where
        if not duplicate:
            terms.append(term)
    return Glossary(terms, digest)


def _duplicate_key(value: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


def _read_entry(doc: Doc, node: yaml.Node, languages: list[str]) -> Term | None:
    what = "a glossary entry"
    if not isinstance(node, yaml.MappingNode):
        doc.error(node, f"{what} must be a mapping such as {{zh_Hans: 创意经济, en: creative economy}}, not {kind(node)}")
        return None
    entries = doc.mapping(node, what, any_keys=True)
    if entries is None:
        return None
    term = Term({}, doc.at(node))
    ok = True
    for key, (key_node, value_node) in entries.items():
        if key == "note":
            note = doc.string(value_node, "the note of a glossary entry")
            term.note = note or ""
            ok = ok and note is not None
        elif key == "forbidden":
            ok = _read_forbidden(doc, value_node, languages, term) and ok
        elif not _edition_language(doc, key_node, key, languages):
            ok = False
        else:
            value = doc.string(value_node, f"the '{key}' term of a glossary entry")
            if value is None:
                ok = False
            else:
                term.terms[key] = value
                term.where[key] = doc.at(value_node)
    if ok and len(term.terms) < 2:
        doc.error(node, f"{what} needs a term in at least two languages (it has {len(term.terms)}), e.g. {{zh_Hans: 创意经济, en: creative economy}}")
        ok = False
    for lang, renderings in term.forbidden.items():
        if lang in term.terms and _duplicate_key(term.terms[lang]) in {_duplicate_key(r) for r in renderings}:
            doc.error(entries["forbidden"][1], f"'{term.terms[lang]}' is both the approved and a forbidden rendering ({lang})")
            ok = False
    return term if ok else None


def _edition_language(doc: Doc, key_node: yaml.Node, key: str, languages: list[str]) -> bool:
    if languages and key not in languages:
        doc.error(key_node, unknown_message(f"'{key}' in a glossary entry is not an edition language (nor 'note' or 'forbidden')", key, [*languages, *_OPTIONAL]))
        return False
    problem = locales.check_language(key)
    if problem is not None:
        doc.error(key_node, problem)
        return False
    return True


def _read_forbidden(doc: Doc, node: yaml.Node, languages: list[str], term: Term) -> bool:
    example = "e.g. forbidden: {en: [cultural economy]}"
    if not isinstance(node, yaml.MappingNode):
        doc.error(node, f"'forbidden' must map languages to lists of renderings ({example}), not {kind(node)}")
        return False
    entries = doc.mapping(node, "'forbidden'", any_keys=True) or {}
    ok = True
    for key, (key_node, value_node) in entries.items():
        if not _edition_language(doc, key_node, key, languages):
            ok = False
            continue
        if not isinstance(value_node, yaml.SequenceNode):
            doc.error(value_node, f"the forbidden renderings in '{key}' must be a list ({example}), not {kind(value_node)}")
            ok = False
            continue
        renderings = doc.string_list(value_node, f"the forbidden renderings in '{key}'")
        if len(renderings) != len(value_node.value):
            ok = False
        term.forbidden[key] = [value for value, _ in renderings]
    return ok

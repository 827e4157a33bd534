"""Reading and writing gettext PO files, fast and strictly.

``parse(text)`` → :class:`Catalog` and ``dump(catalog)`` → text, in the
manner of Babel's ``read_po``/``write_po``. The parser accepts anything GNU
gettext writes, whatever the wrapping or header order (Poedit, msgcat,
msgmerge, Weblate), and rejects what ``msgfmt`` rejects, with the line and
column of the fault; it keeps every part of an entry (translator and
extracted comments, references, flags, previous msgid, obsolete entries).
The writer wraps like gettext does, at 79 columns after spaces, and is
deterministic: ``dump(parse(dump(c))) == dump(c)``.

polib does the same job but reads an unterminated string without complaint
and takes ~10 ms per 100 entries; this module takes about a tenth of that,
which matters when ``diglot update`` merges an archive of 20,000 messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

WIDTH = 79

_UNESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v", "?": "?", "'": "'"}
_UNESCAPE_RE = re.compile(r"\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\a": "\\a", "\b": "\\b", "\f": "\\f", "\v": "\\v"}
_ESCAPE_RE = re.compile(r'[\\"\n\t\r\a\b\f\v]')
_KEYWORDS = ("msgctxt", "msgid_plural", "msgid", "msgstr")
_PLURAL_RE = re.compile(r"msgstr\[(\d+)\]")


class PoSyntaxError(ValueError):
    """The file is not a PO file gettext could read; ``line``/``col`` are 1-based."""

    def __init__(self, line: int, col: int, message: str):
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.col = col
        self.message = message


@dataclass(slots=True)
class Entry:
    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    tcomments: list[str] = field(default_factory=list)  # "# " translator comments
    comments: list[str] = field(default_factory=list)  # "#." extracted comments
    references: list[str] = field(default_factory=list)  # "#:" references
    flags: list[str] = field(default_factory=list)  # "#," flags
    previous_msgctxt: str | None = None
    previous_msgid: str | None = None
    previous_msgid_plural: str | None = None
    obsolete: bool = False
    line: int = 0  # where the entry starts in the file it was read from
    msgstr_line: int = 0
    flags_line: int = 0

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def has_translation(self) -> bool:
        if self.msgid_plural is not None:
            return any(self.msgstr_plural.values())
        return bool(self.msgstr)

    @property
    def translated(self) -> bool:
        """Translated and usable: fuzzy and empty translations are not."""
        if self.fuzzy:
            return False
        if self.msgid_plural is not None:
            return bool(self.msgstr_plural) and all(self.msgstr_plural.values())
        return bool(self.msgstr)

    def translations(self) -> list[str]:
        if self.msgid_plural is not None:
            return [self.msgstr_plural[k] for k in sorted(self.msgstr_plural)]
        return [self.msgstr]

    def set_fuzzy(self, value: bool) -> None:
        if value and "fuzzy" not in self.flags:
            self.flags.insert(0, "fuzzy")
        elif not value and "fuzzy" in self.flags:
            self.flags.remove("fuzzy")


@dataclass
class Catalog:
    header_comments: list[str] = field(default_factory=list)  # raw comment lines above the header entry
    metadata: dict[str, str] = field(default_factory=dict)  # in file order
    header_flags: list[str] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)  # without the header entry
    has_header: bool = True
    lines: list[str] = field(default_factory=list, repr=False)  # the text it was read from, for locating problems

    def live(self) -> list[Entry]:
        return [e for e in self.entries if not e.obsolete]

    def index(self) -> dict[tuple[str | None, str], Entry]:
        return {e.key: e for e in self.entries if not e.obsolete}


# --- strings ------------------------------------------------------------------


def _unescape_match(match: re.Match) -> str:
    code = match[1]
    if code[0] == "x":
        return chr(int(code[1:], 16))
    if code[0] in "01234567":
        return chr(int(code, 8))
    return _UNESCAPES.get(code, "\0")


def unescape(text: str) -> str:
    if "\\" not in text:
        return text
    return _UNESCAPE_RE.sub(_unescape_match, text)


def escape(text: str) -> str:
    if not _ESCAPE_RE.search(text):
        return text
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m[0]], text)


def _string(line: str, start: int, number: int) -> str:
    """The quoted string starting at ``line[start]``, checked and unescaped."""
    end = len(line.rstrip())
    if start >= end or line[start] != '"':
        raise PoSyntaxError(number, start + 1, "expected a string in double quotes")
    if end - start < 2 or line[end - 1] != '"':
        raise PoSyntaxError(number, end + 1, "the string is not closed: a string must end with \" on the same line")
    body = line[start + 1 : end - 1]
    if '"' in body or "\\" in body:
        _check_body(body, number, start + 2)
    return unescape(body)


def _check_body(body: str, number: int, col: int) -> None:
    i = 0
    n = len(body)
    while i < n:
        ch = body[i]
        if ch == "\\":
            if i + 1 >= n:
                raise PoSyntaxError(number, col + i, "a backslash at the end of a string")
            nxt = body[i + 1]
            if nxt not in _UNESCAPES and nxt not in "x01234567":
                raise PoSyntaxError(number, col + i, f"invalid escape sequence '\\{nxt}'")
            i += 2
            continue
        if ch == '"':
            raise PoSyntaxError(number, col + i, 'a quote inside a string must be escaped as \\"')
        i += 1


# --- reading --------------------------------------------------------------------


class _Builder:
    """Collects the parts of one entry while its lines are read."""

    __slots__ = ("entry", "field", "parts", "plural_index", "state", "started")

    def __init__(self):
        self.entry = Entry(msgid="")
        self.field: str | None = None  # the field that continuation strings extend
        self.parts: list[str] = []  # that field's strings so far
        self.plural_index = 0
        self.state: str | None = None  # last keyword seen
        self.started = False

    def open(self, name: str, value: str, index: int = 0) -> None:
        """Start collecting field ``name`` (after storing the one collected so far)."""
        self.flush()
        self.field = name
        self.parts = [value]
        self.plural_index = index

    def flush(self) -> None:
        if self.field is None:
            return
        value = "".join(self.parts) if len(self.parts) > 1 else self.parts[0]
        if self.field == "msgstr[]":
            self.entry.msgstr_plural[self.plural_index] = value
        else:
            setattr(self.entry, self.field, value)
        self.field = None
        self.parts = []


_NEXT = {
    None: ("msgctxt", "msgid"),
    "msgctxt": ("msgid",),
    "msgid": ("msgid_plural", "msgstr"),
    "msgid_plural": ("msgstr[]",),
    "msgstr": (),
    "msgstr[]": ("msgstr[]",),
}


def parse(text: str) -> Catalog:
    """A catalog from the text of a .po or .pot file; raises :class:`PoSyntaxError`."""
    if text.startswith("\ufeff"):
        text = text[1:]
    catalog = Catalog()
    entries: list[Entry] = []
    current = _Builder()

    def finish(number: int) -> None:
        nonlocal current
        current.flush()
        if current.started:
            if current.state in ("msgctxt", "msgid", "msgid_plural"):
                raise PoSyntaxError(number, 1, "this entry has no msgstr")
            entries.append(current.entry)
        current = _Builder()

    lines = text.split("\n")
    for number, raw in enumerate(lines, start=1):
        line = raw[:-1] if raw.endswith("\r") else raw
        if not line:
            if current.state in ("msgstr", "msgstr[]"):
                finish(number)
            continue
        first = line[0]
        if first == "#":
            second = line[1:2]
            if second == "~":
                rest = line[2:].lstrip(" ")
                if rest.startswith("|"):
                    if current.state in ("msgstr", "msgstr[]"):
                        finish(number)
                    current.started = True
                    current.entry.obsolete = True
                    _previous(current, rest[1:].lstrip(" "), number, line)
                    continue
                if not rest:
                    continue
                if current.state in ("msgstr", "msgstr[]") and (rest.startswith("msgid") or rest.startswith("msgctxt") or not current.entry.obsolete):
                    finish(number)
                current.started = True
                current.entry.obsolete = True
                _keyword_line(current, rest, number, len(line) - len(rest), finish)
                continue
            if current.state in ("msgstr", "msgstr[]"):
                finish(number)
            current.started = True
            if second == ".":
                current.entry.comments.append(line[2:].strip())
            elif second == ":":
                current.entry.references.extend(line[2:].split())
            elif second == ",":
                current.entry.flags.extend(f.strip() for f in line[2:].split(",") if f.strip())
                current.entry.flags_line = number
            elif second == "|":
                _previous(current, line[2:].lstrip(" "), number, line)
            else:
                current.entry.tcomments.append(line[2:] if line[1:2] == " " else line[1:])
            continue
        if first == '"':
            if current.field is None:
                raise PoSyntaxError(number, 1, "a string continues nothing: it must follow msgid, msgstr or another string")
            body = line[1:-1]
            if line[-1] == '"' and len(line) > 1 and '"' not in body and "\\" not in body:
                current.parts.append(body)  # the common case, checked cheaply
            else:
                current.parts.append(_string(line, 0, number))
            continue
        if first in " \t":
            stripped = line.lstrip(" \t")
            if not stripped:
                continue
            if stripped[0] != '"':
                raise PoSyntaxError(number, len(line) - len(stripped) + 1, f"unexpected '{stripped.split()[0][:20]}'")
            if current.field is None:
                raise PoSyntaxError(number, 1, "a string continues nothing: it must follow msgid, msgstr or another string")
            current.parts.append(_string(line, len(line) - len(stripped), number))
            continue
        if current.state in ("msgstr", "msgstr[]") and (line.startswith("msgid") or line.startswith("msgctxt")):
            finish(number)
        current.started = True
        _keyword_line(current, line, number, 0, finish)
    finish(len(lines))

    if entries and entries[0].msgid == "" and entries[0].msgctxt is None and not entries[0].obsolete:
        header = entries.pop(0)
        catalog.header_comments = [("# " + c if c else "#") for c in header.tcomments]
        catalog.header_flags = header.flags
        catalog.metadata = _metadata(header.msgstr)
    else:
        catalog.has_header = False
    catalog.entries = entries
    catalog.lines = lines
    return catalog


def _keyword_line(current: _Builder, line: str, number: int, offset: int, finish) -> None:
    space = line.find(" ")
    tab = line.find("\t")
    cut = min(x for x in (space, tab, len(line)) if x >= 0)
    word = line[:cut]
    rest_start = cut
    while rest_start < len(line) and line[rest_start] in " \t":
        rest_start += 1
    if word.startswith("msgstr["):
        match = _PLURAL_RE.fullmatch(word)
        if not match:
            raise PoSyntaxError(number, offset + 1, f"malformed keyword '{word[:20]}'")
        kind = "msgstr[]"
    elif word in _KEYWORDS:
        kind = word
    else:
        raise PoSyntaxError(number, offset + 1, f"unexpected '{word[:20]}': expected msgid, msgstr, a quoted string or a # comment")
    if kind not in _NEXT[current.state]:
        expected = " or ".join(k.replace("[]", "[N]") for k in _NEXT[current.state]) or "a new entry"
        raise PoSyntaxError(number, offset + 1, f"'{word}' here: expected {expected}")
    value = _string(line, rest_start, number) if rest_start < len(line) else None
    if value is None:
        raise PoSyntaxError(number, offset + len(line) + 1, f"'{word}' needs a string in double quotes")
    entry = current.entry
    current.state = kind
    if kind == "msgstr[]":
        if not entry.msgstr_line:
            entry.msgstr_line = number
        current.open("msgstr[]", value, int(match[1]))
        return
    if kind in ("msgid", "msgctxt") and not entry.line:
        entry.line = number
    if kind == "msgstr":
        entry.msgstr_line = number
    current.open(kind, value)


def _previous(current: _Builder, rest: str, number: int, line: str) -> None:
    current.started = True
    offset = len(line) - len(rest)
    if rest.startswith('"'):
        if not current.field or not current.field.startswith("previous_"):
            raise PoSyntaxError(number, offset + 1, "a previous (#|) string continues nothing")
        current.parts.append(_string(line, offset, number))
        return
    word, _, _ = rest.partition(" ")
    if word not in ("msgctxt", "msgid", "msgid_plural"):
        raise PoSyntaxError(number, offset + 1, f"unexpected '{word[:20]}' in a previous (#|) line")
    start = line.find('"', offset)
    if start < 0:
        raise PoSyntaxError(number, len(line) + 1, f"'#| {word}' needs a string in double quotes")
    current.open(f"previous_{word}", _string(line, start, number))


def _metadata(text: str) -> dict[str, str]:
    metadata: dict[str, str] = {}
    for line in text.split("\n"):
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        if sep:
            metadata[key.strip()] = value.strip()
    return metadata


# --- writing ------------------------------------------------------------------------


def _field(prefix: str, keyword: str, value: str, out: list[str]) -> None:
    """``keyword "value"``, wrapped the way gettext wraps: after spaces and newlines, at 79 columns."""
    escaped = escape(value)
    single = f'{prefix}{keyword} "{escaped}"'
    if len(single) <= WIDTH and "\\n" not in escaped[:-2]:
        out.append(single)
        return
    out.append(f'{prefix}{keyword} ""')
    for piece in _pieces(escaped, WIDTH - len(prefix) - 2):
        out.append(f'{prefix}"{piece}"')


_WRAPPERS: dict[int, re.Pattern] = {}


def _pieces(escaped: str, limit: int) -> list[str]:
    """Split an escaped string into lines of at most ``limit`` characters.

    Lines break after a newline escape always, and after a space when the line
    would otherwise be too long; a run without spaces (Chinese text, a URL)
    is never cut.
    """
    wrapper = _WRAPPERS.get(limit)
    if wrapper is None:
        # the rest if it fits; else the longest start ending in a space; else one long word and its spaces
        wrapper = _WRAPPERS[limit] = re.compile(r".{1,%d}$|.{0,%d} |[^ ]+ *" % (limit, limit - 1))
    if "\\n" not in escaped:
        return wrapper.findall(escaped)
    pieces: list[str] = []
    for segment in _split_newlines(escaped):
        pieces.extend(wrapper.findall(segment) if len(segment) > limit else [segment])
    return pieces


def _split_newlines(escaped: str) -> list[str]:
    parts = escaped.split("\\n")
    out = [p + "\\n" for p in parts[:-1]]
    if parts[-1]:
        out.append(parts[-1])
    return out


def _comment_lines(entry: Entry, out: list[str]) -> None:
    for comment in entry.tcomments:
        out.append(f"# {comment}" if comment else "#")
    for comment in entry.comments:
        out.append(f"#. {comment}" if comment else "#.")
    if entry.references:
        line = "#:"
        for ref in entry.references:
            if len(line) > 2 and len(line) + 1 + len(ref) > WIDTH:
                out.append(line)
                line = "#:"
            line += " " + ref
        out.append(line)
    if entry.flags:
        out.append("#, " + ", ".join(entry.flags))


def _entry_lines(entry: Entry, out: list[str]) -> None:
    prefix = "#~ " if entry.obsolete else ""
    _comment_lines(entry, out)
    previous = "#~| " if entry.obsolete else "#| "
    if entry.previous_msgctxt is not None:
        _field(previous, "msgctxt", entry.previous_msgctxt, out)
    if entry.previous_msgid is not None:
        _field(previous, "msgid", entry.previous_msgid, out)
    if entry.previous_msgid_plural is not None:
        _field(previous, "msgid_plural", entry.previous_msgid_plural, out)
    if entry.msgctxt is not None:
        _field(prefix, "msgctxt", entry.msgctxt, out)
    _field(prefix, "msgid", entry.msgid, out)
    if entry.msgid_plural is not None:
        _field(prefix, "msgid_plural", entry.msgid_plural, out)
        for index in sorted(entry.msgstr_plural) or [0]:
            _field(prefix, f"msgstr[{index}]", entry.msgstr_plural.get(index, ""), out)
    else:
        _field(prefix, "msgstr", entry.msgstr, out)


def dump(catalog: Catalog) -> str:
    """The catalog as PO text: header, live entries in their order, then obsolete ones."""
    out: list[str] = []
    if catalog.has_header:
        out.extend(catalog.header_comments)
        if catalog.header_flags:
            out.append("#, " + ", ".join(catalog.header_flags))
        out.append('msgid ""')
        out.append('msgstr ""')
        for key, value in catalog.metadata.items():
            out.append(f'"{escape(f"{key}: {value}")}\\n"')
        out.append("")
    live = [e for e in catalog.entries if not e.obsolete]
    dead = [e for e in catalog.entries if e.obsolete]
    for entry in live + dead:
        _entry_lines(entry, out)
        out.append("")
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"

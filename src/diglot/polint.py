"""A strict line check of gettext PO syntax.

polib is lenient: it reads an unterminated string or a bare word after
``msgstr`` without complaint (and silently alters the text), where GNU
msgfmt rejects the file. Catalogs are checked with this first, so that a
broken catalog is reported at its line and never rewritten from a misreading.
"""

from __future__ import annotations

import re

_STRING = r'"(?:[^"\\]|\\.)*"'
_KEYWORD = re.compile(rf"^(msgctxt|msgid|msgid_plural|msgstr|msgstr\[(\d+)\])[ \t]+({_STRING})[ \t]*$")
_CONTINUATION = re.compile(rf"^{_STRING}[ \t]*$")
_PREVIOUS = re.compile(rf"^(msgctxt|msgid|msgid_plural)[ \t]+{_STRING}[ \t]*$|^{_STRING}[ \t]*$")
_ESCAPE = re.compile(r'\\(.)')
_VALID_ESCAPES = set('ntrabfv"\\\'01234567x?')

# what may follow each keyword within one entry
_NEXT = {
    None: {"msgctxt", "msgid"},
    "msgctxt": {"msgid"},
    "msgid": {"msgstr", "msgid_plural"},
    "msgid_plural": {"msgstr[]"},
    "msgstr": {"msgctxt", "msgid"},
    "msgstr[]": {"msgstr[]", "msgctxt", "msgid"},
}


def lint(text: str) -> list[tuple[int, int, str]]:
    """Syntax problems as (line, column, message), 1-based; empty when msgfmt would parse it."""
    problems: list[tuple[int, int, str]] = []
    states = {False: None, True: None}  # live entries and obsolete (#~) entries are checked apart
    last_line = {False: 0, True: 0}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r")
        obsolete = False
        if line.startswith("#~"):
            obsolete = True
            line = line[2:].lstrip(" ")
            if line.startswith("|"):
                continue  # previous msgid of an obsolete entry
        elif line.startswith("#|"):
            if not _PREVIOUS.match(line[2:].strip()):
                problems.append((number, 1, "malformed previous message (#|): expected #| msgid \"...\""))
            continue
        elif line.startswith("#") or not line.strip():
            continue
        if _CONTINUATION.match(line.strip()):
            if states[obsolete] is None:
                problems.append((number, 1, "a string continues nothing: it must follow msgid, msgstr or another string"))
            problems.extend(_escapes(number, line))
            continue
        match = _KEYWORD.match(line.strip())
        if not match:
            word = line.strip().split(" ", 1)[0]
            keyword = re.match(r"^(msgctxt|msgid|msgid_plural|msgstr)(\[\d+\])?$", word)
            if word.startswith('"') or keyword:
                problems.append((number, 1, "malformed string: a string must be one line in double quotes, ending with \""))
                if keyword:  # go on as if the string were well formed, to report only this line
                    states[obsolete] = "msgstr[]" if keyword[2] else keyword[1]
            else:
                problems.append((number, 1, f"unexpected '{word[:20]}': expected msgid, msgstr, a quoted string or a # comment"))
            continue
        keyword = "msgstr[]" if match[2] is not None else match[1]
        state = states[obsolete]
        if keyword not in _NEXT[state]:
            expected = " or ".join(sorted(k.replace("[]", "[N]") for k in _NEXT[state]))
            problems.append((number, 1, f"'{match[1]}' here: expected {expected}"))
        states[obsolete] = keyword
        last_line[obsolete] = number
        problems.extend(_escapes(number, line))
    for obsolete, state in states.items():
        if state in ("msgctxt", "msgid", "msgid_plural"):
            problems.append((last_line[obsolete], 1, "the last entry has no msgstr"))
    return problems


def _escapes(number: int, line: str) -> list[tuple[int, int, str]]:
    found = []
    for match in _ESCAPE.finditer(line):
        if match[1] not in _VALID_ESCAPES:
            found.append((number, match.start() + 1, f"invalid escape sequence '\\{match[1]}'"))
    return found

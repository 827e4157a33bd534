"""YAML read as nodes, so that every value keeps its line and column.

PyYAML's composer gives us nodes with marks; this module turns them into
checked Python values while collecting located problems, the way a compiler
front end would. Nothing here raises for bad input: it reports and returns
``None`` so the reader can go on and find the next problem.
"""

from __future__ import annotations

import difflib
from typing import Iterable

import yaml

from ..errors import Location, Problems

_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Doc:
    """One YAML document of a file, with the problems found while reading it."""

    def __init__(self, rel: str, problems: Problems, line_offset: int = 0):
        self.rel = rel
        self.problems = problems
        self.line_offset = line_offset

    def compose(self, text: str) -> yaml.Node | None:
        try:
            # libyaml when available: ten times faster; its error messages differ,
            # so a file that fails is read again by the pure-Python parser below.
            return yaml.compose(text, Loader=_FAST_LOADER)
        except yaml.YAMLError:
            pass
        try:
            return yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = self.at_mark(mark) if mark else Location(self.rel)
            problem = exc.problem or exc.context or "invalid YAML"
            self.problems.error(where, f"YAML syntax error: {problem}")
        except yaml.YAMLError as exc:
            self.problems.error(Location(self.rel, self.line_offset + 1), f"YAML error: {exc}")
        return None

    def at_mark(self, mark: yaml.Mark) -> Location:
        return Location(self.rel, mark.line + 1 + self.line_offset, mark.column + 1)

    def at(self, node: yaml.Node) -> Location:
        return self.at_mark(node.start_mark)

    def error(self, node: yaml.Node, message: str) -> None:
        self.problems.error(self.at(node), message)

    def warning(self, node: yaml.Node, message: str) -> None:
        self.problems.warning(self.at(node), message)

    # --- shapes -----------------------------------------------------------

    def mapping(
        self,
        node: yaml.Node,
        what: str,
        *,
        required: Iterable[str] = (),
        optional: Iterable[str] = (),
        any_keys: bool = False,
    ) -> dict[str, tuple[yaml.Node, yaml.Node]] | None:
        """Check that ``node`` is a mapping with known keys; return key → (key node, value node).

        Unknown keys are reported with the closest known key; missing required
        keys are reported at the mapping itself (where the fix goes).
        """
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{what} must be a mapping (key: value), not {kind(node)}")
            return None
        required = list(required)
        known = required + list(optional)
        result: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.error(key_node, f"keys of {what} must be plain strings")
                continue
            key = key_node.value
            if key in result:
                self.error(key_node, f"duplicate key '{key}' in {what}")
                continue
            if not any_keys and key not in known:
                self.error(key_node, unknown_message(f"unknown key '{key}' in {what}", key, known))
                continue
            result[key] = (key_node, value_node)
        for key in required:
            if key not in result:
                self.error(node, f"{what} lacks the required key '{key}'")
        return result

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node] | None:
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, f"{what} must be a list, not {kind(node)}")
            return None
        return list(node.value)

    def string(self, node: yaml.Node, what: str, *, allow_empty: bool = False) -> str | None:
        if not isinstance(node, yaml.ScalarNode) or node.tag == "tag:yaml.org,2002:null":
            self.error(node, f"{what} must be a string, not {kind(node)}")
            return None
        value = node.value.strip()
        if not value and not allow_empty:
            self.error(node, f"{what} must not be empty")
            return None
        return value

    def integer(self, node: yaml.Node, what: str) -> int | None:
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:int":
            try:
                return int(node.value.replace("_", ""), 0) if not node.value.isdigit() else int(node.value)
            except ValueError:
                pass
        self.error(node, f"{what} must be a whole number, not {describe(node)}")
        return None

    def string_list(self, node: yaml.Node, what: str) -> list[tuple[str, yaml.Node]]:
        items = self.sequence(node, what)
        if items is None:
            return []
        result = []
        for item in items:
            value = self.string(item, f"each entry of {what}")
            if value is not None:
                result.append((value, item))
        return result


def unknown_message(message: str, key: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    if close:
        return f"{message}; did you mean '{close[0]}'?"
    known = sorted(known)
    if known:
        return f"{message}; expected one of: {', '.join(known)}"
    return message


def kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == "tag:yaml.org,2002:null":
        return "empty"
    return f"'{node.value}'"


def describe(node: yaml.Node) -> str:
    return kind(node)

"""Problems found in a publication, each with the place where the fix goes.

Every problem prints as ``path:line:col: error: message`` with ``path``
relative to the publication root. Readers collect problems in a
:class:`Problems` list and keep going, so that one run reports every fault;
commands abort once at the end (see ``Problems.raise_if_errors``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file: ``path`` is '/'-separated and relative to the root.

    ``line`` and ``col`` are 1-based; 0 means "the whole file" / "the line".
    """

    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        # A located problem always prints path:line:col (column 1 when the
        # whole line is meant); a folder or a whole edition prints its path alone.
        if not self.line:
            return self.path
        return f"{self.path}:{self.line}:{self.col or 1}"


@dataclass(frozen=True)
class Problem:
    location: Location
    message: str
    severity: str = "error"  # or "warning"

    def __str__(self) -> str:
        return f"{self.location}: {self.severity}: {self.message}"


class DiglotError(Exception):
    """One located problem that stops the current operation."""

    def __init__(self, location: Location | None, message: str):
        super().__init__(message)
        self.location = location
        self.message = message

    def __str__(self) -> str:
        if self.location is None:
            return f"error: {self.message}"
        return f"{self.location}: error: {self.message}"


class ProblemsFound(Exception):
    """Raised once, after every problem of a run has been collected."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = sum(1 for p in problems if p.severity == "error")
        super().__init__(f"aborted with {errors} error{'s' if errors != 1 else ''}")


@dataclass
class Problems:
    """An ordered collection of problems; duplicates are kept once."""

    items: list[Problem] = field(default_factory=list)

    def error(self, location: Location, message: str) -> None:
        self._add(Problem(location, message, "error"))

    def warning(self, location: Location, message: str) -> None:
        self._add(Problem(location, message, "warning"))

    def _add(self, problem: Problem) -> None:
        if problem not in self.items:
            self.items.append(problem)

    def extend(self, other: "Problems") -> None:
        for problem in other.items:
            self._add(problem)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def raise_if_errors(self) -> None:
        if self.errors:
            raise ProblemsFound(list(self.items))

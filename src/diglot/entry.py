"""The ``diglot`` command's entry point, with a fast path for a build that has nothing to do.

A no-change ``diglot build`` is answered from file stats (see
:mod:`diglot.build.cache`) before the command-line library and the renderers
are even imported; anything unusual on the command line goes to the full
click interface in :mod:`diglot.cli`.
"""

from __future__ import annotations

import sys
from pathlib import Path

_VALUE_OPTIONS = {
    "--format": "formats",
    "--out": "out",
    "-l": "lang",
    "--lang": "lang",
    "--pdf-variant": "pdf_variant",
    "--parallel-layout": "parallel_layout",
    "-j": "jobs",  # the output is the same for any number of jobs: not part of the key
    "--jobs": "jobs",
}


def _noop_build(argv: list[str]) -> bool:
    """True when ``argv`` is a plain ``build`` whose inputs and outputs are unchanged (and says so)."""
    root = None
    i = 0
    while i < len(argv) and argv[i] != "build":
        if argv[i] == "--root" and i + 1 < len(argv):
            root = Path(argv[i + 1])
            i += 2
        elif argv[i] in ("-q", "--quiet"):
            i += 1
        else:
            return False
    if i == len(argv):
        return False
    from .build.cache import DEFAULT_FORMATS, FORMATS, PARALLEL_LAYOUTS, PDF_VARIANTS, State, options_key

    options = {"formats": DEFAULT_FORMATS, "out": None, "lang": [], "pdf_variant": None, "parallel_layout": None, "draft": False, "issues": [], "jobs": None}
    i += 1
    while i < len(argv):
        token = argv[i]
        if token in _VALUE_OPTIONS and i + 1 < len(argv):
            key = _VALUE_OPTIONS[token]
            if key == "lang":
                options["lang"].append(argv[i + 1])
            else:
                options[key] = argv[i + 1]
            i += 2
        elif token == "--draft":
            options["draft"] = True
            i += 1
        elif not token.startswith("-"):
            options["issues"].append(token)
            i += 1
        else:
            return False
    formats = tuple(f.strip() for f in str(options["formats"]).split(",") if f.strip())
    if not formats or any(f not in FORMATS for f in formats):
        return False
    if options["pdf_variant"] not in (None, *PDF_VARIANTS) or options["parallel_layout"] not in (None, *PARALLEL_LAYOUTS):
        return False
    if options["jobs"] is not None and not (str(options["jobs"]).isdigit() and int(options["jobs"]) >= 1):
        return False  # let the command line say what is wrong
    if root is None:
        start = Path.cwd().resolve()
        root = next((f for f in (start, *start.parents) if (f / "periodical.yaml").is_file()), None)
        if root is None:
            return False
    elif not (root / "periodical.yaml").is_file():
        return False
    root = root.resolve()
    out = Path(options["out"]) if options["out"] else root / "build"
    key = options_key(options["issues"], options["lang"], formats, options["draft"], options["pdf_variant"], options["parallel_layout"])
    if not State(root, out, key).fresh():
        return False
    print("nothing changed since the last build: sources, catalogs, templates and output are as it left them")
    return True


def main() -> None:
    if _noop_build(sys.argv[1:]):
        return
    from .cli import main as cli_main

    cli_main()

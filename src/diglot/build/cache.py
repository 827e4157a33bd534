"""Skip a build whose inputs and outputs are exactly as the last build left them.

Only file names, sizes and modification times are compared (no parsing, no
heavy imports), so "nothing changed" is answered in a fraction of the time
of a build. Any change to a source, catalog, template or option, or to the
output itself, means a full build; deleting build/.cache/ is always safe.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from .. import __version__

CACHE = "build/.cache/build.json"
FORMATS = ("html", "pdf", "parallel")
DEFAULT_FORMATS = ",".join(FORMATS)
PDF_VARIANTS = ("pdf/a-3b", "pdf/ua-1", "pdf/x-4", "pdf/x-1a")
PARALLEL_LAYOUTS = ("columns", "facing")
# print.output_intent, found without reading the YAML (block or flow style): the profile is an input of press files.
_OUTPUT_INTENT = re.compile(r"""\boutput_intent:[ \t]*(?:'([^'\n]+)'|"([^"\n]+)"|([^,}#\s]+))""")


def options_key(issues, languages, formats, draft: bool, pdf_variant: str | None, parallel_layout: str | None) -> dict:
    """The build options that make two builds the same (the command line and its fast path agree on it)."""
    return {
        "issues": sorted(issues),
        "lang": sorted(languages),
        "formats": sorted(formats),
        "draft": draft,
        "pdf_variant": pdf_variant,
        "parallel_layout": parallel_layout,
    }


def _walk(folder: Path, root: Path, out: list) -> None:
    if not folder.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = os.path.join(dirpath, name)
            info = os.stat(path)
            out.append([os.path.relpath(path, root), info.st_mtime_ns, info.st_size])


def inputs(root: Path) -> list:
    from ..theme import builtin_templates

    found: list = []
    config = root / "periodical.yaml"
    if config.is_file():
        info = config.stat()
        found.append(["periodical.yaml", info.st_mtime_ns, info.st_size])
        match = _OUTPUT_INTENT.search(config.read_text(encoding="utf-8", errors="replace"))
        profile = next((group for group in match.groups() if group), None) if match else None
        if profile and (root / profile).is_file():
            info = (root / profile).stat()
            found.append([profile, info.st_mtime_ns, info.st_size])
    for name in ("issues", "locale", "templates"):
        _walk(root / name, root, found)
    builtin = builtin_templates()
    if builtin.resolve() != (root / "templates").resolve():
        _walk(builtin, builtin, found)
    # diglot's own code: a build after changing it is a build, not "nothing changed".
    package = Path(__file__).resolve().parent.parent
    _walk(package, package, found)
    return found


def outputs(out: Path) -> list:
    found: list = []
    for name in ("site", "pdf"):
        folder = out / name
        if folder.exists():
            info = folder.stat()
            found.append([name, info.st_mtime_ns])
            if name == "pdf":
                _walk(folder, out, found)
    return found


class State:
    def __init__(self, root: Path, out: Path, options: dict):
        self.root = root
        self.out = out
        self.key = json.dumps([__version__, options, str(out)], sort_keys=True)

    def _load(self) -> dict:
        try:
            return json.loads((self.root / CACHE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def fresh(self) -> bool:
        data = self._load()
        return (
            data.get("key") == self.key
            and data.get("inputs") == inputs(self.root)
            and data.get("outputs") == outputs(self.out)
            and bool(data.get("outputs"))
        )

    def save(self) -> None:
        from ..fsutil import atomic_write

        data = {"key": self.key, "inputs": inputs(self.root), "outputs": outputs(self.out)}
        atomic_write(self.root / CACHE, json.dumps(data))

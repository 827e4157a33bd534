"""What each output is made of: a key per PDF from exactly the inputs that shape it.

A print PDF of one issue in one language is shaped by that issue's folder
(manifest, articles, pictures), the catalogs of its language for that issue,
the periodical's catalog and settings, the theme (templates, CSS, theme
catalogs), the fonts installed, the printer's profile, the build options and
diglot's own code. Change any of them and the key changes; change another
issue or another language and it does not, so that PDF is neither rendered
nor written again.

Files are hashed by content, remembered by (size, mtime) in
``build/.cache/hashes.json`` so that an unchanged file is not read twice.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from ..fsutil import atomic_write
from ..theme import builtin_catalog, template_dirs

HASHES = "build/.cache/hashes.json"
OUTPUTS = "build/.cache/outputs.json"
_PACKAGE = Path(__file__).resolve().parent.parent
_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", os.path.expanduser("~/.fonts"), os.path.expanduser("~/.local/share/fonts"))


class Hasher:
    """Content hashes of files, cached by size and modification time."""

    def __init__(self, root: Path):
        self.root = root
        try:
            self.cache: dict = json.loads((root / HASHES).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.cache = {}
        self.changed = False

    def file(self, path: Path) -> str:
        try:
            info = path.stat()
        except OSError:
            return "missing"
        key = str(path)
        stamp = [info.st_size, info.st_mtime_ns]
        known = self.cache.get(key)
        if known and known[0] == stamp:
            return known[1]
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        self.cache[key] = [stamp, digest]
        self.changed = True
        return digest

    def tree(self, folder: Path) -> str:
        """One hash of every file below ``folder`` (names and contents), in a sorted walk."""
        digest = hashlib.sha256()
        if folder.is_dir():
            for dirpath, dirnames, filenames in os.walk(folder):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
                for name in sorted(filenames):
                    if name.startswith("."):
                        continue
                    path = Path(dirpath) / name
                    digest.update(f"{path.relative_to(folder).as_posix()}\0{self.file(path)}\n".encode())
        return digest.hexdigest()

    def save(self) -> None:
        if self.changed:
            atomic_write(self.root / HASHES, json.dumps(self.cache, sort_keys=True))


def code() -> str:
    """diglot's own code: every source file of the package, not just its version number."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*.py")):
        if "__pycache__" not in path.parts:
            digest.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def fonts() -> str:
    """The fonts installed (names, sizes and dates): a new or updated font can change every PDF."""
    digest = hashlib.sha256()
    for folder in _FONT_DIRS:
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames.sort()
            for name in sorted(filenames):
                try:
                    info = os.stat(os.path.join(dirpath, name))
                except OSError:
                    continue
                digest.update(f"{dirpath}/{name}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


class Keys:
    """The keys of one build's PDFs."""

    def __init__(self, root: Path, periodical, options: dict):
        self.root = root
        self.hasher = Hasher(root)
        shared = hashlib.sha256()
        shared.update(json.dumps(options, sort_keys=True).encode())
        shared.update(code().encode())
        shared.update(fonts().encode())
        shared.update(self.hasher.file(root / "periodical.yaml").encode())
        for folder in template_dirs(root):
            shared.update(self.hasher.tree(folder).encode())
        intent = getattr(periodical.print, "output_intent", None)
        if intent:
            shared.update(self.hasher.file(root / intent).encode())
        self.shared = shared.hexdigest()

    def _language(self, lang: str, issue_id: str) -> str:
        locale = self.root / "locale" / lang / "LC_MESSAGES"
        parts = [
            self.hasher.file(locale / "periodical.po"),
            self.hasher.file(locale / "theme.po"),
            self.hasher.file(builtin_catalog(lang)) if builtin_catalog(lang) else "",
            self.hasher.tree(locale / issue_id),
        ]
        return lang + ":" + ",".join(parts)

    def pdf(self, issue_id: str, langs: list[str], kind: str) -> str:
        """The key of one PDF: ``kind`` is ``print`` (one language) or ``parallel`` (its two)."""
        digest = hashlib.sha256()
        digest.update(f"{kind}\0{issue_id}\0{self.shared}\0".encode())
        digest.update(self.hasher.tree(self.root / "issues" / issue_id).encode())
        for lang in langs:
            digest.update(self._language(lang, issue_id).encode())
        return digest.hexdigest()


def load_outputs(root: Path) -> dict:
    """What the last builds wrote: output path → {key, problems}."""
    try:
        return json.loads((root / OUTPUTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def save_outputs(root: Path, outputs: dict) -> None:
    atomic_write(root / OUTPUTS, json.dumps(outputs, sort_keys=True, ensure_ascii=False))

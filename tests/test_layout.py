"""The package's folders are the pipeline's stages, and imports only run down the pipeline.

read (source) → translate (catalog) → render → build → the commands. A module
may import from its own stage and from earlier ones, never from a later one:
the source stage knows nothing of catalogs, a renderer nothing of the build.
The shared helpers at the top (errors, files, locales, the theme's location)
come before every stage.
"""

from __future__ import annotations

import ast
from pathlib import Path

import diglot

PACKAGE = Path(diglot.__file__).resolve().parent

# In pipeline order; a module's stage is its subpackage, or one of these top-level names.
STAGES = ["shared", "source", "catalog", "render", "build", "commands"]
TOP_LEVEL = {
    "diglot": "shared",
    "diglot.errors": "shared",
    "diglot.fsutil": "shared",
    "diglot.locales": "shared",
    "diglot.theme": "shared",
    "diglot.cli": "commands",
    "diglot.entry": "commands",
    "diglot.serve": "commands",
    "diglot.doctor": "commands",
    "diglot.scaffold": "commands",
}
# The output formats are siblings: each takes the shared edition and templating modules, never another format.
RENDERERS = {"diglot.render.web", "diglot.render.pdf"}


def stage_of(module: str) -> str | None:
    if module in TOP_LEVEL:
        return TOP_LEVEL[module]
    parts = module.split(".")
    if len(parts) >= 2 and parts[1] in STAGES:
        return parts[1]
    return None


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(module: str, source: str, is_package: bool = False) -> list[tuple[int, str]]:
    """Every diglot module that ``source`` imports, at module level or inside functions: (line, module)."""
    found = []
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "diglot"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "diglot":
                continue
            for alias in node.names:  # `from . import markdown` imports a module, `from .x import f` a name
                candidate = f"{target}.{alias.name}"
                found.append((node.lineno, candidate if _is_module(candidate) else target))
    return found


def _is_module(name: str) -> bool:
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def violations(module: str, source: str, is_package: bool = False) -> list[str]:
    own = stage_of(module)
    found = []
    for line, target in imported(module, source, is_package):
        theirs = stage_of(target)
        if theirs is None:
            found.append(f"{module}:{line}: imports {target}, which belongs to no stage")
        elif STAGES.index(theirs) > STAGES.index(own):
            found.append(f"{module}:{line}: the {own} stage imports {target} from the later {theirs} stage")
        elif module in RENDERERS and target in RENDERERS and target != module:
            found.append(f"{module}:{line}: renderer imports another renderer, {target}")
    return found


def modules() -> list[tuple[str, Path]]:
    return [(module_name(p), p) for p in sorted(PACKAGE.rglob("*.py")) if "theme" not in p.relative_to(PACKAGE).parts[:1] or p.name == "theme.py"]


def test_every_module_has_a_stage():
    lost = [name for name, _ in modules() if stage_of(name) is None]
    assert not lost, f"modules outside the pipeline's stages (put them in a subpackage, or list them in TOP_LEVEL): {lost}"


def test_imports_run_down_the_pipeline():
    found = []
    for name, path in modules():
        found += violations(name, path.read_text(encoding="utf-8"), path.name == "__init__.py")
    assert not found, "\n".join(found)


def test_the_check_catches_an_import_against_the_pipeline():
    # The checker itself must be able to fail: a reader that imports a renderer, lazily.
    source = "def f():\n    from ..render import pdf\n    from ..catalog.pofile import Catalog\n"
    assert violations("diglot.source.manifest", source) == [
        "diglot.source.manifest:2: the source stage imports diglot.render.pdf from the later render stage",
        "diglot.source.manifest:3: the source stage imports diglot.catalog.pofile from the later catalog stage",
    ]
    assert violations("diglot.render.pdf", "from .web import SiteRenderer\n") == [
        "diglot.render.pdf:1: renderer imports another renderer, diglot.render.web"
    ]
    assert violations("diglot.build.builder", "from ..render import pdf\nfrom .. import errors\n") == []


def test_each_stage_says_what_it_does():
    for stage in STAGES[1:-1]:
        doc = ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text(encoding="utf-8")))
        assert doc and len(doc.split()) >= 15, f"diglot/{stage}/__init__.py needs a docstring saying what the stage does and hands on"

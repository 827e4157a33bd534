"""The one Jinja2 environment of every edition: the theme's templates, its filters and the edition's translations.

The web, print and parallel renderers (and any format added later) take their
templates from here, so a publication's own ``templates/`` overrides the
built-in theme the same way in each.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from markupsafe import Markup

from ..theme import template_dirs
from .edition import Edition


def environment(root: Path, edition: Edition | None) -> jinja2.Environment:
    """A Jinja2 environment over the theme, with the edition's translations installed."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(root)]),
        bytecode_cache=_bytecode_cache(root),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True, default=True),
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["css_counter"] = css_counter
    if edition is not None:
        env.install_gettext_callables(edition.gettext, edition.ngettext, newstyle=True)
    else:
        env.install_null_translations(newstyle=True)
    return env


def _bytecode_cache(root: Path) -> jinja2.BytecodeCache | None:
    """Compiled templates, kept across runs in build/.cache/jinja."""
    folder = root / "build" / ".cache" / "jinja"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only publication still builds, compiling its templates each time
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


def _css_string(text: str) -> str:
    escaped = "".join(ch if ch.isalnum() or ch in " .:,;·-—()（）：。　" else f"\\{ord(ch):x} " for ch in str(text))
    return f'"{escaped}"'


def css_counter(label: str, counter: str, placeholder: str = "@@") -> Markup:
    """A translated label around a CSS counter: "Figure @@. " → ``"Figure " counter(figure) ". "``."""
    before, _, after = str(label).partition(placeholder)
    parts = [_css_string(before)] if before else []
    parts.append(f"counter({counter})")
    if after:
        parts.append(_css_string(after))
    return Markup(" ".join(parts))

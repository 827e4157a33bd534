"""Where the built-in theme and its translations live.

In an installed wheel the repository's ``templates/`` ships as
``diglot/theme`` and its theme catalogs as ``diglot/theme_locale``; in an
editable install (a checkout) they are read from the repository itself.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent.parent


def builtin_templates() -> Path:
    shipped = _PACKAGE / "theme"
    return shipped if shipped.is_dir() else _CHECKOUT / "templates"


def builtin_catalog(lang: str) -> Path | None:
    """The built-in theme's translations into ``lang``, if it has them."""
    for candidate in (
        _PACKAGE / "theme_locale" / f"{lang}.po",
        _CHECKOUT / "locale" / lang / "LC_MESSAGES" / "theme.po",
    ):
        if candidate.is_file():
            return candidate
    return None


def template_dirs(root: Path) -> list[Path]:
    """The publication's own templates first, then the built-in theme."""
    dirs = []
    own = root / "templates"
    if own.is_dir():
        dirs.append(own)
    builtin = builtin_templates()
    if builtin.resolve() not in [d.resolve() for d in dirs]:
        dirs.append(builtin)
    return dirs


def skeleton() -> Path:
    """The publication that ``diglot init`` copies."""
    return _PACKAGE / "skeleton"

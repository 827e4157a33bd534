"""diglot doctor: what this machine needs to render the editions well."""

from __future__ import annotations

import platform
import shutil
import subprocess
from dataclasses import dataclass

#: font family → Debian package that provides it
FONTS = {
    "Noto Serif CJK SC": "fonts-noto-cjk",
    "Noto Sans CJK SC": "fonts-noto-cjk",
    "Noto Serif": "fonts-noto-core",
    "Noto Sans": "fonts-noto-core",
}


@dataclass
class Finding:
    ok: bool
    what: str
    detail: str
    fix: str = ""


def installed_families() -> set[str] | None:
    """Font families fontconfig knows, or None without fc-list."""
    if shutil.which("fc-list") is None:
        return None
    out = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=False).stdout
    families = set()
    for line in out.splitlines():
        families.update(part.strip() for part in line.split(","))
    return families


def _install_hint(packages: list[str]) -> str:
    if shutil.which("apt-get"):
        return "apt-get install " + " ".join(packages)
    return "install the packages providing: " + ", ".join(packages)


def diagnose() -> list[Finding]:
    findings: list[Finding] = []
    families = installed_families()
    for family, package in FONTS.items():
        if families is None:
            findings.append(Finding(False, f"font {family}", "cannot list fonts: fc-list is missing", _install_hint(["fontconfig"])))
        elif family in families:
            findings.append(Finding(True, f"font {family}", "installed"))
        else:
            findings.append(Finding(False, f"font {family}", "missing", _install_hint([package])))
    try:
        import weasyprint
        from weasyprint.text import ffi
    except Exception as exc:  # a broken Pango install shows up here
        findings.append(Finding(False, "WeasyPrint", f"cannot load: {exc}", _install_hint(["libpango-1.0-0", "libpangoft2-1.0-0"])))
        return findings
    findings.append(Finding(True, "WeasyPrint", weasyprint.__version__))
    version = ffi.pango.pango_version()  # e.g. 15012 for 1.50.12
    pango = f"{version // 10000}.{version // 100 % 100}.{version % 100}"
    findings.append(Finding(True, "Pango", pango))
    subset = ffi.harfbuzz_subset is not None and ffi.harfbuzz.hb_version_atleast(4, 1, 0)
    if subset:
        findings.append(Finding(True, "HarfBuzz subsetting", "available (fast font embedding)"))
    else:
        findings.append(
            Finding(
                False,
                "HarfBuzz subsetting",
                "unavailable: WeasyPrint falls back to fontTools and CJK PDFs render about 20x slower",
                _install_hint(["libharfbuzz-subset0"]),
            )
        )
    for tool, package in (("msgfmt", "gettext"), ("pdftotext", "poppler-utils")):
        if shutil.which(tool):
            findings.append(Finding(True, tool, "found (used by the test suite)"))
        else:
            findings.append(Finding(False, tool, "missing (needed by the test suite only)", _install_hint([package])))
    from .render.press import DEFAULT_PROFILE, DEFAULT_PROFILE_PACKAGE

    if DEFAULT_PROFILE.is_file():
        findings.append(Finding(True, "CMYK profile", f"{DEFAULT_PROFILE} (press files without print.output_intent)"))
    else:
        missing = f"missing {DEFAULT_PROFILE}: press files (--pdf-variant pdf/x-4, pdf/x-1a) need it unless print.output_intent names one"
        findings.append(Finding(False, "CMYK profile", missing, _install_hint([DEFAULT_PROFILE_PACKAGE])))
    findings.append(Finding(True, "Python", platform.python_version()))
    return findings

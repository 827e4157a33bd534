#!/bin/sh
# Installs the Debian packages diglot needs (fonts, HarfBuzz subsetting, the
# free CMYK profile for press files, gettext, poppler and Chromium for the
# tests), or says exactly what to install.
set -eu

PACKAGES="fonts-noto-cjk fonts-noto-core libharfbuzz-subset0 libgs-common gettext poppler-utils chromium"

if command -v dpkg-query >/dev/null 2>&1; then
    missing=""
    for pkg in $PACKAGES; do
        status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
        case "$status" in
            *"install ok installed"*) ;;
            *) missing="$missing $pkg" ;;
        esac
    done
    if [ -z "$missing" ]; then
        exit 0
    fi
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing Debian packages:$missing"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        # shellcheck disable=SC2086
        apt-get install -y -qq --no-install-recommends $missing >/dev/null
        exit 0
    fi
    echo "diglot needs these Debian packages:$missing" >&2
    echo "install them with: sudo apt-get install$missing" >&2
    exit 1
fi

# Not Debian: check what matters and name it.
problems=0
for family in "Noto Serif CJK SC" "Noto Sans CJK SC" "Noto Serif" "Noto Sans"; do
    if ! fc-list : family 2>/dev/null | grep -q "$family"; then
        echo "missing font: $family (Noto CJK and Noto Serif/Sans from your system's packages or https://notofonts.github.io)" >&2
        problems=1
    fi
done
for tool in msgfmt pdftotext pdffonts; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "missing tool: $tool (GNU gettext / poppler utilities)" >&2
        problems=1
    fi
done
if [ ! -f /usr/share/color/icc/ghostscript/default_cmyk.icc ]; then
    # Not fatal: only press files (--pdf-variant pdf/x-4, pdf/x-1a) without print.output_intent need it.
    echo "note: no /usr/share/color/icc/ghostscript/default_cmyk.icc (Ghostscript's ICC profiles); press files need print.output_intent" >&2
fi
if [ ! -x /usr/bin/chromium ]; then
    # Not fatal: tests/test_browser.py skips itself without it.
    echo "note: no /usr/bin/chromium; the browser tests (tests/test_browser.py) will be skipped" >&2
fi
if [ "$problems" = 1 ]; then
    echo "also install HarfBuzz's subsetting library (libharfbuzz-subset), or CJK PDFs render ~20x slower" >&2
    exit 1
fi

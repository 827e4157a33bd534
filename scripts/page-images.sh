#!/bin/sh
# Reference page images of the sample's print editions in docs/ (README shows them).
# Run after `make demo`: .venv/bin/diglot build writes build/pdf/.
set -eu
cd "$(dirname "$0")/.."
pdf=build/pdf
page() {  # page FILE NUMBER DPI OUT
    pdftoppm -f "$2" -l "$2" -r "$3" -png -singlefile "$pdf/$1" "docs/$4"
}
page 2026-10.zh-hans.pdf 1 50 print-zh-hans-cover
page 2026-10.zh-hans.pdf 5 80 print-zh-hans-page5      # text fills the page the figure did not fit on...
page 2026-10.zh-hans.pdf 6 80 print-zh-hans-page6      # ...and the figure opens the next one
page 2026-10.zh-hans.pdf 7 80 print-zh-hans-page7      # a justified Chinese article page
page 2026-10.en.pdf 7 80 print-en-page7                # a figure floated to the top of the page
page 2026-10.parallel.pdf 7 72 print-parallel-columns
.venv/bin/diglot -q build --format parallel --parallel-layout facing --out build/facing
pdftoppm -f 8 -l 9 -r 60 -png build/facing/pdf/2026-10.parallel.pdf /tmp/diglot-facing
.venv/bin/python - <<'PY'
from PIL import Image
left, right = Image.open("/tmp/diglot-facing-08.png"), Image.open("/tmp/diglot-facing-09.png")
spread = Image.new("RGB", (left.width + right.width, max(left.height, right.height)), "white")
spread.paste(left, (0, 0))
spread.paste(right, (left.width, 0))
spread.save("docs/print-parallel-facing.png", optimize=True)
PY

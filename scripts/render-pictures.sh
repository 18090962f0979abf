#!/usr/bin/env bash
# Renders the official tables as their readers see them, from the golden July data
# (tests/data/golden/actuals-2026-07.csv on the embedded catalogue):
#   monitor-html.png, self-eval-html.png   the HTML tables in headless Chromium
#   monitor-xlsx.png, self-eval-xlsx.png   the first printed page of the XLSX tables
#                                          (LibreOffice's PDF export, then pdftoppm)
#   template-xlsx.png                      the first printed page of the XLSX template
# and fails unless each is a page with something on it (tests/tools/check_pictures.py).
# Usage: render-pictures.sh PTMON OUT_DIR. The pictures of docs/evaluation.md and docs/reports.md
# are in docs/pictures (render-pictures.sh build/daemon/ptmon docs/pictures); the test
# report_pictures renders them into the build tree (artefacts/pictures), to be looked at after a
# change to the tables.
set -euo pipefail
ptmon=$(realpath "$1")
out=$(mkdir -p "$2" && realpath "$2")
source_dir=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$ptmon" ingest --data-dir "$work/data" --now 2026-08-15 \
  "$source_dir/tests/data/golden/actuals-2026-07.csv" >/dev/null
report() {  # KIND FORMAT
  "$ptmon" report --data-dir "$work/data" --now 2026-08-15 --as-of 2026-07 --kind "$1" \
    --format "$2" --out "$work/$1.$2" >/dev/null
}
for kind in monitor self-eval; do
  report "$kind" html
  report "$kind" xlsx
  # As root (CI), Chromium's sandbox cannot start; the page is our own file.
  chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars --window-size=1400,900 \
    --user-data-dir="$work/chromium" --screenshot="$out/$kind-html.png" \
    "file://$work/$kind.html" >/dev/null 2>&1
done
"$ptmon" template --period 2026-07 --project building-maintenance --format xlsx \
  --out "$work/template.xlsx" 2>/dev/null

soffice --headless "-env:UserInstallation=file://$work/office-profile" --convert-to pdf \
  --outdir "$work/pdf" "$work/monitor.xlsx" "$work/self-eval.xlsx" "$work/template.xlsx" \
  >/dev/null 2>&1
for name in monitor self-eval template; do
  pdftoppm -png -r 70 -f 1 -l 1 -singlefile "$work/pdf/$name.pdf" "$out/$name-xlsx"
done
/usr/bin/python3 "$source_dir/tests/tools/check_pictures.py" "$out" monitor-html.png \
  self-eval-html.png monitor-xlsx.png self-eval-xlsx.png template-xlsx.png

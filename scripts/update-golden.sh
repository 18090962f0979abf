#!/usr/bin/env bash
# Regenerates the golden report files in tests/data/golden from the embedded catalogue and
# tests/data/golden/actuals-2026-07.csv. Review the diff before committing it.
set -euo pipefail
cd "$(dirname "$0")/.."
ptmon=${1:-build/daemon/ptmon}
golden=tests/data/golden
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
"$ptmon" ingest --data-dir "$data" --now 2026-08-15 "$golden/actuals-2026-07.csv" >/dev/null
for kind in monitor self-eval; do
  for format in md csv html; do
    "$ptmon" report --data-dir "$data" --now 2026-08-15 --as-of 2026-07 --kind "$kind" \
      --format "$format" --out "$golden/$kind-2026-07.$format" >/dev/null
  done
done
"$ptmon" status --data-dir "$data" --now 2026-08-15 --format json >"$golden/status-2026-07.json"

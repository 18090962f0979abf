#!/usr/bin/env bash
# Load while ingesting (loopback only, bounded in time): wrk with 64 connections for
# DURATION seconds (default 60) on /metrics and /api/v1/status while a loop drops a new report
# into the inbox every 100 ms. Passes when wrk saw no errors, every dropped file was applied
# exactly once, and RSS grew by less than 64 MB. Prints p50/p99 latencies and RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-60}
ptmon=${PTMON_BINARY:-build/daemon/ptmon}
work=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"

"$ptmon" serve --listen "127.0.0.1:$port" --data-dir "$work/data" --now 2026-12-20 >"$work/ptmon.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do curl -sf "$base/readyz" >/dev/null && break; sleep 0.1; done
rss() { awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$pid/status"; }
rss_before=$(rss)

wrk -t1 -c32 -d"${duration}s" --latency -H 'Accept-Encoding: gzip' "$base/metrics" >"$work/metrics.wrk" &
wrk_metrics=$!
wrk -t1 -c32 -d"${duration}s" --latency "$base/api/v1/status" >"$work/status.wrk" &
wrk_status=$!

dropped=0
end=$((SECONDS + duration))
while ((SECONDS < end)); do
  dropped=$((dropped + 1))
  month=$(((dropped % 12) + 1))
  printf 'project,indicator,period,value\nbuilding-maintenance,devices-maintained,2026-%02d,%d\n' "$month" "$dropped" \
    >"$work/data/inbox/.load-$dropped.csv.tmp"
  mv "$work/data/inbox/.load-$dropped.csv.tmp" "$work/data/inbox/load-$dropped.csv"
  sleep 0.1
done
wait $wrk_metrics $wrk_status

for _ in $(seq 100); do [[ -z $(ls -A "$work/data/inbox") ]] && break; sleep 0.1; done
applied=$(sqlite3 "$work/data/ptmon.db" "SELECT COUNT(*) FROM batch WHERE status = 'applied'")
distinct=$(sqlite3 "$work/data/ptmon.db" "SELECT COUNT(DISTINCT sha256) FROM batch WHERE status = 'applied'")
rss_after=$(rss)

report() {  # name file
  local errors
  errors=$(grep -E "Non-2xx|Socket errors" "$2" || true)
  printf '%-16s %8s req/s  p50 %-8s p99 %-8s %s\n' "$1" "$(awk '/Requests\/sec/ {print $2}' "$2")" \
    "$(awk '$1 == "50%" {print $2}' "$2")" "$(awk '$1 == "99%" {print $2}' "$2")" "${errors:-no errors}"
}
echo "load test: ${duration}s, 64 connections, a file every 100 ms"
report "/metrics (gzip)" "$work/metrics.wrk"
report "/api/v1/status" "$work/status.wrk"
echo "files dropped $dropped, applied $applied (distinct contents $distinct), inbox left: $(ls -A "$work/data/inbox" | wc -l)"
echo "RSS before ${rss_before} MB, after ${rss_after} MB"

status=0
if grep -qE "Non-2xx|Socket errors" "$work/metrics.wrk" "$work/status.wrk"; then echo "FAIL: wrk saw errors"; status=1; fi
if [[ $applied -ne $dropped || $distinct -ne $dropped ]]; then echo "FAIL: files lost or applied twice"; status=1; fi
if ((rss_after - rss_before >= 64)); then echo "FAIL: RSS grew by $((rss_after - rss_before)) MB"; status=1; fi
((status == 0)) && echo "PASS"
exit $status

#!/usr/bin/env bash
# Builds the libFuzzer targets with clang under ASan + UBSan (scripts/configure-sanitized.sh: the
# tree scripts/test.sh's asan stage builds, so after it nothing is compiled here) and runs each
# for SECONDS (default 30), as many at once as there are cores, on a working copy of its seed
# corpus (fuzz/corpus/TARGET, and the seeds the build makes from tracked files in
# BUILD/fuzz/generated-corpus/TARGET). Prints executions and coverage per target; exits 1 if any
# target crashed, leaving the input in BUILD/crashes/TARGET/ (add it to
# tests/data/fuzz-regressions/TARGET/). Usage: scripts/fuzz.sh [SECONDS [TARGET]]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
build=${PTMON_FUZZ_BUILD_DIR:-build-asan}
targets=(fuzz_target_expression fuzz_csv_report fuzz_yaml_report fuzz_xlsx_report fuzz_catalog
         fuzz_write_api fuzz_console_forms)
if [[ -n "${2:-}" ]]; then targets=("$2"); fi

scripts/configure-sanitized.sh "$build" address >/dev/null
cmake --build "$build" --target "${targets[@]}" ptmon_fuzz_seeds

# Runs one target; its line of the table goes to BUILD/TARGET.result.
fuzz_one() {
  local target=$1
  local corpus="$build/corpus/$target" crashes="$build/crashes/$target" log="$build/$target.log"
  mkdir -p "$corpus" "$crashes"
  local seeds=("fuzz/corpus/$target") result=clean
  if [[ -d "$build/fuzz/generated-corpus/$target" ]]; then seeds+=("$build/fuzz/generated-corpus/$target"); fi
  # -rss_limit_mb: ASan's quarantine counts too; the inputs themselves are small.
  if ! "$build/fuzz/$target" -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=4096 \
      -artifact_prefix="$crashes/" "$corpus" "${seeds[@]}" >"$log" 2>&1; then
    result="CRASHED (see $log and $crashes)"
  fi
  local executions coverage
  # A target that died before its statistics leaves them as "?".
  executions=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | awk '{print $2}' | tail -1) || true
  coverage=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1) || true
  printf '%-24s %12s %8s %8s %s\n' "$target" "${executions:-?}" "$(awk '{print $2}' <<<"$coverage")" \
    "$(awk '{print $4}' <<<"$coverage")" "$result" >"$build/$target.result"
}

# Each target runs for a fixed time, not a fixed amount of work: running them side by side halves
# the stage however busy the machine is.
running=0
for target in "${targets[@]}"; do
  if ((running >= $(nproc))); then
    wait -n
    running=$((running - 1))
  fi
  fuzz_one "$target" &
  running=$((running + 1))
done
wait

printf '%-24s %12s %8s %8s %s\n' target executions cov ft result
status=0
for target in "${targets[@]}"; do
  cat "$build/$target.result"
  if ! grep -q ' clean$' "$build/$target.result"; then status=1; fi
done
exit $status

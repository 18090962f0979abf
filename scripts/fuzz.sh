#!/usr/bin/env bash
# Builds the libFuzzer targets with clang under ASan + UBSan and runs each for SECONDS (default
# 30) on a working copy of its seed corpus (fuzz/corpus/TARGET, and the seeds the build makes
# from tracked files in BUILD/fuzz/generated-corpus/TARGET). Prints executions and
# coverage per target; exits 1 if any target crashed, leaving the input in
# build-fuzz/crashes/TARGET/ (add it to tests/data/fuzz-regressions/TARGET/).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
build=${PTMON_FUZZ_BUILD_DIR:-build-fuzz}
targets=(fuzz_target_expression fuzz_csv_report fuzz_yaml_report fuzz_xlsx_report fuzz_catalog
         fuzz_write_api fuzz_console_forms)
if [[ -n "${2:-}" ]]; then targets=("$2"); fi

# Warnings are errors here, clang's thread-safety analysis among them: this build is also the
# check that every GUARDED_BY and REQUIRES in the daemon (ptmon_service and all it uses) holds.
# A unity build at -O1 with line tables, as the sanitizer stages of scripts/test.sh: a third of
# the translation units, and stack traces that still name file and line.
CC=clang-14 CXX=clang++-14 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPTMON_FUZZ=ON -DPTMON_SANITIZE=address -DPTMON_BUILD_TESTS=OFF -DPTMON_BUILD_BENCH=OFF \
  -DPTMON_WERROR=ON -DCMAKE_UNITY_BUILD=ON -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
  >/dev/null
cmake --build "$build" --target "${targets[@]}" ptmon_service ptmon_fuzz_seeds

status=0
printf '%-24s %12s %8s %8s %s\n' target executions cov ft result
for target in "${targets[@]}"; do
  corpus="$build/corpus/$target"
  crashes="$build/crashes/$target"
  mkdir -p "$corpus" "$crashes"
  log="$build/$target.log"
  seeds=("fuzz/corpus/$target")
  if [[ -d "$build/fuzz/generated-corpus/$target" ]]; then seeds+=("$build/fuzz/generated-corpus/$target"); fi
  # -rss_limit_mb: ASan's quarantine counts too; the inputs themselves are small.
  if "$build/fuzz/$target" -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=4096 \
      -artifact_prefix="$crashes/" "$corpus" "${seeds[@]}" >"$log" 2>&1; then
    result=clean
  else
    result="CRASHED (see $log and $crashes)"
    status=1
  fi
  executions=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | awk '{print $2}' | tail -1)
  coverage=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
  printf '%-24s %12s %8s %8s %s\n' "$target" "${executions:-?}" "$(awk '{print $2}' <<<"$coverage")" \
    "$(awk '{print $4}' <<<"$coverage")" "$result"
done
exit $status

#!/usr/bin/env bash
# Quick start, part two: install everything the tests need (including the real Prometheus,
# Alertmanager and node_exporter peers and clang for the sanitizers), then run every stage:
#   1. suite — the whole suite, warnings as errors, on the product built exactly as the Debian
#      package builds it (scripts/configure-packaged.sh), all but the package test;
#   2. package — the Debian package test: that tested tree packaged (no second compile), checked
#      by lintian, installed, upgraded from the previous release, removed and purged;
#   3. asan — the whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer, built by
#      clang with warnings as errors, which is also clang's thread-safety analysis (every
#      GUARDED_BY and REQUIRES) and the fuzz targets' build;
#   4. tsan — the daemon's concurrency tests (HTTP threads, the loop, the notifier) under
#      ThreadSanitizer;
#   5. fuzz — every fuzz target briefly on its corpus, from the asan stage's tree.
# PTMON_TEST_STAGES (default "suite package asan tsan fuzz") picks stages for local runs; each
# stage's time and CPU time are printed at its end (docs/testing.md has each stage's figures).
# Every build is a unity build, and nothing is compiled twice for the same flavour.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --with-test-peers
stages=${PTMON_TEST_STAGES:-suite package asan tsan fuzz}
# Three builds of the same sources (GCC as packaged, clang ASan, clang TSan): ccache (keyed on
# content, paths made relative to this clone) serves a later clone or run from its cache.
export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1
export CMAKE_CXX_COMPILER_LAUNCHER=ccache CMAKE_C_COMPILER_LAUNCHER=ccache
# The tests wait on their peers (a settle time, a scrape, a browser) more than they compute:
# twice as many as the cores keeps the cores busy (docs/testing.md has the figures).
test_jobs=$((2 * $(nproc)))
summary=$(mktemp)
trap 'rm -f "$summary"' EXIT

# Runs ctest, keeping its "N tests failed out of M" line for the closing count.
run_ctest() {
  ctest "$@" 2>&1 | tee -a "$summary"
}

# Unity builds: the heavy headers (Asio, spdlog, GoogleTest, nlohmann) are parsed once per batch
# of sources rather than once per source: 40% less CPU from a cold cache (docs/decisions.md).
# The tests' own code is compiled at -O1 (-O0 under the sanitizers) with line tables: it is a
# third of what is compiled and runs little (tests/CMakeLists.txt).
packaged() {  # packaged DIR: the product as the package builds it, and the tests beside it
  scripts/configure-packaged.sh "$1" -DPTMON_WERROR=ON >/dev/null
}
sanitized() {  # sanitized DIR address|thread
  scripts/configure-sanitized.sh "$1" "$2" >/dev/null
}

# The CPU time this script's finished children have used, in seconds (cutime + cstime).
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{printf "%d", ($16 + $17) / hz}' /proc/$$/stat
}

for stage in $stages; do
  echo "=== stage: $stage"
  stage_start=$SECONDS
  stage_cpu=$(cpu_seconds)
  case $stage in
    suite)
      packaged build-test
      cmake --build build-test
      run_ctest --test-dir build-test --output-on-failure --timeout 600 -j "$test_jobs" -E '^deb_package$'
      ;;
    package)
      # A stage of its own, after the suite: it packages the suite's tree as it stands, so a
      # failing suite is not packaged. Run alone, it builds that tree first.
      packaged build-test
      cmake --build build-test
      run_ctest --test-dir build-test --output-on-failure -R '^deb_package$'
      ;;
    asan)
      # The package test is left out: it would package the instrumented binary.
      sanitized build-asan address
      cmake --build build-asan
      ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
        run_ctest --test-dir build-asan --output-on-failure --timeout 900 -j "$test_jobs" -E 'deb_package|deploy_files|report_pictures|YearReplayTest.*/2$'
      ;;
    tsan)
      sanitized build-tsan thread
      cmake --build build-tsan --target ptmon ptmon_service_tests ptmon_integration_tests
      TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
        run_ctest --test-dir build-tsan --output-on-failure --timeout 900 -j "$test_jobs" \
        -R '^(ServeTest|AlertmanagerTest|AlertBookTest|AlertRulesTest|MetricsTest|HttpServerTest|NotifierTest|ServiceTest|InboxClaimTest|DaemonReliabilityTest|FixedSeeds/YearReplayTest)\.' -E '/2$'
      ;;
    fuzz)
      scripts/fuzz.sh "${PTMON_FUZZ_SECONDS:-10}"
      ;;
    *)
      echo "unknown stage $stage" >&2
      exit 2
      ;;
  esac
  echo "=== stage: $stage done in $((SECONDS - stage_start)) s, $(($(cpu_seconds) - stage_cpu)) s of CPU"
done

# The closing count over every ctest stage (fuzzing is judged by its exit status above).
awk '/tests passed, [0-9]+ tests failed out of/ {failed += $4; total += $NF}
     END {printf "tests: %d passed, %d failed\n", total - failed, failed}' "$summary"

#!/usr/bin/env bash
# Quick start, part two: install everything the tests need (including the real Prometheus,
# Alertmanager and node_exporter peers and clang for fuzzing), then run every stage:
#   1. the whole suite, warnings as errors (all but the package test);
#   2. the Debian package test: two packages built and checked, installed, upgraded, purged;
#   3. the whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer;
#   4. the daemon's concurrency tests (HTTP threads, the loop, the notifier) under ThreadSanitizer;
#   5. every fuzz target briefly on its corpus, built by clang with warnings as errors, which is
#      also clang's thread-safety analysis over the daemon (every GUARDED_BY and REQUIRES).
# PTMON_TEST_STAGES (default "suite package asan tsan fuzz") picks stages for local runs; each
# stage's time is printed at its end (docs/testing.md has each stage's figures, cold and warm).
# Every build is a unity build, and nothing is compiled twice for the same flavour.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --with-test-peers
stages=${PTMON_TEST_STAGES:-suite package asan tsan fuzz}
# Four builds of the same sources (and the package's): ccache (keyed on content, paths made relative to this clone)
# compiles each file once per flavour and serves a later clone or run from its cache.
export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1
export CMAKE_CXX_COMPILER_LAUNCHER=ccache CMAKE_C_COMPILER_LAUNCHER=ccache
jobs=$(nproc)
summary=$(mktemp)
trap 'rm -f "$summary"' EXIT

# Runs ctest, keeping its "N tests failed out of M" line for the closing count.
run_ctest() {
  ctest "$@" 2>&1 | tee -a "$summary"
}

# Unity builds: the heavy headers (Asio, spdlog, GoogleTest, nlohmann) are parsed once per batch
# of sources rather than once per source: 40% less CPU from a cold cache (docs/decisions.md).
configure() {  # configure DIR [cmake options…]
  local dir=$1
  shift
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPTMON_WERROR=ON \
    -DCMAKE_UNITY_BUILD=ON "$@" >/dev/null
}

# Sanitizer builds: -O1 and line tables only, as the sanitizers' own docs suggest — a third
# quicker to build than -O2 -g, with stack traces that still name file and line. The year
# replay runs its first seed there (the plain suite runs both).
sanitized() {  # sanitized DIR address|thread
  configure "$1" -DPTMON_SANITIZE="$2" -DPTMON_BUILD_BENCH=OFF \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG"
}

for stage in $stages; do
  echo "=== stage: $stage"
  stage_start=$SECONDS
  case $stage in
    suite)
      configure build-test
      cmake --build build-test
      run_ctest --test-dir build-test --output-on-failure --timeout 600 -j "$jobs" -E '^deb_package$'
      ;;
    package)
      # A stage of its own: it builds its packages itself (dpkg-buildpackage's flags, not the
      # suite's), so it needs only the configured tree to put them in, never the suite's build.
      configure build-test
      run_ctest --test-dir build-test --output-on-failure -R '^deb_package$'
      ;;
    asan)
      # The package test is left out: it would package the instrumented binary.
      sanitized build-asan address
      cmake --build build-asan
      ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
        run_ctest --test-dir build-asan --output-on-failure --timeout 900 -j "$jobs" -E 'deb_package|deploy_files|report_pictures|YearReplayTest.*/2$'
      ;;
    tsan)
      sanitized build-tsan thread
      cmake --build build-tsan --target ptmon ptmon_service_tests ptmon_integration_tests
      TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
        run_ctest --test-dir build-tsan --output-on-failure --timeout 900 -j "$jobs" \
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
  echo "=== stage: $stage done in $((SECONDS - stage_start)) s"
done

# The closing count over every ctest stage (fuzzing is judged by its exit status above).
awk '/tests passed, [0-9]+ tests failed out of/ {failed += $4; total += $NF}
     END {printf "tests: %d passed, %d failed\n", total - failed, failed}' "$summary"

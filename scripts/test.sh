#!/usr/bin/env bash
# Quick start, part two: install everything the tests need (including the real Prometheus,
# Alertmanager and node_exporter peers), build with warnings as errors, run the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --with-test-peers
build_dir=${PTMON_BUILD_DIR:-build-test}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPTMON_WERROR=ON >/dev/null
cmake --build "$build_dir"
ctest --test-dir "$build_dir" --output-on-failure --timeout 300 -j "$(nproc)"

#!/usr/bin/env bash
# Quick start, part one: install the build dependencies, build ptmon, and run the main job on
# the embedded default catalogue (ptmon serve). Extra arguments go to ptmon.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build-run -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPTMON_BUILD_TESTS=OFF -DPTMON_BUILD_BENCH=OFF >/dev/null
cmake --build build-run --target ptmon
if (($# == 0)); then
  set -- serve
fi
exec build-run/daemon/ptmon "$@"

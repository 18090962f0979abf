#!/usr/bin/env bash
# Quick start, part one: install the build dependencies, build ptmon, and run it — `ptmon serve`
# on the embedded default catalogue, or `ptmon ARGS` when given arguments. Only ptmon writes to
# stdout and stderr: installing and building go to build-run/build.log, which is shown (on
# stderr) only when they fail, so `scripts/run.sh catalog --format json | …` gets ptmon's JSON.
# ptmon runs in the caller's folder, so file arguments and ./ptmon-data are where the caller is.
set -euo pipefail
caller=$PWD
cd "$(dirname "$0")/.."
root=$PWD
build=build-run
log=$build/build.log
mkdir -p "$build"
: >"$log"
quietly() {
  if ! "$@" >>"$log" 2>&1; then
    echo "run.sh: '$*' failed; its output (from $log):" >&2
    tail -n 60 "$log" >&2
    exit 2
  fi
}
quietly scripts/install-deps.sh
# ccache keyed on content with paths relative to this clone: a second clone, or a build after
# `git pull`, compiles only what changed.
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1
  export CMAKE_CXX_COMPILER_LAUNCHER=ccache CMAKE_C_COMPILER_LAUNCHER=ccache
fi
quietly cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPTMON_BUILD_TESTS=OFF \
  -DPTMON_BUILD_BENCH=OFF
quietly cmake --build "$build" --target ptmon
if (($# == 0)); then
  set -- serve
fi
cd "$caller"
exec "$root/$build/daemon/ptmon" "$@"

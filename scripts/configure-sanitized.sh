#!/usr/bin/env bash
# Configures BUILD_DIR for a sanitizer build, with clang 14:
#   scripts/configure-sanitized.sh BUILD_DIR address|thread [CMAKE_ARGS...]
# address: ASan + UBSan, the product also instrumented for libFuzzer, so one tree builds both the
#          suite of scripts/test.sh's asan stage and the fuzz targets of scripts/fuzz.sh;
# thread:  TSan.
# -O1 with line tables, as the sanitizers' own docs suggest: stack traces still name file and
# line (the tests' own code is at -O0, tests/CMakeLists.txt). Warnings are errors, clang's
# thread-safety analysis among them: every GUARDED_BY and REQUIRES in the daemon is checked.
# clang rather than GCC: the same ASan + UBSan build takes half the CPU time (docs/decisions.md).
set -euo pipefail
if (($# < 2)) || [[ $2 != address && $2 != thread ]]; then
  echo "usage: $0 BUILD_DIR address|thread [CMAKE_ARGS...]" >&2
  exit 2
fi
cd "$(dirname "$0")/.."
build_dir=$1
sanitizer=$2
shift 2
fuzz=OFF
if [[ $sanitizer == address ]]; then fuzz=ON; fi
CC=clang-14 CXX=clang++-14 cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPTMON_SANITIZE="$sanitizer" -DPTMON_FUZZ=$fuzz -DPTMON_BUILD_BENCH=OFF -DPTMON_WERROR=ON \
  -DCMAKE_UNITY_BUILD=ON -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" "$@"

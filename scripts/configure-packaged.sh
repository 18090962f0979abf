#!/usr/bin/env bash
# Configures BUILD_DIR to build the product exactly as the Debian package builds it
# (deploy/debian/rules through debhelper's cmake build): dpkg-buildflags with hardening=+all,
# CPPFLAGS folded into the compiler flags as debhelper does, build type None, prefix /usr, a
# unity build.
#   scripts/configure-packaged.sh BUILD_DIR [CMAKE_ARGS...]
#   scripts/configure-packaged.sh --matches BUILD_DIR   exits 0 when BUILD_DIR was configured so
#                                                       with the flags dpkg-buildflags gives now
#
# scripts/test.sh builds its suite this way, so its package stage packages the binary the suite
# has just tested (PTMON_BUILT_TREE in deploy/debian/rules) instead of compiling the same sources
# with the same flags a second time; tests/deploy/package_test.sh asks --matches before it does.
set -euo pipefail
if (($# < 1)) || [[ $1 == --matches && $# != 2 ]]; then
  echo "usage: $0 BUILD_DIR [CMAKE_ARGS...] | --matches BUILD_DIR" >&2
  exit 2
fi
cd "$(dirname "$0")/.."
eval "$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --export=sh)"
compile_flags="$CXXFLAGS $CPPFLAGS"

# The build path is in the flags (-ffile-prefix-map=PATH=.): compared without it.
without_build_path() { sed -E 's/-ffile-prefix-map=[^ ]*=\./-ffile-prefix-map=BUILD_PATH=./g'; }

if [[ $1 == --matches ]]; then
  cache=$2/CMakeCache.txt
  [[ -f $cache ]] || exit 1
  cached() { sed -n "s/^$1:[A-Z]*=//p" "$cache"; }
  [[ $(cached CMAKE_BUILD_TYPE) == None && $(cached CMAKE_INSTALL_PREFIX) == /usr &&
     $(cached CMAKE_EXE_LINKER_FLAGS) == "$LDFLAGS" &&
     $(cached CMAKE_CXX_FLAGS | without_build_path) == $(without_build_path <<<"$compile_flags") ]]
  exit
fi

build_dir=$1
shift
CFLAGS="$CFLAGS $CPPFLAGS" CXXFLAGS=$compile_flags LDFLAGS=$LDFLAGS \
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=None -DCMAKE_INSTALL_PREFIX=/usr \
  -DCMAKE_UNITY_BUILD=ON "$@"

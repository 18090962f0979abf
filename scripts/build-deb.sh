#!/usr/bin/env bash
# Builds the Debian packages of the working tree — ptmon_VERSION_ARCH.deb and its debug
# symbols, ptmon-dbgsym_VERSION_ARCH.deb — with dpkg-buildpackage and debhelper, and checks
# them with lintian (no error, no warning; lintian's one line "running with root privileges is
# not recommended" is about how it was run, as CI runs as root). Usage: scripts/build-deb.sh [OUT_DIR] (default dist/).
#
# The upstream tree keeps its packaging in deploy/debian; the tracked files are staged with that
# folder as debian/ and the commit is passed in (the stage has no .git). The stage is
# PTMON_DEB_STAGE (default OUT_DIR/stage): a fixed path lets ccache (PTMON_CCACHE=1) serve a
# later build from an earlier one, as the build path is part of the compiler's flags.
# PTMON_BUILT_TREE (tests/deploy/package_test.sh) packages a tree already built as the package
# builds (scripts/configure-packaged.sh) instead of compiling the staged sources.
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "${1:-$source_dir/dist}" && cd "${1:-$source_dir/dist}" && pwd)
version=$(dpkg-parsechangelog -l "$source_dir/deploy/debian/changelog" -S Version)
commit=$(git -C "$source_dir" rev-parse --short=12 HEAD)
git -C "$source_dir" diff --quiet HEAD -- || commit+=-modified

stage=${PTMON_DEB_STAGE:-$out/stage}
rm -rf "$stage"
mkdir -p "$stage/ptmon-$version"
(cd "$source_dir" && git ls-files -z | tar --null -T - -cf -) | tar -xf - -C "$stage/ptmon-$version"
mv "$stage/ptmon-$version/deploy/debian" "$stage/ptmon-$version/debian"

(
  cd "$stage/ptmon-$version"
  export PTMON_GIT_COMMIT=$commit CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1
  dpkg-buildpackage -b -us -uc -j"$(nproc)" >"$stage/build.log" 2>&1 ||
    { tail -50 "$stage/build.log" >&2; exit 1; }
)
rm -f "$out"/ptmon*.deb "$out"/ptmon*.ddeb
# Its findings go to stderr: the package test keeps only stderr, and CI must show why it failed.
lintian --fail-on error,warning --tag-display-limit 0 "$stage"/ptmon_"$version"_*.changes >&2
cp "$stage"/ptmon_"$version"_*.deb "$stage"/ptmon-dbgsym_"$version"_*.deb "$out"
rm -rf "$stage"
ls "$out"/ptmon*"$version"*.deb

#!/usr/bin/env bash
# The Debian package as an operator meets it. Needs root, as CI has.
#   1. Builds it (scripts/build-deb.sh: dpkg-buildpackage, then lintian with no error or
#      warning) — from BUILD_DIR as it is when that was configured as the package builds
#      (scripts/configure-packaged.sh, as scripts/test.sh does) — installs it with its debug
#      symbols, checks the installed daemon (version and commit, configuration, user and
#      folders, systemd-analyze verify and security, the debug symbols matching the stripped
#      binary, and the binary being the tested one), removes and purges it: nothing is left.
#   2. Upgrades from the previous release: builds the package of release 0.1.0 as that release
#      built it, installs it, edits its configuration as an operator would, applies a report;
#      then installs this package over it (dpkg -i, keeping the edited conffile as unattended
#      upgrades do) and checks that the database was migrated, the data and the edits kept, and
#      that status and the daemon serve the same figures; then dpkg -r and dpkg -P keep what the
#      deploy/README.md says they keep.
# Usage: package_test.sh BUILD_DIR (where the packages land).
#
# Both packages are built at fixed paths under /var/tmp/ptmon-package-test (one run at a time,
# by a lock): dpkg-buildflags puts the build path into the compiler's flags, and a fixed one lets
# ccache serve every clone's build from the first one's. The previous release's package is kept
# there and built only when missing.
set -euo pipefail
build_dir=$(cd "$1" && pwd)
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
fixed=/var/tmp/ptmon-package-test
mkdir -p "$fixed"
exec 9>"$fixed/lock"
flock 9
# Release 0.1.0 by its commit, not its tag: a clone need not carry tags.
previous_release=6a6b56bddc1359217821c3f3a9c685e7c0dd8cc9
if [[ $(id -u) -ne 0 ]]; then
  echo "package_test: must run as root (dpkg -i); CI runs as root" >&2
  exit 1
fi
# `! command` is not checked by set -e (it only negates the status): a claim that something is
# absent fails the test through this.
must_fail() {  # must_fail WHAT COMMAND...: COMMAND's own output is not wanted
  local what=$1
  shift
  if "$@" >/dev/null 2>&1; then
    echo "package_test: $what" >&2
    exit 1
  fi
}
work=$(mktemp -d)
daemon_pid=
cleanup() {
  if [[ -n $daemon_pid ]]; then kill "$daemon_pid" 2>/dev/null || true; fi
  dpkg -P ptmon-dbgsym ptmon >/dev/null 2>&1 || true
  rm -rf /var/lib/ptmon "$work"
  if getent passwd ptmon >/dev/null; then deluser --system ptmon >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
cleanup  # a leftover from an interrupted run
work=$(mktemp -d)

# --- 1. build, lintian, install, check, remove, purge ------------------------------------------
# The suite's own tree, when scripts/test.sh configured it as the package builds, is packaged as
# it is: the package holds the binary the suite tested. Any other tree is compiled again.
built_tree=
if "$source_dir/scripts/configure-packaged.sh" --matches "$build_dir"; then
  built_tree=$build_dir
  echo "packaging the tested tree $build_dir (configured as debian/rules builds)"
fi
PTMON_BUILT_TREE=$built_tree PTMON_CCACHE=1 PTMON_DEB_STAGE=$fixed/stage \
  "$source_dir/scripts/build-deb.sh" "$build_dir/deb" >/dev/null
version=$(dpkg-parsechangelog -l "$source_dir/deploy/debian/changelog" -S Version)
deb=$(ls "$build_dir"/deb/ptmon_"$version"_*.deb)
dbgsym=$(ls "$build_dir"/deb/ptmon-dbgsym_"$version"_*.deb)
echo "built $(basename "$deb") and $(basename "$dbgsym"); lintian: no errors, no warnings"
grep -qx "/etc/ptmon/ptmon.yaml" <<<"$(dpkg-deb --info "$deb" conffiles)"
grep -qx "/etc/ptmon/catalog.yaml" <<<"$(dpkg-deb --info "$deb" conffiles)"
if dpkg-deb --info "$deb" postinst | grep -q "systemctl enable"; then
  echo "the maintainer scripts call systemctl themselves" >&2
  exit 1
fi

dpkg -i "$deb" "$dbgsym"
ptmon --version | grep -qE "^ptmon $version \(commit [0-9a-f]{12}(-modified)?\)$"
ptmon check-config --config /etc/ptmon/ptmon.yaml
getent passwd ptmon >/dev/null
[[ -d /var/lib/ptmon/inbox ]]
[[ $(stat -c %U /var/lib/ptmon/inbox) == ptmon ]]
[[ -f /usr/share/man/man1/ptmon.1.gz && -f /usr/share/doc/ptmon/copyright ]]
[[ -f /usr/share/doc/ptmon/changelog.gz ]]
# Stripped, with its symbols in ptmon-dbgsym under the binary's build id.
has_debug_info() { [[ $(readelf -S /usr/bin/ptmon) == *".debug_info"* ]]; }
must_fail "/usr/bin/ptmon is not stripped" has_debug_info
build_id=$(readelf -n /usr/bin/ptmon | awk '/Build ID/ {print $3}')
[[ -f /usr/lib/debug/.build-id/${build_id:0:2}/${build_id:2}.debug ]]
# Packaged from the tested tree: the very binary the suite ran (stripping keeps the build id).
if [[ -n $built_tree ]]; then
  tested_id=$(readelf -n "$built_tree/daemon/ptmon" | awk '/Build ID/ {print $3}')
  if [[ $build_id != "$tested_id" ]]; then
    echo "package_test: the package's ptmon ($build_id) is not the tested one ($tested_id)" >&2
    exit 1
  fi
fi

unit=/lib/systemd/system/ptmon.service
systemd-analyze verify "$unit"
security=$(systemd-analyze security --offline=true "$unit" 2>&1 | tail -1)
echo "systemd-analyze security: $security"
grep -qE "Overall exposure level for ptmon.service: [0-9.]+ (OK|SAFE|PERFECT)" <<<"$security"

dpkg -r ptmon-dbgsym ptmon
[[ ! -e /usr/bin/ptmon ]]
[[ -e /etc/ptmon/ptmon.yaml ]]  # conffiles stay until purge
dpkg -P ptmon
[[ ! -e /etc/ptmon ]]
[[ ! -e /var/lib/ptmon ]]  # it held no data
must_fail "the purge left the ptmon user" getent passwd ptmon
must_fail "the purge left the package known to dpkg" dpkg -s ptmon
echo "package: installed, checked, removed and purged cleanly"

# --- 2. upgrade from the previous release --------------------------------------------------------
# The old release is packaged as it was released (CPack), once per machine: its commit is fixed,
# so the package of an earlier run is the same package. It only has to make the data and the
# configuration to upgrade from, so it is compiled without optimisation or debug information,
# the quickest way through its sources from a cold cache, and as a unity build but for its
# ptmon_service (two of whose files define the same helpers), set from outside its sources:
# 98 s of CPU instead of 130.
old_tree=$fixed/v0.1.0-${previous_release:0:12}
if ! compgen -G "$old_tree/deb/ptmon_*_amd64.deb" >/dev/null; then
  if ! git -C "$source_dir" cat-file -e "$previous_release^{commit}" 2>/dev/null; then
    echo "package: the previous release ($previous_release) is not in this clone's history" \
      "(a shallow clone?); the upgrade from it is not tested" >&2
    exit 0
  fi
  rm -rf "$old_tree" && mkdir -p "$old_tree/src"
  git -C "$source_dir" archive "$previous_release" | tar -x -C "$old_tree/src"
  (
    export CCACHE_BASEDIR=$old_tree CCACHE_NOHASHDIR=1
    echo "cmake_language(DEFER DIRECTORY $old_tree/src CALL set_target_properties ptmon_service" \
      "PROPERTIES UNITY_BUILD OFF)" >"$old_tree/unity.cmake"
    cmake -S "$old_tree/src" -B "$old_tree/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O0 -g0" -DPTMON_BUILD_TESTS=OFF -DPTMON_BUILD_BENCH=OFF \
      -DCMAKE_UNITY_BUILD=ON -DCMAKE_PROJECT_INCLUDE="$old_tree/unity.cmake" >/dev/null
    cmake --build "$old_tree/build" --target ptmon ptmon_man_page >/dev/null
    cd "$old_tree/build" && cpack -G DEB -B "$old_tree/deb" >/dev/null
  )
fi
old_deb=$(ls "$old_tree"/deb/ptmon_*_amd64.deb)
dpkg -i "$old_deb" >/dev/null
old_version=$(ptmon --version)
echo "installed the previous release: $old_version"

# The operator's edits: another port, a longer settle time.
# Below the ports FreePort claims for other tests (tests/support/daemon.cc) and below the
# ephemeral range: this one cannot be claimed by the tests of another clone meanwhile.
port=$((10000 + RANDOM % 10000))
sed -i "s/^listen: .*/listen: 127.0.0.1:$port   # edited by the operator/; s/^  settle: 2s/  settle: 3s/" \
  /etc/ptmon/ptmon.yaml
edited=$(sha256sum </etc/ptmon/ptmon.yaml)
cat >"$work/july.csv" <<'EOF'
project,indicator,period,value,reason_category,reason,reporter
building-maintenance,devices-maintained,2026-07,12,人员,技术人员不足,张三
building-maintenance,repair-time,2026-07,20小时,,,张三
building-maintenance,预算执行数,2026-07,120000,,,张三
EOF
chmod 0644 "$work/july.csv"
chmod 0755 "$work"
# As the service user; setpriv executes the command itself (no child to lose track of), and the
# lock's descriptor is not handed on.
as_ptmon() { setpriv --reuid=ptmon --regid=ptmon --init-groups -- "$@" 9>&-; }
as_ptmon ptmon ingest --config /etc/ptmon/ptmon.yaml "$work/july.csv"
as_ptmon ptmon status --config /etc/ptmon/ptmon.yaml --now 2026-08-15 --format json >"$work/before.json"

dpkg -i --force-confold "$deb" "$dbgsym"
ptmon --version | grep -q "^ptmon $version "
echo "upgraded to: $(ptmon --version)"
[[ $(sha256sum </etc/ptmon/ptmon.yaml) == "$edited" ]]  # the operator's file, untouched
ptmon check-config --config /etc/ptmon/ptmon.yaml >/dev/null
# The database is at this release's schema: the same as a new one's.
as_ptmon ptmon status --config /etc/ptmon/ptmon.yaml --now 2026-08-15 --format json >"$work/after.json"
ptmon status --data-dir "$work/fresh" --now 2026-08-15 >/dev/null
schema() { sqlite3 "$1" "PRAGMA user_version"; }
[[ $(schema /var/lib/ptmon/ptmon.db) == $(schema "$work/fresh/ptmon.db") ]]
echo "database schema: version $(schema /var/lib/ptmon/ptmon.db) after the upgrade"
# The same figures from status, and from the upgraded daemon on the operator's port.
same_figures() {  # every number and text both versions report, compared
  python3 - "$@" <<'EOF'
import json, sys
def walk(a, b, path):
    if isinstance(a, dict) and isinstance(b, dict):
        for key in a.keys() & b.keys():
            if key not in ("version", "generated_at", "data_changed_at"):
                walk(a[key], b[key], path + "." + key)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b): sys.exit(f"{path}: {len(a)} entries before, {len(b)} after")
        for i, (x, y) in enumerate(zip(a, b)): walk(x, y, f"{path}[{i}]")
    elif a != b:
        sys.exit(f"{path}: {a!r} before, {b!r} after")
before, after = (json.load(open(f)) for f in sys.argv[1:3])
walk(before, after, "")
EOF
}
same_figures "$work/before.json" "$work/after.json"
python3 -c 'import json, sys; assert any(i["actual"] == 12 for p in json.load(open(sys.argv[1]))["projects"] for i in p["indicators"])' "$work/after.json"
setpriv --reuid=ptmon --regid=ptmon --init-groups -- \
  ptmon serve --config /etc/ptmon/ptmon.yaml --now 2026-08-15 >"$work/serve.log" 2>&1 9>&- &
daemon_pid=$!  # ptmon itself: setpriv executes it
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
  kill -0 "$daemon_pid" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
  sleep 0.1
done
curl -sf "http://127.0.0.1:$port/api/v1/status" >"$work/served.json"
same_figures "$work/before.json" "$work/served.json"
kill "$daemon_pid"
wait "$daemon_pid" || true
must_fail "the daemon outlived the test" kill -0 "$daemon_pid"
daemon_pid=
echo "upgrade: data, schema, the operator's configuration and the figures kept"

dpkg -r ptmon-dbgsym ptmon
[[ ! -e /usr/bin/ptmon && -e /etc/ptmon/ptmon.yaml && -e /var/lib/ptmon/ptmon.db ]]
dpkg -P ptmon 2>"$work/purge.err"
grep -q "keeping /var/lib/ptmon, it holds the monitoring data" "$work/purge.err"
[[ ! -e /etc/ptmon && -e /var/lib/ptmon/ptmon.db ]]
getent passwd ptmon >/dev/null  # the owner of the kept data stays
echo "remove keeps the configuration and data; purge removes the configuration, keeps the data"

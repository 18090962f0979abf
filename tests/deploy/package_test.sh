#!/usr/bin/env bash
# Builds the Debian package, installs it with dpkg on this machine, checks the installed
# daemon (version, configuration, systemd-analyze verify and security), then removes and purges
# it and checks that nothing is left behind. Needs root, as CI has.
set -euo pipefail
build_dir=$1
if [[ $(id -u) -ne 0 ]]; then
  echo "package_test: must run as root (dpkg -i); CI runs as root" >&2
  exit 1
fi
work=$(mktemp -d)
cleanup() {
  dpkg -P ptmon >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

dpkg -P ptmon >/dev/null 2>&1 || true   # a leftover from an interrupted run
(cd "$build_dir" && cpack -G DEB -B "$work" >/dev/null)
deb=$(ls "$work"/ptmon_*_amd64.deb)
echo "built $(basename "$deb")"
dpkg-deb --info "$deb" | grep -E "^ (Depends|Package|Version):"
contents=$(dpkg-deb --contents "$deb")
grep -q "./etc/ptmon/ptmon.yaml" <<<"$contents"
grep -q "./usr/share/man/man1/ptmon.1.gz" <<<"$contents"
grep -qx "/etc/ptmon/ptmon.yaml" <<<"$(dpkg-deb --info "$deb" conffiles)"

dpkg -i "$deb"
ptmon --version | grep -q "^ptmon "
ptmon check-config --config /etc/ptmon/ptmon.yaml
getent passwd ptmon >/dev/null
[[ -d /var/lib/ptmon/inbox ]]
[[ $(stat -c %U /var/lib/ptmon/inbox) == ptmon ]]
man -w ptmon >/dev/null 2>&1 || [[ -f /usr/share/man/man1/ptmon.1.gz ]]

unit=/lib/systemd/system/ptmon.service
systemd-analyze verify "$unit"
security=$(systemd-analyze security --offline=true "$unit" 2>&1 | tail -1)
echo "systemd-analyze security: $security"
grep -qE "Overall exposure level for ptmon.service: [0-9.]+ (OK|SAFE|PERFECT)" <<<"$security"

dpkg -r ptmon
[[ ! -e /usr/bin/ptmon ]]
[[ -e /etc/ptmon/ptmon.yaml ]]   # conffiles stay until purge
dpkg -P ptmon
[[ ! -e /etc/ptmon ]]
[[ ! -e /var/lib/ptmon ]]
! getent passwd ptmon >/dev/null
! dpkg -s ptmon >/dev/null 2>&1
echo "package: installed, checked, removed and purged cleanly"

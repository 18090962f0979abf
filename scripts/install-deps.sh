#!/usr/bin/env bash
# Installs everything ptmon needs to build, test and benchmark, from Debian packages only.
# Idempotent: packages already present are left alone, and apt is not touched at all then.
set -euo pipefail

build_packages=(
  build-essential cmake ninja-build pkg-config git
  libsqlite3-dev sqlite3 libasio-dev libyaml-dev libyaml-cpp-dev libspdlog-dev libfmt-dev
  prometheus-cpp-dev libcurl4-openssl-dev zlib1g-dev libssl-dev
  libcli11-dev nlohmann-json3-dev libgtest-dev libgmock-dev libxlsxwriter-dev
  libzip-dev libexpat1-dev libargon2-dev libdeflate-dev libmimalloc-dev libicu-dev ccache
)
test_packages=(prometheus prometheus-alertmanager prometheus-node-exporter python3 curl systemd dpkg-dev
               clang-14 libclang-rt-14-dev wrk debhelper lintian python3-openpyxl
               libreoffice-calc-nogui chromium chromium-driver python3-selenium poppler-utils
               python3-yaml fonts-wqy-microhei)

wanted=("${build_packages[@]}")
if [[ "${1:-}" == "--with-test-peers" ]]; then
  wanted+=("${test_packages[@]}")
fi

missing=()
for package in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing packages: ${missing[*]}; run as root or install them yourself" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# The peers are daemons whose packages start services; tests start their own instances.
apt-get install -y -qq --no-install-recommends "${missing[@]}"

#!/usr/bin/env bash
# Installs the Debian packages dadns needs to build, run and test, when any is missing.
# Used by every Makefile target; a no-op (one dpkg query) when everything is there.
set -euo pipefail

build_packages=(
  build-essential cmake pkg-config clang
  libpoco-dev libspdlog-dev catch2 libyaml-cpp-dev libldns-dev libssl-dev
  libmariadb-dev libpq-dev
  # clang's sanitizer and libFuzzer runtimes (only recommended by clang, which is installed
  # without recommends) and llvm-symbolizer for readable stacks: the fuzz build (fuzz/).
  libclang-rt-14-dev llvm-14
  # `make package`: debhelper drives debian/rules (dpkg-dev with it); fakeroot when not root.
  debhelper fakeroot
)
# Real servers the integration tests and benchmarks start on loopback, and the tools they use.
test_packages=(
  bind9 bind9-dnsutils ldnsutils
  pdns-server pdns-backend-sqlite3 sqlite3
  mariadb-server mariadb-client
  postgresql
  curl procps openssl
  chromium chromium-driver python3-selenium  # the web console's browser test (tests/browser)
  docker.io busybox-static  # a private dockerd and its test image (tests/servers/docker.sh)
  # The package test (tests/package): lintian on the packages, systemd-analyze verify on the unit.
  lintian systemd
)

case "${1:-all}" in
  build) wanted=("${build_packages[@]}") ;;
  all) wanted=("${build_packages[@]}" "${test_packages[@]}") ;;
  *) echo "usage: $0 [build|all]" >&2; exit 2 ;;
esac

missing=()
for pkg in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "dadns needs these Debian packages: ${missing[*]}" >&2
  echo "run as root: apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Package installs must not start the servers: tests start their own on loopback.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && created_policy=1
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
# docker.io enables dockerd and containerd at boot; the tests start dockerds of their own
# (tests/servers/docker.sh). Disabled when installed here: a machine that had Docker keeps its setup.
if [[ " ${missing[*]} " == *" docker.io "* ]] && command -v systemctl > /dev/null; then
  systemctl disable --quiet docker.service docker.socket containerd.service 2> /dev/null || true
fi
[ "$created_policy" -eq 1 ] && rm -f "$policy"
exit 0

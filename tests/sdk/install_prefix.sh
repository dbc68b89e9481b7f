#!/usr/bin/env bash
# `cmake --install BUILD --prefix DIR` (no DESTDIR) writes only under DIR: the daemon, plugins,
# SDK, default config and unit. A second install keeps an edited config. The SDK component alone
# is what a plugin build needs: examples/plugin-template builds against it.
#
#   install_prefix.sh SOURCE_DIR BUILD_DIR SYSCONFDIR UNITDIR
# SYSCONFDIR and UNITDIR are the build's CMAKE_INSTALL_SYSCONFDIR and DADNS_INSTALL_SYSTEMD_UNITDIR;
# a build configured with absolute ones installs there on purpose, so the check is skipped (77).
set -euo pipefail
src=${1:?source dir}
build=${2:?build dir}
sysconfdir=${3:?sysconfdir}
unitdir=${4:?unit dir}
if [[ $sysconfdir == /* || $unitdir == /* ]]; then
  echo "skipped: the build installs config or unit at absolute paths ($sysconfdir, $unitdir)"
  exit 77
fi

work=$(mktemp -d)
# On failure, show the end of each step's output.
trap 'status=$?; if [ $status -ne 0 ]; then tail -n 40 "$work"/*.log >&2 || true; fi; rm -rf "$work"' EXIT
unset DESTDIR

# Every path the install reports (Installing, Up-to-date, Keeping existing) is under $1.
only_under() {
  local root=$1 log=$2 outside
  outside=$(sed -n 's/^-- [A-Za-z ]*: \(\/.*\)$/\1/p' "$log" | grep -v "^$root/" || true)
  if [ -n "$outside" ]; then
    echo "installed outside $root:" >&2
    echo "$outside" >&2
    exit 1
  fi
}

prefix="$work/prefix"
cmake --install "$build" --prefix "$prefix" > "$work/install.log"
only_under "$prefix" "$work/install.log"
test -x "$prefix/bin/dadns"
test -f "$prefix/$sysconfdir/dadns/dadns.yml"
unit="$prefix/$unitdir/dadns.service"
grep -qx "ExecStart=$prefix/bin/dadns --config=$prefix/$sysconfdir/dadns/dadns.yml" "$unit"
test -f "$prefix/include/dadns/abi.h"
find "$prefix" -path '*/dadns/plugins/bind.so' | grep -q .

echo "# edited" >> "$prefix/$sysconfdir/dadns/dadns.yml"
cmake --install "$build" --prefix "$prefix" > "$work/reinstall.log"
only_under "$prefix" "$work/reinstall.log"
grep -q "^# edited" "$prefix/$sysconfdir/dadns/dadns.yml"

# The SDK alone: headers and the CMake package, nothing else.
sdk="$work/sdk"
cmake --install "$build" --component sdk --prefix "$sdk" > "$work/sdk-install.log"
only_under "$sdk" "$work/sdk-install.log"
others=$(cd "$sdk" && find . -type f | grep -v -e '^\./include/dadns/' -e '^\./lib[^/]*/\(.*/\)\?cmake/dadns-sdk/' || true)
if [ -n "$others" ]; then
  echo "the sdk component installed more than headers and the CMake package:" >&2
  echo "$others" >&2
  exit 1
fi

cmake -S "$src/examples/plugin-template" -B "$work/tpl-build" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$sdk" > "$work/configure.log"
cmake --build "$work/tpl-build" > "$work/build.log"
test -f "$work/tpl-build/json_files.so"
echo "ok: full install and SDK-only install stay under the prefix; the template builds against the SDK"

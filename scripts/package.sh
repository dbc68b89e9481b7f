#!/usr/bin/env bash
# Builds the Debian packages dadns and dadns-dev from an already compiled Release build (nothing
# is compiled again): debian/ is copied next to the output and debian/rules installs the build
# into its staging tree (see debian/rules). The source tree is not written to.
#
#   scripts/package.sh BUILD_DIR OUT_DIR     -> OUT_DIR/dadns_<version>_<arch>.deb, dadns-dev_<version>_all.deb
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:?build dir}" && pwd)
out=${2:?output dir}
mkdir -p "$out"
out=$(cd "$out" && pwd)

cache="$build/CMakeCache.txt"
[ -f "$cache" ] && [ -x "$build/bin/dadns" ] || { echo "package: $build is not a built dadns build directory (make build)" >&2; exit 1; }
cached() { sed -n "s/^$1:[A-Z]*=//p" "$cache"; }
if [ "$(cached CMAKE_BUILD_TYPE)" != Release ] || [ -n "$(cached DADNS_SANITIZE)" ]; then
  echo "package: $build is not a plain Release build (CMAKE_BUILD_TYPE=$(cached CMAKE_BUILD_TYPE), DADNS_SANITIZE=$(cached DADNS_SANITIZE))" >&2
  exit 1
fi
# The package layout (/usr/lib/dadns/plugins, /usr/lib/cmake) and the plugin path compiled into
# the daemon both follow the build's libdir.
if [ "$(cached CMAKE_INSTALL_LIBDIR)" != lib ]; then
  echo "package: the build's CMAKE_INSTALL_LIBDIR is '$(cached CMAKE_INSTALL_LIBDIR)'; the packages expect 'lib'" >&2
  exit 1
fi

# The package version is the project's: debian/changelog must have an entry for it.
version=$(cached CMAKE_PROJECT_VERSION)
changelog_version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
if [ "$changelog_version" != "$version" ]; then
  echo "package: debian/changelog is at $changelog_version, the project (CMakeLists.txt) at $version:" >&2
  echo "add a debian/changelog entry for $version" >&2
  exit 1
fi

stage="$out/source"
rm -rf "$stage"
mkdir -p "$stage"
cp -a "$src/debian" "$stage/debian"
# debian/*.docs and *.examples name files of the source tree.
cp -rL "$src/README.md" "$src/docs" "$src/examples" "$stage/"

rm -f "$out"/dadns*_"$version"_*.deb "$out"/dadns*_"$version"_*.ddeb
cd "$stage"
run=()
[ "$(id -u)" -eq 0 ] || run=(fakeroot)
DADNS_BUILD_DIR="$build" DADNS_PACKAGE_DIR="$out" "${run[@]}" debian/rules binary
rm -rf "$stage"
ls "$out"/*.deb

#!/usr/bin/env bash
# Stages an install of dadns (SDK included) and builds examples/plugin-template against it,
# out of tree, with clang++ (the daemon is built with g++): what a third party does.
#
#   template_build.sh SOURCE_DIR BUILD_DIR WORK_DIR    -> WORK_DIR/tpl-build/json_files.so
set -euo pipefail
src=${1:?source dir}
build=${2:?build dir}
work=${3:?work dir}

rm -rf "$work/stage" "$work/tpl-build"
# DESTDIR keeps every file (the config and unit too) inside the work directory.
DESTDIR="$work/stage" cmake --install "$build" --prefix /usr/local > "$work/install.log"
prefix="$work/stage/usr/local"
test -f "$prefix/include/dadns/abi.h"
test -f "$prefix/lib/cmake/dadns-sdk/dadns-sdk-config.cmake" || test -f "$prefix/lib/x86_64-linux-gnu/cmake/dadns-sdk/dadns-sdk-config.cmake"

cmake -S "$src/examples/plugin-template" -B "$work/tpl-build" \
  -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" > "$work/configure.log"
cmake --build "$work/tpl-build" > "$work/build.log"

plugin="$work/tpl-build/json_files.so"
test -f "$plugin"
# Every defined dynamic symbol, weak template instantiations included.
exported=$(nm -D --defined-only "$plugin" | awk 'NF == 3 && $2 != "A" { print $3 }')
if [ "$exported" != "dadns_plugin_init" ]; then
  echo "expected only dadns_plugin_init exported, got: $exported" >&2
  exit 1
fi
echo "$plugin"

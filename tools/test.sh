#!/bin/sh
# Runs the whole test suite from a fresh checkout: installs missing Debian
# packages (as root), configures, builds and runs `meson test`.
#   tools/test.sh                 normal build in build/
#   BUILD_DIR=build-asan MESON_ARGS=-Db_sanitize=address,undefined tools/test.sh
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-build}
"$root/tools/setup.sh"
cd "$root"
if [ ! -f "$build/build.ninja" ]; then
    # shellcheck disable=SC2086
    meson setup "$build" ${MESON_ARGS:-}
fi
ninja -C "$build"
exec meson test -C "$build" --print-errorlogs --num-processes 2 "$@"

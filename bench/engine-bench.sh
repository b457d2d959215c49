#!/bin/sh
# engine-bench.sh: the scenario engine's overhead per statement (target:
# ≤ 20 µs).  Usage: bench/engine-bench.sh [BUILD_DIR] [ROUNDS] [STATEMENTS]
set -eu
build=${1:-build}
rounds=${2:-5}
statements=${3:-20000}
bench="$build/bench/engine-bench"
[ -x "$bench" ] || { echo "engine-bench.sh: build $bench first (ninja -C $build bench/engine-bench)" >&2; exit 2; }
# One CPU: the process and the collector share it, as on a loaded machine,
# and cross-CPU wake-ups do not add noise.
if command -v taskset >/dev/null 2>&1; then
  exec taskset -c 0 "$bench" "$rounds" "$statements"
fi
exec "$bench" "$rounds" "$statements"

#!/bin/sh
# Drawing speed (figures in docs/performance.md, "Drawing").
# Usage: bench/drawing-bench.sh [BUILD_DIR] [REPEATS]
set -eu
build=${1:-build}
repeats=${2:-9}
exec "$build/bench/drawing-bench" "$repeats"

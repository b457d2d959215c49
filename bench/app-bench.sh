#!/bin/sh
# The app's speed on a 10,000-process / 1,000,000-event synthetic trace, on a
# private virtual display (Xvfb, cairo renderer), measured with the frame clock.
# Usage: bench/app-bench.sh [BUILD_DIR] [PROCESSES] [EVENTS] [live [RECORDS]]
#        (default: build 10000 1000000; "live": the live view's refresh as the
#        recording grows by RECORDS event records of 8,192 events, default 1)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
case $build in /*) ;; *) build=$here/$build ;; esac
processes=${2:-10000}
events=${3:-1000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

trace=$work/big.fstrace
"$build/app/forkscope-cli" synth --processes "$processes" --events "$events" -o "$trace"
echo "trace: $processes processes, $events events, $(stat -c %s "$trace") bytes"
GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR=$build/data GSK_RENDERER=cairo GDK_BACKEND=x11 \
NO_AT_BRIDGE=1 GTK_A11Y=none \
  xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" "$build/bench/app-bench" \
    ${4:+--live} "$trace" ${4:+${5:-1}}

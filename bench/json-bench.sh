#!/bin/sh
# json-bench.sh: JSON export time and size, import time and peak RSS, on a
# synthetic 1,000,000-event / 10,000-process trace; median of RUNS runs.
# CPU times (user + system) are printed too: on a shared machine they show
# the work done, which wall time mixes with waiting for a CPU.
#
# Usage: bench/json-bench.sh [BUILD_DIR]   (default: build-bench, set up with
# meson when missing).  PROCESSES, EVENTS and RUNS override the sizes.
set -eu

src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build-bench}
processes=${PROCESSES:-10000}
events=${EVENTS:-1000000}
runs=${RUNS:-3}

if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" "$src" --buildtype=release >/dev/null
fi
ninja -C "$build" -j2 bench/json-bench >/dev/null
bench="$build/bench/json-bench"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
file="$tmp/bench.json"

field() { printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

for f in export export_cpu import import_cpu rss; do : >"$tmp/$f"; done
i=0
while [ $i -lt "$runs" ]; do
  out=$("$bench" export "$processes" "$events" "$file")
  field export_s "$out" >>"$tmp/export"
  field export_cpu_s "$out" >>"$tmp/export_cpu"
  bytes=$(field bytes "$out")
  per_event=$(field bytes_per_event "$out")
  out=$("$bench" import "$file")
  field import_s "$out" >>"$tmp/import"
  field import_cpu_s "$out" >>"$tmp/import_cpu"
  field peak_rss_kib "$out" >>"$tmp/rss"
  i=$((i + 1))
done

echo "json: $events events, $processes processes, median of $runs runs"
echo "  export: $(median <"$tmp/export") s (cpu $(median <"$tmp/export_cpu") s), $bytes bytes ($per_event bytes/event)"
echo "  import: $(median <"$tmp/import") s (cpu $(median <"$tmp/import_cpu") s), peak RSS $(( $(median <"$tmp/rss") / 1024 )) MiB"

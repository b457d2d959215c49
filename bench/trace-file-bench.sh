#!/bin/sh
# trace-file-bench.sh: write time, file size, open time and peak RSS of the
# .fstrace format on a synthetic 1,000,000-event / 10,000-process trace,
# median of 5 runs each.  Targets: open <= 1.0 s, peak RSS <= 200 MiB,
# <= 40 bytes per event.
#
# Wall times depend on how busy the machine is; CPU times (user + system) are
# printed too because they do not.
#
# Usage: bench/trace-file-bench.sh [BUILD_DIR]   (default: build-bench, set
# up with meson when missing).  PROCESSES, EVENTS and RUNS override the sizes.
set -eu

src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build-bench}
processes=${PROCESSES:-10000}
events=${EVENTS:-1000000}
runs=${RUNS:-5}

if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" "$src" --buildtype=release >/dev/null
fi
ninja -C "$build" -j2 bench/trace-file-bench >/dev/null
bench="$build/bench/trace-file-bench"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
file="$tmp/bench.fstrace"

# field NAME LINE: the value of NAME=VALUE in LINE.
field() { printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

: >"$tmp/write" ; : >"$tmp/write_cpu" ; : >"$tmp/open" ; : >"$tmp/open_cpu" ; : >"$tmp/rss"
i=0
while [ $i -lt "$runs" ]; do
  out=$("$bench" write "$processes" "$events" "$file")
  field write_s "$out" >>"$tmp/write"
  field write_cpu_s "$out" >>"$tmp/write_cpu"
  bytes=$(field bytes "$out")
  per_event=$(field bytes_per_event "$out")
  out=$("$bench" open "$file")
  field open_s "$out" >>"$tmp/open"
  field open_cpu_s "$out" >>"$tmp/open_cpu"
  field peak_rss_kib "$out" >>"$tmp/rss"
  i=$((i + 1))
done

write_s=$(median <"$tmp/write")
write_cpu_s=$(median <"$tmp/write_cpu")
open_s=$(median <"$tmp/open")
open_cpu_s=$(median <"$tmp/open_cpu")
rss_kib=$(median <"$tmp/rss")
rss_mib=$(awk "BEGIN { printf \"%.1f\", $rss_kib / 1024 }")

verdict() { awk "BEGIN { exit !($1) }" && echo ok || echo OVER; }
echo "trace file: $events events, $processes processes, median of $runs runs" \
  "(load average $(cut -d' ' -f1 /proc/loadavg) on $(nproc) CPUs)"
echo "  write time:  ${write_s} s wall, ${write_cpu_s} s CPU"
echo "  file size:   ${bytes} bytes (${per_event} bytes/event; target <= 40: $(verdict "$per_event <= 40"))"
echo "  open time:   ${open_s} s wall (target <= 1.0: $(verdict "$open_s <= 1.0")), ${open_cpu_s} s CPU"
echo "  peak RSS:    ${rss_mib} MiB (target <= 200: $(verdict "$rss_mib <= 200"))"

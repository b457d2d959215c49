#!/bin/bash
# signalfd-bench.sh: what seeing signalfd reads costs under the ptrace tracer.
#
#   bench/signalfd-bench.sh [BUILD_DIR [REPS [READS]]]   (defaults: build, 5, 200000)
#   BASE_CLI=/path/to/older/forkscope-cli bench/signalfd-bench.sh   adds a column
#
# An ordinary program (N one-byte reads of /dev/zero) must cost the same as
# before: its calls are not in the seccomp filter.  A program that holds a
# signalfd is followed with syscall stops (two per call), which is the price
# of seeing the signals it reads.  As root, the tracefs backend too: the read
# tracepoints are enabled (filtered in the kernel) only in a tree that made
# a signalfd.  Prints, per workload and configuration,
# the median of the workload's own per-read time (µs) over REPS runs; the
# configurations are interleaved so that background load hits them alike.
set -euo pipefail

BUILD=${1:-build}
REPS=${2:-5}
READS=${3:-200000}
WORKLOAD=$BUILD/bench/fork-signal-workload
CLI=$BUILD/app/forkscope-cli
for tool in "$WORKLOAD" "$CLI"; do
  if [ ! -x "$tool" ]; then
    echo "signalfd-bench: $tool is missing; build first (ninja -C $BUILD)" >&2
    exit 2
  fi
done

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

configs=(untraced ptrace)
if [ -n "${BASE_CLI:-}" ]; then configs+=(ptrace-base); fi
if [ "$(id -u)" = 0 ]; then configs+=(tracefs); fi
if [ "$(id -u)" = 0 ] && [ -n "${BASE_CLI:-}" ]; then configs+=(tracefs-base); fi

run () {   # config workload → per_op_us
  local out
  case $1 in
    untraced)    out=$("$WORKLOAD" "$2" "$READS") ;;
    ptrace)      out=$("$CLI" record --tracer ptrace -q -o "$TMP/t.fstrace" -- "$WORKLOAD" "$2" "$READS") ;;
    ptrace-base) out=$("$BASE_CLI" record --tracer ptrace -q -o "$TMP/t.fstrace" -- "$WORKLOAD" "$2" "$READS") ;;
    tracefs)     out=$("$CLI" record --tracer tracefs -q -o "$TMP/t.fstrace" -- "$WORKLOAD" "$2" "$READS") ;;
    tracefs-base) out=$("$BASE_CLI" record --tracer tracefs -q -o "$TMP/t.fstrace" -- "$WORKLOAD" "$2" "$READS") ;;
  esac
  sed -n 's/.*per_op_us=\([0-9.]*\).*/\1/p' <<<"$out"
}

median () { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

printf '%-16s' "per read (us)"
for c in "${configs[@]}"; do printf '%14s' "$c"; done
echo
for w in reads signalfd-reads; do
  for c in "${configs[@]}"; do : >"$TMP/$w.$c"; done
  for ((i = 0; i < REPS; i++)); do
    for c in "${configs[@]}"; do
      run "$c" "$w" >>"$TMP/$w.$c"
    done
  done
  printf '%-16s' "$w"
  for c in "${configs[@]}"; do printf '%14s' "$(median <"$TMP/$w.$c")"; done
  echo
done

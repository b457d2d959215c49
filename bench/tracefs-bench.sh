#!/bin/bash
# tracefs-bench.sh: what the tracefs tracer costs, side by side in one run:
# untraced, forkscope's tracefs tracer, `trace-cmd record` of the same events
# (system-wide: its -F/-c pid following needs the function tracer, whose files
# refuse writes on this platform), and forkscope's ptrace tracer.
#
#   bench/tracefs-bench.sh [BUILD_DIR [REPS]]      (defaults: build, 5; needs root)
#
# Two figures, because short runs are dominated by set-up:
# - fixed cost: the whole-run wall time of recording `true`, minus untraced;
#   for forkscope tracefs also its own set-up time (instances created, events
#   enabled) from FS_TRACEFS_TIMING.  The instances are removed by a detached
#   helper after the recording, off the critical path; its time is shown too.
# - per-operation cost: the workload's own clock (bench/fork-signal-workload:
#   fork+exit+wait; one signal round trip with both processes pinned to CPU 0;
#   one storm signal), and the whole-run wall time, each as a ratio over
#   untraced.
# Medians over REPS; the configurations are interleaved within each
# repetition so that background load hits them alike.  Lost events of the
# last forkscope tracefs run and its completeness against the workload's own
# counts are checked at the end.
set -euo pipefail

BUILD=${1:-build}
REPS=${2:-5}
WORKLOAD=$BUILD/bench/fork-signal-workload
CLI=$BUILD/app/forkscope-cli
COUNTS=$BUILD/bench/trace-counts
TRACING=/sys/kernel/tracing

if [ "$(id -u)" != 0 ]; then
  echo "tracefs-bench: the tracefs tracer and trace-cmd need root" >&2
  exit 2
fi
for tool in "$WORKLOAD" "$CLI" "$COUNTS"; do
  if [ ! -x "$tool" ]; then
    echo "tracefs-bench: $tool is missing; build first (ninja -C $BUILD)" >&2
    exit 2
  fi
done
if ! command -v trace-cmd >/dev/null; then
  echo "tracefs-bench: trace-cmd is not installed" >&2
  exit 2
fi
mountpoint -q "$TRACING" || mount -t tracefs nodev "$TRACING"

# The events forkscope's tracefs tracer enables (tracer/tracefs-tracer.c),
# less its execve uprobe, which trace-cmd cannot define the same way
# (docs/tracers.md, "exec argv from a uprobe").
EVENTS=(task:task_newtask sched:sched_process_exec sched:sched_process_exit
        signal:signal_generate signal:signal_deliver task:task_rename
        syscalls:sys_enter_exit_group syscalls:sys_enter_exit syscalls:sys_enter_wait4
        syscalls:sys_exit_wait4 syscalls:sys_enter_waitid syscalls:sys_exit_waitid
        syscalls:sys_enter_rt_sigtimedwait syscalls:sys_exit_rt_sigtimedwait
        syscalls:sys_enter_kill syscalls:sys_exit_kill syscalls:sys_enter_setpgid
        syscalls:sys_exit_setpgid syscalls:sys_exit_setsid
        syscalls:sys_exit_clone syscalls:sys_exit_clone3 syscalls:sys_exit_fork
        syscalls:sys_exit_vfork syscalls:sys_enter_clone syscalls:sys_enter_unshare
        syscalls:sys_enter_setns)
TC_EVENTS=()
for e in "${EVENTS[@]}"; do TC_EVENTS+=(-e "$e"); done

WORKLOADS=(
  "forks ${FORKS:-2000}"
  "tree ${DEPTH:-9}"
  "pingpong ${ROUNDS:-20000}"
  "storm 4 ${STORM:-5000}"
)
CONFIGS=(untraced tracefs trace-cmd ptrace)

TMP=$(mktemp -d /tmp/tracefs-bench.XXXXXX)
# trace-cmd leaves the top-level instance's tracing_on as it likes: restore it.
TOP_TRACING_ON=$(cat "$TRACING/tracing_on")
cleanup() {
  echo "$TOP_TRACING_ON" > "$TRACING/tracing_on" || true
  rm -rf "$TMP"
}
trap cleanup EXIT

# run CONFIG COMMAND…: prints "wall_ms per_op_us output-line"
run() {
  local config=$1
  shift
  local start end line
  start=$(date +%s%N)
  case $config in
    untraced)
      line=$("$@") ;;
    tracefs)
      line=$(FS_TRACEFS_TIMING=1 "$CLI" record --tracer tracefs -q -o "$TMP/trace.fstrace" -- \
               "$@" 2>"$TMP/timing") ;;
    trace-cmd)
      # It always exits 1 here, after writing a complete file (the function
      # tracer's files refuse writes).
      line=$(trace-cmd record -q -d --no-filter -o "$TMP/trace.dat" "${TC_EVENTS[@]}" "$@" \
               2>/dev/null || true) ;;
    ptrace)
      line=$("$CLI" record --tracer ptrace -q -o "$TMP/ptrace.fstrace" -- "$@") ;;
  esac
  end=$(date +%s%N)
  local per_op
  per_op=$(sed -n 's/.*per_op_us=\([0-9.]*\).*/\1/p' <<<"$line")
  echo "$(( (end - start) / 1000000 )) ${per_op:-0} $line"
}

median() {
  sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'
}

field() {  # field KEY LINE
  sed -n "s/.*\b$1=\([0-9]*\).*/\1/p" <<<"$2"
}

echo "# tracefs tracer benchmark: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $REPS repetitions, medians; ratios are over untraced"
echo

# ---- fixed cost: recording `true`
for config in "${CONFIGS[@]}"; do : > "$TMP/fixed.$config"; done
: > "$TMP/setup"
: > "$TMP/remove"
for ((rep = 0; rep < REPS; rep++)); do
  for ((k = 0; k < ${#CONFIGS[@]}; k++)); do
    config=${CONFIGS[$(( (k + rep) % ${#CONFIGS[@]} ))]}
    result=$(run "$config" true)
    echo "${result%% *}" >> "$TMP/fixed.$config"
    if [ "$config" = tracefs ]; then
      sed -n 's/^tracefs-timing: setup \([0-9.]*\) ms/\1/p' "$TMP/timing" >> "$TMP/setup"
      # The detached helper removes the instances: time until they are gone.
      start=$(date +%s%N)
      for ((wait = 0; wait < 400; wait++)); do
        ls "$TRACING/instances" | grep -q '^forkscope-' || break
        sleep 0.005
      done
      echo $(( ($(date +%s%N) - start) / 1000000 )) >> "$TMP/remove"
    fi
  done
done
UNTRACED_FIXED=$(median < "$TMP/fixed.untraced")
echo "Fixed cost (recording \`true\`):"
echo
printf '| %-10s | %12s | %14s |\n' tracer "wall ms" "ms over untraced"
printf '|%s|%s|%s|\n' ------------ -------------- ----------------
for config in "${CONFIGS[@]}"; do
  wall=$(median < "$TMP/fixed.$config")
  printf '| %-10s | %12s | %14s |\n' "$config" "$wall" \
    "$(awk -v a="$wall" -v b="$UNTRACED_FIXED" 'BEGIN { printf "%.0f", a - b }')"
done
echo
echo "forkscope tracefs set-up (instances created, events enabled): median $(median < "$TMP/setup") ms;"
echo "instance removal (detached, after the recording ended): median $(median < "$TMP/remove") ms after exit."
echo

# ---- per-operation cost
printf '| %-16s | %-10s | %10s | %7s | %11s | %7s |\n' workload tracer "wall ms" "× wall" "µs per op" "× op"
printf '|%s|%s|%s|%s|%s|%s|\n' ------------------ ------------ ------------ --------- ------------- ---------

declare -A WALL OP
CHECKS=()
for workload in "${WORKLOADS[@]}"; do
  for config in "${CONFIGS[@]}"; do
    : > "$TMP/$config.wall"
    : > "$TMP/$config.op"
  done
  last_line=""
  for ((rep = 0; rep < REPS; rep++)); do
    for ((k = 0; k < ${#CONFIGS[@]}; k++)); do
      config=${CONFIGS[$(( (k + rep) % ${#CONFIGS[@]} ))]}
      # shellcheck disable=SC2086
      result=$(run "$config" "$WORKLOAD" $workload)
      read -r wall op rest <<<"$result"
      echo "$wall" >> "$TMP/$config.wall"
      echo "$op" >> "$TMP/$config.op"
      if [ "$config" = tracefs ]; then
        last_line=$rest
        cp "$TMP/trace.fstrace" "$TMP/last.fstrace"
      fi
    done
  done
  for config in "${CONFIGS[@]}"; do
    WALL[$config]=$(median < "$TMP/$config.wall")
    OP[$config]=$(median < "$TMP/$config.op")
  done
  for config in "${CONFIGS[@]}"; do
    printf '| %-16s | %-10s | %10s | %7s | %11s | %7s |\n' "$workload" "$config" \
      "${WALL[$config]}" "$(ratio "${WALL[$config]}" "${WALL[untraced]}")" \
      "${OP[$config]}" "$(ratio "${OP[$config]}" "${OP[untraced]}")"
  done

  counts=$("$COUNTS" "$TMP/last.fstrace")
  lost=$("$CLI" show "$TMP/last.fstrace" 2>/dev/null | sed -n 's/.*lost \([0-9]*\) event.*/\1/p' | head -1)
  want="forks=$(field forks "$last_line") exits=$(( $(field exits "$last_line") + 1 )) sends=$(field signals_sent "$last_line") delivered=$(field signals_received "$last_line")"
  got="forks=$(field forks "$counts") exits=$(field exits "$counts") sends=$(field usr_sends "$counts") delivered=$(field usr_delivered "$counts")"
  verdict=OK
  [ "$want" = "$got" ] || verdict=MISMATCH
  CHECKS+=("$workload: workload $want; trace $got → $verdict; lost events ${lost:-0}")
done

echo
echo "Completeness of the last forkscope tracefs run (exits include the workload's own process):"
for line in "${CHECKS[@]}"; do
  echo "- $line"
done

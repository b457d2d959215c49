#!/bin/bash
# tracefs-cost-breakdown.sh: where the tracefs tracer's per-operation cost
# comes from, piece by piece, on the signal workloads of
# bench/fork-signal-workload (pingpong pinned to CPU 0, storm).
#
#   bench/tracefs-cost-breakdown.sh [BUILD_DIR [REPS [CONFIG…]]]   (root)
#   WORKLOADS="pingpong 20000,storm 4 5000" selects the workloads.
#
# Configurations (instances are set up by this script the way
# tracer/tracefs-tracer.c sets them up, and emptied by bench/ring-drain,
# which polls every per-CPU trace_pipe_raw with non-blocking reads every
# 20 ms as forkscope's copier does, so that the buffers never fill and wrap:
# these isolate what the kernel does in the traced programs' context.  A
# blocking reader such as `cat` is not used: the kernel then checks on every
# event whether to wake it, which costs the storm up to 0.4 per signal):
#   untraced      nothing
#   slowpath      one syscall event that never fires, system-wide: every
#                 task takes the syscall tracepoint slow path
#   pidfilters    forkscope's two pid filters (set_event_pid and
#                 set_event_notrace_pid, event-fork), no event enabled: the
#                 scheduler probes that follow pids
#   events-wide   forkscope's 26 events system-wide, without pid filter (what
#                 trace-cmd records in bench/tracefs-bench.sh)
#   events-main   the same events in forkscope's main instance (pid filter,
#                 event-fork, the kill filters)
#   events-both   events-main plus the outside-sender instance
#   events-main-local   events-main with trace-cmd's default clock (local)
#                 instead of mono
# the floor, what the issue's own list of events costs at the least:
#   floor-main    only the events issue #5 names (fork/newtask, exec, exit,
#                 signal_generate, signal_deliver, task_rename, the wait4,
#                 waitid and rt_sigtimedwait exits) in a pid-filtered instance
#                 with the mono clock, as the issue prescribes
#   floor-local   the same events system-wide with the local clock: the
#                 cheapest way to record them at all
#   signals-local signal_generate and signal_deliver alone, system-wide, local
# one tracepoint hit (for the `syscalls N` workload, a getppid loop):
#   one-event-mono, one-event-local, one-event-counter   sys_enter_getppid
#                 recorded with that trace clock
# and the real recorders:
#   trace-cmd     trace-cmd record of the 26 events, system-wide
#   forkscope     forkscope-cli record --tracer tracefs
#   forkscope-noyield   the same with FS_TRACEFS_NO_YIELD=1
#   forkscope-ref another forkscope-cli given as REF_CLI=PATH (e.g. one built
#                 from an earlier commit), for before/after comparisons
# Configurations are interleaved within each repetition; medians of the
# workload's own clock (per_op_us) and of its CPU time (op_cpu_us), with
# ratios over untraced.
set -uo pipefail

BUILD=${1:-build}
REPS=${2:-9}
shift $(( $# < 2 ? $# : 2 ))
CONFIGS=("$@")
[ ${#CONFIGS[@]} -gt 0 ] || CONFIGS=(untraced slowpath pidfilters events-wide events-main
                                     events-both trace-cmd forkscope forkscope-noyield)
IFS=, read -ra WORKLOADS <<<"${WORKLOADS:-pingpong 20000,storm 4 5000}"
WORKLOAD=$BUILD/bench/fork-signal-workload
CLI=$BUILD/app/forkscope-cli
DRAIN=$BUILD/bench/ring-drain
TRACING=/sys/kernel/tracing
TMP=$(mktemp -d /tmp/tracefs-breakdown.XXXXXX)

if [ "$(id -u)" != 0 ]; then
  echo "tracefs-cost-breakdown: needs root" >&2
  exit 2
fi
for tool in "$WORKLOAD" "$CLI" "$DRAIN"; do
  if [ ! -x "$tool" ]; then
    echo "tracefs-cost-breakdown: $tool is missing; build first (ninja -C $BUILD)" >&2
    exit 2
  fi
done
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
FLOOR_EVENTS=(task:task_newtask sched:sched_process_exec sched:sched_process_exit
              signal:signal_generate signal:signal_deliver task:task_rename
              syscalls:sys_exit_wait4 syscalls:sys_exit_waitid syscalls:sys_exit_rt_sigtimedwait)
MAIN=$TRACING/instances/fs-breakdown-main
EXT=$TRACING/instances/fs-breakdown-ext
TOP_TRACING_ON=$(cat "$TRACING/tracing_on")

READERS=()
start_readers() {  # start_readers INSTANCE_DIR…
  local files=() d
  for d in "$@"; do files+=("$d"/per_cpu/cpu*/trace_pipe_raw); done
  "$DRAIN" "${files[@]}" &
  READERS+=($!)
}
remove_instances() {
  if [ ${#READERS[@]} -gt 0 ]; then
    kill "${READERS[@]}" 2>/dev/null
    wait "${READERS[@]}" 2>/dev/null
    READERS=()
  fi
  for d in "$EXT" "$MAIN"; do [ -d "$d" ] && rmdir "$d"; done
  true
}
cleanup() {
  remove_instances
  echo "$TOP_TRACING_ON" > "$TRACING/tracing_on" || true
  rm -rf "$TMP"
}
trap cleanup EXIT

make_main() {  # make_main [CLOCK]
  mkdir "$MAIN" && echo "${1:-mono}" > "$MAIN/trace_clock" && echo 1 > "$MAIN/options/event-fork"
  echo 'sig != 0' > "$MAIN/events/syscalls/sys_enter_kill/filter"
  echo 'ret != 0' > "$MAIN/events/syscalls/sys_exit_kill/filter"
  local f
  for f in sys_exit_clone sys_exit_clone3 sys_exit_fork sys_exit_vfork; do
    echo 'ret > 0' > "$MAIN/events/syscalls/$f/filter"
  done
  echo 'clone_flags & 0x20000000' > "$MAIN/events/syscalls/sys_enter_clone/filter"
  echo 'unshare_flags & 0x20000000' > "$MAIN/events/syscalls/sys_enter_unshare/filter"
  echo 'flags == 0 || flags & 0x20000000' > "$MAIN/events/syscalls/sys_enter_setns/filter"
}
make_ext() {
  mkdir "$EXT" && echo mono > "$EXT/trace_clock" && echo 256 > "$EXT/buffer_size_kb"
  echo 1 > "$EXT/options/event-fork"
  echo 'sig != 17' > "$EXT/events/signal/signal_generate/filter"
}
# The pid filters must name the workload before its events are enabled: a
# shell writes its own pid, enables what is asked, then execs the workload.
# (The kernel takes one event per write to set_event.)
in_tree() {  # in_tree MAIN_PID_FILE EXT_NOTRACE EVENTS_DIR "EVENTS" COMMAND…
  bash -c '
    [ -n "$1" ] && echo $$ > "$1"
    [ -n "$2" ] && { echo $$ > "$2/set_event_notrace_pid"; echo signal:signal_generate > "$2/set_event"; }
    for e in $4; do echo "$e" >> "$3/set_event"; done
    shift 4
    exec "$@"' in_tree "$@"
}

# run CONFIG WORKLOAD-ARGS…: prints "per_op_us op_cpu_us"
run() {
  local config=$1 line
  shift
  case $config in
    untraced)     line=$("$WORKLOAD" "$@") ;;
    slowpath)     mkdir "$MAIN"; echo syscalls:sys_exit_setsid > "$MAIN/set_event"
                  line=$("$WORKLOAD" "$@") ;;
    pidfilters)   make_main; make_ext
                  line=$(in_tree "$MAIN/set_event_pid" "" "$MAIN" "" "$WORKLOAD" "$@") ;;
    events-wide)  make_main; start_readers "$MAIN"
                  line=$(in_tree "" "" "$MAIN" "${EVENTS[*]}" "$WORKLOAD" "$@") ;;
    events-main)  make_main; start_readers "$MAIN"
                  line=$(in_tree "$MAIN/set_event_pid" "" "$MAIN" "${EVENTS[*]}" "$WORKLOAD" "$@") ;;
    events-both)  make_main; make_ext; start_readers "$MAIN" "$EXT"
                  line=$(in_tree "$MAIN/set_event_pid" "$EXT" "$MAIN" "${EVENTS[*]}" "$WORKLOAD" "$@") ;;
    events-main-local)
                  make_main local; start_readers "$MAIN"
                  line=$(in_tree "$MAIN/set_event_pid" "" "$MAIN" "${EVENTS[*]}" "$WORKLOAD" "$@") ;;
    floor-main)   make_main; start_readers "$MAIN"
                  line=$(in_tree "$MAIN/set_event_pid" "" "$MAIN" "${FLOOR_EVENTS[*]}" "$WORKLOAD" "$@") ;;
    floor-local)  make_main local; start_readers "$MAIN"
                  line=$(in_tree "" "" "$MAIN" "${FLOOR_EVENTS[*]}" "$WORKLOAD" "$@") ;;
    signals-local) make_main local; start_readers "$MAIN"
                  line=$(in_tree "" "" "$MAIN" "signal:signal_generate signal:signal_deliver" \
                                 "$WORKLOAD" "$@") ;;
    one-event-*)  make_main "${config#one-event-}"; start_readers "$MAIN"
                  line=$(in_tree "" "" "$MAIN" "syscalls:sys_enter_getppid" "$WORKLOAD" "$@") ;;
    trace-cmd)    line=$(trace-cmd record -q -d --no-filter -o "$TMP/trace.dat" "${TC_EVENTS[@]}" \
                           "$WORKLOAD" "$@" 2>/dev/null || true) ;;
    forkscope)    line=$("$CLI" record --tracer tracefs -q -o "$TMP/t.fstrace" -- "$WORKLOAD" "$@") ;;
    forkscope-noyield)
                  line=$(FS_TRACEFS_NO_YIELD=1 "$CLI" record --tracer tracefs -q -o "$TMP/t.fstrace" -- \
                           "$WORKLOAD" "$@") ;;
    forkscope-ref)
                  line=$("${REF_CLI:?REF_CLI=PATH names the reference forkscope-cli}" record \
                           --tracer tracefs -q -o "$TMP/t.fstrace" -- "$WORKLOAD" "$@") ;;
    *)            echo "tracefs-cost-breakdown: unknown configuration $config" >&2; exit 2 ;;
  esac
  remove_instances
  echo "$(sed -n 's/.*per_op_us=\([0-9.]*\).*/\1/p' <<<"$line") $(sed -n 's/.*op_cpu_us=\([0-9.]*\).*/\1/p' <<<"$line")"
}

median() {
  sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'
}

remove_instances
echo "# tracefs cost breakdown: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $REPS repetitions, medians; ratios are over untraced"
echo
printf '| %-16s | %-17s | %10s | %6s | %10s | %6s |\n' workload configuration "µs per op" "× op" "CPU µs/op" "× CPU"
printf '|%s|%s|%s|%s|%s|%s|\n' ------------------ ------------------- ------------ -------- ------------ --------
for workload in "${WORKLOADS[@]}"; do
  for config in "${CONFIGS[@]}"; do : > "$TMP/$config.op"; : > "$TMP/$config.cpu"; done
  for ((rep = 0; rep < REPS; rep++)); do
    for ((k = 0; k < ${#CONFIGS[@]}; k++)); do
      config=${CONFIGS[$(( (k + rep) % ${#CONFIGS[@]} ))]}
      # shellcheck disable=SC2086
      read -r op cpu <<<"$(run "$config" $workload)"
      echo "${op:-0}" >> "$TMP/$config.op"
      echo "${cpu:-0}" >> "$TMP/$config.cpu"
    done
  done
  base_op=$(median < "$TMP/untraced.op" 2>/dev/null || echo 0)
  base_cpu=$(median < "$TMP/untraced.cpu" 2>/dev/null || echo 0)
  for config in "${CONFIGS[@]}"; do
    op=$(median < "$TMP/$config.op")
    cpu=$(median < "$TMP/$config.cpu")
    printf '| %-16s | %-17s | %10s | %6s | %10s | %6s |\n' "$workload" "$config" \
      "$op" "$(ratio "$op" "$base_op")" "$cpu" "$(ratio "$cpu" "$base_cpu")"
  done
done
echo
echo "# end: $(date -u '+%H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"

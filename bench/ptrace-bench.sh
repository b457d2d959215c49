#!/bin/bash
# ptrace-bench.sh: what tracing costs a fork/signal workload, side by side in
# one run: untraced, forkscope's ptrace tracer, `strace -f -e
# trace=process,signal` and the same with --seccomp-bpf.
#
#   bench/ptrace-bench.sh [BUILD_DIR [REPS]]      (defaults: build, 5)
#
# For every workload of bench/fork-signal-workload it reports, as medians over
# REPS runs, the whole-run wall time, the CPU time (user + system of tracer
# and tracees: on a shared machine the figure least moved by other load), and
# the workload's own per-operation time
# (fork+exit+wait; one signal round trip, pinned to one CPU; one storm
# signal), each also as a ratio over untraced.  The configurations are
# interleaved within each repetition so that background load hits them alike.
# It then checks the forkscope trace of the last run against the workload's
# own counts (forks, exits, signals sent and delivered) and prints the ptrace
# stops per operation.
set -euo pipefail

BUILD=${1:-build}
REPS=${2:-5}
WORKLOAD=$BUILD/bench/fork-signal-workload
CLI=$BUILD/app/forkscope-cli
COUNTS=$BUILD/bench/trace-counts

for tool in "$WORKLOAD" "$CLI" "$COUNTS"; do
  if [ ! -x "$tool" ]; then
    echo "ptrace-bench: $tool is missing; build first (ninja -C $BUILD)" >&2
    exit 2
  fi
done
if ! command -v strace >/dev/null || [ ! -x /usr/bin/time ]; then
  echo "ptrace-bench: needs strace and /usr/bin/time (Debian packages strace, time)" >&2
  exit 2
fi

WORKLOADS=(
  "forks ${FORKS:-2000}"
  "tree ${DEPTH:-9}"
  "pingpong ${ROUNDS:-20000}"
  "storm 4 ${STORM:-5000}"
)
CONFIGS=(untraced forkscope strace strace-seccomp)

TMP=$(mktemp -d /tmp/ptrace-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# run CONFIG WORKLOAD-ARGS…: prints "wall_ms cpu_ms per_op_us workload-line"
# cpu_ms is user+system time of the whole run: tracer and every tracee.
run() {
  local config=$1
  shift
  local start end line
  local timed=(/usr/bin/time -f "%U %S" -o "$TMP/time")
  start=$(date +%s%N)
  case $config in
    untraced)
      line=$("${timed[@]}" "$WORKLOAD" "$@") ;;
    forkscope)
      line=$(FS_PTRACE_STATS=1 "${timed[@]}" "$CLI" record --tracer ptrace -q -o "$TMP/trace.fstrace" -- \
               "$WORKLOAD" "$@" 2>"$TMP/stats") ;;
    strace)
      line=$("${timed[@]}" strace -f -qq -e trace=process,signal -o /dev/null "$WORKLOAD" "$@") ;;
    strace-seccomp)
      line=$("${timed[@]}" strace -f -qq --seccomp-bpf -e trace=process,signal -o /dev/null "$WORKLOAD" "$@") ;;
  esac
  end=$(date +%s%N)
  local per_op cpu
  per_op=$(sed -n 's/.*per_op_us=\([0-9.]*\).*/\1/p' <<<"$line")
  cpu=$(awk '{ printf "%d", ($1 + $2) * 1000 }' "$TMP/time")
  echo "$(( (end - start) / 1000000 )) $cpu $per_op $line"
}

median() {
  sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

field() {  # field KEY LINE
  sed -n "s/.*\b$1=\([0-9]*\).*/\1/p" <<<"$2"
}

echo "# ptrace tracer benchmark: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $REPS repetitions, medians; ratios are over untraced"
echo
printf '| %-16s | %-15s | %10s | %7s | %10s | %7s | %11s | %7s |\n' workload tracer "wall ms" "× wall" "CPU ms" "× CPU" "µs per op" "× op"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|\n' ------------------ ----------------- ------------ --------- ------------ --------- ------------- ---------

declare -A WALL CPU OP
COMPLETENESS=()
for workload in "${WORKLOADS[@]}"; do
  for config in "${CONFIGS[@]}"; do
    : > "$TMP/$config.wall"
    : > "$TMP/$config.cpu"
    : > "$TMP/$config.op"
  done
  last_line=""
  for ((rep = 0; rep < REPS; rep++)); do
    # Rotate the order so no configuration always runs first.
    for ((k = 0; k < ${#CONFIGS[@]}; k++)); do
      config=${CONFIGS[$(( (k + rep) % ${#CONFIGS[@]} ))]}
      # shellcheck disable=SC2086
      result=$(run "$config" $workload)
      read -r wall cpu op rest <<<"$result"
      echo "$wall" >> "$TMP/$config.wall"
      echo "$cpu" >> "$TMP/$config.cpu"
      echo "$op" >> "$TMP/$config.op"
      if [ "$config" = forkscope ]; then
        last_line=$rest
        cp "$TMP/stats" "$TMP/stats.last"
        cp "$TMP/trace.fstrace" "$TMP/last.fstrace"
      fi
    done
  done
  for config in "${CONFIGS[@]}"; do
    WALL[$config]=$(median < "$TMP/$config.wall")
    CPU[$config]=$(median < "$TMP/$config.cpu")
    OP[$config]=$(median < "$TMP/$config.op")
  done
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
  for config in "${CONFIGS[@]}"; do
    printf '| %-16s | %-15s | %10s | %7s | %10s | %7s | %11s | %7s |\n' "$workload" "$config" \
      "${WALL[$config]}" "$(ratio "${WALL[$config]}" "${WALL[untraced]}")" \
      "${CPU[$config]}" "$(ratio "${CPU[$config]}" "${CPU[untraced]}")" \
      "${OP[$config]}" "$(ratio "${OP[$config]}" "${OP[untraced]}")"
  done

  # Completeness of the last forkscope run against the workload's own counts.
  counts=$("$COUNTS" "$TMP/last.fstrace")
  stops=$(sed -n 's/.*total=\([0-9]*\).*/\1/p' "$TMP/stats.last")
  forks=$(field forks "$last_line")
  ops=$(( $(field forks "$last_line") + $(field signals_sent "$last_line") ))
  want="forks=$forks exits=$(( $(field exits "$last_line") + 1 )) sends=$(field signals_sent "$last_line") delivered=$(field signals_received "$last_line")"
  got="forks=$(field forks "$counts") exits=$(field exits "$counts") sends=$(field usr_sends "$counts") delivered=$(field usr_delivered "$counts")"
  verdict=OK
  [ "$want" = "$got" ] || verdict=MISMATCH
  COMPLETENESS+=("$workload: workload $want; trace $got → $verdict; ptrace stops $stops ($(awk -v s="$stops" -v o="$ops" 'BEGIN { printf "%.1f", (o > 0 ? s / o : 0) }') per fork or signal) [$(sed 's/forkscope ptrace stops: //' "$TMP/stats.last")]")
done

echo
echo "Completeness (last forkscope run; exits include the workload's own process):"
for line in "${COMPLETENESS[@]}"; do
  echo "- $line"
done

#!/bin/sh
# Regenerates the README pictures from data/scenarios/ordered-results.fsc:
#   docs/images/ordered-results-graph.{png,svg}     the process graph while main
#                                                   releases the first worker
#   docs/images/ordered-results-sequence.{png,svg}  the whole run as a sequence diagram
#   docs/images/ordered-results-lanes.{png,svg}     one lane per process over time
#   docs/images/ordered-results-animated.svg        the graph's timeline, animated
# Runs the scenario for real (about 5 s), so the pictures show a real trace.
# Usage: tools/make-readme-images.sh [BUILD_DIR]     (default: build)
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
case $build in /*) ;; *) build=$here/$build ;; esac
cli=$build/app/forkscope-cli
images=$here/docs/images
scenario=$here/data/scenarios/ordered-results.fsc

if [ ! -x "$cli" ]; then
  echo "make-readme-images: $cli not found; build first (meson setup build && ninja -C build)" >&2
  exit 2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

trace=$work/ordered-results.fstrace
"$cli" run --quiet -o "$trace" "$scenario"

# The instant for the snapshot: halfway between main's first SIGCONT to a
# worker and its delivery (the moment the ordering starts), found in the
# trace's JSON form.
at=$("$cli" export "$trace" --format json | python3 -c '
import json, sys
trace = json.load(sys.stdin)
events = trace["events"]
sends = [e for e in events if e["kind"] == "signal_send" and e.get("signal") == "SIGCONT"]
# Workers send to main first; main then sends to its children.
main = sends[0]["target"]
release = next(e for e in sends if e["process"] == main)
deliver = next(e for e in events if e["kind"] == "signal_deliver" and e.get("signal") == "SIGCONT"
               and e["t_ns"] >= release["t_ns"] and e["process"] == release["target"])
print("%.9f" % ((release["t_ns"] + deliver["t_ns"]) / 2 / 1e9))
')

mkdir -p "$images"
"$cli" export "$trace" --format png --scale 2 --at "$at" -o "$images/ordered-results-graph.png"
"$cli" export "$trace" --format svg --at "$at" -o "$images/ordered-results-graph.svg"
"$cli" export "$trace" --format seq-png --scale 2 -o "$images/ordered-results-sequence.png"
"$cli" export "$trace" --format seq-svg -o "$images/ordered-results-sequence.svg"
"$cli" export "$trace" --format lanes-png --scale 2 -o "$images/ordered-results-lanes.png"
"$cli" export "$trace" --format lanes-svg -o "$images/ordered-results-lanes.svg"
"$cli" export "$trace" --format animated-svg -o "$images/ordered-results-animated.svg"
echo "make-readme-images: wrote docs/images/ordered-results-{graph,sequence,lanes}.{png,svg} and -animated.svg (graph at t=${at}s)"

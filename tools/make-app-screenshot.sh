#!/bin/sh
# Regenerates docs/images/app-screenshot.png: the forkscope app on a real run
# of data/scenarios/ordered-results.fsc, paused while main's SIGCONT to
# worker1 is in flight, with worker1 selected in the inspector.  Runs the app
# on a private virtual display (Xvfb), so it works without a desktop.
# Usage: tools/make-app-screenshot.sh [BUILD_DIR]     (default: build)
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
case $build in /*) ;; *) build=$here/$build ;; esac
cli=$build/app/forkscope-cli
app=$build/app/forkscope
out=$here/docs/images/app-screenshot.png
scenario=$here/data/scenarios/ordered-results.fsc

for tool in "$cli" "$app"; do
  if [ ! -x "$tool" ]; then
    echo "make-app-screenshot: $tool not found; build first (meson setup build && ninja -C build)" >&2
    exit 2
  fi
done
work=$(mktemp -d)
xvfb_pid=
app_pid=
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

trace=$work/ordered-results.fstrace
"$cli" run --quiet -o "$trace" "$scenario"

# Halfway between main's SIGCONT to worker1 and its delivery.
at=$("$cli" export "$trace" --format json | python3 -c '
import json, sys
events = json.load(sys.stdin)["events"]
sends = [e for e in events if e["kind"] == "signal_send" and e.get("signal") == "SIGCONT"]
main = sends[0]["target"]
release = next(e for e in sends if e["process"] == main)
deliver = next(e for e in events if e["kind"] == "signal_deliver" and e.get("signal") == "SIGCONT"
               and e["t_ns"] >= release["t_ns"] and e["process"] == release["target"])
print("%.9f" % ((release["t_ns"] + deliver["t_ns"]) / 2 / 1e9))
')

display=:$(( 90 + $$ % 100 ))
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
sleep 1
export DISPLAY=$display GDK_BACKEND=x11 GSK_RENDERER=cairo GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1 GTK_A11Y=none
export GSETTINGS_SCHEMA_DIR=$build/data
"$app" --at "$at" --select worker1 "$trace" >/dev/null 2>&1 &
app_pid=$!
sleep 3
# Move the pointer off the graph so no tooltip covers the picture.
command -v xdotool >/dev/null && xdotool mousemove 1270 790 || true
sleep 1
mkdir -p "$(dirname "$out")"
import -window root "$out"
echo "make-app-screenshot: wrote docs/images/app-screenshot.png (t=${at}s)"

#!/bin/sh
# The main job from a fresh checkout: installs missing Debian packages (as
# root), builds, then opens the forkscope app on a scenario (default: the blog
# post's ordered-results example).  Without a display it writes the graph,
# the sequence diagram and the process lanes as SVG instead and says where.
#   tools/run.sh [SCENARIO.fsc | TRACE.fstrace]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-build}
input=${1:-$root/data/scenarios/ordered-results.fsc}
"$root/tools/setup.sh"
cd "$root"
[ -f "$build/build.ninja" ] || meson setup "$build"
ninja -C "$build"
export FORKSCOPE_CLI="$root/$build/app/forkscope-cli"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -x "$build/app/forkscope" ]; then
    exec "$build/app/forkscope" "$input"
fi
out=${OUT_DIR:-$root/forkscope-out}
mkdir -p "$out"
name=$(basename "$input"); name=${name%.*}
case "$input" in
    *.fsc)
        trace="$out/$name.fstrace"
        "$FORKSCOPE_CLI" run "$input" -o "$trace"
        ;;
    *)  trace=$input ;;
esac
"$FORKSCOPE_CLI" show "$trace"
"$FORKSCOPE_CLI" export "$trace" --format svg -o "$out/$name-graph.svg"
"$FORKSCOPE_CLI" export "$trace" --format seq-svg -o "$out/$name-sequence.svg"
"$FORKSCOPE_CLI" export "$trace" --format lanes-svg -o "$out/$name-lanes.svg"
echo "forkscope: no display; wrote $out/$name-graph.svg, $out/$name-sequence.svg and $out/$name-lanes.svg" >&2

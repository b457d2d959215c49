#!/bin/sh
# Runs a command with its own virtual X display (Xvfb) and session bus, since
# CI has no display: xvfb-run picks a free display number (-a).
# Usage: run-with-xvfb.sh COMMAND [ARGS...]
if ! command -v xvfb-run >/dev/null 2>&1; then
  echo "1..0 # SKIP xvfb-run not installed (Debian package xvfb)"
  exit 0
fi
exec xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" dbus-run-session -- "$@"

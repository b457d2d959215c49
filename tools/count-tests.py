#!/usr/bin/env python3
"""Counts individual test cases from meson's testlog.json.

A TAP test counts each `ok`/`not ok` line of its output (skips as passed,
`# TODO` failures as expected); a test whose binary failed without any TAP
line (a crash before the first case, a timeout) counts as one failure.
Prints `tests: N passed, N failed`."""
import json
import re
import sys

TAP_LINE = re.compile(r"^(not ok|ok)\b(.*)$")


def count(log_path):
    passed = failed = 0
    try:
        with open(log_path, encoding="utf-8", errors="replace") as f:
            lines = f.readlines()
    except OSError as e:
        print(f"count-tests: {log_path}: {e}", file=sys.stderr)
        return 0, 1
    for line in lines:
        entry = json.loads(line)
        result = entry.get("result", "")
        p = f = 0
        # meson's log does not name the protocol: TAP lines mark a TAP test.
        for out_line in (entry.get("stdout") or "").splitlines():
            m = TAP_LINE.match(out_line.strip())
            if not m:
                continue
            rest = m.group(2)
            if m.group(1) == "ok" or "# TODO" in rest:
                p += 1
            else:
                f += 1
        if p == 0 and f == 0:
            if result in ("OK", "SKIP", "EXPECTEDFAIL"):
                p = 1
            else:
                f = 1
        elif result not in ("OK", "SKIP", "EXPECTEDFAIL") and f == 0:
            # The binary failed after its last reported case (crash, timeout).
            f = 1
        passed += p
        failed += f
    return passed, failed


if __name__ == "__main__":
    passed, failed = count(sys.argv[1])
    print(f"tests: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)

"""Run a module as ``python -m`` would, then print this process's peak RSS as one JSON line.

``python -m benchmarks.peak MODULE ARGS...`` — for a child's own peak: a parent's
RUSAGE_CHILDREN counts the pages a child shares with its parent between fork and exec, so a
benchmark process holding a large store in memory made its export child look that large.
This is not enough alone: Linux also carries the starting process's peak across exec into
this one's own figure, so whoever starts it must never have been larger than what it measures
(benchmarks/micro.py fills its store in a separate child for that reason).
"""

from __future__ import annotations

import json
import resource
import runpy
import sys


def main() -> None:
    module, sys.argv = sys.argv[1], sys.argv[1:]
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as e:
        if e.code not in (None, 0):
            raise
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"peak_rss_mib": peak}), file=sys.stderr)


if __name__ == "__main__":
    main()

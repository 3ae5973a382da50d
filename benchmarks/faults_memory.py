#!/usr/bin/env python3
"""Peak memory of a crawl that meets a 50 MB page or a gzip bomb, against a clean crawl.

Serves the replica with tests/faultserver.py, crawls it with ``newsbot crawl`` once per
scenario, and prints the crawl process's peak resident memory (ru_maxrss), its time, and the
ratio to the clean crawl::

    python benchmarks/faults_memory.py            # all scenarios, a plain table
    python benchmarks/faults_memory.py --repeat 3 # best of three per scenario

A size limit that works keeps every ratio near 1: the page is refused after DOWNLOAD_MAXSIZE
bytes, the bomb after DOWNLOAD_MAXSIZE decompressed bytes, neither read whole.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.faultserver import FaultServer  # noqa: E402 - after the path is set

# The crawl runs in a child of this launcher, so ru_maxrss of RUSAGE_CHILDREN is its own peak.
LAUNCHER = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""
SCENARIOS = {
    "clean replica": {},
    "50 MB page, Content-Length": {"/article/166008.php": {"kind": "big", "size_mb": 50}},
    "50 MB page, chunked": {"/article/166041.php": {"kind": "big", "size_mb": 50,
                                                    "declared": False}},
    "gzip bomb, 1 GB": {"/article/165934.php": {"kind": "bomb", "size_mb": 1024}},
    "gzip bomb, 10 GB": {"/article/165934.php": {"kind": "bomb", "size_mb": 10240}},
}


def measure(url: str, db: Path) -> tuple[int, float, int]:
    """(exit status, seconds, peak RSS in KiB) of one `newsbot crawl`."""
    import subprocess

    cmd = [sys.executable, "-m", "newsbot", "crawl", "--start-url", url, "--db", str(db),
           "-s", "LOG_LEVEL=WARNING"]
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", LAUNCHER, *cmd], cwd=REPO, capture_output=True,
                         text=True, check=True).stdout.split()
    return int(out[0]), time.perf_counter() - started, int(out[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=1, help="runs per scenario (best kept)")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, faults in SCENARIOS.items():
            best = None
            for n in range(args.repeat):
                work = Path(tmp) / f"{len(rows)}-{n}"
                work.mkdir()
                with FaultServer({"faults": faults}, work) as srv:
                    result = measure(srv.url + "/", work / "news.db")
                best = result if best is None or result[2] < best[2] else best
            rows.append((name, *best))
    clean = rows[0][3]
    print(f"{'scenario':<28} {'exit':>4} {'seconds':>8} {'peak RSS MiB':>13} {'vs clean':>9}")
    for name, code, seconds, peak in rows:
        print(f"{name:<28} {code:>4} {seconds:>8.1f} {peak / 1024:>13.1f} {peak / clean:>8.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

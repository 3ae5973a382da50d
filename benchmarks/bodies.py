#!/usr/bin/env python3
"""Body extraction, side by side: newsbot's generic extractor vs trafilatura vs readability.

Runs the shared scorer (``../shared/eval/score_bodies.py`` from the repo root, or ``--scorer``)
once, with newsbot in batch mode (one process, per-page ``ms`` = extraction alone) and the two
baselines as the scorer's built-ins, and prints its table on stdout::

    python benchmarks/bodies.py                # markdown table, all pages of the dev half
    python benchmarks/bodies.py --json-out benchmarks/out/bodies.json   # per-page figures too

Any argument it does not know is passed to the scorer (e.g. ``--bench DIR``, ``--split dev``).
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SCORER = REPO.parent / "shared" / "eval" / "score_bodies.py"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scorer", type=Path, default=DEFAULT_SCORER, help=f"default: {DEFAULT_SCORER}")
    ap.add_argument("--python", default=sys.executable, help="interpreter for newsbot's batch run")
    ap.add_argument("--only-newsbot", action="store_true", help="skip the two baselines")
    ap.add_argument("--text", action="store_true", help="plain table instead of markdown")
    args, rest = ap.parse_known_args(argv)
    if not args.scorer.is_file():
        print(f"bodies: scorer not found at {args.scorer} (give --scorer PATH)", file=sys.stderr)
        return 2
    batch = (f"{shlex.quote(args.python)} -m newsbot.commands.extract extract-batch {{input}} {{output}}")
    cmd = [sys.executable, str(args.scorer), "-e", f"newsbot=batch:{batch}"]
    if not args.only_newsbot:
        cmd += ["-e", "trafilatura", "-e", "readability"]
    if not args.text:
        cmd.append("--markdown")
    cmd += rest
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    print("$ " + " ".join(shlex.quote(c) for c in cmd), file=sys.stderr)
    proc = subprocess.run(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, text=True)
    sys.stdout.write(proc.stdout)
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())

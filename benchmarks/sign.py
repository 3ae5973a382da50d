#!/usr/bin/env python3
"""CPU ms per body of near-duplicate signing (``Signer.sign``), the per-article cost a crawl pays.

Bodies come from a generated site's truth (``benchmarks/out/site-5000-seed1/truth.jsonl``, or
``--truth``), else synthetic 150-900-word bodies. CPU time (``process_time``), best of
``--repeat`` passes, so another process sharing the machine inflates it less than wall time.

    python benchmarks/sign.py --bodies 1000 --repeat 5
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from newsbot.neardup import NearDupParams, Signer  # noqa: E402

TRUTH = REPO / "benchmarks" / "out" / "site-5000-seed1" / "truth.jsonl"


def truth_bodies(path: Path, count: int) -> list[str]:
    bodies = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if body := json.loads(line).get("body"):
                bodies.append(body)
            if len(bodies) == count:
                break
    return bodies


def synthetic_bodies(count: int, seed: int = 1) -> list[str]:
    rnd = random.Random(seed)
    vocabulary = [f"word{i}" for i in range(5000)]
    return [" ".join(rnd.choices(vocabulary, k=rnd.randint(150, 900))) + "."
            for _ in range(count)]


def ms_per_body(signer: Signer, bodies: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for body in bodies:
            signer.sign(body)
        best = min(best, time.process_time() - start)
    return best * 1000 / len(bodies)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bodies", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--truth", type=Path, default=TRUTH)
    args = ap.parse_args(argv)
    if args.truth.exists():
        bodies, source = truth_bodies(args.truth, args.bodies), str(args.truth)
    else:
        bodies, source = synthetic_bodies(args.bodies), "synthetic 150-900 words"
    signer = Signer(NearDupParams())
    words = sum(len(b.split()) for b in bodies) / len(bodies)
    print(json.dumps({"scheme": signer.params.scheme, "bodies": len(bodies), "source": source,
                      "mean_words": round(words), "ms_per_body":
                      round(ms_per_body(signer, bodies, args.repeat), 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

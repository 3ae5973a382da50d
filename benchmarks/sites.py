"""Site profiles against the generic path, on the saved pages of both replicas.

For every article page of fixtures/newsonjapan and fixtures/japandispatch: the loader with the
portal's profile and with the generic profile (every field generic), timed per page, and each
field compared with the hand-written truth. Prints one table; no network, no crawl. Times are CPU
time (time.process_time), so other work on the machine does not count against a page.

    .venv/bin/python benchmarks/sites.py [--repeat 5]
    .venv/bin/python benchmarks/sites.py --against /work/main --rounds 3   # loader before/after

``--against DIR`` times only the News On Japan loader (its profile, every replica article page),
in a fresh process per checkout, DIR's code and this checkout's alternately, DIR first.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsbot.loaders import extract_article  # noqa: E402
from newsbot.profiles import load_profile  # noqa: E402
from tests import japandispatch_truth as jd  # noqa: E402
from tests import replica_truth as noj  # noqa: E402
from tests.test_loader import HOST as NOJ_HOST  # noqa: E402
from tests.test_loader import pages as noj_pages  # noqa: E402
from tests.test_loader import response_for as noj_response  # noqa: E402

FIELDS = ("headline", "published", "section", "source", "body")
REPO = Path(__file__).resolve().parents[1]
# Runs inside a checkout (its own newsbot and tests): only names both checkouts have.
LOADER_TIMING = """
import statistics, sys, time
from tests.test_loader import HOST, pages, response_for
from tests.replica_truth import PROFILE, evidence_from_files
from newsbot.loaders import extract_article
evidence = evidence_from_files(HOST)
best = []
for path, _ in pages():
    page = response_for(path)
    runs = []
    for _ in range(int(sys.argv[1])):
        fresh = page.replace()
        t0 = time.process_time()
        extract_article(fresh, PROFILE, evidence)
        runs.append(time.process_time() - t0)
    best.append(min(runs) * 1000)
print(f"{statistics.median(best):.2f}")
"""


def cases() -> list[tuple[str, object, dict, object]]:
    """(portal, response, expected fields, date evidence) for every article page."""
    evidence = noj.evidence_from_files(NOJ_HOST)
    out = []
    for path, article in noj_pages():
        out.append(("newsonjapan", noj_response(path), noj.expected_fields(article, NOJ_HOST),
                    evidence))
    for article in jd.articles():
        out.append(("japandispatch", jd.response_for(jd.path_of(article)),
                    jd.expected_fields(article), None))
    for page in jd.live():
        out.append(("japandispatch", jd.response_for(page["path"]), jd.expected_live(page), None))
    return out


def measure(profile_name: str, portal: str, rows: list, repeat: int) -> dict:
    profile = load_profile(profile_name)
    times, right, generic_fields = [], dict.fromkeys(FIELDS, 0), 0
    for _, response, expected, evidence in rows:
        best = float("inf")
        for _ in range(repeat):
            fresh = response.replace()  # a new selector each time: no parse cached across runs
            t0 = time.process_time()
            item = extract_article(fresh, profile, evidence)
            best = min(best, time.process_time() - t0)
        times.append(best * 1000)
        for name in FIELDS:
            right[name] += getattr(item, name) == expected[name]
        generic_fields += sum(v.startswith("generic:") for v in item.extracted_by.values())
    return {"portal": portal, "profile": profile_name, "pages": len(rows),
            "median_ms": statistics.median(times), "right": right, "generic": generic_fields}


def loader_ms(checkout: Path, repeat: int) -> float:
    """Median over pages of the best-of-``repeat`` News On Japan loader time, in ``checkout``."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    out = subprocess.run([sys.executable, "-c", LOADER_TIMING, str(repeat)], cwd=checkout, env=env,
                         capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def against(other: Path, rounds: int, repeat: int) -> int:
    print(f"News On Japan loader, median ms/page (best of {repeat} per page, 98 pages)")
    print(f"| round | {other} | {REPO} | ratio |")
    print("|---|---|---|---|")
    for n in range(1, rounds + 1):
        before, after = loader_ms(other, repeat), loader_ms(REPO, repeat)
        print(f"| {n} | {before:.2f} | {after:.2f} | {after / before:.2f} |")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per page; the best is kept")
    parser.add_argument("--against", type=Path, help="another checkout: time its loader and ours")
    parser.add_argument("--rounds", type=int, default=3, help="alternating runs with --against")
    args = parser.parse_args(argv)
    if args.against:
        return against(args.against.resolve(), args.rounds, args.repeat)
    rows = cases()
    results = []
    for portal in ("newsonjapan", "japandispatch"):
        mine = [r for r in rows if r[0] == portal]
        results += [measure(portal, portal, mine, args.repeat),
                    measure("generic", portal, mine, args.repeat)]
    head = " | ".join(f"{f} right" for f in FIELDS)
    print(f"| pages of | read with | pages | median ms/page | {head} | fields by generic |")
    print("|" + "---|" * (5 + len(FIELDS)))
    for r in results:
        right = " | ".join(f"{r['right'][f]}/{r['pages']}" for f in FIELDS)
        print(f"| {r['portal']} | {r['profile']} | {r['pages']} | {r['median_ms']:.2f} | {right} "
              f"| {r['generic']} |")
    for portal in ("newsonjapan", "japandispatch"):
        own, generic = [r for r in results if r["portal"] == portal]
        print(f"{portal}: generic path / profile time per page = "
              f"{generic['median_ms'] / own['median_ms']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

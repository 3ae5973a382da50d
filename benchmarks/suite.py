"""benchmarks/run: newsbot's full crawl against the ceiling on generated replicas; parts alone.

For each replica size: generate it (seeded; kept under benchmarks/out/ for later runs), serve it
(nginx if installed, else twisted.web; the choice is printed), then crawl it with the ceiling
spider and with newsbot alternately, each crawl in a fresh process, and print every crawl's
pages/s, CPU ms per page and peak RSS, the newsbot/ceiling ratio of each pair, the medians, and
the check of every stored article against the generator's truth. Then: extraction alone, store
writes alone, export of 100,000 articles. Results also go to benchmarks/out/results.json.

The machine may be shared: pages/s is wall-clock and moves with other load, CPU ms per page
much less. Pairs run back to back, so a pair's ratio compares like with like.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import truth
from benchmarks.static_server import StaticServer

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "benchmarks" / "out"


def sizes(text: str) -> list[int]:
    return [int(s.replace("_", "")) for s in text.split(",") if s.strip()]


def generate(n: int, seed: int) -> tuple[Path, dict]:
    site = OUT / f"site-{n}-seed{seed}"
    t = time.perf_counter()
    proc = run_child([sys.executable, "-m", "newsbot.replica.generate", str(site),
                      "--articles", str(n), "--seed", str(seed)])
    manifest = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"replica: {n} articles, seed {seed} at {site.relative_to(REPO)} "
          f"({time.perf_counter() - t:.0f} s); article pages {manifest['page_bytes']['min']:,}–"
          f"{manifest['page_bytes']['max']:,} bytes, median {manifest['page_bytes']['median']:,}",
          flush=True)
    return site, manifest


def run_child(cmd: list[str]) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO),
                                                                   os.environ.get("PYTHONPATH")]))}
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark step failed: {shlex.join(cmd)}\n{proc.stderr[-3000:]}")
    return proc


def crawl(kind: str, url: str, db: Path) -> dict:
    """One crawl in a fresh process; newsbot's into a new store at ``db``."""
    cmd = [sys.executable, "-m", "benchmarks.crawl_child", kind, url]
    if kind == "newsbot":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        cmd += ["--db", str(db)]
    proc = run_child(cmd)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    warn_if_inherited(result["peak_rss_mib"], kind)
    result["pages_per_s"] = result["pages"] / result["seconds"]
    result["cpu_ms_per_page"] = 1000 * result["cpu_seconds"] / result["pages"]
    return result


def warn_if_inherited(child_mib: float, what: str, starter_mib: float | None = None) -> None:
    """Say so when a child's peak RSS may be its starter's (this process unless given): Linux
    carries the starting process's peak across exec into the child's own figure
    (benchmarks/peak.py)."""
    if starter_mib is None:
        starter_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if child_mib <= starter_mib * 1.05:
        print(f"  warning: {what}'s peak RSS ({child_mib:.0f} MiB) is no more than that of the "
              f"process that started it ({starter_mib:.0f} MiB): it may be that one's",
              flush=True)


def show(run: int, r: dict, ratio: float | None = None) -> None:
    tail = f"  ratio {ratio:.2f}" if ratio is not None else ""
    print(f"  {run:>3}  {r['kind']:8} {r['pages']:>7,} {r['seconds']:>8.1f} "
          f"{r['pages_per_s']:>8.0f} "
          f"{r['cpu_ms_per_page']:>11.2f} {r['peak_rss_mib']:>9.0f}{tail}", flush=True)


def bench_site(n: int, seed: int, pairs: int, prefer: str) -> dict:
    site, manifest = generate(n, seed)
    runs = []
    with StaticServer(site / "root", prefer=prefer) as server:
        print(f"server: {server.kind} at {server.url}", flush=True)
        print("  run  spider     pages  seconds  pages/s  cpu ms/page  peak RSS MiB")
        db = OUT / f"bench-{n}.db"
        check = None
        for i in range(1, pairs + 1):
            # Alternate which goes first, so neither always runs on a warmer machine.
            order = ("ceiling", "newsbot") if i % 2 else ("newsbot", "ceiling")
            pair = {kind: crawl(kind, server.url, db) for kind in order}
            ratio = pair["newsbot"]["pages_per_s"] / pair["ceiling"]["pages_per_s"]
            show(i, pair["ceiling"])
            show(i, pair["newsbot"], ratio)
            if i == pairs:
                check = truth.check(db, site / "truth.jsonl", server.url)
            for r in pair.values():
                r.pop("stats", None)
            runs.append({**pair, "ratio": ratio})
        kind = server.kind
    med = {k: statistics.median(r[k]["pages_per_s"] for r in runs) for k in ("ceiling", "newsbot")}
    cpu = {k: statistics.median(r[k]["cpu_ms_per_page"] for r in runs)
           for k in ("ceiling", "newsbot")}
    rss = {k: max(r[k]["peak_rss_mib"] for r in runs) for k in ("ceiling", "newsbot")}
    ratio = statistics.median(r["ratio"] for r in runs)
    print(f"  median pages/s: ceiling {med['ceiling']:.0f}, newsbot {med['newsbot']:.0f}; "
          f"median ratio {ratio:.2f}; CPU ms/page ceiling {cpu['ceiling']:.2f}, newsbot "
          f"{cpu['newsbot']:.2f} (CPU ratio {cpu['ceiling'] / cpu['newsbot']:.2f}); peak RSS "
          f"ceiling {rss['ceiling']:.0f} MiB, newsbot {rss['newsbot']:.0f} MiB")
    verdict = "OK" if check["ok"] else "FAILED"
    print(f"  truth check {verdict}: {check['truth'] - check['missing']}/{check['truth']} articles "
          f"stored, {check['extra']} extra, mismatched fields {check['mismatched'] or 'none'}")
    for line in check["examples"]:
        print(f"    {line}")
    return {"articles": n, "seed": seed, "server": kind, "manifest": manifest, "runs": runs,
            "median_pages_per_s": med, "median_cpu_ms_per_page": cpu, "peak_rss_mib": rss,
            "median_ratio": ratio, "truth": check}


def micro(args: argparse.Namespace, extract_site: Path) -> dict:
    out = {}
    steps = {
        "extract": ["extract", str(extract_site), "--pages", str(args.extract_pages)],
        "store": ["store", "--articles", str(args.store_articles)],
        "export": ["export", "--articles", str(args.export_articles),
                   "--keep", str(OUT / "export")],
    }
    for name, step in steps.items():
        proc = run_child([sys.executable, "-m", "benchmarks.micro", *step])
        out[name] = json.loads(proc.stdout.strip().splitlines()[-1])
    e, s, x = out["extract"], out["store"], out["export"]
    warn_if_inherited(x["peak_rss_mib"], "the export", x["starter_peak_rss_mib"])
    print(f"extraction alone: {e['ms_per_page']:.2f} CPU ms/page over {e['pages']} pages "
          f"(parse alone {e['parse_ms_per_page']:.2f}; pages {e['mean_page_kb']:.0f} KB)")
    print(f"store writes alone: {s['articles_per_s']:,.0f} articles/s ({s['articles']:,} articles)")
    print(f"export of {x['articles']:,} articles: {x['seconds']:.1f} s, peak RSS "
          f"{x['peak_rss_mib']:.0f} MiB ({x['exported']:,} lines)")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks/run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="5000,50000", help="replica sizes in articles")
    parser.add_argument("--pairs", default="3,1",
                        help="ceiling/newsbot pairs per size (one number, or one per size)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--server", choices=("nginx", "twisted"), default="nginx",
                        help="preferred static server (twisted.web when nginx is missing)")
    parser.add_argument("--extract-pages", type=int, default=1000)
    parser.add_argument("--store-articles", type=int, default=20_000)
    parser.add_argument("--export-articles", type=int, default=100_000)
    parser.add_argument("--no-micro", action="store_true", help="crawls only")
    args = parser.parse_args(argv)
    counts = sizes(args.sizes)
    pairs = [int(p) for p in args.pairs.split(",")]
    pairs += [pairs[-1]] * (len(counts) - len(pairs))
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"$ benchmarks/run {shlex.join(argv if argv is not None else sys.argv[1:])}")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
          f"python {sys.version.split()[0]}", flush=True)
    results = {"started": time.strftime("%Y-%m-%dT%H:%M:%S"), "sites": []}
    for n, p in zip(counts, pairs):
        print(f"\n== {n:,} articles ==", flush=True)
        results["sites"].append(bench_site(n, args.seed, p, args.server))
    sites = results["sites"]
    if len(sites) > 1:
        small, large = sites[0]["peak_rss_mib"]["newsbot"], sites[-1]["peak_rss_mib"]["newsbot"]
        print(f"\nnewsbot peak RSS {sites[-1]['articles']:,} vs {sites[0]['articles']:,} articles: "
              f"{large:.0f} vs {small:.0f} MiB ({100 * (large / small - 1):+.1f}%)")
    if not args.no_micro:
        print()
        results["micro"] = micro(args, OUT / f"site-{counts[0]}-seed{args.seed}")
    (OUT / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    ok = all(s["truth"]["ok"] for s in sites)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

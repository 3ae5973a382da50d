"""Frontier workers on one machine: throughput with 1, 2 and 3 workers, peak RSS per worker, and
one Redis-frontier worker against the in-process scheduler (`newsbot crawl`). See
docs/distributed.md.

    .venv/bin/python -m benchmarks.distributed [--articles 5000] [--seed 1] [--workers 1,2,3]
                                               [--store sqlite|postgresql]

A private redis-server on a free port holds the frontier; nginx (else twisted.web) serves the
generated replica; every crawl gets a fresh store (a SQLite file, or a new database on the
PostgreSQL server at NEWSBOT_BENCH_POSTGRES, default postgresql://postgres@127.0.0.1:5432/test,
dropped afterwards) and is checked against the truth.
Each worker is a `newsbot worker` process; its peak RSS comes from wait4(), per process.
Wall time runs from the first process started to the last one ended, so it includes process
start-up and the workers' drain wait (NEWSBOT_FRONTIER_DRAIN_WAIT, 3 s).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg
import redis

from benchmarks import truth
from benchmarks.static_server import StaticServer, free_port
from benchmarks.suite import OUT, REPO, generate

NEWSBOT = [sys.executable, "-m", "newsbot"]


class Redis:
    """A throwaway redis-server (no persistence) for the benchmark's frontier."""

    def __enter__(self) -> Redis:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind",
                                      "127.0.0.1", "--save", "", "--appendonly", "no"],
                                     stdout=subprocess.DEVNULL)
        client = redis.Redis(port=self.port)
        for _ in range(200):
            try:
                client.ping()
                return self
            except redis.ConnectionError:
                time.sleep(0.05)
        raise SystemExit("redis-server did not start")

    def __exit__(self, *exc) -> None:
        self.proc.terminate()
        self.proc.wait()


def run_all(cmds: list[list[str]], logs: Path) -> tuple[float, list[float], float]:
    """Start every command at once; (wall seconds, peak RSS MiB of each, CPU seconds of all)
    once all have ended."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    t = time.perf_counter()
    procs = []
    for n, cmd in enumerate(cmds):
        out = open(logs / f"p{n}.log", "w")
        procs.append(subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=out))
    rss, cpu = [], 0.0
    for p in procs:
        _, status, usage = os.wait4(p.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"failed: {' '.join(p.args)} (see {logs})")
        rss.append(usage.ru_maxrss / 1024)  # KiB on Linux
        cpu += usage.ru_utime + usage.ru_stime
    return time.perf_counter() - t, rss, cpu


def pages(db: Path | str) -> int:
    con, _ = truth.connect(db)
    try:
        return sum(json.loads(s or "{}").get("downloader/response_count", 0)
                   for (s,) in con.execute("SELECT stats FROM runs"))
    finally:
        con.close()


@contextmanager
def fresh(kind: str, name: str, work: Path):
    """A new, empty store address for one benchmark crawl."""
    if kind == "sqlite":
        db = work / f"{name}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        yield db
        return
    server = os.environ.get("NEWSBOT_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
    database = f"newsbot_bench_{name.replace('-', '_')}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}"')
        admin.execute(f'CREATE DATABASE "{database}"')
    try:
        yield server.rsplit("/", 1)[0] + "/" + database
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def bench(kind: str, workers: int, url: str, redis_url: str, site: Path, work: Path,
          store: str = "sqlite") -> dict:
    with fresh(store, f"{kind}-{workers}", work) as db:
        return measure(kind, workers, url, redis_url, site, work, db)


def measure(kind: str, workers: int, url: str, redis_url: str, site: Path, work: Path,
            db: Path | str) -> dict:
    logs = work / f"{kind}-{workers}"
    logs.mkdir(exist_ok=True)
    if kind == "crawl":
        cmds = [NEWSBOT + ["crawl", "--start-url", url, "--db", str(db)]]
    else:
        name = f"bench{workers}"
        subprocess.run(NEWSBOT + ["seed", "--frontier", redis_url, "--name", name,
                                  "--start-url", url], cwd=REPO, check=True,
                       stdout=subprocess.DEVNULL)
        cmds = [NEWSBOT + ["worker", "--frontier", redis_url, "--name", name, "--store", str(db)]
                for _ in range(workers)]
    seconds, rss, cpu = run_all(cmds, logs)
    check = truth.check(db, site / "truth.jsonl", url)
    result = {"kind": kind, "workers": workers, "seconds": seconds, "pages": pages(db),
              "peak_rss_mib": rss, "truth_ok": check["ok"],
              "stored": check["truth"] - check["missing"], "load": os.getloadavg()[0]}
    result["pages_per_s"] = result["pages"] / seconds
    result["cpu_ms_per_page"] = 1000 * cpu / result["pages"]
    print(f"  {kind:8} {workers:>7} {result['pages']:>7,} {seconds:>8.1f} "
          f"{result['pages_per_s']:>8.0f} {result['cpu_ms_per_page']:>7.1f}  "
          f"{' '.join(f'{r:.0f}' for r in rss):>14}  "
          f"{result['stored']:,}/{check['truth']:,} {'OK' if check['ok'] else 'FAILED'}  "
          f"{result['load']:.1f}", flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", default="1,2,3")
    parser.add_argument("--store", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args(argv)
    site, _ = generate(args.articles, args.seed)
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")
    results = []
    with StaticServer(site / "root") as server, Redis() as frontier, \
            tempfile.TemporaryDirectory(dir=OUT) as tmp:
        print(f"server: {server.kind} at {server.url}; redis at {frontier.url}; "
              f"store: {args.store}")
        print("  mode     workers   pages  seconds  pages/s  CPU ms/page  peak RSS MiB"
              "    stored  load")
        work = Path(tmp)
        results.append(bench("crawl", 1, server.url, frontier.url, site, work, args.store))
        for n in (int(w) for w in args.workers.split(",")):
            results.append(bench("frontier", n, server.url, frontier.url, site, work,
                                 args.store))
    (OUT / f"distributed-{args.store}.json").write_text(json.dumps(results, indent=1))
    return 0 if all(r["truth_ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())

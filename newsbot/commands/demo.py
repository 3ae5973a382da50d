"""`newsbot demo`: serve the replica on a free loopback port and crawl all of it into a store."""

from __future__ import annotations

import argparse
from pathlib import Path

from newsbot.cli import UsageError
from newsbot.commands.run import (add_crawl_options, check_inputs, crawl_locked, incremental_args,
                                  project_settings, report, run_portal)

REPLICA_ROOT = Path(__file__).resolve().parents[2] / "fixtures" / "newsonjapan" / "site"
DEMO_DB = "demo.db"


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("demo", help="crawl the bundled replica portal and summarise",
                            description="Serve the replica under fixtures/ on a free loopback port, "
                                        "crawl all of it into a store, print a summary. The exit "
                                        "status is non-zero when the crawl was unhealthy.")
    parser.add_argument("--root", type=Path, default=REPLICA_ROOT, help="replica document root")
    add_crawl_options(parser, default_db=DEMO_DB)
    parser.set_defaults(func=run, log_level=None)


def run(args: argparse.Namespace) -> int:
    if not (args.root / "index.html").is_file():
        raise UsageError(f"no replica at {args.root} (expected index.html there)")
    if args.db == DEMO_DB:  # our own default: start afresh so the summary describes this run
        for suffix in ("", "-wal", "-shm"):
            Path(DEMO_DB + suffix).unlink(missing_ok=True)
    check_inputs(args)
    args.log_level = args.log_level or "WARNING"
    started: dict[str, str] = {}

    def serve_replica() -> None:
        from newsbot.replica.server import listen
        port = listen(args.root, port=0, host="127.0.0.1")
        started["url"] = f"http://127.0.0.1:{port.getHost().port}/"
        print(f"serving the replica {args.root} at {started['url']}", flush=True)

    settings = project_settings(args)
    locked = crawl_locked(args.db, lambda: run_portal(
        settings, {"max_pages": args.max_pages, "discover": args.discover, **incremental_args(args)},
        before=serve_replica, start_url=lambda: started["url"]))
    if locked is not None:
        return locked
    print(f"store: {args.db}")
    return report(args.db)

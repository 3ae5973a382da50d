"""`newsbot runs`: the store's recent run records (runs → reports), as a table or as JSON."""

from __future__ import annotations

import argparse
import json

from newsbot.cli import UsageError
from newsbot.commands.export import open_readonly
from newsbot.commands.run import recorded_verdict

COLUMNS = ("id", "started_at", "finished_at", "finish_reason", "exit_status", "pages_fetched",
           "items_new", "items_updated", "items_duplicate", "errors")
HEADINGS = ("run", "started", "finished", "reason", "exit", "pages", "new", "upd", "dup", "errors")


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("runs", help="list recent crawl runs and their health",
                            description="Recent runs recorded in a store, newest first.")
    parser.add_argument("--db", "--store", dest="db", required=True,
                        help="store to read: a SQLite file or a "
                             "postgresql://USER@HOST:PORT/DB address")
    parser.add_argument("--json", action="store_true", help="print a JSON array instead of a table")
    parser.add_argument("--limit", type=int, default=20, help="how many runs (default 20)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise UsageError(f"--limit must be 1 or more, not {args.limit}")
    store = open_readonly(args.db)
    try:
        records = [record(r) for r in store.runs(limit=args.limit)]
    finally:
        store.close()
    if args.json:
        print(json.dumps(records, indent=1, ensure_ascii=False))
    else:
        print(table(records))
    return 0


def record(run: dict) -> dict:
    """One run as `runs --json` prints it: the columns, then the whole summary."""
    summary, exit_status, health = recorded_verdict(run)
    if run["finished_at"] is None:  # the process died mid-run (or runs still): no figures yet
        summary = {name: None for name in summary}
        exit_status, health = None, "unfinished: the run was killed or is still running"
    return {
        "id": run["id"], "spider": run["spider"], "site": run["site"], "args": run["args"],
        "started_at": run["started_at"], "finished_at": run["finished_at"],
        "finish_reason": run["finish_reason"], "exit_status": exit_status, "health": health,
        **summary,
    }


def table(records: list[dict]) -> str:
    """Aligned columns, the health line last on each row."""
    if not records:
        return "no run recorded"
    rows = [(*HEADINGS, "health")] + [
        tuple("-" if r[c] is None else str(r[c]) for c in COLUMNS) + (r["health"],)
        for r in records]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADINGS))]
    return "\n".join("  ".join([*(cell.ljust(w) for cell, w in zip(row, widths)), row[-1]])
                     for row in rows)

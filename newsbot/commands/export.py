"""`newsbot export`: stored articles as JSON Lines, the public contract other tools read."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from newsbot.cli import UsageError
from newsbot.store import SqliteStore, StoreError

FORMATS = ("jsonl",)


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("export", help="write stored articles as JSON Lines",
                            description="One JSON object per stored article, with related links "
                                        "and the popular ranking seen on its page.")
    parser.add_argument("--db", required=True, help="SQLite store to read")
    parser.add_argument("--format", default="jsonl", help=f"one of: {', '.join(FORMATS)}")
    parser.add_argument("-o", "--output", help="file to write (default: standard output)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.format not in FORMATS:
        raise UsageError(f"unknown format {args.format!r} (known: {', '.join(FORMATS)})")
    if not Path(args.db).is_file():
        raise UsageError(f"no store at {args.db}")
    try:
        store = SqliteStore(args.db, readonly=True)
    except StoreError as e:
        raise UsageError(str(e)) from None
    try:
        out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout
    except OSError as e:
        store.close()
        raise UsageError(f"cannot write {args.output}: {e.strerror}") from None
    count = 0
    try:
        for article in store.iter_articles():
            out.write(json.dumps(article, ensure_ascii=False) + "\n")
            count += 1
    finally:
        store.close()
        if out is not sys.stdout:
            out.close()
    if args.output:
        print(f"exported {count} articles to {args.output}", file=sys.stderr)
    return 0

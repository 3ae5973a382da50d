"""`newsbot export`: stored articles as JSON Lines, CSV or Parquet, filtered in the store query."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime, timezone
from pathlib import Path

from newsbot.cli import UsageError
from newsbot.exports import WRITERS
from newsbot.exports.schema import NAMES, SCHEMA_VERSION
from newsbot.store import ArticleQuery, ArticleStore, StoreError, is_postgres, open_store


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("export", help="write stored articles as jsonl, csv or parquet",
                            description="One record per stored article, with related links and "
                                        "the popular ranking seen on its page. Filters combine "
                                        "(all must hold); --section and --source repeat (any).")
    parser.add_argument("--db", "--store", dest="db", required=True,
                        help="store to read: a SQLite file or a "
                             "postgresql://USER@HOST:PORT/DB address")
    parser.add_argument("--format", default="jsonl", help=f"one of: {', '.join(WRITERS)}")
    parser.add_argument("-o", "--output", help="file to write (default: standard output; "
                                               "parquet needs a file)")
    parser.add_argument("--since", help="published on or after this date (YYYY-MM-DD)")
    parser.add_argument("--until", help="published on or before this date (YYYY-MM-DD)")
    parser.add_argument("--section", action="append", default=[], help="section name")
    parser.add_argument("--source", action="append", default=[], help="credited outlet")
    parser.add_argument("--contains", metavar="TEXT", help="in the headline or the body")
    parser.add_argument("--dedupe", choices=["near"],
                        help="near: keep only the first article of each near-duplicate group")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.format not in WRITERS:
        raise UsageError(f"unknown format {args.format!r} (known: {', '.join(WRITERS)})")
    if WRITERS[args.format].binary and not args.output:
        raise UsageError(f"{args.format} is binary: name a file with -o")
    query = build_query(args)
    store = open_readonly(args.db)
    try:
        count = write_all(store, query, args.format, args.output)
    finally:
        store.close()
    if args.output:
        write_manifest(args, query, count)
        print(f"exported {count} articles to {args.output}", file=sys.stderr)
    return 0


def build_query(args: argparse.Namespace) -> ArticleQuery:
    since, until = iso_date(args.since, "--since"), iso_date(args.until, "--until")
    if since and until and since > until:
        raise UsageError(f"--since {since} is after --until {until}")
    if args.contains is not None and not args.contains.strip():
        raise UsageError("--contains needs some text")
    return ArticleQuery(since=since, until=until, sections=tuple(args.section),
                        sources=tuple(args.source), contains=args.contains,
                        near_dedupe=args.dedupe == "near")


def iso_date(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise UsageError(f"{option} takes a date as YYYY-MM-DD, not {value!r}") from None


def open_readonly(db: str) -> ArticleStore:
    """A SQLite file or a PostgreSQL database, read only; a usage error when it is no store."""
    if not is_postgres(db) and not Path(db).is_file():
        raise UsageError(f"no store at {db}")
    try:
        return open_store(db, readonly=True)
    except StoreError as e:
        raise UsageError(str(e)) from None


def write_all(store: ArticleStore, query: ArticleQuery, fmt: str, output: str | None) -> int:
    """Stream the matching articles through the format's writer; returns how many."""
    writer_class = WRITERS[fmt]
    try:
        if output is None:
            out = sys.stdout
        else:
            out = open(output, "wb") if writer_class.binary else \
                open(output, "w", encoding="utf-8", newline="")
    except OSError as e:
        raise UsageError(f"cannot write {output}: {e.strerror}") from None
    count = 0
    try:
        writer = writer_class(out, metadata={"newsbot.query": json.dumps(vars(query))})
        for article in store.select_articles(query):
            writer.write(article)
            count += 1
        writer.close()
    finally:
        if out is not sys.stdout:
            out.close()
    return count


def write_manifest(args: argparse.Namespace, query: ArticleQuery, count: int) -> None:
    """FILE.meta.json beside the export: schema version, filters, count (CSV and JSON Lines
    have no place for metadata of their own; Parquet also carries the version inside)."""
    manifest = {"schema_version": SCHEMA_VERSION, "format": args.format, "articles": count,
                "fields": NAMES, "query": vars(query), "store": store_name(args.db),
                "exported_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    Path(args.output + ".meta.json").write_text(json.dumps(manifest, indent=2) + "\n",
                                                encoding="utf-8")


def store_name(db: str) -> str:
    """The store as the manifest names it: a file's full path, a PostgreSQL host and database."""
    if is_postgres(db):
        from newsbot.store.reconnect import where
        return f"postgresql://{where(db)}"  # no user or password in a file others may read
    return str(Path(db).resolve())

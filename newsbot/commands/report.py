"""`newsbot report`: coverage for a period, as text tables and optionally one HTML page."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newsbot.cli import UsageError
from newsbot.commands.export import iso_date, open_readonly
from newsbot.report.data import DEFAULT_DAYS, build_report
from newsbot.report.html import render as render_html
from newsbot.report.text import render as render_text


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("report", help="coverage report for a period (text, HTML)",
                            description="Articles per day by section and source, new sources, "
                                        "the popular ranking's timeline, the most-linked related "
                                        "stories and a watch list, for a period of published "
                                        f"dates (default: the {DEFAULT_DAYS} days up to the "
                                        "newest article).")
    parser.add_argument("--db", "--store", dest="db", required=True,
                        help="store to read: a SQLite file or a "
                             "postgresql://USER@HOST:PORT/DB address")
    parser.add_argument("--since", help="first day of the period (YYYY-MM-DD)")
    parser.add_argument("--until", help="last day of the period (YYYY-MM-DD)")
    parser.add_argument("--watch", action="append", default=[], metavar="TERM",
                        help="report where TERM appeared, in headlines and bodies (repeatable)")
    parser.add_argument("--html", metavar="FILE", help="also write one self-contained HTML page")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    since, until = iso_date(args.since, "--since"), iso_date(args.until, "--until")
    if since and until and since > until:
        raise UsageError(f"--since {since} is after --until {until}")
    terms = [t.strip() for t in args.watch]
    if any(not t for t in terms):
        raise UsageError("--watch needs a term")
    store = open_readonly(args.db)
    try:
        report = build_report(store, since, until, terms)
    finally:
        store.close()
    if args.html:
        try:
            Path(args.html).write_text(render_html(report), encoding="utf-8")
        except OSError as e:
            raise UsageError(f"cannot write {args.html}: {e.strerror}") from None
    sys.stdout.write(render_text(report))
    if args.html:
        print(f"wrote {args.html}", file=sys.stderr)
    return 0

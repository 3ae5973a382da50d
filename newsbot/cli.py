"""The `newsbot` command: one subcommand per module under newsbot/commands/."""

from __future__ import annotations

import argparse
import importlib
import sys

from newsbot import __version__
from newsbot.store.base import StoreError

COMMANDS = ["serve", "demo", "crawl", "export", "runs", "extract", "sites", "check_site",
            "reextract", "report", "seed", "worker"]


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit status 2."""


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (the usage text is one --help away)."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="newsbot", description=__doc__)
    parser.add_argument("--version", action="version", version=f"newsbot {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"newsbot.commands.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except UsageError as e:
        print(f"newsbot {args.command}: {e}", file=sys.stderr)
        return 2
    except StoreError as e:  # a store that went away mid-command (a PostgreSQL server down)
        print(f"newsbot {args.command}: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"newsbot {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

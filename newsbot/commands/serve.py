"""`newsbot serve`: serve the replica portal on loopback (twisted.web) until interrupted."""

from __future__ import annotations

import argparse
from pathlib import Path

from newsbot.cli import UsageError
from newsbot.commands.demo import REPLICA_ROOT


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("serve", help="serve the replica portal on loopback",
                            description="Serve the replica under fixtures/ with twisted.web.")
    parser.add_argument("--port", type=int, default=8067, help="TCP port (0: any free port)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--root", type=Path, default=REPLICA_ROOT, help="replica document root")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not (args.root / "index.html").is_file():
        raise UsageError(f"no replica at {args.root} (expected index.html there)")
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be 0..65535, not {args.port}")
    from newsbot.replica.server import main as serve_main
    return serve_main(["--port", str(args.port), "--host", args.host, "--root", str(args.root)])

"""Test helpers for scheduled runs: crawl as cron would, read run records, change the replica."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from newsbot.replica.changes import add_stories, edit_story, new_story, rerank, write_site
from newsbot.replica.content import Site, load_site
from tests.replica import ReplicaServer

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "fixtures" / "newsonjapan" / "articles.toml"
SITE = ROOT / "fixtures" / "newsonjapan" / "site"
NEWSBOT = [sys.executable, "-m", "newsbot"]
LATER = dt.datetime(2026, 1, 12, 15, 0, tzinfo=dt.timezone.utc)  # six hours after the snapshot


def newsbot(*args: str, timeout: int = 240) -> subprocess.CompletedProcess:
    return subprocess.run(NEWSBOT + list(args), cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def crawl(url: str, db: Path, *args: str) -> subprocess.CompletedProcess:
    return newsbot("crawl", "--start-url", url, "--db", str(db), "--log-level", "WARNING", *args)


def runs(db: Path) -> list[dict]:
    """`newsbot runs --json`: the run records, newest first."""
    out = newsbot("runs", "--db", str(db), "--json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def last_stats(db: Path) -> dict:
    with sqlite3.connect(db) as con:
        return json.loads(con.execute("SELECT stats FROM runs ORDER BY id DESC LIMIT 1").fetchone()[0])


def query(db: Path, sql: str, *params) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def base_site() -> Site:
    return load_site(CONTENT)


def with_new_stories(site: Site, sections: list[str], at: dt.datetime = LATER) -> Site:
    """New stories at the top of these sections, the newest last."""
    for n, section in enumerate(sections):
        site = add_stories(site, [new_story(site, section, at, n)], at)
    return site


def serve_again(server: ReplicaServer, root: Path) -> ReplicaServer:
    """Stop ``server`` and serve ``root`` on the same port: the portal, one deploy later."""
    port = int(server.url.rstrip("/").rsplit(":", 1)[1])
    server.__exit__(None, None, None)
    return ReplicaServer(root, port=port).__enter__()


__all__ = ["add_stories", "edit_story", "new_story", "rerank", "write_site", "ReplicaServer"]

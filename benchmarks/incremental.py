"""Incremental runs, measured: a replica of N articles crawled once, again unchanged, again
after 20 new stories appear. Prints pages fetched and wall time of each run (newsbot crawl as a
subprocess, as cron runs it) and checks the goals of issue 5:

- the unchanged re-run fetches under 5% of the pages of the first run;
- the third run stores exactly the 20 new articles.

The large replica is synthetic: newsbot/replica's own page renderers over generated content
(``synthetic_site``), since no generator of large replicas was on main when this was written.

    .venv/bin/python benchmarks/incremental.py [--articles 2000] [--new 20]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsbot.replica.changes import add_stories, new_story, write_site
from newsbot.replica.content import Section, Site, check_site

SECTIONS = ("Society", "Business", "Politics", "Technology", "Entertainment", "Sports")
SNAPSHOT = dt.datetime(2026, 1, 12, 9, 0, tzinfo=dt.timezone.utc)
FIRST_ID = 200_000


def synthetic_site(n: int, days: int = 400) -> Site:
    """``n`` stories over ``days`` days up to the snapshot, ids growing with dates, in six
    sections; each links its section's three previous stories as MORE <Section> NEWS."""
    sections = tuple(Section(name=name, slug=name.lower()) for name in SECTIONS)
    start = SNAPSHOT.date() - dt.timedelta(days=days)
    stories, last_in_section = [], {name: [] for name in SECTIONS}
    empty = Site(snapshot=SNAPSHOT, portal_name="News On Japan", popular=(), sections=sections,
                 articles=())
    for i in range(n):
        section = SECTIONS[i % len(SECTIONS)]
        published = start + dt.timedelta(days=i * days // n)
        story = new_story(empty, section, SNAPSHOT, i, story_id=FIRST_ID + i * 7,
                          published=published)
        related = tuple(last_in_section[section][-3:])
        stories.append(story.__class__(**{**story.__dict__, "related": related}))
        last_in_section[section].append(story.id)
    popular = tuple(s.id for s in stories[-40::8])
    site = Site(snapshot=SNAPSHOT, portal_name="News On Japan", popular=popular, sections=sections,
                articles=tuple(stories))
    check_site(site)
    return site


class Server:
    """The replica server as a subprocess; ``restart`` serves another root on the same port."""

    def __init__(self, root: Path):
        self.port = 0
        self.proc = self._start(root)

    def _start(self, root: Path) -> subprocess.Popen:
        proc = subprocess.Popen([sys.executable, "-m", "newsbot.replica.server", "--port",
                                 str(self.port), "--root", str(root)], cwd=ROOT,
                                stdout=subprocess.PIPE, text=True)
        line = proc.stdout.readline()
        if not line.startswith("serving "):
            raise SystemExit(f"replica server did not start: {line!r}")
        self.url = line.split()[1]
        self.port = int(self.url.rstrip("/").rsplit(":", 1)[1])
        return proc

    def restart(self, root: Path) -> None:
        self.stop()
        self.proc = self._start(root)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)


def crawl(url: str, db: Path) -> tuple[float, dict]:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "newsbot", "crawl", "--start-url", url,
                             "--db", str(db), "--log-level", "ERROR"],
                            cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"crawl failed ({result.returncode}):\n{result.stdout}{result.stderr[-2000:]}")
    with sqlite3.connect(db) as con:
        [summary] = con.execute("SELECT summary FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    return wall, json.loads(summary)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--new", type=int, default=20)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as tmp:
        tmp_path = Path(tmp)
        t0 = time.perf_counter()
        site = synthetic_site(args.articles)
        write_site(site, tmp_path / "v1")
        later = SNAPSHOT + dt.timedelta(hours=6)
        grown = site
        for n in range(args.new):
            grown = add_stories(grown, [new_story(grown, SECTIONS[n % len(SECTIONS)], later, n)],
                                later)
        write_site(grown, tmp_path / "v2", previous=tmp_path / "v1")
        print(f"replica: {args.articles} articles rendered in {time.perf_counter() - t0:.1f} s; "
              f"then {args.new} new ones")

        db = tmp_path / "news.db"
        server = Server(tmp_path / "v1")
        try:
            results = [("first", *crawl(server.url, db)), ("unchanged", *crawl(server.url, db))]
            server.restart(tmp_path / "v2")
            results.append((f"{args.new} new", *crawl(server.url, db)))
        finally:
            server.stop()

    print(f"{'run':<10} {'pages':>6} {'article pages':>13} {'new':>5} {'wall s':>7}")
    for name, wall, s in results:
        print(f"{name:<10} {s['pages_fetched']:>6} {s['pages_by_kind'].get('article', 0):>13} "
              f"{s['items_new']:>5} {wall:>7.1f}")
    first, unchanged, grown_run = (r[2] for r in results)
    ratio = unchanged["pages_fetched"] / first["pages_fetched"]
    print(f"unchanged / first pages: {ratio:.1%} (goal < 5%)")
    print(f"third run stored {grown_run['items_new']} new (goal exactly {args.new})")
    print(f"wall time ratio unchanged / first: {results[1][1] / results[0][1]:.2f}")
    ok = ratio < 0.05 and grown_run["items_new"] == args.new and first["items_new"] == args.articles
    print("goals met" if ok else "GOALS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

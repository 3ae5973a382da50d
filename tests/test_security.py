"""Security: a crawl opens no port, stays on its domains and off private addresses, and SQL
never carries page text as code."""

from __future__ import annotations

import ast
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsbot.store import SqliteStore
from tests.faultserver import REPO, SQL_TEXT_READ, FaultServer, crawl

LISTEN = "0A"  # TCP state LISTEN in /proc/net/tcp


# -- no listening port ------------------------------------------------------------------------

def listening_sockets(pid: int) -> set[str]:
    """Local addresses on which process ``pid`` listens (TCP, IPv4 and IPv6), from /proc."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue  # closed between listing and reading
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = set()
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == LISTEN and fields[9] in inodes:
                found.add(f"{table}:{fields[1]}")
    return found


def listens_during_crawl(url: str, db: Path, *settings: str) -> set[str]:
    """Every listening socket the crawl process held while it ran (sampled every 50 ms)."""
    cmd = [sys.executable, "-m", "newsbot", "crawl", "--start-url", url, "--db", str(db)]
    for pair in settings:
        cmd += ["-s", pair]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seen: set[str] = set()
    deadline = time.monotonic() + 120
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                seen |= listening_sockets(proc.pid)
            except (FileNotFoundError, ProcessLookupError):
                break  # it just exited
            time.sleep(0.05)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stderr.close()
    return seen


@pytest.fixture(scope="module")
def slow_replica(tmp_path_factory):
    # A slow sitemap keeps the crawl alive for a while before its articles.
    plan = {"faults": {"/sitemap.xml": {"kind": "slow", "delay": 2}}}
    with FaultServer(plan, tmp_path_factory.mktemp("listen")) as srv:
        yield srv


def test_a_crawl_listens_on_no_port(slow_replica, tmp_path):
    assert listens_during_crawl(slow_replica.url + "/", tmp_path / "news.db") == set()


@pytest.mark.parametrize("setting", ["TELNETCONSOLE_ENABLED=True", "REMOTE_CONTROL_ENABLED=True"])
def test_the_probe_sees_the_ports_newsbot_turns_off(slow_replica, tmp_path, setting):
    """The control: with Scrapy's default back on, the same probe finds the listening port."""
    assert listens_during_crawl(slow_replica.url + "/", tmp_path / "news.db", setting,
                                "REMOTE_CONTROL_JOBS_DIR=" + str(tmp_path))


# -- a public start URL: no private address through a redirect, nothing off its domains ----------

RESOLVER = "DNS_RESOLVER=tests.faultserver.TestResolver"
# The start URL is a host name (as a real portal's is), so the polite defaults apply: relax them.
QUICK = ("DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False", "CONCURRENT_REQUESTS_PER_DOMAIN=16")


@pytest.fixture(scope="module")
def public_crawl(tmp_path_factory):
    """A crawl of http://portal.test:PORT/ (resolved to 127.0.0.1 by the test resolver)."""
    work = tmp_path_factory.mktemp("public")
    with FaultServer({}, work, name="probe") as probe:
        port = probe.port  # a free port, for the "intranet" host below
    plan = {"faults": {
        "/article/165005.php": {"kind": "redirect",
                                "to": f"http://intranet.portal.test:{port}/admin"},
        "/article/165046.php": {"kind": "redirect", "to": f"http://127.0.0.1:{port}/admin"},
        "/article/167114.php": {"kind": "mutate", "mutations": ["sql_text"]},
    }}
    db = work / "news.db"
    with FaultServer(plan, work) as srv:
        start = srv.url.replace("127.0.0.1", "portal.test") + "/"
        result = crawl(start, db, RESOLVER, *QUICK)
    return srv, start.rstrip("/"), result, db


def failures_of(db: Path) -> dict[str, str]:
    store = SqliteStore(db, readonly=True)
    try:
        return {f["url"]: f["reason"] for f in store.failures()}
    finally:
        store.close()


def test_a_redirect_to_a_private_address_is_refused_for_a_public_start_url(public_crawl):
    srv, start, result, db = public_crawl
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    reasons = failures_of(db)
    assert reasons[f"{start}/article/165005.php"].startswith(
        "redirect refused: private address: intranet.portal.test is 127.0.0.1")
    assert reasons[f"{start}/article/165046.php"].startswith(
        "redirect refused: off-site: 127.0.0.1")
    assert {h["host"].split(":")[0] for h in srv.hits()} == {"portal.test"}


def test_redirects_within_the_start_host_are_still_followed(public_crawl):
    _, start, _, db = public_crawl
    con = sqlite3.connect(db)
    urls = {r[0] for r in con.execute("SELECT url FROM articles")}
    assert f"{start}/article/119870.php" in urls  # reached through the replica's own 301


def test_headlines_and_bodies_full_of_sql_are_stored_as_text(public_crawl):
    _, start, _, db = public_crawl
    con = sqlite3.connect(db)
    headline, body = con.execute("SELECT headline, body FROM articles WHERE canonical_url = ?",
                                 (f"{start}/article/167114.php",)).fetchone()
    assert headline == SQL_TEXT_READ
    assert f"\n\n{SQL_TEXT_READ}\n\n" in body
    assert con.execute("SELECT COUNT(*) FROM articles").fetchone()[0] > 80
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


HOSTILE = ["'; DROP TABLE articles; --", 'Robert"); DELETE FROM runs; --', "a' OR '1'='1",
           "%s %d ? :name $1", "\\'; \x00 NUL", "“quoted” ‘text’ ; ;; ;", "); VACUUM; --"]


def write_hostile(store) -> None:
    """Every HOSTILE string through every kind of store write (shared with the PostgreSQL test)."""
    store.begin_run("portal", HOSTILE[0], "2026-01-12T09:00:00+00:00", {"start_urls": HOSTILE})
    for n, text in enumerate(HOSTILE):
        ranking = [{"rank": 1, "url": f"http://x/{n}'--", "title": text, "source": text}]
        article = {"canonical_url": f"http://x/article/{n}.php?q='{text}'", "url": text,
                   "article_id": text, "site": text, "section": text, "headline": text,
                   "dateline": text, "published": text, "date_evidence": text, "source": text,
                   "body": f"{text}\n\n{text}", "summary": text, "content_hash": text,
                   "crawled_at": text, "related": [{"url": text, "title": text, "source": text}]}
        assert store.upsert_article(article, store.save_popular(text, ranking)) == "new"
        store.record_failure(text, text, 500, text)
        store.save_validators(text, text, text, text)


def test_every_store_write_keeps_hostile_text_verbatim(tmp_path):
    store = SqliteStore(tmp_path / "hostile.db", batch_size=1)
    write_hostile(store)
    store.end_run(HOSTILE[1], HOSTILE[2], {HOSTILE[3]: HOSTILE[4]})
    store.close()
    store = SqliteStore(tmp_path / "hostile.db", readonly=True)
    try:
        stored = list(store.iter_articles())
        assert [a["headline"] for a in stored] == HOSTILE
        assert all(a["related"][0]["title"] == a["headline"] for a in stored)
        assert [f["reason"] for f in store.failures()] == HOSTILE
        [run] = store.runs()
        assert run["args"] == {"start_urls": HOSTILE} and run["stats"] == {HOSTILE[3]: HOSTILE[4]}
        assert store.counts()["articles"] == len(HOSTILE)
    finally:
        store.close()


# -- no value reaches SQL text ----------------------------------------------------------------

SQL_CALLS = {"execute", "executemany", "executescript"}


def interpolated_parameters(tree: ast.AST) -> list[str]:
    """``file:line name`` for every function parameter formatted into the text of an SQL call."""
    found = []
    for func in [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.Lambda,
                                                                 ast.AsyncFunctionDef))]:
        params = {a.arg for a in [*func.args.args, *func.args.kwonlyargs, *func.args.posonlyargs]}
        params.discard("self")
        for call in [n for n in ast.walk(func) if isinstance(n, ast.Call)]:
            if not (isinstance(call.func, ast.Attribute) and call.func.attr in SQL_CALLS
                    and call.args):
                continue
            text = call.args[0]
            formatted = [v.value for v in ast.walk(text) if isinstance(v, ast.FormattedValue)]
            if isinstance(text, ast.BinOp) and isinstance(text.op, (ast.Mod, ast.Add)):
                formatted.append(text.right)
            if isinstance(text, ast.Call) and getattr(text.func, "attr", "") == "format":
                formatted += [*text.args, *(k.value for k in text.keywords)]
            for value in formatted:
                names = {n.id for n in ast.walk(value) if isinstance(n, ast.Name)}
                found += [f"{call.lineno} {name}" for name in sorted(names & params)]
    return found


@pytest.mark.parametrize("path", sorted((REPO / "newsbot").rglob("*.py")),
                         ids=lambda p: str(p.relative_to(REPO)))
def test_no_caller_value_is_formatted_into_sql(path):
    assert interpolated_parameters(ast.parse(path.read_text("utf-8"))) == []


def test_the_sql_check_catches_an_injection():
    bad = ast.parse("def find(db, url):\n    db.execute(f\"SELECT * FROM a WHERE url = '{url}'\")\n"
                    "def old(db, url):\n    db.execute(\"SELECT * FROM a WHERE url = '%s'\" % url)")
    assert interpolated_parameters(bad) == ["2 url", "4 url"]

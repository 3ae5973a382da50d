"""Faults at random, from a seed: whatever hits which page, nothing is lost or stored twice.

Every article request draws a fault with probability RATE (seeded by path and hit number, so a
run repeats exactly). The first run must store every article it could read, right, and record
every one it could not; a re-run without faults must complete the set, each article once.
"""

from __future__ import annotations

import collections

import pytest

from newsbot.store import SqliteStore
from tests.faultserver import FaultServer, crawl
from tests.replica_truth import articles, expected_fields

SEED = 20260112
RATE = 0.35
KINDS = [
    {"kind": "status", "status": 500},
    {"kind": "status", "status": 503, "retry_after": 1},
    {"kind": "status", "status": 429, "retry_after": 1},
    {"kind": "reset"},
    {"kind": "gzip", "damage": "truncated"},
    {"kind": "gzip", "damage": "invalid"},
    {"kind": "slow", "delay": 0.5},
    {"kind": "hang"},
    {"kind": "empty"},
]
SETTINGS = ("RETRY_TIMES=2", "DOWNLOAD_TIMEOUT=2")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    work = tmp_path_factory.mktemp("random")
    db = work / "news.db"
    plan = {"random": {"seed": SEED, "rate": RATE, "match": r"^/article/", "kinds": KINDS}}
    with FaultServer(plan, work) as srv:
        first = crawl(srv.url + "/", db, *SETTINGS)
    after_first = read(db)
    with FaultServer({}, work, port=srv.port, name="clean") as clean:
        second = crawl(clean.url + "/", db, *SETTINGS)
    return srv, (first, after_first), second, db


def read(db):
    store = SqliteStore(db, readonly=True)
    try:
        runs = store.runs()
        return ({a["canonical_url"]: a for a in store.iter_articles()},
                {r["id"]: store.failures(r["id"]) for r in runs}, runs)
    finally:
        store.close()


def right(got: dict, article: dict, host: str) -> bool:
    want = expected_fields(article, host)
    firsts: dict[str, dict] = {}
    for link in want["related"]:  # the same story twice in a block is stored once
        firsts.setdefault(link["url"], link)
    want["related"] = list(firsts.values())
    if got["url"].startswith(f"{host}/html/newsdesk/"):
        want["summary"] = None  # stored from its old-layout page, which has no description
    return {k: got[k] for k in want} == want


def test_every_fault_kind_was_drawn(runs):
    srv, _, _, _ = runs
    drawn = collections.Counter(h["fault"] for h in srv.hits() if h["fault"])
    assert len(drawn) == len({k["kind"] for k in KINDS}), drawn


def test_the_first_run_loses_nothing_and_stores_only_right_articles(runs):
    srv, (first, (stored, failures, [run])), _, _ = runs
    assert run["finish_reason"] == "finished", first.stderr[-3000:]
    failed = {f["url"] for f in failures[run["id"]]}
    truth = {f"{srv.url}/article/{a['id']}.php": a for a in articles()}
    assert failed & set(truth), "no article failed: the seed and rate no longer exercise anything"
    assert set(truth) <= set(stored) | failed
    assert not set(stored) & failed
    assert [u for u in stored if not right(stored[u], truth[u], srv.url)] == []


def test_the_rerun_completes_the_set_right_and_once(runs):
    srv, _, second, db = runs
    assert second.returncode == 0, second.stdout + second.stderr[-3000:]
    stored, _, _ = read(db)
    assert len(stored) == len(articles())
    wrong = [a["id"] for a in articles()
             if not right(stored[f"{srv.url}/article/{a['id']}.php"], a, srv.url)]
    assert wrong == []

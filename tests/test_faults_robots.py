"""robots.txt that fails: a 500 or no answer at all means "disallow all" (RFC 9309), recorded."""

from __future__ import annotations

import pytest

from newsbot.store import SqliteStore
from tests.faultserver import FaultServer, crawl

CASES = {
    "500": ({"kind": "status", "status": 500}, r"robots.txt unavailable: HTTP 500"),
    "hang": ({"kind": "hang"}, r"robots.txt unreachable: "),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_failing_robots_txt_stops_the_crawl_politely_and_says_why(case, tmp_path):
    spec, reason = CASES[case]
    with FaultServer({"faults": {"/robots.txt": spec}}, tmp_path) as srv:
        result = crawl(srv.url + "/", tmp_path / "news.db", "RETRY_TIMES=1", "DOWNLOAD_TIMEOUT=1")
    assert {h["path"] for h in srv.hits()} == {"/robots.txt"}, "fetched past a failed robots.txt"
    assert len(srv.hits()) == 2  # the robots.txt request and its one retry
    store = SqliteStore(tmp_path / "news.db", readonly=True)
    try:
        [run] = store.runs()
        failures = store.failures(run["id"])
    finally:
        store.close()
    assert run["finish_reason"] == "finished"
    assert [f["url"] for f in failures] == [srv.url + "/robots.txt"]
    assert failures[0]["reason"].startswith(reason.replace("\\", "")), failures
    assert run["stats"]["newsbot/robotstxt/disallow_all"] == 1
    assert result.returncode == 1 and "UNHEALTHY: " in result.stdout  # nothing could be crawled
    assert "no articles found" in result.stdout

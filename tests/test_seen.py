"""The seen-store (requested URLs, fingerprints, the start queue) and the dupefilter on it."""

from __future__ import annotations

from pathlib import Path

from scrapy import Request

from newsbot.dupefilter import SeenDupeFilter
from newsbot.store.seen import SeenStore
from tests.conftest import make_crawler


def test_a_key_is_new_once_even_after_it_left_the_recent_set():
    seen = SeenStore(recent=2, batch=3)
    try:
        assert [seen.add(f"http://h/{i}") for i in range(5)] == [True] * 5
        assert seen.add("http://h/0") is False  # answered by SQLite: only 3 and 4 are recent
        assert seen.add(b"\x00" * 20) is True and seen.add(b"\x00" * 20) is False
        assert "http://h/1" in seen and "http://h/9" not in seen
        assert len(seen) == 6
    finally:
        seen.close()


def test_seeds_come_back_in_order_once_while_keys_are_added_between_them():
    seen = SeenStore(batch=2)
    try:
        assert seen.push_seeds(f"http://h/{i}" for i in range(1200)) == 1200
        seen.push_seeds(["http://h/last"])
        out = []
        for url in seen.seeds(chunk=100):
            out.append(url)
            seen.add(url)
        assert out == [f"http://h/{i}" for i in range(1200)] + ["http://h/last"]
        assert list(seen.seeds()) == []
    finally:
        seen.close()


def test_a_temporary_store_leaves_no_file_and_a_named_one_outlives_its_run(tmp_path):
    temporary = SeenStore()
    path = Path(temporary.path)
    temporary.add("http://h/x")
    temporary.close()
    assert not path.exists()
    named = tmp_path / "seen.sqlite"
    first = SeenStore(named)
    first.add("http://h/x")
    first.close()
    again = SeenStore(named)
    try:
        assert again.add("http://h/x") is False
    finally:
        again.close()


def test_the_dupefilter_filters_what_scrapys_would(tmp_path):
    crawler = make_crawler(JOBDIR=str(tmp_path))
    dupefilter = SeenDupeFilter.from_crawler(crawler)
    try:
        assert dupefilter.request_seen(Request("http://h/a?x=1&y=2")) is False
        assert dupefilter.request_seen(Request("http://h/a?y=2&x=1")) is True  # same fingerprint
        assert dupefilter.request_seen(Request("http://h/a?y=2&x=1", method="POST")) is False
        assert dupefilter.request_seen(Request("http://h/b")) is False
    finally:
        dupefilter.close("finished")
    assert (tmp_path / "requests.seen" / "seen.sqlite").is_file()  # a paused crawl resumes
    resumed = SeenDupeFilter.from_crawler(crawler)
    try:
        assert resumed.request_seen(Request("http://h/b")) is True
    finally:
        resumed.close("finished")


def test_newsbot_settings_use_it():
    crawler = make_crawler()
    assert crawler.settings["DUPEFILTER_CLASS"] == "newsbot.dupefilter.SeenDupeFilter"

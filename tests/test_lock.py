"""One crawl per store: the lock file beside the database, in-process and across processes."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsbot.lock import FileLock
from newsbot.store import open_store
from tests.replica import ReplicaServer
from tests.scheduled import NEWSBOT, ROOT, SITE, query

HOLD = "import sys, time; from newsbot.store import open_store; " \
       "open_store(sys.argv[1]).lock().acquire(); print('held', flush=True); time.sleep(60)"


@pytest.fixture(scope="module")
def replica():
    with ReplicaServer(SITE) as server:
        yield server.url


def crawl(url: str, db: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(NEWSBOT + ["crawl", "--start-url", url, "--db", str(db),
                                       "--log-level", "WARNING", *extra],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def holder(db: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(db)], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_the_lock_is_reentrant_in_one_process_and_exclusive_across(tmp_path):
    db = tmp_path / "news.db"
    with open_store(str(db)).lock() as outer, open_store(str(db)).lock() as inner:
        assert outer.acquired and inner.acquired
        other = subprocess.run([sys.executable, "-c", "import sys; from newsbot.store import "
                                "open_store; open_store(sys.argv[1]).lock().acquire()", str(db)],
                               cwd=ROOT, capture_output=True, text=True)
        assert other.returncode != 0 and "StoreLocked" in other.stderr
    # Released by both holders: another process gets it now.
    FileLock(tmp_path / "news.db.lock").acquire().release()


def test_a_second_crawl_exits_at_once_with_a_clear_message(replica, tmp_path):
    db = tmp_path / "news.db"
    first = holder(db)
    try:
        started = time.monotonic()
        second = crawl(replica, db)
        out, err = second.communicate(timeout=60)
        assert second.returncode == 75, out + err
        assert time.monotonic() - started < 20  # no crawl: just start-up and the refusal
        [line] = err.strip().splitlines()
        assert line.startswith(f"newsbot: another newsbot run (pid {first.pid} since ")
        assert line.endswith(f"is crawling into {db}; this one exits without crawling")
        assert query(db, "SELECT COUNT(*) FROM runs") == [(0,)]
    finally:
        first.kill()
        first.wait()


def test_plain_scrapy_is_refused_too_without_touching_the_store(replica, tmp_path):
    db = tmp_path / "news.db"
    open_store(str(db)).close()
    first = holder(db)
    try:
        result = subprocess.run([str(Path(sys.executable).with_name("scrapy")), "crawl", "portal",
                                 "-a", f"start_url={replica}", "-s", f"NEWSBOT_DB={db}",
                                 "-s", f"JOBDIR={tmp_path / 'job'}"],
                                cwd=ROOT, capture_output=True, text=True, timeout=60)
    finally:
        first.kill()
        first.wait()
    assert "another newsbot run" in result.stderr
    assert "'finish_reason': 'locked'" in result.stderr
    assert result.returncode == 75  # "try again later", as `newsbot crawl` says it
    assert "downloader/request_count" not in result.stderr  # nothing fetched
    assert query(db, "SELECT COUNT(*) FROM runs") == [(0,)]
    assert not (tmp_path / "job" / "requests.queue").exists()  # the JOBDIR left alone


def test_a_lock_left_by_a_killed_run_is_recovered(replica, tmp_path):
    db = tmp_path / "news.db"
    first = holder(db)
    first.send_signal(signal.SIGKILL)
    first.wait()
    assert (tmp_path / "news.db.lock").read_text().startswith(f"pid {first.pid} ")  # left behind
    result = crawl(replica, db)
    out, err = result.communicate(timeout=240)
    assert result.returncode == 0, out + err[-3000:]
    assert query(db, "SELECT COUNT(*) FROM runs WHERE finish_reason = 'finished'") == [(1,)]


def test_two_crawls_started_together_one_crawls(replica, tmp_path):
    db = tmp_path / "news.db"
    procs = [crawl(replica, db), crawl(replica, db)]
    codes = sorted(p.wait(timeout=240) for p in procs)
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    assert codes == [0, 75]
    assert query(db, "SELECT COUNT(*) FROM runs") == [(1,)]

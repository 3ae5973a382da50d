"""The CLI as a user meets it: bad input is one line and a non-zero exit, never a traceback."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

NEWSBOT = [sys.executable, "-m", "newsbot"]
ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(NEWSBOT + list(args), capture_output=True, text=True, timeout=timeout,
                          cwd=ROOT)


@pytest.mark.parametrize("args, message", [
    (["crawl", "--start-url", "not-a-url", "--db", "{tmp}/x.db"], "not an http(s) URL: not-a-url"),
    (["crawl", "--start-url", "ftp://example.com/", "--db", "{tmp}/x.db"], "not an http(s) URL"),
    (["crawl", "--site", "nosuchsite", "--db", "{tmp}/x.db"], "no site profile 'nosuchsite'"),
    (["crawl", "--max-pages", "-1", "--db", "{tmp}/x.db"], "--max-pages must be 1 or more"),
    (["crawl", "--discover", "rss", "--db", "{tmp}/x.db"], "discover takes"),
    (["crawl", "--db", "/proc/newsbot/x.db"], "cannot open the store at /proc/newsbot/x.db"),
    (["export", "--db", "{tmp}/missing.db"], "no store at"),
    (["export", "--db", "{tmp}/x.db", "--format", "xml"], "unknown format 'xml'"),
    (["crawl", "-s", "NOEQUALS", "--db", "{tmp}/x.db"], "-s takes NAME=VALUE"),
    (["demo", "--root", "{tmp}"], "no replica at"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, args, message):
    result = run(*[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_export_refuses_a_file_that_is_not_a_store(tmp_path):
    (tmp_path / "notes.db").write_text("not sqlite")
    result = run("export", "--db", str(tmp_path / "notes.db"))
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_an_unreachable_site_is_an_unhealthy_run(tmp_path):
    result = run("crawl", "--start-url", "http://127.0.0.1:9/", "--db", str(tmp_path / "x.db"),
                 "--log-level", "CRITICAL", "-s", "RETRY_TIMES=0")
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1].startswith("UNHEALTHY: no articles found")
    assert "Traceback" not in result.stderr


def test_serve_serves_the_replica():
    server = subprocess.Popen(NEWSBOT + ["serve", "--port", "0"], stdout=subprocess.PIPE, text=True,
                              cwd=ROOT)
    try:
        line = server.stdout.readline()
        assert line.startswith("serving http://127.0.0.1:")
        with urllib.request.urlopen(line.split()[1] + "robots.txt", timeout=10) as response:
            assert b"Sitemap:" in response.read()
    finally:
        server.terminate()
        server.wait(timeout=10)

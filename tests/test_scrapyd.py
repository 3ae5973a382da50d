"""Deployment: a real scrapyd on loopback, the project egg deployed with scrapyd-deploy, the
spider scheduled through scrapyd's HTTP API against the served replica, articles in the store."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.replica import ReplicaServer
from tests.replica_truth import articles
from tests.scheduled import ROOT, SITE, query

BIN = Path(sys.executable).parent
PROJECT_FILES = ("newsbot", "pyproject.toml", "setup.py", "scrapy.cfg", "README.md")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base: str, endpoint: str, data: list[tuple[str, str]] | None = None) -> dict:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(base + endpoint, data=body, timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture
def scrapyd(tmp_path):
    """scrapyd from the venv, its eggs, logs and databases under tmp_path."""
    for tool in ("scrapyd", "scrapyd-deploy"):
        assert (BIN / tool).exists(), f"{tool} is missing: pip install -e '.[test]'"
    port = free_port()
    home = tmp_path / "scrapyd"
    home.mkdir()
    (home / "scrapyd.conf").write_text(
        "[scrapyd]\nbind_address = 127.0.0.1\n"
        f"http_port = {port}\neggs_dir = {home / 'eggs'}\nlogs_dir = {home / 'logs'}\n"
        f"dbs_dir = {home / 'dbs'}\nitems_dir =\nmax_proc = 1\npoll_interval = 0.5\n")
    proc = subprocess.Popen([str(BIN / "scrapyd")], cwd=home, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 30
    while True:
        try:
            assert call(base, "daemonstatus.json")["status"] == "ok"
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise AssertionError("scrapyd did not start: " + proc.stderr.read()[-2000:])
            time.sleep(0.2)
    yield base, home
    proc.terminate()
    proc.wait(timeout=20)


def deploy(base: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """`scrapyd-deploy` as the README says, on a copy of the project (it writes build files)."""
    project = tmp_path / "project"
    project.mkdir()
    for name in PROJECT_FILES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, project / name,
                            ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, project / name)
    # The target's address is the one scrapy.cfg's [deploy:local] would have, on our free port.
    cfg = (project / "scrapy.cfg").read_text().replace("http://127.0.0.1:6800/", base)
    (project / "scrapy.cfg").write_text(cfg)
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run([str(BIN / "scrapyd-deploy"), "local", "-p", "newsbot", "--version", "1"],
                          cwd=project, capture_output=True, text=True, timeout=180, env=env)


def test_deploy_schedule_and_find_the_articles(scrapyd, tmp_path):
    base, home = scrapyd
    deployed = deploy(base, tmp_path)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    assert '"status": "ok"' in deployed.stdout
    assert call(base, "listspiders.json?project=newsbot")["spiders"] == ["portal"]

    db = tmp_path / "news.db"
    with ReplicaServer(SITE) as replica:
        job = call(base, "schedule.json", [("project", "newsbot"), ("spider", "portal"),
                                           ("start_url", replica.url),
                                           ("setting", f"NEWSBOT_DB={db}")])
        assert job["status"] == "ok", job
        deadline = time.monotonic() + 180
        while not any(j["id"] == job["jobid"] for j in
                      call(base, "listjobs.json?project=newsbot")["finished"]):
            assert time.monotonic() < deadline, "the scrapyd job did not finish"
            time.sleep(0.5)

    log = next((home / "logs").rglob(f"{job['jobid']}.log")).read_text()
    assert "'finish_reason': 'finished'" in log
    assert query(db, "SELECT COUNT(*), COUNT(DISTINCT canonical_url) FROM articles") == \
        [(len(articles()), len(articles()))]
    assert query(db, "SELECT finish_reason, exit_status, health FROM runs") == \
        [("finished", 0, "healthy")]

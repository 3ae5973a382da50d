"""Test helpers for the Redis frontier: the machine's Redis under a unique crawl name, and a
private redis-server on a free port for tests that stop and restart it.

The address comes from NEWSBOT_TEST_REDIS (default redis://127.0.0.1:6379/0). A Redis that does
not answer fails the test with the reason: these tests are the proof, never skipped.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import redis

from newsbot.frontier.address import FrontierAddress

DEFAULT = "redis://127.0.0.1:6379/0"
REDIS_SERVER = "/usr/bin/redis-server"


def test_redis_url() -> str:
    return os.environ.get("NEWSBOT_TEST_REDIS", DEFAULT)


test_redis_url.__test__ = False  # a helper, not a test


@pytest.fixture
def frontier():
    """A FrontierAddress on the test Redis with a crawl name no other test uses; its keys are
    deleted afterwards."""
    url = test_redis_url()
    client = redis.Redis.from_url(url, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as e:
        pytest.fail(f"these tests need Redis at {url} (set NEWSBOT_TEST_REDIS, or start "
                    f"redis-server; .ci/run does): {e}")
    address = FrontierAddress(url, f"test-{uuid.uuid4().hex[:10]}")
    yield address
    keys = list(client.scan_iter(match=f"{address.prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateRedis:
    """redis-server on a free port with an append-only file in ``workdir``: stop() and start()
    again keep its data, as a restarted production Redis would."""

    def __init__(self, workdir: Path):
        if not Path(REDIS_SERVER).exists() and not shutil.which("redis-server"):
            pytest.fail(f"this test needs {REDIS_SERVER} (apt-get install redis-server)")
        self.workdir = Path(workdir)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> PrivateRedis:
        binary = REDIS_SERVER if Path(REDIS_SERVER).exists() else shutil.which("redis-server")
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "yes", "--appendfsync", "always", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(port=self.port)
        for _ in range(200):
            try:
                client.ping()
                return self
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()  # SIGTERM: Redis flushes its append-only file and exits
            self.proc.wait(timeout=20)
            self.proc = None

    def __enter__(self) -> PrivateRedis:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

"""Test helper: a fresh PostgreSQL database per test on the machine's server, and a private
server of our own for tests that must stop and restart it.

The server's address comes from NEWSBOT_TEST_POSTGRES (default below). When it does not
answer, the tests that need it fail, naming the address and README's set-up: never skip.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

SERVER = os.environ.get("NEWSBOT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def admin(address: str = SERVER) -> psycopg.Connection:
    try:
        return psycopg.connect(address, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as e:
        why = str(e).strip().splitlines()[0]
    pytest.fail(f"PostgreSQL at {address} does not answer ({why}): start it as README.md's "
                "'Tests' section says, or point NEWSBOT_TEST_POSTGRES at one", pytrace=False)


def as_url(conninfo: str) -> str:
    """A conninfo string as a postgresql:// URL (what users pass to --store)."""
    info = conninfo_to_dict(conninfo)
    user = f"{info['user']}@" if info.get("user") else ""
    host, port = info.get("host", "127.0.0.1"), info.get("port", 5432)
    return f"postgresql://{user}{host}:{port}/{info['dbname']}"


class Database:
    """``with Database() as url:`` a new, empty database, dropped on the way out."""

    def __init__(self, server: str = SERVER):
        self.server = server
        self.name = f"newsbot_t_{uuid.uuid4().hex[:12]}"
        self.url = as_url(make_conninfo(server, dbname=self.name))

    def __enter__(self) -> str:
        with admin(self.server) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        return self.url

    def __exit__(self, *exc: object) -> None:
        with admin(self.server) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture
def pg_url():
    with Database() as url:
        yield url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateServer:
    """A PostgreSQL cluster in a temporary directory on a free port, run as the postgres user
    (the server refuses root), which a test may stop and start at will."""

    def __init__(self):
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found:
            pytest.fail("no PostgreSQL server binaries under /usr/lib/postgresql (Debian's "
                        "postgresql package): README.md's 'Tests' section says how to install",
                        pytrace=False)
        self.bin = Path(found[-1]).parent
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="newsbot-pg-"))
        self.data = self.dir / "data"
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _as_postgres(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["runuser", "-u", "postgres", "--", *args], capture_output=True,
                              text=True, timeout=120, check=True)

    def __enter__(self) -> PrivateServer:
        shutil.chown(self.dir, "postgres")
        self._as_postgres(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust",
                          "-U", "postgres", "--no-sync")
        self.start()
        return self

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options,
                          "-l", str(self.dir / "log"), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def __exit__(self, *exc: object) -> None:
        try:
            self.stop("immediate")
        except subprocess.CalledProcessError:
            pass  # already stopped by the test
        shutil.rmtree(self.dir, ignore_errors=True)

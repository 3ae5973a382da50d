"""A PostgreSQL connection that survives a server restart: each unit of work is retried, on a
fresh connection, with back-off, up to a time bound; past it, a StoreError that says since when.

A unit of work is a function of the connection that runs in one transaction, so a retry replays
it whole: nothing half-written is ever committed, and nothing the caller still holds is lost.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TypeVar

import psycopg
from psycopg.rows import dict_row

from newsbot.store.base import StoreError

logger = logging.getLogger(__name__)
T = TypeVar("T")

# First pause after a failure; each next pause doubles, up to MAX_PAUSE.
FIRST_PAUSE = 0.25
MAX_PAUSE = 4.0


def where(address: str) -> str:
    """HOST:PORT/DB of an address, for messages (never the password)."""
    try:
        info = psycopg.conninfo.conninfo_to_dict(address)
    except psycopg.ProgrammingError:
        return "an unreadable address"
    return f"{info.get('host') or 'localhost'}:{info.get('port') or 5432}/{info.get('dbname', '')}"


def application_name() -> str:
    """What pg_stat_activity shows for a newsbot connection: who holds a lock, say."""
    return f"newsbot pid {os.getpid()} on {socket.gethostname()}"[:63]


def connect(address: str, readonly: bool = False) -> psycopg.Connection:
    """One connection, in autocommit mode: transactions are opened explicitly per unit of work."""
    options = "-c default_transaction_read_only=on" if readonly else None
    return psycopg.connect(address, autocommit=True, connect_timeout=5, row_factory=dict_row,
                           application_name=application_name(), options=options)


class Reconnecting:
    """``run(work)`` runs ``work(conn)`` in a transaction, reconnecting while the server is away."""

    def __init__(self, address: str, retry_seconds: float = 30.0, readonly: bool = False):
        self.address = address
        self.where = where(address)
        self.retry_seconds = retry_seconds
        self.readonly = readonly
        self.down_since: datetime | None = None  # set once a bound was exhausted
        try:
            self.conn = connect(address, readonly)
        except psycopg.Error as e:
            raise StoreError(f"cannot open the PostgreSQL store at {self.where}: "
                             f"{_first_line(e)}") from None

    def run(self, work: Callable[[psycopg.Connection], T]) -> T:
        # Once a bound has been spent, one quick try each: a closing crawl must not wait again.
        bound = 0.0 if self.down_since else self.retry_seconds
        started, pause = time.monotonic(), FIRST_PAUSE
        since = self.down_since or datetime.now(timezone.utc)
        while True:
            try:
                if self.conn.closed or self.conn.broken:
                    self.conn = connect(self.address, self.readonly)
                with self.conn.transaction():
                    result = work(self.conn)
                self.down_since = None
                return result
            except psycopg.OperationalError as e:  # connection lost, server restarting, deadlock
                if time.monotonic() - started + pause > bound:
                    self.down_since = since
                    raise StoreError(f"PostgreSQL at {self.where} unreachable since "
                                     f"{since.isoformat(timespec='seconds')}: "
                                     f"{_first_line(e)}") from None
                logger.warning("PostgreSQL at %s: %s; retrying in %.2gs", self.where,
                               _first_line(e), pause)
                time.sleep(pause)
                pause = min(pause * 2, MAX_PAUSE)

    def close(self) -> None:
        self.conn.close()


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]

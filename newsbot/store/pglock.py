"""The run lock of a PostgreSQL store: a session advisory lock on a connection of its own.

The server drops the lock when that session ends, however the process dies, so a lock left by a
killed run is never stale. pg_stat_activity names the holder for the "already running" message.
"""

from __future__ import annotations

from typing import ClassVar

import psycopg

from newsbot.lock import StoreLocked
from newsbot.store.reconnect import connect, where

# The two keys of newsbot's advisory locks: (NAMESPACE, what). Advisory locks are per database.
NAMESPACE = 0x6E62  # "nb"
RUN_LOCK = 1
CONTENT_LOCK_NAMESPACE = NAMESPACE + 1  # (namespace, hashtext(content_hash)) in upserts


class AdvisoryRunLock:
    """Exclusive, non-blocking, re-entrant within a process (like newsbot.lock.FileLock)."""

    # Shared by every lock of the process: store address -> (connection, holders here).
    _held: ClassVar[dict[str, tuple[psycopg.Connection, int]]] = {}

    def __init__(self, address: str):
        self.address = address
        self.acquired = False

    def acquire(self) -> AdvisoryRunLock:
        """Take the lock or raise StoreLocked at once (never waits)."""
        if self.acquired:
            return self
        if self.address in self._held:
            conn, count = self._held[self.address]
            self._held[self.address] = (conn, count + 1)
            self.acquired = True
            return self
        conn = connect(self.address)
        got = conn.execute("SELECT pg_try_advisory_lock(%s, %s) AS got",
                           (NAMESPACE, RUN_LOCK)).fetchone()["got"]
        if not got:
            holder = self._holder(conn)
            conn.close()
            raise StoreLocked(f"another newsbot run ({holder}) is crawling into PostgreSQL at "
                              f"{where(self.address)}; this one exits without crawling")
        self._held[self.address] = (conn, 1)
        self.acquired = True
        return self

    @staticmethod
    def _holder(conn: psycopg.Connection) -> str:
        row = conn.execute(
            "SELECT a.application_name AS name, a.backend_start AS since FROM pg_locks l "
            "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' "
            "AND l.granted AND l.classid = %s AND l.objid = %s AND l.database = "
            "(SELECT oid FROM pg_database WHERE datname = current_database())",
            (NAMESPACE, RUN_LOCK)).fetchone()
        if row is None:
            return "unknown"
        return f"{row['name'] or 'unknown'} since {row['since'].isoformat(timespec='seconds')}"

    def release(self) -> None:
        if not self.acquired:
            return
        self.acquired = False
        conn, count = self._held[self.address]
        if count > 1:
            self._held[self.address] = (conn, count - 1)
            return
        del self._held[self.address]
        conn.close()  # ending the session drops the lock

    def __enter__(self) -> AdvisoryRunLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()

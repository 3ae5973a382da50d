"""One crawl at a time per store: an exclusive flock on a lock file beside it (store → runs).

The kernel drops an flock when its process dies, however it dies, so a lock left by a killed
run is never stale: the next run simply gets it. The file keeps the holder's pid and start
time only to make the "already running" message useful.
"""

from __future__ import annotations

import fcntl
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import ClassVar


class StoreLocked(RuntimeError):
    """Another run holds the store's lock (newsbot.store re-exports it)."""


class FileLock:
    """An exclusive, non-blocking, process-wide lock on ``path``; re-entrant within a process."""

    # Shared by every FileLock of the process: resolved path -> (fd, how many holders here).
    _held: ClassVar[dict[str, tuple[int, int]]] = {}

    def __init__(self, path: str | Path, what: str = "the store"):
        self.path = Path(path)
        self.what = what
        self.acquired = False

    def acquire(self) -> FileLock:
        """Take the lock or raise StoreLocked at once (never waits)."""
        if self.acquired:
            return self
        key = str(self.path.resolve())
        if key in self._held:  # `newsbot crawl` locks, then its crawler's extension locks again
            fd, count = self._held[key]
            self._held[key] = (fd, count + 1)
            self.acquired = True
            return self
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 200).decode("utf-8", "replace").strip() or "unknown"
            os.close(fd)
            raise StoreLocked(f"another newsbot run ({holder}) is crawling into {self.what}; "
                              f"this one exits without crawling") from None
        os.ftruncate(fd, 0)
        started = datetime.now(timezone.utc).isoformat(timespec="seconds")
        os.write(fd, f"pid {os.getpid()} since {started}\n".encode())
        self._held[key] = (fd, 1)
        self.acquired = True
        return self

    def release(self) -> None:
        if not self.acquired:
            return
        self.acquired = False
        key = str(self.path.resolve())
        fd, count = self._held[key]
        if count > 1:
            self._held[key] = (fd, count - 1)
            return
        del self._held[key]
        os.close(fd)  # closing the last descriptor drops the flock; the file stays, harmlessly

    def __enter__(self) -> FileLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


class NoLock:
    """The lock of a store no other process can see (an in-memory store)."""

    acquired = True

    def acquire(self) -> NoLock:
        return self

    def release(self) -> None:
        pass

    def __enter__(self) -> NoLock:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

"""Test helper: runs the replica server in a subprocess on a free loopback port."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import TracebackType

REPO = Path(__file__).resolve().parents[1]
DEFAULT_ROOT = REPO / "fixtures" / "newsonjapan" / "site"


class ReplicaServer:
    """`with ReplicaServer() as server:` serves a root at `server.url` (http://127.0.0.1:PORT/)."""

    def __init__(self, root: Path = DEFAULT_ROOT, timeout: float = 10.0, port: int = 0) -> None:
        self.root = Path(root)
        self.timeout = timeout
        self.port = port  # a fixed port serves a new version of a site at the same addresses
        self.url = ""
        self._proc: subprocess.Popen[str] | None = None

    def __enter__(self) -> ReplicaServer:
        env = dict(os.environ)
        # The child must import this checkout's newsbot, whatever the caller's working directory.
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
        cmd = [sys.executable, "-m", "newsbot.replica.server", "--port", str(self.port),
               "--root", str(self.root)]
        self._proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env)
        line = self._proc.stdout.readline() if self._proc.stdout else ""
        if not line.startswith("serving "):
            self._stop()
            raise RuntimeError(f"replica server did not start: {line!r}")
        self.url = line.split()[1]
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stop()

    def _stop(self) -> None:
        if self._proc is None:
            return
        self._proc.terminate()
        try:
            self._proc.wait(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        if self._proc.stdout:
            self._proc.stdout.close()
        self._proc = None

    def urljoin(self, path: str) -> str:
        return self.url.rstrip("/") + path

"""Serve a generated replica from disk on loopback for the benchmarks: nginx, else twisted.web.

nginx (Debian's ``nginx-light``) runs as a child process with a generated config in a scratch
directory: no daemon, no root-owned paths, one worker (the crawler needs the other core). It
copies what the replica server does beyond serving files, from ``_site.json``: the snapshot's
``Date`` on every response, the 301 redirects and the per-path Content-Types.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path
from types import TracebackType

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None)


def nginx_config(root: Path, port: int, scratch: Path, site: dict) -> str:
    """An nginx.conf that serves ``root`` as newsbot.replica.server would."""
    snapshot = datetime.fromisoformat(site["snapshot"].replace("Z", "+00:00"))
    date = format_datetime(snapshot, usegmt=True)
    exact = []
    for path, target in sorted(site.get("redirects", {}).items()):
        exact.append(f"location = {path} {{ return 301 {target}; }}")
    for path, headers in sorted(site.get("headers", {}).items()):
        if path in site.get("redirects", {}):
            continue
        content_type = headers.get("Content-Type")
        if content_type:
            exact.append(f'location = {path} {{ types {{ }} default_type "{content_type}"; }}')
    temp = "\n    ".join(f"{name}_temp_path {scratch}/{name};"
                         for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    locations = "\n        ".join(exact)
    return f"""
worker_processes 1;
daemon off;
master_process on;
pid {scratch}/nginx.pid;
error_log {scratch}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    server_tokens off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    {temp}
    types {{ text/html html php; application/xml xml; text/plain txt; }}
    default_type application/octet-stream;
    charset utf-8;
    charset_types text/html text/plain;
    etag off;
    if_modified_since off;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        index index.html;
        # The crawler dates yearless datelines by the server's clock: it must be the snapshot's.
        # nginx writes its own Date first; Scrapy reads the last one, this one.
        add_header Date "{date}" always;
        add_header Last-Modified "{date}" always;
        location ~ ^/[_.] {{ return 404; }}
        {locations}
    }}
}}
"""


class StaticServer:
    """``with StaticServer(root) as server:`` serves ``root`` at ``server.url``; ``server.kind``
    says which server it is ("nginx" or "twisted.web")."""

    def __init__(self, root: Path, prefer: str = "nginx", timeout: float = 10.0):
        self.root = Path(root).resolve()
        self.prefer = prefer
        self.timeout = timeout
        self.kind = ""
        self.url = ""
        self._proc: subprocess.Popen | None = None
        self._scratch: tempfile.TemporaryDirectory | None = None

    def __enter__(self) -> StaticServer:
        binary = nginx_binary() if self.prefer == "nginx" else None
        if binary:
            self._start_nginx(binary)
        else:
            self._start_twisted()
        return self

    def _start_nginx(self, binary: str) -> None:
        self._scratch = tempfile.TemporaryDirectory(prefix="newsbot-nginx-")
        scratch = Path(self._scratch.name)
        port = free_port()
        site = json.loads((self.root / "_site.json").read_text("utf-8"))
        conf = scratch / "nginx.conf"
        conf.write_text(nginx_config(self.root, port, scratch, site))
        self._proc = subprocess.Popen([binary, "-p", str(scratch), "-c", str(conf)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.kind, self.url = "nginx", f"http://127.0.0.1:{port}/"
        self._wait_listening(port, scratch / "error.log")

    def _start_twisted(self) -> None:
        path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
        env = {**os.environ, "PYTHONPATH": path}
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "newsbot.replica.server", "--port", "0",
             "--root", str(self.root)],
            stdout=subprocess.PIPE, text=True, env=env)
        line = self._proc.stdout.readline() if self._proc.stdout else ""
        if not line.startswith("serving "):
            self.stop()
            raise RuntimeError(f"replica server did not start: {line!r}")
        self.kind, self.url = "twisted.web", line.split()[1]

    def _wait_listening(self, port: int, log: Path) -> None:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                err = self._proc.stderr.read().decode() if self._proc.stderr else ""
                raise RuntimeError(f"nginx exited: {err.strip() or log.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"nginx did not listen on {port} within {self.timeout}s")

    def stop(self) -> None:
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
            for stream in (self._proc.stdout, self._proc.stderr):
                if stream:
                    stream.close()
            self._proc = None
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

"""Serves a rendered replica document root over HTTP on loopback with twisted.web.

The files are served by static.File; a small root resource adds what a static server does not
know: the snapshot's Date header, 301 redirects and per-path header overrides from _site.json,
and (for replicas that have them) pages addressed by their query string, "queries":
{"/section/society/?page=2": "/section/society/page-2.html"}. An evolved replica
(newsbot/replica/changes.py) also gives per-path Last-Modified times and ETags, so conditional
GETs get their 304s.
"""

from __future__ import annotations

import argparse
import json
import sys
from email.utils import format_datetime
from datetime import datetime
from pathlib import Path

from twisted.internet.interfaces import IListeningPort
from twisted.web import http, resource, server, static

SITE_CONFIG = "_site.json"
HTML = "text/html; charset=utf-8"

_NOT_FOUND_PAGE = (
    b'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
    b"<title>404 Not Found | News On Japan</title></head><body><h1>Page not found</h1>"
    b"<p>The page you requested does not exist or has been removed. "
    b'<a href="/">Back to the top page</a></p></body></html>\n'
)


class NotFound(resource.Resource):
    """A small HTML 404 for every missing path (and for directories: no listings)."""

    isLeaf = True

    def render(self, request: server.Request) -> bytes:
        request.setResponseCode(404)
        request.setHeader(b"content-type", HTML.encode())
        return _NOT_FOUND_PAGE


class ReplicaFile(static.File):
    """static.File with the portal's content types, private files hidden, no directory listings."""

    contentTypes = {
        **static.File.contentTypes,
        ".php": HTML,
        ".html": HTML,
        ".xml": "application/xml",
        ".txt": "text/plain; charset=utf-8",
    }
    childNotFound = NotFound()

    def getChild(self, path: bytes, request: server.Request) -> resource.Resource:
        # _site.json and dotfiles belong to the replica, not to the portal it copies.
        if path[:1] in (b"_", b"."):
            return self.childNotFound
        return super().getChild(path, request)

    def directoryListing(self) -> resource.Resource:
        return self.childNotFound

    def getModificationTime(self) -> float:
        # Last-Modified from checkout mtimes would leak the real clock; pin it to the snapshot.
        return getattr(self, "snapshot_time", None) or super().getModificationTime()


class ReplicaRoot(resource.Resource):
    """Takes the whole path: sets Date, answers redirects, then hands over to the file tree."""

    isLeaf = True

    def __init__(self, root: Path, config: dict) -> None:
        super().__init__()
        self._files = ReplicaFile(str(root))
        snapshot = datetime.fromisoformat(config["snapshot"].replace("Z", "+00:00"))
        self._date = format_datetime(snapshot, usegmt=True).encode()
        self._snapshot_time = snapshot.timestamp()
        self._redirects: dict[str, str] = config.get("redirects", {})
        self._headers: dict[str, dict[str, str]] = config.get("headers", {})
        self._queries: dict[str, str] = config.get("queries", {})
        self._modified = {path: _timestamp(when)
                          for path, when in config.get("last_modified", {}).items()}
        self._etags: dict[str, str] = config.get("etags", {})

    def render(self, request: server.Request) -> bytes | int:
        # The crawler dates yearless datelines by the server's clock: it must be the snapshot's.
        request.setHeader(b"date", self._date)
        path = request.path.decode("utf-8", "replace")  # request.path excludes the query string
        if path in self._redirects:
            return self._redirect(request, self._redirects[path])
        if path in self._etags and self._not_modified(request, self._etags[path]):
            return b""
        target = self._queries.get(request.uri.decode("utf-8", "replace"))
        if target is not None:  # "load more" pages differ by query only: each has its own file
            request.postpath = target.lstrip("/").split("/")
        child = resource.getChildForRequest(self._files, request)
        overrides = dict(self._headers.get(path, {}))
        content_type = overrides.pop("Content-Type", None)
        if isinstance(child, ReplicaFile):
            child.snapshot_time = self._modified.get(path, self._snapshot_time)
            if content_type:
                child.type, child.encoding = content_type, None
        for name, value in overrides.items():
            request.setHeader(name.encode(), value.encode())
        return child.render(request)

    def _not_modified(self, request: server.Request, etag: str) -> bool:
        """Answer If-None-Match; when the tag differs, If-Modified-Since no longer counts."""
        if request.setETag(f'"{etag}"'.encode()) is http.CACHED:
            return True
        if request.getHeader(b"if-none-match"):
            request.requestHeaders.removeHeader(b"if-modified-since")
        return False

    def _redirect(self, request: server.Request, target: str) -> bytes:
        request.setResponseCode(301)
        request.setHeader(b"location", target.encode())
        request.setHeader(b"content-type", HTML.encode())
        return f'<html><body>Moved to <a href="{target}">{target}</a></body></html>\n'.encode()


def _timestamp(when: str) -> float:
    return datetime.fromisoformat(when.replace("Z", "+00:00")).timestamp()


def load_config(root: Path) -> dict:
    path = root / SITE_CONFIG
    if not path.is_file():
        hint = "render the site first (python -m newsbot.replica.render)"
        raise FileNotFoundError(f"{path} missing: {hint}")
    return json.loads(path.read_text(encoding="utf-8"))


def make_site(root: Path) -> server.Site:
    site = server.Site(ReplicaRoot(root, load_config(root)))
    site.displayTracebacks = False
    return site


def listen(root: Path, port: int = 0, host: str = "127.0.0.1") -> IListeningPort:
    """Start serving `root` on the running (or soon running) reactor; port 0 picks a free port."""
    # Imported here: importing the reactor at module level would install the default one
    # before Scrapy can install its asyncio reactor in the same process.
    from twisted.internet import reactor

    return reactor.listenTCP(port, make_site(Path(root)), interface=host)


def default_root() -> Path:
    return Path(__file__).resolve().parents[2] / "fixtures" / "newsonjapan" / "site"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newsbot.replica.server", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--root", type=Path, default=default_root(), help="rendered document root")
    args = parser.parse_args(argv)
    port = listen(args.root, args.port, args.host)
    address = port.getHost()
    print(f"serving http://{address.host}:{address.port}/", flush=True)
    from twisted.internet import reactor

    reactor.run()  # installs SIGINT/SIGTERM handlers that stop the reactor
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Test infrastructure: the replica portal over HTTP with faults injected per path or at random.

Built from twisted.web resources, as Scrapy's own mockserver is, and run as a subprocess on a
free loopback port::

    python -m tests.faultserver --plan plan.json --log hits.jsonl [--host 127.0.0.1] [--port 0]

It prints ``serving http://HOST:PORT/`` once it listens. The plan is JSON::

    {"faults": {"/article/165005.php": {"kind": "status", "status": 503, "times": 1,
                                        "retry_after": "2"}},
     "random": {"seed": 7, "rate": 0.3, "match": "^/article/", "kinds": [{"kind": ...}]}}

A fault applies to every request for its path, or to the first ``times`` of them, after the
first ``skip`` (served as they are: a fault for a later visit, a resumed run); a random
fault is drawn per (seed, path, hit number), so a run is repeatable. Every request is logged
as one JSON line: ``{"t", "path", "query", "n", "fault"}`` (n counts hits per path). The kinds
are the functions in ``KINDS``; paths without a fault get the replica as ``newsbot serve``
serves it.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import socket
import struct
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from email.utils import format_datetime
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TextIO

from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer
from twisted.web import resource, server

from newsbot.replica.server import HTML, ReplicaRoot, load_config

REPO = Path(__file__).resolve().parents[1]
DEFAULT_ROOT = REPO / "fixtures" / "newsonjapan" / "site"
MB = 1024 * 1024
META_CHARSET = re.compile(r'<meta charset="[^"]*">', re.I)


class FaultRoot(resource.Resource):
    """Takes every path: logs the hit, then serves a fault or hands over to the replica."""

    isLeaf = True

    def __init__(self, root: Path, plan: dict, log: TextIO | None = None) -> None:
        super().__init__()
        config = load_config(root)
        self.root = root
        self.replica = ReplicaRoot(root, config)
        snapshot = datetime.fromisoformat(config["snapshot"].replace("Z", "+00:00"))
        self.date = format_datetime(snapshot, usegmt=True).encode()
        self.faults: dict[str, dict] = plan.get("faults", {})
        self.random: dict | None = plan.get("random")
        self.hits: Counter[str] = Counter()
        self.log = log

    def render(self, request: server.Request) -> bytes | int:
        path = request.path.decode("utf-8", "replace")
        self.hits[path] += 1
        spec = self.fault_for(path, self.hits[path])
        self.record(request, path, spec)
        if spec is None:
            return self.replica.render(request)
        request.setHeader(b"date", self.date)
        return KINDS[spec["kind"]](self, request, spec)

    def fault_for(self, path: str, n: int) -> dict | None:
        spec = self.faults.get(path)
        if spec is not None:
            skip = spec.get("skip", 0)
            if skip < n <= skip + spec.get("times", n):
                return spec
        chance = self.random
        if chance and re.search(chance.get("match", ""), path):
            rng = random.Random(f"{chance['seed']}:{path}:{n}")
            if rng.random() < chance["rate"]:
                return rng.choice(chance["kinds"])
        return None

    def record(self, request: server.Request, path: str, spec: dict | None) -> None:
        if self.log is None:
            return
        query = request.uri.decode("latin-1").partition("?")[2]
        host = (request.getHeader(b"host") or b"").decode("latin-1")
        line = {"t": time.time(), "host": host, "path": path, "query": query,
                "n": self.hits[path], "fault": spec["kind"] if spec else None}
        self.log.write(json.dumps(line) + "\n")
        self.log.flush()

    def event(self, request: server.Request, name: str, **fields: object) -> None:
        if self.log is not None:
            line = {"t": time.time(), "path": request.path.decode("utf-8", "replace"),
                    "event": name, **fields}
            self.log.write(json.dumps(line) + "\n")
            self.log.flush()

    def page(self, path: str) -> bytes:
        """The replica file behind ``path`` (a directory means its index.html); recode and
        mutate read it as UTF-8, so point them at UTF-8 pages."""
        file = self.root / path.lstrip("/")
        return (file / "index.html" if file.is_dir() else file).read_bytes()


# -- fault kinds: (server, request, spec) -> body bytes, or NOT_DONE_YET -----------------------

def status(srv: FaultRoot, request: server.Request, spec: dict) -> bytes:
    """An error status (500, 503, 429 ...), with Retry-After when the spec gives one."""
    request.setResponseCode(spec["status"])
    if "retry_after" in spec:
        request.setHeader(b"retry-after", str(spec["retry_after"]).encode())
    request.setHeader(b"content-type", HTML.encode())
    return f"<html><body><h1>Error {spec['status']}</h1></body></html>\n".encode()


def slow(srv: FaultRoot, request: server.Request, spec: dict) -> int:
    """The normal page, after ``delay`` seconds."""
    from twisted.internet import reactor

    call = reactor.callLater(spec["delay"], _serve_replica, srv, request)
    request.notifyFinish().addErrback(lambda _: call.active() and call.cancel())
    return server.NOT_DONE_YET


def _serve_replica(srv: FaultRoot, request: server.Request) -> None:
    body = srv.replica.render(request)
    if body is not server.NOT_DONE_YET:
        request.write(body)
        request.finish()


def hang(srv: FaultRoot, request: server.Request, spec: dict) -> int:
    """Headers never come: the client must give up by itself."""
    return server.NOT_DONE_YET


def reset(srv: FaultRoot, request: server.Request, spec: dict) -> int:
    """Half of the page, then a TCP reset."""
    from twisted.internet import reactor

    body = srv.page(request.path.decode())
    request.setHeader(b"content-type", HTML.encode())
    request.setHeader(b"content-length", str(len(body)).encode())
    request.write(body[: len(body) // 2])
    reactor.callLater(0.05, _abort, request)
    return server.NOT_DONE_YET


def _abort(request: server.Request) -> None:
    transport = request.channel.transport
    if transport is None:
        return
    # SO_LINGER 0: close() sends RST instead of FIN.
    transport.getHandle().setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abortConnection()


def gzipped(srv: FaultRoot, request: server.Request, spec: dict) -> bytes:
    """The page gzip-encoded, then broken: ``damage`` is "truncated" or "invalid"."""
    body = gzip.compress(srv.page(request.path.decode()), mtime=0)
    if spec["damage"] == "truncated":
        body = body[: len(body) // 2]
    else:  # a valid gzip header, then bytes that are no deflate stream
        body = body[:10] + bytes(range(256)) * 4
    request.setHeader(b"content-type", HTML.encode())
    request.setHeader(b"content-encoding", b"gzip")
    return body


_BOMB_MEMBER: list[bytes] = []


def bomb(srv: FaultRoot, request: server.Request, spec: dict) -> bytes:
    """A gzip body of ``size_mb`` MB of zeros sent as about one KB per MB (multi-member gzip)."""
    if not _BOMB_MEMBER:
        _BOMB_MEMBER.append(gzip.compress(b"\0" * MB, compresslevel=9, mtime=0))
    request.setHeader(b"content-type", HTML.encode())
    request.setHeader(b"content-encoding", b"gzip")
    return _BOMB_MEMBER[0] * spec.get("size_mb", 1024)


class _Filler:
    """A pull producer writing ``total`` bytes of HTML, 1 MB at a time."""

    CHUNK = b"<p>" + b"filler text " * 87381 + b"</p>\n"

    def __init__(self, request: server.Request, total: int) -> None:
        self.request = request
        self.left = total
        self.stopped = False

    def resumeProducing(self) -> None:
        if self.stopped:
            return
        if self.left <= 0:
            self.request.unregisterProducer()
            self.request.finish()
            return
        chunk = self.CHUNK[: self.left]
        self.left -= len(chunk)
        self.request.write(chunk)

    def stopProducing(self) -> None:
        self.stopped = True


def big(srv: FaultRoot, request: server.Request, spec: dict) -> int:
    """A ``size_mb`` MB page, with its Content-Length (``declared``) or chunked."""
    total = spec.get("size_mb", 50) * MB
    request.setHeader(b"content-type", HTML.encode())
    if spec.get("declared", True):
        request.setHeader(b"content-length", str(total).encode())
    filler = _Filler(request, total)
    request.registerProducer(filler, False)
    # The log says how much was sent before the client hung up: proof it did not read it all.
    request.notifyFinish().addBoth(
        lambda _: srv.event(request, "big_sent", sent=total - filler.left))
    return server.NOT_DONE_YET


def empty(srv: FaultRoot, request: server.Request, spec: dict) -> bytes:
    """200 with no body at all."""
    request.setHeader(b"content-type", HTML.encode())
    return b""


def redirect(srv: FaultRoot, request: server.Request, spec: dict) -> bytes:
    """A redirect to ``to`` (a path or any URL); ``chain`` makes every hop a new URL."""
    target = spec["to"]
    if spec.get("chain"):
        target = f"{request.path.decode()}?hop={srv.hits[request.path.decode()]}"
    request.setResponseCode(spec.get("status", 302))
    request.setHeader(b"location", target.encode())
    request.setHeader(b"content-type", HTML.encode())
    return b"<html><body>Moved</body></html>\n"


def body(srv: FaultRoot, request: server.Request, spec: dict) -> bytes:
    """Any body, status and content type (a robots.txt of one's own, say)."""
    request.setResponseCode(spec.get("status", 200))
    request.setHeader(b"content-type", spec.get("content_type", "text/plain").encode())
    return spec["body"].encode("utf-8")


def sequence(srv: FaultRoot, request: server.Request, spec: dict) -> bytes | int:
    """One fault per hit, in order (``steps``); the last step repeats."""
    steps = spec["steps"]
    step = steps[min(srv.hits[request.path.decode()], len(steps)) - 1]
    return KINDS[step["kind"]](srv, request, step)


def recode(srv: FaultRoot, request: server.Request, spec: dict) -> bytes:
    """The page in another encoding, with a wrong or missing declaration.

    ``content_type`` is the header sent (say ``text/html`` with no charset); ``meta`` replaces
    the page's ``<meta charset>`` (null removes it). Characters the encoding lacks become
    character references, so the text a reader sees is unchanged.
    """
    html = srv.page(request.path.decode()).decode("utf-8")
    meta = spec.get("meta")
    html = META_CHARSET.sub(f'<meta charset="{meta}">' if meta else "", html)
    request.setHeader(b"content-type", spec.get("content_type", "text/html").encode())
    return html.encode(spec["encoding"], "xmlcharrefreplace")


def mutate(srv: FaultRoot, request: server.Request, spec: dict) -> bytes:
    """The page with the ``mutations`` in MUTATIONS applied, in order."""
    path = request.path.decode()
    html = srv.page(path).decode("utf-8")
    for name in spec["mutations"]:
        html = MUTATIONS[name](html, path)
    request.setHeader(b"content-type", HTML.encode())
    return html.encode("utf-8")


SQL_TEXT = ("Robert&#x27;); DROP TABLE articles;-- &quot;quoted&quot; ; SELECT * FROM runs "
            "WHERE 1=1 OR &#x27;a&#x27;=&#x27;a&#x27; \\; %s ?")
SQL_TEXT_READ = "Robert'); DROP TABLE articles;-- \"quoted\" ; SELECT * FROM runs " \
    "WHERE 1=1 OR 'a'='a' \\; %s ?"


def _sub(pattern: str, repl: str, html: str, count: int = 0) -> str:
    changed, n = re.subn(pattern, repl, html, count=count, flags=re.S)
    if not n:
        raise ValueError(f"mutation found nothing to change: {pattern}")
    return changed


MUTATIONS: dict[str, Callable[[str, str], str]] = {
    # Stray NUL bytes inside the headline and at the start of every paragraph.
    "nul": lambda h, _: _sub(r"<p>", "<p>\0", _sub(r'(<h1 class="headline">)', "\\1\0", h)),
    # A headline and a paragraph full of quotes, semicolons and SQL.
    "sql_text": lambda h, _: _sub(r'(<h1 class="headline">).*?(</h1>)', f"\\1{SQL_TEXT}\\2", _sub(
        r'(<div class="article-body">\s*<p>[^<]*</p>)', f"\\1<p>{SQL_TEXT}</p>", h, count=1),
        count=1),
    # Optional end tags left out everywhere.
    "unclosed": lambda h, _: _sub(r"</(?:p|li)>", "", h),
    # A form nested in a form inside the body (forms are no article text).
    "nested_forms": lambda h, _: _sub(
        r'(<div class="article-body">)',
        '\\1<form action="/a">Subscribe<form action="/b"><input name="q"> Search</form>'
        "</form>", h, count=1),
    # No headline anywhere: not in the h1, not in og:title, not in the title.
    "no_headline": lambda h, _: _sub(r"<title>.*?</title>", "", _sub(
        r'<meta property="og:title"[^>]*>', "", _sub(r'<h1 class="headline">.*?</h1>', "", h))),
    # The body container is there, with nothing in it.
    "empty_body": lambda h, _: _sub(r'(<div class="article-body">).*?(</div>)', "\\1\\2", h,
                                    count=1),
    # The related block lists the page itself, first.
    "self_related": lambda h, path: _sub(
        r"(<h2>MORE [^<]* NEWS</h2>)",
        f'\\1\n<div class="news-item"><a href="{path}">This very story, linked from '
        "itself.</a></div>", h, count=1),
}

KINDS: dict[str, Callable[[FaultRoot, server.Request, dict], bytes | int]] = {
    "status": status, "slow": slow, "hang": hang, "reset": reset, "gzip": gzipped,
    "bomb": bomb, "big": big, "empty": empty, "redirect": redirect, "body": body,
    "recode": recode, "mutate": mutate, "sequence": sequence,
}


class TestResolver(CachingThreadedResolver):
    """DNS for tests (setting DNS_RESOLVER): every *.portal.test name is 127.0.0.1.

    Lets a crawl start from a host name that is not a loopback literal, as a real portal's
    would, while every byte still stays on this machine.
    """

    def getHostByName(self, name: str, timeout=()):  # noqa: N802 - Twisted's interface
        if name == "portal.test" or name.endswith(".portal.test"):
            return defer.succeed("127.0.0.1")
        return super().getHostByName(name, timeout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.faultserver", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plan", type=Path, help="fault plan (JSON); none: the plain replica")
    parser.add_argument("--log", type=Path, help="append one JSON line per request here")
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    plan = json.loads(args.plan.read_text("utf-8")) if args.plan else {}
    log = open(args.log, "a", encoding="utf-8") if args.log else None
    site = server.Site(FaultRoot(args.root, plan, log))
    site.displayTracebacks = False
    from twisted.internet import reactor

    port = reactor.listenTCP(args.port, site, interface=args.host)
    address = port.getHost()
    print(f"serving http://{address.host}:{address.port}/", flush=True)
    reactor.run()
    return 0


class FaultServer:
    """``with FaultServer(plan, tmp_path) as srv:`` serves the replica with faults at ``srv.url``.

    ``srv.hits()`` reads the request log: one dict per request, in arrival order.
    """

    def __init__(self, plan: dict, workdir: Path, host: str = "127.0.0.1",
                 root: Path = DEFAULT_ROOT, name: str = "faults", port: int = 0) -> None:
        self.plan_file = Path(workdir) / f"{name}-plan.json"
        self.log_file = Path(workdir) / f"{name}-hits.jsonl"
        self.plan_file.write_text(json.dumps(plan), "utf-8")
        self.log_file.write_text("", "utf-8")
        self.host, self.root, self.port = host, root, port
        self.url = ""
        self._proc: subprocess.Popen[str] | None = None

    def __enter__(self) -> FaultServer:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
        cmd = [sys.executable, "-m", "tests.faultserver", "--plan", str(self.plan_file),
               "--log", str(self.log_file), "--host", self.host, "--root", str(self.root),
               "--port", str(self.port)]
        self._proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env, cwd=REPO)
        line = self._proc.stdout.readline() if self._proc.stdout else ""
        if not line.startswith("serving "):
            self.__exit__(None, None, None)
            raise RuntimeError(f"fault server did not start: {line!r}")
        self.url = line.split()[1].rstrip("/")
        self.port = int(self.url.rsplit(":", 1)[1])
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._proc is None:
            return
        self._proc.terminate()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        if self._proc.stdout:
            self._proc.stdout.close()
        self._proc = None

    def hits(self, path: str | None = None) -> list[dict]:
        """Requests received (for ``path`` only, if given), in arrival order."""
        return [h for h in self.events() if "n" in h and (path is None or h["path"] == path)]

    def events(self) -> list[dict]:
        """The events logged so far. The server may be writing one as this reads: only lines
        that have their newline are whole."""
        text = self.log_file.read_text("utf-8")
        whole = text[:text.rfind("\n") + 1]
        return [json.loads(line) for line in whole.splitlines() if line.strip()]


def crawl(start_url: str, db: Path, *settings: str, timeout: float = 240,
          cwd: Path = REPO) -> subprocess.CompletedProcess:
    """``newsbot crawl`` of ``start_url`` into ``db``, in a subprocess; settings are NAME=VALUE."""
    cmd = [sys.executable, "-m", "newsbot", "crawl", "--start-url", start_url, "--db", str(db)]
    for pair in settings:
        cmd += ["-s", pair]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)


if __name__ == "__main__":
    sys.exit(main())

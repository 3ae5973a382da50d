"""WARC at the downloader's edge: archive every fetched response, or replay an archive instead.

Both are downloader middlewares placed next to the downloader (950, 960), so the archive holds
responses as they came off the wire (before decompression, redirects and retries), and a replay
goes back through every other middleware, the spider, the loader and the pipelines exactly as
the live crawl did. That is what lets ``newsbot reextract`` rebuild the same articles.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from scrapy.utils.python import to_unicode
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

# Headers that describe the transfer, not the payload: the archived body is already de-chunked.
TRANSFER_HEADERS = {b"transfer-encoding", b"content-length"}


class NotArchived(IgnoreRequest):
    """A replayed crawl asked for an address the archive does not hold.

    The live crawl never fetched it (it knew the article under another address by then, say),
    so its answer is unknown: the request is skipped and counted, not recorded as a failure.
    """


class WarcArchiver:
    """Writes a request and a response record for every response (NEWSBOT_WARC_DIR)."""

    def __init__(self, directory: Path, stats=None):
        self.directory = directory
        self.stats = stats
        self.path: Path | None = None
        self._file = None
        self._writer: WARCWriter | None = None

    @classmethod
    def from_crawler(cls, crawler) -> WarcArchiver:
        directory = crawler.settings.get("NEWSBOT_WARC_DIR")
        if not directory or crawler.settings.get("NEWSBOT_WARC_REPLAY"):
            # Off unless asked for (NEWSBOT_WARC_DIR). A bare NotConfigured: Scrapy logs a
            # "Disabled" WARNING for one with a message, in every crawl that did not ask.
            raise NotConfigured
        archiver = cls(Path(directory), crawler.stats)
        crawler.signals.connect(archiver.spider_opened, signals.spider_opened)
        crawler.signals.connect(archiver.spider_closed, signals.spider_closed)
        return archiver

    def spider_opened(self, spider) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
        self.path = self.directory / f"newsbot-{stamp}-{os.getpid()}.warc.gz"
        self._file = open(self.path, "wb")
        self._writer = WARCWriter(self._file, gzip=True)
        args = {k: getattr(spider, k, None) for k in getattr(spider, "run_args", ())}
        info = {"software": "newsbot", "format": "WARC File Format 1.1",
                "spider": spider.name, "newsbot-args": json.dumps(args, default=str)}
        self._writer.write_record(self._writer.create_warcinfo_record(self.path.name, info))

    def spider_closed(self, spider) -> None:
        if self._file is not None:
            self._file.close()
            self._file = self._writer = None

    def process_response(self, request: Request, response: Response) -> Response:
        if self._writer is not None:
            self.archive(request, response)
        return response

    def archive(self, request: Request, response: Response) -> None:
        writer = self._writer
        target = urlsplit(request.url)._replace(scheme="", netloc="").geturl() or "/"
        req_headers = StatusAndHeaders(f"{request.method} {target} HTTP/1.1",
                                       header_list(request.headers), is_http_request=True)
        req = writer.create_warc_record(request.url, "request", payload=BytesIO(request.body),
                                        http_headers=req_headers)
        status = f"{response.status} {to_unicode(http_reason(response.status))}"
        headers = header_list(response.headers)
        headers.append(("Content-Length", str(len(response.body))))
        resp = writer.create_warc_record(
            response.url, "response", payload=BytesIO(response.body),
            http_headers=StatusAndHeaders(status, headers, protocol="HTTP/1.1"))
        req.rec_headers.add_header("WARC-Concurrent-To", resp.rec_headers["WARC-Record-ID"])
        writer.write_record(resp)
        writer.write_record(req)
        if self.stats:
            self.stats.inc_value("newsbot/warc/archived")


class WarcReplay:
    """Answers every request from the archive in NEWSBOT_WARC_REPLAY; never touches the network."""

    def __init__(self, index: dict[str, tuple[Path, int]], stats=None):
        self.index = index
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler) -> WarcReplay:
        directory = crawler.settings.get("NEWSBOT_WARC_REPLAY")
        if not directory:
            raise NotConfigured  # off unless replaying (NEWSBOT_WARC_REPLAY); see above
        return cls(index_archive(Path(directory)), crawler.stats)

    def process_request(self, request: Request) -> Response:
        where = self.index.get(request.url)
        if where is None:
            if self.stats:
                self.stats.inc_value("newsbot/warc/not_archived")
            raise NotArchived(f"{request.url} is not in the archive")
        if self.stats:
            self.stats.inc_value("newsbot/warc/replayed")
        return read_response(*where, request)


def header_list(headers) -> list[tuple[str, str]]:
    """Scrapy headers as (name, value) text pairs, transfer headers left out."""
    return [(to_unicode(name), to_unicode(value, errors="replace"))
            for name, values in headers.items() if name.lower() not in TRANSFER_HEADERS
            for value in values]


def http_reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def archive_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.warc.gz")) + sorted(directory.glob("*.warc"))


def index_archive(directory: Path) -> dict[str, tuple[Path, int]]:
    """URL → (file, offset) of its response record; a later capture of a URL wins."""
    index: dict[str, tuple[Path, int]] = {}
    for path in archive_files(directory):
        with open(path, "rb") as f:
            records = ArchiveIterator(f)
            for record in records:
                if record.rec_type == "response":
                    index[record.rec_headers.get_header("WARC-Target-URI")] = (
                        path, records.get_record_offset())
    return index


def archived_runs(directory: Path) -> list[dict]:
    """The spider arguments recorded in each archive file's warcinfo record, oldest first."""
    runs = []
    for path in archive_files(directory):
        with open(path, "rb") as f:
            for record in ArchiveIterator(f):
                if record.rec_type == "warcinfo":
                    fields = dict(line.split(": ", 1) for line in
                                  record.content_stream().read().decode().splitlines()
                                  if ": " in line)
                    runs.append(json.loads(fields.get("newsbot-args", "{}")))
                break
    return runs


def read_response(path: Path, offset: int, request: Request) -> Response:
    """The archived response at ``offset``, body as transferred (Scrapy decodes it again)."""
    with open(path, "rb") as f:
        f.seek(offset)
        record = next(iter(ArchiveIterator(f)))
        http = record.http_headers
        headers = [(k.encode("latin-1"), v.encode("latin-1", errors="replace"))
                   for k, v in http.headers if k.lower() != "content-length"]
        body = record.raw_stream.read()
    url = record.rec_headers.get_header("WARC-Target-URI")
    headers = Headers(headers)
    cls = responsetypes.from_args(headers=headers, url=url, body=body)
    return cls(url=url, status=int(http.get_statuscode()), headers=headers, body=body,
               request=request, flags=["warc"])

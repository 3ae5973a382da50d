"""Shared test helpers: crawlers with newsbot's settings, saved pages as responses."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.utils.reactor import install_reactor, is_reactor_installed
from scrapy.utils.test import get_crawler

from newsbot.profiles import load_profile
from tests.pg import Database, pg_url  # noqa: F401 - pg_url: a fresh PostgreSQL database
from tests.redisserver import frontier  # noqa: F401 - frontier: a crawl name on the test Redis

# Crawlers built in tests expect a reactor, as in a real crawl (no crawl runs in-process here).
if not is_reactor_installed():
    install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")

ROOT = Path(__file__).resolve().parents[1]
REPLICA = ROOT / "fixtures" / "newsonjapan" / "site"
SNAPSHOT_DATE = "Mon, 12 Jan 2026 09:00:00 GMT"


def newsbot_settings(**overrides) -> dict:
    settings = Settings()
    settings.setmodule("newsbot.settings")
    values = {k: settings[k] for k in settings}  # project values, flattened to plain dicts
    values.update(overrides)
    return values


def make_crawler(spidercls=None, **settings):
    """A crawler with newsbot's settings, its extensions built, and a stand-in spider."""
    crawler = get_crawler(spidercls, newsbot_settings(**settings))
    crawler.spider = SimpleNamespace(name="portal", site="newsonjapan",
                                     profile=load_profile("newsonjapan"))
    return crawler


def page(path: str, url_path: str | None = None, host: str = "http://127.0.0.1:8067",
         date_header: str | None = SNAPSHOT_DATE, root: Path = REPLICA) -> HtmlResponse:
    """A saved replica page as the response the server would give for ``url_path``."""
    headers = {"Date": date_header} if date_header else {}
    return HtmlResponse(url=host + (url_path or "/" + path), body=(root / path).read_bytes(),
                        headers=headers)


@pytest.fixture
def profile():
    return load_profile("newsonjapan")


@pytest.fixture(params=["sqlite", "postgres"])
def store_address(request, tmp_path):
    """Where a store-contract test keeps its store: a SQLite file, then a fresh PostgreSQL
    database (tests/pg.py; the test fails when the server does not answer)."""
    if request.param == "sqlite":
        yield str(tmp_path / "news.db")
        return
    with Database() as url:
        yield url

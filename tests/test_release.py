"""A parsed page is freed when the spider is done with it, not when the garbage collector runs.

Scrapy's cached Selector and its response refer to each other (scrapy/scrapy#2977), so without
newsbot's ReleaseParsedPageMiddleware a finished page read through it lives until a cyclic
collection. newsbot's own page Selector (newsbot.pagetree) holds no reference to the response.
"""

from __future__ import annotations

import asyncio
import gc
import json
import subprocess
import sys
import weakref
from pathlib import Path

import pytest

from newsbot.middlewares.release import ReleaseParsedPageMiddleware
from tests.conftest import page
from tests.replica import ReplicaServer
from tests.replica_truth import SITE

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def no_collector():
    gc.collect()
    gc.disable()
    yield
    gc.enable()


def parsed_page():
    response = page("index.html", "/")
    assert response.css("title::text").get()  # parses and caches the Selector
    return response


def test_without_the_middleware_a_parsed_page_outlives_its_last_reference(no_collector):
    # The reason the middleware exists: if Scrapy ever drops the cycle, this fails and says so.
    ref = weakref.ref(parsed_page())
    assert ref() is not None


def test_a_page_is_freed_once_the_callback_output_is_consumed(no_collector):
    response = parsed_page()
    out = list(ReleaseParsedPageMiddleware().process_spider_output(response, iter(["a", "b"])))
    assert out == ["a", "b"]
    ref = weakref.ref(response)
    del response
    assert ref() is None


def test_the_async_path_frees_the_page_too(no_collector):
    async def output():
        yield "a"
        yield "b"

    async def consume(response):
        mw = ReleaseParsedPageMiddleware()
        return [x async for x in mw.process_spider_output_async(response, output())]

    response = parsed_page()
    assert asyncio.run(consume(response)) == ["a", "b"]
    ref = weakref.ref(response)
    del response
    assert ref() is None


def test_a_callback_that_raises_still_frees_the_page(no_collector):
    def output():
        yield "a"
        raise ValueError("broken page")

    response = parsed_page()
    with pytest.raises(ValueError):
        list(ReleaseParsedPageMiddleware().process_spider_output(response, output()))
    ref = weakref.ref(response)
    del response
    assert ref() is None


def test_the_page_can_still_be_read_after_release():
    response = parsed_page()
    list(ReleaseParsedPageMiddleware().process_spider_output(response, iter(())))
    assert response.css("title::text").get()  # parsed again on demand


def alive_after_crawl(url: str, *extra: str) -> dict:
    result = subprocess.run([sys.executable, "-m", "tests.alive_pages", url, *extra], cwd=ROOT,
                            capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.splitlines()[-1])


@pytest.fixture(scope="module")
def replica_url():
    with ReplicaServer(SITE) as server:
        yield server.url


# The home page stays with the spider (it reads the feeds from it); every other page goes.
@pytest.mark.parametrize("flags", [(), ("--no-release",), ("--scrapy-selector",)])
def test_a_crawl_of_the_replica_keeps_no_finished_page_alive(replica_url, flags):
    found = alive_after_crawl(replica_url, *flags)
    assert found["parsed"] > 100
    assert found["alive"] <= 2, found
    if "--scrapy-selector" not in flags:
        # Nor any element of a page tree (the home page kept through Scrapy's Selector has
        # some): one held by a cycle in extraction keeps its whole page, as the body reader's
        # closures did with the ads they dropped (8 elements on this replica).
        assert found["elements"] == 0, found


def test_pages_read_by_scrapys_selector_without_the_release_middleware_stay_alive(replica_url):
    # The control: the crawl above would see a reference cycle if there were one.
    kept = alive_after_crawl(replica_url, "--no-release", "--scrapy-selector")
    assert kept["parsed"] > 100
    assert kept["alive"] > kept["parsed"] // 2, kept

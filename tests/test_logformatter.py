import logging

from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from newsbot.exceptions import DuplicateArticle
from newsbot.logformatter import NewsbotLogFormatter
from newsbot.items import Article

URL = "http://127.0.0.1/article/1.php"


def formatter(**settings) -> NewsbotLogFormatter:
    return NewsbotLogFormatter.from_crawler(get_crawler(settings_dict=settings))


def lines(f: NewsbotLogFormatter) -> dict:
    request = Request(URL)
    response = HtmlResponse(URL, body=b"<html></html>", request=request)
    item = Article(url=URL)
    return {"crawled": f.crawled(request, response, None),
            "scraped": f.scraped(item, response, None),
            "duplicate": f.dropped(item, DuplicateArticle("seen"), response, None),
            "invalid": f.dropped(item, ValueError("no headline"), response, None)}


def test_lines_below_log_level_are_not_built_at_all():
    out = lines(formatter(LOG_LEVEL="INFO"))
    assert out["crawled"] is None and out["scraped"] is None and out["duplicate"] is None
    assert out["invalid"]["level"] == logging.WARNING
    assert out["invalid"]["args"]["reason"] == "ValueError"


def test_at_debug_every_line_is_kept():
    out = lines(formatter(LOG_LEVEL="DEBUG"))
    assert {k: v["level"] for k, v in out.items()} == {
        "crawled": logging.DEBUG, "scraped": logging.DEBUG, "duplicate": logging.DEBUG,
        "invalid": logging.WARNING}
    assert lines(formatter(LOG_LEVEL=logging.DEBUG))["scraped"]["level"] == logging.DEBUG


def test_with_scrapy_logging_off_whoever_configured_logging_decides():
    assert lines(formatter(LOG_ENABLED=False, LOG_LEVEL="ERROR"))["crawled"]["level"] == logging.DEBUG

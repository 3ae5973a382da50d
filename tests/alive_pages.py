"""Run as ``python -m tests.alive_pages URL [--no-release] [--scrapy-selector]``: crawl the
replica at URL with the cyclic garbage collector off and print how many of the responses the
spider parsed are still alive when it closes, and how many lxml elements are (JSON: parsed,
alive, elements). Without the collector only reference counting frees memory, so a page or an
element still alive then is one a reference cycle keeps (an element keeps its whole tree).

``--no-release`` crawls without newsbot's spider middlewares (so without the release
middleware); ``--scrapy-selector`` has the spider and the loader read pages through Scrapy's
``response.selector`` instead of ``newsbot.pagetree.page_selector``.
"""

from __future__ import annotations

import gc
import json
import sys
import tempfile
import weakref

from lxml import etree
from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings


class AlivePages:
    refs: list[weakref.ref] = []
    alive: int = -1
    elements: int = -1

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls()
        crawler.signals.connect(ext.opened, signals.spider_opened)
        crawler.signals.connect(ext.received, signals.response_received)
        crawler.signals.connect(ext.closed, signals.spider_closed)
        return ext

    def opened(self, spider):
        gc.collect()
        gc.disable()

    def received(self, response, request, spider):
        AlivePages.refs.append(weakref.ref(response))

    def closed(self, spider):
        AlivePages.alive = sum(1 for ref in AlivePages.refs if ref() is not None)
        # Elements cannot be weakly referenced; the collector's list has every one alive.
        AlivePages.elements = sum(isinstance(o, etree._Element) for o in gc.get_objects())
        gc.enable()


def main(argv: list[str]) -> int:
    url = argv[0]
    if "--scrapy-selector" in argv:
        import newsbot.loaders
        import newsbot.spiders.portal

        def scrapy_selector(response):
            return response.selector

        newsbot.loaders.page_selector = scrapy_selector
        newsbot.spiders.portal.page_selector = scrapy_selector
    settings = Settings()
    settings.setmodule("newsbot.settings", priority="project")
    extensions = dict(settings.getdict("EXTENSIONS"))
    extensions[AlivePages] = 0
    settings.set("EXTENSIONS", extensions, priority="cmdline")
    settings.set("LOG_LEVEL", "WARNING", priority="cmdline")
    if "--no-release" in argv:
        settings.set("SPIDER_MIDDLEWARES", {}, priority="cmdline")
    with tempfile.TemporaryDirectory() as scratch:
        settings.set("NEWSBOT_DB", f"{scratch}/news.db", priority="cmdline")
        process = CrawlerProcess(settings)
        process.crawl("portal", start_url=url)
        process.start()
    print(json.dumps({"parsed": len(AlivePages.refs), "alive": AlivePages.alive,
                      "elements": AlivePages.elements}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

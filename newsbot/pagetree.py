"""The tree newsbot reads an HTML page through: lxml's plain elements, not lxml.html's.

Scrapy's ``response.selector`` parses with lxml.html's parser, whose trees choose each element's
Python class (HtmlElement, FormElement, InputElement...) by calling a Python method every time
lxml hands an element to Python. newsbot's rules, class index and link blocks hand it
hundreds per page, and newsbot uses none of those classes' methods on a response (the generic
extractor parses its own tree). So the page is parsed from the same text, through parsel's own
preparation and parser options, into a plain ``etree.HTMLParser`` tree: the same elements and
the same matches, with element proxies made in C (docs/benchmarks.md, session 7, has the
figures).
"""

from __future__ import annotations

from lxml import etree
from parsel.selector import create_root_node
from scrapy.http import HtmlResponse, TextResponse
from scrapy.selector import Selector
from scrapy.utils.response import get_base_url


def page_selector(response: TextResponse) -> Selector:
    """The page's Selector, over a plain tree when the page is HTML.

    Cached where Scrapy caches its own, so ``response.css()`` reads the same tree and the release
    middleware frees it; any other response gets Scrapy's ``response.selector``.
    """
    sel = getattr(response, "_cached_selector", None)
    if sel is not None:
        return sel
    if not isinstance(response, HtmlResponse):
        return response.selector
    root = create_root_node(response.text, etree.HTMLParser, base_url=get_base_url(response))
    sel = response._cached_selector = Selector(root=root, type="html")
    return sel

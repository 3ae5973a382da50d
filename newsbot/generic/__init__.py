"""The generic article extractor: any news page, no site profile.

    from newsbot.generic import extract_article
    art = extract_article(html_bytes_or_text, url)
    art.headline, art.published, art.body, art.extracted_by

Pure functions of (html, url): no Scrapy, no state kept between calls. See docs/extraction.md.
"""

from newsbot.generic.article import GenericArticle, extract_article

__all__ = ["GenericArticle", "extract_article"]

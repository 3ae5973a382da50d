"""After the store (900): signs each stored article's body; when the crawl closes, regroups.

Grouping waits for the end of the crawl because concurrent responses arrive in any order: done
over everything stored near the new articles, a group's head is the same whatever the arrival
order (see newsbot/neardup.py), so a crawl and a re-extraction of its archive mark alike.
"""

from __future__ import annotations

from itemadapter import ItemAdapter
from scrapy.exceptions import NotConfigured

from newsbot.extensions.runrecord import RunRecorder
from newsbot.neardup import DateSpan, NearDupParams, Signer, refresh


class NearDuplicatePipeline:
    def __init__(self, recorder: RunRecorder, params: NearDupParams, stats=None):
        self.recorder = recorder
        self.signer = Signer(params)
        self.stats = stats
        self.fresh = DateSpan()  # the published dates of the articles signed in this run

    @classmethod
    def from_crawler(cls, crawler) -> NearDuplicatePipeline:
        settings = crawler.settings
        if not settings.getbool("NEWSBOT_NEARDUP_ENABLED"):
            raise NotConfigured("near-duplicate grouping is off (NEWSBOT_NEARDUP_ENABLED)")
        params = NearDupParams(shingle_words=settings.getint("NEWSBOT_NEARDUP_SHINGLE_WORDS"),
                               num_perm=settings.getint("NEWSBOT_NEARDUP_PERMUTATIONS"),
                               threshold=settings.getfloat("NEWSBOT_NEARDUP_THRESHOLD"),
                               window_days=settings.getint("NEWSBOT_NEARDUP_WINDOW_DAYS"))
        return cls(RunRecorder.of(crawler), params, crawler.stats)

    def process_item(self, item):
        adapter = ItemAdapter(item)
        with self.recorder.storing() as store:
            stored = store.find_article(adapter["canonical_url"])
            if stored is not None:  # signed now, while the body is at hand; grouped at the close
                store.save_signature(stored.pk, self.signer.params.scheme,
                                     self.signer.sign(adapter["body"]))
        if stored is not None:
            self.fresh.add(adapter.get("published"))
            if self.stats:
                self.stats.inc_value("newsbot/neardup/signed")
        return item

    def close_spider(self, spider=None) -> None:
        if self.recorder.store_down:
            return  # grouped by the next run, which signs what this one could not
        counts = refresh(self.recorder.store, self.signer, self.fresh)
        if self.stats:
            self.stats.inc_value("newsbot/neardup/signed", counts.pop("signed"))
            for name, value in counts.items():
                self.stats.set_value(f"newsbot/neardup/{name}", value)

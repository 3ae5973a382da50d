"""Drops articles whose canonical URL or content was already stored, in this run or before."""

from __future__ import annotations

from itemadapter import ItemAdapter

from newsbot.exceptions import DuplicateArticle, DuplicateContent
from newsbot.extensions.runrecord import RunRecorder


class DedupePipeline:
    def __init__(self, recorder: RunRecorder):
        self.recorder = recorder

    @classmethod
    def from_crawler(cls, crawler) -> DedupePipeline:
        return cls(RunRecorder.of(crawler))

    def process_item(self, item):
        adapter = ItemAdapter(item)
        with self.recorder.storing() as store:
            stored = store.find_article(adapter["canonical_url"])
            same = None if stored is not None else store.find_content(adapter["content_hash"])
        if stored is not None:
            if stored.last_run_id == store.run_id:
                raise DuplicateArticle(f"{adapter['canonical_url']} already stored in this run "
                                       f"(reached again as {adapter['url']})")
            if stored.content_hash == adapter["content_hash"]:
                raise DuplicateArticle(f"{adapter['canonical_url']} unchanged since run "
                                       f"{stored.last_run_id}")
            return item  # changed since an earlier run: the store updates it in place
        if same is not None:
            raise DuplicateContent(f"{adapter['url']} repeats the text of {same}")
        return item

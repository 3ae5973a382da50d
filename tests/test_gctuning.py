"""The collector is tuned for the length of a crawl and handed back when the engine stops."""

from __future__ import annotations

import gc

import pytest
from scrapy import signals
from scrapy.exceptions import NotConfigured

from newsbot.extensions.gctuning import GcTuning
from tests.conftest import make_crawler


@pytest.fixture
def restore_gc():
    before = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*before)


def test_start_up_objects_are_frozen_and_the_first_generation_grows(restore_gc):
    before = gc.get_threshold()
    crawler = make_crawler(EXTENSIONS={})  # only the one built here
    ext = GcTuning.from_crawler(crawler)
    assert gc.get_freeze_count() == 0
    crawler.signals.send_catch_log(signals.engine_started)
    assert gc.get_freeze_count() > 1000  # modules, classes, settings: what start-up made
    assert gc.get_threshold() == (10000, *before[1:])  # the project default
    crawler.signals.send_catch_log(signals.engine_stopped)
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == before
    assert ext.saved is None


def test_a_threshold_of_zero_keeps_the_default(restore_gc):
    before = gc.get_threshold()
    crawler = make_crawler(EXTENSIONS={}, NEWSBOT_GC_THRESHOLD=0)
    ext = GcTuning.from_crawler(crawler)  # noqa: F841 - signals hold handlers weakly
    crawler.signals.send_catch_log(signals.engine_started)
    assert gc.get_freeze_count() > 0 and gc.get_threshold() == before


def test_it_can_be_turned_off():
    with pytest.raises(NotConfigured):
        GcTuning.from_crawler(make_crawler(NEWSBOT_GC_FREEZE=False))


def test_a_crawl_has_it(restore_gc):
    assert "newsbot.extensions.gctuning.GcTuning" in make_crawler().settings.getdict("EXTENSIONS")

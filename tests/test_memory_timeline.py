"""The memory timeline's readings of CPython's allocator (benchmarks/memory_timeline.py)."""

from benchmarks.memory_timeline import obmalloc_mib, rss_mib


def test_live_objects_and_the_arenas_holding_them_are_read_in_mib():
    arenas, live = obmalloc_mib()
    kept = [(i, str(i)) for i in range(200_000)]  # ~20 MiB of small objects, all in arenas
    arenas_after, live_after = obmalloc_mib()
    assert len(kept) == 200_000
    assert 10 < live_after - live < 40
    assert arenas_after - arenas >= 10
    assert arenas_after >= live_after  # 1 MiB arenas hold the live blocks


def test_rss_and_its_anonymous_part():
    rss, anonymous = rss_mib()
    assert 0 < anonymous < rss

from datetime import date

import pytest

from newsbot.dates import DateEvidence, latest_on_or_before

JAN_CRAWL = date(2026, 1, 12)


def test_december_dateline_seen_in_january_is_last_year():
    when, why = DateEvidence().resolve("149000", 12, 31, JAN_CRAWL, "server Date")
    assert when == date(2025, 12, 31)
    assert why.startswith("server Date 2026-01-12")


def test_same_day_and_next_day_stay_in_the_reference_year():
    evidence = DateEvidence()
    assert evidence.resolve(None, 1, 12, JAN_CRAWL, "crawl time")[0] == date(2026, 1, 12)
    # Tokyo is ahead of UTC: "tomorrow" for the server clock is still this year.
    assert evidence.resolve(None, 1, 13, JAN_CRAWL, "crawl time")[0] == date(2026, 1, 13)
    assert evidence.resolve(None, 1, 20, JAN_CRAWL, "crawl time")[0] == date(2025, 1, 20)


def test_a_published_full_date_wins():
    evidence = DateEvidence()
    evidence.add("119870", date(2019, 9, 7), "sitemap /sitemap.xml")
    assert evidence.resolve("119870", 9, 7, JAN_CRAWL, "server Date") == (
        date(2019, 9, 7), "sitemap /sitemap.xml gives 2019-09-07")


def test_a_published_date_that_contradicts_the_page_is_not_trusted():
    evidence = DateEvidence()
    evidence.add("149000", date(2025, 12, 30), "feed /rss/top.xml")
    when, why = evidence.resolve("149000", 12, 31, JAN_CRAWL, "server Date")
    assert when == date(2025, 12, 31)
    assert "gives" not in why


def test_id_order_places_an_old_article_between_its_neighbours():
    evidence = DateEvidence()
    evidence.add(119000, date(2019, 8, 1), "sitemap")
    evidence.add(125000, date(2020, 2, 1), "feed")
    when, why = evidence.resolve("119870", 9, 7, JAN_CRAWL, "server Date")
    assert when == date(2019, 9, 7)
    assert why == "id order: after #119000 (2019-08-01) and before #125000 (2020-02-01)"


def test_id_order_with_only_an_earlier_neighbour_is_bounded_by_the_reference():
    evidence = DateEvidence()
    evidence.add(149000, date(2025, 12, 20), "feed")
    when, why = evidence.resolve("149100", 1, 3, JAN_CRAWL, "server Date")
    assert when == date(2026, 1, 3)
    assert "after #149000" in why and "not after server Date 2026-01-12" in why


def test_contradictory_neighbours_fall_back_to_the_reference():
    evidence = DateEvidence()
    evidence.add(149000, date(2026, 1, 5), "feed")
    when, why = evidence.resolve("149010", 12, 31, JAN_CRAWL, "server Date")
    assert when == date(2025, 12, 31)
    assert why.startswith("server Date")


@pytest.mark.parametrize("month, day, limit, expected", [
    (2, 29, date(2026, 1, 12), date(2024, 2, 29)),
    (2, 30, date(2026, 1, 12), None),
    (3, 1, date(2026, 3, 1), date(2026, 3, 1)),
])
def test_latest_on_or_before(month, day, limit, expected):
    assert latest_on_or_before(month, day, limit) == expected


def test_the_latest_record_of_an_id_wins_across_lookups():
    evidence = DateEvidence()
    evidence.add(120000, date(2019, 10, 1), "sitemap /sitemap-1.xml")
    evidence.add(120000, date(2019, 10, 2), "feed /rss/top.xml")
    assert evidence.get("120000") == (date(2019, 10, 2), "feed /rss/top.xml")
    # Records added after a lookup are merged in at the next one, and still win.
    evidence.add(120000, date(2019, 10, 3), "sitemap /sitemap-2.xml")
    evidence.add(110000, date(2019, 1, 1), "sitemap /sitemap-2.xml")
    assert evidence.get(120000) == (date(2019, 10, 3), "sitemap /sitemap-2.xml")
    assert evidence.neighbours(115000) == ((110000, date(2019, 1, 1)), (120000, date(2019, 10, 3)))
    assert len(evidence) == 2


def test_slugs_and_outsized_ids_are_looked_up_as_such():
    evidence = DateEvidence()
    evidence.add("tokyo-rain", date(2025, 6, 1), "feed")
    evidence.add("9" * 30, date(2025, 6, 2), "feed")
    assert evidence.get("tokyo-rain") == (date(2025, 6, 1), "feed")
    assert evidence.resolve("9" * 30, 6, 2, JAN_CRAWL, "server Date") == (date(2025, 6, 2), "feed gives 2025-06-02")
    assert evidence.get(5) is None and evidence.neighbours(5) == (None, None)

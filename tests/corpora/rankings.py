"""Hand-made popular-ranking snapshots (six, 6 to 12 hours apart) and a story from a new source.

The replica shows one ranking; a monitoring team's store holds many, one per crawl. These are
added to the crawled store by tests/corpora/crawled.py. The expected timeline is worked out by
hand below: a snapshot's ranking holds until the next one, the last adds no time.
"""

from __future__ import annotations

from tests.corpora.pairs import HOST, stored
from tests.replica_truth import by_id

A, B, C, D, E, F = 167595, 167606, 167558, 167521, 167532, 167632
SNAPSHOTS = [  # (taken_at, ids in rank order)
    ("2026-01-10T00:00:00+00:00", [A, B, C, D, E]),
    ("2026-01-10T06:00:00+00:00", [A, C, B, D, E]),
    ("2026-01-10T12:00:00+00:00", [C, A, F, B, D]),
    ("2026-01-10T18:00:00+00:00", [C, F, A, B, E]),
    ("2026-01-11T00:00:00+00:00", [F, C, B, A, D]),
    ("2026-01-11T12:00:00+00:00", [F, B, C, D, A]),  # 12 hours after the one before
]
# id -> (best rank, hours in the top 3, first appearance, last appearance)
TIMELINE = {
    C: (1, 6 + 6 + 6 + 6 + 12, "2026-01-10T00:00:00+00:00", "2026-01-11T12:00:00+00:00"),
    A: (1, 6 + 6 + 6 + 6, "2026-01-10T00:00:00+00:00", "2026-01-11T12:00:00+00:00"),
    F: (1, 6 + 6 + 12, "2026-01-10T12:00:00+00:00", "2026-01-11T12:00:00+00:00"),
    B: (2, 6 + 6 + 12, "2026-01-10T00:00:00+00:00", "2026-01-11T12:00:00+00:00"),
    D: (4, 0, "2026-01-10T00:00:00+00:00", "2026-01-11T12:00:00+00:00"),
    E: (5, 0, "2026-01-10T00:00:00+00:00", "2026-01-10T18:00:00+00:00"),
}
# Sorted as the report sorts: best rank, then most hours in the top 3, then first appearance.
ORDER = [C, A, F, B, D, E]
APPEARANCES = sum(len(ids) for _, ids in SNAPSHOTS)


def ranking(host: str, ids: list[int]) -> list[dict]:
    return [{"rank": n, "url": f"{host}/article/{i}.php", "title": by_id()[i]["summary"],
             "source": None} for n, i in enumerate(ids, 1)]


NEW_SOURCE = stored(f"{HOST}/mainichi/lanterns.php", "Lantern festival returns to Nagasaki",
                    "The Nagasaki Lantern Festival will return next month with 15,000 lanterns "
                    "across the city's Chinatown, organisers said.", "Mainichi", "2026-01-09",
                    section="Entertainment")

"""Hand-written near-duplicate pairs, and pairs that must not match, added to stores in tests.

Each entry is an extra stored article (on top of a crawl of the replica, or alone). Bodies are
written here by hand; none is produced by the code under test.
"""

from __future__ import annotations

HOST = "http://syndication.test"

KYODO_QUAKE = (
    "A magnitude 6.1 earthquake struck off the coast of Miyagi Prefecture on Tuesday morning, "
    "shaking buildings in Sendai and halting Tohoku Shinkansen services for about an hour.\n\n"
    "There was no threat of a tsunami, the weather agency said, and no major damage had been "
    "reported by noon. Tohoku Electric Power Co. said its Onagawa nuclear plant was operating "
    "normally after checks.\n\n"
    "Residents in Ishinomaki described a long rolling motion that sent books and dishes to the "
    "floor. Several schools in the prefecture delayed classes while teachers inspected classrooms "
    "for cracks and fallen ceiling panels.\n\n"
    "The agency warned that aftershocks of similar strength could occur over the coming week and "
    "urged people to secure furniture and check emergency supplies.")

# The same Kyodo story as carried by a second outlet: new headline, one sentence trimmed, one
# paragraph added at the end. About 0.7 of the 4-word shingles are shared.
KYODO_QUAKE_SYNDICATED = (
    "A magnitude 6.1 earthquake struck off the coast of Miyagi Prefecture on Tuesday morning, "
    "shaking buildings in Sendai and halting Tohoku Shinkansen services for about an hour.\n\n"
    "There was no threat of a tsunami, the weather agency said, and no major damage had been "
    "reported by noon. Tohoku Electric Power Co. said its Onagawa nuclear plant was operating "
    "normally after checks.\n\n"
    "Residents in Ishinomaki described a long rolling motion that sent books and dishes to the "
    "floor.\n\n"
    "The agency warned that aftershocks of similar strength could occur over the coming week and "
    "urged people to secure furniture and check emergency supplies.\n\n"
    "The quake was centred about 50 kilometres below the seabed, according to the agency.")

# Two different NHK stories of the same day: same outlet, same style, shared stock phrases.
NHK_SNOW = (
    "Heavy snow blanketed parts of Niigata Prefecture on Tuesday, NHK reported, with more than "
    "80 centimetres falling in mountain areas over 24 hours.\n\n"
    "The Japan Meteorological Agency said a strong winter pressure pattern would keep snow "
    "falling along the Sea of Japan coast through Thursday and urged drivers to avoid "
    "unnecessary trips.\n\n"
    "East Japan Railway Co. suspended some local trains on the Joetsu Line, and a stretch of the "
    "Kanetsu Expressway was closed after several trucks became stuck on a slope.\n\n"
    "Officials in Uonuma asked elderly residents not to clear roofs alone after two people were "
    "injured in falls this week.")
NHK_FIRE = (
    "A fire broke out at a wooden apartment building in Tokyo's Adachi Ward early on Tuesday, "
    "NHK reported, forcing about 20 residents to flee into the cold.\n\n"
    "The Tokyo Fire Department said 15 fire engines were sent to the scene and the blaze was "
    "put out about three hours later. Two residents were taken to hospital with minor burns.\n\n"
    "Police are investigating the cause of the fire, which appears to have started on the "
    "second floor. Neighbours said they heard a loud bang shortly before the flames spread.\n\n"
    "The Japan Meteorological Agency had issued a dry air warning for Tokyo the day before, "
    "and officials urged people to take care with heaters and open flames.")


def stored(url: str, headline: str, body: str, source: str, published: str,
           section: str = "Society") -> dict:
    """An article as the store takes it (the same keys the store pipeline passes)."""
    return {"canonical_url": url, "url": url, "article_id": None, "site": "newsonjapan",
            "section": section, "headline": headline, "dateline": None, "published": published,
            "date_evidence": "written by hand for a test", "source": source, "body": body,
            "summary": None, "content_hash": f"hand-{url}",
            "crawled_at": "2026-01-12T09:00:00+00:00", "related": [], "popular": []}


QUAKE = stored(f"{HOST}/kyodo/quake.php", "M6.1 quake off Miyagi halts shinkansen", KYODO_QUAKE,
               "Kyodo", "2026-01-06")
# Syndicated under a second URL with a changed headline and small edits.
QUAKE_SYNDICATED = stored(f"{HOST}/reprints/japantoday-quake.php",
                          "Strong earthquake shakes Tohoku", KYODO_QUAKE_SYNDICATED, "Japan Today",
                          "2026-01-06")
SNOW = stored(f"{HOST}/nhk/snow.php", "Heavy snow in Niigata", NHK_SNOW, "NHK", "2026-01-06")
# Re-posted a day later with only the headline changed.
SNOW_REPOSTED = stored(f"{HOST}/nhk/snow-update.php", "Niigata buried under 80 cm of snow",
                       NHK_SNOW, "NHK", "2026-01-07")
# A different story from the same source on the same day as SNOW: must not match it.
FIRE = stored(f"{HOST}/nhk/fire.php", "Apartment fire in Adachi", NHK_FIRE, "NHK", "2026-01-06")

EXTRA = [QUAKE_SYNDICATED, QUAKE, SNOW_REPOSTED, FIRE, SNOW]  # stored in this order, on purpose
# canonical URL -> the group representative it must be marked duplicate_of (None: a head)
EXPECTED = {
    QUAKE["canonical_url"]: None,
    QUAKE_SYNDICATED["canonical_url"]: QUAKE["canonical_url"],  # same day: smaller URL heads
    SNOW["canonical_url"]: None,
    SNOW_REPOSTED["canonical_url"]: SNOW["canonical_url"],      # earlier published heads
    FIRE["canonical_url"]: None,
}


def words(start: int, stop: int) -> str:
    """Distinct made-up words, so that every 4-word shingle is distinct and Jaccard is exact."""
    return " ".join(f"w{i}" for i in range(start, stop))


# Bodies of 100 words against words(0, 100): (other body, exact Jaccard similarity of the
# 4-word shingle sets worked out by hand, grouped at the 0.5 threshold?). None: near the
# threshold, where a 128-permutation MinHash estimate (standard error about 0.044) may fall
# either side, so only the estimate is checked.
KNOWN = [
    (words(0, 110), 97 / 107, True),      # 10 words added: 97 shared of 107
    (words(20, 120), 77 / 117, True),     # 80 words shared: 77 shingles of 97 + 97 - 77
    (words(30, 130), 67 / 127, None),     # 70 words shared
    (words(50, 150), 47 / 147, False),    # 50 words shared
    (words(60, 160), 37 / 157, False),    # 40 words shared
    (words(200, 300), 0.0, False),        # nothing shared
]

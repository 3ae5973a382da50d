"""Near-duplicates after the store: MinHash signatures of body shingles, LSH groups, duplicate_of.

The same story syndicated under two URLs, or re-posted with a new headline, has a different
content hash, so the dedupe pipeline keeps both. Here each stored body gets a MinHash signature
(datasketch) over its word shingles; signatures live in the store so a later run compares its
articles against earlier ones. After a crawl, the articles new in it are grouped with every
stored article published within ``window_days`` of them: LSH finds candidate pairs, the
estimated Jaccard similarity confirms them, and every member of a group but its head (the
earliest published, then the smallest canonical URL) is marked ``duplicate_of`` the head. Only
pairs published within the window join, in a first crawl and in later ones alike, and the rule
depends only on what is stored, never on the order a concurrent crawl stored it in, so a
re-extraction from an archive groups alike.
"""

from __future__ import annotations

import hashlib
import re
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

WORDS = re.compile(r"\w+")
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
ASCII_WORDS = re.compile(rb"\w+")  # the same words as WORDS finds in an ASCII text
DATASKETCH_SCHEME = "affine32"  # 32-bit hash values: 4 bytes per permutation in the store


@dataclass(frozen=True)
class NearDupParams:
    """How bodies are compared; ``scheme`` names them so a change re-signs every article."""

    shingle_words: int = 4
    num_perm: int = 128
    seed: int = 1
    threshold: float = 0.5
    window_days: int = 30  # only articles published this close are compared (0: any)

    @property
    def scheme(self) -> str:
        return f"minhash-{DATASKETCH_SCHEME}-w{self.shingle_words}-p{self.num_perm}-s{self.seed}"


def shingles(text: str, k: int) -> set[bytes]:
    """Overlapping runs of ``k`` lower-cased words; punctuation and spacing do not count."""
    if text.isascii():  # most bodies: words found in the encoded bytes, nothing to re-encode
        words = ASCII_WORDS.findall(text.lower().encode())
    else:
        words = [w.encode() for w in WORDS.findall(text.lower())]
    if len(words) <= k:
        return {b" ".join(words)} if words else set()
    return set(map(b" ".join, zip(*(words[i:] for i in range(k)))))


def sha1_values(items: Iterable[bytes]) -> list[int]:
    """datasketch's default hash (``sha1_hash32``: the first 4 bytes of SHA-1, little-endian)
    of every item, unpacked together rather than one ``struct.unpack`` call each."""
    sha1 = hashlib.sha1
    return np.frombuffer(b"".join([sha1(x).digest()[:4] for x in items]), dtype="<u4").tolist()


class Signer:
    """MinHash signatures under one set of parameters (permutations drawn once, reused)."""

    def __init__(self, params: NearDupParams):
        self.params = params
        self._template = MinHash(num_perm=params.num_perm, seed=params.seed,
                                 scheme=DATASKETCH_SCHEME)

    def sign(self, body: str) -> bytes:
        # The shingles are hashed here, all at once, exactly as datasketch's default would hash
        # them one by one (the same signatures, a fifth less CPU); hashfunc=int takes the values.
        m = MinHash(num_perm=self.params.num_perm, seed=self.params.seed, hashfunc=int,
                    permutations=self._template.permutations, scheme=DATASKETCH_SCHEME)
        m.update_batch(sha1_values(shingles(body, self.params.shingle_words)))
        return m.hashvalues.astype("<u4").tobytes()

    def minhash(self, signature: bytes) -> LeanMinHash:
        values = np.frombuffer(signature, dtype="<u4")
        return LeanMinHash(seed=self.params.seed, hashvalues=values, scheme=DATASKETCH_SCHEME)


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two signatures: the share of equal hash values."""
    return float(np.mean(np.frombuffer(a, "<u4") == np.frombuffer(b, "<u4")))


@dataclass(frozen=True)
class Signed:
    """One stored article as grouping sees it."""

    pk: int
    canonical_url: str
    published: str | None
    signature: bytes

    @property
    def order(self) -> tuple[str, str]:
        """Representatives are the earliest published (undated last), then by canonical URL."""
        return (self.published or "9999-99-99", self.canonical_url)


def group(rows: Callable[[], Iterable[Signed]],
          signer: Signer) -> dict[int, tuple[str, float] | None]:
    """pk → (representative's canonical URL, similarity to it), or None for a group's head.

    ``rows()`` gives the articles afresh in representative order (``Signed.order``); they are
    read three times rather than held: memory holds the articles published within
    ``window_days`` of the one at hand, and those with no plain ISO date (compared with every
    article). Grouping everything at once held every signature in the LSH index, which at
    50,000 articles more than doubled a crawl's peak memory. The groups are the same: a pair
    is joined when the LSH makes it a candidate, it is close in time and similar enough, and
    a group's head is its first article in representative order whatever the pairs' order.
    """
    params = signer.params
    rank: dict[int, int] = {}
    loose: dict[int, Signed] = {}  # no plain date (or no window): compared with everything
    last = None
    for i, art in enumerate(rows()):
        if last is not None and art.order < last:
            raise ValueError("signed articles must come in representative order "
                             "(published, undated last, then canonical URL)")
        last, rank[art.pk] = art.order, i
        if params.window_days <= 0 or _day(art.published) is None:
            loose[art.pk] = art
    parent = {pk: pk for pk in rank}

    def join(art: Signed, minhash: LeanMinHash, lsh: MinHashLSH, near: dict[int, Signed]):
        for other in lsh.query(minhash):
            if close_in_time(art, near[other], params.window_days) and \
                    similarity(art.signature, near[other].signature) >= params.threshold:
                _union(parent, rank, other, art.pk)

    loose_lsh = MinHashLSH(threshold=params.threshold, num_perm=params.num_perm)
    for art in loose.values():
        minhash = signer.minhash(art.signature)
        join(art, minhash, loose_lsh, loose)
        loose_lsh.insert(art.pk, minhash)
    window_lsh = MinHashLSH(threshold=params.threshold, num_perm=params.num_perm)
    window: deque[tuple[date, Signed]] = deque()
    near: dict[int, Signed] = {}
    for art in rows():
        if art.pk in loose:
            continue
        day = _day(art.published)
        while window and window[0][0] < day - timedelta(days=params.window_days):
            _, gone = window.popleft()
            window_lsh.remove(gone.pk)
            del near[gone.pk]
        minhash = signer.minhash(art.signature)
        join(art, minhash, window_lsh, near)
        join(art, minhash, loose_lsh, loose)
        window_lsh.insert(art.pk, minhash)
        window.append((day, art))
        near[art.pk] = art
    del window_lsh, near, loose_lsh, loose
    heads = {root for pk in rank if (root := _find(parent, pk)) != pk}
    kept: dict[int, tuple[str, bytes]] = {}
    out: dict[int, tuple[str, float] | None] = {}
    for art in rows():  # a head comes before its members in representative order
        head = _find(parent, art.pk)
        if head == art.pk:
            out[art.pk] = None
            if head in heads:
                kept[head] = (art.canonical_url, art.signature)
        else:
            url, signature = kept[head]
            out[art.pk] = (url, round(similarity(art.signature, signature), 4))
    return out


def _day(published: str | None) -> date | None:
    """The date an article is windowed by: a plain ISO date, else None (compared with all)."""
    if not published or not ISO_DAY.fullmatch(published):
        return None
    try:
        return date.fromisoformat(published)
    except ValueError:
        return None


def close_in_time(a: Signed, b: Signed, days: int) -> bool:
    if days <= 0 or not a.published or not b.published:
        return True
    try:
        gap = date.fromisoformat(a.published) - date.fromisoformat(b.published)
    except ValueError:
        return True
    return abs(gap.days) <= days


def _find(parent: dict[int, int], pk: int) -> int:
    while parent[pk] != pk:
        parent[pk] = parent[parent[pk]]
        pk = parent[pk]
    return pk


def _union(parent: dict[int, int], rank: dict[int, int], a: int, b: int) -> None:
    """Join two groups under the root that comes first in representative order."""
    ra, rb = _find(parent, a), _find(parent, b)
    if ra != rb:
        first, second = (ra, rb) if rank[ra] < rank[rb] else (rb, ra)
        parent[second] = first


def refresh(store, signer: Signer | None = None, fresh: Iterable[str | None] = ()) -> dict:
    """Sign what is unsigned or changed, then regroup around the articles new in this run.

    ``fresh`` holds the published dates of articles already signed in this run (by the
    pipeline); those signed here are added. Counts go to the stats.
    """
    signer = signer or Signer(NearDupParams())
    scheme = signer.params.scheme
    dates, signed = list(fresh), 0
    for pk, body, published in store.unsigned_articles(scheme):
        store.save_signature(pk, scheme, signer.sign(body))
        dates.append(published)
        signed += 1
    store.commit()
    if not dates:
        return {"signed": 0, "compared": 0, "groups": 0, "marked": 0, "changed": 0}
    since, until = around(dates, signer.params.window_days)
    groups = group(lambda: (Signed(*row) for row in store.signed_articles(scheme, since, until)),
                   signer)
    return {"signed": signed, "compared": len(groups),
            "groups": len({v[0] for v in groups.values() if v}),
            "marked": sum(1 for v in groups.values() if v), "changed": store.set_duplicates(groups)}


def around(dates: list[str | None], days: int) -> tuple[str | None, str | None]:
    """The published dates to compare new articles against: theirs, widened by the window."""
    try:
        known = [date.fromisoformat(d) for d in dates]
    except (TypeError, ValueError):  # an undated article: compare against everything
        return None, None
    if days <= 0:
        return None, None
    return ((min(known) - timedelta(days=days)).isoformat(),
            (max(known) + timedelta(days=days)).isoformat())

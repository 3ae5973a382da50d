"""Near-duplicates after the store: MinHash signatures of body shingles, LSH groups, duplicate_of.

The same story syndicated under two URLs, or re-posted with a new headline, has a different
content hash, so the dedupe pipeline keeps both. Here each stored body gets a MinHash signature
over its word shingles; signatures live in the store so a later run compares its articles
against earlier ones. After a crawl, the articles new in it are grouped with every
stored article published within ``window_days`` of them: LSH finds candidate pairs, the
estimated Jaccard similarity confirms them, and every member of a group but its head (the
earliest published, then the smallest canonical URL) is marked ``duplicate_of`` the head. Only
pairs published within the window join, in a first crawl and in later ones alike, and the rule
depends only on what is stored, never on the order a concurrent crawl stored it in, so a
re-extraction from an archive groups alike.

Signatures and LSH are numpy here rather than datasketch's: importing its LSH imports scipy
(+49 MiB of a crawl's memory) for one integral, and hashing shingle by shingle cost ~9% of a
crawl's CPU.
"""

from __future__ import annotations

import re
import string
import zlib
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache

import numpy as np

WORDS = re.compile(r"\w+")
NON_ASCII = re.compile(r"[^\x00-\x7f]")
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
SCHEME = "v2"  # crc32 words, shingles mixed in numpy, multiply-shift permutations, 32-bit values
EMPTY = 0xFFFF_FFFF  # every value of a body with no words (as datasketch left it: never updated)
SHINGLE_BASE = np.uint64(0x9E37_79B9_7F4A_7C15)  # odd: the polynomial combining word hashes
CHUNK = 2048  # shingles per permutation pass: bounds the (num_perm x chunk) work array


def _ascii_word_table() -> bytes:
    """For ``bytes.translate``: ASCII word characters (what \\w matches) kept, lower-cased, other
    ASCII bytes made spaces, UTF-8 bytes of other characters kept; ``split()`` then gives the
    words of WORDS in a third of a regex's time."""
    word = string.ascii_letters + string.digits + "_"
    return bytes(ord(chr(c).lower()) if chr(c) in word else c if c > 127 else 0x20
                 for c in range(256))


ASCII_WORD_TABLE = _ascii_word_table()


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
        return f"minhash-{SCHEME}-w{self.shingle_words}-p{self.num_perm}-s{self.seed}"


def body_words(text: str) -> list[bytes]:
    """Lower-cased words (runs of \\w, as WORDS finds them), UTF-8 encoded for hashing.

    Found in the encoded bytes by a table rather than by the regex, which took half of signing:
    a body that is not ASCII (curly quotes make most of them so) has its few non-ASCII non-word
    characters made spaces first (\\w is ``isalnum()`` or ``_``, as in ``re``)."""
    if text.isascii():
        return text.encode().translate(ASCII_WORD_TABLE).split()
    low = text.lower()
    others = [c for c in set(NON_ASCII.findall(low)) if not c.isalnum()]
    if len(others) > 16:  # many symbols: one regex pass costs less than a replace each
        return [w.encode() for w in WORDS.findall(low)]
    for c in others:
        low = low.replace(c, " ")
    return low.encode().translate(ASCII_WORD_TABLE).split()


def shingles(text: str, k: int) -> set[bytes]:
    """Overlapping runs of ``k`` words (all of them when there are no more than ``k``): the set
    a signature estimates, spelled out for tests; ``Signer.sign`` hashes the same runs."""
    words = body_words(text)
    if len(words) <= k:
        return {b" ".join(words)} if words else set()
    return set(map(b" ".join, zip(*(words[i:] for i in range(k)))))


def shingle_hashes(words: list[bytes], k: int) -> np.ndarray:
    """A 64-bit hash of every run of ``k`` words (one run of all when there are no more).

    Each word is hashed once (crc32: stable across processes, unlike ``hash()``), and each run
    from its words' hashes in numpy: a polynomial in 64-bit arithmetic, then murmur3's fmix64
    finaliser so that every output bit depends on every input bit before the permutations.
    """
    width = min(k, len(words))
    h = np.fromiter(map(zlib.crc32, words), dtype=np.uint64, count=len(words))
    runs = len(words) - width + 1
    x = np.full(runs, width, dtype=np.uint64)  # the run's length: a short body's one run differs
    for i in range(width):
        x *= SHINGLE_BASE
        x += h[i:i + runs]
    return fmix64(x)


def fmix64(x: np.ndarray) -> np.ndarray:
    """murmur3's 64-bit finaliser, in place: a bijection that spreads every bit to all others."""
    x ^= x >> np.uint64(33)
    x *= np.uint64(0xFF51_AFD7_ED55_8CCD)
    x ^= x >> np.uint64(33)
    x *= np.uint64(0xC4CE_B9FE_1A85_EC53)
    x ^= x >> np.uint64(33)
    return x


class Signer:
    """MinHash signatures under one set of parameters (permutations drawn once, reused).

    Permutation i maps a shingle hash x to the top 32 bits of ``a_i * x + b_i`` modulo 2^64
    (a_i odd; a_i, b_i drawn from the seed): Dietzfelbinger's multiply-shift, universal (two keys
    collide with probability <= 2^-31) at one multiply and one add per value in numpy, where
    ``(a*x + b) mod (2^61 - 1)`` needs a 128-bit product numpy lacks. MinHash wants min-wise
    independence, which no such cheap family guarantees on structured keys; the keys here are
    fmix64 outputs, close to random, and the estimates measure as close to the exact Jaccard as
    datasketch's (tests/test_neardup.py). The shift is monotonic, so the minimum is taken on the
    64-bit values and shifted once per permutation, not once per shingle.
    """

    def __init__(self, params: NearDupParams):
        self.params = params
        # RandomState, not default_rng: NumPy freezes its stream (NEP 19), and stored
        # signatures must stay comparable across NumPy upgrades.
        rng = np.random.RandomState(params.seed)
        shape = (params.num_perm, 1)
        self._a = rng.randint(0, 2**64, size=shape, dtype=np.uint64) | np.uint64(1)
        self._b = rng.randint(0, 2**64, size=shape, dtype=np.uint64)

    def sign(self, body: str) -> bytes:
        """``num_perm`` little-endian uint32 minima; a body with no words gets all EMPTY."""
        words = body_words(body)
        if not words:
            return np.full(self.params.num_perm, EMPTY, dtype="<u4").tobytes()
        x = shingle_hashes(words, self.params.shingle_words)
        low = np.full(self.params.num_perm, np.iinfo(np.uint64).max, dtype=np.uint64)
        for start in range(0, len(x), CHUNK):
            values = self._a * x[start:start + CHUNK]
            values += self._b
            np.minimum(low, values.min(axis=1), out=low)
        return (low >> np.uint64(32)).astype("<u4").tobytes()


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two signatures: the share of equal hash values."""
    return float(np.mean(np.frombuffer(a, "<u4") == np.frombuffer(b, "<u4")))


@lru_cache(maxsize=None)
def optimal_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """The (bands, rows) whose candidate curve ``1 - (1 - s^r)^b`` best splits at ``threshold``.

    The criterion is datasketch's MinHashLSH with equal weights: the least false positive area
    (the curve over [0, threshold]) plus false negative area (one minus it over [threshold, 1]),
    first (b, r) in (b, r) order on a tie. The curve is a polynomial of degree b*r <= num_perm,
    so Gauss-Legendre with num_perm/2 + 1 nodes integrates it exactly, without scipy.
    """
    nodes, weights = np.polynomial.legendre.leggauss(num_perm // 2 + 1)
    best, choice = float("inf"), (0, 0)
    for b in range(1, num_perm + 1):
        rows = np.arange(1, num_perm // b + 1)
        fp = _area(nodes, weights, 0.0, threshold, b, rows)
        fn = (1.0 - threshold) - _area(nodes, weights, threshold, 1.0, b, rows)
        error = (fp + fn) / 2
        i = int(np.argmin(error))
        if error[i] < best:
            best, choice = float(error[i]), (b, int(rows[i]))
    return choice


def _area(nodes, weights, lo: float, hi: float, b: int, rows: np.ndarray) -> np.ndarray:
    """The integral of the candidate curve over [lo, hi], for each r in ``rows``."""
    s = (hi - lo) / 2 * nodes + (hi + lo) / 2
    curve = 1.0 - (1.0 - s[None, :] ** rows[:, None]) ** b
    return curve @ weights * (hi - lo) / 2


class BandIndex:
    """Banded LSH over signatures: ``bands`` bands of ``rows`` values each; two signatures are
    candidates when any band is equal, so pairs at the threshold are likely found and pairs
    far below it rarely compared. Keys can be removed, so a sliding window stays small.

    A bucket is keyed by the hash of its band (a collision only adds a candidate, which the
    caller's similarity check turns away) and holds its one key as a bare int until a second
    arrives: almost every bucket holds one, and a set per bucket made the index ~3x larger
    (25 buckets an article: a 30-day window of 2,500 articles took ~19 MB).
    """

    def __init__(self, threshold: float, num_perm: int):
        bands, rows = optimal_bands(threshold, num_perm)
        width = 4 * rows  # bytes of a band: rows uint32 values
        self._slices = [slice(i * width, (i + 1) * width) for i in range(bands)]
        self._buckets: list[dict[int, int | set[int]]] = [{} for _ in range(bands)]
        self._keys: dict[int, bytes] = {}  # key -> its signature, to find its buckets again

    def _bands(self, signature: bytes):
        return zip(self._buckets, (hash(signature[s]) for s in self._slices))

    def insert(self, key: int, signature: bytes) -> None:
        if key in self._keys:
            raise ValueError(f"key {key!r} is already in the index")
        self._keys[key] = signature
        for buckets, band in self._bands(signature):
            held = buckets.get(band)
            if held is None:
                buckets[band] = key
            elif isinstance(held, set):
                held.add(key)
            else:
                buckets[band] = {held, key}

    def remove(self, key: int) -> None:
        for buckets, band in self._bands(self._keys.pop(key)):
            held = buckets[band]
            if isinstance(held, set):
                held.discard(key)
                if len(held) == 1:
                    buckets[band] = held.pop()
            else:
                del buckets[band]

    def query(self, signature: bytes) -> set[int]:
        found: set[int] = set()
        for buckets, band in self._bands(signature):
            held = buckets.get(band)
            if held is None:
                continue
            if isinstance(held, set):
                found.update(held)
            else:
                found.add(held)
        return found

    def __len__(self) -> int:
        return len(self._keys)


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


Mark = tuple[str, float] | None  # (the head's canonical URL, similarity to it); None: a head


def group(rows: Callable[[], Iterable[Signed]], signer: Signer) -> Iterator[tuple[int, Mark]]:
    """(pk, mark) of every article compared, in representative order, as the last pass reads it.

    Yielded rather than returned as a dict, which at 50,000 articles held 50,000 marks only for
    the store to write them: the caller writes them as they come.

    ``rows()`` gives the articles afresh in representative order (``Signed.order``); they are
    read three times rather than held: memory holds the articles published within
    ``window_days`` of the one at hand, and those with no plain ISO date (compared with every
    article). Grouping everything at once held every signature in the LSH index, which at
    50,000 articles more than doubled a crawl's peak memory. The groups are the same: a pair
    is joined when the LSH makes it a candidate, it is close in time and similar enough, and
    a group's head is its first article in representative order whatever the pairs' order.
    Articles are known by their place in that order, so the union-find is an array of ints,
    not dicts keyed by primary key.
    """
    params = signer.params
    loose: dict[int, Signed] = {}  # no plain date (or no window): compared with everything
    last, count = None, 0
    for i, art in enumerate(rows()):
        if last is not None and art.order < last:
            raise ValueError("signed articles must come in representative order "
                             "(published, undated last, then canonical URL)")
        last, count = art.order, i + 1
        if params.window_days <= 0 or _day(art.published) is None:
            loose[i] = art
    parent = array("q", range(count))

    def join(i: int, art: Signed, lsh: BandIndex, near: dict[int, Signed]):
        for other in lsh.query(art.signature):
            if close_in_time(art, near[other], params.window_days) and \
                    similarity(art.signature, near[other].signature) >= params.threshold:
                _union(parent, other, i)

    loose_lsh = BandIndex(params.threshold, params.num_perm)
    for i, art in loose.items():
        join(i, art, loose_lsh, loose)
        loose_lsh.insert(i, art.signature)
    window_lsh = BandIndex(params.threshold, params.num_perm)
    window: deque[tuple[date, int]] = deque()
    near: dict[int, Signed] = {}
    for i, art in enumerate(rows()):
        if i in loose:
            continue
        day = _day(art.published)
        while window and window[0][0] < day - timedelta(days=params.window_days):
            _, gone = window.popleft()
            window_lsh.remove(gone)
            del near[gone]
        join(i, art, window_lsh, near)
        join(i, art, loose_lsh, loose)
        window_lsh.insert(i, art.signature)
        window.append((day, i))
        near[i] = art
    del window_lsh, near, loose_lsh, loose
    led = bytearray(count)  # 1 for a head with members
    for i in range(count):
        if (root := _find(parent, i)) != i:
            led[root] = 1
    kept: dict[int, tuple[str, bytes]] = {}  # heads with members: what their members need
    for i, art in enumerate(rows()):  # a head comes before its members in representative order
        head = _find(parent, i)
        if head == i:
            if led[i]:
                kept[i] = (art.canonical_url, art.signature)
            yield art.pk, None
        else:
            url, signature = kept[head]
            yield art.pk, (url, round(similarity(art.signature, signature), 4))


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


def _find(parent: array, i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _union(parent: array, a: int, b: int) -> None:
    """Join two groups under the root that comes first in representative order (the lower
    place)."""
    ra, rb = _find(parent, a), _find(parent, b)
    if ra != rb:
        parent[max(ra, rb)] = min(ra, rb)


@dataclass(slots=True)
class DateSpan:
    """What grouping needs of the published dates of the articles new in a run: the earliest,
    the latest, and whether any had no plain ISO date (then every stored article is compared).

    Kept instead of the dates themselves, which at 50,000 articles were 50,000 strings held to
    the end of the crawl for a min and a max.
    """

    earliest: date | None = None
    latest: date | None = None
    loose: bool = False  # one undated or not a plain ISO date: compare against everything
    count: int = 0

    def add(self, published: str | None) -> None:
        self.count += 1
        if self.loose:
            return
        try:
            day = date.fromisoformat(published)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            self.loose = True
            return
        if self.earliest is None or day < self.earliest:
            self.earliest = day
        if self.latest is None or day > self.latest:
            self.latest = day

    def around(self, days: int) -> tuple[str | None, str | None]:
        """The published dates to compare new articles against: theirs, widened by the window
        (None, None: everything)."""
        if self.loose or days <= 0:
            return None, None
        if self.earliest is None or self.latest is None:
            raise ValueError("no dates to compare around")
        return ((self.earliest - timedelta(days=days)).isoformat(),
                (self.latest + timedelta(days=days)).isoformat())


def refresh(store, signer: Signer | None = None, fresh: DateSpan | None = None) -> dict:
    """Sign what is unsigned or changed, then regroup around the articles new in this run.

    ``fresh`` spans the published dates of articles already signed in this run (by the
    pipeline); those signed here are added to a copy. The marks go to the store as grouping
    yields them, and the counts, taken as they pass, go to the stats.
    """
    signer = signer or Signer(NearDupParams())
    scheme = signer.params.scheme
    dates, signed = replace(fresh) if fresh is not None else DateSpan(), 0
    for pk, body, published in store.unsigned_articles(scheme):
        store.save_signature(pk, scheme, signer.sign(body))
        dates.add(published)
        signed += 1
    store.commit()
    counts = {"signed": signed, "compared": 0, "groups": 0, "marked": 0, "changed": 0}
    if not dates.count:
        return counts
    since, until = dates.around(signer.params.window_days)
    heads: set[str] = set()  # a URL per group with members: no more than group()'s ``kept``

    def counted(marks: Iterable[tuple[int, Mark]]) -> Iterator[tuple[int, Mark]]:
        for pk, mark in marks:
            counts["compared"] += 1
            if mark is not None:
                counts["marked"] += 1
                heads.add(mark[0])
            yield pk, mark

    def rows() -> Iterator[Signed]:
        return (Signed(*row) for row in store.signed_articles(scheme, since, until))

    counts["changed"] = store.set_duplicates(counted(group(rows, signer)))
    counts["groups"] = len(heads)
    return counts

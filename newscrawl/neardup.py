"""Near-duplicates: MinHash signatures over word shingles, found through LSH bands.

Syndicated copies of one story (the same wire text with a changed word, an
added dateline, another headline) share most of their 3-word shingles, so their
Jaccard similarity is high; MinHash estimates it from two small signatures.
Banding (:data:`BANDS` bands of :data:`ROWS` values) finds the candidates: two
bodies at similarity 0.7 share a band with probability 1 - (1 - 0.7**4)**16,
about 0.988 (0.9998 at 0.8); unrelated articles (similarity near 0) almost never
do. A candidate is a near-duplicate when the estimate reaches the threshold
(``NEWSCRAWL_NEAR_DUPLICATE_THRESHOLD``): a wire story
with a dateline added, two words changed and a sentence cut has a Jaccard
similarity of about 0.87 with the original; its 64-value estimate (0.81 for the
syndication fixture) varies by about 0.04 either way.

The signature is a one-permutation MinHash: each shingle is hashed once with a
stable 64-bit hash (BLAKE2b); its low bits choose one of :data:`NUM_PERM`
buckets and each bucket keeps the least of the rest, cut to 32 bits. A bucket
no shingle fell into borrows the value of the next filled one, shifted once
per hop (rotation densification), so two bodies that agree on the filled
buckets agree on the borrowed ones too. About 1 ms for an 800-word body, in
pure Python: no numpy, no datasketch.
"""

from __future__ import annotations

import hashlib
import re
import struct
from collections import defaultdict
from collections.abc import Iterable
from itertools import islice

from newscrawl import settings as defaults

SHINGLE_WORDS = 3
NUM_PERM = 64
ROWS = 4
BANDS = NUM_PERM // ROWS
MIN_WORDS = 30  # shorter bodies give too few shingles for a meaningful estimate
#: Words of a body that its signature reads, from its start: more than any body of the corpus has
#: (16,101), so an article's signature is its whole text's; the 800,000 words of a hostile text
#: node (4,000,000 characters) cost the crawl's process about 50 MB and 3.5 s when all were read.
MAX_WORDS = 20_000

_BUCKET_BITS = NUM_PERM.bit_length() - 1  # the low bits of a shingle's hash choose its bucket
_BUCKET_MASK = NUM_PERM - 1
_VALUE_MASK = 0xFFFFFFFF  # signature values are 32-bit: 4 bytes each in the state store
_EMPTY = _VALUE_MASK + 1  # above every value: a bucket no shingle fell into
_HOP_OFFSET = 0x9E3779B9  # added per hop when a bucket borrows a later bucket's value
_HASH_BYTES = 8
_WORD = re.compile(r"\w+")
_BAND_PERSONS = tuple(bytes((band,)) for band in range(BANDS))  # each band's hash is its own

Signature = tuple[int, ...]


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    """The distinct runs of ``size`` consecutive words of the first :data:`MAX_WORDS`, case folded.

    >>> sorted(shingles("The cat sat. The CAT sat", size=2))
    ['cat sat', 'sat the', 'the cat']
    >>> len(shingles(" ".join(map(str, range(MAX_WORDS + 100))))) == MAX_WORDS - 2
    True
    """
    words = [word.group() for word in islice(_WORD.finditer(text.casefold()), MAX_WORDS)]
    return {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}


def signature(text: str) -> Signature:
    """The MinHash signature of ``text`` (:data:`NUM_PERM` values), or ``()`` when
    it has fewer than :data:`MIN_WORDS` words.

    >>> len(signature("word " * 40)), signature("too short"), signature("word " * (MIN_WORDS - 1))
    (64, (), ())
    """
    if next(islice(_WORD.finditer(text), MIN_WORDS - 1, None), None) is None:
        return ()
    return _densified(_bucket_minima(map(_stable_hash, shingles(text))))


def _stable_hash(shingle: str) -> int:
    """A 64-bit hash of ``shingle``, the same on every run and machine (unlike :func:`hash`).

    >>> _stable_hash("the cat sat")
    16623999794430607575
    """
    digest = hashlib.blake2b(shingle.encode("utf-8"), digest_size=_HASH_BYTES).digest()
    return int.from_bytes(digest, "little")


def _bucket_minima(hashes: Iterable[int]) -> list[int]:
    """Per bucket (the low :data:`_BUCKET_BITS` bits of a hash), the least of the
    other bits cut to 32; :data:`_EMPTY` where no hash fell.

    >>> minima = _bucket_minima([(7 << 6) | 1, (5 << 6) | 1, (9 << 6) | 3])
    >>> minima[:4] == [_EMPTY, 5, _EMPTY, 9]
    True
    """
    minima = [_EMPTY] * NUM_PERM
    for h in hashes:
        bucket, value = h & _BUCKET_MASK, (h >> _BUCKET_BITS) & _VALUE_MASK
        if value < minima[bucket]:  # noqa: PLR1730 - min() per shingle costs 10%
            minima[bucket] = value
    return minima


def _densified(minima: list[int]) -> Signature:
    """Every empty bucket filled from the next filled one (wrapping round), plus
    :data:`_HOP_OFFSET` per hop; at least one bucket must be filled.

    >>> _densified([_EMPTY, 5, _EMPTY, 9]) == (5 + _HOP_OFFSET, 5, 9 + _HOP_OFFSET, 9)
    True
    """
    size = len(minima)
    values = []
    for bucket in range(size):
        hops = 0
        while minima[(bucket + hops) % size] == _EMPTY:
            hops += 1
        values.append((minima[(bucket + hops) % size] + hops * _HOP_OFFSET) & _VALUE_MASK)
    return tuple(values)


def similarity(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity: the share of equal MinHash values.

    >>> similarity((1, 2, 3, 4), (1, 2, 3, 5)), similarity((), (1,))
    (0.75, 0.0)
    """
    if not a or len(a) != len(b):
        return 0.0
    return sum(x == y for x, y in zip(a, b)) / len(a)


def band_keys(sig: Signature) -> list[int]:
    """One key per band: a signed 64-bit hash of its number and values, the same on
    every run and machine; equal keys make two signatures candidates.

    Two different bands share a key with probability 2**-64: a store of a million
    articles (16 million band keys) expects no such collision at all.

    >>> band_keys(tuple(range(NUM_PERM)))[:2]
    [-387804988308644362, -4078863575744635064]
    >>> band_keys(())
    []
    """
    packed, width = struct.pack(f"<{len(sig)}I", *sig), ROWS * 4
    return [int.from_bytes(hashlib.blake2b(packed[band * width:(band + 1) * width], digest_size=_HASH_BYTES,
                                           person=_BAND_PERSONS[band]).digest(), "little", signed=True)
            for band in range(len(sig) // ROWS)]


class SignatureIndex:
    """The signatures of this run's articles, found by band like the state store's.

    >>> index = SignatureIndex()
    >>> text = " ".join(f"w{i}" for i in range(60))
    >>> index.add("a", signature(text))
    >>> index.candidates(signature(text.replace("w30", "changed")))
    {'a'}
    """

    def __init__(self) -> None:
        self._ids_by_band: dict[int, set[str]] = defaultdict(set)

    def add(self, article_id: str, sig: Signature) -> None:
        for key in band_keys(sig):
            self._ids_by_band[key].add(article_id)

    def remove(self, article_id: str, sig: Signature) -> None:
        """Forget ``article_id``, added with ``sig``; a band left without ids goes too.

        >>> index = SignatureIndex()
        >>> index.add("a", tuple(range(NUM_PERM)))
        >>> index.remove("a", tuple(range(NUM_PERM)))
        >>> index.candidates(tuple(range(NUM_PERM))), len(index._ids_by_band)
        (set(), 0)
        """
        for key in band_keys(sig):
            ids = self._ids_by_band.get(key)
            if ids is not None:
                ids.discard(article_id)
                if not ids:
                    del self._ids_by_band[key]

    def candidates(self, sig: Signature) -> set[str]:
        found: set[str] = set()
        for key in band_keys(sig):
            found |= self._ids_by_band.get(key, set())
        return found


def best_match(sig: Signature, candidates: Iterable[tuple[str, Signature]],
               threshold: float = defaults.NEWSCRAWL_NEAR_DUPLICATE_THRESHOLD) -> str | None:
    """The id of the most similar candidate at or above ``threshold``, if any.

    >>> best_match((1, 2, 3, 4), [("x", (1, 2, 0, 0)), ("y", (1, 2, 3, 0))], 0.7)
    'y'
    >>> best_match((1, 2, 3, 4), [("x", (1, 2, 0, 0))], 0.7) is None
    True
    """
    scored = [(similarity(sig, other), article_id) for article_id, other in candidates]
    score, article_id = max(scored, default=(0.0, None))
    return article_id if score >= threshold else None

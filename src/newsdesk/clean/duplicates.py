"""Near-duplicates: republished copies of an article under another template.

Each body is reduced to a MinHash of its word 5-shingles; locality-sensitive
hashing finds candidate pairs, and a pair whose estimated Jaccard similarity
reaches the threshold links the later article to the earlier one.

A signature depends on its article alone, so it is made once and saved
(:func:`signature`); finding the copies of a grown store then reads the saved
signatures instead of hashing every body again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from newsdesk.model import Article

_WORD = re.compile(r"\w+")
_SEED = 7
_SCHEME = "affine32"  # datasketch's hashing scheme; saved signatures are only comparable within one
_DTYPE = "<u4"


def _minhash(text: str, shingle: int, permutations: int) -> MinHash:
    words = _WORD.findall(text.lower())
    signature = MinHash(num_perm=permutations, seed=_SEED, scheme=_SCHEME)
    grams = {" ".join(words[i : i + shingle]) for i in range(max(1, len(words) - shingle + 1))}
    signature.update_batch([g.encode("utf-8") for g in grams])
    return signature


def signature(text: str, *, shingle: int = 5, permutations: int = 128) -> bytes:
    """Return the MinHash signature of a body as bytes (little-endian uint32), to be saved with its article.

    Args:
        text: The article's cleaned body.
        shingle: Shingle length in words (as given to :func:`find_duplicates`).
        permutations: MinHash permutations (as given to :func:`find_duplicates`).
    """
    return np.asarray(_minhash(text, shingle, permutations).hashvalues, dtype=_DTYPE).tobytes()


def find_duplicates(
    articles: Sequence[Article], *, threshold: float = 0.6, shingle: int = 5, permutations: int = 128
) -> dict[str, str]:
    """Map each near-duplicate's id to the id of its original.

    The original is the earliest published (then first seen) article of a
    group of copies; exact copies with the same id are not duplicates here.

    Args:
        articles: Articles in arrival order.
        threshold: Minimum estimated Jaccard similarity of 5-word shingles.
        shingle: Shingle length in words.
        permutations: MinHash permutations (accuracy vs. speed).

    Returns:
        ``{duplicate id: original id}``.
    """
    entries = [(a.id, a.published, _minhash(a.text, shingle, permutations)) for a in articles]
    return _link(entries, threshold, permutations)


def link_signatures(
    entries: Sequence[tuple[str, str | None, bytes]], *, threshold: float = 0.6, permutations: int = 128
) -> dict[str, str]:
    """:func:`find_duplicates` over saved signatures: no body is read or hashed again.

    Args:
        entries: ``(article id, published, signature)`` in arrival order, the
            signature from :func:`signature` with the same ``permutations``.
        threshold: Minimum estimated Jaccard similarity.
        permutations: MinHash permutations of the signatures.

    Returns:
        ``{duplicate id: original id}``.

    Raises:
        ValueError: A signature was made with another number of permutations.
    """
    made = []
    for article_id, published, data in entries:
        values = np.frombuffer(data, dtype=_DTYPE)
        if len(values) != permutations:
            raise ValueError(f"the signature of {article_id} has {len(values)} values, not {permutations}")
        made.append((article_id, published, LeanMinHash(seed=_SEED, hashvalues=values, scheme=_SCHEME)))
    return _link(made, threshold, permutations)


def _link(entries: Sequence[tuple[str, str | None, MinHash]], threshold: float, permutations: int) -> dict[str, str]:
    """Link copies in time order (published date, then arrival) to the first article of their group."""
    order = sorted(range(len(entries)), key=lambda i: (entries[i][1] or "9999", i))
    lsh = MinHashLSH(threshold=threshold, num_perm=permutations)
    known: dict[str, MinHash] = {}
    rank: dict[str, int] = {}
    links: dict[str, str] = {}
    for i in order:
        article_id, _, minhash = entries[i]
        if article_id in known:
            continue
        matches = [m for m in lsh.query(minhash) if minhash.jaccard(known[m]) >= threshold]
        if matches:
            original = min(matches, key=rank.__getitem__)
            links[article_id] = links.get(original, original)
        known[article_id] = minhash
        rank[article_id] = len(rank)
        lsh.insert(article_id, minhash)
    return links

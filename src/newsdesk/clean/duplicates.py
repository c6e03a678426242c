"""Near-duplicates: republished copies of an article under another template.

Each body is reduced to a MinHash of its word 5-shingles; locality-sensitive
hashing finds candidate pairs, and a pair whose estimated Jaccard similarity
reaches the threshold links the later article to the earlier one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from datasketch import MinHash, MinHashLSH

from newsdesk.model import Article

_WORD = re.compile(r"\w+")


def _minhash(text: str, shingle: int, permutations: int) -> MinHash:
    words = _WORD.findall(text.lower())
    signature = MinHash(num_perm=permutations, seed=7)
    grams = {" ".join(words[i : i + shingle]) for i in range(max(1, len(words) - shingle + 1))}
    signature.update_batch([g.encode("utf-8") for g in grams])
    return signature


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
    order = sorted(range(len(articles)), key=lambda i: (articles[i].published or "9999", i))
    lsh = MinHashLSH(threshold=threshold, num_perm=permutations)
    signatures: dict[str, MinHash] = {}
    rank: dict[str, int] = {}
    links: dict[str, str] = {}
    for i in order:
        article = articles[i]
        if article.id in signatures:
            continue
        signature = _minhash(article.text, shingle, permutations)
        matches = [m for m in lsh.query(signature) if signature.jaccard(signatures[m]) >= threshold]
        if matches:
            original = min(matches, key=rank.__getitem__)
            links[article.id] = links.get(original, original)
        signatures[article.id] = signature
        rank[article.id] = len(rank)
        lsh.insert(article.id, signature)
    return links

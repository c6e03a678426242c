"""The words of an article as story grouping counts them: computed once per article and saved.

Step 2 of grouping (:mod:`.grouping`) weighs each article's words by TF-IDF,
and the IDF is counted over the articles grouped together, so the weights
change with the batch while an article's own word counts never do. This
module splits the two:

1. :func:`article_terms` counts an article's content words (lower-cased, the
   stop words of its language removed, plurals folded), once over the title
   twice and the body (``words``) and once over the title and the first
   ``lead_words`` body words (``lead``). These counts are a function of the
   article and of :func:`terms_key` alone, so the incremental analysis saves
   them with the article (:meth:`~newsdesk.storage.Store.save_terms`) and an
   update reads them instead of tokenising every article near the new ones.
2. :func:`count_matrix` turns the counts of a batch into the folded count
   matrix the TF-IDF is computed from. Grouping always goes through it, from
   saved counts or from counts made now, so both give the same vectors, bit
   for bit.
"""

from __future__ import annotations

import importlib
import re
from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from newsdesk.model import Article, ArticleTerms

TERMS_FORMAT = 1
"""Version of the counting below: saved counts of another version (or other settings) are counted again."""

_TOKEN = re.compile(r"(?u)\b\w\w+\b")


def fold_word(word: str) -> str:
    """Fold a plural ending of a lower-cased word ("cities" -> "city", "strikes" -> "strike")."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def stop_words(language: str | None) -> frozenset[str]:
    """Stop words of a language: scikit-learn's list for English, spaCy's lists for others."""
    if language in (None, "en"):
        return frozenset(ENGLISH_STOP_WORDS)
    try:
        module = importlib.import_module(f"spacy.lang.{language}.stop_words")
    except ImportError:
        return frozenset()
    return frozenset(module.STOP_WORDS)


def content_text(text: str, language: str | None, cache: dict[str | None, frozenset[str]]) -> str:
    """Lower-cased words of ``text`` without the stop words of its own language.

    Without this, German articles about unrelated events look alike through
    "der", "die", "und" (and French through "le", "la", "de").
    """
    if language not in cache:
        cache[language] = stop_words(language)
    stops = cache[language]
    return " ".join(w for w in _TOKEN.findall(text.lower()) if w not in stops)


def lead_text(article: Article, words: int) -> str:
    """The title and the first ``words`` words of the body: where a report states its news."""
    return f"{article.title}\n{' '.join(article.text.split()[:words])}"


def terms_key(lead_words: int) -> str:
    """What saved counts were made with (:data:`TERMS_FORMAT` and the lead length); others are counted again."""
    return f"terms-{TERMS_FORMAT}:lead-{lead_words}"


def fold_counts(words: Sequence[str], folded: dict[str, str]) -> dict[str, int]:
    """Counts of the folded ``words`` (``folded`` caches :func:`fold_word` across calls)."""
    counts: dict[str, int] = {}
    for word, n in Counter(words).items():
        term = folded.get(word)
        if term is None:
            term = folded[word] = fold_word(word)
        counts[term] = counts.get(term, 0) + n
    return counts


def article_terms(
    article: Article,
    lead_words: int,
    cache: dict[str | None, frozenset[str]] | None = None,
    folded: dict[str, str] | None = None,
) -> ArticleTerms:
    """Count an article's content words, whole and in its lead.

    Args:
        article: The article (its ``language`` picks the stop words).
        lead_words: Body words in the lead.
        cache: Stop words by language, shared across calls.
        folded: :func:`fold_word` results, shared across calls.
    """
    cache = {} if cache is None else cache
    folded = {} if folded is None else folded
    whole = content_text(f"{article.title}\n{article.title}\n{article.text}", article.language, cache)
    lead = content_text(lead_text(article, lead_words), article.language, cache)
    return ArticleTerms(words=fold_counts(whole.split(), folded), lead=fold_counts(lead.split(), folded))


def count_matrix(rows: Sequence[Mapping[str, int]]) -> tuple[sp.csr_matrix, np.ndarray]:
    """The count matrix of a batch: one row per article, one column per term (sorted), float32.

    Args:
        rows: Term counts per article.

    Returns:
        ``(counts, terms)``: a CSR matrix with sorted indices, and the terms of its columns.

    Raises:
        ValueError: No article has a single term.
    """
    vocabulary = sorted({term for row in rows for term in row})
    if not vocabulary:
        raise ValueError("empty vocabulary; the texts hold no content words")
    column = {term: i for i, term in enumerate(vocabulary)}
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    indices: list[int] = []
    data: list[int] = []
    for r, row in enumerate(rows):
        indices.extend(column[term] for term in row)
        data.extend(row.values())
        indptr[r + 1] = len(indices)
    matrix = sp.csr_matrix(
        (np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int64), indptr),
        shape=(len(rows), len(vocabulary)),
    )
    matrix.sort_indices()
    return matrix, np.asarray(vocabulary)

"""Reference document frequencies: how common a word is in news, shipped with the package.

Story grouping weighs words by their inverse document frequency (IDF). Counted
over the batch being grouped alone, the IDF says little for a small batch:
over two articles, a word only one of them uses gets the highest weight and a
word both use the lowest, so two reports of one event look less alike the
fewer articles come with them. A reference table fixes that: it gives, for
each word, in how many of ``documents`` news articles it appears, and grouping
blends it with the batch's own counts (:func:`blended_idf`)::

    s   = reference_documents / documents          # the table counts as this many articles
    N   = n + s * documents                        # n: articles in the batch
    df  = batch_df + s * reference_df              # 0 for a word not in the table
    idf = ln((1 + N) / (1 + df)) + 1               # scikit-learn's smoothed IDF

With ``reference_documents`` 0 this is the batch's IDF; a batch of two
articles gets the reference's idea of rare and common words, while a batch
of tens of thousands is barely moved by it.

The shipped table (``models/reference_df.json.gz``) is counted by
``scripts/build_reference_df.py`` over the FNC-1 training bodies only
(``training_ids.txt``; the data set is Apache-2.0, so counts derived from it
may ship), over the same words grouping uses (:func:`~newsdesk.stories.grouping.content_text`
of the body, plurals folded), once for whole articles (``words``) and once for
their leads (``lead``: the first ``lead_words`` words). Only words in at least
``min_df`` articles are kept, which keeps the file small and no single
article's rare words in it. The counts are checked against their recorded
sha256 at load. No pickles: gzip-compressed JSON.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from newsdesk.errors import NewsdeskError
from newsdesk.model import Article

REFERENCE_PATH = Path(__file__).parent / "models" / "reference_df.json.gz"
FORMAT = 1


class ReferenceError(NewsdeskError):
    """The reference document-frequency table is missing, damaged, or in a format this version cannot read."""


def _digest(data: Mapping[str, Any]) -> str:
    counted = [data["format"], data["documents"], data["lead_words"], data["min_df"], data["words"], data["lead"]]
    return hashlib.sha256(json.dumps(counted, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


@dataclass(slots=True, kw_only=True, frozen=True)
class ReferenceFrequencies:
    """Document frequencies of folded content words over a reference set of articles."""

    documents: int
    """How many articles were counted."""
    words: Mapping[str, int]
    """Word -> number of articles whose title and body use it (words in at least ``min_df`` articles)."""
    lead: Mapping[str, int]
    """Word -> number of articles whose title and first ``lead_words`` body words use it."""
    lead_words: int = 60
    """Body words counted in a lead."""
    min_df: int = 2
    """Words in fewer articles were left out."""
    facts: Mapping[str, Any] = field(default_factory=dict)
    """Where the counts come from (data, licence, split, script)."""

    def table(self, part: str) -> Mapping[str, int]:
        """The ``"words"`` or ``"lead"`` table."""
        if part == "words":
            return self.words
        if part == "lead":
            return self.lead
        raise ReferenceError(f"unknown reference table {part!r}: use 'words' or 'lead'")

    @classmethod
    def count(
        cls,
        articles: Sequence[Article],
        *,
        lead_words: int = 60,
        min_df: int = 2,
        facts: Mapping[str, Any] | None = None,
    ) -> ReferenceFrequencies:
        """Count document frequencies over ``articles``, on the words grouping uses.

        Args:
            articles: The reference articles (e.g. FNC-1 training bodies).
            lead_words: Body words in a lead.
            min_df: Keep only words in at least this many articles.
            facts: Provenance to record with the counts.
        """
        from newsdesk.stories.grouping import content_text, fold_word, lead_text

        cache: dict[str | None, frozenset[str]] = {}

        def terms(text: str, language: str | None) -> set[str]:
            return {fold_word(w) for w in content_text(text, language, cache).split()}

        words: Counter[str] = Counter()
        lead: Counter[str] = Counter()
        for a in articles:
            words.update(terms(f"{a.title}\n{a.text}", a.language))
            lead.update(terms(lead_text(a, lead_words), a.language))
        return cls(
            documents=len(articles),
            words=_kept(words, min_df),
            lead=_kept(lead, min_df),
            lead_words=lead_words,
            min_df=min_df,
            facts=dict(facts or {}),
        )

    def save(self, path: Path | str) -> None:
        """Write the table as gzip-compressed JSON with the sha256 of its counts (byte-identical on every run)."""
        data: dict[str, Any] = {
            "format": FORMAT,
            "documents": self.documents,
            "lead_words": self.lead_words,
            "min_df": self.min_df,
            "words": dict(sorted(self.words.items())),
            "lead": dict(sorted(self.lead.items())),
        }
        data["sha256"] = _digest(data)
        data["facts"] = dict(self.facts)
        raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        Path(path).write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))

    @classmethod
    def load(cls, path: Path | str = REFERENCE_PATH) -> ReferenceFrequencies:
        """Read a table written by :meth:`save`.

        Raises:
            ReferenceError: The file is missing, unreadable, of another format, or its counts do not
                match their recorded sha256.
        """
        try:
            data = json.loads(gzip.decompress(Path(path).read_bytes()).decode("utf-8"))
            recorded = data["sha256"]
            digest = _digest(data)
        except (OSError, EOFError, ValueError, KeyError, TypeError) as exc:
            raise ReferenceError(
                f"reference frequencies {path} cannot be read ({exc}): reinstall newsdesk or run "
                "scripts/build_reference_df.py"
            ) from exc
        if data["format"] != FORMAT:
            raise ReferenceError(f"{path}: format {data['format']}, this version reads {FORMAT}; rebuild it")
        if digest != recorded:
            raise ReferenceError(f"{path}: counts do not match their recorded sha256; rebuild or reinstall")
        return cls(
            documents=int(data["documents"]),
            words={str(k): int(v) for k, v in data["words"].items()},
            lead={str(k): int(v) for k, v in data["lead"].items()},
            lead_words=int(data["lead_words"]),
            min_df=int(data["min_df"]),
            facts=data.get("facts", {}),
        )


def _kept(counts: Counter[str], min_df: int) -> dict[str, int]:
    return {w: n for w, n in sorted(counts.items()) if n >= min_df}


@lru_cache(maxsize=4)
def _load_cached(path: str) -> ReferenceFrequencies:
    return ReferenceFrequencies.load(path)


def shipped_reference() -> ReferenceFrequencies:
    """The reference table that ships in the package (read once per process)."""
    return _load_cached(str(REFERENCE_PATH))


def blended_idf(
    terms: Iterable[str],
    batch_df: np.ndarray,
    batch_documents: int,
    reference: Mapping[str, int] | None = None,
    reference_total: int = 0,
    reference_documents: float = 0.0,
) -> np.ndarray:
    """The inverse document frequency of ``terms`` from the batch's counts blended with a reference table.

    Args:
        terms: The batch's vocabulary, in column order.
        batch_df: In how many of the batch's articles each term appears.
        batch_documents: Articles in the batch.
        reference: Term -> document frequency in the reference (terms missing count 0).
        reference_total: Articles counted in the reference.
        reference_documents: How many articles the reference counts as (0: the batch alone).

    Returns:
        float64 IDF per term: ``ln((1 + N) / (1 + df)) + 1`` with the blended ``N`` and ``df``
        of the module docstring.
    """
    df = np.asarray(batch_df, dtype=np.float64)
    total = float(batch_documents)
    if reference is not None and reference_total > 0 and reference_documents > 0:
        scale = reference_documents / reference_total
        looked_up = np.fromiter((reference.get(t, 0) for t in terms), dtype=np.float64, count=len(df))
        df = df + scale * looked_up
        total += reference_documents
    return np.log((1.0 + total) / (1.0 + df)) + 1.0

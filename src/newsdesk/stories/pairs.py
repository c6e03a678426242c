"""The story pair model: how likely two articles are to tell the same story.

A logistic regression over cosine similarities of several views of an
article, learned on the training ids of FNC-1 by ``scripts/train_stories.py``
and shipped as JSON (``models/story_pairs.json``, its weights checked against
their recorded sha256 at load). The views, each a unit-length TF-IDF row:

- ``words``: the words of title and body (the vectors of
  :func:`~newsdesk.stories.grouping.article_vectors` with plain IDF and no lead, as trained);
- ``lead``: the words of the title and the first ``LEAD_WORDS`` words of the body;
- ``names``: capitalised words that do not open a sentence: names of people,
  places and organisations, found without a tagger;
- ``numbers``: the numbers written in the text (tolls, dates, amounts);
- ``bigrams``: pairs of adjacent content words.

Every weight is kept at zero or above, so the log-odds of a pair is
``intercept + z_i . z_j`` where ``z_i`` joins the views of article ``i``,
each scaled by the square root of its weight (:func:`pair_vectors`). The
mean log-odds over every pair of two stories is then exact from their summed
``z`` vectors, which is how grouping runs average linkage on the model's
own scale (:mod:`newsdesk.stories.grouping`).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from newsdesk.errors import NewsdeskError
from newsdesk.model import Article

MODEL_PATH = Path(__file__).parent / "models" / "story_pairs.json"
VIEWS = ("words", "lead", "names", "numbers", "bigrams")
"""The views a model may weigh, in the order of its features."""
LEAD_WORDS = 60
"""Words of the body in the ``lead`` view."""

# A capitalised word (Latin, Greek or Cyrillic capital first) that does not open a sentence or a paragraph.
_NAME = re.compile(
    r"(?<![.!?:]\s)(?<![.!?:][\"”’]\s)(?<!^)\b[A-ZÀ-ÖØ-ÞĀ-ſΑ-ΩА-Я][\w'’-]*\w",
    re.MULTILINE,
)
_NUMBER = re.compile(r"\b\d+(?:[.,]\d+)*\b")


class PairModelError(NewsdeskError):
    """The story pair model is missing, damaged, or was trained on views this version does not compute."""


def _digest(data: Mapping[str, Any]) -> str:
    fitted = [data["features"], data["weights"], data["intercept"], data["merge_logit"], data["join_logit"]]
    return hashlib.sha256(json.dumps(fitted).encode()).hexdigest()


@dataclass(slots=True, kw_only=True, frozen=True)
class PairModel:
    """Weights of the pair model and the two log-odds thresholds grouping uses."""

    features: tuple[str, ...]
    """The views weighed, in the order of ``weights`` (a subset of :data:`VIEWS`)."""
    weights: tuple[float, ...]
    """One weight (zero or above) per view cosine."""
    intercept: float
    merge_logit: float
    """Two stories merge while the mean log-odds over their article pairs reaches this."""
    join_logit: float
    """An article joins its best earlier neighbour's story at once when their log-odds reach this."""
    facts: Mapping[str, Any] = field(default_factory=dict)
    """How it was trained (data, pairs, cross-validated scores)."""

    def __post_init__(self) -> None:
        unknown = set(self.features) - set(VIEWS)
        if unknown or len(self.features) != len(self.weights):
            raise PairModelError(
                f"story pair model: features {list(self.features)} with {len(self.weights)} weights; "
                f"this version computes {list(VIEWS)}: retrain with scripts/train_stories.py"
            )
        if min(self.weights, default=0.0) < 0:
            raise PairModelError("story pair model: a negative weight; retrain with scripts/train_stories.py")

    @classmethod
    def load(cls, path: Path | str = MODEL_PATH) -> PairModel:
        """Read a model written by :meth:`save`.

        Raises:
            PairModelError: The file is missing, unreadable, or its weights do not match their recorded sha256.
        """
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            recorded = data["sha256"]
            digest = _digest(data)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise PairModelError(
                f"story pair model {path} cannot be read ({exc}): reinstall newsdesk or run scripts/train_stories.py"
            ) from exc
        if digest != recorded:
            raise PairModelError(f"{path}: weights do not match their recorded sha256; retrain or reinstall")
        return cls(
            features=tuple(data["features"]),
            weights=tuple(float(w) for w in data["weights"]),
            intercept=float(data["intercept"]),
            merge_logit=float(data["merge_logit"]),
            join_logit=float(data["join_logit"]),
            facts=data.get("facts", {}),
        )

    def save(self, path: Path | str) -> None:
        """Write the model as JSON, with the sha256 of its fitted values."""
        data: dict[str, Any] = {
            "features": list(self.features),
            "weights": [round(float(w), 6) for w in self.weights],
            "intercept": round(float(self.intercept), 6),
            "merge_logit": round(float(self.merge_logit), 4),
            "join_logit": round(float(self.join_logit), 4),
        }
        data["sha256"] = _digest(data)
        data["facts"] = dict(self.facts)
        Path(path).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")

    def logits(self, features: np.ndarray) -> np.ndarray:
        """Log-odds of same story for rows of view cosines (columns in the order of ``features``)."""
        return np.asarray(features, dtype=np.float64) @ np.asarray(self.weights) + self.intercept

    def probability(self, logit: float) -> float:
        """The probability of a log-odds."""
        return 1.0 / (1.0 + math.exp(-logit))


@lru_cache(maxsize=4)
def _load_cached(path: str) -> PairModel:
    return PairModel.load(path)


def shipped_model() -> PairModel:
    """The pair model that ships in the package (read once per process)."""
    return _load_cached(str(MODEL_PATH))


def _identity(terms: list[str]) -> list[str]:
    return terms


def _term_rows(terms: Sequence[list[str]]) -> sp.csr_matrix:
    """Unit TF-IDF rows of lists of terms (zero rows for empty lists)."""
    if not any(terms):
        return sp.csr_matrix((len(terms), 1), dtype=np.float32)
    rows = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, dtype=np.float32).fit_transform(terms)
    return sp.csr_matrix(normalize(rows), dtype=np.float32)


def name_terms(article: Article, stops: frozenset[str]) -> list[str]:
    """Capitalised words of title and body that do not open a sentence, lower-cased, plurals folded."""
    from newsdesk.stories.grouping import fold_word

    found = []
    for part in (article.title, *article.paragraphs):
        for match in _NAME.finditer(part):
            word = match.group().lower()
            if word not in stops:
                found.append(fold_word(word))
    return found


def article_views(articles: Sequence[Article], features: Sequence[str] = VIEWS) -> dict[str, sp.csr_matrix]:
    """The unit-length rows of each view named in ``features``, one row per article.

    Args:
        articles: The articles (their IDF is computed over these).
        features: Views to compute, from :data:`VIEWS`.

    Returns:
        View name -> CSR float32 matrix (zero rows where an article has nothing of that view).
    """
    from newsdesk.stories.grouping import StorySettings, _word_weights, article_vectors, content_text, stop_words

    views: dict[str, sp.csr_matrix] = {}
    wanted = set(features)
    stops: dict[str | None, frozenset[str]] = {}
    if "words" in wanted:
        # The word vectors the model was trained on: plain IDF of the batch alone, no lead mixed in.
        views["words"] = article_vectors(
            articles, (), StorySettings(idf_power=1.0, lead_weight=0.0, reference_documents=0.0)
        )
    if "lead" in wanted:
        leads = [
            content_text(f"{a.title}\n{' '.join(a.text.split()[:LEAD_WORDS])}", a.language, stops) for a in articles
        ]
        try:
            views["lead"] = sp.csr_matrix(normalize(_word_weights(leads, 50_000)), dtype=np.float32)
        except ValueError:  # not a single content word
            views["lead"] = sp.csr_matrix((len(articles), 1), dtype=np.float32)
    if "names" in wanted:
        for a in articles:
            if a.language not in stops:
                stops[a.language] = stop_words(a.language)
        views["names"] = _term_rows([name_terms(a, stops[a.language]) for a in articles])
    if "numbers" in wanted:
        views["numbers"] = _term_rows([_NUMBER.findall(f"{a.title}\n{a.text}") for a in articles])
    if "bigrams" in wanted:
        texts = [content_text(f"{a.title}\n{a.text}", a.language, stops).split() for a in articles]
        views["bigrams"] = _term_rows([[f"{x} {y}" for x, y in itertools.pairwise(t)] for t in texts])
    return views


def pair_vectors(views: Mapping[str, sp.csr_matrix], model: PairModel) -> sp.csr_matrix:
    """Join the views, each scaled by the square root of its weight: ``z_i . z_j = logit - intercept``."""
    parts = [math.sqrt(w) * views[name] for name, w in zip(model.features, model.weights, strict=True) if w > 0]
    return sp.csr_matrix(sp.hstack(parts, format="csr"), dtype=np.float32)


def pair_features(
    views: Mapping[str, sp.csr_matrix], features: Sequence[str], rows: np.ndarray, cols: np.ndarray
) -> np.ndarray:
    """View cosines of the article pairs ``(rows[k], cols[k])``: one row per pair, one column per feature."""
    out = np.zeros((len(rows), len(features)), dtype=np.float64)
    for c, name in enumerate(features):
        view = views[name]
        out[:, c] = np.asarray(view[rows].multiply(view[cols]).sum(axis=1)).ravel()
    return out

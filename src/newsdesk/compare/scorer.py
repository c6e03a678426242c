"""The contradiction score of a candidate pair: one logistic regression over generic pair features.

The pair model alone separates real news contradictions from the many other
pairs of a story poorly (it was taught by rewrites of single sentences), while
closeness in meaning and a difference in polarity carry much of the signal.
The scorer weighs them together:

- the pair model's P(neutral), P(agree), P(contradict) (both orders averaged);
- the cosine of the two claims' sentence embeddings;
- polarity: exactly one side negated or denied (its text or its cue), or both;
  and the same for a wider polarity, negated or disputing (calling something
  false, a hoax, a rumour: the stance model's refuting words);
- how many canonical entities the two claims share (capped at 3);
- whether both claims are in one article, and how many sides the outlet holds
  itself (a quote's speaker is a source; a sentence of the article is the outlet's).

No word of an event, a name or a topic is a feature. The weights, their
feature names and the decision threshold are fitted by
``scripts/train_pairs.py calibrate`` and shipped as ``models/contradiction.json``.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from newsdesk.compare.pairs import MODEL_DIR, ModelError

FEATURES: tuple[str, ...] = (
    "p_neutral",
    "p_agree",
    "p_contradict",
    "cosine",
    "one_side_negated",
    "both_negated",
    "one_side_disputing",
    "both_disputing",
    "shared_entities",
    "same_article",
    "outlet_sides",
)
SCORER_PATH = MODEL_DIR / "contradiction.json"


@dataclass(slots=True, frozen=True, kw_only=True)
class PairSignals:
    """What is known of a candidate pair before it is scored."""

    probabilities: tuple[float, float, float]
    cosine: float
    negated: tuple[bool, bool]
    disputing: tuple[bool, bool] = (False, False)
    """Negated, or using a refuting word ("hoax", "false", "rumour")."""
    shared_entities: int
    same_article: bool
    outlet_sides: int


def pair_features(signals: PairSignals) -> list[float]:
    """The feature vector of a pair, in :data:`FEATURES` order."""
    p_neutral, p_agree, p_contradict = signals.probabilities
    return [
        p_neutral,
        p_agree,
        p_contradict,
        signals.cosine,
        float(signals.negated[0] != signals.negated[1]),
        float(signals.negated[0] and signals.negated[1]),
        float(signals.disputing[0] != signals.disputing[1]),
        float(signals.disputing[0] and signals.disputing[1]),
        float(min(signals.shared_entities, 3)),
        float(signals.same_article),
        float(signals.outlet_sides),
    ]


class ContradictionScorer:
    """P(contradiction) of a pair from its features: ``sigmoid(w . x + b)``, with the fitted threshold."""

    def __init__(self, weights: Sequence[float], bias: float, threshold: float) -> None:
        if len(weights) != len(FEATURES):
            raise ModelError(f"the contradiction scorer has {len(weights)} weights for {len(FEATURES)} features")
        self.weights = np.asarray(weights, dtype=np.float64)
        self.bias = float(bias)
        self.threshold = float(threshold)

    @classmethod
    def load(cls, path: Path = SCORER_PATH) -> ContradictionScorer:
        """The shipped scorer; its features must be those of this version.

        Raises:
            ModelError: the file is missing or was fitted on other features.
        """
        if not path.exists():
            raise ModelError(f"contradiction scorer {path} is missing: fit it with scripts/train_pairs.py calibrate")
        data = json.loads(path.read_text(encoding="utf-8"))
        if tuple(data["features"]) != FEATURES:
            raise ModelError(f"{path} was fitted on features {data['features']}, this version reads {FEATURES}")
        digest = hashlib.sha256(json.dumps([data["weights"], data["bias"]]).encode()).hexdigest()
        if digest != data["sha256"]:
            raise ModelError(f"{path}: weights do not match their recorded sha256; refit or reinstall")
        return cls(data["weights"], data["bias"], data["threshold"])

    def save(self, path: Path, **facts: object) -> None:
        """Write the weights, the threshold and ``facts`` (how it was fitted) as JSON."""
        weights = [round(float(w), 6) for w in self.weights]
        bias = round(self.bias, 6)
        data = {
            "features": list(FEATURES),
            "weights": weights,
            "bias": bias,
            "threshold": round(self.threshold, 4),
            "sha256": hashlib.sha256(json.dumps([weights, bias]).encode()).hexdigest(),
            **facts,
        }
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")

    def score(self, features: Sequence[float]) -> float:
        """P(contradiction) of one feature vector."""
        z = float(np.dot(self.weights, np.asarray(features, dtype=np.float64))) + self.bias
        return 1.0 / (1.0 + math.exp(-z))


@lru_cache(maxsize=1)
def load_scorer() -> ContradictionScorer:
    """The shipped scorer, loaded once per process."""
    return ContradictionScorer.load()

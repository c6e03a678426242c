"""The line classifier for extracted HTML: how likely a line the extractor kept is boilerplate.

The text cleaner's rules (:func:`newsdesk.clean.text.label_units`) give every line a verdict from its form,
its position and its fit with the article. On a web page the extractor has already chosen the main content,
and those rules, tuned on template text inserted into articles, remove too much real body (captions that are
sentences, one-line paragraphs, subheadings). Recall comes first on HTML: a line the extractor kept is
removed only on strong evidence. This classifier weighs the rules' verdict together with what the page's
markup says (:mod:`newsdesk.clean.structure`) and gives a probability. The cleaner removes a line the rules
flag only when that probability reaches the model's threshold (both must agree), and a template line repeated
across the outlet's pages whatever the score; a line the rules leave alone stays.

The model is a logistic regression over :data:`FEATURES`, fitted by :func:`fit_line_model` (``scikit-learn``)
on lines labelled against reference texts (``scripts/train_clean_lines.py``) and shipped as JSON
(``clean/models/lines.json``): scoring needs no scikit-learn.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from newsdesk.clean import patterns as p
from newsdesk.clean.structure import CLASS_GROUPS, CONTAINERS, BlockStructure

# The rules' reasons in groups: what the line's own wording shows, and what its place in the article shows.
_FORM_GROUPS: dict[str, frozenset[str]] = {
    "rule_frame": frozenset({p.TEMPLATE_MARKER, p.ADVERTISEMENT, p.SHARE, p.COMMENT_FORM, p.NOTICE, p.COPYRIGHT}),
    "rule_meta": frozenset({p.BYLINE, p.DATE_LINE, p.AUTHOR_BIO, p.TAGS, p.PHOTO_CREDIT, p.PUBLISHER_NOTE_REASON}),
    "rule_links": frozenset({p.NAVIGATION, p.RELATED}),
}

FEATURES: tuple[str, ...] = (
    *_FORM_GROUPS,
    "rule_form_other",
    "rule_context",
    "rule_context_offtopic",
    "log_words",
    "short",
    "sentence",
    "link_density",
    "all_links",
    "heading",
    *(f"in_{c}" for c in CONTAINERS),
    *(f"class_{g}" for g in CLASS_GROUPS),
    "page_start",
    "page_end",
    "text_first",
    "text_last",
)


_RULE_FEATURES = tuple(i for i, name in enumerate(FEATURES) if name.startswith("rule_"))


@dataclass(slots=True, frozen=True, kw_only=True)
class LineModel:
    """Weights of the line classifier and the probability at which a line is removed."""

    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float

    def probability(self, values: Sequence[float]) -> float:
        """P(boilerplate) of one line from its feature values (in :attr:`features` order)."""
        z = self.bias + sum(w * v for w, v in zip(self.weights, values, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> dict[str, Any]:
        """The model as JSON data, with the sha256 of its numbers (checked at load)."""
        data: dict[str, Any] = {
            "features": list(self.features),
            "weights": [round(w, 5) for w in self.weights],
            "bias": round(self.bias, 5),
            "threshold": self.threshold,
        }
        data["sha256"] = _digest(data)
        return data


def _digest(data: dict[str, Any]) -> str:
    numbers = [data["features"], data["weights"], data["bias"], data["threshold"]]
    return hashlib.sha256(json.dumps(numbers).encode()).hexdigest()


@cache
def default_line_model() -> LineModel:
    """The packaged model (``clean/models/lines.json``)."""
    data = json.loads(resources.files("newsdesk.clean").joinpath("models/lines.json").read_text(encoding="utf-8"))
    if data.get("sha256") != _digest(data):
        raise ValueError("clean/models/lines.json does not match its recorded sha256: retrain or reinstall")
    model = LineModel(
        features=tuple(data["features"]),
        weights=tuple(float(w) for w in data["weights"]),
        bias=float(data["bias"]),
        threshold=float(data["threshold"]),
    )
    if model.features != FEATURES:
        raise ValueError("clean/models/lines.json was fitted on other features: run scripts/train_clean_lines.py")
    return model


def line_features(
    *,
    words: int,
    sentence: bool,
    form_reason: str | None,
    reason: str | None,
    block: BlockStructure | None,
    index: int,
    count: int,
) -> list[float]:
    """The feature values of one extracted line, in :data:`FEATURES` order.

    Args:
        words: Number of words of the line.
        sentence: Whether it ends like a sentence.
        form_reason: The reason its wording alone gives (surface patterns), or None.
        reason: The reason the text rules give it in context (form, position, topic, repetition), or None.
        block: What the page's markup says about it, or None when it was not found in the page.
        index: Its position among the extracted lines (0-based).
        count: The number of extracted lines.
    """
    values: dict[str, float] = dict.fromkeys(FEATURES, 0.0)
    if form_reason is not None:
        group = next((g for g, reasons in _FORM_GROUPS.items() if form_reason in reasons), "rule_form_other")
        values[group] = 1.0
    elif reason is not None:
        values["rule_context_offtopic" if reason == p.OFF_TOPIC else "rule_context"] = 1.0
    values["log_words"] = math.log1p(words)
    values["short"] = float(words < 8)
    values["sentence"] = float(sentence)
    values["text_first"] = float(index == 0)
    values["text_last"] = float(index == count - 1)
    if block is not None:
        values["link_density"] = block.link_density
        values["all_links"] = float(block.link_density >= 0.9)
        values["heading"] = float(block.heading)
        for container in block.containers:
            values[f"in_{container}"] = 1.0
        for group in block.classes:
            values[f"class_{group}"] = 1.0
        values["page_start"] = float(block.position < 0.1)
        values["page_end"] = float(block.position > 0.9)
    return [values[name] for name in FEATURES]


def has_rule_reason(values: Sequence[float]) -> bool:
    """Whether the text rules flagged the line whose feature values these are."""
    return any(values[i] for i in _RULE_FEATURES)


def fit_line_model(
    rows: Sequence[Sequence[float]],
    labels: Sequence[int],
    *,
    weights: Sequence[float] | None = None,
    threshold: float = 0.5,
    regularisation: float = 1.0,
) -> LineModel:
    """Fit the classifier (boilerplate = 1) with scikit-learn's logistic regression.

    Args:
        rows: Feature values per line (:func:`line_features`).
        labels: 1 for a line not in the reference text, 0 for body.
        weights: Per-line sample weights (e.g. by length, so long body lines count more).
        threshold: The probability at which the cleaner removes a line.
        regularisation: Inverse strength ``C`` of the L2 penalty.
    """
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=regularisation, max_iter=2000)
    model.fit(rows, labels, sample_weight=weights)
    return LineModel(
        features=FEATURES,
        weights=tuple(float(w) for w in model.coef_[0]),
        bias=float(model.intercept_[0]),
        threshold=threshold,
    )

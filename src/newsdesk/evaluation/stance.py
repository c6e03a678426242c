"""`newsdesk eval stance`: headline/body stance scored as in the Fake News Challenge (FNC-1).

Metrics:

* FNC relative score, as the official scorer computes it: each pair earns 0.25
  when related-vs-unrelated is right, and 0.75 more when a related pair gets
  its exact label (agree / disagree / discuss); the sum is divided by the score
  of a perfect prediction.
* Macro-F1 over the four classes, per-class precision / recall / F1, accuracy
  and the confusion matrix (rows gold, columns predicted, in :data:`LABELS` order).

The FNC-1 folder holds ``train_stances.csv``, ``train_bodies.csv`` and the
official dev split of the bodies (``training_ids.txt``, ``hold_out_ids.txt``).
Emergent (``url-versions-*.csv``: claim, article headline, for / against /
observing) can be scored too, with the claim as headline and the article
headline as body; it measures transfer, not in-domain skill.
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from newsdesk.errors import NewsdeskError

LABELS: tuple[str, ...] = ("agree", "disagree", "discuss", "unrelated")
RELATED: frozenset[str] = frozenset({"agree", "disagree", "discuss"})
SPLITS: tuple[str, ...] = ("holdout", "train", "all")
EMERGENT_LABELS: dict[str, str] = {"for": "agree", "against": "disagree", "observing": "discuss"}


@dataclass(frozen=True, slots=True, kw_only=True)
class StancePairs:
    """Labelled (headline, body) pairs of one split."""

    headlines: list[str]
    bodies: list[str]
    labels: list[str]
    body_ids: list[str]


def load_fnc(data_dir: str | Path, split: str = "holdout") -> StancePairs:
    """The FNC-1 pairs whose body belongs to ``split``.

    Args:
        data_dir: Folder with ``train_stances.csv``, ``train_bodies.csv``,
            ``training_ids.txt`` and ``hold_out_ids.txt``.
        split: ``"train"`` (bodies in training_ids.txt), ``"holdout"``
            (hold_out_ids.txt) or ``"all"``.

    Raises:
        NewsdeskError: an unknown split or a missing file.
    """
    if split not in SPLITS:
        raise NewsdeskError(f"unknown FNC-1 split {split!r}; choose one of {', '.join(SPLITS)}")
    root = Path(data_dir)
    needed = ["train_stances.csv", "train_bodies.csv"]
    if split != "all":
        needed.append("training_ids.txt" if split == "train" else "hold_out_ids.txt")
    for name in needed:
        if not (root / name).exists():
            raise NewsdeskError(f"{root / name} not found: pass the FNC-1 folder (the fnc-1 repository's files)")
    with (root / "train_bodies.csv").open(encoding="utf-8", newline="") as fh:
        bodies = {row["Body ID"]: row["articleBody"] for row in csv.DictReader(fh)}
    keep: set[str] | None = None
    if split != "all":
        ids_file = "training_ids.txt" if split == "train" else "hold_out_ids.txt"
        keep = set((root / ids_file).read_text(encoding="utf-8").split())
    headlines, texts, labels, ids = [], [], [], []
    with (root / "train_stances.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            body_id = row["Body ID"]
            if keep is not None and body_id not in keep:
                continue
            headlines.append(row["Headline"])
            texts.append(bodies[body_id])
            labels.append(row["Stance"].strip().lower())
            ids.append(body_id)
    return StancePairs(headlines=headlines, bodies=texts, labels=labels, body_ids=ids)


def load_story_groups(data_dir: str | Path) -> dict[str, str] | None:
    """Body ID -> gold story id from ``stories_train.json`` (None when the file is absent)."""
    path = Path(data_dir) / "stories_train.json"
    if not path.exists():
        return None
    stories = json.loads(path.read_text(encoding="utf-8"))["stories"]
    return {str(k): str(v) for k, v in stories.items()}


def fnc_score(gold: Sequence[str], pred: Sequence[str]) -> dict[str, float]:
    """The FNC-1 score of predictions, as the official scorer computes it.

    Returns:
        ``score``, ``max_score`` (score of the gold labels themselves) and
        ``relative_score`` (their ratio; 0.0 for empty input).

    Raises:
        ValueError: when the sequences differ in length.
    """
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold labels but {len(pred)} predictions")
    score = max_score = 0.0
    for g, p in zip(gold, pred, strict=True):
        g_related = g in RELATED
        max_score += 1.0 if g_related else 0.25
        if g == p:
            score += 0.25
            if g_related:
                score += 0.50
        if g_related and p in RELATED:
            score += 0.25
    return {
        "score": score,
        "max_score": max_score,
        "relative_score": score / max_score if max_score else 0.0,
    }


def confusion_matrix(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] = LABELS) -> list[list[int]]:
    """Counts with gold labels as rows and predictions as columns, in ``labels`` order."""
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, pred, strict=True):
        if g in index and p in index:
            matrix[index[g]][index[p]] += 1
    return matrix


def per_class_scores(
    gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] = LABELS
) -> dict[str, dict[str, float]]:
    """Precision, recall, F1 and support of each label (0.0 where undefined)."""
    out: dict[str, dict[str, float]] = {}
    for label in labels:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == label and p == label)
        n_pred = sum(1 for p in pred if p == label)
        n_gold = sum(1 for g in gold if g == label)
        precision = tp / n_pred if n_pred else 0.0
        recall = tp / n_gold if n_gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[label] = {"precision": precision, "recall": recall, "f1": f1, "support": float(n_gold)}
    return out


def macro_f1(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] = LABELS) -> float:
    """Unweighted mean of the per-label F1 over ``labels``."""
    scores = per_class_scores(gold, pred, labels)
    return sum(s["f1"] for s in scores.values()) / len(labels) if labels else 0.0


def score_stance(gold: Sequence[str], pred: Sequence[str]) -> dict[str, Any]:
    """Every stance metric of predictions against gold labels."""
    fnc = fnc_score(gold, pred)
    per_class = per_class_scores(gold, pred)
    return {
        "n_pairs": len(gold),
        "relative_score": fnc["relative_score"],
        "score": fnc["score"],
        "max_score": fnc["max_score"],
        "macro_f1": sum(s["f1"] for s in per_class.values()) / len(LABELS),
        "accuracy": sum(1 for g, p in zip(gold, pred, strict=True) if g == p) / len(gold) if gold else 0.0,
        "related_accuracy": (
            sum(1 for g, p in zip(gold, pred, strict=True) if (g in RELATED) == (p in RELATED)) / len(gold)
            if gold
            else 0.0
        ),
        "per_class": per_class,
        "labels": list(LABELS),
        "confusion": confusion_matrix(gold, pred),
    }


def _load_model(model_path: str | Path | None) -> Any:
    from newsdesk.compare.stance import StanceModel

    try:
        return StanceModel.load(model_path)
    except (FileNotFoundError, ValueError) as exc:
        raise NewsdeskError(str(exc)) from exc


def evaluate_stance(
    data_dir: str | Path, *, split: str = "holdout", model_path: str | Path | None = None
) -> dict[str, Any]:
    """Predict the stance of every pair of an FNC-1 split with the packaged (or given) model and score it.

    Args:
        data_dir: The FNC-1 folder (see :func:`load_fnc`).
        split: ``"holdout"`` (the official dev bodies), ``"train"`` or ``"all"``.
        model_path: A model saved by ``StanceModel.save``; the packaged model by default.

    Returns:
        The metrics of :func:`score_stance` plus ``split``, ``seconds`` and ``pairs_per_second``.

    Raises:
        NewsdeskError: missing data or model files.
    """
    pairs = load_fnc(data_dir, split)
    model = _load_model(model_path)
    start = time.perf_counter()
    pred = model.predict(pairs.headlines, pairs.bodies)
    seconds = time.perf_counter() - start
    result = score_stance(pairs.labels, pred)
    result.update(
        benchmark="FNC-1 stance",
        split=split,
        seconds=seconds,
        pairs_per_second=len(pred) / seconds if seconds else 0.0,
    )
    return result


def load_emergent(data_dir: str | Path) -> StancePairs:
    """Emergent claim / article-headline pairs, labels mapped for->agree, against->disagree, observing->discuss.

    Raises:
        NewsdeskError: when no ``url-versions-*.csv`` file is in ``data_dir``.
    """
    files = sorted(Path(data_dir).glob("url-versions-*.csv"))
    if not files:
        raise NewsdeskError(f"no url-versions-*.csv in {data_dir}: pass the Emergent folder")
    headlines, bodies, labels, ids = [], [], [], []
    with files[0].open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            label = EMERGENT_LABELS.get(row["articleHeadlineStance"].strip().lower())
            if label is None:
                continue
            headlines.append(row["claimHeadline"])
            bodies.append(row["articleHeadline"])
            labels.append(label)
            ids.append(row["claimId"])
    return StancePairs(headlines=headlines, bodies=bodies, labels=labels, body_ids=ids)


def evaluate_emergent(data_dir: str | Path, *, model_path: str | Path | None = None) -> dict[str, Any]:
    """Zero-shot claim stance on Emergent: the FNC-1 model's best related label for each claim/headline pair.

    All Emergent pairs are related, so stage one is ignored and the label is the
    most probable of agree / disagree / discuss. Scored with accuracy, macro-F1
    over the three labels and per-class F1 (published in-domain: accuracy 0.733,
    macro-F1 0.72, with a model trained on Emergent itself).
    """
    pairs = load_emergent(data_dir)
    model = _load_model(model_path)
    start = time.perf_counter()
    proba = model.predict_proba(pairs.headlines, pairs.bodies)
    seconds = time.perf_counter() - start
    related = ("agree", "disagree", "discuss")
    pred = [related[int(i)] for i in np.argmax(proba[:, :3], axis=1)]
    per_class = per_class_scores(pairs.labels, pred, related)
    return {
        "benchmark": "Emergent claim stance (transfer)",
        "n_pairs": len(pred),
        "accuracy": sum(1 for g, p in zip(pairs.labels, pred, strict=True) if g == p) / len(pred) if pred else 0.0,
        "macro_f1": sum(s["f1"] for s in per_class.values()) / len(related),
        "per_class": per_class,
        "labels": list(related),
        "confusion": confusion_matrix(pairs.labels, pred, related),
        "seconds": seconds,
        "pairs_per_second": len(pred) / seconds if seconds else 0.0,
    }


def format_stance_report(result: Mapping[str, Any]) -> str:
    """A terminal summary of :func:`evaluate_stance` or :func:`evaluate_emergent`."""
    labels = list(result["labels"])
    head = f"{result.get('benchmark', 'stance')}"
    if "split" in result:
        head += f" ({result['split']} split)"
    lines = [f"{head}: {result['n_pairs']} pairs"]
    if "relative_score" in result:
        lines.append(
            f"FNC relative score {result['relative_score']:.4f} ({result['score']:.2f} / {result['max_score']:.2f})"
        )
    lines.append(f"macro-F1 {result['macro_f1']:.4f}   accuracy {result['accuracy']:.4f}")
    if "related_accuracy" in result:
        lines.append(f"related-vs-unrelated accuracy {result['related_accuracy']:.4f}")
    lines.append(f"{'class':<10} {'precision':>9} {'recall':>7} {'F1':>7} {'support':>8}")
    for label in labels:
        s = result["per_class"][label]
        lines.append(f"{label:<10} {s['precision']:>9.3f} {s['recall']:>7.3f} {s['f1']:>7.3f} {int(s['support']):>8}")
    lines.append("confusion (rows gold, columns predicted):")
    lines.append(" " * 10 + "".join(f"{label[:9]:>10}" for label in labels))
    for label, row in zip(labels, result["confusion"], strict=True):
        lines.append(f"{label:<10}" + "".join(f"{n:>10}" for n in row))
    if result.get("pairs_per_second"):
        lines.append(f"speed {result['pairs_per_second']:.0f} pairs/s ({result['seconds']:.1f} s)")
    return "\n".join(lines)

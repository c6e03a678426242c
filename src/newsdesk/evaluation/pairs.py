"""`newsdesk eval pairs`: the claim-pair model against held-out pairs, a baseline and reference sets.

The pair model (:class:`newsdesk.compare.pairs.PairModel`) reads two claims
together and gives P(neutral), P(agree), P(contradict); the product averages
both orders of a pair, and so does the benchmark (the first order alone is
reported beside it). It was trained on the Emergent headline pairs of the
*train* claims and on ``fever_symmetric_dev.jsonl``; the *dev* claims were
read during development, the test claims never. The benchmark:

1. Emergent test claims (:func:`newsdesk.evaluation.pairdata.emergent_pairs`):
   every pair is *agree* or *contradict*, so the model's label is the larger of
   P(agree) and P(contradict). Accuracy, macro-F1 over the two labels and
   contradiction precision / recall, for the model and for a baseline trained
   in the same run on the train claims (:class:`PairBaseline`: TF-IDF features
   of the two headlines, logistic regression). The macro-F1 difference
   (model - baseline) gets a 95% bootstrap interval over claims, since pairs of
   one claim share headlines and are not independent.
2. The model on the train claims (``seen_in_training``) and dev claims: a wide
   gap between them and the test figures means the model learnt the claims,
   not the relation.
3. Reference sets, measured only (their licences forbid training shipped
   weights on SICK and ANLI, and the FEVER-Symmetric test file is held out):
   SICK test and the three ANLI dev rounds 3-way (entailment = agree), and
   FEVER-Symmetric test 2-way like Emergent. ``limit`` caps the pairs of each.
4. Speed: pairs/s of one ``predict`` call over the Emergent test pairs.

The data folder is the shared one: ``emergent/`` and ``nli/`` (``SICK.txt``,
``anli/*.csv``, ``fever-symmetric/fever_symmetric_test.jsonl``).
"""

from __future__ import annotations

import csv
import logging
import random
import re
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from newsdesk.compare.synthetic import Pair
from newsdesk.errors import NewsdeskError
from newsdesk.evaluation.pairdata import EMERGENT_FILE, Split, emergent_pairs, fever_pairs
from newsdesk.evaluation.stance import confusion_matrix, per_class_scores

logger = logging.getLogger(__name__)

TWO_WAY: tuple[str, ...] = ("agree", "contradict")
THREE_WAY: tuple[str, ...] = ("neutral", "agree", "contradict")
SICK_LABELS: dict[str, str] = {"ENTAILMENT": "agree", "NEUTRAL": "neutral", "CONTRADICTION": "contradict"}
ANLI_LABELS: dict[str, str] = {"e": "agree", "n": "neutral", "c": "contradict"}
SEEN_SPLITS: tuple[Split, ...] = ("dev", "train")


class PairPredictor(Protocol):
    """What the benchmark needs of a pair model (:class:`~newsdesk.compare.pairs.PairModel` and
    :class:`~newsdesk.compare.aligned.AlignedPairModel` have it)."""

    @property
    def labels(self) -> tuple[str, ...]:
        """Names of the probability columns."""
        ...

    def predict(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Probabilities of each label, one row per (a, b) pair."""
        ...


def _texts(pairs: Sequence[Pair]) -> list[tuple[str, str]]:
    return [(p.a, p.b) for p in pairs]


def _column(labels: Sequence[str], name: str) -> int:
    if name not in labels:
        raise NewsdeskError(f"the pair model has no {name!r} label (it has {', '.join(labels)}): retrain it")
    return list(labels).index(name)


def two_way_labels(proba: np.ndarray, labels: Sequence[str]) -> list[str]:
    """The larger of P(agree) and P(contradict) per row, for sets without a neutral class.

    Args:
        proba: Model probabilities, one row per pair, columns in ``labels`` order.
        labels: The model's label names; must include ``agree`` and ``contradict``.

    Returns:
        ``"agree"`` or ``"contradict"`` per row (ties go to agree).
    """
    agree, contradict = _column(labels, "agree"), _column(labels, "contradict")
    return ["contradict" if row[contradict] > row[agree] else "agree" for row in proba]


def three_way_labels(proba: np.ndarray, labels: Sequence[str]) -> list[str]:
    """The most probable of the model's labels per row."""
    return [labels[int(i)] for i in np.argmax(proba, axis=1)] if len(proba) else []


def score_pairs(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] = TWO_WAY) -> dict[str, Any]:
    """Accuracy, macro-F1 over ``labels`` and contradiction precision / recall / F1.

    Args:
        gold: Gold labels.
        pred: Predicted labels, as many as ``gold``.
        labels: The labels of the set (macro-F1 averages over these).

    Returns:
        ``n_pairs``, ``accuracy``, ``macro_f1``, ``contradiction_precision``,
        ``contradiction_recall``, ``contradiction_f1``, ``per_class``,
        ``labels`` and ``confusion`` (rows gold, columns predicted). Undefined
        ratios are 0.0.

    Raises:
        ValueError: when the sequences differ in length.
    """
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold labels but {len(pred)} predictions")
    per_class = per_class_scores(gold, pred, labels)
    contradiction = per_class.get("contradict", {"precision": 0.0, "recall": 0.0, "f1": 0.0})
    return {
        "n_pairs": len(gold),
        "accuracy": sum(1 for g, p in zip(gold, pred, strict=True) if g == p) / len(gold) if gold else 0.0,
        "macro_f1": sum(s["f1"] for s in per_class.values()) / len(labels) if labels else 0.0,
        "contradiction_precision": contradiction["precision"],
        "contradiction_recall": contradiction["recall"],
        "contradiction_f1": contradiction["f1"],
        "per_class": per_class,
        "labels": list(labels),
        "confusion": confusion_matrix(gold, pred, labels),
    }


class PairBaseline:
    """TF-IDF + logistic regression over a pair of headlines: the floor the pair model must clear.

    Each text becomes a TF-IDF vector (words and word bigrams, fitted on the
    training texts); a pair's features are both vectors, their element-wise
    product (shared words) and their absolute difference (words in one only).
    The classifier is trained on both orders of every pair and predicts the
    mean of both orders, because Emergent's pairs come in a fixed order (the
    *for* headline first in every contradiction) that a one-order classifier
    could learn instead of the relation.

    Args:
        c: Inverse regularisation strength of the logistic regression.
        seed: Seed of the solver.
    """

    def __init__(self, *, c: float = 1.0, seed: int = 13) -> None:
        self.c = c
        self.seed = seed

    def _features(self, pairs: Sequence[tuple[str, str]]) -> Any:
        from scipy import sparse

        a = self.vectorizer_.transform([x for x, _ in pairs])
        b = self.vectorizer_.transform([y for _, y in pairs])
        return sparse.hstack([a, b, a.multiply(b), abs(a - b)]).tocsr()

    def fit(self, pairs: Sequence[tuple[str, str]], labels: Sequence[str]) -> PairBaseline:
        """Learn the vocabulary and the classifier from labelled pairs.

        Args:
            pairs: (a, b) texts.
            labels: One label per pair.

        Returns:
            self.

        Raises:
            NewsdeskError: when the pairs hold fewer than two labels.
        """
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        if len(set(labels)) < 2:
            raise NewsdeskError("the baseline needs training pairs of at least two labels")
        self.vectorizer_ = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit(
            [text for pair in pairs for text in pair]
        )
        both = [*pairs, *((b, a) for a, b in pairs)]
        self.classifier_ = LogisticRegression(
            C=self.c, class_weight="balanced", max_iter=2000, random_state=self.seed
        ).fit(self._features(both), [*labels, *labels])
        self.classes_: tuple[str, ...] = tuple(str(c) for c in self.classifier_.classes_)
        return self

    def predict_proba(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """The mean probability of each class in :attr:`classes_` order over both orders of each pair."""
        if not pairs:
            return np.zeros((0, len(self.classes_)))
        forward = self.classifier_.predict_proba(self._features(pairs))
        backward = self.classifier_.predict_proba(self._features([(b, a) for a, b in pairs]))
        return np.asarray((forward + backward) / 2)

    def predict(self, pairs: Sequence[tuple[str, str]]) -> list[str]:
        """The most probable label of each pair."""
        return three_way_labels(self.predict_proba(pairs), self.classes_)


def _macro_f1_from_counts(counts: np.ndarray) -> np.ndarray:
    """Macro-F1 of each stack of confusion matrices (..., gold, predicted); 0.0 for a class never seen."""
    tp = np.diagonal(counts, axis1=-2, axis2=-1)
    denominator = counts.sum(axis=-1) + counts.sum(axis=-2)  # gold + predicted of each class
    f1 = np.divide(2 * tp, denominator, out=np.zeros(tp.shape, dtype=float), where=denominator > 0)
    return np.asarray(f1.mean(axis=-1))


def bootstrap_difference(
    units: Sequence[str],
    gold: Sequence[str],
    ours: Sequence[str],
    theirs: Sequence[str],
    *,
    labels: Sequence[str] = TWO_WAY,
    resamples: int = 1000,
    seed: int = 13,
) -> dict[str, Any]:
    """Macro-F1 of ``ours`` minus that of ``theirs``, with a 95% interval from resampling units.

    1. Count each unit's confusion matrix for both systems.
    2. Draw ``resamples`` samples of as many units, with replacement; a unit
       drawn twice counts twice.
    3. Macro-F1 of both systems on each sample; the 2.5th and 97.5th
       percentiles of the differences bound the interval.

    Args:
        units: The unit of each pair (e.g. its claim id): pairs of one unit stay together.
        gold: Gold labels.
        ours: The first system's labels.
        theirs: The second system's labels.
        labels: The labels macro-F1 averages over.
        resamples: Number of bootstrap samples.
        seed: Seed of the sampling.

    Returns:
        ``difference`` (on the data itself), ``ci95`` (low, high), ``resamples``,
        ``units`` (how many) and ``share_not_better`` (share of samples where
        the difference is <= 0).
    """
    if not (len(units) == len(gold) == len(ours) == len(theirs)):
        raise ValueError("units, gold and both predictions must be equally long")
    names = sorted(set(units))
    unit_index = {u: i for i, u in enumerate(names)}
    label_index = {label: i for i, label in enumerate(labels)}
    counts = np.zeros((2, len(names), len(labels), len(labels)))
    for unit, g, a, b in zip(units, gold, ours, theirs, strict=True):
        if g not in label_index:
            continue
        for system, p in enumerate((a, b)):
            if p in label_index:
                counts[system, unit_index[unit], label_index[g], label_index[p]] += 1
    observed = _macro_f1_from_counts(counts.sum(axis=1))
    difference = float(observed[0] - observed[1])
    if not names or resamples <= 0:
        return {"difference": difference, "ci95": [difference, difference], "resamples": 0, "units": len(names)}
    rng = np.random.default_rng(seed)
    weights = rng.multinomial(len(names), np.full(len(names), 1 / len(names)), size=resamples)
    sampled = np.einsum("ru,sugp->srgp", weights, counts)
    scores = _macro_f1_from_counts(sampled)
    differences = scores[0] - scores[1]
    low, high = np.percentile(differences, [2.5, 97.5])
    return {
        "difference": difference,
        "ci95": [float(low), float(high)],
        "resamples": resamples,
        "units": len(names),
        "share_not_better": float(np.mean(differences <= 0)),
    }


def _cap(items: list[Pair], limit: int | None, seed: int) -> list[Pair]:
    """At most ``limit`` items, a seeded sample kept in file order (sets are often sorted by label)."""
    if not limit or len(items) <= limit:
        return items
    keep = sorted(random.Random(seed).sample(range(len(items)), limit))
    return [items[i] for i in keep]


def load_sick(file: Path) -> list[Pair]:
    """The SICK pairs of the SemEval test part, entailment/neutral/contradiction as agree/neutral/contradict."""
    pairs: list[Pair] = []
    with file.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            label = SICK_LABELS.get(row.get("entailment_label", "").strip().upper())
            if label and row.get("SemEval_set", "").strip().upper() == "TEST":
                pairs.append(Pair(a=row["sentence_A"], b=row["sentence_B"], label=label, origin="sick"))  # type: ignore[arg-type]
    return pairs


def load_anli(file: Path) -> list[Pair]:
    """ANLI pairs of one annotated round file: context, statement, gold_label e/n/c."""
    pairs: list[Pair] = []
    with file.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            label = ANLI_LABELS.get(row.get("gold_label", "").strip().lower())
            if label:
                pairs.append(Pair(a=row["context"], b=row["statement"], label=label, origin="anli"))  # type: ignore[arg-type]
    return pairs


def reference_sets(nli_dir: Path) -> tuple[dict[str, tuple[Path, int]], list[str]]:
    """The reference sets found under ``nli_dir``: name -> (file, ways), and notes on those missing."""
    found: dict[str, tuple[Path, int]] = {}
    missing: list[str] = []
    sick = nli_dir / "SICK.txt"
    if sick.exists():
        found["sick_test"] = (sick, 3)
    else:
        missing.append(f"{sick} not found: SICK skipped")
    anli = sorted((nli_dir / "anli").glob("*.csv"))
    for file in anli:
        round_ = re.search(r"_r(\d+)_", file.name)
        found[f"anli_r{round_.group(1)}_dev" if round_ else f"anli_{file.stem.lower()}"] = (file, 3)
    if not anli:
        missing.append(f"no .csv in {nli_dir / 'anli'}: ANLI skipped")
    fever = nli_dir / "fever-symmetric" / "fever_symmetric_test.jsonl"
    if fever.exists():
        found["fever_symmetric_test"] = (fever, 2)
    else:
        missing.append(f"{fever} not found: FEVER-Symmetric skipped")
    return found, missing


def _read_reference(name: str, file: Path) -> list[Pair]:
    if name.startswith("sick"):
        return load_sick(file)
    if name.startswith("anli"):
        return load_anli(file)
    return list(fever_pairs(file))


def _load_model(threads: int, kind: str) -> PairPredictor:
    from newsdesk.compare.aligned import AlignedPairModel
    from newsdesk.compare.pairs import PairModel, SentenceEncoder

    if kind == "cross":
        return PairModel(threads=threads)
    return AlignedPairModel(encoder=SentenceEncoder(threads=threads))


def evaluate_pairs(
    data_dir: str | Path,
    *,
    model: PairPredictor | None = None,
    limit: int | None = 1000,
    resamples: int = 1000,
    threads: int = 2,
    seed: int = 13,
    kind: str = "aligned",
) -> dict[str, Any]:
    """Score the claim-pair model on Emergent test claims, against a baseline, and on reference sets.

    Args:
        data_dir: Folder holding ``emergent/`` and ``nli/`` (see the module docstring).
        model: The pair model; the packaged one, with ``threads`` onnxruntime threads, by default.
        limit: At most this many pairs per reference set and per seen Emergent
            split (a seeded sample); the Emergent test split is always whole.
            None or 0 for all.
        resamples: Bootstrap samples of the model - baseline difference.
        threads: onnxruntime threads of the packaged model (ignored when ``model`` is given).
        seed: Seed of the samples.
        kind: Which packaged pair model (``aligned`` or ``cross``, see
            :class:`~newsdesk.compare.CompareModels`) when ``model`` is not given.

    Returns:
        ``emergent`` (``test`` with ``model``, ``model_both_orders``,
        ``baseline`` and ``macro_f1_difference``; ``dev`` and ``train`` with
        ``model`` only), ``reference`` (one entry per set), ``speed``,
        ``skipped`` (reference sets not found) and the run's parameters.

    Raises:
        NewsdeskError: no Emergent file in ``data_dir``, or the pair model is missing.
    """
    root = Path(data_dir)
    emergent = root / "emergent"
    if not (emergent / EMERGENT_FILE).exists():
        raise NewsdeskError(f"{emergent / EMERGENT_FILE} not found: pass the shared data folder (emergent/, nli/)")
    built_here = model is None
    predictor = _load_model(threads, kind) if model is None else model
    labels = tuple(predictor.labels)

    test = emergent_pairs(emergent, "test")
    if not test:
        raise NewsdeskError(f"no Emergent test-claim pairs in {emergent / EMERGENT_FILE}")
    train = emergent_pairs(emergent, "train")
    gold = [p.label for p in test]
    claims = [p.origin.split(":", 1)[-1] for p in test]

    logger.info("Emergent test: %d pairs of %d claims", len(test), len(set(claims)))
    start = time.perf_counter()
    proba = predictor.predict(_texts(test))
    seconds = time.perf_counter() - start
    reverse = predictor.predict([(p.b, p.a) for p in test])
    # The product reads every pair in both orders (PairModel.predict_symmetric): that is the figure that counts.
    ours = two_way_labels((proba + reverse) / 2, labels)
    first_order = two_way_labels(proba, labels)

    logger.info("baseline: training on %d Emergent train-claim pairs", len(train))
    baseline = PairBaseline(seed=seed).fit(_texts(train), [p.label for p in train])
    theirs = baseline.predict(_texts(test))
    model_scores = score_pairs(gold, ours)
    baseline_scores = score_pairs(gold, theirs)
    interval = bootstrap_difference(claims, gold, ours, theirs, resamples=resamples, seed=seed)
    emergent_result: dict[str, Any] = {
        "test": {
            "seen_in_training": False,
            "n_pairs": len(test),
            "n_claims": len(set(claims)),
            "model": model_scores,
            "model_both_orders": score_pairs(gold, ours),
            "model_first_order": score_pairs(gold, first_order),
            "baseline": {
                **baseline_scores,
                "name": "TF-IDF + logistic regression",
                "trained_on": f"Emergent train claims ({len(train)} pairs)",
            },
            "macro_f1_difference": {**interval, "unit": "claim"},
        }
    }
    for split in SEEN_SPLITS:
        pairs = _cap(train if split == "train" else emergent_pairs(emergent, split), limit, seed)
        logger.info("Emergent %s (seen in training): %d pairs", split, len(pairs))
        pred = two_way_labels(predictor.predict(_texts(pairs)), labels)
        emergent_result[split] = {
            "seen_in_training": split == "train",
            "n_pairs": len(pairs),
            "n_claims": len({p.origin for p in pairs}),
            "model": score_pairs([p.label for p in pairs], pred),
        }

    found, skipped = reference_sets(root / "nli")
    reference: dict[str, Any] = {}
    for name, (file, ways) in found.items():
        pairs = _cap(_read_reference(name, file), limit, seed)
        logger.info("%s: %d pairs", name, len(pairs))
        out = predictor.predict(_texts(pairs))
        set_labels = THREE_WAY if ways == 3 else TWO_WAY
        pred = three_way_labels(out, labels) if ways == 3 else two_way_labels(out, labels)
        reference[name] = {
            "file": str(file),
            "ways": ways,
            "seen_in_training": False,
            **score_pairs([p.label for p in pairs], pred, set_labels),
        }

    return {
        "benchmark": "claim pairs",
        "data_dir": str(root),
        "model": kind if built_here else type(predictor).__name__,
        "model_labels": list(labels),
        "limit": limit,
        "emergent": emergent_result,
        "reference": reference,
        "skipped": skipped,
        "speed": {
            "pairs": len(test),
            "seconds": seconds,
            "pairs_per_second": len(test) / seconds if seconds else 0.0,
            "threads": threads if built_here else None,
        },
    }


def _row(name: str, scores: Mapping[str, Any]) -> str:
    return (
        f"{name:<34} {scores['accuracy']:>8.3f} {scores['macro_f1']:>8.3f} "
        f"{scores['contradiction_precision']:>8.3f} {scores['contradiction_recall']:>8.3f} {scores['n_pairs']:>6}"
    )


def format_pairs_report(result: Mapping[str, Any]) -> str:
    """A terminal table of :func:`evaluate_pairs`."""
    emergent = result["emergent"]
    test = emergent["test"]
    head = f"{'':<34} {'accuracy':>8} {'macro-F1':>8} {'contra P':>8} {'contra R':>8} {'pairs':>6}"
    lines = [
        f"Claim pairs, Emergent headline pairs of the test claims ({test['n_claims']} claims, never trained on)",
        head,
        _row("model (both orders)", test["model"]),
        _row("model, first order only", test["model_first_order"]),
        _row("baseline (TF-IDF + logistic regr.)", test["baseline"]),
    ]
    diff = test["macro_f1_difference"]
    lines.append(
        f"macro-F1 model - baseline {diff['difference']:+.3f} "
        f"(95% bootstrap over {diff['units']} claims, {diff['resamples']} samples: "
        f"{diff['ci95'][0]:+.3f} to {diff['ci95'][1]:+.3f})"
    )
    lines.append("Seen in training (a wide gap to the test claims means overfitting):")
    for split in SEEN_SPLITS:
        if split in emergent:
            lines.append(_row(f"model, {split} claims", emergent[split]["model"]))
    if result["reference"]:
        lines.append("Reference sets, measured only (3-way argmax; FEVER-Symmetric 2-way like Emergent):")
        lines.append(head)
        for name, scores in result["reference"].items():
            lines.append(_row(name, scores))
    for note in result.get("skipped", []):
        lines.append(f"skipped: {note}")
    speed = result["speed"]
    threads = f", {speed['threads']} threads" if speed.get("threads") else ""
    lines.append(
        f"speed {speed['pairs_per_second']:.0f} pairs/s (predict over {speed['pairs']} pairs{threads}, "
        f"{speed['seconds']:.1f} s)"
    )
    return "\n".join(lines)

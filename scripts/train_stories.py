"""Train the story pair model on the training ids of FNC-1 (never the held-out ids).

1. Pairs. Over the bodies of ``training_ids.txt``, every view of
   :mod:`newsdesk.stories.pairs` is computed once. Positives are all pairs of
   bodies in one gold story; negatives are each body's ``--negatives``
   nearest bodies by words that are in another story: the hard cases, the
   ones grouping has to tell apart.
2. Weights. A logistic regression over the view cosines of those pairs. A
   view whose weight comes out negative is dropped and the rest refitted, so
   every weight is zero or above (grouping needs that: see ``pairs.py``).
3. Thresholds, by BCubed F1 of grouping itself. ``merge_logit``: the mean
   log-odds two stories need to merge, chosen on random subsets of the
   training bodies the size of a quarter of them (gold stories there are
   smaller, as in a day's intake and the held-out part, and a threshold chosen
   on the whole part carries over badly). ``join_logit``: the lowest value
   that keeps that F1 within ``JOIN_TOLERANCE``; joining at once only saves
   merging work.
4. Cross-validation. Steps 1-3 are repeated on ``--folds`` parts of the
   training ids: trained on the others, scored on each part, beside the
   default word grouping on the same part. Parts hold whole gold stories
   (``stories``) or random bodies (``bodies``: parts of stories, as in the
   official held-out split, whose stories average 2.5 bodies against 7.2 in
   the training ids); by default both. These are the "training ids
   (cross-validated)" figures; the held-out figures come from
   ``python -m newsdesk.evaluation.stories /path/to/fnc1 --pair-model``.

The model is written as JSON with the sha256 of its weights (checked at load).

Usage::

    python scripts/train_stories.py /path/to/fnc1 [--out src/newsdesk/stories/models/story_pairs.json]
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import logging
import random
import sys
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from newsdesk.evaluation.stories import bcubed, load_fnc_bodies
from newsdesk.model import Article
from newsdesk.stories import StorySettings, group_stories, grouping
from newsdesk.stories.grouping import neighbour_edges
from newsdesk.stories.pairs import MODEL_PATH, VIEWS, PairModel, article_views, pair_features

MERGE_LOGITS = tuple(round(-3.0 + 0.125 * i, 3) for i in range(33))
"""Mean log-odds thresholds tried for merging (-3 to +1)."""
JOIN_LOGITS = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0)
NO_JOIN = 99.0
JOIN_TOLERANCE = 0.001
SUBSETS = 8
"""Random subsets (a quarter of the bodies each) the thresholds are chosen on."""
C = 10.0
"""Inverse regularisation of the logistic regression (the cosines are few, well-scaled features)."""


_VIEWS_SEEN: dict[tuple[str, ...], dict[str, object]] = {}


def _cached_views(articles: Sequence[Article], features: Sequence[str] = VIEWS) -> dict[str, object]:
    """``article_views`` remembered by article ids: the threshold grid groups the same subsets again and again."""
    key = (*features, "\0", *(a.id for a in articles))
    if key not in _VIEWS_SEEN:
        _VIEWS_SEEN[key] = article_views(articles, features)  # type: ignore[assignment]
    return _VIEWS_SEEN[key]


grouping.article_views = _cached_views  # type: ignore[assignment]


def training_pairs(
    articles: Sequence[Article], gold: Mapping[str, str], views: Mapping[str, object], negatives: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row pairs of step 1 and their labels: all same-story pairs, and each body's nearest other-story bodies."""
    labels = [gold.get(a.id, f"alone:{a.id}") for a in articles]
    members: dict[str, list[int]] = defaultdict(list)
    for i, label in enumerate(labels):
        members[label].append(i)
    same = [pair for group in members.values() for pair in itertools.combinations(group, 2)]
    rows, cols, _ = neighbour_edges(views["words"], k=negatives, floor=1e-9)  # type: ignore[arg-type]
    other = np.array([labels[i] != labels[j] for i, j in zip(rows.tolist(), cols.tolist(), strict=True)], bool)
    pos = np.array(same, dtype=np.int64).reshape(-1, 2)
    first = np.concatenate([pos[:, 0], rows[other]])
    second = np.concatenate([pos[:, 1], cols[other]])
    y = np.concatenate([np.ones(len(pos)), np.zeros(int(other.sum()))])
    return first, second, y


def fit_weights(x: np.ndarray, y: np.ndarray, features: Sequence[str]) -> tuple[list[str], list[float], float]:
    """Step 2: logistic regression, dropping views with a negative weight until none is left."""
    kept = list(range(len(features)))
    while True:
        model = LogisticRegression(C=C, max_iter=2000).fit(x[:, kept], y)
        weights = model.coef_[0]
        if (weights >= 0).all():
            return [features[k] for k in kept], [float(w) for w in weights], float(model.intercept_[0])
        kept = [k for k, w in zip(kept, weights, strict=True) if w >= 0]


def subsets(articles: Sequence[Article], count: int, seed: int = 0) -> list[list[Article]]:
    """``count`` random subsets of a quarter of ``articles`` each, in their order."""
    rng = random.Random(seed)
    size = max(2, len(articles) // 4)
    return [[articles[i] for i in sorted(rng.sample(range(len(articles)), size))] for _ in range(count)]


def grouped_f1(articles: Sequence[Article], gold: Mapping[str, str], model: PairModel | None) -> float:
    """BCubed F1 of grouping ``articles`` with a pair model (None: the default word grouping)."""
    settings = StorySettings(pair_model=model is not None)
    stories = group_stories(articles, (), settings, pair_model=model)
    return bcubed([s.articles for s in stories], {a.id: gold[a.id] for a in articles if a.id in gold})["f1"]


def train(articles: Sequence[Article], gold: Mapping[str, str], features: Sequence[str], negatives: int) -> PairModel:
    """Steps 1-3 on ``articles``: the fitted pair model."""
    views = article_views(articles, features)
    first, second, y = training_pairs(articles, gold, views, negatives)
    x = pair_features(views, features, first, second)
    kept, weights, intercept = fit_weights(x, y, features)
    model = PairModel(
        features=tuple(kept), weights=tuple(weights), intercept=intercept, merge_logit=0.0, join_logit=NO_JOIN
    )
    parts = subsets(articles, SUBSETS)

    def mean_f1(m: PairModel) -> float:
        return float(np.mean([grouped_f1(part, gold, m) for part in parts]))

    scored = [(mean_f1(dataclasses.replace(model, merge_logit=t)), t) for t in MERGE_LOGITS]
    best_f1, merge = max(scored, key=lambda r: (round(r[0], 6), -abs(r[1])))
    model = dataclasses.replace(model, merge_logit=merge)
    join = NO_JOIN
    for candidate in JOIN_LOGITS:
        if candidate >= merge and mean_f1(dataclasses.replace(model, join_logit=candidate)) >= best_f1 - JOIN_TOLERANCE:
            join = candidate
            break
    facts = {"pairs": len(y), "positives": int(y.sum()), "subset_f1": round(best_f1, 4)}
    return dataclasses.replace(model, join_logit=join, facts=facts)


def cross_validate(
    articles: Sequence[Article],
    gold: Mapping[str, str],
    features: Sequence[str],
    negatives: int,
    folds: int,
    by: str = "stories",
) -> list[dict[str, float]]:
    """Step 4: train on all folds but one, score the one left (and the word grouping there).

    Folds hold whole gold stories (``by="stories"``) or random bodies
    (``by="bodies"``: the test fold then holds parts of stories, as the
    official held-out split does).
    """
    if by == "stories":
        stories = sorted(set(gold[a.id] for a in articles if a.id in gold))
        random.Random(0).shuffle(stories)
        story_fold = {story: k % folds for k, story in enumerate(stories)}
        fold_of = {a.id: story_fold.get(gold.get(a.id, ""), 0) for a in articles}
    else:
        shuffled = [a.id for a in articles]
        random.Random(0).shuffle(shuffled)
        fold_of = {article: k % folds for k, article in enumerate(shuffled)}
    rows = []
    for fold in range(folds):
        train_part = [a for a in articles if fold_of[a.id] != fold]
        test_part = [a for a in articles if fold_of[a.id] == fold]
        model = train(train_part, gold, features, negatives)
        rows.append(
            {
                "fold": fold,
                "bodies": len(test_part),
                "pair_model_f1": grouped_f1(test_part, gold, model),
                "words_f1": grouped_f1(test_part, gold, None),
                "merge_logit": model.merge_logit,
            }
        )
        print(f"fold {fold}: {rows[-1]}", file=sys.stderr, flush=True)
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    """Train, cross-validate, and write the model."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("data_dir", type=Path, help="FNC-1 folder (train_bodies.csv, stories_train.json, split files)")
    parser.add_argument("--out", type=Path, default=MODEL_PATH, help="where to write the model JSON")
    parser.add_argument("--views", default=",".join(VIEWS), help=f"views to weigh, from {','.join(VIEWS)}")
    parser.add_argument("--negatives", type=int, default=30, help="nearest other-story bodies per body")
    parser.add_argument("--folds", type=int, default=4, help="cross-validation folds (0: none)")
    parser.add_argument(
        "--folds-by",
        default="stories,bodies",
        help="folds of whole gold stories (stories), of random bodies (bodies: parts of stories, like the "
        "held-out split), or both",
    )
    parser.add_argument("--no-write", action="store_true", help="cross-validate only; leave the model file alone")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    features = [v for v in args.views.split(",") if v]

    articles, gold, split = load_fnc_bodies(args.data_dir)
    by_id = {a.id: a for a in articles}
    tuning = [by_id[i] for i in split["tuning"]]
    tuning_gold = {i: gold[i] for i in split["tuning"] if i in gold}
    start = time.perf_counter()
    validated: dict[str, object] = {}
    for by in [b for b in args.folds_by.split(",") if b] if args.folds else []:
        cv = cross_validate(tuning, tuning_gold, features, args.negatives, args.folds, by)
        validated[f"cv_by_{by}"] = {
            "pair_model_f1": round(float(np.mean([r["pair_model_f1"] for r in cv])), 4),
            "words_f1": round(float(np.mean([r["words_f1"] for r in cv])), 4),
            "folds": [{k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()} for row in cv],
        }
    if args.no_write:
        print(json.dumps(validated, indent=2))
        return 0
    model = train(tuning, tuning_gold, features, args.negatives)
    facts = {
        **model.facts,
        "data": "FNC-1 training_ids.txt",
        "bodies": len(tuning),
        "negatives_per_body": args.negatives,
        **validated,
    }
    model = dataclasses.replace(model, facts=facts)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    model.save(args.out)
    print(
        json.dumps(
            {
                "features": model.features,
                "weights": [round(w, 3) for w in model.weights],
                "intercept": round(model.intercept, 3),
                "merge_logit": model.merge_logit,
                "join_logit": model.join_logit,
                **facts,
                "seconds": round(time.perf_counter() - start, 1),
                "written": str(args.out),
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Train the packaged stance model on the FNC-1 train split and report its hold-out scores.

Usage:
    python scripts/train_stance.py DATA_DIR [--out STEM] [--threads N] [--cv-folds K] [--emergent DIR]

DATA_DIR is the FNC-1 folder (train_stances.csv, train_bodies.csv, training_ids.txt,
hold_out_ids.txt; stories_train.json is used, when present, to keep each story in one
fold of the out-of-fold split). Writes STEM.json and STEM.npz (default: the packaged
src/newsdesk/compare/models/stance.*), then scores the hold-out bodies.

``--cv-folds K`` first runs a K-fold cross-validation inside the train split with whole
stories held out (the check used to choose the hyper-parameters; slower). Deterministic:
every seed is fixed.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from newsdesk.compare.stance import DEFAULT_MODEL_PATH, StanceModel
from newsdesk.evaluation.stance import (
    evaluate_emergent,
    evaluate_stance,
    format_stance_report,
    load_fnc,
    load_story_groups,
    score_stance,
)


def story_cv(data_dir: Path, folds: int, seed: int = 0) -> dict[str, object]:
    """K-fold CV on the train split with whole gold stories held out; pooled out-of-fold metrics."""
    pairs = load_fnc(data_dir, "train")
    stories = load_story_groups(data_dir) or {}
    groups = [stories.get(b, f"body-{b}") for b in pairs.body_ids]
    unique = sorted(set(groups))
    order = np.random.RandomState(seed).permutation(len(unique))
    fold_of = {unique[j]: i % folds for i, j in enumerate(order)}
    fold = np.array([fold_of[g] for g in groups])
    pred: list[str] = [""] * len(groups)
    for k in range(folds):
        tr, te = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
        model = StanceModel().fit(
            [pairs.headlines[i] for i in tr],
            [pairs.bodies[i] for i in tr],
            [pairs.labels[i] for i in tr],
            groups=[groups[i] for i in tr],
        )
        for i, label in zip(
            te, model.predict([pairs.headlines[i] for i in te], [pairs.bodies[i] for i in te]), strict=True
        ):
            pred[i] = label
        logging.info("fold %d/%d done", k + 1, folds)
    result = score_stance(pairs.labels, pred)
    result.update(benchmark=f"FNC-1 stance, {folds}-fold story-held-out CV", split="train")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data_dir", type=Path, help="FNC-1 folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_PATH, help="model file stem (.json + .npz)")
    parser.add_argument(
        "--threads", type=int, default=1, help="OpenMP and BLAS threads (1: fastest on shared 2-core machines)"
    )
    parser.add_argument("--cv-folds", type=int, default=0, help="also run a story-held-out CV on the train split")
    parser.add_argument("--emergent", type=Path, help="Emergent folder: also report zero-shot claim stance")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")

    # One thread for OpenMP (boosting) and BLAS: fastest on a shared 2-core machine, and bit-for-bit repeatable.
    with threadpool_limits(limits=args.threads):
        if args.cv_folds:
            start = time.perf_counter()
            cv = story_cv(args.data_dir, args.cv_folds)
            print(format_stance_report(cv))
            print(f"CV time {time.perf_counter() - start:.0f} s\n")

        pairs = load_fnc(args.data_dir, "train")
        stories = load_story_groups(args.data_dir) or {}
        groups = [stories.get(b, f"body-{b}") for b in pairs.body_ids]
        start = time.perf_counter()
        model = StanceModel().fit(pairs.headlines, pairs.bodies, pairs.labels, groups=groups)
        train_seconds = time.perf_counter() - start
        paths = model.save(args.out)
        print(f"trained on {len(pairs.labels)} pairs in {train_seconds:.0f} s")
        for p in paths:
            print(f"wrote {p} ({p.stat().st_size / 1024:.0f} KiB)")

        result = evaluate_stance(args.data_dir, split="holdout", model_path=args.out)
        print(format_stance_report(result))
        if args.emergent:
            print()
            print(format_stance_report(evaluate_emergent(args.emergent, model_path=args.out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Fit the line classifier of extracted HTML (src/newsdesk/clean/models/lines.json).

Training lines: every line trafilatura extracts from the *tuning* pages of a Readability-layout folder (every
page but each 4th folder, see newsdesk.evaluation.clean_pages.is_held_out), labelled boilerplate when the
reference text does not hold it, and the lines of the project's HTML dev pages (tests/data/clean, labelled by
their gold body paragraphs). The held-out pages are never read here.

The removal probability is chosen on the tuning pages: the one with the best word 4-gram F1 among those whose
recall is at least trafilatura's (within RECALL_TOLERANCE; 0.99 when none is). Dev-set lines weigh
--dev-weight times a page line: they are the inline template text the cleaner was built for.

    python scripts/train_clean_lines.py ../shared/data/readability [--dev tests/data/clean] [--write]
"""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import replace
from pathlib import Path

from newsdesk.clean.html import extract_html
from newsdesk.clean.lines import fit_line_model, has_rule_reason
from newsdesk.clean.text import line_feature_rows
from newsdesk.evaluation.clean import shingle_counts, shingle_metrics
from newsdesk.evaluation.clean_pages import line_pages
from newsdesk.model import RawDocument

RECALL_TOLERANCE = 0.0005
"""Recall may not fall below the extractor's by more than this (equal at the three decimals reported)."""
MODEL = Path(__file__).parents[1] / "src" / "newsdesk" / "clean" / "models" / "lines.json"


def dev_rows(folder: Path) -> tuple[list[list[float]], list[int], list[float]]:
    """Lines of the dev set's HTML pages, labelled by the gold body paragraphs."""
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    rows, labels, weights = [], [], []
    for key, doc in gold["documents"].items():
        if "body_paragraphs" not in doc:
            continue
        page = RawDocument(path=key, body=(folder / key).read_text(encoding="utf-8"), is_html=True)
        body = {" ".join(p.split()) for p in doc["body_paragraphs"]}
        for unit, values in line_feature_rows(extract_html(page)):
            rows.append(values)
            labels.append(int(unit.text not in body))
            weights.append(math.sqrt(unit.words))
    return rows, labels, weights


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", type=Path)
    parser.add_argument("--dev", type=Path, default=Path(__file__).parents[1] / "tests" / "data" / "clean")
    parser.add_argument("--regularisation", type=float, default=1.0)
    parser.add_argument("--dev-weight", type=float, default=3.0, help="weight of a dev-set line against a page line")
    parser.add_argument("--write", action="store_true", help=f"write the model to {MODEL}")
    args = parser.parse_args()

    tuning = [page for page in line_pages(args.pages) if not page.held_out]
    rows = [values for page in tuning for values in page.rows]
    labels = [label for page in tuning for label in page.labels]
    # Each page weighs the same in the metric: a line weighs by its length within its page.
    weights = []
    for page in tuning:
        lengths = [math.sqrt(max(1, len(text.split()))) for text in page.texts]
        weights += [len(page.texts) * w / sum(lengths) for w in lengths] if lengths else []
    extra_rows, extra_labels, extra_weights = dev_rows(args.dev)
    model = fit_line_model(
        rows + extra_rows,
        labels + extra_labels,
        weights=weights + [args.dev_weight * w for w in extra_weights],
        regularisation=args.regularisation,
    )
    print(f"{len(tuning)} tuning pages, {len(rows)} lines ({sum(labels)} boilerplate); dev {len(extra_rows)} lines")

    extractor = shingle_metrics([shingle_counts(p.expected, "\n".join(p.texts)) for p in tuning])
    print(f"extracted text alone: {extractor}")
    best: tuple[float, float] | None = None
    for step in range(30, 100, 1):
        threshold = step / 100
        counts = []
        for page in tuning:
            kept = [
                text
                for text, values, repeated in zip(page.texts, page.rows, page.repeated, strict=True)
                if not repeated and not (has_rule_reason(values) and model.probability(values) >= threshold)
            ]
            counts.append(shingle_counts(page.expected, "\n".join(kept)))
        scores = shingle_metrics(counts)
        dev_removed = [has_rule_reason(values) and model.probability(values) >= threshold for values in extra_rows]
        junk = sum(r for r, label in zip(dev_removed, extra_labels, strict=True) if label)
        body_lost = sum(r for r, label in zip(dev_removed, extra_labels, strict=True) if not label)
        print(
            f"  threshold {threshold:.2f}: {scores}; dev junk removed {junk}/{sum(extra_labels)}, "
            f"body lines lost {body_lost}"
        )
        if scores["recall"] >= extractor["recall"] - RECALL_TOLERANCE and (best is None or scores["f1"] > best[1]):
            best = (threshold, scores["f1"])
    chosen = best[0] if best else 0.99
    print(f"chosen threshold {chosen}")
    for name, weight in sorted(zip(model.features, model.weights, strict=True), key=lambda x: -abs(x[1])):
        print(f"  {name:24} {weight:+.3f}")
    if args.write:
        data = replace(model, threshold=chosen).to_json()
        MODEL.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {MODEL}")


if __name__ == "__main__":
    main()

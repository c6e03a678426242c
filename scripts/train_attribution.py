"""Fit the learned attribution models on the PolNeAR train split.

Writes two files in ``src/newsdesk/enrich/models/``, each holding cue lemmas,
the feature weights of a logistic regression and a threshold. Only numbers
and feature names learned from the training split are stored, never corpus
text.

- ``readings.json``, the reading model: for each reported attribution the
  rules find, which reading of its cue's content to keep (the rules' own
  or another the parse offers).
- ``attribution.json``, the cue model: the attributions the rules miss.

Steps:

1. Parse every training article body (the headline line is left out, as in
   the benchmark) with the project's spaCy model; ``--cache`` keeps the parses.
2. Label a candidate reading positive when its content matches an annotated
   content (the benchmark's rule: at least half of the tokens of the longer
   one), its cue token lies in that attribution's cue span, and no other
   reading of the same cue matches that content much better (``READING_MARGIN``
   for the cue model; for the reading model, none matches it better at all:
   ``RULE_READING_MARGIN``).
3. Reading model: collect every reading of every rule-found reported cue
   (:func:`newsdesk.enrich.quotes.reading_training_candidates`),
   cross-validate by article (``--folds``) on the rules' output alone (for
   the log), refit on the whole split.
4. Cue model: run the rules, let the reading model of the other folds re-read
   them, and collect the candidates the cue model would see beside them
   (:func:`newsdesk.enrich.quotes.cue_training_candidates`). Cross-validate
   by article: fit on the other folds, decode the held-out articles once (the
   greedy decoder keeps a prefix of the ranked candidates, so one pass scores
   every threshold) and pick the threshold with the best content F1.
5. Refit on the whole split and save the model with that threshold.

Usage::

    python scripts/train_attribution.py /path/to/polnear/train --cache /tmp/polnear-train.spacy
"""

from __future__ import annotations

import argparse
import bisect
import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from spacy.tokens import Doc, DocBin

from newsdesk.enrich.cues import CueCandidate, CueModel, context_vectors
from newsdesk.enrich.nlp import load_pipeline
from newsdesk.enrich.quotes import (
    Attribution,
    cue_training_candidates,
    ranked_learned_attributions,
    reading_training_candidates,
    rule_attributions,
)
from newsdesk.evaluation.attribution import (
    DEFAULT_MODEL,
    MATCH_THRESHOLD,
    GoldAttribution,
    find_documents,
    match_contents,
    read_brat,
    source_matches,
)

logger = logging.getLogger("train_attribution")

MODELS = Path(__file__).resolve().parents[1] / "src/newsdesk/enrich/models"
DEFAULT_OUT = MODELS / "attribution.json"
DEFAULT_READINGS_OUT = MODELS / "readings.json"
THRESHOLDS = [round(0.025 * k, 3) for k in range(8, 39)]
_WORD_RE = re.compile(r"\w+")


@dataclass(slots=True)
class Article:
    """One training article body, its parse and its gold attributions (offsets in the body)."""

    name: str
    text: str
    doc: Doc
    gold: list[GoldAttribution]


class Words:
    """Word tokens of one text, to turn character spans into token sets (the benchmark's rule)."""

    def __init__(self, text: str) -> None:
        words = [(m.start(), m.end()) for m in _WORD_RE.finditer(text)]
        self.starts = [s for s, _ in words]
        self.ends = [e for _, e in words]

    def of(self, segments: Sequence[tuple[int, int]]) -> frozenset[int]:
        found: set[int] = set()
        for start, end in segments:
            found.update(range(bisect.bisect_right(self.ends, start), bisect.bisect_left(self.starts, end)))
        return frozenset(found)


def load_articles(data_dir: Path, model: str, cache: Path | None) -> list[Article]:
    """Read and parse the split (bodies only), reusing ``cache`` when it holds the same texts."""
    documents = find_documents(data_dir)
    texts, golds = [], []
    for doc_info in documents:
        full = doc_info.text_path.read_text(encoding="utf-8")
        offset = full.find("\n") + 1 if "\n" in full else len(full)
        texts.append(full[offset:])
        golds.append([_shift_gold(g, -offset) for g in read_brat(doc_info.ann_path) if g.content[0][0] >= offset])
    nlp = load_pipeline(model)
    docs: list[Doc] | None = None
    tensors = cache.with_suffix(".tensors.npz") if cache is not None else None
    if cache is not None and tensors is not None and cache.exists() and tensors.exists():
        docs = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
        if [d.text for d in docs] != texts:
            logger.warning("cache %s does not match the split; parsing again", cache)
            docs = None
        else:
            # DocBin keeps no token vectors: they are stored beside it.
            with np.load(tensors) as stored:
                for k, doc in enumerate(docs):
                    doc.tensor = stored[f"d{k}"].astype(np.float32)
    if docs is None:
        started = time.perf_counter()
        docs = list(nlp.pipe(texts, batch_size=32))
        logger.info("parsed %d articles in %.0f s", len(docs), time.perf_counter() - started)
        if cache is not None and tensors is not None:
            DocBin(docs=docs).to_disk(cache)
            np.savez_compressed(tensors, **{f"d{k}": d.tensor.astype(np.float16) for k, d in enumerate(docs)})
    return [Article(d.name, t, doc, g) for d, t, doc, g in zip(documents, texts, docs, golds, strict=True)]


def _shift_gold(gold: GoldAttribution, delta: int) -> GoldAttribution:
    def move(segments: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
        return tuple((s + delta, e + delta) for s, e in segments)

    return GoldAttribution(content=move(gold.content), source=move(gold.source), cue=move(gold.cue))


#: A reading is a positive example when its overlap with a gold content is within this much of the best
#: overlap any reading of the same cue reaches: looser readings of the cue are taught as wrong.
READING_MARGIN = 0.25
#: The reading model chooses among the readings of a cue the rules know attributes: only the best are positive.
RULE_READING_MARGIN = 0.0


def label(article: Article, candidates: Sequence[CueCandidate], margin: float = READING_MARGIN) -> list[bool]:
    """Whether each candidate is a good reading of a gold content whose cue holds the candidate's cue token.

    Good means matching the gold content by the benchmark's rule (half of the longer
    one's words shared) and coming within :data:`READING_MARGIN` of the best reading
    of that cue (``margin``), so the model learns which boundary the annotation
    draws, not only which words are cues.
    """
    doc, words = article.doc, Words(article.text)
    gold_sets = [words.of(g.content) for g in article.gold]
    cue_tokens: dict[int, list[int]] = {}
    for j, gold in enumerate(article.gold):
        for start, end in gold.cue:
            span = doc.char_span(start, end, alignment_mode="expand")
            for tok in span if span is not None else ():
                cue_tokens.setdefault(tok.i, []).append(j)
    ratios: list[dict[int, float]] = []
    best: dict[tuple[int, int], float] = {}
    for cand in candidates:
        found: dict[int, float] = {}
        spans = [(doc[a].idx, doc[b - 1].idx + len(doc[b - 1])) for a, b in cand.pieces]
        mine = words.of(spans)
        for j in cue_tokens.get(cand.cue, []):
            ref = gold_sets[j]
            ratio = len(mine & ref) / max(len(mine), len(ref)) if mine and ref else 0.0
            if ratio >= MATCH_THRESHOLD:
                found[j] = ratio
                best[(cand.cue, j)] = max(best.get((cand.cue, j), 0.0), ratio)
        ratios.append(found)
    return [
        any(ratio >= best[(cand.cue, j)] - margin for j, ratio in found.items())
        for cand, found in zip(candidates, ratios, strict=True)
    ]


Rows = tuple[list[CueCandidate], list[bool], list[str], np.ndarray]


def _rows(article: Article, candidates: list[CueCandidate], margin: float = READING_MARGIN) -> Rows:
    lemmas = [article.doc[c.cue].lemma_.lower() for c in candidates]
    vectors = context_vectors(article.doc, candidates)
    if vectors is None and not candidates:
        vectors = np.zeros((0, 3 * article.doc.tensor.shape[1]), dtype=np.float32)
    if vectors is None:
        raise ValueError(f"{article.name}: the parse has no token vectors (doc.tensor)")
    return candidates, label(article, candidates, margin), lemmas, vectors


def collect(articles: Sequence[Article], readings: Sequence[CueModel | None] | None = None) -> list[Rows]:
    """Cue-model candidates, labels, cue lemmas and dense features per article.

    ``readings`` gives the reading model that re-reads each article's rule
    contents first (held out from that article's fold in cross-validation).
    """
    models = readings if readings is not None else [None] * len(articles)
    return [
        _rows(article, cue_training_candidates(article.text, article.doc, model)[1])
        for article, model in zip(articles, models, strict=True)
    ]


def collect_readings(articles: Sequence[Article]) -> list[Rows]:
    """Reading-model candidates (every reading of every rule-found reported cue), per article."""
    return [
        _rows(article, reading_training_candidates(article.text, article.doc), RULE_READING_MARGIN)
        for article in articles
    ]


def fit(model: CueModel, rows: Sequence[Rows]) -> CueModel:
    candidates = [c for cands, _, _, _ in rows for c in cands]
    labels = [y for _, ys, _, _ in rows for y in ys]
    lemmas = [lemma for _, _, ls, _ in rows for lemma in ls]
    vectors = np.vstack([v for _, _, _, v in rows])
    return model.fit(candidates, labels, lemmas, vectors)


def score_counts(article: Article, predicted: Sequence[Attribution]) -> tuple[int, int, int, int, int]:
    """``(predicted, gold, matched, sources evaluated, sources right)`` for one article."""
    words = Words(article.text)
    pairs = match_contents([words.of(p.segments) for p in predicted], [words.of(g.content) for g in article.gold])
    evaluated = correct = 0
    for i, j in pairs:
        if article.gold[j].source:
            evaluated += 1
            correct += source_matches(article.text, words, predicted[i], article.gold[j])  # type: ignore[arg-type]
    return len(predicted), len(article.gold), len(pairs), evaluated, correct


def summary(counts: Sequence[int]) -> dict[str, float]:
    predicted, gold, matched, evaluated, correct = counts
    p = matched / predicted if predicted else 0.0
    r = matched / gold if gold else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4),
        "source_accuracy": round(correct / evaluated if evaluated else 0.0, 4),
        "predicted": predicted,
    }


def sweep(
    model: CueModel, articles: Sequence[Article], readings: Sequence[CueModel | None] | None = None
) -> dict[float, list[int]]:
    """Summed counts per threshold for ``articles`` decoded with ``model`` (plus rules-only as ``1.0``)."""
    totals = {t: [0] * 5 for t in [*THRESHOLDS, 1.0]}
    models = readings if readings is not None else [None] * len(articles)
    for article, reading_model in zip(articles, models, strict=True):
        rules, ranked = ranked_learned_attributions(article.text, article.doc, model, reading_model)
        for t, acc in totals.items():
            predicted = rules + [a for s, a in ranked if s >= t and t < 1.0]
            for k, v in enumerate(score_counts(article, predicted)):
                acc[k] += v
    return totals


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("train_dir", type=Path, help="PolNeAR train split folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the cue model JSON")
    parser.add_argument(
        "--readings-out", type=Path, default=DEFAULT_READINGS_OUT, help="where to write the reading model JSON"
    )
    parser.add_argument("--cache", type=Path, default=None, help="DocBin file caching the parses")
    parser.add_argument("--model", default=DEFAULT_MODEL, help="spaCy model name")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (by article)")
    parser.add_argument("--C", type=float, default=0.1, help="inverse regularisation strength")
    parser.add_argument("--min-count", type=int, default=2, help="drop rarer features")
    parser.add_argument("--min-cues", type=int, default=1, help="lemmas with fewer positives are not cues")
    parser.add_argument("--readings-C", type=float, default=0.3, help="regularisation of the reading model")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    articles = load_articles(args.train_dir, args.model, args.cache)
    folds = [[k for k in range(len(articles)) if k % args.folds == fold] for fold in range(args.folds)]

    def rest(fold: int, rows: Sequence[Rows]) -> list[Rows]:
        """The rows of the articles outside ``fold``."""
        return [row for k, row in enumerate(rows) if k % args.folds != fold]

    # 1. The reading model, cross-validated on the rules' output alone.
    reading_rows = collect_readings(articles)

    def new_reader() -> CueModel:
        return CueModel(C=args.readings_C, min_count=args.min_count, min_cues=1, threshold=0.0)

    held_out: list[CueModel | None] = [None] * len(articles)
    reading_totals = {kind: [0] * 5 for kind in ("rules", "re-read")}
    for fold, held in enumerate(folds):
        reader = fit(new_reader(), rest(fold, reading_rows))
        for k in held:
            held_out[k] = reader
            for kind, model in (("rules", None), ("re-read", reader)):
                counts = score_counts(articles[k], rule_attributions(articles[k].text, articles[k].doc, model))
                reading_totals[kind] = [a + b for a, b in zip(reading_totals[kind], counts, strict=True)]
    logger.info("rules alone: %s", summary(reading_totals["rules"]))
    logger.info("rules re-read by the reading model: %s", summary(reading_totals["re-read"]))
    reader = fit(new_reader(), reading_rows)
    args.readings_out.parent.mkdir(parents=True, exist_ok=True)
    reader.save(args.readings_out)
    logger.info("wrote %s", args.readings_out)

    # 2. The cue model, on what the rules leave once re-read (by the reading model of another fold).
    rows = collect(articles, held_out)
    n_pos = sum(sum(r[1]) for r in rows)
    logger.info("%d articles, %d candidates, %d positive", len(articles), sum(len(r[0]) for r in rows), n_pos)

    def new_model() -> CueModel:
        return CueModel(C=args.C, min_count=args.min_count, min_cues=args.min_cues)

    totals = {t: [0] * 5 for t in [*THRESHOLDS, 1.0]}
    for fold, held in enumerate(folds):
        model = fit(new_model(), rest(fold, rows))
        for t, counts in sweep(model, [articles[k] for k in held], [held_out[k] for k in held]).items():
            totals[t] = [a + b for a, b in zip(totals[t], counts, strict=True)]
        logger.info("fold %d done", fold + 1)
    logger.info("rules re-read, no learned cue: %s", summary(totals[1.0]))
    for t in THRESHOLDS:
        logger.info("threshold %.3f: %s", t, summary(totals[t]))
    best = max(THRESHOLDS, key=lambda t: (summary(totals[t])["f1"], t))
    logger.info("chosen threshold %.3f (cross-validated F1 %.4f)", best, summary(totals[best])["f1"])

    model = fit(new_model(), rows)
    model.threshold = best
    args.out.parent.mkdir(parents=True, exist_ok=True)
    model.save(args.out)
    logger.info(
        "wrote %s: %d lemmas, %d weights, %d bytes",
        args.out,
        len(model.lemmas_),
        len(model.weights_),
        args.out.stat().st_size,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""`newsdesk eval contradictions`: comparisons scored against a gold.json-format annotation.

The annotation (see the seeds' gold.json) lists contradictions as two sides of
claim references (``doc`` + ``line`` and/or ``contains``), updates as an
earlier and a later reference, and agreements as evidence references.

A predicted comparison side *matches* a reference when it comes from the same
document and either contains the reference's ``contains`` text, or shares at
least 60% of its words with the referenced line. A predicted contradiction is
correct when its two sides match the two sides of one gold contradiction.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsdesk.model import Analysis, Claim, ClaimRef, Comparison, Dispute, DisputeSide, Story

if TYPE_CHECKING:
    from newsdesk.compare.align import ClaimSide
    from newsdesk.compare.settings import CompareSettings

_WORD = re.compile(r"\w+")


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


class GoldCorpus:
    """A gold.json annotation and the documents it refers to."""

    def __init__(self, gold_path: Path, docs_dir: Path | None = None) -> None:
        self.gold_path = gold_path
        self.gold: dict[str, Any] = _from_events(json.loads(gold_path.read_text(encoding="utf-8")))
        self.docs_dir = docs_dir or gold_path.parent
        self._lines: dict[str, list[str]] = {}

    def document_paths(self) -> list[str]:
        """Paths of the annotated documents (JSONL files once, whatever their line keys)."""
        names = {key.split(":")[0] for key in self.gold.get("documents", {})}
        for story in self.gold.get("stories", []):
            names.update(key.split(":")[0] for key in story)
        return sorted(str(self.docs_dir / name) for name in names)

    def line(self, doc: str, number: int | None) -> str:
        """Text of a 1-based line of a text document ("" when unknown)."""
        if number is None or ":" in doc:
            return ""
        if doc not in self._lines:
            path = self.docs_dir / doc
            self._lines[doc] = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
        lines = self._lines[doc]
        return lines[number - 1] if 0 < number <= len(lines) else ""


def _refs(doc: str, contains: str | list[str]) -> list[dict[str, str]]:
    """References of one side: a body may state the same claim in several sentences, any of which is that side."""
    texts = [contains] if isinstance(contains, str) else contains
    return [{"doc": doc, "contains": text} for text in texts]


def _from_events(gold: dict[str, Any]) -> dict[str, Any]:
    """The gold.json layout of an annotation written per event (``events``: files, contradictions, updates).

    The style sets in tests/data annotate ``a_file``/``a_contains`` and
    ``earlier_file``/``earlier_contains``; they become the seeds' ``side_a``
    / ``side_b`` and ``earlier`` / ``later`` references; a contradiction's
    ``a_contains`` / ``b_contains`` may be a list of the sentences of one body
    that state the same claim (any of them is that side). An event's
    ``agreements`` (``a_file``/``a_contains``/``b_file``/``b_contains``, as in
    tests/data/contradictions_real) become agreements with two evidence references.
    """
    if "events" not in gold:
        return gold
    converted: dict[str, Any] = {"documents": {}, "contradictions": [], "updates": [], "agreements": []}
    for event in gold["events"]:
        for name in event.get("files", []):
            converted["documents"][name] = {}
        for c in event.get("contradictions", []):
            converted["contradictions"].append(
                {
                    "about": c.get("about", ""),
                    "side_a": _refs(c["a_file"], c["a_contains"]),
                    "side_b": _refs(c["b_file"], c["b_contains"]),
                }
            )
        for u in event.get("updates", []):
            converted["updates"].append(
                {
                    "about": u.get("about", ""),
                    "earlier": {"doc": u["earlier_file"], "contains": u["earlier_contains"]},
                    "later": {"doc": u["later_file"], "contains": u["later_contains"]},
                }
            )
        for g in event.get("agreements", []):
            converted["agreements"].append(
                {
                    "about": g.get("about", ""),
                    "docs": [g["a_file"], g["b_file"]],
                    "evidence": [
                        {"doc": g["a_file"], "contains": g["a_contains"]},
                        {"doc": g["b_file"], "contains": g["b_contains"]},
                    ],
                }
            )
    return converted


def doc_key(path: str) -> str:
    """The gold key of an article path: file name, with ``:N`` for JSONL lines."""
    return Path(path).name


def side_matches(side: ClaimRef, ref: Mapping[str, Any], doc_of: Mapping[str, str], corpus: GoldCorpus) -> bool:
    """Whether a predicted comparison side refers to the gold reference ``ref``."""
    if doc_of.get(side.article) != ref.get("doc"):
        return False
    text = " ".join(side.text.split()).lower()
    contains = " ".join(str(ref.get("contains", "")).split()).lower()
    if contains:
        # A line may hold both sides ("police say X. But his lawyer says not X"): the quoted part decides.
        if contains in text or (len(text) > 15 and text in contains):
            return True
        words, wanted = _words(text), _words(contains)
        return bool(wanted) and len(words & wanted) / len(wanted) >= 0.8
    line = corpus.line(ref["doc"], ref.get("line"))
    if not line:
        return False
    words, line_words = _words(text), _words(line)
    return bool(words) and len(words & line_words) / len(words) >= 0.6


def _matches_pair(
    c: Comparison,
    first: Sequence[Mapping[str, Any]],
    second: Sequence[Mapping[str, Any]],
    doc_of: Mapping[str, str],
    corpus: GoldCorpus,
) -> bool:
    def on(side: ClaimRef, refs: Sequence[Mapping[str, Any]]) -> bool:
        return any(side_matches(side, r, doc_of, corpus) for r in refs)

    return (on(c.a, first) and on(c.b, second)) or (on(c.a, second) and on(c.b, first))


def score_comparisons(analysis: Analysis, corpus: GoldCorpus) -> dict[str, Any]:
    """Score an analysis' comparisons against the corpus annotation.

    Returns:
        Contradiction precision/recall/F1 (pairs), the gold contradictions found,
        updates labelled update vs. contradiction, agreements found, and the
        wrong contradictions for inspection.
    """
    doc_of = {a.id: doc_key(a.path) for a in analysis.articles}
    gold = corpus.gold
    predicted = [c for s in analysis.stories for c in s.comparisons]
    contradictions = [c for c in predicted if c.relation == "contradict"]
    gold_contradictions = gold.get("contradictions", [])
    correct = [
        c
        for c in contradictions
        if any(_matches_pair(c, g["side_a"], g["side_b"], doc_of, corpus) for g in gold_contradictions)
    ]
    found = [
        g["about"]
        for g in gold_contradictions
        if any(_matches_pair(c, g["side_a"], g["side_b"], doc_of, corpus) for c in contradictions)
    ]
    updates = gold.get("updates", [])
    flagged_updates = [c for c in predicted if c.relation == "update"]
    as_update = as_contradiction = 0
    for u in updates:
        pair = ([u["earlier"]], [u["later"]])
        if any(_matches_pair(c, *pair, doc_of, corpus) for c in flagged_updates):
            as_update += 1
        if any(_matches_pair(c, *pair, doc_of, corpus) for c in contradictions):
            as_contradiction += 1
    updates_correct = sum(
        any(_matches_pair(c, [u["earlier"]], [u["later"]], doc_of, corpus) for u in updates) for c in flagged_updates
    )
    agreements = gold.get("agreements", [])
    flagged_agreements = [c for c in predicted if c.relation == "agree"]
    agreed = 0
    for g in agreements:
        refs = g.get("evidence", [])
        if any(_matches_pair(c, refs, refs, doc_of, corpus) for c in flagged_agreements):
            agreed += 1
    # An agreement is wrong when its two sides are the two sides of an annotated contradiction.
    agreements_on_contradictions = sum(
        any(_matches_pair(c, g["side_a"], g["side_b"], doc_of, corpus) for g in gold_contradictions)
        for c in flagged_agreements
    )
    # The product's unit is the dispute: it is right when its two sides hold the two sides of an annotated one.
    disputes = [d for s in analysis.stories for d in s.disputes]

    def settles(d: Dispute, g: Mapping[str, Any]) -> bool:
        def on(side: DisputeSide, refs: Sequence[Mapping[str, Any]]) -> bool:
            return any(side_matches(c, r, doc_of, corpus) for c in side.claims for r in refs)

        first, second = d.sides[0], d.sides[1]
        return (on(first, g["side_a"]) and on(second, g["side_b"])) or (
            on(first, g["side_b"]) and on(second, g["side_a"])
        )

    two_sided = [d for d in disputes if len(d.sides) == 2]
    disputes_right = sum(any(settles(d, g) for g in gold_contradictions) for d in two_sided)
    gold_disputed = sum(any(settles(d, g) for d in two_sided) for g in gold_contradictions)
    precision = len(correct) / len(contradictions) if contradictions else 1.0
    recall = len(found) / len(gold_contradictions) if gold_contradictions else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "contradictions_predicted": len(contradictions),
        "contradictions_correct": len(correct),
        "contradiction_precision": round(precision, 3),
        "gold_contradictions": len(gold_contradictions),
        "gold_contradictions_found": len(found),
        "contradiction_recall": round(recall, 3),
        "contradiction_f1": round(f1, 3),
        "gold_updates": len(updates),
        "updates_predicted": len(flagged_updates),
        "updates_correct": updates_correct,
        "update_precision": round(updates_correct / len(flagged_updates), 3) if flagged_updates else None,
        "update_recall": round(as_update / len(updates), 3) if updates else None,
        "updates_labelled_update": as_update,
        "updates_labelled_contradiction": as_contradiction,
        "gold_agreements": len(agreements),
        "agreements_found": agreed,
        "agreements_predicted": len(flagged_agreements),
        "agreements_on_annotated_contradictions": agreements_on_contradictions,
        "disputes": len(disputes),
        "disputes_annotated": disputes_right,
        "dispute_precision": round(disputes_right / len(disputes), 3) if disputes else None,
        "gold_contradictions_disputed": gold_disputed,
        "wrong_contradictions": [c.explanation for c in contradictions if c not in correct],
    }


FUNNEL_STAGES = (
    "no claim holds a side",
    "sides in different stories",
    "not a candidate pair",
    "candidate, not read (pair budget)",
    "read, not labelled a contradiction",
    "found",
)
"""Where an annotated contradiction is lost, in the order comparison works (:func:`contradiction_funnel`)."""


def story_sides(analysis: Analysis, settings: CompareSettings) -> Iterator[tuple[Story, list[ClaimSide]]]:
    """Each story with two or more claim sides, and its sides as comparison forms them (republished copies left
    out)."""
    from newsdesk.compare.align import claim_sides

    copies = {a.id for a in analysis.articles if a.duplicate_of}
    for story in analysis.stories:
        members = set(story.articles) - copies
        claims = [c for c in analysis.claims if c.article in members]
        sides = claim_sides(story, analysis.articles, claims, analysis.entities, settings, analysis.quotes)
        if len(sides) >= 2:
            yield story, sides


def contradiction_funnel(analysis: Analysis, corpus: GoldCorpus, settings: CompareSettings) -> dict[str, int]:
    """How far each annotated contradiction gets through comparison: the furthest stage any of its claim pairs reaches.

    The stages (:data:`FUNNEL_STAGES`): a claim holds each side; both sides' claims are in one story; the two
    claims are a candidate pair (:func:`~newsdesk.compare.align.candidates`); the pair model reads the pair
    (:func:`~newsdesk.compare.align.within_budget`); the pair is labelled a contradiction (the analysis'
    comparisons). It forms the stories' candidates again, as comparison formed them, so it costs another
    embedding of every claim.

    Returns:
        Stage -> the number of annotated contradictions whose furthest stage it is.
    """
    from newsdesk.compare import CompareModels
    from newsdesk.compare.align import candidates, within_budget

    doc_of = {a.id: doc_key(a.path) for a in analysis.articles}
    gold = corpus.gold.get("contradictions", [])
    models = CompareModels()
    reached = [0] * len(gold)

    def refs(claims: Sequence[Claim]) -> list[ClaimRef]:
        return [ClaimRef(article=c.article, text=c.text, holder=c.holder) for c in claims]

    def holding(claims: Sequence[ClaimRef], side: Sequence[Mapping[str, Any]]) -> list[int]:
        return [k for k, c in enumerate(claims) if any(side_matches(c, r, doc_of, corpus) for r in side)]

    every = refs(analysis.claims)
    for k, g in enumerate(gold):
        if holding(every, g["side_a"]) and holding(every, g["side_b"]):
            reached[k] = 1
    for _, sides in story_sides(analysis, settings):
        own = refs([s.claim for s in sides])
        pairs = candidates(sides, models.sentence_encoder().embed([s.reading for s in sides]), settings)
        read = {(i, j) for i, j, _ in within_budget(sides, pairs, models.contradiction_scorer(), settings)}
        candidate = {(i, j) for i, j, _ in pairs}
        for k, g in enumerate(gold):
            for i in holding(own, g["side_a"]):
                for j in holding(own, g["side_b"]):
                    if i == j:
                        continue
                    pair = (min(i, j), max(i, j))
                    stage = 4 if pair in read else 3 if pair in candidate else 2
                    reached[k] = max(reached[k], stage)
    contradictions = [c for s in analysis.stories for c in s.comparisons if c.relation == "contradict"]
    for k, g in enumerate(gold):
        if any(_matches_pair(c, g["side_a"], g["side_b"], doc_of, corpus) for c in contradictions):
            reached[k] = 5
    return {stage: reached.count(n) for n, stage in enumerate(FUNNEL_STAGES)}


def evaluate_contradictions(gold_path: Path, docs_dir: Path | None = None, *, funnel: bool = False) -> dict[str, Any]:
    """Analyse the documents of a gold.json corpus in memory and score the comparisons.

    Args:
        gold_path: The annotation.
        docs_dir: Folder of its documents (else beside it).
        funnel: Also say where the annotated contradictions not found were lost
            (:func:`contradiction_funnel`; embeds every claim once more).
    """
    from newsdesk.pipeline import analyze
    from newsdesk.settings import Settings
    from newsdesk.storage import MemoryStore

    corpus = GoldCorpus(gold_path, docs_dir)
    settings = Settings()
    with MemoryStore() as store:
        analysis = analyze(corpus.document_paths(), store, settings)
    result = score_comparisons(analysis, corpus)
    if funnel:
        result["funnel"] = contradiction_funnel(analysis, corpus, settings.compare)
    result["problems"] = [f"{p.path}: {p.reason}" for p in analysis.problems]
    return result


def format_contradictions_report(result: Mapping[str, Any]) -> str:
    """A terminal summary of :func:`evaluate_contradictions`."""
    lines = [
        f"contradictions: {result['contradictions_correct']}/{result['contradictions_predicted']} flagged are real "
        f"(precision {result['contradiction_precision']:.3f}); "
        f"{result['gold_contradictions_found']}/{result['gold_contradictions']} gold found "
        f"(recall {result['contradiction_recall']:.3f}, F1 {result['contradiction_f1']:.3f})",
        f"updates: {result['updates_labelled_update']}/{result['gold_updates']} labelled update, "
        f"{result['updates_labelled_contradiction']} labelled contradiction; "
        f"{result['updates_correct']}/{result['updates_predicted']} flagged updates annotated",
        f"agreements: {result['agreements_found']}/{result['gold_agreements']} found; "
        f"{result['agreements_predicted']} flagged, {result['agreements_on_annotated_contradictions']} of them "
        f"on the two sides of an annotated contradiction",
        f"disputes: {result['disputes_annotated']}/{result['disputes']} hold an annotated contradiction "
        f"on their two sides; {result['gold_contradictions_disputed']}/{result['gold_contradictions']} annotated "
        "contradictions are on the two sides of a dispute",
    ]
    if result.get("funnel"):
        lines.append(
            "annotated contradictions by how far they got: "
            + "; ".join(f"{stage} {n}" for stage, n in result["funnel"].items())
        )
    if result.get("wrong_contradictions"):
        lines.append("flagged but not in the annotation:")
        lines.extend(f"  - {text}" for text in result["wrong_contradictions"])
    return "\n".join(lines)

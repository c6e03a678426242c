"""Score quote attribution against a PolNeAR-format corpus.

PolNeAR (Newell et al., LREC 2018) annotates attributions in political news
as BRAT standoff files: each attribution has a *Content*, a *Cue* and usually
a *Source* span. The layout read here is the corpus's own::

    <split>/text/<name>.txt
    <split>/attributions/<name>_<annotator>.ann

(a flat folder holding both kinds of files works too). A few articles were
annotated by several annotators; the annotation whose annotator id sorts
first is used, so scores are reproducible.

Scoring rules:

1. Text is split into word tokens (``\\w+``); punctuation and quote marks do not count.
2. A predicted content matches a gold content when they share at least half
   of the tokens of the longer one: ``overlap / max(len_pred, len_gold) >= 0.5``.
   Pairs are matched one to one, greedily by decreasing overlap ratio.
3. Precision = matched / predicted, recall = matched / gold.
4. Source accuracy is computed on matched pairs whose gold attribution has a
   Source. The predicted speaker is right when (a) the text span where the
   speaker is expressed (pronoun, role noun or name, before resolution)
   shares a token with the gold Source span, or (b) a word of the resolved
   speaker name (ignoring case, honorifics and stop words) occurs in the gold
   Source span, i.e. both name the same person or group. A speaker left
   unresolved (no name: an unresolved pronoun, a description that names no
   one) may still be right by its span; ``source_unresolved`` counts them and
   ``source_accuracy_given`` is the accuracy of the speakers named
   (``source_correct_given`` of ``source_evaluated - source_unresolved``).
5. PolNeAR annotates every attribution, including beliefs and stances whose
   cue is not a speech verb ("Trump *wants* a wall", "voters *backing*
   Sanders"); newsdesk only looks for speech. So recall is also split by gold
   cue: ``speech`` when the cue holds a verb of :data:`SPEECH_CUES` (a fixed
   list of verbs of saying, kept apart from the extractor's own lexicon so
   tuning the extractor cannot move the scope), *according to* or a colon;
   ``other`` otherwise. The ``speech_scope`` scores keep only speech gold
   attributions and set aside predictions that matched an ``other`` one (they
   are neither right nor wrong there); the headline precision/recall/F1 use
   every gold attribution.

By default the first line of every file (the headline) is left out of both
predictions and gold, because newsdesk extracts quotes from
:attr:`newsdesk.model.Article.text`, which never includes the title.

Run on the dev split with::

    python -m newsdesk.evaluation.attribution /path/to/polnear/dev
"""

from __future__ import annotations

import argparse
import bisect
import json
import logging
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from newsdesk.enrich.nlp import DEFAULT_MODEL, load_pipeline
from newsdesk.enrich.quotes import Attribution, find_attributions

logger = logging.getLogger(__name__)

MATCH_THRESHOLD = 0.5

_WORD_RE = re.compile(r"\w+")
_T_LINE_RE = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t")
_NAME_STOPWORDS = frozenset(
    {"the", "a", "an", "of", "for", "and", "in", "at", "on", "mr", "mrs", "ms", "dr", "s", "to", "from"}
)

Segments = tuple[tuple[int, int], ...]

#: Lemmas of verbs of saying that define the ``speech`` scope of the gold data.
SPEECH_CUES: frozenset[str] = frozenset(
    {
        "say", "tell", "write", "add", "claim", "insist", "warn", "confirm", "deny", "announce", "report",
        "state", "explain", "note", "argue", "ask", "reply", "respond", "declare", "tweet", "post", "comment",
        "remark", "admit", "acknowledge", "suggest", "stress", "predict", "promise", "vow", "pledge", "recall",
        "reveal", "assert", "contend", "maintain", "complain", "testify", "continue", "shout", "yell",
    }
)  # fmt: skip


@dataclass(slots=True, frozen=True)
class GoldAttribution:
    """One annotated attribution: character segments of its three parts."""

    content: Segments
    source: Segments
    cue: Segments


@dataclass(slots=True, frozen=True)
class Document:
    """A text file and the annotation file chosen for it."""

    name: str
    text_path: Path
    ann_path: Path


def find_documents(data_dir: Path) -> list[Document]:
    """Pair each ``.txt`` with one ``.ann`` whose name adds an annotator suffix.

    Args:
        data_dir: A PolNeAR split folder (with ``text/`` and ``attributions/``)
            or a flat folder holding both kinds of files.

    Returns:
        Documents sorted by name; texts without an annotation are skipped.

    Raises:
        FileNotFoundError: If ``data_dir`` holds no text files.
    """
    text_dir = data_dir / "text" if (data_dir / "text").is_dir() else data_dir
    ann_dir = data_dir / "attributions" if (data_dir / "attributions").is_dir() else data_dir
    texts = {p.stem: p for p in text_dir.glob("*.txt")}
    if not texts:
        raise FileNotFoundError(f"no .txt files in {text_dir}; pass a PolNeAR split folder such as .../dev")
    annotations: dict[str, Path] = {}
    for ann in sorted(ann_dir.glob("*.ann")):
        stem, sep, _annotator = ann.stem.rpartition("_")
        name = stem if sep and stem in texts else ann.stem
        if name in texts and name not in annotations:
            annotations[name] = ann
    missing = len(texts) - len(annotations)
    if missing:
        logger.warning("%d text files have no annotation file and are skipped", missing)
    return [Document(n, texts[n], annotations[n]) for n in sorted(annotations)]


def read_brat(path: Path) -> list[GoldAttribution]:
    """Read the attributions of one PolNeAR BRAT ``.ann`` file.

    Args:
        path: The annotation file.

    Returns:
        Attributions with content, source and cue segments (source may be empty).
    """
    spans: dict[str, Segments] = {}
    events: list[list[tuple[str, str]]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _T_LINE_RE.match(line)
        if match:
            segments = tuple((int(a), int(b)) for a, b in (part.split() for part in match.group(3).split(";")))
            spans[match.group(1)] = segments
        elif line.startswith("E") and "\t" in line:
            args = line.split("\t")[1].split()
            events.append([tuple(arg.split(":", 1)) for arg in args if ":" in arg])  # type: ignore[misc]
    gold = []
    for event in events:
        parts: dict[str, list[tuple[int, int]]] = {"Content": [], "Source": [], "Cue": []}
        for role, ref in event:
            key = re.sub(r"\d+$", "", role)
            if key in parts and ref in spans:
                parts[key].extend(spans[ref])
        if parts["Content"]:
            gold.append(
                GoldAttribution(
                    content=tuple(sorted(parts["Content"])),
                    source=tuple(sorted(parts["Source"])),
                    cue=tuple(sorted(parts["Cue"])),
                )
            )
    return gold


class _Tokens:
    """Word tokens of one text, to turn character spans into token sets."""

    def __init__(self, text: str) -> None:
        words = [(m.start(), m.end()) for m in _WORD_RE.finditer(text)]
        self.starts = [s for s, _ in words]
        self.ends = [e for _, e in words]

    def of(self, segments: Segments) -> frozenset[int]:
        found: set[int] = set()
        for start, end in segments:
            first = bisect.bisect_right(self.ends, start)
            last = bisect.bisect_left(self.starts, end)
            found.update(range(first, last))
        return frozenset(found)


def match_contents(
    predicted: Sequence[frozenset[int]], gold: Sequence[frozenset[int]], threshold: float = MATCH_THRESHOLD
) -> list[tuple[int, int]]:
    """Match predicted to gold contents one to one, best overlap first.

    Args:
        predicted: Token sets of the predicted contents.
        gold: Token sets of the gold contents.
        threshold: Minimal ``overlap / max(len_pred, len_gold)``.

    Returns:
        ``(predicted_index, gold_index)`` pairs.
    """
    scored = []
    for i, pred in enumerate(predicted):
        for j, ref in enumerate(gold):
            if not pred or not ref:
                continue
            overlap = len(pred & ref)
            if overlap:
                ratio = overlap / max(len(pred), len(ref))
                if ratio >= threshold:
                    scored.append((ratio, i, j))
    scored.sort(key=lambda x: (-x[0], x[1], x[2]))
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for _, i, j in scored:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            pairs.append((i, j))
    return pairs


def source_matches(text: str, tokens: _Tokens, predicted: Attribution, gold: GoldAttribution) -> bool:
    """Apply the source rule of the module docstring to one matched pair."""
    gold_tokens = tokens.of(gold.source)
    if predicted.speaker_span is not None and tokens.of((predicted.speaker_span,)) & gold_tokens:
        return True
    if not predicted.speaker:
        return False
    gold_words = {text[tokens.starts[i] : tokens.ends[i]].lower() for i in gold_tokens}
    name_words = {w.lower() for w in _WORD_RE.findall(predicted.speaker)} - _NAME_STOPWORDS
    return bool(name_words & gold_words)


def evaluate_attribution(
    data_dir: Path,
    *,
    limit: int | None = None,
    nlp: Language | None = None,
    model: str = DEFAULT_MODEL,
    include_title: bool = False,
) -> dict[str, Any]:
    """Run spaCy and quote extraction over a PolNeAR split and score it.

    Args:
        data_dir: The split folder, e.g. ``.../polnear/dev``.
        limit: Score only the first ``limit`` documents (sorted by name).
        nlp: A loaded spaCy pipeline; loaded from ``model`` when omitted.
        model: Name of the spaCy model to load.
        include_title: Also score the first line of each file (the headline).

    Returns:
        Counts, precision/recall/F1 of contents, source accuracy, a breakdown
        by direct/reported predictions, the same scores for the rules alone
        (``rules_only``, the baseline: neither the reading nor the cue model), and timings.
    """
    documents = find_documents(Path(data_dir))[:limit]
    if nlp is None:
        nlp = load_pipeline(model)
    bodies: list[tuple[int, str]] = []
    golds: list[list[GoldAttribution]] = []
    texts: list[str] = []
    for doc_info in documents:
        text = doc_info.text_path.read_text(encoding="utf-8")
        offset = 0 if include_title else _body_start(text)
        texts.append(text)
        bodies.append((offset, text[offset:]))
        golds.append([g for g in read_brat(doc_info.ann_path) if g.content[0][0] >= offset])

    started = time.perf_counter()
    parsed = list(nlp.pipe(body for _, body in bodies))
    parse_seconds = time.perf_counter() - started
    started = time.perf_counter()
    predictions = [find_attributions(body, doc) for (_, body), doc in zip(bodies, parsed, strict=True)]
    extract_seconds = time.perf_counter() - started
    # The baseline in the same run: the rules without the learned cue model.
    rule_predictions = [find_attributions(body, doc, cues=False) for (_, body), doc in zip(bodies, parsed, strict=True)]

    counts = {
        "predicted": 0,
        "gold": 0,
        "matched": 0,
        "source_evaluated": 0,
        "source_correct": 0,
        "source_unresolved": 0,
        "source_correct_given": 0,
    }
    by_kind = {k: {"predicted": 0, "matched": 0} for k in ("direct", "reported")}
    by_cue = {k: {"gold": 0, "matched": 0} for k in ("speech", "other")}
    scope = {"predicted": 0, "gold": 0, "matched": 0}
    rules = {"predicted": 0, "gold": 0, "matched": 0}
    words = 0
    for text, (offset, body), gold, preds, rule_preds, doc in zip(
        texts, bodies, golds, predictions, rule_predictions, parsed, strict=True
    ):
        words += len(body.split())
        shifted = [_shift(p, offset) for p in preds]
        tokens = _Tokens(text)
        pred_sets = [tokens.of(p.segments) for p in shifted]
        gold_sets = [tokens.of(g.content) for g in gold]
        pairs = match_contents(pred_sets, gold_sets)
        rules["predicted"] += len(rule_preds)
        rules["gold"] += len(gold)
        rules["matched"] += len(match_contents([tokens.of(_shift(p, offset).segments) for p in rule_preds], gold_sets))
        counts["predicted"] += len(shifted)
        counts["gold"] += len(gold)
        counts["matched"] += len(pairs)
        for p in shifted:
            by_kind["direct" if p.direct else "reported"]["predicted"] += 1
        speech = [_speech_cue(doc, g, offset) for g in gold]
        for is_speech in speech:
            by_cue["speech" if is_speech else "other"]["gold"] += 1
        for i, j in pairs:
            by_kind["direct" if shifted[i].direct else "reported"]["matched"] += 1
            by_cue["speech" if speech[j] else "other"]["matched"] += 1
            if gold[j].source:
                counts["source_evaluated"] += 1
                right = source_matches(text, tokens, shifted[i], gold[j])
                counts["source_correct"] += right
                if shifted[i].speaker is None:
                    counts["source_unresolved"] += 1
                else:
                    counts["source_correct_given"] += right
        # Speech scope: predictions matching an out-of-scope gold attribution are set aside.
        scope["gold"] += sum(speech)
        scope["matched"] += sum(1 for _, j in pairs if speech[j])
        scope["predicted"] += len(shifted) - sum(1 for _, j in pairs if not speech[j])

    precision = _ratio(counts["matched"], counts["predicted"])
    recall = _ratio(counts["matched"], counts["gold"])
    total_seconds = parse_seconds + extract_seconds
    return {
        "data_dir": str(data_dir),
        "documents": len(documents),
        "words": words,
        **counts,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(_ratio(2 * precision * recall, precision + recall), 4),
        "source_accuracy": round(_ratio(counts["source_correct"], counts["source_evaluated"]), 4),
        "source_accuracy_given": round(
            _ratio(counts["source_correct_given"], counts["source_evaluated"] - counts["source_unresolved"]), 4
        ),
        "by_kind": {k: {**v, "precision": round(_ratio(v["matched"], v["predicted"]), 4)} for k, v in by_kind.items()},
        "speech_scope": _prf(scope),
        "rules_only": _prf(rules),
        "gold_by_cue": {k: {**v, "recall": round(_ratio(v["matched"], v["gold"]), 4)} for k, v in by_cue.items()},
        "seconds": {
            "parse": round(parse_seconds, 3),
            "extract": round(extract_seconds, 3),
            "articles_per_second": round(_ratio(len(documents), total_seconds), 2),
        },
    }


def _speech_cue(doc: Doc, gold: GoldAttribution, offset: int) -> bool:
    """Tell whether a gold cue is a speech verb newsdesk looks for (or *according to*, or a colon)."""
    for start, end in gold.cue:
        span = doc.char_span(start - offset, end - offset, alignment_mode="expand")
        if span is None:
            continue
        for tok in span:
            lemma = tok.lemma_.lower()
            if lemma in SPEECH_CUES or tok.lower_ == "according" or tok.text == ":":
                return True
    return False


def _body_start(text: str) -> int:
    """Offset of the first character after the headline line."""
    newline = text.find("\n")
    return len(text) if newline < 0 else newline + 1


def _shift(att: Attribution, offset: int) -> Attribution:
    if not offset:
        return att

    def move(span: tuple[int, int] | None) -> tuple[int, int] | None:
        return None if span is None else (span[0] + offset, span[1] + offset)

    return replace(
        att,
        segments=tuple((s + offset, e + offset) for s, e in att.segments),
        speaker_span=move(att.speaker_span),
        cue_span=move(att.cue_span),
    )


def _prf(counts: dict[str, int]) -> dict[str, float]:
    precision = _ratio(counts["matched"], counts["predicted"])
    recall = _ratio(counts["matched"], counts["gold"])
    f1 = _ratio(2 * precision * recall, precision + recall)
    return {**counts, "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def _ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


def format_attribution_report(result: Mapping[str, Any]) -> str:
    """A terminal summary of :func:`evaluate_attribution`."""
    scope, rules, speed = result["speech_scope"], result["rules_only"], result["seconds"]
    lines = [
        f"{result['documents']} documents, {result['words']} words, {result['gold']} gold attributions",
        f"Contents (all attributions): P {result['precision']:.3f}  R {result['recall']:.3f}  "
        f"F1 {result['f1']:.3f}  ({result['matched']} matched / {result['predicted']} predicted)",
        f"Contents (speech cues only):  P {scope['precision']:.3f}  R {scope['recall']:.3f}  "
        f"F1 {scope['f1']:.3f}  ({scope['matched']} matched / {scope['gold']} gold)",
        f"Baseline, rules without the learned models: P {rules['precision']:.3f}  R {rules['recall']:.3f}  "
        f"F1 {rules['f1']:.3f}  ({rules['matched']} matched / {rules['predicted']} predicted)",
        f"Sources: accuracy {result['source_accuracy']:.3f} "
        f"({result['source_correct']} / {result['source_evaluated']} matched contents with a gold source); "
        f"{result['source_unresolved']} left unresolved, accuracy of the speakers given "
        f"{result['source_accuracy_given']:.3f}",
    ]
    for kind, counts in result["by_kind"].items():
        lines.append(f"  {kind}: {counts['predicted']} predicted, precision {counts['precision']:.3f}")
    for kind, counts in result["gold_by_cue"].items():
        lines.append(f"  gold {kind} cues: {counts['gold']}, recall {counts['recall']:.3f}")
    lines.append(
        f"Time: parse {speed['parse']} s, extract {speed['extract']} s, "
        f"{speed['articles_per_second']} articles/s (one process)"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: print the report (or the result as JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("data_dir", type=Path, help="PolNeAR split folder, e.g. .../polnear/dev")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N documents")
    parser.add_argument("--model", default=DEFAULT_MODEL, help="spaCy model name")
    parser.add_argument("--include-title", action="store_true", help="also score the headline line")
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    result = evaluate_attribution(args.data_dir, limit=args.limit, model=args.model, include_title=args.include_title)
    print(json.dumps(result, indent=2) if args.json else format_attribution_report(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

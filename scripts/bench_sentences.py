"""Sentence ends of the claim splitter (`newsdesk.sentences`) against the spaCy parser's sentences.

The parser's sentences are a silver reference (the pinned en_core_web_sm, with
newsdesk's line-break starts): precision is the share of the splitter's ends the
parser also ends a sentence at, recall the share of the parser's ends it finds.
Article texts are read from a folder of ``.txt`` files (PolNeAR or FNC-1 bodies
written by ``scripts/fnc1_docs.py``).

Usage::

    .venv/bin/python scripts/bench_sentences.py ../shared/data/polnear/dev/text --limit 84
"""

from __future__ import annotations

import argparse
from pathlib import Path

from newsdesk.enrich.nlp import load_pipeline
from newsdesk.sentences import sentence_spans


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path, help="folder of .txt article texts")
    parser.add_argument("--limit", type=int, default=100, help="first N files (sorted by name)")
    args = parser.parse_args(argv)
    nlp = load_pipeline()
    found = predicted = reference = 0
    for path in sorted(args.folder.glob("*.txt"))[: args.limit]:
        text = path.read_text(encoding="utf-8")
        # A sentence ends where its text ends, before any space or line break the parser counts in it.
        parsed = {len(text[: s.end_char].rstrip()) for s in nlp(text).sents if s.text.strip()}
        ends = {end for _, end in sentence_spans(text)}
        found += len(ends & parsed)
        predicted += len(ends)
        reference += len(parsed)
    precision, recall = found / max(predicted, 1), found / max(reference, 1)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"sentence ends: precision {precision:.3f}, recall {recall:.3f}, F1 {f1:.3f}", end=" ")
    print(f"({predicted} found, {reference} parser ends)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The contradiction scorer's matching of predicted claims to gold references."""

from __future__ import annotations

import json
from pathlib import Path

from newsdesk.evaluation.contradictions import GoldCorpus, side_matches
from newsdesk.model import ClaimRef


def test_a_side_matches_its_line_when_the_contains_text_runs_past_the_claim(tmp_path: Path) -> None:
    doc = tmp_path / "club.txt"
    doc.write_text(
        "Club board meets\n"
        "Ana Ruiz, who chairs the rowing club, is not under investigation, according to the board.\n"
        "The board will meet again in May.\n",
        encoding="utf-8",
    )
    gold = tmp_path / "gold.json"
    gold.write_text(json.dumps({"contradictions": []}), encoding="utf-8")
    corpus = GoldCorpus(gold)
    ref = {"doc": "club.txt", "line": 2, "contains": "is not under investigation, according to the board"}
    doc_of = {"a1": "club.txt"}
    # The claim is the reported content without its attribution: the contains text is not in it, the line is.
    claim = ClaimRef(
        article="a1", text="Ana Ruiz, who chairs the rowing club, is not under investigation", holder="board"
    )
    assert side_matches(claim, ref, doc_of, corpus)
    other_line = ClaimRef(article="a1", text="The board will meet again in May.", holder=None)
    assert not side_matches(other_line, ref, doc_of, corpus)
    assert not side_matches(claim, {k: v for k, v in ref.items() if k != "line"}, doc_of, corpus)

"""Scoring an analysis against a contradiction annotation: pairs, disputes, updates."""

from __future__ import annotations

import json
from pathlib import Path

from newsdesk.compare import CompareSettings
from newsdesk.evaluation.contradictions import (
    FUNNEL_STAGES,
    GoldCorpus,
    contradiction_funnel,
    evaluate_contradictions,
    format_contradictions_report,
    score_comparisons,
)
from newsdesk.model import Analysis, Article, ClaimRef, Comparison, Dispute, DisputeSide, Story


def _corpus(tmp_path: Path) -> GoldCorpus:
    gold = {
        "documents": {"a.txt": {}, "b.txt": {}},
        "events": [
            {
                "event": "flood",
                "files": ["a.txt", "b.txt"],
                "contradictions": [
                    {
                        "a_file": "a.txt",
                        "a_contains": "the dam held all night",
                        "b_file": "b.txt",
                        "b_contains": "the dam broke before dawn",
                        "about": "whether the dam broke",
                    }
                ],
                "updates": [],
            }
        ],
    }
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(gold), encoding="utf-8")
    return GoldCorpus(path)


def _pair(relation: str, a: str, b: str) -> Comparison:
    return Comparison(
        about="",
        relation=relation,  # type: ignore[arg-type]
        kind="",
        explanation=f"{a} / {b}",
        score=0.9,
        a=ClaimRef(article="A", text=a, holder="mayor"),
        b=ClaimRef(article="B", text=b, holder="residents"),
    )


def _analysis(comparisons: list[Comparison], disputes: list[Dispute]) -> Analysis:
    articles = [Article(id=i, path=f"/x/{i.lower()}.txt", title=i, paragraphs=["text"]) for i in ("A", "B")]
    story = Story(id="s", title="flood", articles=["A", "B"], comparisons=comparisons, disputes=disputes)
    return Analysis(articles=articles, stories=[story])


def _dispute(left: str, right: str) -> Dispute:
    def side(article: str, text: str) -> DisputeSide:
        return DisputeSide(claims=[ClaimRef(article=article, text=text, holder=None)], holders=[], outlets=[])

    return Dispute(id="d", about="", explanation="", score=0.9, sides=[side("A", left), side("B", right)])


def test_a_flagged_pair_on_the_annotated_sides_is_found_and_others_lower_precision(tmp_path: Path) -> None:
    right = _pair("contradict", "The mayor said the dam held all night.", "Residents say the dam broke before dawn.")
    wrong = _pair("contradict", "The mayor thanked the volunteers.", "Residents counted the boats.")
    result = score_comparisons(_analysis([right, wrong], []), _corpus(tmp_path))
    assert result["gold_contradictions_found"] == 1
    assert result["contradictions_correct"] == 1
    assert result["contradiction_precision"] == 0.5
    assert result["wrong_contradictions"] == [wrong.explanation]


def test_an_agreement_or_nothing_does_not_find_the_contradiction(tmp_path: Path) -> None:
    agree = _pair("agree", "the dam held all night", "the dam broke before dawn")
    result = score_comparisons(_analysis([agree], []), _corpus(tmp_path))
    assert result["gold_contradictions_found"] == 0
    assert result["agreements_on_annotated_contradictions"] == 1


def test_a_dispute_counts_when_its_two_sides_hold_the_two_annotated_sides(tmp_path: Path) -> None:
    good = _dispute("the dam held all night", "the dam broke before dawn")
    one_sided = _dispute("the dam held all night", "the volunteers came by boat")
    result = score_comparisons(_analysis([], [good, one_sided]), _corpus(tmp_path))
    assert (result["disputes_annotated"], result["disputes"], result["dispute_precision"]) == (1, 2, 0.5)
    assert "1/2 hold an annotated contradiction" in format_contradictions_report(result)


def test_an_event_side_may_list_sentences_and_events_carry_agreements(tmp_path: Path) -> None:
    gold = {
        "events": [
            {
                "event": "flood",
                "files": ["a.txt", "b.txt"],
                "contradictions": [
                    {
                        "a_file": "a.txt",
                        "a_contains": ["the dam held all night", "no water came over the dam"],
                        "b_file": "b.txt",
                        "b_contains": "the dam broke before dawn",
                        "about": "whether the dam broke",
                    }
                ],
                "agreements": [
                    {
                        "a_file": "a.txt",
                        "a_contains": "the river rose two metres",
                        "b_file": "b.txt",
                        "b_contains": "the river was two metres higher",
                        "about": "the river's rise",
                    }
                ],
            }
        ]
    }
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(gold), encoding="utf-8")
    corpus = GoldCorpus(path)
    other = _pair(
        "contradict", "Officials said no water came over the dam.", "Residents say the dam broke before dawn."
    )
    agree = _pair("agree", "The river rose two metres.", "The river was two metres higher by noon.")
    result = score_comparisons(_analysis([other, agree], []), corpus)
    assert result["gold_contradictions_found"] == 1
    assert (result["gold_agreements"], result["agreements_found"]) == (1, 1)


def test_the_funnel_says_an_annotated_contradiction_without_claims_was_lost_first(tmp_path: Path) -> None:
    funnel = contradiction_funnel(_analysis([], []), _corpus(tmp_path), CompareSettings())
    assert funnel == dict.fromkeys(FUNNEL_STAGES, 0) | {"no claim holds a side": 1}


def test_the_funnel_of_a_real_analysis_accounts_for_every_annotated_contradiction(tmp_path: Path) -> None:
    (tmp_path / "police.txt").write_text(
        "Police say robbery suspect fled abroad\n\n"
        "Police in Velmora said on Monday that the suspect in the Harbour Street jewellery robbery fled the country "
        "before the raid on his flat.\n"
        "The robbery took place on Friday night, when two men broke into the jewellery shop on Harbour Street.\n",
        encoding="utf-8",
    )
    (tmp_path / "lawyer.txt").write_text(
        "Lawyer says robbery suspect is at home in Velmora\n\n"
        "The lawyer of the suspect in the Harbour Street jewellery robbery said his client never left the country "
        "and was at home during the raid.\n"
        "The robbery took place on Friday night, when two men broke into the jewellery shop on Harbour Street.\n",
        encoding="utf-8",
    )
    gold = {
        "events": [
            {
                "files": ["police.txt", "lawyer.txt"],
                "contradictions": [
                    {
                        "a_file": "police.txt",
                        "a_contains": "the Harbour Street jewellery robbery fled the country",
                        "b_file": "lawyer.txt",
                        "b_contains": "his client never left the country",
                    },
                    {
                        "a_file": "police.txt",
                        "a_contains": "a sentence neither article has",
                        "b_file": "lawyer.txt",
                        "b_contains": "his client never left the country",
                    },
                ],
            }
        ]
    }
    (tmp_path / "gold.json").write_text(json.dumps(gold), encoding="utf-8")

    result = evaluate_contradictions(tmp_path / "gold.json", funnel=True)

    funnel = result["funnel"]
    assert list(funnel) == list(FUNNEL_STAGES)
    assert sum(funnel.values()) == 2
    assert funnel["no claim holds a side"] == 1
    assert funnel["found"] == result["gold_contradictions_found"]
    assert "annotated contradictions by how far they got" in format_contradictions_report(result)

"""Claims of an article, and comparison with the shipped models on invented articles (behaviour, not quality)."""

from __future__ import annotations

from dataclasses import replace

from newsdesk.compare import CompareSettings, build_claims, compare_stories
from newsdesk.model import Article, Story
from test_align import _quote


def _article(aid: str, text: str, source: str, published: str | None = None) -> Article:
    return Article(id=aid, path=f"{aid}.txt", title=aid, paragraphs=[text], source=source, published=published)


def test_every_statement_is_a_claim_but_questions_and_fragments_are_not() -> None:
    text = (
        "The bridge over the Varo reopened to trucks on Monday.\n\n"
        "Who will pay for the repairs?\n\n"
        "More soon.\n\n"
        "The ministry blamed the contractor for the three-week delay."
    )
    claims = build_claims(_article("a1", text, "Harbour Post", "2026-03-02"), [])
    assert [c.text for c in claims] == [
        "The bridge over the Varo reopened to trucks on Monday.",
        "The ministry blamed the contractor for the three-week delay.",
    ]
    assert {c.holder for c in claims} == {"Harbour Post"}
    assert claims[0].date is not None and claims[0].date.startswith("2026-03-02")


def test_a_quote_is_a_claim_of_its_speaker_and_the_sentence_is_not_repeated() -> None:
    text = "Police spokesman Ivo Rand said that officers arrested Marek Dolny at the port on Monday."
    quote = _quote("q1", "a1", text, "officers arrested Marek Dolny at the port on Monday", "Ivo Rand", "said")
    [claim] = build_claims(_article("a1", text, "Harbour Post"), [quote])
    assert (claim.holder, claim.quote) == ("Ivo Rand", "q1")


def test_low_scored_learned_quotes_make_no_claims() -> None:
    t1 = "Police spokesman Ivo Rand said that officers arrested Marek Dolny at the port on Monday."
    a1 = _article("a1", t1, "Harbour Post")
    rule = _quote("q1", "a1", t1, "officers arrested Marek Dolny at the port on Monday", "Ivo Rand", "said")
    weak = replace(rule, score=0.31)
    story = Story(id="s-1", title="t", articles=["a1"])
    assert [c.quote for c in compare_stories([story], [a1], [rule], [])[1]] == ["q1"]
    assert [c.quote for c in compare_stories([story], [a1], [weak], [])[1]] == [None]  # the sentence stays a claim
    everything = CompareSettings(min_quote_score=0.0)
    assert [c.quote for c in compare_stories([story], [a1], [weak], [], everything)[1]] == ["q1"]


def test_shipped_models_flag_a_denial_and_a_later_toll() -> None:
    police = "Police spokesman Ivo Rand said that Marek Dolny fled the country on Monday night."
    lawyer = "His lawyer Nina Sarr denied that Marek Dolny fled the country."
    early = "At least 14 people died when the dam of Lake Varo burst, officials said."
    late = "The death toll from the Lake Varo dam burst rose to 31 people, officials said on Friday."
    articles = [
        _article("a1", f"{police}\n\n{early}", "Harbour Post", "2026-03-02"),
        _article("a2", f"{lawyer}\n\n{late}", "Orbis Today", "2026-03-04"),
    ]
    quotes = [
        _quote("q1", "a1", articles[0].text, "Marek Dolny fled the country on Monday night", "Ivo Rand", "said"),
        _quote("q2", "a2", articles[1].text, "Marek Dolny fled the country", "Nina Sarr", "denied"),
    ]
    story = Story(id="s-1", title="t", articles=["a1", "a2"])
    [compared], _ = compare_stories([story], articles, quotes, [])
    [dispute] = compared.disputes
    assert [side.holders for side in dispute.sides] == [["Ivo Rand"], ["Nina Sarr"]]
    [update] = [c for c in compared.comparisons if c.relation == "update"]
    assert "31" in update.explanation and "14" in update.explanation and update.a.article == "a1"
    assert {s.article for s in compared.stances} == {"a1", "a2"}
    assert compared.lead_claim == "a1"


def test_a_claim_is_negated_by_its_text_or_by_a_denying_cue() -> None:
    from newsdesk.compare.claims import is_negated

    # The denial frames the pair model was taught ("X ruled out that ...") count as negation too.
    assert is_negated("Investigators ruled out any mechanical failure")
    assert is_negated("the ship lost power", cue="ruled out")
    assert is_negated("the ship lost power", cue="denied")
    assert not is_negated("the ship suffered a blackout", cue="said")

"""`newsdesk eval entities` scoring: variant pairs, must-stay-apart pairs and types."""

from __future__ import annotations

from newsdesk.evaluation.entities import format_entities_report, score_entities
from newsdesk.model import Entity, Mention


def _entity(kind: str, *forms: str) -> Entity:
    mentions = [Mention(article="a1", text=f, start=k * 20, end=k * 20 + len(f)) for k, f in enumerate(forms)]
    return Entity(id=f"e-{forms[0]}", name=forms[0], kind=kind, mentions=mentions)  # type: ignore[arg-type]


GOLD = {
    "entities": [
        {"canonical": "Ana Lima", "kind": "person", "mentions": ["Ana Lima", "Lima"]},
        {"canonical": "Valmora", "kind": "place", "mentions": ["Valmora"]},
        {"canonical": "Kestrel Group", "kind": "organization", "mentions": ["Kestrel Group", "Kestrel"]},
    ],
    "must_stay_distinct": [["Ana Lima", "Valmora"]],
}


def test_types_are_scored_by_the_entity_holding_most_of_the_forms_mentions() -> None:
    entities = [
        _entity("person", "Ana Lima", "Lima", "Ana Lima"),
        _entity("person", "Valmora"),
        _entity("organization", "Kestrel Group", "Kestrel Group"),
        _entity("place", "Kestrel"),
    ]
    result = score_entities(entities, GOLD)
    assert result["types_scored"] == 3
    # Kestrel Group's forms: two mentions in an organisation, one in a place.
    assert result["types_right"] == 2
    assert result["mistyped"] == ["Valmora: person, not place"]
    assert result["pair_recall"] == 0.5
    assert "types: 2/3 right" in format_entities_report(result)


def test_gold_entities_never_found_are_not_typed() -> None:
    result = score_entities([_entity("person", "Ana Lima")], GOLD)
    assert (result["types_right"], result["types_scored"], result["type_accuracy"]) == (1, 1, 1.0)


def test_a_must_stay_apart_pair_fails_as_merged_or_as_a_name_never_found() -> None:
    gold = {**GOLD, "must_stay_distinct": [["Ana Lima", "Valmora"], ["Ana Lima", "Kestrel"], ["Lima", "Kestrel Group"]]}
    entities = [_entity("person", "Ana Lima", "Lima"), _entity("organization", "Kestrel", "Ana Lima")]
    result = score_entities(entities, gold)
    assert [item["state"] for item in result["must_stay_distinct"]] == ["not found", "merged", "not found"]
    assert [item["kept_apart"] for item in result["must_stay_distinct"]] == [False, False, False]
    entities = [_entity("person", "Ana Lima", "Lima"), _entity("place", "Valmora")]
    assert score_entities(entities, gold)["must_stay_distinct"][0]["state"] == "apart"
    report = format_entities_report(result)
    assert "must stay distinct: 0/3 kept apart, 1 merged, 2 with a form never found" in report
    assert "Ana Lima / Kestrel: NOT kept apart (merged)" in report


def test_speakers_are_scored_on_the_found_quotes_and_unresolved_counted_apart() -> None:
    from newsdesk.evaluation.speakers import GoldQuote, gold_quotes, score_speakers
    from newsdesk.model import Article, Quote

    article = Article(id="a1", path="/x/one.txt", title="t", paragraphs=["..."])

    def quote(text: str, speaker: str | None, entity: str | None = None) -> Quote:
        return Quote(
            id=text,
            article="a1",
            speaker=speaker,
            speaker_entity=entity,
            cue="said",
            text=text,
            direct=True,
            start=0,
            end=1,
        )

    people = [_entity("person", "Ana Lima"), _entity("organization", "State Hydrology Institute")]
    quotes = [
        quote("The dam failed at 4 am", "Lima", "e-Ana Lima"),
        quote("The water rose fast", "the State Institute of Hydrology"),
        quote("We were never warned", "his lawyer"),
        quote("Nobody was hurt", "Petra Novak"),
        quote("It was sabotage", "a police officer"),
    ]
    gold = gold_quotes(
        {
            "quotes": [
                {"doc": "one.txt", "contains": "dam failed", "speaker": "Ana Lima"},
                {"doc": "one.txt", "contains": "water rose", "speaker": "State Hydrology Institute"},
                {"doc": "one.txt", "contains": "never warned", "speaker": "Mario Bruni"},
                {"doc": "one.txt", "contains": "Nobody was hurt", "speaker": "Ana Lima"},
                {"doc": "one.txt", "contains": "not in the text", "speaker": "Ana Lima"},
            ],
            "documents": [{"file": "one.txt", "quotes": [{"text_contains": "sabotage", "speaker": "police officer"}]}],
        }
    )
    assert gold[-1] == GoldQuote(doc="one.txt", contains="sabotage", speaker="police officer", named=False)
    result = score_speakers([article], quotes, people, gold)
    assert (result["quotes"], result["found"], result["right"], result["unresolved"]) == (5, 4, 2, 1)
    assert result["wrong"] == ["Nobody was hurt: Petra Novak, not Ana Lima"]
    assert (result["unnamed_found"], result["unnamed_right"]) == (1, 1)


def test_forms_no_cleaned_text_holds_are_listed_apart() -> None:
    """A signature the cleaner took as a byline cannot be found by any entity step: it is named as such."""
    texts = ["Ana  Lima spoke in VALMORA.", "Kestrel said nothing."]
    result = score_entities([_entity("person", "Ana Lima")], GOLD, texts)
    assert result["missing_forms"] == ["kestrel", "kestrel group", "lima", "valmora"]
    # "Lima" is in "Ana Lima", Valmora in capitals, Kestrel alone: only "Kestrel Group" was cut away.
    assert result["forms_not_in_texts"] == ["kestrel group"]
    assert result["forms_found"] == 1  # the figures stay as they were
    assert "of which in no cleaned text (a title, byline or line cleaning removed): kestrel group" in (
        format_entities_report(result)
    )
    assert score_entities([_entity("person", "Ana Lima")], GOLD)["forms_not_in_texts"] == []

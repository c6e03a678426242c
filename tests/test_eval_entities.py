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

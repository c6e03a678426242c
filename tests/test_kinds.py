"""Entity types by evidence: the words around a name and its shape vote with the tagger (invented names)."""

from __future__ import annotations

from newsdesk.enrich.entities import FoundMention, canonicalize
from newsdesk.enrich.kinds import mention_cues, name_cues
from newsdesk.model import Mention


def _found(article: str, text: str, name: str, kind: str, nth: int = 0) -> FoundMention:
    start = -1
    for _ in range(nth + 1):
        start = text.index(name, start + 1)
    return FoundMention(mention=Mention(article=article, text=name, start=start, end=start + len(name)), kind=kind)  # type: ignore[arg-type]


def test_cues_around_a_mention() -> None:
    text = "Police in Sorvania said. Mr Pellew spoke. Ardent Freight, a shipping firm, said so."
    assert "place" in mention_cues(text, 10, 18)
    assert "person" in mention_cues(text, text.index("Pellew"), text.index("Pellew") + 6)
    start = text.index("Ardent Freight")
    assert "organization" in mention_cues(text, start, start + 14)


def test_possessives_and_works_are_not_places() -> None:
    text = "He starred in Dorn Ashby's film and wrote in Quill magazine."
    start = text.index("Dorn Ashby")
    assert "place" not in mention_cues(text, start, start + 10)
    start = text.index("Quill")
    assert "place" not in mention_cues(text, start, start + 5)


def test_a_spokesman_for_a_company_is_no_company() -> None:
    text = "Ivo Brandt, a spokesman for the company, said so."
    assert "organization" not in mention_cues(text, 0, 10)


def test_name_shapes() -> None:
    assert name_cues(("ardent", "freight", "logistics"), frozenset())["organization"] > 0
    assert name_cues(("kestrel", "international"), frozenset())["organization"] > 0
    assert name_cues(("sorvania",), frozenset({"sorvanian"}))["place"] > 0
    assert not name_cues(("sorvania",), frozenset())


def test_a_place_the_tagger_called_a_person_is_a_place() -> None:
    text = (
        "Police in Sorvania said on Monday that Sorvania would act. "
        "Sorvania has pledged reforms. The Sorvanian government agreed."
    )
    found = [
        _found("a1", text, "Sorvania", "person", 0),
        _found("a1", text, "Sorvania", "person", 1),
        _found("a1", text, "Sorvania", "person", 2),
        _found("a1", text, "Sorvanian", "place"),
    ]
    kinds = {e.name: e.kind for e in canonicalize(found, texts={"a1": text})}
    assert kinds["Sorvania"] == "place"


def test_a_company_and_a_club_the_tagger_called_people() -> None:
    text = "Ardent Bay Logistics said it would appeal. Vento Rossa have signed a striker."
    found = [_found("a1", text, "Ardent Bay Logistics", "person"), _found("a1", text, "Vento Rossa", "person")]
    kinds = {e.name: e.kind for e in canonicalize(found, texts={"a1": text})}
    assert kinds == {"Ardent Bay Logistics": "organization", "Vento Rossa": "organization"}


def test_a_person_stays_a_person() -> None:
    text = "Mr Odile Farrant, 52, said the plan was sound. Farrant, who chairs the board, agreed."
    found = [_found("a1", text, "Odile Farrant", "person"), _found("a1", text, "Farrant", "person", 1)]
    entities = canonicalize(found, texts={"a1": text})
    assert [e.kind for e in entities] == ["person"]


def test_a_role_before_a_name_makes_it_a_person() -> None:
    text = "The lawyer Mireille Vantoux denied it, opposition deputy Lucia Marsk and Vela News host Oren Dace agreed."
    for name in ("Mireille Vantoux", "Lucia Marsk", "Oren Dace"):
        start = text.index(name)
        assert mention_cues(text, start, start + len(name)) == ["person"]
    # An adjective in -ist before an organisation is no trade.
    text = "He leads the centrist Orvell Policy Center."
    start = text.index("Orvell")
    assert "person" not in mention_cues(text, start, start + len("Orvell Policy Center"))


def test_a_persons_name_is_shown_without_a_title() -> None:
    found = [
        FoundMention(mention=Mention(article="a1", text="Superintendent Grace Obuya", start=0, end=26), kind="person"),
        FoundMention(mention=Mention(article="a1", text="Superintendent Grace Obuya", start=60, end=86), kind="person"),
        FoundMention(mention=Mention(article="a2", text="Grace Obuya", start=0, end=11), kind="person"),
    ]
    [entity] = canonicalize(found)
    assert entity.name == "Grace Obuya"


def test_a_person_named_or_speaking_of_themselves() -> None:
    text = "A former staffer named Oren Falk sued. Falk himself wrote the memo. Falk also claims he was fired."
    for nth, start in enumerate([text.index("Oren Falk"), text.index("Falk himself"), text.index("Falk also")]):
        end = start + (9 if nth == 0 else 4)
        assert "person" in mention_cues(text, start, end)
    text = "Ardent Freight said it would appeal."
    assert "person" not in mention_cues(text, 0, 14)


def test_an_acronym_after_the_is_a_body_unless_a_countrys() -> None:
    text = "Both the KFPA and the US said so."
    for name, cue in (("KFPA", ["organization"]), ("US", [])):
        start = text.index(name)
        assert mention_cues(text, start, start + len(name)) == cue

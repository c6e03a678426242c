"""Role nouns as speakers ("the minister said", "the union said") on small invented sentences."""

from __future__ import annotations

import pytest
from spacy.language import Language

from newsdesk.enrich.quotes import find_attributions
from newsdesk.evaluation.speakers import GoldQuote, score_speakers
from newsdesk.model import Article, Entity, Mention, Quote


def speakers(nlp: Language, text: str) -> dict[str, str | None]:
    """The speaker of each attribution, keyed by the first words of its content."""
    return {
        " ".join(text[a.start : a.end].split()[:3]): a.speaker for a in find_attributions(text, nlp(text), cues=False)
    }


@pytest.mark.parametrize(
    ("text", "content", "speaker"),
    [
        # A title before the name.
        (
            "Interior Minister Ana Petrova visited the flooded villages on Monday.\n\n"
            "The minister said that the army would build a new dam.",
            "that the army",
            "Ana Petrova",
        ),
        # An apposition after the name.
        (
            "Maria Lopez, the interior minister, visited the flooded villages on Monday.\n\n"
            "The minister said that the army would build a new dam.",
            "that the army",
            "Maria Lopez",
        ),
        # A body's apposition.
        (
            "Air Velora, the national airline, cancelled twelve flights on Friday.\n\n"
            "The airline said that all passengers would be rebooked.",
            "that all passengers",
            "Air Velora",
        ),
        # The role noun inside an organisation's name.
        (
            "The Ministry of Health opened an inquiry into the outbreak.\n\n"
            "The ministry said that four wards were closed.",
            "that four wards",
            "Ministry of Health",
        ),
        (
            "Thousands of workers answered the call of the Union of Miners on Tuesday.\n\n"
            "The union said that the strike would go on until Friday.",
            "that the strike",
            "Union of Miners",
        ),
    ],
)
def test_a_role_noun_names_the_entity_the_article_gives_that_role(
    nlp: Language, text: str, content: str, speaker: str
) -> None:
    # A body's name is given as the article writes it, with its article ("the Ministry of Health").
    assert (speakers(nlp, text)[content] or "").removeprefix("the ").removeprefix("The ") == speaker


@pytest.mark.parametrize(("first", "second"), [("Maria Lopez", "John Keller"), ("John Keller", "Maria Lopez")])
def test_the_nearest_carrier_of_the_role_wins(nlp: Language, first: str, second: str) -> None:
    titles = {"Maria Lopez": "Interior Minister", "John Keller": "Finance Minister"}
    text = (
        f"{titles[first]} {first} opened the session on Monday.\n\n"
        f"Later in the day, {titles[second]} {second} presented the budget to the deputies.\n\n"
        "The minister said that taxes would not rise."
    )
    assert speakers(nlp, text)["that taxes would"] == second


def test_two_carriers_side_by_side_leave_the_role_unresolved(nlp: Language) -> None:
    text = (
        "Interior Minister Maria Lopez met Finance Minister John Keller on Monday.\n\n"
        "The minister said that taxes would not rise."
    )
    assert speakers(nlp, text)["that taxes would"] == "minister"


@pytest.mark.parametrize(
    ("speaker", "expected"),
    [
        ("The finance minister", "John Keller"),  # the words that narrow the role choose between two carriers
        ("The defence minister", "defence minister"),  # no carrier's statement holds them
    ],
)
def test_the_words_that_narrow_a_role_must_be_in_its_statement(nlp: Language, speaker: str, expected: str) -> None:
    text = (
        "Interior Minister Maria Lopez met Finance Minister John Keller on Monday.\n\n"
        f"{speaker} said that taxes would not rise."
    )
    assert speakers(nlp, text)["that taxes would"] == expected


def test_a_role_tied_to_another_person_is_not_the_titled_one(nlp: Language) -> None:
    text = (
        "The lawyer Mireille Ducasse represents the mayor.\n\n"
        "The lawyer of Ivan Petrov said that his client would appeal."
    )
    assert speakers(nlp, text)["that his client"] == "lawyer of Ivan Petrov"


def test_a_role_no_named_entity_carries_stays_a_description(nlp: Language) -> None:
    text = (
        "Ana Petrova visited the flooded villages on Monday.\n\nThe lawyer said that the families would sue the region."
    )
    assert speakers(nlp, text)["that the families"] == "lawyer"


def test_a_body_noun_is_not_a_persons_title(nlp: Language) -> None:
    text = (
        "Health Minister Ana Petrova visited the hospital on Monday.\n\nThe ministry said that four wards were closed."
    )
    assert speakers(nlp, text)["that four wards"] == "ministry"


def test_an_unnamed_holder_of_the_role_in_between_is_not_the_named_one(nlp: Language) -> None:
    named = "The lawyer Mireille Ducasse represents the mayor.\n\n"
    then = "The lawyer said that the families would appeal."
    # The small model tags this name as an organisation: titled with a person's role, it is a person.
    assert speakers(nlp, named + then)["that the families"] == "Mireille Ducasse"
    between = "A lawyer for the families of the victims spoke outside the court on Friday.\n\n"
    assert speakers(nlp, named + between + then)["that the families"] == "lawyer for the families of the victims"


def test_a_linked_entity_is_credited_by_its_name() -> None:
    article = Article(id="a1", path="/x/one.txt", title="t", paragraphs=["..."])
    entity = Entity(
        id="e-1",
        name="Air Velora",
        kind="organization",
        mentions=[Mention(article="a1", text="Air Velora", start=0, end=10)],
    )
    quote = Quote(
        id="q1",
        article="a1",
        speaker="the airline",
        speaker_entity="e-1",
        cue="said",
        text="all passengers would be rebooked",
        direct=False,
        start=0,
        end=1,
    )
    gold = [GoldQuote(doc="one.txt", contains="passengers would be rebooked", speaker="Air Velora")]
    result = score_speakers([article], [quote], [entity], gold)
    assert (result["right"], result["unresolved"]) == (1, 0)

"""The tagger's second look at sentences where a capitalised run was left untagged (issue 17)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from newsdesk.enrich.nlp import SecondLook


def _second_look(nlp: Language) -> SecondLook:
    component = nlp.get_pipe("newsdesk_second_look")
    assert isinstance(component, SecondLook)
    return component


def _first_look(nlp: Language, text: str) -> Doc:
    """``text`` parsed by the pipeline up to the second look."""
    with nlp.select_pipes(disable=["newsdesk_second_look", "newsdesk_stray_names"]):
        return nlp(text)


def test_a_name_after_a_title_in_title_case_is_a_person(nlp: Language) -> None:
    text = (
        "When liberal groups advocated for it, former White House Chief Of Staff Rahm Emanuel pressured them to stop."
    )
    doc = nlp(text)
    assert doc.text == text
    people = [(e.text, e.start_char) for e in doc.ents if e.label_ == "PERSON"]
    assert people == [("Rahm Emanuel", text.index("Rahm"))]
    # Without the second look the tagger finds only the White House.
    with nlp.select_pipes(disable=["newsdesk_second_look"]):
        assert [e.text for e in nlp(text).ents] == ["White House"]


def test_a_speaker_in_capitals_is_found(nlp: Language) -> None:
    doc = nlp("KAREN OSTROWSKI: We have asked the ministry for the figures and got nothing.")
    assert [(e.text, e.label_) for e in doc.ents] == [("KAREN OSTROWSKI", "PERSON")]


def test_the_variant_keeps_every_offset(nlp: Language) -> None:
    doc = _first_look(
        nlp, "Then former White House Chief Of Staff Rahm Emanuel and JAKE TAPPER spoke to the reporters there."
    )
    doc.ents = []  # as if the tagger had found nothing
    variant = _second_look(nlp)._variant(next(iter(doc.sents)))
    assert variant is not None
    text, names, titled, lowered = variant
    assert text == "Then former White House chief of staff Rahm Emanuel and Jake Tapper spoke to the reporters there."
    assert {doc[i].text for i in names} == {"Rahm", "Emanuel", "JAKE", "TAPPER"}
    assert {doc[i].text for i in titled} == {"Rahm", "Emanuel"}
    assert {doc[i].text for i in lowered} == {"Chief", "Of", "Staff"}


def test_headlines_get_no_second_look(nlp: Language) -> None:
    look = _second_look(nlp)
    for headline in (
        "MURDER MYSTERY UNFOLDING IN MISSISSIPPI.",
        "Hillary's Campaign Slogan Might as Well Be Vote for Her",
    ):
        assert look._variant(next(iter(_first_look(nlp, headline).sents))) is None


def test_common_words_are_not_names(nlp: Language) -> None:
    """A run of common words after a title ("President Executive Order") is never added."""
    doc = _first_look(nlp, "Staff Order might use it to flood the country with more workers.")
    before = [(e.start, e.end) for e in doc.ents]
    assert [(e.start, e.end) for e in _second_look(nlp)(doc).ents] == before

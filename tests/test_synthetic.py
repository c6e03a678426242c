"""The synthetic pair generator: each rewrite keeps or flips the meaning as its label says."""

from __future__ import annotations

import random

from spacy.language import Language

from newsdesk.compare.synthetic import article_pairs, change_number, hedge_number, negate, swap_roles


def _sent(nlp: Language, text: str):  # type: ignore[no-untyped-def]
    return next(iter(nlp(text).sents))


def test_negation_flips_the_reported_verb_not_the_verb_of_saying(nlp: Language) -> None:
    assert negate(_sent(nlp, "Officials said the rebels fled the city after the attack.")) == (
        "Officials said the rebels did not flee the city after the attack."
    )
    assert negate(_sent(nlp, "The border crossing is open to trucks again.")) == (
        "The border crossing is not open to trucks again."
    )
    assert negate(_sent(nlp, "The minister did not leave the country last week.")) == (
        "The minister did leave the country last week."
    )


def test_roles_swap_between_subject_and_object(nlp: Language) -> None:
    swapped = swap_roles(_sent(nlp, "Germany beat Brazil in the semi-final on Tuesday."))
    assert swapped == "Brazil beat Germany in the semi-final on Tuesday."


def test_figures_change_beyond_rounding_but_years_stay() -> None:
    rng = random.Random(3)
    changed = change_number("In 2021, 1,200 people were evacuated.", rng)
    assert changed is not None and "2021" in changed and "1,200" not in changed
    assert change_number("The law of 2019 was repealed.", rng) is None
    hedged = hedge_number("Rescuers counted 140 bodies.", rng)
    assert hedged is not None and hedged != "Rescuers counted 140 bodies." and hedged.endswith(" bodies.")


def test_an_article_gives_every_label_and_a_seed_repeats_it(nlp: Language) -> None:
    doc = nlp(
        "The army captured the northern valley on Monday after a week of fighting. "
        "Officials said 2,300 families fled to the capital during the offensive. "
        "The resistance leader has rejected the offer of talks with the government. "
        "Aid agencies warned that food supplies in the region would run out within days."
    )
    first = list(article_pairs(list(doc.sents), random.Random(5), ["Ahmad Rahimi"]))
    again = list(article_pairs(list(doc.sents), random.Random(5), ["Ahmad Rahimi"]))
    assert first == again
    assert {p.label for p in first} == {"neutral", "agree", "contradict"}
    assert all(p.a != p.b for p in first)


def test_a_denial_agrees_with_the_negated_statement(nlp: Language) -> None:
    doc = nlp(
        "The army captured the northern valley on Monday after a week of fighting. "
        "The border crossing is open to trucks again. "
        "The resistance leader has rejected the offer of talks with the government."
    )
    pairs = [p for seed in range(8) for p in article_pairs(list(doc.sents), random.Random(seed), ["Ahmad Rahimi"])]
    denials = [p for p in pairs if p.origin == "denial agrees"]
    assert denials and all(p.label == "agree" for p in denials)
    # One side is a denial frame; the other negates the statement or denies it too.
    assert all(
        any(
            w in side
            for side in (p.a, p.b)
            for w in ("denied", "rejected", "dismissed", "ruled out", "not true", "false", "untrue")
        )
        for p in denials
    )

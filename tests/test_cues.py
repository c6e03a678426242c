"""The learned attribution-cue model: candidates, fitting, scoring and its file format."""

from __future__ import annotations

import pytest
from spacy.language import Language

from newsdesk.enrich.context import Context
from newsdesk.enrich.cues import (
    CueModel,
    cue_candidates,
    default_cue_model,
    default_reading_model,
    reading_candidates,
)
from newsdesk.enrich.quotes import choose_readings, find_attributions


def test_candidates_offer_each_reading_of_a_cue(nlp: Language) -> None:
    doc = nlp("Residents want a new drainage system, the survey shows.")
    found = cue_candidates(doc, lemmas={"want"})
    assert {c.kind for c in found} >= {"dobj"}
    dobj = next(c for c in found if c.kind == "dobj")
    assert doc[slice(*dobj.pieces[0])].text == "a new drainage system"
    assert doc[dobj.holder].text == "Residents"
    assert "l=want" in dobj.features


def test_blocked_tokens_are_never_cues(nlp: Language) -> None:
    doc = nlp("Residents want a new drainage system.")
    assert cue_candidates(doc, lemmas={"want"}, blocked=[True] * len(doc)) == []


def test_fit_score_and_round_trip(nlp: Language) -> None:
    docs = [nlp(t) for t in ("Voters want change.", "Voters want change.", "Rain fell on the town.")]
    per_doc = [(d, cue_candidates(d)) for d in docs]
    candidates = [c for _, found in per_doc for c in found]
    lemmas = [d[c.cue].lemma_.lower() for d, found in per_doc for c in found]
    labels = [lemma == "want" and c.kind == "dobj" for c, lemma in zip(candidates, lemmas, strict=True)]
    model = CueModel(min_count=1, min_cues=1, C=10.0).fit(candidates, labels, lemmas)
    assert model.lemmas_ == frozenset({"want"})
    scores = model.score(candidates)
    best = max(range(len(candidates)), key=lambda k: scores[k])
    assert labels[best]
    again = CueModel.from_dict(model.to_dict())
    assert again.score(candidates) == pytest.approx(scores)


def test_other_files_are_refused() -> None:
    with pytest.raises(ValueError, match="not a cue model"):
        CueModel.from_dict({"format": "something-else"})


def test_packaged_model_loads() -> None:
    model = default_cue_model()
    assert {"say", "want"} <= model.lemmas_
    assert 0.0 < model.threshold < 1.0


def test_packaged_reading_model_loads() -> None:
    model = default_reading_model()
    assert "say" in model.lemmas_


def test_reading_candidates_put_the_rules_reading_first(nlp: Language) -> None:
    doc = nlp("The mayor said the bridge would reopen in May, a month later than planned.")
    said = next(t.i for t in doc if t.lower_ == "said")
    rule = ((said + 1, said + 8),)  # "the bridge would reopen in May"
    [group] = reading_candidates(doc, [(said, rule)])
    assert group[0].kind == "rule" and group[0].pieces == rule and "rule" in group[0].features
    others = group[1:]
    assert others and all(c.cue == said and "other" in c.features for c in others)
    assert any(f.startswith("rel=") for c in others for f in c.features)

    def words(pieces: tuple[tuple[int, int], ...]) -> set[int]:
        return {j for a, b in pieces for j in range(a, b) if not doc[j].is_punct}

    assert all(words(c.pieces) != words(rule) for c in others)  # the same words are the rules' reading


def _reader(weights: dict[str, float], threshold: float) -> CueModel:
    return CueModel.from_dict(
        {
            "format": "newsdesk-cue-model/1",
            "params": {"C": 1.0, "min_count": 1, "min_cues": 1},
            "threshold": threshold,
            "bias": 0.0,
            "lemmas": ["say"],
            "weights": weights,
            "dense": None,
        }
    )


def test_choose_readings_switches_to_a_better_reading_and_never_drops(nlp: Language) -> None:
    text = "The mayor said the bridge would reopen in May, which pleased the shops."
    doc = nlp(text)
    ctx = Context(text, doc, (), None)
    found = find_attributions(text, doc, cues=False)
    [rule] = choose_readings(ctx, found, _reader({"rule": 3.0}, 0.5))
    assert rule == found[0]  # the rules' reading scores best: kept as it is
    [other] = choose_readings(ctx, found, _reader({"other": 3.0, "rule": -3.0}, 0.5))
    assert other.segments != found[0].segments and other.cue_span == found[0].cue_span
    assert choose_readings(ctx, found, _reader({"rule": -3.0, "other": -6.0}, 0.5)) == found


def test_a_new_reading_never_takes_the_addressee_or_the_speaker(nlp: Language) -> None:
    text = "The minister told her on Monday that the plan was dead, confirmed the spokesman, Ivo Horvat."
    doc = nlp(text)
    ctx = Context(text, doc, (), None)
    found = find_attributions(text, doc, cues=False)
    for att in choose_readings(ctx, found, _reader({"other": 3.0, "rule": -3.0}, 0.5)):
        content = " ".join(text[s:e] for s, e in att.segments)
        assert not {"her", "Monday", "Horvat"} & set(content.split()), content

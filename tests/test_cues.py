"""The learned attribution-cue model: candidates, fitting, scoring and its file format."""

from __future__ import annotations

import pytest
from spacy.language import Language

from newsdesk.enrich.cues import CueModel, cue_candidates, default_cue_model


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

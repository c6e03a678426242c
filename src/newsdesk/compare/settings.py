"""Settings of claim comparison (the ``[compare]`` section of the config file)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True, kw_only=True, frozen=True)
class CompareSettings:
    """Which claims are compared, which pairs are read by the model, and its decision thresholds."""

    max_agreements: int = 20
    """Agreements kept per story (the strongest)."""
    max_quote_chars: int = 110
    """Longest claim text quoted in an explanation."""
    min_quote_score: float = 0.5
    """Quotes found by the learned cue model become claims only from this score
    (its probability that the cue really attributes the content). Rule-found
    quotes carry no score and always count. 0 keeps every quote."""
    min_similarity: float = 0.35
    """Cosine of two claims' sentence embeddings from which they are a candidate pair."""
    entity_similarity: float = 0.25
    """The lower cosine bar of two claims that name one canonical entity."""
    neighbours: int = 10
    """Nearest candidate partners kept per claim."""
    max_pairs: int = 1500
    """Candidate pairs the pair model reads per story (the most similar)."""
    pairs_per_article: int = 20
    """The pair model reads at most this many candidate pairs per article of a story: the most promising by the
    contradiction scorer's weights on what is known before the model (cosine, polarity, shared entities, sides),
    plus every pair whose figures can be compared. The model is most of comparison's time; 0 reads them all."""
    contradict_shift: float = 0.0
    """Added to the contradiction scorer's fitted threshold: below 0 flags more pairs (more recall, less
    precision), above 0 fewer."""
    agree: float = 0.5
    """P(agree) of the pair model from which two articles' claims agree."""
    agree_similarity: float = 0.5
    """Cosine from which two claims may agree (the pair model calls much of one topic agreement)."""
    min_claim_words: int = 4
    """Claims shorter than this ("the accusation") are not compared."""
    stance: bool = True
    """Measure each article's stance toward its story's lead claim (the FNC-1 stance model)."""

"""Claims: the checkable statements of an article, with who holds them.

A claim is either an attribution (a quote or reported speech; the holder is the
speaker) or a statement the outlet makes itself: every sentence of five words
or more that is not a question and holds no quote (figures, statuses, outcomes,
causes, blame; which of them matter is for the pair model to tell).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from newsdesk.compare.stance import REFUTE
from newsdesk.enrich.dates import resolve_date
from newsdesk.model import Article, Claim, Entity, Quote, content_id
from newsdesk.sentences import sentence_spans

NEGATION = re.compile(
    r"\b(not|no|never|none|nobody|nothing|neither|nor|without|denied|denies|deny|denying|false|untrue|"
    r"rejected|rejects|dismissed|refuted|baseless|rul(?:ed|es|ing) out|n't)\b|n't\b",
    re.IGNORECASE,
)
DENIAL_CUES = re.compile(
    r"\b(den(y|ied|ies|ying)|reject\w*|dismiss\w*|refut\w*|rebuff\w*|contest\w*|rul(?:ed|es|ing) out)\b", re.I
)
_WORD = re.compile(r"[a-z]+")


def disputes(text: str) -> bool:
    """Whether a claim calls something false, a hoax or a rumour, or denies it.

    The words are the refuting lexicon of the stance model (the FNC-1
    baseline's list, extended): a feature of the contradiction scorer, which
    weighs it, never a rule that labels a pair.
    """
    return not REFUTE.isdisjoint(_WORD.findall(text.lower()))


def is_negated(text: str, cue: str | None = None) -> bool:
    """Whether a claim denies or negates what it states (in its text or its cue)."""
    return bool(NEGATION.search(text)) or bool(cue and (DENIAL_CUES.search(cue) or NEGATION.search(cue)))


def build_claims(
    article: Article,
    quotes: Sequence[Quote],
    entities_by_id: dict[str, Entity] | None = None,
) -> list[Claim]:
    """Return the claims of one article: its attributions and its factual sentences.

    Args:
        article: The article.
        quotes: Quotes of this article.
        entities_by_id: Canonical entities, to name holders by their canonical name.

    Returns:
        Claims ordered by position in the text.
    """
    entities_by_id = entities_by_id or {}
    claims: list[Claim] = []
    covered: list[tuple[int, int]] = []
    for quote in quotes:
        holder = quote.speaker
        if quote.speaker_entity and quote.speaker_entity in entities_by_id:
            holder = entities_by_id[quote.speaker_entity].name
        claims.append(
            Claim(
                id=content_id(quote.id, prefix="c-"),
                article=article.id,
                text=quote.text,
                holder=holder,
                start=quote.start,
                end=quote.end,
                quote=quote.id,
                negated=is_negated(quote.text, quote.cue),
                date=quote.date or article.published,
            )
        )
        covered.append((quote.start, quote.end))
    text = article.text
    # Sentences end at line breaks and at end punctuation, not after "U.S.", "Mr." or inside "17.85".
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        # Every statement is checkable: a question or a fragment is not.
        if len(sentence.split()) < 5 or sentence.rstrip('"”’» ').endswith("?"):
            continue
        if any(s < end and start < e for s, e in covered):
            continue
        claims.append(
            Claim(
                id=content_id(article.id, str(start), prefix="c-"),
                article=article.id,
                text=sentence,
                holder=article.source,
                start=start,
                end=end,
                negated=is_negated(sentence),
                # "On Tuesday the ministry spoke of one wounded": the day the sentence names, else publication.
                date=resolve_date(sentence, article.published) or article.published,
            )
        )
    claims.sort(key=lambda c: c.start)
    return claims

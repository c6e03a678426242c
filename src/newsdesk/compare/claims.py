"""Claims: the checkable statements of an article, with who holds them.

A claim is either an attribution (a quote or reported speech; the holder is the
speaker) or a factual sentence the outlet states itself that carries a number
with what it counts or a status change (captured, fled, arrested, reopened ...).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from newsdesk.model import Article, Claim, Entity, Quote, content_id

# Predicate classes: verbs and nouns that state the same kind of event.
# Stems are matched at word starts, so "captur" covers captured/capturing/capture.
PREDICATES: dict[str, tuple[str, ...]] = {
    "control": (
        "control",
        "captur",
        "seiz",
        "took",
        "taken",
        "take over",
        "fell",
        "fall",
        "fallen",
        "conquer",
        "overr",
        "occup",
        "liberat",
        "retak",
        "recaptur",
        "surrender",
        "lost control",
    ),
    "departure": (
        "fled",
        "flee",
        "fleeing",
        "left the country",
        "leave the country",
        "did not leave",
        "escap",
        "exile",
        "abroad",
    ),
    "casualties": ("dead", "died", "die ", "kill", "death", "toll", "bodies", "fatalit", "perish", "drown"),
    "injuries": ("injur", "wounded", "hurt", "hospitali"),
    "detention": (
        "arrest",
        "detain",
        "custody",
        "jail",
        "imprison",
        "in prison",
        "charged",
        "held by police",
    ),
    "release": ("releas", "freed", "set free", "acquit"),
    "opening": ("reopen", "re-open", "closed", "shut", "open to traffic", "remains closed", "blocked"),
    "resignation": ("resign", "stepped down", "step down", "quit", "sacked", "dismissed"),
    "agreement": ("ceasefire", "cease-fire", "truce", "agreement", "deal", "negotiat", "talks"),
    "displacement": ("evacuat", "displaced", "homeless", "fled their homes"),
    "resistance": ("resist", "continu", "still controls", "holding out", "fight on", "fighting"),
}
NEGATION = re.compile(
    r"\b(not|no|never|none|nobody|nothing|neither|nor|without|denied|denies|deny|denying|false|untrue|"
    r"rejected|rejects|dismissed|refuted|baseless|n't)\b|n't\b",
    re.IGNORECASE,
)
DENIAL_CUES = re.compile(r"\b(den(y|ied|ies|ying)|reject\w*|dismiss\w*|refut\w*|rebuff\w*|contest\w*)\b", re.I)
NUMBER = re.compile(
    r"(?<![\w.])(?P<num>\d{1,3}(?:[,\s]\d{3})+|\d+(?:\.\d+)?)\s*(?P<scale>thousand|million|billion|hundred)?"
    r"\s+(?P<noun>(?:[a-z-]+\s+){0,2}?(?:people|persons|civilians|dead|deaths|bodies|victims|soldiers|"
    r"fighters|residents|children|injured|wounded|homes|houses|families|households|migrants|refugees|"
    r"workers|passengers|cases|arrests|protesters|troops|police officers|officers|missing|casualties|"
    r"tonnes|tons|hectares|kilometres|kilometers|miles|dollars|euros|houses))\b",
    re.IGNORECASE,
)
_SCALE = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+[\"”’»]?|$)")


@dataclass(slots=True, frozen=True)
class Quantity:
    """A number with what it counts ("31 people")."""

    value: float
    noun: str


def predicates(text: str) -> frozenset[str]:
    """Return the predicate classes whose words occur in ``text``."""
    lowered = " " + text.lower()
    return frozenset(
        name for name, stems in PREDICATES.items() if any(re.search(r"\W" + re.escape(s), lowered) for s in stems)
    )


def quantities(text: str) -> list[Quantity]:
    """Return the counted quantities of ``text``, e.g. ``Quantity(31, "people")``."""
    found = []
    for match in NUMBER.finditer(text):
        raw = re.sub(r"[,\s]", "", match.group("num"))
        try:
            value = float(raw)
        except ValueError:
            continue
        if match.group("scale"):
            value *= _SCALE[match.group("scale").lower()]
        if 1900 <= value <= 2100 and not match.group("scale"):
            continue  # a year, not a count
        noun = match.group("noun").lower().split()[-1]
        found.append(Quantity(value, noun))
    return found


# Words that state the opposite of their predicate class ("lost control" is not control).
INVERSE = re.compile(r"\b(lost control|lose control|losing control|surrender\w*|withdr[ae]w\w*|retreat\w*)\b", re.I)
_NEGATION_WINDOW = 4


def is_negated(text: str, cue: str | None = None) -> bool:
    """Whether a claim denies or negates what it states (in its text or its cue)."""
    return bool(NEGATION.search(text)) or bool(cue and (DENIAL_CUES.search(cue) or NEGATION.search(cue)))


def polarity(text: str, predicate: str, cue: str | None = None) -> bool | None:
    """Whether ``text`` asserts (True) or negates (False) its ``predicate`` class.

    Negation counts only when it is in scope: a denial verb within four words
    before a word of the predicate, or a negation within two ("did not leave"), or a negated/denial cue ("denied
    that", "did not confirm"). Two negation signals at once (a denied loss) are
    too subtle for rules: the answer is None, and no contradiction is drawn.
    """
    words = re.findall(r"[\w'’-]+", text.lower())
    stems = PREDICATES.get(predicate, ())
    signals = 0
    for i, word in enumerate(words):
        if any(word.startswith(s.split()[0]) for s in stems):
            near = " ".join(words[max(0, i - _NEGATION_WINDOW) : i])
            if DENIAL_CUES.search(near) or NEGATION.search(" ".join(words[max(0, i - 2) : i])):
                signals += 1
                break
    if cue and (DENIAL_CUES.search(cue) or NEGATION.search(cue)):
        signals += 1
    if INVERSE.search(text):
        signals += 1
    if signals > 1:
        return None
    return signals == 0


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
    for match in _SENTENCE.finditer(text):
        start, end = match.start(), match.end()
        sentence = text[start:end].strip()
        if len(sentence.split()) < 5:
            continue
        if any(s < end and start < e for s, e in covered):
            continue
        if not (quantities(sentence) or predicates(sentence) - {"agreement", "resistance"}):
            continue
        offset = start + (len(text[start:end]) - len(text[start:end].lstrip()))
        claims.append(
            Claim(
                id=content_id(article.id, str(offset), prefix="c-"),
                article=article.id,
                text=sentence,
                holder=article.source,
                start=offset,
                end=offset + len(sentence),
                negated=is_negated(sentence),
                date=article.published,
            )
        )
    claims.sort(key=lambda c: c.start)
    return claims

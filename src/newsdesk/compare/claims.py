"""Claims: the checkable statements of an article, with who holds them.

A claim is either an attribution (a quote or reported speech; the holder is the
speaker) or a factual sentence the outlet states itself that carries a number
with what it counts or a status change (captured, fled, arrested, reopened ...).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from newsdesk.enrich.dates import resolve_date
from newsdesk.model import Article, Claim, Entity, Quote, content_id

# Predicate classes: verbs and nouns that state the same kind of event.
# Stems are matched at word starts, so "captur" covers captured/capturing/capture; a stem ending in a space
# ("quit ") must end its word too, so it does not cover "quite".
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
    "casualties": (
        "dead",
        "died",
        "die ",
        "kill",
        "death",
        "toll",
        "bodies",
        "fatalit",
        "perish",
        "drown",
        "lost the life",
        "lost their lives",
        "missing",
    ),
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
    # Every phrase the open/closed status rules of relations.py read, so a claim stating a status has the class.
    "opening": (
        "reopen",
        "re-open",
        "opened",
        "open to",
        "closed",
        "shut",
        "remains closed",
        "blocked",
        "turned away",
        "turned back",
        "turns back",
        "can not cross",
        "cannot cross",
        "not allowed to cross",
        "not be allowed to cross",
    ),
    "resignation": (
        "resign",
        "stepped down",
        "step down",
        "quit ",
        "quits",
        "quitting",
        "quitted",
        "sacked",
        "dismissed",
    ),
    "agreement": ("ceasefire", "cease-fire", "truce", "agreement", "deal", "negotiat", "talks"),
    "displacement": ("evacuat", "displaced", "homeless", "fled their homes"),
    "resistance": ("resist", "continu", "still controls", "holding out", "fight on", "fighting"),
    "warning": ("siren", "alarm", "alert", "warning"),
    "strike": ("strike", "walkout", "walked out", "stoppage", "picket"),
    # Claims that a process was rigged or tampered with, and their denials.
    "irregularities": (
        "fraud",
        "rigg",
        "tamper",
        "broken seal",
        "seals broken",
        "seal was broken",
        "seals were broken",
        "irregularit",
        "stuffed",
        "manipulat",
        "falsif",
    ),
    # Who fired: "used mortars against our positions" / "not a single round was fired by our side".
    "attack": (
        "opened fire",
        "open fire",
        "fired",
        "shelled",
        "shelling",
        "mortar",
        "artillery",
        "shots",
        "shot at",
        "airstrike",
        "air strike",
        "drone strike",
        "attacked",
    ),
    # Narrow on purpose: "investigat" alone or "citation" also name inquiries that target nobody in particular.
    "investigation": (
        "under investigation",
        "investigated",
        "a suspect",
        "summon",
        "called to explain",
        "called in for questioning",
        "subpoena",
    ),
}
# Classes too loose to make a factual sentence a claim or to contradict by polarity ("fighting continues");
# they name a pair's subject only when nothing else is shared.
WEAK_PREDICATES = frozenset({"agreement", "resistance"})
NEGATION = re.compile(
    r"\b(not|no|never|none|nobody|nothing|neither|nor|without|denied|denies|deny|denying|false|untrue|"
    r"rejected|rejects|dismissed|refuted|baseless|n't)\b|n't\b",
    re.IGNORECASE,
)
DENIAL_CUES = re.compile(r"\b(den(y|ied|ies|ying)|reject\w*|dismiss\w*|refut\w*|rebuff\w*|contest\w*)\b", re.I)
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
}  # fmt: skip
NUMBER = re.compile(
    # Thousands grouped with commas, or with dots as much of Europe writes them ("120.000 euros").
    r"(?<![\w.,])(?P<num>\d{1,3}(?:,\d{3})+|\d{1,3}(?:\.\d{3})+(?![\d,])|\d+(?:\.\d+)?|"
    + "|".join(_NUMBER_WORDS)
    + r")"
    r"(?:\s+(?P<scale>thousand|million|billion|hundred))?(?![\w.,]?\d)",
    re.IGNORECASE,
)
_SCALE = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
# What a number counts, from the words after it (or, for "the toll rose to 31", before it).
_MEASURES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("missing", r"\b(missing|unaccounted for|disappeared|trapped)\b"),
        (
            "dead",
            r"\b(dead|died|deaths?|kill(?:ed|ing|s)?|bodies|fatalities|death toll|toll|lost (the|their) li(fe|ves)|"
            r"perished|drowned|victims)\b",
        ),
        ("injured", r"\b(injur\w*|wounded|hurt|hospitali[sz]ed|in (the )?hospital)\b"),
        ("displaced", r"\b(evacuat\w*|displaced|homeless|fled their homes)\b"),
        ("arrested", r"\b(arrest\w*|detain\w*|in custody)\b"),
        ("money", r"\b(dollars?|euros?|pounds|crowns|francs|yuan|rupees|\$|€|£)\b"),
        ("distance", r"\b(kilomet(er|re)s?|km|miles|met(er|re)s?)\b"),
        ("weight", r"\b(tonnes?|tons?|kilograms?|kg)\b"),
        ("duration", r"^\s*(hours?|days?|weeks?|months?|years?)\b"),
        (
            "people",
            r"\b(people|persons?|civilians?|residents?|inhabitants?|soldiers?|servicem[ae]n|guards?|officers?|"
            r"police(wo)?m[ae]n|fighters?|troops|workers?|miners?|passengers?|children|child|students?|patients?|"
            r"protesters?|migrants?|refugees?|families|households)\b",
        ),
    )
)
_SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+[\"”’»]?|$)")


@dataclass(slots=True, frozen=True)
class Quantity:
    """A number with what it measures ("31" dead, "40" missing, "4.2 million" money)."""

    value: float
    noun: str


def _stem_pattern(stem: str) -> str:
    return r"\W" + re.escape(stem.rstrip()) + (r"\b" if stem.endswith(" ") else "")


def _begins_stem(word: str, stem: str) -> bool:
    """Whether ``word`` can be the first word of ``stem``: a prefix of it only when the stem is one open word."""
    first, *rest = stem.split()
    return word == first if rest or stem.endswith(" ") else word.startswith(first)


def predicates(text: str) -> frozenset[str]:
    """Return the predicate classes whose words occur in ``text``."""
    lowered = " " + text.lower()
    return frozenset(
        name for name, stems in PREDICATES.items() if any(re.search(_stem_pattern(s), lowered) for s in stems)
    )


def quantities(text: str) -> list[Quantity]:
    """Return the counted quantities of ``text``, e.g. ``Quantity(31, "dead")``.

    The measure comes from the words right after the number ("14 people were
    killed", "40 are missing"); when they name none, from the words right
    before it ("the death toll rose to 31"). Years and clock times are skipped.
    """
    found = []
    for match in NUMBER.finditer(text):
        raw = match.group("num").lower()
        if raw in _NUMBER_WORDS:
            value = float(_NUMBER_WORDS[raw])
        elif re.fullmatch(r"\d{1,3}(\.\d{3})+", raw) and not match.group("scale"):
            value = float(raw.replace(".", ""))  # "120.000": a European thousands separator
        else:
            value = float(raw.replace(",", ""))
        if match.group("scale"):
            value *= _SCALE[match.group("scale").lower()]
        if (1900 <= value <= 2100 and not match.group("scale")) or text[match.end() : match.end() + 1] == ":":
            continue
        if _NOT_A_COUNT_BEFORE.search(text[max(0, match.start() - 20) : match.start()]):
            continue  # "no one suffered", "none of the two hospitalised": no new figure
        percent = _PERCENT.match(text, match.end())
        if percent:
            # "95% of the dockers" and "28 percent of the dockers" count the same; a share of
            # something else ("91.4% of the tally sheets") or of nothing named is no count.
            whole = _SHARE_OF.match(text, percent.end())
            if whole:
                found.append(Quantity(value, f"% of {whole.group('noun').lower().rstrip('s')}"))
            continue
        if _INCREMENT.match(text, match.end()):
            continue  # "five more bodies": an increase, not a total
        partitive = _PARTITIVE.match(text, match.end())
        if partitive and _measure(partitive.group(0)) in _EVENTS:
            continue  # "one of the injured died": a part of another count, not a count of its own
        measure = counted(text, match.start(), match.end())
        if measure and measure != "duration":  # "48 hours" in custody says how long, not how many
            found.append(Quantity(value, measure))
    # "Nobody was injured", "no one was killed": a count of zero.
    for zero in _NONE_EVENT.finditer(text):
        measure = _measure(zero.group(0))
        if measure in _EVENTS:
            found.append(Quantity(0.0, measure))
    return found


def counted(text: str, start: int, end: int, *, look_before: bool = True) -> str | None:
    """Return what the number at ``text[start:end]`` counts, from the words around it.

    Args:
        text: The sentence or article text.
        start: Offset where the number starts.
        end: Offset where the number ends.
        look_before: Also read the words before the number ("killing at least 30 people",
            "the death toll rose to 31"); without it only the words after it count.

    Returns:
        A measure name ("dead", "injured", "missing", "displaced", "arrested", "people", "money",
        "distance", "weight", "duration") or None when the words name none.
    """
    # The words after the number up to the end of its phrase: "30 people and injuring 200" counts people.
    after = _measure(_PHRASE_END.split(text[end : end + 30], maxsplit=1)[0])
    if after == "people":
        # "Two servicemen of the border service of X were killed": the clause's verb, further on.
        clause = _PHRASE_END.split(text[end : end + 100], maxsplit=1)[0]
        event = _PEOPLE_EVENT.search(clause)
        after = (_measure(event.group(0)) or after) if event else after
    if not look_before:
        return after
    sentence_start = max(text.rfind(". ", 0, start) + 1, 0)
    before_text = text[sentence_start:start]
    # "the death toll from the collapse ... rose to 31": the subject says what is counted.
    before = _measure(before_text) if _CHANGE_TO.search(before_text) else None
    # "killing at least 30 people", "injuring more than 200": the verb right before says it.
    before = before or _measure(" ".join(_CLAUSE_SPLIT.split(before_text)[-1].split()[-4:]))
    # "rose to 31 people": the toll before the number says what the people are.
    return before if before and after in (None, "people") else after


# What happened to the people counted: "Two servicemen ... were killed", "nobody was injured".
_EVENT_PARTICIPLES = r"(killed|wounded|injured|hurt|missing|detained|arrested|evacuated|displaced)"
_NONE_EVENT = re.compile(
    r"\b(nobody|no one|none)\s+(was|were|has been|have been|had been|is|are)\s+(\w+\s+)?"
    + _EVENT_PARTICIPLES
    + r"\b|\bno (deaths|casualties|fatalities|injuries|victims|arrests)\b",
    re.IGNORECASE,
)
_NOT_A_COUNT_BEFORE = re.compile(
    r"\b(no|any|every|some)\s*$|\b(none|neither|each|both|all|any) of (the |them )?$", re.I
)
_CLAUSE_SPLIT = re.compile(r"[,;]|\b(?:and|but)\b")
_INCREMENT = re.compile(r"\s+(more|additional|further|other|extra)\b", re.IGNORECASE)
_SHARE_OF = re.compile(r"\s+of\s+(the\s+|all\s+|its\s+|their\s+)?([\d,.]+\s+)?(?P<noun>[a-z]+)", re.IGNORECASE)


_PEOPLE_EVENT = re.compile(
    r"\b(were|was|are|is|have been|has been|had been|remain|remained)\s+(\w+\s+)?"
    + _EVENT_PARTICIPLES
    + r"\b|\b(died|perished|drowned)\b|\b(remain|remained|are|were|is|was)\s+(still\s+)?in\s+(the\s+)?hospital\b",
    re.IGNORECASE,
)
_PERCENT = re.compile(r"\s*(%|percent\b|per cent\b|pct\b)", re.IGNORECASE)
_PARTITIVE = re.compile(r"\s+of (the|them|those|these)\b(\s+[\w-]+){0,2}", re.IGNORECASE)
_PHRASE_END = re.compile(r"[,;.]|\b(?:and|but|while|whereas)\b|\d")
_CHANGE_TO = re.compile(
    r"\b((rose|risen|climbed|jumped|increased|grew|fell|dropped|revised( \w+)?)\s+(to|at)|reached|stands? at|"
    r"stood at|now at|to|of)\s*$",
    re.IGNORECASE,
)
_EVENTS = frozenset({"missing", "dead", "injured", "displaced", "arrested"})


def _measure(window: str) -> str | None:
    """The first measure named in ``window``; "people" yields to an event ("14 people were killed")."""
    hits = sorted((hit.start(), name) for name, pattern in _MEASURES if (hit := pattern.search(window)))
    if not hits:
        return None
    first = hits[0][1]
    if first == "people":
        return next((name for _, name in hits if name in _EVENTS), first)
    return first


# Words that state the opposite of their predicate class ("lost control" is not control).
INVERSE = re.compile(r"\b(lost control|lose control|losing control|surrender\w*|withdr[ae]w\w*|retreat\w*)\b", re.I)
_NEGATION_WINDOW = 4


def is_negated(text: str, cue: str | None = None) -> bool:
    """Whether a claim denies or negates what it states (in its text or its cue)."""
    return bool(NEGATION.search(text)) or bool(cue and (DENIAL_CUES.search(cue) or NEGATION.search(cue)))


# A predicate noun negated by the verb after it: "the sirens were not working", "the dam didn't hold".
_AUX_NOT = re.compile(
    r"(?:(?:was|were|is|are|did|does|do|has|have|had|could|would|will)\s+(?:not|never)|"
    r"(?:wasn|weren|isn|aren|didn|doesn|don|hasn|haven|hadn|couldn|wouldn|won)['’]t)\b"
)


# A negative quantifier earlier in the same clause: "no ballot box presented a broken seal", "not a single
# round was fired", "nobody was killed".
_NO_SUBJECT = re.compile(r"\b(no|not a single|not one|not any|none of|nobody|no one|nothing)\s")
_CLAUSE_BREAK = re.compile(r"[,;:.!?]|\b(and|but|while|whereas|because|after|before|when)\b")


def _clause_start(text: str, end: int) -> int:
    """Offset where the clause holding ``end`` starts (after the last break before it)."""
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(text, 0, end)]
    return breaks[-1] if breaks else 0


def polarity(text: str, predicate: str, cue: str | None = None) -> bool | None:
    """Whether ``text`` asserts (True) or negates (False) its ``predicate`` class.

    Negation counts only when it is in scope: a denial verb within four words
    before a word of the predicate, a negation within two ("did not leave"), an
    auxiliary with a negation right after it ("the sirens were not working"), a
    negative quantifier earlier in its clause ("no box presented a broken seal"),
    or a negated/denial cue ("denied that", "did not confirm"). Two negation
    signals at once (a denied loss) are
    too subtle for rules: the answer is None, and no contradiction is drawn.
    """
    lowered = text.lower()
    found = list(re.finditer(r"[\w'’-]+", lowered))
    words = [m.group(0) for m in found]
    stems = PREDICATES.get(predicate, ())
    signals = 0
    for i, word in enumerate(words):
        if any(_begins_stem(word, s) for s in stems):
            near = " ".join(words[max(0, i - _NEGATION_WINDOW) : i])
            after = " ".join(words[i + 1 : i + 3])
            clause = lowered[_clause_start(lowered, found[i].start()) : found[i].start()]
            if (
                DENIAL_CUES.search(near)
                or NEGATION.search(" ".join(words[max(0, i - 2) : i]))
                or _AUX_NOT.match(after)
                or _NO_SUBJECT.search(clause)
            ):
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
        if not (quantities(sentence) or predicates(sentence) - WEAK_PREDICATES):
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
                # "On Tuesday the ministry spoke of one wounded": the day the sentence names, else publication.
                date=resolve_date(sentence, article.published) or article.published,
            )
        )
    claims.sort(key=lambda c: c.start)
    return claims

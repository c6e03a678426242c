"""Synthetic claim pairs made from real news sentences, to teach the pair model.

Sentence-level inference data (NLI, fact verification) does not carry over to
news on its own: news contradictions are a negated status, a denial frame, a
swapped role or a different figure, said of the same event by two holders. The
generator takes real sentences parsed by spaCy and rewrites them into pairs
with a known relation, in the spirit of FactCC's augmentation:

- **contradict**: negation added or removed at the sentence's main verb; an
  antonym of a status or outcome word; subject and object entities swapped; a
  figure changed well beyond rounding; a denial frame around the sentence
  ("X denied that ...", "X ruled out ...", "It is not true that ...").
- **agree**: the sentence re-attributed ("X said/confirmed that ..."), a figure
  hedged compatibly ("about 20,000", "more than 19,000"), modifiers or a
  trailing clause dropped (what remains is still entailed); a denial of the
  sentence against its negation or another denial ("X denied that S" / "not
  S"), so a denial frame alone is no evidence of a contradiction.
- **neutral**: another sentence of the same article (same topic, another
  statement), and the hard negatives that stop shortcuts: a negated or
  re-numbered *other* sentence of the article, so neither a ``not`` nor a
  different number is evidence of a contradiction by itself.

Every function is pure and seeded by the caller's :class:`random.Random`; the
word lists here generate training data, they never decide a pair at run time.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

PairLabel = Literal["neutral", "agree", "contradict"]
LABELS: tuple[PairLabel, ...] = ("neutral", "agree", "contradict")

# Opposites of statuses and outcomes, each pair usable in both directions.
ANTONYMS: tuple[tuple[str, str], ...] = (
    ("won", "lost"),
    ("win", "lose"),
    ("wins", "loses"),
    ("winner", "loser"),
    ("rose", "fell"),
    ("increased", "decreased"),
    ("increase", "decrease"),
    ("higher", "lower"),
    ("more", "fewer"),
    ("accepted", "rejected"),
    ("approved", "rejected"),
    ("confirmed", "denied"),
    ("confirms", "denies"),
    ("admitted", "denied"),
    ("supports", "opposes"),
    ("supported", "opposed"),
    ("support", "oppose"),
    ("open", "closed"),
    ("opened", "closed"),
    ("reopened", "closed"),
    ("alive", "dead"),
    ("survived", "died"),
    ("guilty", "innocent"),
    ("convicted", "acquitted"),
    ("arrested", "released"),
    ("allowed", "banned"),
    ("legal", "illegal"),
    ("true", "false"),
    ("real", "fake"),
    ("success", "failure"),
    ("successful", "unsuccessful"),
    ("safe", "unsafe"),
    ("stable", "critical"),
    ("peaceful", "violent"),
    ("captured", "lost"),
    ("entered", "left"),
    ("arrived", "left"),
    ("started", "ended"),
    ("began", "ended"),
    ("resigned", "stayed"),
    ("intentional", "accidental"),
    ("deliberate", "accidental"),
    ("before", "after"),
    ("above", "below"),
    ("first", "last"),
    ("positive", "negative"),
    ("agreed", "refused"),
    ("lifted", "imposed"),
    ("withdrew", "deployed"),
    ("ally", "enemy"),
    ("friendly", "hostile"),
    ("full", "empty"),
    ("present", "absent"),
    ("inside", "outside"),
    ("included", "excluded"),
    ("male", "female"),
    ("ordinary", "extremist"),
)
_OPPOSITE = {a: b for a, b in ANTONYMS} | {b: a for a, b in ANTONYMS}
DENIERS: tuple[str, ...] = (
    "{h} denied that {s}",
    "{h} denied reports that {s}",
    "{h} rejected claims that {s}",
    "{h} dismissed as false reports that {s}",
    "{h} ruled out that {s}",
    "It is not true that {s}, {h} said",
    "{h} said it was false that {s}",
    "{h} insisted it was untrue that {s}",
)
AFFIRMERS: tuple[str, ...] = (
    "{h} said that {s}",
    "{h} confirmed that {s}",
    "According to {h}, {s}",
    "{h} told reporters that {s}",
    "{s}, {h} said",
    "{h} acknowledged that {s}",
)
HOLDERS: tuple[str, ...] = (
    "officials",
    "a spokesman",
    "the government",
    "police",
    "the ministry",
    "a witness",
    "the company",
    "his lawyer",
    "the opposition",
    "local media",
    "a senior official",
    "the army",
)
DENIALS_AGREE = 0.4
"""Share of negatable sentences that also give a denial agreeing with their negation (or with another denial)."""
HEDGES_UP: tuple[str, ...] = ("about {n}", "around {n}", "nearly {n}", "almost {n}", "some {n}", "roughly {n}")
_AUX = {
    "is",
    "are",
    "was",
    "were",
    "has",
    "have",
    "had",
    "will",
    "can",
    "could",
    "would",
    "should",
    "does",
    "do",
    "did",
}
_NEGATORS = re.compile(r"\b(not|n't|never|no longer)\b", re.IGNORECASE)
_DIGITS = re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?![\w,])|(?<![\w.,])\d+(?:\.\d+)?(?![\w,])")


@dataclass(slots=True, frozen=True, kw_only=True)
class Pair:
    """A labelled sentence pair and how it was made."""

    a: str
    b: str
    label: PairLabel
    origin: str


def _with_holder(rng: random.Random, names: Sequence[str]) -> str:
    if names and rng.random() < 0.5:
        return rng.choice(list(names))
    return rng.choice(HOLDERS)


def _lower_first(text: str, token: Any) -> str:
    """The sentence as a clause: its first letter lowered unless it starts a proper noun."""
    if not text or token.pos_ == "PROPN" or token.text.isupper():
        return text
    return text[0].lower() + text[1:]


def _clause(text: str) -> str:
    return text.rstrip(" .!?;:")


def _cap(text: str) -> str:
    return text[0].upper() + text[1:] if text else text


_REPORTING = {"say", "tell", "report", "add", "state", "announce", "claim", "confirm", "insist", "note", "explain"}


def _main_verb(sent: Any) -> Any | None:
    """The verb that carries the statement: the root, or what a verb of saying reports ("said [that] X fled")."""
    root = sent.root
    if root.lemma_ in _REPORTING:
        content = [c for c in root.children if c.dep_ == "ccomp" and c.pos_ in {"VERB", "AUX"}]
        if content:
            return content[0]
    return root if root.pos_ in {"VERB", "AUX"} else None


def negate(sent: Any) -> str | None:
    """The sentence with its main clause's polarity flipped, or None when no clear place for it.

    ``sent`` is a spaCy span. A negation already on the root (``not``, ``n't``,
    ``never``) is removed; else ``not`` goes after the root's first auxiliary, or
    a past-tense or present-tense root becomes ``did not`` / ``does not`` + lemma.
    """
    root = _main_verb(sent)
    if root is None:
        return None
    tokens = list(sent)
    start = sent.start
    neg = [c for c in root.children if c.dep_ == "neg"]
    out = [t.text_with_ws for t in tokens]
    if neg:
        i = neg[0].i - start
        if neg[0].lower_ == "n't":
            # "didn't" -> "did", "isn't" -> "is": the auxiliary keeps its form.
            out[i] = neg[0].whitespace_
        elif neg[0].lower_ in {"not", "never"}:
            out[i] = ""
        else:
            return None
        return _normalise("".join(out))
    aux = [c for c in root.children if c.dep_ in {"aux", "auxpass"} and c.i < root.i]
    if root.lemma_ == "be" and root.lower_ in _AUX:
        out[root.i - start] = root.text + " not" + root.whitespace_
    elif aux:
        first = aux[0]
        out[first.i - start] = first.text + " not" + first.whitespace_
    elif root.tag_ == "VBD":
        out[root.i - start] = "did not " + root.lemma_ + root.whitespace_
    elif root.tag_ == "VBZ":
        out[root.i - start] = "does not " + root.lemma_ + root.whitespace_
    elif root.tag_ == "VBP":
        out[root.i - start] = "do not " + root.lemma_ + root.whitespace_
    else:
        return None
    return _normalise("".join(out))


def antonym(sent: Any, rng: random.Random) -> str | None:
    """The sentence with one status or outcome word replaced by its opposite (never inside a name)."""
    options = [t for t in sent if t.lower_ in _OPPOSITE and not t.ent_type_]
    if not options:
        return None
    token = rng.choice(options)
    word = _OPPOSITE[token.lower_]
    if token.text[0].isupper():
        word = _cap(word)
    out = [t.text_with_ws for t in sent]
    out[token.i - sent.start] = word + token.whitespace_
    return _normalise("".join(out))


def swap_roles(sent: Any) -> str | None:
    """Subject and object entities of one kind swapped ("A beat B" -> "B beat A"), or None."""
    root = sent.root
    subj = [t for t in root.children if t.dep_ == "nsubj" and t.ent_type_]
    obj = [t for t in root.children if t.dep_ in {"dobj", "attr"} and t.ent_type_]
    if not subj or not obj or subj[0].ent_type_ != obj[0].ent_type_:
        return None
    spans = []
    for head in (subj[0], obj[0]):
        ent = next((e for e in sent.ents if e.start <= head.i < e.end), None)
        if ent is None:
            return None
        spans.append(ent)
    first, second = sorted(spans, key=lambda e: e.start)
    if first.text.lower() == second.text.lower():
        return None
    text = sent.text
    offset = sent.start_char
    a0, a1 = first.start_char - offset, first.end_char - offset
    b0, b1 = second.start_char - offset, second.end_char - offset
    return _normalise(text[:a0] + second.text + text[a1:b0] + first.text + text[b1:])


def _number_value(text: str) -> float | None:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def _format_like(value: float, template: str) -> str:
    if "." in template and "," not in template:
        return f"{value:.{len(template.split('.')[1])}f}"
    rounded = round(value)
    return f"{rounded:,}" if "," in template else str(rounded)


def change_number(text: str, rng: random.Random) -> str | None:
    """A figure in the text changed far beyond rounding (x0.3-0.6 or x1.6-3), not a year."""
    matches = [m for m in _DIGITS.finditer(text) if not _is_year(m.group())]
    if not matches:
        return None
    m = rng.choice(matches)
    value = _number_value(m.group())
    if value is None or value == 0:
        return None
    factor = rng.uniform(1.6, 3.0) if rng.random() < 0.5 else rng.uniform(0.3, 0.6)
    new = value * factor
    if new == value or _format_like(new, m.group()) == m.group():
        new = value + max(2.0, value)
    return text[: m.start()] + _format_like(new, m.group()) + text[m.end() :]


def hedge_number(text: str, rng: random.Random) -> str | None:
    """A figure in the text said compatibly: "about 20,000", "more than 19,000", "nearly 21,000"."""
    matches = [m for m in _DIGITS.finditer(text) if not _is_year(m.group())]
    matches = [m for m in matches if (_number_value(m.group()) or 0) >= 10]
    if not matches:
        return None
    m = rng.choice(matches)
    value = _number_value(m.group()) or 0.0
    choice = rng.random()
    if choice < 0.5:
        phrase = rng.choice(HEDGES_UP).format(n=m.group())
    elif choice < 0.75:
        phrase = "more than " + _format_like(value * 0.95, m.group())
    else:
        phrase = "fewer than " + _format_like(value * 1.05, m.group())
    before = text[: m.start()]
    # "about more than 20" reads wrong: only hedge a bare figure.
    if re.search(r"\b(about|around|nearly|almost|some|roughly|than|over|under|least)\s*$", before, re.I):
        return None
    return before + phrase + text[m.end() :]


def _is_year(token: str) -> bool:
    return len(token) == 4 and token.isdigit() and 1900 <= int(token) <= 2100


def drop_modifiers(sent: Any) -> str | None:
    """The sentence without its adjectives, adverbs and trailing subordinate clause (still entailed)."""
    keep_negation = {"not", "never", "no", "n't"}
    drop = {
        t.i
        for t in sent
        if t.dep_ in {"amod", "advmod"} and t.lower_ not in keep_negation and not t.ent_type_ and t.pos_ != "NUM"
    }
    for t in sent:
        if t.dep_ in {"advcl", "relcl"} and t.head == sent.root and t.i > sent.root.i:
            drop.update(x.i for x in t.subtree)
    if not drop or len(drop) > len(sent) // 2:
        return None
    text = "".join(t.text_with_ws for t in sent if t.i not in drop)
    return _normalise(text)


def _normalise(text: str) -> str:
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r",\s*,", ",", text)
    return re.sub(r"\s{2,}", " ", text).strip()


def frame(sentence: str, first: Any, template: str, holder: str) -> str:
    """The sentence inside an attribution or denial frame, as a new sentence."""
    clause = _clause(_lower_first(sentence, first))
    return _cap(template.format(h=holder, s=clause)) + "."


def usable(sent: Any) -> bool:
    """Whether a sentence is a plain statement worth rewriting: 8-45 words, a verb root, no question or quote."""
    words = [t for t in sent if not t.is_punct]
    text = sent.text
    return (
        8 <= len(words) <= 45
        and sent.root.pos_ in {"VERB", "AUX"}
        and "?" not in text
        and not any(q in text for q in ('"', "“", "”"))
        and text[:1].isupper()
    )


def _pick(rng: random.Random, rewrites: Sequence[tuple[str, float, str | None]]) -> tuple[str, str] | None:
    """(name, rewrite) of one rewriter that applied, chosen by weight, so rare rewrites are not drowned."""
    results = [(name, weight, value) for name, weight, value in rewrites if value]
    if not results:
        return None
    name, _, value = rng.choices(results, weights=[w for _, w, _ in results])[0]
    return name, value or ""


def _rewrites(sent: Any, text: str, rng: random.Random, names: Sequence[str]) -> list[Pair]:
    """One contradicting and one agreeing rewrite of a sentence, where a rewriter applies."""
    made: list[Pair] = []
    negated = negate(sent)
    contradiction = _pick(
        rng,
        [
            ("negation", 1.5, negated),
            ("antonym", 2.0, antonym(sent, rng)),
            ("role swap", 3.0, swap_roles(sent)),
            ("number", 3.0, change_number(text, rng)),
            ("denial", 1.5, frame(text, sent[0], rng.choice(DENIERS), _with_holder(rng, names))),
        ],
    )
    if contradiction and contradiction[1] != text:
        # Half the time the other side is said in other words too (attributed, or without its modifiers), so a
        # contradiction is not always a one-word edit of a copy.
        other = text
        if rng.random() < 0.5:
            other = drop_modifiers(sent) or frame(text, sent[0], rng.choice(AFFIRMERS), _with_holder(rng, names))
        made.append(Pair(a=other, b=contradiction[1], label="contradict", origin=contradiction[0]))
    agreement = _pick(
        rng,
        [
            ("attribution", 1.0, frame(text, sent[0], rng.choice(AFFIRMERS), _with_holder(rng, names))),
            ("hedged number", 4.0, hedge_number(text, rng)),
            ("fewer modifiers", 1.0, drop_modifiers(sent)),
        ],
    )
    if agreement and agreement[1] != text:
        made.append(Pair(a=text, b=agreement[1], label="agree", origin=agreement[0]))
    if negated and rng.random() < DENIALS_AGREE:
        # A denial agrees with the negated statement ("X denied that S" / "not S"), and with another denial of it:
        # a denial frame alone is no evidence of a contradiction.
        denied = frame(text, sent[0], rng.choice(DENIERS), _with_holder(rng, names))
        other = negated if rng.random() < 0.6 else frame(text, sent[0], rng.choice(DENIERS), _with_holder(rng, names))
        made.append(Pair(a=denied, b=other, label="agree", origin="denial agrees"))
    return made


def paraphrase_contradictions(first: str, second: Any, rng: random.Random, names: Sequence[str] = ()) -> Pair | None:
    """A contradiction across wording: ``first`` against a negated or denied ``second`` that agrees with it.

    ``second`` is a parsed sentence that says what ``first`` says in other
    words (two headlines on the same side of one claim): flipping it gives a
    contradiction that shares little wording, like those between outlets.
    """
    text = _normalise(second.text)
    flipped = negate(second) if rng.random() < 0.5 else None
    if flipped is None:
        flipped = frame(text, second[0], rng.choice(DENIERS), _with_holder(rng, names))
    return Pair(a=first, b=flipped, label="contradict", origin="paraphrase flipped")


def article_pairs(sentences: Sequence[Any], rng: random.Random, names: Sequence[str] = ()) -> Iterator[Pair]:
    """Labelled pairs made from the parsed sentences of one article.

    Args:
        sentences: spaCy sentence spans of one article, in order.
        rng: The random source (seeded by the caller, so a run is repeatable).
        names: People and organisations of the article, used as holders of frames.

    Yields:
        About four pairs per usable sentence, each relation represented.
    """
    good = [s for s in sentences if usable(s)]
    for index, sent in enumerate(good):
        text = _normalise(sent.text)
        others = [s for j, s in enumerate(good) if j != index]
        made = _rewrites(sent, text, rng, names)
        if others:
            # The neutral partner shares the most words with the sentence: same topic, another statement.
            words = {t.lower_ for t in sent if t.is_alpha and not t.is_stop}
            closest = max(others, key=lambda s: len(words & {t.lower_ for t in s if t.is_alpha and not t.is_stop}))
            made.append(Pair(a=text, b=_normalise(closest.text), label="neutral", origin="same article"))
            if rng.random() < 0.5:
                hard = rng.choice(others)
                twisted = negate(hard) if rng.random() < 0.5 else change_number(_normalise(hard.text), rng)
                if twisted:
                    made.append(Pair(a=text, b=twisted, label="neutral", origin="other sentence changed"))
        for pair in made:
            yield Pair(a=pair.b, b=pair.a, label=pair.label, origin=pair.origin) if rng.random() < 0.5 else pair

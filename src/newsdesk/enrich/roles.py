"""Role nouns: which named entity of an article "the minister", "the union" or "the airline" stands for.

An article says itself which named entity carries a role, and these statements are
read from its parse, for whatever noun they use (there is no list of roles):

- a title right before a name: "Interior Minister Ana Petrova", "lawyer Mireille
  Ducasse", "the airline Sriwangsa Air";
- an apposition, either way round: "Ana Petrova, the interior minister,", "Air
  Serbia, the national airline,", "the spokesman of the police, Ivan Rus,"; or a
  name set off inside or closing the role's phrase ("The minister of energy Ferit
  Alkan, who ...");
- the noun heading an organisation's name: "the ministry" for "Ministry of
  Health", "the union" for "Union of Miners".

A definite role noun then names the nearest entity before it that carries that
noun and is of a compatible kind; when no entity carries it, when an unnamed
holder of the role comes between ("a lawyer for the family"), or when proximity
cannot choose between two carriers, it stays unresolved: a wrong name misleads
more than none.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from typing import Literal

from spacy.tokens import Token

from newsdesk.enrich.context import Context, best_name
from newsdesk.enrich.lexicon import GROUP_LABELS, PERSON_LABELS, ROLE_NOUNS

#: How an article states that a named entity carries a role noun.
Statement = Literal["title", "apposition", "name", "sentence"]

#: Named entities that can carry a role: people, and bodies (organisations and groups).
_CARRIER_LABELS = PERSON_LABELS | {"ORG", "NORP"}
_BODY_LABELS = GROUP_LABELS & _CARRIER_LABELS


@dataclass(slots=True, frozen=True)
class Carrier:
    """A named entity an article gives a role noun to.

    Attributes:
        start: Where the entity's name is written, as stated with the role.
        end: End of that name.
        label: The tagger's label of the name; empty when the tagger's span went beyond it.
        how: The statement: a ``title`` before the name, an ``apposition``, the
            entity's own ``name``, or the one person named in the ``sentence`` of a
            role the parser set beside a group.
        words: The words of the statement in small letters: the role's phrase and the name.
    """

    start: int
    end: int
    label: str
    how: Statement
    words: frozenset[str] = frozenset()


_HYPHENS = frozenset({"-", "‐"})
_WORD = re.compile(r"\w+")


def name_after(ctx: Context, tok: Token) -> tuple[int, int] | None:
    """Token range of a person's name (after its title, if any) set off by commas right after ``tok``'s phrase.

    "according to the spokesman of the police, Mihai Ionescu, Radu is ...": the
    parser made the name a subject of the clause; it is the spokesman's name.
    """
    doc = tok.doc
    comma = tok.right_edge.i
    if doc[comma].text != ",":  # the parser may hang the comma on the phrase: "The police spokesman, ..."
        comma += 1
    if tok.pos_ != "NOUN" or comma + 1 >= len(doc) or doc[comma].text != ",":
        return None
    first = comma + 1
    while first < min(len(doc) - 1, comma + 5) and (
        (doc[first].is_lower and doc[first].is_alpha) or (doc[first].text in _HYPHENS and not doc[first].whitespace_)
    ):
        first += 1  # a title before the name: "..., colonel Gulnara Sadykova.", "..., sub-commissioner A. Nowak"
    mention = ctx.mention_at(doc[first].idx, doc[first].idx + len(doc[first]))
    if mention is None or mention[3] not in PERSON_LABELS:
        return None
    end = bisect.bisect_left(ctx.token_starts, mention[1])
    return (first, end) if end == len(doc) or doc[end].text in {",", ".", ";"} else None


def set_off_person(ctx: Context, tok: Token) -> tuple[int, int] | None:
    """Character span of a person's name inside the phrase of role noun ``tok``, set off by a comma or
    closing it ("The minister of energy Ferit Alkan, who ..."); never the object of a preposition
    ("the lawyer of Ivan Petrov")."""
    doc = tok.doc
    # A clause about the role holder ("who arrived on Tuesday") names other people.
    end = min([t.left_edge.i for t in tok.subtree if t.dep_ in {"relcl", "acl"}], default=tok.right_edge.i + 1)
    for j in range(tok.i + 2, end):
        mention = ctx.mention_at(doc[j].idx, doc[j].idx + len(doc[j]))
        if mention is None or mention[3] not in PERSON_LABELS or mention[0] != doc[j].idx:
            continue
        last = ctx.first_token_at(mention[1]) - 1
        closes = last + 1 >= end or doc[last + 1].text == ","
        if doc[j - 1].text == "," or (doc[j - 1].pos_ != "ADP" and closes):
            return mention[0], mention[1]
    return None


def appos_on_object(tok: Token) -> list[Token]:
    """Proper nouns in apposition to the object of ``tok``'s own preposition ("the mayor of X, *NAME*,")."""
    return [
        name
        for prep in tok.children
        if prep.dep_ == "prep"
        for obj in prep.children
        if obj.dep_ == "pobj"
        for name in obj.children
        if name.dep_ == "appos" and name.pos_ == "PROPN"
    ]


def _singular(tok: Token) -> bool:
    """A noun naming one holder: "the minister", "the police"; not "the ministers"."""
    return tok.tag_ in {"NN", "NNP"} or tok.lemma_.lower() == tok.lower_


def carried_by(ctx: Context, tok: Token) -> list[Carrier]:
    """The named entities this occurrence of a noun gives its role to (see the module docstring).

    Args:
        ctx: The article's lookup tables.
        tok: A singular noun outside quote marks, in small letters or as a title ("Minister").

    Returns:
        The carriers the statement names, often none.
    """
    doc = tok.doc
    inside = ctx.mention_at(tok.idx, tok.idx + len(tok))
    if inside is not None:
        start, end, _, label = inside
        if label in _BODY_LABELS:
            return [Carrier(start, end, label, "name")]  # "the Ministry of Health", "the City Police Headquarters"
        if label in PERSON_LABELS and tok.i < ctx.tokens_in(start, end)[-1].i and not tok.is_lower:
            return [Carrier(start, end, label, "title")]  # a title the tagger took in: "President Ana Petrova"
        return []
    found: list[Carrier] = []
    after = tok.i + 1
    if after < len(doc):
        # "lawyer Mireille Ducasse", "the airline Sriwangsa Air": the title right before the name.
        mention = ctx.mention_at(doc[after].idx, doc[after].idx + len(doc[after]))
        if (
            mention is not None
            and mention[0] == doc[after].idx
            and mention[3] in _CARRIER_LABELS
            and doc[after].dep_ != "det"  # "informed in an announcement the Office ...": two phrases
            and _same_phrase(ctx, tok, mention)
        ):
            found.append(Carrier(mention[0], mention[1], mention[3], "title"))
    if tok.dep_ == "pobj" and tok.head.head.pos_ in {"NOUN", "PROPN"}:
        # "the leader of the opposition, Kostas Lymberis": a name set beside the phrase is its head's.
        return found
    # "Ana Petrova, the interior minister," / "the spokesman of the police, Ivan Rus,": an apposition.
    linked = [c for c in tok.children if c.dep_ == "appos"]
    if tok.dep_ == "appos":
        linked.append(tok.head)
    for other in linked:
        mention = ctx.mention_at(other.idx, other.idx + len(other))
        if mention is None or mention[3] not in _CARRIER_LABELS:
            continue
        own = other.left_edge.idx
        if mention[0] < own < mention[1] and other.left_edge.i > tok.i:
            # The tagger glued the name to the word before it ("The minister of Transports Rokia Sangaré",
            # one ORG): the name is the apposition's own words, of a kind its label no longer tells.
            found.append(Carrier(own, mention[1], "", "apposition"))
            continue
        found.append(Carrier(mention[0], mention[1], mention[3], "apposition"))
        if mention[3] in _BODY_LABELS:
            found.extend(_one_person_of_sentence(ctx, tok))
    named_in = set_off_person(ctx, tok)
    if named_in is not None:
        found.append(Carrier(named_in[0], named_in[1], "PERSON", "apposition"))
    set_off = name_after(ctx, tok)
    if set_off is not None:
        first, last = ctx.token_starts[set_off[0]], ctx.token_ends[set_off[1] - 1]
        found.append(Carrier(first, last, "PERSON", "apposition"))
    for name_tok in appos_on_object(tok):
        mention = ctx.mention_at(name_tok.idx, name_tok.idx + len(name_tok))
        if mention is not None and mention[3] in PERSON_LABELS:
            found.append(Carrier(mention[0], mention[1], mention[3], "apposition"))
    return found


def _same_phrase(ctx: Context, tok: Token, mention: tuple[int, int, str, str]) -> bool:
    """Whether the parse joins ``tok`` and the name right after it into one phrase ("lawyer Ana Ruiz")."""
    tokens = ctx.tokens_in(mention[0], mention[1])
    first, last = tokens[0].i, tokens[-1].i
    root = tok.doc[first : last + 1].root
    return first <= tok.head.i <= last or root.head.i == tok.i


def _one_person_of_sentence(ctx: Context, tok: Token) -> list[Carrier]:
    """The one person the sentence of ``tok`` names outside quotes, if exactly one.

    A person's role in apposition to a group is often a misparse ("before the Taliban,
    the leader of the Front, ..., Ahmed Masood, posted"): that person holds it.
    """
    start, end = ctx.sentence_of(tok.i)
    first, last = ctx.doc[start].idx, ctx.token_ends[end - 1]
    lo, hi = bisect.bisect_left(ctx.mention_starts, first), bisect.bisect_left(ctx.mention_starts, last)
    people = {m[2]: m for m in ctx.mentions[lo:hi] if m[3] in PERSON_LABELS and not ctx.quoted(m[0])}
    if len(people) != 1:
        return []
    s, e, _, label = next(iter(people.values()))
    return [Carrier(s, e, label, "sentence")]


def role_carriers(ctx: Context, word: str) -> list[Carrier]:
    """Every statement of the article, outside quote marks, that gives the role ``word`` to a named entity.

    Args:
        ctx: The article's lookup tables.
        word: The role noun in small letters ("minister", "ministry", "union").

    Returns:
        The carriers in text order of their statements.
    """
    found: list[Carrier] = []
    for tok in ctx.doc:
        if tok.lower_ == word and tok.pos_ in {"NOUN", "PROPN"} and _singular(tok) and not ctx.quoted(tok.idx):
            phrase = {t.lower_ for t in tok.subtree if t.is_alpha}
            for carrier in carried_by(ctx, tok):
                named = {w.lower() for w in _WORD.findall(ctx.text[carrier.start : carrier.end])}
                found.append(replace(carrier, words=frozenset(phrase | named)))
    return found


def qualifiers(tok: Token) -> frozenset[str]:
    """The content words that narrow a role noun's phrase ("the *defence* minister", "the lawyer of *Ivan Petrov*").

    Words after a comma, and clauses (*who arrived on Tuesday*), are not part of the phrase.
    """
    words = set()
    for t in tok.subtree:
        if t.i > tok.i and (t.is_punct or t.dep_ in {"relcl", "acl", "appos"}):
            break
        if t.i != tok.i and t.is_alpha and t.pos_ in {"NOUN", "PROPN", "ADJ", "NUM"}:
            words.add(t.lower_)
    return frozenset(words)


def is_person_role(word: str, carriers: list[Carrier]) -> bool:
    """Whether ``word`` names a person's role rather than a body.

    A role the article gives to a person, or one the lexicon knows as a person's
    (:data:`~newsdesk.enrich.lexicon.ROLE_NOUNS`), is a person's; any other role
    is a body's.
    """
    return word in ROLE_NOUNS or any(c.label in PERSON_LABELS and c.how != "sentence" for c in carriers)


def _compatible(carrier: Carrier, person: bool) -> bool:
    if not carrier.label:
        return True
    if person:
        # A name the tagger calls an organisation is a person when titled with a person's role ("lawyer X").
        return carrier.how == "sentence" or carrier.label in PERSON_LABELS or carrier.how == "title"
    return carrier.how != "sentence" and carrier.label in _BODY_LABELS


def role_referent(ctx: Context, tok: Token) -> str | None:
    """The name of the entity a definite role noun stands for ("the minister said"), or ``None``.

    Steps:
        1. Learn which named entities the article gives the noun to (:func:`role_carriers`),
           keeping those of the kind the role names (:func:`is_person_role`) whose statement
           holds the words that narrow the noun (:func:`qualifiers`).
        2. Walk back from ``tok`` to the nearest name (outside quote marks) of one of them.
           An earlier unnamed holder of the role ("a lawyer for the family") that comes
           after it, or no carrier at all, leaves the noun unresolved.
        3. If the sentence of that name also names another carrier, proximity cannot
           choose: unresolved.

    Args:
        ctx: The article's lookup tables.
        tok: The head of the speaker phrase, a common noun (a plural one is never resolved).

    Returns:
        The carrier's longest name in the article, or ``None``.
    """
    if not _singular(tok):
        return None
    word = tok.lower_
    carriers = role_carriers(ctx, word)
    person = is_person_role(word, carriers)
    named: dict[tuple[int, int, str], str] = {}

    def name_of(start: int, end: int, label: str) -> str:
        key = (start, end, "PERSON" if person else label)
        if key not in named:
            named[key] = best_name(ctx, *key)
        return named[key]

    # "The defence minister" is not the "Interior Minister Ana Petrova"; "the lawyer of Ivan Petrov" not
    # "lawyer Mireille Ducasse": the words that narrow the role must be in its statement.
    narrow = qualifiers(tok)
    spans = [
        (c.start, name_of(c.start, c.end, c.label)) for c in carriers if _compatible(c, person) and narrow <= c.words
    ]
    names = {name for _, name in spans}
    if not names:
        return None
    # Every name of a carrier before the noun: its statements and its other mentions.
    for start, end, _, label in ctx.mentions:
        if start >= tok.idx:
            break
        if not ctx.quoted(start) and name_of(start, end, label) in names:
            spans.append((start, name_of(start, end, label)))
    before = sorted((s, n) for s, n in spans if s < tok.idx and not ctx.quoted(s))
    if not before:
        return None
    start, name = before[-1]
    if _unnamed_holder_between(ctx, word, start, tok):
        return None
    sentence = ctx.sentence_index(start)
    if any(ctx.sentence_index(s) == sentence and n != name for s, n in before):
        return None
    return name


def _unnamed_holder_between(ctx: Context, word: str, start: int, tok: Token) -> bool:
    """Whether an indefinite holder of the role ("a lawyer for the family") comes after ``start``, before ``tok``."""
    for prev in ctx.doc[ctx.first_token_at(start) : tok.i]:
        if prev.lower_ != word or ctx.quoted(prev.idx):
            continue
        if any(c.dep_ == "det" and c.lower_ in {"a", "an", "another"} for c in prev.children) and not carried_by(
            ctx, prev
        ):
            return True
    return False

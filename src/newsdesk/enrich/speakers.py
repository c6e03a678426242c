"""Speakers: who performs a cue, resolved to a name or kept as a description.

The speaker is the subject of the cue (climbing through conjunctions, participles
and relative clauses), the object of *according to*, or the name after a verb
that follows its statement ("..., declared the spokesman X"). Names are
expanded to the longest form of the same entity in the article; pronouns
resolve to a recent compatible named entity; definite role nouns (*the
spokesman*, *the ministry*) to the entity the article gives that role
(:mod:`newsdesk.enrich.roles`), else they stay descriptions; unnamed sources
(*a source at the ministry*) keep their description.
"""

from __future__ import annotations

import bisect

from spacy.tokens import Token

from newsdesk.enrich.context import Context, Speaker, best_name
from newsdesk.enrich.lexicon import (
    ADDRESSEE_VERBS,
    CLIMB_DEPS,
    GROUP_LABELS,
    GROUP_NOUNS,
    GROUP_PRONOUNS,
    INDEFINITE,
    NAME_LABELS,
    PERSON_LABELS,
    PERSON_PRONOUNS,
    QUOTING_VERBS,
    RELATIVE,
    ROLE_NOUNS,
    SUBJECTS,
    is_cue,
)
from newsdesk.enrich.nlp import TITLES
from newsdesk.enrich.quote_marks import CLOSERS
from newsdesk.enrich.roles import appos_on_object, name_after, role_referent, set_off_person

_ANTECEDENT_PARAGRAPHS = 3


def name_after_comma(ctx: Context, comma: int) -> tuple[int, int] | None:
    """Token range of a person's name right after the comma at ``comma`` and closed by another comma."""
    doc = ctx.doc
    if comma + 1 >= len(doc):
        return None
    mention = ctx.mention_at(doc[comma + 1].idx, doc[comma + 1].idx + len(doc[comma + 1]))
    if mention is None or mention[3] not in PERSON_LABELS:
        return None
    end = bisect.bisect_left(ctx.token_starts, mention[1])
    return (comma + 1, end) if end < len(doc) and doc[end].text == "," else None


def cue_speaker(ctx: Context, cue: Token) -> Speaker | None:
    """Who holds what a learned cue attributes.

    The agent of a passive (*criticized by X*), the possessor of a noun cue
    (*Trump's support for*), the subject of the verb a noun cue depends on
    (*Clinton expressed support for*), else the cue's own subject.
    """
    agent = next((c for c in cue.children if c.dep_ == "agent"), None)
    if agent is not None:
        obj = next((c for c in agent.children if c.dep_ == "pobj"), None)
        if obj is not None:
            return describe(ctx, obj)
    if cue.pos_ == "NOUN":
        poss = next((c for c in cue.children if c.dep_ == "poss"), None)
        if poss is not None:
            return describe(ctx, poss)
        by = next((c for c in cue.children if c.dep_ == "prep" and c.lower_ in {"by", "from"}), None)
        obj = next((c for c in by.children if c.dep_ == "pobj"), None) if by is not None else None
        if obj is not None:
            return describe(ctx, obj)
        head = cue.head
        while head.dep_ in {"prep", "pobj"} and head.head.i != head.i:
            head = head.head
        if head.i != cue.i and head.pos_ in {"VERB", "AUX"}:
            return speaker_of(ctx, head)
        return None
    if cue.pos_ == "ADJ" and cue.head.i != cue.i:
        # "Clinton is confident that ...": the subject of the copula.
        return speaker_of(ctx, cue.head)
    return speaker_of(ctx, cue)


def subject_token(verb: Token) -> Token | None:
    """Return the token naming who performs ``verb``, climbing to the governing clause."""
    inverted = inverted_speaker(verb)
    if inverted is not None:
        return inverted
    tok = verb
    for _ in range(5):
        subjects = [c for c in tok.children if c.dep_ in SUBJECTS and (c.dep_ != "nsubjpass" or tok.lemma_ == "quote")]
        if subjects:
            # "The minister of foreign affairs A. Temirbekov announced": of two subjects, the person named.
            child = max(
                subjects, key=lambda c: (not is_code(c) and (c.ent_type_ in PERSON_LABELS or c.pos_ == "PROPN"), -c.i)
            )
            if not any(ch.isalnum() for ch in child.text):
                # '«...» declared Vidmar': the parser made the closing mark the subject.
                return _inverted_subject(tok)
            if child.lower_ in RELATIVE and tok.dep_ == "relcl":
                return _antecedent_of(child, tok.head)
            if _misparsed_subject(child, tok):
                return _nearest_subject(tok)
            return child
        if tok.dep_ in {"relcl", "acl"} and tok.head.pos_ in {"NOUN", "PROPN", "PRON"}:
            return tok.head
        if tok.dep_ == "conj":
            stray = _stray_subject(tok)
            if stray is not None:
                return stray
        if tok.head is tok or (
            tok.dep_ not in CLIMB_DEPS and not (tok.dep_ == "prep" and tok.head.pos_ in {"VERB", "AUX"})
        ):
            break
        tok = tok.head
    if tok.dep_ == "ROOT" and tok.tag_ in {"VBD", "VBZ", "VBP"}:
        # "About 4 in 10 say ...": the parser left the finite verb without a subject.
        return (_name_after_quote(tok) if tok is verb else None) or _nearest_subject(tok)
    return None


#: Prepositions that place or tie a person ("an officer at the barrier", "the owner of a shop").
_PLACE_PREPOSITIONS = frozenset({"of", "at", "in", "on", "from"})


def _antecedent_of(relative: Token, head: Token) -> Token:
    """The noun a relative pronoun stands for, from the noun the parser hung its clause on.

    "who" names a person: when the clause hangs on the object of a preposition inside a
    larger noun phrase ("a police officer at the barrier, who asked", "the owner of a shop,
    who said"), the person is the noun that phrase is about, unless the object is itself a person,
    an organisation or a group ("Democrats on the committee, who").
    """
    if relative.lower_ != "who":
        return head
    while (
        head.dep_ == "pobj"
        and head.ent_type_ not in PERSON_LABELS
        and head.ent_type_ not in {"ORG", "NORP"}
        and head.head.dep_ == "prep"
        and head.head.lower_ in _PLACE_PREPOSITIONS
        and head.head.head.pos_ in {"NOUN", "PROPN"}
    ):
        head = head.head.head
    return head


def _name_after_quote(verb: Token) -> Token | None:
    """The name a few words after a verb that follows its quote, whatever the parse made of them.

    In '"...," declared commissar Iordanov on ...' the parser may break the
    sentence inside the title; the speaker is the first name after the verb
    when only lowercase words (a title) come between.
    """
    doc = verb.doc
    before = verb.i - 1
    if before < 0 or not (doc[before].text == "," or doc[before].tag_ == "''" or doc[before].text in CLOSERS):
        return None
    for j in range(verb.i + 1, min(len(doc), verb.i + 5)):
        tok = doc[j]
        if tok.pos_ == "PROPN" or tok.ent_type_ in PERSON_LABELS:
            return tok
        if not (tok.is_alpha and tok.is_lower) or tok.pos_ in {"VERB", "AUX", "ADP", "PRON"}:
            return None
    return None


_FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP"})


def inverted_speaker(verb: Token) -> Token | None:
    """The speaker after a verb of saying that follows its statement: "The talks will resume, *confirmed the
    spokesman*", a word order of translated news that the parser reads as verb and object."""
    doc = verb.doc
    before = verb.i - 1
    after_quote = False
    while before > 0 and doc[before].tag_ in {"''", "``"}:
        before -= 1  # '"... the law," declared a spokesperson'
        after_quote = True
    # The statement ends with a comma, or with the quote's own "?" or "!" ('"Who else knew?" wrote ...').
    ends = {",", "?", "!"} if after_quote else {","}
    if before < 0 or doc[before].text not in ends or verb.tag_ not in _FINITE_TAGS or not is_cue(verb, QUOTING_VERBS):
        return None  # a participle after a comma ("..., suggesting a few questions") is an adjunct
    if verb.lemma_.lower() in ADDRESSEE_VERBS and not any(
        (c.dep_ == "prep" and c.lower_ == "to" and c.i > verb.i + 1)
        # "..., informed the spokeswoman of the police": a role speaks; reporters and newspapers are told
        or (c.dep_ in {"dobj", "dative"} and c.i > verb.i and c.lemma_.lower() in ROLE_NOUNS)
        for c in verb.children
    ):
        return None  # "..., told reporters": who is told; but "..., told Serkan to our reporter"
    if not after_quote and not any(t.tag_ in _FINITE_TAGS or t.tag_ == "MD" for t in doc[verb.sent.start : before]):
        return None  # no statement before the comma: "The minister, Eva Holm, announced an inquiry"
    for child in verb.children:
        if child.i > verb.i and child.dep_ in {"ccomp", "xcomp", "dative"} and child.pos_ != "PROPN":
            # "..., telling O'Reilly that ...": the object is who is told; a name is no clause
            # ("..., informed the spokeswoman of the police, commissioner A. Nowak": the parser's ccomp)
            return None
        if (
            not after_quote  # a "subject" before the closing mark is the parser reading into the quote
            and child.i < verb.i
            and child.dep_ in SUBJECTS
            and (child.pos_ in {"PROPN", "PRON"} or child.ent_type_ in PERSON_LABELS | GROUP_LABELS)
        ):
            return None  # "Mr. Obama, who ..., told his advisers": a named subject before the verb
    # "..., wrote on Telegram the spokeswoman", "..., affirmed this Tuesday the union": an adjunct may come between.
    start = verb.i + 1
    for child in verb.children:
        time = child.dep_ == "npadvmod" and child.ent_type_ in {"DATE", "TIME"}
        if (child.dep_ in {"prep", "advmod"} or time) and child.left_edge.i == start:
            start = child.right_edge.i + 1
    for child in verb.children:
        # The parser may also read the speaker as an adverbial noun ("..., affirmed this Tuesday the union").
        if child.dep_ not in {"dobj", "attr", "npadvmod"} or child.left_edge.i != start:
            continue
        if child.ent_type_ in {"DATE", "TIME"}:
            continue
        lemma = child.lemma_.lower()
        if (
            child.pos_ == "PROPN"
            or child.lower_ in _SUBJECT_PRONOUNS  # "..., declared he": only a speaker takes this form
            or child.ent_type_ in PERSON_LABELS
            or lemma in ROLE_NOUNS
            or lemma in GROUP_NOUNS
            or any(c.dep_ == "appos" and c.pos_ == "PROPN" for c in child.children)
            # "..., announced the police of the region", "..., said his colleagues", "..., explained analysts"
            or (
                child.pos_ == "NOUN" and (child.tag_ == "NNS" or any(c.dep_ in {"det", "poss"} for c in child.children))
            )
        ):
            return child
    return None


#: Pronouns in the subject form: as the "object" of a verb of saying they are its speaker.
_SUBJECT_PRONOUNS = frozenset({"he", "she", "they", "we", "i"})


def _inverted_subject(verb: Token) -> Token | None:
    """The name right after ``verb`` that the parser read as its object ("... declared *Vidmar* to the press")."""
    doc = verb.doc
    j = verb.i + 1
    while j < len(doc) and doc[j].dep_ in {"det", "compound", "amod"} and doc[j].head.i > j:
        j += 1
    if j < len(doc) and doc[j].head.i == verb.i and doc[j].pos_ in {"PROPN", "NOUN"}:
        return doc[j]
    return None


def _stray_subject(verb: Token) -> Token | None:
    """A noun right before a subjectless conjoined verb that the parser attached elsewhere.

    In "the group made no statement and a resident told AFP", *resident* is
    parsed as a conjunct of *statement*; it is the subject of *told*.
    """
    j = verb.i - 1
    while j > verb.head.i and verb.doc[j].dep_ in {"advmod", "aux", "neg", "auxpass"}:
        j -= 1
    prev = verb.doc[j]
    if j > verb.head.i and prev.pos_ in {"NOUN", "PROPN"} and prev.dep_ in {"conj", "appos", "dobj", "pobj"}:
        return prev
    return None


def _misparsed_subject(subject: Token, verb: Token) -> bool:
    """Spot subjects the parser took from a date, a dateline or another paragraph."""
    if subject.ent_type_ in {"DATE", "TIME"}:
        return True
    doc = subject.doc
    lo, hi = sorted((subject.i, verb.i))
    if "\n" in doc[lo:hi].text_with_ws:
        return True
    # "CLEVELAND (AP) — The senator said": the dateline is not the speaker.
    left, right = subject.left_edge, subject.right_edge
    starts_paragraph = left.i == 0 or "\n" in doc[left.i - 1].text_with_ws
    after = doc[right.i + 1].text if right.i + 1 < len(doc) else ""
    return starts_paragraph and after in {"(", "—", "–", "-", "--"} and subject.i < verb.i


def _nearest_subject(verb: Token) -> Token | None:
    """The head of the nearest noun phrase left of ``verb`` in the same paragraph."""
    doc = verb.doc
    for j in range(verb.i - 1, max(-1, verb.i - 25), -1):
        tok = doc[j]
        if "\n" in tok.text_with_ws or tok.text in {"—", "–", "--", ")"} or tok.pos_ in {"VERB", "AUX"}:
            return None
        if tok.pos_ in {"NOUN", "PROPN", "PRON", "NUM"} and tok.ent_type_ not in {"DATE", "TIME"}:
            while tok.dep_ in {"compound", "flat", "amod", "poss"} and tok.i < tok.head.i < verb.i:
                tok = tok.head
            return tok
    return None


def speaker_of(ctx: Context, verb: Token) -> Speaker | None:
    """The speaker of a cue verb: its subject (:func:`subject_token`) described or resolved.

    In a relative clause ("Ana Ruiz, who said ...") the speaker is expressed by the
    relative pronoun and resolved to the noun it hangs on: the span is the pronoun's,
    the name the noun's, as for any pronoun.
    """
    subject = subject_token(verb)
    if subject is None:
        return None
    speaker = describe(ctx, subject)
    relative = _relative_pronoun(subject, verb)
    if speaker is not None and relative is not None:
        return Speaker((relative.idx, relative.idx + len(relative)), speaker.name, speaker.named)
    return speaker


def _relative_pronoun(head: Token, verb: Token) -> Token | None:
    """The relative pronoun that is the subject of a relative clause in ``head``'s phrase holding ``verb``."""
    for clause in head.subtree:
        if clause.dep_ != "relcl" or not (clause.i == verb.i or verb in clause.subtree):
            continue
        for child in clause.children:
            if child.lower_ in RELATIVE and child.dep_ in SUBJECTS:
                return child
    return None


def is_code(tok: Token) -> bool:
    """Whether a token is a code of letters and digits ("SW417", "A320") that is not an organisation's name:
    no person is named so, whatever the tagger says, so it speaks for no one ("3M" keeps its ORG label)."""
    text = tok.text
    return any(c.isdigit() for c in text) and any(c.isalpha() for c in text) and tok.ent_type_ not in {"ORG", "NORP"}


def describe(ctx: Context, tok: Token) -> Speaker | None:
    """Turn the head token of a speaker phrase into a speaker name or description.

    A code ("the crew of the flight SW417 detected") is no speaker: the quote is left unresolved rather than
    given to it.
    """
    if is_code(tok):
        return None
    lower = tok.lower_
    span = (tok.idx, tok.idx + len(tok))
    if tok.pos_ == "PRON" or lower in PERSON_PRONOUNS or lower in GROUP_PRONOUNS:
        if lower in PERSON_PRONOUNS:
            name = _antecedent(ctx, tok, person=True)
        elif lower in GROUP_PRONOUNS:
            name = _antecedent(ctx, tok, person=False)
        else:
            name = None
        return Speaker(span, name, name is not None)
    mention = ctx.mention_at(*span)
    if mention is not None and mention[3] not in PERSON_LABELS:
        # "The head of the airport of Tg. Kembar, Yohanes Simanjorang, confirmed" cut into sentences at "Tg.":
        # the subject left is a place; the person set off beside it is the speaker.
        for child in tok.children:
            named = describe(ctx, child) if child.dep_ == "appos" and child.ent_type_ in PERSON_LABELS else None
            if named is not None and named.named and named.name:
                return named
    if mention is not None:
        start = _first_name_before(ctx, mention)
        return Speaker((start, mention[1]), best_name(ctx, start, mention[1], mention[3]), True)
    # A word in small letters the parser took for a proper noun ("declared the minister") is a common noun.
    common = tok.pos_ == "NOUN" or (tok.pos_ == "PROPN" and tok.is_lower)
    if tok.pos_ == "PROPN" and not common:
        for child in tok.children:
            # "Questioned, the spokesman of the company, R. Hadiwinata, insisted": the tagger took a sentence's
            # first word for a name; the person is in the apposition.
            named = describe(ctx, child) if child.dep_ == "appos" else None
            if named is not None and named.named and named.name:
                return named
        left = tok
        while True:
            nxt = [c for c in left.children if c.dep_ in {"compound", "flat"} and c.i < left.i]
            if not nxt:
                break
            left = min(nxt, key=lambda t: t.i)
        start = left.idx
        return Speaker((start, span[1]), best_name(ctx, start, span[1], ""), True)
    phrase = _phrase_span(tok)
    if tok.pos_ not in {"NOUN", "PROPN"}:
        # "Nine in 10 voters say", "those who said": keep the phrase as description.
        return Speaker(phrase, _description(ctx, tok), False) if tok.pos_ in {"NUM", "DET", "ADJ"} else None
    for child in tok.children:
        if child.dep_ == "appos" and (child.pos_ == "PROPN" or ctx.mention_at(child.idx, child.idx + 1)):
            named = describe(ctx, child)
            if named is not None and named.name:
                return Speaker(phrase, named.name, True)
    set_off = name_after(ctx, tok)
    if set_off is not None:
        first, last = ctx.token_starts[set_off[0]], ctx.token_ends[set_off[1] - 1]
        return Speaker(phrase, best_name(ctx, first, last, "PERSON"), True)
    for name_tok in appos_on_object(tok):
        # "the mayor of Kozarevo, Milena Stojkova, denied": the parser hangs the name on the place.
        mention = ctx.mention_at(name_tok.idx, name_tok.idx + len(name_tok))
        if mention is not None and mention[3] not in PERSON_LABELS:
            continue
        named = describe(ctx, name_tok)
        if named is not None and named.name:
            return Speaker(phrase, named.name, True)
    lemma = tok.lemma_.lower()
    if lemma in ROLE_NOUNS:
        named_in = set_off_person(ctx, tok)
        if named_in is not None:
            # "The executive director of Vitrex, Iliya Petkov, son of the founder, affirmed": however parsed.
            return Speaker(phrase, best_name(ctx, named_in[0], named_in[1], "PERSON"), True)
    if lemma in GROUP_NOUNS:
        for child in tok.children:
            if child.dep_ in {"compound", "poss", "amod", "nmod"}:
                found = ctx.mention_at(child.idx, child.idx + len(child))
                label = found[3] if found else child.ent_type_
                if label in {"ORG", "NORP"}:
                    start, end = (found[0], found[1]) if found else (child.idx, child.idx + len(child))
                    return Speaker(phrase, best_name(ctx, start, end, label), True)
    definite = any(c.dep_ in {"det", "poss"} and c.lower_ not in INDEFINITE for c in tok.children)
    if definite:
        # "The spokeswoman said", "the ministry said": the named entity the article gives that role
        # (roles.role_referent), else the fuller earlier description ("a source at ..."), else a description:
        # a role no named entity carries is left unresolved rather than guessed from a recent name.
        name = role_referent(ctx, tok) if common else None
        if name is not None:
            return Speaker(phrase, name, True)
        earlier = _earlier_description(ctx, tok)
        if earlier is not None:
            return Speaker(phrase, earlier, False)
    return Speaker(phrase, _description(ctx, tok), False)


def _first_name_before(ctx: Context, mention: tuple[int, int, str, str]) -> int:
    """Start of a person's mention, taking in a first name the recognizer left out.

    "commissar Dalibor Kostov" where only "Kostov" was recognized: a capitalised
    proper-noun compound right before the name, that is no title, belongs to it.
    """
    start = mention[0]
    if mention[3] not in PERSON_LABELS or (mention[0], mention[1]) in ctx.names:
        return start
    first = ctx.first_token_at(start)
    while first > 0:
        before = ctx.doc[first - 1]
        word = before.lower_.rstrip(".")
        if before.dep_ != "compound" or before.pos_ != "PROPN" or not before.is_title or before.text.endswith("."):
            break
        if word in TITLES or word in ROLE_NOUNS:
            break
        first -= 1
    return ctx.token_starts[first]


def _phrase_span(tok: Token) -> tuple[int, int]:
    """Character span of the noun phrase headed by ``tok``, without clauses after a comma."""
    end = tok.i
    for t in tok.subtree:
        # A hyphen inside a word ("ex-minister") is part of it, not a break in the phrase.
        inner = t.text in {"-", "‐"} and not t.whitespace_ and t.i > 0 and not t.doc[t.i - 1].whitespace_
        if t.i > tok.i and ((t.is_punct and not inner) or t.dep_ in {"relcl", "appos", "acl"}):
            break
        end = t.i
    left = tok.left_edge
    doc = tok.doc
    return left.idx, doc[end].idx + len(doc[end])


def _description(ctx: Context, tok: Token) -> str:
    """An unnamed source's description: the phrase without its leading article."""
    start, end = _phrase_span(tok)
    words = ctx.text[start:end].split()
    while len(words) > 1 and words[0].lower() in {"a", "an", "the", "this", "that"}:
        words = words[1:]
    first = ctx.tokens_in(end - len(" ".join(words)), end)
    if words and first and first[0].pos_ != "PROPN" and first[0].ent_type_ not in NAME_LABELS:
        # Sentence-initial capitals are not names: "Witnesses said" -> "witnesses".
        words[0] = words[0][:1].lower() + words[0][1:]
    return " ".join(words[:14])


def _earlier_description(ctx: Context, tok: Token) -> str | None:
    """For "the source said", find the fuller "a source at ..." introduced earlier (not inside a quote)."""
    lemma = tok.lemma_
    own = _description(ctx, tok)
    for prev in reversed(ctx.doc[: tok.i]):
        if prev.lemma_ == lemma and prev.pos_ == "NOUN" and not ctx.quoted(prev.idx):
            text = _description(ctx, prev)
            if len(text) > len(own):
                return text
            return None
    return None


def _antecedent(ctx: Context, tok: Token, *, person: bool) -> str | None:
    """Resolve a pronoun or role noun to a recent named entity of a compatible kind.

    Candidates are names outside quote marks in the current and the previous
    ``_ANTECEDENT_PARAGRAPHS`` paragraphs. Walking back sentence by sentence,
    a name in subject position wins; otherwise the most recent name.
    """
    labels = PERSON_LABELS if person else GROUP_LABELS
    limit = ctx.window_start(tok.idx, _ANTECEDENT_PARAGRAPHS)
    candidates: list[tuple[int, int, str, bool]] = []
    i = bisect.bisect_left(ctx.mention_starts, tok.idx) - 1
    while i >= 0 and ctx.mentions[i][0] >= limit:
        start, end, _, label = ctx.mentions[i]
        i -= 1
        if ctx.quoted(start):
            continue
        root = _root_of(ctx, start, end)
        # A name set off beside the subject, or beside a role noun set off beside it ("Questioned, the spokesman
        # of the company, R. Hadiwinata, insisted"), is the subject.
        head = root
        for _ in range(3):
            if head is None or head.dep_ != "appos":
                break
            head = head.head
        subject = root is not None and head is not None and head.dep_ in SUBJECTS
        # The speaker of a speech verb is a person even when NER calls it an organisation, and so is
        # a name set beside a role noun ("the lawyer Mireille Ducasse", tagged ORG).
        retyped = False
        if person and root is not None and label not in labels:
            governor = root.head if root.dep_ in SUBJECTS else root.head.head if root.dep_ == "appos" else None
            speaking = subject and label in {"ORG", "NORP"} and governor is not None and is_cue(governor)
            titled = root.dep_ in {"appos", "compound"} and root.head.lemma_.lower() in ROLE_NOUNS
            retyped = speaking or titled
        if label in labels or retyped:
            candidates.append((start, end, "PERSON" if retyped else label, subject))
    if person:
        # Proper nouns the NER missed still name people when they are subjects.
        for j in range(tok.i - 1, -1, -1):
            prev = ctx.doc[j]
            if prev.idx < limit:
                break
            if (
                prev.pos_ == "PROPN"
                # "The spokesman of the service Abdykadirov denied": a name in apposition to the subject too
                and (prev.dep_ in SUBJECTS or (prev.dep_ == "appos" and prev.head.dep_ in SUBJECTS))
                and not prev.ent_type_
                and not ctx.quoted(prev.idx)
                and ctx.mention_at(prev.idx, prev.idx + len(prev)) is None
            ):
                candidates.append((prev.idx, prev.idx + len(prev), "PERSON", True))
    candidates.sort(reverse=True)
    fallback: tuple[int, int, str] | None = None
    current = None
    for start, end, label, subject in candidates:
        sentence = ctx.sentence_index(start)
        if current is not None and sentence != current and fallback is not None:
            break  # a more recent sentence had a name, but none as subject
        current = sentence
        if subject:
            return best_name(ctx, start, end, label)
        if fallback is None:
            fallback = (start, end, label)
    return best_name(ctx, *fallback) if fallback else None


def _root_of(ctx: Context, start: int, end: int) -> Token | None:
    tokens = ctx.tokens_in(start, end)
    return ctx.doc[tokens[0].i : tokens[-1].i + 1].root if tokens else None

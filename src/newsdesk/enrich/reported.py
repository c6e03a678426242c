"""Reported speech: ``X said (that) ...``, *according to X, ...*, *As told X, ...*, *vowed to ...*.

The content is the cue's clausal complement (*that* included), or the clause
the cue interrupts or follows, trimmed of the writer's trailing asides.
"""

from __future__ import annotations

from spacy.attrs import LEMMA
from spacy.tokens import Doc, Token

from newsdesk.enrich.context import Attribution, Context, Speaker, find_or_end, make_attribution
from newsdesk.enrich.lexicon import (
    COMMITMENT_VERBS,
    QUOTING_VERBS,
    REPORTING_VERBS,
    SUBJECTS,
    according_to,
    cue_text,
    is_cue,
)
from newsdesk.enrich.speakers import describe, inverted_speaker, name_after, name_after_comma, speaker_of, subject_token


def reported_speech(ctx: Context, in_quote: list[bool]) -> list[Attribution]:
    """Find ``X said (that) ...`` and ``according to X, ...`` outside quote marks."""
    found = []
    lemmas = ctx.doc.to_array([LEMMA]).tolist() if len(ctx.doc) else []
    strings = ctx.doc.vocab.strings
    for i, lemma in enumerate(lemmas):
        if in_quote[i]:
            continue
        lemma_text = strings[lemma].lower()
        if lemma_text not in REPORTING_VERBS and lemma_text not in {"accord", "according"}:
            continue
        tok = ctx.doc[i]
        if according_to(tok):
            att = _according_to_clause(ctx, tok, in_quote)
        elif _as_cue(tok):
            att = _as_clause(ctx, tok, in_quote)
        elif is_cue(tok):
            att = _complement_clause(ctx, tok, in_quote)
        else:
            continue
        if att is not None:
            found.append(att)
    return found


def _complement_clause(ctx: Context, verb: Token, in_quote: list[bool]) -> Attribution | None:
    comp = next((c for c in verb.children if c.dep_ == "ccomp"), None)
    if comp is None and verb.lemma_.lower() in COMMITMENT_VERBS:
        # "vowed to fight on", "urged Congress to act", "called for a recount"
        target = next((c for c in verb.children if c.dep_ == "xcomp"), None)
        if target is None and verb.lemma_.lower() == "call":
            prep = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ == "for"), None)
            target = next((c for c in prep.children if c.dep_ == "pobj"), None) if prep is not None else None
        if target is None:
            return None
        first = min([target, *(c for c in verb.children if c.dep_ == "dobj" and c.i < target.i)], key=lambda t: t.i)
        tokens = list(verb.doc[first.left_edge.i : target.right_edge.i + 1])
        return make_reported(ctx, verb, tokens, in_quote, speaker_of(ctx, verb), head=target)
    inverted = inverted_speaker(verb) if comp is None else None
    if inverted is not None:
        # "The toll rose to 16, announced the governor": the statement is the sentence before the comma.
        before = [t for t in verb.sent if t.i < verb.i - 1]
        return make_reported(ctx, verb, before, in_quote, describe(ctx, inverted))
    if comp is None:
        comp = _interposed_host(verb)
        if comp is None:
            return None
        # "Though the transition was smooth, he said, replacing her would be harder": a clause the
        # parser hung under the cue before its subject still belongs to the statement.
        subject = subject_token(verb)
        subject_at = subject.i if subject is not None else -1
        openers = [c for c in verb.children if c.dep_ in {"advcl", "ccomp"} and c.i < subject_at]
        tokens = [t for t in comp.subtree if not _in_subtree(t, verb) or any(_in_subtree(t, c) for c in openers)]
    else:
        tokens = _clause_tokens(comp)
        # "said the actions were unacceptable and that the committee would act"
        for child in verb.children:
            if (
                child.dep_ == "conj"
                and child.i > comp.i
                and any(c.dep_ == "mark" and c.lower_ == "that" for c in child.children)
            ):
                tokens += verb.doc[comp.right_edge.i + 1 : child.right_edge.i + 1]
    if verb.lemma_.lower() == "ask" and not any(t.lower_ in {"whether", "if"} for t in tokens[:2]):
        return None
    return make_reported(ctx, verb, tokens, in_quote, speaker_of(ctx, verb), head=comp)


def _clause_tokens(head: Token) -> list[Token]:
    """The clause under ``head`` without conjoined clauses that report speech again.

    "He says the fix was to break up fraud rings and says he wrote a bill" keeps
    only "the fix was to break up fraud rings" (the second *says* is its own quote).
    """
    tokens = list(head.subtree)
    for child in head.children:
        if child.dep_ == "conj" and is_cue(child, QUOTING_VERBS) and any(c.dep_ == "ccomp" for c in child.children):
            cut = range(child.left_edge.i, child.right_edge.i + 1)
            tokens = [t for t in tokens if t.i not in cut]
    return tokens


def _interposed_host(verb: Token) -> Token | None:
    """Return the clause that ``he said`` interrupts or follows ("The plan, he said, failed")."""
    host = verb.head
    if host.pos_ not in {"VERB", "AUX"} or is_cue(host, QUOTING_VERBS):
        return None
    if verb.dep_ == "advcl":
        # "X reported on Friday, after heavy fighting, that ...": the parser hung
        # the cue under the reported clause; the "that" after the cue gives it away.
        if any(c.dep_ == "mark" and c.lower_ == "that" and c.i > verb.i for c in host.children):
            return host
        return None
    if verb.dep_ not in {"parataxis", "ccomp"}:
        return None
    if subject_token(verb) is None or any(c.dep_ in {"dobj", "xcomp"} for c in verb.children):
        return None
    return host


def _in_subtree(tok: Token, root: Token) -> bool:
    return root.left_edge.i <= tok.i <= root.right_edge.i


def _according_to_clause(ctx: Context, tok: Token, in_quote: list[bool]) -> Attribution | None:
    source = next((c for c in tok.nbor(1).children if c.dep_ == "pobj"), None)
    host = tok.head if tok.head is not tok else None
    if host is None or source is None:
        return None
    while host.dep_ in {"prep", "pobj"} and host.head is not host:
        host = host.head
    sent = tok.sent
    name = name_after(ctx, source)
    skip = set(range(source.right_edge.i + 1, name[1] + 1)) if name else set()  # the name, its title and commas
    tokens = [t for t in sent if not _in_subtree(t, tok) and t.i not in {tok.i, tok.i + 1} and t.i not in skip]
    speaker = describe(ctx, source)
    return make_reported(ctx, tok, tokens, in_quote, speaker, cue="according to", head=host)


def _as_cue(tok: Token) -> bool:
    """A verb of saying opening its sentence with *as*: "As told the spokesman, ...", "As the police said, ..."."""
    return (
        tok.dep_ == "advcl"
        and is_cue(tok)
        and any(c.dep_ == "mark" and c.lower_ == "as" for c in tok.children)
        and tok.sent.start == tok.left_edge.i
        and tok.head.i > tok.i
    )


def _as_clause(ctx: Context, tok: Token, in_quote: list[bool]) -> Attribution | None:
    """The rest of the sentence after "As told the spokesman of the service, NAME," (an *according to*)."""
    agent = next((c for c in tok.children if c.dep_ == "agent"), None)
    source = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
    source = source or next((c for c in tok.children if c.dep_ in SUBJECTS), None)
    source = source or next((c for c in tok.children if c.dep_ in {"dobj", "attr"} and c.i > tok.i), None)
    if source is None:
        return None
    doc = tok.doc
    end = tok.sent.end
    comma = next((j for j in range(source.i + 1, end) if doc[j].text == ","), None)
    if comma is None:
        return None
    name = name_after_comma(ctx, comma)
    if name is not None:
        comma = name[1]  # "..., Nurlan Abdykadyrov, a group entered": the name and its comma go with the source
    tokens = list(doc[comma + 1 : end])
    speaker = describe(ctx, doc[name[0]]) if name is not None else describe(ctx, source)
    return make_reported(ctx, tok, tokens, in_quote, speaker, cue=cue_text(tok), head=tok.head)


def make_reported(
    ctx: Context,
    cue_tok: Token,
    tokens: list[Token],
    in_quote: list[bool],
    speaker: Speaker | None,
    *,
    cue: str | None = None,
    head: Token | None = None,
) -> Attribution | None:
    """Build a reported attribution from its content tokens.

    The content is the longest stretch of ``tokens`` in the cue's paragraph;
    stretches separated only by the attribution itself ("The plan, he said,
    failed") stay together as segments. ``head`` (the clause's verb) must be
    part of it.
    """
    text = ctx.text
    paragraph = (text.rfind("\n", 0, cue_tok.idx) + 1, find_or_end(text, "\n", cue_tok.idx))
    tokens = sorted((t for t in tokens if paragraph[0] <= t.idx < paragraph[1]), key=lambda t: t.i)
    if head is not None and (head.left_edge.i <= cue_tok.i <= head.right_edge.i):
        interrupter = {t.i for t in cue_tok.subtree}  # "according to X" / "he said" inside the clause
    else:
        interrupter = {cue_tok.i} | {t.i for t in cue_tok.children if t.dep_ in SUBJECTS}
    if head is not None:
        tokens = _drop_trailing_aside(tokens, head)
    runs = [_trim_run(run) for run in _stretches(tokens, interrupter, ctx.doc)]
    runs = [run for run in runs if run]
    if not runs:
        return None
    flat = [t for run in runs for t in run]
    if len(flat) < 3 or sum(1 for t in flat if not in_quote[t.i] and not t.is_punct) < 2:
        return None
    if head is not None and not any(t.i == head.i for t in flat):
        return None
    if in_quote[flat[0].i] and flat[0].i < cue_tok.i:
        return None  # '"...," X said': direct speech, handled with the quote marks
    subject = None if according_to(cue_tok) or _as_cue(cue_tok) else subject_token(cue_tok)
    if subject is not None and any(t.i == subject.i for t in flat):
        return None
    segments = [(run[0].idx, run[-1].idx + len(run[-1])) for run in runs]
    segments[-1] = (segments[-1][0], ctx.close_quote(*segments[-1]))
    return make_attribution(segments, direct=False, speaker=speaker, cue_tok=cue_tok, cue=cue or "")


#: Words opening a concessive clause: "..., while critics say it failed" is the writer's contrast.
_CONCESSIVE = frozenset({"while", "whereas", "although", "though", "even", "but"})


_ASIDE_MARKS = frozenset({",", ";", "—", "–", "--"})


def _drop_trailing_aside(tokens: list[Token], head: Token) -> list[Token]:
    """Cut the writer's aside that closes a reported clause after a comma.

    The kinds: a non-restrictive relative clause ("... from pneumonia, which
    forced her to leave early"), a concessive clause ("... opposed the war,
    while radio clips show ..."), a participial aside ("..., contradicting the
    police"), an appositive ("... with NATO, the alliance that ...") and
    another source's *according to X*. Attribution corpora leave them out of
    the content: they are the reporter's words, not the speaker's.
    """
    if not tokens:
        return tokens
    doc = head.doc
    kept = {t.i for t in tokens}
    last = tokens[-1].i
    while last > tokens[0].i and (doc[last].is_punct or doc[last].is_space):
        last -= 1
    cut = None
    for tok in head.subtree:
        left = tok.left_edge.i
        if tok.i not in kept or tok.right_edge.i < last or left <= head.i or left - 1 not in kept:
            continue
        if doc[left - 1].text not in _ASIDE_MARKS:
            continue
        opener = doc[left].lower_
        relative = tok.dep_ == "relcl" and opener in {"which", "who", "whom", "whose"}
        participle = tok.dep_ == "advcl" and tok.tag_ == "VBG" and left == tok.i
        appositive = tok.dep_ == "appos" and doc[left - 1].text == ","
        source = tok.dep_ == "prep" and tok.lower_ == "according"  # another attribution's "according to X"
        if (relative or participle or appositive or source or (tok.dep_ == "advcl" and opener in _CONCESSIVE)) and (
            cut is None or left - 1 < cut
        ):
            cut = left - 1
    return tokens if cut is None else [t for t in tokens if t.i < cut]


def _stretches(tokens: list[Token], interrupter: set[int], doc: Doc) -> list[list[Token]]:
    """Split ``tokens`` into contiguous runs and return the largest group of runs
    separated only by ``interrupter`` tokens and punctuation."""
    runs: list[list[Token]] = []
    for tok in tokens:
        if runs and tok.i == runs[-1][-1].i + 1:
            runs[-1].append(tok)
        else:
            runs.append([tok])
    groups: list[list[list[Token]]] = []
    for run in runs:
        if groups:
            gap = range(groups[-1][-1][-1].i + 1, run[0].i)
            if all(i in interrupter or doc[i].is_punct for i in gap):
                groups[-1].append(run)
                continue
        groups.append([run])
    return max(groups, key=lambda g: sum(len(r) for r in g)) if groups else []


def _trim_run(run: list[Token]) -> list[Token]:
    """Drop edge punctuation and a trailing conjunction, keeping the closing mark
    of a quoted fragment that ends the run.

    A leading complementizer stays: "said *that* ..." belongs to the reported
    content, as in the annotation convention of attribution corpora (PolNeAR).
    """
    run = list(run)
    while run and (run[0].is_punct or run[0].is_space):
        run.pop(0)
    tail: list[Token] = []
    while run and (run[-1].is_punct or run[-1].is_space or run[-1].dep_ == "cc"):
        tail.insert(0, run.pop())
    if any(t.tag_ == "``" for t in run):
        closing = [k for k, t in enumerate(tail) if t.tag_ == "''"]
        if closing:
            run += tail[: closing[-1] + 1]
    return run

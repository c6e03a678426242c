"""Who said what: direct quotes and reported speech, with their speakers.

The stage runs rules and two small learned models on a spaCy parse that the
caller already has (tagger, parser, NER), so it adds little on top of parsing.

How one article is processed:

1. **Quote marks.** The text is scanned paragraph by paragraph for quoted
   passages opened and closed by any common mark (curly, straight, guillemets,
   low-9, single quotes, ``''`` pairs). A paragraph that opens a quote without
   closing it continues in the next paragraph when that one opens with a
   quote mark of the same kind (a stray straight mark does not run into a
   curly quote). Two passages of one paragraph separated only by an attributing
   clause (``"...," he said. "..."``) are merged into one split quote.
2. **Reported speech.** Outside quote marks, a speech verb (*say, tell,
   confirm, deny, announce, report, write, ...*) with a clausal complement
   yields a reported quote whose content is the complement
   (``X said that ...``, *that* included, also ``The plan, he said, failed``); *according to
   X, ...* yields the rest of the clause; *vowed/urged/called for ...* yields
   the infinitive or object; a transcript line ``NAME: ...`` is a turn of
   speech. A quoted fragment inside such a clause (``said the plan was "a
   disaster"``) belongs to it and is not a quote of its own.
3. **Direct quotes.** For each remaining passage the words outside the quote
   marks in the sentences around it are searched for a cue: a speech verb, a
   verb that governs the quoted clause, or *according to*; a sentence ending
   with a colon just before the quote also counts. An unattributed quote
   that opens the next paragraph, or a new sentence of the same paragraph,
   continues the quote before it; one that follows a sentence ending in a
   verb of saying ("..., Schiff said. "The other ...") is that speaker's.
   Short fragments inside the reporter's own clause (scare quotes) are
   dropped; unattributed passages are kept only when long enough to be a
   statement.
4. **Speakers.** The speaker is the subject of the cue (climbing through
   conjunctions, participles and relative clauses), or the object of
   *according to*. Names are expanded to the longest form of the same entity
   found in the article; pronouns and definite role nouns (*the spokesman*)
   resolve to a recent compatible named entity; unnamed sources (*a source at
   the ministry*, *witnesses*) keep their description.
5. **Learned models** (skipped with ``cues=False``). The reading model
   re-reads each reported attribution of the rules: among the contents the
   parse offers for its cue, it keeps the best scored (the rules' own, or one
   with a boundary the rules do not draw). The cue model then adds the
   attributions the rules miss (:mod:`newsdesk.enrich.cues`).

This module holds the public functions, the quote-mark rules and the learned
cues' decoding; :mod:`newsdesk.enrich.reported` the reported-speech rules,
:mod:`newsdesk.enrich.speakers` speaker resolution, :mod:`newsdesk.enrich.context`
the shared record and lookup tables and :mod:`newsdesk.enrich.lexicon` the word lists.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from spacy.tokens import Doc, Token

from newsdesk.enrich.context import Attribution, Context, Speaker, find_or_end, make_attribution
from newsdesk.enrich.cues import (
    CueCandidate,
    CueModel,
    context_vectors,
    cue_candidates,
    default_cue_model,
    default_reading_model,
    reading_candidates,
)
from newsdesk.enrich.lexicon import ADDRESSEE_VERBS, QUOTING_VERBS, according_to, is_cue
from newsdesk.enrich.quote_marks import CLOSERS, MARK_RE, PARAGRAPH_RE, Passage, same_family, scan_passages, strip_span
from newsdesk.enrich.reported import make_reported, reported_speech
from newsdesk.enrich.speakers import best_name, cue_speaker, describe, speaker_of, subject_token
from newsdesk.model import Mention, Quote, content_id

logger = logging.getLogger(__name__)


_EDGE_STRIP = " \t\n,;:.!?\"'“”‘’«»„‟‚‛‹›()[]—–-`"

_BREAK_RE = re.compile(r"\n\s*")
#: A quote signed after its closing mark, to the end of its paragraph: '“...” ― Marta Kowalczyk'.
_SIGNATURE_RE = re.compile(
    r"[\s,.!?]*[\"”’»]?[^\S\n]*([―—–])[^\S\n]*((?=[^\W\d_])[\w.'’-]+(?:[^\S\n]+[\w.'’-]+){0,3})[^\S\n.]*\.?[^\S\n]*(?:\n|$)"
)
_TURN_RE = re.compile(r"[\"“]?((?:[A-Z][\w.'’-]*)(?: [A-Z][\w.'’-]*){0,3}): ?")
#: Words that open "LABEL:" lines that are not someone speaking.
_NOT_SPEAKERS: frozenset[str] = frozenset(
    {
        "UPDATE", "WATCH", "NOTE", "PHOTO", "PHOTOS", "VIDEO", "SOURCE", "SOURCES", "RELATED", "EDITOR",
        "EDITOR'S", "EDITOR’S", "READ", "MORE", "BREAKING", "CORRECTION", "TRANSCRIPT", "Q", "A", "SEE",
        "ALSO", "CLICK", "FOLLOW", "CREDIT", "BY", "TAGS", "TOPICS", "LISTEN", "WARNING", "PLUS",
    }
)  # fmt: skip
_MIN_UNATTRIBUTED_WORDS = 8
_MIN_FRAGMENT_WORDS = 4
_MAX_SPLIT_GAP_WORDS = 30


def extract_quotes(
    article_id: str,
    text: str,
    doc: Doc,
    mentions: Sequence[Mention] = (),
    *,
    names: Mapping[tuple[int, int], str] | None = None,
) -> list[Quote]:
    """Find direct and reported quotes in one article, with their speakers.

    Args:
        article_id: Id of the article, used for quote ids.
        text: The article body (:attr:`newsdesk.model.Article.text`).
        doc: The spaCy parse of ``text`` (parser and NER required).
        mentions: Person and organisation mentions in ``text`` from the NER
            stage; spaCy's own entities are used as well.
        names: Optional preferred display name per mention span
            ``(start, end)``, e.g. the canonical entity name.

    Returns:
        Quotes in text order, with ``text == text[start:end]``: the content
        without quote marks (and without the comma that ends a quoted piece).
        A split or multi-paragraph quote yields one quote per piece, all with
        the same speaker and cue. ``speaker_entity`` is left ``None`` for the
        entity linker to fill.
    """
    quotes = []
    for att in find_attributions(text, doc, mentions, names=names):
        # A split or multi-paragraph quote gives one Quote per quoted piece, so
        # the words between ("...," she said. "...") are never part of a quote;
        # a reported clause interrupted by its cue stays whole.
        spans = att.segments if att.direct else ((att.start, att.end),)
        for start, end in spans:
            quotes.append(
                Quote(
                    id=content_id(article_id, str(start), str(end), prefix="q-"),
                    article=article_id,
                    speaker=att.speaker,
                    speaker_entity=None,
                    cue=att.cue,
                    text=text[start:end],
                    direct=att.direct,
                    start=start,
                    end=end,
                    score=att.score,
                )
            )
    return quotes


def find_attributions(
    text: str,
    doc: Doc,
    mentions: Sequence[Mention] = (),
    *,
    names: Mapping[tuple[int, int], str] | None = None,
    cues: CueModel | bool = True,
) -> list[Attribution]:
    """Find attributions with speaker and cue offsets (used by evaluation).

    Args:
        text: The text that ``doc`` parses.
        doc: The spaCy parse of ``text``.
        mentions: Named-entity mentions in ``text`` (optional).
        names: Optional preferred display name per mention span.
        cues: The learned cue model that adds attributions the rules miss:
            ``True`` for the packaged model, ``False`` for rules only (the
            packaged reading model then leaves the rules' contents as they are too).

    Returns:
        Attributions in text order; contents never overlap.
    """
    ctx = Context(text, doc, mentions, names)
    found, in_quote = _rule_attributions(ctx)
    if cues is not False:
        found = choose_readings(ctx, found, default_reading_model())
        model = default_cue_model() if cues is True else cues
        found += [att for _, att in _learned_attributions(ctx, in_quote, found, model, threshold=model.threshold)]
        found.sort(key=lambda a: a.start)
    return found


def cue_training_candidates(
    text: str, doc: Doc, readings: CueModel | None = None
) -> tuple[list[Attribution], list[CueCandidate]]:
    """The rules' attributions and the learned model's candidates left beside them.

    Used by ``scripts/train_attribution.py``: candidates come from every verb
    and noun (no lemma filter) outside quote marks and outside what the rules found,
    exactly as :func:`find_attributions` would see them.

    Args:
        text: The text that ``doc`` parses.
        doc: The spaCy parse of ``text``.
        readings: The reading model that re-reads the rules' contents first (none if ``None``).

    Returns:
        The rule-based attributions and the candidates.
    """
    ctx, found, in_quote = _read_rules(text, doc, readings)
    blocked, _ = _blocked_tokens(ctx, in_quote, found)
    return found, cue_candidates(doc, blocked=blocked, sentence_features=_sentence_features(ctx, in_quote, found))


def rule_attributions(text: str, doc: Doc, readings: CueModel | None = None) -> list[Attribution]:
    """The rules' attributions, their contents re-read by ``readings`` when given (for training)."""
    return _read_rules(text, doc, readings)[1]


def reading_training_candidates(text: str, doc: Doc) -> list[CueCandidate]:
    """Every reading of every reported attribution the rules find, rules' reading first per cue (for training)."""
    ctx = Context(text, doc, (), None)
    found, _ = _rule_attributions(ctx)
    return [cand for _, group in rule_reading_groups(ctx, found) for cand in group]


def ranked_learned_attributions(
    text: str, doc: Doc, model: CueModel, readings: CueModel | None = None
) -> tuple[list[Attribution], list[tuple[float, Attribution]]]:
    """The rules' attributions and every learned one the greedy decoder would add, with its score.

    The decoder takes candidates best first, so the attributions kept at a
    threshold ``t`` are exactly those listed here with a score ``>= t``: one
    call serves a whole threshold sweep (``scripts/train_attribution.py``).

    Args:
        text: The text that ``doc`` parses.
        doc: The spaCy parse of ``text``.
        model: A fitted cue model (its threshold is ignored).
        readings: The reading model that re-reads the rules' contents first (none if ``None``).

    Returns:
        The rule-based attributions, and ``(score, attribution)`` pairs in
        decreasing score order.
    """
    ctx, found, in_quote = _read_rules(text, doc, readings)
    return found, _learned_attributions(ctx, in_quote, found, model, threshold=0.0)


def _read_rules(text: str, doc: Doc, readings: CueModel | None) -> tuple[Context, list[Attribution], list[bool]]:
    """The rules' attributions (re-read by ``readings`` when given), with their context and quoted-token flags."""
    ctx = Context(text, doc, (), None)
    found, in_quote = _rule_attributions(ctx)
    return ctx, found if readings is None else choose_readings(ctx, found, readings), in_quote


def _rule_attributions(ctx: Context) -> tuple[list[Attribution], list[bool]]:
    """Quotes, reported speech and transcript turns found by the rules (and the quoted-token flags)."""
    text = ctx.text
    passages = _merge_split_quotes(ctx, scan_passages(text))
    ctx.set_quoted(passages)
    in_quote = _quoted_tokens(ctx, passages)
    # Reported clauses go first: a quoted fragment inside one ("X said the plan
    # was a "disaster"") is part of the reported statement, not a quote of its own.
    reported = reported_speech(ctx, in_quote)
    reported += _transcript_turns(ctx, in_quote)
    found: list[Attribution] = []
    for passage in passages:
        first, last = passage.segments[0][0], passage.segments[-1][1]
        while last > first and text[last - 1] in _EDGE_STRIP:
            last -= 1
        if any(a.start <= first and last <= a.end for a in reported):
            continue
        previous = found[-1] if found and found[-1].direct else None
        att = _attribute_passage(ctx, passage, in_quote, previous)
        if att is None:
            continue
        if previous is not None and att.cue is None and _continues(text, previous, passage.open_at):
            # An unattributed quote opening the next paragraph continues the previous one.
            found[-1] = replace(previous, segments=previous.segments + att.segments)
        elif not any(att.start < a.end and a.start < att.end for a in found):
            found.append(att)
    # A reported clause between the pieces of a split quote is its own statement.
    taken = [segment for a in found for segment in a.segments]
    for att in reported:
        if not any(start < e and s < end for s, e in taken for start, end in att.segments):
            found.append(att)
            taken.extend(att.segments)
    found.sort(key=lambda a: a.start)
    return found, in_quote


def _transcript_turns(ctx: Context, in_quote: list[bool]) -> list[Attribution]:
    """Interview transcripts: a paragraph opening with ``NAME:`` is that person speaking.

    When the name stands alone ("TAPPER:"), the turn is the next paragraph.
    """
    found = []
    paragraphs = [(m.start(), m.end()) for m in PARAGRAPH_RE.finditer(ctx.text)]
    for k, (start, end) in enumerate(paragraphs):
        match = _TURN_RE.match(ctx.text, start, end)
        if match is None or match.group(1).split()[0].strip(".").upper() in _NOT_SPEAKERS:
            continue
        name_tokens = ctx.tokens_in(match.start(1), match.end(1))
        if not name_tokens or in_quote[name_tokens[0].i]:
            continue
        if any(t.ent_type_ in {"DATE", "TIME", "GPE", "ORG", "CARDINAL"} for t in name_tokens):
            continue
        if not (any(t.ent_type_ == "PERSON" for t in name_tokens) or all(t.pos_ == "PROPN" for t in name_tokens)):
            continue
        c_start, c_end = match.end(), end
        if not ctx.text[c_start:c_end].strip() and k + 1 < len(paragraphs):
            c_start, c_end = paragraphs[k + 1]
        c_start, c_end = strip_span(ctx.text, c_start, c_end)
        if len(ctx.text[c_start:c_end].split()) < 3:
            continue
        name = best_name(ctx, match.start(1), match.end(1), "PERSON")
        found.append(
            Attribution(
                segments=((c_start, c_end),),
                direct=True,
                speaker=name,
                named=True,
                speaker_span=(match.start(1), match.end(1)),
                cue=":",
                cue_span=(match.end(1), match.end(1) + 1),
            )
        )
    return found


def _merge_split_quotes(ctx: Context, passages: list[Passage]) -> list[Passage]:
    """Merge ``"A," he said. "B."`` into one passage when B has no cue of its own."""
    merged: list[Passage] = []
    for passage in passages:
        if merged and _is_split(ctx, merged[-1], passage):
            last = merged[-1]
            merged[-1] = Passage(last.segments + passage.segments, last.open_at, passage.close_at)
        else:
            merged.append(passage)
    return merged


def _is_split(ctx: Context, first: Passage, second: Passage) -> bool:
    gap = ctx.text[first.close_at : second.open_at]
    if "\n" in gap or len(gap.split()) > _MAX_SPLIT_GAP_WORDS:
        return False
    if gap.strip() and gap.rstrip()[-1] not in ",.:;—–-":
        return False  # the second passage is embedded in a clause ("he added that his pen "...")
    # The punctuation that ended the first piece (its comma was trimmed off the content).
    tail = ctx.text[first.segments[-1][1] : first.close_at].strip(" \t" + "".join(CLOSERS) + "”»’")
    first_end = tail[-1:] or ctx.text[first.segments[-1][1] - 1]
    gap_words = gap.strip(_EDGE_STRIP)
    if gap_words and first_end != "," and not (first_end in "?!—–-" and gap_words[0].islower()):
        return False  # '"... ordinary." He added, "..."' starts a new statement
    words = [t for t in ctx.tokens_in(first.close_at, second.open_at) if not t.is_punct]
    if words and not any(is_cue(t, QUOTING_VERBS) or _governs(t, first) for t in words):
        return False
    if any(t.dep_ == "mark" for t in words) or sum(is_cue(t, QUOTING_VERBS) for t in words) > 1:
        return False  # the gap reports something of its own ("said, adding that ...")
    # If the second passage is attributed after it ("B," she replied), it stands alone.
    closing = ctx.tokens_in(second.close_at - 1, second.close_at)
    if closing:
        sent_end = ctx.sentence_of(closing[-1].i)[1]
        sent_end_char = ctx.token_ends[sent_end - 1]
        newline = ctx.text.find("\n", second.close_at, sent_end_char)
        after = ctx.tokens_in(second.close_at, sent_end_char if newline < 0 else newline)
        if any(is_cue(t, QUOTING_VERBS) for t in after):
            return False
    return bool(words) or gap.strip(_EDGE_STRIP) == ""


def _quoted_tokens(ctx: Context, passages: Iterable[Passage]) -> list[bool]:
    """Flag the tokens inside quote marks."""
    flags = [False] * len(ctx.doc)
    for passage in passages:
        for start, end in passage.segments:
            for tok in ctx.tokens_in(start, end):
                flags[tok.i] = True
    return flags


# --------------------------------------------------------------------------- direct quotes


def _attribute_passage(
    ctx: Context, passage: Passage, in_quote: list[bool], previous: Attribution | None
) -> Attribution | None:
    """Find the cue and speaker of one quoted passage."""
    doc, text = ctx.doc, ctx.text
    first_tok = ctx.tokens_in(*passage.segments[0])
    last_tok = ctx.tokens_in(*passage.segments[-1])
    if not first_tok or not last_tok:
        return None
    p_start = text.rfind("\n", 0, passage.open_at) + 1
    p_end = text.find("\n", passage.close_at)
    p_end = len(text) if p_end < 0 else p_end
    lo = max(ctx.sentence_of(first_tok[0].i)[0], ctx.first_token_at(p_start))
    hi = min(ctx.sentence_of(last_tok[-1].i)[1], ctx.first_token_at(p_end))
    # Extend to the sentence that holds the closing mark's attribution ("...," he said.), when the sentence
    # ends at the closing mark: words of the reporter's own after it ('about "...", against 28 percent.')
    # hold the quote's attribution, if any, not the next sentence.
    closed = not any(doc[i].is_alpha for i in range(bisect.bisect_left(ctx.token_starts, passage.close_at), hi))
    if hi < len(doc) and doc[hi].idx < p_end and doc[hi - 1].is_punct and closed:
        hi = min(ctx.sentence_of(hi)[1], ctx.first_token_at(p_end))
    outside = [doc[i] for i in range(lo, hi) if not in_quote[i] and not doc[i].is_punct]
    cue_tok = _best_cue(outside, passage) or _colon_cue(ctx, passage, in_quote, lo)
    words = sum(len(text[s:e].split()) for s, e in passage.segments)
    signature = _signature(text, passage.segments[-1][1])
    if cue_tok is None and signature is not None:
        dash = ctx.tokens_in(*signature.span(1))
        if dash:
            # The recognizer may take the dash into the name.
            name = best_name(ctx, *signature.span(2), "PERSON").lstrip("―—–- \u00a0")
            signed = Speaker(signature.span(2), name, True)
            return make_attribution(
                passage.segments, direct=True, speaker=signed, cue_tok=dash[0], cue=signature.group(1)
            )
    if cue_tok is None:
        if previous is not None and _continues(text, previous, passage.open_at):
            return replace(previous, segments=tuple(passage.segments), cue=None, cue_span=None)
        lead = _lead_in(ctx, passage, in_quote)
        if lead is not None:
            # The cue stays with its own sentence's attribution: the quote only borrows its speaker.
            att = make_attribution(passage.segments, direct=True, speaker=speaker_of(ctx, lead), cue_tok=lead)
            return replace(att, cue_span=None)
        if words < _MIN_UNATTRIBUTED_WORDS:
            return None
        return Attribution(
            segments=tuple(passage.segments),
            direct=True,
            speaker=None,
            named=False,
            speaker_span=None,
            cue=None,
            cue_span=None,
        )
    last_char = text[passage.segments[-1][1] - 1]
    if words < 2 and last_char not in ",.!?":
        return None  # a name, handle or number in quotes, not a statement
    speaker = _according_to_source(ctx, cue_tok) if according_to(cue_tok) else speaker_of(ctx, cue_tok)
    before = _token_before(ctx, passage.open_at)
    if before is not None and before.i >= lo and not before.is_punct and before is not cue_tok:
        # A fragment quoted inside the reporter's own clause ("vowed to "take our fight" to ..."):
        # the attributed content is the cue's complement that holds it.
        fragment = _complement_holding(cue_tok, first_tok[0])
        if fragment:
            return make_reported(ctx, cue_tok, fragment, [False] * len(doc), speaker)
        if words < _MIN_FRAGMENT_WORDS:
            return None
    return make_attribution(passage.segments, direct=True, speaker=speaker, cue_tok=cue_tok)


def _according_to_source(ctx: Context, tok: Token) -> Speaker | None:
    """The source of *according to X* before a quote: X, not the subject of the verb the parser hung it on
    ('According to the spokesman X, "on the match were present only 74"' is not the match's)."""
    source = next((c for c in tok.nbor(1).children if c.dep_ == "pobj"), None)
    return describe(ctx, source) if source is not None else None


def _lead_in(ctx: Context, passage: Passage, in_quote: list[bool]) -> Token | None:
    """The cue of the sentence just before a quote that has none of its own: "..., Schiff said. "The other ...".

    The sentence must end right before the quote mark in the same paragraph, and its last verb
    of saying outside quote marks must have a speaker the parse names or a pronoun resolves.
    """
    text, doc = ctx.text, ctx.doc
    before = _token_before(ctx, passage.open_at)
    if before is None or before.text not in {".", "!"} or "\n" in text[before.idx : passage.open_at]:
        return None
    start, end = ctx.sentence_of(before.i)
    cues = [doc[i] for i in range(start, end) if not in_quote[i] and is_cue(doc[i])]
    if not cues:
        return None
    speaker = speaker_of(ctx, cues[-1])
    return cues[-1] if speaker is not None and speaker.name else None


def _signature(text: str, end: int) -> re.Match[str] | None:
    """The name a quote ending at ``end`` is signed with ('“...” ― Marta Kowalczyk'), if any.

    Every word of the name is capitalised and nothing but the name follows in the paragraph.
    """
    match = _SIGNATURE_RE.match(text, end)
    if match is None or not all(word[:1].isupper() for word in match.group(2).split()):
        return None
    return match


def _token_before(ctx: Context, offset: int) -> Token | None:
    """The last token ending at or before ``offset``, skipping the quote mark itself."""
    i = bisect.bisect_right(ctx.token_ends, offset) - 1
    return ctx.doc[i] if i >= 0 else None


def _complement_holding(cue: Token, inner: Token) -> list[Token]:
    """Tokens from the cue's first right-hand dependent up to the one holding ``inner``."""
    right = [c for c in cue.children if c.i > cue.i and c.dep_ not in {"punct", "cc", "conj"}]
    if cue.lemma_.lower() in ADDRESSEE_VERBS:
        # "told ABC's "Good Morning America" that ...": the object is who was told, not what.
        right = [c for c in right if c.dep_ not in {"dobj", "dative", "iobj"}]
    holder = next((c for c in right if c.left_edge.i <= inner.i <= c.right_edge.i), None)
    if holder is None or holder.dep_ in {"npadvmod", "advmod", "prep"}:
        return []
    first = min(right, key=lambda c: c.i)
    return list(cue.doc[first.left_edge.i : holder.right_edge.i + 1])


def _continues(text: str, previous: Attribution, open_at: int) -> bool:
    """Tell whether a quote opening at ``open_at`` goes on with ``previous``: it opens the next
    paragraph, or a later sentence of the same paragraph (``"A," she said. "B."``)."""
    gap = text[previous.end : open_at]
    if _signature(gap, 0) is not None:
        return False  # the quote before was signed: '“...” ― Marta Kowalczyk'
    breaks = len(_BREAK_RE.findall(gap))
    if breaks == 0:
        return gap.rstrip()[-1:] in {"", ".", "!", "?"}
    if breaks != 1 or gap[gap.rfind("\n") :].strip():
        return False
    # Across paragraphs, only a mark of the same kind goes on ("A," she said. / "B.").
    first = previous.segments[0][0]
    before = text[max(0, first - 3) : first].rstrip()
    opener = next((m.group() for m in MARK_RE.finditer(before)), None) if before else None
    mark = MARK_RE.match(text, open_at)
    return opener is None or mark is None or same_family(mark.group(), opener)


def _best_cue(outside: list[Token], passage: Passage) -> Token | None:
    """Pick the cue nearest to the quote among the words outside the marks."""
    best: tuple[int, Token] | None = None
    for tok in outside:
        if according_to(tok) or is_cue(tok, QUOTING_VERBS) or _governs(tok, passage):
            # Distance to the nearest edge of any piece: a split quote's cue sits between its pieces.
            edges = (passage.open_at, passage.close_at, *(edge for seg in passage.segments for edge in seg))
            dist = min(abs(tok.idx - edge) for edge in edges)
            has_subject = subject_token(tok) is not None or according_to(tok)
            key = dist + (0 if has_subject else 1000)
            if best is None or key < best[0]:
                best = (key, tok)
    return best[1] if best else None


def _colon_cue(ctx: Context, passage: Passage, in_quote: list[bool], lo: int) -> Token | None:
    """Find a cue in a sentence that introduces the quote with a colon."""
    before = ctx.text[max(0, passage.open_at - 200) : passage.open_at].rstrip()
    if not before.endswith(":") or lo == 0:
        return None
    colon = _token_before(ctx, passage.open_at)
    if colon is None:
        return None
    start, end = ctx.sentence_of(colon.i)
    sent = ctx.doc[start:end]
    candidates = [t for t in sent if not in_quote[t.i] and (is_cue(t, QUOTING_VERBS) or according_to(t))]
    if not candidates:
        # No verb of saying: the sentence's main verb ("X addressed the public with a post, which is
        # administrated by his office:"), not one of a clause inside it.
        verbs = [t for t in sent if t.pos_ == "VERB" and not in_quote[t.i] and subject_token(t) is not None]
        candidates = [v for v in verbs if v.dep_ == "ROOT"] or verbs
    return candidates[-1] if candidates else None


def _governs(tok: Token, passage: Passage) -> bool:
    """Tell whether ``tok`` is a verb whose clausal or object child sits inside the passage."""
    if tok.pos_ != "VERB":
        return False
    for child in tok.children:
        if child.dep_ in {"ccomp", "dobj", "parataxis", "xcomp"} and any(
            s <= child.idx < e for s, e in passage.segments
        ):
            return True
    return tok.dep_ in {"parataxis", "ccomp"} and any(s <= tok.head.idx < e for s, e in passage.segments)


# --------------------------------------------------------------------------- reported speech


# --------------------------------------------------------------------------- learned cues


def _blocked_tokens(ctx: Context, in_quote: list[bool], found: Sequence[Attribution]) -> tuple[list[bool], list[bool]]:
    """Flag tokens that cannot be learned cues, and tokens already used by an attribution.

    Returns:
        ``(blocked, used)``: ``used`` marks the contents and cues of ``found``;
        ``blocked`` adds the text inside quote marks.
    """
    used = [False] * len(ctx.doc)
    for att in found:
        spans = [*att.segments, *([att.cue_span] if att.cue_span else [])]
        for start, end in spans:
            first = bisect.bisect_right(ctx.token_ends, start)
            last = bisect.bisect_left(ctx.token_starts, end)
            for i in range(first, last):
                used[i] = True
    blocked = [a or b for a, b in zip(used, in_quote, strict=True)]
    return blocked, used


def _sentence_features(ctx: Context, in_quote: list[bool], found: Sequence[Attribution]) -> dict[int, list[str]]:
    """Per sentence (by first token): whether the rules attributed something in it, and whether it quotes."""
    features: dict[int, list[str]] = {}
    for att in found:
        if att.cue_span is not None:
            i = bisect.bisect_right(ctx.token_ends, att.cue_span[0])
            if i < len(ctx.doc):
                features.setdefault(ctx.sentence_of(i)[0], ["ruled"])
    for start, end in zip(ctx.sent_token_starts, ctx.sent_token_starts[1:], strict=False):
        if any(in_quote[start:end]):
            features.setdefault(start, []).append("quoting")
    return features


def rule_reading_groups(ctx: Context, found: Sequence[Attribution]) -> list[tuple[int, list[CueCandidate]]]:
    """The readings of each reported attribution the rules found, by its index in ``found``."""
    keys, readings = [], []
    for k, att in enumerate(found):
        if att.direct or att.cue_span is None or att.score is not None:
            continue
        cue = bisect.bisect_right(ctx.token_ends, att.cue_span[0])
        spans = [
            (bisect.bisect_right(ctx.token_ends, s), bisect.bisect_left(ctx.token_starts, e)) for s, e in att.segments
        ]
        pieces = tuple((first, last) for first, last in spans if first < last)
        if cue < len(ctx.doc) and pieces:
            keys.append(k)
            readings.append((cue, pieces))
    return list(zip(keys, reading_candidates(ctx.doc, readings), strict=True))


#: Dependents of a cue that sit between it and its content without being part of it.
_LEFT_OUT_DEPS = frozenset({"dobj", "dative", "iobj", "prep", "npadvmod", "advmod"})


def choose_readings(ctx: Context, found: Sequence[Attribution], model: CueModel) -> list[Attribution]:
    """Let the reading model re-read the content of each reported attribution the rules found.

    The rules draw one boundary per cue; annotators often draw another ("said
    the plan would fail, a view shared by ..."). Each reading of the cue is
    scored (:func:`newsdesk.enrich.cues.reading_candidates`); the best one
    replaces the rules' reading when it scores higher, takes no token of
    another attribution and does not hold the attribution's own speaker. The
    rules' attributions are never dropped: the model learned from US news,
    and the word orders of translated news are the rules' to judge.
    """
    groups = rule_reading_groups(ctx, found)
    if not groups:
        return list(found)
    candidates = [cand for _, group in groups for cand in group]
    scores = model.score(candidates, context_vectors(ctx.doc, candidates))
    owner = [-1] * len(ctx.doc)
    for k, att in enumerate(found):
        for start, end in (*att.segments, *([att.cue_span] if att.cue_span else [])):
            for i in range(bisect.bisect_right(ctx.token_ends, start), bisect.bisect_left(ctx.token_starts, end)):
                owner[i] = k
    out = list(found)
    position = 0
    for k, group in groups:
        mine = scores[position : position + len(group)]
        position += len(group)
        best = max(range(len(group)), key=mine.__getitem__)
        if best == 0:
            continue
        att = found[k]
        # Never the attribution's own speaker ("..., confirmed the spokesman, Ivan Petrov": not the object),
        # nor the cue's addressee or adjunct the rules left between it and the content ("told *her* that",
        # "said *on Sunday* that").
        left_out = {t.i for t in ctx.tokens_in(*att.speaker_span)} if att.speaker_span else set()
        cue, first = ctx.doc[group[0].cue], group[0].pieces[0][0]
        for child in cue.rights:
            if child.right_edge.i < first and child.dep_ in _LEFT_OUT_DEPS:
                left_out.update(range(child.left_edge.i, child.right_edge.i + 1))
        tokens = _candidate_content(ctx, group[best])
        if not tokens or any(owner[i] not in {-1, k} or i in left_out for i in tokens):
            continue
        for i, o in enumerate(owner):
            if o == k and i != group[best].cue:
                owner[i] = -1
        for i in tokens:
            owner[i] = k
        out[k] = replace(att, segments=_candidate_attribution(ctx, group[best], tokens).segments)
    return out


def _learned_attributions(
    ctx: Context, in_quote: list[bool], found: Sequence[Attribution], model: CueModel, *, threshold: float
) -> list[tuple[float, Attribution]]:
    """Add the attributions the cue model scores above its threshold, best first.

    A candidate is skipped when its cue or any of its content was already used
    by a rule or by a better candidate: each token belongs to at most one attribution.
    """
    blocked, used = _blocked_tokens(ctx, in_quote, found)
    candidates = cue_candidates(
        ctx.doc, lemmas=model.lemmas_, blocked=blocked, sentence_features=_sentence_features(ctx, in_quote, found)
    )
    if not candidates:
        return []
    scores = model.score(candidates, context_vectors(ctx.doc, candidates))
    ranked = sorted((k for k, p in enumerate(scores) if p >= threshold), key=lambda k: (-scores[k], candidates[k].cue))
    added = []
    for k in ranked:
        cand = candidates[k]
        if used[cand.cue]:
            continue
        tokens = _candidate_content(ctx, cand)
        if not tokens or any(used[i] for i in tokens):
            continue
        att = replace(_candidate_attribution(ctx, cand, tokens), score=round(scores[k], 3))
        for i in (*tokens, cand.cue):
            used[i] = True
        added.append((scores[k], att))
    return added


def _candidate_content(ctx: Context, cand: CueCandidate) -> list[int]:
    """Content token indices of a candidate, within the cue's paragraph, edge punctuation and conjunctions trimmed."""
    doc, text = ctx.doc, ctx.text
    cue = doc[cand.cue]
    para_start = text.rfind("\n", 0, cue.idx) + 1
    para_end = find_or_end(text, "\n", cue.idx)
    tokens = [
        i
        for start, end in cand.pieces
        for i in range(start, end)
        if para_start <= ctx.token_starts[i] < para_end and not doc[i].is_space
    ]
    while tokens and doc[tokens[0]].is_punct and doc[tokens[0]].tag_ != "``":
        tokens.pop(0)
    # Edge punctuation, and a conjunction left dangling ('... "no one suffered injuries" and').
    while tokens and ((doc[tokens[-1]].is_punct and doc[tokens[-1]].tag_ != "''") or doc[tokens[-1]].dep_ == "cc"):
        tokens.pop()
    return tokens


def _candidate_attribution(ctx: Context, cand: CueCandidate, tokens: list[int]) -> Attribution:
    """Turn an accepted candidate into an attribution: segments, cue and speaker."""
    doc = ctx.doc
    segments: list[tuple[int, int]] = []
    previous = -1
    for i in tokens:
        if segments and all(doc[j].is_punct or doc[j].is_space for j in range(previous + 1, i)):
            segments[-1] = (segments[-1][0], ctx.token_ends[i])  # adjacent, or apart by punctuation only
        else:
            segments.append((ctx.token_starts[i], ctx.token_ends[i]))
        previous = i
    segments[-1] = (segments[-1][0], ctx.close_quote(*segments[-1]))
    cue = doc[cand.cue]
    return make_attribution(segments, direct=False, speaker=cue_speaker(ctx, cue), cue_tok=cue)


# --------------------------------------------------------------------------- speakers

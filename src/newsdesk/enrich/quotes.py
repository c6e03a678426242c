"""Who said what: direct quotes and reported speech, with their speakers.

The stage is rule based and runs on a spaCy parse that the caller already has
(tagger, parser, NER), so it adds little on top of parsing.

How one article is processed:

1. **Quote marks.** The text is scanned paragraph by paragraph for quoted
   passages opened and closed by any common mark (curly, straight, guillemets,
   low-9, single quotes, ``''`` pairs). A paragraph that opens a quote without
   closing it continues in the next paragraph when that one opens with a
   quote mark. Two passages of one paragraph separated only by an attributing
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
   continues the quote before it. Short fragments inside the reporter's own
   clause (scare quotes) are dropped; unattributed passages are kept only
   when long enough to be a statement.
4. **Speakers.** The speaker is the subject of the cue (climbing through
   conjunctions, participles and relative clauses), or the object of
   *according to*. Names are expanded to the longest form of the same entity
   found in the article; pronouns and definite role nouns (*the spokesman*)
   resolve to a recent compatible named entity; unnamed sources (*a source at
   the ministry*, *witnesses*) keep their description.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from spacy.attrs import IDX, LEMMA, LENGTH, SENT_START
from spacy.tokens import Doc, Span, Token

from newsdesk.enrich.cues import CueCandidate, CueModel, context_vectors, cue_candidates, default_cue_model
from newsdesk.enrich.nlp import HONORIFICS, TITLES
from newsdesk.enrich.quote_marks import CLOSERS, PARAGRAPH_RE, Passage, scan_passages, strip_span
from newsdesk.model import Mention, Quote, content_id

logger = logging.getLogger(__name__)

#: Lemmas of verbs that report speech or stance and take a clausal complement.
REPORTING_VERBS: frozenset[str] = frozenset(
    {
        "acknowledge", "add", "admit", "advise", "affirm", "agree", "allege", "announce", "answer", "argue",
        "ask", "assert", "assure", "believe", "boast", "brag", "call", "caution", "charge", "claim",
        "comment", "complain", "concede", "conclude", "confirm", "contend", "counter", "declare", "demand",
        "deny", "disclose", "emphasise", "emphasize", "estimate", "explain", "fear", "find", "forecast",
        "hint", "indicate", "inform", "insist", "joke", "maintain", "mention", "note", "observe", "pledge",
        "point", "post", "predict", "proclaim", "promise", "propose", "quip", "recall", "recommend",
        "reiterate", "remark", "repeat", "reply", "report", "respond", "retort", "reveal", "say", "see",
        "show", "signal", "speculate", "state", "stress", "suggest", "swear", "tell", "testify", "think",
        "threaten", "tweet", "underline", "underscore", "urge", "vow", "warn", "worry", "write",
    }
)  # fmt: skip

#: Extra verbs that attribute a direct quote but rarely take a reported clause.
QUOTING_VERBS: frozenset[str] = frozenset(
    {
        "chant", "continue", "cry", "exclaim", "laugh", "mutter", "plead", "read", "scream",
        "shout", "sigh", "whisper", "yell", "quote",
    }
)  # fmt: skip

#: Speech verbs whose direct object is the addressee ("told reporters that ...").
ADDRESSEE_VERBS: frozenset[str] = frozenset(
    {"tell", "ask", "inform", "assure", "remind", "warn", "urge", "notify", "advise", "brief"}
)

#: Speech verbs that commit or call for action; their infinitive is the content.
COMMITMENT_VERBS: frozenset[str] = frozenset(
    {"pledge", "promise", "vow", "threaten", "urge", "call", "swear", "demand", "propose"}
)

#: Nouns naming a role: "the spokesman said" refers back to a named person.
ROLE_NOUNS: frozenset[str] = frozenset(
    {
        "adviser", "advisor", "aide", "ambassador", "candidate", "chairman", "chairwoman", "chief",
        "commander", "director", "envoy", "executive", "general", "governor", "head", "leader",
        "lawmaker", "mayor", "minister", "nominee", "president", "prosecutor", "representative",
        "secretary", "senator", "spokesman", "spokesperson", "spokeswoman", "congressman",
        "congresswoman", "premier", "chancellor", "king", "queen", "prince", "official",
        "lawyer", "attorney", "founder", "owner", "manager", "coach", "captain",
    }
)  # fmt: skip

#: Plural or collective nouns that stand for an organisation when it modifies them.
GROUP_NOUNS: frozenset[str] = frozenset(
    {
        "authority", "fighter", "member", "official", "officer", "representative", "source",
        "spokesman", "spokesperson", "spokeswoman", "leader", "leadership", "militant", "force",
        "troop", "government", "administration", "campaign", "team", "staff", "aide",
    }
)  # fmt: skip

PERSON_PRONOUNS: frozenset[str] = frozenset({"he", "she", "him", "her"})
GROUP_PRONOUNS: frozenset[str] = frozenset({"they", "them", "it"})

#: spaCy entity labels that name a possible speaker.
PERSON_LABELS: frozenset[str] = frozenset({"PERSON"})
GROUP_LABELS: frozenset[str] = frozenset({"ORG", "NORP", "GPE"})

_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART"})
_INDEFINITE: frozenset[str] = frozenset(
    {"a", "an", "some", "one", "two", "three", "several", "many", "other", "another", "few", "most"}
)
_SUBJECTS: frozenset[str] = frozenset({"nsubj", "nsubjpass", "csubj"})
_CLIMB_DEPS: frozenset[str] = frozenset({"conj", "xcomp", "advcl", "acl", "pcomp", "dep"})
_RELATIVE: frozenset[str] = frozenset({"who", "that", "which", "whom"})
_EDGE_STRIP = " \t\n,;:.!?\"'“”‘’«»„‟‚‛‹›()[]—–-`"

_BREAK_RE = re.compile(r"\n\s*")
_TURN_RE = re.compile(r"[\"“]?((?:[A-Z][\w.'’-]*)(?: [A-Z][\w.'’-]*){0,3}): ?")
#: Words that open "LABEL:" lines that are not someone speaking.
_NOT_SPEAKERS: frozenset[str] = frozenset(
    {
        "UPDATE", "WATCH", "NOTE", "PHOTO", "PHOTOS", "VIDEO", "SOURCE", "SOURCES", "RELATED", "EDITOR",
        "EDITOR'S", "EDITOR’S", "READ", "MORE", "BREAKING", "CORRECTION", "TRANSCRIPT", "Q", "A", "SEE",
        "ALSO", "CLICK", "FOLLOW", "CREDIT", "BY", "TAGS", "TOPICS", "LISTEN", "WARNING", "PLUS",
    }
)  # fmt: skip
_CLOSING_AFTER_RE = re.compile(r"[.,!?]?[”»]")
_MIN_UNATTRIBUTED_WORDS = 8
_MIN_FRAGMENT_WORDS = 4
_MAX_SPLIT_GAP_WORDS = 30
_ANTECEDENT_PARAGRAPHS = 3


@dataclass(slots=True, frozen=True)
class Attribution:
    """One attribution with the offsets the public :class:`Quote` leaves out.

    ``segments`` are the quoted pieces (several for split or multi-paragraph
    quotes); ``speaker_span`` is where the speaker is expressed in the text
    (a pronoun, a role noun, a name), before resolution.
    """

    segments: tuple[tuple[int, int], ...]
    direct: bool
    speaker: str | None
    named: bool
    speaker_span: tuple[int, int] | None
    cue: str | None
    cue_span: tuple[int, int] | None
    score: float | None = None
    """The learned cue model's probability (``None`` when the rules found it)."""

    @property
    def start(self) -> int:
        """Offset of the first content character."""
        return self.segments[0][0]

    @property
    def end(self) -> int:
        """Offset just after the last content character."""
        return self.segments[-1][1]


@dataclass(slots=True, frozen=True)
class _Speaker:
    span: tuple[int, int]
    name: str | None
    named: bool


def _attribution(
    segments: Sequence[tuple[int, int]], *, direct: bool, speaker: _Speaker | None, cue_tok: Token, cue: str = ""
) -> Attribution:
    """An attribution of ``segments`` to ``speaker`` through the cue token ``cue_tok``."""
    return Attribution(
        segments=tuple(segments),
        direct=direct,
        speaker=speaker.name if speaker else None,
        named=speaker.named if speaker else False,
        speaker_span=speaker.span if speaker else None,
        cue=cue or _cue_text(cue_tok),
        cue_span=(cue_tok.idx, cue_tok.idx + len(cue_tok)),
    )


class _Context:
    """Per-call lookup tables over one parsed article (never shared between calls)."""

    __slots__ = (
        "doc",
        "mention_ends",
        "mention_keys",
        "mention_starts",
        "mentions",
        "names",
        "para_starts",
        "quoted_ranges",
        "quoted_starts",
        "sent_starts",
        "sent_token_starts",
        "text",
        "token_ends",
        "token_starts",
    )

    def __init__(
        self,
        text: str,
        doc: Doc,
        mentions: Sequence[Mention],
        names: Mapping[tuple[int, int], str] | None,
    ) -> None:
        if len(doc) and doc[-1].idx + len(doc[-1].text_with_ws) != len(text):
            raise ValueError("doc must be the spaCy parse of text (lengths differ); parse text itself")
        self.text = text
        self.doc = doc
        self.names = names or {}
        # Plain lists from one array export: iterating Token objects is the slow part.
        table = doc.to_array([IDX, LENGTH, SENT_START]).tolist() if len(doc) else []
        self.token_starts = [row[0] for row in table]
        self.token_ends = [row[0] + row[1] for row in table]
        firsts = [i for i, row in enumerate(table) if i == 0 or row[2] == 1]
        self.sent_token_starts = [*firsts, len(doc)]
        self.sent_starts = [self.token_starts[i] for i in firsts]
        spans: dict[tuple[int, int], tuple[str, str]] = {}
        for ent in doc.ents:
            if ent.label_ in PERSON_LABELS or ent.label_ in GROUP_LABELS:
                start, end = _trim_possessive(ent)
                if end > start:
                    spans[(start, end)] = (text[start:end], ent.label_)
        for mention in mentions:
            key = (mention.start, mention.end)
            if key not in spans:
                label = next((t.ent_type_ for t in self.tokens_in(*key) if t.ent_type_), "")
                spans[key] = (mention.text, label)
        self.mentions = sorted((s, e, t, label) for (s, e), (t, label) in spans.items())
        self.mention_starts = [m[0] for m in self.mentions]
        self.mention_ends = [m[1] for m in self.mentions]
        self.mention_keys = [_name_key(m[2]) for m in self.mentions]
        self.para_starts = [m.start() for m in PARAGRAPH_RE.finditer(text)]
        self.quoted_ranges: list[tuple[int, int]] = []
        self.quoted_starts: list[int] = []

    def set_quoted(self, passages: Iterable[Passage]) -> None:
        """Remember the quoted character ranges (names inside quotes are not antecedents)."""
        self.quoted_ranges = sorted(seg for p in passages for seg in p.segments)
        self.quoted_starts = [s for s, _ in self.quoted_ranges]

    def quoted(self, offset: int) -> bool:
        """Tell whether character ``offset`` lies inside quote marks."""
        i = bisect.bisect_right(self.quoted_starts, offset) - 1
        return i >= 0 and offset < self.quoted_ranges[i][1]

    def close_quote(self, start: int, end: int) -> int:
        """End of content ``[start, end)`` stretched to the closing mark of a quote it opens.

        A parse can cut a clause inside a quoted phrase ("called the test "a
        clear violation| and in flagrant disregard""); the quote goes on to its mark.
        """
        i = bisect.bisect_right(self.quoted_starts, end - 1) - 1
        if i >= 0 and start < self.quoted_ranges[i][0] and end < self.quoted_ranges[i][1]:
            return self.quoted_ranges[i][1]
        return end

    def mention_at(self, start: int, end: int) -> tuple[int, int, str, str] | None:
        """Return the mention overlapping ``[start, end)``, if any."""
        i = bisect.bisect_right(self.mention_starts, end - 1) - 1
        while i >= 0 and self.mentions[i][1] > start:
            if self.mentions[i][0] < end:
                return self.mentions[i]
            i -= 1
        return None

    def tokens_in(self, start: int, end: int) -> list[Token]:
        """Tokens overlapping the characters ``[start, end)``."""
        if end <= start:
            return []
        first = bisect.bisect_right(self.token_ends, start)
        last = bisect.bisect_left(self.token_starts, end)
        return [self.doc[i] for i in range(first, last)]

    def first_token_at(self, offset: int) -> int:
        """Index of the first token starting at or after ``offset``."""
        return bisect.bisect_left(self.token_starts, offset)

    def sentence_of(self, i: int) -> tuple[int, int]:
        """Token bounds ``(start, end)`` of the sentence holding token ``i``."""
        k = bisect.bisect_right(self.sent_token_starts, i) - 1
        return self.sent_token_starts[k], self.sent_token_starts[k + 1]

    def window_start(self, offset: int, paragraphs: int) -> int:
        """Offset where the paragraph ``paragraphs`` before the one holding ``offset`` starts."""
        k = bisect.bisect_right(self.para_starts, offset) - 1
        return self.para_starts[max(0, k - paragraphs)] if k >= 0 else 0

    def sentence_index(self, offset: int) -> int:
        """Return the index of the sentence holding character ``offset``."""
        return max(0, bisect.bisect_right(self.sent_starts, offset) - 1)


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
            ``True`` for the packaged model, ``False`` for rules only.

    Returns:
        Attributions in text order; contents never overlap.
    """
    ctx = _Context(text, doc, mentions, names)
    found, in_quote = _rule_attributions(ctx)
    if cues is not False:
        model = default_cue_model() if cues is True else cues
        found += [att for _, att in _learned_attributions(ctx, in_quote, found, model, threshold=model.threshold)]
        found.sort(key=lambda a: a.start)
    return found


def cue_training_candidates(text: str, doc: Doc) -> tuple[list[Attribution], list[CueCandidate]]:
    """The rules' attributions and the learned model's candidates left beside them.

    Used by ``scripts/train_attribution.py``: candidates come from every verb
    and noun (no lemma filter) outside quote marks and outside what the rules found,
    exactly as :func:`find_attributions` would see them.

    Args:
        text: The text that ``doc`` parses.
        doc: The spaCy parse of ``text``.

    Returns:
        The rule-based attributions and the candidates.
    """
    ctx = _Context(text, doc, (), None)
    found, in_quote = _rule_attributions(ctx)
    blocked, _ = _blocked_tokens(ctx, in_quote, found)
    return found, cue_candidates(doc, blocked=blocked, sentence_features=_sentence_features(ctx, in_quote, found))


def ranked_learned_attributions(
    text: str, doc: Doc, model: CueModel
) -> tuple[list[Attribution], list[tuple[float, Attribution]]]:
    """The rules' attributions and every learned one the greedy decoder would add, with its score.

    The decoder takes candidates best first, so the attributions kept at a
    threshold ``t`` are exactly those listed here with a score ``>= t``: one
    call serves a whole threshold sweep (``scripts/train_attribution.py``).

    Args:
        text: The text that ``doc`` parses.
        doc: The spaCy parse of ``text``.
        model: A fitted cue model (its threshold is ignored).

    Returns:
        The rule-based attributions, and ``(score, attribution)`` pairs in
        decreasing score order.
    """
    ctx = _Context(text, doc, (), None)
    found, in_quote = _rule_attributions(ctx)
    return found, _learned_attributions(ctx, in_quote, found, model, threshold=0.0)


def _rule_attributions(ctx: _Context) -> tuple[list[Attribution], list[bool]]:
    """Quotes, reported speech and transcript turns found by the rules (and the quoted-token flags)."""
    text = ctx.text
    passages = _merge_split_quotes(ctx, scan_passages(text))
    ctx.set_quoted(passages)
    in_quote = _quoted_tokens(ctx, passages)
    # Reported clauses go first: a quoted fragment inside one ("X said the plan
    # was a "disaster"") is part of the reported statement, not a quote of its own.
    reported = _reported_speech(ctx, in_quote)
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
    taken = [(a.start, a.end) for a in found]
    for att in reported:
        if not any(att.start < e and s < att.end for s, e in taken):
            found.append(att)
            taken.append((att.start, att.end))
    found.sort(key=lambda a: a.start)
    return found, in_quote


def _transcript_turns(ctx: _Context, in_quote: list[bool]) -> list[Attribution]:
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
        name = _best_name(ctx, match.start(1), match.end(1), "PERSON")
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


def _merge_split_quotes(ctx: _Context, passages: list[Passage]) -> list[Passage]:
    """Merge ``"A," he said. "B."`` into one passage when B has no cue of its own."""
    merged: list[Passage] = []
    for passage in passages:
        if merged and _is_split(ctx, merged[-1], passage):
            last = merged[-1]
            merged[-1] = Passage(last.segments + passage.segments, last.open_at, passage.close_at)
        else:
            merged.append(passage)
    return merged


def _is_split(ctx: _Context, first: Passage, second: Passage) -> bool:
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
    if words and not any(_is_cue(t, QUOTING_VERBS) or _governs(t, first) for t in words):
        return False
    if any(t.dep_ == "mark" for t in words) or sum(_is_cue(t, QUOTING_VERBS) for t in words) > 1:
        return False  # the gap reports something of its own ("said, adding that ...")
    # If the second passage is attributed after it ("B," she replied), it stands alone.
    closing = ctx.tokens_in(second.close_at - 1, second.close_at)
    if closing:
        sent_end = ctx.sentence_of(closing[-1].i)[1]
        sent_end_char = ctx.token_ends[sent_end - 1]
        newline = ctx.text.find("\n", second.close_at, sent_end_char)
        after = ctx.tokens_in(second.close_at, sent_end_char if newline < 0 else newline)
        if any(_is_cue(t, QUOTING_VERBS) for t in after):
            return False
    return bool(words) or gap.strip(_EDGE_STRIP) == ""


def _quoted_tokens(ctx: _Context, passages: Iterable[Passage]) -> list[bool]:
    """Flag the tokens inside quote marks."""
    flags = [False] * len(ctx.doc)
    for passage in passages:
        for start, end in passage.segments:
            for tok in ctx.tokens_in(start, end):
                flags[tok.i] = True
    return flags


# --------------------------------------------------------------------------- direct quotes


def _attribute_passage(
    ctx: _Context, passage: Passage, in_quote: list[bool], previous: Attribution | None
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
    # Extend to the sentence that holds the closing mark's attribution ("...," he said.)
    if hi < len(doc) and doc[hi].idx < p_end and doc[hi - 1].is_punct:
        hi = min(ctx.sentence_of(hi)[1], ctx.first_token_at(p_end))
    outside = [doc[i] for i in range(lo, hi) if not in_quote[i] and not doc[i].is_punct]
    cue_tok = _best_cue(outside, passage) or _colon_cue(ctx, passage, in_quote, lo)
    words = sum(len(text[s:e].split()) for s, e in passage.segments)
    if cue_tok is None:
        if previous is not None and _continues(text, previous, passage.open_at):
            return replace(previous, segments=tuple(passage.segments), cue=None, cue_span=None)
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
    speaker = _speaker_of(ctx, cue_tok)
    before = _token_before(ctx, passage.open_at)
    if before is not None and before.i >= lo and not before.is_punct and before is not cue_tok:
        # A fragment quoted inside the reporter's own clause ("vowed to "take our fight" to ..."):
        # the attributed content is the cue's complement that holds it.
        fragment = _complement_holding(cue_tok, first_tok[0])
        if fragment:
            return _make_reported(ctx, cue_tok, fragment, [False] * len(doc), speaker)
        if words < _MIN_FRAGMENT_WORDS:
            return None
    return _attribution(passage.segments, direct=True, speaker=speaker, cue_tok=cue_tok)


def _token_before(ctx: _Context, offset: int) -> Token | None:
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
    breaks = len(_BREAK_RE.findall(gap))
    if breaks == 0:
        return gap.rstrip()[-1:] in {"", ".", "!", "?"}
    return breaks == 1 and not gap[gap.rfind("\n") :].strip()


def _best_cue(outside: list[Token], passage: Passage) -> Token | None:
    """Pick the cue nearest to the quote among the words outside the marks."""
    best: tuple[int, Token] | None = None
    for tok in outside:
        if _according_to(tok) or _is_cue(tok, QUOTING_VERBS) or _governs(tok, passage):
            # Distance to the nearest edge of any piece: a split quote's cue sits between its pieces.
            edges = (passage.open_at, passage.close_at, *(edge for seg in passage.segments for edge in seg))
            dist = min(abs(tok.idx - edge) for edge in edges)
            has_subject = _subject_token(tok) is not None or _according_to(tok)
            key = dist + (0 if has_subject else 1000)
            if best is None or key < best[0]:
                best = (key, tok)
    return best[1] if best else None


def _colon_cue(ctx: _Context, passage: Passage, in_quote: list[bool], lo: int) -> Token | None:
    """Find a cue in a sentence that introduces the quote with a colon."""
    before = ctx.text[max(0, passage.open_at - 200) : passage.open_at].rstrip()
    if not before.endswith(":") or lo == 0:
        return None
    colon = _token_before(ctx, passage.open_at)
    if colon is None:
        return None
    start, end = ctx.sentence_of(colon.i)
    sent = ctx.doc[start:end]
    candidates = [t for t in sent if not in_quote[t.i] and (_is_cue(t, QUOTING_VERBS) or _according_to(t))]
    if not candidates:
        verbs = [t for t in sent if t.pos_ == "VERB" and not in_quote[t.i]]
        candidates = [v for v in verbs if _subject_token(v) is not None]
    return candidates[-1] if candidates else None


def _is_cue(tok: Token, extra: frozenset[str] = frozenset()) -> bool:
    if tok.pos_ not in {"VERB", "AUX"} and tok.tag_ not in {"VBD", "VBZ", "VBP", "VBG", "VBN", "VB"}:
        return False
    lemma = tok.lemma_.lower()
    return lemma in REPORTING_VERBS or lemma in extra


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


def _according_to(tok: Token) -> bool:
    nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
    return tok.lower_ == "according" and nxt is not None and nxt.lower_ == "to"


def _cue_text(tok: Token) -> str:
    if _according_to(tok):
        return "according to"
    parts = [tok]
    parts += [c for c in tok.children if c.dep_ in {"prt", "neg"}]
    parts.sort(key=lambda t: t.i)
    return " ".join(t.text for t in parts)


# --------------------------------------------------------------------------- reported speech


def _reported_speech(ctx: _Context, in_quote: list[bool]) -> list[Attribution]:
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
        if _according_to(tok):
            att = _according_to_clause(ctx, tok, in_quote)
        elif _as_cue(tok):
            att = _as_clause(ctx, tok, in_quote)
        elif _is_cue(tok):
            att = _complement_clause(ctx, tok, in_quote)
        else:
            continue
        if att is not None:
            found.append(att)
    return found


def _complement_clause(ctx: _Context, verb: Token, in_quote: list[bool]) -> Attribution | None:
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
        return _make_reported(ctx, verb, tokens, in_quote, _speaker_of(ctx, verb), head=target)
    inverted = _inverted_speaker(verb) if comp is None else None
    if inverted is not None:
        # "The toll rose to 16, announced the governor": the statement is the sentence before the comma.
        before = [t for t in verb.sent if t.i < verb.i - 1]
        return _make_reported(ctx, verb, before, in_quote, _describe(ctx, inverted))
    if comp is None:
        comp = _interposed_host(verb)
        if comp is None:
            return None
        tokens = [t for t in comp.subtree if not _in_subtree(t, verb)]
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
    return _make_reported(ctx, verb, tokens, in_quote, _speaker_of(ctx, verb), head=comp)


def _clause_tokens(head: Token) -> list[Token]:
    """The clause under ``head`` without conjoined clauses that report speech again.

    "He says the fix was to break up fraud rings and says he wrote a bill" keeps
    only "the fix was to break up fraud rings" (the second *says* is its own quote).
    """
    tokens = list(head.subtree)
    for child in head.children:
        if child.dep_ == "conj" and _is_cue(child, QUOTING_VERBS) and any(c.dep_ == "ccomp" for c in child.children):
            cut = range(child.left_edge.i, child.right_edge.i + 1)
            tokens = [t for t in tokens if t.i not in cut]
    return tokens


def _interposed_host(verb: Token) -> Token | None:
    """Return the clause that ``he said`` interrupts or follows ("The plan, he said, failed")."""
    host = verb.head
    if host.pos_ not in {"VERB", "AUX"} or _is_cue(host, QUOTING_VERBS):
        return None
    if verb.dep_ == "advcl":
        # "X reported on Friday, after heavy fighting, that ...": the parser hung
        # the cue under the reported clause; the "that" after the cue gives it away.
        if any(c.dep_ == "mark" and c.lower_ == "that" and c.i > verb.i for c in host.children):
            return host
        return None
    if verb.dep_ not in {"parataxis", "ccomp"}:
        return None
    if _subject_token(verb) is None or any(c.dep_ in {"dobj", "xcomp"} for c in verb.children):
        return None
    return host


def _in_subtree(tok: Token, root: Token) -> bool:
    return root.left_edge.i <= tok.i <= root.right_edge.i


def _according_to_clause(ctx: _Context, tok: Token, in_quote: list[bool]) -> Attribution | None:
    source = next((c for c in tok.nbor(1).children if c.dep_ == "pobj"), None)
    host = tok.head if tok.head is not tok else None
    if host is None or source is None:
        return None
    while host.dep_ in {"prep", "pobj"} and host.head is not host:
        host = host.head
    sent = tok.sent
    name = _name_after(ctx, source)
    skip = set(range(source.right_edge.i + 1, name[1] + 1)) if name else set()  # the name, its title and commas
    tokens = [t for t in sent if not _in_subtree(t, tok) and t.i not in {tok.i, tok.i + 1} and t.i not in skip]
    speaker = _describe(ctx, source)
    return _make_reported(ctx, tok, tokens, in_quote, speaker, cue="according to", head=host)


def _as_cue(tok: Token) -> bool:
    """A verb of saying opening its sentence with *as*: "As told the spokesman, ...", "As the police said, ..."."""
    return (
        tok.dep_ == "advcl"
        and _is_cue(tok)
        and any(c.dep_ == "mark" and c.lower_ == "as" for c in tok.children)
        and tok.sent.start == tok.left_edge.i
        and tok.head.i > tok.i
    )


def _as_clause(ctx: _Context, tok: Token, in_quote: list[bool]) -> Attribution | None:
    """The rest of the sentence after "As told the spokesman of the service, NAME," (an *according to*)."""
    agent = next((c for c in tok.children if c.dep_ == "agent"), None)
    source = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
    source = source or next((c for c in tok.children if c.dep_ in _SUBJECTS), None)
    source = source or next((c for c in tok.children if c.dep_ in {"dobj", "attr"} and c.i > tok.i), None)
    if source is None:
        return None
    doc = tok.doc
    end = tok.sent.end
    comma = next((j for j in range(source.i + 1, end) if doc[j].text == ","), None)
    if comma is None:
        return None
    name = _name_after_comma(ctx, comma)
    if name is not None:
        comma = name[1]  # "..., Nurlan Abdykadyrov, a group entered": the name and its comma go with the source
    tokens = list(doc[comma + 1 : end])
    speaker = _describe(ctx, doc[name[0]]) if name is not None else _describe(ctx, source)
    return _make_reported(ctx, tok, tokens, in_quote, speaker, cue=_cue_text(tok), head=tok.head)


def _name_after_comma(ctx: _Context, comma: int) -> tuple[int, int] | None:
    """Token range of a person's name right after the comma at ``comma`` and closed by another comma."""
    doc = ctx.doc
    if comma + 1 >= len(doc):
        return None
    mention = ctx.mention_at(doc[comma + 1].idx, doc[comma + 1].idx + len(doc[comma + 1]))
    if mention is None or mention[3] not in PERSON_LABELS:
        return None
    end = bisect.bisect_left(ctx.token_starts, mention[1])
    return (comma + 1, end) if end < len(doc) and doc[end].text == "," else None


def _name_after(ctx: _Context, tok: Token) -> tuple[int, int] | None:
    """Token range of a person's name (after its title, if any) set off by commas right after ``tok``'s phrase.

    "according to the spokesman of the police, Mihai Ionescu, Radu is ...": the
    parser made the name a subject of the clause; it is the spokesman's name.
    """
    doc = tok.doc
    comma = tok.right_edge.i + 1
    if tok.pos_ != "NOUN" or comma + 1 >= len(doc) or doc[comma].text != ",":
        return None
    first = comma + 1
    while first < min(len(doc) - 1, comma + 3) and doc[first].is_lower and doc[first].is_alpha:
        first += 1  # a title before the name: "..., colonel Gulnara Sadykova."
    mention = ctx.mention_at(doc[first].idx, doc[first].idx + len(doc[first]))
    if mention is None or mention[3] not in PERSON_LABELS:
        return None
    end = bisect.bisect_left(ctx.token_starts, mention[1])
    return (first, end) if end == len(doc) or doc[end].text in {",", ".", ";"} else None


def _make_reported(
    ctx: _Context,
    cue_tok: Token,
    tokens: list[Token],
    in_quote: list[bool],
    speaker: _Speaker | None,
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
    paragraph = (text.rfind("\n", 0, cue_tok.idx) + 1, _find_or_end(text, "\n", cue_tok.idx))
    tokens = sorted((t for t in tokens if paragraph[0] <= t.idx < paragraph[1]), key=lambda t: t.i)
    if head is not None and (head.left_edge.i <= cue_tok.i <= head.right_edge.i):
        interrupter = {t.i for t in cue_tok.subtree}  # "according to X" / "he said" inside the clause
    else:
        interrupter = {cue_tok.i} | {t.i for t in cue_tok.children if t.dep_ in _SUBJECTS}
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
    subject = None if _according_to(cue_tok) or _as_cue(cue_tok) else _subject_token(cue_tok)
    if subject is not None and any(t.i == subject.i for t in flat):
        return None
    segments = [(run[0].idx, run[-1].idx + len(run[-1])) for run in runs]
    start, end = segments[-1]
    end = ctx.close_quote(start, end)
    segments[-1] = (start, end)
    content = text[start:end]
    if sum(content.count(m) for m in "“«") > sum(content.count(m) for m in "”»"):
        closing = _CLOSING_AFTER_RE.match(text, end)
        if closing:
            segments[-1] = (start, closing.end())
    return _attribution(segments, direct=False, speaker=speaker, cue_tok=cue_tok, cue=cue or "")


#: Words opening a concessive clause: "..., while critics say it failed" is the writer's contrast.
_CONCESSIVE = frozenset({"while", "whereas", "although", "though", "even", "but"})
_ASIDE_MARKS = frozenset({",", ";", "—", "–", "--"})


def _drop_trailing_aside(tokens: list[Token], head: Token) -> list[Token]:
    """Cut the writer's aside that closes a reported clause after a comma.

    Two kinds: a non-restrictive relative clause ("... from pneumonia, which
    forced her to leave early") and a concessive clause ("... opposed the war,
    while radio clips show ..."). Attribution corpora leave them out of the
    content: they are the reporter's words, not the speaker's.
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
        if (relative or participle or (tok.dep_ == "advcl" and opener in _CONCESSIVE)) and (
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


def _find_or_end(text: str, sub: str, start: int) -> int:
    found = text.find(sub, start)
    return len(text) if found < 0 else found


# --------------------------------------------------------------------------- learned cues


def _blocked_tokens(ctx: _Context, in_quote: list[bool], found: Sequence[Attribution]) -> tuple[list[bool], list[bool]]:
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


def _sentence_features(ctx: _Context, in_quote: list[bool], found: Sequence[Attribution]) -> dict[int, list[str]]:
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


def _learned_attributions(
    ctx: _Context, in_quote: list[bool], found: Sequence[Attribution], model: CueModel, *, threshold: float
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


def _candidate_content(ctx: _Context, cand: CueCandidate) -> list[int]:
    """Content token indices of a candidate, within the cue's paragraph, edge punctuation trimmed."""
    doc, text = ctx.doc, ctx.text
    cue = doc[cand.cue]
    para_start = text.rfind("\n", 0, cue.idx) + 1
    para_end = _find_or_end(text, "\n", cue.idx)
    tokens = [
        i
        for start, end in cand.pieces
        for i in range(start, end)
        if para_start <= ctx.token_starts[i] < para_end and not doc[i].is_space
    ]
    while tokens and doc[tokens[0]].is_punct and doc[tokens[0]].tag_ != "``":
        tokens.pop(0)
    while tokens and doc[tokens[-1]].is_punct and doc[tokens[-1]].tag_ != "''":
        tokens.pop()
    return tokens


def _candidate_attribution(ctx: _Context, cand: CueCandidate, tokens: list[int]) -> Attribution:
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
    return _attribution(segments, direct=False, speaker=_cue_speaker(ctx, cue), cue_tok=cue)


def _cue_speaker(ctx: _Context, cue: Token) -> _Speaker | None:
    """Who holds what a learned cue attributes.

    The agent of a passive (*criticized by X*), the possessor of a noun cue
    (*Trump's support for*), the subject of the verb a noun cue depends on
    (*Clinton expressed support for*), else the cue's own subject.
    """
    agent = next((c for c in cue.children if c.dep_ == "agent"), None)
    if agent is not None:
        obj = next((c for c in agent.children if c.dep_ == "pobj"), None)
        if obj is not None:
            return _describe(ctx, obj)
    if cue.pos_ == "NOUN":
        poss = next((c for c in cue.children if c.dep_ == "poss"), None)
        if poss is not None:
            return _describe(ctx, poss)
        by = next((c for c in cue.children if c.dep_ == "prep" and c.lower_ in {"by", "from"}), None)
        obj = next((c for c in by.children if c.dep_ == "pobj"), None) if by is not None else None
        if obj is not None:
            return _describe(ctx, obj)
        head = cue.head
        while head.dep_ in {"prep", "pobj"} and head.head.i != head.i:
            head = head.head
        if head.i != cue.i and head.pos_ in {"VERB", "AUX"}:
            return _speaker_of(ctx, head)
        return None
    if cue.pos_ == "ADJ" and cue.head.i != cue.i:
        # "Clinton is confident that ...": the subject of the copula.
        return _speaker_of(ctx, cue.head)
    return _speaker_of(ctx, cue)


# --------------------------------------------------------------------------- speakers


def _subject_token(verb: Token) -> Token | None:
    """Return the token naming who performs ``verb``, climbing to the governing clause."""
    inverted = _inverted_speaker(verb)
    if inverted is not None:
        return inverted
    tok = verb
    for _ in range(5):
        subjects = [c for c in tok.children if c.dep_ in _SUBJECTS and (c.dep_ != "nsubjpass" or tok.lemma_ == "quote")]
        if subjects:
            # "The minister of foreign affairs A. Temirbekov announced": of two subjects, the person named.
            child = max(subjects, key=lambda c: (c.ent_type_ in PERSON_LABELS or c.pos_ == "PROPN", -c.i))
            if not any(ch.isalnum() for ch in child.text):
                # '«...» declared Vidmar': the parser made the closing mark the subject.
                return _inverted_subject(tok)
            if child.lower_ in _RELATIVE and tok.dep_ == "relcl":
                return tok.head
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
            tok.dep_ not in _CLIMB_DEPS and not (tok.dep_ == "prep" and tok.head.pos_ in {"VERB", "AUX"})
        ):
            break
        tok = tok.head
    if tok.dep_ == "ROOT" and tok.tag_ in {"VBD", "VBZ", "VBP"}:
        # "About 4 in 10 say ...": the parser left the finite verb without a subject.
        return (_name_after_quote(tok) if tok is verb else None) or _nearest_subject(tok)
    return None


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


def _inverted_speaker(verb: Token) -> Token | None:
    """The speaker after a verb of saying that follows its statement: "The talks will resume, *confirmed the
    spokesman*", a word order of translated news that the parser reads as verb and object."""
    doc = verb.doc
    before = verb.i - 1
    while before > 0 and doc[before].tag_ in {"''", "``"}:
        before -= 1  # '"... the law," declared a spokesperson'
    if before < 0 or doc[before].text != "," or verb.tag_ not in _FINITE_TAGS or not _is_cue(verb):
        return None  # a participle after a comma ("..., suggesting a few questions") is an adjunct
    if verb.lemma_.lower() in ADDRESSEE_VERBS:
        return None
    if not any(t.tag_ in _FINITE_TAGS or t.tag_ == "MD" for t in doc[verb.sent.start : before]):
        return None  # no statement before the comma: "The minister, Eva Holm, announced an inquiry"
    for child in verb.children:
        if child.i > verb.i and child.dep_ in {"ccomp", "xcomp", "dative"}:
            return None  # "..., telling O'Reilly that ...": the object is who is told
        if (
            child.i < verb.i
            and child.dep_ in _SUBJECTS
            and (child.pos_ in {"PROPN", "PRON"} or child.ent_type_ in PERSON_LABELS | GROUP_LABELS)
        ):
            return None  # "Mr. Obama, who ..., told his advisers": a named subject before the verb
    # "..., wrote on Telegram the spokeswoman": a prepositional phrase may come between.
    start = verb.i + 1
    for child in verb.children:
        if child.dep_ == "prep" and child.i == start:
            start = child.right_edge.i + 1
    for child in verb.children:
        if child.dep_ not in {"dobj", "attr"} or child.left_edge.i != start:
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


def _speaker_of(ctx: _Context, verb: Token) -> _Speaker | None:
    subject = _subject_token(verb)
    return _describe(ctx, subject) if subject is not None else None


def _describe(ctx: _Context, tok: Token) -> _Speaker | None:
    """Turn the head token of a speaker phrase into a speaker name or description."""
    lower = tok.lower_
    span = (tok.idx, tok.idx + len(tok))
    if tok.pos_ == "PRON" or lower in PERSON_PRONOUNS or lower in GROUP_PRONOUNS:
        if lower in PERSON_PRONOUNS:
            name = _antecedent(ctx, tok, person=True)
        elif lower in GROUP_PRONOUNS:
            name = _antecedent(ctx, tok, person=False)
        else:
            name = None
        return _Speaker(span, name, name is not None)
    mention = ctx.mention_at(*span)
    if mention is not None:
        start = _first_name_before(ctx, mention)
        return _Speaker((start, mention[1]), _best_name(ctx, start, mention[1], mention[3]), True)
    if tok.pos_ == "PROPN":
        left = tok
        while True:
            nxt = [c for c in left.children if c.dep_ in {"compound", "flat"} and c.i < left.i]
            if not nxt:
                break
            left = min(nxt, key=lambda t: t.i)
        start = left.idx
        return _Speaker((start, span[1]), _best_name(ctx, start, span[1], ""), True)
    phrase = _phrase_span(tok)
    if tok.pos_ not in {"NOUN", "PROPN"}:
        # "Nine in 10 voters say", "those who said": keep the phrase as description.
        return _Speaker(phrase, _description(ctx, tok), False) if tok.pos_ in {"NUM", "DET", "ADJ"} else None
    for child in tok.children:
        if child.dep_ == "appos" and (child.pos_ == "PROPN" or ctx.mention_at(child.idx, child.idx + 1)):
            named = _describe(ctx, child)
            if named is not None and named.name:
                return _Speaker(phrase, named.name, True)
    set_off = _name_after(ctx, tok)
    if set_off is not None:
        first, last = ctx.token_starts[set_off[0]], ctx.token_ends[set_off[1] - 1]
        return _Speaker(phrase, _best_name(ctx, first, last, "PERSON"), True)
    for name_tok in _appos_on_object(tok):
        # "the mayor of Kozarevo, Milena Stojkova, denied": the parser hangs the name on the place.
        mention = ctx.mention_at(name_tok.idx, name_tok.idx + len(name_tok))
        if mention is not None and mention[3] not in PERSON_LABELS:
            continue
        named = _describe(ctx, name_tok)
        if named is not None and named.name:
            return _Speaker(phrase, named.name, True)
    lemma = tok.lemma_.lower()
    if lemma in ROLE_NOUNS:
        named_in = _set_off_person(ctx, tok)
        if named_in is not None:
            # "The executive director of Vitrex, Iliya Petkov, son of the founder, affirmed": however parsed.
            return _Speaker(phrase, _best_name(ctx, named_in[0], named_in[1], "PERSON"), True)
    if lemma in GROUP_NOUNS:
        for child in tok.children:
            if child.dep_ in {"compound", "poss", "amod", "nmod"}:
                found = ctx.mention_at(child.idx, child.idx + len(child))
                label = found[3] if found else child.ent_type_
                if label in {"ORG", "NORP"}:
                    start, end = (found[0], found[1]) if found else (child.idx, child.idx + len(child))
                    return _Speaker(phrase, _best_name(ctx, start, end, label), True)
    definite = any(c.dep_ in {"det", "poss"} and c.lower_ not in _INDEFINITE for c in tok.children)
    if definite:
        # "The spokeswoman said": a person introduced with that role, else the
        # fuller earlier description ("a source at ..."), else a recent person.
        role = lemma in ROLE_NOUNS and tok.tag_ != "NNS"
        name = _role_holder(ctx, tok) if role else None
        if name is not None:
            return _Speaker(phrase, name, True)
        earlier = _earlier_description(ctx, tok)
        if earlier is not None:
            return _Speaker(phrase, earlier, False)
        name = _antecedent(ctx, tok, person=True) if role else None
        if name is not None:
            return _Speaker(phrase, name, True)
    return _Speaker(phrase, _description(ctx, tok), False)


def _first_name_before(ctx: _Context, mention: tuple[int, int, str, str]) -> int:
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


def _set_off_person(ctx: _Context, tok: Token) -> tuple[int, int] | None:
    """Character span of a person's name set off by a comma inside the phrase of role noun ``tok``."""
    doc = tok.doc
    for j in range(tok.i + 2, tok.right_edge.i + 1):
        if doc[j - 1].text != "," or doc[j].dep_ in {"relcl", "acl"}:
            continue
        mention = ctx.mention_at(doc[j].idx, doc[j].idx + len(doc[j]))
        if mention is not None and mention[3] in PERSON_LABELS and mention[0] == doc[j].idx:
            return mention[0], mention[1]
    return None


def _appos_on_object(tok: Token) -> list[Token]:
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


def _phrase_span(tok: Token) -> tuple[int, int]:
    """Character span of the noun phrase headed by ``tok``, without clauses after a comma."""
    end = tok.i
    for t in tok.subtree:
        if t.i > tok.i and (t.is_punct or t.dep_ in {"relcl", "appos", "acl"}):
            break
        end = t.i
    left = tok.left_edge
    doc = tok.doc
    return left.idx, doc[end].idx + len(doc[end])


def _description(ctx: _Context, tok: Token) -> str:
    """An unnamed source's description: the phrase without its leading article."""
    start, end = _phrase_span(tok)
    words = ctx.text[start:end].split()
    while len(words) > 1 and words[0].lower() in {"a", "an", "the", "this", "that"}:
        words = words[1:]
    first = ctx.tokens_in(end - len(" ".join(words)), end)
    if words and first and first[0].pos_ != "PROPN" and first[0].ent_type_ not in _NAME_LABELS:
        # Sentence-initial capitals are not names: "Witnesses said" -> "witnesses".
        words[0] = words[0][:1].lower() + words[0][1:]
    return " ".join(words[:14])


def _earlier_description(ctx: _Context, tok: Token) -> str | None:
    """For "the source said", find the fuller "a source at ..." introduced earlier."""
    lemma = tok.lemma_
    own = _description(ctx, tok)
    for prev in reversed(ctx.doc[: tok.i]):
        if prev.lemma_ == lemma and prev.pos_ == "NOUN":
            text = _description(ctx, prev)
            if len(text) > len(own):
                return text
            return None
    return None


def _role_holder(ctx: _Context, tok: Token) -> str | None:
    """Find an earlier named person introduced with the same role ("X, a spokesman ...")."""
    lemma = tok.lemma_
    for prev in reversed(ctx.doc[: tok.i]):
        if prev.lemma_ != lemma or prev.i == tok.i:
            continue
        linked = [c for c in prev.children if c.dep_ == "appos"]
        if prev.dep_ in {"appos", "compound"}:
            linked.append(prev.head)
        groups = 0
        for other in linked:
            mention = ctx.mention_at(other.idx, other.idx + len(other))
            if mention is not None:
                if mention[3] not in GROUP_LABELS:
                    return _best_name(ctx, mention[0], mention[1], mention[3])
                groups += 1  # "the Taliban, the leader of ...": a misparse, a group holds no person's role
                continue
            if other.pos_ == "PROPN":
                speaker = _describe(ctx, other)
                if speaker is not None and speaker.name:
                    return speaker.name
        if linked and groups == len(linked):
            # A person's role in apposition to a group is a misparse ("before the Taliban, the leader
            # of the Front, ..., Ahmed Masood, posted"): the one person that sentence names holds it.
            start, end = ctx.sentence_of(prev.i)
            first, last = ctx.doc[start].idx, ctx.token_ends[end - 1]
            lo, hi = bisect.bisect_left(ctx.mention_starts, first), bisect.bisect_left(ctx.mention_starts, last)
            people = {m[2]: m for m in ctx.mentions[lo:hi] if m[3] in PERSON_LABELS and not ctx.quoted(m[0])}
            if len(people) == 1:
                s, e, _, label = next(iter(people.values()))
                return _best_name(ctx, s, e, label)
    return None


def _antecedent(ctx: _Context, tok: Token, *, person: bool) -> str | None:
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
        subject = root is not None and (
            root.dep_ in _SUBJECTS or (root.dep_ == "appos" and root.head.dep_ in _SUBJECTS)
        )
        # The speaker of a speech verb is a person even when NER calls it an organisation.
        speaking = subject and root is not None and person and label in {"ORG", "NORP"} and _is_cue(root.head)
        if label in labels or speaking:
            candidates.append((start, end, "PERSON" if speaking else label, subject))
    if person:
        # Proper nouns the NER missed still name people when they are subjects.
        for j in range(tok.i - 1, -1, -1):
            prev = ctx.doc[j]
            if prev.idx < limit:
                break
            if (
                prev.pos_ == "PROPN"
                # "The spokesman of the service Abdykadirov denied": a name in apposition to the subject too
                and (prev.dep_ in _SUBJECTS or (prev.dep_ == "appos" and prev.head.dep_ in _SUBJECTS))
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
            return _best_name(ctx, start, end, label)
        if fallback is None:
            fallback = (start, end, label)
    return _best_name(ctx, *fallback) if fallback else None


def _root_of(ctx: _Context, start: int, end: int) -> Token | None:
    tokens = ctx.tokens_in(start, end)
    return ctx.doc[tokens[0].i : tokens[-1].i + 1].root if tokens else None


def _best_name(ctx: _Context, start: int, end: int, label: str) -> str:
    """The longest form of the same entity in the article ("Karimi" -> "Bilal Karimi")."""
    if (start, end) in ctx.names:
        return ctx.names[(start, end)]
    name = _strip_possessive(ctx.text[start:end])
    key = _name_key(name)
    if not key:
        return name
    best = name
    for (m_start, m_end, m_text, m_label), m_key in zip(ctx.mentions, ctx.mention_keys, strict=True):
        if not key <= m_key or len(m_text) <= len(best):
            continue
        if label and m_label and (m_label in PERSON_LABELS) != (label in PERSON_LABELS):
            continue
        candidate = ctx.names.get((m_start, m_end)) or _strip_possessive(m_text)
        if len(candidate) > len(best):
            best = candidate
    return best


def _name_key(name: str) -> frozenset[str]:
    words = (w.strip(".,").lower() for w in name.split())
    return frozenset(w for w in words if w and w not in HONORIFICS)


def _strip_possessive(name: str) -> str:
    for suffix in ("'s", "’s", "'", "’"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _trim_possessive(ent: Span) -> tuple[int, int]:
    end = ent.end_char
    if ent[-1].tag_ == "POS" or ent[-1].lower_ in {"'s", "’s"}:
        end = ent[-1].idx
    return ent.start_char, end

"""The attribution record and the per-article lookup tables the attribution rules share."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from spacy.attrs import IDX, LENGTH, SENT_START
from spacy.tokens import Doc, Span, Token

from newsdesk.enrich.lexicon import GROUP_LABELS, PERSON_LABELS, cue_text
from newsdesk.enrich.nlp import HONORIFICS
from newsdesk.enrich.quote_marks import PARAGRAPH_RE, Passage
from newsdesk.model import Mention


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
class Speaker:
    span: tuple[int, int]
    name: str | None
    named: bool


def make_attribution(
    segments: Sequence[tuple[int, int]], *, direct: bool, speaker: Speaker | None, cue_tok: Token, cue: str = ""
) -> Attribution:
    """An attribution of ``segments`` to ``speaker`` through the cue token ``cue_tok``."""
    return Attribution(
        segments=tuple(segments),
        direct=direct,
        speaker=speaker.name if speaker else None,
        named=speaker.named if speaker else False,
        speaker_span=speaker.span if speaker else None,
        cue=cue or cue_text(cue_tok),
        cue_span=(cue_tok.idx, cue_tok.idx + len(cue_tok)),
    )


_CLOSING_AFTER_RE = re.compile(r"[.,!?]?[”»]")


class Context:
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
        self.mention_keys = [name_key(m[2]) for m in self.mentions]
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
        clear violation| and in flagrant disregard""); the quote goes on to its
        mark, which is taken too when the content would otherwise leave a curly
        quote or a guillemet open.
        """
        i = bisect.bisect_right(self.quoted_starts, end - 1) - 1
        if i >= 0 and start < self.quoted_ranges[i][0] and end < self.quoted_ranges[i][1]:
            end = self.quoted_ranges[i][1]
        content = self.text[start:end]
        if sum(content.count(m) for m in "“«") > sum(content.count(m) for m in "”»"):
            closing = _CLOSING_AFTER_RE.match(self.text, end)
            if closing:
                return closing.end()
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


def best_name(ctx: Context, start: int, end: int, label: str) -> str:
    """The longest form of the same entity in the article ("Karimi" -> "Bilal Karimi")."""
    if (start, end) in ctx.names:
        return ctx.names[(start, end)]
    name = _strip_possessive(ctx.text[start:end])
    key = name_key(name)
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


def _strip_possessive(name: str) -> str:
    for suffix in ("'s", "’s", "'", "’"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def find_or_end(text: str, sub: str, start: int) -> int:
    found = text.find(sub, start)
    return len(text) if found < 0 else found


def name_key(name: str) -> frozenset[str]:
    words = (w.strip(".,").lower() for w in name.split())
    return frozenset(w for w in words if w and w not in HONORIFICS)


def _trim_possessive(ent: Span) -> tuple[int, int]:
    end = ent.end_char
    if ent[-1].tag_ == "POS" or ent[-1].lower_ in {"'s", "’s"}:
        end = ent[-1].idx
    return ent.start_char, end

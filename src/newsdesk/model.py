"""The one document model every stage reads and writes.

All classes are slotted, keyword-only dataclasses so they are cheap, picklable
(a stage can run in a process pool) and explicit at construction sites.
Offsets (``start``/``end``) always refer to :attr:`Article.text`, the cleaned
body with paragraphs joined by a blank line; the title is never part of it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from newsdesk.clean.structure import BlockStructure

EntityKind = Literal["person", "organization", "place", "other"]
Relation = Literal["agree", "contradict", "update", "unrelated"]

PARAGRAPH_SEPARATOR = "\n\n"


def content_id(*parts: str, prefix: str = "", length: int = 16) -> str:
    """Return a stable hexadecimal id derived from the given text parts.

    Args:
        parts: Strings hashed in order (separated by a NUL byte).
        prefix: Prepended to the digest, e.g. ``"a-"`` for articles.
        length: Number of hex digits kept.

    Returns:
        ``prefix`` followed by the first ``length`` hex digits of SHA-256.
    """
    digest = hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()
    return prefix + digest[:length]


@dataclass(slots=True, kw_only=True)
class RawDocument:
    """One input as read by ingest, before cleaning.

    ``body`` is either plain text in the layout of a news ``.txt`` file (title on
    line 1, paragraphs separated by blank lines) or, when ``is_html`` is true,
    an HTML page. Metadata fields are whatever the container (JSONL line, HTML
    meta tags, feed item) provided; cleaning may fill the missing ones.
    ``body_has_title`` is false when a text body has no title line (a JSONL
    record without a title): the title then comes from the text, which keeps
    all its lines. ``extracted`` marks text an HTML extractor took from a page:
    the cleaner keeps it whole rather than remove nearly all of it.
    """

    path: str
    body: str
    is_html: bool = False
    body_has_title: bool = True
    extracted: bool = False
    title: str | None = None
    url: str | None = None
    source: str | None = None
    author: str | None = None
    published: str | None = None
    encoding: str | None = None
    structure: dict[int, BlockStructure] | None = None
    """For text extracted from a page: what the markup says about each paragraph, by 1-based body line."""
    left_out: list[Removed] = field(default_factory=list)
    """For text extracted from a page: the page's text blocks the extractor did not take, in page order."""


@dataclass(slots=True, kw_only=True)
class Removed:
    """A piece of text the cleaner took out of the body, and why."""

    text: str
    reason: str


@dataclass(slots=True, kw_only=True)
class Article:
    """A cleaned news article.

    ``id`` comes from the input (:meth:`input_id`: its URL, else its raw
    content), so re-ingesting the same article, in any batch, yields the same id
    (and storage can ignore it).
    """

    id: str
    path: str
    title: str
    paragraphs: list[str]
    source: str | None = None
    url: str | None = None
    author: str | None = None
    published: str | None = None
    language: str | None = None
    removed: list[Removed] = field(default_factory=list)
    duplicate_of: str | None = None

    @property
    def text(self) -> str:
        """The cleaned body: paragraphs separated by a blank line."""
        return PARAGRAPH_SEPARATOR.join(self.paragraphs)

    @staticmethod
    def make_id(title: str, paragraphs: list[str]) -> str:
        """Return the content-hash id for a title and body paragraphs."""
        return content_id(title.strip(), PARAGRAPH_SEPARATOR.join(paragraphs), prefix="a-")

    @staticmethod
    def input_id(url: str | None, body: str) -> str:
        """Return the id of an article read from an input: its URL when it has one, else its raw content.

        It never depends on what else was read in the same batch (cleaning
        learns template lines from the batch) nor on how well it is cleaned,
        so ingesting an article again, alone or in a larger batch, or after
        the cleaner improved, finds it already stored. The URL loses its
        ``#fragment``; the raw content is the input's text as read (for a web
        page, the text its extractor took).
        """
        address = (url or "").strip().split("#", 1)[0]
        return content_id("url", address, prefix="a-") if address else content_id("input", body, prefix="a-")


@dataclass(slots=True, kw_only=True)
class Mention:
    """One occurrence of an entity in an article's text."""

    article: str
    text: str
    start: int
    end: int


@dataclass(slots=True, frozen=True)
class FoundMention:
    """A mention with the kind the tagger gave it, before mentions are merged into canonical entities."""

    mention: Mention
    kind: EntityKind


@dataclass(slots=True, kw_only=True)
class Entity:
    """A canonical entity: all spelling variants of one person, place, etc."""

    id: str
    name: str
    kind: EntityKind
    mentions: list[Mention] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class Quote:
    """An attribution: who said what, with the reporting cue.

    ``direct`` is true for quoted speech and false for reported speech
    ("X said that ..."). ``speaker_entity`` is the id of the canonical
    :class:`Entity` when the speaker is a named entity, else ``None`` (unnamed
    sources keep their description in ``speaker``). ``score`` is the learned
    cue model's probability for attributions it found beyond verbs of saying
    (stances, plans, judgements); ``None`` for quotes and reported speech
    found by the rules.
    """

    id: str
    article: str
    speaker: str | None
    speaker_entity: str | None
    cue: str | None
    text: str
    direct: bool
    start: int
    end: int
    date: str | None = None
    score: float | None = None


@dataclass(slots=True, kw_only=True)
class Enrichment:
    """What enrichment finds in one article on its own: computed once per article and saved with it.

    Everything that depends on other articles is derived from these records
    (and the article texts) without parsing again: canonical entities and
    their mentions, each quote's ``speaker_entity``, near-duplicate links.
    """

    article: str
    language: str | None = None
    mentions: list[FoundMention] = field(default_factory=list)
    """The tagger's mentions, before they are merged into canonical entities."""
    aliases: list[tuple[str, str]] = field(default_factory=list)
    """``(name, alias)`` pairs the text states ("the National Resistance Front (NRF)")."""
    quotes: list[Quote] = field(default_factory=list)
    """Quotes with speakers and dates; ``speaker_entity`` is set only once entities are merged."""
    minhash: bytes | None = None
    """The near-duplicate signature of the body (MinHash values, little-endian uint32), when made."""


@dataclass(slots=True, kw_only=True, frozen=True)
class ArticleTerms:
    """An article's folded content words with their counts: what story grouping's TF-IDF is made of.

    A function of the article alone (and of the counting's version and lead length, its ``key``), so it
    is made once per article and saved (:mod:`newsdesk.stories.terms`).

    Attributes:
        words: Over the title (counted twice) and the body.
        lead: Over the title and the first words of the body.
    """

    words: Mapping[str, int]
    lead: Mapping[str, int]


@dataclass(slots=True, kw_only=True)
class Claim:
    """A checkable statement in one article, with who holds it.

    Claims are built from quotes (the holder is the speaker) and from factual
    sentences (the holder is the article's source).
    """

    id: str
    article: str
    text: str
    holder: str | None
    start: int
    end: int
    quote: str | None = None
    negated: bool = False
    date: str | None = None


@dataclass(slots=True, kw_only=True)
class ClaimRef:
    """One side of a comparison, as shown to users."""

    article: str
    text: str
    holder: str | None


@dataclass(slots=True, kw_only=True)
class Comparison:
    """Two aligned claims of one story and how they relate."""

    about: str
    relation: Relation
    kind: str
    explanation: str
    score: float
    a: ClaimRef
    b: ClaimRef


@dataclass(slots=True, kw_only=True)
class DisputeSide:
    """One side of a dispute: the claims that hold it, their holders and the outlets reporting them."""

    claims: list[ClaimRef]
    holders: list[str]
    outlets: list[str]


@dataclass(slots=True, kw_only=True)
class Dispute:
    """One question the sources of a story answer differently, read as a unit.

    The contradiction pairs that concern one question are grouped into one
    dispute; its claims are split into two sides (``sides[0]`` and
    ``sides[1]``). ``first_seen`` and ``last_seen`` are the earliest and latest
    publication dates (ISO) of the articles reporting it, when known.
    """

    id: str
    about: str
    explanation: str
    score: float
    sides: list[DisputeSide]
    first_seen: str | None = None
    last_seen: str | None = None


Stance = Literal["supports", "disputes", "discusses", "unrelated"]


@dataclass(slots=True, kw_only=True)
class ArticleStance:
    """An article's stance toward its story's lead claim, from the learned stance model."""

    article: str
    stance: Stance
    score: float
    """The model's probability of ``stance``."""


@dataclass(slots=True, kw_only=True)
class RelatedStory:
    """A link from a story to another one that continues or precedes it (a sequel, an earlier chapter).

    Links are symmetric: the other story lists this one back, with the same similarity.
    """

    story: str
    """The id of the related story."""
    similarity: float
    """Cosine of the two stories' centroids, over the vectors grouping uses."""
    reason: str
    """Why they are related, e.g. ``shares Veshnya, Kozarevo, dam; 0.31 similar; 23 days later``."""


@dataclass(slots=True, kw_only=True)
class Story:
    """A group of articles that tell the same story.

    ``lead_claim`` is the statement the article stances are measured against
    (the title of the story's first article). ``related`` lists the stories that
    continue or precede it (:mod:`newsdesk.stories.related`), most similar first.
    """

    id: str
    title: str
    articles: list[str]
    comparisons: list[Comparison] = field(default_factory=list)
    disputes: list[Dispute] = field(default_factory=list)
    lead_claim: str | None = None
    stances: list[ArticleStance] = field(default_factory=list)
    related: list[RelatedStory] = field(default_factory=list)

    @property
    def contradictions(self) -> list[Comparison]:
        """The comparisons labelled ``contradict``."""
        return [c for c in self.comparisons if c.relation == "contradict"]


@dataclass(slots=True, kw_only=True)
class Problem:
    """An input that was rejected, with its reason (never fatal to a batch)."""

    path: str
    reason: str


@dataclass(slots=True, kw_only=True)
class Analysis:
    """Everything one run produced: the input of reports and the JSON contract."""

    articles: list[Article] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    stories: list[Story] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

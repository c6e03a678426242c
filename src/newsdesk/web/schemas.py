"""JSON shapes of the HTTP API (pydantic models, also the OpenAPI schema).

Field names follow the JSON contract of ``newsdesk analyze --format json``
(docs/json-contract.md): an article, quote or comparison has the same fields
in both. The ``from_*`` functions turn read models into these shapes.
"""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from newsdesk.model import Article, ClaimRef, Comparison, Entity, EntityKind, Mention, Quote, Story
from newsdesk.storage.base import StoryRow
from newsdesk.web.queries import ArticleDetail, EntityDetail, EntitySummary, Page, SearchHit, StorySummary
from newsdesk.web.story import DisputeView, StanceView, StoryDetail, TimelineDay

T = TypeVar("T")


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class ErrorInfo(_Out):
    status: int = Field(description="The HTTP status, repeated.")
    code: str = Field(description="A stable machine-readable code, e.g. `not_found`, `invalid_parameter`.")
    message: str = Field(description="What went wrong and what to do, for people.")


class ErrorOut(_Out):
    """The one error shape of the API."""

    error: ErrorInfo


class Links(_Out):
    self: str = Field(description="This resource in the API.")
    html: str | None = Field(default=None, description="The same resource as a web page.")


class PageOut(_Out, Generic[T]):
    """A page of a list: follow ``next`` until it is null."""

    items: list[T]
    total: int = Field(description="Number of items in the whole list (all pages).")
    limit: int
    offset: int
    next: str | None = Field(description="URL of the next page, or null on the last one.")
    previous: str | None = Field(description="URL of the previous page, or null on the first one.")


# --------------------------------------------------------------------------- small pieces


class ArticleRef(_Out):
    id: str
    title: str
    source: str | None
    published: str | None
    links: Links


class StoryRef(_Out):
    id: str
    title: str
    links: Links


class EntityRef(_Out):
    id: str
    name: str
    kind: EntityKind
    links: Links


class KeyEntityOut(EntityRef):
    articles: int = Field(description="Number of the story's articles that mention it.")


class ArticleEntityOut(EntityRef):
    mentions: int = Field(description="Number of times the article mentions it.")


class MentionOut(_Out):
    article: str
    text: str
    start: int
    end: int


class RemovedOut(_Out):
    text: str
    reason: str


class QuoteOut(_Out):
    id: str
    article: str
    speaker: str | None
    speaker_entity: str | None
    cue: str | None
    text: str
    direct: bool
    start: int
    end: int
    date: str | None
    score: float | None = None
    """The learned cue model's probability; null when the rules found the quote."""


class ClaimRefOut(_Out):
    article: str
    text: str
    holder: str | None
    source: str = Field(description="The outlet of the claim's article.")


class ComparisonOut(_Out):
    about: str
    relation: Literal["agree", "contradict", "update", "unrelated"]
    kind: str
    explanation: str
    score: float
    a: ClaimRefOut
    b: ClaimRefOut


class DisputeSideOut(_Out):
    claims: list[ClaimRefOut] = Field(description="The claims that hold this side.")
    holders: list[str] = Field(description="Who states this side.")
    outlets: list[str] = Field(description="The outlets reporting it.")


class DisputeOut(_Out):
    """One question the story's sources answer differently, with its two sides."""

    id: str
    about: str
    explanation: str
    score: float
    sides: list[DisputeSideOut] = Field(description="Side A, then side B.")
    first_seen: str | None = Field(description="Earliest publication date of an article reporting it, or null.")
    last_seen: str | None = Field(description="Latest publication date of an article reporting it, or null.")


class StanceOut(_Out):
    article: str
    stance: Literal["supports", "disputes", "discusses", "unrelated"]
    score: float = Field(description="The stance model's probability for `stance`.")
    source: str = Field(description="The outlet of the article.")


class RelatedOut(_Out):
    story: str = Field(description="The related story's id.")
    title: str = Field(description="Its title.")
    similarity: float = Field(description="Cosine of the two stories' centroids.")
    reason: str = Field(description="Why they are related: what they share, how similar, how many days apart.")
    links: Links


# --------------------------------------------------------------------------- articles


class ArticleSummaryOut(_Out):
    id: str
    title: str
    source: str | None
    url: str | None
    author: str | None
    published: str | None
    language: str | None
    duplicate_of: str | None
    links: Links


class ClaimOut(_Out):
    id: str
    text: str
    holder: str | None
    start: int
    end: int
    quote: str | None
    negated: bool
    date: str | None


class ArticleOut(ArticleSummaryOut):
    path: str
    text: str = Field(description="The cleaned body: paragraphs separated by a blank line.")
    paragraphs: list[str]
    removed: list[RemovedOut] = Field(description="What the cleaner removed, with the reason.")
    quotes: list[QuoteOut]
    claims: list[ClaimOut]
    entities: list[ArticleEntityOut]
    stories: list[StoryRef]


# --------------------------------------------------------------------------- stories


class StorySummaryOut(_Out):
    id: str
    title: str
    articles: int
    sources: list[str]
    first_day: str | None
    last_day: str | None
    contradictions: int
    updates: int
    agreements: int
    key_entities: list[KeyEntityOut]
    links: Links
    disputes: int = Field(description="Number of disputes: questions the sources answer differently.")


class SourceOut(_Out):
    name: str
    articles: list[str]
    first_day: str | None
    last_day: str | None


class TimelineEntryOut(_Out):
    day: str | None
    date: str | None
    article: str
    source: str
    holder: str | None
    text: str
    relations: list[str]


class MatrixRowOut(_Out):
    about: str
    claim: ClaimRefOut
    cells: dict[str, Literal["states", "contradict", "update", "agree", "silent"]] = Field(
        description="Outlet -> what it does about the claim (`silent`: no claim of that outlet was compared with it)."
    )


class CoverageOut(_Out):
    day: str
    articles: int


class StoryOut(_Out):
    id: str
    title: str
    articles: list[ArticleSummaryOut]
    sources: list[SourceOut]
    contradictions: list[ComparisonOut]
    updates: list[ComparisonOut]
    agreements: list[ComparisonOut]
    key_entities: list[KeyEntityOut]
    timeline: list[TimelineEntryOut]
    matrix: list[MatrixRowOut]
    coverage: list[CoverageOut]
    links: Links
    disputes: list[DisputeOut] = Field(description="The story's disputes, strongest first.")
    lead_claim: str | None = Field(description="The statement the article stances are measured against.")
    stances: list[StanceOut] = Field(
        description="Each article's stance toward `lead_claim`: supports, disputes, discusses, then unrelated."
    )
    related: list[RelatedOut] = Field(
        default_factory=list,
        description="Stories that continue or precede this one (each lists this one back), most similar first.",
    )


# --------------------------------------------------------------------------- entities, search


class EntitySummaryOut(EntityRef):
    mentions: int
    articles: int


class EntityOut(EntityRef):
    mentions: list[MentionOut]
    articles: list[ArticleRef] = Field(description="The first articles that mention it, by publication.")
    stories: list[StoryRef]
    quotes: list[QuoteOut] = Field(description="The first quotes it is the speaker of, by publication.")
    articles_total: int = Field(0, description="All the articles that mention it.")
    quotes_total: int = Field(0, description="All the quotes it is the speaker of.")


class SearchHitOut(_Out):
    article: ArticleSummaryOut
    snippet: str = Field(description="Text around the match (plain text).")
    matches: list[str] = Field(description="The words of the snippet that matched.")


class SearchOut(PageOut[SearchHitOut]):
    """A page of search results: ``total`` counts every match, ``count`` the items of this page."""

    query: str
    count: int = Field(description="Number of items on this page (``total`` counts all matches).")


# --------------------------------------------------------------------------- ingest


class ArticleIn(BaseModel):
    """One article to ingest: the fields of a line of a ``.jsonl`` input."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    text: str | None = Field(default=None, description="Plain text, paragraphs separated by blank lines.")
    html: str | None = Field(default=None, description="An HTML page (used instead of `text` when both are given).")
    url: str | None = None
    source: str | None = None
    author: str | None = None
    published: str | None = Field(default=None, description="ISO 8601 date or any date the cleaner can parse.")

    @model_validator(mode="after")
    def _has_body(self) -> ArticleIn:
        if not (self.text or "").strip() and not (self.html or "").strip():
            raise ValueError("give a non-empty `text` or `html`")
        return self


class ProblemOut(_Out):
    path: str
    reason: str


class IngestOut(_Out):
    inputs: int
    articles: list[ArticleRef] = Field(description="Every article read (new or already stored).")
    added: list[str] = Field(description="Ids stored for the first time.")
    problems: list[ProblemOut]


# --------------------------------------------------------------------------- converters


def article_links(article_id: str) -> Links:
    return Links(self=f"/api/articles/{article_id}", html=f"/articles/{article_id}")


def story_links(story_id: str) -> Links:
    return Links(self=f"/api/stories/{story_id}", html=f"/stories/{story_id}")


def entity_links(entity_id: str) -> Links:
    return Links(self=f"/api/entities/{entity_id}", html=f"/entities/{entity_id}")


def article_ref(article: Article) -> ArticleRef:
    return ArticleRef(
        id=article.id,
        title=article.title,
        source=article.source,
        published=article.published,
        links=article_links(article.id),
    )


def story_ref(story: Story | StoryRow) -> StoryRef:
    return StoryRef(id=story.id, title=story.title, links=story_links(story.id))


def key_entity(entity: Entity, articles: int) -> KeyEntityOut:
    return KeyEntityOut(
        id=entity.id, name=entity.name, kind=entity.kind, articles=articles, links=entity_links(entity.id)
    )


def mention_out(mention: Mention) -> MentionOut:
    return MentionOut(article=mention.article, text=mention.text, start=mention.start, end=mention.end)


def quote_out(quote: Quote) -> QuoteOut:
    return QuoteOut(
        id=quote.id,
        article=quote.article,
        speaker=quote.speaker,
        speaker_entity=quote.speaker_entity,
        cue=quote.cue,
        text=quote.text,
        direct=quote.direct,
        start=quote.start,
        end=quote.end,
        date=quote.date,
        score=quote.score,
    )


def _claim_ref(ref: ClaimRef, source: str) -> ClaimRefOut:
    return ClaimRefOut(article=ref.article, text=ref.text, holder=ref.holder, source=source)


def comparison_out(c: Comparison, a_source: str, b_source: str) -> ComparisonOut:
    return ComparisonOut(
        about=c.about,
        relation=c.relation,
        kind=c.kind,
        explanation=c.explanation,
        score=c.score,
        a=_claim_ref(c.a, a_source),
        b=_claim_ref(c.b, b_source),
    )


def article_summary(article: Article) -> ArticleSummaryOut:
    return ArticleSummaryOut(
        id=article.id,
        title=article.title,
        source=article.source,
        url=article.url,
        author=article.author,
        published=article.published,
        language=article.language,
        duplicate_of=article.duplicate_of,
        links=article_links(article.id),
    )


def article_out(detail: ArticleDetail) -> ArticleOut:
    a = detail.article
    return ArticleOut(
        **article_summary(a).model_dump(exclude={"links"}),
        links=article_links(a.id),
        path=a.path,
        text=a.text,
        paragraphs=list(a.paragraphs),
        removed=[RemovedOut(text=r.text, reason=r.reason) for r in a.removed],
        quotes=[quote_out(q) for q in detail.quotes],
        claims=[
            ClaimOut(
                id=c.id,
                text=c.text,
                holder=c.holder,
                start=c.start,
                end=c.end,
                quote=c.quote,
                negated=c.negated,
                date=c.date,
            )
            for c in detail.claims
        ],
        entities=[
            ArticleEntityOut(id=e.id, name=e.name, kind=e.kind, mentions=n, links=entity_links(e.id))
            for e, n in detail.entities
        ],
        stories=[story_ref(s) for s in detail.stories],
    )


def story_summary(summary: StorySummary) -> StorySummaryOut:
    s = summary.story
    return StorySummaryOut(
        id=s.id,
        title=s.title,
        articles=summary.article_count,
        sources=summary.sources,
        first_day=summary.first_day,
        last_day=summary.last_day,
        contradictions=summary.contradictions,
        updates=summary.updates,
        agreements=summary.agreements,
        key_entities=[key_entity(e, n) for e, n in summary.key_entities],
        links=story_links(s.id),
        disputes=summary.disputes,
    )


def _timeline(days: list[TimelineDay]) -> list[TimelineEntryOut]:
    return [
        TimelineEntryOut(
            day=day.day,
            date=e.when,
            article=e.article.id,
            source=e.source,
            holder=e.claim.holder,
            text=e.claim.text,
            relations=e.relations,
        )
        for day in days
        for e in day.entries
    ]


def dispute_out(view: DisputeView) -> DisputeOut:
    d = view.dispute
    return DisputeOut(
        id=d.id,
        about=d.about,
        explanation=d.explanation,
        score=d.score,
        sides=[
            DisputeSideOut(
                claims=[_claim_ref(c.ref, c.source) for c in side.claims],
                holders=list(side.side.holders),
                outlets=list(side.side.outlets),
            )
            for side in view.sides
        ],
        first_seen=d.first_seen,
        last_seen=d.last_seen,
    )


def stance_out(view: StanceView) -> StanceOut:
    s = view.stance
    return StanceOut(article=s.article, stance=s.stance, score=s.score, source=view.source)


def story_out(detail: StoryDetail) -> StoryOut:
    s = detail.story
    return StoryOut(
        id=s.id,
        title=s.title,
        articles=[article_summary(a) for a in detail.articles],
        sources=[
            SourceOut(name=v.name, articles=[a.id for a in v.articles], first_day=v.first_day, last_day=v.last_day)
            for v in detail.sources
        ],
        contradictions=[comparison_out(v.comparison, v.a_source, v.b_source) for v in detail.contradictions],
        updates=[comparison_out(v.comparison, v.a_source, v.b_source) for v in detail.updates],
        agreements=[comparison_out(v.comparison, v.a_source, v.b_source) for v in detail.agreements],
        key_entities=[key_entity(e, n) for e, n in detail.key_entities],
        timeline=_timeline(detail.timeline),
        matrix=[
            MatrixRowOut(about=row.about, claim=_claim_ref(row.ref, row.source), cells=row.cells)
            for row in detail.matrix
        ],
        coverage=[CoverageOut(day=day, articles=n) for day, n in detail.coverage],
        links=story_links(s.id),
        disputes=[dispute_out(v) for v in detail.disputes],
        lead_claim=s.lead_claim,
        stances=[stance_out(v) for v in detail.stances],
        related=[
            RelatedOut(
                story=v.related.story,
                title=v.title,
                similarity=v.related.similarity,
                reason=v.related.reason,
                links=story_links(v.related.story),
            )
            for v in detail.related
        ],
    )


def entity_summary(row: EntitySummary) -> EntitySummaryOut:
    e = row.entity
    return EntitySummaryOut(
        id=e.id, name=e.name, kind=e.kind, mentions=row.mentions, articles=row.articles, links=entity_links(e.id)
    )


def entity_out(detail: EntityDetail) -> EntityOut:
    e = detail.entity
    return EntityOut(
        id=e.id,
        name=e.name,
        kind=e.kind,
        mentions=[mention_out(m) for m in e.mentions],
        articles=[article_ref(g.article) for g in detail.groups],
        stories=[story_ref(s) for s in detail.stories],
        quotes=[quote_out(q) for q, _ in detail.quotes],
        links=entity_links(e.id),
        articles_total=detail.articles_total,
        quotes_total=detail.quotes_total,
    )


def search_out(query: str, page: Page[SearchHit], next_url: str | None, previous_url: str | None) -> SearchOut:
    return SearchOut(
        query=query,
        count=len(page.items),
        items=[
            SearchHitOut(article=article_summary(h.article), snippet=h.snippet_text, matches=h.matches)
            for h in page.items
        ],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
        next=next_url,
        previous=previous_url,
    )


def page_out(
    model: type[PageOut[T]], page: Page[Any], items: list[T], next_url: str | None, previous_url: str | None
) -> PageOut[T]:
    """Wrap converted items with the page's counts and links."""
    return model(
        items=items, total=page.total, limit=page.limit, offset=page.offset, next=next_url, previous=previous_url
    )

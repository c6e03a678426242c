"""Read models of the web UI and the JSON API, built from a :class:`~newsdesk.storage.Store`.

Pages and API endpoints are thin shells over these functions: each takes a
store (and plain parameters), reads what it needs and returns frozen
dataclasses. Nothing here knows about HTTP, so the same function feeds the
HTML page, the JSON endpoint and the tests.

Every function reads one page, or one item, through the store's indexed
queries (:meth:`~newsdesk.storage.Store.story_rows`,
:meth:`~newsdesk.storage.Store.article_page`,
:meth:`~newsdesk.storage.Store.entity_counts`, ...): no request reads the
whole analysis, so a page costs the same in a store of 100 articles or of
millions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Generic, TypeVar

from markupsafe import Markup, escape

from newsdesk.errors import NotFoundError
from newsdesk.ingest.readers import read_jsonl
from newsdesk.model import Article, Claim, Entity, Mention, Problem, Quote, RawDocument, Story
from newsdesk.pipeline import IngestReport, clean_documents
from newsdesk.report.html import highlight_paragraphs
from newsdesk.settings import Settings
from newsdesk.storage import Store
from newsdesk.storage.base import SNIPPET_END, SNIPPET_START, StoryQuery, StoryRow, StorySort, day_of

__all__ = [
    "ArticleDetail",
    "EntityDetail",
    "EntitySummary",
    "IngestReport",
    "Page",
    "SearchHit",
    "StoryFilter",
    "StorySort",
    "StorySummary",
    "article_day",
    "article_detail",
    "day_of",
    "entity_detail",
    "ingest_records",
    "list_articles",
    "list_entities",
    "list_stories",
    "paginate",
    "search_articles",
    "story_facets",
    "story_page",
]


SNIPPET_CONTEXT = 80
"""Characters shown on each side of an entity mention on the entity page."""
ENTITY_ARTICLES = 100
"""Articles an entity page shows its mentions in (the first by publication)."""
ENTITY_QUOTES = 100
"""Quotes an entity page shows (the first by publication)."""


T = TypeVar("T")


# --------------------------------------------------------------------------- helpers


def article_day(article: Article | None) -> str | None:
    """Return the ``YYYY-MM-DD`` day an article was published, or ``None`` when unknown or malformed."""
    return day_of(article.published) if article is not None else None


@dataclass(slots=True, frozen=True, kw_only=True)
class Page(Generic[T]):
    """One page of a longer list."""

    items: list[T]
    total: int
    limit: int
    offset: int

    @property
    def next_offset(self) -> int | None:
        """Offset of the next page, or ``None`` on the last page."""
        return self.offset + self.limit if self.offset + self.limit < self.total else None

    @property
    def previous_offset(self) -> int | None:
        """Offset of the previous page, or ``None`` on the first page."""
        return max(0, self.offset - self.limit) if self.offset > 0 else None


def paginate(items: Sequence[T], *, limit: int, offset: int) -> Page[T]:
    """Cut ``items[offset:offset + limit]`` and remember the total.

    Args:
        items: The whole list, already filtered and ordered.
        limit: Page size (at least 1).
        offset: Index of the first item (0 or more).
    """
    return Page(items=list(items[offset : offset + limit]), total=len(items), limit=limit, offset=offset)


# --------------------------------------------------------------------------- stories list

ENTITY_CHOICES = 50
"""Entities offered by the stories list's entity filter: the most widespread ones (and the one chosen)."""


@dataclass(slots=True, frozen=True, kw_only=True)
class StoryFilter:
    """Which stories to list and in which order.

    Attributes:
        sort: ``latest`` (newest article first), ``size`` (most articles) or
            ``contested`` (most contradictions).
        entity: Only stories whose articles mention this entity id.
        source: Only stories with an article from this outlet.
        date_from: Only stories with an article published on or after this day.
        date_to: Only stories with an article published on or before this day.
    """

    sort: StorySort = "latest"
    entity: str | None = None
    source: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    def query(self) -> StoryQuery:
        """The store's form of this filter."""
        return StoryQuery(
            sort=self.sort,
            entity=self.entity,
            source=self.source,
            day_from=self.date_from.isoformat() if self.date_from else None,
            day_to=self.date_to.isoformat() if self.date_to else None,
        )


@dataclass(slots=True, frozen=True, kw_only=True)
class StorySummary:
    """One row of the stories list."""

    story: Story
    """The story's id, title and lead claim (its articles and parts are not read for a list)."""
    article_count: int
    sources: list[str]
    first_day: str | None
    last_day: str | None
    contradictions: int
    updates: int
    agreements: int
    key_entities: list[tuple[Entity, int]]
    disputes: int = 0
    """Number of disputes: questions the story's sources answer differently."""
    latest: str = ""
    """The newest publication timestamp among the story's articles ('' when none)."""


@dataclass(slots=True, frozen=True, kw_only=True)
class StoryFacets:
    """What the stories list can be filtered by."""

    sources: list[str]
    entities: list[tuple[Entity, int]]
    """The most widespread entities with their number of articles (at most :data:`ENTITY_CHOICES`, plus the
    entity filtered on), most widespread first."""


def summary_of(row: StoryRow, key: list[tuple[Entity, int]]) -> StorySummary:
    """The list row of a story from the store's row and its key entities."""
    return StorySummary(
        story=Story(id=row.id, title=row.title, articles=[], lead_claim=row.lead_claim),
        article_count=row.articles,
        sources=row.sources,
        first_day=row.first_day,
        last_day=row.last_day,
        contradictions=row.contradictions,
        updates=row.updates,
        agreements=row.agreements,
        key_entities=key,
        disputes=row.disputes,
        latest=row.latest,
    )


def story_page(store: Store, wanted: StoryFilter = StoryFilter(), *, limit: int, offset: int) -> Page[StorySummary]:
    """Return one page of the stories that pass ``wanted``, in its order, with their total.

    1. The store picks the page's rows (counts, dates and outlets are kept
       with each story) through its indexes.
    2. The key entities of those stories only are counted.

    Args:
        store: Where the analysis is kept.
        wanted: Filters and order.
        limit: Page size.
        offset: Stories to skip.
    """
    rows, total = store.story_rows(wanted.query(), limit=limit, offset=offset)
    key = store.key_entities([r.id for r in rows], limit=4)
    items = [summary_of(row, key.get(row.id, [])) for row in rows]
    return Page(items=items, total=total, limit=limit, offset=offset)


def story_facets(store: Store, wanted: StoryFilter = StoryFilter()) -> StoryFacets:
    """The choices of the stories list's filter form: every outlet, and the most widespread entities.

    The entity filtered on is offered too when it is not among the :data:`ENTITY_CHOICES` first.
    """
    entities, _ = store.entity_counts(limit=ENTITY_CHOICES)
    choices = [(c.entity, c.articles) for c in entities if c.articles]
    if wanted.entity is not None and all(e.id != wanted.entity for e, _ in choices):
        try:
            chosen = store.get_entity(wanted.entity)
        except NotFoundError:
            pass
        else:
            choices.append((replace(chosen, mentions=[]), len({m.article for m in chosen.mentions})))
    return StoryFacets(sources=store.story_sources(), entities=choices)


def list_stories(store: Store, wanted: StoryFilter = StoryFilter()) -> tuple[list[StorySummary], StoryFacets]:
    """Return every story that passes ``wanted``, in its order, and the filter choices.

    A convenience for small stores and tests: pages and the API read one page
    with :func:`story_page` instead.
    """
    _, total = store.story_rows(wanted.query(), limit=0)
    return story_page(store, wanted, limit=max(total, 1), offset=0).items, story_facets(store, wanted)


# --------------------------------------------------------------------------- articles


@dataclass(slots=True, frozen=True, kw_only=True)
class ArticleDetail:
    """Everything the article page shows."""

    article: Article
    paragraphs: list[Markup]
    quotes: list[Quote]
    claims: list[Claim]
    speakers: dict[str, str]
    """Quote id -> speaker as shown (canonical entity name when known)."""
    entities: list[tuple[Entity, int]]
    """Entities mentioned in the article with their number of mentions, most mentioned first."""
    stories: list[StoryRow]
    """The stories the article belongs to, as list rows (their parts are not read)."""
    duplicate_of: Article | None


def list_articles(store: Store, *, source: str | None = None, limit: int = 20, offset: int = 0) -> Page[Article]:
    """Return one page of stored articles, newest first, optionally of one outlet (as named by ``source_label``)."""
    articles, total = store.article_page(source=source, limit=limit, offset=offset)
    return Page(items=articles, total=total, limit=limit, offset=offset)


def article_detail(store: Store, article_id: str) -> ArticleDetail:
    """Return an article with its quotes highlighted, its entities and its stories.

    Raises:
        NotFoundError: No article has this id.
    """
    article = store.get_article(article_id)
    quotes = sorted(store.quotes(article_id), key=lambda q: q.start)
    entities = store.entities([article_id])  # only this article's mentions: an indexed read
    by_id = {e.id: e for e in entities}
    counts = [(e, sum(1 for m in e.mentions if m.article == article_id)) for e in entities]
    duplicate: Article | None = None
    if article.duplicate_of:
        try:
            duplicate = store.get_article(article.duplicate_of)
        except NotFoundError:
            duplicate = None
    return ArticleDetail(
        article=article,
        paragraphs=highlight_paragraphs(article, quotes, by_id),
        quotes=quotes,
        claims=sorted(store.claims(article_id), key=lambda c: c.start),
        speakers={q.id: speaker_name(q, by_id) for q in quotes},
        entities=sorted(((e, n) for e, n in counts if n), key=lambda p: (-p[1], p[0].name.casefold())),
        stories=store.story_rows(StoryQuery(article=article_id), limit=100)[0],
        duplicate_of=duplicate,
    )


def speaker_name(quote: Quote, entities: Mapping[str, Entity]) -> str:
    """How a quote's speaker is shown: the canonical entity name, else the speaker as written."""
    if quote.speaker_entity and quote.speaker_entity in entities:
        return entities[quote.speaker_entity].name
    return " ".join((quote.speaker or "").split()) or "Unattributed"


# --------------------------------------------------------------------------- entities


@dataclass(slots=True, frozen=True, kw_only=True)
class EntitySummary:
    """One row of the entities list."""

    entity: Entity
    mentions: int
    articles: int


@dataclass(slots=True, frozen=True, kw_only=True)
class MentionGroup:
    """The mentions of an entity in one article, with a marked snippet per mention."""

    article: Article
    mentions: list[Mention]
    snippets: list[Markup]


@dataclass(slots=True, frozen=True, kw_only=True)
class EntityDetail:
    """Everything the entity page shows."""

    entity: Entity
    groups: list[MentionGroup]
    """Its mentions in its first articles by publication (:attr:`articles_total` in all)."""
    stories: list[StoryRow]
    """The stories whose articles mention it, newest coverage first."""
    quotes: list[tuple[Quote, Article]]
    """Quotes spoken by the entity, with their article, in publication order (the first :attr:`quotes_total`)."""
    articles_total: int = 0
    """The articles that mention it."""
    quotes_total: int = 0
    """The quotes it is the speaker of."""


def list_entities(
    store: Store, *, kind: str | None = None, name: str | None = None, limit: int = 20, offset: int = 0
) -> Page[EntitySummary]:
    """Return one page of entities, most widespread first.

    Args:
        store: Where the analysis is kept.
        kind: Only entities of this kind (``person``, ``organization``, ...).
        name: Only entities whose name contains this text (case-insensitive).
        limit: Page size.
        offset: Entities to skip.
    """
    counts, total = store.entity_counts(kind=kind, name=name, limit=limit, offset=offset)
    rows = [EntitySummary(entity=c.entity, mentions=c.mentions, articles=c.articles) for c in counts]
    return Page(items=rows, total=total, limit=limit, offset=offset)


def mention_snippet(text: str, mention: Mention, context: int = SNIPPET_CONTEXT) -> Markup:
    """Return the text around a mention as safe HTML with the mention in ``<mark>``."""
    start, end = max(0, min(mention.start, len(text))), max(0, min(mention.end, len(text)))
    left, right = max(0, start - context), min(len(text), end + context)
    # Paragraph breaks inside the window read as spaces in a one-line snippet.
    before = ("…" if left > 0 else "") + text[left:start].replace("\n", " ")
    after = text[end:right].replace("\n", " ") + ("…" if right < len(text) else "")
    return Markup("{}<mark>{}</mark>{}").format(before, text[start:end] or mention.text, after)


def entity_detail(
    store: Store,
    entity_id: str,
    *,
    max_snippets: int = 5,
    max_articles: int | None = None,
    max_quotes: int | None = None,
) -> EntityDetail:
    """Return an entity with its mentions per article, its stories and its quotes.

    An entity of the most widespread kind is mentioned in most articles of a
    store, so only the first articles (in publication order) are read whole
    for their snippets, and the first quotes with their articles; the totals
    say how many there are. Its stories come as list rows (no comparisons).

    Args:
        store: Where the analysis is kept.
        entity_id: The entity's id.
        max_snippets: Snippets kept per article (all mentions are still counted).
        max_articles: Articles shown with their mentions (:data:`ENTITY_ARTICLES` when None).
        max_quotes: Quotes shown (:data:`ENTITY_QUOTES` when None).

    Raises:
        NotFoundError: No entity has this id.
    """
    max_articles = ENTITY_ARTICLES if max_articles is None else max_articles
    max_quotes = ENTITY_QUOTES if max_quotes is None else max_quotes
    entity = store.get_entity(entity_id)
    article_ids = list(dict.fromkeys(m.article for m in entity.mentions))
    dates = store.publication_dates(article_ids)
    shown = sorted(article_ids, key=lambda a: dates.get(a) or "")[:max_articles]
    articles = {a.id: a for a in store.articles(shown)} if shown else {}
    by_article: dict[str, list[Mention]] = {}
    for mention in entity.mentions:
        by_article.setdefault(mention.article, []).append(mention)
    groups = []
    for article_id in shown:
        article = articles[article_id]
        mentions = sorted(by_article[article_id], key=lambda m: m.start)
        text = article.text
        groups.append(
            MentionGroup(
                article=article,
                mentions=mentions,
                snippets=[mention_snippet(text, m) for m in mentions[:max_snippets]],
            )
        )
    quotes = store.quotes(speaker=entity_id)
    quote_dates = store.publication_dates(sorted({q.article for q in quotes})) if quotes else {}
    quotes.sort(key=lambda q: (quote_dates.get(q.article) or "", q.start))
    first_quotes = quotes[:max_quotes]
    quoted = {a.id: a for a in store.articles(sorted({q.article for q in first_quotes}))} if first_quotes else {}
    query = StoryQuery(entity=entity_id)
    _, story_count = store.story_rows(query, limit=0)
    stories, _ = store.story_rows(query, limit=story_count) if story_count else ([], 0)
    return EntityDetail(
        entity=entity,
        groups=groups,
        stories=stories,
        quotes=[(q, quoted[q.article]) for q in first_quotes],
        articles_total=len(article_ids),
        quotes_total=len(quotes),
    )


# --------------------------------------------------------------------------- search


@dataclass(slots=True, frozen=True, kw_only=True)
class SearchHit:
    """One search result: the article and a snippet with the matched words marked."""

    article: Article
    snippet: str
    """The snippet as the store returned it (matches between SNIPPET_START and SNIPPET_END)."""

    @property
    def snippet_html(self) -> Markup:
        """The snippet as safe HTML with matches in ``<mark>``."""
        return snippet_markup(self.snippet)

    @property
    def matches(self) -> list[str]:
        """The words of the snippet that matched the query."""
        return _MATCH.findall(self.snippet)

    @property
    def snippet_text(self) -> str:
        """The snippet without match markers."""
        return self.snippet.replace(SNIPPET_START, "").replace(SNIPPET_END, "")


_MATCH = re.compile(
    re.escape(SNIPPET_START) + r"([^" + re.escape(SNIPPET_START + SNIPPET_END) + r"]*)" + re.escape(SNIPPET_END)
)


def snippet_markup(snippet: str) -> Markup:
    """Turn a store snippet into safe HTML: every piece escaped, matches wrapped in ``<mark>``."""
    pieces: list[Markup] = []
    cursor = 0
    for match in _MATCH.finditer(snippet):
        pieces.append(escape(snippet[cursor : match.start()]))
        pieces.append(Markup("<mark>{}</mark>").format(match[1]))
        cursor = match.end()
    pieces.append(escape(snippet[cursor:]))
    return Markup("").join(pieces)


def search_articles(store: Store, query: str, *, limit: int = 20, offset: int = 0) -> Page[SearchHit]:
    """One page of a full-text search (see :meth:`Store.search`), best match first, with the total."""
    hits = [SearchHit(article=a, snippet=s) for a, s in store.search(query, limit=limit, offset=offset)]
    return Page(items=hits, total=store.search_count(query), limit=limit, offset=offset)


# --------------------------------------------------------------------------- ingest over HTTP


def ingest_records(
    store: Store,
    records: Sequence[Mapping[str, object]],
    settings: Settings = Settings(),
    *,
    command: str = "http ingest",
) -> IngestReport:
    """Clean and store articles given as JSON records (the JSONL input format).

    1. Each record goes through the same reader as a line of a ``.jsonl``
       file (``title``, ``text`` or ``html``, ``url``, ``source``, ``author``,
       ``published``), so HTTP and file ingest agree on every field.
    2. The documents are cleaned as one batch; a bad record becomes a
       :class:`Problem` and the others go on.
    3. New articles are stored (ids come from the URL, else the raw
       content: re-posting changes nothing) and the run is logged. Nothing is
       analysed here: the next ``newsdesk stories`` (or ``watch`` round) analyses what is new.

    Args:
        store: Where articles are kept.
        records: JSON objects, one per article.
        settings: Cleaning settings.
        command: Name recorded in the run log.

    Returns:
        The run's articles, new ids and problems.
    """
    raws: list[RawDocument] = []
    rejected: list[Problem] = []
    lines = "\n".join(json.dumps(record, ensure_ascii=False) for record in records)
    for item in read_jsonl(command, lines):
        if isinstance(item, Problem):
            rejected.append(item)
        else:
            raws.append(item)
    articles, problems = clean_documents(raws, settings)
    report = IngestReport(inputs=len(records), problems=rejected + problems)
    report.articles = list({a.id: a for a in articles}.values())
    report.added = store.add_articles(report.articles)
    store.record_run(command=command, inputs=report.inputs, added=len(report.added), problems=report.problems)
    return report

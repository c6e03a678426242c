"""Read models of the web UI and the JSON API, built from a :class:`~newsdesk.storage.Store`.

Pages and API endpoints are thin shells over these functions: each takes a
store (and plain parameters), reads what it needs and returns frozen
dataclasses. Nothing here knows about HTTP, so the same function feeds the
HTML page, the JSON endpoint and the tests.

The store has no per-entity or per-story indexes beyond ids, so lists are
computed from a full read of the analysis; that is milliseconds for thousands
of articles in SQLite and keeps the storage interface small.
"""

from __future__ import annotations

import json
import re
import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Generic, Literal, TypeVar

from markupsafe import Markup, escape

from newsdesk.errors import NotFoundError
from newsdesk.ingest.readers import read_jsonl
from newsdesk.model import Analysis, Article, Claim, Entity, Mention, Problem, Quote, RawDocument, Story
from newsdesk.pipeline import IngestReport, clean_documents, load_analysis
from newsdesk.report.html import highlight_paragraphs
from newsdesk.report.markdown import key_entities, source_label
from newsdesk.settings import Settings
from newsdesk.storage import Store
from newsdesk.storage.base import SNIPPET_END, SNIPPET_START

__all__ = [
    "ArticleDetail",
    "EntityDetail",
    "EntitySummary",
    "IngestReport",
    "Page",
    "SearchHit",
    "StoryFilter",
    "StoryListCache",
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
]

StorySort = Literal["latest", "size", "contested"]
"""Orders of the stories list: newest coverage, most articles, most contradictions."""

SNIPPET_CONTEXT = 80
"""Characters shown on each side of an entity mention on the entity page."""

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")

T = TypeVar("T")


# --------------------------------------------------------------------------- helpers


def article_day(article: Article | None) -> str | None:
    """Return the ``YYYY-MM-DD`` day an article was published, or ``None`` when unknown or malformed."""
    return day_of(article.published) if article is not None else None


def day_of(timestamp: str | None) -> str | None:
    """Return the ``YYYY-MM-DD`` day of an ISO 8601 timestamp, or ``None`` when missing or malformed."""
    if not timestamp:
        return None
    match = _DAY.match(timestamp)
    if not match:
        return None
    try:
        date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    return match[0]


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


@dataclass(slots=True, frozen=True, kw_only=True)
class StorySummary:
    """One row of the stories list."""

    story: Story
    articles: list[Article]
    sources: list[str]
    first_day: str | None
    last_day: str | None
    contradictions: int
    updates: int
    agreements: int
    key_entities: list[tuple[Entity, int]]
    disputes: int = 0
    """Number of disputes: questions the story's sources answer differently."""

    @property
    def latest(self) -> str:
        """The newest publication timestamp among the story's articles ('' when none)."""
        return max((a.published or "" for a in self.articles), default="")


@dataclass(slots=True, frozen=True, kw_only=True)
class StoryFacets:
    """What the stories list can be filtered by."""

    sources: list[str]
    entities: list[tuple[Entity, int]]
    """Entities mentioned in story articles, with their number of articles, most widespread first."""


def summarize_story(analysis: Analysis, story: Story, articles: Mapping[str, Article]) -> StorySummary:
    """Build the list row of one story of ``analysis``."""
    members = [articles[a] for a in dict.fromkeys(story.articles) if a in articles]
    days = sorted(d for d in (article_day(a) for a in members) if d)
    return StorySummary(
        story=story,
        articles=members,
        sources=sorted({source_label(a) for a in members}, key=str.casefold),
        first_day=days[0] if days else None,
        last_day=days[-1] if days else None,
        contradictions=sum(1 for c in story.comparisons if c.relation == "contradict"),
        updates=sum(1 for c in story.comparisons if c.relation == "update"),
        agreements=sum(1 for c in story.comparisons if c.relation == "agree"),
        key_entities=key_entities(analysis, story, limit=4),
        disputes=len(story.disputes),
    )


def _entities_by_story(analysis: Analysis) -> dict[str, list[Entity]]:
    """Story id -> the entities its articles mention, with only those mentions, in the analysis's order."""
    stories_of: dict[str, list[str]] = defaultdict(list)
    for story in analysis.stories:
        for article_id in dict.fromkeys(story.articles):
            stories_of[article_id].append(story.id)
    found: dict[str, dict[int, list[Mention]]] = defaultdict(dict)
    for position, entity in enumerate(analysis.entities):
        for mention in entity.mentions:
            for story_id in stories_of.get(mention.article, ()):
                found[story_id].setdefault(position, []).append(mention)
    return {
        story_id: [replace(analysis.entities[p], mentions=mentions) for p, mentions in sorted(by_entity.items())]
        for story_id, by_entity in found.items()
    }


def _matches(summary: StorySummary, wanted: StoryFilter, mentioned: Mapping[str, set[str]]) -> bool:
    if wanted.entity is not None and not mentioned.get(wanted.entity, set()) & set(summary.story.articles):
        return False
    if wanted.source is not None and wanted.source not in summary.sources:
        return False
    if wanted.date_from is None and wanted.date_to is None:
        return True
    low = wanted.date_from.isoformat() if wanted.date_from else "0000-00-00"
    high = wanted.date_to.isoformat() if wanted.date_to else "9999-99-99"
    return any(low <= day <= high for day in (article_day(a) for a in summary.articles) if day)


def _order(summaries: list[StorySummary], sort: StorySort) -> None:
    """Sort in place; ties always fall back to the title, then the id, so pages are stable."""
    summaries.sort(key=lambda s: (s.story.title.casefold(), s.story.id))
    if sort == "size":
        summaries.sort(key=lambda s: (-len(s.articles), -s.contradictions))
    elif sort == "contested":
        summaries.sort(key=lambda s: (-s.contradictions, -len(s.articles)))
    else:
        summaries.sort(key=lambda s: s.latest, reverse=True)


@dataclass(slots=True, frozen=True, kw_only=True)
class _StoryRows:
    summaries: list[StorySummary]
    facets: StoryFacets
    mentioned: dict[str, set[str]]
    """Entity id -> the articles that mention it."""


@dataclass(slots=True)
class StoryListCache:
    """Every story's list row, kept while the stored analysis stays at one generation.

    The rows read the whole stored analysis (every story, entity and mention).
    They change only when an analysis is saved, which moves the store's
    generation on (:meth:`~newsdesk.storage.base.Store.analysis_generation`); until
    then a request costs one light query, a filter and a sort. One cache per
    app; concurrent requests wait for the one that rebuilds it.
    """

    generation: int | None = None
    rows: _StoryRows | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


def _story_rows(store: Store) -> _StoryRows:
    """Summarise every story and collect the facets, from the stored analysis read once."""
    analysis = load_analysis(store)
    articles = {a.id: a for a in analysis.articles}
    # Each story's row reads only its own entities: one pass over the mentions, not one per story.
    own = _entities_by_story(analysis)
    summaries = [
        summarize_story(replace(analysis, entities=own.get(story.id, [])), story, articles)
        for story in analysis.stories
    ]
    in_stories = {a for s in analysis.stories for a in s.articles}
    mentioned: dict[str, set[str]] = {e.id: {m.article for m in e.mentions} for e in analysis.entities}
    entity_counts = [(e, len(mentioned[e.id] & in_stories)) for e in analysis.entities]
    facets = StoryFacets(
        sources=sorted({src for s in summaries for src in s.sources}, key=str.casefold),
        entities=sorted(((e, n) for e, n in entity_counts if n), key=lambda pair: (-pair[1], pair[0].name.casefold())),
    )
    return _StoryRows(summaries=summaries, facets=facets, mentioned=mentioned)


def list_stories(
    store: Store, wanted: StoryFilter = StoryFilter(), cache: StoryListCache | None = None
) -> tuple[list[StorySummary], StoryFacets]:
    """Return the stories that pass ``wanted``, in its order, and the filter choices.

    1. Summarise every story from the stored analysis, or take the rows of
       ``cache`` when the analysis has not changed since they were made.
    2. The facets (sources, entities) cover all stories, so the filter form
       offers every choice whatever is selected.
    3. Keep the stories that pass every given filter and order them.

    Args:
        store: Where the analysis is kept.
        wanted: Filters and order.
        cache: Rows kept between calls (the web app holds one).

    Returns:
        ``(stories, facets)``.
    """
    if cache is None:
        rows = _story_rows(store)
    else:
        with cache.lock:
            generation = store.analysis_generation()
            if cache.rows is None or cache.generation != generation:
                cache.rows, cache.generation = _story_rows(store), generation
            rows = cache.rows
    kept = [s for s in rows.summaries if _matches(s, wanted, rows.mentioned)]
    _order(kept, wanted.sort)
    return kept, rows.facets


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
    stories: list[Story]
    duplicate_of: Article | None


def list_articles(store: Store, *, source: str | None = None) -> list[Article]:
    """Return stored articles, newest first, optionally of one outlet (as named by ``source_label``)."""
    articles = [a for a in store.articles() if source is None or source_label(a) == source]
    return sorted(articles, key=lambda a: a.published or "", reverse=True)


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
        stories=store.stories(article=article_id),
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
    stories: list[Story]
    quotes: list[tuple[Quote, Article]]
    """Quotes spoken by the entity, with their article, in publication order."""


def list_entities(store: Store, *, kind: str | None = None, name: str | None = None) -> list[EntitySummary]:
    """Return entities, most widespread first.

    Args:
        store: Where the analysis is kept.
        kind: Only entities of this kind (``person``, ``organization``, ...).
        name: Only entities whose name contains this text (case-insensitive).
    """
    needle = name.casefold() if name else None
    rows = [
        EntitySummary(entity=e, mentions=len(e.mentions), articles=len({m.article for m in e.mentions}))
        for e in store.entities()
        if (kind is None or e.kind == kind) and (needle is None or needle in e.name.casefold())
    ]
    return sorted(rows, key=lambda r: (-r.articles, -r.mentions, r.entity.name.casefold(), r.entity.id))


def find_entity(entities: Iterable[Entity], entity_id: str) -> Entity:
    """Return the entity with this id.

    Raises:
        NotFoundError: None has it.
    """
    for entity in entities:
        if entity.id == entity_id:
            return entity
    raise NotFoundError(f"no entity with id {entity_id!r}.")


def mention_snippet(text: str, mention: Mention, context: int = SNIPPET_CONTEXT) -> Markup:
    """Return the text around a mention as safe HTML with the mention in ``<mark>``."""
    start, end = max(0, min(mention.start, len(text))), max(0, min(mention.end, len(text)))
    left, right = max(0, start - context), min(len(text), end + context)
    # Paragraph breaks inside the window read as spaces in a one-line snippet.
    before = ("…" if left > 0 else "") + text[left:start].replace("\n", " ")
    after = text[end:right].replace("\n", " ") + ("…" if right < len(text) else "")
    return Markup("{}<mark>{}</mark>{}").format(before, text[start:end] or mention.text, after)


def entity_detail(store: Store, entity_id: str, *, max_snippets: int = 5) -> EntityDetail:
    """Return an entity with its mentions per article, its stories and its quotes.

    Args:
        store: Where the analysis is kept.
        entity_id: The entity's id.
        max_snippets: Snippets kept per article (all mentions are still counted).

    Raises:
        NotFoundError: No entity has this id.
    """
    entity = find_entity(store.entities(), entity_id)
    article_ids = list(dict.fromkeys(m.article for m in entity.mentions))
    articles = {a.id: a for a in store.articles(article_ids)} if article_ids else {}
    groups = []
    for article_id in article_ids:
        article = articles[article_id]
        mentions = sorted((m for m in entity.mentions if m.article == article_id), key=lambda m: m.start)
        text = article.text
        groups.append(
            MentionGroup(
                article=article,
                mentions=mentions,
                snippets=[mention_snippet(text, m) for m in mentions[:max_snippets]],
            )
        )
    groups.sort(key=lambda g: g.article.published or "")
    quotes = [q for q in store.quotes() if q.speaker_entity == entity_id]
    quoted = {a.id: a for a in store.articles(sorted({q.article for q in quotes}))} if quotes else {}
    return EntityDetail(
        entity=entity,
        groups=groups,
        stories=[s for s in store.stories() if set(s.articles) & articles.keys()],
        quotes=sorted(((q, quoted[q.article]) for q in quotes), key=lambda p: (p[1].published or "", p[0].start)),
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

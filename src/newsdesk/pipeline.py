"""The end-to-end job: ingest -> clean -> store -> enrich -> stories -> compare.

Library functions the CLI and the HTTP layer call. Every stage is a function of
its input and its settings; the store is passed in explicitly. Stages are
imported by the functions that run them, so reading a stored analysis
(:func:`load_analysis`, :func:`analysis_status`) loads neither spaCy nor
scikit-learn.
"""

from __future__ import annotations

import bisect
import itertools
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from newsdesk.errors import InputError, StorageError
from newsdesk.model import Analysis, Article, ArticleTerms, Claim, Enrichment, Entity, Problem, RawDocument, Story
from newsdesk.settings import Settings
from newsdesk.storage import Store
from newsdesk.storage.base import AnalysisUpdate, ArticleState

if TYPE_CHECKING:
    from newsdesk.enrich import Enricher
    from newsdesk.stories.embeddings import ArticleEmbedder, Embedder

log = logging.getLogger(__name__)

Progress = Callable[[int], None]


@dataclass(slots=True, kw_only=True)
class IngestReport:
    """What one ingest run did."""

    articles: list[Article] = field(default_factory=list)
    """Articles read in this run (new or already stored)."""
    added: list[str] = field(default_factory=list)
    """Ids of articles stored for the first time."""
    problems: list[Problem] = field(default_factory=list)
    inputs: int = 0


def clean_documents(raws: Sequence[RawDocument], settings: Settings) -> tuple[list[Article], list[Problem]]:
    """Extract HTML, learn each outlet's template lines, and clean every document.

    A document that fails, or whose cleaned text is longer than
    ``settings.ingest.max_chars``, is reported as a :class:`Problem`; the rest go on.
    """
    from newsdesk.clean import clean_document, fit_templates
    from newsdesk.clean.html import extract_html

    problems: list[Problem] = []
    texts: list[RawDocument] = []
    for raw in raws:
        try:
            texts.append(extract_html(raw, fast=settings.clean_fast_html) if raw.is_html else raw)
        except InputError as exc:
            problems.append(Problem(path=exc.path, reason=exc.reason))
    templates = fit_templates(texts, settings.clean)
    articles: list[Article] = []
    limit = settings.ingest.max_chars
    for raw in texts:
        try:
            article = clean_document(raw, settings.clean, templates)
        except InputError as exc:
            problems.append(Problem(path=exc.path, reason=exc.reason))
            continue
        if len(article.text) > limit:
            reason = f"article too long to analyse: {len(article.text):,} characters, over the {limit:,} limit"
            problems.append(Problem(path=raw.path, reason=reason))
            continue
        articles.append(article)
    return articles, problems


def ingest(
    paths: Sequence[str],
    store: Store,
    settings: Settings | None = None,
    *,
    command: str = "ingest",
) -> IngestReport:
    """Read, clean and store the articles under ``paths``.

    Re-ingesting an article already stored changes nothing (ids come from
    the input: its URL, else its raw content). Bad inputs are reported with
    their reason and counted; they never stop the batch. Inputs are read,
    cleaned and stored in chunks of ``settings.ingest.chunk_size``.

    Args:
        paths: Files, directories or ``-`` for standard input.
        store: Where articles are kept.
        settings: All stage settings (the defaults when None).
        command: Name recorded in the run log.

    Returns:
        The run's articles, new ids and problems.
    """
    settings = settings or Settings()
    from newsdesk.ingest import iter_documents
    from newsdesk.ingest.web import Fetcher

    report = IngestReport()
    seen: set[str] = set()
    with Fetcher(settings.fetch) as fetcher:
        # Bounded chunks: memory does not grow with the batch, and an interrupted run keeps the chunks it stored.
        for chunk in _chunks(iter_documents(paths, settings.ingest, fetcher=fetcher), settings.ingest.chunk_size):
            raws: list[RawDocument] = []
            for item in chunk:
                report.inputs += 1
                if isinstance(item, Problem):
                    report.problems.append(item)
                else:
                    raws.append(item)
            articles, problems = clean_documents(raws, settings)
            report.problems.extend(problems)
            fresh = []
            for article in articles:
                if article.id not in seen:  # one article twice in a run is stored and reported once
                    seen.add(article.id)
                    fresh.append(article)
            report.articles.extend(fresh)
            report.added.extend(store.add_articles(fresh))
    store.record_run(command=command, inputs=report.inputs, added=len(report.added), problems=report.problems)
    for problem in report.problems:
        log.warning("skipped %s: %s", problem.path, problem.reason)
    return report


T = TypeVar("T")


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of at most ``size`` (at least one item each)."""
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, max(1, size))):
        yield chunk


def analyze_articles(
    articles: Sequence[Article],
    settings: Settings | None = None,
    *,
    enricher: Enricher | None = None,
    embedder: Embedder | None = None,
    progress: Progress | None = None,
) -> Analysis:
    """Run enrichment, story grouping and comparison over articles.

    Args:
        articles: Cleaned articles in arrival order.
        settings: All stage settings (the defaults when None).
        enricher: A reusable enricher (models load once); made when None.
        embedder: The multilingual embedder for joins across languages; made when needed.
        progress: Called with 1 per article enriched.

    Returns:
        The analysis (articles with language and duplicate links set).
    """
    settings = settings or Settings()
    from newsdesk import compare
    from newsdesk.clean.duplicates import find_duplicates
    from newsdesk.enrich import Enricher
    from newsdesk.stories import group_stories
    from newsdesk.stories.crosslingual import join_across_languages
    from newsdesk.stories.embeddings import Embedder
    from newsdesk.stories.related import link_related

    enricher = enricher or Enricher(settings.enrich)
    enriched = enricher.run(articles, progress)
    duplicates = find_duplicates(enriched.articles)
    marked = [replace(a, duplicate_of=duplicates.get(a.id)) for a in enriched.articles]
    embedder = embedder or Embedder()
    # With a dense share in the story similarity, each article is embedded once for both steps.
    embeddings = embedder.embed(marked) if settings.stories.embedding_weight > 0 and marked else None
    stories = group_stories(marked, enriched.entities, settings.stories, embeddings)
    vectors = None if embeddings is None else {a.id: row for a, row in zip(marked, embeddings, strict=True)}
    stories = join_across_languages(stories, marked, embedder, settings.crosslingual, vectors)
    stories, claims = compare.compare_stories(stories, marked, enriched.quotes, enriched.entities, settings.compare)
    stories = link_related(stories, marked, enriched.entities, settings.stories)
    return Analysis(articles=marked, entities=enriched.entities, quotes=enriched.quotes, claims=claims, stories=stories)


ENRICH_CHUNK = 200
"""Articles whose enrichment is saved in one transaction: a kill loses at most this many parses."""

READ_CHUNK = 2_000
"""Articles read from the store and parsed in one pass (bounds the memory of a first analysis)."""

MAX_ATTEMPTS = 8
"""Times an update is computed again when other processes keep saving analyses first."""


@dataclass(slots=True, kw_only=True)
class UpdateReport:
    """What one incremental analysis (:func:`update_store`) did."""

    enriched: int = 0
    """Articles parsed and enriched now (each article is enriched once in its life)."""
    grouped: int = 0
    """Articles put into a story now."""
    changed: list[str] = field(default_factory=list)
    """Ids of the stories added or changed, and compared again."""
    new_stories: int = 0
    """Stories opened now."""
    stories: int = 0
    """Stories in the store afterwards."""
    attempts: int = 0
    """Times the update was computed (more than 1 when another process saved an analysis first)."""
    seconds: dict[str, float] = field(default_factory=dict)
    """Wall time of each step: enrich, read, entities, duplicates, stories, crosslingual, compare, related, save."""


@dataclass(slots=True, kw_only=True, frozen=True)
class AnalysisStatus:
    """How much of the store the stored analysis covers."""

    articles: int
    enriched: int
    grouped: int

    @property
    def pending(self) -> int:
        """Articles stored but in no story yet: the stored stories do not show them."""
        return self.articles - self.grouped


def analysis_status(store: Store) -> AnalysisStatus:
    """Count the stored articles, those enriched and those in a story (one light query)."""
    _, states = store.analysis_state()
    return AnalysisStatus(
        articles=len(states),
        enriched=sum(s.enriched for s in states),
        grouped=sum(s.story is not None for s in states),
    )


def update_store(
    store: Store,
    settings: Settings | None = None,
    *,
    enricher: Enricher | None = None,
    embedder: ArticleEmbedder | None = None,
    progress: Progress | None = None,
) -> UpdateReport:
    """Bring the stored analysis up to date with the stored articles, computing only what changed.

    Steps:
        1. Enrich every article that has no saved enrichment (each article is
           parsed once in its life), in chunks: each chunk's records, with their
           near-duplicate signatures, are saved in one transaction, so a kill
           loses at most the chunk in flight.
        2. Read the state (its generation, each article's story). Nothing more
           to do when no article was enriched now and every article is in a story.
        3. Merge the saved records of all articles into canonical entities and
           name the speakers of quotes (no parse: the result equals enriching
           everything in one batch).
        4. Link near-duplicates over the saved signatures.
        5. Put the articles that are in no story into existing stories or new
           ones (:func:`~newsdesk.stories.grouping.assign_stories`), beside the
           stored articles near them in time; stories are never renamed. Each
           article's word counts are made once and saved
           (:mod:`~newsdesk.stories.terms`): the stored articles' counts are
           read, not tokenised again.
        6. Join changed stories to stories of other languages, embedding each
           story head once (embeddings are saved).
        7. Compare only the stories that changed: those that received articles,
           new ones, and those whose articles were enriched now or changed
           their near-duplicate link.
        8. Link the changed stories to related stories
           (:func:`~newsdesk.stories.related.related_links`: their rows search
           the story centroids, sparse); links between unchanged stories stay
           as stored, and the cap per story applies to both.
        9. Save steps 3-8 as one update (only the entities and speakers that
           changed are written). When another process saved an analysis
           since step 2, nothing is written and steps 1-9 run again, so two
           runs at once never lose each other's articles.

    Args:
        store: Where articles and their analysis are kept.
        settings: All stage settings (the defaults when None).
        enricher: A reusable enricher (models load once); made when needed.
        embedder: The multilingual embedder; made when a step needs it.
        progress: Called with 1 per article parsed.

    Returns:
        What was done.

    Raises:
        StorageError: The store cannot be read or written, or other processes
            kept saving first for :data:`MAX_ATTEMPTS` attempts.
    """
    settings = settings or Settings()
    from newsdesk.stories.embeddings import Embedder

    report = UpdateReport()
    embedder = embedder or Embedder()  # its model loads only if a step needs it
    enriched: set[str] = set()  # enriched by this call: their stories are compared again
    while report.attempts < MAX_ATTEMPTS:
        report.attempts += 1
        with _timed(report, "enrich"):
            enriched.update(_enrich_missing(store, settings, enricher, progress))
            report.enriched = len(enriched)
        with _timed(report, "read"):
            generation, states = store.analysis_state()
        if not all(s.enriched for s in states):
            continue  # another process stored articles meanwhile: enrich them first
        if not enriched and all(s.story for s in states):
            report.stories = len({s.story for s in states})
            return report
        update = _plan_update(store, settings, generation, states, enriched, embedder, report)
        with _timed(report, "save"):
            saved = store.update_analysis(update)
        if saved:
            log.info(
                "analysis updated: %d enriched, %d grouped, %d stories compared, %.1f s",
                report.enriched,
                report.grouped,
                len(report.changed),
                sum(report.seconds.values()),
            )
            return report
        log.info("another process saved an analysis first: computing the update again")
    raise StorageError(
        f"{getattr(store, 'path', 'the store')}: other processes kept saving analyses; "
        f"the update was computed {MAX_ATTEMPTS} times and not saved. Run it again."
    )


def analyze_store(
    store: Store,
    settings: Settings | None = None,
    *,
    enricher: Enricher | None = None,
    embedder: ArticleEmbedder | None = None,
    progress: Progress | None = None,
    refresh: bool = False,
) -> Analysis:
    """Bring the stored analysis up to date (:func:`update_store`) and return it whole.

    Args:
        store: Where articles and their analysis are kept.
        settings: All stage settings (the defaults when None).
        enricher: A reusable enricher (models load once).
        embedder: The multilingual embedder; made when a step needs it.
        progress: Called with 1 per article parsed.
        refresh: Forget the stored analysis first and analyse every article
            again (after a model or settings change); the store shows no
            stories until it is done.
    """
    settings = settings or Settings()
    if refresh:
        store.save_analysis(entities=[], quotes=[], claims=[], stories=[])
    update_store(store, settings, enricher=enricher, embedder=embedder, progress=progress)
    return load_analysis(store)


@contextmanager
def _timed(report: UpdateReport, step: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        report.seconds[step] = report.seconds.get(step, 0.0) + time.perf_counter() - started


def _enrich_missing(
    store: Store, settings: Settings, enricher: Enricher | None, progress: Progress | None
) -> list[str]:
    """Step 1 of :func:`update_store`: parse the articles without saved enrichment, saving in chunks.

    Returns:
        The ids of the articles whose enrichment was saved.
    """
    from newsdesk.clean.duplicates import signature
    from newsdesk.enrich import Enricher

    _, states = store.analysis_state()
    missing = [s.id for s in states if not s.enriched]
    if not missing:
        return []
    enricher = enricher or Enricher(settings.enrich)
    saved: list[str] = []
    for start in range(0, len(missing), READ_CHUNK):
        articles = {a.id: a for a in store.articles(missing[start : start + READ_CHUNK])}
        buffer: list[Enrichment] = []
        for record in enricher.enrich(list(articles.values()), progress):
            buffer.append(replace(record, minhash=signature(articles[record.article].text)))
            if len(buffer) >= ENRICH_CHUNK:
                saved.extend(store.save_enrichments(buffer))
                buffer = []
        saved.extend(store.save_enrichments(buffer))
    return saved


def _plan_update(
    store: Store,
    settings: Settings,
    generation: int,
    states: Sequence[ArticleState],
    enriched: set[str],
    embedder: ArticleEmbedder,
    report: UpdateReport,
) -> AnalysisUpdate:
    """Steps 3-7 of :func:`update_store`: everything to save, computed from one state."""
    from newsdesk import compare
    from newsdesk.clean.duplicates import link_signatures, signature
    from newsdesk.enrich import merge_enrichments
    from newsdesk.stories.crosslingual import link_new_across_languages
    from newsdesk.stories.embeddings import lead_text
    from newsdesk.stories.grouping import assign_stories, representative_title
    from newsdesk.stories.related import related_links

    with _timed(report, "read"):
        articles = {a.id: a for a in store.articles()}
        records = store.enrichments()
    arrival = {s.id: i for i, s in enumerate(states)}
    # 3. Canonical entities and speakers, from the saved records of all articles.
    with _timed(report, "entities"):
        handled = settings.enrich.languages
        texts = {a.id: a.text for a in articles.values() if (a.language or "en") in handled}
        entities, quotes = merge_enrichments(records, texts)
    # 4. Near-duplicates over the saved signatures (a record without one is hashed now).
    with _timed(report, "duplicates"):
        minhashes = {r.article: r.minhash or signature(articles[r.article].text) for r in records}
        links = link_signatures([(s.id, s.published, minhashes[s.id]) for s in states])
        relinked = {s.id: links.get(s.id) for s in states if links.get(s.id) != s.duplicate_of}
        for article_id, original in relinked.items():
            articles[article_id] = replace(articles[article_id], duplicate_of=original)
    # 5. Stories for the articles in none.
    with _timed(report, "stories"):
        known = {s.id: s.story for s in states if s.story}
        pending = [s.id for s in states if not s.story]
        context = _context(states, pending, settings.stories.window, settings.stories.window_days)
        chosen = [articles[s.id] for s in states if s.id in context or not s.story]
        dense = None
        if settings.stories.embedding_weight > 0 and chosen:
            vectors = _vectors(store, embedder, articles, [a.id for a in chosen])
            dense = np.vstack([vectors[a.id] for a in chosen])
        terms = _terms(store, chosen, settings)
        assigned = assign_stories(
            chosen, {a.id: known[a.id] for a in chosen if a.id in known}, entities, settings.stories, dense, terms=terms
        )
        members: dict[str, list[str]] = defaultdict(list)
        for s in states:
            members[s.story or assigned[s.id]].append(s.id)
        existing = set(known.values())
        changed = set(assigned.values())
        changed |= {known[a] for a in relinked if a in known}
        changed |= {known[a] for a in enriched if a in known}
    # 6. Joins across languages, for the changed stories.
    with _timed(report, "crosslingual"):
        order = sorted(members, key=lambda story: min(_time_key(articles[a], arrival[a]) for a in members[story]))
        timed = [
            Story(id=story, title="", articles=sorted(members[story], key=lambda a: _time_key(articles[a], arrival[a])))
            for story in order
        ]
        languages = {a.id: a.language for a in articles.values()}
        joins = link_new_across_languages(
            timed,
            changed,
            existing,
            languages,
            lambda ids: _vectors(store, embedder, articles, ids),
            settings.crosslingual,
            lambda ids: {a: lead_text(articles[a]) for a in ids},
        )
        for gone, kept in joins.items():
            members[kept].extend(members.pop(gone))
            changed.discard(gone)
            changed.add(kept)
    # 7. Compare the changed stories only.
    with _timed(report, "compare"):
        stories = []
        rank = {story: i for i, story in enumerate(order)}
        for story in sorted(changed, key=rank.__getitem__):
            ids = sorted(members[story], key=lambda a: _time_key(articles[a], arrival[a]))
            stories.append(Story(id=story, title=representative_title([articles[a] for a in ids]), articles=ids))
        involved = {a for story in stories for a in story.articles}
        models = compare.CompareModels(cache=store)
        compared, claims = compare.compare_stories(
            stories,
            [articles[a] for a in arrival if a in involved],
            [q for q in quotes if q.article in involved],
            _entities_of(entities, involved),
            settings.compare,
            models,
        )
        # Outputs of weights no longer shipped would never be read again.
        store.prune_model_outputs(models.cached_identities())
    # 8. Related stories: the changed stories search the story centroids (sparse); other links stay as stored.
    with _timed(report, "related"):
        everything = [
            Story(id=story, title="", articles=members[story]) for story in sorted(members, key=rank.__getitem__)
        ]
        related = related_links(
            everything,
            list(articles.values()),
            entities,
            settings.stories,
            changed={s.id for s in compared},
            previous=store.related_links(),
            terms=_terms(store, list(articles.values()), settings),
        )
    # Only the speakers that changed are written (a changed entity keeps its id and its quotes).
    stored_speakers = {q.id: q.speaker_entity for r in records for q in r.quotes}
    by_article: dict[str, list[Claim]] = {a: [] for a in involved}
    for claim in claims:
        by_article.setdefault(claim.article, []).append(claim)
    report.grouped = len(pending)
    report.changed = [s.id for s in compared]
    report.new_stories = len(set(report.changed) - existing)
    report.stories = len(members)
    return AnalysisUpdate(
        generation=generation,
        entities=entities,
        speakers={q.id: q.speaker_entity for q in quotes if q.speaker_entity != stored_speakers.get(q.id)},
        duplicates=relinked,
        claims=by_article,
        stories=compared,
        related=related,
    )


def analyze(
    paths: Iterable[str],
    store: Store,
    settings: Settings | None = None,
    *,
    progress: Progress | None = None,
) -> Analysis:
    """Ingest ``paths`` into ``store`` and analyse everything it holds.

    Returns:
        The analysis, with the run's rejected inputs in ``problems``.
    """
    settings = settings or Settings()
    report = ingest(list(paths), store, settings, command="analyze")
    analysis = analyze_store(store, settings, progress=progress)
    analysis.problems = report.problems
    return analysis


def _context(states: Sequence[ArticleState], pending: Sequence[str], window: int, window_days: float = 0.0) -> set[str]:
    """The grouped articles new articles are compared with: those within ``window`` of one in time order or
    published within ``window_days`` of one, with every member of their stories (all grouped articles when
    ``window`` is 0)."""
    from newsdesk.stories.grouping import day_number

    if not window:
        return {s.id for s in states if s.story}
    order = sorted(range(len(states)), key=lambda i: (states[i].published or "9999", i))
    wanted = set(pending)
    marks = [p for p, i in enumerate(order) if states[i].id in wanted]
    pending_days = sorted(d for d in (day_number(s.published) for s in states if s.id in wanted) if d == d)
    near: set[str] = set()
    for p, i in enumerate(order):
        at = bisect.bisect_left(marks, p)
        if any(0 <= j < len(marks) and abs(marks[j] - p) <= window for j in (at - 1, at)):
            near.add(states[i].id)
        elif window_days > 0 and pending_days:
            day = day_number(states[i].published)
            at = bisect.bisect_left(pending_days, day - window_days) if day == day else len(pending_days)
            if at < len(pending_days) and pending_days[at] <= day + window_days:
                near.add(states[i].id)
    stories = {s.story for s in states if s.id in near and s.story}
    return {s.id for s in states if s.story in stories}


def _time_key(article: Article, arrival: int) -> tuple[str, int]:
    """Time order of articles: published date, then arrival (as stories list their articles)."""
    return (article.published or "9999", arrival)


def _entities_of(entities: Sequence[Entity], articles: set[str]) -> list[Entity]:
    """The entities mentioned in ``articles``, with only those mentions."""
    kept = []
    for entity in entities:
        mentions = [m for m in entity.mentions if m.article in articles]
        if mentions:
            kept.append(replace(entity, mentions=mentions))
    return kept


def _vectors(
    store: Store, embedder: ArticleEmbedder, articles: Mapping[str, Article], ids: Sequence[str]
) -> dict[str, np.ndarray]:
    """Title + lead embeddings of ``ids``: the saved ones, the others made now and saved."""
    vectors = store.embeddings(ids)
    missing = [articles[a] for a in ids if a not in vectors]
    if missing:
        made = dict(zip((a.id for a in missing), embedder.embed(missing), strict=True))
        store.save_embeddings(made)
        vectors.update(made)
    return vectors


def _terms(store: Store, articles: Sequence[Article], settings: Settings) -> dict[str, ArticleTerms]:
    """Word counts of ``articles`` for story grouping: the saved ones, the others counted now and saved.

    Each article is counted once in its life, so an update reads the counts of the stored articles near the
    new ones instead of tokenising them again.
    """
    from newsdesk.stories.terms import article_terms, terms_key

    key = terms_key(settings.stories.lead_words)
    found = store.terms([a.id for a in articles], key)
    cache: dict[str | None, frozenset[str]] = {}
    folded: dict[str, str] = {}
    made = {a.id: article_terms(a, settings.stories.lead_words, cache, folded) for a in articles if a.id not in found}
    if made:
        store.save_terms(key, made)
        found.update(made)
    return found


def load_analysis(store: Store, story_id: str | None = None) -> Analysis:
    """Read a stored analysis back, whole or for one story.

    For one story only its own rows are read (its articles, their quotes,
    claims and entity mentions), through the store's indexes.

    Raises:
        NotFoundError: ``story_id`` is not in the store.
    """
    if story_id is None:
        stories = store.stories()
        articles = store.articles()
        entities = store.entities()
        quotes = store.quotes()
        claims = store.claims()
    else:
        stories = [store.get_story(story_id)]
        members = sorted({a for s in stories for a in s.articles})
        articles = store.articles(members)
        entities = store.entities(members)
        quotes = [q for a in articles for q in store.quotes(a.id)]
        claims = [c for a in articles for c in store.claims(a.id)]
    # Entities in the order canonicalisation gives them (most mentioned first), however they were saved.
    entities.sort(key=lambda e: (-len(e.mentions), e.name))
    return Analysis(articles=articles, entities=entities, quotes=quotes, claims=claims, stories=stories)

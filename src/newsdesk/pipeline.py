"""The end-to-end job: ingest -> clean -> store -> enrich -> stories -> compare.

Library functions the CLI and the HTTP layer call. Every stage is a function of
its input and its settings; the store is passed in explicitly.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from newsdesk.clean import clean_document, fit_templates
from newsdesk.clean.duplicates import find_duplicates
from newsdesk.clean.html import extract_html
from newsdesk.compare import compare_stories
from newsdesk.enrich import Enricher
from newsdesk.errors import InputError
from newsdesk.ingest import iter_documents
from newsdesk.ingest.web import Fetcher
from newsdesk.model import Analysis, Article, Problem, RawDocument
from newsdesk.settings import Settings
from newsdesk.storage import Store
from newsdesk.stories import group_stories
from newsdesk.stories.crosslingual import join_across_languages
from newsdesk.stories.embeddings import Embedder

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

    A document that fails is reported as a :class:`Problem`; the rest go on.
    """
    problems: list[Problem] = []
    texts: list[RawDocument] = []
    for raw in raws:
        try:
            texts.append(extract_html(raw, fast=settings.clean_fast_html) if raw.is_html else raw)
        except InputError as exc:
            problems.append(Problem(path=exc.path, reason=exc.reason))
    templates = fit_templates(texts, settings.clean)
    articles: list[Article] = []
    for raw in texts:
        try:
            articles.append(clean_document(raw, settings.clean, templates))
        except InputError as exc:
            problems.append(Problem(path=exc.path, reason=exc.reason))
    return articles, problems


def ingest(
    paths: Sequence[str],
    store: Store,
    settings: Settings = Settings(),
    *,
    command: str = "ingest",
) -> IngestReport:
    """Read, clean and store the articles under ``paths``.

    Re-ingesting an article already stored changes nothing (ids are content
    hashes). Bad inputs are reported with their reason and counted; they never
    stop the batch.

    Args:
        paths: Files, directories or ``-`` for standard input.
        store: Where articles are kept.
        settings: All stage settings.
        command: Name recorded in the run log.

    Returns:
        The run's articles, new ids and problems.
    """
    report = IngestReport()
    raws: list[RawDocument] = []
    with Fetcher(settings.fetch) as fetcher:
        items = list(iter_documents(paths, settings.ingest, fetcher=fetcher))
    for item in items:
        report.inputs += 1
        if isinstance(item, Problem):
            report.problems.append(item)
        else:
            raws.append(item)
    articles, problems = clean_documents(raws, settings)
    report.problems.extend(problems)
    unique: dict[str, Article] = {}
    for article in articles:
        unique.setdefault(article.id, article)
    report.articles = list(unique.values())
    report.added = store.add_articles(report.articles)
    store.record_run(command=command, inputs=report.inputs, added=len(report.added), problems=report.problems)
    for problem in report.problems:
        log.warning("skipped %s: %s", problem.path, problem.reason)
    return report


def analyze_articles(
    articles: Sequence[Article],
    settings: Settings = Settings(),
    *,
    enricher: Enricher | None = None,
    embedder: Embedder | None = None,
    progress: Progress | None = None,
) -> Analysis:
    """Run enrichment, story grouping and comparison over articles.

    Args:
        articles: Cleaned articles in arrival order.
        settings: All stage settings.
        enricher: A reusable enricher (models load once); made when None.
        embedder: The multilingual embedder for joins across languages; made when needed.
        progress: Called with 1 per article enriched.

    Returns:
        The analysis (articles with language and duplicate links set).
    """
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
    stories, claims = compare_stories(stories, marked, enriched.quotes, enriched.entities, settings.compare)
    return Analysis(articles=marked, entities=enriched.entities, quotes=enriched.quotes, claims=claims, stories=stories)


def analyze_store(
    store: Store,
    settings: Settings = Settings(),
    *,
    enricher: Enricher | None = None,
    progress: Progress | None = None,
) -> Analysis:
    """Analyse every article in the store and save the derived data back."""
    analysis = analyze_articles(store.articles(), settings, enricher=enricher, progress=progress)
    store.save_analysis(
        entities=analysis.entities, quotes=analysis.quotes, claims=analysis.claims, stories=analysis.stories
    )
    return analysis


def analyze(
    paths: Iterable[str],
    store: Store,
    settings: Settings = Settings(),
    *,
    progress: Progress | None = None,
) -> Analysis:
    """Ingest ``paths`` into ``store`` and analyse everything it holds.

    Returns:
        The analysis, with the run's rejected inputs in ``problems``.
    """
    report = ingest(list(paths), store, settings, command="analyze")
    analysis = analyze_store(store, settings, progress=progress)
    analysis.problems = report.problems
    return analysis


def load_analysis(store: Store, story_id: str | None = None) -> Analysis:
    """Read a stored analysis back, whole or for one story.

    Raises:
        NotFoundError: ``story_id`` is not in the store.
    """
    stories = [store.get_story(story_id)] if story_id else store.stories()
    wanted = {a for s in stories for a in s.articles} if story_id else None
    articles = store.articles(sorted(wanted) if wanted is not None else None)
    entities = store.entities()
    if wanted is not None:
        entities = [
            replace(e, mentions=[m for m in e.mentions if m.article in wanted])
            for e in entities
            if any(m.article in wanted for m in e.mentions)
        ]
    quotes = [q for q in store.quotes() if wanted is None or q.article in wanted]
    claims = [c for c in store.claims() if wanted is None or c.article in wanted]
    return Analysis(articles=articles, entities=entities, quotes=quotes, claims=claims, stories=stories)

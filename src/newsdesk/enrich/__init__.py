"""Enrichment: language, named entities (canonical across articles), quotes and their dates."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from newsdesk.enrich.dates import resolve_date, sentence_around
from newsdesk.enrich.entities import (
    canonicalize,
    defined_names,
    find_mentions,
    name_tokens,
    stated_aliases,
    tokens_match,
)
from newsdesk.enrich.expand import expand_mentions
from newsdesk.enrich.language import LanguageDetector
from newsdesk.enrich.names import lower_case_words
from newsdesk.enrich.nlp import DEFAULT_MODEL, load_pipeline
from newsdesk.enrich.quotes import extract_quotes
from newsdesk.model import Article, Enrichment, Entity, Quote

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)

_PERSONLIKE = ("person", "organization")


@dataclass(slots=True, kw_only=True, frozen=True)
class EnrichSettings:
    """Which spaCy model to use and how to batch it."""

    model: str = DEFAULT_MODEL
    batch_size: int = 32
    processes: int = 2
    """spaCy worker processes for large batches (at least two batches of articles)."""
    languages: tuple[str, ...] = ("en",)
    """Languages the NER and quote rules handle; other articles get language only."""


@dataclass(slots=True, kw_only=True)
class Enriched:
    """What enrichment adds to a batch of articles."""

    articles: list[Article]
    entities: list[Entity]
    quotes: list[Quote]


class Enricher:
    """Runs language identification, NER and quote extraction over articles.

    Models load on first use; build one Enricher per process and reuse it.
    """

    def __init__(self, settings: EnrichSettings = EnrichSettings(), *, nlp: Language | None = None) -> None:
        self.settings = settings
        self._nlp = nlp
        self._language = LanguageDetector()

    @property
    def nlp(self) -> Language:
        """The spaCy pipeline (:func:`~newsdesk.enrich.nlp.load_pipeline`), loaded on first use."""
        if self._nlp is None:
            self._nlp = load_pipeline(self.settings.model)
        return self._nlp

    def enrich(
        self, articles: Sequence[Article], progress: Callable[[int], None] | None = None
    ) -> Iterator[Enrichment]:
        """Enrich each article on its own: what is saved once per article and never computed again.

        Articles of a language the rules do not handle get their language only.
        Records come as their parses finish (order not guaranteed), so a
        caller can save them in chunks while the parse goes on.

        Args:
            articles: Cleaned articles (``language`` kept when already set).
            progress: Called with 1 after each article is parsed.

        Yields:
            One :class:`~newsdesk.model.Enrichment` per article.
        """
        handled: list[tuple[Article, str | None]] = []
        for article in articles:
            language = article.language or self._language.detect(article.text)
            if (language or "en") in self.settings.languages:
                handled.append((article, language))
            else:
                yield Enrichment(article=article.id, language=language)
        if not handled:
            return
        processes = self.settings.processes if len(handled) >= 2 * self.settings.batch_size else 1
        # An article stored before ingest refused over-long texts is parsed up to the parser's limit, never crashes.
        limit = self.nlp.max_length
        for article, _ in handled:
            if len(article.text) > limit:
                log.warning("%s: only the first %s of %s characters are parsed", article.id, limit, len(article.text))
        texts = (a.text[:limit] for a, _ in handled)
        docs = self.nlp.pipe(texts, batch_size=self.settings.batch_size, n_process=processes)
        for (article, language), doc in zip(handled, docs, strict=True):
            text = doc.text
            mentions = defined_names(article.id, text, find_mentions(article.id, doc))
            people = [m.mention for m in mentions if m.kind in _PERSONLIKE]
            quotes = [
                replace(q, date=q.date or resolve_date(sentence_around(text, q.start, q.end), article.published))
                for q in extract_quotes(article.id, text, doc, people)
            ]
            yield Enrichment(
                article=article.id,
                language=language,
                mentions=mentions,
                aliases=stated_aliases(text, [m.mention for m in mentions]),
                quotes=quotes,
            )
            if progress:
                progress(1)

    def run(self, articles: Sequence[Article], progress: Callable[[int], None] | None = None) -> Enriched:
        """Enrich ``articles`` and merge their entities (a pure function of its input: articles are copied).

        Args:
            articles: Cleaned articles.
            progress: Called with 1 after each article is parsed.

        Returns:
            Articles with ``language`` set, canonical entities and quotes.
        """
        found = {e.article: e for e in self.enrich(articles, progress)}
        records = [found[a.id] for a in articles]
        out = [replace(a, language=e.language) for a, e in zip(articles, records, strict=True)]
        texts = {a.id: a.text for a in out if (a.language or "en") in self.settings.languages}
        entities, quotes = merge_enrichments(records, texts)
        return Enriched(articles=out, entities=entities, quotes=quotes)


def merge_enrichments(enrichments: Sequence[Enrichment], texts: Mapping[str, str]) -> tuple[list[Entity], list[Quote]]:
    """Merge saved per-article enrichment into canonical entities and name the speakers of quotes.

    Steps:
        1. Canonicalise the tagger's mentions of all articles together, with
           the aliases their texts state (:func:`~newsdesk.enrich.entities.canonicalize`).
        2. Look for the known names in ``texts`` where the tagger missed them
           (:func:`~newsdesk.enrich.expand.expand_mentions`).
        3. Link each quote's speaker to a canonical entity of its article.

    No article is parsed again: the result equals enriching all the articles
    in one batch.

    Args:
        enrichments: Per-article records, in article order.
        texts: Article id to text, for the articles of the languages the rules handle.

    Returns:
        ``(entities, quotes)``: the canonical entities and the quotes of all records, in record order.
    """
    found = [m for e in enrichments for m in e.mentions]
    aliases = [pair for e in enrichments for pair in e.aliases]
    words = lower_case_words(texts.values())  # read once for both steps
    entities = expand_mentions(texts, canonicalize(found, aliases, texts, words=words), lower_words=words)
    known = _person_mentions(entities)
    # A speaker is usually quoted several times in an article: link each (article, speaker) once.
    linked: dict[tuple[str, str | None], str | None] = {}
    quotes = []
    for record in enrichments:
        for quote in record.quotes:
            key = (quote.article, quote.speaker)
            if key not in linked:
                linked[key] = _speaker_entity(quote, known.get(quote.article, ()))
            entity = linked[key]
            quotes.append(quote if quote.speaker_entity == entity else replace(quote, speaker_entity=entity))
    return entities, quotes


def speaker_entity(quote: Quote, entities: Sequence[Entity]) -> str | None:
    """Return the id of the canonical entity a quote's speaker names, if any.

    A mention inside the speaker phrase in the same article wins; otherwise the
    speaker's last name token is matched against the entity's mention forms.
    """
    return _speaker_entity(quote, _person_mentions(entities).get(quote.article, ()))


def _person_mentions(entities: Sequence[Entity]) -> dict[str, list[tuple[str, str]]]:
    """``(entity id, mention text)`` of people and organisations, per article."""
    # Each (entity, text) once, in order of first mention: a repeat never beats the first (ties keep the
    # first), so the speakers are the same, found without walking every repeated mention.
    index: dict[str, dict[tuple[str, str], None]] = {}
    for entity in entities:
        if entity.kind in _PERSONLIKE:
            for mention in entity.mentions:
                index.setdefault(mention.article, {})[(entity.id, mention.text)] = None
    return {article: list(pairs) for article, pairs in index.items()}


def _speaker_entity(quote: Quote, mentions: Sequence[tuple[str, str]]) -> str | None:
    """:func:`speaker_entity` over the person-like mentions of the quote's article."""
    if not quote.speaker:
        return None
    speaker = quote.speaker
    tokens = name_tokens(speaker)
    # "a source at the police headquarters" is an unnamed source even if it names a place.
    if not tokens or not speaker.removeprefix("the ").removeprefix("The ")[:1].isupper():
        return None
    last = tokens[-1]
    # The first mention inside (or around) the speaker phrase wins, else the first whose name shares its
    # last token: once a token match is found, only a containing mention can still win.
    by_token: str | None = None
    for entity_id, text in mentions:
        if text in speaker or speaker in text:
            return entity_id
        if by_token is None and any(tokens_match(last, m) for m in name_tokens(text)):
            by_token = entity_id
    return by_token


__all__ = ["EnrichSettings", "Enriched", "Enricher", "merge_enrichments", "speaker_entity"]

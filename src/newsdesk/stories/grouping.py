"""Stories: group articles that tell the same story.

The grouping reads articles the way a desk editor files them, then tidies up:

1. Articles are put in time order (published date, then arrival order). A
   story's id is derived from its first article, so ids stay stable as later
   articles join it.
2. Each article becomes a unit-length vector: TF-IDF (sublinear term
   frequency, inverse document frequency raised to ``idf_power``, so rare
   words such as names and figures outweigh the words a whole topic shares)
   over lower-cased words with the stop words of the article's language
   removed and plural endings folded ("strikes" = "strike"), the title
   counted twice. The document frequencies are the batch's own blended with
   a reference table shipped in the package (:mod:`.reference`), which
   counts as ``reference_documents`` articles: over a batch of two articles
   alone, each article's own words would get the highest weight and the
   names both share the lowest, so a small batch falls apart. With ``lead_weight`` above zero a second TF-IDF vector of
   the title and the first ``lead_words`` words of the body (where a report
   states its news) is joined to it, ``sqrt(1 - w) * words`` beside
   ``sqrt(w) * lead``, so a dot product is ``(1 - w) * word cosine + w * lead
   cosine``: articles on one topic that report different news share words
   but rarely a lead.
   When canonical entities are given and ``entity_weight`` is above zero, a
   TF-IDF vector of the entities an article mentions is joined to it, so a
   dot product mixes word and entity cosines in that proportion. When dense
   embeddings of title + lead are given (:mod:`.embeddings`) and
   ``embedding_weight`` is above zero, they are joined the same way:
   ``sqrt(1 - w) * words`` beside ``sqrt(w) * dense``, so a dot product is
   ``(1 - w) * word cosine + w * dense cosine``; steps 4 and 5 then use
   ``embedding_threshold`` and ``embedding_join_threshold``, as that mix
   runs higher than word cosines.
3. Neighbours: for every article its ``neighbors`` most similar articles by
   words are found with blocks of sparse products (only among the ``window``
   articles before and after it in time order when ``window`` is set), so
   memory stays linear in the number of articles and, with a window, so does
   the work. With publication dates, an article is also compared with every
   article published within ``window_days`` of it, however many that is: a
   busy week never cuts a developing story in two. With embeddings, its ``neighbors`` most similar articles by the
   dense vectors are found through a faiss inner-product index over the same
   window, and every candidate pair of either kind is scored with the mixed
   similarity.
4. Seeding, in time order: a near-duplicate (``duplicate_of``) joins its
   original's story; an article whose most similar earlier article reaches
   ``join_threshold`` joins that article's story; any other article opens a
   story.
5. Merging: stories are merged, most similar pair first, while their
   average-link similarity (the mean cosine over all pairs of their articles,
   computed exactly from summed vectors) reaches ``threshold``. A pair can
   only reach it if one of its article pairs does, so only stories linked by
   a neighbour edge are compared. The merged story keeps the id of the story
   whose first article is earlier.

Time decay (steps 4 and 5, with publication dates): a similarity between an
article and a story, or between two stories, is multiplied by
``0.5 ** (max(0, gap - grace_days) / half_life_days)``, ``gap`` being the days
between the article and the nearest day of the story (or between the two
stories' spans). A story covered day after day never decays, however long it
runs; a sequel weeks later rarely joins, and :mod:`.related` links it as a
related story instead. Undated articles never decay.

Steps 4 and 5 together are average-linkage clustering seeded by obvious
matches; the thresholds are learned on FNC-1 by ``scripts/tune_stories.py``.

With ``pair_model`` (and no embeddings mixed in), the learned story pair model
of :mod:`.pairs` stands in for the word cosine: each article's vector in step
2 joins several views (words, title + lead, names, numbers) scaled so that a
dot product is the model's log-odds that two articles tell one story, minus
its intercept. Step 3 finds neighbours on that scale; in step 4 an article
joins its best earlier neighbour's story when that pair's log-odds reach the
model's ``join_logit``; in step 5 stories merge while the mean log-odds over
all their article pairs (the evidence of the whole story, exact from summed
vectors) reaches ``merge_logit``. Both thresholds are learned with the
weights by ``scripts/train_stories.py`` on the FNC-1 training ids.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from newsdesk.errors import NewsdeskError
from newsdesk.model import Article, ArticleTerms, Entity, Story, content_id
from newsdesk.stories.pairs import PairModel, article_views, pair_vectors, shipped_model
from newsdesk.stories.reference import ReferenceFrequencies, blended_idf, shipped_reference
from newsdesk.stories.terms import article_terms, count_matrix, fold_counts

# Defined in .terms; imported from here by other stages and tests.
from newsdesk.stories.terms import content_text as content_text
from newsdesk.stories.terms import fold_word as fold_word
from newsdesk.stories.terms import lead_text as lead_text
from newsdesk.stories.terms import stop_words as stop_words


@dataclass(slots=True, kw_only=True, frozen=True)
class StorySettings:
    """Thresholds of story grouping (defaults learned on FNC-1 by ``scripts/tune_stories.py``)."""

    threshold: float = 0.12
    """Minimum average-link similarity (mean cosine over article pairs) for two stories to merge."""
    join_threshold: float = 0.3
    """Minimum cosine with its most similar earlier article for an article to join that article's story at once."""
    idf_power: float = 2.0
    """Exponent of the inverse document frequency in the word and lead vectors (1 = plain TF-IDF).

    Above 1, words few articles use (names, places, figures) weigh more against the words a whole topic shares.
    ``scripts/tune_stories.py`` chose 2.0 with ``reference_documents`` 1,000, ``lead_weight`` 0.3,
    ``threshold`` 0.12 and ``join_threshold`` 0.3 on folds of the FNC-1 training ids (docs/benchmarks.md).
    Without the reference table a high power split small batches: over two articles alone, each one's own
    words get the highest IDF.
    """
    reference_documents: float = 1_000.0
    """How many articles the shipped reference document frequencies count as in the IDF (0 = the batch alone).

    The IDF blends the batch's own counts with a table of how common each word is in news
    (:mod:`.reference`): a small batch then weighs words as a large one would, while a batch of many
    thousands is barely moved by it.
    """
    lead_weight: float = 0.3
    """Share of the similarity from the title and lead (the first ``lead_words`` words of the body); 0 = none."""
    lead_words: int = 60
    """Words of the body in the lead vector."""
    entity_weight: float = 0.0
    """Share of the similarity that comes from shared canonical entities (0 = words only)."""
    embedding_weight: float = 0.0
    """Share of the similarity from dense title + lead embeddings (0 = none; used when embeddings are passed).

    Tuned on FNC-1: 0.4 (with the two thresholds below). Off by default: on the FNC-1 hold-out it did not beat
    words alone (BCubed F1 0.936 against 0.940, within the bootstrap interval). Weight and thresholds were tuned
    with the earlier word vectors (plain IDF, no lead): tune again (``scripts/tune_stories.py --embeddings``)
    before turning it on.
    """
    embedding_threshold: float = 0.47
    """``threshold`` when embeddings are mixed in (higher: unrelated news scores ~0.8 by embeddings)."""
    embedding_join_threshold: float = 0.68
    """``join_threshold`` when embeddings are mixed in."""
    neighbors: int = 15
    """Most similar articles kept per article; stories are only compared through these links."""
    window: int = 5_000
    """Compare an article only with this many articles before and after it in time order (0 = all).

    Bounds the work per article, so grouping time grows linearly with the stream; 5,000 covers weeks of a busy
    desk's intake and every FNC-1 body (so the tuned figures are unchanged). With publication dates, the
    articles within ``window_days`` are compared too, however many they are.
    """
    half_life_days: float = 7.0
    """With publication dates: a story's pull on an article halves with every this many days between them.

    The similarity of an article and a story (step 4) or of two stories (step 5) is multiplied by
    ``0.5 ** (max(0, gap - grace_days) / half_life_days)``, where ``gap`` is the number of days between the
    article's date and the nearest date of the story (0 inside its span), or between the two stories' spans.
    Coverage that carries on day after day never leaves the grace period, so it stays one story however long it
    runs; a sequel weeks later needs a much closer match to join (after three weeks, about six times the
    similarity) and is linked as related instead (:mod:`.related`). 0 turns the decay off. Undated articles are
    never decayed, so grouping without dates (FNC-1) is unchanged.
    """
    grace_days: float = 3.0
    """Days between an article and a story (or two stories) before the time decay starts."""
    window_days: float = 14.0
    """With publication dates: also compare an article with every article published within this many days,
    however many that is (0 = only ``window``), so a busy week never cuts a developing story in two."""
    related_bar: float = 0.35
    """Least centroid cosine of two stories for them to be linked as related (:mod:`.related`).

    Chosen on the FNC-1 training ids by ``scripts/tune_related.py``: with every gold story cut in two halves
    (a simulated sequel), 0.35 linked the halves best (F1 0.911: precision 0.943, recall 0.882); lower bars
    link distinct stories of one topic (0.2: precision 0.697). Figures in docs/benchmarks.md.
    """
    related_limit: int = 5
    """Most related stories linked to one story (0 = no links)."""
    related_neighbors: int = 15
    """Most similar stories looked at per story when linking related stories."""
    max_features: int = 50_000
    """Largest vocabulary of the TF-IDF vectors."""
    pair_model: bool = False
    """Group with the learned story pair model (:mod:`.pairs`) instead of ``threshold`` and ``join_threshold``.

    Its log-odds of same story stand in for the cosine in steps 2-5; used when no embeddings are mixed in.
    """


_BLOCK_CELLS = 4_000_000  # dense similarity cells per block of the neighbour search (16 MB of float32)
_DENSE_QUERIES = 1_024  # queries per faiss search over a time window
_PAIR_CHUNK = 16_384  # candidate pairs scored at once (their sparse rows are copied)


def _word_weights(
    texts: Sequence[str],
    max_features: int,
    idf_power: float = 1.0,
    reference: Mapping[str, int] | None = None,
    reference_total: int = 0,
    reference_documents: float = 0.0,
) -> sp.csr_matrix:
    """Unit TF-IDF rows over the folded words of ``texts`` (:func:`_count_weights` of their counts).

    Args:
        texts: Lower-cased content words joined by spaces (:func:`~.terms.content_text`).
        max_features: As for :func:`_count_weights`.
        idf_power: As for :func:`_count_weights`.
        reference: As for :func:`_count_weights`.
        reference_total: As for :func:`_count_weights`.
        reference_documents: As for :func:`_count_weights`.

    Raises:
        ValueError: No text has a single word.
    """
    folded: dict[str, str] = {}
    rows = [fold_counts(text.split(), folded) for text in texts]
    return _count_weights(rows, max_features, idf_power, reference, reference_total, reference_documents)


def _count_weights(
    rows: Sequence[Mapping[str, int]],
    max_features: int,
    idf_power: float = 1.0,
    reference: Mapping[str, int] | None = None,
    reference_total: int = 0,
    reference_documents: float = 0.0,
) -> sp.csr_matrix:
    """Unit TF-IDF rows from each article's folded word counts (:mod:`.terms`).

    Term frequency is sublinear (``1 + ln(count)``); the IDF is that of :func:`~.reference.blended_idf`
    (the batch's own counts, blended with ``reference`` when ``reference_documents`` > 0), raised to
    ``idf_power``. Only the ``max_features`` most used terms of the batch are kept (0 = all).

    Raises:
        ValueError: No article has a single word.
    """
    folded, terms = count_matrix(rows)
    if max_features and folded.shape[1] > max_features:
        totals = np.asarray(folded.sum(axis=0)).ravel()
        kept = np.sort(np.argsort(-totals, kind="stable")[:max_features])
        folded, terms = folded[:, kept], terms[kept]
    batch_df = np.bincount(folded.indices, minlength=folded.shape[1])
    idf = blended_idf(terms.tolist(), batch_df, len(rows), reference, reference_total, reference_documents)
    weights = folded.copy()
    weights.data = 1.0 + np.log(weights.data)  # sublinear term frequency
    weights = normalize(weights @ sp.diags((idf**idf_power).astype(np.float32)))
    return sp.csr_matrix(weights, dtype=np.float32)


def _weights_or_zero(
    rows: Sequence[Mapping[str, int]],
    settings: StorySettings,
    reference: ReferenceFrequencies | None = None,
    part: str = "words",
) -> sp.csr_matrix:
    """:func:`_count_weights` with the settings' IDF (and ``reference``'s ``part`` table), or one zero column
    when no article has a single content word."""
    table = reference.table(part) if reference is not None else None
    total = reference.documents if reference is not None else 0
    try:
        return _count_weights(
            rows, settings.max_features, settings.idf_power, table, total, settings.reference_documents
        )
    except ValueError:
        return sp.csr_matrix((len(rows), 1), dtype=np.float32)


def _reference_for(settings: StorySettings, reference: ReferenceFrequencies | None) -> ReferenceFrequencies | None:
    """The reference table the vectors blend in: ``reference``, else the shipped one (None when not used)."""
    if settings.reference_documents <= 0:
        return None
    return reference if reference is not None else shipped_reference()


def batch_terms(
    articles: Sequence[Article], settings: StorySettings, terms: Mapping[str, ArticleTerms] | None = None
) -> list[ArticleTerms]:
    """Each article's word counts: from ``terms`` when there, else counted now (:func:`~.terms.article_terms`)."""
    known = terms or {}
    cache: dict[str | None, frozenset[str]] = {}
    folded: dict[str, str] = {}
    return [known[a.id] if a.id in known else article_terms(a, settings.lead_words, cache, folded) for a in articles]


def _identity(terms: list[str]) -> list[str]:
    return terms


def _order_key(article: Article, position: int) -> tuple[str, int]:
    return (article.published or "9999", position)


def entity_sets(entities: Sequence[Entity]) -> dict[str, set[str]]:
    """Map each article id to the ids of the canonical entities it mentions."""
    sets: dict[str, set[str]] = defaultdict(set)
    for entity in entities:
        for mention in entity.mentions:
            sets[mention.article].add(entity.id)
    return sets


def article_vectors(
    articles: Sequence[Article],
    entities: Sequence[Entity] = (),
    settings: StorySettings = StorySettings(),
    *,
    reference: ReferenceFrequencies | None = None,
    terms: Mapping[str, ArticleTerms] | None = None,
) -> sp.csr_matrix:
    """Return the unit-length vectors of step 2, one row per article (zero rows for empty texts).

    Args:
        articles: The articles, in any order.
        entities: Canonical entities of these articles (used when ``entity_weight`` > 0).
        settings: Grouping settings.
        reference: Document frequencies blended into the IDF when ``settings.reference_documents`` > 0
            (default: the table shipped in the package, :mod:`.reference`).
        terms: Article id -> its word counts (:func:`~.terms.article_terms` with ``settings.lead_words``),
            e.g. as saved in the store; articles missing here are counted now. Either way the vectors
            are the same.

    Returns:
        A CSR matrix of float32 with one row per article.
    """
    counted = batch_terms(articles, settings, terms)
    table = _reference_for(settings, reference)
    words = _weights_or_zero([t.words for t in counted], settings, table, "words")
    lead = min(max(settings.lead_weight, 0.0), 1.0)
    if lead > 0:
        lead_rows = _weights_or_zero([t.lead for t in counted], settings, table, "lead")
        words = sp.hstack([np.sqrt(1.0 - lead) * words, np.sqrt(lead) * lead_rows], format="csr")
        # An article whose lead holds no content word is compared by its words alone.
        words = sp.csr_matrix(normalize(words), dtype=np.float32)
    weight = min(max(settings.entity_weight, 0.0), 1.0)
    ents = entity_sets(entities) if weight > 0 else {}
    if not ents:
        return sp.csr_matrix(words)
    names = [sorted(ents.get(a.id, ())) for a in articles]
    if not any(names):
        return sp.csr_matrix(words)
    named = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, dtype=np.float32).fit_transform(names)
    both = sp.hstack([np.sqrt(1.0 - weight) * words, np.sqrt(weight) * named], format="csr")
    return sp.csr_matrix(normalize(both), dtype=np.float32)


def neighbour_edges(
    matrix: sp.csr_matrix,
    *,
    k: int,
    floor: float,
    window: int = 0,
    queries: np.ndarray | None = None,
    bounds: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Find each row's ``k`` most similar other rows with cosine >= ``floor`` (step 3).

    Args:
        matrix: Unit-length row vectors, in time order when ``window`` is used.
        k: Neighbours kept per row.
        floor: Smallest cosine kept.
        window: Only compare rows at most this many positions apart (0 = all).
        queries: Only find the neighbours of these rows (ascending row numbers);
            None for every row.
        bounds: With a window, ``(lo, hi)``: row ``i`` is also compared with rows ``lo[i] <= j < hi[i]``
            (the rows published within ``window_days`` of it), however far that reaches.

    Returns:
        ``(rows, cols, sims)`` with ``rows < cols``, each pair once.
    """
    n = matrix.shape[0]
    empty = np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float32)
    if n < 2 or k < 1 or (queries is not None and not len(queries)):
        return empty
    first_col = last_col = None
    if window:
        positions = np.arange(n)
        first_col, last_col = np.maximum(positions - window, 0), np.minimum(positions + window + 1, n)
        if bounds is not None:
            first_col, last_col = np.minimum(first_col, bounds[0]), np.maximum(last_col, bounds[1])
    reach = int((last_col - first_col).max()) if first_col is not None and last_col is not None else 0
    span = min(n, reach + window) if bounds is not None else min(n, 2 * window + 1) if window else n
    block = max(1, _BLOCK_CELLS // span)
    firsts, seconds, values = [], [], []
    columns = sp.csr_matrix(matrix.T) if not window else None  # transposed once, not per block
    for rows in _query_blocks(n, block, window, queries):
        lo, hi = (
            (int(first_col[rows].min()), int(last_col[rows].max()))
            if first_col is not None and last_col is not None
            else (0, n)
        )
        others = columns if columns is not None else sp.csr_matrix(matrix[lo:hi].T)
        sims = (matrix[rows] @ others).toarray()
        sims[np.arange(len(rows)), rows - lo] = -1.0  # never your own neighbour
        if first_col is not None and last_col is not None:  # columns out of each row's reach (slices: no mask array)
            width = sims.shape[1]
            earliest, latest = (first_col[rows] - lo).tolist(), (last_col[rows] - lo).tolist()
            for r, (early, late) in enumerate(zip(earliest, latest, strict=True)):
                if early > 0:
                    sims[r, :early] = -1.0
                if late < width:
                    sims[r, late:] = -1.0
        take = min(k, sims.shape[1])
        top = np.argpartition(-sims, take - 1, axis=1)[:, :take]
        picked = np.take_along_axis(sims, top, axis=1)
        keep = picked >= floor
        i = np.broadcast_to(rows[:, None], top.shape)[keep]
        j = top[keep] + lo
        firsts.append(np.minimum(i, j))
        seconds.append(np.maximum(i, j))
        values.append(picked[keep])
    first, second, value = np.concatenate(firsts), np.concatenate(seconds), np.concatenate(values)
    if not len(first):
        return empty
    unique = _first_of_each_pair(first, second, n)
    return first[unique], second[unique], value[unique].astype(np.float32)


def _query_blocks(n: int, block: int, window: int, queries: np.ndarray | None) -> Iterator[np.ndarray]:
    """Row numbers to search at once: consecutive runs of ``block`` rows (or of ``queries``).

    With a window, a block of queries never spans more than ``window`` rows, so
    the rows it is compared with stay within ``3 * window + 1``.
    """
    if queries is None:
        for start in range(0, n, block):
            yield np.arange(start, min(n, start + block))
        return
    rows = np.asarray(queries, dtype=np.int64)
    start = 0
    for end in range(1, len(rows) + 1):
        if end == len(rows) or end - start >= block or (window and rows[end] - rows[start] > window):
            yield rows[start:end]
            start = end


def _first_of_each_pair(first: np.ndarray, second: np.ndarray, n: int) -> np.ndarray:
    """Indices keeping one occurrence of each ``(first, second)`` pair of row numbers below ``n``."""
    _, unique = np.unique(first * n + second, return_index=True)
    return unique


def mix_embeddings(words: sp.csr_matrix, embeddings: np.ndarray, weight: float) -> tuple[sp.csr_matrix, np.ndarray]:
    """Join word vectors and dense embeddings into unit vectors, returned as their two parts.

    Row ``i`` of the joined vector is ``[sqrt(1 - w) * words_i, sqrt(w) * dense_i]``
    divided by its length, so the dot product of two rows is the weighted mean of
    their word and dense cosines (an article without content words is then
    compared by its embedding alone).

    Args:
        words: Unit-length (or zero) word rows, CSR.
        embeddings: One row per article (normalised here).
        weight: Share of the dense part, between 0 and 1.

    Returns:
        ``(word_part, dense_part)``: CSR and float32 array with the same rows;
        ``hstack`` of the two is the joined unit vector.
    """
    dense = np.asarray(embeddings, dtype=np.float32)
    dense = dense / np.maximum(np.linalg.norm(dense, axis=1, keepdims=True), 1e-12)
    word_norms = np.sqrt(np.asarray(words.multiply(words).sum(axis=1)).ravel())
    dense_norms = np.linalg.norm(dense, axis=1)
    a, b = np.sqrt(1.0 - weight), np.sqrt(weight)
    length = np.sqrt(a**2 * word_norms**2 + b**2 * dense_norms**2)
    scale = np.where(length > 0, 1.0 / np.maximum(length, 1e-12), 0.0).astype(np.float32)
    word_part = sp.csr_matrix(sp.diags(a * scale) @ words, dtype=np.float32)
    return word_part, (dense * (b * scale)[:, None]).astype(np.float32)


def _faiss():  # type: ignore[no-untyped-def]
    try:
        import faiss
    except ImportError as exc:
        raise NewsdeskError(
            "faiss is not installed: run `make setup` (newsdesk pins faiss-cpu) to group stories with embeddings"
        ) from exc
    return faiss


def dense_neighbour_edges(
    vectors: np.ndarray,
    *,
    k: int,
    window: int = 0,
    queries: np.ndarray | None = None,
    bounds: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Find each row's ``k`` most similar other rows by inner product through a faiss index.

    Without a window one flat index holds every row. With a window, the rows
    are taken in blocks of queries in time order; each block searches a flat
    index of the rows within ``window`` of it, so memory and work grow
    linearly with the number of rows. The search is exact: at 10,000 articles
    it takes about 2 s of the grouping, so approximate indexes (IVF, HNSW)
    were not needed.

    Args:
        vectors: One float32 row per article, in time order when ``window`` is used.
        k: Neighbours kept per row.
        window: Only compare rows at most this many positions apart (0 = all).
        queries: Only find the neighbours of these rows (ascending); None for every row.
        bounds: With a window, ``(lo, hi)``: row ``i`` also reaches rows ``lo[i] <= j < hi[i]``, as in
            :func:`neighbour_edges`.

    Returns:
        ``(rows, cols)`` with ``rows < cols``, each pair once (score them with the full similarity).
    """
    n = vectors.shape[0]
    if n < 2 or k < 1 or (queries is not None and not len(queries)):
        return np.empty(0, np.int64), np.empty(0, np.int64)
    faiss = _faiss()
    data = np.ascontiguousarray(vectors, dtype=np.float32)
    block = n if not window else max(1, min(window, _DENSE_QUERIES))
    firsts, seconds = [], []
    reach: tuple[np.ndarray, np.ndarray] | None = None
    if window and bounds is not None:
        positions = np.arange(n)
        reach = (
            np.minimum(np.maximum(positions - window, 0), bounds[0]),
            np.maximum(np.minimum(positions + window + 1, n), bounds[1]),
        )
    for rows in _query_blocks(n, block, window, queries):
        if reach is not None:
            lo, hi = int(reach[0][rows].min()), int(reach[1][rows].max())
        else:
            lo, hi = (max(0, int(rows[0]) - window), min(n, int(rows[-1]) + 1 + window)) if window else (0, n)
        index = faiss.IndexFlatIP(data.shape[1])
        index.add(data[lo:hi])
        # A query may find its own row and, with a window, rows outside its own
        # reach (fewer than the rows the block spans, or the rows of the block's reach
        # beyond its own): ask for that many more.
        span = int(rows[-1] - rows[0]) + 1
        if reach is not None:
            span = int(((hi - lo) - (reach[1][rows] - reach[0][rows])).max())
        take = min(hi - lo, k + 1 + (span if window else 0))
        _, found = index.search(data[rows], take)
        cols = found.astype(np.int64) + lo
        ok = (found >= 0) & (cols != rows[:, None])
        if reach is not None:
            ok &= (cols >= reach[0][rows][:, None]) & (cols < reach[1][rows][:, None])
        elif window:
            ok &= np.abs(cols - rows[:, None]) <= window
        ok &= np.cumsum(ok, axis=1) <= k
        i, j = np.broadcast_to(rows[:, None], cols.shape)[ok], cols[ok]
        firsts.append(np.minimum(i, j))
        seconds.append(np.maximum(i, j))
    first, second = np.concatenate(firsts), np.concatenate(seconds)
    unique = _first_of_each_pair(first, second, n)
    return first[unique], second[unique]


def pair_similarities(
    word_part: sp.csr_matrix, dense_part: np.ndarray | None, rows: np.ndarray, cols: np.ndarray
) -> np.ndarray:
    """Dot products of the joined vectors of the given row pairs (in chunks, so memory stays small)."""
    out = np.empty(len(rows), dtype=np.float32)
    for start in range(0, len(rows), _PAIR_CHUNK):
        r, c = rows[start : start + _PAIR_CHUNK], cols[start : start + _PAIR_CHUNK]
        sims = np.asarray(word_part[r].multiply(word_part[c]).sum(axis=1)).ravel()
        if dense_part is not None:
            sims = sims + np.einsum("ij,ij->i", dense_part[r], dense_part[c])
        out[start : start + len(r)] = sims
    return out


def day_bounds(days: np.ndarray, window_days: float) -> tuple[np.ndarray, np.ndarray] | None:
    """Rows published within ``window_days`` of each row: ``(lo, hi)`` for :func:`neighbour_edges`.

    Args:
        days: :func:`day_number` of each row, in time order (dated rows first, their days ascending).
        window_days: Days before and after (0 = none).

    Returns:
        Row ``i`` reaches rows ``lo[i] <= j < hi[i]`` (an undated row only itself); None when no row is dated.
    """
    dated = int(np.isfinite(days).sum())
    if window_days <= 0 or not dated:
        return None
    known = days[:dated]
    if not np.isfinite(known).all() or (np.diff(known) < 0).any():
        return None  # dates that do not sort as ISO strings: keep to the window of positions
    positions = np.arange(len(days))
    lo, hi = positions.copy(), positions + 1
    lo[:dated] = np.searchsorted(known, known - window_days, side="left")
    hi[:dated] = np.searchsorted(known, known + window_days, side="right")
    return lo, hi


def candidate_edges(
    word_part: sp.csr_matrix,
    dense_part: np.ndarray | None,
    *,
    k: int,
    floor: float,
    window: int = 0,
    queries: np.ndarray | None = None,
    bounds: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Step 3: neighbour pairs by words (and by embeddings), scored by the joined similarity.

    Args:
        word_part: Word rows in time order (unit length, or scaled by :func:`mix_embeddings`).
        dense_part: Dense rows in time order from :func:`mix_embeddings`, or None for words only.
        k: Neighbours kept per row, by each kind of vector.
        floor: Smallest joined similarity kept.
        window: Only compare rows at most this many positions apart (0 = all).
        queries: Only find the neighbours of these rows (ascending); None for every row.
        bounds: Rows within ``window_days`` of each row, from :func:`day_bounds`.

    Returns:
        ``(rows, cols, sims)`` with ``rows < cols``, each pair once.
    """
    if dense_part is None:
        return neighbour_edges(word_part, k=k, floor=floor, window=window, queries=queries, bounds=bounds)
    n = word_part.shape[0]
    # Word candidates need only share a word: the dense part may lift them over the floor.
    w_rows, w_cols, _ = neighbour_edges(word_part, k=k, floor=1e-9, window=window, queries=queries, bounds=bounds)
    d_rows, d_cols = dense_neighbour_edges(dense_part, k=k, window=window, queries=queries, bounds=bounds)
    first, second = np.concatenate([w_rows, d_rows]), np.concatenate([w_cols, d_cols])
    unique = _first_of_each_pair(first, second, n)
    first, second = first[unique], second[unique]
    sims = pair_similarities(word_part, dense_part, first, second)
    keep = sims >= floor
    return first[keep], second[keep], sims[keep]


def day_number(published: str | None) -> float:
    """The day of an ISO 8601 date as a number (days since year 1), or NaN when missing or malformed."""
    if not published:
        return float("nan")
    try:
        return float(date.fromisoformat(published[:10]).toordinal())
    except ValueError:
        return float("nan")


def decay(gap_days: float, settings: StorySettings) -> float:
    """How much of a similarity is left after ``gap_days`` days (1 within the grace period, or without dates).

    ``0.5 ** (max(0, gap - grace_days) / half_life_days)``; NaN gaps (an undated side) and a zero
    ``half_life_days`` leave it whole.
    """
    if settings.half_life_days <= 0 or not gap_days > settings.grace_days:
        return 1.0
    return float(0.5 ** ((gap_days - settings.grace_days) / settings.half_life_days))


def _gap(lo: float, hi: float, other_lo: float, other_hi: float) -> float:
    """Days between two spans of days (0 when they overlap, or when either is undated: NaN never wins ``max``)."""
    return max(0.0, other_lo - hi, lo - other_hi)


def _seed(
    articles: Sequence[Article],
    order: list[int],
    edges: tuple[np.ndarray, np.ndarray, np.ndarray],
    join_threshold: float,
    known: Sequence[int] = (),
    days: np.ndarray | None = None,
    settings: StorySettings = StorySettings(),
) -> list[int]:
    """Step 4: the seed story of every article.

    ``known[i]``, when given and not negative, is the story article ``i``
    already belongs to (numbers ``0 .. max(known)``); new stories are numbered
    after them, in order of first article.

    With ``days`` (each article's :func:`day_number`), an article joins the story of the earlier neighbour whose
    similarity, times the :func:`decay` of the days between the article and that story's span so far, is the
    highest and reaches ``join_threshold``.
    """
    position = np.empty(len(articles), dtype=np.int64)
    position[order] = np.arange(len(order))
    candidates: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for i, j, sim in zip(*edges, strict=True):
        later, earlier = (int(i), int(j)) if position[i] > position[j] else (int(j), int(i))
        if sim >= join_threshold:
            candidates[later].append((float(sim), earlier))
    by_id = {a.id: i for i, a in enumerate(articles)}
    story_of = list(known) if known else [-1] * len(articles)
    stories = max(story_of, default=-1) + 1
    dated = days is not None and settings.half_life_days > 0 and bool(np.isfinite(days).any())
    span: dict[int, list[float]] = {}  # story -> [first day, last day] of its dated articles so far

    def widen(story: int, i: int) -> None:
        if dated and days is not None and np.isfinite(days[i]):
            lo, hi = span.setdefault(story, [days[i], days[i]])
            span[story] = [min(lo, days[i]), max(hi, days[i])]

    for i, story in enumerate(story_of):
        if story >= 0:
            widen(story, i)
    for i in order:
        original = by_id.get(articles[i].duplicate_of or "")
        if story_of[i] >= 0:
            continue  # already in a story: it stays there
        if original is not None and story_of[original] >= 0:
            story_of[i] = story_of[original]
        else:
            best, chosen = -1.0, -1
            for sim, earlier in candidates.get(i, ()):
                score = sim
                if dated and days is not None and story_of[earlier] in span:
                    lo, hi = span[story_of[earlier]]
                    score = sim * decay(_gap(days[i], days[i], lo, hi), settings)
                if score > best:
                    best, chosen = score, earlier
            if chosen >= 0 and best >= join_threshold:
                story_of[i] = story_of[chosen]
            else:
                story_of[i] = stories
                stories += 1
        widen(story_of[i], i)
    return story_of


def _merge(
    matrix: sp.csr_matrix,
    story_of: list[int],
    edges: tuple[np.ndarray, np.ndarray, np.ndarray],
    threshold: float,
    fixed: int = 0,
    days: np.ndarray | None = None,
    settings: StorySettings = StorySettings(),
) -> list[int]:
    """Step 5: merge seed stories by average link, best pair first; returns each article's story.

    Story numbers follow the order of first articles, so the smaller number of
    a merged pair is the one whose id survives. Stories numbered below
    ``fixed`` existed before: a new story may join one of them, but two of
    them are never merged (their ids stay).

    With ``days`` (each article's :func:`day_number`), a pair's average link is multiplied by the
    :func:`decay` of the days between the two stories' spans before it is compared with ``threshold``. Pairs
    are still linked by their undecayed average: a merged story's span is wider, so its decayed link to a third
    story can rise, but its average is a weighted mean of its parts' and only reaches the threshold if one of
    theirs does.
    """
    count = max(story_of) + 1 if story_of else 0
    labels = np.asarray(story_of, dtype=np.int64)
    owner = sp.csr_matrix(
        (np.ones(len(labels), dtype=np.float32), (labels, np.arange(len(labels)))), shape=(count, len(labels))
    )
    sums = sp.csr_matrix(owner @ matrix)
    vectors: dict[int, sp.csr_matrix] = {}
    size = np.bincount(labels, minlength=count).astype(np.float64)
    dated = days is not None and settings.half_life_days > 0 and bool(np.isfinite(days).any())
    first_day = np.full(count, np.nan)
    last_day = np.full(count, np.nan)
    if dated and days is not None:
        np.fmin.at(first_day, labels, days)  # fmin/fmax skip NaN: undated articles leave a span as it is
        np.fmax.at(last_day, labels, days)

    def decayed(p: int, q: int, average: float) -> float:
        if not dated:
            return average
        return average * decay(_gap(first_day[p], last_day[p], first_day[q], last_day[q]), settings)

    def vector(s: int) -> sp.csr_matrix:
        if s not in vectors:
            vectors[s] = sums[s]
        return vectors[s]

    rows, cols, _ = edges
    a, b = labels[rows], labels[cols]
    pairs = np.unique(np.stack([np.minimum(a, b), np.maximum(a, b)], axis=1)[a != b], axis=0)
    heap: list[tuple[float, int, int, int, int]] = []
    linked: dict[int, set[int]] = defaultdict(set)
    version = np.zeros(count, dtype=np.int64)
    if len(pairs):
        dots = np.asarray(sums[pairs[:, 0]].multiply(sums[pairs[:, 1]]).sum(axis=1)).ravel()
        averages = dots / (size[pairs[:, 0]] * size[pairs[:, 1]])
        for (p, q), average in zip(pairs.tolist(), averages.tolist(), strict=True):
            if average >= threshold and max(p, q) >= fixed:
                linked[p].add(q)
                linked[q].add(p)
                score = decayed(p, q, average)
                if score >= threshold:
                    heapq.heappush(heap, (-score, p, q, 0, 0))

    parent = list(range(count))
    alive = np.ones(count, dtype=bool)
    while heap:
        _, p, q, vp, vq = heapq.heappop(heap)
        if not (alive[p] and alive[q]) or version[p] != vp or version[q] != vq:
            continue
        keep, drop = min(p, q), max(p, q)
        vectors[keep] = vector(keep) + vector(drop)
        vectors.pop(drop, None)
        size[keep] += size[drop]
        first_day[keep] = np.fmin(first_day[keep], first_day[drop])
        last_day[keep] = np.fmax(last_day[keep], last_day[drop])
        alive[drop] = False
        parent[drop] = keep
        version[keep] += 1
        # The merged average is a weighted mean of the parts' averages, so only
        # stories linked to a part above the threshold can be above it now.
        others = sorted((linked.pop(keep, set()) | linked.pop(drop, set())) - {keep, drop})
        for other in others:
            linked[other].discard(keep)
            linked[other].discard(drop)
        if not others:
            continue
        stacked = sp.vstack([vector(o) for o in others], format="csr")
        dots = np.asarray((stacked @ vectors[keep].T).toarray()).ravel()
        for other, dot in zip(others, dots.tolist(), strict=True):
            average = dot / (size[keep] * size[other])
            if average >= threshold and max(keep, other) >= fixed:
                linked[keep].add(other)
                linked[other].add(keep)
                first, second = min(keep, other), max(keep, other)
                score = decayed(keep, other, average)
                if score >= threshold:
                    heapq.heappush(heap, (-score, first, second, int(version[first]), int(version[second])))

    def root(s: int) -> int:
        while parent[s] != s:
            parent[s] = parent[parent[s]]
            s = parent[s]
        return s

    return [root(s) for s in story_of]


def group_stories(
    articles: Sequence[Article],
    entities: Sequence[Entity] = (),
    settings: StorySettings = StorySettings(),
    embeddings: np.ndarray | None = None,
    *,
    pair_model: PairModel | None = None,
    reference: ReferenceFrequencies | None = None,
    terms: Mapping[str, ArticleTerms] | None = None,
) -> list[Story]:
    """Group articles into stories (see the module docstring for the algorithm).

    A pure function of its input: the same articles, entities, embeddings and
    settings always give the same stories with the same ids.

    Args:
        articles: Cleaned articles, in arrival order.
        entities: Canonical entities of these articles (used when ``settings.entity_weight`` > 0).
        settings: Thresholds.
        embeddings: Dense title + lead embeddings, one row per article in the
            order of ``articles`` (e.g. from :class:`~newsdesk.stories.embeddings.Embedder`),
            used when ``settings.embedding_weight`` > 0; embed once and pass
            them to every stage that needs them.
        pair_model: The pair model used when ``settings.pair_model`` is set
            (default: the one shipped in the package).
        reference: Document frequencies blended into the IDF when ``settings.reference_documents`` > 0
            (default: the table shipped in the package, :mod:`.reference`).
        terms: Article id -> its saved word counts (:mod:`.terms`); the others are counted now. The
            stories are the same either way.

    Returns:
        Stories in order of their first article (in time order); every article
        is in exactly one, and a story lists its articles in time order.

    Raises:
        NewsdeskError: ``embeddings`` does not have one row per article.
    """
    if not articles:
        return []
    order, story_of = _group(articles, entities, settings, embeddings, {}, pair_model, reference, terms)
    # Dicts keep insertion order: stories come in the time order of their first article.
    members: dict[int, list[int]] = defaultdict(list)
    for i in order:
        members[story_of[i]].append(i)
    stories = []
    for group in members.values():
        stories.append(
            Story(
                id=story_id(articles[group[0]]),
                title=representative_title([articles[i] for i in group]),
                articles=[articles[i].id for i in group],
            )
        )
    return stories


def assign_stories(
    articles: Sequence[Article],
    known: Mapping[str, str],
    entities: Sequence[Entity] = (),
    settings: StorySettings = StorySettings(),
    embeddings: np.ndarray | None = None,
    *,
    pair_model: PairModel | None = None,
    reference: ReferenceFrequencies | None = None,
    terms: Mapping[str, ArticleTerms] | None = None,
) -> dict[str, str]:
    """Put new articles into the stories that exist, or into new stories; existing stories stay as they are.

    The same steps as :func:`group_stories`, with three differences:

    1. Articles already in a story (``known``) stay in it: only the new
       articles look for neighbours (step 3), and only they are seeded (step 4).
    2. Two existing stories are never merged (step 5): a new story may join an
       existing one, which keeps its id; story ids are never renamed.
    3. A new story's id is that of its first article, as in a full grouping.

    With no known article this is exactly :func:`group_stories`. The cost
    grows with the new articles and the articles given beside them (pass the
    stored articles near them in time, with all members of their stories),
    not with the whole store.

    Args:
        articles: Stored articles and new ones, in arrival order.
        known: Article id -> id of the story it is in, for every article already grouped.
        entities: Canonical entities (used when ``settings.entity_weight`` > 0).
        settings: Thresholds.
        embeddings: One row per article, as for :func:`group_stories`.
        pair_model: As for :func:`group_stories`.
        reference: As for :func:`group_stories`.
        terms: As for :func:`group_stories`.

    Returns:
        New article id -> the id of its story (an existing one or a new one).

    Raises:
        NewsdeskError: ``embeddings`` does not have one row per article.
    """
    new = [a for a in articles if a.id not in known]
    if not new:
        return {}
    order, story_of = _group(articles, entities, settings, embeddings, known, pair_model, reference, terms)
    numbers = {story: n for n, story in enumerate(dict.fromkeys(known[a.id] for a in articles if a.id in known))}
    names = {n: story for story, n in numbers.items()}
    for i in order:  # new stories are named after their first article
        names.setdefault(story_of[i], story_id(articles[i]))
    return {a.id: names[story_of[i]] for i, a in enumerate(articles) if a.id not in known}


def story_id(first: Article) -> str:
    """The id of a story: derived from its first article, so it never changes as the story grows."""
    return content_id(first.id, prefix="s-", length=12)


def _group(
    articles: Sequence[Article],
    entities: Sequence[Entity],
    settings: StorySettings,
    embeddings: np.ndarray | None,
    known: Mapping[str, str],
    pair_model: PairModel | None = None,
    reference: ReferenceFrequencies | None = None,
    terms: Mapping[str, ArticleTerms] | None = None,
) -> tuple[list[int], list[int]]:
    """Steps 1-5 over ``articles``; articles in ``known`` keep their story.

    Returns:
        ``(order, story_of)``: article positions in time order, and each
        article's story number (existing stories first, in order of appearance).
    """
    if embeddings is not None and (np.ndim(embeddings) != 2 or len(embeddings) != len(articles)):
        raise NewsdeskError(
            f"embeddings have shape {np.shape(embeddings)} for {len(articles)} articles: "
            "pass one row per article, in the order of the articles"
        )
    order = sorted(range(len(articles)), key=lambda i: _order_key(articles[i], i))
    weight = min(max(settings.embedding_weight, 0.0), 1.0)
    dense: np.ndarray | None = None
    threshold, join_threshold = settings.threshold, settings.join_threshold
    if embeddings is not None and weight > 0:
        words = article_vectors(articles, entities, settings, reference=reference, terms=terms)
        matrix, dense = mix_embeddings(words, embeddings, weight)
        threshold, join_threshold = settings.embedding_threshold, settings.embedding_join_threshold
    elif settings.pair_model:
        # Dot products of these vectors are the model's log-odds minus its intercept.
        model = pair_model or shipped_model()
        matrix = pair_vectors(article_views(articles, model.features), model)
        threshold, join_threshold = model.merge_logit - model.intercept, model.join_logit - model.intercept
    else:
        matrix = article_vectors(articles, entities, settings, reference=reference, terms=terms)
    numbers = {story: n for n, story in enumerate(dict.fromkeys(known[a.id] for a in articles if a.id in known))}
    seeded = [numbers[known[a.id]] if a.id in known else -1 for a in articles]
    # Vectors in time order, so a window means "nearby in time"; with known stories only the new rows search.
    queries = np.flatnonzero([seeded[i] < 0 for i in order]) if numbers else None
    timed = sp.csr_matrix(matrix[order])
    floor = min(threshold, join_threshold)
    days = np.array([day_number(a.published) for a in articles], dtype=np.float64)
    t_rows, t_cols, sims = candidate_edges(
        timed,
        dense[order] if dense is not None else None,
        k=settings.neighbors,
        floor=floor,
        window=settings.window,
        queries=queries,
        bounds=day_bounds(days[order], settings.window_days) if settings.window else None,
    )
    if dense is not None:
        # Dense columns appended to the sparse rows: the merge step's summed vectors stay exact.
        matrix = sp.hstack([matrix, sp.csr_matrix(dense)], format="csr")
    back = np.asarray(order, dtype=np.int64)
    edges = (back[t_rows], back[t_cols], sims)
    seeds = _seed(articles, order, edges, join_threshold, seeded if numbers else (), days, settings)
    return order, _merge(matrix, seeds, edges, threshold, fixed=len(numbers), days=days, settings=settings)


def representative_title(articles: Sequence[Article]) -> str:
    """The title sharing most words with the story's other titles (ties: earliest)."""
    if len(articles) == 1:
        return articles[0].title
    words = [set(a.title.lower().split()) for a in articles]
    counts: Counter[str] = Counter(w for ws in words for w in ws)

    def score(i: int) -> float:
        return sum(counts[w] - 1 for w in words[i]) / (len(words[i]) or 1)

    best = max(range(len(articles)), key=lambda i: (score(i), -i))
    return articles[best].title

"""Why an article is in its story: the evidence grouping used, said in a line.

Grouping (:mod:`.grouping`) merges stories by average link over the vectors of
step 2. :func:`membership_reasons` reads the same vectors back for a finished
grouping and, for every article of a story of two or more:

1. its closest other member by that similarity, and the cosine between them;
2. its mean similarity with the rest of the story (the average link that kept
   it there);
3. what the two share: the canonical entities both mention, when entities are
   given, then the content words that add most to their word cosine (the
   product of their sublinear TF-IDF weights, with the IDF grouping uses: over
   the articles given, blended with the reference table when
   ``reference_documents`` > 0; ties in alphabetical order).

A story of one article gets a fixed line: no other article came close enough.
So does an article in another language than its closest member when their
words are not similar enough to have joined it: cross-lingual joining
(:mod:`.crosslingual`) put it there by meaning.
A pure function of its input, so the same grouping always gets the same reasons.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

from newsdesk.model import Article, Entity, Story
from newsdesk.stories.grouping import StorySettings, article_vectors, content_text, entity_sets, fold_word
from newsdesk.stories.reference import ReferenceFrequencies, blended_idf, shipped_reference

ALONE = "a story of its own: no other article was similar enough"
ACROSS = "joined across languages: its title and lead mean what the story's do (multilingual embeddings)"


def _content_words(articles: Sequence[Article]) -> list[Counter[str]]:
    """Counts of the folded content words of each article's title and text (stop words of its language removed)."""
    cache: dict[str | None, frozenset[str]] = {}
    folded: dict[str, str] = {}  # each distinct word folded once
    counts = []
    for a in articles:
        raw = Counter(content_text(f"{a.title}\n{a.text}", a.language, cache).split())
        words: Counter[str] = Counter()
        for word, n in raw.items():
            if word not in folded:
                folded[word] = fold_word(word)
            words[folded[word]] += n
        counts.append(words)
    return counts


def _quote(article: Article) -> str:
    return f"“{article.title}”" if article.title.strip() else article.id


def membership_reasons(
    articles: Sequence[Article],
    stories: Sequence[Story],
    entities: Sequence[Entity] = (),
    settings: StorySettings = StorySettings(),
    *,
    shared: int = 3,
    reference: ReferenceFrequencies | None = None,
) -> dict[str, str]:
    """Say for each article of ``stories`` why it belongs to its story.

    Args:
        articles: The articles that were grouped (their IDF is computed over these, as in grouping).
        stories: The stories they were grouped into (articles missing from ``articles`` are skipped).
        entities: Canonical entities of the articles; shared ones are named first.
        settings: The grouping settings (for the vectors of step 2).
        shared: How many shared entities and words to name.
        reference: Document frequencies blended into the IDF when ``settings.reference_documents`` > 0
            (default: the table shipped in the package), as in grouping.

    Returns:
        Article id -> one line, e.g. ``shares Varna, strike, union with “Dockers end strike”;
        0.71 similar, 0.52 on average with the rest of the story``.
    """
    if not articles:
        return {}
    table = (reference or shipped_reference()) if settings.reference_documents > 0 else None
    matrix = article_vectors(articles, entities, settings, reference=table)
    row = {a.id: i for i, a in enumerate(articles)}
    words = _content_words(articles)
    frequency: Counter[str] = Counter(w for ws in words for w in ws)
    vocabulary = sorted(frequency)
    values = blended_idf(
        vocabulary,
        np.array([frequency[w] for w in vocabulary], dtype=np.float64),
        len(articles),
        table.words if table is not None else None,
        table.documents if table is not None else 0,
        settings.reference_documents,
    )
    idf = dict(zip(vocabulary, values.tolist(), strict=True))
    mentioned = entity_sets(entities) if entities else {}
    names = {e.id: e.name for e in entities}
    reasons: dict[str, str] = {}
    for story in stories:
        members = [row[a] for a in story.articles if a in row]
        if len(members) < 2:
            reasons.update({articles[i].id: ALONE for i in members})
            continue
        part = matrix[members]
        sims = np.asarray((part @ part.T).toarray(), dtype=np.float64)
        np.fill_diagonal(sims, -np.inf)
        rest = (np.where(np.isfinite(sims), sims, 0.0).sum(axis=1)) / (len(members) - 1)
        for k, i in enumerate(members):
            j = members[int(np.argmax(sims[k]))]
            best = float(sims[k].max())
            if articles[i].language != articles[j].language and best < settings.join_threshold:
                reasons[articles[i].id] = ACROSS
                continue
            both = mentioned.get(articles[i].id, set()) & mentioned.get(articles[j].id, set())
            evidence = sorted((names[e] for e in both), key=str.lower)[:shared]
            weight = {
                w: idf[w] ** (2 * settings.idf_power) * (1 + math.log(words[i][w])) * (1 + math.log(words[j][w]))
                for w in words[i].keys() & words[j].keys()
            }
            common = sorted(weight, key=lambda w: (-weight[w], w))
            evidence += [w for w in common if w not in {e.lower() for e in evidence}][: shared - len(evidence)]
            what = f"shares {', '.join(evidence)} with " if evidence else "close to "
            reasons[articles[i].id] = (
                f"{what}{_quote(articles[j])}; {best:.2f} similar, "
                f"{float(rest[k]):.2f} on average with the rest of the story"
            )
    return reasons

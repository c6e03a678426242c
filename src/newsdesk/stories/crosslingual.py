"""Stories across languages: a French or Spanish report joins the story of the same event.

Word-based grouping (:mod:`.grouping`) cannot see that "barrage" and "dam"
tell the same story. After it, each story that has a language of its own is
compared with the stories of other languages through dense multilingual
embeddings of title and lead (:mod:`.embeddings`):

1. A story's language is the most common language of its articles.
2. Its vector is the mean embedding of its first articles (normalised).
3. It joins the most similar story of another language when the cosine
   reaches ``threshold`` and beats the runner-up by ``margin``; the merged
   story keeps the id of the story whose first article is earlier.

Nothing is embedded when all articles share one language. Only stories that
could join are embedded: each story is first compared, by the character
n-grams of its title and lead (names, figures, cognates: "Syrie" and "Syria"),
with the stories of the other languages, and a pair goes on to the dense
embeddings only when each of its stories is among the other's ``shortlist``
nearest by that measure (:func:`shortlisted`). One French report in a store of
English stories thus embeds its own lead and those of about ``shortlist``
English stories, not those of every story.

:func:`link_new_across_languages` does the same for the stories an update
changed, against all stored stories: each story head is embedded once (the
caller saves the vectors), only the changed stories look for a partner, and
two stories that existed before are never merged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from newsdesk.model import Article, Story
from newsdesk.stories.embeddings import ArticleEmbedder, lead_text


@dataclass(slots=True, kw_only=True, frozen=True)
class CrossLingualSettings:
    """Thresholds of cross-language joins (measured by ``newsdesk eval crosslingual``)."""

    threshold: float = 0.84
    """Minimum cosine between the story vectors (multilingual-e5-small scores unrelated news up to ~0.82)."""
    margin: float = 0.01
    """The best match must beat the second best by this much."""
    articles_per_story: int = 3
    shortlist: int = 20
    """Stories of another language a story may join: the nearest by character n-grams of title and lead, when it
    is also among theirs. Only shortlisted stories are embedded; 0 embeds and compares every story."""


def story_language(story: Story, by_id: dict[str, Article]) -> str | None:
    """The most common language of a story's articles (None when unknown)."""
    languages = Counter(by_id[a].language for a in story.articles if by_id[a].language)
    return languages.most_common(1)[0][0] if languages else None


def join_across_languages(
    stories: Sequence[Story],
    articles: Sequence[Article],
    embedder: ArticleEmbedder,
    settings: CrossLingualSettings = CrossLingualSettings(),
    vectors: Mapping[str, np.ndarray] | None = None,
) -> list[Story]:
    """Merge stories of different languages that tell the same event (see module docstring).

    Args:
        stories: Stories from word-based grouping, in time order.
        articles: Their articles.
        embedder: The multilingual embedder.
        settings: Thresholds.
        vectors: Embeddings already made (e.g. for story grouping), by article
            id; only articles missing from it are embedded.

    Returns:
        Stories, with cross-language matches merged, in time order.
    """
    by_id = {a.id: a for a in articles}
    languages = [story_language(s, by_id) for s in stories]
    if len({lang for lang in languages if lang}) < 2:
        return list(stories)
    heads = [[by_id[a] for a in s.articles[: settings.articles_per_story]] for s in stories]
    kept = shortlisted(
        {i: languages[i] for i in range(len(stories)) if languages[i]},
        {i: " ".join(lead_text(a) for a in head) for i, head in enumerate(heads) if languages[i]},
        settings.shortlist,
    )
    heads = [head if i in kept else [] for i, head in enumerate(heads)]
    flat = [a for head in heads for a in head]
    if not flat:
        return list(stories)
    known = vectors or {}
    missing = [a for a in flat if a.id not in known]
    made = dict(zip((a.id for a in missing), embedder.embed(missing), strict=True)) if missing else {}
    rows = np.vstack([known[a.id] if a.id in known else made[a.id] for a in flat])
    centroids = []
    position = 0
    for head in heads:
        if not head:  # not shortlisted: never compared
            centroids.append(np.zeros(rows.shape[1], dtype=rows.dtype))
            continue
        mean = rows[position : position + len(head)].mean(axis=0)
        centroids.append(mean / (np.linalg.norm(mean) or 1.0))
        position += len(head)
    matrix = np.vstack(centroids)
    sims = matrix @ matrix.T
    language_count = Counter(lang for lang in languages if lang)
    target = list(range(len(stories)))

    def root(i: int) -> int:
        while target[i] != i:
            i = target[i]
        return i

    # Stories of the rarer languages look for a partner first.
    for i in sorted(range(len(stories)), key=lambda i: (language_count.get(languages[i] or "", 0), i)):
        if not languages[i] or i not in kept:
            continue
        others = [j for j in range(len(stories)) if languages[j] and languages[j] != languages[i] and j in kept]
        if not others:
            continue
        ranked = sorted(others, key=lambda j: -sims[i, j])
        best = ranked[0]
        second = sims[i, ranked[1]] if len(ranked) > 1 else -1.0
        if sims[i, best] >= settings.threshold and sims[i, best] - second >= settings.margin:
            a, b = root(i), root(best)
            if a != b:
                first, last = sorted((a, b))  # stories are in time order: keep the earlier one's id
                target[last] = first
    merged: dict[int, list[str]] = {}
    for i, story in enumerate(stories):
        merged.setdefault(root(i), []).extend(story.articles)
    result = []
    for i, ids in merged.items():
        ordered = sorted(ids, key=lambda a: (by_id[a].published or "9999", ids.index(a)))
        result.append(replace(stories[i], articles=ordered))
    return result


def link_new_across_languages(
    stories: Sequence[Story],
    seekers: Collection[str],
    fixed: Collection[str],
    languages: Mapping[str, str | None],
    embed: Callable[[list[str]], Mapping[str, np.ndarray]],
    settings: CrossLingualSettings = CrossLingualSettings(),
    leads: Callable[[list[str]], Mapping[str, str]] | None = None,
) -> dict[str, str]:
    """Join changed stories to stories of other languages, as :func:`join_across_languages` does.

    Steps 1-3 of the module docstring, with three differences: only the
    ``seekers`` look for a partner (among all ``stories``); two ``fixed``
    stories are never merged; a merged story keeps the fixed one's id, else
    the earlier one's. No story x story matrix is built: each seeker is
    compared with the stories of the other languages only.

    Args:
        stories: Every story (members in time order), in time order of their first article.
        seekers: Ids of the stories that changed (they look for a partner).
        fixed: Ids of the stories that existed before this update.
        languages: Article id -> language, for every member.
        embed: Returns title + lead vectors for the article ids asked (called once).
        settings: Thresholds.
        leads: Returns the title + lead text of the article ids asked (:func:`lead_text`); when given, only
            shortlisted stories are embedded and compared (:func:`shortlisted`).

    Returns:
        Story id -> the id of the story it joins, for each story merged away.
    """
    langs = [_language(s, languages) for s in stories]
    if len({lang for lang in langs if lang}) < 2:
        return {}
    looking = [i for i, s in enumerate(stories) if s.id in seekers and langs[i]]
    wanted_languages = {langs[i] for i in looking}
    # A seeker is compared with every story of another language than its own.
    needed = sorted({*looking, *(j for j, lang in enumerate(langs) if lang and (wanted_languages - {lang}))})
    if not looking or len(needed) < 2:
        return {}
    if leads is not None and settings.shortlist:
        texts = leads(sorted({a for j in needed for a in stories[j].articles[: settings.articles_per_story]}))
        kept = shortlisted(
            {j: langs[j] for j in needed},
            {j: " ".join(texts[a] for a in stories[j].articles[: settings.articles_per_story]) for j in needed},
            settings.shortlist,
            set(looking),
        )
        looking = [i for i in looking if i in kept]
        needed = [j for j in needed if j in kept]
        if not looking or len(needed) < 2:
            return {}
    heads = {j: stories[j].articles[: settings.articles_per_story] for j in needed}
    vectors = embed(sorted({a for head in heads.values() for a in head}))
    centroid: dict[int, np.ndarray] = {}
    for j, head in heads.items():
        mean = np.mean([vectors[a] for a in head], axis=0)
        centroid[j] = mean / (np.linalg.norm(mean) or 1.0)
    language_count = Counter(lang for lang in langs if lang)
    target = list(range(len(stories)))
    fixed_rows = {i for i, s in enumerate(stories) if s.id in fixed}

    def root(i: int) -> int:
        while target[i] != i:
            i = target[i]
        return i

    for i in sorted(looking, key=lambda i: (language_count.get(langs[i] or "", 0), i)):
        others = [j for j in needed if langs[j] != langs[i]]
        if not others:
            continue
        sims = np.vstack([centroid[j] for j in others]) @ centroid[i]
        ranked = np.argsort(-sims, kind="stable")
        best = others[int(ranked[0])]
        second = float(sims[ranked[1]]) if len(ranked) > 1 else -1.0
        top = float(sims[ranked[0]])
        if top >= settings.threshold and top - second >= settings.margin:
            a, b = root(i), root(best)
            if a == b or (a in fixed_rows and b in fixed_rows):
                continue
            keep, drop = sorted((a, b))  # stories are in time order: the earlier one's id stays
            if drop in fixed_rows:
                keep, drop = drop, keep
            target[drop] = keep
    return {stories[i].id: stories[root(i)].id for i in range(len(stories)) if root(i) != i}


def shortlisted(
    languages: Mapping[int, str | None],
    texts: Mapping[int, str],
    size: int,
    seekers: Collection[int] | None = None,
) -> set[int]:
    """The stories worth embedding to find joins across languages.

    1. Every story is described by the character 3- to 5-grams of its title and
       lead, within words, TF-IDF weighted: names and figures are mostly spelt
       alike across languages, and so are many other words' stems.
    2. For every two languages, each story's ``size`` nearest stories of the other
       language are listed (cosine; ties by position).
    3. A pair of stories is kept when each is on the other's list and one of the two
       is a seeker; the stories of the kept pairs are returned.

    When no language has more than ``size`` stories every pair is kept, with no
    n-grams counted (all stories are returned, as when ``size`` is 0).

    Args:
        languages: Story -> language, for the stories to consider.
        texts: Story -> its title and lead text.
        size: Length of each story's list.
        seekers: Stories looking for a partner (all when None).

    Returns:
        The stories in at least one kept pair.
    """
    groups: dict[str, list[int]] = {}
    for story, language in languages.items():
        if language:
            groups.setdefault(language, []).append(story)
    if not size or all(len(members) <= size for members in groups.values()):
        return set(languages)
    from sklearn.feature_extraction.text import TfidfVectorizer

    order = [story for members in groups.values() for story in members]
    row_of = {story: k for k, story in enumerate(order)}
    matrix = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True).fit_transform(
        [texts[story] for story in order]
    )
    names = sorted(groups)
    kept: set[int] = set()
    for x, first in enumerate(names):
        for second in names[x + 1 :]:
            a, b = groups[first], groups[second]
            rows_a, rows_b = matrix[[row_of[i] for i in a]], matrix[[row_of[j] for j in b]]
            near_a = _nearest(rows_a, rows_b, size)
            near_b = _nearest(rows_b, rows_a, size)
            for k, i in enumerate(a):
                for m in near_a[k]:
                    j = b[m]
                    if k in near_b[m] and (seekers is None or i in seekers or j in seekers):
                        kept.update((i, j))
    return kept


def _nearest(rows: Any, others: Any, size: int, block: int = 1024) -> list[set[int]]:
    """For each row, the positions of its ``size`` most similar ``others`` (unit TF-IDF rows; ties by position)."""
    found: list[set[int]] = []
    for start in range(0, rows.shape[0], block):
        similarity = (rows[start : start + block] @ others.T).toarray()
        for row in similarity:
            found.append({int(m) for m in np.argsort(-row, kind="stable")[:size]})
    return found


def _language(story: Story, languages: Mapping[str, str | None]) -> str | None:
    """:func:`story_language` from a map of article languages."""
    counts = Counter(languages.get(a) for a in story.articles if languages.get(a))
    return counts.most_common(1)[0][0] if counts else None

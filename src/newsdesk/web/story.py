"""The story page's read model: sources, timeline, claim-by-source matrix, coverage.

:func:`story_detail` reads one story's own rows (the story, its articles,
their claims, its key entities) through the store's indexes and arranges them
for people:

- **sources**: each outlet with its articles, first and last day;
- **timeline**: the story's claims by the day their article was published
  (never before the article that reports them), each with the day it tells of
  when that differs, and flagged with the relations (contradict / update /
  agree) it takes part in;
- **matrix**: one row per claim that was compared with another, one column per
  outlet; a cell says whether that outlet states the claim, contradicts it,
  updates it, agrees with it, or is silent about it;
- **coverage**: articles per day; **days**: articles, claims and disputed
  claims per day, for the chart;
- **disputes**: each question the sources answer differently, with its two
  sides and every claim's article resolved, strongest first;
- **stances**: each article's stance toward the story's lead claim, backers
  first, then challengers, then the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import groupby
from operator import itemgetter
from typing import Literal

from newsdesk.model import (
    Article,
    ArticleStance,
    Claim,
    ClaimRef,
    Comparison,
    Dispute,
    DisputeSide,
    Entity,
    RelatedStory,
    Story,
)
from newsdesk.report.markdown import ordered_stances, side_label, source_label
from newsdesk.storage import Store
from newsdesk.stories.reasons import membership_reasons
from newsdesk.web.charts import DayCount
from newsdesk.web.queries import article_day, day_of

__all__ = [
    "CellState",
    "ComparisonView",
    "DisputeClaimView",
    "DisputeSideView",
    "DisputeView",
    "MatrixRow",
    "SourceView",
    "StanceView",
    "StoryDetail",
    "TimelineDay",
    "TimelineEntry",
    "coverage_by_day",
    "shown_timeline",
    "story_detail",
    "story_page_detail",
]

CellState = Literal["states", "contradict", "update", "agree", "silent"]
"""What one outlet does about one claim, strongest first (``states``: it makes the claim)."""

_STRENGTH: dict[str, int] = {"contradict": 3, "update": 2, "agree": 1}
_CELL: dict[str, CellState] = {"contradict": "contradict", "update": "update", "agree": "agree"}
MAX_GAP_DAYS = 62
"""Coverage spanning more days than this only lists the days with articles (no empty bars)."""
REASONS_UP_TO = 50
"""Stories of at most this many articles say on their page why each article is in them (reading every
article's words costs about 1 ms an article; the JSON report has the reasons of every story)."""
TIMELINE_SHOWN = 200
"""Claims the story page lists on its timeline; a larger story's page names how many more the API gives."""


@dataclass(slots=True, frozen=True, kw_only=True)
class SourceView:
    """One outlet of a story."""

    name: str
    articles: list[Article]
    first_day: str | None
    last_day: str | None


@dataclass(slots=True, frozen=True, kw_only=True)
class TimelineEntry:
    """One claim on the timeline."""

    claim: Claim
    article: Article
    source: str
    when: str | None
    """When it was reported: its article's publication date (else the claim's own date), as stored."""
    tells_of: str | None = None
    """The day the claim is about ("on Friday" in a Monday article), when it is not the day it was reported."""
    relations: list[str]
    """Relations the claim takes part in (``contradict``, ``update``, ``agree``), strongest first."""


@dataclass(slots=True, frozen=True, kw_only=True)
class TimelineDay:
    """The claims of one day (``day`` is ``None`` for undated claims, listed last)."""

    day: str | None
    entries: list[TimelineEntry]


@dataclass(slots=True, frozen=True, kw_only=True)
class MatrixRow:
    """One compared claim and what every outlet of the story does about it."""

    about: str
    ref: ClaimRef
    source: str
    cells: dict[str, CellState]
    """Outlet -> state, for every outlet of the story (in :attr:`StoryDetail.sources` order)."""


@dataclass(slots=True, frozen=True, kw_only=True)
class ComparisonView:
    """A comparison with both sides' articles resolved."""

    comparison: Comparison
    a_article: Article | None
    b_article: Article | None

    @property
    def a_source(self) -> str:
        """Outlet of side A."""
        return source_label(self.a_article, self.comparison.a.article)

    @property
    def b_source(self) -> str:
        """Outlet of side B."""
        return source_label(self.b_article, self.comparison.b.article)


@dataclass(slots=True, frozen=True, kw_only=True)
class DisputeClaimView:
    """One claim on a side of a dispute, with its article resolved."""

    ref: ClaimRef
    article: Article | None
    source: str
    """The outlet of the claim's article."""


@dataclass(slots=True, frozen=True, kw_only=True)
class DisputeSideView:
    """One side of a dispute: its letter, the side as stored and its claims."""

    label: str
    """``A`` for the first side, ``B`` for the second."""
    side: DisputeSide
    claims: list[DisputeClaimView]


@dataclass(slots=True, frozen=True, kw_only=True)
class DisputeView:
    """A dispute read as one unit: the question and its sides."""

    dispute: Dispute
    sides: list[DisputeSideView]


@dataclass(slots=True, frozen=True, kw_only=True)
class RelatedView:
    """A related story (a sequel or an earlier chapter), with its title resolved."""

    related: RelatedStory
    title: str
    """The related story's title (its id when it is no longer stored)."""


@dataclass(slots=True, frozen=True, kw_only=True)
class StanceView:
    """An article's stance toward the story's lead claim, with the article resolved."""

    stance: ArticleStance
    article: Article | None
    source: str
    """The article's outlet (its id when the article is not stored)."""


@dataclass(slots=True, frozen=True, kw_only=True)
class StoryDetail:
    """Everything the story page shows."""

    story: Story
    articles: list[Article]
    """The story's articles in publication order."""
    sources: list[SourceView]
    timeline: list[TimelineDay]
    """Grouped by publication day of the reporting article."""
    matrix: list[MatrixRow]
    contradictions: list[ComparisonView]
    updates: list[ComparisonView]
    agreements: list[ComparisonView]
    key_entities: list[tuple[Entity, int]]
    coverage: list[tuple[str, int]]
    days: list[DayCount]
    """The coverage days with the claims reported and the claims on a side of a dispute."""
    disputes: list[DisputeView]
    """Strongest first."""
    stances: list[StanceView]
    """Supports, disputes, discusses, unrelated; arrival order within each."""
    timeline_claims: int = 0
    """The claims placed on the timeline, all of them (:attr:`timeline` may hold the first ones only)."""
    related: list[RelatedView] = field(default_factory=list)
    """Stories that continue or precede this one, most similar first (each lists this one back)."""
    reasons: dict[str, str] = field(default_factory=dict)
    """Article id -> why it is in the story (:func:`~newsdesk.stories.reasons.membership_reasons`,
    computed among the story's own articles); empty above :data:`REASONS_UP_TO` articles."""


def _ref_key(ref: ClaimRef | Claim) -> tuple[str, str]:
    return ref.article, " ".join(ref.text.split())


def _views(story: Story, relation: str, articles: Mapping[str, Article]) -> list[ComparisonView]:
    found = sorted((c for c in story.comparisons if c.relation == relation), key=lambda c: -c.score)
    return [
        ComparisonView(comparison=c, a_article=articles.get(c.a.article), b_article=articles.get(c.b.article))
        for c in found
    ]


def _dispute_views(story: Story, articles: Mapping[str, Article]) -> list[DisputeView]:
    def claim(ref: ClaimRef) -> DisputeClaimView:
        article = articles.get(ref.article)
        return DisputeClaimView(ref=ref, article=article, source=source_label(article, ref.article))

    return [
        DisputeView(
            dispute=dispute,
            sides=[
                DisputeSideView(label=side_label(index), side=side, claims=[claim(ref) for ref in side.claims])
                for index, side in enumerate(dispute.sides)
            ],
        )
        for dispute in sorted(story.disputes, key=lambda d: -d.score)
    ]


def _stance_views(story: Story, articles: Mapping[str, Article]) -> list[StanceView]:
    return [
        StanceView(stance=s, article=articles.get(s.article), source=source_label(articles.get(s.article), s.article))
        for s in ordered_stances(story)
    ]


def coverage_by_day(articles: list[Article], *, max_gap_days: int = MAX_GAP_DAYS) -> list[tuple[str, int]]:
    """Count articles per publication day, filling empty days between the first and the last.

    Args:
        articles: Articles of one story (undated ones are not counted).
        max_gap_days: Above this span only the days with articles are listed.

    Returns:
        ``(YYYY-MM-DD, count)`` pairs in date order; empty when no article is dated.
    """
    counts: dict[str, int] = {}
    for article in articles:
        day = article_day(article)
        if day:
            counts[day] = counts.get(day, 0) + 1
    if not counts:
        return []
    first, last = date.fromisoformat(min(counts)), date.fromisoformat(max(counts))
    if (last - first).days > max_gap_days:
        return sorted(counts.items())
    days = ((first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1))
    return [(day, counts.get(day, 0)) for day in days]


def _sources(members: list[Article]) -> list[SourceView]:
    by_source: dict[str, list[Article]] = {}
    for article in members:
        by_source.setdefault(source_label(article), []).append(article)
    views = []
    for name, articles in by_source.items():
        days = sorted(d for d in (article_day(a) for a in articles) if d)
        views.append(
            SourceView(
                name=name, articles=articles, first_day=days[0] if days else None, last_day=days[-1] if days else None
            )
        )
    return sorted(views, key=lambda v: (v.first_day or "9999", v.name.casefold()))


def _timeline(
    claims: list[Claim],
    articles: Mapping[str, Article],
    relations: Mapping[tuple[str, str], set[str]],
    disputed: set[tuple[str, str]],
    limit: int | None = None,
) -> tuple[list[TimelineDay], dict[str, tuple[int, int]], int]:
    """Place claims by the day they were reported; build the entries of the first ``limit`` only.

    Returns:
        The timeline (its first ``limit`` claims; all when None), the claims and
        disputed claims of every dated day, and the number of claims placed.
    """
    labels: dict[str, str] = {}  # a story of hundreds of articles has thousands of claims: name each outlet once
    placed: list[tuple[tuple[bool, str, str, str, int], str | None, str | None, str, Claim, Article]] = []
    for claim in claims:
        article = articles.get(claim.article)
        if article is None:
            continue
        label = labels.get(article.id)
        if label is None:
            label = labels[article.id] = source_label(article)
        # A claim is placed when it was reported: a weekday in its sentence never moves it before its article.
        when = article.published or claim.date
        day = day_of(when)
        order = (day is None, day or "", when or "", label, claim.start)  # undated days last
        placed.append((order, day, when, label, claim, article))
    placed.sort(key=itemgetter(0))
    counts: dict[str, tuple[int, int]] = {}
    for _, day, _, _, claim, _ in placed:
        if day:
            n, on_disputes = counts.get(day, (0, 0))
            counts[day] = (n + 1, on_disputes + (bool(disputed) and _ref_key(claim) in disputed))
    days: dict[str | None, list[TimelineEntry]] = {}
    for _, day, when, label, claim, article in placed if limit is None else placed[:limit]:
        about = day_of(claim.date)
        held = relations.get(_ref_key(claim)) if relations else None
        days.setdefault(day, []).append(
            TimelineEntry(
                claim=claim,
                article=article,
                source=label,
                when=when,
                tells_of=about if about and about != day else None,
                relations=sorted(held, key=lambda r: -_STRENGTH[r]) if held else [],
            )
        )
    return [TimelineDay(day=day, entries=entries) for day, entries in days.items()], counts, len(placed)


def _first_of_timeline(
    store: Store,
    story: Story,
    members: list[Article],
    relations: Mapping[tuple[str, str], set[str]],
    disputed: set[tuple[str, str]],
    limit: int,
) -> tuple[list[TimelineDay], dict[str, tuple[int, int]], int]:
    """:func:`_timeline` for its first ``limit`` claims, reading only the claims that can be among them.

    1. An article with a publication day places all its claims on that day at
       its timestamp, so its claims are counted (``Store.claim_counts``), not read.
    2. The claims of articles without one are placed by their own dates: all are read.
    3. Dated articles are read in timeline order (day, timestamp, outlet), a group
       of equal keys at a time, until ``limit`` claims are read: every claim left
       unread comes after those.
    4. The claims of dated articles that a dispute cites are read to count the
       disputed claims of each day.
    """
    articles = {a.id: a for a in members}
    dated = [a for a in members if day_of(a.published)]
    undated = [a.id for a in members if not day_of(a.published)]
    per_article = store.claim_counts([a.id for a in dated]) if dated else {}
    labels = {a.id: source_label(a) for a in dated}
    ordered = sorted(dated, key=lambda a: (day_of(a.published) or "", a.published or "", labels[a.id]))
    wanted: list[str] = []
    taken = 0
    for _, group in groupby(ordered, key=lambda a: (day_of(a.published), a.published, labels[a.id])):
        if taken >= limit:
            break
        ids = [a.id for a in group]
        wanted += ids
        taken += sum(per_article.get(i, 0) for i in ids)
    read = store.claims(articles=undated + wanted) if undated or wanted else []
    timeline, _, _ = _timeline(read, articles, relations, disputed, limit)
    counts: dict[str, list[int]] = {}
    for article in dated:
        day = day_of(article.published) or ""
        counts.setdefault(day, [0, 0])[0] += per_article.get(article.id, 0)
    placed = sum(per_article.values())
    undated_ids = set(undated)
    for claim in read:
        if claim.article in undated_ids:
            placed += 1
            day = day_of(articles[claim.article].published or claim.date) or ""
            if day:
                counts.setdefault(day, [0, 0])[0] += 1
    cited = sorted({ref[0] for ref in disputed} & {a.id for a in dated} - set(wanted))
    for claim in [*read, *(store.claims(articles=cited) if cited else [])]:
        reported = day_of(articles[claim.article].published or claim.date)
        if reported and _ref_key(claim) in disputed:
            counts.setdefault(reported, [0, 0])[1] += 1
    return timeline, {day: (n, d) for day, (n, d) in counts.items() if day}, placed


def shown_timeline(timeline: list[TimelineDay], limit: int | None = None) -> tuple[list[TimelineDay], int]:
    """The first ``limit`` claims of a timeline (:data:`TIMELINE_SHOWN` by default), and how many are left out.

    A story of hundreds of articles has thousands of claims: its page lists the
    first ones (the whole timeline stays in the JSON API), so the page stays
    quick to build and to read.
    """
    limit = TIMELINE_SHOWN if limit is None else limit
    shown: list[TimelineDay] = []
    left = limit
    for day in timeline:
        if left <= 0:
            break
        entries = day.entries[:left]
        shown.append(TimelineDay(day=day.day, entries=entries))
        left -= len(entries)
    hidden = sum(len(day.entries) for day in timeline) - (limit - left)
    return shown, hidden


def _days(coverage: list[tuple[str, int]], counts: Mapping[str, tuple[int, int]]) -> list[DayCount]:
    """Articles, claims reported and claims on a side of a dispute, for each day of the coverage."""
    return [
        DayCount(day=day, articles=n, claims=counts.get(day, (0, 0))[0], disputed=counts.get(day, (0, 0))[1])
        for day, n in coverage
    ]


def _matrix(story: Story, articles: Mapping[str, Article], outlets: list[str]) -> list[MatrixRow]:
    """One row per compared claim; each cell keeps the strongest relation of that outlet to the claim.

    1. Collect every claim that appears on either side of a comparison (claims
       are matched by article and text), with the first topic it was compared on.
    2. For each comparison, the outlet of one side takes the comparison's
       relation towards the other side's claim, unless it already holds a
       stronger one (contradict > update > agree).
    3. The outlet that published the claim "states" it; outlets with no
       relation are "silent".
    """
    rows: dict[tuple[str, str], tuple[str, ClaimRef]] = {}
    toward: dict[tuple[str, str], dict[str, CellState]] = {}
    for c in sorted(story.comparisons, key=lambda c: -_STRENGTH.get(c.relation, 0)):
        state = _CELL.get(c.relation)
        if state is None:
            continue
        for this, other in ((c.a, c.b), (c.b, c.a)):
            key = _ref_key(this)
            rows.setdefault(key, (c.about, this))
            outlet = source_label(articles.get(other.article), other.article)
            held = toward.setdefault(key, {})
            if _STRENGTH[state] > _STRENGTH.get(held.get(outlet, ""), 0):
                held[outlet] = state
    result = []
    for key, (about, ref) in rows.items():
        own = source_label(articles.get(ref.article), ref.article)
        held = toward.get(key, {})
        cells: dict[str, CellState] = {
            outlet: "states" if outlet == own else held.get(outlet, "silent") for outlet in outlets
        }
        result.append(MatrixRow(about=about, ref=ref, source=own, cells=cells))
    published = {a: (articles[a].published or "") if a in articles else "" for a in {r.ref.article for r in result}}
    return sorted(result, key=lambda r: (r.about.casefold(), published[r.ref.article], r.source.casefold()))


def story_detail(store: Store, story_id: str, *, timeline_limit: int | None = None) -> StoryDetail:
    """Return one story arranged for its page.

    Args:
        store: Where the analysis is kept.
        story_id: The story's id.
        timeline_limit: Keep the first claims of the timeline only (its days'
            counts still cover every claim); None for all of them.

    Raises:
        NotFoundError: No story has this id.
    """
    story = store.get_story(story_id)
    member_ids = list(dict.fromkeys(story.articles))
    articles = {a.id: a for a in store.articles(member_ids)} if member_ids else {}
    members = sorted(
        (articles[a] for a in dict.fromkeys(story.articles) if a in articles), key=lambda a: a.published or ""
    )
    sources = _sources(members)
    relations: dict[tuple[str, str], set[str]] = {}
    for c in story.comparisons:
        if c.relation in _STRENGTH:
            for ref in (c.a, c.b):
                relations.setdefault(_ref_key(ref), set()).add(c.relation)
    disputed = {_ref_key(ref) for d in story.disputes for side in d.sides for ref in side.claims}
    if timeline_limit is None:
        claims = store.claims(articles=member_ids) if member_ids else []
        timeline, counts, placed = _timeline(claims, articles, relations, disputed)
    else:
        timeline, counts, placed = _first_of_timeline(store, story, members, relations, disputed, timeline_limit)
    coverage = coverage_by_day(members)
    return StoryDetail(
        story=story,
        articles=members,
        sources=sources,
        timeline=timeline,
        matrix=_matrix(story, articles, [s.name for s in sources]),
        contradictions=_views(story, "contradict", articles),
        updates=_views(story, "update", articles),
        agreements=_views(story, "agree", articles),
        key_entities=store.key_entities([story.id], limit=8).get(story.id, []),
        coverage=coverage,
        days=_days(coverage, counts),
        disputes=_dispute_views(story, articles),
        stances=_stance_views(story, articles),
        timeline_claims=placed,
        reasons=membership_reasons(members, [story]) if len(members) <= REASONS_UP_TO else {},
        related=_related_views(store, story),
    )


def _related_views(store: Store, story: Story) -> list[RelatedView]:
    """The story's related stories with their titles (one indexed read; links are capped per story)."""
    titles = store.story_titles([link.story for link in story.related]) if story.related else {}
    return [RelatedView(related=link, title=titles.get(link.story, link.story)) for link in story.related]


def story_page_detail(store: Store, story_id: str) -> tuple[StoryDetail, int]:
    """Return a story arranged for its HTML page: the first :data:`TIMELINE_SHOWN` claims of its timeline.

    Returns:
        The detail, and how many claims of the timeline are left out (the JSON API gives them all).
    """
    detail = story_detail(store, story_id, timeline_limit=TIMELINE_SHOWN)
    return detail, detail.timeline_claims - sum(len(day.entries) for day in detail.timeline)

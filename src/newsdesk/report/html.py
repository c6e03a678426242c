"""A self-contained HTML report of an analysis.

The page is one file: inline CSS, no JavaScript, no fonts or scripts from
anywhere, so it can be mailed, archived and opened offline. It is rendered
from the package template ``templates/report.html.j2`` with autoescaping on;
the only markup built in Python is the quote highlighting, assembled with
:mod:`markupsafe` so every piece of article text is escaped on the way in.
Article text on a line with other text is set in ``<bdi>`` (:func:`isolate`),
and a Content-Security-Policy ``<meta>`` lets the page run no script and load
nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup, escape

from newsdesk.model import (
    PARAGRAPH_SEPARATOR,
    Analysis,
    Article,
    ArticleStance,
    ClaimRef,
    Comparison,
    Dispute,
    Entity,
    Quote,
    Story,
)
from newsdesk.report.markdown import (
    STANCE_ORDER,
    key_entities,
    one_line,
    ordered_stances,
    ranked_stories,
    side_label,
    source_label,
)

__all__ = ["REPORT_CSP", "highlight_paragraphs", "isolate", "render_html"]

TEMPLATE = "report.html.j2"
UNATTRIBUTED = "Unattributed"

REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
"""The report's Content-Security-Policy: its inline CSS and nothing else (no script, no request)."""


def isolate(value: object) -> Markup:
    """Wrap user text in ``<bdi>`` (escaped, unless it is already Markup).

    An isolate keeps the text's direction to itself: a name ending in a
    right-to-left override, or simply written in Arabic or Hebrew, can no
    longer reverse or reorder the date, author or label printed after it.
    """
    # escape() leaves Markup as it is; an f-string over it is a third of the cost of Markup's % operator,
    # which a story page runs for every claim, outlet and name.
    return Markup(f"<bdi>{escape(value)}</bdi>")


@dataclass(slots=True, frozen=True, kw_only=True)
class _Side:
    label: str
    holder: str
    text: str
    source: str
    date: str | None
    href: str | None


@dataclass(slots=True, frozen=True, kw_only=True)
class _ComparisonView:
    relation: str
    kind: str
    about: str
    explanation: str
    score: str
    a: _Side
    b: _Side


@dataclass(slots=True, frozen=True, kw_only=True)
class _DisputeSideView:
    label: str
    claims: list[_Side]
    holders: list[str]
    outlets: list[str]


@dataclass(slots=True, frozen=True, kw_only=True)
class _DisputeView:
    anchor: str
    about: str
    explanation: str
    score: str
    sides: list[_DisputeSideView]
    first_seen: str
    last_seen: str


@dataclass(slots=True, frozen=True, kw_only=True)
class _StanceView:
    stance: str
    css: str
    """``stance`` when it is one of the known labels, else ``other`` (it names a CSS class)."""
    score: str
    title: str
    source: str
    date: str | None
    href: str | None


@dataclass(slots=True, frozen=True, kw_only=True)
class _QuoteView:
    text: str
    cue: str | None
    direct: bool
    score: float | None
    date: str | None
    source: str
    href: str


@dataclass(slots=True, frozen=True, kw_only=True)
class _SpeakerGroup:
    speaker: str
    quotes: list[_QuoteView]


@dataclass(slots=True, frozen=True, kw_only=True)
class _ArticleView:
    anchor: str
    article: Article
    source: str
    link: str | None
    paragraphs: list[Markup]
    n_quotes: int
    duplicate_of: str | None


@dataclass(slots=True, frozen=True, kw_only=True)
class _RelatedView:
    title: str
    href: str | None
    """The related story's anchor when it is in the report."""
    reason: str


@dataclass(slots=True, frozen=True, kw_only=True)
class _StoryView:
    anchor: str
    story: Story
    articles: list[_ArticleView]
    entities: list[tuple[Entity, int]]
    disputes: list[_DisputeView]
    lead_claim: str
    stances: list[_StanceView]
    contradictions: list[_ComparisonView]
    updates: list[_ComparisonView]
    agreements: list[_ComparisonView]
    speakers: list[_SpeakerGroup]
    related: list[_RelatedView]


@dataclass(slots=True, frozen=True, kw_only=True)
class _Counts:
    articles: int
    duplicates: int
    stories: int
    entities: int
    quotes: int
    claims: int
    disputes: int
    contradictions: int
    updates: int
    agreements: int
    problems: int


def render_html(analysis: Analysis, *, title: str = "newsdesk report") -> str:
    """Render an analysis as one self-contained HTML page.

    The page has, in order: overview counts; a table of contents of the
    stories, most contested first; one section per story (its articles,
    disputes with their two sides, the stance of each article toward the
    lead claim, the stories related to it (a sequel, an earlier chapter),
    contradictions side by side (collapsed when disputes group
    them), updates, agreements, quotes grouped by speaker, and per article a
    collapsible cleaned text with quotes highlighted and the removed
    boilerplate with its reasons); articles that belong to no story; and the
    rejected inputs.

    All article data (titles, text, names, reasons, URLs) is escaped; links are
    only made for ``http``/``https`` article URLs. Disputes and stances are
    also passed through :func:`~newsdesk.report.markdown.one_line` and set in
    ``<bdi>``, so neither control characters nor bidi overrides in a name can
    change how the rest of a line reads.

    Args:
        analysis: What one run produced.
        title: The page title and top heading.

    Returns:
        The HTML document as a string.
    """
    articles = {a.id: a for a in analysis.articles}
    entities = {e.id: e for e in analysis.entities}
    quotes_by_article: dict[str, list[Quote]] = {}
    for quote in analysis.quotes:
        quotes_by_article.setdefault(quote.article, []).append(quote)

    stories = [
        _story_view(story, analysis, articles, entities, quotes_by_article) for story in ranked_stories(analysis)
    ]
    in_stories = {article_id for story in analysis.stories for article_id in story.articles}
    loose = [
        _article_view(article, "loose", quotes_by_article.get(article.id, []), entities, articles)
        for article in analysis.articles
        if article.id not in in_stories
    ]
    comparisons = [c for story in analysis.stories for c in story.comparisons]
    counts = _Counts(
        articles=len(analysis.articles),
        duplicates=sum(1 for a in analysis.articles if a.duplicate_of),
        stories=len(analysis.stories),
        entities=len(analysis.entities),
        quotes=len(analysis.quotes),
        claims=len(analysis.claims),
        disputes=sum(len(story.disputes) for story in analysis.stories),
        contradictions=sum(1 for c in comparisons if c.relation == "contradict"),
        updates=sum(1 for c in comparisons if c.relation == "update"),
        agreements=sum(1 for c in comparisons if c.relation == "agree"),
        problems=len(analysis.problems),
    )
    return (
        _environment()
        .get_template(TEMPLATE)
        .render(
            title=title,
            counts=counts,
            stories=stories,
            loose=loose,
            problems=analysis.problems,
        )
    )


def highlight_paragraphs(
    article: Article, quotes: Iterable[Quote], entities: Mapping[str, Entity] | None = None
) -> list[Markup]:
    """Return the article's paragraphs as safe HTML with quotes wrapped in ``<mark>``.

    1. Quote offsets index :attr:`Article.text` (paragraphs joined by a blank
       line); spans outside the text or empty are ignored.
    2. Overlapping spans are merged into one highlight so marks never nest or
       cross.
    3. Each paragraph is cut at the span borders that fall inside it (a quote
       running over a paragraph break is marked in both) and every piece of
       text is escaped before the marks are put around it.

    Args:
        article: The article whose paragraphs are rendered.
        quotes: Quotes of this article (others are ignored).
        entities: Canonical entities by id, to name speakers in the mark's title.

    Returns:
        One :class:`markupsafe.Markup` per paragraph.
    """
    text = article.text
    spans = sorted(
        (q.start, q.end, _speaker_name(q, entities or {}))
        for q in quotes
        if q.article == article.id and 0 <= q.start < q.end <= len(text)
    )
    merged: list[tuple[int, int, list[str]]] = []
    for start, end, speaker in spans:
        if merged and start < merged[-1][1]:
            last_start, last_end, speakers = merged[-1]
            if speaker not in speakers:
                speakers.append(speaker)
            merged[-1] = (last_start, max(last_end, end), speakers)
        else:
            merged.append((start, end, [speaker]))

    rendered: list[Markup] = []
    offset = 0
    for paragraph in article.paragraphs:
        p_start, p_end = offset, offset + len(paragraph)
        offset = p_end + len(PARAGRAPH_SEPARATOR)
        pieces: list[Markup] = []
        cursor = p_start
        for start, end, speakers in merged:
            start, end = max(start, p_start), min(end, p_end)
            if start >= end:
                continue
            pieces.append(escape(text[cursor:start]))
            pieces.append(
                Markup('<mark class="quote" title="{}">{}</mark>').format(
                    "Quote: " + ", ".join(speakers), text[start:end]
                )
            )
            cursor = end
        pieces.append(escape(text[cursor:p_end]))
        rendered.append(Markup("").join(pieces))
    return rendered


def _environment() -> jinja2.Environment:
    """A fresh template environment (cheap; keeps the module free of state)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("newsdesk.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["bdi"] = isolate
    env.globals["csp"] = REPORT_CSP
    return env


def _anchor(*parts: str) -> str:
    """An HTML id made of safe characters only, whatever the ids contain."""
    return "-".join(re.sub(r"[^A-Za-z0-9_-]+", "_", part) for part in parts)


def safe_link(url: str | None) -> str | None:
    """The URL if it is a plain web link; anything else (javascript:, data:) is not linked.

    The one check used by the reports and the web UI alike.
    """
    if not url:
        return None
    url = url.strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in {"http", "https"} else None


def _speaker_name(quote: Quote, entities: Mapping[str, Entity]) -> str:
    if quote.speaker_entity and quote.speaker_entity in entities:
        return entities[quote.speaker_entity].name
    return " ".join((quote.speaker or "").split()) or UNATTRIBUTED


def _article_view(
    article: Article,
    story_anchor: str,
    quotes: Sequence[Quote],
    entities: Mapping[str, Entity],
    articles: Mapping[str, Article],
) -> _ArticleView:
    original = articles.get(article.duplicate_of) if article.duplicate_of else None
    return _ArticleView(
        anchor=_anchor(story_anchor, article.id),
        article=article,
        source=source_label(article),
        link=safe_link(article.url),
        paragraphs=highlight_paragraphs(article, quotes, entities),
        n_quotes=len(quotes),
        duplicate_of=(original.title if original else article.duplicate_of),
    )


def _side(label: str, ref: ClaimRef, articles: Mapping[str, Article], member_anchors: Mapping[str, str]) -> _Side:
    article = articles.get(ref.article)
    return _Side(
        label=label,
        holder=" ".join((ref.holder or "").split()) or UNATTRIBUTED,
        text=ref.text,
        source=source_label(article, ref.article),
        date=article.published if article else None,
        href=member_anchors.get(ref.article),
    )


def _comparison_views(
    story: Story, relation: str, articles: Mapping[str, Article], member_anchors: Mapping[str, str]
) -> list[_ComparisonView]:
    found = sorted((c for c in story.comparisons if c.relation == relation), key=lambda c: -c.score)
    return [_comparison_view(c, articles, member_anchors) for c in found]


def _comparison_view(
    c: Comparison, articles: Mapping[str, Article], member_anchors: Mapping[str, str]
) -> _ComparisonView:
    return _ComparisonView(
        relation=c.relation,
        kind=c.kind,
        about=c.about,
        explanation=c.explanation,
        score=f"{c.score:.2f}",
        a=_side("A", c.a, articles, member_anchors),
        b=_side("B", c.b, articles, member_anchors),
    )


def _dispute_view(
    dispute: Dispute, story_anchor: str, articles: Mapping[str, Article], member_anchors: Mapping[str, str]
) -> _DisputeView:
    sides = []
    for index, side in enumerate(dispute.sides):
        label = side_label(index)
        claims = [
            replace(view, holder=one_line(view.holder) or UNATTRIBUTED, text=one_line(view.text))
            for view in (_side(label, ref, articles, member_anchors) for ref in side.claims)
        ]
        sides.append(
            _DisputeSideView(
                label=label,
                claims=claims,
                holders=[one_line(h) for h in side.holders if one_line(h)],
                outlets=[one_line(o) for o in side.outlets if one_line(o)],
            )
        )
    return _DisputeView(
        anchor=_anchor(story_anchor, "dispute", dispute.id),
        about=one_line(dispute.about),
        explanation=one_line(dispute.explanation),
        score=f"{dispute.score:.2f}",
        sides=sides,
        first_seen=one_line(dispute.first_seen),
        last_seen=one_line(dispute.last_seen),
    )


def _stance_view(
    stance: ArticleStance, articles: Mapping[str, Article], member_anchors: Mapping[str, str]
) -> _StanceView:
    article = articles.get(stance.article)
    published = one_line(article.published) if article is not None else ""
    return _StanceView(
        stance=one_line(stance.stance),
        css=stance.stance if stance.stance in STANCE_ORDER else "other",
        score=f"{stance.score:.2f}",
        title=one_line(article.title if article is not None else stance.article),
        source=source_label(article, "—"),
        date=published or None,
        href=member_anchors.get(stance.article),
    )


def _speaker_groups(
    story_articles: Sequence[Article],
    quotes_by_article: Mapping[str, Sequence[Quote]],
    entities: Mapping[str, Entity],
    member_anchors: Mapping[str, str],
) -> list[_SpeakerGroup]:
    """Quotes of the story's articles grouped by canonical speaker, most quoted first."""
    groups: dict[str, list[_QuoteView]] = {}
    for article in story_articles:
        for quote in sorted(quotes_by_article.get(article.id, []), key=lambda q: q.start):
            groups.setdefault(_speaker_name(quote, entities), []).append(
                _QuoteView(
                    text=quote.text,
                    cue=quote.cue,
                    direct=quote.direct,
                    score=quote.score,
                    date=quote.date or article.published,
                    source=source_label(article),
                    href=member_anchors[article.id],
                )
            )
    ordered = sorted(groups.items(), key=lambda g: (g[0] == UNATTRIBUTED, -len(g[1]), g[0].casefold()))
    return [_SpeakerGroup(speaker=speaker, quotes=quotes) for speaker, quotes in ordered]


def _story_view(
    story: Story,
    analysis: Analysis,
    articles: Mapping[str, Article],
    entities: Mapping[str, Entity],
    quotes_by_article: Mapping[str, Sequence[Quote]],
) -> _StoryView:
    anchor = _anchor("story", story.id)
    members = [articles[a] for a in dict.fromkeys(story.articles) if a in articles]
    views = [_article_view(a, anchor, quotes_by_article.get(a.id, []), entities, articles) for a in members]
    member_anchors = {view.article.id: view.anchor for view in views}
    return _StoryView(
        anchor=anchor,
        story=story,
        articles=views,
        entities=key_entities(analysis, story),
        disputes=[
            _dispute_view(d, anchor, articles, member_anchors) for d in sorted(story.disputes, key=lambda d: -d.score)
        ],
        lead_claim=one_line(story.lead_claim),
        stances=[_stance_view(st, articles, member_anchors) for st in ordered_stances(story)],
        contradictions=_comparison_views(story, "contradict", articles, member_anchors),
        updates=_comparison_views(story, "update", articles, member_anchors),
        agreements=_comparison_views(story, "agree", articles, member_anchors),
        speakers=_speaker_groups(members, quotes_by_article, entities, member_anchors),
        related=_related_views(story, analysis),
    )


def _related_views(story: Story, analysis: Analysis) -> list[_RelatedView]:
    """A story's related stories: linked to their section when the report holds them, else named."""
    titles = {s.id: s.title for s in analysis.stories}
    return [
        _RelatedView(
            title=one_line(titles.get(r.story) or r.story),
            href=_anchor("story", r.story) if r.story in titles else None,
            reason=one_line(r.reason),
        )
        for r in story.related
    ]

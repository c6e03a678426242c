"""Markdown and plain-text reports of an analysis.

:func:`render_markdown` is the readable report (terminal or any markdown
viewer); :func:`render_summary` is the short plain-text digest printed by
``newsdesk demo``. The small helpers :func:`ranked_stories`,
:func:`key_entities`, :func:`source_label`, :func:`one_line`,
:func:`side_label` and :func:`ordered_stances` are shared with the HTML
report and the web pages so all agree on ordering, naming and what user text
may contain; :func:`escape_controls` makes any text safe for a terminal or a
log line while keeping it recognisable (file names, reasons).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import urlsplit

from newsdesk.model import Analysis, Article, ArticleStance, ClaimRef, Comparison, Dispute, Entity, Story

__all__ = [
    "STANCE_ORDER",
    "escape_controls",
    "key_entities",
    "one_line",
    "ordered_stances",
    "ranked_stories",
    "render_markdown",
    "render_summary",
    "side_label",
    "source_label",
]

UNATTRIBUTED = "unattributed"

STANCE_ORDER: tuple[str, ...] = ("supports", "disputes", "discusses", "unrelated")
"""How article stances are listed: backers first, then challengers, then the rest."""

# Characters that can hide or reorder what follows them in a terminal or on a page:
# C0 and C1 controls (ESC starts terminal escape sequences) separate words, and
# the bidi embeddings, overrides and isolates (U+202A..U+202E, U+2066..U+2069)
# are invisible formatting.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_BIDI_CONTROLS = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
# What escape_controls writes as an escape: the above, plus the line and paragraph
# separators some viewers break lines at and the invisible direction marks.
_UNSAFE_IN_A_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


# --------------------------------------------------------------------------- shared helpers


def ranked_stories(analysis: Analysis) -> list[Story]:
    """Return the stories of ``analysis``, most contested first.

    Stories are ordered by number of contradictions, then by number of
    articles (both descending), then by title so the order is stable.

    Args:
        analysis: The analysis whose stories are ranked.

    Returns:
        A new list; ``analysis`` is not modified.
    """
    return sorted(
        analysis.stories,
        key=lambda s: (-len(s.contradictions), -len(s.articles), s.title.casefold(), s.id),
    )


def key_entities(analysis: Analysis, story: Story, limit: int = 5) -> list[tuple[Entity, int]]:
    """Return the entities mentioned by the most articles of ``story``.

    Args:
        analysis: Provides the entities and their mentions.
        story: Only mentions in this story's articles count.
        limit: How many entities to keep.

    Returns:
        Up to ``limit`` pairs of (entity, number of the story's articles that
        mention it), most widespread first; ties go to the entity with more
        mentions, then to the name in alphabetical order.
    """
    members = set(story.articles)
    ranked: list[tuple[int, int, str, Entity]] = []
    for entity in analysis.entities:
        in_story = [m for m in entity.mentions if m.article in members]
        if in_story:
            n_articles = len({m.article for m in in_story})
            ranked.append((n_articles, len(in_story), entity.name, entity))
    ranked.sort(key=lambda r: (-r[0], -r[1], r[2].casefold()))
    return [(entity, n_articles) for n_articles, _, _, entity in ranked[:limit]]


UNKNOWN_SOURCE = "unknown source"


def source_label(article: Article | None, fallback: str = UNKNOWN_SOURCE) -> str:
    """Return how an article's outlet is named to readers.

    Its ``source``; without one, ``unknown source`` with the domain of its
    URL when it has one (``unknown source (example.org)``). Never its title:
    a headline shown as an outlet reads as one more source.

    Args:
        article: The article, or ``None`` when a reference points nowhere.
        fallback: Used when there is no article.

    Returns:
        A single-line label.
    """
    if article is None:
        return fallback
    source = one_line(article.source)
    if source:
        return source
    domain = _domain(article.url)
    return f"{UNKNOWN_SOURCE} ({domain})" if domain else UNKNOWN_SOURCE


def _domain(url: str | None) -> str:
    """The host of an http(s) URL without ``www.``, or ``""``."""
    try:
        parts = urlsplit((url or "").strip())
        host = parts.hostname or ""
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https"):
        return ""
    return one_line(host.removeprefix("www."))


def one_line(text: str | None) -> str:
    """Return user text as one safe line for a report, a list item or a label.

    Control characters become spaces and bidi embedding, override and
    isolate characters are dropped (so a hostile name can neither send
    terminal escapes nor reverse the text after it), then all whitespace is
    collapsed.

    Args:
        text: Any text from an article or derived from one; ``None`` is empty.

    Returns:
        The text on one line, without leading or trailing spaces.
    """
    return " ".join(_CONTROLS.sub(" ", _BIDI_CONTROLS.sub("", text or "")).split())


def escape_controls(text: str) -> str:
    """Return text for a terminal or a log line, with every control character escaped.

    Unlike :func:`one_line`, nothing is dropped: C0 and C1 controls, bidi
    embeddings, overrides, isolates and marks and the Unicode line separators
    are written as Python escapes (``\\n``, ``\\x1b``, ``\\u202e``), so a file
    name with a newline can neither forge a second line nor hide which file it
    is, and an escape sequence is shown instead of run.

    >>> print(escape_controls("a\\nnewsdesk: skipped \\x1b[2J.txt"))
    a\\nnewsdesk: skipped \\x1b[2J.txt

    Args:
        text: Any text.

    Returns:
        The text on one line, otherwise unchanged.
    """
    return _UNSAFE_IN_A_LINE.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


def side_label(index: int) -> str:
    """Return the letter naming a dispute side: ``A`` for the first, ``B`` for the second, and so on."""
    return chr(ord("A") + index) if 0 <= index < 26 else str(index + 1)


def ordered_stances(story: Story) -> list[ArticleStance]:
    """Return a story's article stances in reading order.

    Stances are grouped as :data:`STANCE_ORDER` (supports, disputes,
    discusses, unrelated; unknown labels last); within a group articles keep
    the story's arrival order.

    Args:
        story: The story whose stances are listed.

    Returns:
        A new list; ``story`` is not modified.
    """
    arrival = {article_id: n for n, article_id in enumerate(story.articles)}
    rank = {stance: n for n, stance in enumerate(STANCE_ORDER)}
    return sorted(
        story.stances,
        key=lambda s: (rank.get(s.stance, len(rank)), arrival.get(s.article, len(arrival))),
    )


def _seen(dispute: Dispute) -> str:
    """When a dispute was reported: ``first seen X, last seen Y`` (the dates known), ``''`` when undated."""
    dates = (("first seen", one_line(dispute.first_seen)), ("last seen", one_line(dispute.last_seen)))
    return ", ".join(f"{label} {day}" for label, day in dates if day)


def _plural(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


def _truncate(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _by_relation(story: Story, relation: str) -> list[Comparison]:
    """Comparisons of one relation, strongest first."""
    return sorted((c for c in story.comparisons if c.relation == relation), key=lambda c: -c.score)


def _claim(ref: ClaimRef, articles: Mapping[str, Article], width: int | None = None) -> str:
    text = one_line(ref.text)
    if width is not None:
        text = _truncate(text, width)
    holder = one_line(ref.holder) or UNATTRIBUTED
    return f"{holder} — «{text}» ({source_label(articles.get(ref.article), ref.article)})"


def _side(label: str, ref: ClaimRef, articles: Mapping[str, Article], width: int | None = None) -> str:
    return f"{label}: {_claim(ref, articles, width)}"


def _counts_line(analysis: Analysis, separator: str) -> str:
    n_contradictions = sum(len(s.contradictions) for s in analysis.stories)
    n_duplicates = sum(1 for a in analysis.articles if a.duplicate_of)
    articles = _plural(len(analysis.articles), "article")
    if n_duplicates:
        articles += f" ({_plural(n_duplicates, 'duplicate')})"
    parts = [
        articles,
        _plural(len(analysis.stories), "story", "stories"),
        _plural(len(analysis.entities), "entity", "entities"),
        _plural(len(analysis.quotes), "quote"),
        _plural(n_contradictions, "contradiction"),
        _plural(len(analysis.problems), "rejected input"),
    ]
    return separator.join(parts)


def _code(text: str) -> str:
    """Wrap text in a markdown code span that survives backticks inside it."""
    text = one_line(text)
    longest = 0
    run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    pad = " " if longest else ""
    return f"{fence}{pad}{text}{pad}{fence}"


# --------------------------------------------------------------------------- markdown


def render_markdown(analysis: Analysis) -> str:
    """Render a readable markdown report of an analysis.

    Layout:

    1. A header with counts (articles, stories, entities, quotes,
       contradictions, rejected inputs).
    2. One section per story, most contested first: sources with dates, key
       entities, related stories (a sequel, an earlier chapter), disputes
       (each with its sides and their claims), the stance of each article
       toward the lead claim, contradictions pair by pair with both sides,
       then updates and agreements.
    3. Articles that belong to no story, if any.
    4. Rejected inputs with their reasons.

    Article text is not markdown-escaped (the report is meant to be read in a
    terminal as much as rendered); it goes through :func:`one_line`, so one
    claim stays one list item and control or bidi characters are dropped.

    Args:
        analysis: What one run produced.

    Returns:
        The report, ending with a newline.
    """
    articles = {a.id: a for a in analysis.articles}
    lines = ["# newsdesk report", "", _counts_line(analysis, " · "), ""]

    if not analysis.stories:
        lines += ["No stories.", ""]
    for rank, story in enumerate(ranked_stories(analysis), start=1):
        lines += _story_markdown(rank, story, analysis, articles)

    in_stories = {article_id for story in analysis.stories for article_id in story.articles}
    loose = [a for a in analysis.articles if a.id not in in_stories]
    if loose:
        lines += [f"## Articles outside stories ({len(loose)})", ""]
        lines += [f"- {_article_line(a)}" for a in loose]
        lines.append("")

    lines += [f"## Rejected inputs ({len(analysis.problems)})", ""]
    if analysis.problems:
        lines += [f"- {_code(p.path)} — {one_line(p.reason)}" for p in analysis.problems]
    else:
        lines.append("None.")
    return "\n".join(lines).rstrip("\n") + "\n"


def _article_line(article: Article) -> str:
    parts = [one_line(article.title) or article.id]
    if article.source:
        parts.append(one_line(article.source))
    if article.published:
        parts.append(one_line(article.published))
    return " — ".join(parts)


def _story_markdown(rank: int, story: Story, analysis: Analysis, articles: Mapping[str, Article]) -> list[str]:
    lines = [f"## {rank}. {one_line(story.title) or story.id}", ""]
    lines.append(f"- **Id:** {_code(story.id)}")
    sources = []
    for article_id in story.articles:
        article = articles.get(article_id)
        label = source_label(article, article_id)
        if article is not None and article.published:
            label += f" ({one_line(article.published)})"
        sources.append(label)
    lines.append(f"- **Sources ({len(sources)}):** {'; '.join(sources) or 'none'}")
    entities = key_entities(analysis, story)
    if entities:
        listed = ", ".join(f"{one_line(e.name)} ({n})" for e, n in entities)
        lines.append(f"- **Key entities:** {listed}")
    if story.related:
        titles = {s.id: s.title for s in analysis.stories}
        listed = "; ".join(
            f"{one_line(titles.get(r.story) or '')} {_code(r.story)} ({one_line(r.reason)})".lstrip()
            for r in story.related
        )
        lines.append(f"- **Related stories:** {listed}")
    lines.append("")

    if story.disputes:
        lines += [f"### Disputes ({len(story.disputes)})", ""]
        lines += _dispute_lines(story.disputes, articles)
    if story.stances:
        lines += [f"### Article stance ({len(story.stances)})", ""]
        lines += _stance_lines(story, articles)

    contradictions = _by_relation(story, "contradict")
    lines += [f"### Contradictions ({len(contradictions)})", ""]
    if contradictions:
        lines += _comparison_lines(contradictions, articles)
    else:
        lines += ["None found.", ""]
    for relation, heading in (("update", "Updates"), ("agree", "Agreements")):
        found = _by_relation(story, relation)
        if found:
            lines += [f"### {heading} ({len(found)})", ""]
            lines += _comparison_lines(found, articles)
    return lines


def _dispute_lines(disputes: Sequence[Dispute], articles: Mapping[str, Article]) -> list[str]:
    """One item per dispute, strongest first: what it is about, then each side with its claims."""
    lines: list[str] = []
    for d in sorted(disputes, key=lambda d: -d.score):
        head = " — ".join(part for part in (one_line(d.about), one_line(d.explanation)) if part)
        details = "; ".join(part for part in (f"{d.score:.2f}", _seen(d)) if part)
        lines.append(f"- {head or 'Dispute'} ({details})")
        for index, side in enumerate(d.sides):
            who = [f"held by {', '.join(one_line(h) for h in side.holders)}"] if side.holders else []
            who += [f"reported by {', '.join(one_line(o) for o in side.outlets)}"] if side.outlets else []
            lines.append(f"  - Side {side_label(index)}{': ' + '; '.join(who) if who else ''}")
            lines += [f"    - {_claim(ref, articles)}" for ref in side.claims]
    lines.append("")
    return lines


def _stance_lines(story: Story, articles: Mapping[str, Article]) -> list[str]:
    """The lead claim, then one line per article: outlet, title, stance and score."""
    lead = one_line(story.lead_claim)
    lines = [f"Toward the lead claim «{lead}»:" if lead else "Toward the story's lead claim:", ""]
    for s in ordered_stances(story):
        article = articles.get(s.article)
        title = one_line(article.title) if article is not None else ""
        label = source_label(article, s.article) + (f" — «{title}»" if title else "")
        lines.append(f"- {label}: {one_line(s.stance)} ({s.score:.2f})")
    lines.append("")
    return lines


def _comparison_lines(comparisons: Iterable[Comparison], articles: Mapping[str, Article]) -> list[str]:
    lines: list[str] = []
    for c in comparisons:
        lines.append(f"- {one_line(c.explanation)} ({one_line(c.kind)}, {c.score:.2f})")
        lines.append(f"  - {_side('A', c.a, articles)}")
        lines.append(f"  - {_side('B', c.b, articles)}")
    lines.append("")
    return lines


# --------------------------------------------------------------------------- plain-text summary


def render_summary(analysis: Analysis, *, width: int = 100) -> str:
    """Render a short plain-text digest: stories, contradiction counts, top contradiction.

    Args:
        analysis: What one run produced.
        width: Claim texts longer than this are cut with an ellipsis.

    Returns:
        The digest, ending with a newline.
    """
    articles = {a.id: a for a in analysis.articles}
    lines = [f"newsdesk: {_counts_line(analysis, ', ')}", ""]
    for rank, story in enumerate(ranked_stories(analysis), start=1):
        contradictions = _by_relation(story, "contradict")
        n = len(contradictions)
        found = _plural(n, "contradiction") if n else "no contradictions"
        counts = f"{_plural(len(story.articles), 'article')}, {found}"
        if story.disputes:
            counts += f", {_plural(len(story.disputes), 'dispute')}"
        lines.append(f"{rank}. {one_line(story.title) or story.id} [{story.id}] — {counts}")
        if contradictions:
            top = contradictions[0]
            lines.append(f"   ! {one_line(top.explanation)} ({one_line(top.kind)}, {top.score:.2f})")
            lines.append(f"     {_side('A', top.a, articles, width)}")
            lines.append(f"     {_side('B', top.b, articles, width)}")
    if not analysis.stories:
        lines.append("No stories.")
    if analysis.problems:
        lines += ["", f"Rejected inputs: {len(analysis.problems)} (see the full report for reasons)"]
    return "\n".join(lines) + "\n"

"""Small inline SVG charts, built without JavaScript or external files.

The SVG uses presentation attributes only (no ``style`` attributes), so it
renders under a strict Content-Security-Policy and inside a self-contained
report file. Every text in it is escaped. Its ``viewBox`` lets the stylesheet
shrink it to a narrow screen instead of scrolling it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

__all__ = ["DayCount", "coverage_svg", "timeline_svg"]

BAR_WIDTH = 28
CLAIM_WIDTH = 10
BAR_GAP = 10
PLOT_HEIGHT = 110
TOP = 22
BOTTOM = 38
SIDE = 12
LEGEND = 18
DOTS = 20
BAR_COLOUR = "#4f74d1"
CLAIM_COLOUR = "#9aa3b3"
DISPUTE_COLOUR = "#d1453b"
EMPTY_COLOUR = "#9aa3b3"


@dataclass(slots=True, frozen=True, kw_only=True)
class DayCount:
    """What one day of a story holds: articles published, claims they report, claims on a side of a dispute."""

    day: str
    """``YYYY-MM-DD``."""
    articles: int
    claims: int = 0
    disputed: int = 0


def coverage_svg(days: Sequence[tuple[str, int]], *, title: str = "Articles per day") -> Markup:
    """Return a bar chart of articles per day as inline SVG (:func:`timeline_svg` without claims).

    Args:
        days: ``(YYYY-MM-DD, count)`` pairs in date order, e.g. from
            :func:`newsdesk.web.story.coverage_by_day`.
        title: Accessible name of the chart.
    """
    return timeline_svg([DayCount(day=day, articles=n) for day, n in days], title=title)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def timeline_svg(days: Sequence[DayCount], *, title: str = "Articles per day") -> Markup:
    """Return the story's days as inline SVG: articles, claims and disputed claims per day.

    Each day has a bar of its articles (count above, ``MM-DD`` below; the
    first day and every day that starts a new year also show the year), a
    thin grey bar of the claims its articles report when any day has claims,
    and a red dot with the number of claims on a side of a dispute when there
    are some. Days with no article get a flat grey mark so gaps in coverage
    stay visible. A legend names the marks the chart uses.

    Args:
        days: Days in date order (see :class:`DayCount`).
        title: Accessible name of the chart.

    Returns:
        The ``<svg>`` element as safe markup; empty markup when ``days`` is empty.
    """
    if not days:
        return Markup("")
    with_claims = any(d.claims for d in days)
    with_disputes = any(d.disputed for d in days)
    legend = LEGEND if with_claims or with_disputes else 0
    top = TOP + legend + (DOTS if with_disputes else 0)
    slot = BAR_WIDTH + (CLAIM_WIDTH + 2 if with_claims else 0)
    peak = max(d.articles for d in days) or 1
    claim_peak = max(d.claims for d in days) or 1
    key, key_width = _legend(with_claims, with_disputes)
    width = max(SIDE * 2 + len(days) * (slot + BAR_GAP) - BAR_GAP, SIDE * 2 + key_width)
    height = top + PLOT_HEIGHT + BOTTOM
    base = top + PLOT_HEIGHT
    parts = [
        Markup(
            '<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" width="{w}" height="{h}" '
            'viewBox="0 0 {w} {h}" aria-label="{t}" font-family="system-ui, sans-serif" font-size="11">'
            "<title>{t}</title>"
            '<line x1="{s}" y1="{b}" x2="{x2}" y2="{b}" stroke="{e}" stroke-width="1"/>'
        ).format(w=width, h=height, t=title, s=SIDE, b=base, x2=width - SIDE, e=EMPTY_COLOUR)
    ]
    parts.append(key)
    previous_year = None
    for index, d in enumerate(days):
        x = SIDE + index * (slot + BAR_GAP)
        centre = x + BAR_WIDTH / 2
        bar = round(PLOT_HEIGHT * d.articles / peak) if d.articles else 2
        summary = _plural(d.articles, "article")
        if with_claims:
            summary += f", {_plural(d.claims, 'claim')}"
        if d.disputed:
            summary += f", {d.disputed} on a side of a dispute"
        parts.append(
            Markup(
                "<g><title>{day}: {summary}</title>"
                '<rect x="{x}" y="{y}" width="{bw}" height="{bh}" rx="3" fill="{fill}"/>'
                '<text x="{c}" y="{ty}" text-anchor="middle" fill="currentColor">{n}</text>'
                '<text x="{c}" y="{ly}" text-anchor="middle" fill="currentColor">{label}</text>'
            ).format(
                day=d.day,
                summary=summary,
                x=x,
                y=base - bar,
                bw=BAR_WIDTH,
                bh=bar,
                fill=BAR_COLOUR if d.articles else EMPTY_COLOUR,
                c=centre,
                ty=base - bar - 5,
                n=d.articles or "",
                ly=base + 15,
                label=d.day[5:] if len(d.day) >= 10 else d.day,
            )
        )
        if with_claims and d.claims:
            claim_bar = max(2, round(PLOT_HEIGHT * d.claims / claim_peak))
            parts.append(
                Markup('<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="2" fill="{f}"/>').format(
                    x=x + BAR_WIDTH + 2, y=base - claim_bar, w=CLAIM_WIDTH, h=claim_bar, f=CLAIM_COLOUR
                )
            )
        if d.disputed:
            parts.append(
                Markup(
                    '<circle cx="{c}" cy="{cy}" r="8" fill="{f}"/>'
                    '<text x="{c}" y="{ty}" text-anchor="middle" fill="#ffffff" font-size="10">{n}</text>'
                ).format(c=centre, cy=legend + 10, ty=legend + 13.5, f=DISPUTE_COLOUR, n=d.disputed)
            )
        year = d.day[:4]
        if year != previous_year:
            parts.append(
                Markup(
                    '<text x="{c}" y="{y}" text-anchor="middle" fill="currentColor" opacity=".7">{year}</text>'
                ).format(c=centre, y=base + 29, year=year)
            )
            previous_year = year
        parts.append(Markup("</g>"))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def _legend(with_claims: bool, with_disputes: bool) -> tuple[Markup, int]:
    """The chart's key and its width (text at ~7 px a character), when it shows more than articles."""
    if not (with_claims or with_disputes):
        return Markup(""), 0
    items = [(BAR_COLOUR, "articles")]
    if with_claims:
        items.append((CLAIM_COLOUR, "claims"))
    if with_disputes:
        items.append((DISPUTE_COLOUR, "disputed claims"))
    parts, x = [], SIDE
    for colour, label in items:
        parts.append(
            Markup(
                '<rect x="{x}" y="4" width="10" height="10" rx="2" fill="{f}"/>'
                '<text x="{tx}" y="13" fill="currentColor">{label}</text>'
            ).format(x=x, f=colour, tx=x + 14, label=label)
        )
        x += 14 + 7 * len(label) + 12
    return Markup("").join(parts), x - SIDE - 12

"""Small inline SVG charts, built without JavaScript or external files.

The SVG uses presentation attributes only (no ``style`` attributes), so it
renders under a strict Content-Security-Policy and inside a self-contained
report file. Every text in it is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

__all__ = ["coverage_svg"]

BAR_WIDTH = 28
BAR_GAP = 10
PLOT_HEIGHT = 110
TOP = 22
BOTTOM = 38
SIDE = 12
BAR_COLOUR = "#4f74d1"
EMPTY_COLOUR = "#9aa3b3"


def coverage_svg(days: Sequence[tuple[str, int]], *, title: str = "Articles per day") -> Markup:
    """Return a bar chart of articles per day as inline SVG.

    Each bar carries its count above it and its day (``MM-DD``) below; the
    first bar and every bar that starts a new year also show the year. Days
    with no article get a flat grey mark so gaps in coverage stay visible.

    Args:
        days: ``(YYYY-MM-DD, count)`` pairs in date order, e.g. from
            :func:`newsdesk.web.story.coverage_by_day`.
        title: Accessible name of the chart.

    Returns:
        The ``<svg>`` element as safe markup; empty markup when ``days`` is empty.
    """
    if not days:
        return Markup("")
    peak = max(count for _, count in days) or 1
    width = SIDE * 2 + len(days) * (BAR_WIDTH + BAR_GAP) - BAR_GAP
    height = TOP + PLOT_HEIGHT + BOTTOM
    base = TOP + PLOT_HEIGHT
    parts = [
        Markup(
            '<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" width="{w}" height="{h}" '
            'viewBox="0 0 {w} {h}" aria-label="{t}" font-family="system-ui, sans-serif" font-size="11">'
            "<title>{t}</title>"
            '<line x1="{s}" y1="{b}" x2="{x2}" y2="{b}" stroke="{e}" stroke-width="1"/>'
        ).format(w=width, h=height, t=title, s=SIDE, b=base, x2=width - SIDE, e=EMPTY_COLOUR)
    ]
    previous_year = None
    for index, (day, count) in enumerate(days):
        x = SIDE + index * (BAR_WIDTH + BAR_GAP)
        centre = x + BAR_WIDTH / 2
        bar = round(PLOT_HEIGHT * count / peak) if count else 2
        label = day[5:] if len(day) >= 10 else day
        year = day[:4]
        parts.append(
            Markup(
                "<g><title>{day}: {count} article{plural}</title>"
                '<rect x="{x}" y="{y}" width="{bw}" height="{bh}" rx="3" fill="{fill}"/>'
                '<text x="{c}" y="{ty}" text-anchor="middle" fill="currentColor">{n}</text>'
                '<text x="{c}" y="{ly}" text-anchor="middle" fill="currentColor">{label}</text>'
            ).format(
                day=day,
                count=count,
                plural="" if count == 1 else "s",
                x=x,
                y=base - bar,
                bw=BAR_WIDTH,
                bh=bar,
                fill=BAR_COLOUR if count else EMPTY_COLOUR,
                c=centre,
                ty=base - bar - 5,
                n=count if count else "",
                ly=base + 15,
                label=label,
            )
        )
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

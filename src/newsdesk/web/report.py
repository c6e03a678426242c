"""A shareable, self-contained HTML report of one story (``newsdesk report``).

The page is the standard HTML report (:func:`newsdesk.report.html.render_html`)
of the story's analysis, with an inline SVG chart of the story's coverage
(articles per day) when its articles span more than one day. One file, no
script, no external resource: it can be mailed, archived and opened offline.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from markupsafe import Markup

from newsdesk.pipeline import load_analysis
from newsdesk.report.html import render_html
from newsdesk.storage import Store
from newsdesk.web.charts import coverage_svg
from newsdesk.web.story import coverage_by_day

__all__ = ["render_story_report", "write_story_report"]

log = logging.getLogger(__name__)

_ANCHOR = "<main>"


def _chart_section(days: list[tuple[str, int]]) -> Markup:
    return Markup(
        '\n<section class="card" id="coverage" aria-label="Coverage">\n'
        "  <h2>Coverage</h2>\n"
        '  <p class="muted">Articles of this story per day of publication.</p>\n'
        "  {}\n</section>\n"
    ).format(coverage_svg(days))


def render_story_report(store: Store, story_id: str) -> str:
    """Render one story as a self-contained HTML page.

    Args:
        store: Where the analysis is kept.
        story_id: The story's id.

    Returns:
        The HTML document.

    Raises:
        NotFoundError: No story has this id.
    """
    analysis = load_analysis(store, story_id)
    story = analysis.stories[0]
    page = render_html(analysis, title=f"newsdesk: {story.title or story.id}")
    days = coverage_by_day(analysis.articles)
    if len(days) < 2 or _ANCHOR not in page:
        return page  # one day (or no date): a chart would say nothing
    head, tail = page.split(_ANCHOR, 1)
    return head + _ANCHOR + str(_chart_section(days)) + tail


def write_story_report(store: Store, story_id: str, path: str | os.PathLike[str]) -> Path:
    """Write one story as a self-contained HTML file.

    Args:
        store: Where the analysis is kept.
        story_id: The story's id.
        path: The file to write (parent folders are created).

    Returns:
        The path written.

    Raises:
        NotFoundError: No story has this id.
        OSError: The file cannot be written.
    """
    target = Path(path)
    html = render_story_report(store, story_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8")
    log.info("wrote %s", target)
    return target

"""Jinja2 rendering of the web pages (autoescape on for every template).

Templates live in ``newsdesk/web/templates``; everything a template prints
is escaped unless it is already :class:`markupsafe.Markup`, which only the
read models build (quote highlights, search snippets, charts), escaping every
piece of article text on the way in. The ``line`` filter
(:func:`~newsdesk.report.markdown.one_line`) also drops control characters and
bidi overrides from names and claims shown on one line, and the ``bdi`` filter
(:func:`~newsdesk.report.html.isolate`) sets user text apart from what follows it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup
from starlette.requests import Request

from newsdesk import __version__
from newsdesk.report.html import isolate
from newsdesk.report.markdown import STANCE_ORDER, one_line, source_label
from newsdesk.web.security import safe_link

__all__ = ["environment", "markdown", "query_url", "render", "safe_link", "when"]

RELATION_LABELS = {"contradict": "contradicts", "update": "updates", "agree": "agrees", "states": "states"}
STANCES = frozenset(STANCE_ORDER)
"""Stance labels that name a CSS class (``stance-<label>``); anything else is shown as ``stance-other``."""


def query_url(path: str, **params: object) -> str:
    """Return ``path`` with the given query parameters; ``None`` and ``""`` values are left out."""
    kept = {k: str(v) for k, v in params.items() if v is not None and v != ""}
    return f"{path}?{urlencode(kept)}" if kept else path


_WHEN = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}))?")


def when(value: str | None) -> str:
    """One date format on every page: ``YYYY-MM-DD``, with ``HH:MM`` when the time is known.

    Stored dates are ISO 8601 of varying precision ("2026-03-10T16:52:07+00:00",
    "2026-03-11"); seconds and offsets are left out. Anything else is shown as
    one line, as stored.
    """
    if not value:
        return ""
    match = _WHEN.match(value.strip())
    if not match:
        return one_line(value)
    return f"{match[1]} {match[2]}" if match[2] else match[1]


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # CommonMark with raw HTML off: a description can format text, never inject markup.
    return MarkdownIt("commonmark", {"html": False})


def markdown(text: str | None) -> Markup:
    """Render a Markdown description (the API's docstrings) as HTML; raw HTML in it is shown as text."""
    return Markup(_markdown().render(text or ""))


def _plural(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The template environment (built once; Jinja environments are thread-safe to render from)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("newsdesk.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["plural"] = _plural
    env.filters["line"] = one_line
    env.filters["bdi"] = isolate
    env.filters["when"] = when
    env.filters["markdown"] = markdown
    env.filters["source_label"] = source_label
    env.globals.update(
        version=__version__,
        relation_label=RELATION_LABELS,
        stance_classes=STANCES,
        query_url=query_url,
        safe_link=safe_link,
    )
    return env


def render(name: str, *, request: Request, **context: Any) -> str:
    """Render a page template; ``request`` is passed for the current path and query."""
    return environment().get_template(name).render(request=request, **context)

"""The HTML pages: thin views that read a model from :mod:`newsdesk.web.queries` and render a template.

Pages: ``/`` (stories, filtered, sorted, paginated), ``/stories/{id}``,
``/articles/{id}``, ``/entities/{id}``, ``/search?q=`` and ``/docs`` (the
API reference, rendered from the OpenAPI schema without any script).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from newsdesk.web import queries
from newsdesk.web.api import Id
from newsdesk.web.charts import timeline_svg
from newsdesk.web.context import open_request_store
from newsdesk.web.errors import WebError
from newsdesk.web.queries import StoryFilter, StorySort
from newsdesk.web.story import story_page_detail
from newsdesk.web.templating import query_url, render

__all__ = ["PAGE_SIZE", "router"]

PAGE_SIZE = 10
"""Stories per page of the list."""
SEARCH_LIMIT = 50
"""Search results per page."""
MAX_PAGE = 100_000

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

SORTS: dict[str, str] = {"latest": "Latest coverage", "size": "Most articles", "contested": "Most contested"}


def _optional_date(name: str, value: str | None) -> date | None:
    """Parse a form date; empty means no filter (HTML forms send empty fields)."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise WebError(400, f"{name} must be a date as YYYY-MM-DD, not {value[:40]!r}.") from None


def _page(request: Request, template: str, **context: Any) -> HTMLResponse:
    return HTMLResponse(render(template, request=request, **context))


@router.get("/")
def stories_page(
    request: Request,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    sort: StorySort = "latest",
    entity: Annotated[str | None, Query(max_length=100)] = None,
    source: Annotated[str | None, Query(max_length=200)] = None,
    date_from: Annotated[str | None, Query(max_length=40)] = None,
    date_to: Annotated[str | None, Query(max_length=40)] = None,
) -> HTMLResponse:
    """The stories list with its filter form."""
    wanted = StoryFilter(
        sort=sort,
        entity=entity or None,
        source=source or None,
        date_from=_optional_date("date_from", date_from),
        date_to=_optional_date("date_to", date_to),
    )
    if wanted.date_from and wanted.date_to and wanted.date_from > wanted.date_to:
        raise WebError(400, f"The start date ({wanted.date_from}) is after the end date ({wanted.date_to}).")
    with open_request_store(request) as store:
        current = queries.story_page(store, wanted, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        facets = queries.story_facets(store, wanted)
    params = {
        "sort": sort,
        "entity": wanted.entity,
        "source": wanted.source,
        "date_from": wanted.date_from,
        "date_to": wanted.date_to,
    }
    return _page(
        request,
        "stories.html.j2",
        title="Stories",
        page=current,
        page_number=page,
        pages=max(1, -(-current.total // PAGE_SIZE)),
        next_url=query_url("/", **params, page=page + 1) if current.next_offset is not None else None,
        previous_url=query_url("/", **params, page=page - 1) if page > 1 else None,
        wanted=wanted,
        facets=facets,
        sorts=SORTS,
        filtered=any(v for k, v in params.items() if k != "sort"),
    )


@router.get("/stories/{story_id}")
def story_page(request: Request, story_id: Id) -> HTMLResponse:
    """One story: timeline, sources, claim matrix, contradictions, updates, agreements, entities."""
    with open_request_store(request) as store:
        detail, hidden = story_page_detail(store, story_id)
    chart = (
        timeline_svg(detail.days, title="Articles, claims and disputed claims per day")
        if sum(n for _, n in detail.coverage) > 1
        else None
    )
    return _page(
        request,
        "story.html.j2",
        title=detail.story.title or detail.story.id,
        d=detail,
        chart=chart,
        timeline=detail.timeline,
        timeline_hidden=hidden,
    )


@router.get("/articles/{article_id}")
def article_page(request: Request, article_id: Id) -> HTMLResponse:
    """One article: cleaned text with quotes highlighted, removed boilerplate, entities, stories."""
    with open_request_store(request) as store:
        detail = queries.article_detail(store, article_id)
    return _page(request, "article.html.j2", title=detail.article.title or detail.article.id, d=detail)


@router.get("/entities/{entity_id}")
def entity_page(request: Request, entity_id: Id) -> HTMLResponse:
    """One entity: mentions per article, stories it appears in, quotes by it."""
    with open_request_store(request) as store:
        detail = queries.entity_detail(store, entity_id)
    return _page(request, "entity.html.j2", title=detail.entity.name, d=detail)


@router.get("/search")
def search_page(
    request: Request,
    q: Annotated[str, Query(max_length=200)] = "",
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> HTMLResponse:
    """Full-text search over titles and bodies, :data:`SEARCH_LIMIT` results a page, with the total."""
    results: queries.Page[queries.SearchHit] = queries.Page(items=[], total=0, limit=SEARCH_LIMIT, offset=0)
    if q.strip():
        with open_request_store(request) as store:
            results = queries.search_articles(store, q, limit=SEARCH_LIMIT, offset=(page - 1) * SEARCH_LIMIT)
    return _page(
        request,
        "search.html.j2",
        title=f"Search: {q}" if q else "Search",
        q=q,
        results=results,
        page_number=page,
        pages=max(1, -(-results.total // SEARCH_LIMIT)),
        first=results.offset + 1,
        next_url=query_url("/search", q=q, page=page + 1) if results.next_offset is not None else None,
        previous_url=query_url("/search", q=q, page=page - 1) if page > 1 else None,
    )


@router.get("/docs")
def api_docs(request: Request) -> HTMLResponse:
    """The API reference, from the app's OpenAPI schema (no script, works offline)."""
    schema = request.app.openapi()
    operations = [
        {"method": method.upper(), "path": path, **operation}
        for path, item in schema.get("paths", {}).items()
        for method, operation in item.items()
    ]
    return _page(request, "docs.html.j2", title="API", schema=schema, operations=operations)

"""The JSON API under ``/api``: thin endpoints over :mod:`newsdesk.web.queries`.

Read-only unless the app was created with a token: then ``POST /api/articles``
ingests articles for callers sending ``Authorization: Bearer <token>``.
Every error has the shape of :class:`~newsdesk.web.schemas.ErrorOut`.
"""

from __future__ import annotations

import hmac
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import Field, TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool

from newsdesk.model import EntityKind
from newsdesk.web import queries, schemas
from newsdesk.web.context import open_request_store, open_writable_store, settings_of, token_of
from newsdesk.web.errors import WebError
from newsdesk.web.queries import StoryFilter, StorySort
from newsdesk.web.story import story_detail

__all__ = ["MAX_LIMIT", "router"]

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_QUERY = 200
"""Longest accepted search query or name filter, in characters."""
MAX_INGEST = 100
"""Most articles accepted in one POST."""

_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": schemas.ErrorOut, "description": description}
    for status, description in (
        (400, "Bad request (malformed JSON, inconsistent parameters)"),
        (404, "Unknown id or route"),
        (413, "Request body over the server's limit"),
        (422, "A parameter has a bad value"),
        (500, "Internal error (details only in the server log)"),
        (503, "The database cannot be read"),
    )
}

router = APIRouter(prefix="/api", responses=_ERRORS)

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Page size (1 to {MAX_LIMIT}).")]
Offset = Annotated[int, Query(ge=0, description="Index of the first item.")]
Id = Annotated[str, Path(min_length=1, max_length=100)]


def _page_links(request: Request, page: queries.Page[Any]) -> tuple[str | None, str | None]:
    """Relative URLs of the next and previous pages (same filters, other offset)."""

    def at(offset: int | None) -> str | None:
        if offset is None:
            return None
        url = request.url.include_query_params(offset=offset, limit=page.limit)
        return f"{url.path}?{url.query}"

    return at(page.next_offset), at(page.previous_offset)


@router.get("", summary="API index", response_model=dict[str, str])
def index() -> dict[str, str]:
    """Where to start: the list endpoints and the OpenAPI schema."""
    return {
        "stories": "/api/stories",
        "articles": "/api/articles",
        "entities": "/api/entities",
        "search": "/api/search?q=",
        "openapi": "/openapi.json",
        "docs": "/docs",
    }


@router.get("/stories", summary="List stories", response_model=schemas.PageOut[schemas.StorySummaryOut])
def list_stories(
    request: Request,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    sort: Annotated[StorySort, Query(description="latest, size or contested")] = "latest",
    entity: Annotated[str | None, Query(max_length=100, description="Only stories mentioning this entity id")] = None,
    source: Annotated[str | None, Query(max_length=MAX_QUERY, description="Only stories with this outlet")] = None,
    date_from: Annotated[
        date | None, Query(description="Only stories with an article on or after (YYYY-MM-DD)")
    ] = None,
    date_to: Annotated[date | None, Query(description="Only stories with an article on or before (YYYY-MM-DD)")] = None,
) -> schemas.PageOut[schemas.StorySummaryOut]:
    """Stories with their counts (disputes included), sources and key entities; filtered, sorted and paginated."""
    if date_from and date_to and date_from > date_to:
        raise WebError(400, f"date_from ({date_from}) is after date_to ({date_to}).")
    wanted = StoryFilter(sort=sort, entity=entity, source=source, date_from=date_from, date_to=date_to)
    with open_request_store(request) as store:
        page = queries.story_page(store, wanted, limit=limit, offset=offset)
    return schemas.page_out(
        schemas.PageOut[schemas.StorySummaryOut],
        page,
        [schemas.story_summary(s) for s in page.items],
        *_page_links(request, page),
    )


@router.get("/stories/{story_id}", summary="One story", response_model=schemas.StoryOut)
def get_story(request: Request, story_id: Id) -> schemas.StoryOut:
    """A story with its articles, sources, comparisons, disputes, article stances, timeline and claim matrix.

    Disputes come strongest first, each with side A and side B; ``stances``
    gives each article's stance toward ``lead_claim``.
    """
    with open_request_store(request) as store:
        return schemas.story_out(story_detail(store, story_id))


@router.get("/articles", summary="List articles", response_model=schemas.PageOut[schemas.ArticleSummaryOut])
def list_articles(
    request: Request,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    source: Annotated[str | None, Query(max_length=MAX_QUERY, description="Only articles of this outlet")] = None,
) -> schemas.PageOut[schemas.ArticleSummaryOut]:
    """Articles, newest first."""
    with open_request_store(request) as store:
        page = queries.list_articles(store, source=source, limit=limit, offset=offset)
    return schemas.page_out(
        schemas.PageOut[schemas.ArticleSummaryOut],
        page,
        [schemas.article_summary(a) for a in page.items],
        *_page_links(request, page),
    )


@router.get("/articles/{article_id}", summary="One article", response_model=schemas.ArticleOut)
def get_article(request: Request, article_id: Id) -> schemas.ArticleOut:
    """An article's cleaned text, removed boilerplate, quotes, claims, entities and stories."""
    with open_request_store(request) as store:
        return schemas.article_out(queries.article_detail(store, article_id))


@router.post(
    "/articles",
    summary="Ingest articles (needs the token)",
    status_code=201,
    response_model=schemas.IngestOut,
    responses={
        401: {"model": schemas.ErrorOut, "description": "Missing or wrong bearer token"},
        403: {"model": schemas.ErrorOut, "description": "The server is read-only (started without a token)"},
        415: {"model": schemas.ErrorOut, "description": "The body is not application/json"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": f"A JSON array of 1 to {MAX_INGEST} articles (the fields of a .jsonl input line).",
            "content": {
                "application/json": {
                    "schema": {
                        "type": "array",
                        "minItems": 1,
                        "maxItems": MAX_INGEST,
                        "items": schemas.ArticleIn.model_json_schema(),
                    }
                }
            },
        }
    },
)
async def post_articles(request: Request) -> schemas.IngestOut:
    """Clean and store articles (idempotent: re-posting the same article adds nothing).

    Enabled only when the server has a token; send ``Authorization: Bearer <token>``.
    The token is checked before the body is even parsed. Stories and
    comparisons are not recomputed: run ``newsdesk stories --refresh``.
    """
    _check_token(request)
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise WebError(415, "Send the articles as a JSON array with 'Content-Type: application/json'.")
    try:
        articles = _ARTICLES.validate_json(await request.body())
    except ValidationError as exc:
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]) from exc
    records = [a.model_dump(exclude_none=True) for a in articles]

    def ingest() -> queries.IngestReport:
        # The store is opened, used and closed in this one worker thread (SQLite connections are per thread).
        with open_writable_store(request) as store:
            return queries.ingest_records(store, records, settings_of(request), command="POST /api/articles")

    report = await run_in_threadpool(ingest)
    return schemas.IngestOut(
        inputs=report.inputs,
        articles=[schemas.article_ref(a) for a in report.articles],
        added=report.added,
        problems=[schemas.ProblemOut(path=p.path, reason=p.reason) for p in report.problems],
    )


_ARTICLES = TypeAdapter(Annotated[list[schemas.ArticleIn], Field(min_length=1, max_length=MAX_INGEST)])


def _check_token(request: Request) -> None:
    """Let the request through only with the configured bearer token.

    Raises:
        WebError: 403 when no token is configured (read-only server), 401 when
            the header is missing or wrong.
    """
    token = token_of(request)
    if token is None:
        raise WebError(403, "This server is read-only. Start it with --token to enable ingest.", code="read_only")
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    # compare_digest: the time taken does not reveal how much of the token matched.
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise WebError(
            401, "Send the server's token as 'Authorization: Bearer <token>'.", headers={"WWW-Authenticate": "Bearer"}
        )


@router.get("/entities", summary="List entities", response_model=schemas.PageOut[schemas.EntitySummaryOut])
def list_entities(
    request: Request,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    kind: Annotated[EntityKind | None, Query(description="person, organization, place or other")] = None,
    q: Annotated[str | None, Query(max_length=MAX_QUERY, description="Only names containing this text")] = None,
) -> schemas.PageOut[schemas.EntitySummaryOut]:
    """Entities, mentioned by the most articles first."""
    with open_request_store(request) as store:
        page = queries.list_entities(store, kind=kind, name=q, limit=limit, offset=offset)
    return schemas.page_out(
        schemas.PageOut[schemas.EntitySummaryOut],
        page,
        [schemas.entity_summary(r) for r in page.items],
        *_page_links(request, page),
    )


@router.get("/entities/{entity_id}", summary="One entity", response_model=schemas.EntityOut)
def get_entity(request: Request, entity_id: Id) -> schemas.EntityOut:
    """An entity with its mentions, the articles and stories it appears in, and its quotes."""
    with open_request_store(request) as store:
        return schemas.entity_out(queries.entity_detail(store, entity_id))


@router.get("/search", summary="Full-text search", response_model=schemas.SearchOut)
def search(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY, description="Words that must all occur")],
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
) -> schemas.SearchOut:
    """Articles containing every word of ``q`` (stems, case and accents ignored), best first, a page at a time."""
    with open_request_store(request) as store:
        page = queries.search_articles(store, q, limit=limit, offset=offset)
    return schemas.search_out(q, page, *_page_links(request, page))

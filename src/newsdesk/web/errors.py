"""The one error shape of the HTTP layer, and the handlers that produce it.

Every error the API answers has the same body, checked by the tests::

    {"error": {"status": 404, "code": "not_found", "message": "no story with id 's-1'."}}

Paths under ``/api`` (and the OpenAPI schema) get that JSON; pages get an HTML
page saying the same thing. Internal errors are logged with their traceback
on the server and answered with a generic message: no traceback, SQL or file
path ever reaches a client.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, JSONResponse, Response

from newsdesk.errors import NotFoundError, StorageError
from newsdesk.report.markdown import escape_controls
from newsdesk.web.security import SECURITY_HEADERS
from newsdesk.web.templating import render

__all__ = ["CODES", "WebError", "error_body", "error_response", "install_error_handlers", "wants_json"]

log = logging.getLogger(__name__)

CODES: Mapping[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_parameter",
    500: "internal_error",
    503: "storage_unavailable",
}
"""The ``code`` of each status; a :class:`WebError` may give a more specific one."""

API_PREFIX = "/api"
SCHEMA_PATH = "/openapi.json"
MAX_ECHO = 100
"""Characters of a requested path shown back in an error message (ids are at most 100 long)."""


class WebError(Exception):
    """An error answered to the client as is (status, code and message are safe to show)."""

    def __init__(self, status: int, message: str, *, code: str | None = None, headers: Mapping[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code or CODES.get(status, "error")
        self.message = message
        self.headers = dict(headers or {})


def error_body(status: int, code: str, message: str) -> dict[str, dict[str, object]]:
    """Return the JSON error body: ``{"error": {"status", "code", "message"}}``."""
    return {"error": {"status": status, "code": code, "message": message}}


def wants_json(path: str) -> bool:
    """True for paths whose errors are JSON (the API and its schema), false for pages."""
    return path in (API_PREFIX, SCHEMA_PATH) or path.startswith(API_PREFIX + "/")


def error_response(
    request: Request, status: int, message: str, *, code: str | None = None, headers: Mapping[str, str] | None = None
) -> Response:
    """Answer an error in the shape the path calls for (JSON under /api, an HTML page elsewhere)."""
    code = code or CODES.get(status, "error")
    if wants_json(request.url.path):
        return JSONResponse(error_body(status, code, message), status_code=status, headers=headers)
    page = render("error.html.j2", request=request, status=status, code=code, message=message)
    return HTMLResponse(page, status_code=status, headers=headers)


def _echo(text: str) -> str:
    """What the client asked for, safe to show back: controls escaped, at most :data:`MAX_ECHO` characters."""
    text = escape_controls(text)
    return text if len(text) <= MAX_ECHO else text[: MAX_ECHO - 1] + "…"


def _validation_message(exc: RequestValidationError) -> tuple[int, str]:
    """Summarise validation errors in one line; malformed JSON is a 400, bad values a 422."""
    problems: list[str] = []
    status = 422
    for error in exc.errors():
        if error.get("type") == "json_invalid":
            return 400, "The request body is not valid JSON."
        location = [str(part) for part in error.get("loc", ())]
        where = location[0] if location else "request"
        name = ".".join(location[1:])
        label = f"{where} parameter {name!r}" if where in ("query", "path", "header") and name else where
        if where == "body" and name:
            label = f"body field {name!r}"
        problems.append(f"{label}: {error.get('msg', 'invalid value')}")
    return status, "; ".join(problems) or "Invalid request."


def install_error_handlers(app: FastAPI) -> None:
    """Route every error the app can raise to :func:`error_response`."""

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 404:
            message = f"Nothing at {_echo(request.url.path)}."
        elif exc.status_code == 405:
            message = f"Method {request.method} is not allowed on {_echo(request.url.path)}."
        else:
            message = str(exc.detail)
        return error_response(request, exc.status_code, message, headers=exc.headers)

    async def validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        status, message = _validation_message(exc)
        return error_response(request, status, message)

    async def web_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, WebError)
        return error_response(request, exc.status, exc.message, code=exc.code, headers=exc.headers)

    async def not_found(request: Request, exc: Exception) -> Response:
        return error_response(request, 404, str(exc))

    async def storage_error(request: Request, exc: Exception) -> Response:
        log.error("storage error on %s: %s", request.url.path, exc)
        return error_response(request, 503, "The database cannot be read right now. Try again later.")

    async def internal_error(request: Request, exc: Exception) -> Response:
        log.error("internal error on %s", request.url.path, exc_info=exc)
        # This handler runs outside the middleware stack: add the security headers here.
        return error_response(
            request, 500, "Internal server error. The server log has the details.", headers=SECURITY_HEADERS
        )

    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(WebError, web_error)
    app.add_exception_handler(NotFoundError, not_found)
    app.add_exception_handler(StorageError, storage_error)
    app.add_exception_handler(Exception, internal_error)

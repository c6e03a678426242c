"""ASGI middleware: security headers on every response, the host check, HEAD, a bound on request bodies.

All are plain ASGI callables (no ``BaseHTTPMiddleware``) so they wrap
streaming responses and error responses alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newsdesk.web.errors import error_response
from newsdesk.web.hosts import host_allowed, host_name
from newsdesk.web.security import SECURITY_HEADERS

__all__ = ["BodyLimitMiddleware", "HeadMiddleware", "HostGuardMiddleware", "SecurityHeadersMiddleware"]


class SecurityHeadersMiddleware:
    """Add :data:`SECURITY_HEADERS` to every HTTP response (headers a handler set win)."""

    def __init__(self, app: ASGIApp, headers: Mapping[str, str] = SECURITY_HEADERS) -> None:
        self.app = app
        self.headers = dict(headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class HostGuardMiddleware:
    """Answer only requests for an allowed host name, and never redirect to the ``Host`` header.

    1. A request whose ``Host`` is not in ``allowed_hosts`` (see
       :func:`~newsdesk.web.hosts.host_allowed`) gets a 400 in the error
       shape, before anything is read: a hostile page that rebinds its DNS
       name to this server reads nothing.
    2. A redirect whose ``Location`` was built from the request's ``Host``
       (the framework's trailing-slash and directory redirects) is made
       relative, so it stays on whatever name the client used.
    """

    def __init__(self, app: ASGIApp, allowed_hosts: Iterable[str]) -> None:
        self.app = app
        self.allowed_hosts = tuple(allowed_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = Headers(scope=scope).get("host")
        if not host_allowed(host_name(host), self.allowed_hosts):
            message = (
                "This server answers only requests for its own host names. To reach it under another name, "
                "start it with `newsdesk serve --allow-host NAME` (or set web.allowed_hosts)."
            )
            response = error_response(Request(scope), 400, message, code="host_not_allowed")
            await response(scope, receive, send)
            return

        async def send_relative(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                location = headers.get("location")
                if location and host:
                    parts = urlsplit(location)
                    if parts.scheme in ("http", "https") and parts.netloc.lower() == host.strip().lower():
                        query = f"?{parts.query}" if parts.query else ""
                        fragment = f"#{parts.fragment}" if parts.fragment else ""
                        headers["location"] = f"{parts.path or '/'}{query}{fragment}"
            await send(message)

        await self.app(scope, receive, send_relative)


class HeadMiddleware:
    """Answer ``HEAD`` like ``GET``, without the body (RFC 9110: same status and headers)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return  # the rest of the body is dropped; the last message ends the response
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)


class BodyLimitMiddleware:
    """Refuse request bodies larger than ``max_body`` bytes with a 413 in the error shape.

    1. A declared ``Content-Length`` over the limit is refused before any byte
       is read; a malformed one is a 400.
    2. Otherwise the body is read (chunked uploads included) and refused as soon
       as it passes the limit, so memory stays bounded by ``max_body``.
    3. A body within the limit is replayed to the app unchanged.
    """

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                await self._refuse(scope, receive, send, 400, "The Content-Length header is not a number.")
                return
            if int(declared) > self.max_body:
                await self._refuse(scope, receive, send, 413, self._too_large())
                return

        buffered: list[Message] = []
        size = 0
        while True:
            message = await receive()
            buffered.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self.max_body:
                await self._refuse(scope, receive, send, 413, self._too_large())
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return buffered.pop(0) if buffered else await receive()

        await self.app(scope, replay, send)

    def _too_large(self) -> str:
        return f"The request body is too large: the limit is {self.max_body} bytes."

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, status: int, message: str) -> None:
        response = error_response(Request(scope), status, message, headers={"Connection": "close"})
        await response(scope, receive, send)

"""Security settings of the web layer: response headers and link checks.

Defence in depth for untrusted article content: templates escape everything
(autoescape), links are only made for http(s) URLs, and the
Content-Security-Policy lets the browser run and style nothing but the app's
own files, so even a failure of escaping could not execute a script.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from newsdesk.report.html import safe_link  # the one link check, shared with the reports

__all__ = ["CONTENT_SECURITY_POLICY", "SECURITY_HEADERS", "safe_link"]

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
"""No inline ``<script>``, no inline event handlers, no ``style`` attributes, nothing from other hosts."""

SECURITY_HEADERS: Mapping[str, str] = MappingProxyType(
    {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
)
"""Sent with every response, errors included."""

"""Which host names the web server answers, and which proxies it believes.

A server on 127.0.0.1 is reachable from any page the user opens: a hostile
site can point its own name at 127.0.0.1 (DNS rebinding) and then read every
answer, as the browser sees one origin. The ``Host`` header still carries the
hostile name, so the server answers only the names it is meant to be reached
by (:attr:`WebSettings.allowed_hosts`, loopback names by default).

This module is light (no web framework) so :mod:`newsdesk.settings` can
declare :class:`WebSettings` beside the other stages' settings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["LOOPBACK_HOSTS", "WebSettings", "host_allowed", "host_name"]

LOOPBACK_HOSTS: tuple[str, ...] = ("localhost", "127.0.0.1", "::1")
"""The names a server on this machine is reached by from this machine."""

ANY_ADDRESS = frozenset({"", "0.0.0.0", "::"})
"""Bind addresses that mean every interface: they name no host to allow."""


@dataclass(slots=True, kw_only=True, frozen=True)
class WebSettings:
    """Who ``newsdesk serve`` answers.

    Attributes:
        allowed_hosts: Host names (the ``Host`` header without its port) the
            server answers; other requests get a 400. ``*.example.org``
            matches every subdomain of example.org, ``*`` turns the check off
            (only behind a proxy that checks the name itself). The address
            given to ``--host`` is allowed too.
        forwarded_allow_ips: Addresses of reverse proxies whose
            ``X-Forwarded-For`` and ``X-Forwarded-Proto`` headers are believed
            (client address and scheme). Empty: nobody's are.
    """

    allowed_hosts: tuple[str, ...] = LOOPBACK_HOSTS
    forwarded_allow_ips: tuple[str, ...] = ()


def host_name(header: str | None) -> str | None:
    """Return the host name of a ``Host`` header: lower case, without port or final dot.

    >>> host_name("LocalHost:8000"), host_name("[::1]:8000"), host_name("example.org.")
    ('localhost', '::1', 'example.org')

    Returns:
        The name, or ``None`` when the header is missing or malformed.
    """
    if header is None:
        return None
    value = header.strip().lower()
    if value.startswith("["):  # an IPv6 literal: [::1] or [::1]:8000
        name, bracket, rest = value[1:].partition("]")
        if not bracket or (rest and not (rest.startswith(":") and rest[1:].isdigit())):
            return None
    else:
        name, colon, port = value.partition(":")
        if colon and not port.isdigit():
            return None
    name = name.removesuffix(".")
    return name or None


def host_allowed(name: str | None, allowed: Iterable[str]) -> bool:
    """Whether a host name (from :func:`host_name`) is one of the allowed patterns.

    Patterns are names (case-insensitive), ``*.domain`` for any subdomain of
    a domain, or ``*`` for any host (a missing ``Host`` header included).
    """
    for pattern in allowed:
        pattern = pattern.strip().lower().removesuffix(".")
        if pattern == "*":
            return True
        if name is None:
            continue
        if pattern.startswith("*."):
            if name.endswith(pattern[1:]) and len(name) > len(pattern) - 1:
                return True
        elif pattern.strip("[]") == name:
            return True
    return False

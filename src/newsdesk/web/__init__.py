"""Read it on the web: HTML pages, a JSON API and shareable story reports.

- :func:`create_app` builds the ASGI app (pages, ``/api``, ``/docs``);
- :func:`write_story_report` writes one story as a self-contained HTML file.

Both are imported lazily so ``newsdesk --help`` does not load the web stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["create_app", "write_story_report"]

if TYPE_CHECKING:
    from newsdesk.web.app import create_app
    from newsdesk.web.report import write_story_report


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from newsdesk.web.app import create_app

        return create_app
    if name == "write_story_report":
        from newsdesk.web.report import write_story_report

        return write_story_report
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

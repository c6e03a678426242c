"""The ``serve`` and ``report`` commands: thin shells over :mod:`newsdesk.web`.

Wired into ``newsdesk`` by :func:`add_commands` (parser) and :func:`run`
(dispatch). The web stack (FastAPI, uvicorn) is imported only when a command
runs, so the rest of the CLI starts without it.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from pathlib import Path
from typing import Any

from newsdesk.errors import NewsdeskError, StorageError
from newsdesk.settings import Settings

__all__ = ["add_commands", "run"]

TOKEN_ENV = "NEWSDESK_TOKEN"
DB_ENV = "NEWSDESK_DB"
WORKER_ENV = "NEWSDESK_SERVE_WORKER"
"""What each server process of ``serve --workers N`` builds its app from (JSON; the token stays in TOKEN_ENV)."""
DEFAULT_DB = "newsdesk.db"


def _default_db() -> str:
    return os.environ.get(DB_ENV, DEFAULT_DB)


def add_commands(subparsers: Any) -> None:
    """Add ``serve`` and ``report`` to the ``newsdesk`` sub-command parsers.

    Args:
        subparsers: What ``ArgumentParser.add_subparsers()`` returned.
    """
    serve = subparsers.add_parser(
        "serve",
        help="browse a database in a web browser (pages + JSON API)",
        description="Serve the stories, articles and entities of a database as web pages and a JSON API "
        "(/api, reference at /docs). Read-only unless a token is given.",
    )
    serve.add_argument(
        "--db", default=None, help=f"database: SQLite file or postgresql:// URL (default ${{{DB_ENV}}} or {DEFAULT_DB})"
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="also answer requests for this host name (repeatable; *.example.org for subdomains). Only "
        "localhost, 127.0.0.1, ::1, the --host address and web.allowed_hosts are answered otherwise",
    )
    serve.add_argument(
        "--trust-proxy",
        action="append",
        default=[],
        metavar="ADDRESS",
        help="believe X-Forwarded-For/-Proto from the reverse proxy at this address (repeatable; "
        "default: from nobody, or web.forwarded_allow_ips)",
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes (default 1); each page runs on one core, so a busy server wants one per core",
    )
    serve.add_argument(
        "--token",
        default=None,
        help=f"enable POST /api/articles for 'Authorization: Bearer TOKEN' (default ${{{TOKEN_ENV}}}; "
        "prefer the variable: a command line is visible to other users)",
    )

    report = subparsers.add_parser(
        "report",
        help="write one story as a self-contained HTML file",
        description="Write a story (sources, contradictions, updates, agreements, quotes, texts, "
        "coverage chart) as one HTML file that works offline.",
    )
    report.add_argument("story_id", metavar="STORY", help="story id (see `newsdesk stories`)")
    report.add_argument("-o", "--output", type=Path, required=True, help="HTML file to write")
    report.add_argument(
        "--db", default=None, help=f"database: SQLite file or postgresql:// URL (default ${{{DB_ENV}}} or {DEFAULT_DB})"
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run ``serve`` or ``report``; returns the exit code.

    Raises:
        NewsdeskError: The database cannot be used or the story does not exist
            (the main CLI prints it and exits with 2).
    """
    if args.command == "serve":
        return _serve(args, settings)
    if args.command == "report":
        return _report(args)
    raise ValueError(f"not a web command: {args.command!r}")


def _existing_db(path: str) -> str:
    """The database path, checked to exist: serving or reporting a new empty file helps nobody.

    A ``postgresql://`` URL is checked by connecting to it.
    """
    from newsdesk.storage import is_postgres_url

    if path != ":memory:" and not is_postgres_url(path) and not Path(path).is_file():
        raise StorageError(
            f"{path} does not exist. Create it with `newsdesk analyze --db {path} FILES` or `newsdesk demo`."
        )
    return path


def _web_settings(args: argparse.Namespace, settings: Settings) -> Settings:
    """The settings with the host names and proxies of the command line added."""
    from newsdesk.web.hosts import ANY_ADDRESS

    web = settings.web
    hosts = [*web.allowed_hosts, *args.allow_host]
    if args.host.strip("[]") not in ANY_ADDRESS:
        hosts.append(args.host)  # the address it listens on is how it is reached
    web = dataclasses.replace(
        web,
        allowed_hosts=tuple(dict.fromkeys(hosts)),
        forwarded_allow_ips=tuple(dict.fromkeys([*web.forwarded_allow_ips, *args.trust_proxy])),
    )
    return dataclasses.replace(settings, web=web)


def worker_app() -> Any:
    """The app of one process of ``serve --workers N`` (uvicorn's factory), from :data:`WORKER_ENV`."""
    from newsdesk.settings import load_settings
    from newsdesk.web.app import create_app

    given = json.loads(os.environ[WORKER_ENV])
    args = argparse.Namespace(host=given["host"], allow_host=given["allow_host"], trust_proxy=given["trust_proxy"])
    config = Path(given["config"]) if given["config"] else None
    settings = _web_settings(args, load_settings(config))
    return create_app(given["db"], token=os.environ.get(TOKEN_ENV) or None, settings=settings)


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from newsdesk.storage import is_postgres_url, redact_url
    from newsdesk.web.app import create_app, open_database

    if args.workers < 1:
        raise NewsdeskError(f"--workers must be at least 1, not {args.workers}.")
    db = _existing_db(args.db or _default_db())
    with open_database(db):  # fail now, with the storage error's advice, rather than on the first request
        pass
    token = args.token or os.environ.get(TOKEN_ENV) or None
    web_args = {"host": args.host, "allow_host": args.allow_host, "trust_proxy": args.trust_proxy}
    settings = _web_settings(args, settings)
    app: Any = create_app(db, token=token, settings=settings) if args.workers == 1 else None
    if args.workers > 1:
        # Each process imports the app factory and builds its own app (and store connections) from these.
        config = getattr(args, "config", None)
        os.environ[WORKER_ENV] = json.dumps({"db": db, "config": str(config) if config else None, **web_args})
        if token:
            os.environ[TOKEN_ENV] = token
        app = "newsdesk.web.cli:worker_app"
    mode = "ingest enabled with token" if token else "read-only"
    shown = redact_url(db) if is_postgres_url(db) else Path(db).resolve()
    processes = f", {args.workers} processes" if args.workers > 1 else ""
    print(f"newsdesk: serving {shown} ({mode}{processes}) on http://{args.host}:{args.port}/", file=sys.stderr)
    print(f"newsdesk: answering host names {', '.join(settings.web.allowed_hosts)}", file=sys.stderr)
    proxies = settings.web.forwarded_allow_ips
    uvicorn.run(
        app,
        factory=args.workers > 1,
        workers=args.workers if args.workers > 1 else None,
        host=args.host,
        port=args.port,
        log_level="warning",
        server_header=False,
        # uvicorn believes X-Forwarded-* from 127.0.0.1 unless told otherwise: only from configured proxies.
        proxy_headers=bool(proxies),
        forwarded_allow_ips=list(proxies) if proxies else None,
    )
    return 0


def _report(args: argparse.Namespace) -> int:
    from newsdesk.web.app import open_database
    from newsdesk.web.report import write_story_report

    db = _existing_db(args.db or _default_db())
    with open_database(db) as store:
        path = write_story_report(store, args.story_id, args.output)
    if not getattr(args, "quiet", False):
        print(f"HTML report: {path.resolve()}")
    return 0

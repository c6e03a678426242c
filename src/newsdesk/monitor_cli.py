"""The ``newsdesk watch`` command: a thin shell over :func:`newsdesk.monitor.watch`.

Exit codes: 0 when the watch ran its rounds without problems or was stopped
(Ctrl-C, SIGTERM); 1 when ``--once``/``--max-rounds`` rounds met problems
(each printed on stderr); 2 when it could not run.

The first Ctrl-C or SIGTERM asks the watch to stop: no new request is sent,
the pages the round fetched are stored and their items marked. A second one
stops at once (what was committed before it is kept).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from newsdesk.settings import Settings

DEFAULT_DB = "newsdesk.db"
DEFAULT_EVERY = "10m"
MIN_EVERY = 1.0
"""Seconds: a shorter ``--every`` would poll the feeds in a (nearly) tight loop."""


def _interval(text: str) -> float:
    from newsdesk.monitor import parse_interval

    try:
        seconds = parse_interval(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
    if seconds < MIN_EVERY:
        raise argparse.ArgumentTypeError(
            f"{text!r} is too short: rounds must be at least {MIN_EVERY:g} s apart (use e.g. 30s, 10m)"
        )
    return seconds


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


def add_commands(subparsers: Any) -> None:
    """Add the ``watch`` command to the ``newsdesk`` sub-command parsers.

    Args:
        subparsers: What ``ArgumentParser.add_subparsers()`` returned.
    """
    watch = subparsers.add_parser(
        "watch",
        help="poll RSS/Atom feeds and ingest new articles until stopped",
        description="Poll FEEDs (RSS/Atom URLs, OPML lists as files or .opml URLs) every --every, fetch the "
        "articles of new items politely (robots.txt, one request per host per --min-interval), store them "
        "and update the stories. Stop with Ctrl-C; a restart on the same --db resumes without re-fetching.",
    )
    watch.add_argument("feeds", nargs="+", metavar="FEED", help="feed URL, OPML file or .opml URL")
    watch.add_argument(
        "--every",
        type=_interval,
        default=DEFAULT_EVERY,  # a string default goes through `type` only when watch is parsed
        metavar="DURATION",
        help=f"time between rounds: 30s, 10m, 1h, 1h30m, at least {MIN_EVERY:g}s (default {DEFAULT_EVERY})",
    )
    watch.add_argument(
        "--db",
        default=None,
        help=f"database: SQLite file or postgresql:// URL (default ${{NEWSDESK_DB}} or {DEFAULT_DB})",
    )
    rounds = watch.add_mutually_exclusive_group()
    rounds.add_argument("--once", action="store_true", help="run one round and exit")
    rounds.add_argument("--max-rounds", type=_positive_int, metavar="N", help="stop after N rounds")
    watch.add_argument(
        "--min-interval",
        type=_seconds,
        default=None,
        metavar="SECONDS",
        help="seconds between two requests to the same host (default 1)",
    )
    watch.add_argument(
        "--timeout", type=_seconds, default=None, metavar="SECONDS", help="connect and read time-out (default 10)"
    )


_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Ctrl-C and SIGTERM: the first sets ``stop``, the second raises KeyboardInterrupt.

    Setting ``stop`` lets the round store what it fetched (see
    :func:`newsdesk.monitor.watch`). Handlers can only be installed in the
    main thread; elsewhere the signals keep their usual effect.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        # A signal that comes while stderr is being written to makes this write reentrant: refused, not fatal.
        with contextlib.suppress(RuntimeError):
            print(
                "newsdesk: stopping: storing what this round fetched (Ctrl-C again to stop at once)",
                file=sys.stderr,
                flush=True,
            )

    previous = {signum: signal.signal(signum, interrupt) for signum in _STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run ``newsdesk watch``; returns the exit code."""
    from newsdesk.ingest.web import FetchSettings
    from newsdesk.monitor import RoundReport, WatchReport, watch
    from newsdesk.report.markdown import escape_controls
    from newsdesk.storage import open_store

    fetch = FetchSettings()
    if args.min_interval is not None:
        fetch = dataclasses.replace(fetch, min_interval=args.min_interval)
    if args.timeout is not None:
        fetch = dataclasses.replace(fetch, connect_timeout=args.timeout, read_timeout=args.timeout)
    rounds = 1 if args.once else args.max_rounds
    quiet = bool(getattr(args, "quiet", False))
    stop = threading.Event()
    problems = 0

    def on_round(report: RoundReport) -> None:
        nonlocal problems
        problems += len(report.problems)
        for problem in report.problems:
            print(
                f"newsdesk: skipped {escape_controls(problem.path)}: {escape_controls(problem.reason)}",
                file=sys.stderr,
            )
        if not quiet:
            print(f"newsdesk: {report.summary()}", file=sys.stderr, flush=True)

    total = WatchReport()
    with open_store(args.db or os.environ.get("NEWSDESK_DB", DEFAULT_DB)) as store, _stop_on_signals(stop):
        try:
            total = watch(
                args.feeds,
                store,
                settings,
                every=args.every,
                rounds=rounds,
                stop=stop,
                fetch=fetch,
                on_round=on_round,
            )
        except KeyboardInterrupt:
            # Everything stored so far is committed; a restart resumes from there.
            print("newsdesk: watch stopped", file=sys.stderr)
            return 0
    if not quiet:
        print(
            f"newsdesk: {total.rounds} round(s), {total.added} article(s) added, {total.problems} problem(s)",
            file=sys.stderr,
        )
    if stop.is_set():
        print("newsdesk: watch stopped", file=sys.stderr)
        return 0
    return 1 if problems and rounds is not None else 0

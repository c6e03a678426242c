"""The ``newsdesk watch`` command: a thin shell over :func:`newsdesk.monitor.watch`.

Exit codes: 0 when the watch ran its rounds without problems or was stopped
(Ctrl-C, SIGTERM); 1 when ``--once``/``--max-rounds`` rounds met problems
(each printed on stderr); 2 when it could not run.
"""

from __future__ import annotations

import argparse
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


def _interval(text: str) -> float:
    from newsdesk.monitor import parse_interval

    try:
        return parse_interval(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


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
        help=f"time between rounds: 30s, 10m, 1h, 1h30m (default {DEFAULT_EVERY})",
    )
    watch.add_argument("--db", default=None, help=f"SQLite database (default ${{NEWSDESK_DB}} or {DEFAULT_DB})")
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


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGTERM ends the watch like Ctrl-C does: by raising KeyboardInterrupt (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        stop.set()
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run ``newsdesk watch``; returns the exit code."""
    from newsdesk.ingest.web import FetchSettings
    from newsdesk.monitor import RoundReport, WatchReport, watch
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
            print(f"newsdesk: skipped {problem.path}: {problem.reason}", file=sys.stderr)
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
    return 1 if problems and rounds is not None else 0

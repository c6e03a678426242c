"""Watch feeds: poll them on a schedule, ingest new items, keep the stories up to date.

One round of :func:`watch`:

1. Expand OPML lists (local ``.opml`` files, ``.opml`` URLs) into their feeds.
2. Poll each feed with a conditional GET (the ``ETag``/``Last-Modified`` of
   the previous poll, kept in the store); a 304 costs one small request.
3. Keep the items not handled before (item ids and links are kept in the
   store per feed), fetch their article pages, clean the feed's new pages
   together (outlet templates are learned across them) and store each article
   on its own: every article is committed as soon as it is stored, and the
   item is marked as handled only after that.
4. Save the feed's validators last. When an item failed for a reason that
   may pass (time-out, 5xx, site unreachable) the old validators are kept,
   so the next round reads the whole feed again and retries the item.
5. When anything new was stored (or an interrupted round left articles in no
   story), bring the analysis up to date: only the new articles are enriched
   and only the stories they join are compared again.

Every step is committed before the next, so a watcher killed at any point
(Ctrl-C, SIGTERM, power loss) loses no stored article, and a restart on the
same database neither re-fetches nor re-ingests what it already has. A round
asked to stop (the ``stop`` event) sends no new request, but still cleans and
stores the pages it has fetched and marks their items; it skips the analysis.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from newsdesk.enrich import Enricher
from newsdesk.errors import InputError
from newsdesk.ingest.feeds import Feed, FeedItem, expand_feed_list, item_document, poll_feed
from newsdesk.ingest.web import FetchCancelled, Fetcher, FetchError, FetchSettings
from newsdesk.model import Problem, RawDocument
from newsdesk.pipeline import analysis_status, clean_documents, update_store
from newsdesk.settings import Settings
from newsdesk.storage import Store
from newsdesk.storage.base import FeedState, utc_now

logger = logging.getLogger(__name__)

_INTERVAL_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|sec|m|min|h|d)?", re.IGNORECASE)
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "sec": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0, "d": 86400.0}


def parse_interval(text: str) -> float:
    """Parse a duration such as ``"10m"``, ``"30s"``, ``"1h"``, ``"1h30m"`` or ``"90"`` (seconds).

    Returns:
        Seconds.

    Raises:
        ValueError: The text is not a duration.
    """
    compact = text.strip().replace(" ", "")
    if not compact:
        raise ValueError("empty duration")
    total, position = 0.0, 0
    while position < len(compact):
        match = _INTERVAL_PART.match(compact, position)
        if match is None or match.end() == position:
            raise ValueError(f"not a duration: {text!r} (use e.g. 30s, 10m, 1h, 1h30m)")
        total += float(match.group(1)) * _UNIT_SECONDS[(match.group(2) or "s").lower()]
        position = match.end()
    return total


@dataclass(slots=True, kw_only=True)
class RoundReport:
    """What one polling round did.

    Attributes:
        number: 1 for the first round of a :func:`watch` call.
        feeds: Feeds polled.
        not_modified: Feeds that answered 304 Not Modified.
        new_items: Items not handled before.
        added: Ids of the articles stored for the first time.
        problems: Feeds and items that failed, with their reasons.
        stories: Number of stories after the analysis (None when it did not run).
        seconds: Duration of the round.
        interrupted: The round was stopped before it finished.
    """

    number: int
    feeds: int = 0
    not_modified: int = 0
    new_items: int = 0
    added: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    stories: int | None = None
    seconds: float = 0.0
    interrupted: bool = False

    def summary(self) -> str:
        """One line for logs: ``round 2: 3 feeds (1 unchanged), 4 new items, 3 articles added, ...``."""
        parts = [
            f"round {self.number}: {self.feeds} feed(s) ({self.not_modified} unchanged)",
            f"{self.new_items} new item(s)",
            f"{len(self.added)} article(s) added",
            f"{len(self.problems)} problem(s)",
        ]
        if self.stories is not None:
            parts.append(f"{self.stories} stories")
        parts.append(f"{self.seconds:.1f} s")
        return ", ".join(parts) + (" (interrupted)" if self.interrupted else "")


@dataclass(slots=True, kw_only=True)
class WatchReport:
    """Totals of a :func:`watch` call (per-round details go to ``on_round``)."""

    rounds: int = 0
    added: int = 0
    problems: int = 0
    last: RoundReport | None = None


def _item_keys(item: FeedItem) -> list[str]:
    return [key for key in dict.fromkeys((item.id, item.url)) if key]


class _Round:
    """The state of one polling round (see the module docstring)."""

    def __init__(
        self,
        report: RoundReport,
        store: Store,
        settings: Settings,
        fetcher: Fetcher,
        stop: threading.Event | None,
    ) -> None:
        self.report = report
        self.store = store
        self.settings = settings
        self.fetcher = fetcher
        self.stop = stop
        self.fetched: set[str] = set()
        """Article URLs fetched this round (feeds often share items)."""

    def stopped(self) -> bool:
        if self.stop is not None and self.stop.is_set():
            self.report.interrupted = True
            return True
        return False

    def poll(self, url: str) -> None:
        """Poll one feed and ingest its new items."""
        report, store = self.report, self.store
        state = store.feed_state(url) or FeedState(url=url)
        report.feeds += 1
        try:
            poll = poll_feed(self.fetcher, url, etag=state.etag, last_modified=state.last_modified)
        except FetchCancelled:
            self.stopped()
            return
        except InputError as error:
            report.problems.append(Problem(path=url, reason=error.reason))
            return
        if poll.feed is None:
            report.not_modified += 1
            state.last_polled = utc_now()
            store.save_feed_state(state)
            return
        feed = poll.feed
        if feed.error:
            report.problems.append(Problem(path=url, reason=feed.error))
        complete = self.ingest_items(url, feed)
        state.title = feed.title or state.title
        state.last_polled = utc_now()
        if complete:
            state.etag, state.last_modified = poll.etag, poll.last_modified
        # Saved after the articles: a watcher killed before this line polls the whole feed again.
        store.save_feed_state(state)

    def ingest_items(self, url: str, feed: Feed) -> bool:
        """Fetch, clean and store a feed's new items.

        Returns:
            Whether every new item was handled for good (else the feed must be read again).
        """
        report, store = self.report, self.store
        seen = store.seen_items(url)
        new: list[FeedItem] = []
        for item in feed.items:
            if not any(key in seen for key in _item_keys(item)):
                new.append(item)
                seen.update(_item_keys(item))  # repeated items count once
        report.new_items += len(new)
        complete = True
        pages: list[tuple[FeedItem, RawDocument]] = []
        for item in new:
            if self.stopped():
                complete = False
                break  # the pages fetched so far are still stored below
            if item.url is not None and item.url in self.fetched:
                store.mark_seen(url, _item_keys(item))
                continue
            try:
                pages.append((item, item_document(self.fetcher, feed, item)))
            except FetchCancelled:
                self.stopped()
                complete = False  # the item is fetched next time
                break
            except InputError as error:
                report.problems.append(Problem(path=error.path, reason=error.reason))
                if isinstance(error, FetchError) and error.transient:
                    complete = False  # tried again next round
                    continue
                store.mark_seen(url, _item_keys(item))
            if item.url is not None:
                self.fetched.add(item.url)
        if not pages:
            return complete
        articles, problems = clean_documents([page for _, page in pages], self.settings)
        report.problems.extend(problems)
        by_path = {article.path: article for article in articles}
        for item, page in pages:
            article = by_path.get(page.path)
            if article is not None:
                # Committed at once; the item is marked only after its article is stored.
                report.added.extend(store.add_articles([article]))
            store.mark_seen(url, _item_keys(item))
        return complete


def poll_round(
    feeds: Sequence[str],
    store: Store,
    settings: Settings,
    fetcher: Fetcher,
    *,
    number: int = 1,
    stop: threading.Event | None = None,
    enricher: Enricher | None = None,
) -> RoundReport:
    """Run one polling round over ``feeds`` (steps 1-5 of the module docstring).

    Args:
        feeds: Feed URLs and OPML lists (files or ``.opml`` URLs).
        store: Where articles and the watch state are kept.
        settings: Cleaning and analysis settings.
        fetcher: The fetcher of the watch (it keeps robots.txt rules and rate limits).
        number: The round's number, for the report.
        stop: When set, the round sends no new request, stores the pages
            fetched so far and ends (no analysis).
        enricher: Reused across rounds so the language models load once.

    Returns:
        The round's report (also logged as one line).
    """
    started = time.monotonic()
    report = RoundReport(number=number)
    state = _Round(report, store, settings, fetcher, stop)
    urls, problems = expand_feed_list(feeds, fetcher, settings.ingest)
    report.problems.extend(problems)
    for url in urls:
        if state.stopped():
            break
        state.poll(url)
    if report.new_items or report.problems:
        store.record_run(
            command=f"watch round {number}",
            inputs=report.new_items,
            added=len(report.added),
            problems=report.problems,
        )
    if not report.interrupted and (report.added or analysis_status(store).pending):
        report.stories = update_store(store, settings, enricher=enricher).stories
    report.seconds = time.monotonic() - started
    logger.info("%s", report.summary())
    for problem in report.problems:
        logger.debug("skipped %s: %s", problem.path, problem.reason)
    return report


def watch(
    feeds: Sequence[str],
    store: Store,
    settings: Settings = Settings(),
    *,
    every: float = 600.0,
    rounds: int | None = None,
    stop: threading.Event | None = None,
    fetch: FetchSettings = FetchSettings(),
    enricher: Enricher | None = None,
    on_round: Callable[[RoundReport], None] | None = None,
) -> WatchReport:
    """Poll feeds every ``every`` seconds, ingesting and analysing new articles.

    Rounds start on a fixed schedule (a round that takes longer than
    ``every`` is followed at once by the next). State lives in the store, so a
    watch that is stopped and started again resumes where it was.

    Args:
        feeds: Feed URLs and OPML lists (files or ``.opml`` URLs).
        store: Where articles and the watch state are kept.
        settings: Ingest, cleaning and analysis settings.
        every: Seconds from the start of one round to the start of the next.
        rounds: Stop after this many rounds; None to run until stopped.
        stop: Set it (from another thread or a signal handler) to stop after
            the request in flight, or during the wait between rounds: the pages
            fetched so far are still stored, the analysis is skipped.
        fetch: Politeness and limits of the fetcher.
        enricher: Reused for every analysis (language models load once); made
            on first need when None.
        on_round: Called with each round's report.

    Returns:
        The totals of the rounds run.

    Raises:
        ValueError: ``every`` is negative, or zero without a number of rounds
            (the watch would poll in a tight loop).
        KeyboardInterrupt: Passed on as is; everything committed before it is
            kept, and the next watch resumes from there.
    """
    if every < 0 or (every == 0 and rounds is None):
        raise ValueError("every must be positive when the watch runs until stopped")
    total = WatchReport()
    # The stop event also cancels the fetcher: no new request, waits cut short.
    with Fetcher(fetch, cancel=stop) as fetcher:
        number = 0
        while rounds is None or number < rounds:
            if stop is not None and stop.is_set():
                break
            number += 1
            started = time.monotonic()
            if enricher is None:
                enricher = Enricher(settings.enrich)  # models load lazily, on the first analysis
            report = poll_round(feeds, store, settings, fetcher, number=number, stop=stop, enricher=enricher)
            total.rounds, total.last = number, report
            total.added += len(report.added)
            total.problems += len(report.problems)
            if on_round is not None:
                on_round(report)
            if report.interrupted or (rounds is not None and number >= rounds):
                break
            wait = max(0.0, started + every - time.monotonic())
            if stop is not None:
                if stop.wait(wait):
                    break
            elif wait:
                time.sleep(wait)
    return total

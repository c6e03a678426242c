"""Ingest: read PATH arguments into raw documents, reporting every bad input.

>>> for item in iter_documents(["articles/", "feed.jsonl"]):  # doctest: +SKIP
...     print(item)
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, BinaryIO

from newsdesk.ingest.readers import format_for, read_documents
from newsdesk.ingest.sources import (
    DEFAULT_SETTINGS,
    IngestSettings,
    expand_paths,
    input_kind,
    read_line_blocks,
    read_source,
)
from newsdesk.model import Problem, RawDocument

if TYPE_CHECKING:
    from newsdesk.ingest.web import Fetcher

__all__ = ["IngestSettings", "iter_documents"]


def iter_documents(
    paths: Sequence[str],
    settings: IngestSettings = DEFAULT_SETTINGS,
    *,
    stdin: BinaryIO | None = None,
    fetcher: Fetcher | None = None,
) -> Iterator[RawDocument | Problem]:
    """Yield the raw documents of all inputs, and a problem for each bad one.

    1. Expand the paths: files, directories (recursive, sorted, hidden entries
       skipped) and ``-`` for standard input.
    2. Read each input's bytes, refusing special and oversized files before
       reading them.
    3. Decode and split them by format: ``.txt``/``.text``/``.md`` plain text,
       ``.html``/``.htm``/``.xhtml`` HTML pages (kept as HTML), ``.jsonl``/
       ``.ndjson`` one article per line; standard input and files without a
       suffix are sniffed.
    4. ``http://``/``https://`` URLs are fetched politely (robots.txt, rate
       limit, size and time limits): a feed yields the article page of each
       item, an OPML list the items of all its feeds, a page itself.
       ``.warc``/``.warc.gz`` archives yield their HTML 200 responses and
       ``.opml`` files the items of the feeds they list.

    Never raises for a bad input: it yields a :class:`Problem` with a short
    reason ("empty file", "binary file (looks like PDF)", "file too large:
    52.4 MB > 20.0 MB limit", ...) and goes on. Documents are produced lazily,
    one input in memory at a time.

    Args:
        paths: PATH arguments as given on the command line.
        settings: Size limit and accepted suffixes.
        stdin: Binary stream read for ``-``; defaults to ``sys.stdin.buffer``.
        fetcher: Fetches URLs; when None and a URL (or OPML file) is met, one
            with the default :class:`~newsdesk.ingest.web.FetchSettings` is
            made for this call and closed at its end.

    Yields:
        :class:`RawDocument` and :class:`Problem` items in input order.
    """
    owned: Fetcher | None = None
    try:
        for path in paths:
            kind = input_kind(path)
            if kind == "path":
                yield from _iter_local(path, settings, stdin)
            elif kind == "warc":
                from newsdesk.ingest.warc import iter_warc

                yield from iter_warc(path, settings)
            else:
                from newsdesk.ingest.feeds import iter_opml_file, iter_url
                from newsdesk.ingest.web import Fetcher

                if fetcher is None:
                    fetcher = owned = Fetcher()
                if kind == "url":
                    yield from iter_url(path, fetcher, settings)
                else:
                    yield from iter_opml_file(path, fetcher, settings)
    finally:
        if owned is not None:
            owned.close()


def _iter_local(path: str, settings: IngestSettings, stdin: BinaryIO | None) -> Iterator[RawDocument | Problem]:
    """Yield the documents of one local PATH argument (file, directory or ``-``)."""
    for item in expand_paths([path], settings):
        if isinstance(item, Problem):
            yield item
            continue
        stream = stdin
        if item.is_stdin and stream is None:
            # sys.stdin is None when Python runs without a console.
            stream = getattr(sys.stdin, "buffer", None)
        fmt = None if item.is_stdin else format_for(item.path)
        if fmt == "jsonl" and _larger_than(item.path, settings.max_bytes):
            # A JSONL export is a container: its limit holds per record, so it is read in blocks of lines.
            for block in read_line_blocks(item, settings):
                if isinstance(block, Problem):
                    yield block
                else:
                    yield from read_documents(item.path, block[1], fmt, first_line=block[0])
            continue
        data = read_source(item, settings, stream)
        if isinstance(data, Problem):
            yield data
            continue
        yield from read_documents(item.path, data, fmt)


def _larger_than(path: str, limit: int) -> bool:
    """Whether a regular file holds more than ``limit`` bytes (False when it cannot be told)."""
    try:
        info = os.stat(path)
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and info.st_size > limit

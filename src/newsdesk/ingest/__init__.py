"""Ingest: read PATH arguments into raw documents, reporting every bad input.

>>> for item in iter_documents(["articles/", "feed.jsonl"]):  # doctest: +SKIP
...     print(item)
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from typing import BinaryIO

from newsdesk.ingest.readers import format_for, read_documents
from newsdesk.ingest.sources import DEFAULT_SETTINGS, IngestSettings, expand_paths, read_source
from newsdesk.model import Problem, RawDocument

__all__ = ["IngestSettings", "iter_documents"]


def iter_documents(
    paths: Sequence[str],
    settings: IngestSettings = DEFAULT_SETTINGS,
    *,
    stdin: BinaryIO | None = None,
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

    Never raises for a bad input: it yields a :class:`Problem` with a short
    reason ("empty file", "binary file (looks like PDF)", "file too large:
    52.4 MB > 20.0 MB limit", ...) and goes on. Documents are produced lazily,
    one input in memory at a time.

    Args:
        paths: PATH arguments as given on the command line.
        settings: Size limit and accepted suffixes.
        stdin: Binary stream read for ``-``; defaults to ``sys.stdin.buffer``.

    Yields:
        :class:`RawDocument` and :class:`Problem` items in input order.
    """
    for item in expand_paths(paths, settings):
        if isinstance(item, Problem):
            yield item
            continue
        stream = stdin
        if item.is_stdin and stream is None:
            # sys.stdin is None when Python runs without a console.
            stream = getattr(sys.stdin, "buffer", None)
        data = read_source(item, settings, stream)
        if isinstance(data, Problem):
            yield data
            continue
        fmt = None if item.is_stdin else format_for(item.path)
        yield from read_documents(item.path, data, fmt)

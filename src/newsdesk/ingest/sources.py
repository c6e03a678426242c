"""Expand PATH arguments into the inputs to read, and read their bytes safely.

A PATH is a file, a directory (walked recursively in sorted order, hidden
entries skipped) or ``-`` for standard input. Nothing here raises for a bad
path: every failure becomes a :class:`~newsdesk.model.Problem` with a short,
specific reason, and the caller goes on with the next input.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Literal

from newsdesk.model import Problem

STDIN = "-"

DEFAULT_EXTENSIONS = frozenset({".txt", ".text", ".md", ".html", ".htm", ".xhtml", ".jsonl", ".ndjson"})


@dataclass(slots=True, kw_only=True, frozen=True)
class IngestSettings:
    """What ingest accepts.

    Attributes:
        max_bytes: Larger inputs are rejected (checked before reading them); a larger
            JSONL file is read in blocks of lines, and the limit holds for each line.
        max_chars: A cleaned article longer than this is refused with its length: it
            is a book or a dump, not an article, and parsing it would need
            gigabytes (spaCy's parser needs ~1 GB per 100,000 characters).
        chunk_size: Inputs read, cleaned and stored together: memory stays bounded
            whatever the batch, and a run stopped midway keeps the chunks it
            stored. Each chunk learns its outlets' template lines on its own.
        extensions: Lower-case file suffixes read as articles. Inside directories
            other files are skipped silently; a file named explicitly with another
            suffix is reported as unsupported. A suffix without a known format
            (e.g. ``.markdown`` added here) is read by sniffing its content.
    """

    max_bytes: int = 20_000_000
    max_chars: int = 300_000
    chunk_size: int = 1000
    extensions: frozenset[str] = field(default=DEFAULT_EXTENSIONS)


DEFAULT_SETTINGS = IngestSettings()


@dataclass(slots=True, kw_only=True, frozen=True)
class Source:
    """One input to read: a file path, or ``-`` for standard input."""

    path: str
    explicit: bool
    """Named on the command line (rather than found in a directory)."""

    @property
    def is_stdin(self) -> bool:
        """Whether this input is standard input."""
        return self.path == STDIN


InputKind = Literal["url", "warc", "opml", "path"]


def input_kind(path: str) -> InputKind:
    """Say how a PATH argument is read.

    ``http://``/``https://`` URLs are fetched (feed, OPML list or page),
    ``.warc``/``.warc.gz`` files are web archives, ``.opml`` files are feed
    lists; everything else is a local file, directory or ``-``.
    """
    if path[:8].lower().startswith(("http://", "https://")):
        return "url"
    lower = path.lower()
    if lower.endswith((".warc", ".warc.gz")):
        return "warc"
    if lower.endswith(".opml"):
        return "opml"
    return "path"


def format_size(size: int) -> str:
    """Return a byte count for humans, in decimal units: ``"52.4 MB"``."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


def os_error_reason(error: OSError) -> str:
    """Return a short reason for an :class:`OSError` met reading an input."""
    if error.errno == errno.ENOENT:
        return "no such file or directory"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "cannot read: permission denied"
    if error.errno is not None:
        return f"cannot read: {os.strerror(error.errno).lower()}"
    return f"cannot read: {error}"


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "named pipe"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "special file"


def _suffix(path: str) -> str:
    return Path(path).suffix.lower()


def expand_paths(paths: Sequence[str], settings: IngestSettings = DEFAULT_SETTINGS) -> Iterator[Source | Problem]:
    """Expand PATH arguments into sources, in order.

    1. ``-`` is standard input.
    2. A directory is walked recursively in sorted order; hidden files and
       directories and symbolic links to directories are skipped, and so are
       files whose suffix is not in ``settings.extensions``. A directory that
       yields no source at all is reported once.
    3. Any other path must exist; a file named explicitly with an unknown
       suffix is reported as unsupported (one without a suffix is sniffed).

    Files are not opened here; :func:`read_source` checks their type and size.

    Args:
        paths: The PATH arguments as given.
        settings: The accepted suffixes.

    Yields:
        A :class:`Source` per input, or a :class:`Problem` per bad path.
    """
    for path in paths:
        if path == STDIN:
            yield Source(path=STDIN, explicit=True)
            continue
        try:
            info = os.stat(path)
        except OSError as error:
            yield Problem(path=path, reason=os_error_reason(error))
            continue
        if stat.S_ISDIR(info.st_mode):
            found = False
            for item in _walk(path, settings):
                found = found or isinstance(item, Source)
                yield item
            if not found:
                yield Problem(path=path, reason="directory contains no article files")
            continue
        suffix = _suffix(path)
        if suffix and suffix not in settings.extensions:
            yield Problem(path=path, reason=f"unsupported file type {suffix}")
            continue
        yield Source(path=path, explicit=True)


def _walk(directory: str, settings: IngestSettings) -> Iterator[Source | Problem]:
    """Yield the article files under ``directory``, depth first, sorted by name."""
    try:
        with os.scandir(directory) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as error:
        yield Problem(path=directory, reason=os_error_reason(error))
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            is_dir, is_link = entry.is_dir(), entry.is_symlink()
        except OSError:
            is_dir = is_link = False
        if is_dir:
            # Links to directories are not followed: they can form cycles.
            if not is_link:
                yield from _walk(entry.path, settings)
        elif _suffix(entry.name) in settings.extensions:
            # Links to files are followed; read_source reports broken ones.
            yield Source(path=entry.path, explicit=False)


def read_line_blocks(source: Source, settings: IngestSettings) -> Iterator[tuple[int, bytes] | Problem]:
    """Read a large file of one record per line (JSONL) in blocks of whole lines.

    Such a file is a container: the size limit holds for each record, not for
    the file, so an export of any size streams through in bounded memory. Each
    block holds whole lines and at most ``max_bytes`` bytes; a line longer than
    that is reported with its number and skipped. Blocks of blank lines alone
    are not yielded.

    Args:
        source: A regular file (not standard input).
        settings: The size limit of a block and of a line.

    Yields:
        ``(number of the block's first line, bytes)``, or a :class:`Problem`.
    """
    limit = settings.max_bytes
    try:
        with open(source.path, "rb") as handle:
            block: list[bytes] = []
            size, first, lineno, content = 0, 1, 0, False
            while True:
                line = handle.readline(limit + 1)
                if not line:
                    break
                lineno += 1
                if len(line) > limit and not line.endswith(b"\n"):
                    yield Problem(path=source.path, reason=f"line {lineno} too large: more than {format_size(limit)}")
                    while line and not line.endswith(b"\n"):
                        line = handle.readline(1 << 20)
                    line = b"\n"
                if size + len(line) > limit and block:
                    if content:
                        yield first, b"".join(block)
                    block, size, first, content = [], 0, lineno, False
                block.append(line)
                size += len(line)
                content = content or bool(line.strip())
            if block and content:
                yield first, b"".join(block)
    except OSError as error:
        yield Problem(path=source.path, reason=os_error_reason(error))


def read_source(source: Source, settings: IngestSettings, stdin: BinaryIO | None) -> bytes | Problem:
    """Read the bytes of one source, refusing non-regular and oversized files.

    The size is checked with ``stat`` before anything is read, and at most
    ``max_bytes + 1`` bytes are ever read (a file may grow; stdin has no size).

    Args:
        source: What to read.
        settings: The size limit.
        stdin: Standard input as a binary stream (for ``-``).

    Returns:
        The bytes (possibly empty), or a :class:`Problem`.
    """
    limit = settings.max_bytes
    if source.is_stdin:
        if stdin is None:
            return Problem(path=source.path, reason="no standard input available")
        try:
            data = stdin.read(limit + 1)
        except OSError as error:
            return Problem(path=source.path, reason=os_error_reason(error))
        if len(data) > limit:
            return Problem(path=source.path, reason=f"input too large: more than {format_size(limit)} limit")
        return data
    try:
        info = os.stat(source.path)
        if stat.S_ISDIR(info.st_mode):
            return Problem(path=source.path, reason="cannot read: is a directory")
        if not stat.S_ISREG(info.st_mode):
            # Opening a FIFO would block until someone writes to it.
            return Problem(path=source.path, reason=f"not a regular file ({_file_kind(info.st_mode)})")
        if info.st_size > limit:
            return Problem(
                path=source.path,
                reason=f"file too large: {format_size(info.st_size)} > {format_size(limit)} limit",
            )
        with open(source.path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        return Problem(path=source.path, reason=os_error_reason(error))
    if len(data) > limit:
        return Problem(path=source.path, reason=f"file too large: more than {format_size(limit)} limit")
    return data

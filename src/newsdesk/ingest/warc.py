"""WARC archives: the HTML pages a crawl captured.

Web archives (``.warc`` and ``.warc.gz``, as written by wget, Heritrix,
Browsertrix or warcio) hold request, response, metadata and revisit records.
Only **response** records of an HTTP **200** answer with an **HTML** content
type are articles; everything else is skipped silently. Each page becomes a
:class:`~newsdesk.model.RawDocument` with ``is_html=True``, ``url`` the
record's target URI and ``path`` ``"<archive>#<record id>"`` (the byte offset
when the record has no id), so a problem names the exact record.

The archive is streamed record by record (archives are often gigabytes); each
page is subject to the ingest size limit. A damaged or truncated archive
yields the pages before the damage and one problem.
"""

from __future__ import annotations

import logging
import os
import stat
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from newsdesk.errors import InputError
from newsdesk.ingest.sources import DEFAULT_SETTINGS, IngestSettings, format_size, os_error_reason
from newsdesk.ingest.web import HTML_TYPES, decode_page, parse_content_type
from newsdesk.model import Problem, RawDocument

logger = logging.getLogger(__name__)

WARC_SUFFIXES = (".warc", ".warc.gz")
NOT_WARC = "not a WARC archive (no WARC/1.x record header)"


def is_warc_path(path: str) -> bool:
    """Whether a path names a WARC archive by its suffix (``.warc``, ``.warc.gz``)."""
    return path.lower().endswith(WARC_SUFFIXES)


def iter_warc(path: str, settings: IngestSettings = DEFAULT_SETTINGS) -> Iterator[RawDocument | Problem]:
    """Yield the HTML pages of a WARC file, and a problem for each bad record or archive.

    Args:
        path: A ``.warc`` or ``.warc.gz`` file.
        settings: ``max_bytes`` limits each page (not the archive).

    Yields:
        One :class:`RawDocument` per HTML 200 response; :class:`Problem` items
        for a missing or unreadable file, a file that is not a WARC archive,
        damage, oversized or undecodable pages, and an archive without any
        HTML response.
    """
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            yield Problem(path=path, reason="cannot read: is a directory")
            return
        if not stat.S_ISREG(info.st_mode):
            yield Problem(path=path, reason="cannot read: not a regular file")
            return
        handle = open(path, "rb")  # noqa: SIM115 - closed below, after the generator is done
    except OSError as error:
        yield Problem(path=path, reason=os_error_reason(error))
        return
    with handle:
        yield from iter_warc_stream(handle, path, settings)


def iter_warc_stream(
    stream: BinaryIO, path: str, settings: IngestSettings = DEFAULT_SETTINGS
) -> Iterator[RawDocument | Problem]:
    """Yield the HTML pages of a WARC archive read from a binary stream.

    Args:
        stream: The archive's bytes (gzip-compressed or not).
        path: The archive's name, for paths and problems.
        settings: ``max_bytes`` limits each page.
    """
    records = pages = 0
    archive = ArchiveIterator(stream)
    try:
        for record in archive:
            if record.format != "warc":
                # warcio also reads ARC files, and takes almost any text for one.
                yield Problem(path=path, reason=NOT_WARC)
                return
            records += 1
            offset = archive.offset
            item = _record_document(record, path, offset, settings.max_bytes)
            archive.read_to_end()
            if getattr(record.raw_stream, "limit", 0) > 0:
                # The record's Content-Length promised more bytes than the file holds.
                reason = f"truncated WARC archive: record {records} ends early"
                yield Problem(path=path, reason=reason)
                return
            if item is not None:
                pages += isinstance(item, RawDocument)
                yield item
    except ArchiveLoadFailed as error:
        if records == 0:
            yield Problem(path=path, reason=NOT_WARC)
        else:
            # warcio's message quotes the bad bytes; keep the first words only.
            reason = (str(getattr(error, "msg", "") or error).strip().splitlines() or ["unreadable record"])[0]
            reason = reason.split(",")[0][:80]
            yield Problem(path=path, reason=f"damaged WARC archive after {records} record(s): {reason}")
        return
    except (EOFError, zlib.error, OSError, ValueError) as error:
        yield Problem(path=path, reason=f"damaged or truncated WARC archive after {records} record(s): {error}")
        return
    finally:
        archive.close()
    if records == 0:
        yield Problem(path=path, reason="empty WARC archive")
    elif pages == 0:
        yield Problem(
            path=path, reason=f"no HTML page in WARC archive ({records} record(s), none an HTML 200 response)"
        )
    logger.info("%s: %d HTML page(s) in %d record(s)", path, pages, records)


def _record_document(record: object, path: str, offset: int, max_bytes: int) -> RawDocument | Problem | None:
    """The document of one record, a problem, or None when the record is not an HTML page."""
    rec_type = getattr(record, "rec_type", None)
    http_headers = getattr(record, "http_headers", None)
    if rec_type != "response" or http_headers is None:
        return None
    if http_headers.get_statuscode() != "200":
        return None
    media_type, charset = parse_content_type(http_headers.get_header("Content-Type"))
    if media_type not in HTML_TYPES:
        return None
    rec_headers = record.rec_headers  # type: ignore[attr-defined]
    record_id = (rec_headers.get_header("WARC-Record-ID") or "").strip().strip("<>")
    name = f"{path}#{record_id or offset}"
    url = rec_headers.get_header("WARC-Target-URI") or None
    data = record.content_stream().read(max_bytes + 1)  # type: ignore[attr-defined]
    if len(data) > max_bytes:
        return Problem(path=name, reason=f"page too large: more than {format_size(max_bytes)} limit")
    if not data.strip():
        return Problem(path=name, reason="empty page")
    try:
        decoded = decode_page(data, name, charset)
    except InputError as error:
        return Problem(path=name, reason=error.reason)
    return RawDocument(path=name, body=decoded.text, is_html=True, url=url, encoding=decoded.encoding)

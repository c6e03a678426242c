"""Turn the bytes of one input into raw documents, per format.

Formats:

- ``text`` (``.txt``, ``.text``, ``.md``): one article in the ``.txt`` layout
  (title on line 1, paragraphs separated by blank lines), kept as is.
- ``html`` (``.html``, ``.htm``, ``.xhtml``): one page, kept as HTML for
  :func:`newsdesk.clean.html.extract_html`.
- ``jsonl`` (``.jsonl``, ``.ndjson``): one article per line, an object with
  ``title``, ``text`` or ``html``, ``url``, ``published``, ``source``, ``author``.

Inputs without a known suffix (standard input, a file without extension) are
sniffed with :func:`sniff_format`.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from newsdesk.errors import InputError
from newsdesk.ingest.encoding import decode_bytes
from newsdesk.model import PARAGRAPH_SEPARATOR, Problem, RawDocument

logger = logging.getLogger(__name__)

Format = Literal["text", "html", "jsonl"]

FORMAT_BY_SUFFIX: Mapping[str, Format] = MappingProxyType(
    {
        ".txt": "text",
        ".text": "text",
        ".md": "text",
        ".html": "html",
        ".htm": "html",
        ".xhtml": "html",
        ".jsonl": "jsonl",
        ".ndjson": "jsonl",
    }
)

_HTML_MARKER = re.compile(r"<(?:html|body|p)[\s>/]", re.IGNORECASE)
# JSON may escape half a surrogate pair ("\ud800"): such a string cannot be encoded, hashed or stored.
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def format_for(path: str) -> Format | None:
    """Return the format a path's suffix names, or ``None`` to sniff."""
    return FORMAT_BY_SUFFIX.get(Path(path).suffix.lower())


def sniff_format(text: str) -> Format:
    """Guess the format of decoded text.

    HTML when it starts with ``<`` and has an ``<html``, ``<body`` or ``<p``
    tag; JSONL when every non-blank line is a JSON object; else plain text.
    """
    if text.lstrip().startswith("<") and _HTML_MARKER.search(text):
        return "html"
    lines = [line for line in text.split("\n") if line.strip()]
    if lines and all(_is_json_object(line) for line in lines):
        return "jsonl"
    return "text"


def _is_json_object(line: str) -> bool:
    if not line.lstrip().startswith("{"):
        return False
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False
    except RecursionError:
        # An object nested too deeply to parse is still meant as a JSONL line:
        # read_jsonl reports it rather than the cleaner reading it as an article.
        return True


def read_documents(
    path: str, data: bytes, fmt: Format | None = None, *, first_line: int = 1
) -> Iterator[RawDocument | Problem]:
    """Decode one input and yield its documents.

    Args:
        path: The input's path as shown to users (``-`` for standard input).
        data: Its bytes.
        fmt: Its format, or ``None`` to sniff it from the content.
        first_line: The number of the data's first line in its file (JSONL
            read in blocks: documents and problems name their file's lines).

    Yields:
        One :class:`RawDocument` per article, a :class:`Problem` per bad input
        or bad JSONL line. Never raises for bad content.
    """
    if not data:
        yield Problem(path=path, reason="empty file")
        return
    try:
        decoded = decode_bytes(data, path, html=fmt in ("html", None))
    except InputError as error:
        yield Problem(path=path, reason=error.reason)
        return
    text, encoding = decoded.text, decoded.encoding
    if not text.strip():
        yield Problem(path=path, reason="empty file (whitespace only)")
        return
    if fmt is None:
        fmt = sniff_format(text)
    if fmt == "jsonl":
        yield from read_jsonl(path, text, encoding=encoding, first_line=first_line)
    elif fmt == "html":
        yield RawDocument(path=path, body=text, is_html=True, encoding=encoding)
    else:
        yield RawDocument(path=path, body=text, encoding=encoding)


def read_jsonl(
    path: str, text: str, *, encoding: str | None = None, first_line: int = 1
) -> Iterator[RawDocument | Problem]:
    """Yield one document per non-blank line of a JSONL text.

    A line with ``html`` becomes an HTML document; a line with ``text`` becomes a
    document in the ``.txt`` layout (``title``, blank line, ``text``); without a
    string title, the text alone, all of it kept as body (the cleaner takes a
    title from its start). Metadata
    strings are copied (a lone surrogate escape such as ``\\ud800`` becomes
    U+FFFD); non-string metadata values are ignored. Each document's
    path is ``f"{path}:{lineno}"``; a bad line becomes a :class:`Problem` for
    ``path`` whose reason names the line (also one nested too deeply for the
    parser), and the other lines are still read.

    Args:
        path: The file's path.
        text: The decoded text (``\\n`` newlines).
        encoding: The codec the text was decoded with.
        first_line: The number of the text's first line in its file.
    """
    # Not splitlines(): JSON strings may hold U+2028 and other line separators.
    for lineno, line in enumerate(text.split("\n"), start=first_line):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield Problem(path=path, reason=f"invalid JSON on line {lineno}: {error.msg} (column {error.colno})")
            continue
        except ValueError as error:  # e.g. numbers too long to convert
            yield Problem(path=path, reason=f"invalid JSON on line {lineno}: {error}")
            continue
        except RecursionError:
            yield Problem(path=path, reason=f"invalid JSON on line {lineno}: nested too deeply")
            continue
        item = _record_document(f"{path}:{lineno}", record, encoding)
        if isinstance(item, str):
            yield Problem(path=path, reason=f"line {lineno}: {item}")
        else:
            yield item


def _record_document(path: str, record: Any, encoding: str | None) -> RawDocument | str:
    """Build the document of one JSONL record, or return why it cannot be one."""
    if not isinstance(record, dict):
        return f"expected a JSON object, got {_json_type(record)}"
    if "html" not in record and "text" not in record:
        return "no text or html field"
    html, text = record.get("html"), record.get("text")
    for name, value in (("html", html), ("text", text)):
        if value is not None and not isinstance(value, str):
            return f"{name} field is {_json_type(value)}, not a string"
    html, text = (None if value is None else _encodable(value) for value in (html, text))
    title = _string(record, "title")

    def document(body: str, is_html: bool) -> RawDocument:
        return RawDocument(
            path=path,
            body=body,
            is_html=is_html,
            body_has_title=title is not None,
            title=title,
            url=_string(record, "url"),
            source=_string(record, "source"),
            author=_string(record, "author"),
            published=_string(record, "published"),
            encoding=encoding,
        )

    if html and html.strip():
        return document(html, is_html=True)
    if text and text.strip():
        text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
        return document(title + PARAGRAPH_SEPARATOR + text if title else text, is_html=False)
    return "text and html fields are empty"


def _string(record: dict[str, Any], name: str) -> str | None:
    """Return a record's field as a stripped, one-line string, or ``None``."""
    value = record.get(name)
    if isinstance(value, str) and value.strip():
        return " ".join(_encodable(value).split())
    if value is not None:
        logger.debug("ignoring non-string %s field %r", name, value)
    return None


def _encodable(value: str) -> str:
    """The string with each lone surrogate replaced by U+FFFD, as a decoder does with a bad byte."""
    return _LONE_SURROGATE.sub("\ufffd", value)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"

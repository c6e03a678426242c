"""Extract the article of an HTML page into the ``.txt`` layout, with trafilatura.

Why not ``trafilatura.extract(output_format="txt")``: its plain text separates
paragraphs with a single newline, and ``<br>`` inside a paragraph also becomes a
newline, so paragraphs cannot be told apart from wrapped lines (the markdown
output uses blank lines but adds markup and also splits at ``<br>``). Instead
this module asks :func:`trafilatura.bare_extraction` for the extracted XML tree
(``<p>``, ``<head>``, ``<list>/<item>``, ``<quote>``, ``<lb/>`` ...) and writes
one paragraph per block element, joined by blank lines.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

import trafilatura
from lxml import etree

from newsdesk.clean.metadata import page_metadata
from newsdesk.clean.patterns import LEFT_OUT
from newsdesk.clean.placement import layout
from newsdesk.clean.structure import (
    INLINE,
    NOT_TEXT,
    PageStructure,
    block_key,
    match_keys,
    own_text,
    page_blocks,
)
from newsdesk.errors import InputError
from newsdesk.model import PARAGRAPH_SEPARATOR, RawDocument, Removed

logger = logging.getLogger(__name__)

NO_TEXT = "no article text found in HTML"

# Elements of trafilatura's output tree that hold blocks rather than text.
_CONTAINERS = frozenset({"body", "div", "list", "quote", "table", "row"})
# Inert or invisible markup trafilatura keeps as text (e.g. <template> content).
_PRUNE = ["//template", "//noscript", "//script", "//style"]
_STYLE = "translate(@style, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ ', 'abcdefghijklmnopqrstuvwxyz')"
#: Elements a browser does not show: the ``hidden`` attribute, or an inline style of ``display: none`` or
#: ``visibility: hidden``. Their text is not what a reader sees as the article. (``aria-hidden`` is not one:
#: it hides text from screen readers, not from the eye.)
INVISIBLE = [
    "//*[@hidden]",
    f"//*[contains({_STYLE}, 'display:none')]",
    f"//*[contains({_STYLE}, 'visibility:hidden')]",
]


def extract_html(doc: RawDocument, *, fast: bool = False) -> RawDocument:
    """Extract the main text and metadata of an HTML document.

    1. Parse the page once and run trafilatura on it (:func:`trafilatura_options`:
       tables in, no comments, images or links, metadata on, elements a
       browser hides pruned unless they hold most of the page's text:
       :data:`MAX_HIDDEN_SHARE`); ``fast`` skips its fallback extractors
       (readability, jusText), faster and a little less thorough.
    2. Write one paragraph per block of the extracted tree (paragraphs,
       headings, list items, quoted paragraphs); line breaks inside a block
       become spaces and whitespace is collapsed.
    3. Take title, author, date (ISO ``YYYY-MM-DD``), site name (or host
       name) and URL from the page where the document lacks them: JSON-LD,
       then meta tags, then the text (:mod:`newsdesk.clean.metadata`), then
       what trafilatura found; drop a heading near the top that repeats the title.
       A paragraph the page repeats among sibling elements and the extractor kept fewer times gets its
       copies back (:func:`restore_repeats`).
    4. Record what the markup says about each paragraph (link density,
       surrounding ``<aside>``/``<nav>``/``<figure>``..., class and id names,
       position: :mod:`newsdesk.clean.structure`) in ``structure``, for the
       cleaner's line classifier, with the blocks the markup puts in a widget
       inside the article or in a page section after it
       (:mod:`newsdesk.clean.placement`), which the cleaner removes. A page nested deeper than the HTML parser
       reads (256 levels) is read again with its deep container tags dropped.

    A document that is not HTML is returned unchanged.

    Args:
        doc: A raw document with ``is_html`` set and the page in ``body``.
        fast: Skip trafilatura's fallback extractors.

    Returns:
        A new plain-text document: ``"<title>\\n\\n<para>\\n\\n<para>..."``
        (without the title line when the page has no title).

    Raises:
        InputError: Nothing could be extracted (reason
            ``"no article text found in HTML"``, with what hid the text when
            the page was too deeply nested or held only navigation links) or
            the page cannot be parsed.
    """
    if not doc.is_html:
        return doc
    try:
        tree = _parse(doc)
        page = page_blocks(tree)
        if page.depth >= _PARSER_DEPTH:
            # libxml2 stops reading below 256 levels: flatten the nesting and read the page again.
            tree = _parse(doc, flatten=True)
            page = page_blocks(tree)
        meta = page_metadata(tree)
        # Never lose the body to pruning: a page may hide its article until a script shows it.
        visible_only = hidden_share(tree, page.chars) <= MAX_HIDDEN_SHARE
        options = trafilatura_options(fast=fast, visible_only=visible_only)
        result = trafilatura.bare_extraction(tree, url=doc.url, **options)
    except (etree.LxmlError, RecursionError, ValueError, TypeError) as error:
        raise InputError(doc.path, f"cannot parse HTML: {error.__class__.__name__}") from error
    if result is None or isinstance(result, dict) or result.body is None:
        raise InputError(doc.path, _no_text_reason(page.depth))

    blocks = [(tag, text) for tag, text in blocks_of(result.body) if text]
    page_title = _one_line(result.title)
    title = _one_line(doc.title) or meta.title or page_title or None
    # Not trafilatura's title: it is often the page's first heading, which would then always repeat it.
    titles = [block_key(t) for t in (title, meta.title) if t]
    # The headline again at the top of the text (it is the article's title, not its body).
    for index, (tag, text) in enumerate(blocks[:3]):
        if tag == "head" and _repeats_title(block_key(text), titles):
            del blocks[index]
            break
    paragraphs = [text for _, text in restore_repeats(blocks, page.repeats)]
    if not paragraphs:
        raise InputError(doc.path, _no_text_reason(page.depth))
    first_line = 3 if title else 1  # 1-based line of the first paragraph; paragraphs are blank-line separated
    keys = match_keys(paragraphs, page.blocks)
    matched = [None if key is None else page.blocks[key] for key in keys]
    if all(block is not None and (block.link_density >= 0.9 or "nav" in block.containers) for block in matched):
        # A page of menus and links only (the recall-oriented extractor keeps them when there is nothing else).
        raise InputError(doc.path, f"{NO_TEXT} (only navigation links)")
    placed = layout(paragraphs, keys, page)
    structure = {
        first_line + 2 * i: replace(block, placement=reason, in_main=inside) if reason or inside else block
        for i, (block, reason, inside) in enumerate(zip(matched, placed.reasons, placed.in_main, strict=True))
        if block is not None
    }

    return RawDocument(
        path=doc.path,
        body=PARAGRAPH_SEPARATOR.join([title, *paragraphs] if title else paragraphs),
        is_html=False,
        body_has_title=title is not None,  # a page without a title keeps its first paragraph as text
        extracted=True,
        title=title,
        url=doc.url or result.url or None,
        source=doc.source or meta.site or _one_line(result.sitename) or result.hostname or None,
        author=doc.author or meta.author or _one_line(result.author) or None,
        published=doc.published or meta.published or result.date or None,
        encoding=doc.encoding,
        structure=structure,
        left_out=left_out(page, paragraphs, titles),
    )


#: Blocks listed as left out by the extractor, at most (a page that large is mostly menus and lists).
MAX_LEFT_OUT = 300


def left_out(page: PageStructure, paragraphs: Sequence[str], titles: Sequence[str]) -> list[Removed]:
    """The page's text blocks the extractor did not take into ``paragraphs``, in page order, with their reason.

    A block counts as taken when it is one of the paragraphs, or when it has a few words and they occur, whole
    words, in the extracted text (the extractor joins blocks and trims them); the page's title is not listed.
    So a reader sees what an ``.html`` input lost, as for a text file.
    """
    keys = [block_key(text) for text in paragraphs]
    whole, kept = set(keys), f" {' '.join(keys)} "
    found: list[Removed] = []
    for key, element in page.elements.items():
        if len(found) == MAX_LEFT_OUT:
            break
        if not key or key in whole or key in titles or (key.count(" ") >= 3 and f" {key} " in kept):
            continue
        found.append(Removed(text=own_text(element), reason=LEFT_OUT))
    return found


#: libxml2's nesting limit without its "huge" option: deeper content is silently dropped.
_PARSER_DEPTH = 255
_FLAT_DEPTH = 120
_CONTAINER_TAG = re.compile(
    r"<(/?)(div|span|section|article|main|font|center|aside|header|footer|nav|figure|ul|ol|li|table|tbody|tr|td)"
    r"\b[^>]*?(/?)>",
    re.IGNORECASE,
)


def _parse(doc: RawDocument, *, flatten: bool = False) -> etree._Element:
    """Parse a page as trafilatura does; ``flatten`` first drops container tags nested deeper than it can read."""
    markup = _flatten(doc.body) if flatten else doc.body
    tree = trafilatura.load_html(markup)
    if tree is None:  # nothing an HTML parser can read: an empty page
        raise InputError(doc.path, NO_TEXT)
    return tree


def _flatten(markup: str) -> str:
    """Remove container tags below :data:`_FLAT_DEPTH` levels, keeping their text (a streaming pass)."""
    depth = 0
    pieces: list[str] = []
    last = 0
    for match in _CONTAINER_TAG.finditer(markup):
        closing, self_closing = match.group(1) == "/", match.group(3) == "/"
        if closing:
            depth = max(0, depth - 1)
            keep = depth < _FLAT_DEPTH
        else:
            keep = depth < _FLAT_DEPTH
            depth += 0 if self_closing else 1
        if not keep:
            pieces.append(markup[last : match.start()])
            last = match.end()
    pieces.append(markup[last:])
    return "".join(pieces)


def _no_text_reason(depth: int) -> str:
    """Why nothing was extracted: the plain reason, or the nesting that hid the text."""
    if depth >= _FLAT_DEPTH:
        return f"{NO_TEXT} (elements nested {depth}+ levels deep; text below that was flattened and still not read)"
    return NO_TEXT


MAX_HIDDEN_SHARE = 0.75
"""Hidden elements are pruned unless they hold more than this share of the page's text (then the page hides its
article until a script shows it, and pruning would lose the body)."""


def hidden_share(tree: etree._Element, chars: int) -> float:
    """The share of a page's text (``chars`` characters, see :attr:`PageStructure.chars`) inside invisible elements."""
    found = tree.xpath(" | ".join(INVISIBLE))
    if not found or chars <= 0:
        return 0.0
    chosen = set(found)
    hidden = 0
    for element in found:
        if any(ancestor in chosen for ancestor in element.iterancestors()):
            continue  # counted with its hidden ancestor
        # Script and style text is not page text (their elements hold no blocks, so skipping them is enough).
        hidden += sum(
            len(own_text(e)) for e in element.iter() if isinstance(e.tag, str) and e.tag not in INLINE | NOT_TEXT
        )
    return min(1.0, hidden / chars)


def trafilatura_options(*, fast: bool = False, visible_only: bool = True) -> dict[str, Any]:
    """The options newsdesk runs :func:`trafilatura.bare_extraction` with (besides the page and its URL).

    Trafilatura's own balance between precision and recall (``favor_recall`` lost body on the news pages of
    the tuning part of ../shared/data/readability: recall 0.923 against 0.937), tables in, comments, images
    and links out; inert markup pruned, and invisible elements (:data:`INVISIBLE`) unless ``visible_only`` is
    off.
    """
    return {
        "fast": fast,
        "favor_precision": False,
        "favor_recall": False,
        "include_comments": False,
        "include_tables": True,
        "include_images": False,
        "include_links": False,
        "include_formatting": False,
        "deduplicate": False,
        "with_metadata": True,
        "prune_xpath": _PRUNE + INVISIBLE if visible_only else _PRUNE,
    }


MIN_REPEAT_WORDS = 10
"""A paragraph repeated among siblings is restored only from this many words: sentences, not labels
("Advertisement", "Read more") that a page repeats as furniture."""


def restore_repeats(blocks: list[tuple[str, str]], repeats: Mapping[str, int]) -> list[tuple[str, str]]:
    """The extracted blocks, with each paragraph as many times as the page holds it among siblings.

    Trafilatura's fallback extraction keeps a repeated paragraph once. When the page holds the same paragraph
    several times as children of one element (:attr:`~newsdesk.clean.structure.PageStructure.repeats`),
    that is the article as written, and the missing copies follow the first one kept.

    Args:
        blocks: ``(tag, text)`` of the extracted blocks, in order.
        repeats: Block key to the number of times the page holds it among siblings.

    Returns:
        The blocks with the missing copies inserted (the same list when nothing is missing).
    """
    if not repeats:
        return blocks
    keys = [block_key(text) for _, text in blocks]
    kept = Counter(keys)
    result: list[tuple[str, str]] = []
    for key, block in zip(keys, blocks, strict=True):
        result.append(block)
        missing = repeats.get(key, 0) - kept[key]
        if missing > 0 and len(key.split()) >= MIN_REPEAT_WORDS:
            result.extend([block] * missing)
            kept[key] += missing
    return result


def blocks_of(element: etree._Element) -> Iterator[tuple[str, str]]:
    """Yield ``(tag, text)`` for each block under a container, in order.

    Stray text directly inside a container (trafilatura keeps some "wild" text
    there) is a block of its own.
    """
    yield "text", _one_line(element.text)
    for child in element:
        if not isinstance(child.tag, str):  # comments, processing instructions
            pass
        elif child.tag in _CONTAINERS:
            yield from blocks_of(child)
        else:
            yield child.tag, _one_line("".join(_inline_text(child)))
        yield "text", _one_line(child.tail)


def _inline_text(element: etree._Element) -> Iterator[str]:
    """Yield the text of a block, with a space for each line break or sub-block."""
    if element.text:
        yield element.text
    for child in element:
        if child.tag == "lb" or child.tag in _CONTAINERS or child.tag in ("p", "head", "item"):
            yield " "
        if isinstance(child.tag, str):
            yield from _inline_text(child)
        if child.tail:
            yield child.tail


def _one_line(text: str | None) -> str:
    """Collapse all whitespace to single spaces."""
    return " ".join(text.split()) if text else ""


def _repeats_title(key: str, titles: list[str]) -> bool:
    """Whether a heading's words are a title's, or the start of one ("Headline | Outlet")."""
    return bool(key) and any(key == t or (t.startswith(key + " ") and len(key) >= len(t) / 2) for t in titles)

"""What a page's markup says about each block of text: the structural features of boilerplate.

Text alone cannot tell a caption from a paragraph or a link list from a sentence; the page can. This module
walks a parsed page once and records, for every block that holds text (paragraph, heading, list item, table
cell, caption, ...), the evidence the markup gives:

- the share of its characters inside links (link density);
- the elements around it (``<aside>``, ``<nav>``, ``<figure>``, ``<footer>``, ``<header>``, ``<form>``);
- the words of the ``class`` and ``id`` names around it, in groups (navigation, related links, sharing,
  promotion, metadata, captions, comments, footer, and article content);
- its position in the page's text.

:mod:`newsdesk.clean.lines` turns these into features of the line classifier; the extracted text is matched
to the blocks by its normalised words (:func:`block_key`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from lxml import etree

#: Elements that sit inside running text; every other element with text of its own is a block.
INLINE = frozenset(
    {"a", "abbr", "b", "bdi", "bdo", "big", "br", "cite", "code", "data", "del", "dfn", "em", "font", "i", "img",
     "ins", "kbd", "label", "mark", "nobr", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "tt",
     "u", "var", "wbr"}
)  # fmt: skip
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_SKIP = frozenset({"script", "style", "noscript", "template", "svg", "head", "title", "meta", "link"})
#: Elements whose content is not text of the page.
NOT_TEXT = _SKIP
#: Elements whose content is rarely the article's running text.
CONTAINERS = ("aside", "nav", "figure", "footer", "header", "form", "table", "blockquote", "li")
_CONTAINER_OF = {"figcaption": "figure", "caption": "table", "menu": "nav", "dialog": "aside"}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Groups of words in class and id names, each a feature of its own.
CLASS_GROUPS: dict[str, frozenset[str]] = {
    "nav": _words("nav navbar navigation menu breadcrumb breadcrumbs skip toolbar pagination pager topbar"),
    "related": _words(
        "related recommend recommended recommendations popular trending more teaser teasers rail sidebar "
        "widget widgets outbrain taboola listing carousel also next prev"
    ),
    "share": _words("share sharing social follow sociallinks tweet facebook twitter"),
    "promo": _words(
        "promo promotion newsletter subscribe subscription signup ad ads advert advertisement adslot "
        "sponsor sponsored banner cookie cookies consent modal popup paywall donate membership"
    ),
    "meta": _words(
        "byline author authors meta metadata date dateline timestamp time published updated tags tag bio "
        "contributor kicker label category"
    ),
    "caption": _words("caption captions credit credits photo image img figure media video embed gallery"),
    "comment": _words("comment comments reply replies discussion disqus respond"),
    "footer": _words("footer foot disclaimer copyright legal colophon endnote"),
    "content": _words("article content body story post entry text main prose paragraph articlebody storytext"),
}
CLASS_LEVELS = 3
"""Class and id names count on the block and its nearest ancestors, this many levels in all."""
_NAME_WORD = re.compile(r"[a-z]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_KEY_WORD = re.compile(r"\w+")


@dataclass(slots=True, frozen=True, kw_only=True)
class BlockStructure:
    """The markup's evidence about one block of text."""

    tag: str
    """The block's own element."""
    link_density: float
    """Share of the block's characters inside ``<a>`` elements."""
    containers: frozenset[str]
    """Elements of :data:`CONTAINERS` around the block (a ``<figcaption>`` counts as ``figure``)."""
    classes: frozenset[str]
    """Groups of :data:`CLASS_GROUPS` whose words occur in the class or id names of the block or of its nearest
    ancestors (:data:`CLASS_LEVELS` levels in all)."""
    position: float
    """Where the block starts in the page's text: 0 at the start, 1 at the end."""
    placement: str | None = None
    """Why the markup puts the block outside the article's own text (:mod:`newsdesk.clean.placement`: a
    widget inside the article's container, or a page section after it), None when it does not."""
    in_main: bool = False
    """Whether the block sits inside the article's main container (:func:`newsdesk.clean.placement.layout`)."""

    @property
    def heading(self) -> bool:
        return self.tag in _HEADINGS


def block_key(text: str) -> str:
    """The normalised words of a text, to match extracted paragraphs with the page's blocks."""
    return " ".join(_KEY_WORD.findall(text.casefold()))


_NO_GROUPS: frozenset[str] = frozenset()


def name_groups(element: etree._Element) -> frozenset[str]:
    """The groups of :data:`CLASS_GROUPS` whose words occur in an element's own class and id names."""
    names = element.get("class"), element.get("id")
    if names == (None, None):
        return _NO_GROUPS
    return _groups_of(f"{names[0] or ''} {names[1] or ''}")


@lru_cache(maxsize=4096)
def _groups_of(names: str) -> frozenset[str]:
    words = set(_NAME_WORD.findall(_CAMEL.sub(" ", names).lower()))
    return frozenset(group for group, vocabulary in CLASS_GROUPS.items() if words & vocabulary)


def own_text(element: etree._Element) -> str:
    """Text directly inside the element and its inline children (not its block children), on one line."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag not in _SKIP:
            if child.tag not in INLINE:
                parts.append(" ")
            else:
                parts.append(_inline(child))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def _inline(element: etree._Element) -> str:
    if not isinstance(element.tag, str) or element.tag in _SKIP:
        return ""
    return "".join(element.itertext(with_tail=False)) if element.tag != "br" else " "


def _link_chars(element: etree._Element) -> int:
    total = 0
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "a":
            total += len("".join(child.itertext(with_tail=False)).strip())
        elif child.tag in INLINE:
            total += _link_chars(child)
    return total


@dataclass(slots=True, kw_only=True)
class PageStructure:
    """The text blocks of a page by key, how deep its elements nest, and how much text it holds."""

    blocks: dict[str, BlockStructure]
    depth: int
    chars: int = 0
    """Characters of text in the page's blocks (whitespace collapsed)."""
    repeats: dict[str, int] = field(default_factory=dict)
    """Blocks whose text occurs more than once among the children of one element: key to the number of times."""
    elements: dict[str, etree._Element] = field(default_factory=dict)
    """The element of each block (for :mod:`newsdesk.clean.placement`; the structure kept with a document
    holds no elements)."""


def page_blocks(root: etree._Element, *, max_blocks: int = 20000) -> PageStructure:
    """Map the key (:func:`block_key`) of every text block of a page to its structure.

    1. Walk the tree in document order with an explicit stack (pages nest deeper than Python recursion
       allows), carrying the containers and class groups of the ancestors down.
    2. For each block element (not :data:`INLINE`) with text of its own, record its link density, containers,
       class groups and the share of the page's text before it.
    3. A block whose text repeats keeps its first occurrence; the innermost element wins when a container
       and its only child hold the same text. Text repeated among the children of one element (the same
       paragraph twice in a row, as the page shows it) is counted in :attr:`PageStructure.repeats`.

    Args:
        root: The parsed page.
        max_blocks: Stop after this many blocks (a page that large is mostly not article).

    Returns:
        Block key to structure (positions are relative to the page's text length) and the deepest nesting.
    """
    found: list[tuple[str, str, int, frozenset[str], frozenset[str], int, etree._Element]] = []
    offset = 0
    deepest = 0
    # Each key's first element, and its later occurrences under the same parent.
    first: dict[str, etree._Element] = {}
    again: dict[str, list[etree._Element]] = {}
    nothing: frozenset[str] = frozenset()
    stack: list[tuple[etree._Element, frozenset[str], tuple[frozenset[str], ...], int]] = [(root, nothing, (), 0)]
    while stack and len(found) < max_blocks:
        element, containers, recent, depth = stack.pop()
        deepest = max(deepest, depth)
        tag = element.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        container = _CONTAINER_OF.get(tag, tag)
        if container in CONTAINERS:
            containers = containers | {container}
        # Class names say most about the block and its nearest ancestors; far ones wrap whole pages.
        recent = (*recent[-(CLASS_LEVELS - 1) :], name_groups(element))
        if tag not in INLINE:  # inline elements are read as part of their block
            text = own_text(element)
            if text:
                key = block_key(text)
                if key:
                    classes = nothing.union(*recent)
                    links = _link_chars(element)
                    found.append((key, tag, min(len(text), links) * 1000 // max(1, len(text)), containers, classes,
                                  offset, element))  # fmt: skip
                    if key not in first:
                        first[key] = element
                    elif first[key].getparent() is element.getparent():
                        again.setdefault(key, []).append(element)
                    offset += len(text)
        stack.extend((child, containers, recent, depth + 1) for child in reversed(element))
    total = max(1, offset)
    blocks: dict[str, BlockStructure] = {}
    elements: dict[str, etree._Element] = {}
    for key, tag, density, containers, classes, start, element in found:
        if key in blocks and blocks[key].tag != "div":
            continue
        blocks[key] = BlockStructure(
            tag=tag, link_density=density / 1000, containers=containers, classes=classes, position=start / total
        )
        elements[key] = element
    repeats: dict[str, int] = {}
    for key, later in again.items():
        count = sum(1 for element in (first[key], *later) if _shown(element))
        if count > 1:
            repeats[key] = count
    return PageStructure(blocks=blocks, depth=deepest, chars=offset, repeats=repeats, elements=elements)


def _shown(element: etree._Element) -> bool:
    """Whether a browser shows the element: neither it nor an ancestor is ``hidden`` or styled out of view."""
    for one in (element, *element.iterancestors()):
        if one.get("hidden") is not None:
            return False
        style = "".join((one.get("style") or "").lower().split())
        if "display:none" in style or "visibility:hidden" in style:
            return False
    return True


def match_blocks(paragraphs: Iterable[str], blocks: dict[str, BlockStructure]) -> list[BlockStructure | None]:
    """The structure of each extracted paragraph: its block, else the block its text starts with, or None."""
    return [None if key is None else blocks[key] for key in match_keys(paragraphs, blocks)]


def match_keys(paragraphs: Iterable[str], blocks: dict[str, BlockStructure]) -> list[str | None]:
    """The key of each extracted paragraph's block (see :func:`match_blocks`), or None."""
    by_start: dict[str, str] = {}
    for key in blocks:
        by_start.setdefault(key[:40], key)
    matched: list[str | None] = []
    for paragraph in paragraphs:
        key = block_key(paragraph)
        found: str | None = key if key in blocks else by_start.get(key[:40])
        if found is None:
            # The extractor joined several blocks into one paragraph: the block its text starts with.
            words = key.split()
            for end in range(min(len(words), 30) - 1, 0, -1):
                start = " ".join(words[:end])
                if start in blocks:
                    found = start
                    break
        matched.append(found)
    return matched

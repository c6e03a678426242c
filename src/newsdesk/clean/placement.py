"""Where each extracted block sits against the article's main container: widgets inside it, sections around it.

Trafilatura keeps whole containers of a page. Three kinds of text then come with the article that its markup
marks as something else:

- a *widget* inside the article's container: a photo gallery with its captions, a video player's menus,
  a box of related links, each in an element named for what it is (``gallery``, ``player``, ``related``);
- a *page section after the article*: a list of teasers for other articles, related links, an app
  promotion, placed after the container that holds the article's paragraphs;
- a *stream of teasers before the article*: a hub page's feed (a headline link and a summary per item) that
  the extractor keeps with the article the page opens, before its headline.

Each is found from the page's structure and the length of its blocks (:func:`layout`), never from what they say, and
comes back as the reason the cleaner records when it removes the block.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from newsdesk.clean import patterns as p
from newsdesk.clean.structure import PageStructure, name_groups

MAIN_SHARE = 0.6
"""The main container is the deepest element holding at least this share of the extracted paragraph text."""
WIDGET_GROUPS = frozenset({"caption", "related", "nav", "promo"})
"""Class-name groups (:data:`~newsdesk.clean.structure.CLASS_GROUPS`) that make an element inside the main
container a widget. Not ``share``: share-button scripts name the containers of whole articles."""
MAX_WIDGET_SHARE = 0.25
"""A widget holds less than this share of the extracted paragraph text (a container named "read-more" that
holds the second half of the article is none)."""
TAIL_GROUPS = WIDGET_GROUPS | {"comment", "footer"}
"""Class-name groups that mark an element after the main container as a page section."""
TEASER_SIBLINGS = 3
"""A teaser is one of at least this many sibling elements of one kind (tag and first class name)..."""
TEASER_WORDS = 60
"""... holding at most this many words: a headline and a line of summary, not a section of the article."""
RUN_LINES = 3
RUN_WORDS = 12
"""An article after the main container (a page that puts a stream of teasers first) shows as a run of
:data:`RUN_LINES` blocks of :data:`RUN_WORDS` or more words that are not list items: from the block before it
on, nothing after the container is removed."""
LONG_WORDS = 20
"""A block of this many words after the container stays unless it is a teaser or a list item."""
STREAM_LINK_WORDS = 4
"""A teaser in a stream of them links to its article with a headline of this many words (see
:func:`_stream_items`)."""
MIN_REST_SHARE = 0.25
"""The main container is looked for outside a stream of teasers when the rest holds this share of the
extracted paragraph text (a page that is all teasers, a front page, keeps them)."""

_PARAGRAPH = "p"
_ITEM = "li"
_TEXT_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6"})


@dataclass(slots=True, frozen=True)
class Layout:
    """Where the markup puts each extracted paragraph."""

    reasons: list[str | None]
    """The reason to take each paragraph out of the article (a widget, a page section after it), or None."""
    in_main: list[bool]
    """Whether each paragraph sits inside the article's main container."""


def placements(paragraphs: Sequence[str], keys: Sequence[str | None], page: PageStructure) -> list[str | None]:
    """The reason the markup gives to take each extracted paragraph out of the article, or None.

    See :func:`layout`, which also says which paragraphs sit inside the article's main container.
    """
    return layout(paragraphs, keys, page).reasons


def layout(paragraphs: Sequence[str], keys: Sequence[str | None], page: PageStructure) -> Layout:
    """Where the markup puts each extracted paragraph: inside the article's main container, in a widget, after it.

    1. The main container is the deepest element holding :data:`MAIN_SHARE` of the extracted paragraph
       text (the text of ``<p>`` blocks; of all blocks when the extraction holds no ``<p>``). A stream of
       teasers (:func:`_stream_items`: items each holding one summary and a headline link to another page)
       does not count when the rest holds :data:`MIN_REST_SHARE` of that text and a top-level heading of the
       page stands between the stream's first teaser and the rest's first paragraph; the teasers before
       the main container are then a page section (:data:`~newsdesk.clean.patterns.PAGE_HEAD`).
    2. Inside it, a block is a widget (:data:`~newsdesk.clean.patterns.PAGE_WIDGET`) when an element
       between the two has class or id names of :data:`WIDGET_GROUPS` and holds less than
       :data:`MAX_WIDGET_SHARE` of the extracted paragraph text.
    3. After it (outside, and after the last block inside it), a block is a page section
       (:data:`~newsdesk.clean.patterns.PAGE_TAIL`) when an element between it and the main container's
       branch has class or id names of :data:`TAIL_GROUPS`, or it sits in a teaser
       (:data:`TEASER_SIBLINGS`, :data:`TEASER_WORDS`).
    4. Body is protected: a block of :data:`LONG_WORDS` words after the container stays unless it is a
       teaser or a list item (slides, comments, teasers in a named box), and from a run of long blocks after
       the container on (:data:`RUN_LINES`; paragraphs, not list items), nothing there is removed.

    Args:
        paragraphs: The extracted paragraphs, in order.
        keys: The key of each paragraph's block in ``page`` (:func:`~newsdesk.clean.structure.match_keys`).
        page: The page's blocks with their elements.

    Returns:
        One reason or None per paragraph, and whether each sits inside the main container (none does when
        no paragraph was found in the page).
    """
    reasons: list[str | None] = [None] * len(paragraphs)
    found = [page.elements.get(key) if key is not None else None for key in keys]
    weights, total = _paragraph_weights(paragraphs, found)
    if not total:
        return Layout(reasons, [False] * len(paragraphs))
    stream = _stream_items(found)
    if any(stream):
        # The article is what the page holds besides its stream of teasers, when that is not little and the
        # page's headline stands between the two.
        rest, rest_total = _paragraph_weights(paragraphs, found, skip=stream)
        if rest_total >= MIN_REST_SHARE * total:
            main = _main_container(rest, rest_total)
            if _headline_between(stream, found, keys, main, page):
                weights, total = rest, rest_total
            else:
                stream = [False] * len(found)
        else:
            stream = [False] * len(found)
    main = _main_container(weights, total)
    branch = {main, *main.iterancestors()}
    inside = [element is not None and main in element.iterancestors() for element in found]
    first = next((i for i, flag in enumerate(inside) if flag), len(found))
    last = max((i for i, flag in enumerate(inside) if flag), default=-1)
    teasers = _Teasers(branch)
    for index, element in enumerate(found):
        if element is None:
            continue
        if index < first and stream[index]:
            reasons[index] = p.PAGE_HEAD
        elif inside[index]:
            widget = _widget(element, main)
            if widget is not None and weights.get(widget, 0) < MAX_WIDGET_SHARE * total:
                reasons[index] = p.PAGE_WIDGET
        elif index > last:
            # A long block stays unless it is a teaser (an article can follow the container in a named box).
            teaser = teasers.holds(element)
            short = len(paragraphs[index].split()) < LONG_WORDS or element.tag == _ITEM
            if teaser or (short and _named(element, branch, TAIL_GROUPS)):
                reasons[index] = p.PAGE_TAIL
    _protect_article_after(paragraphs, found, inside, last, reasons)
    return Layout(reasons, inside)


def _paragraph_weights(
    paragraphs: Sequence[str], found: Sequence[etree._Element | None], skip: Sequence[bool] = ()
) -> tuple[dict[etree._Element, int], int]:
    """Characters of extracted paragraph text under each ancestor (``<p>`` blocks, or all when none is).

    Paragraphs whose ``skip`` flag is set do not count.
    """
    tags = {element.tag for element in found if element is not None}
    only = _PARAGRAPH if _PARAGRAPH in tags else None
    weights: dict[etree._Element, int] = {}
    total = 0
    for index, (text, element) in enumerate(zip(paragraphs, found, strict=True)):
        if element is None or (only is not None and element.tag != only) or (skip and skip[index]):
            continue
        total += len(text)
        for ancestor in element.iterancestors():
            weights[ancestor] = weights.get(ancestor, 0) + len(text)
    return weights, total


def _stream_items(found: Sequence[etree._Element | None]) -> list[bool]:
    """Whether each extracted block is the summary of a teaser in a stream of them.

    A teaser of a stream is an item (the block's nearest ancestor with :data:`TEASER_SIBLINGS` or more sibling
    elements of its kind) that holds this one extracted block and, outside it, a link of
    :data:`STREAM_LINK_WORDS` or more words: the headline of another article, above its summary. An article's
    paragraphs wrapped one by one have no headline link beside them; its list items hold no other page's
    headline.
    """
    kinds: dict[etree._Element, Counter[tuple[str, str]]] = {}
    items: list[etree._Element | None] = []
    for element in found:
        item = None
        if element is not None:
            for ancestor in element.iterancestors():
                parent = ancestor.getparent()
                if parent is None:
                    break
                counts = kinds.get(parent)
                if counts is None:
                    counts = kinds[parent] = Counter(_kind(other) for other in parent if isinstance(other.tag, str))
                if counts[_kind(ancestor)] >= TEASER_SIBLINGS:
                    item = ancestor
                    break
        items.append(item)
    held = Counter(item for item in items if item is not None)
    verdicts: dict[etree._Element, bool] = {}
    result = []
    for element, item in zip(found, items, strict=True):
        if element is None or item is None or held[item] != 1:
            result.append(False)
            continue
        if item not in verdicts:
            verdicts[item] = any(
                element not in link.iterancestors() and len(link.text_content().split()) >= STREAM_LINK_WORDS
                for link in item.iter("a")
            )
        result.append(verdicts[item])
    return result


def _headline_between(
    stream: Sequence[bool],
    found: Sequence[etree._Element | None],
    keys: Sequence[str | None],
    main: etree._Element,
    page: PageStructure,
) -> bool:
    """Whether a top-level heading (``<h1>``) of the page comes after the stream's first teaser and before
    the first paragraph of the container found besides the stream: the article starts after the stream.

    (A stream that is the article, such as a live blog's entries, starts after the page's headline.)
    """
    starts = [page.blocks[key].position for key, flag in zip(keys, stream, strict=True) if key is not None and flag]
    article = [
        page.blocks[key].position
        for key, element in zip(keys, found, strict=True)
        if key is not None and element is not None and main in element.iterancestors()
    ]
    if not starts or not article:
        return False
    first_teaser, first_paragraph = min(starts), min(article)
    return any(block.tag == "h1" and first_teaser < block.position <= first_paragraph for block in page.blocks.values())


def _main_container(weights: dict[etree._Element, int], total: int) -> etree._Element:
    """The deepest ancestor holding :data:`MAIN_SHARE` of the paragraph text (the root always does)."""
    holding = [element for element, weight in weights.items() if weight >= MAIN_SHARE * total]
    return max(holding, key=lambda element: sum(1 for _ in element.iterancestors()))


def _widget(element: etree._Element, main: etree._Element) -> etree._Element | None:
    """The outermost element between a block and the main container named as a widget, or None."""
    widget = None
    for ancestor in element.iterancestors():
        if ancestor is main:
            break
        if name_groups(ancestor) & WIDGET_GROUPS:
            widget = ancestor
    return widget


def _named(element: etree._Element, branch: set[etree._Element], groups: frozenset[str]) -> bool:
    """Whether an ancestor of a block below the main container's branch has class names of ``groups``."""
    for ancestor in element.iterancestors():
        if ancestor in branch:
            return False
        if name_groups(ancestor) & groups:
            return True
    return False


def _kind(element: etree._Element) -> tuple[str, str]:
    classes = (element.get("class") or "").split()
    return str(element.tag), classes[0] if classes else ""


class _Teasers:
    """Whether blocks sit in teasers, reading each parent's children and each container's words once.

    (A page of thousands of blocks under one parent would otherwise be read once per block.)
    """

    def __init__(self, branch: set[etree._Element]) -> None:
        self.branch = branch
        self.kinds: dict[etree._Element, Counter[tuple[str, str]]] = {}
        self.verdicts: dict[etree._Element, bool | None] = {}

    def holds(self, element: etree._Element) -> bool:
        """Whether the nearest repeated container around a block (below the main container's branch) is small."""
        for candidate in (element, *element.iterancestors()):
            if candidate in self.branch:
                return False
            parent = candidate.getparent()
            if parent is None:
                return False
            if candidate.tag in _TEXT_TAGS or candidate.tag == "li" or len(candidate) < 2:
                continue
            if candidate not in self.verdicts:
                kinds = self.kinds.get(parent)
                if kinds is None:
                    kinds = self.kinds[parent] = Counter(_kind(other) for other in parent if isinstance(other.tag, str))
                verdict = None
                if kinds[_kind(candidate)] >= TEASER_SIBLINGS:
                    verdict = len(candidate.text_content().split()) <= TEASER_WORDS
                self.verdicts[candidate] = verdict
            if self.verdicts[candidate] is not None:
                return bool(self.verdicts[candidate])
        return False


def _protect_article_after(
    paragraphs: Sequence[str],
    found: Sequence[etree._Element | None],
    inside: Sequence[bool],
    last: int,
    reasons: list[str | None],
) -> None:
    """Keep everything after the main container from the block before its first run of long blocks on."""
    after = [
        i > last and not inside[i] and (e := found[i]) is not None and e.tag != _ITEM for i in range(len(paragraphs))
    ]
    long = [len(text.split()) >= RUN_WORDS for text in paragraphs]
    for start in range(len(paragraphs) - RUN_LINES + 1):
        window = range(start, start + RUN_LINES)
        if all(after[i] and long[i] for i in window):
            for i in range(max(0, start - 1), len(paragraphs)):
                if reasons[i] == p.PAGE_TAIL:
                    reasons[i] = None
            return

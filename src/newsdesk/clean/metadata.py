"""A page's title, author, publication date and site name: JSON-LD first, then meta tags, then the text.

1. **JSON-LD** (``<script type="application/ld+json">``): the first article-like object (``NewsArticle``,
   ``Article``, ``BlogPosting``, ``Report`` ..., also inside ``@graph``) gives ``headline``, ``author``,
   ``datePublished`` and ``publisher.name``.
2. **Meta tags**: OpenGraph, Twitter, Dublin Core, Parse.ly and the plain ``author`` / date names.
3. **Text**: the ``<title>`` (without the site name after a separator when the page's ``<h1>`` repeats
   what comes before it); an element marked as the author (``rel="author"``, ``itemprop="author"``, a
   ``byline`` class), cut before its first word with a digit (a name has none: "Lucas Nolan 22 Dec 2016").
   Dates in the text are left to trafilatura (htmldate), which reads them better.

Each field takes the first source that has it. What the page does not say stays None and the caller falls back
to trafilatura's own metadata.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree

from newsdesk.clean.dates import parse_date
from newsdesk.clean.title import headline_in

_ARTICLE_TYPE = re.compile(r"article|posting|report|story|webpage", re.IGNORECASE)
_URL = re.compile(r"^\s*(https?:)?//|^\s*www\.", re.IGNORECASE)
_BY = re.compile(r"^\s*(by|par|por|von|di|door|av)\s*:?\s+", re.IGNORECASE)
_ISO_DAY = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})")

_META_TITLE = ("og:title", "twitter:title", "dc.title", "dc:title", "dcterms.title", "parsely-title", "title")
_META_AUTHOR = (
    "author", "article:author", "dc.creator", "dc:creator", "dcterms.creator", "parsely-author", "byl",
    "sailthru.author", "twitter:creator",
)  # fmt: skip
_META_DATE = (
    "article:published_time", "og:published_time", "datepublished", "parsely-pub-date", "pubdate",
    "publishdate", "dc.date.issued", "sailthru.date", "article.published",
)  # fmt: skip
_META_SITE = ("og:site_name", "application-name", "dc.publisher", "dc:publisher")
_MAX_FIELD = 300


@dataclass(slots=True, kw_only=True)
class PageMetadata:
    """What a page says about its article (None: the page does not say)."""

    title: str | None = None
    author: str | None = None
    published: str | None = None
    """ISO date (``YYYY-MM-DD``, with ``THH:MM`` when the page gives a time)."""
    site: str | None = None


def page_metadata(root: etree._Element) -> PageMetadata:
    """Read title, author, date and site name from a parsed page (see the module docstring for the order)."""
    result = PageMetadata()
    for item in _json_ld_articles(root):
        result.title = result.title or _text(item.get("headline") or item.get("name"))
        result.author = result.author or _names(item.get("author") or item.get("creator"))
        result.published = result.published or _date(_text(item.get("datePublished")))
        publisher = item.get("publisher")
        result.site = result.site or _text(publisher.get("name") if isinstance(publisher, dict) else publisher)
    meta = _meta(root)
    result.title = result.title or _first(meta, _META_TITLE)
    author = _first(meta, _META_AUTHOR, skip_urls=True)
    result.author = result.author or (_BY.sub("", author) if author else None)
    result.published = result.published or next((date for name in _META_DATE if (date := _date(meta.get(name)))), None)
    result.site = result.site or _first(meta, _META_SITE)
    if result.title is None:
        titles = root.xpath("//head/title//text()|//title//text()")
        title = _clean(" ".join(str(t) for t in titles[:1])) if titles else None
        headings = (" ".join(h.itertext()) for h in root.xpath("//h1")[:3])
        result.title = headline_in(title, headings) if title else None
    if result.author is None:
        for element in root.xpath(
            "//*[@rel='author' or @itemprop='author' or contains(@class, 'byline') or contains(@class, 'author-name')]"
        )[:3]:
            name = _clean(_before_digits(_BY.sub("", " ".join(element.itertext()))))
            if name and 1 <= len(name.split()) <= 6:
                result.author = name
                break
    return result


def _before_digits(text: str) -> str:
    """The words of a byline before the first one holding a digit (a date or a count follows the name)."""
    words = text.split()
    end = next((i for i, word in enumerate(words) if any(c.isdigit() for c in word)), len(words))
    return " ".join(words[:end]).rstrip(" ,;:|·-–—")


def _json_ld_articles(root: etree._Element) -> Iterator[dict[str, Any]]:
    for script in root.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                kinds = item.get("@type")
                kinds = kinds if isinstance(kinds, list) else [kinds]
                if any(isinstance(k, str) and _ARTICLE_TYPE.search(k) for k in kinds):
                    yield item
                if "@graph" in item:
                    stack.extend(item["@graph"] if isinstance(item["@graph"], list) else [item["@graph"]])
                if isinstance(item.get("mainEntity"), dict):
                    stack.append(item["mainEntity"])


def _meta(root: etree._Element) -> dict[str, str]:
    found: dict[str, str] = {}
    for element in root.xpath("//meta[@content]"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").strip().lower()
        value = _clean(element.get("content"))
        if key and value:
            for one in key.split():  # property="og:title dc:title" names several
                found.setdefault(one, value)
    return found


def _first(meta: dict[str, str], names: tuple[str, ...], *, skip_urls: bool = False) -> str | None:
    for name in names:
        value = meta.get(name)
        if value and not (skip_urls and (_URL.match(value) or value.startswith("@"))):
            return value
    return None


def _names(value: Any) -> str | None:
    """An author field of JSON-LD: a name, a person object, or a list of them."""
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        name = _text(item.get("name") if isinstance(item, dict) else item)
        if name and not _URL.match(name):
            names.append(name)
    return ", ".join(names) if names else None


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return _clean(value) if isinstance(value, str) else None


def _clean(value: str | None) -> str | None:
    text = " ".join((value or "").split())
    return text[:_MAX_FIELD] if text else None


def _date(value: str | None) -> str | None:
    if not value:
        return None
    iso = _ISO_DAY.match(value)
    return iso.group(1) if iso else parse_date(value)

"""Text-level boilerplate removal: label each line of an article body or boilerplate.

Content farms insert their template junk inline, as lines that often look like
sentences, so HTML structure alone cannot remove it. This module works on the
plain text (the ``.txt`` layout, or what :mod:`newsdesk.clean.html` extracted
from a page) and combines four signals:

1. **Form** of the line: surface patterns of template text (:mod:`.patterns`),
   length, sentence shape, framing symbols, name-only lines.
2. **Position**: the head (before the first real paragraph) and the tail
   (after the last one) hold navigation, bylines, bios and comment forms.
3. **Topical fit**: a headline-like line in the middle of the body stays as a
   subheading only when its words occur in the rest of the article; an inserted
   headline about another subject is removed.
4. **Repetition**: a line seen in several articles of the same outlet is
   template (:class:`TemplateMemory`, fitted on a batch).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from newsdesk.clean import patterns as p
from newsdesk.clean.controls import without_controls
from newsdesk.clean.dates import parse_date
from newsdesk.clean.lines import default_line_model, line_features
from newsdesk.clean.structure import BlockStructure
from newsdesk.clean.title import split_site_name
from newsdesk.errors import InputError
from newsdesk.model import Article, RawDocument, Removed

_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?…:;][\"'”’»)\]]*\s*$|[\"”»]\s*$")
_NAME_LINE = re.compile(r"^[A-Z][\w'’.-]+(\s+[A-Z][\w'’.-]+){1,3}$")
_BIO_FRAGMENT_SPLIT = re.compile(r"[.!?]\s+|\.$")
_QUOTE = re.compile(r"[\"“”«»„]")
_QUOTED = re.compile(r"[\"“«„][^\"“”«»„]*[\"”»“]")
_YEAR = re.compile(r"(?<!\d)(19[89]\d|20\d\d)(?!\d)")
_DATE_LINE_AUTHOR = re.compile(r"\bby\s+(?P<name>[A-Z][\w'’.-]+(\s+[A-Z][\w'’.-]+){1,3})\W*$")


@dataclass(slots=True, kw_only=True, frozen=True)
class CleanSettings:
    """Thresholds of the text cleaner (tuned on the project's labelled set)."""

    strong_words: int = 12
    """A line with at least this many words and sentence shape anchors the body."""
    short_words: int = 8
    """Head/tail lines shorter than this without sentence shape are template."""
    headline_words: int = 20
    """Lines without sentence punctuation and at most this long are headline-like."""
    subheading_fit: float = 0.34
    """Minimum share of a mid-body headline's words found elsewhere in the article."""
    off_topic_words: int = 6
    """Sentence-shaped lines with this many content words, no fit and template lines on both sides are inserts."""
    insert_words: int = 6
    """A mid-body headline this long without topical fit is an inserted link, even before a paragraph."""
    template_articles: int = 3
    """A line in this many articles of one outlet is a repeated template line."""
    template_max_words: int = 25
    min_kept_share: float = 0.25
    """Extracted HTML keeps all its text when cleaning would keep less than this share of its words."""
    html_line_model: bool = True
    """On text extracted from a page, remove a line only when it repeats across the outlet's pages or the line
    classifier (:mod:`newsdesk.clean.lines`, rules + page structure) scores it as boilerplate; off: the text
    rules alone decide, as for text files."""
    html_removal_probability: float | None = None
    """The classifier's probability at which a line of a page is removed (None: the packaged model's threshold)."""


@dataclass(slots=True)
class Unit:
    """A line (or a hard-wrapped paragraph) of the body, with its label."""

    text: str
    lines: tuple[int, ...]
    """1-based line numbers in the input body."""
    block: int
    reason: str | None = None

    @property
    def words(self) -> int:
        return len(self.text.split())


@dataclass(slots=True)
class TemplateMemory:
    """Lines that repeat across articles of one outlet (learned from a batch).

    Follows scikit-learn's conventions: ``fit`` returns ``self`` and learned
    state ends in ``_``.
    """

    min_articles: int = 3
    max_words: int = 25
    counts_: dict[str, Counter[str]] = field(default_factory=dict)

    def fit(self, docs: Iterable[tuple[str | None, str]]) -> TemplateMemory:
        """Count each normalised line once per article, per source.

        Args:
            docs: ``(source, body text)`` pairs; documents without a source are skipped.

        Returns:
            self
        """
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for source, body in docs:
            if not source:
                continue
            seen = {_normalise(line) for line in body.splitlines() if line.strip()}
            counts[source.lower()].update(line for line in seen if line)
        self.counts_ = dict(counts)
        return self

    def is_template(self, source: str | None, line: str) -> bool:
        """Return whether ``line`` repeats across enough articles of ``source``."""
        if not source or len(line.split()) > self.max_words:
            return False
        counter = self.counts_.get(source.lower())
        return counter is not None and counter[_normalise(line)] >= self.min_articles


def _normalise(line: str) -> str:
    return " ".join(_WORD.findall(line.lower()))


def _stem(word: str) -> str:
    word = word.lower().strip("'’-")
    for suffix in ("'s", "’s", "ies", "es", "s", "ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> list[str]:
    """Return the stemmed topical words of ``text`` (no stopwords, no short words)."""
    return [_stem(w) for w in _WORD.findall(text) if len(w) > 2 and w.lower() not in p.STOPWORDS]


def _sentence_shaped(text: str) -> bool:
    return bool(_SENTENCE_END.search(text))


def _headline_like(unit: Unit, settings: CleanSettings) -> bool:
    return not _sentence_shaped(unit.text) and unit.words <= settings.headline_words


def split_units(body: str) -> list[Unit]:
    """Split a body into units: one per line, or one per hard-wrapped paragraph.

    A block (lines between blank lines) is hard-wrapped when all its lines but
    the last are long and none ends a sentence by itself being a full line of
    template; such a block is one unit, its lines joined with spaces.
    """
    units: list[Unit] = []
    block: list[tuple[int, str]] = []
    block_no = 0

    def flush() -> None:
        nonlocal block_no
        if not block:
            return
        texts = [t for _, t in block]
        wrapped = (
            len(block) > 1 and all(len(t) >= 50 for t in texts[:-1]) and not any(_matches_template(t) for t in texts)
        )
        if wrapped:
            units.append(Unit(" ".join(texts), tuple(n for n, _ in block), block_no))
        else:
            units.extend(Unit(t, (n,), block_no) for n, t in block)
        block.clear()
        block_no += 1

    for number, line in enumerate(body.splitlines(), start=1):
        stripped = " ".join(line.split())
        if stripped:
            block.append((number, stripped))
        else:
            flush()
    flush()
    return units


def _matches_template(text: str) -> bool:
    return _pattern_reason(text) is not None


def _pattern_reason(text: str) -> str | None:
    """Reason from the line's own form alone, or None.

    Patterns that name a topic rather than a frame (cookies, newsletters,
    comments, copyright) only count on lines that do not report speech: news
    prose about a cookie law or a consultation's comments says who said it.
    """
    words = len(text.split())
    # Word limits come first: most lines are long paragraphs that no topic pattern may remove.
    reported = words <= 35 and bool(p.REPORTING.search(text))
    if words <= 10 and p.MARKER_FRAME.match(text):
        return p.ADVERTISEMENT if p.AD_WORDS.search(text) else p.TEMPLATE_MARKER
    if words <= 6 and p.AD_WORDS.search(text) and not _sentence_shaped(text):
        return p.ADVERTISEMENT
    if words <= 30 and p.AD_PREFIX.match(text):
        return p.ADVERTISEMENT
    if p.SOCIAL_EMBED.search(text) or p.EMBED_ATTRIBUTION.search(text):
        return p.SHARE
    if p.RELATED_HEADER.match(text) or p.RELATED_PREFIX.match(text):
        return p.RELATED
    if p.SOURCE_LINK.match(text) or p.FEED_FOOTER.match(text):
        return p.NAVIGATION
    if words <= 25 and not reported and p.COMMENT_LINE.search(text):
        return p.COMMENT_FORM
    if words <= 8 and p.COMMENT_ENTRY.match(text):
        return p.COMMENT_FORM  # before date lines: a comment's time is not the article's
    if words <= 15 and not reported and p.SHARE_LINE.search(text):
        return p.SHARE
    if words <= 12 and (p.DATE_LINE_RE.match(text) or (p.FOREIGN_DATE_LINE.match(text) and parse_date(text))):
        return p.DATE_LINE  # before breadcrumbs: "World News | Monday, 4 November 2024" dates the article
    if p.NAVIGATION_LINE.match(text) or (words <= 12 and p.BREADCRUMB.match(text)) or p.MENU_LINE.match(text):
        return p.NAVIGATION
    if words <= 30 and not reported and p.NOTICE_LINE.search(text):
        return p.NOTICE
    if words <= 35 and not reported and p.PUBLISHER_NOTE.search(text):
        return p.PUBLISHER_NOTE_REASON
    if p.TAGS_LINE.match(text):
        return p.TAGS
    if words <= 25 and not reported and p.COPYRIGHT_LINE.search(text):
        return p.COPYRIGHT
    if words <= 25 and p.CREDIT_LINE.match(text):
        return p.BYLINE
    if words <= 30 and p.PHOTO_LINE.search(text):
        return p.PHOTO_CREDIT
    if p.ABOUT_AUTHOR.match(text):
        return p.AUTHOR_BIO
    return None


def _is_bio(text: str) -> bool:
    """A generated persona: many tiny verbless fragments ("Coffee lover. Writer.")."""
    inner = text.strip("\"'“”«» ")
    fragments = [f for f in _BIO_FRAGMENT_SPLIT.split(inner) if f.strip()]
    if len(fragments) < 3:
        return False
    lengths = [len(f.split()) for f in fragments]
    return sum(lengths) / len(lengths) <= 4.0 and max(lengths) <= 6


def _is_name_line(text: str) -> bool:
    return bool(_NAME_LINE.match(text)) and not any(w.lower() in p.STOPWORDS for w in text.split())


@dataclass(slots=True, kw_only=True)
class Labelled:
    """The result of labelling a body: its units and what the head/tail gave."""

    units: list[Unit]
    author: str | None = None
    published: str | None = None
    year: int | None = None
    """The year the page's comments or copyright line give, for a dateline without one ("KABUL, Sept 5 -")."""


def label_units(
    units: list[Unit],
    *,
    title: str = "",
    source: str | None = None,
    templates: TemplateMemory | None = None,
    settings: CleanSettings = CleanSettings(),
    other_language: bool = True,
) -> Labelled:
    """Label each unit body (``reason is None``) or boilerplate (a reason).

    ``other_language`` off skips the check for template lines in another language (language identification
    of every line, the costliest step): extracted pages skip it, their line classifier gives it no weight.

    Steps:
        1. Form: surface patterns and repeated outlet lines; bylines give the
           author, date lines the date. The text of an embedded post goes
           with the attribution line under it ("— Name (@handle) May 3, 2026").
        2. Closing bios: walking back from the end over template and short
           lines, text about the author ("X covers city hall ... Reach her at
           ...") or a generated persona is a bio.
        3. Anchors: unlabelled, long, sentence-shaped units; the first and last
           anchor delimit head and tail. A comment form after the body opens the
           readers' comments: the tail starts there and what follows are comments.
        4. Lines right after a related-links header that look like headlines
           are links.
        5. Head: short non-sentences are navigation.
        6. Tail: a name-only line is the author, persona-like text is a bio;
           short non-sentences are navigation, lines that address the reader
           ("Join now!", "What do you think?") are notices, and a block of
           two or more headlines is a link list.
        7. Middle: a headline-like line stays as a subheading when it fits the
           article's topic, or when it is short and introduces a paragraph; a
           sentence with no topical fit wedged between template lines is an
           insert.
    """
    result = Labelled(units=units)
    # 1. Form and repetition.
    dated: list[tuple[int, str]] = []
    for index, unit in enumerate(units):
        unit.reason = _pattern_reason(unit.text)
        if unit.reason is None and templates is not None and templates.is_template(source, unit.text):
            unit.reason = p.REPEATED
        byline = p.BYLINE_LINE.match(unit.text)
        if unit.reason is None and byline and unit.words <= 10:
            unit.reason = p.BYLINE
            result.author = result.author or byline.group("name")
            # "By Jane Roe | Posted on 12 March 2023": the date shares the line.
            rest = unit.text[byline.end("name") :]
            if result.published is None and any(ch.isdigit() for ch in rest):
                result.published = parse_date(rest.strip(" |·,;–-"))
        if unit.reason in (p.COMMENT_FORM, p.COPYRIGHT):
            years = [int(y) for y in _YEAR.findall(unit.text)]
            # The first comment's year is the article's; a copyright line ends with the current year.
            if years and (result.year is None or unit.reason == p.COMMENT_FORM):
                result.year = years[0] if unit.reason == p.COMMENT_FORM else years[-1]
        if unit.reason == p.DATE_LINE:
            dated.append((index, unit.text))
            # "Published on March 12th, 2025 by Jane Roe": the author shares the line.
            by = _DATE_LINE_AUTHOR.search(unit.text)
            result.author = result.author or (by.group("name") if by else None)

    # Template left in another language, then readers' comments: both before the closing bios, which may sit
    # above them.
    if other_language:
        _label_other_language(units, _anchors(units, settings))
    comments = _comment_section(units, _anchors(units, settings))
    if comments is not None:
        for unit in units[comments + 1 :]:
            if unit.reason is None:
                unit.reason = p.READER_COMMENT
    # The first date line dates the article; one among the readers' comments dates a comment.
    for index, text in dated:
        if result.published is None and (comments is None or index < comments):
            result.published = parse_date(text)

    # 2. Closing bios, before they can count as the last paragraph.
    for index in range(len(units) - 1, -1, -1):
        unit = units[index]
        if unit.reason is not None:
            continue
        before = units[index - 1] if index else None
        # "Yiota Papanikolaou" on its own line, then "Yiota studied journalism ...": the author and her bio.
        if (
            before is not None
            and before.reason is None
            and _is_name_line(before.text)
            and _mentions_author(unit.text, before.text)
        ):
            unit.reason, before.reason = p.AUTHOR_BIO, p.BYLINE
            result.author = result.author or before.text
        elif _is_bio(unit.text) or any(about(unit.text, result.author) for about in (_is_author_bio, _mentions_author)):
            unit.reason = p.AUTHOR_BIO
        elif unit.words >= settings.short_words or _sentence_shaped(unit.text):
            break  # the last paragraph; short lines after it are left to the tail rules

    # An embedded post's text sits right before its attribution line ("Posted by X on <date>").
    for index in range(1, len(units)):
        unit, before = units[index], units[index - 1]
        if (
            p.EMBED_ATTRIBUTION.match(unit.text)
            and before.reason is None
            and before.words <= settings.template_max_words
            and not p.REPORTING.search(before.text)
        ):
            before.reason = p.SHARE

    # 3. Anchors.
    anchors = _anchors(units, settings)
    if not anchors:
        # Short notes (a brief, a wire flash): keep every unlabelled line.
        return result
    first, last = anchors[0], anchors[-1]

    # 4. Headlines listed under a related-links header: in its own block, or
    # in the next block when the header stands alone.
    for index, unit in enumerate(units):
        if unit.reason != p.RELATED or not p.RELATED_HEADER.match(unit.text):
            continue
        alone = all(u.block != unit.block for u in units[index + 1 : index + 2])
        for other in units[index + 1 :]:
            if other.block not in (unit.block, unit.block + 1) or (other.block != unit.block and not alone):
                break
            if other.reason is None and _headline_like(other, settings):
                other.reason = p.RELATED
            elif other.reason is None:
                break

    # 5. Head.
    for unit in units[:first]:
        if unit.reason is None and unit.words < settings.short_words and not _sentence_shaped(unit.text):
            unit.reason = p.NAVIGATION

    # 6. Tail.
    author_seen = False
    for unit in units[last + 1 :]:
        if unit.reason is not None:
            continue
        if not author_seen and _is_name_line(unit.text):
            unit.reason = p.BYLINE
            result.author = result.author or unit.text
            author_seen = True
        elif _is_bio(unit.text) or (author_seen and _mentions_author(unit.text, result.author)):
            unit.reason = p.AUTHOR_BIO
        elif unit.words < settings.short_words and not _sentence_shaped(unit.text):
            unit.reason = p.NAVIGATION
        elif unit.words <= settings.template_max_words and _addresses_reader(unit.text):
            unit.reason = p.READER_CALL
    # A list of headlines (two or more in one block) after the article is a link list.
    tail = units[last + 1 :]
    for block in {u.block for u in tail}:
        members = [u for u in tail if u.block == block]
        listed = [u for u in members if u.reason is None and _headline_like(u, settings)]
        if len(members) >= 2 and len(listed) >= 2 and all(u.reason is not None or u in listed for u in members):
            for unit in listed:
                unit.reason = p.RELATED

    # 7. Middle: topical fit against the rest of the article.
    body_words = Counter(content_words(title))
    for unit in units:
        if unit.reason is None:
            body_words.update(set(content_words(unit.text)))
    template = [u.reason is not None for u in units]
    introduces = [
        i + 1 < len(units) and units[i + 1].reason is None and not _headline_like(units[i + 1], settings)
        for i in range(len(units))
    ]
    for index, unit in enumerate(units):
        if unit.reason is not None or index in (first, last):
            continue
        words = set(content_words(unit.text))
        if not words:
            continue
        # Count the word elsewhere: remove this unit's own contribution.
        fit = sum(1 for w in words if body_words[w] - 1 > 0) / len(words)
        if first < index < last and _headline_like(unit, settings):
            if fit < settings.subheading_fit and (unit.words >= settings.insert_words or not introduces[index]):
                unit.reason = p.OFF_TOPIC
        elif (
            len(words) >= settings.off_topic_words
            and fit == 0.0
            and 0 < index < len(units) - 1
            and template[index - 1]
            and template[index + 1]
            and not _QUOTE.search(unit.text)
        ):
            unit.reason = p.OFF_TOPIC
    return result


def _anchors(units: Sequence[Unit], settings: CleanSettings) -> list[int]:
    """Indices of the unlabelled, long, sentence-shaped units: surely body text."""
    return [
        i
        for i, u in enumerate(units)
        if u.reason is None and u.words >= settings.strong_words and _sentence_shaped(u.text) and not _is_bio(u.text)
    ]


#: Confidence the language identifier needs in the body's language, and in a line's other language.
_BODY_LANGUAGE_CONFIDENCE = 0.9
_LINE_LANGUAGE_CONFIDENCE = 0.6
_MIN_LANGUAGE_WORDS = 5


@cache
def _language_identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _label_other_language(units: Sequence[Unit], anchors: Sequence[int]) -> None:
    """Label lines written in another language than the body as template.

    Sites that machine-translate their articles leave the template in the
    original language ("Te-ar mai putea interesa: ...", "Gulir untuk melanjutkan
    membaca"); a quote keeps its marks, so lines with quote marks are left alone.
    """
    if not anchors:
        return
    identify = _language_identifier().classify
    body, confidence = identify(" ".join(units[i].text for i in anchors)[:3000])
    if confidence < _BODY_LANGUAGE_CONFIDENCE:
        return
    for unit in units:
        if unit.reason is not None or unit.words < _MIN_LANGUAGE_WORDS or _quoted_share(unit.text) > 0.4:
            continue
        language, confidence = identify(unit.text)
        if language != body and confidence >= _LINE_LANGUAGE_CONFIDENCE:
            unit.reason = p.FOREIGN_TEMPLATE


def _quoted_share(text: str) -> float:
    """The share of ``text`` inside quote marks (a quote, not a button label like „Zgadzam się”)."""
    inside = sum(len(m.group(0)) for m in _QUOTED.finditer(text))
    return inside / len(text) if text else 0.0


def _comment_section(units: Sequence[Unit], anchors: Sequence[int]) -> int | None:
    """Index of the comment-form line that opens the readers' comments after the article, or None.

    The line must follow some body paragraphs, and what follows it must be short beside them (a few
    comments, not the rest of the article): below a fifth of the body's words in anchor lines.
    """
    for index, unit in enumerate(units):
        if unit.reason != p.COMMENT_FORM or not anchors or index < anchors[0]:
            continue
        before = sum(units[i].words for i in anchors if i < index)
        after = sum(units[i].words for i in anchors if i > index)
        if after < before / 5:
            return index
    return None


def _is_author_bio(text: str, author: str | None) -> bool:
    """Text about a journalist: "<Name> covers/writes about/is a correspondent ... Reach her at ..."."""
    if p.ABOUT_AUTHOR_LABEL.match(text):
        return True
    match = p.BIO_START.match(text)
    if not match:
        return False
    if author and match.group("name") == author:
        return True
    return bool(p.BIO_ROLE.search(text))


def _addresses_reader(text: str) -> bool:
    """A call to the reader (imperative or "you"), not quoted speech."""
    return bool(p.READER_ADDRESS.search(text)) and not _QUOTE.search(text) and not p.REPORTING.search(text)


def _mentions_author(text: str, author: str | None) -> bool:
    """Text about the author, by name: "Jana is a former teacher ...", "Yiota studied journalism ..."."""
    if not author:
        return False
    first = author.split()[0]
    for name in (author, first, first.split("-")[0]):
        if text.startswith(name + " "):
            following = text[len(name) + 1 :].split(maxsplit=1)
            verb = following[0] if following else ""
            return verb.islower() and verb.isalpha() and not p.REPORTING.match(verb) and not _QUOTE.search(text)
    return False


def _dateline_date(text: str | None, year: int | None) -> str | None:
    """The date of a dateline; one without a year ("February 17") takes the year the page gives elsewhere."""
    if not text:
        return None
    return parse_date(text) or (parse_date(f"{text} {year}") if year else None)


def _dateline(paragraph: str) -> tuple[str, str, str | None] | None:
    """Split a leading dateline ("CITY, Month D (Agency) -") off a paragraph.

    Returns:
        ``(dateline, rest of the paragraph, date text or None)``, or None.
    """
    match = p.DATELINE_RE.match(paragraph)
    if not match or not match.group("place").split(",")[0].replace(" ", "").isupper():
        return None
    return paragraph[: match.end()].strip(), paragraph[match.end() :], match.group("date")


MAX_TITLE_CHARS = 300
"""A first line longer than this is a paragraph (or a whole one-line file), not a title."""
_DERIVED_TITLE_CHARS = 120
_FIRST_SENTENCE = re.compile(r".+?[.!?…](?=\s|$)")


def split_title(raw: RawDocument) -> tuple[str, str | None, int]:
    """Find a document's headline and the line where its body starts.

    The title is ``raw.title`` when set, else the first non-empty line. When
    the first non-empty line repeats the title, the body starts after it. A
    first line longer than :data:`MAX_TITLE_CHARS`, or any first line of a
    body without a title line (``raw.body_has_title`` false), stays in the
    body, and the title is taken from its start (:func:`title_from_text`).

    Returns:
        ``(headline without site name, site name or None, 0-based index of the first body line)``.
    """
    lines = raw.body.splitlines()
    title = (raw.title or "").strip()
    start = 0
    for i, line in enumerate(lines):
        if line.strip():
            if title:
                if " ".join(line.split()) == " ".join(title.split()):
                    start = i + 1
            elif raw.body_has_title and len(line.strip()) <= MAX_TITLE_CHARS:
                title = line.strip()
                start = i + 1
            else:
                title = title_from_text(line)
            break
    headline, site = split_site_name(title, raw.source)
    return headline, site, start


def title_from_text(text: str) -> str:
    """A title for text that has none: its first sentence, or its first words when that is long.

    Args:
        text: The first paragraph (or line) of the text.

    Returns:
        The first sentence when it has at most :data:`MAX_TITLE_CHARS`
        characters, else the words of the first ``_DERIVED_TITLE_CHARS``
        characters followed by "…".
    """
    head = text[: MAX_TITLE_CHARS + 1]
    sentence = _FIRST_SENTENCE.match(" ".join(head.split()))
    if sentence and len(sentence.group(0)) <= MAX_TITLE_CHARS:
        return sentence.group(0)
    if len(text.strip()) <= MAX_TITLE_CHARS:
        return " ".join(text.split())
    words = " ".join(head[: _DERIVED_TITLE_CHARS + 1].split())
    cut = words.rsplit(" ", 1)[0] if " " in words else words[:_DERIVED_TITLE_CHARS]
    return cut.rstrip(" ,;:–—-") + "…"


def clean_document(
    raw: RawDocument,
    settings: CleanSettings = CleanSettings(),
    templates: TemplateMemory | None = None,
) -> Article:
    """Turn a raw text document into an :class:`Article` with boilerplate removed.

    Args:
        raw: A document in the ``.txt`` layout (title on the first non-empty line
            unless ``raw.title`` is set). HTML must go through
            :func:`newsdesk.clean.html.extract_html` first.
        settings: Thresholds.
        templates: Lines learned as template for each outlet in this batch.

    Returns:
        The article; every removed piece of text is kept in ``removed`` with its reason.
        C0 and C1 control characters are taken out of its text and metadata
        (:func:`~newsdesk.clean.controls.without_controls`; ``raw`` keeps them).

        Text extracted from HTML (``raw.extracted``) is kept whole, with a note
        in ``removed``, when cleaning would keep less than
        ``settings.min_kept_share`` of its words.

    Raises:
        InputError: The document has no body text left, or is a single line
            too long to be a title.
    """
    raw = without_controls(raw)
    lines = raw.body.splitlines()
    title, site, start = split_title(raw)
    if raw.body_has_title and not raw.title and sum(1 for line in lines if line.strip()) == 1:
        length = len(raw.body.strip())
        if length > MAX_TITLE_CHARS:
            raise InputError(
                raw.path,
                f"a single line of {length} characters: too long for a title and no article text after it "
                "(the text layout is a title line, a blank line, then paragraphs)",
            )
    removed: list[Removed] = []
    if site:
        removed.append(Removed(text=site, reason=p.SITE_NAME))
    source = raw.source or site

    # Line numbers of units stay those of the full body, so evaluation can refer to them.
    units = split_units("\n" * start + "\n".join(lines[start:]))
    recall_first = raw.extracted and raw.structure is not None and settings.html_line_model
    labelled = label_units(
        units, title=title, source=source, templates=templates, settings=settings, other_language=not recall_first
    )
    if recall_first:
        _recall_first(labelled.units, raw.structure or {}, settings, templates, source)
    if raw.extracted:
        note = _keep_extracted(labelled.units, settings)
        if note is not None:
            removed.append(note)

    paragraphs: list[str] = []
    published = raw.published or labelled.published
    previous_block = -1
    for unit in labelled.units:
        if unit.reason is not None:
            removed.append(Removed(text=unit.text, reason=unit.reason))
            continue
        text = unit.text
        if not paragraphs:
            split = _dateline(text)
            if split:
                published = published or _dateline_date(split[2], labelled.year)
                if not recall_first:  # on a page the dateline stays part of the first paragraph
                    removed.append(Removed(text=split[0], reason=p.DATELINE))
                    text = split[1]
        if paragraphs and unit.block == previous_block and not _sentence_shaped(paragraphs[-1]):
            paragraphs[-1] += " " + text
        else:
            paragraphs.append(text)
        previous_block = unit.block
    if not paragraphs:
        raise InputError(raw.path, "no article text left after removing boilerplate")
    return Article(
        id=Article.input_id(raw.url, raw.body),
        path=raw.path,
        title=title,
        paragraphs=paragraphs,
        source=source,
        url=raw.url,
        author=raw.author or labelled.author,
        published=published,
        removed=[*removed, *raw.left_out],
    )


#: Reasons the wording alone gives to a page's furniture (a date, a byline, tags, a comment count): removed
#: whatever the line classifier says when the markup puts the line outside the article's main container.
_PAGE_FURNITURE = frozenset({p.DATE_LINE, p.BYLINE, p.TAGS, p.COMMENT_FORM, p.PHOTO_CREDIT})


def _recall_first(
    units: Sequence[Unit],
    structure: Mapping[int, BlockStructure],
    settings: CleanSettings,
    templates: TemplateMemory | None,
    source: str | None,
) -> None:
    """Keep every line of extracted HTML but those with strong evidence against them.

    A line the extractor kept stays unless the page's markup places it outside the article's text
    (:attr:`~newsdesk.clean.structure.BlockStructure.placement`), it repeats across the outlet's pages (reason
    :data:`~newsdesk.clean.patterns.REPEATED`), or the text rules flag it and the line classifier, which weighs
    their verdict with the page's structure, scores it at or above the removal probability, or its wording
    is a page's furniture (:data:`_PAGE_FURNITURE`: a date, a byline, tags) and the markup puts it outside the
    article's main container. A removed line keeps the rules' reason. A heading of the article's main
    container that introduces a kept paragraph is never navigation (:func:`_keep_subheadings`).
    """
    model = default_line_model()
    threshold = settings.html_removal_probability if settings.html_removal_probability is not None else model.threshold
    has_main = any(block.in_main for block in structure.values())
    for index, unit in enumerate(units):
        placed = structure.get(unit.lines[0])
        if placed is not None and placed.placement is not None:
            # The markup puts it in a widget inside the article or in a section after it.
            unit.reason = placed.placement
            continue
        if unit.reason is None:
            continue
        # Repeated across the outlet's pages: whatever reason the rules gave first ("Advertisement" is both).
        if unit.reason == p.REPEATED or (templates is not None and templates.is_template(source, unit.text)):
            continue
        block = structure.get(unit.lines[0])
        form_reason = _pattern_reason(unit.text)
        if has_main and block is not None and not block.in_main and form_reason in _PAGE_FURNITURE:
            # Worded as a date, byline, tag list or comment count, and outside the article's container.
            continue
        values = line_features(
            words=unit.words,
            sentence=_sentence_shaped(unit.text),
            form_reason=form_reason,
            reason=unit.reason,
            block=block,
            index=index,
            count=len(units),
        )
        if model.probability(values) < threshold:
            unit.reason = None
    _keep_subheadings(units, structure)


def _keep_subheadings(units: Sequence[Unit], structure: Mapping[int, BlockStructure]) -> None:
    """Keep a heading inside the article's main container that introduces body text: it is never navigation.

    A subheading can look like a menu or a breadcrumb ("Gallery: Screenshots | 9 Photos", a French quote
    « ... » read as a "›" separator), and the rules then call it navigation. When the markup puts the heading
    in the article's main container (:attr:`~newsdesk.clean.structure.BlockStructure.in_main`) and the next
    line, kept, is a paragraph of that container, the heading is the article's. A heading the markup places in
    a widget or after the article, or that the outlet repeats on its pages, keeps its reason.
    """
    for index, unit in enumerate(units[:-1]):
        if unit.reason != p.NAVIGATION:
            continue
        block, following = structure.get(unit.lines[0]), structure.get(units[index + 1].lines[0])
        if (
            block is not None
            and block.heading
            and block.in_main
            and following is not None
            and following.in_main
            and not following.heading
            and units[index + 1].reason is None
        ):
            unit.reason = None


def line_feature_rows(raw: RawDocument, settings: CleanSettings = CleanSettings()) -> list[tuple[Unit, list[float]]]:
    """Each unit of an extracted page with its line-classifier features (for fitting the classifier).

    Raises:
        ValueError: ``raw`` is not text extracted from a page.
    """
    structure = raw.structure
    if not raw.extracted or structure is None:
        raise ValueError("line features need text extracted from a page (extract_html)")
    raw = without_controls(raw)
    lines = raw.body.splitlines()
    title, site, start = split_title(raw)
    units = split_units("\n" * start + "\n".join(lines[start:]))
    label_units(units, title=title, source=raw.source or site, settings=settings, other_language=False)
    rows = []
    for index, unit in enumerate(units):
        values = line_features(
            words=unit.words,
            sentence=_sentence_shaped(unit.text),
            form_reason=_pattern_reason(unit.text),
            reason=unit.reason,
            block=structure.get(unit.lines[0]),
            index=index,
            count=len(units),
        )
        rows.append((unit, values))
    return rows


def _keep_extracted(units: Sequence[Unit], settings: CleanSettings) -> Removed | None:
    """Unlabel every unit when cleaning would keep too little of an extracted page.

    The extractor already chose the page's main content; a cleaner that would
    remove all of it, or all but a small share, is more likely wrong than the
    extractor (recall first). The extractor's text is then kept whole. The
    share is of the text the page's markup leaves in the article (a gallery
    inside it or teasers after it do not count), and nothing kept is always
    too little.

    Returns:
        A note saying how much cleaning would have removed (reason
        :data:`~newsdesk.clean.patterns.KEPT_EXTRACTED`), or None when the
        labels stand.
    """
    total = sum(unit.words for unit in units)
    kept = sum(unit.words for unit in units if unit.reason is None)
    # What the markup puts outside the article (a gallery, teasers after it) is not the article's share.
    placed = sum(unit.words for unit in units if unit.reason in (p.PAGE_WIDGET, p.PAGE_HEAD, p.PAGE_TAIL))
    if not total or (kept and kept >= settings.min_kept_share * (total - placed)):
        return None
    lines = sum(1 for unit in units if unit.reason is not None)
    for unit in units:
        unit.reason = None
    return Removed(
        text=(
            f"Boilerplate removal would have kept {kept} of the {total} words the extractor found "
            f"(below {settings.min_kept_share:.0%}), taking out {lines} of {len(units)} lines; "
            "the extracted text is kept whole."
        ),
        reason=p.KEPT_EXTRACTED,
    )


def fit_templates(raws: Sequence[RawDocument], settings: CleanSettings = CleanSettings()) -> TemplateMemory:
    """Learn each outlet's repeated lines from a batch of raw documents."""
    memory = TemplateMemory(min_articles=settings.template_articles, max_words=settings.template_max_words)
    cleaned = [without_controls(raw) for raw in raws]  # the lines clean_document will see
    return memory.fit((raw.source or _title_site(raw), raw.body) for raw in cleaned)


def _title_site(raw: RawDocument) -> str | None:
    first = next((line for line in raw.body.splitlines() if line.strip()), "")
    return split_site_name(raw.title or first, None)[1]

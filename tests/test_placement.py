"""Tests of newsdesk.clean.placement: widgets inside the article, page sections before and after it."""

from __future__ import annotations

from dataclasses import replace

from lxml import html as lxml_html

from newsdesk.clean import clean_document, patterns
from newsdesk.clean.placement import Layout, layout, placements
from newsdesk.clean.structure import BlockStructure, match_keys, own_text, page_blocks
from newsdesk.model import RawDocument

BODY = [
    "The regional water board approved a plan on Tuesday to rebuild the northern reservoir, which lost a third "
    "of its capacity to silt over the past twenty years.",
    "Engineers told the board that dredging alone would not be enough, because the dam's outlet gates were "
    "designed for a lake twice as deep as the one that remains.",
    "Farmers downstream welcomed the decision but asked for a guarantee that irrigation would continue during "
    "the three summers the work is expected to take.",
    "The board's chair said the first contracts would be signed in the spring and that the cost would be shared "
    "with the two neighbouring districts that draw on the lake.",
]
CAPTIONS = [f"{n}/4 A view of the reservoir shore in a dry summer, with the old boat ramp far from the water" for n in
            range(1, 5)]  # fmt: skip
TEASERS = [
    ("Bridge works delayed", "The harbour bridge will stay closed until autumn, the council says."),
    ("School meals plan", "Every primary school will serve a free lunch from next year."),
    ("Tram line vote", "Residents split over the route of the new tram through the old town."),
]


def _page(*, gallery: bool = False, teasers: bool = False) -> str:
    paragraphs = [f"<p>{text}</p>" for text in BODY]
    if gallery:
        items = "".join(f"<li><h2>{caption}</h2><p>Photo agency</p></li>" for caption in CAPTIONS)
        paragraphs.insert(2, f'<div class="inline-gallery"><ul class="slides">{items}</ul></div>')
    after = ""
    if teasers:
        after = (
            '<div class="more-stories"><h2>More from the region</h2>'
            + "".join(
                f'<div class="card"><h3><a href="/{i}">{head}</a></h3><p>{line}</p></div>'
                for i, (head, line) in enumerate(TEASERS)
            )
            + "</div>"
        )
    return (
        "<html><head><title>Reservoir to be rebuilt</title></head><body><main><article>"
        f'<h1>Reservoir to be rebuilt</h1><div class="story-body">{"".join(paragraphs)}</div>'
        f"</article>{after}</main></body></html>"
    )


def _placements(markup: str, paragraphs: list[str]) -> list[str | None]:
    page = page_blocks(lxml_html.fromstring(markup))
    return placements(paragraphs, match_keys(paragraphs, page.blocks), page)


def test_a_gallery_inside_the_article_is_a_widget() -> None:
    paragraphs = [*BODY[:2], *CAPTIONS, *BODY[2:]]
    reasons = _placements(_page(gallery=True), paragraphs)
    assert reasons == [None, None, *[patterns.PAGE_WIDGET] * 4, None, None]


def test_teasers_after_the_article_are_a_page_section() -> None:
    paragraphs = [*BODY, "More from the region", *(text for pair in TEASERS for text in pair)]
    reasons = _placements(_page(teasers=True), paragraphs)
    assert reasons[: len(BODY)] == [None] * len(BODY)
    assert reasons[len(BODY) :] == [patterns.PAGE_TAIL] * (1 + 2 * len(TEASERS))


def test_an_article_after_a_stream_of_teasers_is_kept() -> None:
    # A hub page: a long stream of summaries first, then the article itself in a box named like a promotion.
    stream = "".join(f"<li><p>{text} {text}</p></li>" for text in BODY)
    article = "".join(f"<p>{text}</p>" for text in BODY[:3])
    markup = (
        f'<html><body><ul class="stream">{stream}</ul><div class="promo-slot"><div class="x">{article}</div>'
        "</div></body></html>"
    )
    paragraphs = [own_text(e) for e in lxml_html.fromstring(markup).iter("p")]
    assert _placements(markup, paragraphs) == [None] * len(paragraphs)


def test_a_container_named_like_a_widget_that_holds_the_body_is_kept() -> None:
    markup = _page().replace('<div class="story-body">', '<div class="story-body"><div class="read-more">')
    markup = markup.replace("</div></article>", "</div></div></article>")
    assert _placements(markup, BODY) == [None] * len(BODY)


def _extracted(paragraphs: list[str], placed: dict[int, str]) -> RawDocument:
    """An extracted page whose paragraph ``i`` the markup places outside the article when ``i`` is in ``placed``."""
    block = BlockStructure(tag="p", link_density=0.0, containers=frozenset(), classes=frozenset(), position=0.5)
    structure = {
        3 + 2 * i: replace(block, placement=placed[i]) if i in placed else block for i in range(len(paragraphs))
    }
    return RawDocument(
        path="page.html",
        body="\n\n".join(["Reservoir to be rebuilt", *paragraphs]),
        body_has_title=True,
        extracted=True,
        title="Reservoir to be rebuilt",
        structure=structure,
    )


def test_the_cleaner_removes_what_the_markup_places_outside_and_records_why() -> None:
    # The gallery holds most of the words: the article is still what is left (never the whole page kept).
    captions = CAPTIONS * 10
    paragraphs = [*BODY[:2], *captions, *BODY[2:]]
    placed = {2 + i: patterns.PAGE_WIDGET for i in range(len(captions))}
    article = clean_document(_extracted(paragraphs, placed))
    assert article.paragraphs == BODY
    assert [r.reason for r in article.removed] == [patterns.PAGE_WIDGET] * len(captions)


def test_the_cleaner_keeps_the_page_whole_when_the_markup_would_leave_nothing() -> None:
    placed = dict.fromkeys(range(len(BODY)), patterns.PAGE_TAIL)
    article = clean_document(_extracted(BODY, placed))
    assert article.paragraphs == BODY
    assert [r.reason for r in article.removed] == [patterns.KEPT_EXTRACTED]


def test_thousands_of_teasers_under_one_parent_are_read_once() -> None:
    import time

    # Summaries in <div>s: the article's <p> paragraphs stay the main container's text.
    cards = "".join(f'<div class="card"><h3>Story {n}</h3><div>Summary of story {n}.</div></div>' for n in range(3000))
    markup = _page().replace("</main>", f'<div class="more">{cards}</div></main>')
    paragraphs = [*BODY, *(text for n in range(3000) for text in (f"Story {n}", f"Summary of story {n}."))]
    start = time.process_time()
    reasons = _placements(markup, paragraphs)
    assert time.process_time() - start < 2.0
    assert reasons[: len(BODY)] == [None] * len(BODY) and set(reasons[len(BODY) :]) == {patterns.PAGE_TAIL}


STREAM = [
    ("Harbour bridge works delayed until the autumn", "The harbour bridge will stay closed until autumn, the "
     "council says, after divers found more corrosion on the piers than the survey had shown last year."),
    ("School meals plan approved by the council", "Every primary school will serve a free lunch from next year, "
     "paid for by a levy on the port's cruise passengers that the council voted through on Monday."),
    ("Tram line vote splits the old town", "Residents are split over the route of the new tram through the old "
     "town, with shopkeepers on the high street asking for the line to run along the river instead."),
    ("Museum reopens after three years of repairs", "The city museum reopens on Saturday after three years of "
     "repairs to its roof, with a new gallery for the finds of the Roman harbour dug up in the spring."),
]  # fmt: skip


def _stream_page(*, headline_first: bool) -> str:
    """A stream of teasers (a headline link to another article, then its summary) and an article beside it."""
    items = "".join(
        f'<li class="stream-item"><a href="/story-{i}"><h3>{head}</h3></a><p>{line}</p></li>'
        for i, (head, line) in enumerate(STREAM)
    )
    stream = f'<ul class="stream">{items}</ul>'
    article = f'<div class="story-body">{"".join(f"<p>{text}</p>" for text in BODY)}</div>'
    headline = "<h1>Reservoir to be rebuilt</h1>"
    parts = [headline, stream, article] if headline_first else [stream, headline, article]
    return f"<html><head><title>Reservoir to be rebuilt</title></head><body>{''.join(parts)}</body></html>"


def _layout(markup: str, paragraphs: list[str]) -> Layout:
    page = page_blocks(lxml_html.fromstring(markup))
    return layout(paragraphs, match_keys(paragraphs, page.blocks), page)


def test_a_stream_of_teasers_before_the_headline_is_a_page_section() -> None:
    # The summaries hold more text than the article: without the stream the main container would be the list.
    paragraphs = [line for _, line in STREAM] + BODY
    placed = _layout(_stream_page(headline_first=False), paragraphs)
    assert placed.reasons == [patterns.PAGE_HEAD] * len(STREAM) + [None] * len(BODY)
    assert placed.in_main == [False] * len(STREAM) + [True] * len(BODY)


def test_a_stream_after_the_headline_stays_the_article() -> None:
    # Entries of a live blog look like teasers; the page's headline comes before them, so they are its text.
    paragraphs = [line for _, line in STREAM] + BODY
    placed = _layout(_stream_page(headline_first=True), paragraphs)
    assert placed.reasons == [None] * len(paragraphs)


def test_paragraphs_wrapped_one_by_one_are_no_stream() -> None:
    # Each paragraph in its own box, with a link inside the paragraph: no headline beside it.
    wrapped = "".join(
        f'<div class="para"><p>{text} <a href="/x">a link of several words</a></p></div>' for text in BODY
    )
    markup = f"<html><body><h1>Reservoir</h1><div>{wrapped}</div><div><p>{BODY[0]}</p></div></body></html>"
    paragraphs = [f"{text} a link of several words" for text in BODY] + [BODY[0]]
    assert _layout(markup, paragraphs).reasons == [None] * len(paragraphs)


def _subheading_page(*, in_main: bool) -> RawDocument:
    heading = "Gallery: the reservoir in a dry summer | 9 Photos"
    paragraphs = [*BODY[:2], heading, *BODY[2:]]
    raw = _extracted(paragraphs, {})
    structure = dict(raw.structure or {})
    for line, block in structure.items():
        structure[line] = replace(block, in_main=in_main, tag="h3" if line == 3 + 2 * 2 else block.tag)
    return replace(raw, structure=structure)


def test_a_heading_inside_the_article_that_introduces_text_is_never_navigation() -> None:
    # The rules read "... | 9 Photos" as a breadcrumb; inside the article's container, before a paragraph, it is
    # the article's own heading.
    kept = clean_document(_subheading_page(in_main=True))
    assert "Gallery: the reservoir in a dry summer | 9 Photos" in kept.paragraphs
    outside = clean_document(_subheading_page(in_main=False))
    assert [r.reason for r in outside.removed] == [patterns.NAVIGATION]


def test_long_list_items_in_a_named_box_after_the_article_are_a_page_section() -> None:
    # A slide show after the article: long captions in list items, in a box named as a widget. A run of long
    # list items is not an article after the container (that would be paragraphs).
    slides = [f"{caption} and the hills behind it, seen from the dam in the last week of the drought" for caption in
              CAPTIONS]  # fmt: skip
    items = "".join(f'<li class="slide">{text}</li>' for text in slides)
    markup = _page().replace("</main>", f'<div class="slideshow widget"><ul class="slides">{items}</ul></div></main>')
    reasons = _placements(markup, [*BODY, *slides])
    assert reasons == [None] * len(BODY) + [patterns.PAGE_TAIL] * len(slides)


def _furniture_page(*, date_in_main: bool) -> RawDocument:
    """An extracted page whose body sits in the main container, and a date line before it."""
    paragraphs = ["24 July 2015", *BODY]
    raw = _extracted(paragraphs, {})
    structure = {
        line: replace(block, in_main=line != 3 or date_in_main, classes=frozenset({"content"}))
        for line, block in (raw.structure or {}).items()
    }
    return replace(raw, structure=structure)


def test_a_date_line_outside_the_article_container_is_removed() -> None:
    # Worded as page furniture and placed outside the article: removed whatever the line classifier says.
    outside = clean_document(_furniture_page(date_in_main=False))
    assert outside.paragraphs == BODY and [r.reason for r in outside.removed] == [patterns.DATE_LINE]
    inside = clean_document(_furniture_page(date_in_main=True))
    assert inside.paragraphs[0] == "24 July 2015"

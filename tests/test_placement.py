"""Tests of newsdesk.clean.placement: widgets inside the article and page sections after it."""

from __future__ import annotations

from dataclasses import replace

from lxml import html as lxml_html

from newsdesk.clean import clean_document, patterns
from newsdesk.clean.placement import placements
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

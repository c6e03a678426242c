"""Tests of newsdesk.clean.html: article text and metadata out of HTML pages."""

from __future__ import annotations

import time

import pytest

from newsdesk.clean import CleanSettings, clean_document, fit_templates, patterns
from newsdesk.clean.html import NO_TEXT, extract_html
from newsdesk.errors import InputError
from newsdesk.ingest import iter_documents
from newsdesk.model import RawDocument

PARAGRAPHS = [
    "The city council voted on Monday to close the old harbour bridge to cars, after engineers warned that "
    "its steel supports had corroded faster than expected.",
    '"We cannot take the risk any longer," said Mayor Ana Ruiz, who called the decision painful but '
    "necessary for the safety of thousands of daily commuters.",
    "Shop owners near the bridge said the closure would cut their trade by half, and several asked the "
    "council for temporary support while a replacement is built.",
    "Work on a new crossing is due to start next spring and should take about three years, according to the "
    "council's transport department.",
]

NAV = ["Home", "World", "Politics", "Business", "Sport"]
SIDEBAR = "Most read: Ten gadgets you need this summer and other stories readers loved"
COMMENT = "Great article, I have been saying this for years about that bridge and nobody listened to me."
FOOTER = "Copyright 2024 Harbour Herald Media Group. All rights reserved. Privacy policy. Terms of use."


def realistic_page(paragraphs: list[str] = PARAGRAPHS, title: str = "Council closes harbour bridge to cars") -> str:
    """A news page with navigation, sidebar, comments and footer around the article."""
    nav = "".join(f'<li><a href="/{item.lower()}">{item}</a></li>' for item in NAV)
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>{title} | Harbour Herald</title>
<meta property="og:site_name" content="Harbour Herald">
<meta property="og:title" content="{title}">
<meta name="author" content="Maria Lopez">
<meta property="article:published_time" content="2024-03-05T09:30:00+01:00">
<script>var tracking = "SCRIPT_SECRET"; window.dataLayer = [];</script>
<style>.nav {{ color: red }}</style>
</head><body>
<header><nav class="nav"><ul>{nav}</ul></nav></header>
<div class="layout">
<aside class="sidebar"><h3>Most read</h3><ul><li><a href="/x">{SIDEBAR}</a></li></ul></aside>
<main><article class="story">
<h1>{title}</h1>
<div class="byline">By Maria Lopez, 5 March 2024</div>
<div class="story-body">{body}</div>
</article>
<section id="comments" class="comments"><h2>Comments</h2>
<div class="comment"><p>{COMMENT}</p></div></section>
</main></div>
<footer class="site-footer"><p>{FOOTER}</p></footer>
</body></html>"""


def html_doc(html: str, **fields: str) -> RawDocument:
    return RawDocument(path="page.html", body=html, is_html=True, **fields)


@pytest.mark.parametrize("fast", [False, True])
def test_realistic_page_gives_paragraphs_and_metadata(fast: bool) -> None:
    result = extract_html(html_doc(realistic_page()), fast=fast)

    assert not result.is_html
    assert result.body.split("\n\n") == ["Council closes harbour bridge to cars", *PARAGRAPHS]
    assert result.title == "Council closes harbour bridge to cars"
    assert result.source == "Harbour Herald"
    assert result.author == "Maria Lopez"
    assert result.published == "2024-03-05"
    assert result.path == "page.html"
    for junk in (*NAV, SIDEBAR, COMMENT, FOOTER, "SCRIPT_SECRET", "color: red"):
        assert junk not in result.body.replace(result.title, "")


def test_what_the_extractor_leaves_out_is_recorded_with_its_reason() -> None:
    raw = extract_html(html_doc(realistic_page()))
    left = [r.text for r in raw.left_out]
    assert all(r.reason == patterns.LEFT_OUT for r in raw.left_out)
    for junk in (SIDEBAR, COMMENT, FOOTER, "Home", "Sport"):
        assert junk in left
    # Neither the article's paragraphs nor its headline are listed; no script or style text is.
    assert not set(left) & {*PARAGRAPHS, "Council closes harbour bridge to cars"}
    assert not any("SCRIPT_SECRET" in text or "color: red" in text for text in left)
    article = clean_document(raw)
    assert {r.text for r in article.removed} >= set(left)


def test_document_metadata_wins_over_page_metadata() -> None:
    doc = html_doc(realistic_page(), title="Bridge closed", source="Wire", author="A. Reporter", url="https://x.test/a")
    doc.published = "2024-03-04"

    result = extract_html(doc)

    # the page's own <h1> repeats the page title: dropped, not kept as a paragraph
    assert result.body.split("\n\n") == ["Bridge closed", *PARAGRAPHS]
    assert (result.title, result.source, result.author, result.published, result.url) == (
        "Bridge closed",
        "Wire",
        "A. Reporter",
        "2024-03-04",
        "https://x.test/a",
    )


def test_title_from_title_tag_without_h1() -> None:
    html = "<html><head><title>Ferry strike ends after two weeks</title></head><body><div>"
    html += "".join(f"<p>{text}</p>" for text in PARAGRAPHS) + "</div></body></html>"

    result = extract_html(html_doc(html))

    assert result.title == "Ferry strike ends after two weeks"
    assert result.body.split("\n\n") == [result.title, *PARAGRAPHS]


def test_line_breaks_stay_inside_a_paragraph() -> None:
    paragraphs = [PARAGRAPHS[0], "Line one of the statement,<br>line two of the statement.", *PARAGRAPHS[1:]]

    result = extract_html(html_doc(realistic_page(paragraphs)))

    assert "Line one of the statement, line two of the statement." in result.body.split("\n\n")
    assert "\n\n\n" not in result.body


def test_hostile_html_never_leaks_script() -> None:
    html = f"""<html><head><title>Hostile page</title>
<script>document.write("LEAK_HEAD_SCRIPT")</script></head><body><article><h1>Hostile page</h1>
<p>{PARAGRAPHS[0]}<script>alert("LEAK_INLINE_SCRIPT")</script></p>
<img src="x" onerror="alert('LEAK_ONERROR')">
<p onclick="LEAK_ONCLICK()">{PARAGRAPHS[1]} <a href="javascript:LEAK_HREF()">link</a></p>
<noscript>LEAK_NOSCRIPT</noscript><template><p>LEAK_TEMPLATE paragraph text</p></template>
<style>p::after {{ content: "LEAK_STYLE" }}</style>
<svg><script>LEAK_SVG_SCRIPT()</script></svg>
<iframe srcdoc="&lt;p&gt;LEAK_IFRAME&lt;/p&gt;"></iframe>
<p>{PARAGRAPHS[2]}</p></article></body></html>"""

    result = extract_html(html_doc(html))

    assert "LEAK" not in result.body
    assert PARAGRAPHS[0] in result.body and PARAGRAPHS[2] in result.body


def test_truncated_page_without_text_raises() -> None:
    with pytest.raises(InputError) as caught:
        extract_html(html_doc("<html><head><title>Foo</ti"))

    assert caught.value.reason == NO_TEXT
    assert caught.value.path == "page.html"


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   ",
        "<html><body></body></html>",
        "<html><head><title>Only a title</title></head><body></body></html>",
    ],
)
def test_pages_without_article_text_raise(html: str) -> None:
    with pytest.raises(InputError, match="no article text found in HTML"):
        extract_html(html_doc(html))


def test_truncated_page_with_three_paragraphs_is_extracted() -> None:
    html = "<html><head><title>Cut short</title></head><body><article><h1>Cut short</h1>"
    html += "".join(f"<p>{text}</p>" for text in PARAGRAPHS[:3]) + "<p>And then the download st"

    result = extract_html(html_doc(html))

    paragraphs = result.body.split("\n\n")
    assert paragraphs[0] == "Cut short"
    assert paragraphs[1:4] == PARAGRAPHS[:3]


def test_plain_text_document_is_returned_unchanged() -> None:
    doc = RawDocument(path="a.txt", body="Title\n\nText.")

    assert extract_html(doc) is doc


def test_encoding_is_kept() -> None:
    result = extract_html(html_doc(realistic_page(), encoding="cp1252"))

    assert result.encoding == "cp1252"


def test_html_file_through_ingest(tmp_path) -> None:
    (tmp_path / "story.html").write_text(realistic_page(), encoding="utf-8")

    [doc] = list(iter_documents([str(tmp_path)]))
    assert isinstance(doc, RawDocument)
    result = extract_html(doc)

    assert doc.is_html
    assert result.body.split("\n\n")[1:] == PARAGRAPHS


@pytest.mark.slow
@pytest.mark.parametrize(("fast", "floor"), [(False, 10.0), (True, 15.0)])
def test_extraction_speed(fast: bool, floor: float) -> None:
    """Floors far below the ~450 (fast=False) / ~700 (fast=True) pages/s these small pages
    reach on a 2-core dev machine, so only a real regression (e.g. a slow fallback) fails."""
    pages = [realistic_page(PARAGRAPHS[i % 4 :] + PARAGRAPHS[: i % 4], title=f"Story number {i}") for i in range(50)]
    started = time.perf_counter()
    results = [extract_html(html_doc(page), fast=fast) for page in pages]
    rate = len(pages) / (time.perf_counter() - started)

    assert all(len(result.body.split("\n\n")) == 5 for result in results)
    assert rate >= floor, f"{rate:.1f} pages/s"


# --- recall first: the cleaner after extraction ----------------------------------

_HARBOUR = """<html><head><title>Harbour reopens</title></head><body><article><h1>Harbour reopens</h1>
<p>The harbour reopened on Monday after a storm closed it for three days, the port authority said.</p>
<p>Share this article on Facebook</p>
<p>Fishing boats returned to their moorings by the afternoon and the ferry is expected to resume on Tuesday.</p>
<p>Subscribe to our newsletter for daily updates</p>
</article></body></html>"""

_ALL_TEMPLATE = (
    "<html><head><title>Harbour page</title></head><body><article>"
    "<p>Share this article on Facebook</p><p>Subscribe to our newsletter for daily updates</p>"
    "<p>Copyright 2024 Harbour News. All rights reserved.</p><p>Follow us on Twitter</p>"
    "</article></body></html>"
)


def test_lines_the_rules_flag_on_a_page_stay_without_strong_evidence() -> None:
    article = clean_document(extract_html(RawDocument(path="p.html", body=_HARBOUR, is_html=True)))

    # The rules alone would remove both lines; on a page the line classifier must be confident too.
    assert len(article.paragraphs) == 4 and article.removed == []


def test_lines_removed_from_a_page_are_recorded_with_their_reason() -> None:
    page = extract_html(RawDocument(path="p.html", body=_HARBOUR, is_html=True))

    article = clean_document(page, CleanSettings(html_removal_probability=0.5))

    assert [p[:20] for p in article.paragraphs] == ["The harbour reopened", "Fishing boats return"]
    assert [(r.text, r.reason) for r in article.removed] == [
        ("Share this article on Facebook", patterns.SHARE),
        ("Subscribe to our newsletter for daily updates", patterns.NOTICE),
    ]


def test_a_line_repeated_across_the_outlets_pages_is_removed_from_each() -> None:
    pages = [
        extract_html(
            RawDocument(
                path=f"p{i}.html",
                body=realistic_page([*PARAGRAPHS[i:], "Subscribe to our newsletter for daily updates"], f"Story {i}"),
                is_html=True,
            )
        )
        for i in range(3)
    ]
    templates = fit_templates(pages)

    for page in pages:
        article = clean_document(page, templates=templates)
        assert "Subscribe" not in article.text
        assert ("Subscribe to our newsletter for daily updates", patterns.NOTICE) in [
            (r.text, r.reason) for r in article.removed
        ]


def test_cleaning_never_removes_the_whole_extracted_page() -> None:
    extracted = extract_html(RawDocument(path="p.html", body=_ALL_TEMPLATE, is_html=True))

    # The text rules alone (no line classifier) would remove every line.
    article = clean_document(extracted, CleanSettings(html_line_model=False))

    assert article.paragraphs == [
        "Share this article on Facebook",
        "Subscribe to our newsletter for daily updates",
        "Copyright 2024 Harbour News. All rights reserved.",
        "Follow us on Twitter",
    ]
    (note,) = article.removed
    assert note.reason == patterns.KEPT_EXTRACTED and "kept 0 of the 23 words" in note.text
    # The same text read from a .txt file is still rejected: only extracted pages are kept whole.
    with pytest.raises(InputError, match="no article text left"):
        clean_document(RawDocument(path="p.txt", body=extracted.body))


def test_cleaning_that_would_keep_a_small_share_keeps_the_extracted_text() -> None:
    body = "\n\n".join(["Harbour page", "The harbour reopened on Monday, officials said."] + [_TEMPLATE_LINE] * 6)
    text = clean_document(RawDocument(path="p.txt", body=body))
    page = clean_document(RawDocument(path="p.html", body=body, extracted=True))

    assert text.paragraphs == ["The harbour reopened on Monday, officials said."]
    assert len(page.paragraphs) == 7 and page.removed[-1].reason == patterns.KEPT_EXTRACTED
    assert (
        clean_document(
            RawDocument(path="p.html", body=body, extracted=True), CleanSettings(min_kept_share=0.1)
        ).paragraphs
        == text.paragraphs
    )


_TEMPLATE_LINE = "Subscribe to our newsletter for daily updates"


# --- page structure, metadata, nesting -----------------------------------------------------------

_STRUCTURED = """<html><head><title>Dam repairs begin | Valley Post</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [{"@type": "WebSite", "name": "x"},
 {"@type": "NewsArticle", "headline": "Dam repairs begin after the spring floods",
  "author": [{"@type": "Person", "name": "Mara Lind"}, {"@type": "Person", "name": "Tom Berg"}],
  "datePublished": "2026-04-02T08:00:00+02:00", "publisher": {"@type": "Organization", "name": "Valley Post"}}]}
</script>
<meta property="og:title" content="Og title loses to JSON-LD"><meta name="author" content="Someone Else">
</head><body><nav class="main-menu"><p><a href="/">Home</a> <a href="/news">News</a></p></nav>
<article class="story-body"><h1>Dam repairs begin after the spring floods</h1>
<p>Engineers began repairs on the Oberau dam on Wednesday, two months after the spring floods damaged its
spillway and forced the evacuation of three villages downstream, the water authority said.</p>
<figure><img src="a.jpg"><figcaption>The damaged spillway in April, seen from the east bank.</figcaption></figure>
<p>The work will take until the autumn and cost about 4 million euros, most of it paid by the regional government,
according to the authority's director, who visited the site with the mayors of the three villages.</p>
<aside class="related-links"><p><a href="/a">Floods: the villages count the cost</a></p></aside>
</article></body></html>"""


def test_metadata_from_json_ld_first() -> None:
    page = extract_html(RawDocument(path="p.html", body=_STRUCTURED, is_html=True))

    assert page.title == "Dam repairs begin after the spring floods"
    assert page.author == "Mara Lind, Tom Berg"
    assert page.published == "2026-04-02"
    assert page.source == "Valley Post"


def test_metadata_from_meta_tags_then_text() -> None:
    html = (
        '<html><head><title>Harbour reopens | Coast News</title><meta property="og:site_name" content="Coast News">'
        '<meta property="article:published_time" content="2026-03-01T10:00:00Z"></head><body><article>'
        '<p class="byline">By Jana Novak</p>' + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</article></body></html>"
    )
    page = extract_html(RawDocument(path="p.html", body=html, is_html=True))

    assert page.title == "Harbour reopens | Coast News"
    assert page.published == "2026-03-01" and page.source == "Coast News" and page.author == "Jana Novak"


def test_a_byline_in_the_text_gives_the_name_without_the_date_after_it() -> None:
    html = (
        "<html><head><title>Harbour reopens</title></head><body><article>"
        '<div class="byline">by Jana Novak, 22 Dec 2016 651 comments</div>'
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
        + "</article></body></html>"
    )
    assert extract_html(RawDocument(path="p.html", body=html, is_html=True)).author == "Jana Novak"


def test_structure_of_each_paragraph_is_recorded() -> None:
    page = extract_html(RawDocument(path="p.html", body=_STRUCTURED, is_html=True))
    structure = page.structure or {}
    lines = page.body.splitlines()
    by_text = {lines[n - 1][:20]: block for n, block in structure.items()}

    engineers = by_text["Engineers began repa"]
    assert engineers.tag == "p" and engineers.link_density == 0.0 and "content" in engineers.classes
    assert not engineers.containers & {"aside", "nav", "figure"}
    caption = by_text.get("The damaged spillway")
    if caption is not None:  # trafilatura may leave figures out
        assert "figure" in caption.containers


def test_page_blocks_read_links_containers_and_class_names() -> None:
    from lxml import html as lxml_html

    from newsdesk.clean.structure import block_key, page_blocks

    page = page_blocks(lxml_html.fromstring(_STRUCTURED))
    related = page.blocks[block_key("Floods: the villages count the cost")]
    assert related.link_density == 1.0 and "aside" in related.containers and "related" in related.classes
    menu = page.blocks[block_key("Home News")]
    assert "nav" in menu.containers and menu.position < 0.1


def test_deeply_nested_page_with_text_is_read() -> None:
    text = " ".join(PARAGRAPHS)
    html = "<html><head><title>Deep page</title></head><body>" + "<div>" * 50_000 + f"<p>{text}</p>"
    html += "</div>" * 50_000 + "</body></html>"

    page = extract_html(RawDocument(path="deep.html", body=html, is_html=True))

    assert page.title == "Deep page" and PARAGRAPHS[0][:40] in page.body


def test_a_translation_note_is_not_a_cookie_or_newsletter_notice() -> None:
    from newsdesk.clean.text import label_units, split_units

    note = "Article translated from the Spanish by Ana Ortiz."
    body = "\n\n".join([PARAGRAPHS[0], note, PARAGRAPHS[1]])
    reasons = {u.text: u.reason for u in label_units(split_units(body), title="Bridge closes").units}

    assert reasons[note] == patterns.PUBLISHER_NOTE_REASON != patterns.NOTICE


def test_the_packaged_line_model_matches_its_features() -> None:
    from newsdesk.clean.lines import FEATURES, default_line_model, line_features

    model = default_line_model()
    assert model.features == FEATURES and 0.5 <= model.threshold < 1.0
    body = line_features(words=30, sentence=True, form_reason=None, reason=None, block=None, index=1, count=5)
    share = line_features(
        words=5, sentence=False, form_reason=patterns.SHARE, reason=patterns.SHARE, block=None, index=4, count=5
    )
    assert model.probability(body) < 0.1 < model.probability(share)


HIDDEN = "Subscribers only: this offer text sits in the page but the browser never shows it to the reader."


@pytest.mark.parametrize(
    "attributes",
    ["hidden", 'style="display:none"', 'style="DISPLAY: None; color: red"', 'style="visibility: hidden"'],
)
def test_text_the_browser_hides_is_not_extracted(attributes: str) -> None:
    page = realistic_page().replace('<div class="story-body">', f'<div class="story-body"><p {attributes}>{HIDDEN}</p>')
    raw = extract_html(RawDocument(path="hidden.html", body=page, is_html=True))
    assert HIDDEN not in raw.body
    assert all(paragraph in raw.body for paragraph in PARAGRAPHS)


def test_hidden_share_counts_the_text_of_outermost_hidden_elements() -> None:
    from trafilatura import load_html

    from newsdesk.clean.html import hidden_share
    from newsdesk.clean.structure import page_blocks

    tree = load_html(
        "<html><body><p>one two three four five six seven eight nine</p>"
        '<div hidden><p>abcdefghij</p><div style="display:none"><p>abcdefghij</p></div></div></body></html>'
    )
    page = page_blocks(tree)
    assert hidden_share(tree, page.chars) == pytest.approx(20 / page.chars)
    assert hidden_share(load_html("<html><body><p>all visible here</p></body></html>"), 16) == 0.0


def test_a_page_that_hides_its_whole_article_is_still_read() -> None:
    # Some pages hide the article until a script shows it: pruning must not lose the whole body.
    page = realistic_page().replace(
        '<main><article class="story">', '<main style="display:none"><article class="story">'
    )
    raw = extract_html(RawDocument(path="hidden-article.html", body=page, is_html=True))
    assert all(paragraph in raw.body for paragraph in PARAGRAPHS)


def test_a_title_tag_loses_the_site_name_when_the_h1_repeats_the_headline() -> None:
    from newsdesk.clean.title import headline_in

    assert headline_in("New Zealand - Encyclopaedia", ["New  Zealand"]) == "New Zealand"
    assert headline_in("New Zealand - Encyclopaedia", ["Something else"]) == "New Zealand - Encyclopaedia"
    html = (
        "<html><head><title>Tide tables - Coast Almanac</title></head><body><article><h1>Tide tables</h1>"
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
        + "</article></body></html>"
    )
    assert extract_html(RawDocument(path="p.html", body=html, is_html=True)).title == "Tide tables"


def test_a_paragraph_the_page_repeats_is_kept_as_often_as_the_page_shows_it() -> None:
    # The extractor keeps a repeated paragraph once; the article holds it twice (and a hidden third copy).
    repeated = PARAGRAPHS[0]
    html = (
        "<html><head><title>Bridge - Harbour Herald</title></head><body><article><h1>Bridge</h1>"
        f"<p>{repeated}</p><p>{repeated}</p><p hidden>{repeated}</p><aside><p>{repeated}</p></aside>"
        "</article></body></html>"
    )
    raw = extract_html(RawDocument(path="repeat.html", body=html, is_html=True))
    assert raw.body.count(repeated) == 2


def test_restore_repeats_adds_only_missing_copies_of_sentences() -> None:
    from newsdesk.clean.html import restore_repeats
    from newsdesk.clean.structure import block_key

    blocks = [("p", PARAGRAPHS[0]), ("p", "Advertisement"), ("p", PARAGRAPHS[1]), ("p", PARAGRAPHS[1])]
    repeats = {block_key(PARAGRAPHS[0]): 3, block_key("Advertisement"): 4, block_key(PARAGRAPHS[1]): 2}
    assert restore_repeats(blocks, repeats) == [blocks[0], blocks[0], blocks[0], *blocks[1:]]
    assert restore_repeats(blocks, {}) is blocks

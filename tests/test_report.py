"""Tests of the markdown, plain-text and HTML reports on a hand-built analysis."""

from __future__ import annotations

import re

import pytest

from newsdesk.model import (
    Analysis,
    Article,
    ClaimRef,
    Comparison,
    Entity,
    EntityKind,
    Mention,
    Problem,
    Quote,
    Removed,
    Story,
)
from newsdesk.report.html import highlight_paragraphs, render_html
from newsdesk.report.markdown import key_entities, ranked_stories, render_markdown, render_summary

HOSTILE_TITLE = "Harbour <script>alert(1)</script> closed"
HOSTILE_PARAGRAPH = 'Readers saw <img src=x onerror=alert(1)> and <script>alert("p")</script> here.'
QUOTE_A = "Three people died in the storm"
QUOTE_B = "five people were killed"
EXPLANATION = "Death toll differs: 3 vs 5"


def _offsets(article: Article, needle: str) -> tuple[int, int]:
    start = article.text.index(needle)
    return start, start + len(needle)


def _quote(article: str, *, speaker: str, start: int, end: int) -> Quote:
    return Quote(
        id=f"q-{speaker}",
        article=article,
        speaker=speaker,
        speaker_entity=None,
        cue=None,
        text="",
        direct=True,
        start=start,
        end=end,
    )


def _mentions(entity_id: str, name: str, kind: EntityKind, *articles: Article) -> Entity:
    mentions = []
    for article in articles:
        start, end = _offsets(article, name)
        mentions.append(Mention(article=article.id, text=name, start=start, end=end))
    return Entity(id=entity_id, name=name, kind=kind, mentions=mentions)


@pytest.fixture
def analysis() -> Analysis:
    planet = Article(
        id="a-planet",
        path="in/planet.html",
        title="Storm hits Port Ellis",
        paragraphs=[
            f"Mayor Jane Doe said: “{QUOTE_A}.” The Harbour Authority closed the port.",
            "Repairs start on Monday in Port Ellis.",
        ],
        source="Daily Planet",
        url="https://planet.example/storm",
        author="Ann Writer",
        published="2024-03-01",
        removed=[Removed(text="Subscribe to our newsletter!", reason="newsletter prompt")],
    )
    gazette = Article(
        id="a-gazette",
        path="in/gazette.txt",
        title=HOSTILE_TITLE,
        paragraphs=[
            f"Police said {QUOTE_B} in Port Ellis. Jane Doe visited the Harbour Authority.",
            HOSTILE_PARAGRAPH,
        ],
        source="The Gazette",
        url="javascript:alert(1)",
        published="2024-03-02",
        removed=[Removed(text="Share on social media", reason="share buttons")],
    )
    qa_start, qa_end = _offsets(planet, QUOTE_A)
    qb_start, qb_end = _offsets(gazette, QUOTE_B)
    quotes = [
        Quote(
            id="q-1",
            article=planet.id,
            speaker="Mayor Jane Doe",
            speaker_entity="e-jane",
            cue="said",
            text=QUOTE_A,
            direct=True,
            start=qa_start,
            end=qa_end,
        ),
        Quote(
            id="q-2",
            article=gazette.id,
            speaker="Police",
            speaker_entity=None,
            cue="said",
            text=QUOTE_B,
            direct=False,
            start=qb_start,
            end=qb_end,
        ),
    ]
    contradiction = Comparison(
        about="death toll",
        relation="contradict",
        kind="number",
        explanation=EXPLANATION,
        score=0.91,
        a=ClaimRef(article=planet.id, text=QUOTE_A, holder="Jane Doe"),
        b=ClaimRef(article=gazette.id, text=QUOTE_B, holder="Police"),
    )
    update = Comparison(
        about="port",
        relation="update",
        kind="status",
        explanation="Port reopening date announced",
        score=0.66,
        a=ClaimRef(article=planet.id, text="The Harbour Authority closed the port.", holder="Daily Planet"),
        b=ClaimRef(article=gazette.id, text="Repairs start on Monday.", holder=None),
    )
    story = Story(
        id="s-storm",
        title="Storm in Port Ellis",
        articles=[planet.id, gazette.id],
        comparisons=[update, contradiction],
    )
    quiet = Story(id="s-quiet", title="A quiet story", articles=[planet.id])
    entities = [
        _mentions("e-jane", "Jane Doe", "person", planet, gazette),
        _mentions("e-harbour", "Harbour Authority", "organization", planet, gazette),
        _mentions("e-port", "Port Ellis", "place", planet, gazette),
    ]
    return Analysis(
        articles=[planet, gazette],
        entities=entities,
        quotes=quotes,
        stories=[quiet, story],
        problems=[Problem(path="in/broken.html", reason="empty body after cleaning")],
    )


# --------------------------------------------------------------------------- helpers


def test_ranked_stories_puts_most_contested_first(analysis: Analysis) -> None:
    assert [s.id for s in ranked_stories(analysis)] == ["s-storm", "s-quiet"]


def test_key_entities_counts_articles_of_the_story(analysis: Analysis) -> None:
    storm = next(s for s in analysis.stories if s.id == "s-storm")
    quiet = next(s for s in analysis.stories if s.id == "s-quiet")
    assert all(n == 2 for _, n in key_entities(analysis, storm))
    assert all(n == 1 for _, n in key_entities(analysis, quiet))
    assert len(key_entities(analysis, storm, limit=2)) == 2


# --------------------------------------------------------------------------- markdown


def test_markdown_has_counts_story_and_both_sides(analysis: Analysis) -> None:
    md = render_markdown(analysis)
    assert "2 articles · 2 stories · 3 entities · 2 quotes · 1 contradiction · 1 rejected input" in md
    assert f"- {EXPLANATION} (number, 0.91)" in md
    assert f"A: Jane Doe — «{QUOTE_A}» (Daily Planet)" in md
    assert f"B: Police — «{QUOTE_B}» (The Gazette)" in md
    assert "Daily Planet (2024-03-01)" in md
    assert "Jane Doe (2)" in md
    assert "### Updates (1)" in md
    assert "Port reopening date announced (status, 0.66)" in md
    assert "B: unattributed — «Repairs start on Monday.»" in md
    assert "in/broken.html" in md and "empty body after cleaning" in md
    assert md.index("Storm in Port Ellis") < md.index("A quiet story")


def test_summary_is_short_and_names_the_top_contradiction(analysis: Analysis) -> None:
    summary = render_summary(analysis)
    assert "1. Storm in Port Ellis [s-storm] — 2 articles, 1 contradiction" in summary
    assert EXPLANATION in summary
    assert "no contradictions" in summary
    assert "Rejected inputs: 1" in summary
    assert len(summary.splitlines()) < 12


def test_markdown_of_empty_analysis() -> None:
    md = render_markdown(Analysis())
    assert "0 articles" in md and "No stories." in md
    assert render_summary(Analysis()).startswith("newsdesk: 0 articles")


# --------------------------------------------------------------------------- html


def test_html_shows_story_contradiction_and_update(analysis: Analysis) -> None:
    html = render_html(analysis, title="Test report")
    assert html.lstrip().startswith("<!doctype html>")
    assert "<title>Test report</title>" in html
    assert "Storm in Port Ellis" in html
    assert 'id="story-s-storm"' in html and 'href="#story-s-storm"' in html
    assert EXPLANATION in html
    assert "Port reopening date announced" in html
    assert "badge-contradict" in html and "badge-update" in html
    assert html.index('id="story-s-storm"') < html.index('id="story-s-quiet"')


def test_html_marks_quotes_in_the_text(analysis: Analysis) -> None:
    html = render_html(analysis)
    assert re.search(rf"<mark [^>]*>{QUOTE_A}</mark>", html)
    assert re.search(rf"<mark [^>]*>{QUOTE_B}</mark>", html)
    assert "Mayor Jane Doe said: “<mark" in html


def test_html_lists_removed_boilerplate_with_reason(analysis: Analysis) -> None:
    html = render_html(analysis)
    assert "Subscribe to our newsletter!" in html
    assert "newsletter prompt" in html
    assert "share buttons" in html
    assert "<details" in html


def test_html_groups_quotes_by_canonical_speaker(analysis: Analysis) -> None:
    html = render_html(analysis)
    assert "<h4>Jane Doe " in html
    assert "<h4>Police " in html


def test_html_escapes_hostile_content(analysis: Analysis) -> None:
    html = render_html(analysis)
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="javascript:' not in html


def test_html_is_self_contained(analysis: Analysis) -> None:
    html = render_html(analysis)
    article_urls = {a.url for a in analysis.articles if a.url}
    for url in re.findall(r"https?://[^\s\"'<>]+", html):
        assert url in article_urls, f"external reference outside article data: {url}"
    assert "<script" not in html
    assert "<link" not in html
    assert "@import" not in html


def test_html_of_empty_analysis() -> None:
    html = render_html(Analysis())
    assert "No stories." in html and "Every input was read." in html


def test_highlight_merges_overlaps_and_skips_bad_offsets() -> None:
    article = Article(id="a-x", path="x", title="t", paragraphs=["ab <c> de", "fgh"])
    quotes = [
        _quote("a-x", speaker="S", start=0, end=4),
        _quote("a-x", speaker="T", start=2, end=6),
        _quote("a-x", speaker="U", start=8, end=13),
        _quote("a-x", speaker="V", start=5, end=500),
    ]
    first, second = highlight_paragraphs(article, quotes)
    assert str(first) == (
        '<mark class="quote" title="Quote: S, T">ab &lt;c&gt;</mark> d<mark class="quote" title="Quote: U">e</mark>'
    )
    assert str(second) == '<mark class="quote" title="Quote: U">fg</mark>h'

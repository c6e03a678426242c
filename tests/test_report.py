"""Tests of the markdown, plain-text and HTML reports on a hand-built analysis."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from html.parser import HTMLParser

import pytest
from markupsafe import escape

from newsdesk.model import (
    Analysis,
    Article,
    ArticleStance,
    ClaimRef,
    Comparison,
    Dispute,
    DisputeSide,
    Entity,
    EntityKind,
    Mention,
    Problem,
    Quote,
    Removed,
    Story,
)
from newsdesk.report.html import REPORT_CSP, highlight_paragraphs, render_html
from newsdesk.report.json import CONTRACT_VERSION, dumps, render_json, to_dict
from newsdesk.report.markdown import (
    escape_controls,
    key_entities,
    one_line,
    ranked_stories,
    render_markdown,
    render_summary,
)

SCRIPT_TAG = "<script>alert(1)</script>"
HOSTILE_TITLE = f"Harbour {SCRIPT_TAG} closed"
HOSTILE_PARAGRAPH = 'Readers saw <img src=x onerror=alert(1)> and <script>alert("p")</script> here.'
QUOTE_A = "Three people died in the storm"
QUOTE_B = "five people were killed"
EXPLANATION = "Death toll differs: 3 vs 5"
DISPUTE_ABOUT = "How many people died"
DISPUTE_EXPLANATION = "Jane Doe says three died; Police say five"
BIDI = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: would reverse the rest of the line
ESC = "\x1b[31m"  # a terminal colour escape
HOSTILE_HOLDER = f"<b>Spokes</b>{BIDI}nam"


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
    dispute = Dispute(
        id="d-toll",
        about=DISPUTE_ABOUT,
        explanation=DISPUTE_EXPLANATION,
        score=0.88,
        sides=[
            DisputeSide(
                claims=[ClaimRef(article=planet.id, text=QUOTE_A, holder="Jane Doe")],
                holders=["Jane Doe"],
                outlets=["Daily Planet"],
            ),
            DisputeSide(
                claims=[
                    ClaimRef(article=gazette.id, text=QUOTE_B, holder="Police"),
                    ClaimRef(
                        article=gazette.id, text=f"Toll is {ESC}five\x00 <script>x()</script>", holder=HOSTILE_HOLDER
                    ),
                ],
                holders=["Police", HOSTILE_HOLDER],
                outlets=["The Gazette"],
            ),
        ],
        first_seen="2024-03-01",
        last_seen="2024-03-02",
    )
    minor = Dispute(
        id="d-minor",
        about=f"Port {SCRIPT_TAG}",
        explanation="",
        score=0.4,
        sides=[DisputeSide(claims=[], holders=[], outlets=[]), DisputeSide(claims=[], holders=[], outlets=[])],
    )
    story = Story(
        id="s-storm",
        title="Storm in Port Ellis",
        articles=[planet.id, gazette.id],
        comparisons=[update, contradiction],
        disputes=[minor, dispute],
        lead_claim=f"Storm kills three {BIDI}in Port Ellis",
        stances=[
            ArticleStance(article=gazette.id, stance="disputes", score=0.715),
            ArticleStance(article=planet.id, stance="supports", score=0.93),
        ],
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
    assert "<h4><bdi>Jane Doe</bdi> " in html
    assert "<h4><bdi>Police</bdi> " in html


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


# --------------------------------------------------------------------------- disputes and stances


def _storm(analysis: Analysis) -> Story:
    return next(s for s in analysis.stories if s.id == "s-storm")


def test_one_line_drops_controls_and_bidi_overrides() -> None:
    assert one_line(f"  a\tb\n{ESC}c{BIDI}d\u2066e\x00f\x85g ") == "a b [31mcde f g"
    assert one_line(None) == ""
    assert one_line("مرحبا — Ελλάδα 📰") == "مرحبا — Ελλάδα 📰"  # right-to-left and other scripts are kept


def test_escape_controls_shows_every_control_and_keeps_the_rest() -> None:
    text = f"a\nnewsdesk: skipped b{ESC}c{BIDI}d\x85\u2028\x00 مرحبا — Ελλάδα 📰"
    escaped = escape_controls(text)
    assert escaped == "a\\nnewsdesk: skipped b\\x1b[31mc\\u202ed\\x85\\u2028\\x00 مرحبا — Ελλάδα 📰"
    assert escaped.isprintable()


def test_json_escapes_what_a_terminal_would_act_on_and_keeps_the_data() -> None:
    value = {"title": f"x\x9b2J{BIDI}\u2028\x1bé", "n": [1, 2]}
    text = dumps(value)
    assert json.loads(text) == value
    assert "\x9b" not in text and BIDI not in text and "\u2028" not in text and "\x1b" not in text
    assert "é" in text  # other characters stay readable


def test_json_adds_disputes_lead_claim_and_stances(analysis: Analysis) -> None:
    data = to_dict(analysis)
    assert data["meta"]["contract"] == CONTRACT_VERSION == 5
    by_id = {s["id"]: s for s in data["stories"]}
    storm, quiet = by_id["s-storm"], by_id["s-quiet"]
    old = {"id", "title", "articles", "contradictions", "updates", "agreements"}
    assert set(storm) == set(quiet) == old | {"disputes", "lead_claim", "stances", "membership", "related"}
    assert storm["related"] == quiet["related"] == []  # (contract 5) no related stories here
    for story in (storm, quiet):  # (contract 4) one reason per article, in the story's order
        assert [m["article"] for m in story["membership"]] == story["articles"]
        assert all(isinstance(m["reason"], str) and m["reason"] for m in story["membership"])
    assert [c["explanation"] for c in storm["contradictions"]] == [EXPLANATION]  # the pairs stay
    assert (quiet["disputes"], quiet["lead_claim"], quiet["stances"]) == ([], None, [])

    minor, toll = storm["disputes"]  # the story's order, as computed
    assert set(toll) == {"id", "about", "explanation", "score", "sides", "first_seen", "last_seen"}
    assert (toll["id"], toll["about"], toll["explanation"], toll["score"]) == (
        "d-toll",
        DISPUTE_ABOUT,
        DISPUTE_EXPLANATION,
        0.88,
    )
    assert (toll["first_seen"], toll["last_seen"]) == ("2024-03-01", "2024-03-02")
    side_a, side_b = toll["sides"]
    assert side_a == {
        "claims": [{"article": "a-planet", "text": QUOTE_A, "holder": "Jane Doe"}],
        "holders": ["Jane Doe"],
        "outlets": ["Daily Planet"],
    }
    assert [c["holder"] for c in side_b["claims"]] == ["Police", HOSTILE_HOLDER]  # data as is
    assert minor["first_seen"] is None and minor["sides"][0] == {"claims": [], "holders": [], "outlets": []}

    assert storm["lead_claim"] == f"Storm kills three {BIDI}in Port Ellis"
    assert storm["stances"] == [
        {"article": "a-gazette", "stance": "disputes", "score": 0.715},
        {"article": "a-planet", "stance": "supports", "score": 0.93},
    ]
    assert json.loads(render_json(analysis)) == json.loads(json.dumps(data))


def test_markdown_reads_each_dispute_as_one_unit(analysis: Analysis) -> None:
    md = render_markdown(analysis)
    section = md[md.index("### Disputes (2)") : md.index("### Contradictions (1)")]
    assert md.index("## 1. Storm in Port Ellis") < md.index("### Disputes (2)")
    toll = f"- {DISPUTE_ABOUT} — {DISPUTE_EXPLANATION} (0.88; first seen 2024-03-01, last seen 2024-03-02)"
    assert section.index(toll) < section.index(f"- Port {SCRIPT_TAG}")  # strongest first
    lines = section.splitlines()
    start = lines.index(toll)
    assert lines[start + 1 : start + 6] == [
        "  - Side A: held by Jane Doe; reported by Daily Planet",
        f"    - Jane Doe — «{QUOTE_A}» (Daily Planet)",
        "  - Side B: held by Police, <b>Spokes</b>nam; reported by The Gazette",
        f"    - Police — «{QUOTE_B}» (The Gazette)",
        "    - <b>Spokes</b>nam — «Toll is [31mfive <script>x()</script>» (The Gazette)",
    ]
    assert f"- Port {SCRIPT_TAG} (0.40)" in section  # no explanation, no dates
    assert "  - Side A\n  - Side B\n" in section  # empty sides still read as the two sides


def test_markdown_lists_article_stances_toward_the_lead_claim(analysis: Analysis) -> None:
    md = render_markdown(analysis)
    assert md.index("### Disputes (2)") < md.index("### Article stance (2)") < md.index("### Contradictions (1)")
    section = md[md.index("### Article stance (2)") : md.index("### Contradictions (1)")]
    assert "Toward the lead claim «Storm kills three in Port Ellis»:" in section
    supports = "- Daily Planet — «Storm hits Port Ellis»: supports (0.93)"
    disputes = f"- The Gazette — «{HOSTILE_TITLE}»: disputes (0.71)"  # 0.715 rounds half to even
    assert section.index(supports) < section.index(disputes)  # backers first, then challengers
    quiet = md[md.index("A quiet story") :]
    assert "### Disputes" not in quiet and "### Article stance" not in quiet


def test_markdown_and_summary_carry_no_control_or_bidi_characters(analysis: Analysis) -> None:
    for text in (render_markdown(analysis), render_summary(analysis)):
        assert "\x1b" not in text and BIDI not in text and "\x00" not in text
    assert "1. Storm in Port Ellis [s-storm] — 2 articles, 1 contradiction, 2 disputes" in render_summary(analysis)


def test_html_shows_disputes_as_cards_with_two_sides(analysis: Analysis) -> None:
    html = render_html(analysis)
    story = html[html.index('id="story-s-storm"') : html.index('id="story-s-quiet"')]
    assert story.index("<h3>Disputes (2)</h3>") < story.index("<h3>Article stance (2)</h3>")
    assert story.index("<h3>Article stance (2)</h3>") < story.index("<h3>Contradictions (1)</h3>")
    toll = story[story.index('id="story-s-storm-dispute-d-toll"') :]
    toll = toll[: toll.index("</article>")]
    assert story.index("d-toll") < story.index("d-minor")  # strongest first
    assert f"<bdi>{DISPUTE_ABOUT}</bdi>" in toll and f"<bdi>{DISPUTE_EXPLANATION}</bdi>" in toll
    assert "first seen <time>2024-03-01</time> · last seen <time>2024-03-02</time>" in toll
    assert toll.count('class="side dispute-side"') == 2
    side_a, side_b = toll.split('class="side dispute-side"')[1:]
    assert '<span class="side-label">A</span>' in side_a and QUOTE_A in side_a and "Daily Planet" in side_a
    assert '<span class="side-label">B</span>' in side_b and QUOTE_B in side_b and "The Gazette" in side_b
    assert 'href="#story-s-storm-a-planet"' in side_a  # claims link to the article's text below
    assert "No claim on this side." in story  # the minor dispute's empty sides
    assert "badge-dispute" in html and '<span class="n">2</span><span class="l">disputes</span>' in html


def test_html_lists_stances_and_collapses_the_pairs(analysis: Analysis) -> None:
    html = render_html(analysis)
    story = html[html.index('id="story-s-storm"') : html.index('id="story-s-quiet"')]
    table = story[story.index('<table class="stances">') :]
    table = table[: table.index("</table>")]
    assert table.index("stance-supports") < table.index("stance-disputes")
    assert '<span class="badge stance stance-supports">supports</span>' in table and "<td>0.93</td>" in table
    assert "Toward the lead claim «<bdi>Storm kills three in Port Ellis</bdi>»" in story
    pairs = story[story.index("<h3>Contradictions (1)</h3>") :]
    assert pairs.index('<details class="pairs">') < pairs.index(EXPLANATION)  # secondary, collapsed
    quiet = html[html.index('id="story-s-quiet"') :]
    assert "Disputes (" not in quiet and "stances" not in quiet and '<details class="pairs">' not in quiet


def test_html_disputes_and_stances_are_escaped(analysis: Analysis) -> None:
    html = render_html(analysis)
    assert "<script" not in html and "<b>Spokes" not in html
    assert "&lt;b&gt;Spokes&lt;/b&gt;nam" in html
    assert f"Port {SCRIPT_TAG}".replace("<", "&lt;").replace(">", "&gt;") in html
    assert BIDI not in html and "\x1b" not in html and "\x00" not in html


class _IsolationCheck(HTMLParser):
    """Collects the text nodes holding ``needle`` that no isolating element (bdi, time, code) holds."""

    ISOLATING = frozenset({"bdi", "time", "code"})
    VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"})

    def __init__(self, needle: str) -> None:
        super().__init__(convert_charrefs=True)
        self.needle = needle
        self.stack: list[str] = []
        self.loose: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            del self.stack[len(self.stack) - 1 - self.stack[::-1].index(tag) :]

    def handle_data(self, data: str) -> None:
        if self.needle in data and not self.ISOLATING.intersection(self.stack):
            self.loose.append(f"{'/'.join(self.stack)}: {data.strip()!r}")


def unisolated(html: str, needle: str = BIDI) -> list[str]:
    """The places where ``needle`` (a bidi override by default) is printed outside an isolate."""
    check = _IsolationCheck(needle)
    check.feed(html)
    check.close()
    return check.loose


BIDI_ARTICLE = Article(
    id="a-bidi",
    path="bidi.txt",
    title=f"Ferry{BIDI} plan approved",
    # The body's paragraphs are blocks of their own: an override there turns only the article's own text.
    paragraphs=["The council approved the plan.", "Work starts in spring."],
    source=f"Daily Wire{BIDI}",
    author=f"Ann Lee{BIDI}",
    published="2026-01-30",
    url=f"https://example.org/ferry{BIDI}",
    removed=[Removed(text=f"Share{BIDI} this", reason="share/social")],
)


def bidi_analysis() -> Analysis:
    """One story whose every user string carries a right-to-left override."""
    other = replace(BIDI_ARTICLE, id="a-other", source="Harbour Post", title="Ferry plan", author=None)
    a = ClaimRef(article="a-bidi", text=f"The plan{BIDI} was approved", holder=f"Council{BIDI}")
    b = ClaimRef(article="a-other", text="The plan was not approved", holder="Opposition")
    comparison = Comparison(
        about=f"plan{BIDI}",
        relation="contradict",
        kind=f"denial{BIDI}",
        explanation=f"Council{BIDI} says",
        score=0.8,
        a=a,
        b=b,
    )
    quote = Quote(
        id="q-1",
        article="a-bidi",
        speaker=f"Ann{BIDI}",
        speaker_entity=None,
        cue=f"said{BIDI}",
        text=f"yes{BIDI}",
        direct=True,
        start=0,
        end=3,
    )
    story = Story(id="s-bidi", title=f"Ferry{BIDI} plan", articles=["a-bidi", "a-other"], comparisons=[comparison])
    return Analysis(articles=[BIDI_ARTICLE, other], entities=[], quotes=[quote], claims=[], stories=[story])


def test_html_report_isolates_every_user_string_and_carries_a_csp() -> None:
    html = render_html(bidi_analysis())
    assert html.count(BIDI) >= 10
    assert unisolated(html) == []
    assert f'<meta http-equiv="Content-Security-Policy" content="{escape(REPORT_CSP)}">' in html
    assert "default-src 'none'" in REPORT_CSP and "script" not in REPORT_CSP


def test_an_article_without_source_is_an_unknown_source_never_its_headline() -> None:
    from newsdesk.report.markdown import source_label

    bare = Article(id="a-1", path="p", title="Storm closes port", paragraphs=["x"])
    assert source_label(bare) == "unknown source"
    assert source_label(replace(bare, url="https://www.Harbour-News.example/2026/storm")) == (
        "unknown source (harbour-news.example)"
    )
    assert source_label(replace(bare, url="javascript:alert(1)")) == "unknown source"
    assert source_label(replace(bare, source=" Port\nCourier ", url="https://x.example")) == "Port Courier"
    assert source_label(None, "a-gone") == "a-gone"


def test_html_unknown_stance_label_names_no_css_class() -> None:
    article = Article(id="a-1", path="p", title="T", paragraphs=["x"], source="S")
    story = Story(
        id="s-1",
        title="T",
        articles=["a-1"],
        stances=[ArticleStance(article="a-1", stance='x" onmouseover="y', score=0.5)],  # type: ignore[arg-type]
    )
    html = render_html(Analysis(articles=[article], stories=[story]))
    assert "stance-other" in html and "onmouseover=&#34;y" in html and 'onmouseover="' not in html


def test_reports_link_related_stories_both_ways(analysis: Analysis) -> None:
    from newsdesk.model import RelatedStory

    storm, quiet = (next(s for s in analysis.stories if s.id == i) for i in ("s-storm", "s-quiet"))
    storm.related = [RelatedStory(story="s-quiet", similarity=0.4, reason="shares port\u202e; 0.40 similar")]
    quiet.related = [RelatedStory(story="s-storm", similarity=0.4, reason="shares port; 0.40 similar")]
    html = render_html(analysis)
    assert html.count("Related stories (1)") == 2
    assert '<a href="#story-s-quiet"><bdi>' in html and '<a href="#story-s-storm"><bdi>' in html
    assert "shares port; 0.40 similar" in html and "\u202e" not in html
    md = render_markdown(analysis)
    assert "- **Related stories:** A quiet story `s-quiet` (shares port; 0.40 similar)" in md
    # A related story outside the report is named, not linked.
    quiet.related = [RelatedStory(story="s-elsewhere", similarity=0.4, reason="0.40 similar")]
    assert "<bdi>s-elsewhere</bdi>: <bdi>0.40 similar</bdi>" in render_html(analysis)

"""The text cleaner: body kept, template junk removed with a reason."""

from __future__ import annotations

import pytest

from newsdesk.clean import TemplateMemory, clean_document
from newsdesk.clean.text import label_units, split_units
from newsdesk.clean.title import split_site_name
from newsdesk.errors import InputError
from newsdesk.model import RawDocument

# An original article in the style of scraped, machine-translated content farms.
FARM = """Rescue teams reach flooded villages of the Orvel valley – Daily Meridian

Home » World » Europe

By Hanna Kowalczyk

Published 12 April 2026, 08:40

Rescue teams reached on Sunday the villages of the Orvel valley cut off since Thursday by the flood, the regional governor Piotr Lesny said in a statement published in the morning.

“We have found 212 people in the upper villages, all of them alive,” Lesny told reporters in Dravno. The army sent four helicopters to bring food and medicine.

[ ADVERTISEMENT ]

Read also: Ten tips to keep your phone battery healthy in winter

The river Orvel rose by three meters in two days after the rains of last week.The mayor of Dravno says the dikes held, but several bridges were washed away.

Evacuation plan criticised

Opposition deputies criticised the evacuation plan, saying the warnings for the valley came too late and the villages were left without help for two days.

Share this: Facebook | Twitter | WhatsApp

Tomasz Berg

"Coffee addict. Music fan. Lifelong thinker. Web expert. Travel nerd."

Leave a comment

Your email will not be published. Fields marked * are required

Cookies help us deliver our services. By using them you accept our cookie policy.
"""

BODY = [
    "Rescue teams reached on Sunday",
    "We have found 212 people",
    "The river Orvel rose",
    "Evacuation plan criticised",
    "Opposition deputies criticised",
]
JUNK = ["Home »", "ADVERTISEMENT", "Read also", "Share this", "Coffee addict", "Leave a comment", "Cookies", "Fields"]


def _article(text: str = FARM, **meta: str):
    return clean_document(RawDocument(path="farm.txt", body=text, **meta))


def test_a_byline_that_carries_the_date() -> None:
    body = (
        "Floods close the northern railway\n"
        "By Admin Posted on 9 May 2024\n"
        "The northern railway was closed on Thursday after the river burst its banks near Tarsk, the operator said.\n"
        "Repairs will take at least two weeks, according to the regional transport office.\n"
    )
    article = clean_document(RawDocument(path="farm.txt", body=body))
    assert (article.author, article.published) == ("Admin", "2024-05-09")
    assert not article.text.startswith("By")


def test_a_bio_headed_by_its_label_on_the_same_line() -> None:
    body = (
        "Floods close the northern railway\n\n"
        "The northern railway was closed on Thursday after the river burst its banks near Tarsk, the operator said.\n\n"
        "Repairs will take at least two weeks, according to the regional transport office.\n\n"
        "About the author: Admin is a passionate writer about world news since 2010.\n\n"
    )
    article = clean_document(RawDocument(path="farm.txt", body=body))
    assert "Admin" not in article.text
    assert article.text.endswith("transport office.")


def test_a_date_line_led_by_its_section() -> None:
    body = (
        "Floods close the northern railway\n\n"
        "World News | Monday, 4 November 2024\n\n"
        "The northern railway was closed on Thursday after the river burst its banks near Tarsk, the operator said.\n"
    )
    article = clean_document(RawDocument(path="farm.txt", body=body))
    assert article.published == "2024-11-04"
    assert article.text.startswith("The northern railway")


_RAILWAY = (
    "Floods close the northern railway\n\n"
    "{head}"
    "The northern railway was closed on Thursday after the river burst its banks near Tarsk, the operator said.\n\n"
    "Repairs will take at least two weeks and buses will replace the trains, according to the transport office.\n\n"
    "{tail}"
)


def test_a_date_line_that_names_the_author_and_the_bio_by_first_name() -> None:
    head = "Published on May 9th, 2024 by Jana Petrova\n\n"
    tail = "Jana Petrova\n\nJana is a former teacher and a dog person who writes about everything that moves.\n"
    article = clean_document(RawDocument(path="farm.txt", body=_RAILWAY.format(head=head, tail=tail)))
    assert (article.author, article.published) == ("Jana Petrova", "2024-05-09")
    assert article.text.endswith("transport office.")


def test_readers_comments_after_the_comment_header_are_removed() -> None:
    tail = "3 comments – join the discussion\n\nmirko_77 · 10 May 2024 at 21:14\n\nShame on them, always the same!!!\n"
    article = clean_document(RawDocument(path="farm.txt", body=_RAILWAY.format(head="", tail=tail)))
    assert article.text.endswith("transport office.")
    assert ("Shame on them, always the same!!!", "reader comment") in {(r.text, r.reason) for r in article.removed}


def test_a_comment_widget_above_the_body_removes_no_body() -> None:
    text = _RAILWAY.format(head="", tail="").replace("Repairs", "Leave a comment\n\nRepairs")
    article = clean_document(RawDocument(path="farm.txt", body=text))
    assert article.text.endswith("transport office.")


@pytest.mark.parametrize(
    "line",
    [
        "You may like: Which zodiac sign will be the luckiest in March?",
        "Also in The Courier: Three injured in bus crash on the coastal highway",
        "PUBLICIDAD",
        "We and our partners process personal data such as IP address. By clicking «Agree» you consent. Agree",
        "Any use of the materials is allowed only with hyperlink to the site. 18+",
    ],
)
def test_more_template_forms(line: str) -> None:
    article = clean_document(RawDocument(path="farm.txt", body=_RAILWAY.format(head=line + "\n\n", tail="")))
    assert line not in article.text
    assert article.text.startswith("The northern railway")


def test_template_left_untranslated_and_comment_entries() -> None:
    # Sites that machine-translate the article leave their template in the original language.
    head = (
        "Home · Politics · Courts · Video · Weather\n\n"
        "Before you continue: we and 148 partners use tracking technologies. [I CONSENT] [Manage options]\n\n"
        "Δείτε επίσης: The secret of the diet that the doctors hide\n\n"
    )
    tail = (
        "— Διαφήμιση —\n\n"
        "Réutilisation : les contenus de ce site sont protégés. Copie autorisée uniquement avec lien actif.\n\n"
        "2 σχόλια\n\n"
        "Stelios_P · 06/05/2024 22:31\n\n"
        "Loan in an envelope in a parking at night, sure, sure…\n"
    )
    article = clean_document(RawDocument(path="farm.txt", body=_RAILWAY.format(head=head, tail=tail)))
    assert article.text.startswith("The northern railway") and article.text.endswith("transport office.")


def test_an_untitled_author_line_and_a_bio_that_starts_with_her_first_name() -> None:
    tail = (
        "Yiota Papanikolaou\n\n"
        "Yiota studied journalism in the north and loves two things: the parliament and souvlaki at night.\n\n"
        "Comments (0) – be the first who comments\n"
    )
    article = clean_document(RawDocument(path="farm.txt", body=_RAILWAY.format(head="", tail=tail)))
    assert article.author == "Yiota Papanikolaou"
    assert article.text.endswith("transport office.")


def test_dates_from_an_iso_line_and_from_a_dateline_without_a_year() -> None:
    head = "Published: 2024-05-06T21:47:00+03:00\n\n"
    article = clean_document(RawDocument(path="farm.txt", body=_RAILWAY.format(head=head, tail="")))
    assert article.published == "2024-05-06T21:47"
    # The dateline has no year: the first reader comment gives it.
    text = _RAILWAY.format(head="", tail="3 comments\n\nmirko_77 · 10.05.2024 12:03\n\nShame!\n")
    text = text.replace("The northern railway", "TARSK, May 9 (NPA) – The northern railway")
    article = clean_document(RawDocument(path="farm.txt", body=text))
    assert article.published == "2024-05-09"
    assert article.text.startswith("The northern railway")


def test_lines_in_another_language_and_foreign_month_names() -> None:
    head = (
        "Opublikowano: niedziela, 12 maja 2024 · 23:05 | Autor: Jan Nowak\n\n"
        "Używamy plików cookies, aby dopasować reklamy. Kliknij „Zgadzam się”, aby kontynuować.\n\n"
        "Gulir untuk melanjutkan membaca artikel ini sampai selesai\n\n"
    )
    tail = "~Halina | 13.05.2024, 07:12\n\nTo jest skandal, zawsze to samo!\n"
    article = clean_document(RawDocument(path="farm.txt", body=_RAILWAY.format(head=head, tail=tail)))
    assert article.published == "2024-05-12"  # the comment's date is not the article's
    assert article.text.startswith("The northern railway") and article.text.endswith("transport office.")
    assert "template in another language" in {r.reason for r in article.removed}


def test_body_kept_and_junk_removed() -> None:
    article = _article()
    for start in BODY:
        assert start in article.text, start
    for junk in JUNK:
        assert junk not in article.text, junk
        assert any(junk in r.text for r in article.removed), junk


def test_metadata_from_title_byline_and_date_line() -> None:
    article = _article()
    assert article.title == "Rescue teams reach flooded villages of the Orvel valley"
    assert article.source == "Daily Meridian"
    assert article.author == "Hanna Kowalczyk"
    assert article.published == "2026-04-12T08:40"
    assert not article.text.startswith("Published")


def test_each_removal_has_a_reason() -> None:
    reasons = {r.reason for r in _article().removed}
    assert {"navigation", "advertisement placeholder", "related/see-also link", "share/social"} <= reasons
    assert {"comment form", "author bio", "cookie/adblock/newsletter notice"} <= reasons


def test_subheading_on_topic_stays_but_inserted_headline_goes() -> None:
    text = FARM.replace(
        "Evacuation plan criticised", "Evacuation plan criticised\n\nCelebrity chef opens a bakery in Lisbon"
    )
    article = _article(text)
    assert "Evacuation plan criticised" in article.paragraphs
    assert "Celebrity chef" not in article.text


def test_dateline_goes_to_published() -> None:
    text = "Port strike ends\n\nVARNA, March 3, 2026 (Wire) - Dockers at the port of Varna ended their strike on Tuesday after the company agreed to raise wages by nine percent.\n"
    article = _article(text)
    assert article.paragraphs[0].startswith("Dockers at the port")
    assert article.published == "2026-03-03"


def test_same_content_same_id_and_offsets_refer_to_text() -> None:
    assert _article().id == _article().id
    assert _article().id.startswith("a-")


def test_control_characters_are_stripped_and_the_raw_document_keeps_them() -> None:
    body = (
        "Ferry plan\x1b]0;owned\x07 approved\x1b[2J\n\n"
        "The harbour council\x00 approved the ferry plan on Tuesday\x85after a long debate about costs.\n\n"
        "Work starts\x0bin spring, the council\u202e said.\n"
    )
    raw = RawDocument(path="a.txt", body=body, source="Daily\x9b Wire", author="Ann\x1b Lee", published="2026-01-30")

    article = clean_document(raw)

    everything = [
        article.title,
        article.source,
        article.author,
        *article.paragraphs,
        *(r.text for r in article.removed),
    ]
    assert not any(ch in text for text in everything if text for ch in "\x1b\x07\x00\x85\x0b\x9b")
    assert article.title == "Ferry plan]0;owned approved[2J"
    assert (article.source, article.author) == ("Daily Wire", "Ann Lee")
    assert "on Tuesday after a long debate" in article.text and "Work starts in spring" in article.text
    assert "\u202e" in article.text  # bidi controls stay: the views isolate them
    assert raw.body == body and raw.source == "Daily\x9b Wire"  # the raw document is the original
    assert article.id == clean_document(RawDocument(path="b.txt", body=body.replace("\x00", ""))).id


def test_empty_body_is_an_input_error() -> None:
    with pytest.raises(InputError, match="no article text"):
        _article("Only a title\n\nShare on Facebook\n")


def test_repeated_outlet_lines_are_template() -> None:
    line = "Our reporters work around the clock to bring you the news that matters"
    docs = [("Coast Post", f"Title {i}\n\n{line}\n\nBody {i}.") for i in range(3)]
    memory = TemplateMemory(min_articles=3).fit(docs)
    assert memory.is_template("Coast Post", line)
    assert not memory.is_template("Other Paper", line)
    assert not TemplateMemory(min_articles=3).fit(docs[:2]).is_template("Coast Post", line)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Storm hits the coast – Coastline Daily", ("Storm hits the coast", "Coastline Daily")),
        ("Storm hits the coast | NewsPulse24", ("Storm hits the coast", "NewsPulse24")),
        ("The last bridge: what we know so far", ("The last bridge: what we know so far", None)),
        ("Ukraine - Russia talks resume", ("Ukraine - Russia talks resume", None)),
        (
            "Minister resigns - report says he lied to parliament",
            ("Minister resigns - report says he lied to parliament", None),
        ),
    ],
)
def test_split_site_name(title: str, expected: tuple[str, str | None]) -> None:
    assert split_site_name(title) == expected


def test_hard_wrapped_paragraphs_are_joined() -> None:
    body = (
        "\nThe council voted on Monday to close the old market hall, which has been\n"
        "in use since 1903, after engineers found cracks in the main roof beams.\n"
    )
    units = split_units(body)
    assert len(units) == 1
    labelled = label_units(units, title="Market hall closes")
    assert labelled.units[0].reason is None

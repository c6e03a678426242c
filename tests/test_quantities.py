"""Quantities: figures read from invented news sentences, normalised and compared."""

from __future__ import annotations

import math

import pytest

from newsdesk.compare.quantities import Measure, compare_measures, counted, parse_quantities

INF = math.inf


def _one(text: str) -> Measure:
    measures = parse_quantities(text)
    assert len(measures) == 1, measures
    return measures[0]


def _read(text: str) -> list[tuple[float, float, str, str]]:
    return [(m.low, m.high, m.unit, m.noun) for m in parse_quantities(text)]


def _measure(
    low: float, high: float | None = None, *, unit: str = "", noun: str = "", approximate: bool = False
) -> Measure:
    return Measure(
        low=low,
        high=low if high is None else high,
        approximate=approximate,
        unit=unit,
        noun=noun,
        start=0,
        end=0,
        text="",
    )


@pytest.mark.parametrize(
    ("text", "value", "unit", "noun"),
    [
        ("Police said 20,000 people marched through Valdora.", 20_000, "", "people"),
        ("The organisers counted 20.000 demonstrators in Valdora.", 20_000, "", "demonstrators"),
        ("The Green List received 5.150.092 votes in the first round.", 5_150_092, "", "votes"),
        ("The referendum passed with 51,2% of the votes.", 51.2, "%", "votes"),
        ("Turnout in Port Salam reached 51.2 percent.", 51.2, "%", ""),
        ("The state set aside 17.85 million euros for the dam.", 17.85e6, "EUR", ""),
        ("The Kostel bridge will cost 1.2bn dollars.", 1.2e9, "USD", ""),
        ("The ministry pledged $3 million for the flood victims.", 3e6, "USD", ""),
        ("The agency pledged $3m on Monday.", 3e6, "USD", ""),
        ("An envelope with €120.000 was found in his car.", 120_000, "EUR", ""),
        ("Two dozen trucks waited at the Kora crossing.", 24, "", "trucks"),
        ("A dozen boats left the harbour of Salam.", 12, "", "boats"),
        ("Twenty-five fishermen were rescued off Salam.", 25, "", "fishermen"),
        ("Three ambulances reached the mine before noon.", 3, "", "ambulances"),
        ("One hundred and twenty families were moved to the school.", 120, "", "families"),
        ("Half a million people have left the region since the spring.", 500_000, "", "people"),
        ("A hundred thousand leaflets were printed for the vote.", 100_000, "", "leaflets"),
        ("The union says 20 000 residents signed the petition.", 20_000, "", "residents"),
        ("The union says 20\u00a0000 residents signed the petition.", 20_000, "", "residents"),
        ("The harbour handled 1.234,5 tonnes of grain.", 1_234_500, "kg", ""),
        ("The harbour handled 1,234.5 tonnes of grain.", 1_234_500, "kg", ""),
        ("The clinic received 2,5 million euros.", 2.5e6, "EUR", ""),
    ],
)
def test_number_formats(text: str, value: float, unit: str, noun: str) -> None:
    measure = _one(text)
    assert measure.low == pytest.approx(value)
    assert measure.high == pytest.approx(value)
    assert not measure.approximate and measure.exact
    assert (measure.unit, measure.noun) == (unit, noun)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("More than 20,000 people crossed into Dalmar.", 20_000, INF),
        ("Over 20,000 people crossed into Dalmar.", 20_000, INF),
        ("At least 20,000 people crossed into Dalmar.", 20_000, INF),
        ("20,000 or more people crossed into Dalmar.", 20_000, INF),
        ("20,000+ people crossed into Dalmar.", 20_000, INF),
        ("Nearly 20,000 people crossed into Dalmar.", 18_000, 20_000),
        ("Almost 20,000 people crossed into Dalmar.", 18_000, 20_000),
        ("Just over 20,000 people crossed into Dalmar.", 20_000, 22_000),
        ("About 20,000 people crossed into Dalmar.", 18_000, 22_000),
        ("Around 20,000 people crossed into Dalmar.", 18_000, 22_000),
        ("Roughly 20,000 people crossed into Dalmar.", 18_000, 22_000),
        ("Some 20,000 people crossed into Dalmar.", 18_000, 22_000),
        ("An estimated 20,000 people crossed into Dalmar.", 18_000, 22_000),
        ("20,000 or so people crossed into Dalmar.", 18_000, 22_000),
        ("Up to 20,000 people crossed into Dalmar.", 0, 20_000),
        ("As many as 20,000 people crossed into Dalmar.", 0, 20_000),
        ("Fewer than 20,000 people crossed into Dalmar.", 0, 20_000),
        ("Between 10,000 and 15,000 people crossed into Dalmar.", 10_000, 15_000),
        ("10,000-15,000 people crossed into Dalmar.", 10_000, 15_000),
        ("10,000 to 15,000 people crossed into Dalmar.", 10_000, 15_000),
        ("Two to three million people crossed into Dalmar.", 2e6, 3e6),
    ],
)
def test_hedges_bounds_and_ranges(text: str, low: float, high: float) -> None:
    measure = _one(text)
    assert (measure.low, measure.high) == (pytest.approx(low), pytest.approx(high))
    assert measure.noun == "people"
    ranged = text.startswith(("Between", "10,000", "Two"))
    assert measure.approximate is not ranged  # a range is stated exactly; a hedge is not
    assert not measure.exact


def test_the_surface_holds_the_hedge_and_the_unit() -> None:
    text = "Officials said more than 20,000 people and about $3 million in aid reached Kora."
    first, second = parse_quantities(text)
    assert first.text == "more than 20,000" and text[first.start : first.end] == first.text
    assert second.text == "about $3 million" and text[second.start : second.end] == second.text
    assert (second.low, second.high, second.unit) == (pytest.approx(2.7e6), pytest.approx(3.3e6), "USD")
    assert _one("He paid $2-3 million for the villa.").text == "$2-3 million"
    assert _read("He paid €2 to €3 billion for the port.") == [(2e9, 3e9, "EUR", "")]


@pytest.mark.parametrize(
    ("text", "low", "high", "noun"),
    [
        ("Tens of thousands of protesters filled the square.", 20_000, 99_999, "protesters"),
        ("Hundreds of thousands of people lost power.", 200_000, 999_999, "people"),
        ("Hundreds of protesters filled the square.", 200, 999, "protesters"),
        ("Thousands of protesters filled the square.", 2_000, 9_999, "protesters"),
        ("Dozens of protesters filled the square.", 24, 199, "protesters"),
        ("Millions of people watched the debate.", 2e6, 9_999_999, "people"),
        ("Several hundred workers joined the strike.", 300, 999, "workers"),
        ("A few thousand fans waited outside.", 2_000, 5_999, "fans"),
        ("Hundreds were arrested after the match.", 200, 999, "arrested"),
    ],
)
def test_vague_magnitudes(text: str, low: float, high: float, noun: str) -> None:
    measure = _one(text)
    assert (measure.low, measure.high, measure.noun) == (low, high, noun)
    assert measure.approximate


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("The fire stopped a quarter of a mile from the school.", 402.336, "m"),
        ("The fire stopped 400 m from the school.", 400, "m"),
        ("The fire stopped 400 metres from the school.", 400, "m"),
        ("The convoy was 2 km long.", 2_000, "m"),
        ("The convoy was 2.5 kilometres long.", 2_500, "m"),
        ("The wave was 30 feet high.", 9.144, "m"),
        ("The march covered 5 miles.", 8_046.72, "m"),
        ("Police seized 20 kg of cocaine.", 20, "kg"),
        ("Police seized five pounds of cocaine.", 2.26796, "kg"),
        ("The ship carried 3 tonnes of rice.", 3_000, "kg"),
        ("Prices rose 4 per cent in May.", 4, "%"),
        ("Prices rose 4 pct in May.", 4, "%"),
        ("Support fell 3 percentage points.", 3, "pp"),
        ("He owes the bank 5 pounds.", 5, "GBP"),
        ("The fund holds USD 5 million.", 5e6, "USD"),
        ("The fund holds 5 million USD.", 5e6, "USD"),
        ("She had 9 millions of dollars in the account.", 9e6, "USD"),
        ("The 10-km march ended at the port.", 10_000, "m"),
    ],
)
def test_units_are_normalised(text: str, value: float, unit: str) -> None:
    measure = _one(text)
    assert measure.low == pytest.approx(value, rel=1e-4)
    assert measure.unit == unit
    assert measure.noun == ""


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("The suspect stays in custody for 48 hours.", 48),
        ("The talks were suspended for three days.", 72),
        ("The strike lasted two weeks.", 336),
        ("Workers walked out for a 12-hour shift.", 12),
        ("The three-day strike closed the port.", 72),
    ],
)
def test_durations_are_how_long_not_how_many(text: str, hours: float) -> None:
    measure = _one(text)
    assert (measure.low, measure.unit, measure.noun) == (hours, "h", "")


@pytest.mark.parametrize(
    "text",
    [
        "In 2021 people said the dam would hold.",
        "The 2024 election was postponed.",
        "The plan ran between 2019 and 2021.",
        "The 2019-2021 programme was cut.",
        "On 12 March the river rose.",
        "The river rose on March 12.",
        "The meeting on 12.03.2023 was cancelled.",
        "The report dated 2023-03-12 was leaked.",
        "The sirens sounded at 10:30.",
        "The sirens sounded at 2 p.m.",
        "The sirens sounded at 2 in the morning.",
        "The sirens sounded by 10.30, residents said.",
        "A 45-year-old man was arrested.",
        "The driver, aged 45, was arrested.",
        "Maria Lind, 45, was arrested.",
        "He was 45 years old.",
        "Call 555-123-4567 or +44 20 7946 0958 for help.",
        "It was his 3rd arrest.",
        "It was the twenty-first arrest this year.",
        "Prices have not been this high since the 1990s.",
        "Flight 370 landed safely.",
        "Article 5 was invoked.",
        "One of the injured died in the night.",
        "Two of the injured died in the night.",
        "No one answered the phone.",
        'She said that "no one suffered serious injuries".',
        "None of the two hospitalised is a foreigner.",
        "The one who fled was caught.",
        "One said the dam had cracked.",
        "Rescuers found five more bodies.",
        "One in three voters stayed home.",
        "The home side won 3-0.",
        "The one-third majority held.",
        "A three-star hotel burned.",
        "The COVID-19 ward and the G7 summit.",
        "A Boeing 737-800 landed in Salam.",
        "Windows 11 was released.",
        "Press office: Tel. (074) 55-2210",
        "A man of 61 years was found.",
        "Tomas Arvela, 34 years, was released.",
        "Wulan Prameswari (34) sat by the window.",
        "The suspect is Serkan Çakıroğlu, 29.",
        "She sat in the row 22 at gate n°4.",
        "© 2025 NovinarPlus Media Ltd.",
    ],
)
def test_what_is_not_a_quantity(text: str) -> None:
    assert parse_quantities(text) == []


def test_a_count_beside_a_year_or_a_date_is_kept() -> None:
    assert _read("In 2021, 2,000 people left Kostel.") == [(2_000, 2_000, "", "people")]
    assert _read("Deaths rose to 20 in 2021.") == [(20, 20, "", "dead")]
    assert _read("On 12 March 300 soldiers arrived.") == [(300, 300, "", "soldiers")]
    assert _read("Around 2000 people marched.") == [(1_800, 2_200, "", "people")]


@pytest.mark.parametrize(
    ("text", "noun"),
    [
        ("Three people were killed in the blast.", "dead"),
        ("The blast killed three people.", "dead"),
        ("The storm left three dead.", "dead"),
        ("The storm claimed three lives.", "dead"),
        ("Three deaths were reported.", "dead"),
        ("The death toll rose to 31.", "dead"),
        ("Three were wounded by shrapnel.", "injured"),
        ("Three soldiers were hurt at the checkpoint.", "injured"),
        ("Four miners remain in hospital.", "injured"),
        ("Nineteen miners are still trapped.", "missing"),
        ("Police detained 40 protesters.", "arrested"),
        ("Forty protesters marched on the ministry.", "protesters"),
        ("One truck crossed the border.", "trucks"),
        ("One police officer was in the car.", "police"),
        ("The clinic treated 12 children.", "children"),
        ("Five persons were questioned.", "people"),
        ("20,000 Syrian refugees crossed the border.", "refugees"),
        ("The blast killed 3 drivers at the Kora crossing.", "dead"),
        ("91.4% of the tally sheets were counted.", "sheets"),
        ("40% of the population voted.", "population"),
        ("51% of the vote went to Lind.", "votes"),
    ],
)
def test_what_is_counted(text: str, noun: str) -> None:
    assert _one(text).noun == noun


def test_each_count_reads_its_own_phrase() -> None:
    text = "The storm hit the coast, killing at least 30 people and injuring more than 200, officials said."
    assert _read(text) == [(30, INF, "", "dead"), (200, INF, "", "injured")]
    text = "The blast killed three people in 40 villages."
    assert _read(text) == [(3, 3, "", "dead"), (40, 40, "", "villages")]


def test_zero_counts() -> None:
    assert _read("Nobody was injured, the police said.") == [(0, 0, "", "injured")]
    assert _read("No one was killed in the second blast.") == [(0, 0, "", "dead")]
    assert _read("There were no deaths at the port.") == [(0, 0, "", "dead")]


def test_counted_without_the_words_before() -> None:
    text = "The blast killed 3 trucks"
    assert counted(text, 17, 18) == "dead"
    assert counted(text, 17, 18, look_before=False) is None


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("17.85 million voters took part.", "Roughly 17.8 million voters took part.", "compatible"),
        ("51.2% of the votes went to Lind.", "51,2% of the votes went to Lind.", "equal"),
        ("17.85 million voters took part.", "17,850,092 voters took part.", "equal"),
        ("5.2 million voters took part.", "5,150,092 voters took part.", "compatible"),
        ("Twenty people were killed.", "The toll stands at 20 deaths.", "equal"),
        ("Three were wounded.", "Three people were injured.", "equal"),
        ("The storm claimed 12 lives.", "Officials counted twelve fatalities.", "equal"),
        ("30 people were killed.", "31 people were killed.", "different"),
        ("30 people were killed.", "30 people were injured.", "incomparable"),
        ("30 people were killed.", "30 trucks were hit.", "incomparable"),
        ("$3 million went missing.", "€3 million went missing.", "incomparable"),
        ("20 trucks crossed.", "20 km of trucks.", "incomparable"),
        ("More than 20,000 people fled.", "25,000 people fled.", "compatible"),
        ("More than 20,000 people fled.", "15,000 people fled.", "different"),
        ("Nearly 20,000 people fled.", "20,000 people fled.", "compatible"),
        ("About 20,000 people fled.", "25,000 people fled.", "different"),
        ("Up to 5,000 people fled.", "4,000 people fled.", "compatible"),
        ("Between 10 and 15 journalists were detained.", "Police detained 12 journalists.", "compatible"),
        ("10-15 journalists were detained.", "Police detained 16 journalists.", "different"),
        ("Tens of thousands of people fled.", "15,000 people fled.", "different"),
        ("Tens of thousands of people fled.", "45,000 people fled.", "compatible"),
        ("Hundreds of people fled.", "Thousands of people fled.", "different"),
        ("The fire stopped a quarter of a mile away.", "The fire stopped 400 m away.", "compatible"),
        ("The fire stopped a quarter of a mile away.", "The fire stopped 2 km away.", "different"),
        ("The fire stopped 400 m away.", "The fire stopped 0.4 km away.", "equal"),
        ("Half a million people fled.", "480,000 people fled.", "compatible"),
        ("Half a million people fled.", "A million people fled.", "different"),
        ("The talks lasted 48 hours.", "The talks lasted two days.", "equal"),
    ],
)
def test_compare_measures(a: str, b: str, expected: str) -> None:
    first, second = _one(a), _one(b)
    assert compare_measures(first, second) == expected
    assert compare_measures(second, first) == expected


def test_compare_hand_built_measures() -> None:
    assert compare_measures(_measure(3, noun="killed"), _measure(3, noun="deaths")) == "equal"
    assert compare_measures(_measure(3, noun="wounded"), _measure(3, noun="Hurt")) == "equal"
    assert compare_measures(_measure(3, noun="dead"), _measure(3, noun="injured")) == "incomparable"
    assert compare_measures(_measure(3, noun="dead"), _measure(3, noun="")) == "incomparable"
    # An exact value against an interval that only touches it is compatible, not equal.
    assert compare_measures(_measure(10, 20, noun="dead"), _measure(20, noun="dead")) == "compatible"
    assert compare_measures(_measure(20, INF, approximate=True), _measure(1e6)) == "compatible"
    # Rounding: within half a percent is one figure; the tolerance can be set.
    assert compare_measures(_measure(1000), _measure(1004)) == "equal"
    assert compare_measures(_measure(1000), _measure(1004), rel_tol=0.001) == "different"
    assert compare_measures(_measure(0, noun="dead"), _measure(0, noun="dead")) == "equal"


@pytest.mark.parametrize(
    ("text", "noun"),
    [
        ("The number of barges waiting at the lock rose to 42", "barges"),
        ("The line of buses reached 120 by noon", "buses"),
        ("Registered complaints climbed to 310", "complaints"),
        # No change verb, or a subject that is a name: the figure counts nothing named.
        ("A total of 36", ""),
        ("The Ministry said it rose to 5", ""),
    ],
)
def test_a_figure_a_change_leads_to_counts_the_subject(text: str, noun: str) -> None:
    [measure] = parse_quantities(text)
    assert measure.noun == noun

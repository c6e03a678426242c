"""Quantities: the figures claims state, normalised so two reports of one count can be compared.

A figure becomes a :class:`Measure`, an interval ``[low, high]`` of one unit counting one noun:

1. **The number.** Digits in English or European style ("20,000", "20.000", "5.150.092", "51,2"), number
   words ("twenty-five", "two dozen", "half a million"), scale words and abbreviations ("17.85 million",
   "1.2bn", "$3m", "20k"). A lone separator followed by exactly three digits groups thousands ("20.000",
   "1,500"), unless a dot is followed by a scale or a percent sign ("17.850 million", "3.125%"); any other
   lone separator is a decimal mark ("51,2%", "1.5").
2. **The hedge.** It makes the interval. Bounds are closed, since "more than 20,000" against a plain
   "20,000" is seldom a real contradiction; ``approximate`` is set for every hedged or vague figure:

   - "20,000": [x, x]; "10-15", "10 to 15", "between 10 and 15": [x, y], not approximate.
   - "about", "around", "roughly", "approximately", "some", "an estimated", "or so": [0.9x, 1.1x].
   - "nearly", "almost", "close to", "just under": [0.9x, x]; "just over", "slightly more than": [x, 1.1x].
   - "more than", "over", "at least", "or more", "20,000+": [x, inf].
   - "up to", "as many as", "fewer than", "under", "or fewer": [0, x].
   - "dozens", "scores", "hundreds", "thousands", "tens of thousands" ...: see :data:`VAGUE`
     ("hundreds" is [200, 999]); "a few hundred" is [200, 599], "several hundred" [300, 999].

3. **The unit.** Percentages ("%", "percent", "per cent", "pct") are "%", percentage points "pp";
   currencies an ISO code ("$" and "dollars" are "USD"); lengths metres "m" (miles, km, feet, yards);
   weights "kg" (tonnes are metric; "pounds" is a weight only in "pounds of", else sterling); durations
   hours "h" (a day is 24 h, a month 730.5 h, a year 8766 h): "48 hours" and "three days" are how long,
   never how many. A plain count has the unit "".
4. **The noun.** What is counted: an event of the words around the figure, read as
   :func:`newsdesk.compare.claims.counted` reads them ("14 people were killed", "killing at least 30",
   "police detained 12 journalists"), is "dead", "injured", "missing", "displaced" or "arrested";
   otherwise the head noun after the figure in its plural form ("one truck" and "40 trucks" both count
   "trucks"), with :data:`NOUN_SYNONYMS` applied; with no noun after it, the plural noun of the subject of
   a change that leads to it ("the queue of trucks reached 350"). A verb before the figure yields to the head noun when
   it was said of another number ("killed three people in 40 villages": villages). A share names its
   whole ("51% of the votes": unit "%", noun "votes"). Measured figures (money, lengths ...) have no noun.
5. **What is not a quantity.** Years ("in 2021"), dates ("12 March", "12.03.2023"), clock times
   ("10:30", "2 p.m."), ages ("a 45-year-old", "aged 45", "Smith, 45,"), phone numbers, ordinals ("3rd",
   "twenty-first"), decades ("the 1990s"), numbered things ("Flight 370", "Article 5"), compound modifiers
   ("a three-star hotel"), ratios ("one in three"), scores ("3-0"), increments ("five more bodies"),
   parts of another count ("one of the", "two of the injured") and pronoun uses of "one" ("no one",
   "the one who", "none of the two").

"Nobody was killed" and "no deaths" are a count of zero of their event, as in ``claims.quantities``.

:func:`compare_measures` then judges two measures: incomparable (other unit or noun), equal (both exact,
within half a percent), compatible (the intervals overlap; an exact figure written with a scale word or
as a fraction stands for the values it was rounded from, at most +-10%: "5.2 million" is 5.15 to 5.25
million, "a quarter of a mile" takes in "400 m") or different.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

__all__ = ["NOUN_SYNONYMS", "VAGUE", "Measure", "compare_measures", "parse_quantities"]


@dataclass(slots=True, frozen=True, kw_only=True)
class Measure:
    """A figure as an interval of one unit counting one noun.

    Attributes:
        low: Lowest value the wording allows (in the normalised unit).
        high: Highest value the wording allows; ``inf`` for "more than" and "at least".
        approximate: The wording hedges or is vague ("about", "nearly", "more than", "dozens").
        unit: "%", "pp", a currency code ("USD", "EUR"), "m", "kg", "h", or "" for a plain count.
        noun: What is counted, lowercased and plural ("people", "dead", "injured", "votes", "trucks"),
            or "" when the text does not say.
        start: Offset of the figure (its hedge included) in the text.
        end: Offset where the figure (its unit included) ends.
        text: The figure as written, e.g. "more than 20,000" or "a quarter of a mile".
    """

    low: float
    high: float
    approximate: bool
    unit: str
    noun: str
    start: int
    end: int
    text: str

    @property
    def exact(self) -> bool:
        """Whether the figure is one exact value."""
        return not self.approximate and self.low == self.high


# Words that count the same thing, each mapped to one noun. Kept small on purpose: only the counts
# news most often reports with different words ("three killed" / "three deaths" / "claimed three lives").
NOUN_SYNONYMS: dict[str, str] = {
    "killed": "dead",
    "dead": "dead",
    "death": "dead",
    "deaths": "dead",
    "died": "dead",
    "fatalities": "dead",
    "fatality": "dead",
    "lives": "dead",
    "injured": "injured",
    "wounded": "injured",
    "hurt": "injured",
    "injuries": "injured",
    "person": "people",
    "persons": "people",
    "people": "people",
}

# Vague magnitudes: "hundreds" is at least two hundred and fewer than a thousand, and so on.
VAGUE: dict[str, tuple[float, float]] = {
    "dozens": (24, 199),
    "scores": (40, 199),
    "hundreds": (200, 999),
    "thousands": (2_000, 9_999),
    "tens of thousands": (20_000, 99_999),
    "hundreds of thousands": (200_000, 999_999),
    "millions": (2e6, 9_999_999),
    "tens of millions": (2e7, 99_999_999),
    "hundreds of millions": (2e8, 999_999_999),
    "billions": (2e9, 9_999_999_999),
}
# "a few hundred", "several thousand": a multiple of the scale word.
_FEW = {"a few": (2, 5), "several": (3, 9)}

_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {
    "dozen": 12.0,
    "hundred": 100.0,
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
    "k": 1e3,
    "mn": 1e6,
    "mln": 1e6,
    "bn": 1e9,
    "tn": 1e12,
}
_FRACTIONS = {
    "half": 0.5,
    "a half": 0.5,
    "one half": 0.5,
    "a quarter": 0.25,
    "one quarter": 0.25,
    "three quarters": 0.75,
    "a third": 1 / 3,
    "one third": 1 / 3,
    "two thirds": 2 / 3,
}

# Units after a number: the spelling, the normalised unit and the factor to it.
_CURRENCY_WORDS = {
    "dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR", "pound": "GBP", "pounds": "GBP",
    "pounds sterling": "GBP", "sterling": "GBP", "yen": "JPY", "yuan": "CNY", "renminbi": "CNY",
    "rupee": "INR", "rupees": "INR", "rouble": "RUB", "roubles": "RUB", "ruble": "RUB", "rubles": "RUB",
    "swiss francs": "CHF",
}  # fmt: skip
_CURRENCY_CODES = ("USD", "EUR", "GBP", "JPY", "CNY", "INR", "RUB", "CHF", "CAD", "AUD")
_CURRENCY_SYMBOLS = {"$": "USD", "us$": "USD", "c$": "CAD", "a$": "AUD", "€": "EUR", "£": "GBP", "¥": "JPY"}
_UNITS: dict[str, tuple[str, float]] = {
    "%": ("%", 1.0), "percent": ("%", 1.0), "per cent": ("%", 1.0), "pct": ("%", 1.0),
    "percentage point": ("pp", 1.0), "percentage points": ("pp", 1.0),
    "km": ("m", 1000.0), "kilometre": ("m", 1000.0), "kilometres": ("m", 1000.0),
    "kilometer": ("m", 1000.0), "kilometers": ("m", 1000.0),
    "mile": ("m", 1609.344), "miles": ("m", 1609.344), "mi": ("m", 1609.344),
    "m": ("m", 1.0), "metre": ("m", 1.0), "metres": ("m", 1.0), "meter": ("m", 1.0), "meters": ("m", 1.0),
    "cm": ("m", 0.01), "centimetre": ("m", 0.01), "centimetres": ("m", 0.01),
    "centimeter": ("m", 0.01), "centimeters": ("m", 0.01),
    "ft": ("m", 0.3048), "foot": ("m", 0.3048), "feet": ("m", 0.3048),
    "yard": ("m", 0.9144), "yards": ("m", 0.9144),
    "kg": ("kg", 1.0), "kilo": ("kg", 1.0), "kilos": ("kg", 1.0), "kilogram": ("kg", 1.0),
    "kilograms": ("kg", 1.0), "kilogramme": ("kg", 1.0), "kilogrammes": ("kg", 1.0),
    "g": ("kg", 0.001), "gram": ("kg", 0.001), "grams": ("kg", 0.001),
    "t": ("kg", 1000.0), "tonne": ("kg", 1000.0), "tonnes": ("kg", 1000.0), "ton": ("kg", 1000.0),
    "tons": ("kg", 1000.0), "lb": ("kg", 0.45359237), "lbs": ("kg", 0.45359237),
    "second": ("h", 1 / 3600), "seconds": ("h", 1 / 3600), "minute": ("h", 1 / 60), "minutes": ("h", 1 / 60),
    "min": ("h", 1 / 60), "mins": ("h", 1 / 60), "h": ("h", 1.0), "hr": ("h", 1.0), "hrs": ("h", 1.0),
    "hour": ("h", 1.0), "hours": ("h", 1.0), "day": ("h", 24.0), "days": ("h", 24.0),
    "week": ("h", 168.0), "weeks": ("h", 168.0), "month": ("h", 730.5), "months": ("h", 730.5),
    "year": ("h", 8766.0), "years": ("h", 8766.0),
}  # fmt: skip
_UNITS.update({word: (code, 1.0) for word, code in _CURRENCY_WORDS.items()})
_UNITS.update({code.lower(): (code, 1.0) for code in _CURRENCY_CODES})
_POUNDS_WEIGHT = ("kg", 0.45359237)


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of ``words``, longest first, spaces matching any whitespace."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


_W = _alternation(_SMALL)
# Where a figure can start. No letter, digit, separator or hyphen right before ("COVID-19", "G7", "v1.2").
_NUMBER = (
    r"(?:"
    rf"(?P<vague>(?:tens|hundreds)\s+of\s+(?:thousands|millions)|dozens|scores|hundreds|thousands|millions|billions)\b"
    rf"|(?P<few>{_alternation(_FEW)})\s+(?P<few_scale>dozen|hundred|thousand|million|billion)\b"
    rf"|(?P<frac>{_alternation(_FRACTIONS)})(?:\s+of)?\s+an?\s+(?P<frac_of>dozen|hundred|thousand|million|billion|"
    r"mile|kilomet(?:re|er)|met(?:re|er)|foot|yard|tonne|ton|kilogram|kilo|pound|hour|day|week|month|year)\b"
    r"|(?P<a>an?)\s+(?P<a_of>dozen|hundred|thousand|million|billion|mile|kilomet(?:re|er))\b"
    # Thousands grouped with spaces ("20 000", also no-break spaces), else with dots or commas.
    r"|(?P<digits>\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![.,]?\d)|\d+(?:[.,]\d+)*)"
    rf"|(?P<words>(?:{_W})(?:(?:\s*-\s*|\s+(?:and\s+)?)(?:{_W}|hundred|thousand|million|billion|dozen))*)\b"
    r")"
)
_CANDIDATE = re.compile(r"(?<![\w.,/-])" + _NUMBER, re.IGNORECASE)
_SECOND = re.compile(_NUMBER, re.IGNORECASE)  # the end of a range, right after its "-"
# A scale after digits: "17.85 million", "1.2bn", "20k"; "m" and "b" only after a currency ("$3m").
_SCALE_AFTER = re.compile(
    r"\s+(?P<word>thousand|million|billion|trillion|dozen)s?\b|\s?(?P<abbr>bn|mn|mln|tn)\b", re.IGNORECASE
)
_ATTACHED = re.compile(r"[A-Za-z]+")
_MONEY_SCALE = re.compile(r"\s?(?P<abbr>[mb])\b", re.I)
_UNIT_AFTER = re.compile(
    r"\s*(?P<unit>%|" + _alternation(k for k in _UNITS if k != "%") + r")(?![\w])(?P<of>\s+of\b)?",
    re.IGNORECASE,
)
_HYPHEN_WORD = re.compile(r"\s*-\s*(?P<word>[A-Za-z]+)(?P<old>-old\b)?")
_SYMBOL = re.compile(r"(?:US\$|C\$|A\$|\$|€|£|¥)\s?")
_CURRENCY_BEFORE = re.compile(
    r"(?:(?P<sym>US\$|C\$|A\$|\$|€|£|¥)\s?|(?P<code>" + "|".join(_CURRENCY_CODES) + r")\s+)\Z"
)
_HEDGES: tuple[tuple[str, str], ...] = (
    ("just_over", r"just\s+(?:over|above)|slightly\s+(?:more\s+than|over|above)|a\s+little\s+(?:over|more\s+than)"),
    (
        "up_to",
        r"up\s+to|as\s+many\s+as|as\s+much\s+as|at\s+most|n[o']t?\s+more\s+than|not\s+more\s+than|a\s+maximum\s+of",
    ),
    ("at_least", r"at\s+least|no\s+(?:fewer|less)\s+than|not\s+(?:fewer|less)\s+than|a\s+minimum\s+of"),
    ("nearly", r"nearly|almost|close\s+to|just\s+(?:under|below|short\s+of|shy\s+of)|approaching"),
    ("more_than", r"more\s+than|well\s+over|over|above|in\s+excess\s+of|upwards\s+of|exceeding|greater\s+than"),
    ("fewer_than", r"fewer\s+than|less\s+than|under|below"),
    (
        "about",
        r"about|around|roughly|approximately|approx\.|some|an\s+estimated|estimated\s+at|estimated|circa|"
        r"c\.|~|an\s+approximate|in\s+the\s+region\s+of|of\s+the\s+order\s+of",
    ),
)
_HEDGE_BEFORE = re.compile(
    r"(?:(?<=[\s(\"“])|^)(?:" + "|".join(f"(?P<{name}>{pattern})" for name, pattern in _HEDGES) + r")\s*\Z",
    re.IGNORECASE,
)
_HEDGE_AFTER = re.compile(r"\s*(?:(?P<plus>\+|-?plus\b)|\s+or\s+(?P<or>so|more|fewer|less)\b)", re.I)
_BETWEEN = re.compile(r"\bbetween\s+\Z", re.I)
_FROM = re.compile(r"\bfrom\s+\Z", re.I)
_RANGE_SEP = re.compile(r"\s*(?:-|–|—)\s*|\s+to\s+")
_AND_SEP = re.compile(r"\s+and\s+", re.I)

# What is not a count.
_MONTHS = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)"
)
_MASKS = (
    re.compile(r"(?<![\w.,])\d{1,4}([./-])\d{1,2}\1\d{1,4}(?![.,]?\d)"),  # 12.03.2023, 2023-03-12, 12/3/23
    re.compile(r"(?<![\w.,])\d{1,2}/\d{1,2}(?![/\d])"),  # 24/7, 12/3
    re.compile(r"\b(?:1[89]|20)\d\d\s*[-–/]\s*(?:(?:1[89]|20)\d\d|\d\d)\b"),  # 2019-2021, 2021/22
    re.compile(r"\b\d{1,2}[:h]\d{2}(?::\d{2})?\b"),  # 10:30, 14h30
    re.compile(r"\+\d{1,3}[\s.-]?\(?\d{1,4}\)?(?:[\s.-]?\d{2,4}){2,}"),  # +44 20 7946 0958
    re.compile(r"(?:\(\d{3}\)\s?|\b\d{3}[\s.-])\d{3}[\s.-]\d{4}\b"),  # (555) 123-4567, 555-123-4567
    re.compile(r"\(0?\d{2,5}\)\s?\d[\d\s.-]{3,}\d"),  # (074) 55-2210
    re.compile(r"\b0\d{2,4}[\s-]\d{3,4}[\s-]\d{3,4}\b"),  # 020 7946 0958
)
_TIME_AFTER = re.compile(
    r"\s*(?:[ap]\.m\.|[ap]m\b|o['’]clock\b|GMT\b|UTC\b|CET\b|local\s+time\b)|\s+in\s+the\s+(?:morning|afternoon|evening|night)\b",
    re.IGNORECASE,
)
_TIME_BEFORE = re.compile(r"\b(?:at|by|until|till|since)\s+\Z", re.IGNORECASE)
_DAY = re.compile(r"0?[1-9]|[12]\d|3[01]")
_DATE_AFTER = re.compile(rf"(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}\b")
_DATE_BEFORE = re.compile(rf"\b{_MONTHS}\.?\s+(?:the\s+)?\Z")
_AGE_AFTER = re.compile(r"(?:\s*-\s*|\s+)years?(?:\s*-\s*|\s+)old\b", re.IGNORECASE)
_AGE_BEFORE = re.compile(r"\b(?:aged|age|the\s+age\s+of)\s+\Z", re.IGNORECASE)
# "Maria Lind, 45, said", "Lind, 45 years, said", "Wulan Prameswari (34)", "a man of 61 years".
_AGE_APPOSITION = (
    re.compile(r"\b(?P<name>[^\W\d_][\w-]+)(?:,\s*|\s*\(\s*)\Z"),
    re.compile(r"(?:\s+years?(?:\s+old)?)?\s*(?:[,)]|\.(?!\d))"),
)
_AGE_OF = (
    re.compile(
        r"\b(?:man|woman|men|women|boys?|girls?|kids?|child|children|youths?|teenagers?|persons?|people|sons?|"
        r"daughters?|mother|father|patients?|victims?|drivers?)\s+of\s+\Z",
        re.IGNORECASE,
    ),
    re.compile(r"\s+years?\b", re.IGNORECASE),
)
_YEAR_BEFORE = re.compile(
    r"\b(?:in|since|by|from|until|till|during|before|after|year|early|late|spring|summer|autumn|fall|winter)\s+\Z"
    r"|\bmid-\Z|(?:©|\(c\)|copyright)\s*\Z",
    re.IGNORECASE,
)
_ID_BEFORE = re.compile(
    r"(?:#|n°|nº|№|\bno\.|\bnos\.|\b(?:number|flight|route|room|article|section|chapter|page|pages|p\.|pp\.|resolution|"
    r"highway|road|line|platform|gate|seat|model|version|level|phase|category|paragraph|item|channel|district|"
    r"zone|block|apartment|unit|clause|amendment|bus|train|tram|stage|round|grade|class|sector|division|brigade|"
    r"battalion|regiment|term|match|game|day|week|episode|season|lot|code|box|rows?|gates?|lanes?|bays?|"
    r"terminals?|hall|piers?|wards?))\s*\Z",
    re.IGNORECASE,
)
_CAPITALISED_BEFORE = re.compile(r"\b(?P<name>[^\W\d_][\w-]*)\s+\Z")
_PARTITIVE_BEFORE = re.compile(
    r"\b(?:none|neither|each|both|all|any|either|some)\s+of\s+(?:the\s+|them\s+|these\s+|those\s+|our\s+|their\s+)?\Z"
    r"|\b(?:no|any|every|another|an\s+additional|a\s+further)\s+\Z",
    re.IGNORECASE,
)
_PARTITIVE_AFTER = re.compile(r"\s+of\s+(?:the|them|those|these|our|their)\b(?P<whole>(?:\s+[\w-]+){0,2})", re.I)
_EVENT_WORD = re.compile(r"\b(?:dead|killed|injured|wounded|hurt|missing|victims|hospitali[sz]ed|arrested)\b", re.I)
_INCREMENT_AFTER = re.compile(r"\s+(?:more|additional|further|extra|other)\b", re.IGNORECASE)
_RATIO_AFTER = re.compile(rf"\s+in\s+(?:every\s+)?(?P<whole>\d{{1,3}}|{_W})\b(?![.,]?\d)", re.IGNORECASE)
_ONE_BEFORE = re.compile(r"\b(?:no|not|the|this|that|any|every|each|which|whichever|anyone|someone|such)\s+\Z", re.I)
_ONE_AFTER = re.compile(
    r"\s+(?:of|another|after\s+another|by\s+one|or\s+(?:another|the\s+other)|day|time|way|hand|side|thing|point|"
    r"who|which|that)\b",
    re.IGNORECASE,
)
_SHARE_OF = re.compile(
    r"\s+of\s+(?:the\s+|all\s+|its\s+|their\s+|registered\s+)?(?:[\d,.]+\s+)?(?P<noun>[a-z]+)", re.IGNORECASE
)
_ZERO = re.compile(
    r"\b(?:nobody|no\s+one|none)(?=\s+(?:was|were|has\s+been|have\s+been|had\s+been|is|are)\s+(?:\w+\s+)?"
    r"(?:killed|dead|wounded|injured|hurt|missing|detained|arrested|evacuated|displaced)\b)"
    r"|\bno(?=\s+(?:deaths|fatalities|injuries|arrests)\b)",
    re.IGNORECASE,
)
_EVENTS = frozenset({"dead", "injured", "missing", "displaced", "arrested"})

# Head nouns after a figure.
_STOPWORDS = frozenset((
    "a", "an", "the", "of", "in", "on", "at", "to", "from", "by", "with", "for", "and", "or", "but", "nor",
    "were", "was", "are", "is", "be", "been", "being", "have", "has", "had", "will", "would", "could",
    "should", "may", "might", "must", "can", "did", "do", "does", "said", "say", "says", "who", "whom",
    "whose", "which", "that", "this", "these", "those", "it", "they", "them", "their", "its", "his", "her",
    "he", "she", "we", "our", "us", "you", "your", "more", "than", "as", "so", "per", "each", "every",
    "other", "others", "after", "before", "during", "since", "until", "while", "when", "where", "into",
    "onto", "out", "up", "down", "over", "under", "about", "around", "across", "through", "against",
    "between", "among", "not", "no", "also", "still", "already", "now", "then", "there", "here", "all",
    "both", "some", "many", "most", "such", "only", "just", "very", "too", "again", "ago", "later",
    "earlier", "last", "next", "always", "perhaps", "sometimes", "besides", "thus", "yes", "less",
    "fewer", "least", "whereas", "according", "including",
))  # fmt: skip
# Collective and irregular plurals: "3,000 police", "12 children".
_PLURAL_WORDS = frozenset((
    "people", "children", "police", "cattle", "staff", "personnel", "crew", "livestock", "militia", "data",
    "media", "clergy",
))  # fmt: skip
_IRREGULAR_PLURALS = {
    "person": "people", "child": "children", "man": "men", "woman": "women", "life": "lives", "wife": "wives",
    "knife": "knives", "thief": "thieves", "leaf": "leaves", "mouse": "mice", "goose": "geese", "tooth": "teeth",
}  # fmt: skip
# Wholes a share is taken of that have no plural ("51% of the population").
_MASS_NOUNS = frozenset((
    "population", "electorate", "public", "workforce", "turnout", "budget", "economy", "territory", "land", "area",
))  # fmt: skip

Kind = Literal["equal", "compatible", "different", "incomparable"]


@dataclass(slots=True)
class _Number:
    """A number read at one position: its value before and after a scale word, and where it ends."""

    mantissa: float
    scale: float
    end: int
    unit: str | None = None  # a unit named inside the number itself ("a quarter of a mile")
    low: float | None = None  # vague magnitudes are intervals ("hundreds")
    high: float | None = None
    one: bool = False  # the word "one" alone, which is often a pronoun

    @property
    def value(self) -> float:
        return self.mantissa * self.scale


def parse_quantities(text: str) -> list[Measure]:
    """Return the figures ``text`` states, each normalised to a :class:`Measure`.

    The steps, for each place a number starts:

    1. Skip it if it lies in a date, a time, a year range or a phone number.
    2. Read the number, its scale and the unit after it; skip ordinals, decades, clock times, ages,
       dates, years, numbered things, ratios, scores, increments and parts of another count.
    3. Read a range ("10-15", "between 10 and 15") and the hedge before or after it.
    4. Read what it counts (see the module docstring) and build the interval.

    Args:
        text: A sentence or a whole article.

    Returns:
        The measures in text order; zero counts ("nobody was killed") among them.
    """
    masked = [m.span() for mask in _MASKS for m in mask.finditer(text)]
    found: list[Measure] = []
    pos = 0
    while match := _CANDIDATE.search(text, pos):
        span = next(((s, e) for s, e in masked if s <= match.start() < e), None)
        if span:
            pos = span[1]
            continue
        measure, pos = _figure(text, match)
        pos = max(pos, match.end())
        if measure:
            found.append(measure)
    for zero in _ZERO.finditer(text):
        noun = counted(text, zero.start(), zero.end(), look_before=False)
        if noun in _EVENTS:
            found.append(
                Measure(
                    low=0.0,
                    high=0.0,
                    approximate=False,
                    unit="",
                    noun=noun,
                    start=zero.start(),
                    end=zero.end(),
                    text=zero.group(),
                )
            )
    found.sort(key=lambda m: m.start)
    return found


def compare_measures(a: Measure, b: Measure, *, rel_tol: float = 0.005) -> Kind:
    """Judge whether two measures can state the same figure.

    Args:
        a: One measure.
        b: The other.
        rel_tol: Relative difference two exact values may have and still be equal (rounding:
            "17.85 million" and "17,850,092").

    Returns:
        "incomparable" when the units or the counted nouns differ (synonyms of :data:`NOUN_SYNONYMS`
        are one noun); "equal" when both are exact and within ``rel_tol``; "compatible" when the
        intervals overlap, an exact figure written with a scale word counting as the interval it was
        rounded from ("5.2 million" covers 5.15 to 5.25 million); "different" otherwise.
    """
    if a.unit != b.unit or _same_noun(a.noun) != _same_noun(b.noun):
        return "incomparable"
    if a.exact and b.exact and math.isclose(a.low, b.low, rel_tol=rel_tol, abs_tol=1e-9):
        return "equal"
    ra, rb = _rounding(a), _rounding(b)
    if a.low - ra <= b.high + rb and b.low - rb <= a.high + ra:
        return "compatible"
    return "different"


def _same_noun(noun: str) -> str:
    noun = noun.lower().strip()
    return NOUN_SYNONYMS.get(noun, noun)


_ROUNDED = re.compile(r"(\d+)(?:[.,](\d+))?\s*(?:thousand|million|billion|trillion|bn|mn|mln|tn|k)\b", re.I)
_ROUNDED_MONEY = re.compile(r"(\d+)(?:[.,](\d+))?\s?[mb]\b", re.I)
_ROUNDED_WORDS = re.compile(rf"\b(?:{_W}|an?)[\s-]+(?P<scale>thousand|million|billion|trillion)\b", re.I)
_ROUNDING_CAP = 0.1
_ROUNDED_FRACTION = re.compile(r"\b(?:half|quarters?|thirds?)\b", re.I)


def _rounding(measure: Measure) -> float:
    """How far an exact figure may be from the value it was rounded from.

    "5.2 million" is 5.2 +- 0.05 million (half its last digit), "five million" 5 +- 0.5 million;
    a fraction of a unit ("a quarter of a mile", "half a million") is a round figure too. Never more
    than 10% (an "about"), so "a million" does not reach half a million. Plain digits ("20,000") are
    taken as written.
    """
    if not measure.exact:
        return 0.0
    cap = _ROUNDING_CAP * abs(measure.low)
    money = measure.unit.isupper()
    if match := _ROUNDED.search(measure.text) or (_ROUNDED_MONEY.search(measure.text) if money else None):
        mantissa = float(match.group(1) + "." + (match.group(2) or "0"))
        half_step = 0.5 * 10.0 ** -len(match.group(2) or "")
        return min(cap, abs(measure.low) * half_step / mantissa) if mantissa else 0.0
    if _ROUNDED_FRACTION.search(measure.text):
        return cap
    if match := _ROUNDED_WORDS.search(measure.text):
        return min(cap, 0.5 * _SCALES[match.group("scale").lower()])
    return 0.0


@dataclass(slots=True)
class _Span:
    """A figure being read: its interval (before the unit factor), unit and extent."""

    low: float
    high: float
    unit: str
    factor: float
    has_unit: bool
    end: int
    ranged: bool = False


def _figure(text: str, match: re.Match[str]) -> tuple[Measure | None, int]:
    """The measure of the figure whose number starts at ``match``, and where to look for the next one."""
    currency_match = _CURRENCY_BEFORE.search(text, max(0, match.start() - 4), match.start())
    currency = None
    if currency_match:
        symbol = currency_match.group("sym")
        currency = _CURRENCY_SYMBOLS[symbol.lower()] if symbol else currency_match.group("code")
    number = _read_number(text, match, money=currency is not None)
    if number is None:
        return None, match.end()
    start = currency_match.start() if currency_match else match.start()
    before = text[max(0, start - 60) : start]
    if _not_a_count_around(text, match, number, before):
        return None, number.end
    if ratio := _ratio(text, number):
        return None, ratio

    low, high = (number.low, number.high) if number.low is not None else (number.value, number.value)
    assert high is not None
    if currency or number.unit:
        unit, factor = (currency, 1.0) if currency else _UNITS[number.unit or ""]
        span = _Span(low=low, high=high, unit=unit, factor=factor, has_unit=True, end=number.end)
    else:
        unit, factor, end, found, skip = _unit_after(
            text, number.end, vague=number.low is not None, scaled=number.scale > 1
        )
        if skip:
            return None, end
        span = _Span(low=low, high=high, unit=unit, factor=factor, has_unit=found, end=end)
    between = _BETWEEN.search(before)
    if number.low is None and (skip_to := _read_range(text, match, number, span, before, money=currency)):
        return None, skip_to
    if not span.ranged:
        between = None
        if _HYPHEN_WORD.match(text, number.end) and not span.has_unit:
            return None, span.end  # "a three-star hotel", "one-third", "twenty-first": a modifier or an ordinal
        if not span.has_unit and number.scale == 1 and _is_year(text, match, span, before):
            return None, span.end

    # Hedges: before the figure ("more than"), or after it ("or so", "20,000+").
    hedge_start, kind = start, None
    if between:
        hedge_start = start - (len(before) - between.start())
    elif hedge := _HEDGE_BEFORE.search(before):
        kind = hedge.lastgroup
        hedge_start = start - (len(before) - hedge.start())
    if after := _HEDGE_AFTER.match(text, span.end):
        kind = kind or _HEDGES_AFTER.get((after.group("or") or "").lower(), "at_least")
        span.end = after.end()
    low, high = span.low * span.factor, span.high * span.factor
    if kind:
        low, high = _hedged(kind, low, high)

    noun = _noun(text, hedge_start, span.end, span.unit, span.low, number.low is not None)
    if _not_a_count_named(text, number, span, noun, hedged=kind is not None, before=before):
        return None, span.end
    measure = Measure(
        low=low,
        high=high,
        approximate=bool(kind) or number.low is not None,
        unit=span.unit,
        noun=noun,
        start=hedge_start,
        end=span.end,
        text=text[hedge_start : span.end],
    )
    return measure, span.end


_HEDGES_AFTER = {"so": "about", "more": "at_least", "fewer": "up_to", "less": "up_to"}


def _not_a_count_around(text: str, match: re.Match[str], number: _Number, before: str) -> bool:
    """A clock time, a date, an age, a part of a whole ("none of the two") or an increment ("five more")."""
    if _PARTITIVE_BEFORE.search(before) or _INCREMENT_AFTER.match(text, number.end):
        return True
    if number.low is not None:
        return False
    return bool(
        _TIME_AFTER.match(text, number.end)
        or (_TIME_BEFORE.search(before) and re.fullmatch(r"\d{1,2}\.[0-5]\d", match.group()))
        or (_DAY.fullmatch(match.group()) and (_DATE_AFTER.match(text, number.end) or _DATE_BEFORE.search(before)))
        or _AGE_AFTER.match(text, number.end)
        or _AGE_BEFORE.search(before)
        or (_after_a_name(before, _AGE_APPOSITION[0]) and _AGE_APPOSITION[1].match(text, number.end))
        or (_AGE_OF[0].search(before) and _AGE_OF[1].match(text, number.end))
    )


def _after_a_name(before: str, pattern: re.Pattern[str]) -> bool:
    """Whether ``pattern`` finds a capitalised word (any alphabet: "Çakıroğlu") right before a number."""
    found = pattern.search(before)
    return bool(found and found.group("name")[0].isupper())


def _ratio(text: str, number: _Number) -> int | None:
    """Where "one in three", "9 in 10" ends; None when the number does not start a ratio."""
    ratio = _RATIO_AFTER.match(text, number.end)
    if ratio is None or number.low is not None:
        return None
    whole = ratio.group("whole").lower()
    value = float(whole) if whole.isdigit() else _SMALL[whole]
    if value <= number.value or _UNIT_AFTER.match(text, ratio.end()):
        return None  # "20 in 10 days": a count, then a duration
    return ratio.end()


def _read_range(
    text: str, match: re.Match[str], number: _Number, span: _Span, before: str, *, money: str | None
) -> int | None:
    """Extend ``span`` to a range ("10-15", "10 to 15 km", "between 10 and 15", "$2-3 million").

    Returns:
        Where to resume when the "range" is no figure at all (a score, years); otherwise None.
    """
    between = _BETWEEN.search(before)
    separator = (_AND_SEP if between else _RANGE_SEP).match(text, span.end)
    if not separator or (separator.group().strip() == "to" and _FROM.search(before)):
        return None  # "rose from 10 to 15": two figures
    second_start = separator.end()
    if symbol := _SYMBOL.match(text, second_start):  # "$2-$3 million", "€2 to €3"
        second_start = symbol.end()
    second_match = _SECOND.match(text, second_start)
    second = _read_number(text, second_match, money=money is not None) if second_match else None
    if second is None or second_match is None or second.low is not None:
        return None
    unit, factor, end, has_unit, skip = _unit_after(text, second.end, vague=False)
    if skip:
        return end
    if _year_digits(match) and _year_digits(second_match):
        return end  # "between 2019 and 2021": years
    first = span.low
    if second.scale > 1 and number.scale == 1 and first * second.scale <= second.value:
        first *= second.scale  # "2 to 3 million" is two million to three million
    hyphen = separator.group().strip() in "-–—"
    if first >= second.value and hyphen and not between:
        return end  # "a 3-0 win", "2019-20": a score or a season, not a range
    units_agree = not (span.has_unit and has_unit and (span.unit, span.factor) != (unit, factor))
    if first < second.value and units_agree and not (hyphen and match.group("words")):
        if has_unit and not money:
            span.unit, span.factor, span.has_unit = unit, factor, True
        span.low, span.high, span.end, span.ranged = first, second.value, end, True
    return None


def _is_year(text: str, match: re.Match[str], span: _Span, before: str) -> bool:
    """ "in 2021", "the 2024 election": a bare year-like number counts only with a plural noun after it."""
    if not _year_digits(match):
        return False
    value = span.low
    year_before = bool(_YEAR_BEFORE.search(before))
    if not (1900 <= value <= 2100 or (1000 <= value <= 2100 and year_before)):
        return False
    return year_before or not _plural_head(text, span.end)


def _not_a_count_named(text: str, number: _Number, span: _Span, noun: str, *, hedged: bool, before: str) -> bool:
    """A number that is a name ("Flight 370"), a pronoun ("the one who") or part of another count."""
    bare = not span.has_unit and not hedged
    if bare and not span.ranged and _ID_BEFORE.search(before):
        return True
    after_a_name = number.low is None and _after_a_name(before, _CAPITALISED_BEFORE)
    if bare and noun == "" and (number.one or after_a_name):
        return True  # "Windows 11", "a Boeing 737-800"
    if number.one and (_ONE_BEFORE.search(before) or _ONE_AFTER.match(text, number.end)):
        return True
    partitive = _PARTITIVE_AFTER.match(text, number.end)
    # "one of the", "two of the injured died": part of another count
    return bool(partitive and (number.one or _EVENT_WORD.search(partitive.group("whole"))))


def _year_digits(match: re.Match[str] | None) -> bool:
    """Whether a number is written as a year may be: four bare digits."""
    return bool(match and match.group("digits") and re.fullmatch(r"\d{4}", match.group("digits")))


def _read_number(text: str, match: re.Match[str], *, money: bool) -> _Number | None:
    """Read the number ``match`` starts: its value, scale and end; None when it is not a cardinal."""
    groups = match.groupdict()
    if groups["vague"]:
        vague = re.sub(r"\s+", " ", groups["vague"].lower())
        low, high = VAGUE[vague]
        return _Number(mantissa=low, scale=1.0, end=match.end(), low=low, high=high)
    if groups["few"]:
        few_low, few_high = _FEW[re.sub(r"\s+", " ", groups["few"].lower())]
        scale = _SCALES[groups["few_scale"].lower()]
        return _Number(
            mantissa=few_low, scale=scale, end=match.end(), low=few_low * scale, high=(few_high + 1) * scale - 1
        )
    if groups["frac"]:
        fraction = _FRACTIONS[re.sub(r"\s+", " ", groups["frac"].lower())]
        what = groups["frac_of"].lower()
        if what in _SCALES:
            return _scaled(text, _Number(mantissa=fraction * _SCALES[what], scale=1.0, end=match.end()))
        return _Number(mantissa=fraction, scale=1.0, end=match.end(), unit=_unit_key(what))
    if groups["a"]:
        what = groups["a_of"].lower()
        if what in _SCALES:
            return _scaled(text, _Number(mantissa=_SCALES[what], scale=1.0, end=match.end()))
        return _Number(mantissa=1.0, scale=1.0, end=match.end(), unit=_unit_key(what))
    if groups["words"]:
        return _read_words(text, match)
    raw = groups["digits"]
    end = match.end()
    if re.match(r"0\d", raw):
        return None  # "007", the "000" of a grouping the reader did not take
    scale_match = _SCALE_AFTER.match(text, end)
    percent = bool(re.match(r"\s*(?:%|percent\b|per\s+cent\b|pct\b)", text[end : end + 12], re.I))
    value = _digits_value(raw, decimal_dot=bool(scale_match) or percent)
    if value is None:
        return None
    attached = _ATTACHED.match(text, end)
    if attached and not scale_match:
        suffix = attached.group()
        if money and suffix.lower() in ("m", "b"):
            return _Number(mantissa=value, scale=1e6 if suffix.lower() == "m" else 1e9, end=attached.end())
        if suffix.lower() == "k" or suffix in ("K",):
            return _Number(mantissa=value, scale=1e3, end=attached.end())
        # "20km", "48h", "51pct" are units the unit reader takes; "3rd", "1990s", "4G", "10am" are no count.
        if suffix.lower() not in _UNITS or suffix in ("G", "T", "B", "M"):
            return None
    if scale_match:
        word = (scale_match.group("word") or scale_match.group("abbr")).lower()
        return _Number(mantissa=value, scale=_SCALES[word], end=scale_match.end())
    if money and (money_scale := _MONEY_SCALE.match(text, end)):
        scale = 1e6 if money_scale.group("abbr").lower() == "m" else 1e9
        return _Number(mantissa=value, scale=scale, end=money_scale.end())
    return _Number(mantissa=value, scale=1.0, end=end)


def _scaled(text: str, number: _Number) -> _Number:
    """A further scale word after a number: "a hundred thousand"."""
    if scale_match := _SCALE_AFTER.match(text, number.end):
        word = (scale_match.group("word") or scale_match.group("abbr")).lower()
        return _Number(mantissa=number.value, scale=_SCALES[word], end=scale_match.end())
    return number


def _read_words(text: str, match: re.Match[str]) -> _Number | None:
    """The value of number words ("one hundred and twenty", "twenty-five", "two dozen")."""
    total, current = 0.0, 0.0
    previous = ""
    end = match.start()
    tokens = list(re.finditer(r"[a-z]+", match.group("words"), re.IGNORECASE))
    for token in tokens:
        word = token.group().lower()
        if word == "and":
            if previous not in ("hundred", "thousand", "million", "billion"):
                break
            previous = word
            continue
        if word in _SMALL:
            small = _SMALL[word]
            # "twenty five" is one number, "five six" or "ten twenty" are not.
            if previous in _SMALL and not (_SMALL[previous] >= 20 and _SMALL[previous] % 10 == 0 and small < 10):
                break
            current += small
        elif word in ("hundred", "dozen"):
            current = max(current, 1.0) * _SCALES[word]
        else:
            total += max(current, 1.0) * _SCALES[word]
            current = 0.0
        previous = word
        end = match.start() + token.end()
    if end == match.start():
        return None
    value = total + current
    one = text[match.start() : end].lower() == "one"
    # "three million" keeps its scale apart, so "two to three million" can lend it to "two".
    scale = _SCALES[previous] if previous in ("thousand", "million", "billion") and not current else 1.0
    return _scaled(text, _Number(mantissa=value / scale, scale=scale, end=end, one=one))


def _digits_value(raw: str, *, decimal_dot: bool) -> float | None:
    """The value of digits with their separators, in English or European style; None when malformed."""
    raw = raw.replace("\u00a0", " ").replace("\u202f", " ")
    separators = re.findall(r"[.,\s]", raw)
    groups = re.split(r"[.,\s]", raw)
    if not separators:
        return float(raw)
    if " " in separators:  # "20 000": grouped with (narrow) no-break spaces
        if set(separators) != {" "} or any(len(g) != 3 for g in groups[1:]) or len(groups[0]) > 3:
            return None
        return float("".join(groups))
    if len(set(separators)) == 2:  # "1.234,5" or "1,234.5": the last separator is the decimal mark
        decimal = separators[-1]
        if decimal in separators[:-1] or any(len(g) != 3 for g in groups[1:-1]) or len(groups[0]) > 3:
            return None
        return float("".join(groups[:-1]) + "." + groups[-1])
    if len(separators) > 1:  # "5.150.092", "1,500,000"
        if any(len(g) != 3 for g in groups[1:]) or len(groups[0]) > 3:
            return None
        return float("".join(groups))
    whole, part = groups
    grouped = len(part) == 3 and whole != "0" and len(whole) <= 3 and not (separators[0] == "." and decimal_dot)
    return float(whole + part) if grouped else float(whole + "." + part)


def _unit_key(word: str) -> str:
    word = word.lower()
    return word if word in _UNITS else {"kilometer": "km", "meter": "m", "pound": "lb"}.get(word, word)


def _unit_after(text: str, end: int, *, vague: bool, scaled: bool = False) -> tuple[str, float, int, bool, bool]:
    """The unit after a number: (unit, factor, end, found, skip); ``skip`` for ages and compound modifiers.

    A vague or scaled number may take its unit after "of" ("millions of dollars", "9 millions of euros").
    """
    if hyphen := _HYPHEN_WORD.match(text, end):
        word = hyphen.group("word").lower()
        if hyphen.group("old") or word in ("odd",):
            return "", 1.0, hyphen.end(), False, True
        if word in _UNITS and word not in _CURRENCY_WORDS:
            unit, factor = _UNITS[word]
            return unit, factor, hyphen.end(), True, False
        return "", 1.0, end, False, False
    position = end
    if (vague or scaled) and (of := re.match(r"\s+of(?=\s)", text[end:])):
        position = end + of.end()
    found = _UNIT_AFTER.match(text, position)
    if not found:
        return "", 1.0, end, False, False
    key = re.sub(r"\s+", " ", found.group("unit").lower())
    unit, factor = _UNITS[key]
    if key in ("pound", "pounds") and found.group("of"):
        unit, factor = _POUNDS_WEIGHT  # "five pounds of cocaine"
    elif key in ("m", "t", "g", "h") and found.group("unit") != key:
        return "", 1.0, end, False, False  # "5 M", "3 T": not a unit abbreviation
    if vague and position == end and unit not in ("%", "pp"):
        return "", 1.0, end, False, False  # "hundreds" then a unit word without "of" is not its unit
    return unit, factor, found.end("unit"), True, False


def _hedged(kind: str, low: float, high: float) -> tuple[float, float]:
    """The interval a hedge makes of ``[low, high]`` (see the module docstring)."""
    if kind == "about":
        return low * 0.9, high * 1.1
    if kind == "nearly":
        return low * 0.9, high
    if kind == "just_over":
        return low, high * 1.1
    if kind in ("more_than", "at_least"):
        return low, math.inf
    return 0.0, high  # up_to, fewer_than


def _noun(text: str, start: int, end: int, unit: str, value: float, vague: bool) -> str:
    """What the figure at ``text[start:end]`` counts (see the module docstring)."""
    if unit in ("%", "pp"):
        # The whole a share is of: "51% of the votes", "91.4% of the tally sheets", "40% of the population".
        share = _SHARE_OF.match(text, end)
        if share is None:
            return ""
        words = _words_after(text, share.start("noun"))
        return _plural_head(text, share.start("noun")) or (_plural(words[0], singular=True) if words else "")
    if unit:
        return ""
    after = counted(text, start, end, look_before=False)
    if after in _EVENTS:
        return after
    position = end
    if vague and (of := re.match(r"\s+of(?=\s)", text[end:])):
        position = end + of.end()
    head = _plural_head(text, position) if value != 1 else _singular_head(text, position)
    head = NOUN_SYNONYMS.get(head, head)
    around = counted(text, start, end)
    # "Police detained 12 journalists", "killing 30 people": the verb before says what happened to them,
    # unless it was said of another number ("killed three people in 40 villages").
    people = head in ("", "people") or after == "people"
    if around in _EVENTS and (people or not _NUMBER_WORD.search(" ".join(_clause_tail(text, start)))):
        return around
    return head or _changed_subject(text, start)


def _changed_subject(text: str, start: int) -> str:
    """What a figure with no noun after it counts when a change leads to it: its subject's plural noun.

    "the number of ships waiting at anchor rose to 36", "the queue of trucks reached 350": the figure is a new
    value of the count its clause's subject names.
    """
    before = text[max(0, start - 100) : start]
    before = _CLAUSE_SPLIT.split(before[before.rfind(". ") + 1 :])[-1]
    change = _CHANGE_TO.search(before)
    if change is None or change.group(0).strip().lower() in ("to", "of"):
        return ""
    words = [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'’-]*", before[: change.start()]) if not w[0].isupper()]
    plural = [w for w in words if _looks_plural(w) and w not in _STOPWORDS]
    return NOUN_SYNONYMS.get(plural[-1], plural[-1]) if plural else ""


_NUMBER_WORD = re.compile(rf"\d|\b(?:{_W}|dozens?|hundreds?|thousands?|millions?)\b", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[,;:.!?]|\b(?:and|but)\b")


def _clause_tail(text: str, start: int) -> list[str]:
    """The last four words of the clause before ``start`` (where claims reads the verb of a count)."""
    sentence = text[max(0, start - 80) : start]
    return _CLAUSE_BREAK.split(sentence)[-1].split()[-4:]


def _words_after(text: str, position: int, limit: int = 4) -> list[str]:
    """Up to ``limit`` lowercased words after ``position``, stopping at punctuation and function words.

    Capitalised words are names or their adjectives ("Syrian refugees", "NovinarPlus Media"): they are
    read past but never returned.
    """
    words: list[str] = []
    for token in re.finditer(r"[A-Za-z][A-Za-z'’-]*|[^\sA-Za-z]", text[position : position + 80]):
        word = token.group()
        if not word[0].isalpha() or word.lower() in _STOPWORDS or len(words) == limit:
            break
        if not word[0].isupper():
            words.append(word.lower())
    return words


def _looks_plural(word: str) -> bool:
    return (
        word in _PLURAL_WORDS
        or word in _IRREGULAR_PLURALS.values()
        or word.endswith("men")
        or (len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "'s", "’s")))
    )


def _plural_head(text: str, position: int) -> str:
    """The head noun after a count: the last of the first run of plural words ("police officers")."""
    head = ""
    for word in _words_after(text, position):
        if _looks_plural(word):
            head = word
        elif head:
            break
    return head


def _singular_head(text: str, position: int) -> str:
    """The noun after "one", in the plural ("one truck" counts "trucks"); adjectives and adverbs skipped."""
    for word in _words_after(text, position, limit=2):
        if not word.endswith(("ed", "ing", "ly")):
            return _plural(word, singular=True)
    return ""


def _plural(word: str, *, singular: bool) -> str:
    """``word`` in the plural form a count takes; words that already look plural are kept."""
    word = NOUN_SYNONYMS.get(word, word)
    if not singular or _looks_plural(word) or word in _MASS_NOUNS or word in NOUN_SYNONYMS.values():
        return word
    if word in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[word]
    if word.endswith("man"):
        return word[:-3] + "men"
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"


# What a number counts, from the words after it (or, for "the toll rose to 31", before it).
_MEASURES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("missing", r"\b(missing|unaccounted for|disappeared|trapped)\b"),
        (
            "dead",
            r"\b(dead|died|deaths?|kill(?:ed|ing|s)?|bodies|fatalities|death toll|toll|lost (the|their) li(fe|ves)|"
            r"perished|drowned|victims)\b",
        ),
        ("injured", r"\b(injur\w*|wounded|hurt|hospitali[sz]ed|in (the )?hospital)\b"),
        ("displaced", r"\b(evacuat\w*|displaced|homeless|fled their homes)\b"),
        ("arrested", r"\b(arrest\w*|detain\w*|in custody)\b"),
        ("money", r"\b(dollars?|euros?|pounds|crowns|francs|yuan|rupees|\$|€|£)\b"),
        ("distance", r"\b(kilomet(er|re)s?|km|miles|met(er|re)s?)\b"),
        ("weight", r"\b(tonnes?|tons?|kilograms?|kg)\b"),
        ("duration", r"^\s*(hours?|days?|weeks?|months?|years?)\b"),
        (
            "people",
            r"\b(people|persons?|civilians?|residents?|inhabitants?|soldiers?|servicem[ae]n|guards?|officers?|"
            r"police(wo)?m[ae]n|fighters?|troops|workers?|miners?|passengers?|children|child|students?|patients?|"
            r"protesters?|migrants?|refugees?|families|households)\b",
        ),
    )
)


def counted(text: str, start: int, end: int, *, look_before: bool = True) -> str | None:
    """Return what the number at ``text[start:end]`` counts, from the words around it.

    Args:
        text: The sentence or article text.
        start: Offset where the number starts.
        end: Offset where the number ends.
        look_before: Also read the words before the number ("killing at least 30 people",
            "the death toll rose to 31"); without it only the words after it count.

    Returns:
        A measure name ("dead", "injured", "missing", "displaced", "arrested", "people", "money",
        "distance", "weight", "duration") or None when the words name none.
    """
    # The words after the number up to the end of its phrase: "30 people and injuring 200" counts people.
    after = _measure(_PHRASE_END.split(text[end : end + 30], maxsplit=1)[0])
    if after == "people":
        # "Two servicemen of the border service of X were killed": the clause's verb, further on.
        clause = _PHRASE_END.split(text[end : end + 100], maxsplit=1)[0]
        event = _PEOPLE_EVENT.search(clause)
        after = (_measure(event.group(0)) or after) if event else after
    if not look_before:
        return after
    sentence_start = max(text.rfind(". ", 0, start) + 1, 0)
    before_text = text[sentence_start:start]
    # "the death toll from the collapse ... rose to 31": the subject says what is counted.
    before = _measure(before_text) if _CHANGE_TO.search(before_text) else None
    # "killing at least 30 people", "injuring more than 200": the verb right before says it.
    before = before or _measure(" ".join(_CLAUSE_SPLIT.split(before_text)[-1].split()[-4:]))
    # "rose to 31 people": the toll before the number says what the people are.
    return before if before and after in (None, "people") else after


# What happened to the people counted: "Two servicemen ... were killed".
_EVENT_PARTICIPLES = r"(killed|wounded|injured|hurt|missing|detained|arrested|evacuated|displaced)"
_CLAUSE_SPLIT = re.compile(r"[,;]|\b(?:and|but)\b")


_PEOPLE_EVENT = re.compile(
    r"\b(were|was|are|is|have been|has been|had been|remain|remained)\s+(\w+\s+)?"
    + _EVENT_PARTICIPLES
    + r"\b|\b(died|perished|drowned)\b|\b(remain|remained|are|were|is|was)\s+(still\s+)?in\s+(the\s+)?hospital\b",
    re.IGNORECASE,
)
_PHRASE_END = re.compile(r"[,;.]|\b(?:and|but|while|whereas)\b|\d")
_CHANGE_TO = re.compile(
    r"\b((rose|risen|climbed|jumped|increased|grew|fell|dropped|revised( \w+)?)\s+(to|at)|reached|stands? at|"
    r"stood at|now at|to|of)\s*$",
    re.IGNORECASE,
)
_EVENTS = frozenset({"missing", "dead", "injured", "displaced", "arrested"})


def _measure(window: str) -> str | None:
    """The first measure named in ``window``; "people" yields to an event ("14 people were killed")."""
    hits = sorted((hit.start(), name) for name, pattern in _MEASURES if (hit := pattern.search(window)))
    if not hits:
        return None
    first = hits[0][1]
    if first == "people":
        return next((name for _, name in hits if name in _EVENTS), first)
    return first

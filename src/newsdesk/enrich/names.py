"""Name tokens and the spelling tests every other entity step builds on.

Names are compared as folded tokens without titles (:func:`name_tokens`);
two tokens are spelling variants when :func:`tokens_match` says so, which
never happens across :func:`match_key` blocks, so callers look candidates up
by key instead of comparing every pair.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from newsdesk.enrich.resolution import PARTICLES

_LEADING = re.compile(
    r"^(the|a|an|mr|mrs|ms|dr|prof|professor|sir|president|minister|spokesman|spokeswoman|spokesperson|general|"
    r"gen|colonel|col|commander|leader|chief|governor|senator|judge|mayor|superintendent|inspector|detective|"
    r"sergeant|sgt|captain|capt|major|lieutenant|lt|ambassador|secretary|deputy|vice|former|ex|late|lawyer|"
    r"attorney|prosecutor|king|queen|prince|princess|sheikh|imam|mullah|father|rev|reverend|coach|officer)\.?\s+",
    re.IGNORECASE,
)
_FUNCTION_WORDS = frozenset({"of", "the", "and", "for", "de", "du", "la", "le", "al", "el", "it", "a", "an"})
_PLACE_WORDS = frozenset(
    [
        "province",
        "valley",
        "city",
        "region",
        "district",
        "county",
        "state",
        "town",
        "village",
        "mountains",
        "river",
    ]
)
_QUOTES = "\"'“”‘’«»„"
#: The comma news sets before a generational suffix ("Donald Trump, Jr."): the name is the one without it.
_SUFFIX_COMMA = re.compile(r",\s*(?=(?:jr|sr|ii|iii|iv)\.?$)", re.IGNORECASE)
_VOWELS = frozenset("aeiou")
_GLIDES = frozenset("iyj")
_SOUND_ALIKE = str.maketrans({"c": "k", "q": "k", "z": "s"})
_ONE_SOUND_AS = {"ts": "c", "tz": "c"}
_ONE_SOUND = re.compile(r"(?<=.)t[sz](?=.)")


# Letters Unicode gives no decomposition to, written in Latin transliteration as their base letters (Łopatecki ~
# Lopatecki, Ødegaard ~ Odegaard, Đoković ~ Djokovic's D, the Turkish dotless ı).
_UNDECOMPOSED = str.maketrans(
    {"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ı": "i", "ß": "ss", "æ": "ae", "Æ": "ae"}
    | {"œ": "oe", "Œ": "oe", "þ": "th", "Þ": "th", "ð": "d", "Ð": "d", "ħ": "h", "Ħ": "h"}
)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def name_tokens(text: str) -> list[str]:
    """Return the comparable tokens of a name: folded, no titles, no possessive."""
    return list(_name_tokens(text))


@lru_cache(maxsize=1 << 16)
def _name_tokens(text: str) -> tuple[str, ...]:
    text = text.strip(_QUOTES + " ").replace("’s", "").replace("'s", "")
    text = _SUFFIX_COMMA.sub(" ", text)
    previous = None
    while previous != text:
        previous, text = text, _LEADING.sub("", text)
    return tuple(t for t in re.split(r"[\s\-]+", _fold(text)) if t and t.strip(_QUOTES))


@lru_cache(maxsize=1 << 16)
def skeleton(token: str) -> str:
    """A transliteration key: first letter, then consonants, doubles collapsed.

    Letters that romanise one sound two ways are written one way first: "ts" / "tz" as "c"
    (Lomnitsa ~ Lomnica, the Slavic ц) inside a word; at its end "ts" is mostly an English plural
    (Patriots, Islamists). Not "x" as "ks": Next / Nest, Rolex / Rose.
    """
    if not token:
        return ""
    token = _ONE_SOUND.sub(lambda m: _ONE_SOUND_AS[m.group(0)], token)
    rest = re.sub(r"[aeiouyw'’]", "", token[1:])
    collapsed = re.sub(r"(.)\1+", r"\1", token[0] + rest)
    return collapsed


@lru_cache(maxsize=1 << 16)
def soft_skeleton(token: str) -> str:
    """:func:`skeleton` without an ``h`` after a consonant, which marks aspiration (Gotabhaya ~ Gotabaya)."""
    return skeleton(re.sub(r"(?<=[b-df-gj-np-tv-z])h", "", token)) if token else ""


#: The spelling similarity (normalised Levenshtein) from which one word is a variant of another as a name on its own
#: (Masoud ~ Masood 0.83, Panjshir ~ Panhir 0.75): one word's consonant outline is weak evidence (Boston ~ Beaton
#: 0.67, Moran ~ Mariano 0.57 are other names).
ONE_WORD_SIMILARITY = 0.75
#: Words shorter than this have no spelling variant as a name on their own: one letter apart, four-letter words are
#: other names or words (Jane / June / Jean, Seat / Sept).
ONE_WORD_MIN_LENGTH = 5


def one_word_variant(a: str, b: str) -> bool:
    """Whether two words, each a whole name, spell one name: variants (:func:`tokens_match`) spelled close."""
    if a == b:
        return True
    return (
        min(len(a), len(b)) >= ONE_WORD_MIN_LENGTH
        and tokens_match(a, b)
        and Levenshtein.normalized_similarity(a, b) >= ONE_WORD_SIMILARITY
    )


@lru_cache(maxsize=1 << 18)
def tokens_match(a: str, b: str) -> bool:
    """Whether two name tokens are spelling variants (Masoud ~ Massoud ~ Masood)."""
    if a == b or (a in PARTICLES and b in PARTICLES):
        return True
    if "." in a or "." in b:  # abbreviations ("u.n.", "u.s.") match only themselves
        return False
    if min(len(a), len(b)) < 4:
        return False
    if a[0] != b[0]:
        # A first vowel is transliterated many ways (Osama / Usama, Ibrahim / Ebrahim), and so is an initial
        # i-glide before a vowel (Iordanov / Yordanov / Jordanov, the Cyrillic Й, Я, Ю): longer names only.
        glide = a[0] in _GLIDES and b[0] in _GLIDES and a[1:2] in _VOWELS and b[1:2] in _VOWELS
        if not ((glide or (a[0] in _VOWELS and b[0] in _VOWELS)) and min(len(a), len(b)) >= 5):
            return False
        return skeleton(a)[1:] == skeleton(b)[1:] and Levenshtein.normalized_similarity(a, b) >= 0.75
    ska, skb = skeleton(a), skeleton(b)
    similarity = Levenshtein.normalized_similarity(a, b)
    if ska == skb:
        return similarity >= 0.5
    if soft_skeleton(a) == soft_skeleton(b):
        # Equal only once an aspirating h is left out: Thomas ~ Tomas, but not Times ~ Thomas.
        return similarity >= 0.75
    # Transliteration and garbling drop or double consonants (Panjshir / Panhir) but keep the
    # last one; a different final consonant (Iran / Iraq, Austria / Australia) is another name.
    if similarity < 0.6 or ska[-1] != skb[-1]:
        return False
    short, long_ = sorted((ska, skb), key=len)
    # One consonant for another is another name (Carson / Cardin, Watson / Wilson) unless the two
    # sound alike (Markus / Marcus, Elisabeth / Elizabeth).
    return _is_subsequence(short, long_) or _sound_alike(ska) == _sound_alike(skb)


def _sound_alike(skeleton_: str) -> str:
    """A skeleton with consonants that spell one sound written one way (c, k, q; s, z)."""
    return re.sub(r"(.)\1+", r"\1", skeleton_.translate(_SOUND_ALIKE))


def _close_variants(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether the words of two names other than particles have one skeleton each (not only a shared outline)."""
    return all(
        x == y or soft_skeleton(x) == soft_skeleton(y) or skeleton(x)[1:] == skeleton(y)[1:]
        for x, y in zip(a, b, strict=True)
        if x not in PARTICLES
    )


@lru_cache(maxsize=1 << 18)
def match_key(token: str) -> tuple[str, str]:
    """What two spelling variants always share: the first letter and the last letter of the soft skeleton.

    Variants with another first vowel (Osama ~ Usama) are found by their joined keys instead
    (:func:`~newsdesk.enrich.resolution.joined_key`), which keeps these blocks small.

    :func:`tokens_match` never matches tokens with different keys, so candidates
    are looked up by key instead of compared one by one.
    """
    if token in PARTICLES:
        return "particle", ""
    return token[0], soft_skeleton(token)[-1]


def _is_subsequence(short: str, long_: str) -> bool:
    letters = iter(long_)
    return all(c in letters for c in short)


@lru_cache(maxsize=1 << 16)
def _content_set(tokens: tuple[str, ...]) -> frozenset[str]:
    return frozenset(t for t in tokens if t not in ("of", "the", "and", "for", "de", "la", "le"))


_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z][a-z'’-]+")


def lower_case_words(texts: Iterable[str]) -> frozenset[str]:
    """Words the texts write in lower case: common words, not names ("their", "state", "hours").

    A capitalised word the texts also write in lower case opens a sentence or a title; it is no
    spelling variant of a name, however close its letters.
    """
    return frozenset(w for text in texts for w in _LOWER_WORD.findall(text))


def _strip_place_words(tokens: list[str]) -> list[str]:
    kept = [t for t in tokens if t not in _PLACE_WORDS]
    return kept or tokens

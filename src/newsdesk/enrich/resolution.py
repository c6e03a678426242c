"""Cross-document entity resolution: blocking keys and the scored matcher.

:func:`~newsdesk.enrich.entities.canonicalize` merges name groups in blocks:
only names that share a key are ever compared, so the work grows with the
number of names, not with its square. The keys here survive the ways news
writes one name differently:

- transliteration: accents folded, Arabic articles (al-, el-) as one particle,
  a consonant skeleton where an aspirating ``h`` (bh, th, kh) and the first
  vowel do not count (:func:`joined_key`);
- acronyms: "US Geological Survey" -> USGS, "Voice of America" -> VOA / VA
  (:func:`acronym_keys`), and dotted forms ("U.N.") read as letters
  (:func:`as_acronym`);
- middle initials ("John Q. Smith" -> "John Smith", :func:`without_middle_initials`).

Within a block, :func:`match_score` decides: a transparent weighted sum of
string similarity, agreement of entity types, sharing an article and sharing
the other entities named around the two names (:class:`PairFeatures`). Its
weights and threshold were set by hand and checked on development data only
(the sample corpus, ``tests/data/entities_real/polnear_dev.json``, ``polnear_dev3.json``
and, since it became development data, ``polnear_heldout.json``); ``polnear_heldout2.json``
is held out.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Set
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from rapidfuzz.distance import Levenshtein

#: Transliterations of the Arabic article: "al-Hawa" and "el-Hawa" are one name.
PARTICLES = frozenset({"al", "el", "ul", "il"})
#: Suffixes that make another person of the same name (a father and his son).
GENERATIONAL = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
#: Words an acronym may or may not keep a letter for ("Voice of America": VOA or VA).
ACRONYM_OPTIONAL = frozenset({"of", "the", "and", "for", "on", "in", "de", "du", "des", "la", "le", "&"})

Relation = Literal[
    "transliteration",
    "middle_initial",
    "nickname",
    "generational",
    "middle_name",
    "longer_name",
    "short_form",
    "acronym",
]

#: How much a string relation says on its own, before type and context (see :func:`match_score`).
RELATION_PRIOR: dict[Relation, float] = {
    "transliteration": 0.35,
    "middle_initial": 0.55,
    "nickname": 0.4,
    "generational": 0.3,
    "middle_name": 0.2,
    "longer_name": 0.2,
    "short_form": 0.1,
    "acronym": 0.25,
}
WEIGHT_STRING = 0.3
WEIGHT_KIND = 0.2
WEIGHT_ARTICLE = 0.3
WEIGHT_CONTEXT = 0.5
WEIGHT_WORDS = 0.3
#: A pair merges at this score or above.
MERGE_THRESHOLD = 0.75


_INITIALS = re.compile(r"(?:[a-z]\.){2,3}")


def is_initial(token: str) -> bool:
    """Whether a name token is an initial ("j", "j.") or run-together initials ("h.w.")."""
    return len(token.rstrip(".")) == 1 or bool(_INITIALS.fullmatch(token))


def without_middle_initials(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """A person's name without its middle initials ("john", "d.", "podesta" -> "john", "podesta")."""
    if len(tokens) < 3:
        return tokens
    middle = tuple(t for t in tokens[1:-1] if not is_initial(t))
    return (tokens[0], *middle, tokens[-1])


def content_tokens(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """Name tokens without Arabic article particles (kept when nothing else is left)."""
    kept = tuple(t for t in tokens if t not in PARTICLES)
    return kept or tokens


@lru_cache(maxsize=1 << 16)
def phonetic_skeleton(text: str) -> str:
    """Consonants of a folded word, doubles collapsed; a leading vowel is "a", an aspirating h is dropped.

    Osama / Usama, Gotabaya / Gotabhaya and Kahramanmaras / Kahraman Maras
    (joined first) share their skeleton.
    """
    letters = re.sub(r"[^a-z]", "", text)
    if not letters:
        return ""
    head = "a" if letters[0] in "aeiou" else letters[0]
    rest = re.sub(r"(?<=[b-df-gj-np-tv-z])h", "", letters)[1:]
    rest = re.sub(r"[aeiouyw]", "", rest)
    return re.sub(r"(.)\1+", r"\1", head + rest)


def joined_key(tokens: tuple[str, ...]) -> str:
    """A block key that survives splitting or joining words and the Arabic article: the joined skeleton."""
    return phonetic_skeleton("".join(content_tokens(tokens)))


def joined_similarity(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """Normalised Levenshtein similarity of two names written as one word, particles left out."""
    return Levenshtein.normalized_similarity("".join(content_tokens(a)), "".join(content_tokens(b)))


# Letters of any script ("ÖVP", "KKİ", "СБУ"); that they are capitals is checked apart (re has no class for them).
_ACRONYM_FORM = re.compile(r"(?:[^\W\d_]\.){2,6}|[^\W\d_](?:[^\W\d_]|&){1,5}")


@lru_cache(maxsize=1 << 16)
def as_acronym(surface: str) -> str | None:
    """The letters of a surface form that is an acronym ("U.N." -> "UN", "USGS"), else None.

    Capitals only (of any script: "ÖVP", "KKİ"), two to six letters; "WALLACE" (seven capitals, a name in a
    transcript) is a word, not an acronym. A news agency is an acronym too
    ("AP" of "Associated Press"): only a stated alias in parentheses must not
    be one (:func:`~newsdesk.enrich.entities.stated_aliases` checks that).
    """
    text = surface.strip().removeprefix("the ").removeprefix("The ")
    if not _ACRONYM_FORM.fullmatch(text):
        return None
    letters = text.replace(".", "").replace("&", "")
    if not (2 <= len(letters) <= 6 and letters.isupper()):
        return None
    return letters


@lru_cache(maxsize=1 << 16)
def acronym_keys(surface: str) -> frozenset[str]:
    """Acronyms a multi-word name may be shortened to, in capitals.

    Each word gives its first letter; a word in capitals of up to four letters
    ("US", "U.S.") gives all of them; function words may give theirs or not
    ("Voice of America": VOA and VA). A name of one word has none.
    """
    words = [w for w in re.split(r"[\s\-/]+", surface.strip()) if w]
    if words and words[0].lower() == "the":
        words = words[1:]
    if len(words) < 2:
        return frozenset()
    keep: list[str] = []
    drop: list[str] = []
    for word in words:
        bare = word.replace(".", "").replace("’s", "").replace("'s", "")
        if not bare or not bare[0].isalpha():
            continue
        if bare.lower() in ACRONYM_OPTIONAL:
            keep.append(bare[0].upper())
            continue
        part = bare if bare.isupper() and len(bare) <= 4 else bare[0].upper()
        keep.append(part)
        drop.append(part)
    keys = {"".join(keep), "".join(drop)}
    return frozenset(k for k in keys if 2 <= len(k) <= 6)


@dataclass(slots=True, frozen=True)
class PairFeatures:
    """What the matcher knows about two name groups in one block."""

    relation: Relation
    """The string relation that put them in one block."""
    string: float
    """String similarity in [0, 1] (1 for an exact acronym or token prefix)."""
    kind: float
    """1 when the tagger's majority types agree, 0 for an organisation against a place or an "other" name
    (taggers confuse them for governments, blocs, teams, programmes and laws), -1 otherwise
    (see :func:`kind_agreement`)."""
    same_article: bool
    """Whether some article names both."""
    context: float
    """Overlap coefficient of the other entities named in their articles, in [0, 1]."""
    words: float = 0.0
    """Cosine of the sets of words around their mentions (:func:`context_words`), in [0, 1]."""


def match_score(features: PairFeatures) -> float:
    """The matcher's score of a pair; it merges at :data:`MERGE_THRESHOLD` or above.

    A weighted sum: the relation's prior, string similarity, type agreement,
    a shared article, and shared context (the other entities named around
    the two names, and the words around their mentions). Different types cost as much as agreeing ones earn; an
    organisation against a place neither costs nor earns.
    """
    return (
        RELATION_PRIOR[features.relation]
        + WEIGHT_STRING * features.string
        + WEIGHT_KIND * features.kind
        + WEIGHT_ARTICLE * features.same_article
        + WEIGHT_CONTEXT * features.context
        + WEIGHT_WORDS * features.words
    )


_WORD = re.compile(r"[a-z]{4,}")
#: Frequent words of news text that say nothing about who or what a sentence is about.
_STOPWORDS = frozenset(
    [
        "that",
        "this",
        "with",
        "from",
        "have",
        "has",
        "had",
        "were",
        "will",
        "would",
        "said",
        "says",
        "told",
        "also",
        "there",
        "their",
        "they",
        "them",
        "then",
        "than",
        "when",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "where",
        "while",
        "into",
        "over",
        "after",
        "before",
        "about",
        "more",
        "most",
        "some",
        "such",
        "other",
        "only",
        "been",
        "being",
        "just",
        "like",
        "could",
        "should",
        "very",
        "year",
        "years",
        "last",
        "first",
        "week",
        "weeks",
        "month",
        "months",
        "time",
        "times",
        "news",
        "reported",
        "according",
        "told",
        "says",
        "saying",
        "added",
        "does",
        "did",
        "done",
        "make",
        "made",
        "many",
        "much",
        "these",
        "those",
        "your",
        "yours",
        "ours",
        "hers",
        "his",
        "her",
        "him",
        "its",
    ]
)


def context_words(text: str, start: int, end: int, width: int = 150) -> frozenset[str]:
    """Content words (four letters or more, no frequent function words) around one mention."""
    window = text[max(0, start - width) : start] + " " + text[end : end + width]
    return frozenset(w for w in _WORD.findall(window.lower()) if w not in _STOPWORDS)


def cosine(a: Set[Hashable], b: Set[Hashable]) -> float:
    """Cosine of two sets (0 when either is empty)."""
    if not a or not b:
        return 0.0
    return len(a & b) / (len(a) * len(b)) ** 0.5


_CONFUSED_KINDS = ({"organization", "place"}, {"organization", "other"})


def kind_agreement(a: str, b: str) -> float:
    """The ``kind`` feature of :class:`PairFeatures` for two majority types."""
    if a == b:
        return 1.0
    # Taggers confuse organisations with places (governments, blocs, teams) and with "other" names
    # (a programme, a law or a product: "the Renewable Fuel Standard" / "the RFS"): neither costs.
    return 0.0 if {a, b} in _CONFUSED_KINDS else -1.0


def overlap(a: Set[Hashable], b: Set[Hashable]) -> float:
    """Overlap coefficient of two sets (0 when either is empty)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


__all__ = [
    "GENERATIONAL",
    "MERGE_THRESHOLD",
    "PARTICLES",
    "PairFeatures",
    "acronym_keys",
    "as_acronym",
    "content_tokens",
    "context_words",
    "cosine",
    "is_initial",
    "joined_key",
    "joined_similarity",
    "kind_agreement",
    "match_score",
    "overlap",
    "phonetic_skeleton",
    "without_middle_initials",
]

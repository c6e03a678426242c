"""Entity types by evidence: what the text says around a name, added to the tagger's votes.

The small spaCy model calls a country, a club or a company a person when it
has never seen the name ("Police in Valmora said", "Atletico Brava have
signed"). The words around each mention and the shape of the name say more:

- a place: "in X", "X's government", "neighbouring X", "the capital of X",
  or an adjective made from the name elsewhere in the texts (Valmora -> Valmoran);
- an organisation: a last word that heads company and institution names
  ("... Logistics", "... Group"), "X, a freight firm", "X, founded in", "X have signed";
- a person: "Mr X", "X, 34,", "X, who", a role before the name ("the lawyer X", "deputy X"),
  "named X", "X himself", a pronoun after X's verb of saying ("X said he").

:func:`mention_cues` reads one mention; :func:`name_cues` one name;
:func:`~newsdesk.enrich.entities.canonicalize` adds both to the tagger's votes
(each cue counts :data:`CUE_WEIGHT` votes).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from newsdesk.enrich.aliases import country_key
from newsdesk.enrich.lexicon import ROLE_NOUNS
from newsdesk.enrich.resolution import as_acronym

#: Votes one cue adds to the tagger's one vote per mention.
CUE_WEIGHT = 3

#: Last words of company and institution names.
ORG_HEADS = frozenset(
    [
        "logistics",
        "group",
        "inc",
        "inc.",
        "ltd",
        "ltd.",
        "llc",
        "plc",
        "corp",
        "corp.",
        "corporation",
        "company",
        "co",
        "co.",
        "holdings",
        "partners",
        "industries",
        "airlines",
        "airways",
        "motors",
        "bank",
        "capital",
        "insurance",
        "systems",
        "technologies",
        "technology",
        "labs",
        "media",
        "foods",
        "energy",
        "pharmaceuticals",
        "shipping",
        "marine",
        "lines",
        "enterprises",
        "associates",
        "ventures",
        "fc",
        "club",
        "united",
        "council",
        "committee",
        "commission",
        "ministry",
        "agency",
        "authority",
        "institute",
        "university",
        "party",
        "union",
        "association",
        "federation",
        "foundation",
        "magazine",
        "times",
        "post",
        "news",
        "journal",
        "pictures",
        "studios",
        "entertainment",
        "hospital",
        "hospitals",
        "museum",
        "league",
        "network",
        "international",
    ]
)
#: The word before a name that makes it a place ("in Valmora"), and the two words ("capital of").
_PLACE_BEFORE = frozenset({"in", "near", "across", "throughout", "neighbouring", "neighboring"})
_PLACE_BEFORE_TWO = frozenset({("capital", "of"), ("citizens", "of")})
#: Words after a name that make it a place ("Valmora's government").
_PLACE_AFTER = re.compile(
    r"['’]s\s+(?:government|capital|president|prime minister|border|borders|economy|parliament|army|coast)\b"
)
#: "in Time magazine", "in Nolan's film": works and publications, not places.
_WORK_AFTER = re.compile(r"\s+(?:magazine|newspaper|film|movie|book|series|show|report|interview|article)\b", re.I)
_ORG_AFTER = re.compile(
    # "Atletico Brava have signed": a plural verb after a name is a team or company (British usage).
    r"\s+(?:have|are|were)\s+(?:signed|agreed|announced|won|lost|appointed|confirmed)\b|"
    # "X, a freight-forwarding firm" (not "X, a spokesman for the company"), "X, founded in".
    r",\s+(?:(?:a|an|the)\s+(?:(?!(?:for|of|at|with|to|in)\s)[\w-]+\s+){0,3}"
    r"(?:company|firm|maker|group|retailer|club|bank|carrier|operator|agency|charity|start-?up|manufacturer|"
    r"broadcaster|publisher|insurer|airline)\b|founded in\b)"
)
_TITLES = frozenset({"mr", "mrs", "ms", "dr", "sir", "dame"})
#: Roles written right before a person's name ("the lawyer Mireille Ducasse", "deputy Lucía Marsh");
#: words that also open organisation names ("General Motors", "Head Office") are left out.
_ROLES_BEFORE = (ROLE_NOUNS - {"general", "head", "executive", "official"}) | {
    "deputy", "judge", "colonel",
    # Newsroom and expert roles: "Fox News host Sean Hannity", "the economist David Autor".
    "host", "anchor", "correspondent", "reporter", "columnist", "commentator", "strategist", "economist", "professor",
}  # fmt: skip
_PERSON_AFTER = re.compile(r",\s+(?:\d{1,3},|who\b)")
#: A person acts on or speaks of themselves: "X himself", "X also claims he", "X said she".
_SELF_AFTER = re.compile(
    r"(?:\s+(?:himself|herself)\b|\s+(?:\w+\s+)?(?:said|says|told|claims|claimed|alleges|alleged|insists|insisted|"
    r"argues|argued|wrote|writes|added|adds)\s+(?:that\s+)?(?:he|she)\s)"
)
#: The word before a name that introduces a person ("a former staffer named Bradley Podliska").
_PERSON_BEFORE = frozenset({"named"})
#: Endings of adjectives and demonyms made from place names (Valmoran, Drovenian, Tessaran, Sudanese).
_DEMONYM_ENDINGS = ("n", "an", "ian", "ese", "i", "ish")


def mention_cues(text: str, start: int, end: int) -> list[str]:
    """The types the words around one mention point to, one entry per cue (each worth :data:`CUE_WEIGHT` votes)."""
    words = text[max(0, start - 24) : start].split()
    last = words[-1].lower().rstrip(".") if words else ""
    after = text[end : end + 60]
    cues: list[str] = []
    possessive = after[:2] in ("'s", "’s")
    # "in Valmora" is a place, "in Nolan's film" and "in Time magazine" are not.
    before_place = last in _PLACE_BEFORE or (len(words) > 1 and (words[-2].lower(), last) in _PLACE_BEFORE_TWO)
    if (before_place and not possessive and not _WORK_AFTER.match(after)) or (possessive and _PLACE_AFTER.match(after)):
        cues.append("place")
    if after[:1] in (",", " ") and _ORG_AFTER.match(after):
        cues.append("organization")
    # "the NRA", "the FBI": an acronym after "the" is a body, unless it is a country's ("the US").
    if last == "the":
        letters = as_acronym(text[start:end])
        if letters and country_key((letters.lower(),)) is None:
            cues.append("organization")
    # A role right before the name ("the lawyer Mireille Ducasse") names a person.
    if (
        last in _TITLES
        or last in _ROLES_BEFORE
        or last in _PERSON_BEFORE
        or (after[:1] == "," and _PERSON_AFTER.match(after))
        or _SELF_AFTER.match(after)
    ):
        cues.append("person")
    return cues


def name_cues(tokens: tuple[str, ...], known_words: frozenset[str]) -> Counter[str]:
    """The types the shape of a name points to.

    Args:
        tokens: The name's folded tokens.
        known_words: Folded one-word names the tagger typed a place or group
            somewhere (for demonyms: "valmoran" makes "valmora" a place).
    """
    cues: Counter[str] = Counter()
    if len(tokens) > 1 and tokens[-1] in ORG_HEADS:
        cues["organization"] += CUE_WEIGHT
    if len(tokens) == 1 and any(tokens[0] + end in known_words for end in _DEMONYM_ENDINGS):
        cues["place"] += CUE_WEIGHT
    return cues


def demonym_sources(forms: Iterable[tuple[tuple[str, ...], str]]) -> frozenset[str]:
    """One-word names typed a place or group ("valmoran"): what :func:`name_cues` looks demonyms up in."""
    return frozenset(tokens[0] for tokens, kind in forms if len(tokens) == 1 and kind in ("place", "organization"))


__all__ = ["CUE_WEIGHT", "ORG_HEADS", "demonym_sources", "mention_cues", "name_cues"]

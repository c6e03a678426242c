"""Named entities: find mentions with spaCy and merge them into canonical entities.

Machine-translated news spells one name many ways (Masoud / Masood / Massoud),
shortens it (the surname alone), or states an alias ("the National Front of
Resistance (FNR)"). Different people may still share name parts (a father and
son), so full names merge only token by token, never by containment.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Levenshtein
from spacy.tokens import Doc, Span

from newsdesk.enrich.kinds import CUE_WEIGHT, demonym_sources, mention_cues, name_cues
from newsdesk.enrich.resolution import (
    GENERATIONAL,
    MERGE_THRESHOLD,
    PARTICLES,
    PairFeatures,
    Relation,
    acronym_keys,
    as_acronym,
    content_tokens,
    context_words,
    cosine,
    is_initial,
    joined_key,
    joined_similarity,
    kind_agreement,
    match_score,
    overlap,
    without_middle_initials,
)
from newsdesk.model import Entity, EntityKind, FoundMention, Mention, content_id

_KIND_BY_LABEL: dict[str, EntityKind] = {
    "PERSON": "person",
    "ORG": "organization",
    "NORP": "organization",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "EVENT": "other",
    "PRODUCT": "other",
    "WORK_OF_ART": "other",
    "LAW": "other",
}
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
_VOWELS = frozenset("aeiou")
_SOUND_ALIKE = str.maketrans({"c": "k", "q": "k", "z": "s"})
#: Blocks larger than this (very short joined skeletons) are too unspecific to compare within.
_MAX_BLOCK = 40
#: Names written as one word or two: similarity of the joined forms.
_JOINED_SIMILARITY = 0.85
#: Articles read per name for its context (the other names around it).
_CONTEXT_ARTICLES = 40
#: A name in more than this share of the articles (at least ``_COMMON_MIN``) is no context.
_COMMON_SHARE = 0.05
_COMMON_MIN = 5
#: Mentions of one name whose surrounding words the matcher compares.
_CONTEXT_MENTIONS = 5
#: Mentions of one name whose surrounding words vote on its type.
_CUED_MENTIONS = 12
#: An acronym two known names could stand for goes to the first only when it scores this much higher.
_ACRONYM_MARGIN = 0.1
#: Words that make a longer organisation name a part or offshoot of the shorter one, not its full form.
_UNIT_WORDS = frozenset(
    [
        "committee",
        "subcommittee",
        "commission",
        "council",
        "department",
        "ministry",
        "office",
        "university",
        "college",
        "school",
        "foundation",
        "center",
        "centre",
        "institute",
        "party",
        "union",
        "association",
        "court",
        "agency",
        "bureau",
        "board",
        "service",
        "services",
        "news",
        "post",
        "times",
        "journal",
        "fund",
        "bank",
        "hospital",
        "club",
        "team",
        "league",
        "museum",
        "church",
        "campaign",
        "division",
        "unit",
        "branch",
        "wing",
        "trust",
        "society",
        "academy",
        "program",
        "programme",
        "command",
        "force",
        "forces",
        "army",
        "navy",
        "police",
        "government",
        "military",
        "guard",
    ]
)
_ALIAS = re.compile(
    r"\(\s*(?:(?:also )?known as|aka|or|as (?:the )?\S+(?: \S+)? calls? (?:itself|himself|herself|themselves)|"
    r"formerly)?\s*([^()]{1,60}?)\s*\)"
)
_ALIAS_INVERTED = re.compile(r"\(\s*as (?P<name>.{1,40}?) calls? (?:itself|himself|herself|themselves)\s*\)")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def name_tokens(text: str) -> list[str]:
    """Return the comparable tokens of a name: folded, no titles, no possessive."""
    return list(_name_tokens(text))


@lru_cache(maxsize=1 << 16)
def _name_tokens(text: str) -> tuple[str, ...]:
    text = text.strip(_QUOTES + " ").replace("’s", "").replace("'s", "")
    previous = None
    while previous != text:
        previous, text = text, _LEADING.sub("", text)
    return tuple(t for t in re.split(r"[\s\-]+", _fold(text)) if t and t.strip(_QUOTES))


@lru_cache(maxsize=1 << 16)
def skeleton(token: str) -> str:
    """A transliteration key: first letter, then consonants, doubles collapsed."""
    if not token:
        return ""
    rest = re.sub(r"[aeiouyw'’]", "", token[1:])
    collapsed = re.sub(r"(.)\1+", r"\1", token[0] + rest)
    return collapsed


@lru_cache(maxsize=1 << 16)
def soft_skeleton(token: str) -> str:
    """:func:`skeleton` without an ``h`` after a consonant, which marks aspiration (Gotabhaya ~ Gotabaya)."""
    return skeleton(re.sub(r"(?<=[b-df-gj-np-tv-z])h", "", token)) if token else ""


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
        # A first vowel is transliterated many ways (Osama / Usama, Ibrahim / Ebrahim): longer names only.
        if not (a[0] in _VOWELS and b[0] in _VOWELS and min(len(a), len(b)) >= 5):
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


def find_mentions(article_id: str, doc: Doc) -> list[FoundMention]:
    """Return the entity mentions of one parsed article.

    Adjective uses of group names ("Afghan forces") and single capitalised words
    that the same text also uses in lower case ("Fall") are dropped.
    """
    lower_words = {t.text for t in doc if t.text.islower()}
    found: list[FoundMention] = []
    for ent in doc.ents:
        kind = _KIND_BY_LABEL.get(ent.label_)
        if kind is None:
            continue
        span = _trim(ent)
        if span is None:
            continue
        text = span.text
        if not text[:1].isupper():
            continue
        if ent.label_ == "NORP" and span.root.dep_ == "amod":
            continue
        if len(span) == 1 and text.lower() in lower_words:
            continue
        found.append(
            FoundMention(
                mention=Mention(article=article_id, text=text, start=span.start_char, end=span.end_char),
                kind=kind,
            )
        )
    return found


def _trim(ent: Span) -> Span | None:
    start, end = ent.start, ent.end
    doc = ent.doc
    while start < end and (doc[start].lower_ in ("the", "a", "an") or doc[start].text in _QUOTES):
        start += 1
    while end > start and (doc[end - 1].text in _QUOTES or doc[end - 1].text in ("'s", "’s")):
        end -= 1
    return doc[start:end] if end > start else None


def stated_aliases(text: str, mentions: Sequence[Mention]) -> list[tuple[str, str]]:
    """Alias pairs the text states: "Name (ACRONYM)", "X (as Y calls itself)".

    An acronym the tagger missed still becomes a mention of its expansion later
    (:func:`expand_mentions` looks for known forms everywhere).

    Returns:
        ``(name, alias)`` pairs of surface strings.
    """
    pairs: list[tuple[str, str]] = []
    by_end = {m.end: m for m in mentions}
    for match in _ALIAS.finditer(text):
        before = text[: match.start()].rstrip()
        mention = by_end.get(len(before))
        if mention is None:
            continue
        inverted = _ALIAS_INVERTED.match(match.group(0))
        alias = (inverted.group("name") if inverted else match.group(1)).strip()
        alias = re.sub(r"^the\s+", "", alias, flags=re.IGNORECASE)
        if _is_acronym_of(alias, mention.text) or _source_language_acronym(alias, mention.text) or inverted:
            pairs.append((mention.text, alias))
    return pairs


#: Agencies credited in parentheses after a name or a dateline: never an alias of the name before them.
_AGENCIES = frozenset({"AFP", "AP", "DPA", "EFE", "ANSA", "TASS", "IRNA", "PTI", "ANI", "UPI", "PAP", "MTI", "BTA"})


def _source_language_acronym(alias: str, name: str) -> bool:
    """An acronym in parentheses after a name of several words, made from the name in its own language.

    Translated news keeps the original acronym: "the Municipal Electoral Board (JEM)", "Karataş Coal
    Enterprises (KKİ)". Capitals only, two to six letters, no news agency.
    """
    return (
        alias.isupper()
        and alias.isalpha()
        and 2 <= len(alias) <= 6
        and alias not in _AGENCIES
        and len([w for w in name_tokens(name) if w not in _FUNCTION_WORDS]) >= 2
    )


def _is_acronym_of(alias: str, name: str) -> bool:
    if not (alias.isupper() and 2 <= len(alias) <= 8 and alias.isalpha()):
        return False
    initials = [w[0].upper() for w in name_tokens(name) if w not in ("of", "the", "and", "for", "de", "du")]
    return sorted(alias) == sorted(initials)


@lru_cache(maxsize=1 << 16)
def _content_set(tokens: tuple[str, ...]) -> frozenset[str]:
    return frozenset(t for t in tokens if t not in ("of", "the", "and", "for", "de", "la", "le"))


def _strip_place_words(tokens: list[str]) -> list[str]:
    kept = [t for t in tokens if t not in _PLACE_WORDS]
    return kept or tokens


@dataclass(slots=True)
class _Group:
    tokens: list[str]
    kinds: Counter[str]
    mentions: list[Mention]
    forms: Counter[str]


def canonicalize(
    found: Sequence[FoundMention],
    aliases: Sequence[tuple[str, str]] = (),
    texts: Mapping[str, str] | None = None,
) -> list[Entity]:
    """Merge mentions from all articles into canonical entities.

    Names are compared only within blocks of a shared key, and a weak string
    relation merges only when :func:`~newsdesk.enrich.resolution.match_score`
    finds enough evidence (types, a shared article, shared context). Two
    people with different given names, or named in one sentence, are never
    merged (cannot-link).

    Steps:
        1. Group identical normalised names (titles, articles, place words
           removed; "I.R.S." and "IRS" as letters); the tagger's labels, the
           words around each mention and the name's shape vote on its type.
        2. Merge names whose tokens are pairwise spelling variants, same number
           of tokens ("Ahmad Massoud" never joins "Ahmad Shah Massoud"), and
           organisation names made of the same words in another order.
           a. One name written as one word or two, or with the Arabic article
              (blocks of the joined consonant skeleton).
           b. Optional middle initials, unless two people differ by theirs.
           c. A full name continued by one more surname, when only one does.
        3. Give a first name alone, and a one-word "place" that is a surname,
           to the person its article names (mention by mention).
        4. Attach a lone surname to the full name it matches, preferring the one
           mentioned most in the same article; a shortened organisation name to the
           only longer one holding all its words, or starting with them; an
           acronym to the one known name of several words with those initials.
        5. Join stated aliases (acronyms, "as X calls itself").
        6. Name each entity by its most complete usual form.

    Args:
        found: Mentions of all articles.
        aliases: ``(name, alias)`` surface pairs stated in the texts.
        texts: Article id to text: the words around each mention vote on its type
            (:mod:`newsdesk.enrich.kinds`). Without them only the tagger and the names' shapes vote.

    Returns:
        Entities sorted by number of mentions (most first), with stable ids.
    """
    groups: dict[tuple[str, ...], _Group] = {}
    acronymic: set[tuple[str, ...]] = set()  # acronyms are no one's first name or surname
    for item in found:
        tokens = name_tokens(item.mention.text)
        if item.kind == "place" or any(t in _PLACE_WORDS for t in tokens[1:]):
            tokens = _strip_place_words(tokens)
        letters = as_acronym(item.mention.text) if len(tokens) == 1 else None
        if letters:
            tokens = [letters.lower()]  # "I.R.S." and "IRS" are one name, whatever type the tagger gave each
            acronymic.add((letters.lower(),))
        if not tokens:
            continue
        key = tuple(tokens)
        group = groups.setdefault(key, _Group(tokens, Counter(), [], Counter()))
        group.kinds[item.kind] += 1
        group.mentions.append(item.mention)
        group.forms[item.mention.text] += 1
        text = texts.get(item.mention.article) if texts else None
        # The words around a few mentions tell a name's type; a frequent name needs no more.
        if text and len(group.mentions) <= _CUED_MENTIONS:
            for cue in mention_cues(text, item.mention.start, item.mention.end):
                group.kinds[cue] += CUE_WEIGHT
    # Types by evidence: the shape of each name is one more vote (see newsdesk.enrich.kinds).
    demonyms = demonym_sources((k, g.kinds.most_common(1)[0][0]) for k, g in groups.items())
    for k, group in groups.items():
        group.kinds.update(name_cues(k, demonyms))

    keys = sorted(groups, key=lambda k: (-len(groups[k].mentions), k))
    rank = {k: i for i, k in enumerate(keys)}
    parent = {k: k for k in keys}
    component: dict[tuple[str, ...], list[tuple[str, ...]]] = {k: [k] for k in keys}  # root -> its keys

    def find(k: tuple[str, ...]) -> tuple[str, ...]:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    def union(a: tuple[str, ...], b: tuple[str, ...]) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            # The root with more mentions stays the representative.
            if rank[rb] < rank[ra]:
                ra, rb = rb, ra
            parent[rb] = ra
            component[ra].extend(component.pop(rb))

    # Spelling variants share their token count and each token's match key (tokens_match
    # requires it): compare only within such blocks, so the work stays near-linear.
    blocks: dict[tuple[object, ...], list[tuple[str, ...]]] = defaultdict(list)
    same_words: dict[frozenset[str], list[tuple[str, ...]]] = defaultdict(list)
    for k in keys:
        blocks[(len(k), *(match_key(t) for t in k))].append(k)
        if len(k) > 1:
            same_words[_content_set(k)].append(k)
    for block in blocks.values():
        for i, a in enumerate(block):
            for b in block[i + 1 :]:
                if all(tokens_match(x, y) for x, y in zip(a, b, strict=True)) and (
                    # Beside an article particle (al- / el-), the one word left carries the name: close spelling only.
                    not any(x in PARTICLES for x in a) or _close_variants(a, b)
                ):
                    union(a, b)
    for group_keys in same_words.values():
        for other in group_keys[1:]:
            union(group_keys[0], other)

    # The matcher's view of the names: their articles, and the other names in each article (context).
    articles_of = {k: {m.article for m in groups[k].mentions} for k in keys}
    keys_in: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for k in keys:
        for article in articles_of[k]:
            keys_in[article].append(k)
    vote = {k: _vote_kind(groups[k].kinds) for k in keys}

    # Names in many articles (the country, the president of the day) are context everywhere: they say nothing.
    common = max(_COMMON_MIN, int(_COMMON_SHARE * len(keys_in)))
    telling = {k for k in keys if len(articles_of[k]) <= common}

    def around(articles: set[str]) -> set[tuple[str, ...]]:
        # The first articles suffice to tell two contexts apart, and keep a frequent name cheap.
        return {find(x) for article in sorted(articles)[:_CONTEXT_ARTICLES] for x in keys_in[article] if x in telling}

    def words_around(k: tuple[str, ...], skip: set[str]) -> set[str]:
        """The words around a few of the name's mentions outside the articles in ``skip``, the name left out."""
        if not texts:
            return set()
        words: set[str] = set()
        mentions = [m for m in groups[k].mentions if m.article not in skip][:_CONTEXT_MENTIONS]
        for m in mentions:
            words |= context_words(texts.get(m.article, ""), m.start, m.end)
        return words - set(k)

    def score(a: tuple[str, ...], b: tuple[str, ...], relation: Relation, string: float) -> float:
        ra, rb = find(a), find(b)
        shared = articles_of[a] & articles_of[b]
        # Context comes from the articles that name only one of the two: an article naming both
        # counts once, as a shared article, not again as identical context.
        ctx_a, ctx_b = around(articles_of[a] - shared) - {ra, rb}, around(articles_of[b] - shared) - {ra, rb}
        features = PairFeatures(
            relation=relation,
            string=string,
            kind=kind_agreement(vote[a], vote[b]),
            same_article=bool(shared),
            context=overlap(ctx_a, ctx_b),
            words=cosine(words_around(a, shared), words_around(b, shared)),
        )
        return match_score(features)

    def given_names(root: tuple[str, ...]) -> set[str]:
        return {k[0] for k in component[root] if len(k) > 1 and vote[k] == "person" and not is_initial(k[0])}

    together = _named_together(groups, keys, vote, texts) if texts else {}

    def compatible(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
        """Cannot-link: two people with different given names (a father and son), or two names of
        people in one sentence, never become one."""
        ra, rb = find(a), find(b)
        if ra == rb:
            return False
        if together:
            members = set(component[rb])
            if any(together.get(x, set()) & members for x in component[ra]):
                return False
        return all(tokens_match(x, y) for x in given_names(ra) for y in given_names(rb))

    def link(a: tuple[str, ...], b: tuple[str, ...], relation: Relation, string: float) -> bool:
        if compatible(a, b) and score(a, b, relation, string) >= MERGE_THRESHOLD:
            union(a, b)
            return True
        return False

    # 2c. One name written as one word or two, with or without the Arabic article
    # (Kahramanmaras ~ Kahraman Maras, al-Hawa ~ Hawa): blocks of the joined consonant skeleton.
    joined_blocks: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for k in keys:
        joined = joined_key(k)
        if len(joined) >= 4 and not any(is_initial(t) for t in k):
            joined_blocks[joined].append(k)
    for block in joined_blocks.values():
        if not 1 < len(block) <= _MAX_BLOCK:
            continue
        for i, a in enumerate(block):
            for b in block[i + 1 :]:
                ca, cb = content_tokens(a), content_tokens(b)
                if len(ca) == len(cb):
                    if not all(tokens_match(x, y) for x, y in zip(ca, cb, strict=True)):
                        continue
                elif "person" in (vote[a], vote[b]) and ca[0][0] != cb[0][0]:
                    continue
                similarity = joined_similarity(a, b)
                if similarity >= _JOINED_SIMILARITY:
                    link(a, b, "transliteration", similarity)

    # 2d. A middle initial is optional ("John Q. Vance" ~ "John Vance"), unless two people with
    # different initials share the rest of the name.
    by_core: dict[tuple[str, ...], list[tuple[str, ...]]] = defaultdict(list)
    for k in keys:
        if vote[k] == "person":
            core = without_middle_initials(k)
            if core != k:
                by_core[core].append(k)
    for core, longer in by_core.items():
        if core in groups and len({tuple(t.rstrip(".") for t in k[1:-1]) for k in longer}) == 1:
            for k in longer:
                link(core, k, "middle_initial", 1.0)

    # 2e. A full name and a longer full name that continues it (a second surname), when only
    # one longer name does: "Ana Ruiz" ~ "Ana Ruiz Ortega", never "Ana Ruiz Jr.".
    # A given name is no second surname: "Scott Rudin Mark" (two names the tagger ran together)
    # does not continue "Scott Rudin".
    given = {k[0] for k in keys if len(k) > 1 and vote[k] == "person"}
    by_start: dict[tuple[object, ...], list[tuple[str, ...]]] = defaultdict(list)
    for k in keys:
        if len(k) >= 3 and vote[k] == "person":
            by_start[(match_key(k[0]), match_key(k[1]))].append(k)
    for k in keys:
        if len(k) < 2 or vote[k] != "person" or is_initial(k[0]) or k[0] in PARTICLES or k[1] in PARTICLES:
            continue
        longer = [
            full
            for full in by_start.get((match_key(k[0]), match_key(k[1])), ())
            if len(full) > len(k)
            and all(tokens_match(x, y) for x, y in zip(k, full, strict=False))
            and len(full) == len(k) + 1
            and full[-1] not in GENERATIONAL
            and not is_initial(full[-1])
            and full[-1] not in given
        ]
        if len({find(full) for full in longer}) == 1:
            link(k, longer[0], "longer_name", 1.0)
    # Longer names indexed by each of their later tokens (surnames, tails), grouped by match key: a short
    # name is compared with the distinct later tokens of its key, not with every longer name.
    by_later_token: dict[tuple[str, str], dict[str, list[tuple[str, ...]]]] = defaultdict(dict)
    by_word: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for k in keys:
        if len(k) > 1:
            for token in dict.fromkeys(k[1:]):
                by_later_token[match_key(token)].setdefault(token, []).append(k)
            for word in _content_set(k):
                by_word[word].append(k)

    # 4. Lone surnames and shortened names attach to a unique or dominant full name.
    adopted: dict[tuple[str, ...], list[Mention]] = defaultdict(list)
    _adopt_first_names(groups, [k for k in keys if k not in acronymic], vote, find, adopted)
    # Types by evidence: a one-word "place" in an article that names a person with that surname is
    # the person there (the tagger typed "DuVernay" as a place), mention by mention.
    people_in: dict[str, list[tuple[tuple[str, ...], Mention]]] = defaultdict(list)
    for k in keys:
        if len(k) > 1 and vote[k] == "person":
            for m in groups[k].mentions:
                people_in[m.article].append((k, m))
    for k in keys:
        group = groups[k]
        if len(k) != 1 or vote[k] != "place":
            continue
        kept = []
        for mention in group.mentions:
            bearers: dict[tuple[str, ...], list[Mention]] = defaultdict(list)
            for full, m in people_in.get(mention.article, ()):
                if tokens_match(k[0], full[-1]):
                    bearers[find(full)].append(m)
            moved = _split_by_nearest([mention], bearers) if bearers else {}
            for root, taken in moved.items():
                adopted[root].extend(taken)
            if not moved:
                kept.append(mention)
        group.mentions = kept

    def _members_mentions(root: tuple[str, ...]) -> list[Mention]:
        return [m for other in component[find(root)] for m in groups[other].mentions]

    per_article: dict[tuple[tuple[str, ...], str], int] = Counter()
    for k in keys:
        for m in groups[k].mentions:
            per_article[(find(k), m.article)] += 1
    # Two-token names first: "Stefan Radu" joins "Velmora Stefan Radu" before a lone "Radu" picks its full name.
    for k in sorted(keys, key=len, reverse=True):
        group = groups[k]
        if len(k) > 2 or find(k) != k or _vote_kind(group.kinds) == "place" or k in acronymic:
            continue
        kind = _vote_kind(group.kinds)
        initial = len(k) == 2 and len(k[0].rstrip(".")) == 1  # "S. Marinova"
        # Every rule below needs a later token of the full name to match the short name's last one.
        pool = {
            full
            for token, fulls in by_later_token.get(match_key(k[-1]), {}).items()
            if tokens_match(k[-1], token)
            for full in fulls
        }
        candidates = {
            find(full)
            for full in pool
            if (len(full) > len(k) or (initial and len(full) == 2 and len(full[0].rstrip(".")) > 1))
            and _vote_kind(groups[full].kinds) != "place"
            and (
                _is_tail(k, full)
                or (initial and full[0].startswith(k[0].rstrip(".")) and tokens_match(k[-1], full[-1]))
                or (
                    len(k) == 1
                    and kind == "person" == _vote_kind(groups[full].kinds)
                    and any(tokens_match(k[0], t) for t in full[1:])
                )
            )
        }
        if not candidates:
            continue
        articles = {m.article for m in group.mentions}

        def weight(root: tuple[str, ...], articles: set[str] = articles) -> tuple[int, int]:
            local = sum(per_article.get((root, a), 0) for a in articles)
            return local, sum(per_article.get((root, a), 0) for a in {m.article for m in groups[root].mentions})

        ranked = sorted(candidates, key=weight, reverse=True)
        if len(ranked) > 1 and kind == "person":
            # Two people share the surname (a father and his son): each mention goes to the one
            # named nearest before it in its article.
            moved = _split_by_nearest(group.mentions, {root: _members_mentions(root) for root in ranked})
            for root, taken in moved.items():
                adopted[root].extend(taken)
            gone = {_mention_key(m) for taken in moved.values() for m in taken}
            group.mentions = [m for m in group.mentions if _mention_key(m) not in gone]
            if not group.mentions:
                continue
        if len(ranked) == 1 or weight(ranked[0]) > weight(ranked[1]):
            union(ranked[0], k)

    def _names_other(rest: tuple[str, ...]) -> bool:
        """Whether the rest of a longer name is itself the name of a person or place ("Post Trump")."""
        if rest not in groups:
            return False
        kinds: Counter[str] = Counter()
        for other in component[find(rest)]:
            kinds.update(groups[other].kinds)
        return _vote_kind(kinds) in ("person", "place")

    # 4b. A shortened organisation name ("Resistance Front") joins the one organisation whose
    # name holds all its words ("National Resistance Front"), when exactly one does.
    for k in keys:
        if len(k) < 2 or groups[k].kinds.most_common(1)[0][0] != "organization":
            continue
        words = _content_set(k)
        holders = {
            find(other)
            for word in words
            for other in by_word.get(word, ())
            if len(other) > len(k)
            and words < _content_set(other)
            and groups[other].kinds.most_common(1)[0][0] == "organization"
            and not _UNIT_WORDS.intersection(_content_set(other) - words)
            and not _names_other(tuple(t for t in other if t not in words))
        }
        if len(holders) == 1:
            union(holders.pop(), k)

    # 4c. An organisation's short form: the first words of one longer name ("Kestrel" ~ "Kestrel Motion
    # Group"), unless the rest names a part of it ("Kestrel Foundation").
    by_first_word: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for k in keys:
        if len(k) >= 2 and vote[k] == "organization":
            by_first_word[k[0]].append(k)
    for k in keys:
        if vote[k] not in ("organization", "other") or k[0] in _FUNCTION_WORDS:
            continue
        if any(len(other) > len(k) for other in component[find(k)]):
            continue
        longer = [
            full
            for full in by_first_word.get(k[0], ())
            if len(full) > len(k)
            and full[: len(k)] == k
            and not _UNIT_WORDS.intersection(full[len(k) :])
            and not _names_other(full[len(k) :])
        ]
        if len({find(full) for full in longer}) == 1:
            link(k, longer[0], "short_form", 1.0)

    # 4d. Acronyms derived from known names of several words ("Union of Port Workers" ~ UPW, UOPW).
    by_acronym: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for k in keys:
        if len(k) >= 2 and vote[k] != "person":
            for form in groups[k].forms:
                for letters in acronym_keys(form):
                    by_acronym[letters].add(k)
    for k in keys:
        if len(k) != 1 or any(len(other) > 1 for other in component[find(k)]):
            continue
        acronyms = {a for a in map(as_acronym, groups[k].forms) if a}
        if len(acronyms) != 1:
            continue
        letters = acronyms.pop()
        expansions = {find(full): full for full in sorted(by_acronym.get(letters, ())) if find(full) != find(k)}
        # The one name of the corpus with these initials is most likely it; among several, four
        # letters are nearly unique and two name many things.
        string = 1.0 if len(expansions) == 1 else min(1.0, (len(letters) - 1) / 3)
        # "D.C." is a place and the Daily Caller a newspaper: an acronym keeps its type.
        scored = sorted((score(k, full, "acronym", string), full) for full in expansions.values())[::-1]
        if scored and (len(scored) == 1 or scored[0][0] - scored[1][0] >= _ACRONYM_MARGIN):
            link(k, scored[0][1], "acronym", string)

    # 5. Stated aliases.
    by_surface: dict[str, tuple[str, ...]] = {}
    for k in keys:
        for form in groups[k].forms:
            by_surface[_fold(form)] = k
    for name, alias in aliases:
        a_key = by_surface.get(_fold(name))
        b_key = by_surface.get(_fold(alias)) or by_surface.get(_fold(alias.strip()))
        if a_key and b_key:
            union(a_key, b_key)
        elif a_key:
            acronym = (alias.lower(),)
            if acronym in groups:
                union(a_key, acronym)

    members: dict[tuple[str, ...], list[tuple[str, ...]]] = defaultdict(list)
    for k in keys:
        if groups[k].mentions:
            members[find(k)].append(k)
    extra: dict[tuple[str, ...], list[Mention]] = defaultdict(list)
    for root, taken in adopted.items():
        extra[find(root)].extend(taken)
    # One-word names of places and organisations: a person's form that starts with one ("Velmora Stefan Radu",
    # where the recognizer ran a place into the name) is not the name to show.
    other_names = frozenset(k[0] for k in keys if len(k) == 1 and _vote_kind(groups[k].kinds) != "person")
    entities: list[Entity] = []
    for root, ks in members.items():
        kinds: Counter[str] = Counter()
        forms: Counter[str] = Counter()
        mentions: list[Mention] = []
        mentions.extend(extra.get(root, ()))
        for k in ks:
            kinds.update(groups[k].kinds)
            forms.update(groups[k].forms)
            mentions.extend(groups[k].mentions)
        kind = _vote_kind(kinds)
        name = _canonical_name(forms, kind, other_names)
        mentions.sort(key=lambda m: (m.article, m.start))
        entities.append(
            Entity(
                id=content_id(kind, " ".join(root), prefix="e-", length=12),
                name=name,
                kind=kind,
                mentions=mentions,
            )
        )
    entities.sort(key=lambda e: (-len(e.mentions), e.name))
    return entities


_SENTENCE_END = re.compile(r"[.!?][\"'”’]?\s+(?=[\"'“‘(]?[A-Z])|\n\s*\n")


def _named_together(
    groups: Mapping[tuple[str, ...], _Group],
    keys: Sequence[tuple[str, ...]],
    vote: Mapping[tuple[str, ...], EntityKind],
    texts: Mapping[str, str],
) -> dict[tuple[str, ...], set[tuple[str, ...]]]:
    """Names of people that some sentence names side by side ("Ana Ruiz and Ana Ruiz Ortega"): two people.

    Returns:
        Each person name to the other names it shares a sentence with.
    """
    by_article: dict[str, list[tuple[int, tuple[str, ...]]]] = defaultdict(list)
    for k in keys:
        if vote[k] == "person":
            for m in groups[k].mentions:
                by_article[m.article].append((m.start, k))
    together: dict[tuple[str, ...], set[tuple[str, ...]]] = defaultdict(set)
    for article, named in by_article.items():
        if len({k for _, k in named}) < 2 or article not in texts:
            continue
        ends = [m.end() for m in _SENTENCE_END.finditer(texts[article])]
        sentences: dict[int, set[tuple[str, ...]]] = defaultdict(set)
        for start, k in named:
            sentences[bisect_right(ends, start)].add(k)
        for names in sentences.values():
            for k in names:
                together[k] |= names - {k}
    return together


def _adopt_first_names(
    groups: Mapping[tuple[str, ...], _Group],
    keys: Sequence[tuple[str, ...]],
    vote: Mapping[tuple[str, ...], EntityKind],
    find: Callable[[tuple[str, ...]], tuple[str, ...]],
    adopted: dict[tuple[str, ...], list[Mention]],
) -> None:
    """Give a first name alone to the person of its article whose full name starts with it.

    Within one article "Ranil" after "Ranil Okafor" is that person; in another
    article it may be anyone, so mentions move one by one (into ``adopted``,
    out of their group). A token some full name of the article also ends with
    is a surname, left to the surname rule; two people of the article with
    that first name share it out by who was named nearest before.
    """
    people: dict[str, list[tuple[tuple[str, ...], Mention]]] = defaultdict(list)
    for k in keys:
        if len(k) > 1 and vote[k] == "person" and not is_initial(k[0]):
            for m in groups[k].mentions:
                people[m.article].append((k, m))
    for k in keys:
        group = groups[k]
        if len(k) != 1 or vote[k] == "place" or not group.mentions:
            continue
        # Another type from the tagger ("Bernie" as an organisation once) is overruled only when every
        # article of the word names a person with that first name: "Apple" alone elsewhere is the company.
        if vote[k] != "person" and not all(
            any(tokens_match(k[0], full[0]) for full, _ in people.get(m.article, ())) for m in group.mentions
        ):
            continue
        kept: list[Mention] = []
        for mention in group.mentions:
            named = people.get(mention.article, ())
            if any(tokens_match(k[0], t) for full, _ in named for t in full[1:]):
                kept.append(mention)
                continue
            fulls: dict[tuple[str, ...], list[Mention]] = defaultdict(list)
            for full, m in named:
                if tokens_match(k[0], full[0]):
                    fulls[find(full)].append(m)
            moved = _split_by_nearest([mention], fulls) if fulls else {}
            if not moved:
                kept.append(mention)
            for root, taken in moved.items():
                adopted[root].extend(taken)
        group.mentions = kept


def _mention_key(mention: Mention) -> tuple[str, str, int, int]:
    """The fields of a mention, hashable (mentions compare equal when these are)."""
    return (mention.article, mention.text, mention.start, mention.end)


def _split_by_nearest(
    mentions: Sequence[Mention], candidates: Mapping[tuple[str, ...], Sequence[Mention]]
) -> dict[tuple[str, ...], list[Mention]]:
    """Give each mention to the candidate mentioned nearest before it in its article (else nearest after).

    Mentions in articles that name no candidate are left out of the result.
    """
    moved: dict[tuple[str, ...], list[Mention]] = defaultdict(list)
    for mention in mentions:
        best: tuple[tuple[int, int], tuple[str, ...]] | None = None
        for root, named in candidates.items():
            for other in named:
                if other.article != mention.article:
                    continue
                # Before the mention first (by distance), then after it.
                rank = (0, mention.start - other.start) if other.start < mention.start else (1, other.start)
                if best is None or rank < best[0]:
                    best = (rank, root)
        if best is not None:
            moved[best[1]].append(mention)
    return dict(moved)


def _is_tail(short: tuple[str, ...], full: tuple[str, ...]) -> bool:
    """Whether ``short`` spells the last words of ``full`` ("Nwosu-Hale" of "Grace Nwosu-Hale")."""
    tail = full[-len(short) :]
    return all(tokens_match(a, b) for a, b in zip(short, tail, strict=True))


def _vote_kind(kinds: Counter[str]) -> EntityKind:
    # spaCy's small model often calls places persons; place labels are more reliable. Against an
    # organisation, a place needs as many votes (an institution is often "in" a sentence).
    if kinds["place"] and kinds["place"] >= kinds["person"] / 2 and kinds["place"] >= kinds["organization"]:
        return "place"
    kind, _ = kinds.most_common(1)[0]
    return kind  # type: ignore[return-value]


def _canonical_name(forms: Counter[str], kind: str, other_names: frozenset[str] = frozenset()) -> str:
    # Prefer the most frequent among the longest multi-word forms: full names beat surnames.
    def score(form: str) -> tuple[int, int, int, int, int]:
        tokens = name_tokens(form)
        if kind == "place":
            tokens = _strip_place_words(tokens)
        if kind != "person":
            # Organisations and places: the usual name, not the longest, but never an acronym when
            # the name it stands for was seen ("United Nations", not "UN"); among as frequent, the most complete.
            return (1, int(as_acronym(form) is None), forms[form], len(tokens), len(form))
        clean = not (len(tokens) > 2 and tokens[0] in other_names)
        return (int(clean), 1, min(len(tokens), 3), forms[form], -len(form))

    best = max(forms, key=score)
    if kind == "place":
        words = best.split()
        stripped = [w for w in words if w.lower() not in _PLACE_WORDS]
        best = " ".join(stripped) or best
    return re.sub(r"^(the|The)\s+", "", best)

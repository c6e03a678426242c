"""A learned model of attribution cues beyond verbs of saying.

News attributes far more than speech: stances (*supports*, *opposes*,
*endorsed*), beliefs and intentions (*believes*, *wants*, *expects*, *plans*),
judgements (*criticized*, *accused ... of*, *praised*), evidence (*polls
show*, *records indicate*) and nominal cues (*his statement that*, *her support
for*). A hand-made verb list cannot keep up, so this module scores candidate
attributions with weights learned from an annotated corpus
(``scripts/train_attribution.py`` fits them on the PolNeAR train split).

How an article is scored:

1. **Candidates.** Every verb or noun whose lemma the model knows, outside
   quote marks and outside attributions already found by the rules, proposes
   one candidate per possible content: each clausal or nominal dependent
   (``ccomp``, ``dobj``, ``xcomp``, the object of a preposition, ...), an
   object with its infinitive (*urged Congress to act*), the clause it
   interrupts (*The plan, records show, failed*) and, for a main verb, the
   rest of its sentence (*The senator seemed tired*); each also without its
   trailing aside after a comma, and without the modifiers that trail its
   head (*attacked Machado | in early-morning tweets*).
2. **Features.** Each candidate gets a bag of string features: the cue
   lemma, the kind of content and their pair, the cue's tag and dependency,
   the words either side of the cue, what its subject is (pronoun, person,
   organisation, noun lemma), negation and modality, the content's length,
   first word and head, and whether it is the cue's shortest or longest
   reading; plus the parser's contextual vectors of cue, head and content.
3. **Score.** A logistic regression over those features gives the
   probability that the cue attributes that content. The model stores only its
   vocabulary and coefficients (a small JSON file, no pickle), so scoring is a
   dictionary lookup per feature.

The model follows scikit-learn's conventions: ``__init__`` stores
parameters, :meth:`CueModel.fit` learns the state that ends in ``_``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from spacy.attrs import DEP
from spacy.tokens import Doc, Token

#: Coarse parts of speech that can be cues.
CUE_POS: frozenset[str] = frozenset({"VERB", "NOUN", "ADJ"})

#: Dependents whose subtree can be what a cue attributes.
CONTENT_DEPS: frozenset[str] = frozenset(
    {"ccomp", "dobj", "xcomp", "acomp", "oprd", "attr", "advcl", "acl", "nsubjpass", "relcl", "dative"}
)

_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj"})
_PERSON_PRONOUNS = frozenset({"i", "you", "he", "she", "we", "they", "who"})
_OPENERS = frozenset(
    {
        "that", "to", "the", "a", "an", "whether", "if", "how", "what", "why", "when", "who", "which",
        "his", "her", "their", "its", "this", "these", "those", "it", "he", "she", "they", "we", "i",
    }
)  # fmt: skip
_EMBEDDED = ("ccomp", "relcl", "advcl", "acl")
_MODALS = frozenset({"will", "would", "can", "could", "may", "might", "should", "must", "shall", "'ll", "’ll"})
_FINITE = frozenset({"VBD", "VBP", "VBZ", "MD"})
_FORMAT = "newsdesk-cue-model/1"


@dataclass(slots=True, frozen=True)
class CueCandidate:
    """One possible attribution: a cue token and one way to read its content.

    ``pieces`` are token ranges ``[start, end)`` of the content, in order (a
    clause interrupted by its cue has two pieces); ``head`` is the token the
    content hangs from; ``holder`` is the cue's subject or possessor (-1 if none).
    """

    cue: int
    kind: str
    pieces: tuple[tuple[int, int], ...]
    head: int
    holder: int
    features: tuple[str, ...]


def cue_candidates(
    doc: Doc,
    *,
    lemmas: Iterable[str] | None = None,
    blocked: Sequence[bool] | None = None,
    sentence_features: Mapping[int, Sequence[str]] | None = None,
) -> list[CueCandidate]:
    """List the candidate attributions of one parsed article.

    Args:
        doc: A spaCy parse (tagger and parser required).
        lemmas: Lowercased lemmas allowed as cues; ``None`` allows every verb
            and noun (used when collecting training data).
        blocked: Per-token flags; flagged tokens are never cues (text inside
            quote marks or inside an attribution found otherwise).
        sentence_features: Extra features of the sentence starting at a
            token index, e.g. whether the rules found an attribution there.

    Returns:
        Candidates in token order.
    """
    allowed = None if lemmas is None else frozenset(lemmas)
    found: list[CueCandidate] = []
    # Embedded clauses per token prefix: a content holding clauses of its own is often a longer story.
    deps = doc.to_array([DEP]) if len(doc) else np.zeros(0, dtype=np.uint64)
    embedded = np.isin(deps, [doc.vocab.strings.add(d) for d in _EMBEDDED]).astype(np.int32)
    clauses = np.concatenate([[0], np.cumsum(embedded)]).tolist()
    for tok in doc:
        if tok.pos_ not in CUE_POS or (blocked is not None and blocked[tok.i]):
            continue
        lemma = tok.lemma_.lower()
        if allowed is not None and lemma not in allowed:
            continue
        shared, holder_kind, holder = _cue_features(tok, lemma)
        if sentence_features is not None:
            shared += sentence_features.get(tok.sent.start, ())
        shared += _neighbour_features(tok, lemma)
        variants = _contents(tok)
        sizes = sorted({sum(b - a for a, b in pieces) for _, pieces, _ in variants})
        for kind, pieces, head in variants:
            family = kind.split(":", 1)[0]
            # Where this reading sits among the cue's readings, shortest to longest.
            size = sum(b - a for a, b in pieces)
            rank = "short" if size == sizes[0] else "long" if size == sizes[-1] else "mid"
            rank = "only" if len(sizes) == 1 else rank
            inner = min(2, sum(clauses[b] - clauses[a] for a, b in pieces))
            extra = (
                f"skf={holder_kind}|{family}",
                f"tkf={tok.tag_}|{family}",
                f"dkf={tok.dep_}|{family}",
                f"emb={inner}",
                f"kemb={family}|{inner}",
                f"r={rank}",
                f"kr={family}|{rank}",
                f"lr={lemma}|{rank}",
            )
            features = (*shared, *extra, *_content_features(doc, tok, lemma, kind, pieces, head))
            found.append(CueCandidate(tok.i, kind, pieces, head, holder, features))
    return found


def reading_candidates(
    doc: Doc, readings: Sequence[tuple[int, tuple[tuple[int, int], ...]]]
) -> list[list[CueCandidate]]:
    """The ways to read the content of cues the rules have already attributed.

    Args:
        doc: A spaCy parse (tagger and parser required).
        readings: ``(cue token, content pieces)`` of each attribution the rules found.

    Returns:
        One group per reading: the rules' own reading first (kind ``rule``),
        then every other reading :func:`cue_candidates` lists for that cue,
        marked with how it relates to the rules' reading (inside it, around
        it, overlapping it, apart) and how their sizes compare.
    """
    if not readings:
        return []
    blocked = [True] * len(doc)
    for cue, _ in readings:
        blocked[cue] = False
    others: dict[int, list[CueCandidate]] = {}
    for cand in cue_candidates(doc, blocked=blocked):
        others.setdefault(cand.cue, []).append(cand)
    groups = []
    for cue, pieces in readings:
        tok, lemma = doc[cue], doc[cue].lemma_.lower()
        mine = {j for a, b in pieces for j in range(a, b)}
        head = next((j for j in sorted(mine) if doc[j].head.i not in mine or doc[j].head.i == j), pieces[0][0])
        shared, _, holder = _cue_features(tok, lemma)
        shared += _neighbour_features(tok, lemma)
        own = (*shared, "rule", f"rl={lemma}", *_content_features(doc, tok, lemma, "rule", pieces, head))
        group = [CueCandidate(cue, "rule", pieces, head, holder, own)]
        words = {j for j in mine if not doc[j].is_punct}
        for cand in others.get(cue, []):
            theirs = {j for a, b in cand.pieces for j in range(a, b)}
            if {j for j in theirs if not doc[j].is_punct} == words:
                continue  # the same words: the rules' reading, with its quote marks, stands
            relation = (
                "inside" if theirs < mine else "around" if theirs > mine else "overlap" if theirs & mine else "apart"
            )
            size = _size_ratio(len(theirs) / len(mine))
            family = cand.kind.split(":", 1)[0]
            extra = (
                "other",
                f"rel={relation}",
                f"size={size}",
                f"relsize={relation}|{size}",
                f"krel={family}|{relation}",
            )
            group.append(replace(cand, features=(*cand.features, *extra)))
        groups.append(group)
    return groups


def _size_ratio(ratio: float) -> str:
    """A coarse bin of one reading's size over another's."""
    return "<.5" if ratio < 0.5 else "<.9" if ratio < 0.9 else "~1" if ratio <= 1.1 else "<2" if ratio < 2 else ">2"


def _contents(tok: Token) -> list[tuple[str, tuple[tuple[int, int], ...], int]]:
    """The possible contents of cue ``tok`` as ``(kind, pieces, head)``."""
    out: list[tuple[str, tuple[tuple[int, int], ...], int]] = []
    children = list(tok.children)
    for child in children:
        dep = child.dep_
        if dep in CONTENT_DEPS:
            out.append((dep, ((child.left_edge.i, child.right_edge.i + 1),), child.i))
            if dep == "xcomp":
                obj = next((c for c in children if c.dep_ == "dobj" and c.i < child.i), None)
                if obj is not None:
                    out.append(("dobj+xcomp", ((obj.left_edge.i, child.right_edge.i + 1),), child.i))
        elif dep == "prep":
            for obj in child.children:
                if obj.dep_ in {"pobj", "pcomp"}:
                    out.append((f"prep:{child.lower_}", ((obj.left_edge.i, obj.right_edge.i + 1),), obj.i))
                    break
    right = [c for c in children if c.i > tok.i and c.dep_ not in {"punct", "cc", "conj", "mark", "prt", "neg"}]
    if len(right) > 1:
        # "never mentioned Sanders by name": everything the cue governs on its right.
        out.append(("rest", ((right[0].left_edge.i, max(c.right_edge.i for c in right) + 1),), right[0].i))
    head = tok.head
    if head.i != tok.i and tok.dep_ in {"parataxis", "ccomp", "advcl", "conj"} and head.pos_ in {"VERB", "AUX"}:
        # "The plan, records show, failed": the clause the cue interrupts or follows.
        host = ((head.left_edge.i, tok.left_edge.i), (tok.right_edge.i + 1, head.right_edge.i + 1))
        out.append((f"host:{tok.dep_}", tuple((a, b) for a, b in host if b > a), head.i))
    if tok.dep_ == "ROOT" and tok.pos_ == "VERB":
        # "The senator seemed tired": the whole sentence around the cue.
        sent = tok.sent
        around = ((sent.start, tok.i), (tok.i + 1, sent.end))
        out.append(("sent", tuple((a, b) for a, b in around if b > a), tok.i))
    out = [(kind, pieces, root) for kind, pieces, root in out if pieces]
    for kind, pieces, root in list(out):
        if len(pieces) == 1 and kind != "sent":
            cut = _before_comma(tok, root, *pieces[0])
            if cut is not None:
                # "refused to speak to reporters, who ...": the same content without its trailing aside.
                out.append((f"{kind}~", ((pieces[0][0], cut),), root))
            core = _core_end(tok.doc[root], *pieces[0])
            if core is not None and core != cut:
                # "attacked Machado in early-morning tweets", "to endorse Trump during a speech":
                # the phrase without the modifiers that trail its head.
                out.append((f"{kind}^", ((pieces[0][0], core),), root))
    # "blasted Clinton as a disgrace Wednesday on the show": the cue's objects without the adjuncts closing them.
    keep = len(right) - 1
    while keep >= 2 and right[keep].dep_ in _ADJUNCTS:
        end = max(c.right_edge.i for c in right[:keep]) + 1
        out.append(("rest^", ((right[0].left_edge.i, end),), right[0].i))
        keep -= 1
    return out


_NOUN_TAILS = frozenset({"prep", "acl", "relcl", "advcl"})
_ADJUNCTS = frozenset({"prep", "advcl", "npadvmod", "advmod"})


def _core_end(head: Token, start: int, end: int) -> int | None:
    """The end of ``[start, end)`` without the modifiers that trail its head (``None`` if none do).

    A noun phrase stops before the first prepositional phrase or clause after its
    noun; a clause stops before the adjuncts (time, place, manner) that close it.
    """
    rights = [c for c in head.rights if c.dep_ not in {"punct", "cc"}]
    if head.pos_ in {"NOUN", "PROPN", "PRON"}:
        tail = next((c for c in rights if c.dep_ in _NOUN_TAILS), None)
    elif head.pos_ in {"VERB", "AUX"}:
        kept = rights
        while kept and kept[-1].dep_ in _ADJUNCTS:
            kept = kept[:-1]
        tail = rights[len(kept)] if len(kept) < len(rights) else None
    else:
        return None
    if tail is None or not start < tail.left_edge.i < end:
        return None
    cut = tail.left_edge.i
    while cut > start + 1 and head.doc[cut - 1].is_punct:
        cut -= 1
    return cut if cut - start >= 2 or head.pos_ != "VERB" else None


def _before_comma(cue: Token, root: int, start: int, end: int) -> int | None:
    """The end of ``[start, end)`` cut at its first top-level comma (``None`` if there is none)."""
    doc = cue.doc
    for j in range(start + 1, end - 1):
        tok = doc[j]
        if tok.text not in {",", "—", "--", "–", ";"}:
            continue
        head = tok.head
        if head.i in {root, cue.i} or (
            head.dep_ in {"relcl", "appos", "advcl", "acl", "conj", "npadvmod"} and head.head.i == root
        ):
            return j
    return None


def _subject(tok: Token) -> Token | None:
    """The subject of ``tok``, climbing through infinitives and conjunctions."""
    for _ in range(3):
        for child in tok.children:
            if child.dep_ in _SUBJECTS:
                return child
        if tok.dep_ not in {"xcomp", "conj", "advcl", "acomp"} or tok.head.i == tok.i:
            return None
        tok = tok.head
    return None


def _kind_of(tok: Token) -> str:
    """A coarse type for a subject or possessor."""
    if tok.ent_type_ in {"PERSON", "ORG", "NORP", "GPE"}:
        return tok.ent_type_
    if tok.pos_ == "PRON":
        return "PRONP" if tok.lower_ in _PERSON_PRONOUNS else "PRON"
    return tok.pos_


def _neighbour_features(tok: Token, lemma: str) -> tuple[str, ...]:
    """The words either side of the cue ("told *reporters*", "*has* said", "called *for*")."""
    doc = tok.doc
    before = doc[tok.i - 1].lemma_.lower() if tok.i > 0 else "START"
    after = doc[tok.i + 1].lower_ if tok.i + 1 < len(doc) else "END"
    return (f"pw={before}", f"nw={after}", f"lnw={lemma}|{after}")


def _cue_features(tok: Token, lemma: str) -> tuple[list[str], str, int]:
    """Features of the cue itself, the type of its holder and the holder's token index (-1 if none)."""
    feats = [f"l={lemma}", f"lp={lemma}|{tok.pos_}", f"t={tok.tag_}", f"d={tok.dep_}", f"ld={lemma}|{tok.dep_}"]
    holder = -1
    if tok.pos_ == "NOUN":
        poss = next((c for c in tok.children if c.dep_ == "poss"), None)
        kind = "none" if poss is None else _kind_of(poss)
        holder = -1 if poss is None else poss.i
        feats += [f"poss={kind}", f"hl={tok.head.lemma_.lower()}|{tok.dep_}"]
    else:
        subject = _subject(tok)
        kind = "none" if subject is None else _kind_of(subject)
        feats.append(f"s={kind}")
        if subject is not None:
            holder = subject.i
            feats.append(f"ls={lemma}|{kind}")
            if subject.pos_ == "NOUN":
                feats.append(f"sl={subject.lemma_.lower()}")
    for child in tok.children:
        dep = child.dep_
        if dep == "neg":
            feats.append("neg")
        elif dep == "auxpass":
            feats += ["pass", f"lpass={lemma}"]
        elif dep == "aux" and child.lower_ in _MODALS:
            feats.append("modal")
        elif dep == "agent":
            feats.append("agent")
    if tok.dep_ in {"xcomp", "ccomp", "conj", "advcl", "relcl", "acl"}:
        feats.append(f"up={tok.head.lemma_.lower()}|{tok.dep_}")
    return feats, kind, holder


def _content_features(
    doc: Doc, tok: Token, lemma: str, kind: str, pieces: tuple[tuple[int, int], ...], head: int
) -> tuple[str, ...]:
    size = sum(b - a for a, b in pieces)
    first = doc[pieces[0][0]]
    first_word = first.lower_ if first.lower_ in _OPENERS else first.pos_
    words = "1" if size == 1 else "2" if size == 2 else "3-5" if size <= 5 else "6-12" if size <= 12 else "13+"
    family = kind.split(":", 1)[0]
    feats = [
        f"k={kind}",
        f"kf={family}",
        f"lk={lemma}|{kind}",
        f"lkf={lemma}|{family}",
        f"n={words}",
        f"kn={family}|{words}",
        f"f={first_word}",
        f"kfw={family}|{first_word}",
        f"lfw={lemma}|{first_word}",
    ]
    if family not in {"host", "sent"}:
        label = doc[head].ent_type_ or doc[head].pos_
        feats += [f"ch={label}", f"kch={family}|{label}", f"lchl={lemma}|{doc[head].lemma_.lower()}"]
    finite = any(doc[j].tag_ in _FINITE for a, b in pieces for j in range(a, b))
    feats.append(f"kfin={family}|{int(finite)}")
    end = pieces[-1][1]
    after = "END" if end >= len(doc) else doc[end].text if doc[end].is_punct else doc[end].pos_
    if end < len(doc) and doc[end].is_sent_start:
        after = "END"
    feats += [f"a={after}", f"ka={family}|{after}"]
    # Where the reading sits in its sentence, and how many asides it carries.
    sent = doc[pieces[0][0]].sent
    tail = end >= sent.end or all(doc[j].is_punct for j in range(end, sent.end))
    reach = ("S" if pieces[0][0] <= sent.start else "-") + ("E" if tail else "-")
    commas = sum(1 for a, b in pieces for j in range(a, b) if doc[j].text in {",", ";", "—", "–", "--"})
    commas_bin = "0" if commas == 0 else "1" if commas == 1 else "2+"
    feats += [f"reach={reach}", f"kreach={family}|{reach}", f"com={commas_bin}", f"kcom={family}|{commas_bin}"]
    if first.i == tok.i + 1 or (first.i == tok.i + 2 and doc[tok.i + 1].dep_ == "prep"):
        feats.append("adjacent")
    elif pieces[0][0] < tok.i:
        feats.append("before")
    return tuple(feats)


def context_vectors(doc: Doc, candidates: Sequence[CueCandidate]) -> np.ndarray | None:
    """Dense features of each candidate from the parser's contextual token vectors.

    Rows are the vectors of the cue token, of the content's head and the mean
    over the content's span, side by side; ``None`` when ``doc`` carries no
    token vectors (``doc.tensor``), e.g. when it was read back from a DocBin.
    """
    tensor = doc.tensor
    if not candidates or tensor is None or getattr(tensor, "ndim", 0) != 2 or tensor.shape[0] != len(doc):
        return None
    table = np.asarray(tensor, dtype=np.float32)
    cues = np.fromiter((c.cue for c in candidates), dtype=np.intp, count=len(candidates))
    heads = np.fromiter((c.head for c in candidates), dtype=np.intp, count=len(candidates))
    starts = np.fromiter((c.pieces[0][0] for c in candidates), dtype=np.intp, count=len(candidates))
    ends = np.fromiter((c.pieces[-1][1] for c in candidates), dtype=np.intp, count=len(candidates))
    sums = np.vstack([np.zeros((1, table.shape[1]), dtype=np.float32), np.cumsum(table, axis=0)])
    means = (sums[ends] - sums[starts]) / np.maximum(ends - starts, 1)[:, None]
    return np.hstack([table[cues], table[heads], means])


class CueModel:
    """Logistic regression over candidate features, stored as plain numbers.

    Sparse features are string indicators (:func:`cue_candidates`); dense
    features are the parser's token vectors (:func:`context_vectors`). Their
    weights are stored already divided by the training scale, so scoring is a
    dictionary lookup per string feature plus one dot product.

    Args:
        C: Inverse regularisation strength of the logistic regression.
        min_count: Features seen in fewer training candidates are dropped.
        min_cues: Lemmas that head fewer positive candidates are not cues.
        threshold: Probability from which a candidate is kept (tuned by the
            training script on held-out folds of the training split).
    """

    def __init__(self, *, C: float = 1.0, min_count: int = 3, min_cues: int = 3, threshold: float = 0.5) -> None:
        self.C = C
        self.min_count = min_count
        self.min_cues = min_cues
        self.threshold = threshold

    def fit(
        self,
        candidates: Sequence[CueCandidate],
        labels: Sequence[bool],
        lemmas: Sequence[str],
        vectors: np.ndarray | None = None,
    ) -> CueModel:
        """Learn the cue lemmas and the feature weights.

        Args:
            candidates: Training candidates (from :func:`cue_candidates` with ``lemmas=None``).
            labels: Whether each candidate matches an annotated attribution.
            lemmas: The cue lemma of each candidate.
            vectors: Optional dense features, one row per candidate (:func:`context_vectors`).

        Returns:
            ``self``, with ``lemmas_``, ``weights_``, ``dense_``, ``dense_offset_`` and ``bias_`` set.
        """
        from scipy.sparse import csr_matrix, hstack
        from sklearn.linear_model import LogisticRegression

        positives = Counter(lemma for lemma, y in zip(lemmas, labels, strict=True) if y)
        self.lemmas_ = frozenset(lemma for lemma, n in positives.items() if n >= self.min_cues)
        keep = [i for i, lemma in enumerate(lemmas) if lemma in self.lemmas_]
        counts = Counter(f for i in keep for f in set(candidates[i].features))
        vocabulary = sorted(f for f, n in counts.items() if n >= self.min_count)
        index = {f: k for k, f in enumerate(vocabulary)}
        rows, cols = [], []
        for row, i in enumerate(keep):
            for f in set(candidates[i].features):
                k = index.get(f)
                if k is not None:
                    rows.append(row)
                    cols.append(k)
        matrix = csr_matrix(([1.0] * len(rows), (rows, cols)), shape=(len(keep), len(vocabulary)))
        dense = None
        if vectors is not None:
            dense = np.asarray(vectors, dtype=np.float64)[keep]
            scale = dense.std(axis=0) + 1e-6
            matrix = hstack([matrix, csr_matrix(dense / scale)]).tocsr()
        regression = LogisticRegression(C=self.C, max_iter=3000, solver="liblinear")
        regression.fit(matrix, [bool(labels[i]) for i in keep])
        coef = regression.coef_[0]
        self.weights_ = {f: round(float(w), 4) for f, w in zip(vocabulary, coef, strict=False) if abs(w) >= 1e-3}
        self.bias_ = round(float(regression.intercept_[0]), 4)
        self.dense_ = None
        self.dense_offset_ = 0.0
        if dense is not None:
            self.dense_ = np.round(coef[len(vocabulary) :] / scale, 5)
            self.dense_offset_ = round(float((dense @ self.dense_).mean()), 4)
        return self

    def score(self, candidates: Sequence[CueCandidate], vectors: np.ndarray | None = None) -> list[float]:
        """Probability that each candidate is an attribution.

        Args:
            candidates: Candidates from :func:`cue_candidates`.
            vectors: Their :func:`context_vectors`; when missing (or of another
                width), a model with dense weights uses their training average.
        """
        weights = self.weights_
        sparse = (sum(weights.get(f, 0.0) for f in set(c.features)) for c in candidates)
        z = np.fromiter(sparse, dtype=np.float64, count=len(candidates))
        z += self.bias_
        if self.dense_ is not None:
            if vectors is not None and vectors.shape == (len(candidates), len(self.dense_)):
                z += vectors @ self.dense_
            else:
                z += self.dense_offset_
        return (1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))).tolist()

    def to_dict(self) -> dict[str, Any]:
        """The learned state as JSON-ready data."""
        return {
            "format": _FORMAT,
            "params": {"C": self.C, "min_count": self.min_count, "min_cues": self.min_cues},
            "threshold": self.threshold,
            "bias": self.bias_,
            "lemmas": sorted(self.lemmas_),
            "weights": dict(sorted(self.weights_.items())),
            "dense": None if self.dense_ is None else [float(w) for w in self.dense_],
            "dense_offset": self.dense_offset_,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CueModel:
        """Rebuild a fitted model from :meth:`to_dict` output.

        Raises:
            ValueError: If ``data`` is not a cue model of this format.
        """
        if data.get("format") != _FORMAT:
            raise ValueError(f"not a cue model file (format {data.get('format')!r}, expected {_FORMAT!r})")
        model = cls(**data["params"], threshold=float(data["threshold"]))
        model.bias_ = float(data["bias"])
        model.lemmas_ = frozenset(data["lemmas"])
        model.weights_ = {str(f): float(w) for f, w in data["weights"].items()}
        dense = data.get("dense")
        model.dense_ = None if dense is None else np.asarray(dense, dtype=np.float64)
        model.dense_offset_ = float(data.get("dense_offset", 0.0))
        return model

    def save(self, path: Path) -> None:
        """Write the model as compact JSON."""
        path.write_text(json.dumps(self.to_dict(), separators=(",", ":")) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> CueModel:
        """Read a model written by :meth:`save`."""
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def _packaged(name: str) -> CueModel:
    text = resources.files("newsdesk.enrich").joinpath(f"models/{name}").read_text(encoding="utf-8")
    return CueModel.from_dict(json.loads(text))


@cache
def default_cue_model() -> CueModel:
    """The cue model shipped with newsdesk (``enrich/models/attribution.json``), loaded once."""
    return _packaged("attribution.json")


@cache
def default_reading_model() -> CueModel:
    """The reading model shipped with newsdesk (``enrich/models/readings.json``), loaded once.

    It scores the groups of :func:`reading_candidates`; its threshold is not used.
    """
    return _packaged("readings.json")


__all__ = [
    "CONTENT_DEPS",
    "CUE_POS",
    "CueCandidate",
    "CueModel",
    "context_vectors",
    "cue_candidates",
    "default_cue_model",
    "default_reading_model",
    "reading_candidates",
]

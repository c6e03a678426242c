"""Stance of an article body toward a headline: agree / disagree / discuss / unrelated.

The task and labels are those of the Fake News Challenge (FNC-1). No neural
model: hand-built features, a linear lexical model and gradient-boosted trees.

1. Text space: a TF-IDF vocabulary of lightly stemmed words learned from the
   training headlines and bodies, and an LSA (truncated SVD) topic space over it.
2. Pair features (:func:`pair_features`): word, bigram and number overlap;
   TF-IDF, BM25 and LSA similarity of the headline with the body, its lead and
   its best-matching sentences; lexicon counts (refuting, negation, hedging,
   reporting, confirming, sceptical words) in the headline, the whole body, its
   second half and the sentences that match the headline; negation near
   matched words; polarity agreement in the FNC baseline's style; headline cues.
3. Lexical model (:class:`LexicalModel`): a logistic regression over n-grams of
   function and cue words only (headline, best-matching sentences, body), so it
   learns phrasing rather than topics. Its out-of-fold probabilities (folds
   hold out whole stories) become three more features.
4. Stage one (trees) tells related from unrelated; stage two (trees), trained
   on related pairs with extra weight on the rare ``disagree`` class, picks
   agree, disagree or discuss. ``P(unrelated)`` comes from stage one and each
   related label gets ``(1 - P(unrelated)) * P(label | related)``.

The fitted model is saved without pickle: ``stance.json`` (settings and
vocabularies) and ``stance.npz`` (``allow_pickle=False``: IDF weights, LSA
components, regression weights and the trees' node arrays, which
:class:`TreeEnsemble` evaluates with NumPy alone).
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)

LABELS: tuple[str, ...] = ("agree", "disagree", "discuss", "unrelated")
RELATED_LABELS: tuple[str, ...] = ("agree", "disagree", "discuss")
MODEL_DIR = Path(__file__).resolve().parent / "models"
DEFAULT_MODEL_PATH = MODEL_DIR / "stance"
FORMAT_VERSION = 1

# ---------------------------------------------------------------------------
# Tokens and lexicons
# ---------------------------------------------------------------------------

_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])|\n\s*\n|\n(?=\s*[A-Z“\"])")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _words(text: str) -> frozenset[str]:
    """A word list written as whitespace-separated text."""
    return frozenset(text.split())


STOP_WORDS = _words(
    """a about above after again against all am an and any are as at be because been before being below between
    both but by can could did do does doing down during each few for from further had has have having he her here
    hers herself him himself his how i if in into is it its itself just me more most my myself nor now of off on
    once only or other our ours ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours yourself yourselves s t don d ll m o re ve y also
    said says say one two new year years us mr mrs ms"""
)

# Words that deny or debunk (the FNC baseline list, extended).
REFUTE = _words(
    """fake fakes fraud fraudulent hoax hoaxes false falsely deny denies denied denying denial debunk debunks
    debunked debunking prank pranks pranked retract retracts retracted retraction bogus doubt doubts doubted
    doubtful nope untrue myth rumor rumors rumour rumours misleading refute refutes refuted dismiss dismisses
    dismissed fabricated fabrication satire satirical parody baseless unfounded incorrect wrong erroneous
    disputed dispute disputes reject rejects rejected rejecting nonsense lie lies lied spoof spoofs
    photoshopped doctored staged scam"""
)
NEGATION = _words(
    """not no never none nothing nobody neither nor cannot without isn't aren't wasn't weren't don't doesn't didn't
    won't wouldn't can't couldn't shouldn't hasn't haven't hadn't isn’t aren’t wasn’t weren’t don’t doesn’t
    didn’t won’t wouldn’t can’t couldn’t shouldn’t hasn’t haven’t hadn’t"""
)
HEDGE = _words(
    """allegedly alleged alleges allege reportedly reported purportedly supposedly apparently possibly
    possible perhaps maybe may might could unconfirmed unverified speculation speculate speculated
    speculating rumored rumoured claim claims claimed claiming suggest suggests suggested suggesting
    appears appear appeared seems seem seemed unclear whether believed believe believes thought likely
    unlikely report reports if question questions questioned"""
)
REPORT = _words(
    """said says say told tells according report reports reported reporting stated states statement
    announced announces claimed claims cited quoted spokesman spokeswoman spokesperson source sources
    officials official insisted added wrote tweeted posted"""
)
CONFIRM = _words(
    """confirm confirms confirmed confirming confirmation true indeed officially verified proven proved
    proof evidence revealed reveals shows showed shown definitely actually admitted admits admit real
    genuine authentic"""
)
# Words of articles that doubt a circulating story ("making the rounds", "went viral").
SKEPTIC = _words(
    """viral circulating circulated rounds sensational plausible implausible skeptical skeptic sceptical
    skepticism scepticism suspicious questionable dubious legitimate legit origin origins source sources
    satire satirical spoof parody hoax fake website site"""
)
# Headline cue groups, each a binary feature: the baseline's refuting words, split by meaning.
HEADLINE_CUES: dict[str, frozenset[str]] = {
    "cue_fake": _words("fake fakes hoax hoaxes prank pranks false bogus spoof satire myth untrue fraud"),
    "cue_deny": _words("deny denies denied denying denial dismiss dismisses dismissed reject rejects"),
    "cue_debunk": _words("debunk debunks debunked refute refutes refuted retract retracts retracted"),
    "cue_not": frozenset(NEGATION),
    "cue_confirm": _words("confirm confirms confirmed confirmation real true official officially"),
    "cue_hedge": _words("reportedly allegedly claims claim may might could rumor rumors rumour"),
}
REFUTE_PHRASES = frozenset(
    {
        ("not", "true"),
        ("no", "evidence"),
        ("not", "real"),
        ("turned", "out"),
        ("in", "fact"),
        ("no", "truth"),
        ("no", "proof"),
        ("not", "confirmed"),
        ("never", "happened"),
        ("made", "up"),
    }
)
HEDGE_PHRASES = frozenset(
    {("according", "to"), ("has", "not"), ("have", "not"), ("not", "yet"), ("could", "not"), ("if", "true")}
)
_LEXICONS: tuple[frozenset[str], ...] = (REFUTE, NEGATION, HEDGE, REPORT, CONFIRM, SKEPTIC)
_LEXICON_NAMES: tuple[str, ...] = ("refute", "negation", "hedge", "report", "confirm", "skeptic")


def tokenize(text: str) -> list[str]:
    """Lowercase word tokens (apostrophe contractions kept whole)."""
    return _TOKEN.findall(text.lower())


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light suffix stripper: enough to match plurals and verb forms between headline and body."""
    if len(word) <= 3 or word.isdigit():
        return word
    for suffix, repl, min_len in (
        ("'s", "", 3),
        ("’s", "", 3),
        ("ies", "y", 5),
        ("sses", "ss", 5),
        ("ing", "", 6),
        ("edly", "", 7),
        ("ed", "", 5),
        ("es", "", 6),
        ("ly", "", 6),
        ("s", "", 4),
    ):
        if word.endswith(suffix) and len(word) >= min_len:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            return word[: len(word) - len(suffix)] + repl
    return word


def split_sentences(text: str) -> list[str]:
    """Sentences of a body: end punctuation before a capital, or blank lines."""
    parts = [p.strip() for p in _SENTENCE_END.split(text)]
    return [p for p in parts if p and _TOKEN.search(p.lower())]


def lexicon_counts(tokens: Sequence[str]) -> np.ndarray:
    """Counts of the words of each lexicon (:data:`_LEXICON_NAMES`) in a token list, phrases included."""
    counts = np.zeros(len(_LEXICONS), dtype=np.float64)
    for tok in tokens:
        for i, lex in enumerate(_LEXICONS):
            if tok in lex:
                counts[i] += 1
    for a, b in pairwise(tokens):
        if (a, b) in REFUTE_PHRASES:
            counts[0] += 1
        elif (a, b) in HEDGE_PHRASES:
            counts[2] += 1
    return counts


# ---------------------------------------------------------------------------
# Text space: vocabulary, IDF, LSA
# ---------------------------------------------------------------------------


def content_stems(tokens: Iterable[str]) -> list[str]:
    """Stems of the tokens that are not stop words."""
    return [stem(t) for t in tokens if t not in STOP_WORDS and len(t) > 1]


@dataclass
class TextSpace:
    """TF-IDF vocabulary (stems) and an LSA projection, learned from a corpus of texts.

    Args:
        max_features: Vocabulary size (most frequent stems by document frequency).
        n_components: LSA dimensions.
        random_state: Seed of the randomized SVD.
    """

    max_features: int = 8000
    n_components: int = 64
    random_state: int = 0
    vocabulary_: dict[str, int] = field(default_factory=dict)
    idf_: np.ndarray = field(default_factory=lambda: np.zeros(0))
    components_: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    n_docs_: int = 0
    avg_len_: float = 0.0

    def fit(self, texts: Sequence[str]) -> TextSpace:
        """Learn vocabulary, IDF and LSA components from ``texts`` (each counted once)."""
        from scipy import sparse
        from sklearn.decomposition import TruncatedSVD

        docs = [content_stems(tokenize(t)) for t in texts]
        df: Counter[str] = Counter()
        for d in docs:
            df.update(set(d))
        kept = [w for w, c in sorted(df.items(), key=lambda kv: (-kv[1], kv[0])) if c >= 2][: self.max_features]
        self.vocabulary_ = {w: i for i, w in enumerate(sorted(kept))}
        n = len(docs)
        self.n_docs_ = n
        self.avg_len_ = float(np.mean([len(d) for d in docs])) if docs else 0.0
        idf = np.zeros(len(self.vocabulary_))
        for w, i in self.vocabulary_.items():
            idf[i] = math.log((1 + n) / (1 + df[w])) + 1.0
        self.idf_ = idf
        rows, cols, vals = [], [], []
        for r, d in enumerate(docs):
            vec = self.vector_from_stems(d)
            for c, v in vec.items():
                rows.append(r)
                cols.append(c)
                vals.append(v)
        matrix = sparse.csr_matrix((vals, (rows, cols)), shape=(n, len(self.vocabulary_)))
        k = min(self.n_components, max(1, min(matrix.shape) - 1))
        svd = TruncatedSVD(n_components=k, random_state=self.random_state, algorithm="randomized", n_iter=7)
        svd.fit(matrix)
        # Stored as float16 in the model file: round now so training sees the saved values.
        self.components_ = svd.components_.astype(np.float16).astype(np.float32)
        return self

    def vector_from_stems(self, stems: Sequence[str]) -> dict[int, float]:
        """Sublinear TF-IDF vector, L2-normalised, as {term index: weight}."""
        counts = Counter(self.vocabulary_[s] for s in stems if s in self.vocabulary_)
        vec = {i: (1.0 + math.log(c)) * float(self.idf_[i]) for i, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vec.values()))
        return {i: v / norm for i, v in vec.items()} if norm else {}

    def project(self, vec: dict[int, float]) -> np.ndarray:
        """LSA coordinates of a TF-IDF vector, L2-normalised (zeros for an empty vector)."""
        if not vec:
            return np.zeros(self.components_.shape[0], dtype=np.float64)
        idx = np.fromiter(vec.keys(), dtype=np.int64)
        val = np.fromiter(vec.values(), dtype=np.float64)
        out = self.components_[:, idx].astype(np.float64) @ val
        norm = float(np.linalg.norm(out))
        return out / norm if norm else out

    def idf(self, stem_: str) -> float:
        """IDF of a stem; unseen stems get the highest IDF (they are rare)."""
        i = self.vocabulary_.get(stem_)
        return float(self.idf_[i]) if i is not None else math.log(1 + self.n_docs_) + 1.0


def _cos(a: dict[int, float], b: dict[int, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(i, 0.0) for i, v in a.items())


# ---------------------------------------------------------------------------
# Per-text analysis (cached per distinct text in batch extraction)
# ---------------------------------------------------------------------------


@dataclass
class _Headline:
    tokens: list[str]
    stems: list[str]
    stem_set: frozenset[str]
    bigrams: set[tuple[str, str]]
    numbers: set[str]
    vec: dict[int, float]
    lsa: np.ndarray
    lex: np.ndarray
    question: float
    raw: str


@dataclass
class _Body:
    tokens: list[str]
    stems_all: list[str]  # stem of every token (stop words included), aligned with tokens
    stem_counts: Counter[str]
    bigrams: set[tuple[str, str]]
    numbers: set[str]
    vec: dict[int, float]
    lsa: np.ndarray
    lex: np.ndarray
    sent_tokens: list[list[str]]
    sent_stems: list[set[str]]
    sent_vecs: list[dict[int, float]]
    sent_lex: np.ndarray  # (n_sentences, n_lexicons)
    sent_question: np.ndarray
    sent_lsa: np.ndarray  # (n_sentences, k)
    lead_vec: dict[int, float]
    negated_stems: frozenset[str]
    quotes: float
    n_content: int


def _analyse_headline(text: str, space: TextSpace) -> _Headline:
    tokens = tokenize(text)
    stems = content_stems(tokens)
    vec = space.vector_from_stems(stems)
    return _Headline(
        tokens=tokens,
        stems=stems,
        stem_set=frozenset(stems),
        bigrams=set(pairwise(stems)),
        numbers=set(_NUMBER.findall(text)),
        vec=vec,
        lsa=space.project(vec),
        lex=lexicon_counts(tokens),
        question=float("?" in text),
        raw=text,
    )


_NEG_WINDOW = 4


def _analyse_body(text: str, space: TextSpace) -> _Body:
    sentences = split_sentences(text) or [text]
    sent_tokens = [tokenize(s) for s in sentences]
    tokens = [t for st in sent_tokens for t in st]
    stems_all = [stem(t) for t in tokens]
    content = [s for t, s in zip(tokens, stems_all, strict=True) if t not in STOP_WORDS and len(t) > 1]
    sent_stems = [set(content_stems(st)) for st in sent_tokens]
    sent_vecs = [space.vector_from_stems(content_stems(st)) for st in sent_tokens]
    vec = space.vector_from_stems(content)
    lead_vec = space.vector_from_stems([s for st in sent_tokens[:2] for s in content_stems(st)])
    negated: set[str] = set()
    for i, tok in enumerate(tokens):
        if tok in NEGATION or tok in REFUTE:
            lo, hi = max(0, i - _NEG_WINDOW), min(len(tokens), i + _NEG_WINDOW + 1)
            negated.update(stems_all[lo:hi])
    sent_lsa = (
        np.vstack([space.project(v) for v in sent_vecs]) if sent_vecs else np.zeros((0, space.components_.shape[0]))
    )
    return _Body(
        tokens=tokens,
        stems_all=stems_all,
        stem_counts=Counter(content),
        bigrams=set(pairwise(content)),
        numbers=set(_NUMBER.findall(text)),
        vec=vec,
        lsa=space.project(vec),
        lex=lexicon_counts(tokens),
        sent_tokens=sent_tokens,
        sent_stems=sent_stems,
        sent_vecs=sent_vecs,
        sent_lex=np.vstack([lexicon_counts(st) for st in sent_tokens]),
        sent_question=np.array([float("?" in s) for s in sentences]),
        sent_lsa=sent_lsa,
        lead_vec=lead_vec,
        negated_stems=frozenset(negated),
        quotes=float(len(re.findall(r"[\"“”]", text))),
        n_content=len(content),
    )


# ---------------------------------------------------------------------------
# Pair features
# ---------------------------------------------------------------------------

_TOP_K = 3


def _feature_names() -> list[str]:
    names = [
        "h_len",
        "b_log_len",
        "b_log_sentences",
        "overlap_frac",
        "overlap_idf_frac",
        "overlap_jaccard",
        "overlap_lead_frac",
        "overlap_best_sent_frac",
        "missing_max_idf",
        "bigram_frac",
        "number_frac",
        "number_missing",
        "cos_body",
        "cos_lead",
        "cos_sent_max",
        "cos_sent_2nd",
        "cos_sent_top3_mean",
        "cos_sent_argmax_pos",
        "n_sent_cos_gt_02",
        "frac_sent_cos_gt_02",
        "lsa_body",
        "lsa_sent_max",
        "bm25",
        "bm25_norm",
        "h_question",
        "b_quotes_rate",
        "b_question_rate",
        "top_question",
        "matched_negated_frac",
        "matched_negated_idf",
        "polarity_h",
        "polarity_b",
        "polarity_top",
        "polarity_match",
    ]
    for prefix in ("h", "b_rate", "lead", "top", "matched"):
        names += [f"{prefix}_{lex}" for lex in _LEXICON_NAMES]
    names += [f"tail_{lex}" for lex in _LEXICON_NAMES]
    names += ["h_refute_x_top_refute", "h_refute_x_b_refute_rate", "top_refute_minus_h_refute"]
    names += [f"h_{cue}" for cue in HEADLINE_CUES]
    return names


FEATURE_NAMES: tuple[str, ...] = tuple(_feature_names())


def _features(h: _Headline, b: _Body, space: TextSpace) -> tuple[np.ndarray, np.ndarray]:
    """Dense features of one pair, and the indices of the body sentences closest to the headline."""
    hs = h.stem_set
    h_len = len(hs)
    in_body = [s for s in hs if s in b.stem_counts]
    idf_total = math.fsum(space.idf(s) for s in hs) or 1.0
    overlap_idf = math.fsum(space.idf(s) for s in in_body) / idf_total
    body_set = set(b.stem_counts)
    union = len(hs | body_set) or 1
    lead_stems = set().union(*b.sent_stems[:2]) if b.sent_stems else set()
    missing_idf = max((space.idf(s) for s in hs if s not in b.stem_counts), default=0.0)

    sims = np.array([_cos(h.vec, v) for v in b.sent_vecs]) if b.sent_vecs else np.zeros(1)
    order = np.argsort(-sims, kind="stable")
    top = order[:_TOP_K]
    best = int(order[0])
    best_overlap = len(hs & b.sent_stems[best]) / h_len if h_len and b.sent_stems else 0.0
    lsa_sents = b.sent_lsa @ h.lsa if b.sent_lsa.shape[0] else np.zeros(1)

    # BM25 of the headline's stems against the body.
    k1, bb = 1.2, 0.75
    doc_len = b.n_content
    norm_len = k1 * (1 - bb + bb * doc_len / (space.avg_len_ or 1.0))
    # fsum: exact, so the order of iterating a set (hash-seeded) cannot change the last bit.
    bm25 = math.fsum(space.idf(s) * b.stem_counts[s] * (k1 + 1) / (b.stem_counts[s] + norm_len) for s in in_body)
    n_sent = len(b.sent_tokens)

    top_lex = b.sent_lex[top].sum(axis=0) if len(top) else np.zeros(len(_LEXICONS))
    lead_lex = b.sent_lex[:3].sum(axis=0)
    matched_rows = [i for i, ss in enumerate(b.sent_stems) if len(ss & hs) >= max(1, min(2, h_len))]
    matched_lex = b.sent_lex[matched_rows].sum(axis=0) / len(matched_rows) if matched_rows else np.zeros(len(_LEXICONS))
    half = len(b.sent_tokens) // 2
    tail_lex = b.sent_lex[half:].sum(axis=0) * 100.0 / max(1, sum(len(st) for st in b.sent_tokens[half:]))
    per100 = 100.0 / max(1, len(b.tokens))

    negated = [s for s in in_body if s in b.negated_stems]
    neg_idf = math.fsum(space.idf(s) for s in negated) / idf_total

    pol_h = h.lex[0] + h.lex[1]
    pol_b = b.lex[0] + b.lex[1]
    pol_top = top_lex[0] + top_lex[1]

    feats = [
        h_len,
        math.log1p(len(b.tokens)),
        math.log1p(n_sent),
        len(in_body) / h_len if h_len else 0.0,
        overlap_idf,
        len(hs & body_set) / union,
        len(hs & lead_stems) / h_len if h_len else 0.0,
        best_overlap,
        missing_idf,
        len(h.bigrams & b.bigrams) / len(h.bigrams) if h.bigrams else 0.0,
        len(h.numbers & b.numbers) / len(h.numbers) if h.numbers else -1.0,
        float(len(h.numbers - b.numbers)),
        _cos(h.vec, b.vec),
        _cos(h.vec, b.lead_vec),
        float(sims[order[0]]),
        float(sims[order[1]]) if len(order) > 1 else 0.0,
        float(sims[top].mean()),
        best / max(1, n_sent - 1),
        float((sims > 0.2).sum()),
        float((sims > 0.2).mean()),
        float(h.lsa @ b.lsa),
        float(lsa_sents.max()),
        bm25,
        bm25 / idf_total,
        h.question,
        b.quotes * per100,
        float(b.sent_question.mean()),
        float(b.sent_question[top].sum()) if len(top) else 0.0,
        len(negated) / len(in_body) if in_body else 0.0,
        neg_idf,
        float(pol_h % 2),
        float(pol_b % 2),
        float(pol_top % 2),
        float((pol_h % 2) == (pol_top % 2)),
    ]
    feats += list(h.lex)
    feats += list(b.lex * per100)
    feats += list(lead_lex)
    feats += list(top_lex)
    feats += list(matched_lex)
    feats += list(tail_lex)
    feats += [h.lex[0] * top_lex[0], h.lex[0] * b.lex[0] * per100, top_lex[0] - h.lex[0]]
    h_tokens = set(h.tokens)
    feats += [float(bool(h_tokens & cue)) for cue in HEADLINE_CUES.values()]
    return np.asarray(feats, dtype=np.float64), top


def _segment_terms(prefix: str, tokens: Sequence[str], keep: frozenset[str]) -> list[str]:
    """Unigrams and bigrams of the kept (function / cue) words of one text segment."""
    kept = [t for t in tokens if t in keep]
    terms = [f"{prefix}{t}" for t in kept]
    terms += [f"{prefix}{a}_{b}" for a, b in pairwise(kept)]
    return terms


@dataclass(frozen=True)
class LexicalDoc:
    """Term counts of one pair: ``shared`` (the body's ``b_`` terms, one object per body) and ``own``.

    The two never share a term (different prefixes), so the body part can be
    weighted once per body however many headlines it is paired with.
    """

    shared: Counter[str]
    own: Counter[str]

    def counts(self) -> Counter[str]:
        """All term counts of the pair."""
        return self.shared + self.own


def _analyse_pairs(
    headlines: Sequence[str], bodies: Sequence[str], space: TextSpace, function_words: frozenset[str] | None
) -> tuple[np.ndarray, list[LexicalDoc]]:
    """Dense features of every pair and, when ``function_words`` is given, its lexical terms."""
    if len(headlines) != len(bodies):
        raise ValueError(f"{len(headlines)} headlines but {len(bodies)} bodies: pass one body per headline")
    h_cache: dict[str, _Headline] = {}
    b_cache: dict[str, tuple[_Body, Counter[str]]] = {}
    out = np.zeros((len(headlines), len(FEATURE_NAMES)), dtype=np.float64)
    docs: list[LexicalDoc] = []
    for i, (h, b) in enumerate(zip(headlines, bodies, strict=True)):
        ha = h_cache.get(h)
        if ha is None:
            ha = h_cache[h] = _analyse_headline(h, space)
        cached = b_cache.get(b)
        if cached is None:
            body = _analyse_body(b, space)
            body_terms = Counter(_segment_terms("b_", body.tokens, function_words) if function_words else [])
            cached = b_cache[b] = (body, body_terms)
        ba, body_terms = cached
        out[i], top = _features(ha, ba, space)
        if function_words is not None:
            top_tokens = [t for j in top for t in ba.sent_tokens[int(j)]]
            own = Counter(_segment_terms("h_", ha.tokens, function_words))
            own.update(_segment_terms("s_", top_tokens, function_words))
            docs.append(LexicalDoc(body_terms, own))
    return out, docs


def pair_features(headlines: Sequence[str], bodies: Sequence[str], space: TextSpace) -> np.ndarray:
    """Feature matrix of (headline, body) pairs, one row per pair, columns :data:`FEATURE_NAMES`.

    Each distinct headline and body is analysed once, so a batch with many pairs
    per body (as in FNC-1) costs little more than its pairs' comparisons.

    Raises:
        ValueError: when the two sequences differ in length.
    """
    return _analyse_pairs(headlines, bodies, space, None)[0]


def lexical_terms(headline: str, body: str, function_words: frozenset[str], space: TextSpace) -> Counter[str]:
    """The terms the lexical stance model reads for one pair.

    Only function and cue words are kept (the most common words of news bodies
    plus the stance lexicons), so the model learns how a text is phrased, not
    which topic it covers: ``h_`` terms from the headline, ``s_`` terms from the
    three body sentences closest to the headline and ``b_`` terms from the
    whole body, each as unigrams and bigrams.
    """
    return _analyse_pairs([headline], [body], space, function_words)[1][0].counts()


# ---------------------------------------------------------------------------
# Lexical stance model (logistic regression over function-word n-grams)
# ---------------------------------------------------------------------------


@dataclass
class LexicalModel:
    """Sublinear TF-IDF over term lists and a multinomial logistic regression.

    Args:
        max_features: Vocabulary size (terms by document frequency, at least ``min_df``).
        min_df: Minimum number of documents a term must occur in.
        C: Inverse regularisation strength of the logistic regression.
    """

    max_features: int = 30000
    min_df: int = 3
    C: float = 1.0
    vocabulary_: dict[str, int] = field(default_factory=dict)
    idf_: np.ndarray = field(default_factory=lambda: np.zeros(0))
    coef_: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    intercept_: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def fit(self, docs: Sequence[LexicalDoc], y: np.ndarray, sample_weight: np.ndarray) -> LexicalModel:
        """Learn the vocabulary, IDF and the regression from pairs' terms and integer labels."""
        from sklearn.linear_model import LogisticRegression

        df: Counter[str] = Counter()
        for d in docs:
            df.update(d.shared.keys())
            df.update(d.own.keys())
        kept = [t for t, c in sorted(df.items(), key=lambda kv: (-kv[1], kv[0])) if c >= self.min_df]
        self.vocabulary_ = {t: i for i, t in enumerate(sorted(kept[: self.max_features]))}
        n = len(docs)
        self.idf_ = np.array([math.log((1 + n) / (1 + df[t])) + 1.0 for t in sorted(self.vocabulary_)])
        lr = LogisticRegression(C=self.C, max_iter=3000)
        lr.fit(self.transform(docs), y, sample_weight=sample_weight)
        self.coef_ = lr.coef_.astype(np.float32)
        self.intercept_ = lr.intercept_.astype(np.float64)
        return self

    def _weights(self, counts: Mapping[str, int]) -> tuple[np.ndarray, np.ndarray]:
        vocab, idf = self.vocabulary_, self.idf_
        idx = [vocab[t] for t in counts if t in vocab]
        tf = [counts[t] for t in counts if t in vocab]
        index = np.asarray(idx, dtype=np.int64)
        return index, (1.0 + np.log(np.asarray(tf, dtype=np.float64))) * idf[index]

    def transform(self, docs: Sequence[LexicalDoc]) -> Any:
        """Sparse L2-normalised sublinear TF-IDF matrix of the pairs' terms."""
        from scipy import sparse

        shared_cache: dict[int, tuple[np.ndarray, np.ndarray, float]] = {}
        indptr, indices, values = [0], [], []
        for d in docs:
            key = id(d.shared)
            if key not in shared_cache:
                s_idx, s_val = self._weights(d.shared)
                shared_cache[key] = (s_idx, s_val, float(s_val @ s_val))
            s_idx, s_val, s_ss = shared_cache[key]
            o_idx, o_val = self._weights(d.own)
            norm = math.sqrt(s_ss + float(o_val @ o_val)) or 1.0
            indices.append(s_idx)
            indices.append(o_idx)
            values.append(s_val / norm)
            values.append(o_val / norm)
            indptr.append(indptr[-1] + len(s_idx) + len(o_idx))
        matrix = sparse.csr_matrix(
            (
                np.concatenate(values) if values else np.zeros(0),
                np.concatenate(indices) if indices else np.zeros(0, dtype=np.int64),
                np.asarray(indptr, dtype=np.int64),
            ),
            shape=(len(docs), len(self.vocabulary_)),
        )
        matrix.sort_indices()
        return matrix

    def predict_proba(self, docs: Sequence[LexicalDoc]) -> np.ndarray:
        """Class probabilities (softmax of the linear scores), columns in label order."""
        scores = self.transform(docs) @ self.coef_.T.astype(np.float64) + self.intercept_
        return _softmax(np.asarray(scores))


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


# ---------------------------------------------------------------------------
# Gradient-boosted trees as plain arrays
# ---------------------------------------------------------------------------


@dataclass
class TreeEnsemble:
    """The trees of a fitted ``HistGradientBoostingClassifier`` as flat NumPy arrays.

    Numeric splits only (no categorical features): a sample goes left when its
    value is ``<= threshold``, and missing values follow ``missing_left``, as in
    scikit-learn's predictor. Node links are global indices into the arrays.
    """

    feature: np.ndarray  # int32, per node
    threshold: np.ndarray  # float64
    missing_left: np.ndarray  # bool
    left: np.ndarray  # int32, global node index
    right: np.ndarray  # int32
    is_leaf: np.ndarray  # bool
    value: np.ndarray  # float64, leaf values (learning rate included)
    roots: np.ndarray  # int32, root node of each tree
    tree_class: np.ndarray  # int32, output column of each tree
    baseline: np.ndarray  # float64, one per output column

    _ARRAYS = (
        "feature",
        "threshold",
        "missing_left",
        "left",
        "right",
        "is_leaf",
        "value",
        "roots",
        "tree_class",
        "baseline",
    )

    @classmethod
    def from_sklearn(cls, model: Any) -> TreeEnsemble:
        """Copy the trees out of a fitted ``HistGradientBoostingClassifier``."""
        parts: dict[str, list[np.ndarray]] = {k: [] for k in ("feature", "threshold", "missing_left", "left")}
        parts.update({k: [] for k in ("right", "is_leaf", "value")})
        roots, classes = [], []
        offset = 0
        for iteration in model._predictors:
            for k, predictor in enumerate(iteration):
                nodes = predictor.nodes
                if np.any(nodes["is_categorical"]):
                    raise ValueError("categorical splits are not supported by TreeEnsemble")
                parts["feature"].append(nodes["feature_idx"].astype(np.int32))
                parts["threshold"].append(nodes["num_threshold"].astype(np.float64))
                parts["missing_left"].append(nodes["missing_go_to_left"].astype(bool))
                parts["left"].append(nodes["left"].astype(np.int32) + offset)
                parts["right"].append(nodes["right"].astype(np.int32) + offset)
                parts["is_leaf"].append(nodes["is_leaf"].astype(bool))
                parts["value"].append(nodes["value"].astype(np.float64))
                roots.append(offset)
                classes.append(k)
                offset += len(nodes)
        arrays = {k: np.concatenate(v) for k, v in parts.items()}
        return cls(
            **arrays,
            roots=np.asarray(roots, dtype=np.int32),
            tree_class=np.asarray(classes, dtype=np.int32),
            baseline=np.asarray(model._baseline_prediction, dtype=np.float64).ravel(),
        )

    def raw_predict(self, X: np.ndarray, batch_size: int = 4096) -> np.ndarray:
        """Summed leaf values plus the baseline, shape ``(n_samples, n_outputs)``.

        All (sample, tree) paths advance together one level per step; only the
        paths not yet at a leaf are touched.
        """
        X = np.ascontiguousarray(X, dtype=np.float64)
        n_trees = len(self.roots)
        to_output = np.zeros((n_trees, len(self.baseline)))
        to_output[np.arange(n_trees), self.tree_class] = 1.0
        out = np.tile(self.baseline, (X.shape[0], 1))
        for start in range(0, X.shape[0], batch_size):
            xb = X[start : start + batch_size]
            n = xb.shape[0]
            flat_x = xb.ravel()
            node = np.tile(self.roots, n)
            base = np.repeat(np.arange(n, dtype=np.int64) * xb.shape[1], n_trees)
            active = np.flatnonzero(~self.is_leaf[node])
            while active.size:
                at = node[active]
                values = flat_x[base[active] + self.feature[at]]
                go_left = np.where(np.isnan(values), self.missing_left[at], values <= self.threshold[at])
                node[active] = np.where(go_left, self.left[at], self.right[at])
                active = active[~self.is_leaf[node[active]]]
            out[start : start + n] += self.value[node].reshape(n, n_trees) @ to_output
        return out

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Class probabilities: sigmoid for one output (binary), softmax otherwise."""
        raw = self.raw_predict(X)
        if raw.shape[1] == 1:
            p1 = 1.0 / (1.0 + np.exp(-raw[:, 0]))
            return np.column_stack([1.0 - p1, p1])
        return _softmax(raw)

    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        """The arrays under ``prefix``-ed names, for ``np.savez``."""
        return {f"{prefix}{k}": getattr(self, k) for k in self._ARRAYS}

    @classmethod
    def from_arrays(cls, arrays: Any, prefix: str) -> TreeEnsemble:
        """Rebuild from arrays saved by :meth:`to_arrays`."""
        return cls(**{k: np.asarray(arrays[f"{prefix}{k}"]) for k in cls._ARRAYS})


# ---------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------


def _group_folds(groups: Sequence[Any], n_folds: int, seed: int) -> np.ndarray:
    """Fold number of each item; all items of a group share a fold (groups shuffled with ``seed``)."""
    unique = sorted({str(g) for g in groups})
    order = np.random.RandomState(seed).permutation(len(unique))
    fold_of = {unique[j]: i % n_folds for i, j in enumerate(order)}
    return np.array([fold_of[str(g)] for g in groups], dtype=np.int64)


class StanceModel:
    """Stance of a body toward a headline (agree / disagree / discuss / unrelated).

    Args:
        max_vocabulary: Size of the TF-IDF vocabulary of stems.
        n_topics: LSA dimensions of the topic similarity features.
        n_function_words: How many of the most common body words the lexical model reads.
        lexical_max_features: Vocabulary size of the lexical model.
        lexical_C: Regularisation of the lexical model (inverse strength).
        n_folds: Folds of the out-of-fold lexical probabilities that stage two learns from.
        related_iterations: Boosting iterations of stage one (related vs unrelated).
        related_learning_rate: Learning rate of stage one.
        stance_iterations: Boosting iterations of stage two (agree / disagree / discuss).
        stance_learning_rate: Learning rate of stage two.
        max_leaf_nodes: Leaves per tree (both stages).
        l2_regularization: L2 penalty on leaf values of stage two.
        disagree_weight: Sample weight of ``disagree`` pairs in stage two and in the lexical model.
        random_state: Seed of every random choice (folds, SVD, boosting).
    """

    def __init__(
        self,
        *,
        max_vocabulary: int = 8000,
        n_topics: int = 64,
        n_function_words: int = 400,
        lexical_max_features: int = 30000,
        lexical_C: float = 1.0,
        n_folds: int = 5,
        related_iterations: int = 300,
        related_learning_rate: float = 0.1,
        stance_iterations: int = 300,
        stance_learning_rate: float = 0.05,
        max_leaf_nodes: int = 31,
        l2_regularization: float = 1.0,
        disagree_weight: float = 2.0,
        random_state: int = 0,
    ) -> None:
        self.max_vocabulary = max_vocabulary
        self.n_topics = n_topics
        self.n_function_words = n_function_words
        self.lexical_max_features = lexical_max_features
        self.lexical_C = lexical_C
        self.n_folds = n_folds
        self.related_iterations = related_iterations
        self.related_learning_rate = related_learning_rate
        self.stance_iterations = stance_iterations
        self.stance_learning_rate = stance_learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.l2_regularization = l2_regularization
        self.disagree_weight = disagree_weight
        self.random_state = random_state

    def get_params(self) -> dict[str, Any]:
        """The constructor parameters."""
        return {name: getattr(self, name) for name in _PARAM_NAMES}

    # -- fitting -----------------------------------------------------------

    def fit(
        self,
        headlines: Sequence[str],
        bodies: Sequence[str],
        labels: Sequence[str],
        groups: Sequence[Any] | None = None,
    ) -> StanceModel:
        """Learn the text space, the lexical model and both tree stages from labelled pairs.

        1. TF-IDF vocabulary and LSA topics from the distinct headlines and bodies.
        2. Function words: the most common words of the bodies plus the stance lexicons.
        3. Dense pair features and lexical terms for every pair.
        4. Out-of-fold lexical probabilities for the related pairs (folds keep a
           group together, so stage two sees how reliable they are on unseen text),
           then the lexical model refitted on all related pairs.
        5. Stage one on all pairs; stage two on related pairs, dense features plus
           the lexical probabilities, with ``disagree`` weighted up.

        Args:
            headlines: One headline per pair.
            bodies: The body text of each pair.
            labels: One of :data:`LABELS` per pair.
            groups: Optional group of each pair for the out-of-fold split (e.g. a
                story id); pairs with the same body are always kept together.

        Returns:
            self

        Raises:
            ValueError: on an unknown label or sequences of different lengths.
        """
        from sklearn.ensemble import HistGradientBoostingClassifier

        if not (len(headlines) == len(bodies) == len(labels)):
            raise ValueError("headlines, bodies and labels must have the same length")
        unknown = sorted(set(labels) - set(LABELS))
        if unknown:
            raise ValueError(f"unknown stance labels {unknown}; expected some of {list(LABELS)}")
        y = np.array([LABELS.index(label) for label in labels], dtype=np.int64)
        related = y != LABELS.index("unrelated")
        if related.sum() == 0 or len(set(y[related])) < len(RELATED_LABELS):
            raise ValueError("training data needs related pairs of each of agree, disagree and discuss")

        distinct = sorted(set(headlines)) + sorted(set(bodies))
        self.space_ = TextSpace(self.max_vocabulary, self.n_topics, self.random_state).fit(distinct)
        df: Counter[str] = Counter()
        for body in set(bodies):
            df.update(set(tokenize(body)))
        common = [w for w, _ in sorted(df.items(), key=lambda kv: (-kv[1], kv[0]))[: self.n_function_words]]
        self.function_words_ = frozenset(common) | REFUTE | NEGATION | HEDGE | REPORT | CONFIRM | SKEPTIC
        logger.info("pair features for %d pairs", len(y))
        X, docs = _analyse_pairs(headlines, bodies, self.space_, self.function_words_)

        rel_idx = np.flatnonzero(related)
        y_rel = y[rel_idx]
        weights = np.where(y_rel == LABELS.index("disagree"), self.disagree_weight, 1.0)
        rel_docs = [docs[i] for i in rel_idx.tolist()]
        group_keys = [bodies[i] if groups is None else groups[i] for i in rel_idx.tolist()]
        folds = _group_folds(group_keys, self.n_folds, self.random_state)
        oof = np.zeros((len(rel_idx), len(RELATED_LABELS)))
        for k in range(self.n_folds):
            test = folds == k
            if not test.any() or len(set(y_rel[~test])) < len(RELATED_LABELS):
                raise ValueError("too few groups for the out-of-fold split; lower n_folds")
            fold_model = LexicalModel(self.lexical_max_features, 3, self.lexical_C)
            fold_model.fit([rel_docs[i] for i in np.flatnonzero(~test)], y_rel[~test], weights[~test])
            oof[test] = fold_model.predict_proba([rel_docs[i] for i in np.flatnonzero(test)])
        self.lexical_ = LexicalModel(self.lexical_max_features, 3, self.lexical_C).fit(rel_docs, y_rel, weights)

        logger.info("stage one on %d pairs", len(y))
        stage1 = HistGradientBoostingClassifier(
            max_iter=self.related_iterations,
            learning_rate=self.related_learning_rate,
            max_leaf_nodes=self.max_leaf_nodes,
            early_stopping=False,
            random_state=self.random_state,
        ).fit(X, (~related).astype(np.int64))
        logger.info("stage two on %d related pairs", len(rel_idx))
        X2 = np.hstack([X[rel_idx], oof])
        stage2 = HistGradientBoostingClassifier(
            max_iter=self.stance_iterations,
            learning_rate=self.stance_learning_rate,
            max_leaf_nodes=self.max_leaf_nodes,
            l2_regularization=self.l2_regularization,
            early_stopping=False,
            random_state=self.random_state,
        ).fit(X2, y_rel, sample_weight=weights)
        self.related_ = TreeEnsemble.from_sklearn(stage1)
        self.stance_ = TreeEnsemble.from_sklearn(stage2)
        # The array copies must reproduce scikit-learn exactly; check on a sample.
        sample = slice(0, min(500, len(rel_idx)))
        for tree_model, sk_model, data in ((self.related_, stage1, X[rel_idx]), (self.stance_, stage2, X2)):
            diff = np.abs(tree_model.predict_proba(data[sample]) - sk_model.predict_proba(data[sample])).max()
            if diff > 1e-6:
                raise RuntimeError(f"tree export differs from scikit-learn by {diff:.2g}; report this as a bug")
        self.feature_names_ = [*FEATURE_NAMES, *(f"lexical_{label}" for label in RELATED_LABELS)]
        return self

    # -- prediction --------------------------------------------------------

    def _check_fitted(self) -> None:
        if not hasattr(self, "stance_"):
            raise RuntimeError("StanceModel is not fitted: call fit() or StanceModel.load() first")

    def _stages(
        self, headlines: Sequence[str], bodies: Sequence[str], *, skip_unrelated: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        """``P(unrelated)`` of every pair and ``P(label | related)`` (NaN rows where skipped)."""
        self._check_fitted()
        X, docs = _analyse_pairs(headlines, bodies, self.space_, self.function_words_)
        p_unrelated = self.related_.predict_proba(X)[:, 1]
        p_stance = np.full((len(docs), len(RELATED_LABELS)), np.nan)
        # Stage two is most of the cost; predict() needs it only for pairs stage one calls related.
        rows = np.flatnonzero(p_unrelated <= 0.5) if skip_unrelated else np.arange(len(docs))
        if rows.size:
            lexical = self.lexical_.predict_proba([docs[i] for i in rows])
            p_stance[rows] = self.stance_.predict_proba(np.hstack([X[rows], lexical]))
        return p_unrelated, p_stance

    def predict_proba(self, headlines: Sequence[str], bodies: Sequence[str]) -> np.ndarray:
        """Probabilities of :data:`LABELS` per pair, shape ``(n_pairs, 4)``.

        ``P(unrelated)`` comes from stage one; each related label gets
        ``(1 - P(unrelated)) * P(label | related)`` from stage two.

        Raises:
            RuntimeError: when the model is not fitted.
            ValueError: when the sequences differ in length.
        """
        if len(headlines) == 0 and len(bodies) == 0:
            return np.zeros((0, len(LABELS)))
        p_unrelated, p_stance = self._stages(headlines, bodies, skip_unrelated=False)
        return np.column_stack([p_stance * (1.0 - p_unrelated)[:, None], p_unrelated])

    def predict(self, headlines: Sequence[str], bodies: Sequence[str]) -> list[str]:
        """One label per pair: ``unrelated`` when stage one says so (P > 0.5), else stage two's best label."""
        if len(headlines) == 0 and len(bodies) == 0:
            return []
        p_unrelated, p_stance = self._stages(headlines, bodies, skip_unrelated=True)
        return [
            "unrelated" if pu > 0.5 else RELATED_LABELS[int(np.argmax(ps))]
            for pu, ps in zip(p_unrelated, p_stance, strict=True)
        ]

    # -- persistence -------------------------------------------------------

    def save(self, path: str | Path) -> tuple[Path, Path]:
        """Write ``<path>.json`` (settings, vocabularies) and ``<path>.npz`` (arrays, no pickle).

        Args:
            path: File stem; a ``.json`` or ``.npz`` suffix is dropped.

        Returns:
            The JSON and NPZ paths written.
        """
        self._check_fitted()
        stem_path = _stem_path(path)
        stem_path.parent.mkdir(parents=True, exist_ok=True)
        meta = {
            "format": "newsdesk-stance",
            "version": FORMAT_VERSION,
            "labels": list(LABELS),
            "params": self.get_params(),
            "feature_names": self.feature_names_,
            "space": {
                "vocabulary": sorted(self.space_.vocabulary_, key=self.space_.vocabulary_.__getitem__),
                "n_docs": self.space_.n_docs_,
                "avg_len": self.space_.avg_len_,
            },
            "function_words": sorted(self.function_words_),
            "lexical_vocabulary": sorted(self.lexical_.vocabulary_, key=self.lexical_.vocabulary_.__getitem__),
        }
        arrays: dict[str, np.ndarray] = {
            "space_idf": self.space_.idf_.astype(np.float64),
            "space_components": self.space_.components_.astype(np.float16),
            "lexical_idf": self.lexical_.idf_.astype(np.float64),
            "lexical_coef": self.lexical_.coef_.astype(np.float32),
            "lexical_intercept": self.lexical_.intercept_,
            **self.related_.to_arrays("related_"),
            **self.stance_.to_arrays("stance_"),
        }
        json_path, npz_path = stem_path.with_suffix(".json"), stem_path.with_suffix(".npz")
        json_path.write_text(json.dumps(meta, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        with npz_path.open("wb") as fh:
            np.savez_compressed(fh, **arrays)  # type: ignore[arg-type]  # numpy stubs match **kwds against allow_pickle
        return json_path, npz_path

    @classmethod
    def load(cls, path: str | Path | None = None) -> StanceModel:
        """Read a model written by :meth:`save` (default: the packaged model).

        Raises:
            FileNotFoundError: when ``<path>.json`` or ``<path>.npz`` is missing; train one
                with ``python scripts/train_stance.py DATA_DIR``.
            ValueError: when the files are not a newsdesk stance model of a known version.
        """
        stem_path = _stem_path(path if path is not None else DEFAULT_MODEL_PATH)
        json_path, npz_path = stem_path.with_suffix(".json"), stem_path.with_suffix(".npz")
        for p in (json_path, npz_path):
            if not p.exists():
                raise FileNotFoundError(
                    f"stance model file {p} is missing; train one with `python scripts/train_stance.py DATA_DIR`"
                )
        meta = json.loads(json_path.read_text(encoding="utf-8"))
        if meta.get("format") != "newsdesk-stance" or meta.get("version") != FORMAT_VERSION:
            raise ValueError(
                f"{json_path} is not a newsdesk stance model of format version {FORMAT_VERSION}; retrain it"
            )
        model = cls(**meta["params"])
        with np.load(npz_path, allow_pickle=False) as arrays:
            space = TextSpace(model.max_vocabulary, model.n_topics, model.random_state)
            space.vocabulary_ = {w: i for i, w in enumerate(meta["space"]["vocabulary"])}
            space.idf_ = arrays["space_idf"]
            space.components_ = arrays["space_components"].astype(np.float32)
            space.n_docs_ = int(meta["space"]["n_docs"])
            space.avg_len_ = float(meta["space"]["avg_len"])
            lexical = LexicalModel(model.lexical_max_features, 3, model.lexical_C)
            lexical.vocabulary_ = {t: i for i, t in enumerate(meta["lexical_vocabulary"])}
            lexical.idf_ = arrays["lexical_idf"]
            lexical.coef_ = arrays["lexical_coef"]
            lexical.intercept_ = arrays["lexical_intercept"]
            model.related_ = TreeEnsemble.from_arrays(arrays, "related_")
            model.stance_ = TreeEnsemble.from_arrays(arrays, "stance_")
        model.space_ = space
        model.lexical_ = lexical
        model.function_words_ = frozenset(meta["function_words"])
        model.feature_names_ = list(meta["feature_names"])
        return model


_PARAM_NAMES: tuple[str, ...] = (
    "max_vocabulary",
    "n_topics",
    "n_function_words",
    "lexical_max_features",
    "lexical_C",
    "n_folds",
    "related_iterations",
    "related_learning_rate",
    "stance_iterations",
    "stance_learning_rate",
    "max_leaf_nodes",
    "l2_regularization",
    "disagree_weight",
    "random_state",
)


def _stem_path(path: str | Path) -> Path:
    p = Path(path)
    return p.with_suffix("") if p.suffix in (".json", ".npz") else p


def load_stance_model(path: str | Path | None = None) -> StanceModel:
    """The stance model at ``path``, or the packaged one (``compare/models/stance.json`` + ``.npz``)."""
    return StanceModel.load(path)


__all__ = [
    "DEFAULT_MODEL_PATH",
    "FEATURE_NAMES",
    "LABELS",
    "RELATED_LABELS",
    "LexicalDoc",
    "LexicalModel",
    "StanceModel",
    "TextSpace",
    "TreeEnsemble",
    "lexical_terms",
    "lexicon_counts",
    "load_stance_model",
    "pair_features",
    "split_sentences",
    "stem",
    "tokenize",
]

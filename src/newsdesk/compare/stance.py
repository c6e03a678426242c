"""Stance of an article body toward a headline: agree / disagree / discuss / unrelated.

The task and labels are those of the Fake News Challenge (FNC-1). The model is a
two-stage gradient-boosted tree ensemble over hand-built features:

1. Text space: a TF-IDF vocabulary of lightly stemmed words learned from the
   training headlines and bodies, and an LSA (truncated SVD) topic space over it.
2. Pair features (:func:`pair_features`): word, bigram and number overlap;
   TF-IDF, BM25 and LSA similarity of the headline with the body, its lead and
   its best-matching sentences; lexicon counts (refuting, negation, hedging,
   reporting, confirming words) in the headline, in the whole body and in the
   sentences that match the headline; negation near matched words; polarity
   agreement in the baseline's style.
3. Stage one tells related from unrelated; stage two, trained on related pairs
   only with extra weight on the rare ``disagree`` class, picks agree, disagree
   or discuss. The class probability is
   ``P(unrelated)`` and ``(1 - P(unrelated)) * P(label | related)``.

The fitted model is saved without pickle: a JSON file for the vocabulary and
settings and a NumPy ``.npz`` file (``allow_pickle=False``) for the IDF weights,
the LSA components and the trees' node arrays, which :class:`TreeEnsemble`
evaluates with NumPy alone.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
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

STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below between
    both but by can could did do does doing down during each few for from further had has have having he her here
    hers herself him himself his how i if in into is it its itself just me more most my myself nor now of off on
    once only or other our ours ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours yourself yourselves s t don d ll m o re ve y also
    said says say one two new year years us mr mrs ms""".split()
)

# Words that deny or debunk (the FNC baseline list, extended).
REFUTE = frozenset(
    """fake fakes fraud fraudulent hoax hoaxes false falsely deny denies denied denying denial debunk debunks
    debunked debunking prank pranks pranked retract retracts retracted retraction bogus doubt doubts doubted
    doubtful nope untrue myth rumor rumors rumour rumours misleading refute refutes refuted dismiss dismisses
    dismissed fabricated fabrication satire satirical parody baseless unfounded incorrect wrong erroneous
    disputed dispute disputes reject rejects rejected rejecting nonsense lie lies lied spoof spoofs
    photoshopped doctored staged scam""".split()
)
NEGATION = frozenset(
    """not no never none nothing nobody neither nor cannot without isn't aren't wasn't weren't don't doesn't didn't
    won't wouldn't can't couldn't shouldn't hasn't haven't hadn't isn’t aren’t wasn’t weren’t don’t doesn’t
    didn’t won’t wouldn’t can’t couldn’t shouldn’t hasn’t haven’t hadn’t""".split()
)
HEDGE = frozenset(
    """allegedly alleged alleges allege reportedly reported purportedly supposedly apparently possibly
    possible perhaps maybe may might could unconfirmed unverified speculation speculate speculated
    speculating rumored rumoured claim claims claimed claiming suggest suggests suggested suggesting
    appears appear appeared seems seem seemed unclear whether believed believe believes thought likely
    unlikely report reports if question questions questioned""".split()
)
REPORT = frozenset(
    """said says say told tells according report reports reported reporting stated states statement
    announced announces claimed claims cited quoted spokesman spokeswoman spokesperson source sources
    officials official insisted added wrote tweeted posted""".split()
)
CONFIRM = frozenset(
    """confirm confirms confirmed confirming confirmation true indeed officially verified proven proved
    proof evidence revealed reveals shows showed shown definitely actually admitted admits admit real
    genuine authentic""".split()
)
# Words of articles that doubt a circulating story ("making the rounds", "went viral").
SKEPTIC = frozenset(
    """viral circulating circulated rounds sensational plausible implausible skeptical skeptic sceptical
    skepticism scepticism suspicious questionable dubious legitimate legit origin origins source sources
    satire satirical spoof parody hoax fake website site""".split()
)
# Headline cue groups, each a binary feature: the baseline's refuting words, split by meaning.
HEADLINE_CUES: dict[str, frozenset[str]] = {
    "cue_fake": frozenset("fake fakes hoax hoaxes prank pranks false bogus spoof satire myth untrue fraud".split()),
    "cue_deny": frozenset("deny denies denied denying denial dismiss dismisses dismissed reject rejects".split()),
    "cue_debunk": frozenset("debunk debunks debunked refute refutes refuted retract retracts retracted".split()),
    "cue_not": frozenset(NEGATION),
    "cue_confirm": frozenset("confirm confirms confirmed confirmation real true official officially".split()),
    "cue_hedge": frozenset("reportedly allegedly claims claim may might could rumor rumors rumour".split()),
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
    for a, b in zip(tokens, tokens[1:], strict=False):
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
        self.components_ = svd.components_.astype(np.float32)
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
        bigrams=set(zip(stems, stems[1:], strict=False)),
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
        np.vstack([space.project(v) for v in sent_vecs])
        if sent_vecs
        else np.zeros((0, space.components_.shape[0]))
    )
    return _Body(
        tokens=tokens,
        stems_all=stems_all,
        stem_counts=Counter(content),
        bigrams=set(zip(content, content[1:], strict=False)),
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


def _features(h: _Headline, b: _Body, space: TextSpace) -> np.ndarray:
    hs = h.stem_set
    h_len = len(hs)
    in_body = [s for s in hs if s in b.stem_counts]
    idf_total = sum(space.idf(s) for s in hs) or 1.0
    overlap_idf = sum(space.idf(s) for s in in_body) / idf_total
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
    bm25 = 0.0
    for s in hs:
        tf = b.stem_counts.get(s, 0)
        if tf:
            bm25 += space.idf(s) * tf * (k1 + 1) / (tf + norm_len)
    n_sent = len(b.sent_tokens)

    top_lex = b.sent_lex[top].sum(axis=0) if len(top) else np.zeros(len(_LEXICONS))
    lead_lex = b.sent_lex[:3].sum(axis=0)
    matched_rows = [i for i, ss in enumerate(b.sent_stems) if len(ss & hs) >= max(1, min(2, h_len))]
    matched_lex = (
        b.sent_lex[matched_rows].sum(axis=0) / len(matched_rows) if matched_rows else np.zeros(len(_LEXICONS))
    )
    half = len(b.sent_tokens) // 2
    tail_lex = b.sent_lex[half:].sum(axis=0) * 100.0 / max(1, sum(len(st) for st in b.sent_tokens[half:]))
    per100 = 100.0 / max(1, len(b.tokens))

    negated = [s for s in in_body if s in b.negated_stems]
    neg_idf = sum(space.idf(s) for s in negated) / idf_total

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
    return np.asarray(feats, dtype=np.float64)


def pair_features(headlines: Sequence[str], bodies: Sequence[str], space: TextSpace) -> np.ndarray:
    """Feature matrix of (headline, body) pairs, one row per pair, columns :data:`FEATURE_NAMES`.

    Each distinct headline and body is analysed once, so a batch with many pairs
    per body (as in FNC-1) costs little more than its pairs' comparisons.
    """
    if len(headlines) != len(bodies):
        raise ValueError(f"{len(headlines)} headlines but {len(bodies)} bodies: pass one body per headline")
    h_cache: dict[str, _Headline] = {}
    b_cache: dict[str, _Body] = {}
    out = np.zeros((len(headlines), len(FEATURE_NAMES)), dtype=np.float64)
    for i, (h, b) in enumerate(zip(headlines, bodies, strict=True)):
        ha = h_cache.get(h)
        if ha is None:
            ha = h_cache[h] = _analyse_headline(h, space)
        ba = b_cache.get(b)
        if ba is None:
            ba = b_cache[b] = _analyse_body(b, space)
        out[i] = _features(ha, ba, space)
    return out

"""A claim-pair model that aligns two claims word by word: attention over the sentence encoder's token states.

The cross-encoder (:class:`~newsdesk.compare.pairs.PairModel`) reads each pair
through six transformer layers, in both orders. This model reads each claim
once, with the sentence encoder comparison already runs to find candidates, and
then compares two claims with a small network on top of those token states, in
the manner of a decomposable-attention model:

1. **Attend.** Each token of one claim is softly aligned to the tokens of the
   other: ``e_ij = f(a_i) . f(b_j)`` with ``f`` a learned projection, and
   ``beta_i`` the mix of the other claim's states under ``softmax_j(e_ij)``.
2. **Compare.** Each token and what it aligns to go through one learned network
   ``g([a_i; beta_i; a_i - beta_i; a_i * beta_i])``: a word matched by its
   opposite, its negation or another figure reads differently from a word
   matched by itself.
3. **Aggregate.** Mean and max of the compared tokens of both claims, combined
   so that the result does not depend on which claim comes first, go through a
   classifier ``h`` to P(neutral, agree, contradict).

It is trained by ``scripts/train_pairs.py fit-aligned`` on the same labelled
pairs as the cross-encoder; its weights (``models/aligned.npz``) and their
sha256 (``models/aligned.json``) ship with the package. Inference is numpy
only: the encoder's states come from onnxruntime.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from newsdesk.compare.pairs import MODEL_DIR, ModelError, SentenceEncoder, load_encoder

ALIGNED_MODEL = MODEL_DIR / "aligned.json"
WEIGHTS = ("f_w", "f_b", "g1_w", "g1_b", "g2_w", "g2_b", "h1_w", "h1_b", "h2_w", "h2_b")
"""The arrays of ``aligned.npz``: each layer's weight (inputs x outputs) and bias."""


_Claim = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
"""What a pair reads of one claim: its token states, their projection, their own part of g's first layer and what
they give the other claim through g's first layer."""


def _relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0)


def _softmax_rows(x: np.ndarray) -> np.ndarray:
    shifted = np.exp(x - x.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


class AlignedPairModel:
    """P(neutral, agree, contradict) of claim pairs from aligned token states (see the module docstring)."""

    def __init__(self, meta_path: Path = ALIGNED_MODEL, encoder: SentenceEncoder | None = None) -> None:
        if not meta_path.exists():
            raise ModelError(f"aligned pair model {meta_path} is missing: train it with scripts/train_pairs.py")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        weights_path = meta_path.parent / meta["weights"]
        if not weights_path.exists():
            raise ModelError(f"model file {weights_path} is missing: reinstall newsdesk (make setup)")
        digest = hashlib.sha256(weights_path.read_bytes()).hexdigest()
        if digest != meta["sha256"]:
            raise ModelError(f"model file {weights_path} has sha256 {digest}, expected {meta['sha256']}")
        with np.load(weights_path, allow_pickle=False) as data:
            arrays = {name: data[name].astype(np.float32) for name in WEIGHTS}
        self.labels: tuple[str, ...] = tuple(meta["labels"])
        self.identity = f"claim-pairs-aligned:{digest[:16]}"
        """The model's name and weights digest (what its kept outputs are filed under)."""
        self._encoder = encoder
        self._threads: Any = None
        self._f = (arrays["f_w"], arrays["f_b"])
        # g's first layer reads [a; beta; a - beta; a * beta]: split it so that what depends on one claim
        # alone is computed once per claim, not once per pair.
        w, dim = arrays["g1_w"], arrays["f_w"].shape[0]
        self._g_self = w[:dim] + w[2 * dim : 3 * dim]
        self._g_other = w[dim : 2 * dim] - w[2 * dim : 3 * dim]
        self._g_product = w[3 * dim :]
        self._g1_b, self._g2 = arrays["g1_b"], (arrays["g2_w"], arrays["g2_b"])
        self._h = (arrays["h1_w"], arrays["h1_b"], arrays["h2_w"], arrays["h2_b"])

    def _states(self, texts: Sequence[str]) -> list[np.ndarray]:
        if self._encoder is None:
            self._encoder = load_encoder()
        return self._encoder.token_states(texts)

    def predict(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Probabilities of each label (columns in :attr:`labels` order) for each (a, b) pair.

        The order of the two claims does not change the result. Each distinct
        claim is encoded once for the whole call.
        """
        out = np.zeros((len(pairs), len(self.labels)), dtype=np.float32)
        if not pairs:
            return out
        texts = sorted({t for pair in pairs for t in pair})
        states = dict(zip(texts, self._states(texts), strict=True))
        if self._threads is None:
            from threadpoolctl import ThreadpoolController

            # Finding the loaded BLAS libraries takes milliseconds: once per model, not once per story.
            self._threads = ThreadpoolController()
        # The products are small: one BLAS thread each is fastest, and never waits on a core another job holds.
        with self._threads.limit(limits=1, user_api="blas"):
            projected = {t: _relu(s @ self._f[0] + self._f[1]) for t, s in states.items()}
            own = {t: s @ self._g_self + self._g1_b for t, s in states.items()}
            # What a claim gives the other through its aligned states, (weights @ states) @ g_other, is
            # weights @ (states @ g_other): the product with the layer is taken once per claim, not per pair.
            given = {t: s @ self._g_other for t, s in states.items()}
            logits = np.stack(
                [
                    self._logits(
                        (states[a], projected[a], own[a], given[a]), (states[b], projected[b], own[b], given[b])
                    )
                    for a, b in pairs
                ]
            )
        return _softmax_rows(logits).astype(np.float32)

    predict_symmetric = predict
    """The model is symmetric by construction: one pass serves both orders."""

    def _side(
        self, own: np.ndarray, weights: np.ndarray, partner: np.ndarray, given: np.ndarray, states: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        hidden = _relu(own + weights @ given + (states * (weights @ partner)) @ self._g_product)
        compared = _relu(hidden @ self._g2[0] + self._g2[1])
        return compared.mean(axis=0), compared.max(axis=0)

    def _logits(self, first: _Claim, second: _Claim) -> np.ndarray:
        a, fa, own_a, given_a = first
        b, fb, own_b, given_b = second
        scores = fa @ fb.T
        mean_a, max_a = self._side(own_a, _softmax_rows(scores), b, given_b, a)
        mean_b, max_b = self._side(own_b, _softmax_rows(scores.T), a, given_a, b)
        joined = np.concatenate([mean_a + mean_b, np.maximum(max_a, max_b), np.abs(mean_a - mean_b)])
        w1, b1, w2, b2 = self._h
        return _relu(joined @ w1 + b1) @ w2 + b2


@lru_cache(maxsize=1)
def load_aligned_model() -> AlignedPairModel:
    """The aligned pair model, loaded once per process."""
    return AlignedPairModel()

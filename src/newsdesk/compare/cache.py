"""Model outputs kept by input, so a claim is embedded once and a pair of claims is read once.

Comparison runs again on every story that changes. Without a memory of what
the models made before, a story that receives one article has all of its
claims embedded again and its candidate pairs read again by the pair model:
the cost of an update would grow with the story, not with the new article.

The wrappers here look each input up by a digest of its text in an
:class:`OutputCache` (the store) under the model's name and weights digest,
run the model on the inputs never seen, and keep those outputs. Outputs are
kept, and returned, in one precision whether they were just made or read
back, so a comparison gives the same result from a warm or a cold cache.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

import numpy as np

from newsdesk.compare.align import Encoder, PairScorer


class OutputCache(Protocol):
    """Where model outputs are kept (:class:`newsdesk.storage.Store` is one)."""

    def model_outputs(self, model: str, keys: Sequence[str]) -> dict[str, bytes]: ...

    def save_model_outputs(self, model: str, values: Mapping[str, bytes]) -> None: ...


def text_key(text: str) -> str:
    """A digest that names one input text."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def pair_key(a: str, b: str) -> str:
    """A digest that names an unordered pair of texts (the symmetric pair model gives both orders one answer)."""
    first, second = sorted((text_key(a), text_key(b)))
    return hashlib.sha256(f"{first}:{second}".encode()).hexdigest()[:32]


def _outputs(
    cache: OutputCache,
    model: str,
    keys: Sequence[str],
    inputs: Sequence[Any],
    run: Callable[[list[Any]], np.ndarray],
    dtype: str,
    width: int | None = None,
) -> dict[str, np.ndarray]:
    """The output row of each key: kept ones read back, the others made by ``run`` on their inputs and kept."""
    found = {}
    for key, value in cache.model_outputs(model, sorted(set(keys))).items():
        row = np.frombuffer(value, dtype=dtype)
        if width is None or row.shape == (width,):
            found[key] = row
    missing = {k: x for k, x in zip(keys, inputs, strict=True) if k not in found}
    if missing:
        fresh = dict(zip(missing, np.asarray(run(list(missing.values())), dtype=dtype), strict=True))
        cache.save_model_outputs(model, {k: row.tobytes() for k, row in fresh.items()})
        found.update(fresh)
    return found


class CachedEncoder:
    """A sentence encoder whose vectors are kept by text, as float16 (half the bytes, cosines within 1e-3)."""

    def __init__(self, inner: Encoder, cache: OutputCache, model: str) -> None:
        self.inner = inner
        self.cache = cache
        self.model = model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One vector per text: kept ones read back, the others made by the inner encoder and kept."""
        if not texts:
            return np.asarray(self.inner.embed([]), dtype=np.float32)
        keys = [text_key(t) for t in texts]
        found = _outputs(self.cache, self.model, keys, texts, self.inner.embed, "<f2")
        return np.vstack([found[k] for k in keys]).astype(np.float32)


class CachedPairs:
    """A symmetric pair model whose probabilities are kept by the unordered pair of texts (float32)."""

    def __init__(self, inner: PairScorer, cache: OutputCache, model: str) -> None:
        self.inner = inner
        self.cache = cache
        self.model = model
        self.labels = inner.labels

    def predict_symmetric(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Probabilities per pair (columns in :attr:`labels` order): kept ones read back, the others predicted."""
        keys = [pair_key(a, b) for a, b in pairs]
        found = _outputs(self.cache, self.model, keys, pairs, self.inner.predict_symmetric, "<f4", len(self.labels))
        out = np.zeros((len(pairs), len(self.labels)), dtype=np.float32)
        for i, key in enumerate(keys):
            out[i] = found[key]
        return out


class CachedStance:
    """The stance model (a body toward a headline) whose probabilities are kept by the ordered (headline, body)
    pair (float32): an article's stance toward an unchanged lead is computed once, however often its story
    grows. Each pair's probabilities depend on that pair alone, so kept and fresh ones are the same."""

    def __init__(self, inner: Any, cache: OutputCache, model: str) -> None:
        self.inner = inner
        self.cache = cache
        self.model = model

    def predict_proba(self, headlines: Sequence[str], bodies: Sequence[str]) -> np.ndarray:
        """Probabilities per (headline, body), in the inner model's label order."""
        pairs = list(zip(headlines, bodies, strict=True))
        if not pairs:
            return np.asarray(self.inner.predict_proba([], []), dtype=np.float32)
        keys = [hashlib.sha256(f"{text_key(h)}>{text_key(b)}".encode()).hexdigest()[:32] for h, b in pairs]

        def run(items: list[tuple[str, str]]) -> np.ndarray:
            return np.asarray(self.inner.predict_proba([h for h, _ in items], [b for _, b in items]))

        found = _outputs(self.cache, self.model, keys, pairs, run, "<f4")
        return np.vstack([found[k] for k in keys])

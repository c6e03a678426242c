"""The aligned pair model: numpy inference over token states, symmetric, hash-checked."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from newsdesk.compare.aligned import WEIGHTS, AlignedPairModel
from newsdesk.compare.pairs import ModelError

DIM, WIDTH = 8, 5


class WordStates:
    """A stand-in encoder: each word's state is a fixed random vector of the word."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def token_states(self, texts: Sequence[str]) -> list[np.ndarray]:
        self.calls.append(list(texts))
        return [
            np.stack([np.random.default_rng(sum(map(ord, w))).normal(size=DIM) for w in t.split()]).astype(np.float32)
            for t in texts
        ]


def _write(folder: Path, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    shapes = {
        "f_w": (DIM, WIDTH),
        "f_b": (WIDTH,),
        "g1_w": (4 * DIM, WIDTH),
        "g1_b": (WIDTH,),
        "g2_w": (WIDTH, WIDTH),
        "g2_b": (WIDTH,),
        "h1_w": (3 * WIDTH, WIDTH),
        "h1_b": (WIDTH,),
        "h2_w": (WIDTH, 3),
        "h2_b": (3,),
    }
    assert set(shapes) == set(WEIGHTS)
    np.savez(folder / "aligned.npz", **{k: rng.normal(size=s).astype(np.float32) for k, s in shapes.items()})
    meta = {
        "labels": ["neutral", "agree", "contradict"],
        "weights": "aligned.npz",
        "sha256": hashlib.sha256((folder / "aligned.npz").read_bytes()).hexdigest(),
    }
    (folder / "aligned.json").write_text(json.dumps(meta), encoding="utf-8")
    return folder / "aligned.json"


def _reference(model_path: Path, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The network written out plainly, on the concatenated input of g (as the training script builds it)."""
    w = dict(np.load(model_path.parent / "aligned.npz"))

    def relu(x: np.ndarray) -> np.ndarray:
        return np.maximum(x, 0)

    def softmax(x: np.ndarray) -> np.ndarray:
        e = np.exp(x - x.max(-1, keepdims=True))
        return e / e.sum(-1, keepdims=True)

    scores = relu(a @ w["f_w"] + w["f_b"]) @ relu(b @ w["f_w"] + w["f_b"]).T
    sides = []
    for x, aligned in ((a, softmax(scores) @ b), (b, softmax(scores.T) @ a)):
        g = relu(np.concatenate([x, aligned, x - aligned, x * aligned], 1) @ w["g1_w"] + w["g1_b"])
        g = relu(g @ w["g2_w"] + w["g2_b"])
        sides.append((g.mean(0), g.max(0)))
    (ma, xa), (mb, xb) = sides
    joined = np.concatenate([ma + mb, np.maximum(xa, xb), np.abs(ma - mb)])
    logits = relu(joined @ w["h1_w"] + w["h1_b"]) @ w["h2_w"] + w["h2_b"]
    return softmax(logits)


def test_probabilities_match_the_plain_network_and_ignore_order(tmp_path: Path) -> None:
    encoder = WordStates()
    model = AlignedPairModel(_write(tmp_path), encoder=encoder)  # type: ignore[arg-type]
    pairs = [("the port is closed", "the port was never closed"), ("twelve were hurt", "nobody was hurt")]
    forward = model.predict(pairs)
    backward = model.predict([(b, a) for a, b in pairs])
    assert forward.shape == (2, 3)
    np.testing.assert_allclose(forward.sum(1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(forward, backward, rtol=1e-5)
    a, b = encoder.token_states(list(pairs[0]))
    np.testing.assert_allclose(forward[0], _reference(tmp_path / "aligned.json", a, b), rtol=1e-4)
    assert model.predict_symmetric(pairs).tolist() == forward.tolist()


def test_each_claim_is_encoded_once_per_call(tmp_path: Path) -> None:
    encoder = WordStates()
    model = AlignedPairModel(_write(tmp_path), encoder=encoder)  # type: ignore[arg-type]
    model.predict([("a b", "c d"), ("a b", "e f"), ("c d", "e f")])
    assert [sorted(call) for call in encoder.calls] == [["a b", "c d", "e f"]]
    assert model.predict([]).shape == (0, 3)


def test_changed_weights_are_refused(tmp_path: Path) -> None:
    meta = _write(tmp_path)
    _write(tmp_path, seed=1)  # rewrites the weights and their digest
    data = json.loads(meta.read_text())
    data["sha256"] = "0" * 64
    meta.write_text(json.dumps(data))
    with pytest.raises(ModelError, match="sha256"):
        AlignedPairModel(meta, encoder=WordStates())  # type: ignore[arg-type]
    with pytest.raises(ModelError, match="missing"):
        AlignedPairModel(tmp_path / "nothing.json")


def test_the_encoder_reuses_the_token_states_of_what_it_just_embedded() -> None:
    from newsdesk.compare.pairs import load_encoder

    encoder = load_encoder()
    texts = ["The port of Sanvoua was never closed.", "The port is closed since Monday."]
    fresh = encoder.token_states(texts)
    encoder.embed(texts)
    runs = []
    original = encoder._passes
    encoder._passes = lambda batch: runs.append(list(batch)) or original(batch)  # type: ignore[method-assign]
    kept = encoder.token_states(texts)
    assert runs == [[]]
    for a, b in zip(fresh, kept, strict=True):
        np.testing.assert_array_equal(a, b)

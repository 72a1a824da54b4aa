"""Check-worthiness quality on our held-out splits, beside the baselines, in one run.

Run ``python -m bench.checkworthiness_quality``. Splits (``bench/_cw_data.py``): ClaimBuster
stratified, 20% of each class held out (F1 of the positive class at the 0.5 cut); CLEF 2019 whole
debates held out, lines ranked per debate, mean average precision over debates and P@10 (the
CheckThat! 2019 measures). Rows:

- TF-IDF logistic regression (word 1-2 grams, scikit-learn defaults) trained on the same rows as
  the sentence model (ClaimBuster train + CLEF's training positives); and again with CLEF's
  training negatives added, which is what a ranking baseline for CLEF would do;
- the previous recipe (the same features, C 1, balanced classes, no bias shift), retrained here on
  the same rows, with the structural shift as ``checkworthiness()`` applied it;
- the shipped files: ``checkworthiness(sentences)``, ``checkworthiness(lines, speakers=...)``, and
  both with the sentence encoder when it is installed.

Also the speed of each path (CPU seconds, one core) and the golden claim lists (the seed article's
among them). Writes ``bench/results/checkworthiness_quality.md``.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import subprocess
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from bench._cw_data import (
    Splits,
    available,
    data_dir,
    f1,
    mean_average_precision,
    sparse_rows,
    splits,
)
from claims import checkworthiness
from claims.checkworthiness import structure_shift
from claims.cwfeatures import _grams, features, signals

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "checkworthiness_quality.md"
Scorer = Callable[[Sequence[str]], Sequence[float]]


def _csr32(x):  # type: ignore[no-untyped-def]
    x = x.tocsr()
    x.indices = x.indices.astype(np.int32)
    x.indptr = x.indptr.astype(np.int32)
    return x


def tfidf(texts: Sequence[str], labels: Sequence[int]) -> Scorer:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    clf = LogisticRegression(max_iter=5000).fit(vec.fit_transform(texts), np.array(labels))
    return lambda ts: list(clf.predict_proba(vec.transform(ts))[:, 1])


def previous_recipe(texts: Sequence[str], labels: Sequence[int]) -> Scorer:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    def encode(ts: Sequence[str]) -> list[dict[str, float]]:
        out = []
        for t in ts:
            fs = set(features(t))
            out.append(dict.fromkeys(fs, 1.0 / math.sqrt(len(fs)) if fs else 0.0))
        return out

    vec = DictVectorizer()
    clf = LogisticRegression(C=1.0, class_weight="balanced", solver="liblinear", random_state=20170601,
                             max_iter=3000).fit(_csr32(vec.fit_transform(encode(texts))), np.array(labels))

    def score(ts: Sequence[str]) -> list[float]:
        z = clf.decision_function(vec.transform(encode(ts)))
        return [1 / (1 + math.exp(-(float(v) + structure_shift(t)))) for v, t in zip(z, ts, strict=True)]
    return score


def row(name: str, sp: Splits, sentence: Scorer | None, transcript: Callable | None) -> str:  # type: ignore[type-arg]
    cb = "| - | - | -"
    if sentence is not None:
        p, r, f = f1([y for _, y in sp.cb_heldout], sentence([t for t, _ in sp.cb_heldout]))
        cb = f"| {p:.3f} | {r:.3f} | {f:.3f}"
    if transcript is None and sentence is not None:
        scores = [sentence([x.text for x in d]) for d in sp.clef_heldout]
    else:
        assert transcript is not None
        scores = [transcript(d) for d in sp.clef_heldout]
    m, p10 = mean_average_precision(sp.clef_heldout, scores)
    return f"| {name} {cb} | {m:.3f} | {p10:.3f} |"


def cpu_rate(fn: Callable[[], object], n: int, repeat: int = 3) -> float:
    best = math.inf
    for _ in range(repeat):
        for cached in (structure_shift, signals, _grams):
            cached.cache_clear()
        t = time.process_time()
        fn()
        best = min(best, time.process_time() - t)
    return n / best


def encoder_or_none():  # type: ignore[no-untyped-def]
    try:
        from semantic import load_encoder
    except ImportError:
        return None
    env = os.environ.get("CLAIMTRACK_MODELS")
    return load_encoder(Path(env).expanduser() if env else Path.home() / ".cache" / "claimtrack" / "models")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--no-encoder", action="store_true")
    args = ap.parse_args(argv)
    if not available(args.data):
        print(f"no check-worthiness data in {data_dir(args.data)}: nothing measured")
        return 0
    sp = splits(data_dir(args.data))
    rows = sparse_rows(sp.cb_train, sp.clef_train)
    texts, labels = [r[0] for r in rows], [r[1] for r in rows]
    with_neg = texts + [x.text for d in sp.clef_train for x in d if x.train and not x.label]
    neg_labels = labels + [0] * (len(with_neg) - len(texts))
    encoder = None if args.no_encoder else encoder_or_none()

    def speakers(enc):  # type: ignore[no-untyped-def]
        return lambda d: checkworthiness([x.text for x in d], speakers=[x.speaker for x in d], encoder=enc)

    table = [
        row("TF-IDF LR, same rows", sp, tfidf(texts, labels), None),
        row("TF-IDF LR, + CLEF negatives", sp, tfidf(with_neg, neg_labels), None),
        row("previous recipe, same rows", sp, previous_recipe(texts, labels), None),
        row("**ours**: `checkworthiness(sentences)`", sp, checkworthiness, None),
        row("**ours**: `checkworthiness(lines, speakers=...)`", sp, None, speakers(None)),
    ]
    if encoder is not None:
        table += [
            row("**ours + encoder**: `checkworthiness(sentences, encoder=...)`", sp,
                lambda ts: checkworthiness(ts, encoder=encoder), None),
            row("**ours + encoder**: `checkworthiness(lines, speakers=..., encoder=...)`", sp, None,
                speakers(encoder)),
        ]

    bench = sorted({t for t, _ in sp.cb_train} | {x.text for d in sp.clef_train for x in d})[:20000]
    lines = [x for d in sp.clef_train for x in d][:20000]
    speed = [
        f"| `checkworthiness(sentences)` | {len(bench)} | "
        f"{cpu_rate(lambda: checkworthiness(bench), len(bench)):,.0f} | >= 5,000 |",
        f"| `checkworthiness(lines, speakers=...)` | {len(lines)} | "
        f"{cpu_rate(lambda: checkworthiness([x.text for x in lines], speakers=[x.speaker for x in lines]), len(lines)):,.0f} | |",
    ]
    if encoder is not None:
        few = bench[:2000]
        speed.append(f"| `checkworthiness(sentences, encoder=...)` | {len(few)} | "
                     f"{cpu_rate(lambda: checkworthiness(few, encoder=encoder), len(few), repeat=1):,.0f} | |")
    from bench.claims_bench import golden_rows

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True, check=False).stdout.strip() or "unknown"
    n_cb = len(sp.cb_heldout)
    n_cb_pos = sum(y for _, y in sp.cb_heldout)
    n_lines = sum(len(d) for d in sp.clef_heldout)
    n_pos = sum(x.label for d in sp.clef_heldout for x in d)
    out = [
        "# Check-worthiness quality: held-out splits, baselines beside",
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {commit}, {platform.machine()} "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, load {os.getloadavg()[0]:.1f}.",
        "",
        f"ClaimBuster held-out: {n_cb} sentences ({n_cb_pos} check-worthy), stratified, seed 20170601; "
        f"F1 of the positive class at the 0.5 cut. CLEF 2019 held-out: {len(sp.clef_heldout)} whole "
        f"transcripts, {n_lines} lines ({n_pos} positive): "
        + ", ".join(d[0].debate.removesuffix(".tsv") for d in sp.clef_heldout)
        + "; MAP over transcripts and mean P@10. Everything trains on the other side only: "
        f"{len(sp.cb_train)} ClaimBuster sentences and {len(sp.clef_train)} CLEF transcripts "
        f"({sum(len(d) for d in sp.clef_train)} lines).",
        "",
        "| scorer | CB precision | CB recall | CB F1 | CLEF MAP | CLEF P@10 |",
        "|---|---|---|---|---|---|",
        *table,
        "",
        "Goals (issue 14): ClaimBuster F1 >= 0.87, CLEF MAP >= 0.20."
        + ("" if encoder is not None else " The sentence encoder is not installed: no encoder rows."),
        "",
        "## Speed (CPU, one core, best of 3; the encoder row is one run)",
        "",
        "| path | sentences | sentences/s | goal |",
        "|---|---|---|---|",
        *speed,
        "",
        "## Golden claim lists (tests/claims/golden)",
        "",
        "| article | claims | required | precision | recall |",
        "|---|---|---|---|---|",
        *golden_rows(),
    ]
    text = "\n".join(out) + "\n"
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

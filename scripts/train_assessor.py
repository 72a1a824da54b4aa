"""Train the learned assessor's stance model and ship it as plain JSON (no pickle).

    .venv/bin/python scripts/train_assessor.py [--data ../shared/data/stance] [--no-fever]

Rows: Check-COVID train (claim + its evidence sentences as one passage; NOTENOUGHINFO is
``neutral``), the same evidence set among its abstract neighbours (pipeline passages carry other
sentences too), the training half of FEVER-Symmetric dev (``bench._stance_data.fever_half``,
grouped so no claim or evidence text crosses into the held-out half), and neutral rows written
from that half (each claim with another group's evidence: FEVER has no neutral label). Features:
:func:`claims.pairfeatures.pair_features`. Model: multinomial logistic regression (lbfgs).

Chosen on the training rows only, by 5-fold cross-validation grouped by abstract / FEVER
component: the regularisation ``C`` (best macro-F1), then, on the out-of-fold predictions, a
temperature that calibrates the probabilities (least log-loss), the refute threshold (the lowest
probability of ``refutes`` at which the model's own refutations, those with a contradiction cue the
assessor lets it make, reach out-of-fold precision 0.8), and a Platt scaling of the called
stance's probability (fitted on the three-label Check-COVID rows when present). Last, the claim
confidence's calibration: one log-odds shift fitted on Check-COVID dev claims as the assessor
judges them (``bench.verify_quality`` measures it cross-fitted over halves of dev). Deterministic:
sorted inputs, fixed folds, lbfgs, Newton steps, numbers rounded; the same data gives the same
file byte for byte.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._stance_data import Pair, check_covid, data_dir, fever_half  # noqa: E402
from claims.learned import LearnedAssessor, Model, rules_apply  # noqa: E402
from claims.pairfeatures import DIM, contradiction_cue, features_and_focus, read, vectorize  # noqa: E402
from claims.slots import claim_slots  # noqa: E402
from claims.stance import judge  # noqa: E402

CLASSES = ("supports", "refutes", "neutral")
MODEL = ROOT / "claims" / "data" / "assessor.json"
C_GRID = (0.1, 0.3, 1.0)
FOLDS = 5
MIN_CALLED = 5  # the model's own refutations are few: cues are rare
REFUTE_PRECISION = 0.8  # out of fold, for the model's own refutations
CONTEXT_WEIGHT = 0.5  # the evidence-among-neighbours copies count half
OFF_TOPIC_WEIGHT = 0.5  # so do the neutral rows written from FEVER


def with_context(p: Pair) -> Pair | None:
    """The evidence with one abstract sentence either side, as a ranked passage would hold it.
    None for a neutral row whose neighbours may be another row's deciding evidence."""
    if not p.abstract or not p.evidence_index:
        return None
    lo, hi = min(p.evidence_index), max(p.evidence_index)
    idx = [i for i in range(max(0, lo - 1), min(len(p.abstract), hi + 2))
           if i in p.evidence_index or p.label != "neutral"]
    if len(idx) == len(p.evidence_index):
        return None
    return Pair(p.claim, tuple(p.abstract[i].strip() for i in idx), p.label, p.group)


def training_rows(data: Path, fever: bool = True, covid: bool = True) -> list[tuple[Pair, float]]:
    rows: list[tuple[Pair, float]] = []
    if covid:
        for p in check_covid("train", data):
            rows.append((p, 1.0))
            ctx = with_context(p)
            if ctx is not None:
                rows.append((ctx, CONTEXT_WEIGHT))
    if fever:
        half = fever_half("train", data)
        rows += [(p, 1.0) for p in half]
        rows += [(p, OFF_TOPIC_WEIGHT) for p in off_topic(half)]
    return rows


def off_topic(pairs: Sequence[Pair]) -> list[Pair]:
    """Neutral rows written from FEVER (it has none): each claim with the evidence of the row
    halfway round the list, from another group, about something else."""
    out = []
    n = len(pairs)
    for k, p in enumerate(pairs):
        for step in range(n // 2, n):
            other = pairs[(k + step) % n]
            if other.group != p.group:
                out.append(Pair(p.claim, other.evidence, "neutral", p.group))
                break
    return out


def passage(p: Pair) -> str:
    return " ".join(p.evidence)


def encode(pairs: Sequence[Pair]) -> tuple[csr_matrix, np.ndarray, np.ndarray]:
    """The rows' features; whether the sentence read has a contradiction cue; and whether the
    assessor would let the model refute each (as ``LearnedAssessor`` does: a cue, the rules
    neither refute nor support it, the claim has no number or date)."""
    indptr, indices, values, open_, cues = [0], [], [], [], []
    for p in pairs:
        text = passage(p)
        slots = claim_slots(p.claim)
        slotted = rules_apply(slots)
        j = judge(slots, text)
        feats, (_, _, sent) = features_and_focus(p.claim, text, j if slotted else None)
        idx, val = vectorize(feats)
        indices += idx
        values += val
        indptr.append(len(indices))
        cue = contradiction_cue(read(p.claim), sent) is not None
        cues.append(cue)
        open_.append(not slotted and j.stance == "neutral" and cue)
    x = csr_matrix((np.array(values, dtype=np.float64), np.array(indices, dtype=np.int32),
                    np.array(indptr, dtype=np.int32)), shape=(len(pairs), DIM))
    x.sum_duplicates()
    return x, np.array(cues, dtype=bool), np.array(open_, dtype=bool)


def compress(x: csr_matrix) -> tuple[csr_matrix, np.ndarray]:
    """Only the buckets some row uses (16 times faster fits; the weights map back by ``cols``)."""
    cols = np.unique(x.indices)
    return x[:, cols].tocsr(), cols


def folds(groups: Sequence[str], k: int) -> list[int]:
    """A fold per row: groups sorted by name and dealt round-robin (stable, no randomness)."""
    order = {g: i % k for i, g in enumerate(sorted(set(groups)))}
    return [order[g] for g in groups]


def fit(x: csr_matrix, y: np.ndarray, w: np.ndarray, c: float) -> LogisticRegression:
    clf = LogisticRegression(C=c, solver="lbfgs", max_iter=5000, tol=1e-5)
    clf.fit(x, y, sample_weight=w)
    return clf


ABSENT = -20.0  # the logit of a class no training row has (FEVER alone has no neutral rows)


def per_class(clf: LogisticRegression) -> tuple[np.ndarray, np.ndarray]:
    """(coef, intercept) with one column per class of ``CLASSES``; a two-class fit is written as
    the equivalent three-logit model."""
    coef, icpt = clf.coef_, clf.intercept_
    if coef.shape[0] == 1:
        coef, icpt = np.vstack([-coef / 2, coef / 2]), np.array([-icpt[0] / 2, icpt[0] / 2])
    full = np.zeros((coef.shape[1], len(CLASSES)))
    bias = np.full(len(CLASSES), ABSENT)
    full[:, clf.classes_] = coef.T
    bias[clf.classes_] = icpt
    return full, bias


def logits(clf: LogisticRegression, x: csr_matrix) -> np.ndarray:
    coef, bias = per_class(clf)
    return np.asarray(x @ coef) + bias


def out_of_fold(x: csr_matrix, y: np.ndarray, w: np.ndarray, fold: np.ndarray, c: float) -> np.ndarray:
    """Out-of-fold logits (decision function) for every row."""
    z = np.zeros((x.shape[0], len(CLASSES)))
    for k in range(FOLDS):
        tr, te = fold != k, fold == k
        z[te] = logits(fit(x[tr], y[tr], w[tr], c), x[te])
    return z


def softmax(z: np.ndarray, t: float = 1.0) -> np.ndarray:
    e = np.exp((z - z.max(axis=1, keepdims=True)) / t)
    return e / e.sum(axis=1, keepdims=True)


def temperature(z: np.ndarray, y: np.ndarray, w: np.ndarray) -> float:
    """The temperature with least weighted log-loss on out-of-fold logits (grid, then refined)."""
    def loss(t: float) -> float:
        p = softmax(z, t)[np.arange(len(y)), y]
        return float(-(w * np.log(np.clip(p, 1e-12, 1))).sum())

    grid = [round(0.3 + 0.05 * i, 3) for i in range(75)]
    best = min(grid, key=loss)
    fine = [round(best - 0.05 + 0.005 * i, 4) for i in range(21)]
    return min((t for t in fine if t > 0), key=loss)


def refute_threshold(p: np.ndarray, y: np.ndarray, keep: np.ndarray, may: np.ndarray,
                     verbose: bool = False) -> tuple[float, float, float, int]:
    """The P(refutes) a passage needs to be called a refutation by the model: the lowest grid
    value whose out-of-fold precision of ``refutes`` reaches ``REFUTE_PRECISION`` (a wrong refuted
    is the costliest error), among the rows the model may refute (``may``: a contradiction cue)
    and calling at least ``MIN_CALLED`` of them; when none reaches it, the most precise. Returns
    it with the out-of-fold precision, recall (over all refuting rows) and number of calls."""
    ref = CLASSES.index("refutes")
    top = p.argmax(axis=1)
    truth = keep & (y == ref)
    best: tuple[float, float, float, float] | None = None
    for step in range(0, 56):
        t = round(0.34 + 0.01 * step, 2)
        called = keep & may & (top == ref) & (p[:, ref] >= t)
        if called.sum() < MIN_CALLED:
            break
        prec = float((y[called] == ref).mean())
        rec = float(called[truth].mean())
        if verbose and step % 5 == 0:
            print(f"  refute threshold {t}: out-of-fold precision {prec:.3f}, recall {rec:.3f}, "
                  f"{int(called.sum())} called")
        if prec >= REFUTE_PRECISION:
            return t, prec, rec, int(called.sum())
        if best is None or prec > best[0]:
            best = (prec, t, rec, int(called.sum()))
    if best is None:
        return 0.99, float("nan"), 0.0, 0
    return best[1], best[0], best[2], best[3]


def decisions(p: np.ndarray, threshold: float, may: np.ndarray, cue: np.ndarray) -> np.ndarray:
    """Each row's stance as the assessor calls it: the most likely, but refutes only where the
    model may refute and at the threshold, else the next most likely (neutral when the sentence
    has a contradiction cue: no support then)."""
    ref = CLASSES.index("refutes")
    order = np.argsort(-p, axis=1, kind="stable")
    low = (order[:, 0] == ref) & ((p[:, ref] < threshold) | ~may)
    second = np.where(cue, CLASSES.index("neutral"), order[:, 1])
    return np.where(low, second, order[:, 0])


def platt(p: np.ndarray, y: np.ndarray, threshold: float, may: np.ndarray, cue: np.ndarray
          ) -> tuple[float, float]:
    """(a, b) so that sigmoid(a * logit(q) + b) is the chance the called stance is right, where q
    is its probability: fitted on out-of-fold predictions, after the threshold moved some calls."""
    called = decisions(p, threshold, may, cue)
    q = np.clip(p[np.arange(len(y)), called], 1e-6, 1 - 1e-6)
    x = np.log(q / (1 - q)).reshape(-1, 1)
    fit_ = LogisticRegression(C=1e6, solver="lbfgs", max_iter=1000, tol=1e-8)
    fit_.fit(x, (called == y).astype(int))
    return round(float(fit_.coef_[0][0]), 5), round(float(fit_.intercept_[0]), 5)


def train(data: Path, *, fever: bool = True, covid: bool = True, c: float | None = None,
          verbose: bool = True, calibrate: bool = True) -> dict:
    """The model as a JSON-ready dict; with ``calibrate``, the claim confidence's calibration
    fitted on Check-COVID dev (:func:`calibration`)."""
    model = fit_rows(training_rows(data, fever, covid), c=c, verbose=verbose)
    if calibrate:
        conf, right, fams = dev_confidences(model, data)
        model["calibration"] = list(calibration(conf, right))
        model["calibration_rows"] = len(conf)
        if verbose:
            cross = cross_fitted_ece(conf, right, fams)
            print(f"claim confidence: sigmoid({model['calibration'][0]} logit + "
                  f"{model['calibration'][1]}), fitted on {len(conf)} Check-COVID dev claims; "
                  f"ECE cross-fitted over two halves of dev {cross[0]:.3f} "
                  f"(raw {ece(conf, right)[0]:.3f})")
    return model


STATUS_OF = {"supports": "supported", "refutes": "refuted", "neutral": "unverified"}


def dev_confidences(model: dict, data: Path) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Each Check-COVID dev claim assessed against its evidence (one passage) by ``model`` with
    no calibration: (confidence, whether the status is right, claim family). Mixed counts as
    unverified, as in the benchmark."""
    m = replace(Model.from_dict(model), calibration=(1.0, 0.0))
    assessor = LearnedAssessor(m)
    conf, right, fams = [], [], []
    for p in check_covid("dev", data):
        a = assessor.assess(p.claim, [passage(p)])
        status = "unverified" if a.status == "mixed" else a.status
        conf.append(a.confidence)
        right.append(status == STATUS_OF[p.label])
        fams.append(p.family)
    return np.array(conf), np.array(right, dtype=float), fams


def calibration(conf: np.ndarray, right: np.ndarray) -> tuple[float, float]:
    """(1, b) so that sigmoid(logit(confidence) + b) is the chance the claim's status is right:
    one shift of the log-odds, least log-loss (Newton steps). Chosen over two-parameter Platt and
    isotonic regression by the cross-fitted ECE on dev (``bench.verify_quality`` reports all
    three): with two hundred claims, a fitted slope and isotonic steps follow noise."""
    q = np.clip(conf, 1e-6, 1 - 1e-6)
    x = np.log(q / (1 - q))
    b = 0.0
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(x + b)))
        step = float((p - right).sum() / max(float((p * (1 - p)).sum()), 1e-9))
        b -= step
        if abs(step) < 1e-10:
            break
    return 1.0, round(b, 5)


def platt2(conf: np.ndarray, right: np.ndarray) -> tuple[float, float]:
    """Two-parameter Platt scaling of the claim confidence (for comparison in the benchmark)."""
    q = np.clip(conf, 1e-6, 1 - 1e-6)
    x = np.log(q / (1 - q)).reshape(-1, 1)
    fit_ = LogisticRegression(C=1e6, solver="lbfgs", max_iter=1000, tol=1e-8)
    fit_.fit(x, right.astype(int))
    return round(float(fit_.coef_[0][0]), 5), round(float(fit_.intercept_[0]), 5)


def apply_calibration(ab: tuple[float, float], conf: np.ndarray) -> np.ndarray:
    q = np.clip(conf, 1e-6, 1 - 1e-6)
    return np.asarray(1.0 / (1.0 + np.exp(-(ab[0] * np.log(q / (1 - q)) + ab[1]))))


def ece(conf: np.ndarray, correct: np.ndarray, bins: int = 10
        ) -> tuple[float, list[tuple[float, float, int]]]:
    """Expected calibration error over equal-width bins, and the table (mean confidence, share
    right, count) per bin."""
    edges = np.linspace(0, 1, bins + 1)
    total, table = 0.0, []
    for k in range(bins):
        sel = (conf >= edges[k]) & ((conf < edges[k + 1]) if k < bins - 1 else (conf <= 1))
        n = int(sel.sum())
        if n:
            total += n / len(conf) * abs(float(conf[sel].mean()) - float(correct[sel].mean()))
            table.append((float(conf[sel].mean()), float(correct[sel].mean()), n))
        else:
            table.append((float((edges[k] + edges[k + 1]) / 2), float("nan"), 0))
    return total, table


Calibrator = Callable[[np.ndarray, np.ndarray], Callable[[np.ndarray], np.ndarray]]


def shifted(conf: np.ndarray, right: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    ab = calibration(conf, right)
    return lambda c: apply_calibration(ab, c)


def cross_fitted_ece(conf: np.ndarray, right: np.ndarray, families: Sequence[str],
                     fit: Calibrator = shifted, bins: int = 10) -> tuple[float, np.ndarray]:
    """ECE never measured in-sample: dev's claim families dealt into two halves, the calibrator
    fitted on one and measured on the other, both ways, averaged. Also returns each claim's
    confidence as calibrated by the half it is not in (for a reliability diagram)."""
    half = np.array(folds(families, 2))
    out = np.zeros_like(conf)
    errs = []
    for k in (0, 1):
        fit_on, test = half != k, half == k
        out[test] = fit(conf[fit_on], right[fit_on])(conf[test])
        errs.append(ece(out[test], right[test], bins)[0])
    return float(np.mean(errs)), out


def fit_rows(rows: Sequence[tuple[Pair, float]], *, c: float | None = None,
             verbose: bool = False) -> dict:
    """The model trained on ``rows`` (also what the tests retrain on a slice). One BLAS thread:
    the fits are small, and threads fighting over a shared machine made them 60 times slower."""
    with threadpool_limits(limits=1):
        return _fit_rows(rows, c=c, verbose=verbose)


def _fit_rows(rows: Sequence[tuple[Pair, float]], *, c: float | None, verbose: bool) -> dict:
    pairs = [p for p, _ in rows]
    y = np.array([CLASSES.index(p.label) for p in pairs])
    w = np.array([wt for _, wt in rows])
    xf, cue, may = encode(pairs)
    x, cols = compress(xf)
    fold = np.array(folds([p.group for p in pairs], FOLDS))
    primary = w == 1.0  # score folds on the rows as given, not their context copies
    best_c, best_f1, best_z = C_GRID[0], -1.0, None
    for cand in ([c] if c is not None else C_GRID):
        z = out_of_fold(x, y, w, fold, cand)
        f1 = float(f1_score(y[primary], z[primary].argmax(axis=1), average="macro"))
        if verbose:
            print(f"C={cand}: out-of-fold macro-F1 {f1:.3f}")
        if f1 > best_f1:
            best_c, best_f1, best_z = cand, f1, z
    assert best_z is not None
    t = temperature(best_z[primary], y[primary], w[primary])
    thr, prec, rec, ncalled = refute_threshold(softmax(best_z, t), y, primary, may, verbose)
    # the confidence is calibrated on the three-label rows when there are any (FEVER's two
    # labels make every call easier than the pipeline's)
    three = primary & np.array([p.group.startswith("cc:") for p in pairs])
    cal = three if three.sum() >= 100 else primary
    a, b = platt(softmax(best_z[cal], t), y[cal], thr, may[cal], cue[cal])
    if verbose:
        print(f"chosen C={best_c}, temperature {t}, refute threshold {thr} "
              f"(out-of-fold precision {prec:.3f}, recall {rec:.3f}); confidence: sigmoid({a} logit + {b})")
    clf = fit(x, y, w, best_c)
    coef, intercept = per_class(clf)  # used buckets x classes
    keep = np.flatnonzero(np.abs(coef).max(axis=1) >= 5e-6)
    used = cols[keep]
    weights = [[round(float(v), 5) for v in coef[i]] for i in keep]
    return {
        "about": "Learned assessor: multinomial logistic regression over claims.pairfeatures; "
                 "trained by scripts/train_assessor.py on Check-COVID train (MIT) and half of "
                 "FEVER-Symmetric dev (CC BY-SA 3.0).",
        "classes": list(CLASSES),
        "dim": DIM,
        "c": best_c,
        "rows": len(pairs),
        "cv_macro_f1": round(best_f1, 4),
        "temperature": t,
        "platt": [a, b],
        "refute_threshold": thr,
        "refute_cv_precision": None if math.isnan(prec) else round(prec, 4),
        "refute_cv_recall": round(rec, 4),
        "refute_cv_called": ncalled,
        "intercept": [round(float(v), 5) for v in intercept],
        "index": [int(i) for i in used],
        "weights": weights,
    }


def dump(model: dict) -> str:
    return json.dumps(model, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=None, help="the stance data directory")
    ap.add_argument("--no-fever", action="store_true", help="Check-COVID rows only")
    ap.add_argument("--c", type=float, default=None, help="skip the search, use this C")
    ap.add_argument("--out", type=Path, default=MODEL)
    args = ap.parse_args()
    model = train(data_dir(args.data), fever=not args.no_fever, c=args.c)
    args.out.write_text(dump(model), encoding="utf-8")
    print(f"wrote {args.out} ({len(model['index'])} features)")


if __name__ == "__main__":
    main()

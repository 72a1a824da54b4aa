"""Claim matching quality: does a claim find the earlier fact-check of the same claim family?

Run ``python -m bench.match_quality [--data DIR]``. Public data, not our own text: Check-COVID
(``check-covid/{train,dev}.jsonl``). Claims whose ``id`` shares the prefix before the last ``_``
were written about one source finding (paraphrases and reversals): a fact-check of one is the
earlier review a desk wants for the other; claims of other families are not. Repeated texts are
kept once. Every unique claim queries an archive of all the others of its split (ordered pairs),
as ``claimtrack match`` would; a returned pair is right when both are of one family.

On train, for the word scorer and the fused scorer (each mix weight of the grid), the threshold
is the lowest that keeps precision >= 0.9; the fused weight is the one with the best recall there.
Dev is then scored once at those settings. Also shown: the fused scorer without the number/date
rule (what the rule costs here: this data's reversals often change a number on purpose), and
hit@1 (a claim with a family mate whose best match above the threshold is one). Writes
``bench/results/match_quality.md``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from bench.__main__ import machine
from claims import matching
from claims.matching import ReviewIndex, conflict, facts_of
from claimtrack.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "match_quality.md"
TARGET_PRECISION = 0.9
WEIGHTS = (0.25, 0.5, 0.75, 1.0)


@dataclass(frozen=True, slots=True)
class Split:
    texts: list[str]
    family: list[str]
    labels: list[str]

    def reversals(self) -> int:
        """Same-family ordered pairs with opposite labels (SUPPORT and REFUTE): reversed claims."""
        return sum(1 for i, f in enumerate(self.family) for j, g in enumerate(self.family)
                   if i != j and f == g and {self.labels[i], self.labels[j]} == {"SUPPORT", "REFUTE"})

    def clashes(self) -> int:
        """Same-family ordered pairs whose numbers or dates disagree (never matched, by rule)."""
        return sum(1 for i, f in enumerate(self.family) for j, g in enumerate(self.family)
                   if i != j and f == g
                   and conflict(facts_of(self.texts[i]), facts_of(self.texts[j])) is not None)

    def positives(self) -> int:
        sizes: dict[str, int] = {}
        for f in self.family:
            sizes[f] = sizes.get(f, 0) + 1
        return sum(k * (k - 1) for k in sizes.values())


def load(path: Path) -> Split:
    seen: dict[str, tuple[str, str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            seen.setdefault(row["claim"], (row["id"].rsplit("_", 1)[0], row["label"]))
    return Split(list(seen), [f for f, _ in seen.values()], [lab for _, lab in seen.values()])


Pair = tuple[float, bool, bool]  # (score, same family, slot conflict)


def pairs(split: Split, vectors: np.ndarray | None, weight: float) -> list[Pair]:
    """Every ordered pair scoring above 0.05, each text against an archive of all the others."""
    index = ReviewIndex(split.texts, vectors, semantic_weight=weight)
    out: list[Pair] = []
    for i, text in enumerate(split.texts):
        for m in index.score(text, None if vectors is None else vectors[i], floor=0.05):
            if m.index != i:
                out.append((m.score, split.family[m.index] == split.family[i], m.conflict is not None))
    return out


def raw_pairs(split: Split, vectors: np.ndarray, weight: float) -> list[Pair]:
    """The fused scores with no number/date rule (to show what the rule costs)."""
    index = ReviewIndex(split.texts, vectors, semantic_weight=weight)
    out: list[Pair] = []
    for i, text in enumerate(split.texts):
        fused, _, _ = index.raw_scores(text, vectors[i])
        for j in np.flatnonzero(fused >= 0.05):
            if j != i:
                out.append((float(fused[j]), split.family[j] == split.family[i], False))
    return out


def at(found: Sequence[Pair], threshold: float, positives: int) -> tuple[float, float, int]:
    """(precision, recall, pairs returned) of the matches at ``threshold`` (conflicts excluded)."""
    kept = [same for score, same, clash in found if score >= threshold and not clash]
    tp = sum(kept)
    return (tp / len(kept) if kept else 1.0), tp / positives, len(kept)


def calibrate(found: Sequence[Pair], positives: int) -> float:
    """The lowest threshold (of the scores seen) whose precision is at least the target."""
    usable = sorted(((s, same) for s, same, clash in found if not clash), reverse=True)
    best = 1.0
    tp = 0
    for n, (score, same) in enumerate(usable, start=1):
        tp += same
        if tp / n >= TARGET_PRECISION and (n == len(usable) or usable[n][0] < score):
            best = score
    return best  # exact: rounding down would let in pairs below it


def hit_at_1(split: Split, vectors: np.ndarray | None, weight: float, threshold: float) -> str:
    index = ReviewIndex(split.texts, vectors, semantic_weight=weight)
    with_mate = [i for i, f in enumerate(split.family) if split.family.count(f) > 1]
    hits = 0
    for i in with_mate:
        found = [m for m in index.matches(split.texts[i], None if vectors is None else vectors[i],
                                          threshold=threshold, top=2) if m.index != i]
        hits += bool(found) and split.family[found[0].index] == split.family[i]
    return f"{hits / len(with_mate):.3f} ({hits}/{len(with_mate)})"


def commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "claims/matching.py",
                                "bench/match_quality.py"], cwd=ROOT, capture_output=True,
                               text=True, check=True).stdout.strip()
        return out + (" (matching code uncommitted)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "stance")
    args = parser.parse_args()
    train = load(args.data / "check-covid" / "train.jsonl")
    dev = load(args.data / "check-covid" / "dev.jsonl")
    settings = load_settings()
    from semantic import load_encoder

    encoder = load_encoder(settings.model_dir)
    lines = ["# Claim matching: Check-COVID claim families (train calibrates, dev reports)", ""]
    lines.append(f"Date {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {commit()}, {machine()}.")
    lines.append("")
    lines.append(f"Unique claims: train {len(train.texts)} ({train.positives()} same-family ordered "
                 f"pairs), dev {len(dev.texts)} ({dev.positives()}). Threshold: the lowest with "
                 f"precision >= {TARGET_PRECISION} on train.")
    lines.append("")
    lines.append(f"What the families hold: of the same-family pairs, {train.reversals()} (train) and "
                 f"{dev.reversals()} (dev) are a claim and its reversal (one labelled SUPPORT, the "
                 f"other REFUTE); {train.clashes()} and {dev.clashes()} give different numbers or "
                 "dates, which the number/date rule never matches. So this measures finding the "
                 "earlier check of the same finding, where shared words carry far; it is no test "
                 "of matching free paraphrase.")
    lines.append("")
    lines.append("| scorer | weight | threshold (train) | train P | train R | dev P | dev R | "
                 "dev pairs returned | dev hit@1 |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    t0 = time.perf_counter()
    word_train = pairs(train, None, 0.0)
    cut = calibrate(word_train, train.positives())
    word_dev = pairs(dev, None, 0.0)
    tp, tr, _ = at(word_train, cut, train.positives())
    dp, dr, dn = at(word_dev, cut, dev.positives())
    lines.append(f"| words | - | {cut:.4f} | {tp:.3f} | {tr:.3f} | {dp:.3f} | {dr:.3f} | {dn} | "
                 f"{hit_at_1(dev, None, 0.0, cut)} |")
    word_result = (dp, dr)
    notes = [f"Word scorer: {time.perf_counter() - t0:.1f} s for both splits."]
    if encoder is None:
        notes.append(f"The sentence encoder is not installed ({settings.model_dir}; `make models`): "
                     "fused scorer not measured.")
    else:
        t0 = time.perf_counter()
        vec_train, vec_dev = encoder.encode(train.texts), encoder.encode(dev.texts)
        notes.append(f"Encoded {len(train.texts) + len(dev.texts)} claims with {encoder.model_id} "
                     f"in {time.perf_counter() - t0:.1f} s.")
        tried = []
        for w in WEIGHTS:
            found = pairs(train, vec_train, w)
            c = calibrate(found, train.positives())
            p, r, _ = at(found, c, train.positives())
            tried.append((r, -w, w, c, p))
            lines.append(f"| fused (train grid) | {w} | {c:.4f} | {p:.3f} | {r:.3f} | | | | |")
        r, _, w, c, p = max(tried)
        fused_dev = pairs(dev, vec_dev, w)
        dp, dr, dn = at(fused_dev, c, dev.positives())
        lines.append(f"| **words+semantic** | {w} | {c:.4f} | {p:.3f} | {r:.3f} | {dp:.3f} | "
                     f"{dr:.3f} | {dn} | {hit_at_1(dev, vec_dev, w, c)} |")
        raw_train = raw_pairs(train, vec_train, w)
        rc = calibrate(raw_train, train.positives())
        rp, rr, _ = at(raw_train, rc, train.positives())
        rdp, rdr, rdn = at(raw_pairs(dev, vec_dev, w), rc, dev.positives())
        lines.append(f"| words+semantic, no number/date rule | {w} | {rc:.4f} | {rp:.3f} | "
                     f"{rr:.3f} | {rdp:.3f} | {rdr:.3f} | {rdn} | - |")
        if dr <= word_result[1] and dp <= word_result[0]:
            notes.append("Words alone do as well as the fused scorer on dev.")
        else:
            notes.append(f"Fused minus words on dev: precision {dp - word_result[0]:+.3f}, "
                         f"recall {dr - word_result[1]:+.3f}.")
    shipped = (f"Shipped in claims/matching.py: WORD_THRESHOLD {matching.WORD_THRESHOLD}, "
               f"FUSED_THRESHOLD {matching.FUSED_THRESHOLD}, SEMANTIC_WEIGHT "
               f"{matching.SEMANTIC_WEIGHT}.")
    lines += ["", *notes, "", shipped, ""]
    text = "\n".join(lines)
    RESULTS.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()

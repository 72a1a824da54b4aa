"""Claim identity: when do two wordings become one claim row? Words alone vs words + meaning.

Run ``python -m bench.identity_quality [--data DIR] [--vectors FILE]``. Public data: Check-COVID
(``check-covid/{train,dev}.jsonl``). Pairs, built from what the annotators said:

- same (positive): a SUPPORT claim and each of its gold evidence sentences: a journalist's and a
  scientist's wording of one finding (the abstract sentence often says more than the claim);
- reversal (negative): a REFUTE claim and each of its gold evidence sentences, and a family's
  SUPPORT and REFUTE claims against each other (written to say the opposite, often in the same
  words, a changed number or an antonym);
- other (negative): claims of different families (every pair).

Three deciders: ``same_claim`` (words and slots, as shipped before the encoder), the cosine
alone, and ``same_meaning`` (``same_claim``, or cosine >= threshold with every slot agreeing). The
threshold is the lowest on a grid whose precision on train is >= 0.95 (a wrong merge joins two
claims' histories; a missed one only leaves two rows); dev is scored once at the shipped value.
Also counted: merged pairs whose numbers differ (the rule says never). Writes
``bench/results/identity_quality.md``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from bench.__main__ import machine
from bench._provenance import commit
from bench._vectors import encode
from claims import identity
from claims.matching import facts_of
from claimtrack.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "identity_quality.md"
TARGET_PRECISION = 0.95
GRID = tuple(round(0.5 + 0.01 * i, 2) for i in range(50))


@dataclass(frozen=True, slots=True)
class Pair:
    a: str
    b: str
    kind: str  # same | reversal | other


def pairs(path: Path) -> list[Pair]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    out: list[Pair] = []
    for row in rows:
        if row["label"] in ("SUPPORT", "REFUTE"):
            kind = "same" if row["label"] == "SUPPORT" else "reversal"
            out.extend(Pair(row["claim"], row["abstract"][i], kind) for i in row["evidence_index"])
    claims: dict[str, tuple[str, str]] = {}
    for row in rows:
        claims.setdefault(row["claim"], (row["id"].rsplit("_", 1)[0], row["label"]))
    texts = list(claims)
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            (fa, la), (fb, lb) = claims[a], claims[b]
            if fa != fb:
                out.append(Pair(a, b, "other"))
            elif {la, lb} == {"SUPPORT", "REFUTE"}:
                out.append(Pair(a, b, "reversal"))
    return out


@dataclass(frozen=True, slots=True)
class Scored:
    """One pair's parts of the decision: the rules are computed once, the threshold varies."""

    pair: Pair
    cosine: float
    words: bool  # same_claim
    slots: bool  # slots_agree (only where it can matter: words, or cosine >= the grid's floor)


def score(items: Sequence[Pair], vectors: dict[str, np.ndarray]) -> list[Scored]:
    out = []
    for p in items:
        cos = float(vectors[p.a] @ vectors[p.b])
        words = identity.same_claim(p.a, p.b)
        slots = (words or cos >= GRID[0]) and identity.slots_agree(p.a, p.b)
        out.append(Scored(p, cos, words, slots))
    return out


Decider = Callable[[Scored], bool]


def tally(items: Sequence[Scored], decide: Decider) -> dict[str, float]:
    merged = {"same": 0, "reversal": 0, "other": 0}
    numbers = 0
    for item in items:
        if decide(item):
            pair = item.pair
            merged[pair.kind] += 1
            na, nb = facts_of(pair.a).numbers, facts_of(pair.b).numbers
            numbers += bool(na and nb and not (na <= nb or nb <= na))
    positives = sum(i.pair.kind == "same" for i in items)
    returned = sum(merged.values())
    return {"P": merged["same"] / returned if returned else 1.0,
            "R": merged["same"] / positives if positives else 0.0,
            "merged": returned, "reversal": merged["reversal"], "other": merged["other"],
            "numbers": numbers}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "stance")
    parser.add_argument("--vectors", type=Path, default=None,
                        help="an .npz to keep the sentence vectors in between runs")
    args = parser.parse_args(argv)
    from semantic import load_encoder

    encoder = load_encoder(load_settings().model_dir)
    if encoder is None:
        print("identity_quality: no sentence encoder installed (make models); skipped",
              file=sys.stderr)
        return 0
    split = {name: pairs(args.data / "check-covid" / f"{name}.jsonl") for name in ("train", "dev")}
    started = time.perf_counter()
    vectors = encode(encoder, [t for items in split.values() for p in items for t in (p.a, p.b)],
                     args.vectors)
    encode_s = time.perf_counter() - started
    started = time.perf_counter()
    scored = {name: score(items, vectors) for name, items in split.items()}
    rules_s = time.perf_counter() - started

    def words(i: Scored) -> bool:
        return i.words

    def cosine_only(t: float) -> Decider:
        return lambda i: i.cosine >= t

    def meaning(t: float) -> Decider:  # identity.same_meaning, from its precomputed parts
        return lambda i: (i.words or i.cosine >= t) and i.slots

    grid = [(t, tally(scored["train"], meaning(t))) for t in GRID]
    reached = [t for t, s in grid if s["P"] >= TARGET_PRECISION]
    chosen = reached[0] if reached else GRID[-1]
    cos_grid = [(t, tally(scored["train"], cosine_only(t))) for t in GRID]
    cos_chosen = next((t for t, s in cos_grid if s["P"] >= TARGET_PRECISION), GRID[-1])

    def line(name: str, decider: str, t: str, s: dict[str, float]) -> str:
        return (f"| {name} | {decider} | {t} | {s['P']:.3f} | {s['R']:.3f} | {s['merged']} | "
                f"{s['reversal']} | {s['other']} | {s['numbers']} |")

    counts = {name: {k: sum(p.kind == k for p in items) for k in ("same", "reversal", "other")}
              for name, items in split.items()}
    lines = [
        "# Claim identity: Check-COVID wordings (words only vs words + meaning, same run)",
        "",
        f"Date {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {commit()}, {machine()}.",
        "",
        f"Encoder {encoder.model_id}: {len(vectors)} texts in {encode_s:.1f} s"
        + (f" (vectors cached in {args.vectors.name})" if args.vectors else "") + "; the word and "
        f"slot rules over every pair in {rules_s:.1f} s.",
        "",
        "Pairs (same / reversal / other): "
        + "; ".join(f"{n} {c['same']} / {c['reversal']} / {c['other']}" for n, c in counts.items())
        + ". 'same' pairs a SUPPORT claim with its gold evidence sentence; 'reversal' a REFUTE "
        "claim with its evidence and a family's SUPPORT and REFUTE claims; 'other' claims of "
        "different families. P = share of merged pairs that are 'same'; R = share of 'same' "
        "pairs merged; 'numbers' = merged pairs whose numbers differ.",
        "",
        f"Threshold: the lowest with train precision >= {TARGET_PRECISION}, else the grid's top "
        f"({GRID[-1]}): same_meaning {chosen}"
        + ("" if reached else " (no threshold reached it)")
        + f", cosine alone {cos_chosen}; shipped SAME_COSINE {identity.SAME_COSINE}.",
        "",
        "| split | decider | threshold | P | R | merged | reversals merged | others merged | numbers differ |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in ("train", "dev"):
        lines.append(line(name, "words (same_claim)", "-", tally(scored[name], words)))
        lines.append(line(name, "cosine alone", str(cos_chosen),
                          tally(scored[name], cosine_only(cos_chosen))))
        lines.append(line(name, "**same_meaning**", str(identity.SAME_COSINE),
                          tally(scored[name], meaning(identity.SAME_COSINE))))
    lines += ["", "Train grid for same_meaning (threshold: P, R, merged):", "",
              ", ".join(f"{t}: {s['P']:.3f}/{s['R']:.3f}/{s['merged']}"
                        for t, s in grid if round(t * 100) % 5 == 0 or t == GRID[-1]), ""]
    near = sorted((i for i in scored["train"] if i.pair.kind == "reversal"),
                  key=lambda i: -i.cosine)
    share = sum(i.cosine >= 0.9 for i in near) / max(1, len(near))
    same = sorted(i.cosine for i in scored["train"] if i.pair.kind == "same")
    lines += [f"Why meaning cannot tell a claim from its reversal here: {share:.0%} of train "
              f"reversal pairs have cosine >= 0.9, while the median 'same' pair (claim vs its "
              f"evidence sentence) has {same[len(same) // 2]:.3f}. Closest reversals:", ""]
    lines += [f"- {i.cosine:.3f}: \"{i.pair.a}\" / \"{i.pair.b}\"" for i in near[:3]]
    lines.append("")
    text = "\n".join(lines)
    RESULTS.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

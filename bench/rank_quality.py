"""Passage ranking quality: does a claim's gold evidence sentence rank near the top?

Run ``python -m bench.rank_quality [--data DIR]``. Public data, reworded by people, not our own
text: Check-COVID (journalists' claims against the sentences of the scientific abstract they
report on; ``evidence_index`` marks the gold sentences) and FEVER-Symmetric dev (Wikipedia claims,
each with two evidence sentences). Three settings:

- own abstract: rank the sentences of the claim's own abstract (about 10 each);
- pooled: rank every sentence of every abstract of the split (hundreds; harder);
- FEVER pooled: rank every evidence sentence of the set; either of the claim's two is gold.

A claim counts at k when one of its gold sentences is among the first k. SUPPORT and REFUTE
claims are the main rows; NOTENOUGHINFO claims (whose marked sentences are about the claim but
settle nothing) are reported apart. Word-only, cosine-only and hybrid (weighted reciprocal rank
fusion) run in the same process on the same vectors. The fusion's weight and offset are chosen
on Check-COVID train (mean hit@5 over its two settings) and dev is scored at the shipped values.
Writes ``bench/results/rank_quality.md``.
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
from claims import rank
from claims.rank import PassageIndex
from claimtrack.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "rank_quality.md"
KS = (1, 5, 10)
WEIGHTS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
OFFSETS = (10, 60)


@dataclass(frozen=True, slots=True)
class Case:
    claim: str
    label: str
    candidates: tuple[int, ...]  # indices into the setting's passages; () = all of them
    gold: frozenset[int]


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    passages: list[str]
    cases: list[Case]


def check_covid(path: Path) -> tuple[Setting, Setting]:
    """(own abstract, pooled) for one Check-COVID split; passages are unique sentences."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    where: dict[tuple[str, int], int] = {}
    passages: list[str] = []
    for row in rows:
        for i, sentence in enumerate(row["abstract"]):
            key = (row["source_title"], i)
            if key not in where:
                where[key] = len(passages)
                passages.append(sentence)
    own, pooled = [], []
    for row in rows:
        mine = tuple(where[(row["source_title"], i)] for i in range(len(row["abstract"])))
        gold = frozenset(mine[i] for i in row["evidence_index"])
        own.append(Case(row["claim"], row["label"], mine, gold))
        pooled.append(Case(row["claim"], row["label"], (), gold))
    return Setting("own abstract", passages, own), Setting("pooled", passages, pooled)


def fever(path: Path) -> Setting:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    where: dict[str, int] = {}
    gold: dict[str, set[int]] = {}
    for row in rows:
        i = where.setdefault(row["evidence"], len(where))
        gold.setdefault(row["claim"], set()).add(i)
    cases = [Case(claim, "ANY", (), frozenset(g)) for claim, g in gold.items()]
    return Setting("FEVER pooled", list(where), cases)


Ranker = Callable[[Case], list[int]]


class Rankers:
    """The word, cosine and hybrid rankings of one setting, over shared vectors."""

    def __init__(self, setting: Setting, vectors: dict[str, np.ndarray]) -> None:
        self.setting = setting
        self.vectors = vectors
        self.pooled = PassageIndex(setting.passages,
                                   vectors=np.stack([vectors[p] for p in setting.passages]))
        self._own: dict[tuple[int, ...], PassageIndex] = {}

    def _index(self, case: Case) -> tuple[PassageIndex, Sequence[int]]:
        if not case.candidates:
            return self.pooled, range(len(self.setting.passages))
        index = self._own.get(case.candidates)
        if index is None:
            texts = [self.setting.passages[i] for i in case.candidates]
            index = PassageIndex(texts, vectors=np.stack([self.vectors[t] for t in texts]))
            self._own[case.candidates] = index
        return index, case.candidates

    def words(self, case: Case) -> list[int]:
        index, ids = self._index(case)
        return [ids[i] for i, _ in index.search(case.claim, max(KS))]

    def cosine(self, case: Case) -> list[int]:
        index, ids = self._index(case)
        assert index.vectors is not None
        scores = index.vectors @ self.vectors[case.claim]
        return [ids[int(i)] for i in np.argsort(-scores, kind="stable")[:max(KS)]]

    def hybrid(self, weight: float, k: int) -> Ranker:
        def run(case: Case) -> list[int]:
            index, ids = self._index(case)
            found = index.search(case.claim, max(KS), vector=self.vectors[case.claim],
                                 semantic_weight=weight, k=k)
            return [ids[i] for i, _ in found]
        return run


def scores(cases: Sequence[Case], ranker: Ranker) -> dict[str, float]:
    hits = {k: 0 for k in KS}
    reciprocal = 0.0
    for case in cases:
        ranked = ranker(case)
        first = next((r for r, i in enumerate(ranked, start=1) if i in case.gold), None)
        if first is not None:
            reciprocal += 1.0 / first
            for k in KS:
                hits[k] += first <= k
    n = max(1, len(cases))
    return {**{f"@{k}": hits[k] / n for k in KS}, "mrr": reciprocal / n, "n": len(cases),
            "hits5": hits[5]}


def split_cases(setting: Setting) -> tuple[list[Case], list[Case]]:
    main = [c for c in setting.cases if c.label != "NOTENOUGHINFO"]
    return main, [c for c in setting.cases if c.label == "NOTENOUGHINFO"]


def row(name: str, subset: str, method: str, s: dict[str, float]) -> str:
    return (f"| {name} | {subset} | {method} | {s['n']} | {s['@1']:.3f} | {s['@5']:.3f} | "
            f"{s['@10']:.3f} | {s['mrr']:.3f} |")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "stance")
    parser.add_argument("--vectors", type=Path, default=None,
                        help="an .npz to keep the sentence vectors in between runs")
    args = parser.parse_args(argv)
    from semantic import load_encoder

    encoder = load_encoder(load_settings().model_dir)
    if encoder is None:
        print("rank_quality: no sentence encoder installed (make models); skipped", file=sys.stderr)
        return 0
    train = check_covid(args.data / "check-covid" / "train.jsonl")
    dev = check_covid(args.data / "check-covid" / "dev.jsonl")
    fev = fever(args.data / "fever-symmetric" / "dev.jsonl")
    texts = [t for s in (train[0], dev[0], fev) for t in (*s.passages, *(c.claim for c in s.cases))]
    started = time.perf_counter()
    vectors = encode(encoder, texts, args.vectors)
    encode_s = time.perf_counter() - started

    # choose the fusion on train: mean hit@5 of its two settings, SUPPORT and REFUTE claims
    grid = []
    train_rankers = [Rankers(s, vectors) for s in train]
    for weight in WEIGHTS:
        for k in OFFSETS:
            at5 = [scores(split_cases(r.setting)[0], r.hybrid(weight, k))["@5"]
                   for r in train_rankers]
            grid.append((sum(at5) / len(at5), weight, k, at5))
    best = max(grid, key=lambda g: (g[0], -abs(g[1] - 0.5), g[2]))

    lines = [
        "# Passage ranking: gold evidence of reworded claims (word-only vs hybrid, same run)",
        "",
        f"Date {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {commit()}, {machine()}.",
        "",
        f"Encoder {encoder.model_id}: {len(vectors)} unique texts in {encode_s:.1f} s"
        + (f" (vectors cached in {args.vectors.name} between runs)." if args.vectors else "."),
        "",
        "A claim counts at k when one of its gold sentences is among the first k (MRR over the "
        "first 10). Word-only is `claims.rank_passages` as shipped before the semantic layer "
        "(BM25 + slots; a sentence sharing no word is never returned); cosine-only ranks by the "
        "embedding cosine alone; hybrid is the shipped fusion "
        f"(`SEMANTIC_WEIGHT` {rank.SEMANTIC_WEIGHT}, `RRF_K` {rank.RRF_K}, "
        f"`MIN_COSINE` {rank.MIN_COSINE}).",
        "",
        "## Fusion chosen on Check-COVID train (SUPPORT + REFUTE claims, mean hit@5 of own "
        "abstract and pooled)",
        "",
        "| cosine weight | k | own abstract @5 | pooled @5 | mean |",
        "|---:|---:|---:|---:|---:|",
    ]
    for mean, weight, k, at5 in grid:
        mark = "**" if (weight, k) == (best[1], best[2]) else ""
        lines.append(f"| {mark}{weight}{mark} | {k} | {at5[0]:.3f} | {at5[1]:.3f} | {mean:.3f} |")
    lines += ["", f"Best on train: weight {best[1]}, k {best[2]}. Shipped: weight "
              f"{rank.SEMANTIC_WEIGHT}, k {rank.RRF_K}.", ""]

    lines += ["## Results", "",
              "| setting | claims | method | n | hit@1 | hit@5 | hit@10 | MRR |",
              "|---|---|---|---:|---:|---:|---:|---:|"]
    timings: list[str] = []
    acceptance = ""
    for split, settings in (("train", train), ("dev", dev)):
        for setting in settings:
            r = Rankers(setting, vectors)
            main_cases, nei = split_cases(setting)
            for subset, cases in (("SUPPORT+REFUTE", main_cases), ("NOTENOUGHINFO", nei)):
                for method, ranker in (("words", r.words), ("cosine", r.cosine),
                                       ("hybrid", r.hybrid(rank.SEMANTIC_WEIGHT, rank.RRF_K))):
                    started = time.perf_counter()
                    s = scores(cases, ranker)
                    if split == "dev" and subset == "SUPPORT+REFUTE":
                        timings.append(f"{setting.name} {method}: "
                                       f"{(time.perf_counter() - started) / max(1, len(cases)) * 1000:.1f} ms a claim")
                    lines.append(row(f"Check-COVID {split}, {setting.name}", subset, method, s))
            if split == "dev" and setting.name == "own abstract":
                support = [c for c in setting.cases if c.label == "SUPPORT"]
                s = scores(support, r.hybrid(rank.SEMANTIC_WEIGHT, rank.RRF_K))
                w = scores(support, r.words)
                acceptance = (f"Acceptance set (tests/claims/test_rank_semantic.py): Check-COVID dev "
                              f"SUPPORT claims against their own abstract, hybrid hit@5 "
                              f"{s['@5']:.3f} ({s['hits5']}/{s['n']}); words alone {w['@5']:.3f} "
                              f"({w['hits5']}/{w['n']}).")
    r = Rankers(fev, vectors)
    for method, ranker in (("words", r.words), ("cosine", r.cosine),
                           ("hybrid", r.hybrid(rank.SEMANTIC_WEIGHT, rank.RRF_K))):
        lines.append(row("FEVER-Symmetric dev, pooled", "all", method, scores(fev.cases, ranker)))
    pooled_sizes = (f"Passages: train {len(train[0].passages)} sentences "
                    f"({len({c.candidates for c in train[0].cases})} abstracts), dev "
                    f"{len(dev[0].passages)} ({len({c.candidates for c in dev[0].cases})}), "
                    f"FEVER {len(fev.passages)} evidence sentences for {len(fev.cases)} claims.")
    lines += ["", pooled_sizes, "", acceptance, "", "Ranking time (dev, vectors given): "
              + "; ".join(timings) + ".", ""]
    text = "\n".join(lines)
    RESULTS.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

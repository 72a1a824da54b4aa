"""Verdicts with hybrid ranking: macro-F1 on the verify corpus, words only vs hybrid, same run.

Run ``python -m bench.assess_semantic``. Our own verify corpus (``examples/verify_corpus``): its
pages are split into passages as the pipeline splits them, each claim's top 5 passages are chosen
among all of them (one ``PassageIndex``, words alone or fused with the sentence vectors) and
``claims.assess`` decides. ``claims.jsonl``: 72 claims copied from a page, the same with a number
changed, or about no page; ``claims_hard.jsonl``: 90, 18 of them paraphrased. The rules were
written with these files in view, so this shows what the ranking changes, not held-out
accuracy. Writes ``bench/results/assess_semantic.md``.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import claims
import sources
from bench.__main__ import machine
from bench._provenance import commit
from claimtrack.settings import load_settings
from tests.metrics import macro_f1

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "examples" / "verify_corpus"
RESULTS = ROOT / "bench" / "results" / "assess_semantic.md"
STATUSES = ("supported", "refuted", "unverified")


def main() -> int:
    from semantic import load_encoder

    encoder = load_encoder(load_settings().model_dir)
    if encoder is None:
        print("assess_semantic: no sentence encoder installed (make models); skipped",
              file=sys.stderr)
        return 0
    texts, origin = [], []
    for page in sorted(CORPUS.glob("*.html")):
        doc = sources.extract_document(page.read_bytes(), url=f"https://example.org/{page.name}")
        for p in sources.split_passages(doc.text) if doc else []:
            texts.append(p.text)
            origin.append(page.name)
    files = {name: [json.loads(line) for line in (CORPUS / name).read_text("utf-8").splitlines()
                    if line.strip()] for name in ("claims.jsonl", "claims_hard.jsonl")}
    started = time.perf_counter()
    passage_vectors = encoder.encode(texts)
    claim_vectors = {n: encoder.encode([r["claim"] for r in rows]) for n, rows in files.items()}
    encode_s = time.perf_counter() - started
    words_index = claims.PassageIndex(texts)
    hybrid_index = claims.PassageIndex(texts, vectors=passage_vectors)
    lines = [
        "# Verdicts over the verify corpus: words-only vs hybrid passage ranking (same run)",
        "",
        f"Date {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {commit()}, {machine()}.",
        "",
        f"{len(texts)} passages from {len(set(origin))} pages; encoded with {encoder.model_id} "
        f"(with the claims) in {encode_s:.1f} s. Top 5 passages of the whole corpus per claim, "
        "then `claims.assess`.",
        "",
        "| claims | ranking | macro-F1 | changed verdicts | rank + assess time a claim |",
        "|---|---|---:|---:|---:|",
    ]
    for name, rows in files.items():
        got: dict[str, list[str]] = {}
        for ranking, index in (("words", words_index), ("hybrid", hybrid_index)):
            started = time.perf_counter()
            statuses = []
            for row, vector in zip(rows, claim_vectors[name], strict=True):
                top = index.search(row["claim"], top=5,
                                   vector=vector if ranking == "hybrid" else None)
                statuses.append(claims.assess(row["claim"], [texts[i] for i, _ in top],
                                              labels=[origin[i] for i, _ in top]).status)
            took = (time.perf_counter() - started) / len(rows) * 1000
            got[ranking] = statuses
            changed = "" if ranking == "words" else str(
                sum(a != b for a, b in zip(got["words"], statuses, strict=True)))
            score = macro_f1([r["expected"] for r in rows], statuses, STATUSES)
            lines.append(f"| {name} ({len(rows)}) | {ranking} | {score:.3f} | {changed} | "
                         f"{took:.1f} ms |")
        confusion = Counter((r["expected"], w, h) for r, w, h in
                            zip(rows, got["words"], got["hybrid"], strict=True) if w != h)
        if confusion:
            lines.append("")
            lines.append(f"{name}, verdicts that changed (expected, words, hybrid): "
                         + ", ".join(f"{k} x{v}" for k, v in sorted(confusion.items())))
            lines.append("")
    lines.append("")
    text = "\n".join(lines)
    RESULTS.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

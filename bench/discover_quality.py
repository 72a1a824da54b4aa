"""Source discovery quality: does the corpus provider find the page a claim is about?

Run ``python -m bench.discover_quality``. Imports ``examples/verify_corpus/*.html`` (24 pages)
into a fresh local corpus with distractors (the example article's 9 source pages and the 20
extraction-evaluation pages), then for every claim of ``claims.jsonl`` (72, worded like the pages)
and ``claims_hard.jsonl`` (90, paraphrased) that names a page, runs ``discover`` with the
corpus provider and records where the page lands; for the claims naming no page (the corpus
knows nothing about them) it counts the candidates returned anyway, which are all noise. Compared: ``queries_for`` (2-3 keyword
queries fused by reciprocal rank) against one query made of the whole claim sentence.
Reports recall@1, recall@5 and mean reciprocal rank; writes ``bench/results/discover_quality.md``.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import claims
from bench._provenance import write_results
from claims.model import Claim
from claimtrack.settings import ProviderSettings
from sources import build_providers, corpus_files, discover_many
from warehouse.corpus import add_documents, search_corpus, search_corpus_many
from warehouse.db import Warehouse

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "examples" / "verify_corpus"
DISTRACTORS = (ROOT / "examples" / "sources", ROOT / "tests" / "sources" / "fixtures" / "extract")
RESULTS = ROOT / "bench" / "results" / "discover_quality.md"


def as_claim(text: str, index: int) -> Claim:
    found = claims.extract_claims(text)
    if found:
        return found[0]
    return Claim(id=f"c_bench{index}", text=text, sentence=text, start=0, end=len(text),
                 kind="other", checkworthiness=1.0)


def labelled(name: str) -> list[tuple[Claim, str | None]]:
    rows = [json.loads(line) for line in (CORPUS / name).read_text(encoding="utf-8").splitlines()
            if line.strip()]
    return [(as_claim(r["claim"], i), r.get("page")) for i, r in enumerate(rows)]


def measure(pairs: Sequence[tuple[Claim, str | None]], providers: Sequence,
            queries: Callable[[Claim], list[str]] | None) -> dict[str, float]:
    asked = {c.id: queries(c) for c, _ in pairs} if queries else None
    found = discover_many([c for c, _ in pairs], providers, per_claim=5, queries=asked)
    ranks, noise = [], []
    for claim, page in pairs:
        urls = [c.url for c in found[claim.id]]
        if page is None:  # the corpus has nothing on it: every candidate is noise
            noise.append(len(urls))
            continue
        ranks.append(next((i for i, u in enumerate(urls, start=1) if u.endswith("/" + page)), 0))
    n = len(ranks) or 1
    return {"n": len(ranks), "r1": sum(r == 1 for r in ranks) / n,
            "r5": sum(r > 0 for r in ranks) / n, "mrr": sum(1 / r for r in ranks if r) / n,
            "noise": sum(noise) / (len(noise) or 1), "without": len(noise)}


def evaluate() -> dict[str, dict[str, dict[str, float]]]:
    with tempfile.TemporaryDirectory() as tmp:
        wh = Warehouse(Path(tmp) / "bench.duckdb")
        for folder in (CORPUS, *DISTRACTORS):
            add_documents(wh, corpus_files(folder))
        providers = build_providers(
            ["corpus"], ProviderSettings(), corpus_search=lambda q, n: search_corpus(wh, q, n),
            corpus_search_many=lambda qs, n: search_corpus_many(wh, qs, n))
        out = {}
        for name in ("claims.jsonl", "claims_hard.jsonl"):
            pairs = labelled(name)
            out[name] = {"queries_for": measure(pairs, providers, None),
                         "whole sentence": measure(pairs, providers, lambda c: [c.text])}
        return out


def main() -> None:
    results = evaluate()
    lines = ["# Discovery quality: local corpus (24 pages + 29 distractors), claims that name "
             "their page", "",
             "| claims | queries | n | recall@1 | recall@5 | MRR | candidates per claim the "
             "corpus knows nothing about |", "|---|---|---:|---:|---:|---:|---:|"]
    for name, per in results.items():
        for label, m in per.items():
            lines.append(f"| {name} | {label} | {m['n']:.0f} | {m['r1']:.3f} | {m['r5']:.3f} | "
                         f"{m['mrr']:.3f} | {m['noise']:.2f} (of {m['without']:.0f} claims) |")
    table = "\n".join(lines) + "\n"
    print(table)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    write_results(RESULTS, table)


if __name__ == "__main__":
    main()

"""Verification speed: claim x passage pairs judged per second, ranking, and claims verified per
second end to end against the local verify corpus.

Run: ``python -m bench.assess_bench``. Prints a Markdown table and writes it to
``bench/results/assess.md``. Pure Python, one process, no network, no database.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from pathlib import Path

import claims
import sources
from claims.slots import claim_slots, passage_slots
from claims.stance import judge

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "examples" / "verify_corpus"
RESULTS = Path(__file__).resolve().parent / "results" / "assess.md"


def _pages() -> tuple[list[str], list[str], float]:
    t = time.perf_counter()
    texts, origin = [], []
    for page in sorted(CORPUS.glob("*.html")):
        doc = sources.extract_document(page.read_bytes(), url=f"https://example.org/{page.name}")
        if doc is None:
            continue
        for p in sources.split_passages(doc.text):
            texts.append(p.text)
            origin.append(page.name)
    return texts, origin, time.perf_counter() - t


def _claims() -> list[str]:
    out: list[str] = []
    for name in ("claims.jsonl", "claims_hard.jsonl"):
        path = CORPUS / name
        if path.is_file():
            out += [json.loads(line)["claim"] for line in path.read_text("utf-8").splitlines()
                    if line]
    return out


def main() -> int:
    texts, origin, parse_s = _pages()
    wanted = _claims()
    rows: list[tuple[str, str, str]] = []

    # 1. pairs: every claim against every passage; cold = passage slots not yet cached
    passage_slots.cache_clear()
    t = time.perf_counter()
    for p in texts:
        passage_slots(p)
    slots_s = time.perf_counter() - t
    cs = [claim_slots(c) for c in wanted]
    t = time.perf_counter()
    n = 0
    for c in cs:
        for p in texts:
            judge(c, p)
            n += 1
    warm_s = time.perf_counter() - t
    rows.append(("stance, passage slots cached (batch)", f"{n:,} pairs", f"{n / warm_s:,.0f} pairs/s"))
    rows.append(("passage slots, first sight", f"{len(texts)} passages",
                 f"{len(texts) / slots_s:,.0f} passages/s"))
    cold = n / (warm_s + slots_s)
    rows.append(("stance incl. first-sight slots", f"{n:,} pairs", f"{cold:,.0f} pairs/s"))

    # worst case: every pair brings a passage never seen (a unique sentence appended to each)
    fresh = [f"{texts[k % len(texts)]} Note {k}: item {k * 7 % 1000} was filed." for k in range(2000)]
    t = time.perf_counter()
    for k, p in enumerate(fresh):
        judge(cs[k % len(cs)], p)
    new_s = time.perf_counter() - t
    rows.append(("stance, every passage new", f"{len(fresh):,} pairs",
                 f"{len(fresh) / new_s:,.0f} pairs/s"))

    # 2. ranking: one index over many passages, many claims
    big = texts * 50
    t = time.perf_counter()
    index = claims.PassageIndex(big)
    build_s = time.perf_counter() - t
    t = time.perf_counter()
    index.search_many(wanted, top=5)
    search_s = time.perf_counter() - t
    rows.append(("PassageIndex build", f"{len(big):,} passages", f"{len(big) / build_s:,.0f} passages/s"))
    rows.append(("rank (BM25 + slots), top 5", f"{len(wanted)} claims x {len(big):,} passages",
                 f"{len(wanted) / search_s:,.0f} claims/s"))

    # 3. end to end on the corpus: index, rank top 5, assess with labels
    passage_slots.cache_clear()
    t = time.perf_counter()
    index = claims.PassageIndex(texts)
    for c in wanted:
        top = index.search(c, top=5)
        claims.assess(c, [texts[i] for i, _ in top], labels=[origin[i] for i, _ in top])
    e2e_s = time.perf_counter() - t
    rows.append(("verify end to end (index, rank, assess)", f"{len(wanted)} claims, {len(texts)} passages",
                 f"{len(wanted) / e2e_s:,.0f} claims/s"))
    rows.append(("  + parsing the 24 HTML pages", "", f"{len(wanted) / (e2e_s + parse_s):,.0f} claims/s"))

    text = "\n".join([
        "# Verification speed",
        "",
        "| what | size | speed |",
        "|---|---|---|",
        *[f"| {a} | {b} | {c} |" for a, b, c in rows],
        "",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}. Claims: the verify corpus's `claims.jsonl` and `claims_hard.jsonl`;",
        f"passages: its 24 pages split by `sources.split_passages` ({len(texts)} passages). The",
        "machine is shared, so numbers move with its load.",
        "",
    ])
    print(text)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

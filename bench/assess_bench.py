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
from bench._provenance import write_results
from claims.slots import claim_slots, passage_slots, passage_words
from claims.stance import judge

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "examples" / "verify_corpus"
RESULTS = Path(__file__).resolve().parent / "results" / "assess.md"


def _pages() -> tuple[list[str], list[str], float]:
    t = time.process_time()
    texts, origin = [], []
    for page in sorted(CORPUS.glob("*.html")):
        doc = sources.extract_document(page.read_bytes(), url=f"https://example.org/{page.name}")
        if doc is None:
            continue
        for p in sources.split_passages(doc.text):
            texts.append(p.text)
            origin.append(page.name)
    return texts, origin, time.process_time() - t


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

    cs = [claim_slots(c) for c in wanted]
    index = claims.PassageIndex(texts)
    ranked = [(c, texts[i]) for c, claim in zip(cs, wanted, strict=True)
              for i, _ in index.search(claim, top=5)]

    # 1a. the pipeline's pairs: each claim with its top 5 passages, all about it; ranking has
    # already read every passage once
    t = time.process_time()
    for c, p in ranked:
        judge(c, p)
    again_s = time.process_time() - t
    rows.append(("stance, ranked pairs (top 5 per claim), passages read by ranking",
                 f"{len(ranked):,} pairs", f"{len(ranked) / again_s:,.0f} pairs/s"))
    # 1b. worst case: every ranked passage new to the cache (a unique sentence appended)
    fresh = [(c, f"{p} Note {k}: item {k * 7 % 1000} was filed.")
             for k, (c, p) in enumerate(ranked)]
    t = time.process_time()
    for c, p in fresh:
        judge(c, p)
    new_s = time.process_time() - t
    rows.append(("stance, every passage new", f"{len(fresh):,} pairs",
                 f"{len(fresh) / new_s:,.0f} pairs/s"))
    # 1c. a batch: every claim against every passage, most of them about something else
    t = time.process_time()
    n = 0
    for c in cs:
        for p in texts:
            judge(c, p)
            n += 1
    all_s = time.process_time() - t
    rows.append(("stance, every claim x every passage (batch)", f"{n:,} pairs",
                 f"{n / all_s:,.0f} pairs/s"))

    # 2. ranking: one index over many passages, many claims
    big = texts * 50
    t = time.process_time()
    index = claims.PassageIndex(big)
    build_s = time.process_time() - t
    t = time.process_time()
    index.search_many(wanted, top=5)
    search_s = time.process_time() - t
    rows.append(("PassageIndex build", f"{len(big):,} passages", f"{len(big) / build_s:,.0f} passages/s"))
    rows.append(("rank (BM25 + slots), top 5", f"{len(wanted)} claims x {len(big):,} passages",
                 f"{len(wanted) / search_s:,.0f} claims/s"))

    # 3. end to end on the corpus: index, rank top 5, assess with labels
    passage_slots.cache_clear()
    passage_words.cache_clear()
    t = time.process_time()
    index = claims.PassageIndex(texts)
    for c in wanted:
        top = index.search(c, top=5)
        claims.assess(c, [texts[i] for i, _ in top], labels=[origin[i] for i, _ in top])
    e2e_s = time.process_time() - t
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
        "machine is shared, so times are this process's CPU time (one thread: the wall time of an",
        "idle machine).",
        "",
    ])
    print(text)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    write_results(RESULTS, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Local corpus benchmark: import, BM25 index build and search latency in the warehouse.

Run ``python -m bench.corpus_bench [--docs 2000] [--words 600]``. Generates ``--docs``
documents of ``--words`` words drawn from a 20,000-word vocabulary, each with two words of its
own (so the right answer to a query is known), imports them with ``add_documents`` (which builds the fts index) into a fresh
warehouse file, then measures: the first search, ``search_corpus``
(one connection per query, as a provider without batching pays), ``search_corpus_many`` over
90 queries (one connection: a 30-claim check with three queries each) and top-1 accuracy.
Prints a Markdown table and writes it to ``bench/results/corpus.md``.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from bench._provenance import write_results
from sources.model import Document
from warehouse.corpus import add_documents, search_corpus, search_corpus_many
from warehouse.db import Warehouse

RESULTS = Path(__file__).resolve().parent / "results" / "corpus.md"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--words", type=int, default=600)
    args = parser.parse_args()
    rng = random.Random(7)
    vocabulary = [f"term{i}" for i in range(20_000)]
    docs = [(Document(text=" ".join([*rng.choices(vocabulary, k=args.words), f"uniq{i}a",
                                     f"uniq{i}b"]), url=f"https://corpus.example/{i}"), None)
            for i in range(args.docs)]
    picks = rng.sample(range(args.docs), 90)
    queries = [f"uniq{i}a uniq{i}b {' '.join(rng.choices(vocabulary, k=3))}" for i in picks]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        wh = Warehouse(Path(tmp) / "bench.duckdb")
        started = time.perf_counter()
        added = add_documents(wh, docs)
        rows.append(("import (with the index build)", f"{added} documents",
                     time.perf_counter() - started))
        started = time.perf_counter()
        add_documents(wh, docs)
        rows.append(("re-import (no change)", f"{args.docs} documents", time.perf_counter() - started))
        started = time.perf_counter()
        search_corpus(wh, queries[0], 5)
        rows.append(("first search", "1 query", time.perf_counter() - started))
        started = time.perf_counter()
        singles = [search_corpus(wh, q, 5) for q in queries[:10]]
        rows.append(("search_corpus, one connection each", "per query",
                     (time.perf_counter() - started) / 10))
        started = time.perf_counter()
        many = search_corpus_many(wh, queries, 5)
        rows.append(("search_corpus_many, 90 queries", "per query",
                     (time.perf_counter() - started) / len(queries)))
    hits = sum(1 for i, found in zip(picks, many, strict=True)
               if found and found[0].url == f"https://corpus.example/{i}")
    assert all(s == m for s, m in zip(singles, many, strict=False))
    lines = [f"# Local corpus ({args.docs} documents of {args.words} words)", "",
             "| step | of | seconds |", "|---|---|---:|"]
    lines += [f"| {step} | {what} | {secs:.3f} |" for step, what, secs in rows]
    lines += ["", f"Top-1 accuracy on 90 queries with each document's own words: {hits}/90."]
    table = "\n".join(lines) + "\n"
    print(table)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    write_results(RESULTS, table)


if __name__ == "__main__":
    main()

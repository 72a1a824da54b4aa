"""Corpus search with meaning: does a reworded claim find its source document?

Run ``python -m bench.corpus_semantic [--data DIR]``. Public data: every Check-COVID abstract
(train and dev together: no setting here was tuned on them; the fusion weights come from
``bench/rank_quality.py``, tuned on train sentences) imported as one corpus document through
``warehouse.corpus.add_documents`` and ``embed_corpus``, as ``claimtrack corpus add`` does; each
SUPPORT or REFUTE claim of dev queries it through ``search_corpus_many``, keyword (BM25) alone
and fused with the passage cosine, in the same run. A claim counts at k when its own abstract is
among the first k documents; "none" counts claims for which nothing came back.

Also measured, because the corpus search scans vectors exactly rather than through DuckDB's vss
HNSW index: the scan's time per query, and (when ``duckdb-extension-vss`` is installed, a dev
dependency) the time to build an in-memory HNSW index over the same vectors and its recall of the
exact top 10. Writes ``bench/results/corpus_semantic.md``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np

from bench.__main__ import machine
from claimtrack.settings import load_settings
from sources.model import Document
from warehouse.corpus import MIN_COSINE, add_documents, search_corpus_many
from warehouse.corpus_vectors import embed_corpus, passage_matrix
from warehouse.db import Warehouse
from warehouse.embeddings import embed_cached

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "corpus_semantic.md"
KS = (1, 5, 10)


def abstracts(paths: Sequence[Path]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """(title -> abstract text, [(dev claim, its title)] for SUPPORT and REFUTE claims)."""
    docs: dict[str, str] = {}
    queries: list[tuple[str, str]] = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            docs.setdefault(row["source_title"], " ".join(row["abstract"]))
            if path.stem == "dev" and row["label"] in ("SUPPORT", "REFUTE"):
                queries.append((row["claim"], row["source_title"]))
    return docs, queries


def url_of(title: str, urls: dict[str, str]) -> str:
    return urls.setdefault(title, f"https://corpus.example/{len(urls)}")


def hits(found: Sequence[Sequence[str]], gold: Sequence[str]) -> dict[str, float]:
    out: dict[str, float] = {f"@{k}": 0.0 for k in KS}
    none = 0
    for urls, want in zip(found, gold, strict=True):
        none += not urls
        for k in KS:
            out[f"@{k}"] += want in urls[:k]
    n = max(1, len(gold))
    return {**{k: v / n for k, v in out.items()}, "none": none}


def hnsw_check(matrix: np.ndarray, queries: np.ndarray) -> str:
    """Build vss's HNSW index in memory over ``matrix``; its build time and recall@10."""
    try:
        from importlib import resources

        root = resources.files("duckdb_extension_vss") / "extensions" / f"v{duckdb.__version__}"
    except ImportError:
        return "duckdb-extension-vss is not installed: HNSW not measured."
    path = Path(str(root)) / "vss.duckdb_extension"
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(f"LOAD '{path}'")
    dim = matrix.shape[1]
    con.execute(f"CREATE TABLE v (i INTEGER, vec FLOAT[{dim}])")
    import pyarrow as pa

    table = pa.table({"i": pa.array(range(len(matrix)), pa.int32()),
                      "vec": pa.FixedSizeListArray.from_arrays(pa.array(matrix.ravel()), dim)})
    con.register("incoming", table)
    con.execute(f"INSERT INTO v SELECT i, vec::FLOAT[{dim}] FROM incoming")  # noqa: S608 (an int)
    started = time.perf_counter()
    con.execute("CREATE INDEX v_hnsw ON v USING HNSW (vec) WITH (metric = 'cosine')")
    build = time.perf_counter() - started
    recall = []
    started = time.perf_counter()
    for q in queries:
        literal = "[" + ",".join(repr(float(x)) for x in q) + f"]::FLOAT[{dim}]"
        got = {r[0] for r in con.execute(
            f"SELECT i FROM v ORDER BY array_cosine_distance(vec, {literal}) LIMIT 10"  # noqa: S608 (floats)
        ).fetchall()}
        exact = set(np.argsort(-(matrix @ q))[:10].tolist())
        recall.append(len(got & exact) / 10)
    per_query = (time.perf_counter() - started) / max(1, len(queries)) * 1000
    return (f"vss HNSW (in memory, cosine, defaults): built over {len(matrix)} vectors in "
            f"{build:.2f} s; recall of the exact top 10 {np.mean(recall):.3f}; "
            f"{per_query:.1f} ms a query (incl. the exact check).")


def commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                         text=True, check=False)
    return out.stdout.strip() or "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "stance")
    args = parser.parse_args(argv)
    from semantic import load_encoder

    encoder = load_encoder(load_settings().model_dir)
    if encoder is None:
        print("corpus_semantic: no sentence encoder installed (make models); skipped",
              file=sys.stderr)
        return 0
    data = args.data / "check-covid"
    docs, queries = abstracts([data / "train.jsonl", data / "dev.jsonl"])
    urls: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        wh = Warehouse(Path(tmp) / "corpus.duckdb")
        add_documents(wh, [(Document(text=text, title=None, url=url_of(title, urls)), None)
                           for title, text in docs.items()])
        started = time.perf_counter()
        embedded = embed_corpus(wh, encoder)
        embed_s = time.perf_counter() - started
        texts = [q for q, _ in queries]
        gold = [url_of(t, urls) for _, t in queries]
        started = time.perf_counter()
        keyword = search_corpus_many(wh, texts, 10)
        keyword_s = time.perf_counter() - started
        embed_cached(wh, encoder, texts)  # the queries' vectors, so the timing below is search
        started = time.perf_counter()
        fused = search_corpus_many(wh, texts, 10, embed=lambda t: embed_cached(wh, encoder, t),
                                   model=encoder.model_id)
        fused_s = time.perf_counter() - started
        with wh.connect(read_only=True) as con:
            doc_ids, matrix = passage_matrix(con, encoder.model_id)
        qv = embed_cached(wh, encoder, texts)
        started = time.perf_counter()
        for q in qv:
            np.argsort(-(matrix @ q))[:10]
        scan_ms = (time.perf_counter() - started) / max(1, len(qv)) * 1000
        hnsw = hnsw_check(matrix, qv)
    rows = [("keyword (BM25)", hits([[c.url for c in f] for f in keyword], gold), keyword_s),
            ("keyword + semantic (RRF)", hits([[c.url for c in f] for f in fused], gold), fused_s)]
    lines = [
        "# Corpus search: reworded claims against their source abstract (keyword vs fused, same run)",
        "",
        f"Date {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {commit()}, {machine()}.",
        "",
        f"Corpus: {len(docs)} Check-COVID abstracts (train and dev) as documents, {len(doc_ids)} "
        f"passages; {embedded} documents embedded with {encoder.model_id} in {embed_s:.1f} s. "
        f"Queries: {len(queries)} dev SUPPORT and REFUTE claims; a claim counts at k when its own "
        f"abstract is among the first k documents. Semantic-only documents need a passage cosine "
        f">= {MIN_COSINE}.",
        "",
        "| search | hit@1 | hit@5 | hit@10 | no result | time for all queries |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, s, took in rows:
        lines.append(f"| {name} | {s['@1']:.3f} | {s['@5']:.3f} | {s['@10']:.3f} | "
                     f"{int(s['none'])} | {took:.2f} s |")
    lines += ["", f"Exact cosine scan in numpy over {len(doc_ids)} passages: {scan_ms:.2f} ms a "
              "query.", "", hnsw, ""]
    text = "\n".join(lines)
    RESULTS.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Sentence encoder benchmark: sentences/s, GFLOP/s against numpy's matmul ceiling, memory.

Run ``python -m bench.encoder_bench [--sentences 512] [--repeats 3]`` after ``make models``.
Sentences of 20-30 word pieces (with [CLS] and [SEP]) are made from a fixed news vocabulary
(the cost depends on the token count only). Measured in one process, in this order:

- numpy's float32 matmul ceiling: a 2048-square product, and the encoder's largest product
  (rows x 384 @ 384 x 1536), on BLAS's default threads and on one thread, before the encoder
  runs and again after them (the load on a shared machine changes within a run);
- ``semantic.Encoder.encode`` at batch 32, 8 and 1 (best and median of ``--repeats``), and at
  batch 32 with ``threads=1`` (one batch at a time on BLAS's own threads, the alternative to
  batches in parallel on single-threaded BLAS);
- the same at batch 32 on passages of 120-256 word pieces (what passage ranking encodes);
- the plain reference below: the same model written the obvious way (separate Q, K, V products,
  ``W.T`` at each call, erf GELU, one batch at a time on BLAS's own threads), at batch 32;
- the embedding cache: encode-and-store, then read back, of the same sentences.

FLOPs are counted on real tokens: per layer 2 x 384 x (3 x 384 + 384 + 2 x 1536) per token
plus 4 x 384 x n^2 for attention, six layers. The machine is shared: the load average before and
after is written beside the numbers. Writes ``bench/results/encoder.md``.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import resource
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from bench.__main__ import machine
from semantic import Encoder, load_encoder, model_dir
from semantic.encoder import WEIGHTS

RESULTS = Path(__file__).resolve().parent / "results" / "encoder.md"
_TEXT = ("the government said on tuesday that inflation rose by percent in the last quarter while "
         "unemployment fell to its lowest level since records began according to official figures "
         "released by the statistics office in london after ministers met with union leaders over "
         "pay and the cost of energy for households across the country this winter")
WORDS = tuple(_TEXT.split(" "))


def sentences(encoder: Encoder, count: int, seed: int = 7) -> list[str]:
    """``count`` sentences of 20-30 word pieces, deterministic."""
    rng = random.Random(seed)
    found: list[str] = []
    while len(found) < count:
        batch = [" ".join(rng.choices(WORDS, k=rng.randint(16, 28))) + "." for _ in range(256)]
        for text, ids in zip(batch, encoder.token_ids(batch), strict=True):
            if 20 <= len(ids) <= 30:
                found.append(text)
    return found[:count]


def passages(encoder: Encoder, count: int, seed: int = 11) -> list[str]:
    """``count`` passages of 120-256 word pieces (the longest are truncated at 256), deterministic."""
    rng = random.Random(seed)
    return [" ".join(" ".join(rng.choices(WORDS, k=rng.randint(14, 24))) + "."
                     for _ in range(rng.randint(6, 12))) for _ in range(count)]


def flops(token_counts: Sequence[int]) -> float:
    per_token = 2 * 384 * (3 * 384 + 384 + 2 * 1536)
    return float(sum(6 * (per_token * n + 4 * 384 * n * n) for n in token_counts))


def timed(run: Callable[[], object], repeats: int) -> list[float]:
    run()  # warm-up: first-touch of buffers, BLAS threads started
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return times


def matmul_rate(m: int, k: int, n: int, repeats: int) -> float:
    rng = np.random.default_rng(0)
    a = rng.standard_normal((m, k), dtype=np.float32)
    b = rng.standard_normal((k, n), dtype=np.float32)
    reps = max(1, int(2e10 // (2 * m * k * n)))  # about 20 GFLOP a timing

    def run() -> None:
        for _ in range(reps):
            a @ b

    return 2 * m * k * n * reps / min(timed(run, repeats)) / 1e9


def blas_info() -> tuple[str, Callable[[int], object] | None]:
    """(a description of the BLAS, a context factory limiting its threads) via threadpoolctl."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return "threadpoolctl not installed", None
    controller = ThreadpoolController()
    infos = [i for i in controller.info() if i.get("user_api") == "blas"]
    text = ", ".join(f"{i.get('internal_api')} {i.get('version')} ({i.get('architecture')} "
                     f"kernel, {i.get('num_threads')} threads)" for i in infos)
    return text or "no BLAS found", lambda k: controller.limit(limits=k, user_api="blas")


def peak_rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


# --- the plain reference: BERT the obvious way, kept here and not in the package ---------------

def _erf() -> Callable[[np.ndarray], np.ndarray]:
    try:
        from scipy.special import erf
    except ImportError:
        return np.vectorize(math.erf, otypes=[np.float32])
    return erf  # type: ignore[no-any-return]


class PlainBert:
    """The forward pass as first written: clear, allocating, one batch at a time."""

    def __init__(self, tensors: dict[str, np.ndarray], encoder: Encoder) -> None:
        self.t = tensors
        self.encoder = encoder
        self.erf = _erf()

    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.t[name + ".weight"].T + self.t[name + ".bias"]

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        var = x.var(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + 1e-12) * self.t[name + ".weight"] + self.t[name + ".bias"]

    def forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        t = self.t
        b, n = ids.shape
        x = (t["embeddings.word_embeddings.weight"][ids] + t["embeddings.position_embeddings.weight"][:n]
             + t["embeddings.token_type_embeddings.weight"][0])
        x = self._norm(x, "embeddings.LayerNorm")
        bias = (1.0 - mask[:, None, None, :].astype(np.float32)) * np.float32(-1e9)
        for i in range(6):
            p = f"encoder.layer.{i}."

            def heads(y: np.ndarray) -> np.ndarray:
                return y.reshape(b, n, 12, 32).transpose(0, 2, 1, 3)

            q = heads(self._linear(x, p + "attention.self.query"))
            k = heads(self._linear(x, p + "attention.self.key"))
            v = heads(self._linear(x, p + "attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / np.float32(math.sqrt(32)) + bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores = scores / scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(b, n, 384)
            x = self._norm(self._linear(context, p + "attention.output.dense") + x,
                           p + "attention.output.LayerNorm")
            h = self._linear(x, p + "intermediate.dense")
            h = (0.5 * h * (1.0 + self.erf(h / np.float32(math.sqrt(2))))).astype(np.float32)
            x = self._norm(self._linear(h, p + "output.dense") + x, p + "output.LayerNorm")
        weights = mask.astype(np.float32)[:, :, None]
        pooled = (x * weights).sum(1) / weights.sum(1)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        ids = self.encoder.token_ids(texts)
        out = []
        for start in range(0, len(ids), batch_size):
            chunk = ids[start:start + batch_size]
            n = max(len(i) for i in chunk)
            batch = np.zeros((len(chunk), n), dtype=np.int64)
            mask = np.zeros((len(chunk), n), dtype=bool)
            for row, i in enumerate(chunk):
                batch[row, :len(i)] = i
                mask[row, :len(i)] = True
            out.append(self.forward(batch, mask))
        return np.concatenate(out).astype(np.float32)


# --- the run ------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sentences", type=int, default=512)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--models", type=Path,
                        default=Path(os.environ.get("CLAIMTRACK_MODELS")
                                     or Path.home() / ".cache" / "claimtrack" / "models"))
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    rss_start = rss_mb()
    started = time.perf_counter()
    encoder = load_encoder(args.models)
    if encoder is None:
        raise SystemExit(f"no model in {args.models}: run `make models` first")
    load_s = time.perf_counter() - started
    rss_loaded = rss_mb()
    blas, limit = blas_info()

    shape_rows = 32 * 25

    def ceiling_runs(when: str) -> list[tuple[str, str, str, float]]:
        found = [(when, "2048 x 2048 @ 2048 x 2048", "default",
                  matmul_rate(2048, 2048, 2048, args.repeats)),
                 (when, f"{shape_rows} x 384 @ 384 x 1536", "default",
                  matmul_rate(shape_rows, 384, 1536, args.repeats))]
        if limit is not None:
            with limit(1):  # type: ignore[attr-defined]
                found += [(when, "2048 x 2048 @ 2048 x 2048", "1",
                           matmul_rate(2048, 2048, 2048, args.repeats)),
                          (when, f"{shape_rows // 2} x 384 @ 384 x 1536", "1",
                           matmul_rate(shape_rows // 2, 384, 1536, args.repeats))]
        return found

    ceiling = ceiling_runs("before")
    texts = sentences(encoder, args.sentences)
    counts = [len(i) for i in encoder.token_ids(texts)]
    total_flops = flops(counts)
    rows = []
    for batch_size, share in ((32, 1), (8, 1), (1, 4)):
        subset = texts[: len(texts) // share]
        work = total_flops * len(subset) / len(texts)
        times = timed(lambda s=subset, b=batch_size: encoder.encode(s, batch_size=b), args.repeats)
        rows.append((f"semantic.Encoder, batch {batch_size}", len(subset), times, work))
    peak_sentences = peak_rss_mb()
    long_texts = passages(encoder, max(32, len(texts) // 4))
    long_counts = [len(i) for i in encoder.token_ids(long_texts)]
    times = timed(lambda: encoder.encode(long_texts, batch_size=32), args.repeats)
    rows.append((f"semantic.Encoder, batch 32, passages of {min(long_counts)}-{max(long_counts)} "
                 "word pieces", len(long_texts), times, flops(long_counts)))
    serial = Encoder(encoder._bert, encoder._tokenizer, encoder.model_id, threads=1)
    times = timed(lambda: serial.encode(texts, batch_size=32), args.repeats)
    rows.append(("semantic.Encoder, batch 32, one batch at a time on BLAS's threads", len(texts),
                 times, total_flops))
    peak_fast = peak_rss_mb()

    from safetensors.numpy import load_file

    plain = PlainBert(load_file(str(model_dir(args.models) / WEIGHTS)), encoder)
    subset = texts[: len(texts) // 4]
    times = timed(lambda: plain.encode(subset, 32), args.repeats)
    rows.append(("plain reference, batch 32", len(subset), times, total_flops / 4))
    drift = float(np.abs(plain.encode(subset[:64]) - encoder.encode(subset[:64])).max())

    from warehouse.db import Warehouse
    from warehouse.embeddings import embed_cached

    with tempfile.TemporaryDirectory() as tmp:
        wh = Warehouse(Path(tmp) / "cache.duckdb")
        wh.ensure_migrated()
        started = time.perf_counter()
        embed_cached(wh, encoder, texts)
        store_s = time.perf_counter() - started
        started = time.perf_counter()
        embed_cached(wh, encoder, texts)
        read_s = time.perf_counter() - started
    ceiling += ceiling_runs("after")
    load_after = os.getloadavg()[0]

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, check=False).stdout.strip() or "unknown"
    best_ceiling = max(rate for _, _, _, rate in ceiling)
    lines = [
        "# Sentence encoder (all-MiniLM-L6-v2, numpy)", "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {commit}, {machine()}.",
        f"BLAS: {blas}. Encoder threads: {encoder.threads}. "
        f"Load average (1 min) {load_before:.1f} before, {load_after:.1f} after: this machine is "
        "shared, so a load above its core count means the numbers below had part of it.", "",
        f"{len(texts)} sentences of {min(counts)}-{max(counts)} word pieces "
        f"(mean {statistics.mean(counts):.1f}), {total_flops / len(texts) / 1e9:.3f} GFLOP each. "
        f"Best and median of {args.repeats} runs after a warm-up.", "",
        "| encoder | sentences | best sentences/s | median sentences/s | GFLOP/s (best) | "
        "of the matmul ceiling |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, n, times, work in rows:
        lines.append(f"| {name} | {n} | {n / min(times):.1f} | {n / statistics.median(times):.1f} "
                     f"| {work / min(times) / 1e9:.1f} | {work / min(times) / 1e9 / best_ceiling:.0%} |")
    lines += ["", f"Plain reference vs encoder, largest absolute difference in a vector component: "
              f"{drift:.1e}.", "",
              "numpy float32 matmul ceiling, same run, before and after the encoder runs (the "
              f"ratios above are to the best of these, {best_ceiling:.1f} GFLOP/s):", "",
              "| when | product | BLAS threads | GFLOP/s |", "|---|---|---|---:|"]
    lines += [f"| {when} | {what} | {threads} | {rate:.1f} |"
              for when, what, threads, rate in ceiling]
    lines += ["", "Memory: resident "
              f"{rss_start:.0f} MB before loading, {rss_loaded:.0f} MB with the encoder loaded "
              f"({load_s:.2f} s to load, SHA-256 check included); peak (VmHWM) {peak_sentences:.0f} MB "
              f"after the sentences, {peak_fast:.0f} MB after the passages at batch 32, "
              f"{peak_rss_mb():.0f} MB once the plain reference had its own copy of the weights.",
              "",
              f"Embedding cache (warehouse/embeddings.py): {len(texts)} sentences encoded and stored "
              f"in {store_s:.2f} s, read back in {read_s:.3f} s with nothing encoded."]
    table = "\n".join(lines) + "\n"
    print(table)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(table, encoding="utf-8")


if __name__ == "__main__":
    main()

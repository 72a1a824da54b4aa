"""Sentences in, unit vectors out: tokenise, batch by length, run BERT, pool, normalise.

Batches are formed after sorting by token count, so a batch pads to little; the vectors are put
back in input order. A sentence's vector does not depend on its batch mates (padded keys are
masked out of attention and out of the mean), up to float rounding of the matrix products.

Parallelism is over batches, one per core, each with a single-threaded BLAS (through
threadpoolctl when it is installed), rather than one batch at a time on OpenBLAS's own threads,
whose workers stall when another process holds a core (bench/results/encoder.md has both, from
the same run). Without threadpoolctl, or with ``threads=1``, batches run one at a time on BLAS's
own threads.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import numpy.typing as npt

from claimtrack.errors import ModelError
from semantic.bert import HIDDEN, Bert

MODEL_NAME = "all-MiniLM-L6-v2"
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model
WEIGHTS = "model.safetensors"
TOKENIZER = "tokenizer.json"

_loaded: dict[Path, Encoder] = {}
_load_lock = threading.Lock()
_encode_lock = threading.Lock()  # the BLAS thread limit is process-wide: one encode at a time


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


_blas: list[object] = []  # threadpoolctl's controller, looked up once


@contextlib.contextmanager
def _single_threaded_blas() -> Iterator[bool]:
    """Yields whether BLAS is now limited to one thread (False without threadpoolctl)."""
    if not _blas:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:
            _blas.append(None)
        else:
            _blas.append(ThreadpoolController())
    controller = _blas[0]
    if controller is None:
        yield False
        return
    with controller.limit(limits=1, user_api="blas"):  # type: ignore[attr-defined]
        yield True


class Encoder:
    """all-MiniLM-L6-v2 as a function from sentences to L2-normalised float32 vectors."""

    dim: int = HIDDEN

    def __init__(self, bert: Bert, tokenizer: object, model_id: str,
                 *, threads: int | None = None) -> None:
        self._bert = bert
        self._tokenizer = tokenizer
        self.model_id = model_id
        self.threads = max(1, threads if threads is not None else min(_cores(), 8))
        self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="encoder")
        self._pid = os.getpid()

    def __repr__(self) -> str:
        return f"Encoder({self.model_id!r})"

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Word-piece ids with [CLS]/[SEP], truncated to 256 tokens, unpadded."""
        encodings = self._tokenizer.encode_batch(list(texts))  # type: ignore[attr-defined]
        return [list(e.ids) for e in encodings]

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> npt.NDArray[np.float32]:
        """(len(texts), 384) float32, each row unit length, rows in input order."""
        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of texts, not one string")
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        ids = self.token_ids(texts)
        order = sorted(range(len(ids)), key=lambda i: (-len(ids[i]), i))

        def run(chosen: list[int]) -> None:
            length = len(ids[chosen[0]])
            batch = np.zeros((len(chosen), length), dtype=np.int64)
            mask = np.zeros((len(chosen), length), dtype=np.bool_)
            for row, i in enumerate(chosen):
                batch[row, :len(ids[i])] = ids[i]
                mask[row, :len(ids[i])] = True
            out[chosen] = self._bert.forward(batch, mask)

        blas = _single_threaded_blas() if self.threads > 1 else contextlib.nullcontext(False)
        with _encode_lock, blas as limited:
            parallel = limited and len(order) > 1
            # fewer batches than cores: smaller batches, so that every core has one
            size = min(batch_size, -(-len(order) // self.threads)) if parallel else batch_size
            batches = [order[i:i + size] for i in range(0, len(order), size)]
            if parallel and self._pid != os.getpid():  # forked: the parent's workers are gone
                self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="encoder")
                self._pid = os.getpid()
            if parallel:
                for future in [self._pool.submit(run, chosen) for chosen in batches]:
                    future.result()
            else:
                for chosen in batches:
                    run(chosen)
        norms = np.sqrt(np.einsum("ij,ij->i", out, out))[:, None]
        out /= np.maximum(norms, np.float32(1e-12))
        return out


def model_dir(models_dir: Path) -> Path:
    """Where the model's files live: ``<models_dir>/all-MiniLM-L6-v2/``."""
    return Path(models_dir) / MODEL_NAME


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_encoder(models_dir: Path) -> Encoder | None:
    """The encoder from ``models_dir``, loaded once per process and folder.

    ``None`` when the model folder is absent: the semantic layer is optional. ``ModelError``
    when files are there but the weights are not the published ones or cannot be read.
    """
    folder = model_dir(models_dir).expanduser().resolve()
    with _load_lock:
        if folder in _loaded:
            return _loaded[folder]
        if not folder.is_dir():
            return None
        encoder = _load(folder)
        _loaded[folder] = encoder
        return encoder


def _load(folder: Path) -> Encoder:
    weights, vocab = folder / WEIGHTS, folder / TOKENIZER
    for path in (weights, vocab):
        if not path.is_file():
            raise ModelError(f"{folder} has no {path.name}: run `make models` to reinstall it")
    digest = _sha256(weights)
    if digest != MODEL_SHA256:
        raise ModelError(
            f"{weights} is not the published {MODEL_NAME} (SHA-256 {digest[:16]}..., "
            f"expected {MODEL_SHA256[:16]}...): delete the folder and run `make models`"
        )
    try:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer
    except ImportError as exc:
        raise ModelError(
            f"the semantic layer needs safetensors and tokenizers "
            f"(pip install 'claimtrack[semantic]'): {exc}"
        ) from exc
    try:
        tokenizer = Tokenizer.from_file(str(vocab))
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        bert = Bert(load_file(str(weights)))
    except Exception as exc:  # safetensors and tokenizers raise their own error types
        raise ModelError(f"cannot read {MODEL_NAME} from {folder}: {exc}") from exc
    return Encoder(bert, tokenizer, f"{MODEL_NAME}@{digest[:12]}")

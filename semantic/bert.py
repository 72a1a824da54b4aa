"""The BERT forward pass of all-MiniLM-L6-v2 in numpy float32: no torch, same numbers.

Weights are rearranged once at load so the hot loop is a few large matrix products:
query, key and value are one (384, 1152) matrix (the 1/sqrt(head size) scale folded into the
query columns), every weight is stored transposed and contiguous (input-major), and each layer
works in place on a (tokens, 384) block. The feed-forward half (the larger matrices and the
GELU) runs in row chunks whose (rows, 1536) intermediate stays in the L2 cache, because numpy's
element-wise passes are memory-bound.

``forward`` holds no state between calls, so the encoder may run batches on several threads.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

F32 = npt.NDArray[np.float32]
HIDDEN = 384
HEADS = 12
HEAD_SIZE = HIDDEN // HEADS
INTERMEDIATE = 1536
LAYERS = 6
LN_EPS = np.float32(1e-12)
MASKED = np.float32(-1e9)  # added to padded keys' scores: exp() of it is exactly 0
_CHUNK_ROWS = 128  # 128 x 1536 float32 = 768 KiB: one chunk of the FFN stays in L2


@dataclass(frozen=True, slots=True)
class Layer:
    """One transformer block's weights, rearranged for ``x @ w`` products."""

    qkv_w: F32  # (384, 1152), query part pre-scaled by 1/sqrt(32)
    qkv_b: F32
    out_w: F32  # (384, 384)
    out_b: F32
    ln1_g: F32
    ln1_b: F32
    ffn_in_w: F32  # (384, 1536)
    ffn_in_b: F32
    ffn_out_w: F32  # (1536, 384)
    ffn_out_b: F32
    ln2_g: F32
    ln2_b: F32


def _t(w: np.ndarray) -> F32:
    """torch's Linear keeps (out, in); the forward pass wants contiguous (in, out)."""
    return np.ascontiguousarray(w.T, dtype=np.float32)


def _f(w: np.ndarray) -> F32:
    return np.ascontiguousarray(w, dtype=np.float32)


class Bert:
    """all-MiniLM-L6-v2's encoder stack; ``forward`` returns mean-pooled token vectors."""

    def __init__(self, tensors: Mapping[str, np.ndarray]) -> None:
        p = "embeddings."
        self.word = _f(tensors[p + "word_embeddings.weight"])
        self.position = _f(tensors[p + "position_embeddings.weight"])
        self.token_type = _f(tensors[p + "token_type_embeddings.weight"][0])
        self.emb_ln_g = _f(tensors[p + "LayerNorm.weight"])
        self.emb_ln_b = _f(tensors[p + "LayerNorm.bias"])
        self.max_positions = self.position.shape[0]
        scale = np.float32(1.0 / math.sqrt(HEAD_SIZE))
        self.layers: list[Layer] = []
        for i in range(LAYERS):
            a = f"encoder.layer.{i}."
            att = a + "attention."
            q_w = _t(tensors[att + "self.query.weight"]) * scale
            q_b = _f(tensors[att + "self.query.bias"]) * scale
            self.layers.append(Layer(
                qkv_w=np.ascontiguousarray(np.concatenate(
                    [q_w, _t(tensors[att + "self.key.weight"]),
                     _t(tensors[att + "self.value.weight"])], axis=1)),
                qkv_b=np.concatenate([q_b, _f(tensors[att + "self.key.bias"]),
                                      _f(tensors[att + "self.value.bias"])]),
                out_w=_t(tensors[att + "output.dense.weight"]),
                out_b=_f(tensors[att + "output.dense.bias"]),
                ln1_g=_f(tensors[att + "output.LayerNorm.weight"]),
                ln1_b=_f(tensors[att + "output.LayerNorm.bias"]),
                ffn_in_w=_t(tensors[a + "intermediate.dense.weight"]),
                ffn_in_b=_f(tensors[a + "intermediate.dense.bias"]),
                ffn_out_w=_t(tensors[a + "output.dense.weight"]),
                ffn_out_b=_f(tensors[a + "output.dense.bias"]),
                ln2_g=_f(tensors[a + "output.LayerNorm.weight"]),
                ln2_b=_f(tensors[a + "output.LayerNorm.bias"]),
            ))

    def forward(self, ids: npt.NDArray[np.int64], mask: npt.NDArray[np.bool_]) -> F32:
        """Token ids (batch, length), right-padded, ``mask`` true on real tokens ->
        mean-pooled, not yet normalised sentence vectors (batch, 384)."""
        batch, length = ids.shape
        x = self.word[ids.reshape(-1)]  # (batch*length, 384), a fresh array
        x3 = x.reshape(batch, length, HIDDEN)
        x3 += self.position[:length]
        x3 += self.token_type
        _layer_norm(x, self.emb_ln_g, self.emb_ln_b)
        bias = None  # no padding in this batch: nothing to mask
        if not mask.all():
            bias = np.where(mask, np.float32(0), MASKED).astype(np.float32)[:, None, None, :]
        for layer in self.layers:
            x = self._block(x, layer, batch, length, bias)
        weights = mask.astype(np.float32)
        pooled = np.matmul(weights[:, None, :], x.reshape(batch, length, HIDDEN))[:, 0, :]
        pooled /= weights.sum(axis=1, keepdims=True)
        return pooled

    def _block(self, x: F32, layer: Layer, batch: int, length: int, bias: F32 | None) -> F32:
        qkv = x @ layer.qkv_w
        qkv += layer.qkv_b
        heads = qkv.reshape(batch, length, 3, HEADS, HEAD_SIZE).transpose(2, 0, 3, 1, 4)
        scores = heads[0] @ heads[1].transpose(0, 1, 3, 2)  # (batch, heads, length, length)
        if bias is not None:
            scores += bias
        if not _softmax(scores):
            scores = heads[0] @ heads[1].transpose(0, 1, 3, 2)
            if bias is not None:
                scores += bias
            _softmax_rows(scores)
        context = (scores @ heads[2]).transpose(0, 2, 1, 3).reshape(batch * length, HIDDEN)
        attended = context @ layer.out_w
        attended += layer.out_b
        attended += x
        _layer_norm(attended, layer.ln1_g, layer.ln1_b)
        out = np.empty_like(attended)
        for start in range(0, attended.shape[0], _CHUNK_ROWS):
            rows = slice(start, start + _CHUNK_ROWS)
            h = attended[rows] @ layer.ffn_in_w
            h += layer.ffn_in_b
            _gelu(h)
            chunk = out[rows]
            np.matmul(h, layer.ffn_out_w, out=chunk)
            chunk += layer.ffn_out_b
            chunk += attended[rows]
            _layer_norm(chunk, layer.ln2_g, layer.ln2_b)
        return out


def _layer_norm(x: F32, gamma: F32, beta: F32) -> None:
    """In place over the last axis, as torch's LayerNorm (biased variance, eps 1e-12)."""
    mean = x.mean(axis=-1, keepdims=True)
    x -= mean
    var = np.einsum("ij,ij->i", x, x)[:, None]
    var /= np.float32(x.shape[-1])
    var += LN_EPS
    np.sqrt(var, out=var)
    x /= var
    x *= gamma
    x += beta


def _softmax(scores: F32) -> bool:
    """In place over the last axis, shifted by each (sentence, head) matrix's maximum.

    One reduction over a contiguous matrix costs less than one per row. It is exact unless a
    row's own maximum lies so far below the matrix's that its terms lose precision; a row sum
    under 1e-25 (row maximum more than about 63 below) catches that, and then this returns
    False with ``scores`` spoilt, for the caller to recompute with ``_softmax_rows``.
    """
    batch, heads, rows, cols = scores.shape
    flat = scores.reshape(batch * heads, rows * cols)
    flat -= flat.max(axis=1)[:, None]
    np.exp(scores, out=scores)
    sums = scores.sum(axis=-1, keepdims=True)
    if sums.min() < _TINY_SUM:
        return False
    np.reciprocal(sums, out=sums)
    scores *= sums
    return True


def _softmax_rows(scores: F32) -> None:
    """In place over the last axis, each row shifted by its own maximum."""
    scores -= scores.max(axis=-1, keepdims=True)
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=-1, keepdims=True)


_TINY_SUM = np.float32(1e-25)


def _gelu(h: F32) -> None:
    """In place: h * Phi(h) = 0.5 h (1 + erf(h / sqrt 2)), the exact GELU BERT was trained with.

    erf is Eigen's float32 rational approximation (odd degree-13 over even degree-8 polynomial,
    argument clamped to [-4, 4], absolute error under 5e-7). The tanh form is cheaper but moves
    the published similarities in the 4th decimal.
    """
    z = h * _INV_SQRT2
    np.clip(z, np.float32(-4), np.float32(4), out=z)
    z2 = z * z
    p = z2 * _ERF_P[0]
    for c in _ERF_P[1:]:
        p += c
        p *= z2
    p += _ERF_P_LAST
    p *= z
    q = z2 * _ERF_Q[0]
    for c in _ERF_Q[1:-1]:
        q += c
        q *= z2
    q += _ERF_Q[-1]
    p /= q  # erf(h / sqrt 2)
    p += np.float32(1)
    p *= np.float32(0.5)
    h *= p


_INV_SQRT2 = np.float32(1.0 / math.sqrt(2.0))
# Eigen's generic_fast_erf_float: numerator alpha_13 ... alpha_3 (alpha_1 last), denominator
# beta_8 ... beta_0.
_ERF_P = [np.float32(c) for c in (-2.72614225801306e-10, 2.77068142495902e-08,
                                  -2.10102402082508e-06, -5.69250639462346e-05,
                                  -7.34990630326855e-04, -2.95459980854025e-03)]
_ERF_P_LAST = np.float32(-1.60960333262415e-02)
_ERF_Q = [np.float32(c) for c in (-1.45660718464996e-05, -2.13374055278905e-04,
                                  -1.68282697438203e-03, -7.37332916720468e-03,
                                  -1.42647390514189e-02)]

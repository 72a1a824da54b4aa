"""The forward pass's element-wise pieces against their definitions (no model needed)."""

from __future__ import annotations

import math

import numpy as np

from semantic.bert import _gelu, _layer_norm, _softmax, _softmax_rows


def test_gelu_is_the_erf_form() -> None:
    x = np.linspace(-12, 12, 20001, dtype=np.float32)
    exact = np.array([v * 0.5 * (1 + math.erf(v / math.sqrt(2))) for v in x.astype(float)])
    got = x.copy()
    _gelu(got)
    assert np.abs(got - exact).max() < 2e-6
    tanh_form = 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))
    assert np.abs(tanh_form - exact).max() > 1e-4  # what the tanh shortcut would have cost


def test_softmax_matches_the_row_wise_one() -> None:
    rng = np.random.default_rng(3)
    scores = (rng.standard_normal((2, 12, 7, 7)) * 4).astype(np.float32)
    scores[1, :, :, 5:] = np.float32(-1e9)  # masked keys
    expected = scores.copy()
    _softmax_rows(expected)
    got = scores.copy()
    assert _softmax(got)
    np.testing.assert_allclose(got, expected, atol=1e-6)
    assert (got[1, :, :, 5:] == 0).all()


def test_softmax_refuses_a_row_far_below_its_matrix() -> None:
    scores = np.zeros((1, 1, 2, 3), dtype=np.float32)
    scores[0, 0, 1] = [-100.0, -101.0, -102.0]  # this row's terms would underflow
    assert not _softmax(scores.copy())


def test_layer_norm() -> None:
    rng = np.random.default_rng(4)
    x = rng.standard_normal((5, 384)).astype(np.float32) * 3 + 1
    gamma = rng.standard_normal(384).astype(np.float32)
    beta = rng.standard_normal(384).astype(np.float32)
    expected = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-12)
    got = x.copy()
    _layer_norm(got, gamma, beta)
    np.testing.assert_allclose(got, expected * gamma + beta, atol=2e-5)

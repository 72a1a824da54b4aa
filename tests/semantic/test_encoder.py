"""all-MiniLM-L6-v2 in numpy: the published numbers, and vectors that do not depend on batching."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from claimtrack.errors import ModelError
from semantic import MODEL_NAME, MODEL_SHA256, Encoder, load_encoder, model_dir

# sentence-transformers' published cosine similarities for this model (4 decimals), and the same
# pairs through this forward pass in float64 with an exact erf. "I love pasta" sits on a rounding
# edge (0.50955020 -> 0.5096), where float32 rounding may flip the 4th decimal on another BLAS
# kernel, so float32 is held to 1e-6 of the float64 figure, which rounds to the published one.
PUBLISHED = [
    ("The cat sits outside", "The cat plays in the garden", 0.6788, 0.67878846),
    ("The new movie is awesome", "The new movie is so great", 0.8939, 0.89390375),
    ("I love pasta", "Do you like pizza?", 0.5096, 0.50955020),
]
MIXED = [
    "Unemployment fell to 3.9% in March, the lowest level since 2019, the statistics office said.",
    "Hi",
    "The bridge, which opened in 1932 and carries about 160,000 vehicles a day, is to be "
    "repaired over three years at a cost the city put at $1.2 billion.",
    "",
    "Vaccines were tested on 40,000 people.",
]


@pytest.mark.parametrize(("a", "b", "published", "reference"), PUBLISHED)
def test_published_similarities(encoder: Encoder, a: str, b: str, published: float,
                                reference: float) -> None:
    va, vb = encoder.encode([a, b])
    similarity = float(va @ vb)
    assert round(reference, 4) == published
    assert abs(similarity - reference) < 1e-6, (similarity, reference)


def test_vectors_are_unit_float32_in_input_order(encoder: Encoder) -> None:
    vectors = encoder.encode(MIXED)
    assert vectors.shape == (len(MIXED), 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)
    for text, row in zip(MIXED, vectors, strict=True):
        np.testing.assert_allclose(encoder.encode([text])[0], row, atol=1e-6)
    assert encoder.dim == 384
    assert encoder.model_id == f"{MODEL_NAME}@{MODEL_SHA256[:12]}"


def test_a_vector_does_not_depend_on_its_batch_mates(encoder: Encoder) -> None:
    alone = encoder.encode([MIXED[4]])[0]
    for batch_size in (1, 2, 3, 32):
        np.testing.assert_allclose(encoder.encode(MIXED, batch_size=batch_size)[4], alone,
                                   atol=1e-6, rtol=0)
    shuffled = [MIXED[2], MIXED[4], MIXED[1], MIXED[4] + " Really.", MIXED[0]]
    np.testing.assert_allclose(encoder.encode(shuffled)[1], alone, atol=1e-6, rtol=0)


def test_deterministic(encoder: Encoder) -> None:
    first = encoder.encode(MIXED * 4, batch_size=8)
    assert np.array_equal(first, encoder.encode(MIXED * 4, batch_size=8))


def test_empty_input_and_long_text(encoder: Encoder) -> None:
    empty = encoder.encode([])
    assert empty.shape == (0, 384) and empty.dtype == np.float32
    long = " ".join(["The committee met again on Tuesday to discuss the budget."] * 60)
    assert len(encoder.token_ids([long])[0]) == 256  # truncated like sentence-transformers
    (vector,) = encoder.encode([long])
    assert np.isfinite(vector).all() and abs(float(np.linalg.norm(vector)) - 1) < 1e-6
    with pytest.raises(TypeError):
        encoder.encode("one string")  # type: ignore[arg-type]


def test_loaded_once_per_folder(encoder: Encoder, models: Path) -> None:
    assert load_encoder(models) is encoder


def test_absent_folder_means_no_layer(tmp_path: Path) -> None:
    assert load_encoder(tmp_path) is None
    assert model_dir(tmp_path) == tmp_path / "all-MiniLM-L6-v2"


def test_wrong_weights_are_refused(tmp_path: Path) -> None:
    folder = model_dir(tmp_path)
    folder.mkdir()
    (folder / "model.safetensors").write_bytes(b"not the published weights")
    (folder / "tokenizer.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ModelError, match="not the published all-MiniLM-L6-v2") as caught:
        load_encoder(tmp_path)
    wrong = hashlib.sha256(b"not the published weights").hexdigest()[:16]
    assert wrong in str(caught.value) and "make models" in str(caught.value)


def test_missing_tokenizer_is_refused(tmp_path: Path) -> None:
    folder = model_dir(tmp_path)
    folder.mkdir()
    (folder / "model.safetensors").write_bytes(b"x")
    with pytest.raises(ModelError, match="no tokenizer.json"):
        load_encoder(tmp_path)


def test_cached_vectors_are_the_encoder_s(encoder: Encoder, tmp_path: Path) -> None:
    from warehouse.db import Warehouse
    from warehouse.embeddings import embed_cached

    wh = Warehouse(tmp_path / "e.duckdb")
    fresh = embed_cached(wh, encoder, MIXED)
    cached = embed_cached(wh, encoder, MIXED[::-1])
    np.testing.assert_array_equal(cached, fresh[::-1])
    np.testing.assert_allclose(fresh, encoder.encode(MIXED), atol=1e-6)


def test_a_forked_child_encodes(encoder: Encoder) -> None:
    """The encoder is cached per process; a fork must not inherit a pool with no workers."""
    import multiprocessing
    import warnings

    expected = encoder.encode(MIXED)
    encoder.encode(MIXED)  # the parent's pool has started its workers
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    child = context.Process(target=lambda: results.put(encoder.encode(MIXED)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # 3.12+: fork of a threaded process
        child.start()
    got = results.get(timeout=120)
    child.join(timeout=30)
    assert child.exitcode == 0
    np.testing.assert_allclose(got, expected, atol=1e-6)

"""The semantic layer: a local sentence encoder (all-MiniLM-L6-v2) in numpy, no torch.

Optional: ``pip install 'claimtrack[semantic]'`` and ``make models``. Without the model folder
``load_encoder`` returns ``None`` and callers fall back to word-based logic.

    >>> enc = load_encoder(Path("~/.cache/claimtrack/models"))
    >>> vectors = enc.encode(["The cat sits outside", "The cat plays in the garden"])
    >>> float(vectors[0] @ vectors[1])  # cosine: rows are unit length
    0.6788...

Pure numerics: imports numpy, safetensors, tokenizers and ``claimtrack.errors``, nothing else of
ours, so ``claims/`` may use it.
"""

from semantic.encoder import MAX_TOKENS, MODEL_NAME, MODEL_SHA256, Encoder, load_encoder, model_dir

__all__ = ["MAX_TOKENS", "MODEL_NAME", "MODEL_SHA256", "Encoder", "load_encoder", "model_dir"]

"""Claims as JSON-ready dicts: the ``claimtrack claims --json`` contract (see DESIGN.md)."""

from __future__ import annotations

from typing import Any

from claims.model import Claim


def claim_to_json(claim: Claim) -> dict[str, Any]:
    """The contract fields (``id``, ``text``, ``sentence``, ``start``, ``end``, ``kind``,
    ``checkworthiness``, ``entities``, ``quantities``, ``dates``) plus ``quote`` and, per quantity,
    ``measure`` and ``qualifier``, and per entity its ``canonical`` spelling."""
    return {
        "id": claim.id,
        "text": claim.text,
        "sentence": claim.sentence,
        "start": claim.start,
        "end": claim.end,
        "kind": claim.kind,
        "checkworthiness": claim.checkworthiness,
        "entities": [{"text": e.text, "type": e.type, "canonical": e.canonical} for e in claim.entities],
        "quantities": [
            {"text": q.text, "value": q.value, "unit": q.unit, "measure": q.measure, "qualifier": q.qualifier}
            for q in claim.quantities
        ],
        "dates": [{"text": d.text, "year": d.year, "month": d.month, "day": d.day} for d in claim.dates],
        "quote": None if claim.quote is None else {"speaker": claim.quote.speaker, "words": claim.quote.words},
    }

"""Claim identity in the warehouse: a reworded claim joins a known claim's row by meaning only
when its slots agree; without an encoder the lookup is the word rule alone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from claims.standalone import make_claim
from warehouse import store
from warehouse.db import Warehouse
from warehouse.queries import match_existing_claims

KNOWN = "Vaccinated people were far less likely to be admitted to hospital in 2021."
REWORDED = "Immunisation sharply cut the odds of a hospital stay in 2021."
OTHER_YEAR = "Immunisation sharply cut the odds of a hospital stay in 2020."
UNRELATED = "The bakery sold more bread on Saturday in 2021."


class SameVector:
    """Every text on one vector (cosine 1) except UNRELATED: meaning says "same" to all."""

    model_id = "same@1"
    dim = 2

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        return np.array([[0.0, 1.0] if t == UNRELATED else [1.0, 0.0] for t in texts],
                        dtype=np.float32)


def test_meaning_joins_only_when_slots_agree(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "wh.duckdb")
    known = make_claim(KNOWN)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with wh.transaction() as con:
        store.save_claims(con, None, [known], [""], "r1", now)
    new = [make_claim(t) for t in (REWORDED, OTHER_YEAR, UNRELATED)]
    with wh.transaction() as con:
        assert match_existing_claims(con, new) == {}  # words alone: too few shared
        found = match_existing_claims(con, new, SameVector())
    assert found == {new[0].id: known.id}  # 2020 is not 2021; the bakery is far in meaning

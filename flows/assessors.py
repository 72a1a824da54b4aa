"""The assessor a run uses, built once per run from the settings (``assessor``: rules, learned, llm).

Pure assessors come straight from ``claims``' registry; one that needs the network or the
warehouse (an LLM endpoint with its response cache) is put together here, where both are at hand.
"""

from __future__ import annotations

import claims
from claimtrack.settings import Settings
from warehouse.db import Warehouse


def assessor_for(settings: Settings, wh: Warehouse) -> claims.Assessor:
    """The assessor ``settings.assessor`` names; an unknown name is a configuration error."""
    return claims.get_assessor(settings.assessor)

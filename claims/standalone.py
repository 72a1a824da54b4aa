"""A claim given on its own (``claimtrack verify``): checked as worded, never split or filtered."""

from __future__ import annotations

from datetime import date

from claims.checkworthiness import checkworthiness
from claims.dates import find_dates
from claims.entities import find_entities
from claims.identity import claim_id
from claims.kinds import claim_kind
from claims.model import Claim
from claims.quantities import find_quantities
from claims.quotes import find_quote


def make_claim(text: str, *, published: date | None = None) -> Claim:
    """The ``Claim`` record of a claim someone typed: the user already chose it, so it is kept
    whatever its check-worthiness; the sentence is the claim itself (offsets 0..len)."""
    words = " ".join(text.split())
    quantities = tuple(find_quantities(words))
    dates = tuple(find_dates(words, published=published))
    found = find_quote(words)
    quote = found.quote if found else None
    return Claim(
        id=claim_id(words),
        text=words,
        sentence=words,
        start=0,
        end=len(words),
        kind=claim_kind(words, quantities, dates, quote),
        checkworthiness=round(checkworthiness([words])[0], 4),
        entities=tuple(find_entities(words)),
        quantities=quantities,
        dates=dates,
        quote=quote,
    )

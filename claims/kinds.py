"""The kind of a claim: statistic, event, law, quote, comparison, or other (factual)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from claims.model import ClaimKind, DateRef, Quantity, Quote

_LAW = re.compile(
    r"\b(?:law(?! enforcement)|laws|act|forbids?|forbidden|regulations?|rules?|statute|directive|decree|constitution|requires?|"
    r"required|mandatory|illegal|unlawful|legal(?:ly)?|court-approved|warrants?|banned|bans?|"
    r"blocked|prohibit\w*|must|permitted|allowed to|licen[cs]e[sd]?|took effect|went into effect|"
    r"comes? into force|came into force)\b",
    re.IGNORECASE,
)
_UNDER_LAW = re.compile(r"\b(?:under|acting under) (?:this|the|a|that) (?:new )?law\b", re.IGNORECASE)
_EVENT = re.compile(
    r"\b(?:fined|fines|slapped|slap|arrested|confronted|detained|sentenced|launched|announced|"
    r"signed|suspended|deactivated|threatened|acquired|bought|sold|founded|killed|elected|won|"
    r"lost|happened|sent|pushed back|raided|sued|closed|opened|shut down|resigned|appointed|"
    r"visited|met|struck|hit|collapsed|died|released|published|introduced|approved|voted|"
    r"rejected|ruled|began|started|ended|completed)\b",
    re.IGNORECASE,
)
_COMPARE = re.compile(
    r"\b(?:\w+er than|more \w+ than|less \w+ than|second only to|largest|biggest|smallest|highest|lowest|most (?!of\b)\w+|least \w+|"
    r"fastest|slowest|richest|poorest|best|worst|leading|ranked|ranks|compared (?:to|with)|"
    r"outnumber\w*|surpass\w*|overtook|overtaken|ahead of|behind)\b",
    re.IGNORECASE,
)


def claim_kind(
    text: str,
    quantities: Sequence[Quantity] = (),
    dates: Sequence[DateRef] = (),
    quote: Quote | None = None,
) -> ClaimKind:
    """One kind per claim, the most specific first: a quote, a number, a ranking, a rule, an
    event, else other-factual."""
    if quote is not None and quote.speaker:
        return "quote"
    if any(q.unit != "rank" for q in quantities):
        return "statistic"
    if any(q.unit == "rank" for q in quantities) or _COMPARE.search(text):
        return "comparison"
    law_text = _UNDER_LAW.sub("", text)
    if _LAW.search(law_text):
        return "law"
    if dates or _EVENT.search(text):
        return "event"
    return "other"

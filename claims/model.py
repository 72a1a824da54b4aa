"""Domain records of the claims stage: what a claim is, and what the evidence says about it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

ClaimKind = Literal["statistic", "event", "law", "quote", "comparison", "other"]
EntityType = Literal["organisation", "person", "place", "law", "product", "other"]
Stance = Literal["supports", "refutes", "neutral"]
Status = Literal["supported", "refuted", "mixed", "unverified"]
# The vocabularies as tuples, for checking input and listing choices (one definition: the Literals)
CLAIM_KINDS: tuple[ClaimKind, ...] = get_args(ClaimKind)
STANCES: tuple[Stance, ...] = get_args(Stance)
STATUSES: tuple[Status, ...] = get_args(Status)
CHECKWORTHY_CUT = 0.5


@dataclass(frozen=True, slots=True)
class Entity:
    text: str  # as written in the article
    type: EntityType
    canonical: str  # one spelling for every alias: "Honor of Kings" for "Honour of Kings"


@dataclass(frozen=True, slots=True)
class Quantity:
    text: str  # "200 million registered accounts"
    value: float  # 200000000.0
    unit: str  # "count", "rank", "percent", "CNY", "USD", ...
    measure: str | None = None  # the thing measured: "registered accounts"
    qualifier: str | None = None  # "more than", "about", "up to", ... (None: exact as written)


@dataclass(frozen=True, slots=True)
class DateRef:
    text: str
    year: int | None = None
    month: int | None = None
    day: int | None = None


@dataclass(frozen=True, slots=True)
class Quote:
    speaker: str | None
    words: str


@dataclass(frozen=True, slots=True)
class Claim:
    """One atomic, checkable statement; ``start``/``end`` slice the source sentence out of the text."""

    id: str
    text: str
    sentence: str
    start: int
    end: int
    kind: ClaimKind
    checkworthiness: float
    entities: tuple[Entity, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    dates: tuple[DateRef, ...] = ()
    quote: Quote | None = None

    @property
    def checkworthy(self) -> bool:
        return self.checkworthiness >= CHECKWORTHY_CUT


@dataclass(frozen=True, slots=True)
class PassageStance:
    """What one passage says about one claim, and why, in words a person can read."""

    index: int  # position in the passages given to ``assess``
    stance: Stance
    score: float  # strength of the stance, 0..1
    relevance: float  # how much the passage is about the claim, 0..1
    reason: str
    quote: str = ""  # the sentence of the passage that decided it
    quote_start: int = 0  # offsets of ``quote`` inside the passage
    quote_end: int = 0


@dataclass(frozen=True, slots=True)
class Assessment:
    status: Status
    confidence: float
    rationale: str
    stances: tuple[PassageStance, ...] = field(default_factory=tuple)
    assessor: str = ""  # who decided, when it is not the one asked ("learned" after an llm fell back)

"""Article text -> claims; claim x passages -> stance -> verdict. Pure text logic, no I/O."""

from claims import credibility
from claims.assess import (
    Assessor,
    RuleAssessor,
    assess,
    assessor_names,
    get_assessor,
    register_assessor,
)
from claims.checkworthiness import checkworthiness
from claims.dates import find_dates
from claims.entities import canonical, find_entities
from claims.extract import extract_claims
from claims.identity import claim_id, normalize_claim, same_claim
from claims.learned import LearnedAssessor  # registers the "learned" assessor
from claims.llm import LLMAssessor  # registers the "llm" assessor
from claims.model import (
    CHECKWORTHY_CUT,
    Assessment,
    Claim,
    ClaimKind,
    DateRef,
    Entity,
    EntityType,
    PassageStance,
    Quantity,
    Quote,
    Stance,
    Status,
)
from claims.quantities import find_quantities
from claims.rank import PassageIndex, rank_passages
from claims.review_rules import ReviewRules, review_reasons
from claims.serialize import claim_to_json
from claims.verdict import ExistingReview

__all__ = [
    "CHECKWORTHY_CUT",
    "Assessment",
    "Claim",
    "ClaimKind",
    "DateRef",
    "Entity",
    "EntityType",
    "PassageStance",
    "Quantity",
    "Quote",
    "Stance",
    "Status",
    "canonical",
    "checkworthiness",
    "claim_id",
    "claim_to_json",
    "extract_claims",
    "find_dates",
    "find_entities",
    "find_quantities",
    "normalize_claim",
    "same_claim",
    "Assessor",
    "LLMAssessor",
    "LearnedAssessor",
    "ExistingReview",
    "PassageIndex",
    "ReviewRules",
    "RuleAssessor",
    "assess",
    "assessor_names",
    "credibility",
    "get_assessor",
    "rank_passages",
    "register_assessor",
    "review_reasons",
]

"""What a check returns to its caller: ids everywhere, so the CLI and scripts can follow up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from flows import stages
from sources.model import Article, Candidate
from warehouse.llm_cache import LLMUsage


@dataclass(frozen=True, slots=True)
class SourceOutcome:
    url: str
    source_id: str
    status: str  # fetched | failed | skipped
    reason: str
    provider: str = ""
    claim_ids: tuple[str, ...] = ()
    http_status: int | None = None
    bytes: int = 0
    ms: int = 0
    snapshot: str | None = None


@dataclass(frozen=True, slots=True)
class ClaimOutcome:
    id: str
    article_id: str
    text: str
    kind: str
    checkworthiness: float
    status: str
    confidence: float
    rationale: str
    needs_review: bool
    evidence: tuple[dict[str, Any], ...] = ()
    factchecks: tuple[dict[str, Any], ...] = ()  # archived fact-checks matched to it


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    run_id: str
    articles: tuple[dict[str, Any], ...]
    claims: tuple[ClaimOutcome, ...]
    sources: tuple[SourceOutcome, ...]
    report_path: str | None = None
    timings: dict[str, float] = field(default_factory=dict)
    provider_errors: tuple[str, ...] = ()
    llm: tuple[LLMUsage, ...] = ()  # what asking an llm cost, per model (empty: none was asked)


def build_outcome(
    run_id: str, articles: Sequence[Article], verdicts: Sequence[stages.ClaimVerdict],
    discovered: stages.Discovered, reads: dict[str, stages.SourceRead], report: str | None,
    timings: dict[str, float],
) -> CheckOutcome:
    claims_by_url: dict[str, list[str]] = {}
    for claim_id, candidates in discovered.by_claim.items():
        for c in candidates:
            claims_by_url.setdefault(c.url, []).append(claim_id)
    return CheckOutcome(
        run_id=run_id,
        articles=tuple(
            {"id": a.id, "title": a.title, "url": a.url, "published": a.published,
             "source_path": a.source_path, "language": a.language,
             "notes": article_notes(a, claim_count=sum(v.article_id == a.id for v in verdicts)),
             "citations": citations_json(discovered.citations.get(a.id, ()), reads, claims_by_url)}
            for a in articles
        ),
        claims=tuple(_claim_outcome(v) for v in verdicts),
        sources=tuple(
            SourceOutcome(
                url=url, source_id=r.source_id, status=r.result.status, reason=r.result.reason,
                provider=r.provider, claim_ids=tuple(claims_by_url.get(url, ())),
                http_status=r.result.http_status, bytes=r.result.bytes, ms=r.result.ms,
                snapshot=r.snapshot_hash,
            )
            for url, r in reads.items()
        ),
        report_path=report,
        timings=timings,
        provider_errors=tuple(dict.fromkeys(discovered.errors)),
        llm=tuple(stages.llm_usage(verdicts)),
    )


def citations_json(
    cited: Sequence[Candidate], reads: dict[str, stages.SourceRead],
    claims_by_url: dict[str, list[str]],
) -> list[dict[str, Any]]:
    """Every link the article cites, with what fetching it gave and the claims it was read for
    (none: no claim matched it, and it is still reported)."""
    out = []
    for c in cited:
        read = reads.get(c.url)
        out.append({
            "url": c.url, "anchor": c.title,
            "source_id": read.source_id if read else None,
            "status": read.result.status if read else "skipped",
            "reason": read.result.reason if read else "not read",
            "http_status": read.result.http_status if read else None,
            "claim_ids": list(dict.fromkeys(claims_by_url.get(c.url, ()))),
        })
    return out


def article_notes(article: Article, *, claim_count: int) -> list[str]:
    """What a desk should know about how far to trust this article's results."""
    notes = []
    if article.language and article.language != "en":
        notes.append(f"the article's language looks like {article.language!r}: claim extraction "
                     "and the stance rules are English-only, so claims may be missed")
    if not article.published:
        notes.append("publication date unknown: dates without a year stay without one")
    if claim_count == 0:
        notes.append("no check-worthy claims found")
    return notes


def _claim_outcome(v: stages.ClaimVerdict) -> ClaimOutcome:
    evidence = []
    for stance in v.assessment.stances:
        read, passage, pid = v.evidence[stance.index]
        evidence.append({
            "url": read.url, "source_id": read.source_id, "passage_id": pid,
            "quote": stance.quote or passage.text, "stance": stance.stance,
            "score": round(stance.score, 3), "relevance": round(stance.relevance, 3),
            "reason": stance.reason, "tier": read.tier,
        })
    c = v.claim
    return ClaimOutcome(
        id=c.id, article_id=v.article_id, text=c.text, kind=c.kind,
        checkworthiness=round(c.checkworthiness, 3), status=v.assessment.status,
        confidence=round(v.assessment.confidence, 3), rationale=v.assessment.rationale,
        needs_review=bool(v.review_reasons), evidence=tuple(evidence),
        factchecks=tuple(m.to_json() for m in v.factchecks),
    )


def outcome_json(outcome: CheckOutcome) -> dict[str, object]:
    """The contract's JSON: ``{"run", "articles", "claims", "sources"}``, ids everywhere; ``llm``
    (requests, cache hits, tokens) only when an llm was asked."""
    return {
        "run": outcome.run_id,
        "articles": list(outcome.articles),
        "claims": [asdict(c) | {"evidence": list(c.evidence), "factchecks": list(c.factchecks)}
                   for c in outcome.claims],
        "sources": [asdict(s) | {"claim_ids": list(s.claim_ids)} for s in outcome.sources],
        "report": outcome.report_path,
        "provider_errors": list(outcome.provider_errors),
        "timings": {k: round(v, 3) for k, v in outcome.timings.items()},
    } | llm_json(outcome.llm)


def llm_json(usage: Sequence[LLMUsage]) -> dict[str, object]:
    """``{"llm": {"model", "requests", "cache_hits", "failures", "prompt_tokens",
    "completion_tokens"}}`` for a run that asked an llm, else nothing."""
    if not usage:
        return {}
    total = sum(usage[1:], usage[0])
    return {"llm": {"model": ", ".join(u.model for u in usage), "requests": total.requests,
                    "cache_hits": total.cache_hits, "failures": total.failures,
                    "prompt_tokens": total.prompt_tokens,
                    "completion_tokens": total.completion_tokens}}


def llm_line(usage: Sequence[LLMUsage]) -> str | None:
    """The run summary's line about the llm: "LLM gemma3: 3 requests, 2 cached, ..."."""
    data = llm_json(usage).get("llm")
    if not isinstance(data, dict):
        return None
    failed = f", {data['failures']} failed" if data["failures"] else ""
    return (f"LLM {data['model']}: {data['requests']} request(s), {data['cache_hits']} from the "
            f"cache{failed}; {data['prompt_tokens']:,} prompt + {data['completion_tokens']:,} "
            "completion tokens")

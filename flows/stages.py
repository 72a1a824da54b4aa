"""The stages of one check as plain functions; flows/check.py wraps them as Prefect tasks.

Each stage takes what the one before produced and the settings, and writes what it learned to
the warehouse in one transaction, keyed by stable ids: a rerun lands on the same rows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

import claims
import sources
from claims.model import Assessment, Claim
from claimtrack.errors import InputError
from claimtrack.settings import Settings
from flows import encoding
from flows.assessors import assessor_for, llm_meter
from flows.factchecks import FactCheckMatch, claim_matches, existing_reviews
from sources import citations
from sources.model import Article, Candidate, ClaimReviewRating, Document, FetchResult, Passage
from warehouse import llm_cache, queries, store
from warehouse.db import Connection, Warehouse

EVIDENCE = 5  # passages per claim the assessor reads
OWN_FIRST = 2  # of them, at most this many from the claim's own citations, read first


@dataclass(frozen=True, slots=True)
class SourceRead:
    """One candidate URL after fetching and reading: what the warehouse and the assessor need."""

    url: str
    source_id: str
    provider: str
    result: FetchResult
    document: Document | None = None
    passages: tuple[Passage, ...] = ()
    snapshot_hash: str | None = None
    snapshot_path: str | None = None
    passage_ids: tuple[str, ...] = ()
    tier: str = "unknown"
    claim_reviews: tuple[ClaimReviewRating, ...] = ()  # existing fact-checks this source carries


@dataclass(frozen=True, slots=True)
class ClaimVerdict:
    claim: Claim
    article_id: str
    assessment: Assessment
    evidence: tuple[tuple[SourceRead, Passage, str], ...]  # per stance index: (source, passage, passage id)
    review_reasons: tuple[str, ...] = ()
    assessor: str = "rules"  # the assessor that decided it, as recorded with the verdict
    llm: llm_cache.LLMUsage | None = None  # what asking the llm cost for this claim, if asked
    factchecks: tuple[FactCheckMatch, ...] = ()  # archived fact-checks about the claim


@dataclass(slots=True)
class Discovered:
    """Candidates per claim, deduplicated by URL across the whole check."""

    by_claim: dict[str, list[Candidate]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # providers that failed, and why
    # article id -> every link it cites: fetched and reported even when no claim matches one
    citations: dict[str, list[Candidate]] = field(default_factory=dict)

    def urls(self) -> list[str]:
        seen: dict[str, None] = {}
        for candidates in [*self.by_claim.values(), *self.citations.values()]:
            for c in candidates:
                seen.setdefault(c.url, None)
        return list(seen)


def fetch_one(settings: Settings) -> Callable[[str], FetchResult]:
    def fetch(url: str) -> FetchResult:
        return sources.fetch_urls([url], settings.fetch)[0]

    return fetch


def ingest(arg: str, settings: Settings, published: str | None) -> Article:
    """Read an article; ``published`` (validated by ``read_article``) overrides the page's date."""
    scheme = arg.split("://", 1)[0].lower() if "://" in arg else None
    if scheme is not None and scheme not in {"http", "https"}:
        raise InputError(f"{arg}: only http:// and https:// URLs can be checked")
    return sources.read_article(arg, published=published, fetch=fetch_one(settings))


def extract(article: Article) -> list[Claim]:
    """The check-worthy claims; ``article.published`` already holds a ``--published`` date."""
    return claims.extract_claims(article.text, published=article.published)


def store_article(
    wh: Warehouse, run_id: str, article: Article, found: Sequence[Claim], now: datetime,
    settings: Settings | None = None,
) -> list[Claim]:
    """Store the article and its claims; a claim already known under another wording keeps its id
    (by meaning too when ``settings`` name an installed sentence encoder)."""
    encoder = encoding.load(settings)[0] if settings is not None else None
    with wh.transaction() as con:
        store.save_article(con, article, run_id, now)
        known = queries.match_existing_claims(con, found, encoder)
        resolved = [replace(c, id=known.get(c.id, c.id)) for c in found]
        store.save_claims(
            con, article.id, resolved, [claims.normalize_claim(c.text) for c in resolved], run_id, now
        )
    return resolved


def discover(
    wh: Warehouse, settings: Settings, article: Article | None, found: Sequence[Claim],
    provider_names: Sequence[str] | None = None,
) -> Discovered:
    names = tuple(provider_names or settings.providers.enabled)
    search = encoding.corpus_search(settings)  # keyword hits, fused with semantic ones if it can
    providers = sources.build_providers(
        names,
        settings.providers,
        article=article,
        corpus_search=lambda query, limit: search(wh, [query], limit)[0],
        corpus_search_many=lambda qs, limit: search(wh, qs, limit),
        user_agent=settings.fetch.user_agent,
    )
    out = Discovered()
    per_claim = settings.providers.per_claim
    out.by_claim.update(sources.discover_many(found, providers, per_claim=per_claim,
                                              errors=out.errors))
    if article is not None and article.links and "links" in names:
        cited = citations.cited_sources(article, found)
        for claim in found:
            out.by_claim[claim.id] = citations.first_cited(
                cited.get(claim.id, []), out.by_claim.get(claim.id, []), per_claim)
        out.citations[article.id] = citations.article_citations(article)
    return out


def fetch_and_read(
    wh: Warehouse, settings: Settings, run_id: str, discovered: Discovered, now: datetime,
) -> dict[str, SourceRead]:
    """Fetch every candidate URL once, snapshot and read it, and record every attempt.

    Unconditional: a check reads pages afresh; re-verification sends validators
    (``flows.reverify``, from ``tracking.prior_validators``)."""
    reads = read_sources(wh, settings, discovered)
    with wh.transaction() as con:
        record_reads(con, run_id, discovered, reads, now)
    return reads


def read_sources(
    wh: Warehouse, settings: Settings, discovered: Discovered,
    validators: Mapping[str, tuple[str | None, str | None]] | None = None,
) -> dict[str, SourceRead]:
    """Fetch (conditionally, for URLs with validators) and read every candidate URL once.

    Writes snapshots to disk but nothing to the warehouse: ``record_reads`` does that, inside
    the caller's transaction, so a re-verification can add its own rows to the same one.
    """
    # One candidate per URL; a URL some provider wants fetched (no text attached) is fetched
    # fresh rather than read from the corpus copy. An article's citation is read from the
    # corpus copy when the corpus has one (it is the same page, and the check stays offline).
    first: dict[str, Candidate] = {}
    for candidates in [*discovered.by_claim.values(), *discovered.citations.values()]:
        for c in candidates:
            if c.url not in first or _prefer(c, first[c.url]):
                first[c.url] = c
    to_fetch = [u for u, c in first.items() if c.text is None]
    wanted = {u: validators[u] for u in to_fetch if validators and u in validators}
    results = dict(zip(to_fetch, sources.fetch_urls(to_fetch, settings.fetch, wanted), strict=True))
    unchanged = [sources.source_id(u) for u, r in results.items() if r.not_modified]
    kept: dict[str, queries.Snapshot] = {}
    if unchanged:  # one connection for every 304, not one each
        with wh.connect(read_only=True) as con:
            kept = queries.last_snapshots(con, unchanged)
    return {
        url: _read(settings, url, candidate, results.get(url) or _corpus_result(candidate), kept)
        for url, candidate in first.items()
    }


def _prefer(new: Candidate, old: Candidate) -> bool:
    """Whether ``new`` decides how its URL is read instead of ``old``: a provider that wants
    the page fetched fresh wins, then one that holds its text wins over a bare citation."""
    def fresh(c: Candidate) -> bool:
        return c.text is None and not c.cited

    if fresh(old):
        return False
    return fresh(new) or (old.text is None and new.text is not None)


def record_reads(
    con: Connection, run_id: str, discovered: Discovered, reads: Mapping[str, SourceRead],
    now: datetime,
) -> None:
    """Sources, claim links, fetch attempts, snapshots and passages of one fetch stage."""
    claimed = [(claim_id, c) for claim_id, cs in discovered.by_claim.items() for c in cs]
    cited = [(None, c) for cs in discovered.citations.values() for c in cs]
    for claim_id, c in claimed + cited:
        read = reads[c.url]
        store.save_source(
            con, read.source_id, c.url, sources.canonical_url(c.url),
            sources.domain_of(c.url), read.tier,
            (read.document.title if read.document else None) or c.title or None, now,
        )
        if claim_id is not None:
            store.link_claim_source(con, claim_id, read.source_id, c, run_id)
    store.save_fetches(con, run_id, [(read.source_id, read.result) for read in reads.values()],
                       now)
    store.save_snapshots(con, [
        (read.snapshot_hash, read.source_id, read.snapshot_path, read.result.bytes,
         read.result.content_type, read.document, read.passages)
        for read in reads.values() if read.snapshot_hash is not None
    ], now)


def _corpus_result(candidate: Candidate) -> FetchResult:
    body = (candidate.text or "").encode("utf-8")
    return FetchResult(
        url=candidate.url, status="fetched", reason="from local corpus", final_url=candidate.url,
        content_type="text/plain; charset=utf-8", encoding="utf-8", body=body, bytes=len(body),
        sha256=hashlib.sha256(body).hexdigest(),
    )


def _read(
    settings: Settings, url: str, candidate: Candidate, result: FetchResult,
    kept: Mapping[str, queries.Snapshot],
) -> SourceRead:
    source_id = sources.source_id(url)
    tier = claims.credibility.tier_for(sources.domain_of(url), settings.credibility)
    base = SourceRead(url, source_id, candidate.provider, result, tier=tier,
                      claim_reviews=(candidate.claim_review,) if candidate.claim_review else ())
    if result.not_modified:
        return reuse_snapshot(base, kept.get(source_id))
    if result.status != "fetched" or result.body is None:
        return base
    digest, path = sources.save_snapshot(settings.snapshot_dir, result.body)
    base = replace(base, snapshot_path=str(path))
    if candidate.text is not None:
        document: Document | None = Document(text=candidate.text, title=candidate.title or None,
                                              url=url)
    else:
        document = sources.extract_document(result.body, url=result.final_url or url)
    stripped = replace(result, body=None, sha256=digest)
    if document is None or not document.text.strip():
        return replace(base, result=replace(stripped, reason="no main text"), snapshot_hash=digest)
    passages = tuple(sources.split_passages(document.text))
    return replace(
        base, result=stripped, document=document, passages=passages, snapshot_hash=digest,
        passage_ids=tuple(store.passage_id(digest, p) for p in passages),
        claim_reviews=base.claim_reviews + tuple(document.claim_reviews),
    )


def reuse_snapshot(base: SourceRead, last: queries.Snapshot | None) -> SourceRead:
    """A 304 (or a source gone): the last snapshot of this source is the evidence of record."""
    if last is None:
        return base
    digest, path, document, passages = last
    result = replace(base.result, sha256=digest)
    return replace(base, result=result, document=document, passages=tuple(passages),
                   snapshot_hash=digest, snapshot_path=path,
                   passage_ids=tuple(store.passage_id(digest, p) for p in passages))


def assess(
    wh: Warehouse, settings: Settings, found: Sequence[tuple[Claim, str]],
    discovered: Discovered, reads: Mapping[str, SourceRead],
    previous: Mapping[str, str] | None = None,
) -> list[ClaimVerdict]:
    """Rank the passages of each claim's sources and let the assessor the settings name decide.

    ``previous`` (claim id -> status before this run) defaults to the current verdicts; a resumed
    re-verification passes the statuses from before its first attempt.
    """
    assessor = assessor_for(settings, wh)
    meter = llm_meter(assessor)
    rules = claims.ReviewRules.from_settings(settings.review)
    if previous is None:
        with wh.connect(read_only=True) as con:
            previous = queries.current_statuses(con, [c.id for c, _ in found])
    matched = claim_matches(wh, settings, [c for c, _ in found])
    # passages fused with sentence vectors when the encoder is installed (words alone otherwise)
    known = encoding.table(wh, settings, [c.text for c, _ in found] + [
        p.text for c, _ in found for cand in discovered.by_claim.get(c.id, [])
        for p in (reads[cand.url].passages if cand.url in reads else ())])
    verdicts = []
    for claim, article_id in found:
        pool: list[tuple[SourceRead, Passage, str]] = []
        reviews: list[claims.ExistingReview] = []
        for candidate in discovered.by_claim.get(claim.id, []):
            read = reads.get(candidate.url)
            if read is None:
                continue
            pool.extend(zip([read] * len(read.passages), read.passages, read.passage_ids, strict=True))
            reviews.extend(
                claims.ExistingReview(
                    rating=r.rating, url=r.url or read.url, publisher=r.publisher,
                    claim_reviewed=r.claim_reviewed, rating_value=r.rating_value,
                    best_rating=r.best_rating, worst_rating=r.worst_rating,
                )
                for r in read.claim_reviews
            )
        reviews.extend(existing_reviews(matched.get(claim.id, ()), reviews))
        cited = {c.url for c in discovered.by_claim.get(claim.id, []) if c.cited}
        chosen = _choose(claim, pool, cited, known)
        before = meter.usage if meter else None
        assessment = assessor.assess(
            claim, [p.text for _, p, _ in chosen], [r.tier for r, _, _ in chosen], reviews,
            [r.url for r, _, _ in chosen],
        )
        spent = meter.usage - before if meter is not None and before is not None else None
        reasons = claims.review_reasons(
            status=assessment.status, confidence=assessment.confidence,
            checkworthiness=claim.checkworthiness, previous_status=previous.get(claim.id),
            rules=rules,
        )
        verdicts.append(ClaimVerdict(claim, article_id, assessment, tuple(chosen), tuple(reasons),
                                     assessment.assessor or settings.assessor, spent))
    return [replace(v, factchecks=matched.get(v.claim.id, ())) for v in verdicts]


def _choose(
    claim: Claim, pool: Sequence[tuple[SourceRead, Passage, str]], cited: set[str],
    known: encoding.Table | None,
) -> list[tuple[SourceRead, Passage, str]]:
    """The passages the assessor reads: the best of the claim's own citations first (the
    article says the claim comes from there), then the best of the rest, ``EVIDENCE`` in all."""
    ranked = [i for i, _ in encoding.rank(claim, [p.text for _, p, _ in pool], known,
                                          top=len(pool) if cited else EVIDENCE)]
    own = [i for i in ranked if pool[i][0].url in cited][:OWN_FIRST]
    rest = [i for i in ranked if i not in own][: max(0, EVIDENCE - len(own))]
    return [pool[i] for i in own + rest]


def store_verdicts(wh: Warehouse, run_id: str, verdicts: Sequence[ClaimVerdict], now: datetime) -> None:
    """Each verdict with its evidence, recorded under the assessor that decided it, and what
    asking an llm cost the run."""
    by_assessor: dict[str, list[store.AssessmentItem]] = {}
    for v in verdicts:
        by_assessor.setdefault(v.assessor, []).append(
            (v.claim.id, v.assessment,
             [(pid, read.source_id, passage) for read, passage, pid in v.evidence], v.review_reasons))
    with wh.transaction() as con:
        for name, items in by_assessor.items():
            store.save_assessments(con, run_id=run_id, items=items, assessor=name, now=now)
        for usage in llm_usage(verdicts):
            llm_cache.add_usage(con, run_id, usage)


def llm_usage(verdicts: Sequence[ClaimVerdict]) -> list[llm_cache.LLMUsage]:
    """What the verdicts' llm requests cost, per model (empty when no llm was asked)."""
    total: dict[str, llm_cache.LLMUsage] = {}
    for v in verdicts:
        if v.llm is not None:
            total[v.llm.model] = total.get(v.llm.model, llm_cache.LLMUsage(v.llm.model)) + v.llm
    return list(total.values())


def store_standalone(wh: Warehouse, run_id: str, given: Sequence[Claim], now: datetime,
                     settings: Settings | None = None) -> list[Claim]:
    """Store claims checked without an article (``claimtrack verify``); no mentions."""
    encoder = encoding.load(settings)[0] if settings is not None else None
    with wh.transaction() as con:
        known = queries.match_existing_claims(con, given, encoder)
        resolved = [replace(c, id=known.get(c.id, c.id)) for c in given]
        store.save_claims(
            con, None, resolved, [claims.normalize_claim(c.text) for c in resolved], run_id, now
        )
    return resolved

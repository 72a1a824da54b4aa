"""Google Fact Check Tools ``claims:search``: fact-checks already published about a claim.

``GET v1alpha1/claims:search?query=...&key=...&languageCode=en`` answers
``{"claims": [{text, claimant, claimDate, claimReview: [{publisher: {name, site}, url, title,
reviewDate, textualRating, languageCode}]}], "nextPageToken": ...}``. Each review becomes a
candidate that carries its rating, so the assessor sees the existing verdict, and the review page
itself is fetched as evidence.
"""

from __future__ import annotations

from sources.model import Candidate, ClaimReviewRating
from sources.providers.base import ClientFactory, as_list, as_str, get_json


class FactCheckProvider:
    name = "factcheck"

    def __init__(self, api_url: str, api_key: str, client: ClientFactory,
                 language: str = "en") -> None:
        self.api_url = api_url
        self.api_key = api_key
        self.language = language
        self._client = client

    def search(self, query: str, limit: int) -> list[Candidate]:
        with self._client() as client:
            data = get_json(client, self.name, self.api_url, {
                "query": query, "key": self.api_key, "languageCode": self.language,
                "pageSize": max(1, min(limit, 50)),
            })
        claims = as_list(data.get("claims")) if isinstance(data, dict) else []
        out: list[Candidate] = []
        for claim in claims:
            if not isinstance(claim, dict):
                continue
            for review in as_list(claim.get("claimReview")):
                candidate = self._candidate(claim, review, query, len(out) + 1)
                if candidate is not None:
                    out.append(candidate)
                if len(out) >= limit:
                    return out
        return out

    def _candidate(self, claim: dict, review: object, query: str, rank: int) -> Candidate | None:
        if not isinstance(review, dict) or not as_str(review.get("url")):
            return None
        raw = review.get("publisher")
        publisher: dict = raw if isinstance(raw, dict) else {}
        rating = ClaimReviewRating(
            claim_reviewed=as_str(claim.get("text")),
            rating=as_str(review.get("textualRating")),
            url=as_str(review.get("url")),
            publisher=as_str(publisher.get("name")) or as_str(publisher.get("site")) or None,
            date_published=as_str(review.get("reviewDate"))[:10] or None,
        )
        claimant = as_str(claim.get("claimant"))
        whose = f"{claimant}'s claim" if claimant else "the claim"
        snippet = (f"{rating.publisher or 'A fact-checker'} rated {whose} "
                   f"\u201c{rating.claim_reviewed}\u201d: {rating.rating or 'no rating given'}")
        return Candidate(url=rating.url or "", title=as_str(review.get("title")), snippet=snippet,
                         provider=self.name, rank=rank, query=query, claim_review=rating)

"""Queries from claims, and candidates fused across providers by reciprocal rank."""

from __future__ import annotations

from dataclasses import dataclass, field

from claims.model import Claim, DateRef, Entity, Quantity
from claimtrack.errors import ProviderError
from sources.discover import discover, discover_many, fuse
from sources.model import Candidate, ClaimReviewRating
from sources.queries import key_terms, queries_for

CLAIM = Claim(
    id="c_1", start=0, end=10, kind="statistic", checkworthiness=0.99,
    text="Tencent’s massively popular “Honour of Kings” mobile game has 200 million registered "
         "accounts in China.",
    sentence="Tencent’s massively popular “Honour of Kings” mobile game has 200 million registered "
             "accounts in China.",
    entities=(Entity("Tencent", "organisation", "Tencent"),
              Entity("Honour of Kings", "product", "Honor of Kings"),
              Entity("China", "place", "China")),
    quantities=(Quantity("200 million registered accounts", 2e8, "count", "registered accounts"),),
    dates=(DateRef("2017", 2017),),
)


def test_queries_mix_canonical_entities_numbers_and_terms() -> None:
    queries = queries_for(CLAIM)
    assert 2 <= len(queries) <= 3
    assert len({q.lower() for q in queries}) == len(queries)
    assert queries[0].startswith("Tencent Honor of Kings China")
    assert "200 million" in queries[1] and "2017" in queries[1]
    assert all("’s" not in q and "“" not in q for q in queries)
    assert queries_for(CLAIM, limit=1) == queries[:1]


def test_a_claim_without_entities_still_gets_queries() -> None:
    bare = Claim(id="c_2", text="The budget rose sharply last year.", sentence="", start=0, end=1,
                 kind="other", checkworthiness=0.6)
    assert queries_for(bare) == ["budget rose sharply last", "budget rose sharply last year"]


def test_key_terms_drop_stopwords_and_keep_order() -> None:
    assert key_terms("The council is said to have approved the budget") == ["council", "approved", "budget"]


@dataclass
class Fixed:
    name: str
    results: dict[str, list[str]]
    asked: list[str] = field(default_factory=list)

    def search(self, query: str, limit: int) -> list[Candidate]:
        self.asked.append(query)
        urls = self.results.get(query, self.results.get("*", []))
        return [Candidate(url=u, title=u, provider=self.name, rank=i, query=query)
                for i, u in enumerate(urls[:limit], start=1)]


class Broken:
    name = "broken"

    def __init__(self) -> None:
        self.calls = 0

    def search(self, query: str, limit: int) -> list[Candidate]:
        self.calls += 1
        raise ProviderError("broken: HTTP 503")


def test_discover_fuses_dedupes_and_survives_a_broken_provider() -> None:
    a = Fixed("wikipedia", {"*": ["https://a.example/1", "https://shared.example/x?utm_source=a",
                                  "https://a.example/3"]})
    b = Fixed("gdelt", {"*": ["https://shared.example/x", "https://b.example/2"]})
    broken = Broken()
    errors: list[str] = []
    found = discover(CLAIM, [a, broken, b], per_claim=3, errors=errors)
    assert found[0].url in {"https://shared.example/x?utm_source=a", "https://shared.example/x"}
    assert len(found) == 3
    assert [c.rank for c in found] == [1, 2, 3]
    assert len({c.url.split("?")[0] for c in found}) == 3, "one candidate per canonical URL"
    assert broken.calls == 1, "a failing provider is not asked again for the same claim"
    assert errors == ["broken: HTTP 503"]
    assert a.asked == queries_for(CLAIM)


def test_fusion_keeps_the_review_and_text_one_provider_had() -> None:
    review = ClaimReviewRating(claim_reviewed="x", rating="False")
    lists = [
        [Candidate(url="https://f.example/check", provider="searxng", rank=1)],
        [Candidate(url="https://f.example/check#top", provider="factcheck", rank=3, claim_review=review)],
        [Candidate(url="https://f.example/check", provider="corpus", rank=2, text="body")],
    ]
    (merged,) = fuse(lists, 5)
    assert merged.provider == "searxng" and merged.rank == 1
    assert merged.claim_review == review and merged.text == "body"


def test_fusion_is_deterministic_on_ties() -> None:
    lists = [[Candidate(url="https://x.example/a", rank=1)], [Candidate(url="https://x.example/b", rank=1)]]
    assert [c.url for c in fuse(lists, 2)] == ["https://x.example/a", "https://x.example/b"]


class Batch(Fixed):
    def __init__(self) -> None:
        super().__init__("corpus", {"*": ["file:///a.txt"]})
        self.batches: list[list[str]] = []

    def search_many(self, queries: list[str], limit: int) -> list[list[Candidate]]:
        self.batches.append(list(queries))
        return [self.search(q, limit) for q in queries]


def test_discover_many_asks_each_query_once_and_batches_the_corpus() -> None:
    other = Claim(id="c_9", text="Honor of Kings is a Tencent mobile game.", sentence="", start=0, end=1,
                  kind="other", checkworthiness=0.7,
                  entities=(Entity("Honor of Kings", "product", "Honor of Kings"),
                            Entity("Tencent", "organisation", "Tencent")))
    batch = Batch()
    plain = Fixed("wikipedia", {"*": ["https://w.example/hok"]})
    found = discover_many([CLAIM, other, CLAIM], [batch, plain], per_claim=3)
    assert set(found) == {"c_1", "c_9"}
    asked = list(dict.fromkeys(queries_for(CLAIM) + queries_for(other)))
    assert batch.batches == [asked], "one batch with every distinct query of the check"
    assert plain.asked == asked
    assert [c.url for c in found["c_9"]] == ["file:///a.txt", "https://w.example/hok"]

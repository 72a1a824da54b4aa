"""Inline citations: each claim owns the links in its own sentence (issue 14)."""

from __future__ import annotations

from claims import extract_claims
from claimtrack.settings import ProviderSettings
from sources import discover_many, extract_document
from sources.citations import article_citations, cited_sources, first_cited, locate
from sources.ingest import to_article
from sources.model import Article, Candidate, Link
from sources.providers import build_providers
from tests.flows.citation_pages import ARTICLE, EVENTS, source_path

BASE = "http://news.example"


def _article() -> Article:
    document = extract_document(ARTICLE.encode("utf-8"), url=f"{BASE}/cited/article.html")
    assert document is not None
    return to_article(document)


def test_repeated_anchor_words_are_located_in_document_order() -> None:
    text = "See this source on A. See this source on B."
    links = (Link("http://x.example/a", "this source"), Link("http://x.example/b", "this source"))
    assert [(p.start, p.end) for p in locate(text, links)] == [(4, 15), (26, 37)]


def test_twelve_sentences_each_get_their_own_citation_first() -> None:
    article = _article()
    found = extract_claims(article.text, published="2024-02-01")
    assert len(found) == 12
    cited = cited_sources(article, found)
    assert len(cited) == 12
    providers = build_providers(["links"], ProviderSettings(), article=article)
    by_claim = discover_many(found, providers, per_claim=1)
    for i, claim in enumerate(found):
        assert f"{EVENTS[i][1]:,}" in claim.text
        mine = first_cited(cited[claim.id], by_claim[claim.id], per_claim=1)
        assert [c.url for c in mine] == [f"{BASE}{source_path(i)}"], claim.text
        assert mine[0].cited and mine[0].query == "cited in the claim's sentence"
    own = {cited[c.id][0].url for c in found}
    assert len(own) == 12, "twelve claims, twelve different first sources"


def test_paragraph_link_cites_a_claim_whose_sentence_has_none() -> None:
    text = "The mine employs 4,500 people. Output rose, says the ministry's report."
    article = Article(id="a", text=text, content_hash="h",
                      links=(Link("http://x.example/report", "the ministry's report"),))
    claim = extract_claims(text)[0]
    assert "4,500" in claim.text
    mine = cited_sources(article, [claim])[claim.id]
    assert [c.url for c in mine] == ["http://x.example/report"]
    assert mine[0].query == "cited in the claim's paragraph"


def test_cited_sources_come_first_and_past_per_claim() -> None:
    cited = [Candidate(url=f"http://x.example/{i}", cited=True) for i in range(3)]
    other = [Candidate(url="http://x.example/1"), Candidate(url="http://y.example/z")]
    assert [c.url for c in first_cited(cited, other, per_claim=2)] == [c.url for c in cited]
    assert [c.url for c in first_cited(cited[:1], other, per_claim=3)] == [
        "http://x.example/0", "http://x.example/1", "http://y.example/z"]


def test_every_link_of_the_article_is_a_citation_once() -> None:
    article = _article()
    urls = [c.url for c in article_citations(article)]
    assert urls == [f"{BASE}{source_path(i)}" for i in range(12)] + [f"{BASE}/cited/gallery.html"]

"""Each provider against a local server replaying that API's real JSON, and the registry."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from claimtrack.errors import ConfigError, ProviderError
from claimtrack.settings import ProviderSettings
from sources.model import Article, Candidate, Link
from sources.providers import build_providers
from sources.providers.base import client_factory
from sources.providers.factcheck import FactCheckProvider
from sources.providers.gdelt import GdeltProvider, gdelt_query
from sources.providers.links import LinksProvider
from sources.providers.searxng import SearxngProvider
from sources.providers.wikipedia import WikipediaProvider
from tests.sources.fixtures.api_server import GOOD_KEY, api_server

Requests = list[tuple[str, dict[str, str]]]
FAST = client_factory(timeout=5.0)  # generous: the machine running tests may be busy
TIGHT = client_factory(timeout=0.5)  # for the one test where the server is slower than this


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, Requests]]:
    with api_server() as running:
        yield running


def test_wikipedia_search_then_page_text(server: tuple[str, Requests]) -> None:
    base, requests = server
    provider = WikipediaProvider(f"{base}/w/api.php", FAST)
    found = provider.search("tidal power", 3)
    assert [c.title for c in found] == ["Tidal power", "Tidal barrage", "List of tidal power stations"]
    first = found[0]
    assert first.url == "https://en.wikipedia.org/wiki/Tidal_power"
    assert first.snippet == 'Tidal power converts the energy of the "tides" into electricity'
    assert first.text is not None and "between 40 and 250 megawatts" in first.text
    assert (first.provider, first.rank, first.query) == ("wikipedia", 1, "tidal power")
    path, params = next(r for r in requests if r[1].get("list") == "search")
    assert params["action"] == "query" and params["format"] == "json" and params["srsearch"] == "tidal power"
    assert any(p.get("explaintext") == "1" and p.get("pageids") == "30873" for _, p in requests)
    before = len(requests)
    provider.search("tidal power", 1)
    assert len(requests) == before + 1, "page texts are cached per page id"
    assert provider.search("nothing here", 3) == []
    retried = provider.search("tidal power plant nothing matches all of this", 3)
    assert [c.title for c in retried][:1] == ["Tidal power"]
    assert any(p.get("srsearch") == "tidal power plant" for _, p in requests)


def test_gdelt_artlist(server: tuple[str, Requests]) -> None:
    base, requests = server
    found = GdeltProvider(f"{base}/api/v2/doc/doc", FAST, min_interval=0).search("tidal plant megawatts", 5)
    assert [c.url for c in found][:2] == ["https://coastal-ledger.example/energy/tidal-plant-opens",
                                          "https://energy-news.example/2024/03/tidal"]
    assert found[0].snippet == "coastal-ledger.example · 2024-03-18 · English"
    params = requests[-1][1]
    assert (params["mode"], params["format"], params["maxrecords"]) == ("artlist", "json", "5")
    assert GdeltProvider(f"{base}/api/v2/doc/doc", FAST, min_interval=0).search("nothing at all", 5) == []


def test_gdelt_requests_are_spaced(server: tuple[str, Requests]) -> None:
    provider = GdeltProvider(f"{server[0]}/api/v2/doc/doc", FAST, min_interval=0.3)
    started = time.monotonic()
    provider.search("tidal", 1)
    provider.search("tidal", 1)
    assert time.monotonic() - started >= 0.3


def test_gdelt_query_drops_words_it_refuses() -> None:
    assert gdelt_query('"Honor of Kings" 200 million') == "Honor Kings 200 million"
    assert gdelt_query("a to") == ""
    assert gdelt_query("one two three four five six seven eight") == "one two three four five six"


def test_gdelt_plain_text_complaint_is_a_provider_error(server: tuple[str, Requests]) -> None:
    provider = GdeltProvider(f"{server[0]}/api/v2/doc/doc", FAST, min_interval=0)
    with pytest.raises(ProviderError, match=r"gdelt: not JSON \(The specified phrase is too short.\)"):
        provider.search("complain loudly", 3)


def test_searxng_results(server: tuple[str, Requests]) -> None:
    base, requests = server
    found = SearxngProvider(base, FAST).search("tidal power plant 40 megawatts", 1)
    assert len(found) == 1
    assert found[0].url == "https://energy-agency.example/reports/2024/tidal"
    assert found[0].snippet == "The third tidal plant adds 40 megawatts to the grid."
    assert requests[-1] == ("/search", {"q": "tidal power plant 40 megawatts", "format": "json",
                                        "language": "en", "safesearch": "0"})


def test_searxng_without_json_format_says_how_to_enable_it(server: tuple[str, Requests]) -> None:
    with pytest.raises(ProviderError, match="HTTP 403.*search.formats"):
        SearxngProvider(f"{server[0]}/forbidden", FAST).search("tidal", 3)


def test_factcheck_reviews_carry_their_rating(server: tuple[str, Requests]) -> None:
    base, requests = server
    provider = FactCheckProvider(f"{base}/v1alpha1/claims:search", GOOD_KEY, FAST)
    found = provider.search("moon landing studio", 5)
    assert [c.url for c in found] == ["https://checkers.example/fact-check/moon-studio",
                                      "https://verify.example/moon", "https://checkers.example/fact-check/moon-rock"]
    review = found[0].claim_review
    assert review is not None
    assert (review.rating, review.publisher, review.date_published) == ("False", "Checkers Desk", "2024-01-05")
    assert review.claim_reviewed == "The 1969 moon landing footage was filmed in a studio."
    assert found[1].claim_review is not None and found[1].claim_review.publisher == "verify.example"
    assert "Viral post's claim" in found[0].snippet
    params = requests[-1][1]
    assert params["key"] == GOOD_KEY and params["languageCode"] == "en" and params["query"] == "moon landing studio"
    assert provider.search("nothing", 5) == []


def test_factcheck_bad_key_says_so(server: tuple[str, Requests]) -> None:
    provider = FactCheckProvider(f"{server[0]}/v1alpha1/claims:search", "wrong", FAST)
    with pytest.raises(ProviderError, match="factcheck: HTTP 400: API key not valid"):
        provider.search("moon", 3)


@pytest.mark.parametrize("trigger", ["boom", "garbage", "slowpoke"])
def test_failures_become_provider_errors(server: tuple[str, Requests], trigger: str) -> None:
    with pytest.raises(ProviderError, match="searxng"):
        SearxngProvider(server[0], TIGHT if trigger == "slowpoke" else FAST).search(trigger, 3)


def test_json_of_the_wrong_shape_reads_as_no_results(server: tuple[str, Requests]) -> None:
    base = server[0]
    providers = [WikipediaProvider(f"{base}/w/api.php", FAST),
                 GdeltProvider(f"{base}/api/v2/doc/doc", FAST, min_interval=0),
                 SearxngProvider(base, FAST),
                 FactCheckProvider(f"{base}/v1alpha1/claims:search", GOOD_KEY, FAST)]
    for provider in providers:
        assert provider.search("weird", 3) == [], provider.name


def test_unreachable_server_is_a_provider_error() -> None:
    with pytest.raises(ProviderError, match="wikipedia: request failed"):
        WikipediaProvider("http://127.0.0.1:9/w/api.php", FAST).search("x", 3)


ARTICLE = Article(
    id="a_1", content_hash="h",
    text=("Alibaba gave police a user's data, the Wall Street Journal reported. "
          "Tencent's game has 200 million players, according to the company's annual report. "
          "The Financial Times also noted the trend."),
    links=(Link("https://www.wsj.com/articles/china-tech-police-123", "Wall Street Journal"),
           Link("https://tencent.example/annual-report-2017.pdf", "annual report"),
           Link("https://elsewhere.example/unrelated", "recipes")),
)


def test_links_match_claim_terms_and_cited_outlets() -> None:
    provider = LinksProvider(ARTICLE)
    found = provider.search("Alibaba police data Wall Street Journal", 5)
    assert found[0].url == "https://www.wsj.com/articles/china-tech-police-123"
    assert "Alibaba gave police" in found[0].snippet
    assert [c.url for c in provider.search("Tencent 200 million players", 5)] == [
        "https://tencent.example/annual-report-2017.pdf"]
    assert provider.search("Financial Times trend", 5) == [], "an outlet cited without a link yields nothing"
    assert LinksProvider(None).search("anything", 5) == []


def test_registry_builds_in_order_and_refuses_bad_configuration(server: tuple[str, Requests]) -> None:
    base = server[0]
    settings = ProviderSettings(wikipedia_url=f"{base}/w/api.php", gdelt_url=f"{base}/api/v2/doc/doc",
                                searxng_url=base, factcheck_url=f"{base}/v1alpha1/claims:search",
                                factcheck_api_key=GOOD_KEY, gdelt_interval=0)
    corpus: list[Candidate] = [Candidate(url="file:///c.txt", text="c")]
    providers = build_providers(["links", "corpus", "wikipedia", "gdelt", "searxng", "factcheck", "links"],
                                settings, article=ARTICLE, corpus_search=lambda q, n: corpus)
    assert [p.name for p in providers] == ["links", "corpus", "wikipedia", "gdelt", "searxng", "factcheck"]
    assert providers[1].search("q", 3)[0].provider == "corpus"
    with pytest.raises(ConfigError, match="unknown provider 'bing'"):
        build_providers(["bing"], settings)
    with pytest.raises(ConfigError, match="CLAIMTRACK_FACTCHECK_API_KEY"):
        build_providers(["factcheck"], ProviderSettings())
    with pytest.raises(ConfigError, match="CLAIMTRACK_SEARXNG_URL"):
        build_providers(["searxng"], ProviderSettings())
    with pytest.raises(ConfigError, match="corpus"):
        build_providers(["corpus"], settings)


def test_links_weigh_rare_words_over_words_every_link_shares() -> None:
    article = Article(
        id="a_2", content_hash="h",
        text=("China blocks Facebook, says an explainer. China fined Tencent, Reuters reported. "
              "China's law took effect in June, says the law text."),
        links=(Link("https://x.example/firewall", "an explainer"), Link("https://x.example/fines", "Reuters"),
               Link("https://x.example/law", "the law text")))
    found = LinksProvider(article).search("Facebook blocked China", 5)
    assert [c.url for c in found] == ["https://x.example/firewall"]

"""The local corpus: idempotent imports, BM25 search through the bundled fts extension."""

from __future__ import annotations

from pathlib import Path

from sources.model import Document
from warehouse.corpus import (
    add_documents,
    count_documents,
    fts_extension_path,
    search_corpus,
    search_corpus_many,
)
from warehouse.db import Warehouse

DOCS = [
    (Document(text="Alibaba handed police the user ID of a person who posted content related "
                   "to terrorism.", title="Alibaba and the police", url="https://e.example/alibaba"), None),
    (Document(text="Tencent said Honor of Kings has 200 million registered accounts.",
              title="Honor of Kings", url="https://e.example/hok"), None),
    (Document(text="The weather in Paris will be sunny with light winds."), "/data/weather.txt"),
]


def test_fts_extension_ships_with_the_package() -> None:
    assert Path(fts_extension_path()).is_file()


def test_add_is_idempotent_and_search_finds_the_right_page(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "c.duckdb")
    assert add_documents(wh, DOCS) == 3
    assert add_documents(wh, DOCS) == 0
    assert count_documents(wh) == 3
    found = search_corpus(wh, "Honor of Kings registered accounts", 5)
    assert found[0].url == "https://e.example/hok"
    assert found[0].provider == "corpus" and found[0].rank == 1
    assert found[0].text is not None and "200 million" in found[0].text
    assert search_corpus(wh, "police terrorism Alibaba", 1)[0].title == "Alibaba and the police"
    weather = search_corpus(wh, "sunny Paris", 5)
    assert weather[0].url == "file:///data/weather.txt"
    assert search_corpus(wh, "zebra xylophone", 5) == []
    assert search_corpus(wh, "   ", 5) == []


def test_changed_text_at_the_same_url_replaces_and_reindexes(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "c.duckdb")
    add_documents(wh, DOCS[:1])
    assert search_corpus(wh, "terrorism", 5)
    changed = Document(text="Alibaba now publishes a transparency report on lawful requests.",
                       url="https://e.example/alibaba")
    assert add_documents(wh, [(changed, None)]) == 1
    assert count_documents(wh) == 1
    assert search_corpus(wh, "terrorism", 5) == []
    assert search_corpus(wh, "transparency report", 5)[0].url == "https://e.example/alibaba"


def test_same_text_at_another_address_is_not_added_twice(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "c.duckdb")
    add_documents(wh, DOCS[:1])
    copy = Document(text=DOCS[0][0].text, url="https://mirror.example/alibaba")
    assert add_documents(wh, [(copy, None)]) == 0


def test_a_document_sharing_one_word_with_the_query_is_not_a_candidate(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "c.duckdb")
    add_documents(wh, DOCS)
    assert search_corpus(wh, "Paris opera house opening", 5) == []  # only "Paris" is shared
    assert [c.url for c in search_corpus(wh, "Paris weather", 5)] == ["file:///data/weather.txt"]
    assert search_corpus(wh, "weather", 5)[0].url == "file:///data/weather.txt"


def test_empty_corpus_searches_to_nothing(tmp_path: Path) -> None:
    assert search_corpus(Warehouse(tmp_path / "c.duckdb"), "anything", 5) == []
    assert search_corpus_many(Warehouse(tmp_path / "c.duckdb"), ["a", "b"], 5) == [[], []]


def test_many_queries_on_one_connection_match_one_by_one(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "c.duckdb")
    add_documents(wh, DOCS)
    queries = ["Honor of Kings", "", "police terrorism", "zebra"]
    assert search_corpus_many(wh, queries, 2) == [search_corpus(wh, q, 2) for q in queries]


def test_corpus_add_then_discover_finds_the_right_pages(tmp_path: Path) -> None:
    """The acceptance path without the CLI: files -> corpus -> claims -> corpus provider."""
    import claims
    from claimtrack.settings import ProviderSettings
    from sources import build_providers, corpus_files, discover

    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "hok.md").write_text(
        "# Honor of Kings passes 200 million accounts\n\nTencent said its mobile game Honor of "
        "Kings has more than 200 million registered accounts in China.\n", encoding="utf-8")
    (folder / "sub" / "fb.txt").write_text(
        "Facebook blocked in China\n\nFacebook has been blocked in mainland China since 2009, "
        "along with Twitter.\n", encoding="utf-8")
    (folder / "sub" / "tidal.html").write_text(
        "<html><head><title>Tidal plant</title></head><body><article><p>The council opened a "
        "third tidal power plant that adds 40 megawatts to the grid.</p></article></body></html>",
        encoding="utf-8")
    wh = Warehouse(tmp_path / "c.duckdb")
    assert add_documents(wh, corpus_files(folder)) == 3
    providers = build_providers(["corpus"], ProviderSettings(),
                                corpus_search=lambda q, n: search_corpus(wh, q, n),
                                corpus_search_many=lambda qs, n: search_corpus_many(wh, qs, n))
    expected = {
        "Tencent's Honour of Kings mobile game has 200 million registered accounts in China.": "hok.md",
        "Facebook is blocked in China.": "fb.txt",
        "The new tidal power plant adds 40 megawatts to the grid.": "tidal.html",
    }
    for text, name in expected.items():
        (claim,) = claims.extract_claims(text)[:1]
        found = discover(claim, providers, per_claim=3)
        assert found and found[0].url.endswith(name), (text, [c.url for c in found])
        assert found[0].text is not None and found[0].provider == "corpus"


def test_numbers_and_accented_words_are_searchable(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "c.duckdb")
    add_documents(wh, [
        (Document(text="The game has 300 million players.", url="https://e.example/300"), None),
        (Document(text="The game has 200 million players.", url="https://e.example/200"), None),
        (Document(text="Der Stadtrat beschließt den Haushalt für Schulen.", url="https://e.example/de"), None),
    ])
    assert search_corpus(wh, "200 million players", 1)[0].url == "https://e.example/200"
    assert search_corpus(wh, "300 million", 1)[0].url == "https://e.example/300"
    assert search_corpus(wh, "beschließt Haushalt", 1)[0].url == "https://e.example/de"


def test_a_fact_check_in_the_corpus_keeps_its_rating(tmp_path: Path) -> None:
    from sources.extract import extract_document

    page = (Path(__file__).parent.parent / "sources" / "fixtures" / "pages" / "factcheck_page.html")
    document = extract_document(page.read_bytes(), url="https://checkers.example/fact-check/moon-studio")
    assert document is not None
    wh = Warehouse(tmp_path / "c.duckdb")
    add_documents(wh, [(document, None)])
    (hit,) = search_corpus(wh, "moon landing studio footage", 5)
    assert hit.claim_review == document.claim_reviews[0]
    assert hit.claim_review is not None and hit.claim_review.rating == "False"


def test_ranking_is_fts_match_bm25s(tmp_path: Path) -> None:
    """The set-wise BM25 gives the same order as the extension's own match_bm25 macro (these
    documents share at least two words with every multi-word query, so MIN_TERMS drops none)."""
    import random

    from warehouse.corpus import load_fts

    rng = random.Random(5)
    vocabulary = ["tidal", "power", "plant", "council", "budget", "police", "data", "honor", "kings",
                  "200", "million", "megawatts", "harbour", "ferry", "strike", "report"]
    wh = Warehouse(tmp_path / "c.duckdb")
    add_documents(wh, [(Document(text=" ".join(rng.choices(vocabulary, k=rng.randint(5, 80))),
                                 title=rng.choice(vocabulary), url=f"https://e.example/{i}"), None)
                       for i in range(150)])
    for query in ["tidal power", "honor kings 200 million", "police data budget", "ferry", "unknown"]:
        ours = [c.url for c in search_corpus(wh, query, 10)]
        with wh.connect() as con:
            load_fts(con)
            theirs = [row[0] for row in con.execute(
                "SELECT url FROM (SELECT *, fts_main_corpus_documents.match_bm25(id, ?) AS score "
                "FROM corpus_documents) WHERE score IS NOT NULL ORDER BY score DESC, id LIMIT 10",
                [query]).fetchall()]
        assert ours == theirs, query

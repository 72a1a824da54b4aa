"""End to end over our own pages: the verify corpus and the example article with its sources.

Pages are parsed by ``sources`` (as the pipeline does), passages ranked by one ``PassageIndex``
and judged by ``claims.assess``; no network, no database.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

import claims
import sources
from tests.metrics import macro_f1

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
STATUSES = ("supported", "refuted", "unverified")


def _pool(pages: list[Path]) -> tuple[list[str], list[str], list[claims.ExistingReview]]:
    texts, origin, reviews = [], [], []
    for page in pages:
        doc = sources.extract_document(page.read_bytes(), url=f"https://example.org/{page.name}")
        if doc is None:
            continue
        reviews += [claims.ExistingReview(rating=r.rating, url=r.url or "", publisher=r.publisher,
                                          claim_reviewed=r.claim_reviewed) for r in doc.claim_reviews]
        for p in sources.split_passages(doc.text):
            texts.append(p.text)
            origin.append(page.name)
    return texts, origin, reviews


def _verify(claim: str | claims.Claim, index: claims.PassageIndex, origin: list[str],
            reviews: list[claims.ExistingReview] = ()) -> claims.Assessment:  # type: ignore[assignment]
    top = index.search(claim, top=5)
    return claims.assess(claim, [index.passages[i] for i, _ in top],
                         labels=[origin[i] for i, _ in top], reviews=reviews)


@pytest.mark.parametrize(("name", "floor"), [
    # claims copied from a page (supported), the same with a number or date changed (refuted),
    # about pages not in the corpus (unverified): 72 claims, 1.00 when pinned, 1.000 on 2026-12-02
    ("claims.jsonl", 0.97),
    # 90 claims, 18 of them paraphrased and 6 near a corpus topic: 0.881 at first scoring, 0.978
    # when pinned (the rules were then changed with these in view, so it is no longer held out);
    # measured 0.978 on 2026-12-02
    ("claims_hard.jsonl", 0.95),
])
def test_verify_corpus_macro_f1(name: str, floor: float) -> None:
    corpus = EXAMPLES / "verify_corpus"
    texts, origin, _ = _pool(sorted(corpus.glob("*.html")))
    index = claims.PassageIndex(texts)
    rows = [json.loads(line) for line in (corpus / name).read_text("utf-8").splitlines() if line]
    pairs = [(r["expected"], _verify(r["claim"], index, origin).status) for r in rows]
    score = macro_f1([e for e, _ in pairs], [g for _, g in pairs], STATUSES)
    assert score >= floor, (score, Counter(pairs))


def _example_verdicts(article: Path) -> dict[str, claims.Assessment]:
    pages = [p for p in sorted((EXAMPLES / "sources").rglob("*.html")) if "private" not in p.parts]
    texts, origin, reviews = _pool(pages)
    index = claims.PassageIndex(texts)
    found = claims.extract_claims(article.read_text("utf-8"), published=date(2017, 10, 9))
    return {c.text: _verify(c, index, origin, reviews) for c in found if c.checkworthy}


def test_example_article_gives_every_kind_of_verdict() -> None:
    verdicts = _example_verdicts(EXAMPLES / "article.txt")
    by_status = Counter(a.status for a in verdicts.values())
    assert by_status["supported"] >= 1 and by_status["unverified"] >= 1
    assert by_status["refuted"] + by_status["mixed"] >= 1

    def status(fragment: str) -> str:
        return next(a.status for text, a in verdicts.items() if fragment in text)

    assert status("took effect on June 1st") == "supported"
    assert status("in December 2016") == "refuted"
    assert status("200 million registered accounts") == "unverified"
    assert status("massive fines") in ("refuted", "mixed")
    assert status("Facebook is blocked") == "supported"
    for a in verdicts.values():
        assert a.rationale
        assert all(s.reason for s in a.stances)


def test_seed_article(seed_article: Path) -> None:
    verdicts = _example_verdicts(seed_article)
    by_status = Counter(a.status for a in verdicts.values())
    assert by_status["supported"] >= 1 and by_status["unverified"] >= 1
    assert by_status["refuted"] + by_status["mixed"] >= 1
    honour = next(a for text, a in verdicts.items() if "200 million" in text)
    assert honour.status == "unverified"


@pytest.mark.parametrize("claim", ["The Eiffel Tower was completed in 1889."])
def test_claim_about_no_page_in_an_empty_corpus(claim: str) -> None:
    assert _verify(claim, claims.PassageIndex([]), []).status == "unverified"

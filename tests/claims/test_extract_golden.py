"""The golden set: expected claims per article, with precision and recall floors a change may raise
but not quietly lower. Each golden file lists words a claim's text must contain (``required``),
claims that may be there (``acceptable``) and text no claim may come from (``forbidden``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from claims import Claim, extract_claims

REPO = Path(__file__).resolve().parents[2]
GOLDEN = sorted((Path(__file__).parent / "golden").glob("*.json"))


def _matches(claim: Claim, words: list[str]) -> bool:
    return all(w in claim.text for w in words)


def score(gold: dict[str, Any], claims: list[Claim]) -> tuple[float, float, list[str], list[str]]:
    """Precision, recall, the required entries missed, and the claims that match nothing."""
    required = gold["required"]
    wanted = required + gold.get("acceptable", [])
    missed = [" / ".join(r) for r in required if not any(_matches(c, r) for c in claims)]
    stray = [c.text for c in claims if not any(_matches(c, w) for w in wanted)]
    recall = 1 - len(missed) / len(required)
    precision = 1 - len(stray) / len(claims) if claims else 0.0
    return precision, recall, missed, stray


@pytest.fixture(params=GOLDEN, ids=lambda p: p.stem)
def case(request: pytest.FixtureRequest) -> tuple[dict[str, Any], str, list[Claim]]:
    gold = json.loads(request.param.read_text(encoding="utf-8"))
    path = (REPO / gold["article"]).resolve()
    if not path.is_file():
        pytest.skip(f"article absent: {path}")
    text = path.read_text(encoding="utf-8")
    return gold, text, extract_claims(text, published=gold.get("published"))


def test_precision_recall_floors(case: tuple[dict[str, Any], str, list[Claim]]) -> None:
    gold, _, claims = case
    precision, recall, missed, stray = score(gold, claims)
    assert recall >= gold["floors"]["recall"], f"missed: {missed}"
    assert precision >= gold["floors"]["precision"], f"not expected: {stray}"


def test_forbidden(case: tuple[dict[str, Any], str, list[Claim]]) -> None:
    gold, _, claims = case
    for words in gold["forbidden"]:
        assert not [c.text for c in claims if words in c.sentence or words in c.text], words


def test_offsets(case: tuple[dict[str, Any], str, list[Claim]]) -> None:
    _, text, claims = case
    for claim in claims:
        assert text[claim.start:claim.end] == claim.sentence


def test_normalized_values(case: tuple[dict[str, Any], str, list[Claim]]) -> None:
    gold, _, claims = case
    quantities = {(q.text.split(" ")[0], q.value, q.unit) for c in claims for q in c.quantities}
    texts = {q.text: (q.value, q.unit) for c in claims for q in c.quantities}
    for text, value, unit in gold.get("quantities", []):
        assert any(t.startswith(text) and v == (value, unit) for t, v in texts.items()), (text, quantities)
    dates = {(d.text, d.year, d.month, d.day) for c in claims for d in c.dates}
    for row in gold.get("dates", []):
        assert tuple(row) in dates, (row, dates)
    for words, speaker in gold.get("speakers", []):
        quoted = [c for c in claims if words in c.text and c.quote is not None]
        assert quoted and quoted[0].quote is not None and quoted[0].quote.speaker == speaker, words

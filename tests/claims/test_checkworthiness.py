"""Check-worthiness: the shipped model is plain data and the scores order sentences sensibly."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from claims import CHECKWORTHY_CUT, checkworthiness
from claims.cwfeatures import features


def test_model_is_plain_json() -> None:
    raw = resources.files("claims").joinpath("data/checkworthiness.json").read_text("utf-8")
    model = json.loads(raw)
    assert isinstance(model["bias"], float)
    assert len(model["weights"]) > 1000
    assert all(isinstance(w, float) for w in model["weights"].values())
    assert "ClaimBuster" in model["about"] and "CLEF" in model["about"]


@pytest.mark.parametrize(
    "sentence",
    [
        "Tencent's Honour of Kings has 200 million registered accounts in China.",
        "Unemployment fell to 3.5 percent in 2019, the lowest rate since 1969.",
        "The law took effect on June 1, 2017, and requires network operators to store data in China.",
        "The Cyberspace Administration of China fined Tencent, Weibo and Baidu in September.",
        "Alibaba is an e-commerce giant second only to Amazon.",
    ],
)
def test_claims_score_above_the_cut(sentence: str) -> None:
    assert checkworthiness([sentence])[0] >= CHECKWORTHY_CUT


@pytest.mark.parametrize(
    "sentence",
    [
        "But is it worth the privacy of every citizen?",
        "Let's not forget what really matters here.",
        "It is really time to dial that back.",
        "I think we can do better than this.",
        "Thank you very much.",
        "Select Page",
        "Please share this article with your friends.",
    ],
)
def test_non_claims_score_below_the_cut(sentence: str) -> None:
    assert checkworthiness([sentence])[0] < CHECKWORTHY_CUT


def test_deterministic_and_ordered() -> None:
    batch = ["A question?", "Tencent has 200 million users.", ""]
    first = checkworthiness(batch)
    assert first == checkworthiness(batch)
    assert first == [checkworthiness([s])[0] for s in batch]
    assert all(0.0 <= s <= 1.0 for s in first)


def test_features_fold_numbers_into_shapes() -> None:
    fs = features("Revenue rose 35% to $1.2 billion in 2017")
    assert {"<pct>", "<money>", "<year>", "__num"} <= set(fs)
    assert "35%" not in fs

"""The public verification API: assess, the assessor registry, credibility tiers, review rules."""

from __future__ import annotations

import pytest

import claims
from claims.credibility import domain_of, tier_for, tier_weight
from claimtrack.errors import ConfigError
from claimtrack.settings import ReviewSettings

BLOCKED = "Facebook, Twitter, and most of Google’s services are blocked in China."
WIRE = ("Facebook and Twitter have been blocked in mainland China since 2009, and most Google "
        "services since 2010, Reuters reported.")
OPEN = "Google services are fully accessible in China, and Facebook and Twitter are not blocked."
OFF = "Wheat prices rose sharply in Kansas after a dry spring."


def test_assess_plain_string_supported() -> None:
    a = claims.assess(BLOCKED, [WIRE, OFF], tiers=["wire", None])
    assert a.status == "supported"
    assert 0 < a.confidence <= 1
    assert [s.stance for s in a.stances] == ["supports", "neutral"]
    s = a.stances[0]
    assert WIRE[s.quote_start:s.quote_end] == s.quote and s.quote
    assert "passage 1" in a.rationale


def test_assess_mixed_and_labels() -> None:
    a = claims.assess(BLOCKED, [WIRE, OPEN], tiers=["wire", "wire"],
                      labels=["reuters.com", "example.org"])
    assert a.status == "mixed"
    assert "reuters.com" in a.rationale and "example.org" in a.rationale


def test_assess_no_passages_unverified() -> None:
    a = claims.assess(BLOCKED, [])
    assert a.status == "unverified" and a.stances == ()
    assert "no passages" in a.rationale


def test_existing_review_counts_with_its_rating() -> None:
    review = claims.ExistingReview(rating="False", url="https://fc.example/1", publisher="FactCo",
                                   claim_reviewed=BLOCKED)
    a = claims.assess(BLOCKED, [OFF], reviews=[review])
    assert a.status == "refuted"
    assert "FactCo" in a.rationale and "'False'" in a.rationale
    other = claims.ExistingReview(rating="False", claim_reviewed="The moon is made of cheese")
    assert claims.assess(BLOCKED, [OFF], reviews=[other]).status == "unverified"
    unproven = claims.ExistingReview(rating="Unproven", claim_reviewed=BLOCKED)
    assert claims.assess(BLOCKED, [OFF], reviews=[unproven]).status == "unverified"


def test_get_assessor_registry() -> None:
    assert isinstance(claims.get_assessor("rules"), claims.RuleAssessor)
    with pytest.raises(ConfigError, match="rules"):
        claims.get_assessor("gpt-9")
    claims.register_assessor("always-rules", claims.RuleAssessor)
    assessor = claims.get_assessor("always-rules")
    a = assessor.assess(BLOCKED, [WIRE], ["wire"], [])
    assert a.status == "supported"


def test_tiers() -> None:
    assert tier_for("www.reuters.com") == "wire"
    assert tier_for("https://www.cac.gov.cn/2017-09/25/c_1121716812.htm") == "official"
    assert tier_for("state.gov") == "official"
    assert tier_for("en.wikipedia.org") == "reference"
    assert tier_for("factcheck.afp.com") == "factcheck"
    assert tier_for("afp.com") == "wire"
    assert tier_for("infowars.com") == "unreliable"
    assert tier_for("blog.example.net") == "unknown"
    assert tier_for("blog.example.net", {"example.net": "established"}) == "established"
    with pytest.raises(ConfigError):
        tier_for("x.example.net", {"example.net": "trusted-ish"})
    assert domain_of("HTTP://user@WWW.BBC.co.uk:443/news") == "bbc.co.uk"
    assert tier_weight("official") > tier_weight("unknown") > tier_weight("unreliable")
    assert tier_weight(None) == tier_weight("unknown")


def test_review_reasons() -> None:
    rules = claims.ReviewRules.from_settings(ReviewSettings())
    assert rules == claims.ReviewRules()
    assert claims.review_reasons(status="supported", confidence=0.9, checkworthiness=0.5,
                                 previous_status="supported", rules=rules) == []
    reasons = claims.review_reasons(status="mixed", confidence=0.4, checkworthiness=0.9,
                                    previous_status="supported", rules=rules)
    assert reasons == ["mixed evidence", "low confidence (0.40 < 0.60)",
                       "highly check-worthy (0.90)", "status changed: supported -> mixed"]
    quiet = claims.ReviewRules(queue_on_mixed=False, queue_on_change=False,
                               queue_min_checkworthiness=1.1, queue_max_confidence=0.0)
    assert claims.review_reasons(status="mixed", confidence=0.1, checkworthiness=0.9,
                                 previous_status="refuted", rules=quiet) == []
    assert claims.review_reasons(status="unverified", confidence=0.3, checkworthiness=0.2) == []


def test_odd_inputs_do_not_break_it() -> None:
    odd = ["", "   \n\n  ", "中国网络安全法于2017年6月1日起施行。", "x" * 20_000,
           "1 2 3 4 5 6 7 8 9 10 " * 200, "“”‘’—–…•" * 50, WIRE * 40]
    a = claims.assess(BLOCKED, odd)
    assert len(a.stances) == len(odd)
    assert a.stances[-1].stance == "supports"
    assert all(s.stance == "neutral" for s in a.stances[:-1])
    for s, p in zip(a.stances, odd, strict=True):
        assert 0 <= s.quote_start <= s.quote_end <= len(p)
        assert 0.0 <= s.score <= 1.0 and 0.0 <= s.relevance <= 1.0
    assert claims.assess("", [WIRE]).status == "unverified"


def test_same_input_same_output() -> None:
    passages = [WIRE, OPEN, OFF]
    first = claims.assess(BLOCKED, passages, tiers=["wire", "unknown", None])
    for _ in range(3):
        assert claims.assess(BLOCKED, passages, tiers=["wire", "unknown", None]) == first

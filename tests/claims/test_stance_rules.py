"""One rule at a time: what each slot alignment does, with the reason it gives."""

from __future__ import annotations

import pytest

import claims
from claims.slots import claim_slots, negations
from claims.stance import judge


def stance(claim: str, passage: str) -> tuple[str, str]:
    j = judge(claim_slots(claim), passage)
    return j.stance, j.reason


HOK = "Tencent's Honour of Kings mobile game has 200 million registered accounts in China."


@pytest.mark.parametrize(("passage", "expected", "why"), [
    ("Honor of Kings, Tencent's hit game, has 200,000,000 registered users in China.",
     "supports", "'200,000,000 registered users' matches '200 million registered accounts'"),
    ("Tencent's Honour of Kings has 300 million registered accounts in China.",
     "refutes", "contradicts '200 million registered accounts' (number on the same measure)"),
    ("Tencent's Honor of Kings had about 55 million daily active users in China in 2017.",
     "neutral", "is a different measure"),
    ("Tencent says Honour of Kings has more than 100 million registered accounts in China.",
     "neutral", "is consistent with '200 million registered accounts' but does not establish it"),
])
def test_quantities(passage: str, expected: str, why: str) -> None:
    got, reason = stance(HOK, passage)
    assert got == expected and why in reason, reason


def test_qualifiers_and_ceilings() -> None:
    assert stance("WeChat had more than 1 billion monthly active users in 2018.",
                  "WeChat had 1.08 billion monthly active users in 2018.")[0] == "supports"
    claim = "Under the Cybersecurity Law, fines can reach 500,000 yuan."
    assert stance(claim, "The Cybersecurity Law sets fines of up to 500,000 yuan.")[0] == "supports"
    assert stance(claim, "The Cybersecurity Law sets fines of up to 1,000,000 yuan.")[0] == "refutes"
    # "Article 47" names another article; it is no number against "Article 68"
    assert stance("Article 68 of the Cybersecurity Law sets fines.",
                  "Article 47 of the Cybersecurity Law makes operators delete content.")[0] == "neutral"


def test_dates_partial_and_clause() -> None:
    claim = "China's Cybersecurity Law took effect on June 1st."
    assert stance(claim, "The Cybersecurity Law came into force on 1 June 2017.")[0] == "supports"
    assert stance(claim, "China's Cybersecurity Law took effect on 1 July 2017.")[0] == "refutes"
    # the passage's 2016 is another event (adoption), not the law's entry into force
    both = "China's Cybersecurity Law was adopted on 7 November 2016 and took effect on 1 June 2017."
    assert stance("China's Cybersecurity Law took effect in 2016.", both)[0] == "refutes"
    assert stance("China's Cybersecurity Law was adopted in 2016.", both)[0] == "supports"


def test_denials_count_only_about_the_claim() -> None:
    claim = "Regulators fined WeChat and Weibo in September 2017."
    assert stance(claim, "Regulators did not fine WeChat or Weibo in September 2017.")[0] == "refutes"
    # a denial in a side clause, or of another predicate, is not a denial of the claim
    fine = "Regulators fined WeChat and Weibo in September 2017 for content they did not delete."
    assert stance(claim, fine)[0] == "supports"
    rule = "Article 12 forbids anyone from using networks to endanger national security."
    said = "Article 12 says users must not use networks to endanger national security."
    assert stance(rule, said)[0] == "supports"
    assert [n.cue for n in negations("He did not return until 1954.")] == []
    assert [n.cue for n in negations("The claim is false.")] == ["is false"]
    assert [n.cue for n in negations("Users spread false rumours.")] == []


def test_opposites_and_magnitudes() -> None:
    claim = "Facebook and Twitter are blocked in China."
    assert stance(claim, "Facebook and Twitter are accessible in China.")[0] == "refutes"
    massive = "Regulators slapped massive fines on WeChat in September 2017."
    got, why = stance(massive, "On 25 September 2017 regulators fined WeChat.")
    assert got == "neutral" and "not 'massiv'" in why
    assert stance(massive, "In September 2017 regulators slapped massive fines on WeChat.")[0] == "supports"
    small = "The fines on WeChat were small: the law caps them at 500,000 yuan."
    got, why = stance("Regulators slapped massive fines on WeChat.", small)
    assert got == "refutes" and "'small'" in why


def test_names_and_subjects() -> None:
    claim = "Apollo 11 landed on the Moon on 20 July 1969."
    assert stance(claim, "Apollo 17 landed on the Moon in December 1972.")[0] == "neutral"
    assert stance(claim, "Apollo 11 landed on the Moon on 20 July 1969.")[0] == "supports"
    # another company's number is not about the claim
    assert stance(HOK, "Alibaba's Taobao has 200 million registered accounts.")[0] == "neutral"


def test_a_sentence_telling_that_the_claim_was_made_is_no_evidence() -> None:
    claim = "Regulators slapped massive fines on Tencent in September 2017."
    told = ("An opinion article published in October said that regulators slapped massive fines "
            "on Tencent in September 2017.")
    got, why = stance(claim, told)
    assert got == "neutral" and "claim was made" in why
    assert stance("Article 12 bars endangering national security.",
                  "Article 12 says no one may endanger national security.")[1] != (
        "tells that the claim was made; it is no evidence for it")


def test_hedge_lowers_the_score_and_is_named() -> None:
    claim = "Jack Ma said technology will make it possible to predict crime."
    plain = judge(claim_slots(claim), "Jack Ma said technology will make it possible to predict crime.")
    hedged = judge(claim_slots(claim),
                   "Jack Ma reportedly said technology will make it possible to predict crime.")
    assert plain.stance == hedged.stance == "supports"
    assert hedged.score < plain.score and "hedged: 'reportedly'" in hedged.reason


def test_a_page_does_not_contradict_itself() -> None:
    claim = "The wreck of the Titanic was found in 1985."
    page = ["The wreck of the Titanic was found in 1985 by a French and American expedition.",
            "The wreck of the Titanic was found in 1986, decades after the Titanic sank."]
    assert claims.assess(claim, page).status == "mixed"  # two sources would disagree
    one = claims.assess(claim, page, labels=["titanic.example", "titanic.example"])
    assert one.status == "supported"

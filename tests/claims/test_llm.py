"""The llm assessor's pure half: the prompt, strict reading of answers, quotes, the fallback."""

from __future__ import annotations

import json
from typing import Any

import pytest

import claims
from claims.llm import ChatPrompt, LLMAssessor, build_prompt, cited, locate_quote, parse_answer
from claimtrack.errors import ConfigError, TerminalLLMError, TransientLLMError

PASSAGES = [
    "The Eiffel Tower was completed in 1889. It was built for the Exposition Universelle.",
    "Paris hosted several world's fairs in the nineteenth century.",
]
LABELS = ["http://example.org/eiffel.html", "http://example.org/fairs.html"]


def answer(**changes: Any) -> str:
    data: dict[str, Any] = {
        "stances": [
            {"passage": 1, "stance": "supports", "reason": "gives 1889 for the completion",
             "quote": "The Eiffel Tower was completed in 1889."},
            {"passage": 2, "stance": "neutral", "reason": "about the fairs, not the tower",
             "quote": ""},
        ],
        "verdict": "supported", "confidence": 0.92,
        "rationale": "Passage [1] says the tower was completed in 1889.",
    }
    data.update(changes)
    return json.dumps(data)


def test_the_prompt_numbers_passages_names_sources_and_fact_checks() -> None:
    review = claims.ExistingReview(rating="False", url="http://fc.example/1",
                                   publisher="Lamplight", claim_reviewed="The tower is from 1875")
    prompt = build_prompt("The Eiffel Tower was completed in 1889.", PASSAGES, LABELS,
                          ["reference", None], [review])
    assert prompt.user.startswith("Claim: The Eiffel Tower was completed in 1889.")
    assert "[1] (source: http://example.org/eiffel.html; credibility: reference)\n" in prompt.user
    assert "[2] (source: http://example.org/fairs.html)\n" in prompt.user
    assert 'Lamplight rated it "False"' in prompt.user
    assert "JSON" in prompt.system and "[2]" in prompt.system
    schema = prompt.schema
    assert schema["required"] == ["stances", "verdict", "confidence", "rationale"]
    item = schema["properties"]["stances"]["items"]
    assert item["properties"]["stance"]["enum"] == ["supports", "refutes", "neutral"]
    assert item["additionalProperties"] is False


def test_a_good_answer_is_read_as_is() -> None:
    got = parse_answer(answer(), 2)
    assert got.verdict == "supported" and got.confidence == 0.92
    assert [s.stance for s in got.stances] == ["supports", "neutral"]
    fenced = parse_answer("```json\n" + answer() + "\n```", 2)
    assert fenced == got


@pytest.mark.parametrize(("text", "why"), [
    ("The claim is true.", "not JSON"),
    ("[1, 2]", "not a JSON object"),
    (answer(verdict="true"), "unknown verdict 'true'"),
    (answer(stances=[{"passage": 1, "stance": "agrees", "reason": "x", "quote": ""}]),
     "unknown stance 'agrees'"),
    (answer(stances=[{"passage": 3, "stance": "supports", "reason": "x", "quote": ""}]),
     "passage [3], but there are 2"),
    (answer(stances=[{"passage": 0, "stance": "neutral", "reason": "x", "quote": ""}]),
     "passage [0], but there are 2"),
    (answer(stances=[{"passage": 1, "stance": "supports", "reason": "x"}]), "no 'quote'"),
    (answer(stances=[{"passage": "1", "stance": "supports", "reason": "x", "quote": ""}]),
     "'passage' is str"),
    (answer(stances=[{"passage": 1, "stance": "supports", "reason": "a", "quote": ""},
                     {"passage": 1, "stance": "neutral", "reason": "b", "quote": ""}]),
     "two stances for passage [1]"),
    (answer(confidence=1.5), "outside 0..1"),
    (answer(confidence="high"), "'confidence' is str"),
    (json.dumps({"stances": [], "verdict": "unverified", "confidence": 0.5}), "no 'rationale'"),
    (answer(rationale="Passage [7] says so."), "cites passage [7], but there are 2"),
    (answer(rationale="Passages [1-4] say so."), "cites passage [4]"),
    (answer(verdict="refuted", rationale="[1] disagrees."), "no passage refutes"),
    (answer(rationale="It is so."), "cites no passage"),
    (answer(stances=[{"passage": 1, "stance": "supports", "reason": " ", "quote": ""}]),
     "no reason"),
], ids=["prose", "array", "verdict-enum", "stance-enum", "index-high", "index-zero",
        "missing-field", "index-type", "duplicate", "confidence-range", "confidence-type",
        "no-rationale", "cites-missing", "cites-range", "verdict-unsupported", "cites-none",
        "empty-reason"])
def test_a_malformed_answer_is_refused_with_what_is_wrong(text: str, why: str) -> None:
    with pytest.raises(TerminalLLMError) as caught:
        parse_answer(text, 2)
    assert why in str(caught.value)


def test_citations_and_left_out_passages() -> None:
    assert cited("As [2] and [1, 3] show, and [4-5].") == [2, 1, 3, 4, 5]
    got = parse_answer(answer(stances=[{"passage": 1, "stance": "supports", "reason": "same",
                                        "quote": ""}]), 2)
    assert [s.passage for s in got.stances] == [1]  # passage 2 is left to be neutral
    # a decided verdict resting on a fact-check alone need not cite a passage
    assert parse_answer(answer(stances=[], verdict="refuted", rationale="Rated False."), 2,
                        reviews=1).verdict == "refuted"


def test_quotes_are_found_in_the_passage_or_dropped() -> None:
    text = "The tower — “the iron lady” — was completed in 1889.  It opened in May."
    assert locate_quote(text, "was completed in 1889.") == (text.index("was"), text.index(".") + 1)
    start, end = locate_quote(text, '"The tower - the iron lady" ...') or (0, 0)
    assert text[start:end] == "The tower — “the iron lady”"
    start, end = locate_quote(text, "It  opened in may") or (0, 0)
    assert text[start:end] == "It opened in May."
    assert locate_quote(text, "It opened in June.") is None
    assert locate_quote(text, "  ") is None


class Script:
    """A stand-in for the endpoint: answers (or errors) in order, and the prompts it was sent."""

    def __init__(self, *replies: str | Exception) -> None:
        self.replies = list(replies)
        self.prompts: list[ChatPrompt] = []

    def __call__(self, prompt: ChatPrompt) -> str:
        self.prompts.append(prompt)
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply


CLAIM = "The Eiffel Tower was completed in 1889."


def test_the_llm_decides_with_quotes_offsets_and_cited_sources() -> None:
    script = Script(answer())
    got = LLMAssessor(script, claims.RuleAssessor(), "tiny-1").assess(
        CLAIM, PASSAGES, None, (), LABELS)
    assert got.status == "supported" and got.confidence == 0.92 and got.assessor == "llm"
    assert got.rationale == ("Passage [1] says the tower was completed in 1889. "
                             "(llm tiny-1; [1] http://example.org/eiffel.html)")
    first, second = got.stances
    assert first.stance == "supports" and first.reason == "gives 1889 for the completion"
    assert PASSAGES[0][first.quote_start:first.quote_end] == first.quote
    assert first.quote == "The Eiffel Tower was completed in 1889."
    assert second.stance == "neutral" and second.quote == "" and second.score == 0.0
    assert len(script.prompts) == 1


def test_an_invented_quote_is_dropped_and_said() -> None:
    made_up = json.loads(answer())
    made_up["stances"][0]["quote"] = "The tower was finished in 1889 after two years."
    got = LLMAssessor(Script(json.dumps(made_up)), claims.RuleAssessor()).assess(
        CLAIM, PASSAGES, None, (), LABELS)
    assert got.stances[0].quote == "" and got.stances[0].quote_end == 0
    assert "quote is not in the passage" in got.stances[0].reason


@pytest.mark.parametrize("reply", [
    answer(rationale="See [9]."), "Sure! The claim is supported.", answer(verdict="correct"),
    TransientLLMError("llm endpoint timed out after 1 s"),
])
def test_an_unusable_answer_falls_back_with_a_note(reply: str | Exception) -> None:
    rules = claims.RuleAssessor()
    got = LLMAssessor(Script(reply), rules).assess(CLAIM, PASSAGES, None, (), LABELS)
    plain = rules.assess(CLAIM, PASSAGES, None, (), LABELS)
    assert got.assessor == "rules"
    assert got.rationale.startswith("llm answer unusable (")
    assert got.rationale.endswith(f"); decided by rules. {plain.rationale}")
    assert (got.status, got.confidence, got.stances) == (plain.status, plain.confidence,
                                                           plain.stances)


def test_nothing_to_read_asks_nothing() -> None:
    script = Script()
    got = LLMAssessor(script, claims.RuleAssessor()).assess(CLAIM, [], None, (), None)
    assert got.status == "unverified" and got.assessor == "rules" and not script.prompts


def test_registered_by_name_and_needs_its_endpoint() -> None:
    assert "llm" in claims.assessor_names()
    with pytest.raises(ConfigError, match="llm.url"):
        claims.get_assessor("llm")
    built = claims.get_assessor("llm", complete=Script(answer()), fallback=claims.RuleAssessor(),
                                model="m")
    assert isinstance(built, LLMAssessor)

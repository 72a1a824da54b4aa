"""The ``llm`` assessor: the claim and its numbered passages to an OpenAI-compatible chat model,
a JSON answer validated strictly, and another assessor deciding whenever the answer is unusable.

Pure text logic: the endpoint is a ``complete`` callable handed in (``flows/assessors.py`` builds
it from ``sources/llm.py`` and the warehouse's response cache), so this module only writes the
prompt and reads the answer. A model's word is never taken on trust: a passage number that does
not exist, a stance or verdict outside the vocabulary, a missing field, text that is not JSON, a
rationale citing a passage that was not given, or a verdict no stance bears out makes the whole
answer unusable; the fallback decides and the rationale says so. A quote the model gives is kept
only where it is found in the passage (its offsets recorded), else dropped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from claims.assess import Assessor, register_assessor
from claims.model import STANCES, STATUSES, Assessment, Claim, PassageStance, Stance, Status
from claims.verdict import ExistingReview
from claimtrack.errors import ConfigError, LLMError, TerminalLLMError

SCHEMA_NAME = "claim_assessment"
VERDICTS = STATUSES
MAX_PASSAGE_CHARS = 2000  # of each passage shown to the model; quotes are looked up in all of it

ANSWER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "stances": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "passage": {"type": "integer", "description": "the passage's number"},
                    "stance": {"type": "string", "enum": list(STANCES)},
                    "reason": {"type": "string", "description": "why, in one short sentence"},
                    "quote": {"type": "string",
                              "description": "the passage's deciding sentence, copied exactly; "
                                             "empty when neutral"},
                },
                "required": ["passage", "stance", "reason", "quote"],
                "additionalProperties": False,
            },
        },
        "verdict": {"type": "string", "enum": list(VERDICTS)},
        "confidence": {"type": "number", "description": "probability the verdict is right, 0 to 1"},
        "rationale": {"type": "string",
                      "description": "one to three sentences citing passages like [2]"},
    },
    "required": ["stances", "verdict", "confidence", "rationale"],
    "additionalProperties": False,
}

SYSTEM = """You are a careful fact-checker. You judge one claim against numbered passages taken \
from sources, and existing fact-checks of it if any.

For every passage, give its stance:
- supports: the passage states what the claim says (a paraphrase counts);
- refutes: the passage states something that cannot be true together with the claim about the same \
thing (the same event, subject, measure and time);
- neutral: the passage is about something else or says nothing that settles the claim.
A different number for another measure, another event, another product or another place is \
neutral, not a refutation. A "not" or "never" in a clause about something else refutes nothing; \
both sides saying the same thing in negative form is support. Precision matters most for \
"refutes": when unsure, say neutral.
Give a short reason a person can read, and copy the one sentence of the passage that decides the \
stance word for word (an empty string when neutral).

Then give the verdict: supported, refuted, mixed (credible passages on both sides) or unverified \
(nothing settles it); a confidence between 0 and 1, the probability that the verdict is right; and \
a rationale of one to three sentences that cites the passages it rests on by number, like [2].
Answer with JSON only, following the schema."""


@dataclass(frozen=True, slots=True)
class ChatPrompt:
    """What goes to the model: the two messages and the JSON schema the answer must follow."""

    system: str
    user: str
    schema_name: str = SCHEMA_NAME
    schema: Mapping[str, Any] = field(default_factory=lambda: ANSWER_SCHEMA)


Complete = Callable[[ChatPrompt], str]  # the answer's text; raises LLMError when there is none


@dataclass(frozen=True, slots=True)
class AnswerStance:
    passage: int  # 1-based, as numbered in the prompt
    stance: Stance
    reason: str
    quote: str


@dataclass(frozen=True, slots=True)
class Answer:
    """A model's answer that passed validation."""

    stances: tuple[AnswerStance, ...]
    verdict: Status
    confidence: float
    rationale: str


def build_prompt(
    claim: str,
    passages: Sequence[str],
    labels: Sequence[str] | None = None,
    tiers: Sequence[str | None] | None = None,
    reviews: Sequence[ExistingReview] = (),
) -> ChatPrompt:
    """The claim, the passages numbered [1]..[n] with their sources, and existing fact-checks."""
    lines = [f"Claim: {claim.strip()}", "", "Passages:"]
    if not passages:
        lines.append("(none)")
    for i, text in enumerate(passages):
        about = []
        if labels and i < len(labels) and labels[i]:
            about.append(f"source: {labels[i]}")
        if tiers and i < len(tiers) and tiers[i] and tiers[i] != "unknown":
            about.append(f"credibility: {tiers[i]}")
        head = f"[{i + 1}]" + (f" ({'; '.join(about)})" if about else "")
        body = " ".join(text.split())
        if len(body) > MAX_PASSAGE_CHARS:
            body = body[:MAX_PASSAGE_CHARS].rsplit(" ", 1)[0] + " ..."
        lines += [head, body, ""]
    if reviews:
        lines.append("Existing fact-checks:")
        for r in reviews:
            said = f'- {r.publisher or "a fact-checker"} rated it "{r.rating}"'
            if r.claim_reviewed:
                said += f' (claim reviewed: "{r.claim_reviewed}")'
            lines.append(said + (f" {r.url}" if r.url else ""))
        lines.append("")
    lines.append(f"Give a stance for each of the {len(passages)} passage(s), then the verdict.")
    return ChatPrompt(SYSTEM, "\n".join(lines).strip())


_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.DOTALL)
_CITE = re.compile(r"\[(\d+(?:\s*[,;–-]\s*\d+)*)\]")


def cited(rationale: str) -> list[int]:
    """Passage numbers a rationale cites: "[2]", "[1, 3]", "[2-4]" (both ends of a range)."""
    return [int(n) for group in _CITE.findall(rationale) for n in re.findall(r"\d+", group)]


def _bad(why: str) -> TerminalLLMError:
    return TerminalLLMError(why)


def _field(obj: Mapping[str, Any], name: str, kind: type | tuple[type, ...], where: str) -> Any:
    if name not in obj:
        raise _bad(f"{where} has no {name!r}")
    value = obj[name]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise _bad(f"{where}: {name!r} is {type(value).__name__}")
    return value


def parse_answer(text: str, n: int, *, reviews: int = 0) -> Answer:
    """The model's text as a validated ``Answer`` for ``n`` passages; TerminalLLMError says what is
    wrong. Keys beyond the schema are ignored; a passage the answer leaves out is neutral."""
    text = text.strip()
    fenced = _FENCE.match(text)
    if fenced:
        text = fenced.group(1)
    try:
        data = json.loads(text)
    except ValueError:
        raise _bad(f"not JSON: {text[:60]!r}") from None
    if not isinstance(data, dict):
        raise _bad(f"not a JSON object but {type(data).__name__}")
    raw = _field(data, "stances", list, "the answer")
    stances: dict[int, AnswerStance] = {}
    for k, item in enumerate(raw):
        where = f"stance {k + 1}"
        if not isinstance(item, dict):
            raise _bad(f"{where} is not an object")
        index = _field(item, "passage", int, where)
        if not 1 <= index <= n:
            raise _bad(f"a stance for passage [{index}], but there are {n}")
        if index in stances:
            raise _bad(f"two stances for passage [{index}]")
        stance = _field(item, "stance", str, where)
        if stance not in STANCES:
            raise _bad(f"unknown stance {stance!r} for passage [{index}]")
        reason = " ".join(_field(item, "reason", str, where).split())
        if stance != "neutral" and not reason:
            raise _bad(f"no reason for {stance!r} on passage [{index}]")
        quote = _field(item, "quote", str, where).strip()
        stances[index] = AnswerStance(index, cast(Stance, stance), reason, quote)
    verdict = _field(data, "verdict", str, "the answer")
    if verdict not in VERDICTS:
        raise _bad(f"unknown verdict {verdict!r}")
    confidence = float(_field(data, "confidence", (int, float), "the answer"))
    if not 0.0 <= confidence <= 1.0:
        raise _bad(f"confidence {confidence} is outside 0..1")
    rationale = " ".join(_field(data, "rationale", str, "the answer").split())
    if not rationale:
        raise _bad("an empty rationale")
    wrong = sorted({c for c in cited(rationale) if not 1 <= c <= n})
    if wrong:
        raise _bad(f"the rationale cites passage [{wrong[0]}], but there are {n}")
    _check_verdict(cast(Status, verdict), [s.stance for s in stances.values()], rationale, reviews)
    return Answer(tuple(stances[i] for i in sorted(stances)), cast(Status, verdict), confidence,
                  rationale)


def _check_verdict(verdict: Status, stances: list[Stance], rationale: str, reviews: int) -> None:
    """A decided verdict must rest on a stance that says so (or on a fact-check), and cite it."""
    if verdict == "unverified" or reviews:
        return
    needs: dict[str, tuple[Stance, ...]] = {
        "supported": ("supports",), "refuted": ("refutes",), "mixed": ("supports", "refutes"),
    }
    missing = [s for s in needs[verdict] if s not in stances]
    if missing:
        raise _bad(f"verdict {verdict!r} but no passage {' or '.join(missing)} the claim")
    if not cited(rationale):
        raise _bad(f"verdict {verdict!r} with a rationale that cites no passage")


_WORD = re.compile(r"\S+")
_EDGE = "\"'“”‘’«»()[].,;:!?…—–-"


def _norm(word: str) -> str:
    return word.strip(_EDGE).lower().replace("’", "'")


def locate_quote(passage: str, quote: str) -> tuple[int, int] | None:
    """Where ``quote`` is in ``passage``: exactly, else word by word ignoring case, spacing and the
    punctuation around words (models re-space and re-quote). None when it is not there."""
    quote = quote.strip().strip("\"“”").strip()
    if quote.endswith(("...", "…")):
        quote = quote.rstrip(".… ").strip()
    if not quote:
        return None
    at = passage.find(quote)
    if at >= 0:
        return at, at + len(quote)
    wanted = [w for w in (_norm(m) for m in quote.split()) if w]
    if not wanted:
        return None
    spans = [(m.start(), m.end(), w) for m in _WORD.finditer(passage) if (w := _norm(m.group()))]
    words = [s[2] for s in spans]
    for i in range(len(words) - len(wanted) + 1):
        if words[i:i + len(wanted)] == wanted:
            start, end = spans[i][0], spans[i + len(wanted) - 1][1]
            return start, end
    return None


class LLMAssessor:
    """Asks a chat model through ``complete``; ``fallback`` decides when the answer is unusable."""

    name = "llm"

    def __init__(self, complete: Complete, fallback: Assessor, model: str = "") -> None:
        self.complete = complete
        self.fallback = fallback
        self.model = model

    @property
    def fallback_name(self) -> str:
        return str(getattr(self.fallback, "name", "") or type(self.fallback).__name__)

    def assess(
        self,
        claim: str | Claim,
        passages: Sequence[str],
        tiers: Sequence[str | None] | None = None,
        reviews: Sequence[ExistingReview] = (),
        labels: Sequence[str] | None = None,
    ) -> Assessment:
        text = claim if isinstance(claim, str) else claim.text
        if not passages and not reviews:  # nothing to read: no question worth a request
            return self._fallback(claim, passages, tiers, reviews, labels, note=None)
        prompt = build_prompt(text, passages, labels, tiers, reviews)
        try:
            answer = parse_answer(self.complete(prompt), len(passages), reviews=len(reviews))
        except LLMError as exc:
            return self._fallback(claim, passages, tiers, reviews, labels, note=str(exc))
        return self._assessment(answer, passages, labels)

    def _fallback(
        self, claim: str | Claim, passages: Sequence[str], tiers: Sequence[str | None] | None,
        reviews: Sequence[ExistingReview], labels: Sequence[str] | None, note: str | None,
    ) -> Assessment:
        result = self.fallback.assess(claim, passages, tiers, reviews, labels)
        name = result.assessor or self.fallback_name
        rationale = result.rationale
        if note is not None:
            rationale = f"llm answer unusable ({note}); decided by {name}. {rationale}"
        return Assessment(result.status, result.confidence, rationale, result.stances, name)

    def _assessment(
        self, answer: Answer, passages: Sequence[str], labels: Sequence[str] | None,
    ) -> Assessment:
        given = {s.passage: s for s in answer.stances}
        stances = []
        for i, passage in enumerate(passages):
            said = given.get(i + 1)
            if said is None:
                stances.append(PassageStance(i, "neutral", 0.0, 0.0,
                                             "the model said nothing about this passage"))
                continue
            reason = said.reason or "nothing here settles the claim"
            where = locate_quote(passage, said.quote) if said.quote else None
            if said.quote and where is None:
                reason += " (the model's quote is not in the passage and was dropped)"
            start, end = where or (0, 0)
            taken = said.stance != "neutral"
            stances.append(PassageStance(
                index=i, stance=said.stance, score=answer.confidence if taken else 0.0,
                relevance=1.0 if taken else 0.0, reason=reason, quote=passage[start:end],
                quote_start=start, quote_end=end,
            ))
        sources = [f"[{c}] {labels[c - 1]}" for c in dict.fromkeys(cited(answer.rationale))
                   if labels and c - 1 < len(labels) and labels[c - 1]]
        by = f"llm {self.model}".strip()
        rationale = f"{answer.rationale} ({by}" + (f"; {'; '.join(sources)})" if sources else ")")
        return Assessment(answer.verdict, answer.confidence, rationale, tuple(stances), self.name)


def _factory(
    *, complete: Complete | None = None, fallback: Assessor | None = None, model: str = "",
) -> LLMAssessor:
    if complete is None or fallback is None:
        raise ConfigError("the llm assessor needs an endpoint and a fallback; the flows build it "
                          "from llm.url and llm.model (CLAIMTRACK_LLM_URL, CLAIMTRACK_LLM_MODEL)")
    return LLMAssessor(complete, fallback, model)


register_assessor("llm", _factory)

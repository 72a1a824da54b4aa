"""The learned assessor: a stance model trained on public fact-checking data, with the rules.

Each passage gets the model's calibrated probabilities of supports / refutes / neutral
(``claims/data/assessor.json``: a multinomial logistic regression over
:func:`claims.pairfeatures.pair_features`, trained by ``scripts/train_assessor.py``). Rules and
model decide together, for precision of ``refuted`` (a wrong one is the costliest error):

- a refutation the rule judge finds (a different number on the same measure, a different date, a
  denial or an opposite word said of the claim) stands, with the rule's reason;
- elsewhere the model decides, and calls a refutation only with a readable contradiction in the
  sentence it read (:func:`claims.pairfeatures.contradiction_cue`: a negation on one side only
  before a word both say, or an opposite word) and at ``refute_threshold`` or above (the lowest
  with out-of-fold precision 0.8 on the training rows: on its probability alone, no threshold got
  there); never against a passage the rules read as support, nor for a claim with numbers or dates
  (the model's number cues mistake another measure for a contradiction: "6 million visitors"
  against "330 metres tall");
- the model supports no number the rules read only as another measure ("55 million daily users"
  for "200 million registered accounts") and, for a claim with numbers or dates, no passage where
  the rules bear none of them out or contradict one.

The claim's status comes from its most decisive passage; its confidence is that passage's
calibrated probability of the status, shifted in log-odds by one number fitted on Check-COVID dev
claims (``Model.calibration``; the benchmark measures it cross-fitted). Existing fact-checks count
as they do for the rules: with one about the claim, :func:`claims.verdict.decide` weighs the
stances and the rating together. Weights are loaded once per process, on first use.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from claims.assess import reconcile, register_assessor, reviews_about
from claims.credibility import tier_weight
from claims.model import Assessment, Claim, PassageStance, Stance, Status
from claims.pairfeatures import (
    DIM,
    Side,
    contradiction_cue,
    features_and_focus,
    read,
    spelled,
    vectorize,
)
from claims.slots import TextSlots, claim_slots
from claims.stance import Judgement, judge
from claims.verdict import ExistingReview, decide

MIXED_AGAINST = 0.6  # a second passage this sure of the other side makes the claim mixed


@dataclass(frozen=True, slots=True)
class Model:
    classes: tuple[Stance, ...]
    weights: np.ndarray  # DIM x classes
    intercept: np.ndarray
    temperature: float
    refute_threshold: float
    platt: tuple[float, float] = (1.0, 0.0)  # confidence = sigmoid(a * logit(p) + b)
    calibration: tuple[float, float] = (1.0, 0.0)  # the claim's, fitted on Check-COVID dev

    def confidence(self, p: float) -> float:
        """The chance a stance called with probability ``p`` is right (Platt-scaled)."""
        return _platt(self.platt, p)

    def calibrated(self, p: float) -> float:
        """The claim's confidence: the decisive passage's, mapped by the calibration fitted on
        Check-COVID dev claims (the training folds are easier than real claims)."""
        return _platt(self.calibration, p)

    @classmethod
    def from_dict(cls, data: dict) -> Model:
        """A model from its JSON form (what ``scripts/train_assessor.py`` writes)."""
        w = np.zeros((int(data["dim"]), len(data["classes"])), dtype=np.float64)
        w[np.asarray(data["index"], dtype=np.int64)] = np.asarray(data["weights"], dtype=np.float64)
        if w.shape[0] != DIM:
            raise ValueError("the assessor model was trained with another feature space")
        return cls(tuple(data["classes"]), w, np.asarray(data["intercept"], dtype=np.float64),
                   float(data["temperature"]), float(data["refute_threshold"]),
                   tuple(map(float, data.get("platt", (1.0, 0.0)))),  # type: ignore[arg-type]
                   tuple(map(float, data.get("calibration", (1.0, 0.0)))))  # type: ignore[arg-type]


def _platt(ab: tuple[float, float], p: float) -> float:
    a, b = ab
    q = min(max(p, 1e-6), 1 - 1e-6)
    return 1.0 / (1.0 + math.exp(-(a * math.log(q / (1 - q)) + b)))


@lru_cache(maxsize=1)
def load_model() -> Model:
    """The shipped weights (plain JSON), expanded to a dense table once per process."""
    raw = resources.files("claims").joinpath("data/assessor.json").read_text("utf-8")
    return Model.from_dict(json.loads(raw))


@dataclass(frozen=True, slots=True)
class Reading:
    """The model's reading of one passage."""

    probs: dict[Stance, float]  # temperature-scaled
    stance: Stance
    confidence: float  # the chance ``stance`` is right (Platt-scaled)
    strongest: tuple[str, ...]  # the features that pushed most towards ``stance``, readable
    quote_start: int
    quote_end: int
    coverage: float
    set_aside: str = ""  # why the model's lean was not taken ("no contradiction cue")
    cue: str | None = None  # the readable contradiction a refutation rests on


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    return np.asarray(e / e.sum())


def read_pair(claim: str, passage: str, judgement: Judgement | None = None,
              model: Model | None = None, may_refute: bool = True, no_support: str = ""
              ) -> Reading:
    """The calibrated stance probabilities of one (claim, passage) pair and why. The model
    refutes only at its threshold and with a readable contradiction in the sentence it read
    (:func:`claims.pairfeatures.contradiction_cue`: a slot conflict is the rules' to call).
    ``may_refute`` False / ``no_support`` (why, in words): the rules have ruled that stance out;
    the most likely of the stances left is taken (measured on Check-COVID dev, falling back to
    neutral instead called fewer claims right: macro-F1 0.357 against 0.385), at its own, lower,
    confidence."""
    m = model or load_model()
    feats, (s, e, f) = features_and_focus(claim, passage, judgement)
    idx, val = vectorize(feats)
    rows = m.weights[idx]  # features x classes
    contrib = rows * np.asarray(val)[:, None]
    z = contrib.sum(axis=0) + m.intercept
    p = _softmax(z / m.temperature)
    probs = {c: float(p[k]) for k, c in enumerate(m.classes)}
    ref, sup = m.classes.index("refutes"), m.classes.index("supports")
    order = [int(k) for k in np.argsort(-p, kind="stable")]
    cue = contradiction_cue(read(claim), f)
    aside = ""
    if order[0] == ref and p[ref] >= m.refute_threshold:
        if not may_refute:
            aside = "the rules find nothing contradicted"
        elif cue is None:
            aside = "no negation, opposite word or slot contradicts the claim"
    elif order[0] == ref and cue is not None and may_refute:
        aside = f"below the threshold {m.refute_threshold}"
    if order[0] == sup and no_support:
        aside = no_support
    # a passage leaning to refutes with a readable contradiction is not read as support either
    held = order[0] == ref and cue is not None
    allowed = [k for k in order
               if not (k == ref and (not may_refute or cue is None or p[ref] < m.refute_threshold))
               and not (k == sup and (no_support or held))]
    best = allowed[0]
    # what pushed this class over the others: its weight minus the mean of the others'
    lead = contrib[:, best] - (contrib.sum(axis=1) - contrib[:, best]) / (len(m.classes) - 1)
    top = [int(i) for i in np.argsort(-lead)[:6] if lead[i] > 0.05]
    c = read(claim)
    said = list(dict.fromkeys(describe(feats[i][0], c, f) for i in top
                              if feats[i][0] != "bias"))[:3]
    cov = len(c.content & f.content) / len(c.content) if c.content else 0.0
    return Reading(probs, m.classes[best], m.confidence(float(p[best])), tuple(said), s, e, cov,
                   aside, cue if best == ref else None)


def _word(stem: str, side: Side) -> str:
    return spelled(side, stem) or stem


_DENSE = {
    "d:cov": "how much of the claim its closest sentence says",
    "d:cov2": "word pairs shared with the claim",
    "d:jac3": "spelling overlap with the claim", "d:g3": "spelling overlap with the claim",
    "d:extra": "how much the passage says beyond the claim",
    "d:conly": "claim words the passage lacks", "d:clen": "claim length",
    "d:flen": "sentence length",
    "neg:mismatch": "a negation on one side only", "ant:any": "opposite words",
    "hedge:c": "a hedge in the claim", "hedge:f": "a hedge in the passage",
    "hedge:mismatch": "a hedge on one side only",
    "num:match": "the claim's numbers in the passage",
    "num:other": "other numbers than the claim's", "num:absent": "none of the claim's numbers",
    "num:c": "numbers in the claim",
    "rule:relevance": "the rules' relevance", "rule:conflict": "a slot the rules find contradicted",
    "rule:matched": "slots the rules find borne out",
}


def describe(name: str, claim: Side, passage: Side) -> str:
    """A feature name in words a person can read ("'not' in the passage only"); ``passage`` is
    the sentence the features were read from."""
    kind, _, rest = name.partition(":")
    if name in _DENSE:
        return _DENSE[name]
    if kind == "b":
        return "how much of the claim it says"
    if kind == "co":
        return f"'{_word(rest, claim)}' in the claim only"
    if kind == "x":
        a, _, b = rest.partition("|")
        return f"'{_word(a, claim)}' vs '{_word(b, passage)}'"
    if kind == "ant":
        if ">" in rest:
            a, _, b = rest.partition(">")
            return f"'{_word(a, claim)}' vs '{_word(b, passage)}'"
        return "opposite words"
    if kind == "neg":
        if rest.startswith("c"):
            nc, nf = rest[1], rest[3]
            if nc == "0" and nf != "0":
                return "a negation in the passage only"
            if nc != "0" and nf == "0":
                return "a negation in the claim only"
            return "negation on both sides" if nc != "0" else "no negation on either side"
        return "negation"
    if kind == "fcue":
        return f"'{_word(rest, passage)}' in the passage"
    if kind == "ccue":
        return f"'{_word(rest, claim)}' in the claim"
    if kind == "fn":
        return f"'{_word(rest, passage)}' beside the claim's words"
    if kind == "e":
        return f"passage word '{_word(rest, passage)}'"
    if kind == "c":
        return f"claim word '{_word(rest, claim)}'"
    if kind == "rule":
        stance = rest.split(":")[0]
        return f"the rules read it as {stance}"
    return name


def _reason(r: Reading) -> str:
    p = r.confidence
    cue = f"; {r.cue}" if r.cue else ""
    why = f"; strongest: {', '.join(r.strongest)}" if r.strongest else ""
    aside = ""
    if r.set_aside:
        lean = max(r.probs, key=lambda k: r.probs[k])
        aside = f"; its {r.probs[lean]:.2f} for {lean} set aside ({r.set_aside})"
    return f"model: {p:.2f} {r.stance}{cue}{why}{aside}"


def rules_apply(slots: TextSlots) -> bool:
    """Whether the rule judge can say something the model cannot: only a claim with a number or
    a date can be contradicted precisely (elsewhere the judge is skipped: it costs more than the
    model, and its reading added nothing measurable to the model's)."""
    c = slots.sentences[0]
    return bool(c.quantities or c.dates)


OTHER_MEASURE = "is a different measure from"  # how the rule judge says it (claims.stance)


def other_measure(ruled: Sequence[Judgement]) -> bool:
    """Whether the rules read the claim's number in some passage as another measure ("55 million
    daily users" against "200 million registered accounts") and in none as the same one."""
    return (any(OTHER_MEASURE in r.reason for r in ruled)
            and not any(r.matched or r.conflicted for r in ruled))


class LearnedAssessor:
    """Stance model trained on Check-COVID and FEVER-Symmetric, with the rules' slot conflicts."""

    name = "learned"

    def __init__(self, model: Model | None = None, strict_slots: bool = True) -> None:
        self.model = model  # None: the shipped one
        # a claim with numbers or dates is supported by the model only where the rules bear one
        # out and contradict none (False: only the other-measure veto; for measuring)
        self.strict_slots = strict_slots

    def _no_support(self, r: Judgement, slotted: bool, other: bool) -> str:
        """Why the model may not support this passage ("" when it may)."""
        if r.stance == "supports":
            return ""
        if other:
            return "the sources give the claim's number only as another measure"
        if slotted and self.strict_slots and r.conflicted:
            return "the rules find a number or date of the claim contradicted here"
        if slotted and self.strict_slots and not r.matched:
            return "the rules find none of the claim's numbers and dates here"
        return ""

    def assess(
        self,
        claim: str | Claim,
        passages: Sequence[str],
        tiers: Sequence[str | None] | None = None,
        reviews: Sequence[ExistingReview] = (),
        labels: Sequence[str] | None = None,
    ) -> Assessment:
        text = claim if isinstance(claim, str) else claim.text
        slots = claim_slots(text)
        tier_list = list(tiers or ())
        slotted = rules_apply(slots)
        ruled = reconcile([judge(slots, p) for p in passages], tier_list, labels)
        other = other_measure(ruled)
        stances: list[PassageStance] = []
        probs: list[float] = []  # the chance each passage's stance is right
        for i, (passage, r) in enumerate(zip(passages, ruled, strict=True)):
            if r.stance == "refutes":
                stances.append(PassageStance(
                    index=i, stance="refutes", score=r.score, relevance=r.relevance,
                    reason=r.reason, quote=passage[r.quote_start:r.quote_end],
                    quote_start=r.quote_start, quote_end=r.quote_end))
                probs.append(r.score)
                continue
            # the model refutes only where the rules have nothing to say: not against a passage
            # they read as support, nor a claim whose numbers and dates they found uncontradicted;
            # and it supports no claim whose number the sources give only as another measure
            m = read_pair(text, passage, r if slotted else None, self.model,
                          may_refute=r.stance != "supports" and not slotted,
                          no_support=self._no_support(r, slotted, other))
            stances.append(PassageStance(
                index=i, stance=m.stance, score=round(m.confidence, 3),
                relevance=round(max(r.relevance, m.coverage), 3), reason=_reason(m),
                quote=passage[m.quote_start:m.quote_end], quote_start=m.quote_start,
                quote_end=m.quote_end))
            probs.append(m.confidence)
        about = reviews_about(text, reviews)
        if about:
            status, confidence, rationale = decide(stances, tier_list, about, labels)
        else:
            status, confidence, rationale = verdict(stances, probs, tier_list, labels)
            confidence = round((self.model or load_model()).calibrated(confidence), 3)
        return Assessment(status, confidence, rationale, tuple(stances))


def _label(i: int, labels: Sequence[str] | None) -> str:
    return labels[i] if labels and i < len(labels) and labels[i] else f"passage {i + 1}"


def verdict(
    stances: Sequence[PassageStance], probs: Sequence[float], tiers: Sequence[str | None] = (),
    labels: Sequence[str] | None = None,
) -> tuple[Status, float, str]:
    """(status, confidence, rationale) from the passages' stances: the most decisive passage
    (its probability times its source's weight) decides; a passage as sure of the other side makes
    it mixed. The confidence is the decisive passage's probability, lowered for sources below an
    unknown one's weight."""
    if not stances:
        return "unverified", 0.3, "Unverified: no passages to check against"

    def weight(i: int) -> float:
        return min(1.0, tier_weight(tiers[i] if i < len(tiers) else None) / tier_weight(None))

    decided = [(probs[k] * weight(s.index), k) for k, s in enumerate(stances)
               if s.stance != "neutral"]
    if not decided:
        k = max(range(len(stances)), key=lambda k: (stances[k].relevance, -k))
        s = stances[k]
        return "unverified", round(probs[k], 3), (
            f"Unverified: none of {len(stances)} passage(s) settles it; closest, "
            f"{_label(s.index, labels)}: {s.reason}")
    _, k = max(decided, key=lambda t: (t[0], -t[1]))
    s = stances[k]
    conf = probs[k] * weight(s.index)
    against = [(p, j) for p, j in decided if stances[j].stance != s.stance and p >= MIXED_AGAINST]
    if against:
        p, j = max(against)
        o = stances[j]
        sup, ref = (s, o) if s.stance == "supports" else (o, s)
        return "mixed", round(min(conf, p), 3), (
            f"Mixed: for, {_label(sup.index, labels)}: {sup.reason}; against, "
            f"{_label(ref.index, labels)}: {ref.reason}")
    more = sum(1 for _, j in decided if stances[j].stance == s.stance) - 1
    extra = f" (+{more} more)" if more else ""
    status: Status = "supported" if s.stance == "supports" else "refuted"
    word = "Supported" if status == "supported" else "Refuted"
    return status, round(conf, 3), f"{word} by {_label(s.index, labels)}: {s.reason}{extra}"


register_assessor("learned", LearnedAssessor)

__all__ = ["LearnedAssessor", "Model", "load_model", "read_pair", "verdict"]

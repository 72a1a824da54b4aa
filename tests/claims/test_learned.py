"""The learned assessor: plain shipped weights, a deterministic trainer, rules kept where they are
precise, readable reasons, and a quality floor on public dev data (Check-COVID)."""

from __future__ import annotations

import importlib.util
import json
import sys
from importlib import resources
from pathlib import Path
from types import ModuleType

import pytest

import claims
from claims import ExistingReview, LearnedAssessor, RuleAssessor
from claims.learned import load_model, read_pair
from claims.pairfeatures import contradiction_cue, read
from tests.metrics import macro_f1

REPO = Path(__file__).resolve().parents[2]
STANCE = REPO.parent / "shared" / "data" / "stance"
DEV_FLOOR = 0.36  # measured 0.377 (bench/results/verify_quality.md); a change may raise it
DATA = REPO / "tests" / "claims" / "data"


def _need_data() -> Path:
    if not (STANCE / "check-covid" / "dev.jsonl").is_file():
        pytest.skip(f"stance data not found at {STANCE} (../shared/data is not beside the repo)")
    return STANCE


def _trainer() -> ModuleType:
    pytest.importorskip("sklearn", reason="training needs scikit-learn (the dev extra)")
    spec = importlib.util.spec_from_file_location("train_assessor", REPO / "scripts" / "train_assessor.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("train_assessor", module)
    spec.loader.exec_module(module)
    return module


def test_weights_are_plain_json_and_load() -> None:
    raw = resources.files("claims").joinpath("data/assessor.json").read_text("utf-8")
    data = json.loads(raw)
    assert data["classes"] == ["supports", "refutes", "neutral"]
    assert len(data["index"]) == len(data["weights"]) > 1000
    assert "Check-COVID" in data["about"] and "FEVER" in data["about"]
    model = load_model()
    assert model.weights.shape == (data["dim"], 3)
    assert model.temperature > 0 and 0.34 <= model.refute_threshold < 1
    assert data["calibration"][0] == 1.0 and data["calibration_rows"] == 207  # Check-COVID dev
    assert data["refute_cv_precision"] >= 0.8
    assert load_model() is model  # loaded once per process


def test_retraining_gives_the_same_bytes() -> None:
    trainer = _trainer()
    data = _need_data()
    rows = trainer.training_rows(data)[:240]
    first = trainer.dump(trainer.fit_rows(rows, c=0.3))
    second = trainer.dump(trainer.fit_rows(rows, c=0.3))
    assert first == second
    assert json.loads(first)["weights"]


def test_a_precise_rule_contradiction_still_refutes_with_its_reason() -> None:
    claim = "The company sold 5 million phones in 2020."
    passage = "The company sold 3 million phones in 2020."
    learned = LearnedAssessor().assess(claim, [passage])
    rules = RuleAssessor().assess(claim, [passage])
    assert learned.status == rules.status == "refuted"
    assert learned.stances[0].reason == rules.stances[0].reason
    assert "'3 million phones' contradicts '5 million phones'" in learned.stances[0].reason


def test_the_model_decides_where_the_rules_are_silent() -> None:
    claim = "Ultraviolet light is associated with higher COVID-19 growth rates."
    passages = [
        "We found that ultraviolet light was most strongly associated with lower COVID-19 growth rates.",
        "The virus causing COVID-19 has spread rapidly worldwide and threatens millions of lives.",
    ]
    result = claims.assess(claim, passages, assessor="learned")
    first, second = result.stances
    assert first.reason.startswith("model: ") and "strongest:" in first.reason
    assert second.stance == "neutral"
    assert 0.0 <= result.confidence <= 1.0


@pytest.mark.parametrize(("claim", "passage"), [
    ("Masks reduce the spread of respiratory droplets.",
     "Surgical masks reduced the emission of respiratory droplets in our experiments. "
     "Cloth masks were less effective."),
    ("Vitamin D does not protect against COVID-19.",
     "Patients with low vitamin D levels had a higher risk of severe COVID-19."),
    ("The Cretaceous ended.", "The Cretaceous ended with a large mass extinction ."),
    ("The bridge opened in 1932.", "Rain is expected on Tuesday."),
])
def test_reasons_are_readable_and_quotes_come_from_the_passage(claim: str, passage: str) -> None:
    s = LearnedAssessor().assess(claim, [passage]).stances[0]
    assert s.reason and s.reason[0].isalpha()
    assert not any(raw in s.reason for raw in ("co:", "x:", "fn:", "e:", "d:", "b:", "neg:c"))
    assert s.quote and passage[s.quote_start:s.quote_end] == s.quote


def test_existing_fact_checks_count_as_for_the_rules() -> None:
    claim = "Drinking hot water cures COVID-19."
    review = ExistingReview(rating="False", url="https://factcheck.example/hot-water",
                            publisher="Example Check", claim_reviewed="Drinking hot water cures COVID-19")
    learned = LearnedAssessor().assess(claim, ["The weather was mild on Sunday."], reviews=[review])
    rules = RuleAssessor().assess(claim, ["The weather was mild on Sunday."], reviews=[review])
    assert learned.status == rules.status == "refuted"
    assert "Example Check" in learned.rationale


def test_default_assessor_is_still_the_rules() -> None:
    claim = "The company sold 5 million phones in 2020."
    passage = "The company sold 5 million phones in 2020."
    assert claims.assess(claim, [passage]) == RuleAssessor().assess(claim, [passage])
    assert "learned" in claims.assessor_names()


def test_check_covid_dev_macro_f1_floor() -> None:
    data = _need_data()
    gold, pred = [], []
    assessor = LearnedAssessor()
    for line in (data / "check-covid" / "dev.jsonl").read_text("utf-8").splitlines():
        row = json.loads(line)
        status = assessor.assess(row["claim"], [" ".join(row["evidence"])]).status
        gold.append({"SUPPORT": "SUPPORT", "REFUTE": "REFUTE"}.get(row["label"], "NEI"))
        pred.append({"supported": "SUPPORT", "refuted": "REFUTE"}.get(status, "NEI"))
    assert macro_f1(gold, pred, ("SUPPORT", "REFUTE", "NEI")) >= DEV_FLOOR


@pytest.mark.parametrize(("claim", "passage"), [
    ("The Eiffel Tower is 330 metres tall.", "The Eiffel Tower receives about 6 million visitors a year."),
    ("The euro was introduced as a currency on 1 January 1999.",
     "Nineteen countries used the euro as their currency in 2020."),
    ("Carlineo's lawyer said he did not intend to cause harm.",
     "His lawyer said Carlineo never intended to hurt anyone."),
])
def test_no_refutation_the_rules_rule_out(claim: str, passage: str) -> None:
    """Another measure or event is no contradiction of a claim's numbers or dates, and a denial
    on both sides ("did not intend" / "never intended") is agreement."""
    result = LearnedAssessor().assess(claim, [passage])
    assert result.stances[0].stance != "refutes"
    assert result.status != "refuted"


@pytest.mark.parametrize(("claim", "passage"), [
    # opinion and quote claims of the example article, against passages its sources hold: the
    # model once refuted each (a negation or a word somewhere in the passage, no contradiction)
    ("The clearest statement of the bargain is the Cybersecurity Law.",
     "China's Cybersecurity Law takes effect today, 1 June 2017."),
    ("China's Cybersecurity Law’s language is broad.", "Asia Policy Desk: What China's Cybersecurity Law says"),
    ("Li Wenjun said “The platforms have become the state's most diligent censors, because the cost "
     "of being too permissive is far higher than the cost of being too strict.”",
     "The regulator did fine the three platforms, and the fines were the largest allowed, so the "
     "claim is not false."),
    ("The incentives all point one way: a company that censors too little risks its licence, while "
     "one that censors too much risks nothing.",
     "The regulators said the companies had not fulfilled their duty under the law to manage the "
     "information published by their users."),
    ("Few industries anywhere have been shaped by politics as thoroughly as China's internet sector.",
     "In January 2017 the Ministry of Industry and Information Technology announced a campaign "
     "against virtual private networks that had not been approved by the government."),
])
def test_no_refutation_without_a_contradiction_cue(claim: str, passage: str) -> None:
    result = LearnedAssessor().assess(claim, [passage])
    assert result.stances[0].stance != "refutes"
    assert result.status != "refuted"


def test_contradiction_cues_are_specific_and_readable() -> None:
    def cue(claim: str, sentence: str) -> str | None:
        return contradiction_cue(read(claim), read(sentence))

    assert cue("Ultraviolet light is associated with higher COVID-19 growth rates.",
               "Ultraviolet light was associated with lower COVID-19 growth rates.") == (
        "'higher' in the claim, 'lower' in the passage")
    assert cue("The drug did not reduce mortality in severe cases.",
               "The drug reduced mortality in severe cases.") == "'not ... reduce' in the claim only"
    # a denial on both sides agrees; a negation about something else is no cue
    assert cue("His lawyer said he did not intend to cause harm.",
               "His lawyer said he never intended to hurt anyone.") is None
    assert cue("The companies were fined in September.",
               "The companies have not disclosed how many users they have.") is None
    # too little of the claim said: no cue
    assert cue("Masks do not reduce the spread of respiratory droplets in crowded rooms.",
               "Masks reduce glare.") is None


def test_a_lean_to_refutes_with_a_cue_is_not_turned_into_support() -> None:
    claim = "Ultraviolet light is associated with higher COVID-19 growth rates."
    passage = "We found that ultraviolet light was most strongly associated with lower COVID-19 growth rates."
    r = read_pair(claim, passage)
    assert r.probs["refutes"] > r.probs["supports"]
    assert r.stance != "supports"
    if r.stance == "refutes":  # only at the threshold, naming the cue
        assert r.probs["refutes"] >= load_model().refute_threshold and r.cue


def test_another_measure_is_not_supported_by_the_model() -> None:
    """The example's 'Honour of Kings has 200 million registered accounts': its sources give daily
    and monthly users, another measure; the model may not read a passage about the game as support."""
    claim = ("Tencent's smash-hit mobile game Honour of Kings has 200 million registered accounts, "
             "according to an industry analysis.")
    passages = [
        "Why it matters\nHonour of Kings is one of Tencent's biggest earners, and its success shows "
        "how much of China's games market now runs on phones rather than computers.",
        "Daily players: about 55 million\nReuters reported in July 2017 that Honour of Kings had "
        "about 55 million daily active users. A daily active user is someone who opens the game at "
        "least once on a given day; it is the number that matters most for a game that makes its "
        "money from in-game purchases.",
    ]
    rules = RuleAssessor().assess(claim, passages)
    assert any("different measure" in s.reason for s in rules.stances)
    result = LearnedAssessor().assess(claim, passages)
    assert result.status == "unverified"
    assert all(s.stance == "neutral" for s in result.stances)


@pytest.mark.parametrize(("name", "most"), [
    ("stance_pairs", 0), ("stance_realworld", 0),
    # the rules' own: '51.9 percent of voters chose to leave' against 'turnout ... 72.2 percent'
    ("stance_heldout", 1),
])
def test_wrong_refutations_on_the_hand_written_sets(name: str, most: int) -> None:
    """Regression floors on our own text, not evidence of quality: the rules were written on it."""
    rows = [json.loads(line) for line in (DATA / f"{name}.jsonl").read_text("utf-8").splitlines()
            if line.strip()]
    assessor = LearnedAssessor()
    wrong = [r["claim"] for r in rows
             if assessor.assess(r["claim"], [r["passage"]]).stances[0].stance == "refutes"
             != (r.get("label") or r.get("stance"))]
    assert len(wrong) <= most, wrong


def test_dev_calibration_is_measured_across_claim_families() -> None:
    trainer = _trainer()
    data = _need_data()
    import numpy as np

    conf = np.array([0.9, 0.8, 0.3, 0.6, 0.7, 0.2, 0.85, 0.4])
    right = np.array([1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0])
    fams = ["a", "a", "b", "b", "c", "c", "d", "d"]
    value, out = trainer.cross_fitted_ece(conf, right, fams)
    assert 0.0 <= value <= 1.0 and out.shape == conf.shape
    # a family is never split: its claims are calibrated by the same half's fit
    halves = trainer.folds(fams, 2)
    assert halves[0] == halves[1] and halves[2] == halves[3]
    dev = trainer.check_covid("dev", data)
    assert len({p.family for p in dev}) < len(dev)

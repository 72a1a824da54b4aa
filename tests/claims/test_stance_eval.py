"""The stance gate: a labelled set of claim/passage pairs with pinned floors.

A change may raise the floors; it may not quietly lower them. The set (``data/stance_pairs.jsonl``)
was written for this project: our example article's claims against passages stating the facts right
and wrong, and general claims with their own passages; each pair is tagged with the skill it tests.
``data/stance_heldout.jsonl`` was written after the rules were tuned on the first set and is scored
apart, so the floors there say how the rules do on text they were not fitted to.
``data/stance_realworld.jsonl`` holds the kinds of pairs on which real articles were called false
(issue 12): both sides negated, parts and totals, dates and superlatives of other things, posts'
attribution lines, several prices, ranges, scores and numbered names.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from claims.slots import claim_slots
from claims.stance import judge

DATA = Path(__file__).parent / "data"
LABELS = ("supports", "refutes", "neutral")
# Measured 2026-12-02: stance_pairs 1.000 on every score; stance_heldout accuracy 0.969,
# F1 supports 0.970, refutes 0.973, neutral 0.967. Each floor sits within 3 points of these.
FLOORS = {
    "stance_pairs.jsonl": {"accuracy": 0.98, "supports": 0.97, "refutes": 0.97, "neutral": 0.97},
    # first scoring: accuracy 0.969 (63 of 65); one label since corrected (h08-3, a double
    # negation: "not founded by Bezos, the post falsely claims" bears the claim out)
    "stance_heldout.jsonl": {"accuracy": 0.95, "supports": 0.95, "refutes": 0.95, "neutral": 0.95},
    # issue 12's failure classes in our own wording, each both ways (accurate paraphrase / real
    # contradiction); measured 2026-12-02 at 6f6e8af: accuracy 0.986, F1 supports 0.984,
    # refutes 1.000, neutral 0.971 (rows added later may lower them: say so when moving a floor).
    # 22 rows added after the fixes (rw73-rw94) scored 20 of 22 before any change; with the two
    # fixed, 94 rows: accuracy 0.989, F1 supports 0.987, refutes 1.000, neutral 0.979. Four rows
    # of several sentences added (rw95-rw98; rw98, a two-part claim told over two sentences,
    # stays neutral): 98 rows, accuracy 0.980, F1 supports 0.975, refutes 1.000, neutral 0.962;
    # floors moved down with them, still 3 points under
    "stance_realworld.jsonl": {"accuracy": 0.95, "supports": 0.94, "refutes": 0.97, "neutral": 0.93},
}


def load(name: str) -> list[dict[str, str]]:
    return [json.loads(line) for line in (DATA / name).read_text("utf-8").splitlines() if line]


def scores(rows: list[dict[str, str]]) -> dict[str, float]:
    confusion: Counter[tuple[str, str]] = Counter()
    for r in rows:
        confusion[(r["label"], judge(claim_slots(r["claim"]), r["passage"]).stance)] += 1
    out = {"accuracy": sum(confusion[(x, x)] for x in LABELS) / len(rows)}
    for label in LABELS:
        tp = confusion[(label, label)]
        fp = sum(confusion[(o, label)] for o in LABELS if o != label)
        fn = sum(confusion[(label, o)] for o in LABELS if o != label)
        out[label] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return out


def test_labelled_set_is_big_and_covers_every_skill() -> None:
    rows = load("stance_pairs.jsonl")
    assert len(rows) >= 150
    kinds = Counter(r["kind"].split("-")[0] for r in rows)
    for kind in ("number", "date", "negation", "different", "alias", "unrelated", "words",
                 "opposite", "related"):
        assert kinds[kind] >= 2, kind
    assert {r["label"] for r in rows} == set(LABELS)
    assert len({r["id"] for r in rows}) == len(rows)


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_floors(name: str) -> None:
    got = scores(load(name))
    low = {k: round(v, 3) for k, v in got.items() if v < FLOORS[name][k]}
    assert not low, f"{name} below its floors: {low} (floors {FLOORS[name]})"

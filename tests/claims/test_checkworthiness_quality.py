"""Check-worthiness on our held-out splits (pinned floors), the transcript and encoder paths, and a
deterministic retrain. The floors sit a few points under bench/results/checkworthiness_quality.md."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from bench._cw_data import Splits, available, f1, mean_average_precision, splits
from claims import checkworthiness
from claims.cwcontext import semantic_block
from claimtrack.errors import ModelError
from tests.encoder_fixture import encoder_or_skip

ROOT = Path(__file__).resolve().parents[2]
needs_data = pytest.mark.skipif(not available(), reason="../shared/data/checkworthiness absent")

CB_F1_FLOOR = 0.72  # measured 0.744
CLEF_MAP_FLOOR = 0.13  # measured 0.158 (sentences alone), 0.148 (with speakers)


@pytest.fixture(scope="module")
def sp() -> Splits:
    return splits()


@needs_data
def test_splits_keep_heldout_text_out_of_training(sp: Splits) -> None:
    held = {" ".join(t.lower().split()) for t, _ in sp.cb_heldout}
    held |= {" ".join(x.text.lower().split()) for d in sp.clef_heldout for x in d}
    assert not [t for t, _ in sp.cb_train if " ".join(t.lower().split()) in held]
    assert not [x for d in sp.clef_train for x in d if x.train and " ".join(x.text.lower().split()) in held]
    assert len(sp.clef_heldout) == 5 and not {d[0].debate for d in sp.clef_heldout} & {d[0].debate for d in sp.clef_train}


@needs_data
def test_claimbuster_f1_floor(sp: Splits) -> None:
    _, _, score = f1([y for _, y in sp.cb_heldout], checkworthiness([t for t, _ in sp.cb_heldout]))
    assert score >= CB_F1_FLOOR


@needs_data
def test_clef_map_floor(sp: Splits) -> None:
    alone, _ = mean_average_precision(sp.clef_heldout, [checkworthiness([x.text for x in d]) for d in sp.clef_heldout])
    spoken, _ = mean_average_precision(sp.clef_heldout, [
        checkworthiness([x.text for x in d], speakers=[x.speaker for x in d]) for d in sp.clef_heldout])
    assert alone >= CLEF_MAP_FLOOR
    assert spoken >= CLEF_MAP_FLOOR


def test_transcript_path() -> None:
    lines = ["Welcome to the debate.", "What will you do about jobs?",
             "We lost 70,000 factories since 2001.", "Unemployment fell to 4.1 percent last year.",
             "Next question: what about taxes?", "I cut taxes for 90 percent of families."]
    who = ["HOST", "HOST", "SMITH", "SMITH", "HOST", "SMITH"]
    scores = checkworthiness(lines, speakers=who)
    assert len(scores) == len(lines) and all(0.0 <= s <= 1.0 for s in scores)
    assert scores[2] > scores[1] and scores[3] > scores[4]
    assert checkworthiness([], speakers=[]) == []
    with pytest.raises(ValueError, match="speakers"):
        checkworthiness(lines, speakers=who[:-1])


def test_news_path_unchanged_by_the_keywords() -> None:
    text = ["Tencent's Honour of Kings has 200 million registered accounts in China.", "Thank you."]
    assert checkworthiness(text) == checkworthiness(text, speakers=None, encoder=None)


class OtherEncoder:
    model_id = "some-other-model@0"

    def encode(self, texts: list[str]) -> npt.NDArray[np.float32]:
        return np.zeros((len(texts), 384), dtype=np.float32)


@pytest.mark.skipif(semantic_block() is None, reason="no embedding block shipped")
def test_encoder_must_match_the_block() -> None:
    with pytest.raises(ModelError, match="trained with"):
        checkworthiness(["Facebook is blocked in China."], encoder=OtherEncoder())


@pytest.mark.skipif(semantic_block() is None, reason="no embedding block shipped")
def test_encoder_path_scores() -> None:
    enc = encoder_or_skip()
    claim, fluff = checkworthiness(["Unemployment fell to 3.5 percent in 2019, the lowest rate since 1969.",
                                    "Thank you very much, it is great to be here."], encoder=enc)
    assert claim >= 0.5 > fluff
    lines = ["Thank you, Lester.", "We have lost 70,000 factories since China joined the WTO.", "Is that right?"]
    scores = checkworthiness(lines, speakers=["CANDIDATE", "CANDIDATE", "HOST"], encoder=enc)
    assert scores[1] == max(scores)


@needs_data
def test_retrain_is_deterministic(tmp_path: Path) -> None:
    outs = []
    for name in ("a", "b"):
        out = tmp_path / name
        out.mkdir()
        subprocess.run([sys.executable, str(ROOT / "scripts" / "train_checkworthiness.py"), "--limit", "400",
                        "--no-semantic", "--out", str(out)], check=True, capture_output=True, timeout=600)
        outs.append((out / "checkworthiness.json").read_bytes())
    assert outs[0] == outs[1]
    assert b'"transcript"' in outs[0]

"""The check-worthiness data and our fixed held-out splits, read one way by training, bench and tests.

ClaimBuster (``claimbuster_train.json``): distinct texts, a stratified split (20% of each class held
out, seed ``SEED``). CLEF 2019 CheckThat! Task 1 (``clef2019_task1_train.csv``): whole transcripts
held out (``HELDOUT_DEBATES``: the files at sorted positions 2, 6, 10, 14, 18, chosen by that rule
before anything was measured), scored the CheckThat! way (:func:`mean_average_precision`).

The two sets share sentences (672 distinct texts: ClaimBuster covers the 2016 debates too), so a
training example is dropped whenever its text is held out on either side. Dropped CLEF lines stay
in their transcript so that their neighbours' context is unchanged; only their label is unused.
"""

from __future__ import annotations

import csv
import json
import os
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 20170601
HELDOUT_SHARE = 0.2
FOLDS = 5  # out-of-fold choices inside the training side; a CLEF debate never spans two
HELDOUT_DEBATES = (
    "20160414_9dem.tsv",
    "20161010_2pres.tsv",
    "20170315_nashville.tsv",
    "20180916_trump_miami.tsv",
    "20190108_oval_office.tsv",
)


@dataclass(frozen=True, slots=True)
class Line:
    """One transcript line of CLEF 2019 (``train``: usable as a training example)."""

    text: str
    label: int
    speaker: str
    debate: str
    number: int
    train: bool = True


@dataclass(frozen=True, slots=True)
class Splits:
    """Everything a model may learn from, and what it is only ever scored on."""

    cb_train: tuple[tuple[str, int], ...]
    cb_heldout: tuple[tuple[str, int], ...]
    clef_train: tuple[tuple[Line, ...], ...]  # whole transcripts, in line order
    clef_heldout: tuple[tuple[Line, ...], ...]


def data_dir(explicit: Path | None = None) -> Path:
    """``--data``, else ``CLAIMTRACK_CW_DATA``, else ``../shared/data/checkworthiness``."""
    if explicit is not None:
        return explicit
    env = os.environ.get("CLAIMTRACK_CW_DATA")
    return Path(env) if env else ROOT.parent / "shared" / "data" / "checkworthiness"


def available(data: Path | None = None) -> bool:
    d = data_dir(data)
    return (d / "claimbuster_train.json").is_file() and (d / "clef2019_task1_train.csv").is_file()


def norm(text: str) -> str:
    return " ".join(text.lower().split())


def claimbuster(data: Path) -> list[tuple[str, int]]:
    """Distinct ClaimBuster sentences (one label each; the file has no conflicts), sorted."""
    by_text: dict[str, tuple[str, int]] = {}
    for r in json.loads((data / "claimbuster_train.json").read_text(encoding="utf-8")):
        text = " ".join(str(r["text"]).split())
        if text:
            key = norm(text)
            prev = by_text.get(key)
            if prev is None or int(r["label"]) > prev[1]:
                by_text[key] = (text, int(r["label"]))
    return [by_text[k] for k in sorted(by_text)]


def clef(data: Path) -> dict[str, list[Line]]:
    """CLEF 2019 transcripts by file name, each in line order."""
    debates: dict[str, list[Line]] = {}
    with (data / "clef2019_task1_train.csv").open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            line = Line(" ".join(r["text"].split()), int(r["label"]), r["speaker"].strip(),
                        r["file_name"], int(r["line_number"]))
            debates.setdefault(line.debate, []).append(line)
    return {k: sorted(v, key=lambda x: x.number) for k, v in sorted(debates.items())}


def splits(data: Path | None = None) -> Splits:
    d = data_dir(data)
    cb = claimbuster(d)
    rng = random.Random(SEED)
    cb_train: list[tuple[str, int]] = []
    cb_held: list[tuple[str, int]] = []
    for label in (0, 1):
        rows = [r for r in cb if r[1] == label]
        rng.shuffle(rows)
        n = round(len(rows) * HELDOUT_SHARE)
        cb_held += rows[:n]
        cb_train += rows[n:]
    debates = clef(d)
    missing = [f for f in HELDOUT_DEBATES if f not in debates]
    if missing:
        raise ValueError(f"held-out debates absent from the CLEF file: {missing}")
    held_texts = {norm(t) for t, _ in cb_held}
    held_texts |= {norm(x.text) for f in HELDOUT_DEBATES for x in debates[f]}
    cb_train = sorted(r for r in cb_train if norm(r[0]) not in held_texts)
    clef_train = tuple(
        tuple(Line(x.text, x.label, x.speaker, x.debate, x.number, norm(x.text) not in held_texts)
              for x in lines)
        for f, lines in debates.items() if f not in HELDOUT_DEBATES)
    return Splits(tuple(cb_train), tuple(sorted(cb_held)), clef_train,
                  tuple(tuple(debates[f]) for f in HELDOUT_DEBATES))


def sparse_rows(cb: Sequence[tuple[str, int]], debates: Sequence[Sequence[Line]]) -> list[tuple[str, int, int]]:
    """The rows the sentence model trains on, as (text, label, fold): the ClaimBuster rows in
    seeded folds, then CLEF's positives not already among them, in their debate's fold (CLEF's
    negatives are left out: see scripts/train_checkworthiness.py)."""
    order = list(range(len(cb)))
    random.Random(SEED).shuffle(order)
    fold = {i: rank % FOLDS for rank, i in enumerate(order)}
    rows = [(t, y, fold[i]) for i, (t, y) in enumerate(cb)]
    seen = {norm(t) for t, _ in cb}
    for j, debate in enumerate(debates):
        for x in debate:
            if x.train and x.label and norm(x.text) not in seen:
                seen.add(norm(x.text))
                rows.append((x.text, 1, j % FOLDS))
    return rows


def average_precision(labels: Sequence[int], scores: Sequence[float]) -> float:
    """AP of one transcript: lines ranked by score (ties by line order), mean precision at each
    positive, over all its positives (CheckThat! 2019's official measure)."""
    order = sorted(range(len(labels)), key=lambda i: (-scores[i], i))
    hits, total = 0, 0.0
    for rank, i in enumerate(order, 1):
        if labels[i]:
            hits += 1
            total += hits / rank
    positives = sum(1 for y in labels if y)
    return total / positives if positives else 0.0


def precision_at(labels: Sequence[int], scores: Sequence[float], k: int) -> float:
    order = sorted(range(len(labels)), key=lambda i: (-scores[i], i))
    return sum(labels[i] for i in order[:k]) / k


def mean_average_precision(debates: Sequence[Sequence[Line]],
                           scores: Sequence[Sequence[float]]) -> tuple[float, float]:
    """(MAP, mean P@10) over transcripts."""
    aps = [average_precision([x.label for x in d], s) for d, s in zip(debates, scores, strict=True)]
    p10 = [precision_at([x.label for x in d], s, 10) for d, s in zip(debates, scores, strict=True)]
    return sum(aps) / len(aps), sum(p10) / len(p10)


def f1(labels: Sequence[int], scores: Sequence[float], cut: float = 0.5) -> tuple[float, float, float]:
    """Precision, recall and F1 of the positive class at ``cut``."""
    tp = sum(1 for y, s in zip(labels, scores, strict=True) if y and s >= cut)
    fp = sum(1 for y, s in zip(labels, scores, strict=True) if not y and s >= cut)
    fn = sum(1 for y, s in zip(labels, scores, strict=True) if y and s < cut)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)

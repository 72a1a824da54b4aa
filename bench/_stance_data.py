"""The public stance data the learned assessor is trained and measured on, read one way everywhere.

Check-COVID (``check-covid/{train,dev}.jsonl``: a claim, its evidence sentences, the abstract) and
FEVER-Symmetric dev (``fever-symmetric/dev.jsonl``: a claim and one evidence sentence). FEVER's dev
file is cut here into two halves *grouped* so that no claim text and no evidence text is on both
sides (its pairs share claims and evidence by design): ``fever_half("train")`` may be trained on,
``fever_half("heldout")`` is only ever scored. Labels are the assessor's stances.
"""

from __future__ import annotations

import json
import os
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from claims.model import Stance

ROOT = Path(__file__).resolve().parent.parent
LABELS: dict[str, Stance] = {"SUPPORT": "supports", "SUPPORTS": "supports", "REFUTE": "refutes",
                             "REFUTES": "refutes", "NOTENOUGHINFO": "neutral"}


@dataclass(frozen=True, slots=True)
class Pair:
    """One labelled claim with its evidence (as the assessor gets it: passages), and a group key
    (rows sharing an abstract or a text share a group, so no fold splits them)."""

    claim: str
    evidence: tuple[str, ...]
    label: Stance
    group: str
    abstract: tuple[str, ...] = ()
    evidence_index: tuple[int, ...] = ()
    id: str = ""  # Check-COVID's row id: "<claim family>_<n>"

    @property
    def family(self) -> str:
        """The claims written from one source claim (Check-COVID ids share the part before the
        last ``_``): they go to the same fold."""
        return self.id.rsplit("_", 1)[0] if self.id else self.group


def data_dir(explicit: Path | None = None) -> Path:
    """``--data``, else ``CLAIMTRACK_STANCE_DATA``, else ``../shared/data/stance`` beside the repo."""
    if explicit is not None:
        return explicit
    env = os.environ.get("CLAIMTRACK_STANCE_DATA")
    return Path(env) if env else ROOT.parent / "shared" / "data" / "stance"


def check_covid(split: Literal["train", "dev"], data: Path | None = None) -> list[Pair]:
    out = []
    path = data_dir(data) / "check-covid" / f"{split}.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        out.append(Pair(r["claim"].strip(), tuple(e.strip() for e in r["evidence"]),
                        LABELS[r["label"]], "cc:" + r["cord_id"], tuple(r["abstract"]),
                        tuple(r["evidence_index"]), str(r["id"])))
    return out


def _fever_rows(data: Path | None) -> list[dict[str, str]]:
    path = data_dir(data) / "fever-symmetric" / "dev.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def fever_groups(rows: list[dict[str, str]]) -> list[str]:
    """Each row's component: rows sharing a claim or an evidence text, transitively."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for r in rows:
        a, b = find("c:" + r["claim"].strip()), find("e:" + r["evidence"].strip())
        if a != b:
            parent[max(a, b)] = min(a, b)
    return [find("c:" + r["claim"].strip()) for r in rows]


def fever_half(half: Literal["train", "heldout"], data: Path | None = None) -> list[Pair]:
    """One half of FEVER-Symmetric dev, by a stable hash of each component's key."""
    rows = _fever_rows(data)
    out = []
    for r, g in zip(rows, fever_groups(rows), strict=True):
        side = "train" if zlib.crc32(g.encode("utf-8")) % 2 == 0 else "heldout"
        if side == half:
            out.append(Pair(r["claim"].strip(), (r["evidence"].strip(),), LABELS[r["label"]],
                            "fv:" + str(zlib.crc32(g.encode("utf-8")))))
    return out

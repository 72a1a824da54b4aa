"""The README's benchmark table quotes its results files: every figure in a row's "measured" and
"beside it" cells must stand in the ``bench/results/`` file the row cites (at the precision the
README writes it, so "15.6 s" is borne out by "15.56"). A figure typed by hand, or left behind
when a benchmark was re-run, fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?")


def figures(text: str) -> list[tuple[str, float, int]]:
    """(as written, value, decimals) of every number in ``text``; "1,976" is 1976."""
    out = []
    for m in NUMBER.finditer(text):
        whole, frac = m.group(1).replace(",", ""), m.group(2)
        out.append((m.group(0), float(f"{whole}.{frac}" if frac else whole), len(frac or "")))
    return out


def table_rows() -> list[tuple[str, list[str], str]]:
    """(what, the measured and comparison cells, results file) of each row citing a results file."""
    rows = []
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        cited = re.fullmatch(r"`([\w.]+\.md)`", cells[-1]) if len(cells) >= 4 else None
        if line.startswith("| ") and cited:
            rows.append((cells[0], cells[2:-1], cited.group(1)))
    return rows


def test_the_table_is_there() -> None:
    assert len(table_rows()) >= 15


@pytest.mark.parametrize(("what", "cells", "name"), table_rows(), ids=lambda v: str(v)[:40])
def test_each_figure_stands_in_the_results_file(what: str, cells: list[str], name: str) -> None:
    path = RESULTS / name
    assert path.is_file(), f"{what}: cites {name}, which bench/ has not written"
    known = [value for _, value, _ in figures(path.read_text(encoding="utf-8"))]
    missing = [written for cell in cells for written, value, places in figures(cell)
               if not any(round(k, places) == value for k in known)]
    assert not missing, f"{what}: {missing} not in bench/results/{name}"

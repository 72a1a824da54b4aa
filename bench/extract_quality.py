"""Main-text quality of ``sources.extract_document`` against bare trafilatura, token-level.

Run ``python -m bench.extract_quality``. The evaluation set is
``tests/sources/fixtures/extract/`` (pages written for claimtrack in 16 common layouts, each with
its expected main text; see ``build.py`` there). For every page and system, precision, recall
and F1 are computed over bags of lowercased word tokens (the measure of the ScrapingHub
article-extraction benchmark and of trafilatura's own evaluation): precision is the share of
extracted tokens that belong to the main text, recall the share of the main text extracted.
A system that returns nothing scores 0 on all three. Prints a Markdown table and writes it to
``bench/results/extract_quality.md``; ``tests/sources/test_extract_quality.py`` pins floors.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from bench._provenance import write_results
from sources.extract import extract_document, fallback_text

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "sources" / "fixtures" / "extract"
RESULTS = ROOT / "bench" / "results" / "extract_quality.md"
_TOKEN = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Score:
    precision: float
    recall: float
    f1: float


def tokens(text: str) -> Counter[str]:
    return Counter(t.lower() for t in _TOKEN.findall(text))


def score(predicted: str | None, expected: str) -> Score:
    got, want = tokens(predicted or ""), tokens(expected)
    overlap = sum((got & want).values())
    if not overlap:
        return Score(0.0, 0.0, 0.0)
    p, r = overlap / sum(got.values()), overlap / sum(want.values())
    return Score(p, r, 2 * p * r / (p + r))


def cases() -> list[tuple[str, str, str]]:
    """(name, html, expected text) for every page with an expected ``.txt`` beside it."""
    return [(page.stem, page.read_text(encoding="utf-8"),
             page.with_suffix(".txt").read_text(encoding="utf-8"))
            for page in sorted(CASES.glob("*.html")) if page.with_suffix(".txt").is_file()]


def _claimtrack(html: str) -> str | None:
    doc = extract_document(html)
    return doc.text if doc else None


SYSTEMS: dict[str, Callable[[str], str | None]] = {
    "trafilatura (defaults)": lambda html: trafilatura.extract(html),
    "trafilatura (no comments, tables)": lambda html: trafilatura.extract(
        html, include_comments=False, include_tables=True),
    "fallback alone": fallback_text,
    "extract_document": _claimtrack,
}


def evaluate() -> dict[str, dict[str, Score]]:
    """Per system, per case: the score."""
    return {name: {case: score(system(html), expected) for case, html, expected in cases()}
            for name, system in SYSTEMS.items()}


def mean(scores: dict[str, Score]) -> Score:
    n = len(scores) or 1
    return Score(sum(s.precision for s in scores.values()) / n,
                 sum(s.recall for s in scores.values()) / n, sum(s.f1 for s in scores.values()) / n)


def main() -> None:
    data = cases()
    timings = {}
    for name, system in SYSTEMS.items():
        system(data[0][1])  # first calls load models and caches: not what a page costs
        started = time.perf_counter()
        for _, html, _ in data:
            system(html)
        timings[name] = (time.perf_counter() - started) / max(len(data), 1) * 1000
    results = evaluate()
    lines = [
        f"# Extraction quality ({len(data)} pages, token-level, macro mean)", "",
        "| system | precision | recall | F1 | pages with F1 = 0 | ms/page |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, per_case in results.items():
        m = mean(per_case)
        empty = sum(1 for s in per_case.values() if s.f1 == 0)
        lines.append(f"| {name} | {m.precision:.3f} | {m.recall:.3f} | {m.f1:.3f} | {empty} | "
                     f"{timings[name]:.1f} |")
    lines += ["", "## F1 per page", "", "| page | " + " | ".join(results) + " |",
              "|---|" + "---:|" * len(results)]
    for case, _, _ in data:
        lines.append(f"| {case} | " + " | ".join(f"{results[n][case].f1:.3f}" for n in results) + " |")
    table = "\n".join(lines) + "\n"
    print(table)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    write_results(RESULTS, table)


if __name__ == "__main__":
    main()

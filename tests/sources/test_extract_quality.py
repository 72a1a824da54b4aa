"""The extraction gate: floors on main-text F1 that a change may raise but not quietly lower.

Numbers come from ``bench.extract_quality`` over ``tests/sources/fixtures/extract`` (20 pages we
wrote, 16 ordinary layouts and 4 with the article in markup extractors treat as boilerplate).
Measured when pinned: extract_document 0.960 mean F1, trafilatura alone 0.872.
"""

from __future__ import annotations

from bench.extract_quality import SYSTEMS, cases, evaluate, mean, score

FLOOR_MEAN_F1 = 0.95  # measured 0.960 (2026-12-02)
FLOOR_PAGE_F1 = 0.92  # lowest page measured 0.931 (2026-12-02)


def test_the_evaluation_set_is_there() -> None:
    assert len(cases()) >= 20


def test_extract_document_meets_its_floors_and_beats_trafilatura_alone() -> None:
    results = evaluate()
    ours = results["extract_document"]
    assert mean(ours).f1 >= FLOOR_MEAN_F1, mean(ours)
    low = {case: round(s.f1, 3) for case, s in ours.items() if s.f1 < FLOOR_PAGE_F1}
    assert not low, f"pages below the floor: {low}"
    for name in ("trafilatura (defaults)", "trafilatura (no comments, tables)"):
        assert mean(ours).f1 >= mean(results[name]).f1
        for case, theirs in results[name].items():
            assert ours[case].f1 >= theirs.f1 - 0.01, (name, case)


def test_the_fallback_reads_what_trafilatura_misses() -> None:
    results = evaluate()
    for case in ("school", "festival"):  # article in <aside> / <footer>
        assert results["trafilatura (no comments, tables)"][case].f1 < 0.5
        assert results["extract_document"][case].f1 >= FLOOR_PAGE_F1


def test_score() -> None:
    assert score("a b c", "a b c").f1 == 1.0
    assert score(None, "a b").f1 == 0.0
    half = score("a b x y", "a b")
    assert (half.precision, half.recall) == (0.5, 1.0)
    assert set(SYSTEMS) >= {"extract_document", "trafilatura (defaults)"}

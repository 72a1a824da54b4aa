"""Report generation for a large article: 200 claims and 2,000 evidence rows (goal < 1 s).

The warehouse also holds four more articles of the same size, so the queries have to select,
not scan everything into Python. Times are the median of several runs after one warm-up.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import desk.report as render  # noqa: E402
from bench._provenance import write_results  # noqa: E402
from tests.desk.report_fixtures import (  # noqa: E402
    RUN_ID,
    add_synthetic_article,
    build_fixture_warehouse,
    settings_for,
)
from warehouse import reports  # noqa: E402

RESULTS = REPO / "bench" / "results" / "report.md"
CLAIMS, EVIDENCE_PER_CLAIM, OTHER_ARTICLES, REPEAT = 200, 10, 4, 7
GOAL = 1.0


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    fn()  # warm-up: template compile, first connection
    times, result = [], None
    for _ in range(REPEAT):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.duckdb"
        wh = build_fixture_warehouse(path)
        settings = settings_for(path)
        for n in range(OTHER_ARTICLES + 1):
            add_synthetic_article(wh, f"a_big{n}", CLAIMS, EVIDENCE_PER_CLAIM)
        with wh.connect(read_only=True) as con:
            row = con.execute(
                "SELECT count(*) FROM evidence WHERE claim_id LIKE 'c_a_big0_%'"
            ).fetchone()
            total_row = con.execute("SELECT count(*) FROM evidence").fetchone()
        assert row is not None and total_row is not None
        rows: list[tuple[str, float, str]] = []
        query_s, report = timed(lambda: reports.article_report(wh, "a_big0", settings=settings))
        assert isinstance(report, reports.ArticleReport) and len(report.claims) == CLAIMS
        rows.append(("data query (`article_report`)", query_s, f"{len(report.claims)} claims"))
        total = query_s
        for fmt in render.FORMATS:
            seconds, text = timed(lambda fmt=fmt: render.render(report, fmt))  # type: ignore[misc]
            assert isinstance(text, str)
            rows.append((f"render `{fmt}`", seconds, f"{len(text.encode()) / 1024:.0f} KiB"))
            total += seconds
        run_s, run = timed(lambda: reports.run_report(wh, RUN_ID, settings=settings))
        assert isinstance(run, reports.RunReport)
        art_s, _ = timed(lambda: (render.markdown_summary(run), render.claims_table(run)))
        rows.append(("run data (`run_report`)", run_s, f"{len(run.claims)} claims"))
        rows.append(("run artifacts (summary + table)", art_s, ""))
    lines = [
        "## Report generation",
        "",
        f"One article with {CLAIMS} claims and {row[0]:,} evidence rows, in a warehouse with "
        f"{total_row[0]:,} evidence rows; median of {REPEAT} runs after a warm-up.",
        "",
        "| step | ms | output |",
        "|---|---:|---|",
    ]
    lines += [f"| {name} | {s * 1000:.1f} | {out} |" for name, s, out in rows]
    lines += [
        f"| **query + all four formats** | **{total * 1000:.1f}** | goal < {GOAL * 1000:.0f} |",
        "",
    ]
    text = "\n".join(lines)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    write_results(RESULTS, text)
    print(text)
    if total >= GOAL:
        raise SystemExit(f"report generation took {total:.2f} s, over the {GOAL:.0f} s goal")


if __name__ == "__main__":
    main()

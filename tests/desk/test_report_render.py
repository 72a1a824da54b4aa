"""Golden files for every format on the fixed warehouse, reproducibility, and the JSON schema.

Regenerate the golden files after an intended change with ``CLAIMTRACK_UPDATE_GOLDEN=1``; review the
diff. Without it a missing golden file fails: tests never write into the repository.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest

import desk.report as render
from desk.report.common import iso
from tests.desk.report_fixtures import (
    ARTICLE_ID,
    FIXED_NOW,
    HOSTILE_ID,
    RUN_ID,
    build_fixture_warehouse,
    settings_for,
)
from warehouse import reports
from warehouse.db import Warehouse

GOLDEN = Path(__file__).parent / "golden"
SCHEMA = Path(render.__file__).parent / "report.schema.json"
SUFFIX = render.SUFFIXES


@pytest.fixture(scope="module")
def fixture_wh(tmp_path_factory: pytest.TempPathFactory) -> tuple[Warehouse, object]:
    path = tmp_path_factory.mktemp("report") / "wh.duckdb"
    return build_fixture_warehouse(path), settings_for(path)


def _report(fixture_wh, article_id: str = ARTICLE_ID, now: datetime = FIXED_NOW):  # type: ignore[no-untyped-def]
    wh, settings = fixture_wh
    return reports.article_report(wh, article_id, settings=settings, now=now)


REGENERATE = ("regenerate on purpose with `CLAIMTRACK_UPDATE_GOLDEN=1 .venv/bin/python -m pytest "
              "tests/desk/test_report_render.py` and review the diff")


def _check_golden(name: str, text: str) -> None:
    """A missing or different golden file fails; only a person asking for it rewrites them."""
    path = GOLDEN / name
    if os.environ.get("CLAIMTRACK_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"golden file {path} is missing: {REGENERATE}"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file; {REGENERATE}"


@pytest.mark.parametrize("fmt", render.FORMATS)
def test_golden_article_report(fixture_wh, fmt: str) -> None:  # type: ignore[no-untyped-def]
    _check_golden(f"riverton{SUFFIX[fmt]}", render.render(_report(fixture_wh), fmt))


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_golden_hostile_report(fixture_wh, fmt: str) -> None:  # type: ignore[no-untyped-def]
    """Kept as golden files so a reviewer can read exactly how hostile text comes out."""
    _check_golden(f"hostile{SUFFIX[fmt]}", render.render(_report(fixture_wh, HOSTILE_ID), fmt))


@pytest.mark.parametrize("fmt", ["md", "json"])
def test_golden_run_report(fixture_wh, fmt: str) -> None:  # type: ignore[no-untyped-def]
    wh, settings = fixture_wh
    run = reports.run_report(wh, RUN_ID, settings=settings, now=FIXED_NOW)
    _check_golden(f"run{'.md' if fmt == 'md' else '.json'}", render.render_run(run, fmt))


@pytest.mark.parametrize("fmt", render.FORMATS)
def test_generation_time_is_the_only_difference(fixture_wh, fmt: str) -> None:  # type: ignore[no-untyped-def]
    """Two reads of the same state render byte-identically, apart from the generation time."""
    pinned = render.render(_report(fixture_wh), fmt)
    assert render.render(_report(fixture_wh), fmt) == pinned
    later = datetime(2027, 3, 4, 5, 6, 7, tzinfo=UTC)
    other = render.render(_report(fixture_wh, now=later), fmt)
    assert other.replace(iso(later) or "", iso(FIXED_NOW) or "") == pinned


@pytest.mark.parametrize("article_id", [ARTICLE_ID, HOSTILE_ID])
def test_json_report_matches_its_schema(fixture_wh, article_id: str) -> None:  # type: ignore[no-untyped-def]
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    data = json.loads(render.render(_report(fixture_wh, article_id), "json"))
    jsonschema.Draft202012Validator(schema).validate(data)
    assert data["schema"] == render.SCHEMA == "claimtrack.report/1"


def test_claims_sorted_by_checkworthiness_and_current_state(fixture_wh) -> None:  # type: ignore[no-untyped-def]
    report = _report(fixture_wh)
    worth = [c.checkworthiness for c in report.claims]
    assert worth == sorted(worth, reverse=True)
    by_id = {c.id: c for c in report.claims}
    # the latest verdict and the latest decision win; history stays in the warehouse
    assert by_id["c_use"].verdict is not None and by_id["c_use"].verdict.status == "supported"
    assert by_id["c_use"].decision is not None and by_id["c_use"].decision.rating == "mostly-true"
    assert by_id["c_tap"].speaker == "Ana Ortiz"
    assert [e.stance for e in by_id["c_tap"].evidence] == ["neutral"]
    assert "the closest found" in render.render(report, "md")
    assert [e.deciding for e in by_id["c_use"].evidence] == [True, True]
    assert by_id["c_use"].evidence[0].stance == "supports"
    assert dict(report.methods.providers) == {"corpus": 4, "links": 3}
    assert [r.id for r in report.methods.runs][-1] == RUN_ID


def test_summary_counts_agree_across_formats(fixture_wh) -> None:  # type: ignore[no-untyped-def]
    report = _report(fixture_wh)
    data = json.loads(render.render(report, "json"))
    assert data["summary"]["by_status"] == {
        "supported": 3,
        "refuted": 1,
        "mixed": 1,
        "unverified": 1,
    }
    md = render.render(report, "md")
    assert "| Supported | 3 |" in md and "| Refuted | 1 |" in md
    html = render.render(report, "html")
    assert html.count("<rect ") == 4


def test_run_summary_and_claims_table(fixture_wh) -> None:  # type: ignore[no-untyped-def]
    wh, settings = fixture_wh
    run = reports.run_report(wh, RUN_ID, settings=settings, now=FIXED_NOW)
    rows = render.claims_table(run)
    assert len(rows) == 7
    assert [r["checkworthiness"] for r in rows] == sorted(
        (r["checkworthiness"] for r in rows), reverse=True
    )
    assert rows[1] == {
        "claim": "Water use in Riverton fell 12 percent in 2025.",
        "status": "supported",
        "confidence": 0.82,
        "checkworthiness": 0.93,
        "evidence": 2,
        "top_source": "https://council.example.gov/water-report-2025",
        "rating": "Mostly true",
        "article": ARTICLE_ID,
        "claim_id": "c_use",
    }
    assert all(isinstance(v, str | int | float) for r in rows for v in r.values())
    summary = render.markdown_summary(run)
    assert summary.startswith(f"# Run `{RUN_ID}`")
    assert "| **Total** | **7** |" in summary


def test_empty_article_and_unchecked_claim(tmp_path: Path) -> None:
    """An article with no claims, and a claim with no verdict yet, still render in every format."""
    wh = Warehouse(tmp_path / "wh.duckdb")
    settings = settings_for(tmp_path / "wh.duckdb")
    with wh.transaction() as con:
        con.execute(
            "INSERT INTO articles (id, text, content_hash, created_at) VALUES "
            "('a_empty', 'Nothing here.', 'h', ?), ('a_one', 'One claim.', 'h1', ?)",
            [FIXED_NOW, FIXED_NOW],
        )
        con.execute(
            "INSERT INTO claims (id, text, normalized, kind, checkworthiness, created_at) "
            "VALUES ('c_one', 'One claim.', 'one claim', 'other', 0.6, ?)",
            [FIXED_NOW],
        )
        con.execute(
            'INSERT INTO claim_mentions (claim_id, article_id, text, sentence, start, "end") '
            "VALUES ('c_one', 'a_one', 'One claim.', 'One claim.', 0, 10)"
        )
    for article_id in ("a_empty", "a_one"):
        report = reports.article_report(wh, article_id, settings=settings, now=FIXED_NOW)
        for fmt in render.FORMATS:
            assert render.render(report, fmt)
    one = reports.article_report(wh, "a_one", settings=settings, now=FIXED_NOW)
    assert one.claims[0].status == "unchecked"
    assert "Not checked" in render.render(one, "md")
    assert json.loads(render.render(one, "claimreview")) == []


def test_unknown_format_and_article(fixture_wh) -> None:  # type: ignore[no-untyped-def]
    from claimtrack.errors import InputError

    with pytest.raises(InputError, match="unknown report format"):
        render.render(_report(fixture_wh), "pdf")
    wh, settings = fixture_wh
    with pytest.raises(InputError, match="no article"):
        reports.article_report(wh, "a_missing", settings=settings)
    with pytest.raises(InputError, match="no run"):
        reports.run_report(wh, "r_missing", settings=settings)


def test_find_article_by_id_url_and_canonical_url(fixture_wh) -> None:  # type: ignore[no-untyped-def]
    wh, _ = fixture_wh
    url = "https://news.example.org/2026/01/09/riverton-water"
    assert reports.find_article(wh, ARTICLE_ID) == ARTICLE_ID
    assert reports.find_article(wh, url) == ARTICLE_ID
    assert reports.find_article(wh, url + "/") == ARTICLE_ID
    assert reports.find_article(wh, "https://nowhere.example/") is None


def test_find_article_by_file_path(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "wh.duckdb")
    with wh.transaction() as con:
        con.execute(
            "INSERT INTO articles (id, text, content_hash, source_path, created_at) "
            "VALUES ('a_file', 'Text.', 'h', 'notes/article.md', ?)",
            [FIXED_NOW],
        )
    assert reports.find_article(wh, "notes/article.md") == "a_file"


def test_run_of_standalone_claims_and_odd_params(tmp_path: Path) -> None:
    """A verify run has claims with no article; stored params that are not an object still
    give a valid report."""
    wh = Warehouse(tmp_path / "wh.duckdb")
    settings = settings_for(tmp_path / "wh.duckdb")
    with wh.transaction() as con:
        con.execute(
            "INSERT INTO runs (id, flow, started_at, status, params) "
            "VALUES ('r_v', 'verify_claims', ?, 'running', '[1, 2]')",
            [FIXED_NOW],
        )
        con.execute(
            "INSERT INTO claims (id, text, normalized, kind, checkworthiness, created_at) "
            "VALUES ('c_alone', 'Tea came from China.', 'tea came from china', 'other', 0.7, ?)",
            [FIXED_NOW],
        )
        con.execute(
            "INSERT INTO verdicts (id, claim_id, run_id, status, confidence, rationale, "
            "evidence_ids, assessor, created_at) VALUES ('v1', 'c_alone', 'r_v', 'unverified', "
            "0.0, 'No source.', '[]', 'rules', ?)",
            [FIXED_NOW],
        )
    run = reports.run_report(wh, "r_v", settings=settings, now=FIXED_NOW)
    assert run.articles == () and run.claims[0].article_id is None
    data = json.loads(render.render_run(run, "json"))
    assert data["run"]["params"] == {"value": [1, 2]}
    assert data["claims"][0]["article"] == ""
    assert "not finished" not in render.markdown_summary(run)  # a running run has no end yet

"""Every SQL example in docs/tracking.md runs against a real warehouse."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.warehouse.test_tracking import add_claims, add_run, add_source, add_verdict, decide
from warehouse import tracking
from warehouse.db import Warehouse
from warehouse.tracking import SourceEvent

DOC = Path(__file__).resolve().parents[2] / "docs" / "tracking.md"


def sql_examples() -> list[str]:
    blocks = re.findall(r"```sql\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    statements = [s.strip() for block in blocks for s in block.split(";")]
    return [s for s in statements if s and not all(
        line.strip().startswith("--") for line in s.splitlines())]


CLAIM = "c_0123456789abcdef"  # the id the doc's timeline example asks for


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """A claim with a history the examples can show: checked twice this week (unverified, then
    supported and queued for review), one source fetched and then gone, an editor's decision."""
    wh = Warehouse(tmp_path_factory.mktemp("docs") / "wh.duckdb")
    t1 = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)
    t2 = t1 + timedelta(days=2)
    add_claims(wh, CLAIM)
    add_run(wh, "r1", t1)
    sid = add_source(wh, CLAIM, "http://h/a", "r1", t1, digest="h1")
    add_verdict(wh, CLAIM, "r1", "unverified", t1)
    decide(wh, CLAIM, t1 + timedelta(hours=1))
    add_run(wh, "r2", t2)
    add_verdict(wh, CLAIM, "r2", "supported", t2)
    with wh.transaction() as con:
        con.execute("UPDATE verdicts SET needs_review = true, review_reasons = ? WHERE run_id = 'r2'",
                    ['["status changed"]'])
        tracking.save_events(con, [SourceEvent("gone", sid, "r2", "http_404", t2, None, "h1")])
    return wh


def selected_columns(sql: str) -> list[str] | None:
    """The column names an example's SELECT list promises (None for SELECT *)."""
    code = "\n".join(line for line in sql.splitlines() if not line.strip().startswith("--"))
    head = re.match(r"\s*SELECT (.*?)\s+FROM ", code, flags=re.S)
    assert head, sql
    if head.group(1).strip() == "*":
        return None
    # split at the commas outside parentheses; a column is named by its alias or last part
    columns = re.split(r",(?![^()]*\))", head.group(1))
    return [re.split(r"\s+AS\s+|\.", col.strip())[-1] for col in columns]


@pytest.mark.parametrize("sql", sql_examples())
def test_doc_sql_answers(sql: str, wh: Warehouse) -> None:
    """Each example runs, gives the columns it names, and finds the claim the fixture holds."""
    with wh.connect(read_only=True) as con:
        cursor = con.execute(sql)
        rows = cursor.fetchall()
        columns = [d[0] for d in cursor.description]
    assert rows, f"no rows from: {sql}"
    expected = selected_columns(sql)
    if expected is not None:
        assert columns == expected
    if "claim_id" in columns:
        assert {row[columns.index("claim_id")] for row in rows} == {CLAIM}


def test_the_doc_has_examples() -> None:
    assert len(sql_examples()) >= 7

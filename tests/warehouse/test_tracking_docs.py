"""Every SQL example in docs/tracking.md runs against a real warehouse."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.warehouse.test_tracking import T0, add_claims, add_run, add_source, add_verdict
from warehouse.db import Warehouse

DOC = Path(__file__).resolve().parents[2] / "docs" / "tracking.md"


def sql_examples() -> list[str]:
    blocks = re.findall(r"```sql\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    statements = [s.strip() for block in blocks for s in block.split(";")]
    return [s for s in statements if s and not all(
        line.strip().startswith("--") for line in s.splitlines())]


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    wh = Warehouse(tmp_path_factory.mktemp("docs") / "wh.duckdb")
    add_claims(wh, "c1")
    add_run(wh, "r1", T0)
    add_source(wh, "c1", "http://h/a", "r1", T0, digest="h1")
    add_verdict(wh, "c1", "r1", "unverified", T0)
    return wh


@pytest.mark.parametrize("sql", sql_examples())
def test_doc_sql_runs(sql: str, wh: Warehouse) -> None:
    with wh.connect(read_only=True) as con:
        con.execute(sql).fetchall()


def test_the_doc_has_examples() -> None:
    assert len(sql_examples()) >= 7

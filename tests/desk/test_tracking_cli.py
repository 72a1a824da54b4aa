"""`claimtrack history`, `export` and `reverify` as a user calls them (in-process, real warehouse)."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from desk.cli import main
from desk.tracking_cli import parse_since
from warehouse import tracking
from warehouse.db import Warehouse
from warehouse.tracking import SourceEvent

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


class Cli:
    def __init__(self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
        self.monkeypatch = monkeypatch
        self.capsys = capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        self.monkeypatch.setattr(sys, "argv", ["claimtrack", *args])
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = int(exc.code or 0)
        out = self.capsys.readouterr()
        return code, out.out, out.err


@pytest.fixture
def cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> Cli:
    monkeypatch.chdir(tmp_path)
    for key in [k for k in list(__import__("os").environ) if k.startswith("CLAIMTRACK_")]:
        monkeypatch.delenv(key)
    return Cli(monkeypatch, capsys)


def tracked(db: Path) -> None:
    """Two verdicts and a source event for one claim."""
    wh = Warehouse(db)
    with wh.transaction() as con:
        con.execute("INSERT INTO claims (id, text, normalized, kind, checkworthiness, created_at) "
                    "VALUES ('c1', 'A claim.', 'a claim', 'other', 0.9, ?)", [T0])
        for run, status, day in [("r1", "unverified", 1), ("r2", "supported", 3)]:
            at = T0.replace(day=day)
            con.execute("INSERT INTO runs (id, flow, started_at, status) VALUES (?, 'x', ?, "
                        "'completed')", [run, at])
            con.execute("INSERT INTO verdicts (id, claim_id, run_id, status, confidence, "
                        "rationale, assessor, created_at) VALUES (?, 'c1', ?, ?, 0.7, 'why', "
                        "'rules', ?)", [f"v{run}", run, status, at])
        tracking.save_events(con, [SourceEvent("new", "s1", "r2", "found", T0.replace(day=3),
                                               "c1", None, "h1")])


def test_history_json_and_since(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    tracked(db)
    code, out, err = cli("history", "--db", str(db), "--json")
    assert code == 0, err
    rows = json.loads(out)["history"]
    assert [(r["kind"], r["from"], r["to"]) for r in rows] == [
        ("status", None, "unverified"), ("new", None, "h1"), ("status", "unverified", "supported")]
    assert rows[2]["run_id"] == "r2" and rows[2]["claim_id"] == "c1" and rows[2]["reason"] == "why"
    code, out, _ = cli("history", "c1", "--since", "2026-03-02", "--db", str(db), "--json")
    assert [r["kind"] for r in json.loads(out)["history"]] == ["new", "status"]
    code, out, _ = cli("history", "nope", "--db", str(db), "--json")
    assert json.loads(out) == {"history": []}
    code, out, _ = cli("history", "--db", str(db))
    assert code == 0 and "unverified" in out


def test_export_writes_parquet_the_duckdb_cli_can_read(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    tracked(db)
    code, out, err = cli("export", str(tmp_path / "out"), "--db", str(db), "--json")
    assert code == 0, err
    files = {f["name"]: f for f in json.loads(out)["files"]}
    assert files["verdicts"]["rows"] == 2 and files["history"]["kind"] == "view"
    con = duckdb.connect()
    got = con.execute("SELECT status FROM read_parquet(?) ORDER BY created_at",
                      [files["verdicts"]["path"]]).fetchall()
    assert got == [("unverified",), ("supported",)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["history", "--since", "last week"], "not a date"),
        (["reverify", "--all", "--claim", "c1"], "one of"),
        (["export", "w.duckdb"], "not a folder"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    cli: Cli, tmp_path: Path, args: list[str], message: str
) -> None:
    db = tmp_path / "w.duckdb"
    tracked(db)
    code, out, err = cli(*args, "--db", str(db))
    assert code == 2, (out, err)
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0]


def test_parse_since() -> None:
    assert parse_since("2026-03-02") == datetime(2026, 3, 2, tzinfo=UTC)
    assert parse_since("2026-03-02T10:00:00+02:00") == datetime(2026, 3, 2, 8, tzinfo=UTC)
    assert parse_since(None) is None


def test_reverify_through_the_cli(prefect_harness: None, cli: Cli, tmp_path: Path) -> None:
    from tests.flows.reverify_site import (
        ARTICLE,
        ELBRUS,
        ELBRUS_NEW,
        HERITAGE,
        Site,
        seed_check,
    )

    site = Site({"/article.html": ARTICLE, "/sources/elbrus.html": ELBRUS,
                 "/sources/heritage.html": HERITAGE})
    db = tmp_path / "w.duckdb"
    with site.serve() as base:
        host = base.removeprefix("http://")
        from claimtrack.settings import Settings

        s = Settings(db=db).with_overrides(
            fetch={"allow_hosts": (host,), "host_delay": 0.0, "retries": 0},
            providers={"enabled": ("links",)})
        seed_check(s, f"{base}/article.html", T0)
        site.put("/sources/elbrus.html", ELBRUS_NEW)
        (tmp_path / "claimtrack.toml").write_text(
            '[fetch]\nhost_delay = 0.0\nretries = 0\n[providers]\nenabled = ["links"]\n',
            encoding="utf-8")
        code, out, err = cli("reverify", "--all", "--db", str(db), "--allow-host", host, "--json")
        assert code == 0, err
        result = json.loads(out)
        moved = [c for c in result["claims"] if c["changed"]]
        assert [(c["from"], c["to"]) for c in moved] == [("supported", "refuted")]
        assert [e["kind"] for e in result["events"]] == ["changed"]
        code, out, err = cli("reverify", "--claim", "c_nope", "--db", str(db))
        assert code == 2 and "no claim with id c_nope" in err
    code, out, _ = cli("history", "--db", str(db), "--json")
    assert [r["kind"] for r in json.loads(out)["history"]].count("changed") == 1

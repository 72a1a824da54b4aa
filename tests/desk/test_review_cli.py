"""``claimtrack review ...`` and ``claimtrack editors ...`` on a small warehouse."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimtrack.errors import ConflictError, InputError
from claimtrack.settings import Settings
from desk.review_cli import editors_app, review_app
from tests.desk.review_fixtures import SmallDesk, build_small
from warehouse.db import Warehouse
from warehouse.editors import Accounts

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"


@pytest.fixture
def seeded(settings: Settings) -> SmallDesk:
    desk = build_small(Warehouse(settings.db))
    Accounts(Warehouse(settings.db)).add("ana", PASSWORD)
    Accounts(Warehouse(settings.db)).add("ben", PASSWORD)
    return desk


def run(settings: Settings, app: object, *args: str, stdin: str | None = None) -> object:
    return CliRunner().invoke(app, list(args), obj=settings, input=stdin)  # type: ignore[arg-type]


def test_list_and_show_json(settings: Settings, seeded: SmallDesk) -> None:
    r = run(settings, review_app, "list", "--json")
    assert r.exit_code == 0, r.output  # type: ignore[attr-defined]
    body = json.loads(r.output)  # type: ignore[attr-defined]
    assert [i["id"] for i in body["items"]] == [seeded.roads, seeded.jobs]
    assert {m["article_id"] for m in body["items"][0]["mentions"]} == {
        seeded.article_1, seeded.article_2}
    r = run(settings, review_app, "show", seeded.roads, "--json")
    claim = json.loads(r.output)  # type: ignore[attr-defined]
    assert claim["id"] == seeded.roads and claim["mentions"][0]["article_id"] == seeded.article_1
    assert claim["version"] == "v_roads_2:-" and claim["evidence"][0]["stance"] == "supports"
    text = run(settings, review_app, "list", "--status", "refuted").output  # type: ignore[attr-defined]
    assert seeded.jobs in text and seeded.roads not in text
    text = run(settings, review_app, "show", seeded.roads).output  # type: ignore[attr-defined]
    assert "machine: mixed" in text and "city.example.org" in text


def test_decide_and_take(settings: Settings, seeded: SmallDesk) -> None:
    r = run(settings, review_app, "take", seeded.jobs, "--editor", "ana", "--json")
    assert json.loads(r.output)["hold"]["editor"] == "ana"  # type: ignore[attr-defined]
    r = run(settings, review_app, "decide", seeded.jobs, "--rating", "false", "--note", "x",
            "--publish", "--editor", "ben")
    assert isinstance(r.exception, ConflictError)  # type: ignore[attr-defined]
    r = run(settings, review_app, "decide", seeded.jobs, "--rating", "false", "--note",
            "December figure", "--publish", "--editor", "ana", "--json")
    assert r.exit_code == 0, r.output  # type: ignore[attr-defined]
    decision = json.loads(r.output)["decision"]  # type: ignore[attr-defined]
    assert decision["rating"] == "false" and decision["publish"] is True
    r = run(settings, review_app, "take", seeded.roads, "--editor", "ana")
    r = run(settings, review_app, "take", seeded.roads, "--editor", "ana", "--release")
    assert "released" in r.output  # type: ignore[attr-defined]
    body = json.loads(run(settings, review_app, "show", seeded.jobs, "--json").output)  # type: ignore[attr-defined]
    assert body["state"] == "decided" and body["decision"]["editor"] == "ana"


def test_bad_input_is_an_input_error(settings: Settings, seeded: SmallDesk) -> None:
    cases = [
        ("decide", seeded.jobs, "--rating", "pants-on-fire", "--editor", "ana"),
        ("decide", seeded.jobs, "--rating", "false", "--editor", "nobody"),
        ("show", "c_missing"),
        ("list", "--state", "bogus"),
    ]
    for args in cases:
        r = run(settings, review_app, *args)
        assert isinstance(r.exception, InputError), args  # type: ignore[attr-defined]
    r = run(settings.with_overrides(db=settings.db.with_name("absent.duckdb")), review_app, "list")
    assert isinstance(r.exception, InputError)  # type: ignore[attr-defined]


def test_editors(settings: Settings) -> None:
    r = run(settings, editors_app, "add", "cleo", "--password-stdin", stdin=PASSWORD + "\n")
    assert r.exit_code == 0, r.output  # type: ignore[attr-defined]
    token = r.output.split("API token (shown once, keep it safe): ")[1].strip()  # type: ignore[attr-defined]
    assert Accounts(Warehouse(settings.db)).for_token(token).name == "cleo"
    r = run(settings, editors_app, "add", "dan", stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert r.exit_code == 0 and "added editor dan" in r.output  # type: ignore[attr-defined]
    listed = json.loads(run(settings, editors_app, "list", "--json").output)  # type: ignore[attr-defined]
    assert [e["name"] for e in listed["editors"]] == ["cleo", "dan"]
    assert "password" not in json.dumps(listed)
    run(settings, editors_app, "remove", "dan")
    assert "dan" not in run(settings, editors_app, "list").output  # type: ignore[attr-defined]
    r = run(settings, editors_app, "add", "x", "--password-stdin", stdin="short\n")
    assert isinstance(r.exception, InputError)  # type: ignore[attr-defined]


def test_main_command_exit_codes(settings: Settings, seeded: SmallDesk) -> None:
    """Through the real entry point: JSON out, and one line with exit 2 for bad input."""
    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1")
    base = [sys.executable, "-c", "from desk.cli import main; main()"]
    ok = subprocess.run([*base, "review", "list", "--db", str(settings.db), "--json"],
                        capture_output=True, text=True, cwd=REPO, env=env, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["items"][0]["id"] == seeded.roads
    bad = subprocess.run([*base, "review", "decide", seeded.jobs, "--rating", "nope",
                          "--editor", "ana", "--db", str(settings.db)],
                         capture_output=True, text=True, cwd=REPO, env=env, timeout=120)
    assert bad.returncode == 2 and "unknown rating" in bad.stderr
    assert "Traceback" not in bad.stderr

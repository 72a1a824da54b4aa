"""``claimtrack factchecks import`` and ``claimtrack match`` through the real CLI process: the three
formats from files and from a local server, idempotent imports, the ``match --json`` contract."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.servers import serve_files

CLAIMTRACK = str(Path(sys.executable).parent / "claimtrack")
FIXTURES = Path(__file__).resolve().parent.parent / "sources" / "fixtures" / "factchecks"
TYPES = {".json": "application/json", ".jsonl": "application/x-ndjson", ".html": "text/html"}


@contextmanager
def serve_fixtures() -> Iterator[str]:
    """The fixture files over HTTP on 127.0.0.1 with their real content types; yields host:port."""
    with serve_files(FIXTURES, TYPES) as base:
        yield base.removeprefix("http://")


def run(*args: str, cwd: Path, models: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAIMTRACK_", "PREFECT_API"))}
    env |= {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
    if models is not None:
        env["CLAIMTRACK_MODELS"] = str(models)
    return subprocess.run([CLAIMTRACK, *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=180)


def imported(result: subprocess.CompletedProcess[str]) -> dict[str, object]:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_import_each_format_from_files_then_again(tmp_path: Path) -> None:
    db = str(tmp_path / "wh.duckdb")
    files = sorted(str(p) for p in FIXTURES.iterdir())
    first = imported(run("factchecks", "import", *files, "--db", db, "--json", cwd=tmp_path))
    by_name = {Path(str(s["source"])).name: s for s in first["sources"]}  # type: ignore[union-attr]
    assert {n: (s["status"], s["added"]) for n, s in by_name.items()} == {
        "claims_search.json": ("imported", 2), "datafeed.json": ("imported", 2),
        "review_page.html": ("imported", 1), "reviews.jsonl": ("imported", 2)}
    assert first["added"] == 7
    again = imported(run("factchecks", "import", str(FIXTURES), "--db", db, "--json", cwd=tmp_path))
    assert again["added"] == 0
    assert [s["found"] for s in again["sources"]] == [2, 2, 1, 2]  # type: ignore[union-attr]


def test_import_from_a_local_server(tmp_path: Path) -> None:
    db = str(tmp_path / "wh.duckdb")
    with serve_fixtures() as host:
        urls = [f"http://{host}/{name}" for name in
                ("datafeed.json", "claims_search.json", "reviews.jsonl", "review_page.html",
                 "missing.json")]
        result = imported(run("factchecks", "import", *urls, "--allow-host", host, "--db", db,
                              "--json", cwd=tmp_path))
        status = [(s["status"], s["added"]) for s in result["sources"]]  # type: ignore[union-attr]
        assert status == [("imported", 2), ("imported", 2), ("imported", 2), ("imported", 1),
                          ("skipped", 0)]
        assert "404" in result["sources"][-1]["reason"]  # type: ignore[index]
        # the page's relative ClaimReview url resolves against where it was fetched
        found = imported(run("match", "Eating a banana gives you a dangerous radiation dose",
                             "--db", db, "--json", cwd=tmp_path, models=tmp_path / "no-models"))
        assert found["matches"][0]["factcheck"]["url"] == f"http://{host}/checks/bananas"  # type: ignore[index]
        # not on the allow-list: refused, reported, nothing imported
        refused = imported(run("factchecks", "import", urls[0], "--db", str(tmp_path / "b.duckdb"),
                               "--json", cwd=tmp_path))
        assert refused["sources"][0]["status"] == "skipped" and refused["added"] == 0  # type: ignore[index]


def test_match_json_contract_words_only(tmp_path: Path) -> None:
    db = str(tmp_path / "wh.duckdb")
    imported(run("factchecks", "import", str(FIXTURES), "--db", db, "--json", cwd=tmp_path))
    result = run("match", "Springfield's tap water contains lithium that calms residents",
                 "The new Springfield stadium will cost 450 million dollars",
                 "--db", db, "--json", cwd=tmp_path, models=tmp_path / "no-models")
    data = imported(result)
    assert data["scorer"] == "words" and "make models" in str(data["note"])
    matches = data["matches"]
    assert isinstance(matches, list) and len(matches) == 1  # the stadium's number differs
    m = matches[0]
    assert m["claim"] == "Springfield's tap water contains lithium that calms residents"
    assert 0 < m["score"] <= 1
    assert m["factcheck"] == m["factcheck"] | {
        "url": "https://checks.example.org/2024/springfield-lithium",
        "claim_reviewed": "Tap water in Springfield contains lithium to calm residents",
        "rating": "False", "publisher": "Example Checks", "date": "2024-03-02"}
    text = run("match", "Springfield's tap water contains lithium that calms residents",
               "--db", db, cwd=tmp_path, models=tmp_path / "no-models")
    assert text.returncode == 0 and "False by Example Checks" in text.stdout


def test_match_with_the_sentence_encoder(tmp_path: Path) -> None:
    from claimtrack.settings import Settings

    models = Settings().model_dir
    if not (models / "all-MiniLM-L6-v2").is_dir():
        pytest.skip(f"the sentence encoder is not installed in {models} (make models)")
    db = str(tmp_path / "wh.duckdb")
    imported(run("factchecks", "import", str(FIXTURES), "--db", db, "--json", cwd=tmp_path))
    data = imported(run("match", "Eating carrots lets people see in the dark", "--db", db,
                        "--json", cwd=tmp_path, models=models))
    assert data["scorer"] == "words+semantic" and "note" not in data
    publishers = {m["factcheck"]["publisher"] for m in data["matches"]}  # type: ignore[union-attr,index]
    assert publishers == {"Carrot Facts", "othercheck.example"}
    assert all(m["semantic"] > 0.5 for m in data["matches"])  # type: ignore[union-attr,index]
    # the archive and the claim are encoded once, through the warehouse's embedding cache
    from warehouse.db import Warehouse

    def cached() -> int:
        with Warehouse(db).connect(read_only=True) as con:
            row = con.execute("SELECT count(*) FROM embeddings").fetchone()
        return int(row[0]) if row else 0

    assert cached() == 7  # 7 fact-checks, two reviewing one claim text: 6 texts, and the query
    again = imported(run("match", "Eating carrots lets people see in the dark", "--db", db,
                         "--json", cwd=tmp_path, models=models))
    assert again == data and cached() == 7


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    for args in (["factchecks", "import", str(tmp_path / "absent.json")],
                 ["factchecks", "import", "ftp://example.org/feed.json"],
                 ["match", "  "]):
        result = run(*args, "--db", str(tmp_path / "wh.duckdb"), cwd=tmp_path)
        assert result.returncode == 2, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_unreadable_files_are_skipped_with_a_reason(tmp_path: Path) -> None:
    folder = tmp_path / "feeds"
    folder.mkdir()
    (folder / "broken.json").write_text('{"claims": [', encoding="utf-8")
    (folder / "empty.jsonl").write_text("", encoding="utf-8")
    (folder / "article.html").write_text("<html><body><p>No markup.</p></body></html>")
    shutil.copy(FIXTURES / "reviews.jsonl", folder / "reviews.jsonl")
    data = imported(run("factchecks", "import", str(folder), "--db", str(tmp_path / "wh.duckdb"),
                        "--json", cwd=tmp_path))
    reasons = {Path(str(s["source"])).name: (s["status"], s["reason"])
               for s in data["sources"]}  # type: ignore[union-attr]
    assert reasons["reviews.jsonl"] == ("imported", "")
    assert reasons["article.html"] == ("skipped", "no ClaimReview in it")
    assert reasons["empty.jsonl"][0] == "skipped" and "empty" in reasons["empty.jsonl"][1]
    assert "not valid JSON" in reasons["broken.json"][1]
    text = run("factchecks", "import", str(folder), "--db", str(tmp_path / "wh.duckdb"),
               cwd=tmp_path)
    assert text.returncode == 0 and "skipped" in text.stdout and "0 new of 2" in text.stdout

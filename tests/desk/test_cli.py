"""The `claimtrack` command as a user runs it: a real process, real exit codes, real JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.flows.pages import PAGES
from tests.servers import serve_pages

CLAIMTRACK = str(Path(sys.executable).parent / "claimtrack")


@pytest.fixture
def prefect_api(prefect_harness: None) -> str:
    """The session's Prefect test server, handed to child processes so they skip a start-up."""
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    assert url
    return str(url)


def run(*args: str, cwd: Path, stdin: bytes | None = None, timeout: float = 120,
        api: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAIMTRACK_", "PREFECT_API"))}
    env |= {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
    if api:
        env["PREFECT_API_URL"] = api
    return subprocess.run(
        [CLAIMTRACK, *args], cwd=cwd, env=env, input=stdin.decode() if stdin else None,
        capture_output=True, text=True, timeout=timeout,
    )


def test_help_lists_the_contract_commands(tmp_path: Path) -> None:
    out = run("--help", cwd=tmp_path)
    assert out.returncode == 0
    for command in ["demo", "check", "claims", "verify", "corpus", "db"]:
        assert command in out.stdout


@pytest.mark.parametrize(
    ("make", "args", "message"),
    [
        (None, ["check", "nope.html"], "no such file"),
        (b"", ["check", "empty.txt"], "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), ["check", "img.txt"], "binary"),
        (None, ["check", "http://127.0.0.1:9/a.html", "--allow-host", "127.0.0.1:9"], "127.0.0.1:9"),
        (None, ["check", "http://127.0.0.1:9/a.html"], "private"),
        (None, ["check", "ftp://example.org/a.txt"], "http"),
        (b"Some text.", ["claims", "ok.txt", "--published", "yesterday-ish"], "not a date"),
        (None, ["check", "a.html", "--provider", "bing"], "unknown provider"),
        (None, ["check", "a.html", "--assessor", "oracle"], "unknown assessor 'oracle'"),
        (None, ["verify", "Water boils at 100 C.", "--assessor", "oracle"], "known: "),
    ],
    ids=["missing", "empty", "binary", "unreachable", "private", "scheme", "bad-date", "provider",
         "assessor", "verify-assessor"],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, make: bytes | None, args: list[str], message: str
) -> None:
    if make is not None:
        (tmp_path / args[1]).write_bytes(make)
    db = ["--db", str(tmp_path / "w.duckdb")] if args[0] == "check" else []
    out = run(*args, *db, cwd=tmp_path)
    assert out.returncode == 2, out.stderr
    assert "Traceback" not in out.stderr
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, out.stderr
    assert message.lower() in lines[0].lower()


def test_claims_json_contract(tmp_path: Path) -> None:
    page = tmp_path / "a.html"
    page.write_text(PAGES["/article.html"], encoding="utf-8")
    out = run("claims", str(page), "--json", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["claims"]
    for claim in data["claims"]:
        assert {"id", "text", "sentence", "start", "end", "kind", "checkworthiness", "entities",
                "quantities", "dates"} <= claim.keys()
    assert not (tmp_path / "claimtrack.duckdb").exists(), "claims must not touch the database"
    # the command prints what the library finds, with offsets into the article's text
    from claims import CHECKWORTHY_CUT, claim_to_json, extract_claims
    from sources import read_article

    article = read_article(str(page))
    assert data["article"] == {"id": article.id, "title": "Lake Baikal under pressure",
                               "published": article.published}
    found = extract_claims(article.text, published=article.published)
    assert data["claims"] == json.loads(json.dumps([claim_to_json(c) for c in found]))
    for claim in data["claims"]:
        assert article.text[claim["start"]:claim["end"]] == claim["sentence"]
        assert claim["checkworthiness"] >= CHECKWORTHY_CUT
    depth = next(c for c in data["claims"] if "1,642" in c["text"])
    assert (depth["kind"], depth["quantities"][0]["value"], depth["quantities"][0]["unit"]) == (
        "statistic", 1642.0, "m")
    assert {"text": "Lake Baikal", "type": "other", "canonical": "Lake Baikal"} in depth["entities"]
    assert not any(c["text"].endswith("?") for c in data["claims"])


def test_check_url_json_contract(tmp_path: Path, prefect_api: str) -> None:
    with serve_pages(PAGES) as base:
        host = base.removeprefix("http://")
        out = run("check", f"{base}/article.html", "--json", "--db", str(tmp_path / "w.duckdb"),
                  "--allow-host", host, "--provider", "links", cwd=tmp_path, api=prefect_api)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) >= {"run", "articles", "claims", "sources"}
    assert data["articles"][0]["id"]
    assert all(c["id"] and c["status"] in {"supported", "refuted", "mixed", "unverified"}
               for c in data["claims"])
    statuses = {s["status"] for s in data["sources"]}
    assert statuses <= {"fetched", "failed", "skipped"} and "fetched" in statuses
    assert all(s["reason"] for s in data["sources"])


def test_corpus_add_then_verify_finds_the_right_pages(tmp_path: Path, prefect_api: str) -> None:
    from examples import VERIFY_CORPUS_DIR

    db = str(tmp_path / "w.duckdb")
    added = run("corpus", "add", str(VERIFY_CORPUS_DIR), "--db", db, "--json", cwd=tmp_path,
                api=prefect_api)
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["added"] >= 20
    claims = ["The Eiffel Tower was completed in 1889 for the Exposition Universelle in Paris.",
              "The Eiffel Tower was completed in 1875 for the Exposition Universelle in Paris.",
              "The Sydney Opera House was formally opened in 1973."]
    out = run("verify", *claims, "--provider", "corpus", "--db", db, "--json", cwd=tmp_path,
              api=prefect_api)
    assert out.returncode == 0, out.stderr
    results = json.loads(out.stdout)["results"]
    assert [r["status"] for r in results] == ["supported", "refuted", "unverified"]
    assert results[0]["evidence"][0]["url"].endswith("eiffel-tower.html")

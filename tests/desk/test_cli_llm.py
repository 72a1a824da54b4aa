"""`claimtrack verify --assessor llm` as a user runs it, against a local chat endpoint."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from tests.desk.test_cli import CLAIMTRACK, prefect_api  # noqa: F401 - the fixture is used by name
from tests.llm_server import serve_chat


def run(*args: str, cwd: Path, env: dict[str, str] | None = None,
        api: str | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CLAIMTRACK_", "PREFECT_API"))}
    base |= {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1", **(env or {})}
    if api:
        base["PREFECT_API_URL"] = api
    return subprocess.run([CLAIMTRACK, *args], cwd=cwd, env=base, capture_output=True, text=True,
                          timeout=180)


def test_verify_with_the_llm_assessor(tmp_path: Path, prefect_api: str) -> None:  # noqa: F811
    from examples import VERIFY_CORPUS_DIR

    db = str(tmp_path / "w.duckdb")
    added = run("corpus", "add", str(VERIFY_CORPUS_DIR), "--db", db, cwd=tmp_path, api=prefect_api)
    assert added.returncode == 0, added.stderr
    claims = ["The Eiffel Tower was completed in 1889 for the Exposition Universelle in Paris.",
              "The Eiffel Tower was completed in 1875 for the Exposition Universelle in Paris."]
    with serve_chat() as server:
        env = {"CLAIMTRACK_LLM_URL": server.url, "CLAIMTRACK_LLM_MODEL": "tiny-cli"}
        out = run("verify", *claims, "--provider", "corpus", "--assessor", "llm", "--db", db,
                  "--json", cwd=tmp_path, env=env, api=prefect_api)
        assert out.returncode == 0, out.stderr
        data = json.loads(out.stdout)
        assert [r["status"] for r in data["results"]] == ["supported", "refuted"]
        assert all("(llm tiny-cli; [" in r["rationale"] for r in data["results"])
        assert data["llm"]["requests"] == 2 == len(server.requests)
        assert data["llm"]["prompt_tokens"] > 0
        again = run("verify", *claims, "--provider", "corpus", "--assessor", "llm", "--db", db,
                    cwd=tmp_path, env=env, api=prefect_api)
    assert again.returncode == 0, again.stderr
    assert len(server.requests) == 2, "the rerun must be answered from the cache"
    assert "LLM tiny-cli: 0 request(s), 2 from the cache" in again.stdout


def test_llm_without_an_endpoint_is_one_line_and_exit_2(tmp_path: Path) -> None:
    out = run("verify", "Water boils at 100 C.", "--assessor", "llm", "--db",
              str(tmp_path / "w.duckdb"), cwd=tmp_path)
    assert out.returncode == 2, out.stderr
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, out.stderr
    assert "CLAIMTRACK_LLM_URL" in lines[0] and "Traceback" not in out.stderr
    assert not (tmp_path / "w.duckdb").exists()

"""`verify` with the llm assessor over the example corpus, against a local chat endpoint:
verdicts with cited rationales, the response cache, tokens per run, and the noted fallback."""

from __future__ import annotations

import itertools
import json
from typing import Any

import duckdb
import pytest

from claimtrack.errors import ConfigError
from claimtrack.settings import Settings
from desk.report import render_run
from examples import VERIFY_CORPUS_DIR
from flows.assessors import assessor_for, fallback_name
from flows.corpus import import_corpus
from flows.verify import verify_claims, verify_json
from tests.llm_server import Reply, prompt_parts, reader_answer, serve_chat
from warehouse.db import Warehouse
from warehouse.llm_cache import run_usage
from warehouse.reports import run_report

CLAIMS = ["The Eiffel Tower was completed in 1889 for the Exposition Universelle in Paris.",
          "The Eiffel Tower was completed in 1875 for the Exposition Universelle in Paris.",
          "The Sydney Opera House was formally opened in 1973."]
_models = itertools.count(1)


@pytest.fixture(scope="module")
def corpus_settings(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None) -> Settings:
    db = tmp_path_factory.mktemp("llm") / "wh.duckdb"
    s = Settings(db=db).with_overrides(providers={"enabled": ("corpus",)})
    import_corpus([str(VERIFY_CORPUS_DIR)], s)
    return s


def llm_settings(base: Settings, url: str, **llm: Any) -> Settings:
    """A fresh model name per test: its answers are not in the cache yet."""
    return base.with_overrides(assessor="llm", llm={
        "url": url, "model": f"tiny-{next(_models)}", "timeout": 2.0, "retries": 1, **llm})


def verdict_rows(settings: Settings, run_id: str) -> list[tuple[str, str, str]]:
    con = duckdb.connect(str(settings.db), read_only=True)
    try:
        return con.execute("SELECT claim_id, assessor, status FROM verdicts WHERE run_id = ? "
                           "ORDER BY claim_id", [run_id]).fetchall()
    finally:
        con.close()


def test_the_llm_decides_and_cites_its_passages(corpus_settings: Settings) -> None:
    with serve_chat(queue=[Reply(500, json.dumps({"error": "model is loading"}))]) as server:
        settings = llm_settings(corpus_settings, server.url)
        data = verify_json(verify_claims(CLAIMS, settings, providers=["corpus"]))
    results = data["results"]
    assert [r["status"] for r in results] == ["supported", "refuted", "unverified"]
    supported = results[0]
    assert "Passage [" in supported["rationale"]
    assert f"(llm {settings.llm.model}; [" in supported["rationale"]
    assert "eiffel-tower.html" in supported["rationale"]
    best = next(e for e in supported["evidence"] if e["stance"] == "supports")
    assert "1889" in best["quote"] and best["reason"] == "says the same, with the same numbers"
    asked = {json.dumps(r, sort_keys=True) for r in server.requests}  # one per claim with passages
    assert len(server.requests) == len(asked) + 1 >= 3  # the 500 was asked again
    assert data["llm"] == {
        "model": settings.llm.model, "requests": len(asked), "cache_hits": 0, "failures": 0,
        "prompt_tokens": data["llm"]["prompt_tokens"],
        "completion_tokens": data["llm"]["completion_tokens"]}
    assert data["llm"]["prompt_tokens"] > 100 and data["llm"]["completion_tokens"] > 10
    deciders = [a for _, a, _ in verdict_rows(settings, str(data["run"]))]
    # a claim without passages is no question for the model: the fallback calls it unverified
    assert deciders.count("llm") == len(asked)
    assert set(deciders) <= {"llm", fallback_name()}
    stored = run_usage(Warehouse(settings.db), str(data["run"]))
    assert [(u.requests, u.prompt_tokens, u.completion_tokens) for u in stored] == [
        (len(asked), data["llm"]["prompt_tokens"], data["llm"]["completion_tokens"])]


def test_a_rerun_sends_no_request(corpus_settings: Settings) -> None:
    with serve_chat() as server:
        settings = llm_settings(corpus_settings, server.url)
        first = verify_json(verify_claims(CLAIMS, settings, providers=["corpus"]))
        sent = len(server.requests)
        again = verify_json(verify_claims(CLAIMS, settings, providers=["corpus"]))
    assert sent >= 2 and len(server.requests) == sent
    assert again["llm"]["requests"] == 0 and again["llm"]["cache_hits"] == sent
    assert again["llm"]["prompt_tokens"] == 0
    assert [r["status"] for r in again["results"]] == [r["status"] for r in first["results"]]
    assert [r["rationale"] for r in again["results"]] == [r["rationale"] for r in first["results"]]
    usage = run_usage(Warehouse(settings.db), str(again["run"]))
    assert [(u.requests, u.cache_hits) for u in usage] == [(0, sent)]
    # claimtrack report --run RUN_ID shows what each run cost
    report = run_report(Warehouse(settings.db), str(first["run"]), settings=settings)
    assert (f"LLM {settings.llm.model}: {sent} request(s), 0 from the cache, 0 failed; "
            in render_run(report, "md"))
    summary = json.loads(render_run(report, "json"))["summary"]
    assert summary["llm"][0]["requests"] == sent == first["llm"]["requests"]
    assert summary["llm"][0]["prompt_tokens"] == first["llm"]["prompt_tokens"]


def test_a_timeout_falls_back_with_a_note(corpus_settings: Settings) -> None:
    slow = [Reply(delay=1.0, content="{}") for _ in range(6)]
    with serve_chat(queue=slow) as server:
        settings = llm_settings(corpus_settings, server.url, timeout=0.3, retries=0)
        data = verify_json(verify_claims(CLAIMS[:2], settings, providers=["corpus"]))
    name = fallback_name()
    for result in data["results"]:
        assert result["rationale"].startswith("llm answer unusable (llm endpoint timed out")
        assert f"; decided by {name}. " in result["rationale"]
    assert data["llm"]["failures"] == 2 and data["llm"]["requests"] == 0
    assert {a for _, a, _ in verdict_rows(settings, str(data["run"]))} == {name}


def test_malformed_answers_fall_back_with_a_note(corpus_settings: Settings) -> None:
    def bad(body: dict[str, Any]) -> str:
        claim, passages = prompt_parts(body)
        good = json.loads(reader_answer(body))
        if "1889" in claim:
            return "The claim is supported by passage [1]."
        good["stances"][0]["passage"] = len(passages) + 1
        return json.dumps(good)

    with serve_chat(answer=bad) as server:
        settings = llm_settings(corpus_settings, server.url)
        data = verify_json(verify_claims(CLAIMS[:2], settings, providers=["corpus"]))
    notes = [r["rationale"].split("; decided by")[0] for r in data["results"]]
    assert notes[0] == "llm answer unusable (not JSON: 'The claim is supported by passage [1].')"
    assert notes[1].startswith("llm answer unusable (a stance for passage [")
    assert data["llm"]["requests"] == 2 and data["llm"]["failures"] == 0
    assert {a for _, a, _ in verdict_rows(settings, str(data["run"]))} == {fallback_name()}


def test_llm_without_an_endpoint_is_a_config_error(settings: Settings) -> None:
    with pytest.raises(ConfigError, match="set CLAIMTRACK_LLM_URL and CLAIMTRACK_LLM_MODEL"):
        assessor_for(settings.with_overrides(assessor="llm"), Warehouse(settings.db))
    assert Settings().assessor != "llm"

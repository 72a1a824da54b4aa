"""Settings: defaults < TOML < CLAIMTRACK_* env < flags; bad values are clear ConfigErrors."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimtrack.errors import ConfigError
from claimtrack.settings import Settings, load_settings


def test_precedence(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('db = "from-file.duckdb"\n[fetch]\nper_host = 3\nhost_delay = 2.5\n')
    env = {"CLAIMTRACK_FETCH__PER_HOST": "4", "CLAIMTRACK_ALLOW_HOSTS": "127.0.0.1:9,localhost"}
    s = load_settings(config, env, db=tmp_path / "flag.duckdb")
    assert s.db == tmp_path / "flag.duckdb"
    assert s.fetch.per_host == 4
    assert s.fetch.host_delay == 2.5
    assert s.fetch.allow_hosts == ("127.0.0.1:9", "localhost")


def test_env_db_and_defaults() -> None:
    s = load_settings(None, {"CLAIMTRACK_DB": "/tmp/x.duckdb"})
    assert s.db == Path("/tmp/x.duckdb")
    assert s.snapshot_dir == Path("/tmp/x.snapshots")
    assert s.providers.enabled == ("links", "corpus")
    assert Settings().review.ratings[0] == "true"


@pytest.mark.parametrize(
    ("text", "message"),
    [("nonsense = 1\n", "unknown setting"), ("[fetch]\nper_host = 'many'\n", "expected a number"),
     ("db = [", "not valid TOML")],
)
def test_bad_files(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "c.toml"
    config.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_settings(config, {})


def test_missing_file() -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(Path("/nonexistent/claimtrack.toml"), {})


def test_assessor_llm_and_models_from_file_env_and_flags(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('assessor = "learned"\n[llm]\nurl = "http://127.0.0.1:11434/v1"\ntimeout = 5\n')
    env = {"CLAIMTRACK_LLM_MODEL": "qwen2.5:7b", "CLAIMTRACK_LLM_API_KEY": "sk-test",
           "CLAIMTRACK_MODELS": str(tmp_path / "models")}
    s = load_settings(config, env)
    assert s.assessor == "learned"
    assert (s.llm.url, s.llm.model, s.llm.api_key, s.llm.timeout) == (
        "http://127.0.0.1:11434/v1", "qwen2.5:7b", "sk-test", 5.0)
    assert s.model_dir == tmp_path / "models"
    assert load_settings(config, env, assessor="rules").assessor == "rules"
    assert load_settings(None, {"CLAIMTRACK_ASSESSOR": "llm"}).assessor == "llm"
    assert Settings().model_dir.parts[-3:] == (".cache", "claimtrack", "models")

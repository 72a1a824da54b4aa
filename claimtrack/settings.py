"""One settings object, built once at an entry point and passed down.

Precedence, lowest first: defaults, a TOML file (``claimtrack.toml`` in the working directory or
``--config``/``CLAIMTRACK_CONFIG``), ``CLAIMTRACK_*`` environment variables, command-line flags.
Nothing below the entry points reads the environment: they receive a ``Settings``.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from claimtrack.errors import ConfigError

DEFAULT_PROVIDERS = ("links", "corpus")
ALL_PROVIDERS = ("links", "corpus", "wikipedia", "gdelt", "searxng", "factcheck")
DEFAULT_RATINGS = ("true", "mostly-true", "misleading", "false", "unproven")


@dataclass(frozen=True, slots=True)
class FetchSettings:
    concurrency: int = 16
    per_host: int = 2
    host_delay: float = 1.0
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    page_deadline: float = 30.0
    max_redirects: int = 5
    max_bytes: int = 10 * 1024 * 1024
    max_decompressed_bytes: int = 20 * 1024 * 1024
    retries: int = 2
    backoff: float = 0.5
    retry_after_cap: float = 30.0
    user_agent: str = "claimtrack/0.1 (+https://github.com/claimtrack/claimtrack; fact-check bot)"
    contact_url: str = "https://github.com/claimtrack/claimtrack"
    allow_hosts: tuple[str, ...] = ()
    respect_robots: bool = True
    extra_types: tuple[str, ...] = ()  # media types read besides HTML, XHTML, text (JSON feeds)


@dataclass(frozen=True, slots=True)
class ProviderSettings:
    enabled: tuple[str, ...] = DEFAULT_PROVIDERS
    per_claim: int = 5
    wikipedia_url: str = "https://en.wikipedia.org/w/api.php"
    gdelt_url: str = "https://api.gdeltproject.org/api/v2/doc/doc"
    searxng_url: str = ""
    factcheck_url: str = "https://factchecktools.googleapis.com/v1alpha1/claims:search"
    factcheck_api_key: str = ""
    timeout: float = 10.0  # seconds per provider request
    gdelt_interval: float = 5.0  # seconds between GDELT requests (its published limit)


@dataclass(frozen=True, slots=True)
class ReviewSettings:
    ratings: tuple[str, ...] = DEFAULT_RATINGS
    hold_minutes: int = 30
    queue_min_checkworthiness: float = 0.8
    queue_max_confidence: float = 0.6
    queue_on_mixed: bool = True
    queue_on_change: bool = True
    secret_key: str = ""
    publisher_name: str = "claimtrack"  # author of published ClaimReview markup
    publisher_url: str = ""
    report_base_url: str = ""  # where reports are published: "<base><article id>.html"
    snapshot_base_url: str = ""  # where snapshots are served: "<base><sha256>"; empty: no link
    claim_batch: int = 32  # claim pages the web app reads together at most; 1: each on its own


@dataclass(frozen=True, slots=True)
class ReverifySettings:
    unverified_days: float = 1.0
    mixed_days: float = 1.0
    supported_days: float = 7.0
    refuted_days: float = 7.0
    include_decided: bool = False
    cron: str = "0 */6 * * *"


@dataclass(frozen=True, slots=True)
class LLMSettings:
    """An OpenAI-compatible chat endpoint for the ``llm`` assessor (Ollama, llama.cpp, vLLM, ...)."""

    url: str = ""  # CLAIMTRACK_LLM_URL: the API base, e.g. http://127.0.0.1:11434/v1
    model: str = ""  # CLAIMTRACK_LLM_MODEL
    api_key: str = ""  # CLAIMTRACK_LLM_API_KEY (never in a settings file you share)
    timeout: float = 60.0  # seconds per request
    retries: int = 2  # more tries on 429, 5xx and timeouts
    max_tokens: int = 800


@dataclass(frozen=True, slots=True)
class Settings:
    db: Path = Path("claimtrack.duckdb")
    snapshots: Path | None = None  # default: "<db stem>.snapshots" beside the database
    reports: Path | None = None  # default: "<db stem>.reports" beside the database
    fetch: FetchSettings = field(default_factory=FetchSettings)
    providers: ProviderSettings = field(default_factory=ProviderSettings)
    review: ReviewSettings = field(default_factory=ReviewSettings)
    reverify: ReverifySettings = field(default_factory=ReverifySettings)
    credibility: Mapping[str, str] = field(default_factory=dict)  # domain -> tier
    assessor: str = "rules"  # rules | learned | llm: who decides what the evidence says
    llm: LLMSettings = field(default_factory=LLMSettings)
    models: Path | None = None  # CLAIMTRACK_MODELS; default: ~/.cache/claimtrack/models

    @property
    def snapshot_dir(self) -> Path:
        return self.snapshots or self.db.with_name(self.db.stem + ".snapshots")

    @property
    def model_dir(self) -> Path:
        """Where optional model files live (``make models`` puts the sentence encoder there)."""
        return self.models or Path.home() / ".cache" / "claimtrack" / "models"

    @property
    def report_dir(self) -> Path:
        return self.reports or self.db.with_name(self.db.stem + ".reports")

    def with_overrides(self, **flags: Any) -> Settings:
        """Apply command-line flags; ``None`` means "not given" and keeps the current value."""
        return _apply(self, {k: v for k, v in flags.items() if v is not None})


_SECTIONS = {"fetch", "providers", "review", "reverify", "llm"}


def _coerce(current: Any, value: Any, name: str) -> Any:
    if isinstance(current, bool):
        if isinstance(value, str):
            return value.strip().lower() in {"1", "true", "yes", "on"}
        return bool(value)
    if isinstance(current, tuple):
        if isinstance(value, str):
            return tuple(p.strip() for p in value.split(",") if p.strip())
        return tuple(value)
    if isinstance(current, int | float) and not isinstance(current, bool):
        try:
            return type(current)(value)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"setting {name!r}: expected a number, got {value!r}") from exc
    if isinstance(current, Path) or name in {"db", "snapshots", "reports", "models"}:
        return Path(value).expanduser()
    return value


def _apply(obj: Any, values: Mapping[str, Any], prefix: str = "") -> Any:
    known = {f.name: f for f in fields(obj)}
    changes: dict[str, Any] = {}
    for key, value in values.items():
        name = key.replace("-", "_")
        if name not in known:
            raise ConfigError(f"unknown setting {prefix}{key!r}")
        current = getattr(obj, name)
        if name in _SECTIONS:
            if not isinstance(value, Mapping):
                raise ConfigError(f"setting {prefix}{key!r} must be a table")
            changes[name] = _apply(current, value, f"{prefix}{name}.")
        elif name == "credibility":
            changes[name] = {str(k).lower(): str(v) for k, v in dict(value).items()}
        else:
            changes[name] = _coerce(current, value, prefix + name)
    return replace(obj, **changes)


def _from_env(env: Mapping[str, str]) -> dict[str, Any]:
    """``CLAIMTRACK_DB``, ``CLAIMTRACK_ALLOW_HOSTS``, ``CLAIMTRACK_FETCH__PER_HOST``, ..."""
    out: dict[str, Any] = {}
    aliases = {"ALLOW_HOSTS": "FETCH__ALLOW_HOSTS", "FACTCHECK_API_KEY": "PROVIDERS__FACTCHECK_API_KEY",
               "SEARXNG_URL": "PROVIDERS__SEARXNG_URL", "SECRET_KEY": "REVIEW__SECRET_KEY",
               "LLM_URL": "LLM__URL", "LLM_MODEL": "LLM__MODEL", "LLM_API_KEY": "LLM__API_KEY"}
    for key, value in env.items():
        if not key.startswith("CLAIMTRACK_") or key == "CLAIMTRACK_CONFIG":
            continue
        name = aliases.get(key[len("CLAIMTRACK_"):], key[len("CLAIMTRACK_"):])
        parts = [p.lower() for p in name.split("__")]
        if len(parts) == 1 and parts[0] in _SECTIONS | {"credibility"}:
            continue
        target = out
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = value
    return out


def load_settings(
    config: Path | None = None,
    env: Mapping[str, str] | None = None,
    **flags: Any,
) -> Settings:
    """Build the settings an entry point passes down (the only reader of files and environment)."""
    env = os.environ if env is None else env
    settings = Settings()
    path = config or (Path(env["CLAIMTRACK_CONFIG"]) if env.get("CLAIMTRACK_CONFIG") else None)
    if path is None and Path("claimtrack.toml").is_file():
        path = Path("claimtrack.toml")
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(f"settings file not found: {path}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"settings file {path} is not valid TOML: {exc}") from exc
        settings = _apply(settings, data)
    settings = _apply(settings, _from_env(env))
    return settings.with_overrides(**flags)

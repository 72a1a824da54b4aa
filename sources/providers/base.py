"""The one small interface every search provider has, and the HTTP call they share.

A provider turns a query into ranked ``Candidate``s (url, title, snippet, provider, rank); it
never fetches the pages themselves (the Fetcher does, politely, later). Any failure -- network,
HTTP status, a body that is not the API's JSON -- leaves a provider as ``ProviderError``, which
``discover`` records and steps over: one provider down never stops a run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import httpx

from claimtrack.errors import ProviderError
from sources.model import Candidate

ClientFactory = Callable[[], httpx.Client]
DEFAULT_USER_AGENT = "claimtrack/0.1 (+https://github.com/claimtrack/claimtrack; fact-check bot)"


@runtime_checkable
class Provider(Protocol):
    name: str

    def search(self, query: str, limit: int) -> list[Candidate]: ...


@runtime_checkable
class BatchProvider(Provider, Protocol):
    """A provider that answers many queries at once cheaper than one by one (the corpus)."""

    def search_many(self, queries: Sequence[str], limit: int) -> list[list[Candidate]]: ...


def client_factory(timeout: float = 10.0, user_agent: str = DEFAULT_USER_AGENT) -> ClientFactory:
    """A factory of small sync clients: providers make a few calls per claim, not a crawl."""

    def make() -> httpx.Client:
        return httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            headers={"User-Agent": user_agent, "Accept": "application/json"},
            follow_redirects=True,
        )

    return make


def get_json(client: httpx.Client, provider: str, url: str, params: Mapping[str, Any]) -> Any:
    """GET ``url`` and parse JSON; every failure becomes ProviderError naming the provider."""
    try:
        response = client.get(url, params=dict(params))
    except httpx.TimeoutException as exc:
        raise ProviderError(f"{provider}: timed out ({type(exc).__name__})") from exc
    except httpx.HTTPError as exc:
        raise ProviderError(f"{provider}: request failed ({type(exc).__name__}: {exc})") from exc
    if response.status_code >= 400:
        raise ProviderError(f"{provider}: HTTP {response.status_code}{_detail(response)}")
    try:
        return response.json()
    except ValueError as exc:
        first = response.text.strip().splitlines()[0][:200] if response.text.strip() else "empty"
        raise ProviderError(f"{provider}: not JSON ({first})") from exc


def _detail(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return ""
    error = data.get("error") if isinstance(data, dict) else None
    message = error.get("message") or error.get("info") if isinstance(error, dict) else error
    return f": {message}" if isinstance(message, str) and message else ""


def as_dict(value: Any) -> dict[str, Any]:
    """API JSON as read defensively: a field of the wrong type is treated as absent."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def as_str(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""

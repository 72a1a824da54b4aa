"""Search providers, one module each, and the registry that builds the enabled ones.

Names are the public ``--provider`` vocabulary: ``links``, ``corpus``, ``wikipedia``, ``gdelt``,
``searxng``, ``factcheck``. Building fails early with ConfigError (an unknown name, a provider
without its URL or key) so a run never starts half-configured.
"""

from __future__ import annotations

from collections.abc import Sequence

from claimtrack.errors import ConfigError
from claimtrack.settings import ALL_PROVIDERS, ProviderSettings
from sources.model import Article
from sources.providers.base import (
    DEFAULT_USER_AGENT,
    ClientFactory,
    Provider,
    client_factory,
)
from sources.providers.corpus import CorpusProvider, CorpusSearch, CorpusSearchMany
from sources.providers.factcheck import FactCheckProvider
from sources.providers.gdelt import GdeltProvider
from sources.providers.links import LinksProvider
from sources.providers.searxng import SearxngProvider
from sources.providers.wikipedia import WikipediaProvider

__all__ = ["Provider", "build_providers", "client_factory"]


def build_providers(
    names: Sequence[str],
    settings: ProviderSettings,
    *,
    article: Article | None = None,
    corpus_search: CorpusSearch | None = None,
    corpus_search_many: CorpusSearchMany | None = None,
    client: ClientFactory | None = None,
    user_agent: str = DEFAULT_USER_AGENT,
) -> list[Provider]:
    """The providers named, in order, each configured from ``settings``.

    ``corpus_search_many`` (optional) lets the corpus answer all of a check's queries on one
    warehouse connection: pass ``lambda qs, n: search_corpus_many(wh, qs, n)``.
    """
    make = client or client_factory(settings.timeout, user_agent)
    providers: list[Provider] = []
    for raw in dict.fromkeys(n.strip().lower() for n in names if n.strip()):
        if raw not in ALL_PROVIDERS:
            raise ConfigError(
                f"unknown provider {raw!r} (choose from {', '.join(ALL_PROVIDERS)})"
            )
        if raw == "links":
            providers.append(LinksProvider(article))
        elif raw == "corpus":
            if corpus_search is None:
                raise ConfigError("provider 'corpus' needs the local corpus (no warehouse given)")
            providers.append(CorpusProvider(corpus_search, corpus_search_many))
        elif raw == "wikipedia":
            providers.append(WikipediaProvider(_required(settings.wikipedia_url, raw), make))
        elif raw == "gdelt":
            providers.append(GdeltProvider(_required(settings.gdelt_url, raw), make,
                                           min_interval=settings.gdelt_interval))
        elif raw == "searxng":
            url = _required(settings.searxng_url, raw,
                            "set CLAIMTRACK_SEARXNG_URL to your instance, e.g. http://localhost:8080")
            providers.append(SearxngProvider(url, make))
        else:
            key = _required(settings.factcheck_api_key, raw,
                            "it needs a Google API key: set CLAIMTRACK_FACTCHECK_API_KEY")
            providers.append(FactCheckProvider(_required(settings.factcheck_url, raw), key, make))
    return providers


def _required(value: str, provider: str, hint: str | None = None) -> str:
    if not value.strip():
        raise ConfigError(f"provider {provider!r} is not configured: "
                          f"{hint or f'set providers.{provider}_url'}")
    return value.strip()

"""The one error hierarchy. Retries key off ``transient``; the CLI turns ``InputError`` into exit 2.

::

    ClaimtrackError
    ├── InputError                  a user's bad input: one clear line, exit code 2      (terminal)
    ├── ConfigError                 a bad settings file, variable or flag                 (terminal)
    ├── FetchError                  a source could not be read
    │   ├── TransientFetchError     timeouts, resets, 5xx, 429: worth another try         (transient)
    │   └── TerminalFetchError      4xx, too large, wrong type, robots, bad URL           (terminal)
    │       └── BlockedAddressError a private/loopback/link-local address not allowed     (terminal)
    ├── ProviderError               a search provider failed                              (transient)
    ├── WarehouseError              the database refused                                  (terminal)
    │   ├── WarehouseBusyError      another process holds the write lock                  (transient)
    │   └── MigrationError          a migration failed; its transaction was rolled back   (terminal)
    ├── ModelError                  model files present but unusable (wrong hash, broken) (terminal)
    ├── LLMError                    an LLM chat endpoint did not give a usable answer
    │   ├── TransientLLMError       timeouts, resets, 5xx, 429 (after the retries)        (transient)
    │   └── TerminalLLMError        4xx, a body that is not the API's JSON, no content    (terminal)
    └── ReviewError                 an editorial action was refused                       (terminal)
        ├── AuthError               unknown editor, bad password or token
        └── ConflictError           another editor holds or already decided the claim

Library errors (httpx, duckdb) are translated at their package boundary, so callers above
``sources/`` and ``warehouse/`` only ever see these.
"""

from __future__ import annotations

from typing import ClassVar


class ClaimtrackError(Exception):
    """Root of every error claimtrack raises on purpose."""

    transient: ClassVar[bool] = False


class InputError(ClaimtrackError):
    """The user's input cannot be used (missing, empty, binary, unreadable, bad URL or date)."""

class ConfigError(ClaimtrackError):
    """A bad settings file, variable or flag."""


class FetchError(ClaimtrackError):
    """A source could not be read; ``reason`` is the short code reports show (``http_404``)."""

    def __init__(self, message: str, *, reason: str = "error", url: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.url = url


class TransientFetchError(FetchError):
    transient = True


class TerminalFetchError(FetchError):
    """4xx, too large, wrong type, robots, bad URL: another try would fail the same way."""


class BlockedAddressError(TerminalFetchError):
    """A private, loopback or link-local address that is not on the allow-list."""


class ProviderError(ClaimtrackError):
    transient = True


class WarehouseError(ClaimtrackError):
    """The database refused (duckdb's errors translated at warehouse/'s boundary)."""


class WarehouseBusyError(WarehouseError):
    transient = True


class MigrationError(WarehouseError):
    """A migration failed; its transaction was rolled back."""


class ModelError(ClaimtrackError):
    """A local model's files are there but are not the published ones, or cannot be read."""

class LLMError(ClaimtrackError):
    """An LLM endpoint failed; the ``llm`` assessor falls back to another assessor on it."""

class TransientLLMError(LLMError):
    transient = True


class TerminalLLMError(LLMError):
    """The endpoint refused or answered nothing usable: no retry helps."""


class ReviewError(ClaimtrackError):
    """An editorial action was refused."""


class AuthError(ReviewError):
    """Unknown editor, bad password or token."""


class ConflictError(ReviewError):
    """Another editor holds or already decided the claim."""

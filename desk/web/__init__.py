"""The editorial review web app: ``create_app(settings, recheck=...)`` and ``serve(...)``."""

from __future__ import annotations

from desk.web.app import create_app
from desk.web.server import serve

__all__ = ["create_app", "serve"]

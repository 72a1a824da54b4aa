"""Jinja2 with autoescape always on, and the few filters the templates need.

``safe_url`` is the one guard autoescape cannot give: an escaped ``javascript:`` URL is still a
script when clicked, so only http(s) URLs become links; anything else is shown as text.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import jinja2
import markupsafe

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "review"


def safe_url(value: object) -> str:
    """The URL if it is http(s) (so it may be a link), else an empty string."""
    if not isinstance(value, str):
        return ""
    try:
        scheme = urlsplit(value.strip()).scheme.lower()
    except ValueError:
        return ""
    return value.strip() if scheme in {"http", "https"} else ""


def when(value: object) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return "" if value is None else str(value)


def pct(value: object) -> str:
    return f"{float(value) * 100:.0f}%" if isinstance(value, int | float) else "–"


def query(params: dict[str, Any], **changes: Any) -> str:
    """A query string from the current filters with some changed; empty values dropped."""
    merged = {**params, **changes}
    return urlencode({k: v for k, v in merged.items()
                      if v not in (None, "") and not (k == "page" and v == 1)})


class Fragments:
    """HTML of one template per distinct record, rendered once and reused.

    The records are frozen dataclasses, so a record's value is its cache key: when anything on
    it changes (a hold, a decision, a state) it is a different key and is rendered afresh. Only
    templates that read nothing but ``item`` qualify (no session, no CSRF token).
    """

    def __init__(self, template: jinja2.Template, limit: int = 20_000) -> None:
        self.template = template
        self.limit = limit
        self._html: dict[Hashable, markupsafe.Markup] = {}
        self._lock = threading.Lock()

    def __call__(self, item: Hashable) -> markupsafe.Markup:
        return self.keyed(item, item=item)

    def keyed(self, key: Hashable, **context: Any) -> markupsafe.Markup:
        """The template rendered with ``context``, which ``key`` must determine entirely."""
        html = self._html.get(key)
        if html is None:
            html = markupsafe.Markup(self.template.render(**context))
            with self._lock:
                if len(self._html) >= self.limit:
                    self._html.clear()
                self._html[key] = html
        return html


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # the templates ship with the package: no stat() on every render
    )
    env.filters.update(safe_url=safe_url, when=when, pct=pct)
    env.globals.update(query=query)
    env.globals.update(queue_row=Fragments(env.get_template("queue_row.html")))
    return env


def queue_main(env: jinja2.Environment) -> Fragments:
    """The queue page's main block by page and filters (pages repeat: the first ones, the
    status filters), rendered once each; a few hundred distinct ones at most are kept."""
    return Fragments(env.get_template("queue_main.html"), limit=512)

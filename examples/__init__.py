"""Our own example content: a news-style article, the source pages it cites, and a local server.

The demo serves :data:`EXAMPLES_DIR` on 127.0.0.1 (see :mod:`examples.server`), so the article's
relative links (``/sources/...``) resolve to the pages in :data:`SOURCES_DIR`. Everything here is
written for claimtrack; no page is copied from the web. ``verify_corpus/`` is a separate, larger set
of pages with labelled claims for evaluating ``claimtrack verify``.
"""

from __future__ import annotations

from pathlib import Path

EXAMPLES_DIR: Path = Path(__file__).resolve().parent
ARTICLE_HTML: Path = EXAMPLES_DIR / "article.html"
ARTICLE_TEXT: Path = EXAMPLES_DIR / "article.txt"
# What a careful checker should conclude about each sentence of the article (see docs/examples.md).
ARTICLE_EXPECTED: Path = EXAMPLES_DIR / "article_expected.json"
SOURCES_DIR: Path = EXAMPLES_DIR / "sources"
ROBOTS_TXT: Path = EXAMPLES_DIR / "robots.txt"
VERIFY_CORPUS_DIR: Path = EXAMPLES_DIR / "verify_corpus"
VERIFY_CLAIMS: Path = VERIFY_CORPUS_DIR / "claims.jsonl"
# A harder set over the same pages: paraphrased claims and near-topic unverified ones.
VERIFY_CLAIMS_HARD: Path = VERIFY_CORPUS_DIR / "claims_hard.jsonl"

# Links in the article that are meant not to be fetched: the demo shows a failed and a skipped source.
MISSING_PATH = "/sources/missing-report.html"
ROBOTS_BLOCKED_PATH = "/sources/private/internal-memo.html"

__all__ = [
    "ARTICLE_EXPECTED",
    "ARTICLE_HTML",
    "ARTICLE_TEXT",
    "EXAMPLES_DIR",
    "MISSING_PATH",
    "ROBOTS_BLOCKED_PATH",
    "ROBOTS_TXT",
    "SOURCES_DIR",
    "VERIFY_CLAIMS",
    "VERIFY_CLAIMS_HARD",
    "VERIFY_CORPUS_DIR",
]

"""The article's own sources: the links it gives, and the outlets it cites when it links them.

A link is a candidate for a claim when the claim's words meet the link's anchor text, the
sentence around the link, or its URL, each word weighted by how few links share it (IDF over
the article's links); links far below the best match are dropped. An outlet the claim cites ("notes the Wall Street
Journal") adds weight to a link into that outlet's site; an outlet cited without a link yields
nothing (there is no URL to check, and guessing one would be invention).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from claims.slots import words
from sources.citations import locate
from sources.model import Article, Candidate, Link
from sources.urls import domain_of

# Outlet names whose site name is not just the name run together ("Journal" -> wsj.com).
OUTLETS: dict[str, tuple[str, ...]] = {
    "wall street journal": ("wsj.com",), "wsj": ("wsj.com",),
    "new york times": ("nytimes.com",), "nyt": ("nytimes.com",),
    "washington post": ("washingtonpost.com",), "associated press": ("apnews.com",),
    "ap": ("apnews.com",), "bbc": ("bbc.com", "bbc.co.uk"), "guardian": ("theguardian.com",),
    "financial times": ("ft.com",), "ft": ("ft.com",), "the economist": ("economist.com",),
    "south china morning post": ("scmp.com",), "scmp": ("scmp.com",),
    "xinhua": ("xinhuanet.com", "news.cn"), "people's daily": ("people.com.cn",),
    "global times": ("globaltimes.cn",), "los angeles times": ("latimes.com",),
    "usa today": ("usatoday.com",), "npr": ("npr.org",), "al jazeera": ("aljazeera.com",),
}
_SENTENCE_STOP = re.compile(r"[.!?\n]")
_URL_WORDS = re.compile(r"[A-Za-z]{3,}")
OUTLET_BONUS = 2.0
RELATIVE_CUT = 0.3  # links scoring under this share of the best one are noise, not sources


@dataclass(frozen=True, slots=True)
class _Entry:
    link: Link
    domain: str
    context: str
    terms: frozenset[str]


def _context(text: str, at: int, end: int) -> str:
    """The sentence of the article that holds the link's anchor (at ``text[at:end]``)."""
    starts = [m.end() for m in _SENTENCE_STOP.finditer(text, 0, at)]
    start = starts[-1] if starts else 0
    stop = _SENTENCE_STOP.search(text, end)
    return text[start: stop.end() if stop else len(text)].strip()


def cited_domains(text: str) -> set[str]:
    """Sites of the outlets named in ``text`` (by name, or by the name run together)."""
    lowered = f" {text.lower()} "
    found = {d for name, domains in OUTLETS.items()
             if re.search(rf"\b{re.escape(name)}\b", lowered) for d in domains}
    return found


class LinksProvider:
    name = "links"

    def __init__(self, article: Article | None) -> None:
        self.article = article
        self._entries = self._index(article) if article is not None else []
        df = Counter(t for e in self._entries for t in e.terms)
        n = len(self._entries)
        # a word every link's sentence shares ("China" in an article about China) tells little
        self._idf = {t: math.log(1 + n / count) for t, count in df.items()}

    @staticmethod
    def _index(article: Article) -> list[_Entry]:
        entries = []
        for place in locate(article.text, article.links):  # "this source" twice: two places
            link = place.link
            context = (_context(article.text, place.start, place.end) if place.start >= 0
                       else link.text)
            url_words = " ".join(_URL_WORDS.findall(link.url.split("://", 1)[-1]))
            terms = frozenset(words(f"{link.text} {context} {url_words}"))
            entries.append(_Entry(link, domain_of(link.url), context, terms))
        return entries

    def search(self, query: str, limit: int) -> list[Candidate]:
        wanted = set(words(query))
        sites = cited_domains(query)
        names = {w.lower() for w in re.findall(r"[A-Za-z]{3,}", query)}
        scored = []
        for order, entry in enumerate(self._entries):
            score = sum(self._idf[t] for t in wanted & entry.terms)
            label = entry.domain.split(".")[-2] if entry.domain.count(".") >= 1 else entry.domain
            if any(entry.domain == s or entry.domain.endswith("." + s) for s in sites) or (
                label in names
            ):
                score += OUTLET_BONUS
            if score > 0:
                scored.append((-score, order, entry))
        scored.sort(key=lambda item: (item[0], item[1]))
        if scored:
            best = -scored[0][0]
            scored = [item for item in scored if -item[0] >= RELATIVE_CUT * best]
        return [
            Candidate(url=e.link.url, title=e.link.text, snippet=e.context[:300],
                      provider=self.name, rank=rank, query=query)
            for rank, (_, _, e) in enumerate(scored[:limit], start=1)
        ]

"""Inline citations: a link inside a claim's sentence is where the article says the claim comes from.

Word overlap (the links provider) cannot tell twelve "see this source" links apart, so each link's
anchor is located in the article text (in document order: the same anchor words repeated belong
to successive links) and the claim whose sentence holds it owns it. When a claim's sentence has
no link, a link elsewhere in its paragraph (a line of the normalized text) is its citation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from claims.model import Claim
from sources.model import Article, Candidate, Link

CITED_REASON = "cited in the claim's sentence"
CITED_PARAGRAPH_REASON = "cited in the claim's paragraph"


@dataclass(frozen=True, slots=True)
class Located:
    link: Link
    start: int  # offsets of the anchor text in the article text; -1 when it is not there
    end: int


def locate(text: str, links: Sequence[Link]) -> list[Located]:
    """Where each link's anchor sits in ``text``; links come in document order, so a repeated
    anchor ("this source") is looked for after the previous link's anchor first."""
    flat = text.replace("\n", " ")  # the extractor matched anchors against the text so
    cursor = 0
    out: list[Located] = []
    for link in links:
        anchor = link.text
        at = flat.find(anchor, cursor) if anchor else -1
        if at < 0 and anchor:
            at = flat.find(anchor)
        if at < 0:
            out.append(Located(link, -1, -1))
            continue
        out.append(Located(link, at, at + len(anchor)))
        if at >= cursor:
            cursor = at + len(anchor)
    return out


def _paragraph(text: str, start: int, end: int) -> tuple[int, int]:
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", end)
    return lo, len(text) if hi < 0 else hi


def _candidate(link: Link, snippet: str, rank: int, reason: str) -> Candidate:
    return Candidate(url=link.url, title=link.text, snippet=snippet[:300], provider="links",
                     rank=rank, query=reason, cited=True)


def cited_sources(article: Article, claims: Sequence[Claim]) -> dict[str, list[Candidate]]:
    """Each claim's own citations, in the order the article gives them: the links whose anchor
    lies in the claim's sentence, else those in its paragraph."""
    located = [p for p in locate(article.text, article.links) if p.start >= 0]
    out: dict[str, list[Candidate]] = {}
    for claim in claims:
        inside = [p for p in located if claim.start <= p.start and p.end <= claim.end]
        reason = CITED_REASON
        if not inside:
            lo, hi = _paragraph(article.text, claim.start, claim.end)
            inside = [p for p in located if lo <= p.start and p.end <= hi]
            reason = CITED_PARAGRAPH_REASON
        seen: set[str] = set()
        mine: list[Candidate] = []
        for p in inside:
            if p.link.url not in seen:
                seen.add(p.link.url)
                mine.append(_candidate(p.link, claim.sentence, len(mine) + 1, reason))
        if mine:
            out[claim.id] = mine
    return out


def article_citations(article: Article) -> list[Candidate]:
    """Every link the article cites, once each, in its order: all of them are fetched and
    reported, whether or not a claim matches them."""
    seen: set[str] = set()
    out: list[Candidate] = []
    for p in locate(article.text, article.links):
        if p.link.url in seen:
            continue
        seen.add(p.link.url)
        context = article.text[max(0, p.start - 150): p.end + 150] if p.start >= 0 else ""
        out.append(_candidate(p.link, context.strip(), len(out) + 1, "cited by the article"))
    return out


def first_cited(cited: Sequence[Candidate], found: Sequence[Candidate],
                per_claim: int) -> list[Candidate]:
    """A claim's own citations first (all of them, whatever ``per_claim``), then the other
    candidates, not repeating a URL, up to ``per_claim`` in all."""
    urls = {c.url for c in cited}
    rest = [c for c in found if c.url not in urls][: max(0, per_claim - len(cited))]
    return [*cited, *rest]

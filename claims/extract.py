"""Article text -> the claims a fact-checker would check.

clean (drop furniture, keep offsets) -> split sentences -> attributed quotes -> decompose into
atomic claims -> normalize quantities, dates and entities -> kind -> check-worthiness -> stable id.
Every claim keeps the sentence it came from and that sentence's offsets in the text given.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime

from claims.checkworthiness import checkworthiness
from claims.clean import Block, blocks, body_blocks
from claims.cwfeatures import signals
from claims.dates import find_dates
from claims.decompose import decompose, strip_lead
from claims.entities import find_entities, find_entity_spans
from claims.identity import claim_id
from claims.kinds import claim_kind
from claims.model import CHECKWORTHY_CUT, Claim, Entity, Quote
from claims.quantities import find_quantities
from claims.quotes import Attribution, find_quote
from claims.sentences import split_sentences

MAX_SENTENCE = 2000  # longer "sentences" are tables or run-on junk: checked as text, not claimed
_ITEM_MARK = re.compile(r"\s*(?:[•·▪●◦‣∙*+-]|–|—|\d{1,2}[.)])\s+")  # used with .match: anchored
QUOTE_BONUS = 0.25  # an attributed quote is itself checkable: did they say it?
_UNLIKE = re.compile(r"^unlike [^,]+,\s*", re.IGNORECASE)


def _as_date(published: date | datetime | str | None) -> date | None:
    if published is None:
        return None
    if isinstance(published, datetime):
        return published.date()
    if isinstance(published, date):
        return published
    try:
        return date.fromisoformat(str(published).strip()[:10])
    except ValueError:
        return None


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    if not sample:
        return False
    bad = sum(1 for ch in sample if unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") and ch not in "\n\r\t")
    return bad / len(sample) > 0.05


def dateline(text: str) -> date | None:
    """The article's own date, from a byline or date line above the body ("By X, 9 October 2017"),
    so "June 1st" in the text gets its year from the article, not from a guess."""
    head = text[:3000]
    for block in blocks(head)[:8]:
        if block.kind == "body":
            break
        for ref in find_dates(head[block.start:block.end]):
            if ref.year and ref.month and ref.day:
                return date(ref.year, ref.month, ref.day)
    return None


_WORD = re.compile(r"\b[A-Z][\w’'-]+")
_IT = re.compile(r"^(?:It|Its)\b\s+(?P<next>\w+)(?:\s+(?P<after>\w+))?")
_EXPLETIVE = frozenset({"would", "will", "seems", "seemed", "appears", "may", "might", "could", "can",
                        "takes", "took", "remains", "must", "should", "has"})


def _resolve_it(claim_text: str, topic: str | None) -> str:
    """"It circles the Earth" -> "The station circles the Earth" when the topic is known; "It is
    virtually impossible ..." (an expletive "it") stays as it is."""
    m = _IT.match(claim_text)
    if not m or not topic:
        return claim_text
    if claim_text.startswith("Its "):
        owner = topic + ("’" if topic.endswith("s") else "’s")
        return owner + claim_text[3:]
    nxt, after = m.group("next").lower(), (m.group("after") or "").lower()
    if nxt in _EXPLETIVE or (nxt in {"is", "was"} and not after.endswith(("ed", "en"))):
        return claim_text
    return topic + claim_text[2:]


def _topic(sentence: str, spans: Sequence[tuple[int, int, Entity]]) -> str | None:
    """The named thing a sentence opens with ("The International Space Station ..."), if any."""
    for s, _, ent in spans:
        lead = sentence[:s].strip()
        if lead in {"", "The", "the"} and ent.type in ("organisation", "product", "place", "other", "law"):
            return (lead + " " + ent.text).strip()
        break
    return None


def _sentences(text: str) -> list[tuple[int, int, list[str]]]:
    """Sentences as (start, end, trailing list items) for the body of ``text``."""
    out: list[tuple[int, int, list[str]]] = []
    blocks: list[Block] = body_blocks(text)
    for block in blocks:
        begin = block.start
        if block.kind == "item":
            mark = _ITEM_MARK.match(text, block.start, block.end)
            begin = mark.end() if mark else begin
            item = text[begin:block.end].strip()
            if (out and text[out[-1][0]:out[-1][1]].rstrip().endswith(":") and item
                    and not item.endswith((".", "!", "?"))):  # a fragment finishing the lead-in
                out[-1][2].append(item)
                continue
            # a list item on its own is read as a sentence
        for s, e in split_sentences(text, begin, block.end):
            out.append((s, e, []))
    return out


_MD_LINK = re.compile(r"!?\[([^\]]*)\]\((?:[^()\s]|\([^()\s]*\))*\)")
_URL_ASIDE = re.compile(r"\s*\((?:see |via |source: )?https?://[^\s)]+\)|\s*<?https?://[^\s>)]+>?")
_EMPHASIS = re.compile(r"(\*\*|__|\*(?=\w)|(?<=\w)\*)")


def tidy(text: str) -> str:
    """A claim's words without Markdown or bare links: "[according to the BBC](https://...)" ->
    "according to the BBC"; "**Ratcliffe-on-Soar**" -> "Ratcliffe-on-Soar"."""
    if "[" in text or "http" in text or "*" in text or "_" in text:
        text = _MD_LINK.sub(r"\1", text)
        text = _URL_ASIDE.sub("", text)
        text = _EMPHASIS.sub("", text)
    return text


def _with_items(lead: str, items: list[str]) -> str:
    head = strip_lead(" ".join(lead.split())).rstrip(": ")
    listed = [i.rstrip(".;, ") for i in items]
    listed = [i[:1].lower() + i[1:] if i[1:2].islower() else i for i in listed]
    body = ", ".join(listed[:-1]) + (" and " if len(listed) > 1 else "") + listed[-1]
    return f"{head} {body}."


Candidate = tuple[int, int, str, str, Quote | None]  # start, end, sentence, claim text, quote
TAINTING = frozenset({"question", "imperative", "exhortation"})


class _Reader:
    """What extraction remembers while reading an article: who spoke last, the people named so
    far (surname -> full name, for "Armstrong" and "he"), and the named thing being described."""

    def __init__(self) -> None:
        self.last_person: str | None = None
        self.people: dict[str, str] = {}
        self.topic: str | None = None

    def read(self, sentence: str) -> None:
        spans = find_entity_spans(sentence)
        mentions: list[tuple[int, str]] = []
        for pos, _, ent in spans:
            if ent.type == "person":
                mentions.append((pos, ent.canonical))
                self.people[ent.canonical.split()[-1]] = ent.canonical
        mentions.extend((m.start(), self.people[m.group(0)]) for m in _WORD.finditer(sentence)
                        if m.group(0) in self.people)
        if mentions:
            self.last_person = max(mentions)[1]
        self.topic = _topic(sentence, spans) or self.topic


def _quote_candidates(s: int, e: int, sentence: str, attribution: Attribution,
                      reader: _Reader) -> list[Candidate]:
    """The quotation as its own claim ("X says “...”"), plus a "who ..." clause about the speaker."""
    speaker = attribution.quote.speaker
    if speaker in reader.people:
        attribution = replace(attribution, quote=Quote(reader.people[speaker], attribution.quote.words))
        reader.last_person = reader.people[speaker]
    quote = attribution.quote
    who = quote.speaker or attribution.who if attribution.who.lower() in {"he", "she", "they"} else attribution.who
    words = quote.words.rstrip(".,;: ")
    out: list[Candidate] = [(s, e, sentence, f"{who[:1].upper() + who[1:]} {attribution.verb} “{words}”.", quote)]
    rest = (sentence[: attribution.start] + sentence[attribution.end:]).strip(" ,.")
    rest = _UNLIKE.sub("", rest)
    if rest.lower().startswith("who ") and quote.speaker:
        out.append((s, e, sentence, decompose(f"{quote.speaker} {rest[4:]}")[0], None))
    return out


def _candidates(text: str) -> list[Candidate]:
    """Every atomic claim the article's sentences give, before scoring."""
    out: list[Candidate] = []
    reader = _Reader()
    for s, e, items in _sentences(text):
        sentence = text[s:e]
        if len(sentence) > MAX_SENTENCE:
            continue
        attribution = find_quote(sentence, reader.last_person)
        reader.read(sentence)
        if attribution is not None:
            out.extend(_quote_candidates(s, e, sentence, attribution, reader))
        elif items:
            out.append((s, e, sentence, _with_items(sentence, items), None))
        else:
            out.extend((s, e, sentence, _resolve_it(part, reader.topic), None) for part in decompose(sentence))
    return [(s, e, sentence, tidy(t), q) for s, e, sentence, t, q in out]


def extract_claims(
    text: str,
    *,
    published: date | datetime | str | None = None,
    keep_all: bool = False,
) -> list[Claim]:
    """The claims of an article, in reading order.

    ``published`` (a date or ISO string) resolves day-months without a year; without it the
    article's own dateline is used. Only check-worthy claims (``checkworthiness >= 0.5``) are
    returned unless ``keep_all``, which keeps the rest (questions, opinions, exhortations) with
    their low scores for the record.
    """
    if not isinstance(text, str) or not text.strip() or _looks_binary(text):
        return []
    pub = _as_date(published) or dateline(text)
    candidates = _candidates(text)
    scores = checkworthiness([c[3] for c in candidates])
    claims: list[Claim] = []
    seen: set[str] = set()
    for (s, e, sentence, claim_text, quote), score in zip(candidates, scores, strict=True):
        if TAINTING & signals(sentence):
            score = min(score, 0.2)  # a question or exhortation taints every part of it
        if quote is not None and quote.speaker:
            score = min(1.0, score + QUOTE_BONUS)
        score = round(score, 4)
        if score < CHECKWORTHY_CUT and not keep_all:
            continue
        cid = claim_id(claim_text)
        if cid in seen:
            continue
        seen.add(cid)
        quantities = tuple(find_quantities(claim_text))
        dates = tuple(find_dates(claim_text, published=pub))
        claims.append(
            Claim(
                id=cid,
                text=claim_text,
                sentence=sentence,
                start=s,
                end=e,
                kind=claim_kind(claim_text, quantities, dates, quote),
                checkworthiness=score,
                entities=tuple(find_entities(claim_text)),
                quantities=quantities,
                dates=dates,
                quote=quote,
            )
        )
    return claims

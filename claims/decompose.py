"""Decomposition: one sentence that packs several checkable facts -> several atomic claims.

Each part stands on its own, with its subject carried in: "Tencent is a gaming company whose WeChat
messaging service has a virtual monopoly" gives "Tencent is a gaming company" and "Tencent's WeChat
messaging service has a virtual monopoly"; "Facebook, Twitter, and most of Google's services are
blocked in China" gives one claim per service. Rules over surface patterns, not a parser: a part is
split off only when it has its own subject and verb, otherwise the sentence stays whole.
"""

from __future__ import annotations

import re

from claims.entities import find_entity_spans

_LEADS = re.compile(
    r"^(?:here['’]s an example|for example|for instance|in effect|to make matters worse|"
    r"in addition|additionally|moreover|furthermore|meanwhile|however|also|indeed|in fact|"
    r"what['’]s more|editor['’]s note|update|note|still|yet|so|and|but|then)\s*[:,]?\s+",
    re.IGNORECASE,
)
AUX = (
    r"is|are|was|were|has|have|had|will|would|can|could|does|do|did|must|may|might|should|"
    r"remains?|became|becomes|makes?|made|owns?|owned|controls?|filters?|includes?|says|said|"
    r"took|takes|went|goes|rose|fell|grew|reached|received|ranks?|ranked|accounts? for"
)
_AUX_RE = re.compile(r"\b(?:" + AUX + r"|\w+ed)\b")
_SUBJECT_START = re.compile(
    r"^(?:the|a|an|its|their|his|her|this|that|these|those|some|many|most|all|other|[A-Z0-9“\"]|"
    r"it|they|he|she|we)\b|^[A-Z“\"]",
)
_PRONOUN_AFTER = re.compile(
    r"^((?:(?:within|after|before|in|on|by|since|later|then|last|this|next)\b[^,]{0,30}?\s+)?)"
    r"(?:it|they|he|she)\b\s*",
    re.IGNORECASE,
)
_COORD = re.compile(r",\s+(?:and|but|while|whereas)\s+|\s+[–—-]\s+but\s+|;\s+")
_BOTH_OF_WHICH = re.compile(
    r"(?P<a>[A-Z][\w’'&.-]*(?:\s+[A-Z][\w’'&.-]*)*)\s+(?:or|and)\s+(?P<b>[A-Z][\w’'&.-]*(?:\s+[A-Z][\w’'&.-]*)*),"
    r"\s+(?:both|all|each) of (?:which|whom)\s+(?P<rest>.+)$"
)
_WHOSE = re.compile(r"^(?P<subj>.+?)\s+(?P<verb>is|was|are|were)\s+(?P<pred>(?:a|an|the)\s[^,]+?)\s+whose\s+(?P<rest>.+)$")
_WHO = re.compile(
    r"(?P<name>[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+){1,2}),\s+who\s+(?P<rest>(?:was|is|has|had|were|"
    r"are|became|founded|led|leads|won|lost|served|serves|spent)\b.+)$"
)
_NAME = r"(?:[A-Z][\w’'&.-]*(?:\s+(?:of\s+)?[A-Z][\w’'&.-]*)*)"
_LIST_SUBJECT = re.compile(
    r"^(?P<items>" + _NAME + r"(?:,\s+" + _NAME + r")*,?\s+and\s+(?:(?:most|some|all|many)(?: of)?\s+)?"
    r"(?:" + _NAME + r"(?:['’]s)?(?:\s+[a-z]+)?|others|other \w+))\s+(?P<verb>are|were|have|had)\s+(?P<rest>.+)$"
)
_TAIL = re.compile(r",\s+(?:and|but)\s+(?:that|this|which|so)\b.*$")
_SINGULAR = {"are": "is", "were": "was", "have": "has", "had": "had"}


_ASIDE = re.compile(
    r",\s+as (?:this|the|a|an|our|that) [^,]{0,40}?(?:describes|described|explains|explained|shows|"
    r"showed|reported|reports|notes|noted)\b,?|,\s+as reported(?: at the time| earlier)?\b,?",
    re.IGNORECASE,
)


_COMMA_END = re.compile(r",\s*([.!?])")  # what an aside removed at the end leaves behind
_WIRE_DATELINE = re.compile(r"^[A-Z][A-Z .,'’-]{2,40}(?:\s*\([A-Za-z .]+\))?\s*[-–—]+\s+(?=[A-Z])")


def strip_lead(text: str) -> str:
    """The sentence without a leading discourse marker ("In effect, ...", "Here's an example: ")
    or an aside that points at a link (", as this explainer describes,")."""
    text = _COMMA_END.sub(r"\1", _ASIDE.sub(",", text).replace(",,", ","))
    text = _WIRE_DATELINE.sub("", text, count=1)
    prev = None
    while prev != text:
        prev = text
        text = _LEADS.sub("", text, count=1)
    return text[:1].upper() + text[1:] if text else text


def _finish(text: str) -> str:
    text = text.strip().rstrip(",;:–—- ")
    if text and text[-1] not in ".!?”\"":
        text += "."
    return text[:1].upper() + text[1:]


def _subject(clause: str) -> str | None:
    m = _AUX_RE.search(clause)
    if not m or m.start() == 0:
        return None
    subj = clause[: m.start()].strip().rstrip(",")
    if not subj or len(subj.split()) > 8 or subj.lower() in {"it", "they", "there", "this", "that"}:
        return None
    return subj


_ADVERBIAL = re.compile(
    r"^(?:within|after|before|in|on|by|since|later|then|meanwhile|last|this|next)\b[^,]{0,30}?\s+(?=[A-Z])"
)


def _is_clause(part: str) -> bool:
    words = part.split()
    if len(words) < 3:
        return False
    lead = _ADVERBIAL.match(part)  # "within days Tencent limited ...": a clause after a time phrase
    if lead:
        part = part[lead.end():]
        words = part.split()
    if not _SUBJECT_START.match(part):
        return False
    m = _AUX_RE.search(" ".join(words[:12]))
    return bool(m and m.start() > 0)


def _split_list_subject(clause: str) -> list[str]:
    m = _LIST_SUBJECT.match(clause)
    if not m:
        return [clause]
    raw = re.split(r",\s+and\s+|,\s+|\s+and\s+", m.group("items"))
    items = [i.strip() for i in raw if i.strip() and not i.strip().lower().startswith("other")]
    if len(items) < 2:
        return [clause]
    rest = _TAIL.sub("", m.group("rest"))
    out = []
    for item in items:
        plural = item.lower().startswith(("most ", "some ", "all ", "many "))
        verb = m.group("verb") if plural else _SINGULAR[m.group("verb")]
        out.append(f"{item} {verb} {rest}")
    return out


def decompose(sentence: str) -> list[str]:
    """The atomic claims of one sentence, each a standalone sentence (at least the sentence
    itself, tidied)."""
    text = strip_lead(" ".join(sentence.split()))
    if not text:
        return []
    parts: list[str] = []

    m = _BOTH_OF_WHICH.search(text)
    if m:
        head = text[: m.start("b") + len(m.group("b"))]
        rest = m.group("rest")
        verb = rest.split()[0] if rest.split() else ""
        parts.append(head)
        parts.append(f"{m.group('a')} and {m.group('b')} {rest}" if verb in {"are", "were", "have", "had"}
                     else f"{m.group('a')} and {m.group('b')} are {rest}")
        return [_finish(p) for p in parts]

    m = _WHOSE.match(text)
    if m:
        subj = m.group("subj")
        poss = subj + ("’" if subj.endswith("s") else "’s")
        return [_finish(f"{subj} {m.group('verb')} {m.group('pred')}"), _finish(f"{poss} {m.group('rest')}")]

    m = _WHO.search(text)
    if m and m.start() > 0:
        return [_finish(text[: m.end("name")]), _finish(f"{m.group('name')} {m.group('rest')}")]

    clauses: list[str] = []
    pieces = _COORD.split(text)
    if len(pieces) > 1 and all(_is_clause(p) for p in pieces[1:]) and _AUX_RE.search(pieces[0]):
        subject = _subject(pieces[0])
        for piece in pieces:
            m = _PRONOUN_AFTER.match(piece)
            if subject and m:
                carried = subject
                if m.group(1) and not any(st == 0 for st, _, _ in find_entity_spans(subject)):
                    carried = subject[:1].lower() + subject[1:]  # "In June prices fell", not "Prices"
                piece = m.group(1) + carried + " " + piece[m.end():]
            clauses.append(piece)
    else:
        clauses = [text]
    for clause in clauses:
        parts.extend(_split_list_subject(clause))
    return [_finish(p) for p in parts if p.strip()]

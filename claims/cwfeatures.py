"""Features of a sentence for the check-worthiness model, shared by training and inference.

Word unigrams and bigrams (numbers folded into shapes such as ``<num>``, ``<year>``, ``<pct>``),
character 4-grams of words, a few structural markers (``__num``, ``__question``, ``__i``, ``__you``,
``__modal``, ``__name``) and the named structural signals (``__sig_number``, ``__sig_question``, ...).
The training script (``scripts/train_checkworthiness.py``) and :mod:`claims.checkworthiness` both call
:func:`features`, so the shipped weights and the scorer can never drift apart.
"""

from __future__ import annotations

import re
from functools import lru_cache

_TOKEN = re.compile(r"[$€£¥]?\d[\d,.]*%?|[A-Za-z]+(?:['’][A-Za-z]+)?|[?!%$€£¥]")
_YEAR = re.compile(r"^(?:1[89]\d\d|20\d\d)$")
FIRST_PERSON = frozenset({"i", "i'm", "i've", "i'd", "i'll", "me", "my", "mine", "myself"})
SECOND_PERSON = frozenset({"you", "your", "you're", "you've", "yours", "let's"})
MODALS = frozenset({"will", "would", "should", "could", "might", "must", "may", "shall", "gonna"})
SCALE_WORDS = frozenset({"million", "billion", "trillion", "thousand", "percent", "hundred"})
_WORDS = re.compile(r"\w+")

# (name, pattern, log-odds shift, searched in the lower-cased sentence). Each is also a model
# feature (``__sig_<name>``); the shift moves the model's log-odds for news prose at inference.
SIGNALS: tuple[tuple[str, re.Pattern[str], float, bool], ...] = (
    # pushes up: the stuff of checkable claims
    ("number", re.compile(r"\d|\b(?:million|billion|trillion|thousand|hundreds|dozens|percent)\b"), 0.6, True),
    ("date", re.compile(r"\b(?:January|February|March|April|June|July|August|September|October|"
                r"November|December|(?:19|20)\d\d)\b"), 0.3, False),
    ("name", re.compile(r"(?<=[a-z,;] )(?:[A-Z][a-z]+|[A-Z]{2,})\b"), 0.2, False),  # a name mid-sentence
    ("attribution", re.compile(r"\b(?:said|says|according to|reported|notes|told|announced|confirmed|"
                r"stated|found|showed|shows)\b"), 0.2, True),
    ("legal", re.compile(r"\b(?:law|act|regulation|rule|ban|banned|blocked|fined|fines|requires?|"
                r"required|illegal|legal|court|ruled|approved|passed|signed|took effect|rules|threatened|"
                r"went into effect|owned by|founded|launched|acquired|arrested)\b"), 0.4, True),
    # a third-person statement that ends like one: news reports facts this way
    ("declarative", re.compile(r"^(?!.*\b(?:I|[Ww]e|[Yy]ou|[Mm]y|[Oo]ur|[Yy]our|us|me)\b)[^?!]*[.”\"]\s*$"), 0.3, False),
    ("superlative", re.compile(r"\b(?:largest|biggest|most|highest|lowest|second only|top|first|only|more "
                r"than|less than|fewer than|record)\b"), 0.2, True),
    # pushes down: not claims
    ("question", re.compile(r"\?\s*[\"”’)]*\s*$"), -3.5, False),
    ("imperative", re.compile(r"^\W*(?:let['’]s|let us|please|imagine|consider|remember|don['’]t|do not|"
                r"join|click|subscribe|share|read more|sign up|follow us|contact)\b"), -3.0, True),
    ("exhortation", re.compile(r"\b(?:let['’]s|it is (?:really |high |about )?time|it['’]s (?:really |high |about )?time|"
                r"we (?:must|should|need to|have to|ought to)|you (?:should|must|need to))\b"), -2.5, True),
    ("opinion", re.compile(r"\b(?:i (?:think|believe|feel|hope|love|hate|guess|wish|want)|in my (?:opinion|view)|"
                r"sounds like|we love|i['’]m (?:sure|glad|proud|sad|happy)|personally)\b"), -1.5, True),
    ("prediction", re.compile(r"\b(?:will one day|one day|some day|in the future|is likely to|going to|"
                r"could soon|may soon|might|expects?|expected to|predicts?|forecasts? that|"
                r"time will tell)\b"), -1.0, True),
    # a short sentence about "he" or "it" that names nothing: nothing to check it against
    ("vague", re.compile(r"^(?:He|She|They|It|This|That|These|Those)\b[^A-Z0-9]{0,40}$"), -1.5, False),
    ("judgement", re.compile(r"\b(?:worth|should|ought|shame|disgrace|terrible|wonderful|great|amazing|"
                r"draconian|outrageous|clearest|obvious(?:ly)?|thoroughly|meekly|famous|notorious|"
                r"hard to miss|remarkabl[ey]|striking(?:ly)?|surprising(?:ly)?|unfortunate(?:ly)?|"
                r"sadly|arguably|inevitabl[ey]|ironic(?:ally)?|seems)\b"), -0.8, True),
)


@lru_cache(maxsize=8192)
def signals(sentence: str) -> frozenset[str]:
    """The names of the structural signals that fire on ``sentence``."""
    lower = sentence.lower()
    return frozenset(name for name, pat, _, low in SIGNALS if pat.search(lower if low else sentence))


def _shape(tok: str) -> str:
    if tok[0] in "$€£¥":
        return "<money>"
    if tok.endswith("%"):
        return "<pct>"
    bare = tok.replace(",", "").rstrip(".")
    if _YEAR.match(bare):
        return "<year>"
    return "<num>"


def features(sentence: str) -> list[str]:
    """The sentence's feature names (with repeats removed by the caller if it wants binary)."""
    raw = _TOKEN.findall(sentence)
    toks: list[str] = []
    has_num = has_name = False
    for i, t in enumerate(raw):
        c = t[0]
        if c.isdigit() or (c in "$€£¥" and len(t) > 1):
            toks.append(_shape(t))
            has_num = True
        else:
            low = t.lower().replace("’", "'")
            if low in SCALE_WORDS:
                has_num = True
            if i > 0 and c.isupper() and len(t) > 1:
                has_name = True
            toks.append(low)
    feats = toks + [a + " " + b for a, b in zip(toks, toks[1:], strict=False)]
    words = set(toks)
    if has_num:
        feats.append("__num")
    if has_name:
        feats.append("__name")
    if "?" in words:
        feats.append("__question")
    if words & FIRST_PERSON:
        feats.append("__i")
    if words & SECOND_PERSON:
        feats.append("__you")
    if words & MODALS:
        feats.append("__modal")
    n = len(toks)
    feats.append("__len" + ("s" if n < 6 else "m" if n < 15 else "l" if n < 30 else "xl"))
    feats.extend("__sig_" + name for name in signals(sentence))
    # character 4-grams of longer words: spelling variants and word families share weight
    for w in _WORDS.findall(sentence.lower()):
        feats.extend(_grams(w))
    return feats


@lru_cache(maxsize=65536)
def _grams(word: str) -> tuple[str, ...]:
    """Character 4-grams of one word with boundary marks (cached: words repeat across sentences)."""
    w = "<" + word + ">"
    return tuple("c:" + w[i:i + 4] for i in range(max(1, len(w) - 3)))

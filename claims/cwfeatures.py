"""Features of a sentence for the check-worthiness model, shared by training and inference.

Word unigrams and bigrams (numbers folded into shapes such as ``<num>``, ``<year>``, ``<pct>``) plus
a few structural markers (``__num``, ``__question``, ``__i``, ``__you``, ``__modal``, ``__name``).
The training script (``scripts/train_checkworthiness.py``) and :mod:`claims.checkworthiness` both call
:func:`features`, so the shipped weights and the scorer can never drift apart.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"[$€£¥]?\d[\d,.]*%?|[A-Za-z]+(?:['’][A-Za-z]+)?|[?!%$€£¥]")
_YEAR = re.compile(r"^(?:1[89]\d\d|20\d\d)$")
FIRST_PERSON = frozenset({"i", "i'm", "i've", "i'd", "i'll", "me", "my", "mine", "myself"})
SECOND_PERSON = frozenset({"you", "your", "you're", "you've", "yours", "let's"})
MODALS = frozenset({"will", "would", "should", "could", "might", "must", "may", "shall", "gonna"})
SCALE_WORDS = frozenset({"million", "billion", "trillion", "thousand", "percent", "hundred"})


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
    return feats

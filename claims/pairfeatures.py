"""Features of one (claim, passage) pair for the learned assessor, shared by training and inference.

The model has to tell three things apart: a passage that says what the claim says, one that says
the opposite, and one that is about the claim but settles nothing. So the features describe the
relation between the two texts rather than either text alone:

- coverage: how much of the claim the passage's closest sentence (the *focus*) says, on word stems,
  content bigrams and character trigrams. Nothing is read from the rest of the passage (its
  coverage of the claim, its length): with them, a passage holding its evidence among neighbours
  read as support more often than the evidence alone (Check-COVID dev, evidence among abstract
  sentences: macro-F1 0.331 with them, 0.354 without);
- what the claim says that the focus does not (``co:``), and the focus's words next to the claim's
  words that it does not share (``x:`` pairs such as ``higher|lower``): the substitutions
  annotators and reporters make when a claim turns false;
- negation on each side and whether they agree; antonym swaps (``claims.slots.OPPOSITE`` plus the
  comparatives science writing uses); hedges;
- numbers given on both sides, and the rule judge's reading (:func:`claims.stance.judge`): its
  stance, score, relevance and slot matches or conflicts;
- the focus's own words (``e:``: results read "we found", background does not), a prior. The
  claim's own words are left out on purpose: in Check-COVID a "not" in the claim alone predicts
  refutes (annotators wrote refuted claims by negating true ones), a cue that fails on real claims
  ("did not intend" against "never intended") and that FEVER-Symmetric was built to expose.
  (Character 4-grams of the claim-only words were tried and lowered cross-validated macro-F1.)

Sparse names are hashed into ``DIM`` buckets with CRC-32 (stable across processes, unlike ``hash``);
the names themselves are kept so a reason can show the strongest ones. A sentence-embedding block
(``semantic``'s encoder: cosine, product and difference of claim and focus) fits as more named
dense values; tried on these training rows it did not raise cross-validated macro-F1 and costs a
sentence encoding per passage (some 100 a second), so none is shipped.
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from claims.slots import OPPOSITE, STOPWORDS, sentence_spans, stem
from claims.stance import Judgement

DIM = 1 << 18
MAX_CLAIM_ONLY = 10
MAX_NEAR = 14

_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?|%")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
NEGATION = frozenset({"not", "no", "never", "none", "nor", "without", "cannot", "lack", "absenc",
                      "absent", "fail", "unabl", "neither", "nothing", "nobody", "deni", "deny",
                      "fals", "myth", "unlik", "unrelat", "ineffect", "insufficient"})
HEDGE = frozenset({"may", "might", "could", "possibl", "potential", "suggest", "likely",
                   "unclear", "reportedly", "allegedly", "appear", "seem", "preliminary"})
_EXTRA_OPPOSITES: tuple[tuple[str, str], ...] = (
    ("higher more greater larger increase increased rise improve improved better strong stronger "
     "effective benefit beneficial positive high above faster longer older most",
     "lower less fewer smaller decrease decreased reduce reduced drop worse weak weaker "
     "ineffective harm harmful negative low below slower shorter younger least"),
    ("safe", "unsafe dangerous"), ("before", "after"), ("early earlier", "late later"),
    ("common", "rare"), ("same similar", "different"), ("all", "some none"),
    ("protect protective", "risk"), ("able", "unable"), ("likely", "unlikely"),
    ("associated linked", "unassociated unrelated"), ("present", "absent"),
)
CUES = NEGATION | HEDGE


def _opposites(pairs: tuple[tuple[str, str], ...], loose: frozenset[str] = frozenset(),
               ) -> dict[str, frozenset[str]]:
    """The rules' OPPOSITE table (less its ``loose`` words) with ``pairs`` added both ways."""
    table: dict[str, set[str]] = {k: set(v) - loose for k, v in OPPOSITE.items() if k not in loose}
    for one, other in pairs:
        a, b = {stem(w) for w in one.split()}, {stem(w) for w in other.split()}
        for w in a:
            table.setdefault(w, set()).update(b)
        for w in b:
            table.setdefault(w, set()).update(a)
    return {k: frozenset(v - {k}) for k, v in table.items()}


OPPOSITES = _opposites(_EXTRA_OPPOSITES)
POLAR = frozenset(OPPOSITES) | CUES


@dataclass(frozen=True, slots=True)
class Side:
    """One text read once: its stems in order (function words kept), content stems and cues."""

    text: str
    toks: tuple[str, ...]
    raw: tuple[str, ...]  # the tokens as written (lower case), aligned with ``toks``
    content: frozenset[str]
    bigrams: frozenset[tuple[str, str]]
    negations: int
    hedged: bool
    numbers: frozenset[str]


def spelled(side: Side, stem_: str) -> str | None:
    """How ``side`` writes a stem ("higher" for "higher", "decreased" for "decreas")."""
    for t, r in zip(side.toks, side.raw, strict=True):
        if t == stem_:
            return r
    return None


_NOT = frozenset({"not", "never", "no", "none", "nor", "neither", "cannot"})


@lru_cache(maxsize=131072)
def _tok(raw: str) -> str:
    """A token's stem; every plain negation is "not" ("never intended" and "did not intend" both
    deny, so neither side has a "not" the other lacks)."""
    if raw.endswith(("n't", "n’t")) or raw in _NOT:
        return "not"
    return stem(raw)


@lru_cache(maxsize=16384)
def read(text: str) -> Side:
    """A text's tokens and cues, cached (a passage is read against many claims)."""
    raw = tuple(_TOKEN.findall(text.lower()))
    toks = tuple(_tok(t) for t in raw)
    content = [t for t in toks if t not in STOPWORDS and not t[0].isdigit() and len(t) > 1]
    return Side(
        text, toks, raw, frozenset(content), frozenset(zip(content, content[1:], strict=False)),
        sum(1 for t in toks if t in NEGATION),
        any(t in HEDGE for t in toks),
        frozenset(n.replace(",", "") for n in _NUMBER.findall(text)),
    )


def grams(side: Side) -> frozenset[str]:
    """Character trigrams of a text's content words (only the claim's and its focus's are needed)."""
    return _grams(side.text)


@lru_cache(maxsize=32768)
def _grams(text: str) -> frozenset[str]:
    return frozenset(w[i:i + 3] for w in read(text).content for i in range(max(1, len(w) - 2)))


@lru_cache(maxsize=8192)
def sentences(passage: str) -> tuple[tuple[int, int, Side], ...]:
    """The passage's sentences, read (cached)."""
    return tuple((s, e, read(passage[s:e])) for s, e in sentence_spans(passage)) or (
        (0, len(passage), read(passage)),)


def focus(claim: Side, passage: str) -> tuple[int, int, Side]:
    """The passage's sentence that says most of the claim (on content stems, then bigrams)."""
    best = None
    best_key = (-1, -1)
    for s, e, side in sentences(passage):
        key = (len(claim.content & side.content), len(claim.bigrams & side.bigrams))
        if key > best_key:
            best, best_key = (s, e, side), key
    assert best is not None
    return best


def _share(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a) if a else 0.0


def _bucket(x: float, steps: int = 5) -> str:
    return str(min(steps - 1, max(0, int(x * steps))))


def _flips(claim: Side, other: Side) -> list[tuple[str, str]]:
    out = []
    for w in sorted(claim.content | (set(claim.toks) & POLAR)):
        opp = OPPOSITES.get(w)
        if opp and w not in other.toks:
            hit = sorted(opp & set(other.toks) - set(claim.toks))
            if hit:
                out.append((w, hit[0]))
    return out


def _near(claim: Side, sent: Side) -> list[str]:
    """The focus's own words (not the claim's) within two tokens of a word it shares with the
    claim: where a substituted word ("lower" for "higher") sits."""
    toks = sent.toks
    shared = set(claim.toks)
    keep: dict[str, None] = {}
    for i, t in enumerate(toks):
        if t in claim.content:
            for j in range(max(0, i - 2), min(len(toks), i + 3)):
                u = toks[j]
                if u not in shared and (u in POLAR or (u not in STOPWORDS and not u[0].isdigit())):
                    keep[u] = None
    return list(keep)[:MAX_NEAR]


def pair_features(claim: str, passage: str, judgement: Judgement | None = None
                  ) -> list[tuple[str, float]]:
    """The named features of one pair (names repeat nowhere; values are floats)."""
    return features_and_focus(claim, passage, judgement)[0]


def features_and_focus(claim: str, passage: str, judgement: Judgement | None = None
                       ) -> tuple[list[tuple[str, float]], tuple[int, int, Side]]:
    """The features and the focus sentence they were read from (start, end, its reading)."""
    c = read(claim)
    start, end, f = focus(c, passage)
    out: list[tuple[str, float]] = [("bias", 1.0)]
    cov = _share(c.content, f.content)
    cov2 = _share(c.bigrams, f.bigrams)
    cg, fg = grams(c), grams(f)
    jac = len(cg & fg) / (len(cg | fg) or 1)
    g3 = _share(cg, fg)
    extra = 1.0 - _share(f.content, c.content)
    out += [("d:cov", cov), ("d:cov2", cov2), ("d:jac3", jac), ("d:g3", g3),
            ("d:extra", extra), ("d:clen", min(1.0, len(c.content) / 20)),
            ("d:flen", min(1.0, len(f.content) / 40)),
            ("b:cov" + _bucket(cov), 1.0),
            ("b:cov2" + _bucket(cov2), 1.0), ("b:g3" + _bucket(g3), 1.0)]
    # negation and hedges on each side
    nc, nf = min(c.negations, 2), min(f.negations, 2)
    out.append((f"neg:c{nc}f{nf}", 1.0))
    if (nc > 0) != (nf > 0):
        out.append(("neg:mismatch", 1.0))
    if c.hedged:
        out.append(("hedge:c", 1.0))
    if f.hedged:
        out.append(("hedge:f", 1.0))
    if c.hedged != f.hedged:
        out.append(("hedge:mismatch", 1.0))
    flips = _flips(c, f)
    for a, b in flips[:3]:
        out.append((f"ant:{a}>{b}", 1.0))
    if flips:
        out.append(("ant:any", 1.0))
        out.append((f"ant:neg{int(nc > 0) ^ int(nf > 0)}", 1.0))
    # numbers
    if c.numbers:
        found = c.numbers & f.numbers
        out.append(("num:c", 1.0))
        if found:
            out.append(("num:match", len(found) / len(c.numbers)))
        elif f.numbers:
            out.append(("num:other", 1.0))
        else:
            out.append(("num:absent", 1.0))
    # the rule judge
    if judgement is not None:
        j = judgement
        out += [(f"rule:{j.stance}", 1.0), (f"rule:{j.stance}:score", j.score),
                ("rule:relevance", j.relevance)]
        if j.conflicted:
            out.append(("rule:conflict", 1.0))
        if j.matched:
            out.append(("rule:matched", 1.0))
    # words: what the claim says that the focus does not, and what the focus says beside it
    claim_only = [t for t in dict.fromkeys(c.toks)
                  if t not in f.toks and (t in POLAR or t in c.content)][:MAX_CLAIM_ONLY]
    out.append(("d:conly", min(1.0, len(claim_only) / 8)))
    near = _near(c, f)
    for t in claim_only:
        out.append(("co:" + t, 1.0))
    for u in near:
        out.append(("fn:" + u, 1.0))
    for t in claim_only[:6]:
        for u in near:
            out.append((f"x:{t}|{u}", 1.0))
    for t in sorted(set(f.toks) & CUES):
        out.append(("fcue:" + t, 1.0))
    fw = sorted(set(f.toks))
    for t in fw:
        out.append(("e:" + t, 1.0 / math.sqrt(len(fw))))
    return list(dict(out).items()), (start, end, f)


# A refutation by the model needs one of these cues in the sentence it read (a probability alone
# is not enough: out of fold, no threshold on it reaches precision 0.8 for refutes).
CUE_COVERAGE = 0.3  # share of the claim's content words the sentence must say
CUE_SCOPE = 2  # a negation's scope: the words right after it
_STRICT_PAIRS: tuple[tuple[str, str], ...] = (
    ("higher", "lower"), ("increase increased increases", "decrease decreased decreases reduce reduced"),
    ("more", "less fewer"), ("greater larger", "smaller"), ("safe", "unsafe dangerous"),
    ("effective", "ineffective"), ("able", "unable"), ("likely", "unlikely"),
    ("present", "absent"), ("associated linked", "unassociated unrelated"),
    ("improve improved", "worsen worsened"), ("common", "rare"), ("before", "after"),
    ("earlier", "later"), ("positive", "negative"), ("benefit beneficial", "harm harmful"),
)
_LOOSE = frozenset({"up", "down"})  # "up to 500,000 yuan" is no rise


STRICT_OPPOSITES = _opposites(_STRICT_PAIRS, _LOOSE)


def _scoped(side: Side, i: int, shared: frozenset[str], before: int, after: int) -> str | None:
    toks = side.toks
    for j in range(max(0, i - before), min(len(toks), i + after + 1)):
        if j != i and toks[j] in shared:
            return toks[j]
    return None


def contradiction_cue(claim: Side, sent: Side) -> str | None:
    """A readable contradiction between the claim and the sentence, or None: a plain negation
    ("not", "never", "no", "n't") on one side only, right before a word both say (the claim's
    predicate, denied on one side), or a word of the claim whose opposite the sentence says next to
    a word both say ("higher" / "lower"). Either only when the sentence says at least
    ``CUE_COVERAGE`` of the claim."""
    if not claim.content:
        return None
    shared = claim.content & sent.content
    if len(shared) / len(claim.content) < CUE_COVERAGE:
        return None
    nc = [i for i, t in enumerate(claim.toks) if t == "not"]
    nf = [i for i, t in enumerate(sent.toks) if t == "not"]
    if bool(nc) != bool(nf):
        side, where = (claim, "claim") if nc else (sent, "passage")
        for i in nc or nf:
            w = _scoped(side, i, shared, 0, CUE_SCOPE)
            if w is not None:
                return f"'{side.raw[i]} ... {spelled(side, w) or w}' in the {where} only"
    for w in sorted(set(claim.toks)):
        opp = STRICT_OPPOSITES.get(w)
        if not opp or w in sent.toks:
            continue
        for i, t in enumerate(sent.toks):
            if t in opp and t not in claim.toks and _scoped(sent, i, shared, 2, 2) is not None:
                return f"'{spelled(claim, w) or w}' in the claim, '{sent.raw[i]}' in the passage"
    return None


_BUCKETS: dict[str, int] = {}


def index(name: str) -> int:
    """The bucket of a feature name: CRC-32, stable across processes and machines."""
    return zlib.crc32(name.encode("utf-8")) % DIM


def vectorize(feats: Sequence[tuple[str, float]]) -> tuple[list[int], list[float]]:
    """Bucket indices and values (colliding names add up); buckets remembered (a plain dict:
    this runs for every pair, and most names recur)."""
    if len(_BUCKETS) > 500_000:
        _BUCKETS.clear()
    get = _BUCKETS.get
    out = []
    for name, _ in feats:
        i = get(name)
        if i is None:
            i = _BUCKETS[name] = zlib.crc32(name.encode("utf-8")) % DIM
        out.append(i)
    return out, [v for _, v in feats]

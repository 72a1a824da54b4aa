"""A fixed warehouse for report tests: deterministic ids and timestamps, so golden files hold.

Written with plain parameterised INSERTs against the core schema (not the pipeline), so a report
test fails only when reporting changes. One article is ordinary; one is hostile (script tags,
event handlers, ``javascript:`` links, Markdown injection, pipes and backticks everywhere).
``add_synthetic_article`` makes the benchmark's large article (200 claims, 2,000 evidence rows).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from claimtrack.settings import Settings
from warehouse.db import Connection, Warehouse
from warehouse.ids import stable_id

FIXED_NOW = datetime(2026, 1, 11, 12, 0, tzinfo=UTC)
T0 = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
RUN_OLD = "r_20260103T090000_aaaaaa"
RUN_ID = "r_20260110T090000_bbbbbb"
ARTICLE_ID = "a_riverton_water"
HOSTILE_ID = "a_hostile"
ARTICLE_URL = "https://news.example.org/2026/01/09/riverton-water"

ARTICLE_TEXT = (
    "Riverton's council published its annual water report on Friday. "
    "Water use in Riverton fell 12 percent in 2025, the report says. "
    "The city replaced 40 kilometres of old pipes last year. "
    "\"We have the cleanest tap water in the state,\" Mayor Ana Ortiz said at the launch. "
    "Leaks now account for less than a tenth of all water lost. "
    "The new reservoir will open in 2027, two years later than planned. "
    "Residents pay about 3 euros per cubic metre. "
)
HOSTILE_TEXT = (
    "Intro <script>alert('article')</script> text. "
    "The <img src=x onerror=alert(1)> council | spent `rm -rf` 5 million on [x](javascript:alert(1)). "
    "# Not a heading and ![img](http://evil.example/x.png) | col | col |. "
)


def settings_for(path: Path) -> Settings:
    """Settings with a publisher, so ClaimReview URLs and authors are complete."""
    return Settings(db=path).with_overrides(review={
        "publisher_name": "Riverton Fact Desk",
        "publisher_url": "https://factdesk.example.org/",
        "report_base_url": "https://factdesk.example.org/checks/",
        "snapshot_base_url": "https://factdesk.example.org/snapshots/",
    })


def _insert(con: Connection, table: str, **cols: Any) -> None:
    names = ", ".join(f'"{k}"' for k in cols)
    marks = ", ".join("?" for _ in cols)
    con.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(cols.values()))  # noqa: S608


def _insert_many(con: Connection, table: str, columns: str, rows: list[list[Any]]) -> None:
    names = columns.split()
    sql = (f"INSERT INTO {table} ({', '.join(f'{chr(34)}{n}{chr(34)}' for n in names)}) "  # noqa: S608
           f"VALUES ({', '.join('?' for _ in names)})")
    con.executemany(sql, rows)


def _mention(con: Connection, article_id: str, claim_id: str, text: str, body: str,
             sentence: str, run: str) -> None:
    start = body.index(sentence)
    _insert(con, "claim_mentions", claim_id=claim_id, article_id=article_id, text=text,
            sentence=sentence, start=start, end=start + len(sentence), first_run=run)


def _claim(con: Connection, cid: str, text: str, kind: str, worth: float,
           quote: dict[str, Any] | None = None, run: str = RUN_ID) -> None:
    _insert(con, "claims", id=cid, text=text, normalized=text.lower(), kind=kind,
            checkworthiness=worth, entities="[]", quantities="[]", dates="[]",
            quote=json.dumps(quote), first_run=run, created_at=T0)


def _source(con: Connection, sid: str, url: str, domain: str, title: str, tier: str,
            snapshot: str, text: str, published: str | None) -> None:
    _insert(con, "sources", id=sid, url=url, canonical_url=url, domain=domain, tier=tier,
            title=title, first_seen=T0)
    _insert(con, "snapshots", hash=snapshot, source_id=sid, path=None, bytes=len(text) + 400,
            content_type="text/html", fetched_at=T0 + timedelta(minutes=2), url=url,
            canonical_url=url, title=title, published=published, author=None, text=text)
    _insert(con, "passages", id=f"p_{snapshot[:8]}", snapshot_hash=snapshot, idx=0, start=0,
            end=len(text), text=text)
    _insert(con, "fetches", id=f"f_{sid}", run_id=RUN_ID, source_id=sid, url=url, final_url=url,
            attempted_at=T0 + timedelta(minutes=2), status="fetched", reason="ok",
            http_status=200, content_type="text/html", bytes=len(text) + 400, ms=120, attempts=1,
            snapshot_hash=snapshot, etag=None, last_modified=None)


def _evidence(con: Connection, claim_id: str, sid: str, snapshot: str, stance: str,
              score: float, relevance: float, reason: str, quote: str) -> str:
    eid = stable_id("e", claim_id, sid)
    _insert(con, "evidence", id=eid, claim_id=claim_id, passage_id=f"p_{snapshot[:8]}",
            source_id=sid, relevance=relevance, stance=stance, score=score, reason=reason,
            quote=quote, quote_start=0, quote_end=len(quote), run_id=RUN_ID,
            assessed_at=T0 + timedelta(minutes=3))
    return eid


def _verdict(con: Connection, claim_id: str, status: str, confidence: float, rationale: str,
             evidence: list[str], run: str = RUN_ID, at: datetime | None = None,
             reasons: tuple[str, ...] = ()) -> None:
    _insert(con, "verdicts", id=stable_id("v", claim_id, run), claim_id=claim_id, run_id=run,
            status=status, confidence=confidence, rationale=rationale,
            evidence_ids=json.dumps(evidence), assessor="rules", needs_review=bool(reasons),
            review_reasons=json.dumps(list(reasons)), created_at=at or T0 + timedelta(minutes=4))


def _review(con: Connection, claim_id: str, n: int, action: str, editor: str,
            rating: str | None = None, note: str | None = None, publish: bool | None = None,
            at: datetime | None = None) -> None:
    _insert(con, "reviews", id=f"rv_{claim_id}_{n}", claim_id=claim_id, editor=editor,
            action=action, rating=rating, note=note, internal_note=None, publish=publish,
            created_at=at or T0 + timedelta(hours=2, minutes=n))


def _link(con: Connection, claim_id: str, sid: str, provider: str, rank: int) -> None:
    _insert(con, "claim_sources", claim_id=claim_id, source_id=sid, provider=provider, rank=rank,
            query="", first_run=RUN_ID)


def _riverton(con: Connection) -> None:
    body = ARTICLE_TEXT
    _insert(con, "articles", id=ARTICLE_ID, url=ARTICLE_URL, canonical_url=ARTICLE_URL,
            title="Riverton says water use fell 12% in 2025", published="2026-01-09", text=body,
            content_hash="h_riverton", source_path=None, first_run=RUN_ID, created_at=T0)
    _source(con, "s_council", "https://council.example.gov/water-report-2025",
            "council.example.gov", "Annual water report 2025", "official", "a1" * 32,
            "Total consumption was 11.5 percent lower in 2025 than in 2024. The utility "
            "replaced 38 kilometres of mains.", "2026-01-08")
    _source(con, "s_stats", "https://stats.example.org/water/2025", "stats.example.org",
            "Water statistics 2025", "reference", "b2" * 32,
            "Average household tariff: 3.05 EUR per cubic metre. Leakage: 18 percent of "
            "water lost.", "2025-12-01")
    _source(con, "s_blog", "https://blog.example.net/riverton-pipes", "blog.example.net",
            "Riverton's pipe works", "unknown", "c3" * 32,
            "The reservoir opening was moved from 2025 to 2027.", None)
    claims = [
        ("c_use", "Water use in Riverton fell 12 percent in 2025.", "statistic", 0.93, None,
         "Water use in Riverton fell 12 percent in 2025, the report says."),
        ("c_leaks", "Leaks account for less than a tenth of all water lost.", "statistic", 0.88,
         None, "Leaks now account for less than a tenth of all water lost."),
        ("c_tap", "Riverton has the cleanest tap water in the state.", "quote", 0.81,
         {"speaker": "Ana Ortiz", "words": "We have the cleanest tap water in the state"},
         "\"We have the cleanest tap water in the state,\" Mayor Ana Ortiz said at the launch."),
        ("c_pipes", "The city replaced 40 kilometres of old pipes last year.", "statistic", 0.77,
         None, "The city replaced 40 kilometres of old pipes last year."),
        ("c_reservoir", "The new reservoir will open in 2027, two years later than planned.",
         "event", 0.7, None, "The new reservoir will open in 2027, two years later than planned."),
        ("c_price", "Residents pay about 3 euros per cubic metre.", "statistic", 0.62, None,
         "Residents pay about 3 euros per cubic metre."),
    ]
    for cid, text, kind, worth, quote, sentence in claims:
        _claim(con, cid, text, kind, worth, quote)
        _mention(con, ARTICLE_ID, cid, text, body, sentence, RUN_ID)
    for cid, sid, provider, rank in [
        ("c_use", "s_council", "links", 1), ("c_use", "s_stats", "corpus", 2),
        ("c_leaks", "s_stats", "corpus", 1), ("c_pipes", "s_council", "links", 1),
        ("c_reservoir", "s_blog", "links", 1), ("c_price", "s_stats", "corpus", 1),
        ("c_tap", "s_stats", "corpus", 1),
    ]:
        _link(con, cid, sid, provider, rank)
    e1 = _evidence(con, "c_use", "s_council", "a1" * 32, "supports", 0.82, 0.91,
                   "The report's 11.5% drop rounds to the article's 12%.",
                   "Total consumption was 11.5 percent lower in 2025 than in 2024.")
    e2 = _evidence(con, "c_use", "s_stats", "b2" * 32, "neutral", 0.1, 0.35,
                   "About tariffs, not consumption.",
                   "Average household tariff: 3.05 EUR per cubic metre.")
    e3 = _evidence(con, "c_leaks", "s_stats", "b2" * 32, "refutes", 0.77, 0.84,
                   "18 percent is more than a tenth.", "Leakage: 18 percent of water lost.")
    e4 = _evidence(con, "c_pipes", "s_council", "a1" * 32, "supports", 0.55, 0.7,
                   "38 km is close to 40 km but not the same.",
                   "The utility replaced 38 kilometres of mains.")
    e5 = _evidence(con, "c_pipes", "s_stats", "b2" * 32, "refutes", 0.3, 0.4,
                   "Weak signal: different figure nearby.", "Leakage: 18 percent of water lost.")
    e6 = _evidence(con, "c_reservoir", "s_blog", "c3" * 32, "supports", 0.74, 0.8,
                   "The blog gives the same new year and the delay.",
                   "The reservoir opening was moved from 2025 to 2027.")
    e7 = _evidence(con, "c_price", "s_stats", "b2" * 32, "supports", 0.9, 0.92,
                   "3.05 EUR is about 3 euros.",
                   "Average household tariff: 3.05 EUR per cubic metre.")
    e8 = _evidence(con, "c_tap", "s_stats", "b2" * 32, "neutral", 0.1, 0.41,
                   "About tariffs and leaks, not water quality.",
                   "Average household tariff: 3.05 EUR per cubic metre.")
    # an older verdict the current one replaces
    _verdict(con, "c_use", "unverified", 0.2, "No source yet.", [], run=RUN_OLD,
             at=T0 - timedelta(days=7))
    _verdict(con, "c_use", "supported", 0.82, "One official source supports it.", [e1, e2])
    _verdict(con, "c_leaks", "refuted", 0.77, "The statistics office reports 18% leakage.", [e3])
    _verdict(con, "c_tap", "unverified", 0.0, "No passage settles the claim.", [e8],
             reasons=("high_checkworthiness",))
    _verdict(con, "c_pipes", "mixed", 0.45, "Sources disagree on the length.", [e4, e5],
             reasons=("mixed",))
    _verdict(con, "c_reservoir", "supported", 0.74, "A blog supports the date.", [e6],
             reasons=("low_confidence",))
    _verdict(con, "c_price", "supported", 0.9, "The statistics office gives 3.05 EUR.", [e7])
    _review(con, "c_use", 1, "take", "maria")
    _review(con, "c_use", 2, "decide", "maria", "true", "Rounded correctly.", True)
    _review(con, "c_use", 3, "decide", "maria", "mostly-true",
            "The report says 11.5%; 12% rounds it up.", True)
    _review(con, "c_leaks", 4, "decide", "tom", "false", "Leakage is 18%, not under 10%.", True)
    _review(con, "c_pipes", 5, "decide", "tom", "misleading", "Draft, not yet checked.", False)


def _hostile(con: Connection) -> None:
    body = HOSTILE_TEXT
    _insert(con, "articles", id=HOSTILE_ID, url="javascript:alert('url')", canonical_url=None,
            title="<script>alert('title')</script> Breaking | `news` [x](javascript:alert(1))",
            published="2026-01-09", text=body, content_hash="h_hostile", source_path=None,
            first_run=RUN_ID, created_at=T0)
    _source(con, "s_evil", "javascript:alert('src')", "evil.example", "<b onmouseover=alert(3)>t</b>",
            "unknown", "d4" * 32, "</blockquote><script>alert('quote')</script> | a | b |", None)
    text = "The <img src=x onerror=alert(1)> council | spent `rm -rf` 5 million on [x](javascript:alert(1))."
    _claim(con, "c_hostile", text, "quote", 0.99,
           {"speaker": "</script><script>alert('speaker')</script>", "words": "x"})
    _mention(con, HOSTILE_ID, "c_hostile", text, body, text, RUN_ID)
    _link(con, "c_hostile", "s_evil", "links", 1)
    e = _evidence(con, "c_hostile", "s_evil", "d4" * 32, "refutes", 0.9, 0.9,
                  "**bold** [click](javascript:alert('reason')) <svg onload=alert(6)>",
                  "</blockquote><script>alert('quote')</script> | a | b |")
    _verdict(con, "c_hostile", "refuted", 0.9, "<iframe src=javascript:alert(7)></iframe> | x |", [e])
    _review(con, "c_hostile", 9, "decide", "<i>eve</i>", "false",
            "[click](javascript:alert(4)) <script>alert('note')</script> `code` | pipe |", True)


def _runs(con: Connection) -> None:
    params = json.dumps({"articles": [ARTICLE_URL], "providers": ["links", "corpus"]})
    _insert(con, "runs", id=RUN_OLD, flow="check_article", started_at=T0 - timedelta(days=7),
            finished_at=T0 - timedelta(days=7) + timedelta(minutes=3), status="completed",
            params=params, note=None)
    _insert(con, "runs", id=RUN_ID, flow="check_article", started_at=T0,
            finished_at=T0 + timedelta(minutes=5), status="completed", params=params, note=None)


def build_fixture_warehouse(path: Path) -> Warehouse:
    """The fixed warehouse every report test and golden file uses."""
    wh = Warehouse(path)
    with wh.transaction() as con:
        _runs(con)
        _riverton(con)
        _hostile(con)
    return wh


def add_synthetic_article(wh: Warehouse, article_id: str, claims: int, evidence_per_claim: int,
                          sources: int = 50) -> None:
    """A large article for the benchmark: ``claims`` claims with ``evidence_per_claim`` rows each,
    a published editorial rating on every fourth claim. Generated in SQL, so it takes a moment."""
    a, n, k, m = article_id, claims, evidence_per_claim, sources
    script = [
        ("INSERT INTO articles (id, url, canonical_url, title, published, text, content_hash, "
         "first_run, created_at) SELECT $a, 'https://big.example.org/' || $a, "
         "'https://big.example.org/' || $a, 'Big ' || $a, DATE '2026-01-01', "
         "string_agg('Claim number ' || i || ' says the figure was ' || (i * 7) || ' percent.', ' ' ORDER BY i), 'h_' || $a, $run, $t FROM range($n) t(i)"),
        ("INSERT INTO sources (id, url, canonical_url, domain, tier, title, first_seen) "
         "SELECT 's_' || $a || '_' || i, 'https://src' || i || '.example.org/p', "
         "'https://src' || i || '.example.org/p', 'src' || i || '.example.org', 'reference', "
         "'Source ' || i, $t FROM range($m) t(i)"),
        ("INSERT INTO snapshots (hash, source_id, bytes, content_type, fetched_at, title, "
         "published, text) SELECT rpad($a || '_' || lpad(i::VARCHAR, 4, '0') || '_', 64, '0'), 's_' || $a || '_' || i, 400, "
         "'text/html', $t, 'Source ' || i, DATE '2025-06-01', "
         "repeat('Source ' || i || ' reports figures for many years. ', 8) FROM range($m) t(i)"),
        ('INSERT INTO passages (id, snapshot_hash, idx, start, "end", text) '
         "SELECT 'p_' || $a || '_' || i, rpad($a || '_' || lpad(i::VARCHAR, 4, '0') || '_', 64, '0'), 0, 0, 300, "
         "repeat('Source ' || i || ' reports figures for many years. ', 8) FROM range($m) t(i)"),
        ("INSERT INTO claims (id, text, normalized, kind, checkworthiness, entities, quantities, "
         "dates, quote, first_run, created_at) SELECT 'c_' || $a || '_' || lpad(i::VARCHAR, 4, '0'), "
         "'Claim number ' || i || ' says the figure was ' || (i * 7) || ' percent.', lower('Claim number ' || i || ' says the figure was ' || (i * 7) || ' percent.'), "
         "'statistic', round(0.5 + ((i * 37) % 50) / 100, 2), "
         "'[]', '[]', '[]', 'null', $run, $t FROM range($n) t(i)"),
        ('INSERT INTO claim_mentions (claim_id, article_id, text, sentence, start, "end", first_run) '
         "SELECT 'c_' || $a || '_' || lpad(i::VARCHAR, 4, '0'), $a, "
         "'Claim number ' || i || ' says the figure was ' || (i * 7) || ' percent.', 'Claim number ' || i || ' says the figure was ' || (i * 7) || ' percent.', "
         "i * 50, i * 50 + 45, $run FROM range($n) t(i)"),
        ("INSERT INTO evidence (id, claim_id, passage_id, source_id, relevance, stance, score, "
         "reason, quote, quote_start, quote_end, run_id, assessed_at) "
         "SELECT 'e_' || $a || '_' || i || '_' || j, 'c_' || $a || '_' || lpad(i::VARCHAR, 4, '0'), "
         "'p_' || $a || '_' || ((i + j) % $m), 's_' || $a || '_' || ((i + j) % $m), 0.3 + j / 20, "
         "['supports', 'refutes', 'neutral'][((i + j) % 3) + 1], 0.2 + j / 25, "
         "'Reason ' || j || ' for claim ' || i || '.', "
         "'Source ' || ((i + j) % $m) || ' reports figures.', 0, 30, $run, $t "
         "FROM range($n) t(i), range($k) u(j)"),
        ("INSERT INTO verdicts (id, claim_id, run_id, status, confidence, rationale, evidence_ids, "
         "assessor, needs_review, review_reasons, created_at) "
         "SELECT 'v_' || $a || '_' || i, 'c_' || $a || '_' || lpad(i::VARCHAR, 4, '0'), $run, "
         "['supported', 'refuted', 'mixed', 'unverified'][(i % 4) + 1], 0.6, "
         "'Rationale for claim ' || i || '.', "
         "to_json(['e_' || $a || '_' || i || '_0', 'e_' || $a || '_' || i || '_1', "
         "'e_' || $a || '_' || i || '_2']), 'rules', false, '[]', $t FROM range($n) t(i)"),
        ("INSERT INTO reviews (id, claim_id, editor, action, rating, note, publish, created_at) "
         "SELECT 'rv_' || $a || '_' || i, 'c_' || $a || '_' || lpad(i::VARCHAR, 4, '0'), 'maria', "
         "'decide', ['true', 'mostly-true', 'misleading', 'false', 'unproven'][(i % 5) + 1], "
         "'Note ' || i, true, $t FROM range(0, $n, 4) t(i)"),
    ]
    params = {"a": a, "n": n, "k": k, "m": m, "run": RUN_ID, "t": T0}
    with wh.transaction() as con:
        for sql in script:
            con.execute(sql, {key: v for key, v in params.items() if f"${key}" in sql})

"""Warehouses for the review desk's tests and benchmark, filled with plain parameterised INSERTs
against the 001 schema (independent of the pipeline's store, so desk tests do not move with it).

``build_small`` is a realistic little desk: two articles, claims with mentions (one repeated in
both articles), sources with snapshots and passages, evidence, verdicts (one whose status changed)
and one earlier decision. ``build_big`` makes 100,000 claims with INSERT ... SELECT from range().
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from warehouse.db import Warehouse

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
XSS_SCRIPT = "<script>window.__pwned=1</script>"
XSS_IMG = '<img src=x onerror="window.__pwned=1">'
XSS_LINK = '<a href="javascript:window.__pwned=1">click</a>'
XSS = f"{XSS_SCRIPT} {XSS_IMG} {XSS_LINK}"

ARTICLE_1 = (
    "City council approves new budget. "
    "The city spent 12 million euros on road repairs in 2024, officials said. "
    "The mayor promised new bike lanes last spring. "
    "Unemployment in the region fell to 4.1 percent, the lowest since 2008. "
    "Critics said the mayor \"never visited the northern district\"."
)
ARTICLE_2 = (
    "Opposition questions spending. "
    "According to the report, the city spent 12 million euros on road repairs in 2024. "
    "The opposition wants an audit."
)
SNAP_1 = (
    "Annual report 2024. Road maintenance: the city spent 11.8 million euros on road repairs "
    "in 2024, according to the audited accounts. Parks received 3 million euros."
)
SNAP_2 = (
    "Regional statistics. The unemployment rate in the region was 4.1 percent in December, "
    "the lowest level since 2008. Youth unemployment stayed high."
)


@dataclass(frozen=True, slots=True)
class SmallDesk:
    roads: str  # in both articles; status changed supported -> mixed; needs review
    jobs: str  # refuted, needs review
    lanes: str  # supported with high confidence: no review needed
    quote: str  # needs review but already decided after its verdict
    xss: str | None  # a claim full of markup, when asked for
    article_1: str
    article_2: str
    article_xss: str | None
    source_1: str
    source_2: str
    source_xss: str | None


def _span(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def _claim(con: object, cid: str, text: str, kind: str, cw: float, at: datetime) -> None:
    con.execute(  # type: ignore[attr-defined]
        "INSERT INTO claims (id, text, normalized, kind, checkworthiness, entities, quantities, "
        "dates, quote, first_run, created_at) VALUES (?, ?, ?, ?, ?, '[]', '[]', '[]', 'null', "
        "'run_1', ?)",
        [cid, text, text.lower(), kind, cw, at],
    )


def _mention(con: object, cid: str, aid: str, article: str, needle: str) -> None:
    start, end = _span(article, needle)
    con.execute(  # type: ignore[attr-defined]
        'INSERT INTO claim_mentions (claim_id, article_id, text, sentence, start, "end", first_run) '
        "VALUES (?, ?, ?, ?, ?, ?, 'run_1')",
        [cid, aid, needle, needle, start, end],
    )


def _verdict(con: object, vid: str, cid: str, run: str, status: str, conf: float,
             rationale: str, evidence: list[str], reasons: list[str], at: datetime) -> None:
    con.execute(  # type: ignore[attr-defined]
        "INSERT INTO verdicts (id, claim_id, run_id, status, confidence, rationale, evidence_ids, "
        "assessor, needs_review, review_reasons, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
        "'lexical-v1', ?, ?, ?)",
        [vid, cid, run, status, conf, rationale, json.dumps(evidence), bool(reasons),
         json.dumps(reasons), at],
    )


def _source(con: object, sid: str, url: str, domain: str, tier: str, title: str,
            snap: str, text: str, at: datetime) -> None:
    con.execute(  # type: ignore[attr-defined]
        "INSERT INTO sources (id, url, canonical_url, domain, tier, title, first_seen) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)", [sid, url, url, domain, tier, title, at])
    con.execute(  # type: ignore[attr-defined]
        "INSERT INTO snapshots (hash, source_id, path, bytes, content_type, fetched_at, url, "
        "canonical_url, title, text) VALUES (?, ?, NULL, ?, 'text/html', ?, ?, ?, ?, ?)",
        [snap, sid, len(text), at, url, url, title, text])
    con.execute(  # type: ignore[attr-defined]
        "INSERT INTO fetches (id, run_id, source_id, url, final_url, attempted_at, status, reason, "
        "http_status, content_type, bytes, ms, attempts, snapshot_hash) VALUES "
        "(?, 'run_1', ?, ?, ?, ?, 'fetched', 'ok', 200, 'text/html', ?, 40, 1, ?)",
        [f"f_{sid}", sid, url, url, at, len(text), snap])


def _evidence(con: object, eid: str, cid: str, sid: str, snap: str, snap_text: str,
              passage: str, quote: str, stance: str, reason: str, run: str,
              at: datetime) -> None:
    p_start, p_end = _span(snap_text, passage)
    q_start, q_end = _span(snap_text, quote)
    pid = f"p_{eid}"
    con.execute(  # type: ignore[attr-defined]
        'INSERT INTO passages (id, snapshot_hash, idx, start, "end", text) VALUES (?, ?, 0, ?, ?, ?) '
        "ON CONFLICT DO NOTHING", [pid, snap, p_start, p_end, passage])
    con.execute(  # type: ignore[attr-defined]
        "INSERT INTO evidence (id, claim_id, passage_id, source_id, relevance, stance, score, "
        "reason, quote, quote_start, quote_end, run_id, assessed_at) "
        "VALUES (?, ?, ?, ?, 0.8, ?, 0.7, ?, ?, ?, ?, ?, ?)",
        [eid, cid, pid, sid, stance, reason, quote, q_start, q_end, run, at])


def build_small(wh: Warehouse, *, xss: bool = False) -> SmallDesk:
    """A small, realistic desk; with ``xss`` also a claim, article and source full of markup."""
    t1, t2 = T0, T0 + timedelta(days=2)
    roads_1 = "The city spent 12 million euros on road repairs in 2024, officials said."
    roads_2 = "the city spent 12 million euros on road repairs in 2024."
    jobs = "Unemployment in the region fell to 4.1 percent, the lowest since 2008."
    lanes = "The mayor promised new bike lanes last spring."
    quote = "Critics said the mayor \"never visited the northern district\"."
    with wh.transaction() as con:
        for run, at in (("run_1", t1), ("run_2", t2)):
            con.execute("INSERT INTO runs (id, flow, started_at, finished_at, status) "
                        "VALUES (?, 'check_article', ?, ?, 'completed')", [run, at, at])
        for aid, title, text in (("a_news1", "Council approves budget", ARTICLE_1),
                                 ("a_news2", "Opposition questions spending", ARTICLE_2)):
            con.execute(
                "INSERT INTO articles (id, url, canonical_url, title, published, text, content_hash, "
                "first_run, created_at) VALUES (?, ?, ?, ?, DATE '2026-02-28', ?, ?, 'run_1', ?)",
                [aid, f"https://news.example.com/{aid}", f"https://news.example.com/{aid}", title,
                 text, f"h_{aid}", t1])
        _claim(con, "c_roads", roads_1, "statistic", 0.92, t1)
        _claim(con, "c_jobs", jobs, "statistic", 0.81, t1)
        _claim(con, "c_lanes", lanes, "event", 0.40, t1)
        _claim(con, "c_quote", quote, "quote", 0.66, t1)
        _mention(con, "c_roads", "a_news1", ARTICLE_1, roads_1)
        _mention(con, "c_roads", "a_news2", ARTICLE_2, roads_2)
        _mention(con, "c_jobs", "a_news1", ARTICLE_1, jobs)
        _mention(con, "c_lanes", "a_news1", ARTICLE_1, lanes)
        _mention(con, "c_quote", "a_news1", ARTICLE_1, quote)
        _source(con, "s_city", "https://city.example.org/report-2024", "city.example.org",
                "official", "Annual report 2024", "snap_city", SNAP_1, t1)
        _source(con, "s_stats", "https://stats.example.net/region", "stats.example.net",
                "reliable", "Regional statistics", "snap_stats", SNAP_2, t1)
        roads_passage = ("Road maintenance: the city spent 11.8 million euros on road repairs "
                         "in 2024, according to the audited accounts.")
        _evidence(con, "e_roads", "c_roads", "s_city", "snap_city", SNAP_1, roads_passage,
                  "the city spent 11.8 million euros on road repairs in 2024",
                  "supports", "11.8 million is close to the claimed 12 million", "run_2", t2)
        jobs_passage = ("The unemployment rate in the region was 4.1 percent in December, the "
                        "lowest level since 2008.")
        _evidence(con, "e_jobs", "c_jobs", "s_stats", "snap_stats", SNAP_2, jobs_passage,
                  "the lowest level since 2008", "refutes",
                  "the source gives a December figure, not the yearly rate", "run_2", t2)
        _verdict(con, "v_roads_1", "c_roads", "run_1", "supported", 0.82,
                 "One official source agrees.", ["e_roads"], [], t1)
        _verdict(con, "v_roads_2", "c_roads", "run_2", "mixed", 0.45,
                 "Sources disagree on the amount.", ["e_roads"], ["mixed", "changed"], t2)
        _verdict(con, "v_jobs_2", "c_jobs", "run_2", "refuted", 0.55,
                 "The statistics office gives a different period.", ["e_jobs"],
                 ["low_confidence", "checkworthy"], t2 - timedelta(hours=1))
        _verdict(con, "v_lanes_2", "c_lanes", "run_2", "supported", 0.91,
                 "Reported widely.", [], [], t2)
        _verdict(con, "v_quote_2", "c_quote", "run_2", "unverified", 0.0,
                 "No relevant evidence found.", [], ["unverified"], t2)
        con.execute(
            "INSERT INTO editors (name, password_hash, created_at) VALUES ('seed', 'x', ?)", [t1])
        con.execute(
            "INSERT INTO reviews (id, claim_id, editor, action, rating, note, internal_note, "
            "publish, created_at) VALUES ('rv_000000000000_seed', 'c_quote', 'seed', 'decide', "
            "'unproven', 'We could not reach the critics.', 'asked twice', true, ?)",
            [t2 + timedelta(hours=1)])
        xss_claim = xss_article = xss_source = None
        if xss:
            xss_claim, xss_article, xss_source = "c_xss", "a_xss", "s_xss"
            article = f"Intro {XSS}. The claim {XSS_SCRIPT} says 7 is 8 {XSS_IMG}. Outro {XSS_LINK}."
            claim_text = f"The claim {XSS_SCRIPT} says 7 is 8 {XSS_IMG}."
            con.execute(
                "INSERT INTO articles (id, url, canonical_url, title, text, content_hash, "
                "first_run, created_at) VALUES (?, ?, ?, ?, ?, 'h_xss', 'run_1', ?)",
                [xss_article, "javascript:window.__pwned=1", "javascript:window.__pwned=1",
                 f"Title {XSS}", article, t1])
            _claim(con, xss_claim, claim_text, "other", 0.99, t1)
            _mention(con, xss_claim, xss_article, article, claim_text)
            snap = f"Source says {XSS} and 7 is not 8 {XSS_SCRIPT}. End."
            _source(con, xss_source, "javascript:window.__pwned=1", f"evil.example{XSS_IMG}",
                    f"tier{XSS_SCRIPT}", f"Source {XSS}", "snap_xss", snap, t1)
            _evidence(con, "e_xss", xss_claim, xss_source, "snap_xss", snap,
                      f"Source says {XSS} and 7 is not 8 {XSS_SCRIPT}.",
                      f"7 is not 8 {XSS_SCRIPT}", "refutes", f"reason {XSS}", "run_2", t2)
            _verdict(con, "v_xss", xss_claim, "run_2", "refuted", 0.3, f"Rationale {XSS}",
                     ["e_xss"], ["checkworthy"], t2)
    return SmallDesk("c_roads", "c_jobs", "c_lanes", "c_quote", xss_claim, "a_news1",
                     "a_news2", xss_article, "s_city", "s_stats", xss_source)


def build_big(wh: Warehouse, n_claims: int = 100_000) -> None:
    """A desk at scale: ``n_claims`` claims over n/50 articles, 3 evidence rows each, a second
    verdict for every third claim, a decision for every tenth, built set-wise in seconds."""
    n_articles = max(1, n_claims // 50)
    n_sources = max(1, n_claims // 20)
    body = ("The city spent 12 million euros on road repairs in 2024, officials said. " * 40)
    with wh.transaction() as con:
        con.execute("INSERT INTO runs VALUES ('run_1', 'check_article', ?, ?, 'completed', "
                    "NULL, NULL), ('run_2', 'reverify_tracked', ?, ?, 'completed', NULL, NULL)",
                    [T0, T0, T0 + timedelta(days=1), T0 + timedelta(days=1)])
        con.execute(
            "INSERT INTO articles (id, url, canonical_url, title, text, content_hash, first_run, "
            "created_at) SELECT 'a_' || i, 'https://news.example.com/' || i, "
            "'https://news.example.com/' || i, 'Article ' || i, ?, 'h' || i, 'run_1', ? "
            "FROM range(?) t(i)", [body, T0, n_articles])
        con.execute(
            "INSERT INTO claims (id, text, normalized, kind, checkworthiness, entities, quantities, "
            "dates, quote, first_run, created_at) SELECT 'c_' || i, "
            "'Claim ' || i || ': the city spent ' || (i % 97) || ' million euros on roads.', "
            "'claim ' || i, ['statistic','event','quote','law','comparison','other'][1 + i % 6], "
            "((i * 7919) % 1000) / 1000.0, '[]', '[]', '[]', 'null', 'run_1', ? "
            "FROM range(?) t(i)", [T0, n_claims])
        con.execute(
            'INSERT INTO claim_mentions (claim_id, article_id, text, sentence, start, "end", '
            "first_run) SELECT 'c_' || i, 'a_' || (i % ?), 'Claim ' || i, 'Claim ' || i, "
            "75 * (i % 30), 75 * (i % 30) + 72, 'run_1' FROM range(?) t(i)",
            [n_articles, n_claims])
        con.execute(  # every seventh claim is repeated in a second article
            'INSERT INTO claim_mentions (claim_id, article_id, text, sentence, start, "end", '
            "first_run) SELECT 'c_' || i, 'a_' || ((i + 1) % ?), 'Claim ' || i, 'Claim ' || i, "
            "0, 72, 'run_1' FROM range(0, ?, 7) t(i) WHERE ? > 1",
            [n_articles, n_claims, n_articles])
        con.execute(
            "INSERT INTO sources (id, url, canonical_url, domain, tier, title, first_seen) "
            "SELECT 's_' || i, 'https://site' || (i % 300) || '.example.org/page/' || i, "
            "'https://site' || (i % 300) || '.example.org/page/' || i, "
            "'site' || (i % 300) || '.example.org', ['official','reliable','unknown'][1 + i % 3], "
            "'Page ' || i, ? FROM range(?) t(i)", [T0, n_sources])
        con.execute(
            "INSERT INTO snapshots (hash, source_id, bytes, content_type, fetched_at, url, title, "
            "text) SELECT 'h_' || i, 's_' || i, 3000, 'text/html', ?, "
            "'https://site' || (i % 300) || '.example.org/page/' || i, 'Page ' || i, ? "
            "FROM range(?) t(i)", [T0, body, n_sources])
        con.execute(
            'INSERT INTO passages (id, snapshot_hash, idx, start, "end", text) '
            "SELECT 'p_' || i || '_' || k, 'h_' || i, k, 75 * k, 75 * k + 72, "
            "'The city spent 12 million euros on road repairs in 2024, officials said.' "
            "FROM range(?) t(i), range(4) u(k)", [n_sources])
        con.execute(
            "INSERT INTO evidence (id, claim_id, passage_id, source_id, relevance, stance, score, "
            "reason, quote, quote_start, quote_end, run_id, assessed_at) "
            "SELECT 'e_' || i || '_' || k, 'c_' || i, "
            "'p_' || ((i * 3 + k) % ?) || '_' || (k % 4), 's_' || ((i * 3 + k) % ?), "
            "0.5 + k / 10.0, ['supports','refutes','neutral'][1 + (i + k) % 3], 0.6, "
            "'matching number and entity', 'spent 12 million euros', "
            "75 * (k % 4) + 9, 75 * (k % 4) + 31, 'run_2', ? "
            "FROM range(?) t(i), range(3) u(k)",
            [n_sources, n_sources, T0 + timedelta(days=1), n_claims])
        con.execute(
            "INSERT INTO verdicts (id, claim_id, run_id, status, confidence, rationale, "
            "evidence_ids, assessor, needs_review, review_reasons, created_at) "
            "SELECT 'v1_' || i, 'c_' || i, 'run_1', "
            "['supported','refuted','mixed','unverified'][1 + i % 4], ((i * 31) % 100) / 100.0, "
            "'Two sources agree, one disagrees.', "
            "'[\"e_' || i || '_0\",\"e_' || i || '_1\",\"e_' || i || '_2\"]', 'lexical-v1', "
            "i % 3 <> 0, '[\"low_confidence\"]', ? + to_seconds(i % 86400) FROM range(?) t(i)",
            [T0, n_claims])
        con.execute(  # every third claim was re-verified and its status changed
            "INSERT INTO verdicts (id, claim_id, run_id, status, confidence, rationale, "
            "evidence_ids, assessor, needs_review, review_reasons, created_at) "
            "SELECT 'v2_' || i, 'c_' || i, 'run_2', "
            "['supported','refuted','mixed','unverified'][1 + (i + 1) % 4], 0.5, "
            "'Status changed on re-check.', '[]', 'lexical-v1', true, '[\"changed\"]', "
            "? + to_seconds(i % 86400) FROM range(0, ?, 3) t(i)",
            [T0 + timedelta(days=1), n_claims])
        con.execute(
            "INSERT INTO editors (name, password_hash, created_at) VALUES ('seed', 'x', ?)", [T0])
        con.execute(
            "INSERT INTO reviews (id, claim_id, editor, action, rating, note, internal_note, "
            "publish, created_at) SELECT 'rv_' || lpad(i::VARCHAR, 12, '0') || '_big', 'c_' || i, "
            "'seed', 'decide', 'false', 'Checked.', NULL, true, ? FROM range(0, ?, 10) t(i)",
            [T0 + timedelta(days=2), n_claims])

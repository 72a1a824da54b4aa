"""The Markdown report, for pasting into a CMS.

Every piece of text from an article, a source or an editor is untrusted: it is folded onto one
line and every Markdown- or HTML-significant character is escaped, so it can neither open a link,
an image, a heading, a table cell nor raw HTML. Links are made only to http(s) URLs.
"""

from __future__ import annotations

import re

from desk.report.common import (
    FLAGGED,
    STATUS_LABELS,
    article_label,
    claim_anchor,
    closest_evidence,
    deciding_evidence,
    iso,
    rating_counts,
    rating_label,
    safe_url,
    snapshot_url,
    status_counts,
)
from warehouse.reports import ArticleReport, ClaimReport, EvidenceItem

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")
_LEADING = re.compile(r"^(\d+)([.)])(?=\s|$)|^([-=+])(?=\s|$)")


def escape(text: str | None) -> str:
    """Untrusted text as inert Markdown on one line."""
    if not text:
        return ""
    text = " ".join(text.split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _SPECIAL.sub(r"\\\1", text)
    return _LEADING.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", text)


def link(text: str | None, url: str | None) -> str:
    """``[text](url)`` for an http(s) URL, else the escaped text (or URL) without a link."""
    safe = safe_url(url)
    label = escape(text or url or "")
    if safe is None:
        return label
    target = safe.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
    return f"[{label}]({target})"


def _evidence_line(e: EvidenceItem, report: ArticleReport) -> str:
    parts = [f"**{e.stance}**", f"“{escape(e.quote)}”", link(e.title or e.domain, e.url)]
    if e.published:
        parts.append(f"published {e.published}")
    if e.fetched_at:
        parts.append(f"fetched {iso(e.fetched_at)}")
    snap = snapshot_url(report.review, e.snapshot_hash)
    if snap:
        parts.append(link("snapshot", snap))
    elif e.snapshot_hash:
        parts.append(f"snapshot `{e.snapshot_hash[:12]}`")
    line = " · ".join(parts)
    return f"  - {line}\n    {escape(e.reason)}"


def _claim(n: int, claim: ClaimReport, report: ArticleReport) -> list[str]:
    status = STATUS_LABELS.get(claim.status, claim.status)
    flag = " ⚠" if claim.status in FLAGGED else ""
    out = [
        f'<a id="{claim_anchor(claim)}"></a>',
        "",
        f"### {n}\\. {escape(claim.text)}",
        "",
        f"**{status}**{flag} · check-worthiness {claim.checkworthiness:.2f}",
        "",
    ]
    for m in claim.mentions[:1]:
        out += [f"> {escape(m.before)} **{escape(m.sentence)}** {escape(m.after)}".rstrip(), ""]
    v = claim.verdict
    if v is not None:
        out.append(
            f"- Machine status: **{status}**, confidence {v.confidence:.2f}: {escape(v.rationale)}"
        )
    d = claim.decision
    if d is not None and d.rating:
        note = f": {escape(d.note)}" if d.note else ""
        state = "published" if d.publish else "not published"
        out.append(
            f"- Editor's rating: **{escape(rating_label(d.rating))}**{note} "
            f"({escape(d.editor)}, {iso(d.decided_at)}, {state})"
        )
    shown = deciding_evidence(claim)
    closest = closest_evidence(claim)
    if shown or closest:
        out.append(
            "- Evidence:"
            if shown
            else "- Evidence: none that supports or refutes the claim; the closest found:"
        )
        out += [_evidence_line(e, report) for e in shown or closest]
        rest = len(claim.evidence) - len(shown or closest)
        if rest > 0:
            out.append(f"  - and {rest} more passage(s) considered")
    elif v is not None:
        out.append("- Evidence: none that supports or refutes the claim")
    out.append("")
    return out


def render_markdown(report: ArticleReport) -> str:
    a = report.article
    counts = status_counts(c.status for c in report.claims)
    lines = [f"# Fact check: {escape(article_label(report))}", ""]
    meta = []
    url = a.canonical_url or a.url
    if url:
        meta.append(f"Source: {link(url, url)}")
    if a.published:
        meta.append(f"Published {a.published}")
    meta.append(f"Report generated {iso(report.generated_at)}")
    lines += [" · ".join(meta), "", "## Summary", "", "| Status | Claims |", "| --- | ---: |"]
    lines += [f"| {STATUS_LABELS.get(s, s)} | {n} |" for s, n in counts]
    lines.append(f"| **Total** | **{len(report.claims)}** |")
    lines.append("")
    ratings = rating_counts(report)
    if ratings:
        published = ", ".join(f"**{escape(label)}** {n}" for label, n in ratings)
        lines += [f"Editors' published ratings: {published}", ""]
    flagged = [c for c in report.claims if c.status in FLAGGED]
    if flagged:
        lines.append(f"Needs attention: {len(flagged)} claim(s) refuted or unverified.")
        lines.append("")
    lines += ["## Claims", ""]
    for n, claim in enumerate(report.claims, 1):
        lines += _claim(n, claim, report)
    lines += _methods(report)
    return "\n".join(lines).rstrip() + "\n"


def _methods(report: ArticleReport) -> list[str]:
    m = report.methods
    out = ["## Methods", ""]
    providers = ", ".join(f"{escape(p)} {n}" for p, n in m.providers) or "none"
    out.append(f"- Providers (sources proposed): {providers}")
    out.append(f"- Assessors: {', '.join(escape(a) for a in m.assessors) or 'none'}")
    fetches = ", ".join(f"{escape(s)} {n}" for s, n in m.fetches) or "none"
    out.append(f"- Fetches: {fetches}")
    for r in m.runs:
        finished = iso(r.finished_at) or "not finished"
        out.append(
            f"- Run `{r.id}` ({escape(r.flow)}, {escape(r.status)}): "
            f"{iso(r.started_at)} to {finished}"
        )
    out.append("")
    return out

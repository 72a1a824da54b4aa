"""The ``verify_claims`` flow: standalone claims (no article) through discover, fetch and assess."""

from __future__ import annotations

import json
from pathlib import Path

from prefect import flow

from claims.standalone import make_claim
from claimtrack.clock import Clock, utcnow
from claimtrack.errors import InputError
from claimtrack.settings import Settings
from flows import stages
from flows.outcome import CheckOutcome, build_outcome, llm_json
from flows.tasks import assess_task, discover_task, fetch_task, store_task
from warehouse.db import Warehouse
from warehouse.runs import recorded_run


def read_claims_file(path: Path) -> list[str]:
    """One claim per line, or JSON Lines with a ``claim`` field; blank lines and # comments skipped."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if b"\x00" in raw:
        raise InputError(f"{path} is a binary file, not a list of claims")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text") from exc
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("{"):
            try:
                line = str(json.loads(line)["claim"]).strip()
            except (ValueError, KeyError, TypeError) as exc:
                raise InputError(f"{path}:{number}: not a JSON object with a 'claim' field") from exc
        out.append(line)
    if not out:
        raise InputError(f"{path} has no claims")
    return out


@flow(name="verify_claims", validate_parameters=False, log_prints=False)
def verify_claims(
    texts: list[str],
    settings: Settings,
    providers: list[str] | None = None,
    clock: Clock | None = None,
) -> CheckOutcome:
    """Verify each claim as given (no check-worthiness filter); results in input order."""
    clock = clock or utcnow
    wh = Warehouse(settings.db)
    with recorded_run(wh, "verify_claims", {"claims": texts, "providers": providers}, clock) as run:
        run_id = run.id
        given = [make_claim(t) for t in texts]
        stored = stages.store_standalone(wh, run_id, given, clock(), settings)
        unique = list({c.id: c for c in stored}.values())
        discovered = discover_task(wh, settings, None, unique, providers)
        reads = fetch_task(wh, settings, run_id, discovered, clock)
        verdicts = assess_task(wh, settings, [(c, "") for c in unique], discovered, reads)
        store_task(wh, run_id, verdicts, clock)
    by_id = {v.claim.id: v for v in verdicts}
    ordered = [by_id[c.id] for c in stored]
    return build_outcome(run_id, [], ordered, discovered, reads, None, {})


def verify_json(outcome: CheckOutcome) -> dict[str, object]:
    """The contract: ``{"results": [{"claim", "status", "confidence", "evidence": [...]}]}``."""
    return {
        "run": outcome.run_id,
        "results": [
            {
                "claim": c.text, "id": c.id, "status": c.status, "confidence": c.confidence,
                "rationale": c.rationale,
                "evidence": [
                    {k: e[k] for k in ("url", "quote", "stance", "reason", "score", "tier")}
                    for e in c.evidence
                ],
                "factchecks": list(c.factchecks),
            }
            for c in outcome.claims
        ],
        "sources": [
            {"url": s.url, "status": s.status, "reason": s.reason} for s in outcome.sources
        ],
    } | llm_json(outcome.llm)

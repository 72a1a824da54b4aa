"""Reads the pipeline needs while it runs (reports and the review app have their own modules)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

import numpy as np

import claims
from claims import identity
from claims.model import Claim
from sources.model import Document, Passage
from warehouse.db import Connection
from warehouse.embeddings import TextEncoder, embed_cached

# "x IN (SELECT unnest(from_json(?, '[\"VARCHAR\"]')))" with ``ids(values)`` as the parameter: the list travels as one JSON text.
# DuckDB binds a Python list value by value (about 2 s for 5,000 ids); the JSON takes ~20 ms.
IN_IDS = "(SELECT unnest(from_json(?, '[\"VARCHAR\"]')))"


def ids(values: Iterable[str]) -> str:
    return json.dumps(list(values))


def current_statuses(con: Connection, claim_ids: Sequence[str]) -> dict[str, str]:
    if not claim_ids:
        return {}
    rows = con.execute(
        "SELECT claim_id, status FROM current_verdicts "
        "WHERE claim_id IN (SELECT unnest(from_json(?, '[\"VARCHAR\"]')))",
        [ids(claim_ids)],
    ).fetchall()
    return dict(rows)


def match_existing_claims(con: Connection, found: Sequence[Claim],
                          encoder: TextEncoder | None = None) -> dict[str, str]:
    """Map new claim ids to known claims that say the same thing in other words.

    Candidates share an entity or a number with the new claim (cheap in SQL); ``same_claim``
    decides (fuzzy, in claims/). With a sentence ``encoder`` a claim none of those matched is
    compared with every known claim by meaning (vectors through the embedding cache) and
    ``same_meaning`` decides: close enough, and every number, date and entity agreeing. An id
    already in the table maps to itself.
    """
    out: dict[str, str] = {}
    unmatched: list[Claim] = []
    for claim in found:
        if con.execute("SELECT 1 FROM claims WHERE id = ?", [claim.id]).fetchone():
            continue
        unmatched.append(claim)
        names = sorted({e.canonical.lower() for e in claim.entities})
        values = sorted({q.value for q in claim.quantities})
        if not names and not values:
            continue
        rows = con.execute(
            "SELECT id, text FROM claims WHERE "
            "list_has_any(?, list_transform(CAST(json_extract_string(entities, '$[*].canonical') "
            "AS VARCHAR[]), x -> lower(x))) OR "
            "list_has_any(?, CAST(json_extract(quantities, '$[*].value') AS DOUBLE[])) "
            "ORDER BY id LIMIT 200",
            [names, values],
        ).fetchall()
        for existing_id, text in rows:
            if claims.same_claim(claim.text, text):
                out[claim.id] = existing_id
                unmatched.pop()
                break
    if encoder is not None and unmatched:
        out.update(_same_meaning(con, unmatched, encoder))
    return out


def _same_meaning(con: Connection, found: Sequence[Claim], encoder: TextEncoder
                  ) -> dict[str, str]:
    known = con.execute("SELECT id, text FROM claims ORDER BY id").fetchall()
    if not known:
        return {}
    vectors = embed_cached(con, encoder, [t for _, t in known] + [c.text for c in found])
    cosine = vectors[len(known):] @ vectors[:len(known)].T
    out: dict[str, str] = {}
    for n, claim in enumerate(found):
        for j in np.argsort(-cosine[n], kind="stable"):
            value = float(cosine[n, j])
            if value < identity.SAME_COSINE:
                break
            if identity.same_meaning(claim.text, known[j][1], value):
                out[claim.id] = known[j][0]
                break
    return out


Snapshot = tuple[str, str | None, Document | None, list[Passage]]  # hash, path, document, passages


def last_snapshots(con: Connection, source_ids: Sequence[str]) -> dict[str, Snapshot]:
    """The newest snapshot of each source, in two queries however many sources (304s come in
    thousands on a re-verification)."""
    if not source_ids:
        return {}
    rows = con.execute(
        "SELECT source_id, hash, path, url, canonical_url, title, CAST(published AS VARCHAR), "
        "author, text FROM snapshots WHERE source_id IN (SELECT unnest(from_json(?, '[\"VARCHAR\"]'))) "
        "QUALIFY row_number() OVER (PARTITION BY source_id ORDER BY fetched_at DESC, hash) = 1",
        [ids(dict.fromkeys(source_ids))],
    ).fetchall()
    passages: dict[str, list[Passage]] = {}
    for digest, i, t, s, e in con.execute(
        'SELECT snapshot_hash, idx, text, start, "end" FROM passages '
        "WHERE snapshot_hash IN (SELECT unnest(from_json(?, '[\"VARCHAR\"]'))) ORDER BY snapshot_hash, idx",
        [ids(row[1] for row in rows)],
    ).fetchall():
        passages.setdefault(digest, []).append(Passage(index=i, text=t, start=s, end=e))
    out: dict[str, Snapshot] = {}
    for source_id, digest, path, url, canonical, title, published, author, text in rows:
        document = Document(text=text, title=title, url=url, canonical_url=canonical,
                            published=published, author=author) if text else None
        out[source_id] = (digest, path, document, passages.get(digest, []))
    return out

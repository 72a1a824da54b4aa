"""Snapshots: content-addressed, compressed, idempotent, atomic, verified on load."""

from __future__ import annotations

import hashlib
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from sources import load_snapshot, save_snapshot
from sources.snapshots import SnapshotError

BODY = b"<html><body>" + b"<p>The same paragraph again.</p>" * 2000 + b"</body></html>"


def test_round_trip_and_layout(tmp_path: Path) -> None:
    digest, path = save_snapshot(tmp_path, BODY)
    assert digest == hashlib.sha256(BODY).hexdigest()
    assert path == tmp_path / digest[:2] / digest[2:4] / f"{digest}.zz"
    assert path.stat().st_size < len(BODY) // 10
    assert zlib.decompress(path.read_bytes()) == BODY
    assert load_snapshot(path) == BODY
    assert load_snapshot(str(path)) == BODY


def test_same_bytes_same_path_and_no_rewrite(tmp_path: Path) -> None:
    _, first = save_snapshot(tmp_path, BODY)
    mtime = first.stat().st_mtime_ns
    _, second = save_snapshot(tmp_path, BODY)
    assert first == second
    assert second.stat().st_mtime_ns == mtime
    _, other = save_snapshot(tmp_path, BODY + b" ")
    assert other != first


def test_concurrent_savers_leave_one_complete_file(tmp_path: Path) -> None:
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: save_snapshot(tmp_path, BODY), range(32)))
    assert len({path for _, path in results}) == 1
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert files == [results[0][1]]
    assert load_snapshot(files[0]) == BODY


def test_empty_body(tmp_path: Path) -> None:
    digest, path = save_snapshot(tmp_path, b"")
    assert digest == hashlib.sha256(b"").hexdigest()
    assert load_snapshot(path) == b""


def test_missing_corrupt_and_tampered(tmp_path: Path) -> None:
    with pytest.raises(SnapshotError):
        load_snapshot(tmp_path / "nope.zz")
    _, path = save_snapshot(tmp_path, BODY)
    path.write_bytes(b"not zlib")
    with pytest.raises(SnapshotError):
        load_snapshot(path)
    path.write_bytes(zlib.compress(b"other bytes"))
    with pytest.raises(SnapshotError):
        load_snapshot(path)
    assert load_snapshot(path, verify=False) == b"other bytes"

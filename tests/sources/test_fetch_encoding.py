"""Content-Encoding decoders: right bytes out, and never more than one step of output at a time."""

from __future__ import annotations

import gzip
import zlib

import brotli
import pytest

from claimtrack.errors import TerminalFetchError
from sources.encoding import STEP, decoder_for

TEXT = b"<p>Bounded decoding keeps a bomb from filling memory.</p>" * 3000


def _decode(encoding: str | None, data: bytes, chunk: int = 4096) -> tuple[bytes, int]:
    decoder = decoder_for(encoding)
    out = bytearray()
    biggest = 0
    for i in range(0, len(data), chunk):
        for piece in decoder.feed(data[i:i + chunk]):
            biggest = max(biggest, len(piece))
            out += piece
    for piece in decoder.flush():
        biggest = max(biggest, len(piece))
        out += piece
    return bytes(out), biggest


@pytest.mark.parametrize(
    ("encoding", "data"),
    [
        (None, TEXT),
        ("identity", TEXT),
        ("gzip", gzip.compress(TEXT)),
        ("x-gzip", gzip.compress(TEXT)),
        ("deflate", zlib.compress(TEXT)),
        ("deflate", zlib.compress(TEXT)[2:-4]),  # raw deflate, as some servers send it
        ("br", brotli.compress(TEXT)),
        ("gzip, br", brotli.compress(gzip.compress(TEXT))),
        ("GZIP", gzip.compress(TEXT)),
    ],
)
def test_decoders_round_trip(encoding: str | None, data: bytes) -> None:
    out, biggest = _decode(encoding, data)
    assert out == TEXT
    assert biggest <= 2 * STEP


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_a_bomb_comes_out_in_steps(encoding: str) -> None:
    zeros = b"\0" * (32 * 1024 * 1024)
    data = {"gzip": lambda: gzip.compress(zeros, 9), "deflate": lambda: zlib.compress(zeros, 9),
            "br": lambda: brotli.compress(zeros, quality=1)}[encoding]()
    decoder = decoder_for(encoding)
    pieces = 0
    for piece in decoder.feed(data):  # the whole bomb in one network chunk
        assert len(piece) <= 2 * STEP
        pieces += 1
        if pieces == 10:
            break  # the fetcher stops here once its cap is passed; no 32 MB buffer exists
    assert pieces == 10


@pytest.mark.parametrize(("encoding", "data"), [("compress", b"x"), ("zstd", b"x"),
                                                ("gzip", b"\x1f\x8b\x08\x00garbage" * 9),
                                                ("br", b"\xff\xff\xff\xff not brotli")])
def test_unknown_or_broken_encodings_are_terminal(encoding: str, data: bytes) -> None:
    with pytest.raises(TerminalFetchError) as info:
        _decode(encoding, data)
    assert info.value.reason == "decoding"

"""Content-Encoding (gzip, deflate, br) decoded in bounded steps, so a bomb cannot blow up memory.

httpx's own decoders inflate each network chunk in one call: 64 KB of gzip'd zeros become 64 MB
before any size check can run. These decoders yield about ``STEP`` bytes per piece at most
(zlib exactly; brotli's output buffer may overshoot its limit by one growth step, < 2x), so the
fetcher's decompressed-size cap stops a bomb within a step or two past the cap.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

import brotli

from claimtrack.errors import TerminalFetchError

STEP = 64 * 1024
# brotli >= 1.2 can cap the output of one step; older versions cannot, so we do not ask for br.
BROTLI_BOUNDED = hasattr(brotli.Decompressor(), "can_accept_more_data")
SUPPORTED = ("gzip", "deflate", "br") if BROTLI_BOUNDED else ("gzip", "deflate")
ACCEPT_ENCODING = ", ".join(SUPPORTED)


class Decoder:
    """Identity: bytes pass through."""

    def feed(self, data: bytes) -> Iterator[bytes]:
        if data:
            yield data

    def flush(self) -> Iterator[bytes]:
        return iter(())


class ZlibDecoder(Decoder):
    def __init__(self, wbits: int) -> None:
        self._wbits = wbits
        self._obj = zlib.decompressobj(wbits)
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        buf = data
        while True:
            try:
                out = self._obj.decompress(buf, STEP)
            except zlib.error as exc:
                if not self._started and self._wbits == zlib.MAX_WBITS:
                    # "deflate" is sometimes sent raw, without the zlib header (httpx does the same)
                    self._wbits = -zlib.MAX_WBITS
                    self._obj = zlib.decompressobj(self._wbits)
                    yield from self.feed(data)
                    return
                raise TerminalFetchError(f"bad compressed body: {exc}", reason="decoding") from exc
            self._started = True
            if out:
                yield out
            buf = self._obj.unconsumed_tail
            if self._obj.eof or (not buf and len(out) < STEP):
                return

    def flush(self) -> Iterator[bytes]:
        out = self._obj.flush()
        if out:
            yield out


class BrotliDecoder(Decoder):
    def __init__(self) -> None:
        self._obj = brotli.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        try:
            out = self._obj.process(data, output_buffer_limit=STEP)
            if out:
                yield out
            while not self._obj.can_accept_more_data():
                out = self._obj.process(b"", output_buffer_limit=STEP)
                if out:
                    yield out
        except brotli.error as exc:
            raise TerminalFetchError(f"bad brotli body: {exc}", reason="decoding") from exc

    def flush(self) -> Iterator[bytes]:
        """Output still buffered after the last input (brotli holds it until asked)."""
        try:
            while not self._obj.is_finished():
                out = self._obj.process(b"", output_buffer_limit=STEP)
                if not out:
                    return
                yield out
        except brotli.error as exc:
            raise TerminalFetchError(f"bad brotli body: {exc}", reason="decoding") from exc


class Chain(Decoder):
    """Several encodings, applied in the order listed, so decoded in reverse."""

    def __init__(self, decoders: list[Decoder]) -> None:
        self._decoders = decoders

    def _through(self, pieces: Iterator[bytes], index: int) -> Iterator[bytes]:
        if index == len(self._decoders):
            yield from pieces
            return
        decoder = self._decoders[index]
        for piece in pieces:
            yield from self._through(decoder.feed(piece), index + 1)

    def feed(self, data: bytes) -> Iterator[bytes]:
        yield from self._through(iter((data,)), 0)

    def flush(self) -> Iterator[bytes]:
        for index, decoder in enumerate(self._decoders):
            yield from self._through(decoder.flush(), index + 1)


def decoder_for(content_encoding: str | None) -> Decoder:
    """A decoder for a Content-Encoding header value; unknown codings are a terminal error."""
    names = [p.strip().lower() for p in (content_encoding or "").split(",") if p.strip()]
    names = [n for n in names if n != "identity"]
    decoders: list[Decoder] = []
    for name in reversed(names):
        if name in ("gzip", "x-gzip"):
            decoders.append(ZlibDecoder(zlib.MAX_WBITS | 16))
        elif name == "deflate":
            decoders.append(ZlibDecoder(zlib.MAX_WBITS))
        elif name == "br" and BROTLI_BOUNDED:
            decoders.append(BrotliDecoder())
        else:
            raise TerminalFetchError(f"unsupported Content-Encoding {name!r}", reason="decoding")
    if not decoders:
        return Decoder()
    return decoders[0] if len(decoders) == 1 else Chain(decoders)

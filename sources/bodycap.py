"""Read a streamed response body up to a byte cap, decoding gzip/deflate ourselves.

httpx's own decoders inflate a whole network chunk at once (64 KiB of a gzip bomb can become
~64 MB), so the raw stream is inflated here lazily, in pieces of at most PIECE bytes (zlib's
`max_length`), and reading stops as soon as the cap is passed. The cap counts decoded bytes; the
memory held is the kept body plus one piece.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import httpx

from agglowatch.errors import FetchError
from sources.mediatype import media_type

PIECE = 64 * 1024
_GZIP_MAGIC = b"\x1f\x8b"
_IDENTITY = frozenset({"", "identity", "none"})
_SUPPORTED = frozenset({"gzip", "x-gzip", "deflate"})


class _Inflater:
    """Streaming gzip/deflate decoder, lazy and bounded, tolerant of the usual server mistakes."""

    def __init__(self, coding: str) -> None:
        self._coding = "gzip" if coding == "x-gzip" else coding
        self._decoder: zlib._Decompress | None = None
        self._passthrough = False
        self._finished = False  # the stream ended; whatever follows is ignored

    def pieces(self, data: bytes) -> Iterator[bytes]:
        """Decoded output of `data`, at most PIECE bytes at a time, produced only when asked."""
        if self._decoder is None and not self._passthrough:
            self._start(data)
        if self._passthrough:
            yield data
            return
        full = False
        while (data or full) and not self._finished:
            assert self._decoder is not None
            piece = self._decoder.decompress(data, PIECE)
            full = len(piece) == PIECE  # zlib may hold more output for this input
            data = self._decoder.unconsumed_tail
            if self._decoder.eof:  # another gzip member may follow (multi-member files)
                data, full = self._next_member(self._decoder.unused_data), False
            if piece:
                yield piece

    def _start(self, data: bytes) -> None:
        """The decoder the first bytes call for, whatever the label says: servers label gzip
        "deflate" and zlib "gzip", send raw deflate as "deflate", or plain bytes as "gzip"."""
        deflate = self._coding == "deflate"
        if data.startswith(_GZIP_MAGIC) or (len(data) < 2 and self._coding == "gzip"):
            self._decoder = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif self._coding == SNIFF:
            self._passthrough = True  # not gzip: the page as it came
        elif _zlib_wrapped(data) or (len(data) < 2 and deflate):
            self._decoder = zlib.decompressobj(zlib.MAX_WBITS)
        elif deflate:
            self._decoder = zlib.decompressobj(-zlib.MAX_WBITS)
        else:
            self._passthrough = True  # labelled gzip but not compressed: the bytes as they are

    def _next_member(self, rest: bytes) -> bytes:
        if not rest:
            return b""  # the next member, if any, comes with the next chunk
        if rest.startswith(_GZIP_MAGIC) and self._coding != "deflate":
            self._decoder = zlib.decompressobj(zlib.MAX_WBITS | 16)
            return rest
        self._finished = True  # trailing garbage after the stream: ignored, as browsers do
        return b""


def _zlib_wrapped(data: bytes) -> bool:
    """A zlib header (RFC 1950): deflate method, check bits making the first two bytes % 31."""
    return len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0


# The innermost "coding" of an HTML page: gzip bytes still there after the declared codings (a
# page gzipped twice and labelled once, or a pre-compressed file served with no label) are
# inflated once more, as curl and browsers do; anything else passes through.
SNIFF = "sniff"
_SNIFFED_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def _decoded(inflaters: Sequence[_Inflater], data: bytes) -> Iterator[bytes]:
    """Run `data` through the chain of inflaters (innermost coding last), lazily."""
    if not inflaters:
        yield data
        return
    for piece in inflaters[0].pieces(data):
        yield from _decoded(inflaters[1:], piece)


@dataclass(slots=True)
class Body:
    content: bytes
    truncated: bool
    same_head: bool = False  # stopped early: the first bytes hash as `head` said (see read_capped)


HEAD_BYTES = 64 * 1024  # the prefix hashed to recognise a cut page served without validators


def head_hash(content: bytes) -> str:
    return hashlib.sha256(content[:HEAD_BYTES]).hexdigest()


def content_codings(response: httpx.Response, shown: str) -> list[str]:
    """The Content-Encoding chain in the order applied; unsupported codings are a FetchError."""
    values = response.headers.get_list("content-encoding", split_commas=True)
    codings = [c for c in (v.strip().lower() for v in values) if c not in _IDENTITY]
    unsupported = [c for c in codings if c not in _SUPPORTED]
    if unsupported:
        raise FetchError(
            f"{shown}: the server used Content-Encoding {', '.join(unsupported)}, "
            "which agglowatch does not decode (it asks for gzip or deflate only)",
            url=shown,
        )
    return codings


async def read_capped(
    response: httpx.Response, limit: int, shown: str, head: str | None = None
) -> Body:
    """Stream the body; keep at most `limit` decoded bytes and say whether there was more.

    A Content-Length above the limit is not refused: the first `limit` bytes are kept and the body
    is reported as truncated. With `head` (head_hash of a body cut last time), reading stops as
    soon as the first HEAD_BYTES hash the same: `same_head` (the caller checked the length).
    """
    inflaters = [_Inflater(c) for c in reversed(content_codings(response, shown))]
    declared = _declared_length(response) if not inflaters else None
    if media_type(response.headers.get("content-type")) in _SNIFFED_TYPES:
        inflaters.append(_Inflater(SNIFF))
    buffer = bytearray()
    try:
        prefix = min(HEAD_BYTES, limit)
        async for raw in response.aiter_raw():
            for piece in _decoded(inflaters, raw):
                room = limit - len(buffer)
                buffer += piece[:room] if len(piece) > room else piece
                if head is not None and len(buffer) >= prefix:
                    if head_hash(bytes(buffer[:prefix])) == head:
                        return Body(bytes(buffer[:prefix]), truncated=True, same_head=True)
                    head = None
                if len(piece) > room:
                    return Body(bytes(buffer), truncated=True)
            if len(buffer) == limit and declared is not None and declared > limit:
                return Body(bytes(buffer), truncated=True)
    except zlib.error as exc:
        raise FetchError(f"{shown}: the compressed body is corrupt ({exc})", url=shown) from exc
    return Body(bytes(buffer), truncated=False)


def _declared_length(response: httpx.Response) -> int | None:
    try:
        return int(response.headers.get("content-length", ""))
    except ValueError:
        return None

"""Recognise and peel encodings off a payload: base64 (standard, URL-safe), base32, hex, and
zlib/gzip/bzip2 compression, in any combination (stegano's exifHeader writes zlib, then base64).

A base-N step is only believed when what it yields means something in the end (readable text, a known
file, or another layer that does); compression layers carry their own checksum and are always believed.
"""
from __future__ import annotations

import base64
import binascii
import bz2
import re
import zlib
from dataclasses import dataclass
from typing import Callable

from stegnox_gui.engine.payload.signatures import match_at
from stegnox_gui.engine.payload.text import TEXT_THRESHOLD, text_score

MAX_INPUT = 16 * 1024 * 1024
MAX_OUTPUT = 64 * 1024 * 1024
MIN_ENCODED_CHARS = 8  # shorter strings are words, not encodings

_WS = re.compile(rb"\s+")
_HEX = re.compile(rb"(?:0x)?((?:[0-9a-fA-F]{2}[:\- ]?)+)")
_B64 = re.compile(rb"[A-Za-z0-9+/]+={0,2}")
_B64URL = re.compile(rb"[A-Za-z0-9_\-]+={0,2}")
_B32 = re.compile(rb"[A-Z2-7]+={0,6}")


@dataclass(frozen=True)
class Decoded:
    """The bytes under the encodings, and the encodings peeled, outermost first."""

    data: bytes
    chain: tuple[str, ...]

    @property
    def description(self) -> str:
        return " + ".join(self.chain)


def _compact(data: bytes) -> bytes:
    return _WS.sub(b"", data.strip())


def _head_is(data: bytes, alphabet: re.Pattern[bytes]) -> bool:
    """Cheap rejection before compacting a large buffer: its first 4 KB must use the alphabet."""
    return alphabet.fullmatch(_compact(data[:4096])) is not None


_HEX_CHARS = re.compile(rb"(?:0x)?[0-9a-fA-F:\- ]*")
_B64_CHARS = re.compile(rb"[A-Za-z0-9+/_\-]*={0,2}")
_B32_CHARS = re.compile(rb"[A-Z2-7]*={0,6}")


def _hex(data: bytes) -> bytes | None:
    if not _head_is(data, _HEX_CHARS):
        return None
    s = _compact(data)
    m = _HEX.fullmatch(s)
    if m is None:
        return None
    digits = re.sub(rb"[:\- ]", b"", m.group(1))
    if len(digits) < MIN_ENCODED_CHARS or len(digits) % 2:
        return None
    return bytes.fromhex(digits.decode())


def _base32(data: bytes) -> bytes | None:
    if not _head_is(data, _B32_CHARS):
        return None
    s = _compact(data)
    if len(s) < MIN_ENCODED_CHARS or not _B32.fullmatch(s):
        return None
    s += b"=" * (-len(s) % 8)
    try:
        return base64.b32decode(s)
    except (binascii.Error, ValueError):
        return None


def _b64(data: bytes, urlsafe: bool) -> bytes | None:
    if not _head_is(data, _B64_CHARS):
        return None
    s = _compact(data)
    if len(s) < MIN_ENCODED_CHARS or not (_B64URL if urlsafe else _B64).fullmatch(s):
        return None
    if urlsafe and not re.search(rb"[-_]", s):
        return None  # plain base64 already covers it
    if len(s.rstrip(b"=")) % 4 == 1:
        return None
    s = s.rstrip(b"=") + b"=" * (-len(s.rstrip(b"=")) % 4)
    try:
        return base64.urlsafe_b64decode(s) if urlsafe else base64.b64decode(s, validate=True)
    except (binascii.Error, ValueError):
        return None


def _zlib(data: bytes) -> bytes | None:
    if len(data) < 6 or (data[0] * 256 + data[1]) % 31 or data[0] & 0x0F != 8:
        return None
    return _decompress(zlib.decompressobj(), data)


def _gzip(data: bytes) -> bytes | None:
    if not data.startswith(b"\x1f\x8b\x08"):
        return None
    return _decompress(zlib.decompressobj(16 + zlib.MAX_WBITS), data)


def _bzip2(data: bytes) -> bytes | None:
    if not data.startswith(b"BZh"):
        return None
    return _decompress(bz2.BZ2Decompressor(), data)


def _decompress(dec: object, data: bytes) -> bytes | None:
    try:
        out = dec.decompress(data, MAX_OUTPUT)  # type: ignore[attr-defined]
    except (zlib.error, OSError, EOFError, ValueError):
        return None
    if not getattr(dec, "eof", False) or not out:
        return None  # truncated or damaged: the checksum was never confirmed
    return out


# (name, decoder, self-validating). Order matters where alphabets overlap: hex, then base32, then base64.
_STEPS: tuple[tuple[str, Callable[[bytes], bytes | None], bool], ...] = (
    ("zlib", _zlib, True),
    ("gzip", _gzip, True),
    ("bzip2", _bzip2, True),
    ("hex", _hex, False),
    ("base32", _base32, False),
    ("base64", lambda d: _b64(d, False), False),
    ("base64url", lambda d: _b64(d, True), False),
)


_SHORT_SECRET = re.compile(rb"[\x20-\x7e]{6,40}")


TEXT_SAMPLE = 1 << 16  # text is judged on its first 64 KB (text_score loops over every character)


def meaningful(data: bytes) -> bool:
    """Readable text or a known file: something worth stopping at."""
    return text_score(data[:TEXT_SAMPLE]) >= TEXT_THRESHOLD or match_at(data, 0) is not None


def _meaningful_decoded(data: bytes) -> bool:
    """Like meaningful(), but a short all-printable secret ("s3cr3t!", a flag) also counts once it came
    out of an encoding: random bytes are all printable ASCII with probability below 0.3 % at 6 bytes."""
    if meaningful(data):
        return True
    m = _SHORT_SECRET.fullmatch(data.strip())
    return m is not None and sum(c.isalnum() for c in data.decode("ascii", "replace")) >= 0.6 * len(data)


def decode_layers(data: bytes | str, *, max_depth: int = 6) -> Decoded | None:
    """Peel encodings off `data`; None when no encoding applies or nothing meaningful comes out.

    Returns the innermost bytes that still mean something (text or a known file, or binary under a
    checksummed compression layer) with the chain of encodings, outermost first.
    """
    raw = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else bytes(data)
    if not raw or len(raw) > MAX_INPUT:
        return None
    found = _peel(raw, max_depth, top=True)
    if found is None or not found[1]:
        return None
    return Decoded(found[0], tuple(found[1]))


def _peel(data: bytes, depth: int, top: bool = False) -> tuple[bytes, list[str]] | None:
    """The best decoding of `data` (possibly none: (data, []) when it is meaningful as is)."""
    if depth > 0:
        for name, step, trusted in _STEPS:
            try:
                out = step(data)
            except (ValueError, MemoryError):
                out = None
            if not out:
                continue
            deeper = _peel(out, depth - 1)
            if deeper is not None:
                return deeper[0], [name] + deeper[1]
            if trusted:
                return out, [name]
    if top:
        return None  # nothing to peel: the data is what it is (the caller judges it)
    if _meaningful_decoded(data):
        return data, []
    return None

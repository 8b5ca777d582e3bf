"""Headers that steganography tools put before the payload in a stream, giving its true length.

Each parser looks at the start of a stream and returns where the payload starts and how long it is.
Markers with a magic string (stegpy, OpenStego) are strong evidence by themselves; bare lengths
(stegano's "<len>:", 32-bit length prefixes) are only believed by the caller when the payload they
delimit means something (readable text, a known file).
"""
from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field
from typing import Any, Callable

STEGPY_MAGICS = (b"stegv3", b"stegv2")
OPENSTEGO_MAGIC = b"OPENSTEGO"
OPENSTEGO_OLD_MAGIC = b"#$OpenStego$#"
_STEGANO = re.compile(rb"([1-9][0-9]{0,9}):")

MIN_PAYLOAD = 1


@dataclass(frozen=True)
class HeaderPayload:
    """A payload delimited by a header: stream[offset : offset + length]."""

    header: str  # "stegano", "stegpy", "openstego", "len32be", "len32le"
    offset: int
    length: int
    strong: bool  # the header has a magic marker; a bare length needs a meaningful payload
    filename: str | None = None
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def end(self) -> int:
        return self.offset + self.length

    def payload(self, stream: bytes) -> bytes:
        return stream[self.offset:self.end]


def stegano(stream: bytes, capacity: int) -> HeaderPayload | None:
    """stegano.lsb: the decimal byte length of the message, a colon, then the message."""
    m = _STEGANO.match(stream)
    if not m:
        return None
    length = int(m.group(1))
    if length < MIN_PAYLOAD or m.end() + length > capacity:
        return None
    return HeaderPayload("stegano", m.end(), length, strong=False)


def stegpy(stream: bytes, capacity: int) -> HeaderPayload | None:
    """stegpy: magic 'stegv3' (or v2), 4-byte big-endian length, and (v3) a 1-byte file-name length
    followed by the file name; an empty name means a text message."""
    magic = next((m for m in STEGPY_MAGICS if stream.startswith(m)), None)
    if magic is None or len(stream) < 11:
        return None
    (length,) = struct.unpack_from(">I", stream, 6)
    if magic == b"stegv2":
        offset, name = 10, None
    else:
        name_len = stream[10]
        offset = 11 + name_len
        if len(stream) < offset:
            return None
        name = stream[11:offset].decode("utf-8", "replace") if name_len else None
    if length < MIN_PAYLOAD or offset + length > capacity:
        return None
    return HeaderPayload("stegpy", offset, length, strong=True, filename=name, info={"version": magic.decode()})


def openstego(stream: bytes, capacity: int) -> HeaderPayload | None:
    """OpenStego's LSB header: 'OPENSTEGO', version byte, 4-byte little-endian length, channel bits,
    file-name length, compression and encryption flags, 8-byte cipher name, then the file name."""
    if not stream.startswith(OPENSTEGO_MAGIC) or len(stream) < 30:
        return None
    version = stream[9]
    length = int.from_bytes(stream[10:13], "little")  # OpenStego writes the top byte wrongly (>> 32)
    channel_bits, name_len, compressed, encrypted = stream[14], stream[15], stream[16], stream[17]
    cipher = stream[18:26].rstrip(b"\x00 ").decode("ascii", "replace")
    offset = 26 + name_len
    if length < MIN_PAYLOAD or offset + length > capacity or len(stream) < offset:
        return None
    name = stream[26:offset].decode("utf-8", "replace") or None
    return HeaderPayload("openstego", offset, length, strong=True, filename=name,
                         info={"version": version, "channel_bits": channel_bits, "compressed": compressed == 1,
                               "encrypted": encrypted == 1, "cipher": cipher or None})


def _len32(stream: bytes, capacity: int, fmt: str, name: str) -> HeaderPayload | None:
    if len(stream) < 5:
        return None
    (length,) = struct.unpack_from(fmt, stream, 0)
    if length < MIN_PAYLOAD or 4 + length > capacity:
        return None
    return HeaderPayload(name, 4, length, strong=False)


def len32be(stream: bytes, capacity: int) -> HeaderPayload | None:
    """A 4-byte big-endian byte count, then the payload."""
    return _len32(stream, capacity, ">I", "len32be")


def len32le(stream: bytes, capacity: int) -> HeaderPayload | None:
    """A 4-byte little-endian byte count, then the payload."""
    return _len32(stream, capacity, "<I", "len32le")


def len16be(stream: bytes, capacity: int) -> HeaderPayload | None:
    """A 2-byte big-endian byte count, then the payload (LSBSteg-style tools)."""
    if len(stream) < 3:
        return None
    length = int.from_bytes(stream[:2], "big")
    if length < MIN_PAYLOAD or 2 + length > capacity:
        return None
    return HeaderPayload("len16be", 2, length, strong=False)


PARSERS: tuple[Callable[[bytes, int], HeaderPayload | None], ...] = (
    stegpy, openstego, stegano, len32be, len32le, len16be)


def find_headers(stream: bytes, capacity: int | None = None) -> list[HeaderPayload]:
    """Every header interpretation of the stream's start whose length fits in `capacity` bytes (the
    whole stream's size; defaults to len(stream)). Strong (magic) headers first."""
    cap = len(stream) if capacity is None else capacity
    found = [h for h in (p(stream, cap) for p in PARSERS) if h is not None]
    found.sort(key=lambda h: not h.strong)
    return found


def find_marker(stream: bytes) -> tuple[str, int] | None:
    """An old-style OpenStego marker anywhere in the stream: (name, offset)."""
    pos = stream.find(OPENSTEGO_OLD_MAGIC)
    return ("openstego-old", pos) if pos >= 0 else None

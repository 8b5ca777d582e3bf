"""What an odd blob of bytes holds (a private chunk, a gap between segments, padding): text, an encoded
text, a known file, or just data, with the payload to report and a confidence that follows the
project's guidance (readable payload or valid file >= 0.9, bare anomaly ~0.6).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stegnox_gui.engine.payload.decode import TEXT_SAMPLE, decode_layers
from stegnox_gui.engine.payload.signatures import match_at, scan
from stegnox_gui.engine.payload.text import TEXT_THRESHOLD, text_score


@dataclass
class Blob:
    """`what` reads in a sentence: "text: 'meet at…'", "a ZIP archive, 1 entry", "37 bytes of binary data"."""

    what: str
    payload: bytes
    detected_type: str | None
    confidence: float
    encoding: str | None = None
    readable: bool = False  # text or a valid file: a recovered payload, not only an anomaly


def quote(data: bytes, limit: int = 80) -> str:
    text = data.decode("utf-8", "replace").replace("\n", " ").strip()
    return repr(text if len(text) <= limit else text[:limit - 1] + "…")


def entropy(data: bytes) -> float:
    """Shannon entropy in bits per byte (of the first megabyte)."""
    if not data:
        return 0.0
    data = data[:1 << 20]  # a megabyte tells the entropy well enough
    counts = np.bincount(np.frombuffer(data, dtype=np.uint8), minlength=256)
    p = counts[counts > 0] / len(data)
    return float(-(p * np.log2(p)).sum())


_PRINTABLE = bytes(range(32, 127))
_TEXTISH = _PRINTABLE + b"\t\n\r" + bytes(range(0x80, 0x100))


def looks_like_text(data: bytes) -> bool:
    """text_score() on large data costs a Python loop per character: look at the head first, and
    judge very large data by its first megabyte."""
    head = data[:4096]
    if not head or len(head.translate(None, _TEXTISH)) > 0.15 * len(head):
        return False
    return text_score(data[:TEXT_SAMPLE]) >= TEXT_THRESHOLD


def describe_blob(data: bytes, *, anomaly_confidence: float = 0.6) -> Blob:
    """Classify bytes found where nothing (or only ordinary data) should be."""
    stripped = data.strip(b"\x00")
    if not stripped:
        return Blob(f"{len(data)} zero bytes", data, None, 0.0)
    lead = len(data) - len(data.lstrip(b"\x00"))
    carved = match_at(data, lead)  # files often end in zero bytes: match on the unstripped data
    if carved is not None and carved.complete:
        return Blob(carved.description, carved.bytes_of(data), carved.type, 0.95, readable=True)
    decoded = decode_layers(stripped) if len(stripped) >= 8 else None
    if decoded is not None:
        inner = match_at(decoded.data, 0)
        if looks_like_text(decoded.data):
            return Blob(f"{decoded.description}-encoded text: {quote(decoded.data)}", decoded.data, "text", 0.95,
                        decoded.description, True)
        return Blob(f"{decoded.description}-encoded {inner.description if inner else 'data'}", decoded.data,
                    inner.type if inner else None, 0.93 if inner else 0.8, decoded.description, bool(inner))
    if looks_like_text(stripped):
        return Blob(f"text: {quote(stripped)}", stripped, "text", 0.94, readable=True)
    if carved is not None:
        return Blob(carved.description, carved.bytes_of(data), carved.type, 0.85, readable=True)
    inside = scan(stripped, end=8 << 20, max_hits=4)
    if inside and inside[0].complete:
        first = inside[0]
        return Blob(f"{len(data)} bytes holding {first.description} at +{first.offset}", data, None, 0.9, readable=True)
    printable = 1 - len(stripped.translate(None, _PRINTABLE)) / len(stripped)
    if printable > 0.95 and len(stripped) >= 4:
        return Blob(f"short text: {quote(stripped)}", stripped, "text", max(anomaly_confidence, 0.7), readable=True)
    return Blob(f"{len(data)} bytes of binary data (entropy {entropy(data):.1f} bits/byte)", data, None,
                anomaly_confidence)

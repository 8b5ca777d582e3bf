"""What an extracted stream holds at its start: a tool's header and payload, a known file, a zlib
stream, or readable text. Payloads are cut to their true length.

Streams are usually prefixes of a longer stream (a few hundred bytes are enough to recognise most
payloads). When the evidence runs past the prefix, the result says how many stream bytes it needs
(`needed`) and the caller extracts that much and calls again.
"""
from __future__ import annotations

import bz2
import io
import lzma
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any

from stegnox_gui.engine.payload import headers as hdr
from stegnox_gui.engine.payload.decode import decode_layers
from stegnox_gui.engine.payload.signatures import Carved, match_at
from stegnox_gui.engine.payload.text import (MIN_TEXT_CHARS, TEXT_THRESHOLD, leading_text, text_run_length,
                                             text_score, word_score)

MAX_GROW = 64 * 1024 * 1024  # never ask for more than this many stream bytes
# File types whose validators rest on short magics: believed a little less when found in noise.
_WEAK_TYPES = {"bmp", "mp3", "pe", "zlib"}


@dataclass
class Recognized:
    """A payload found at the start of a stream (after a header, if any)."""

    kind: str  # "text" | "file"
    type: str  # "text", "png", "zip", "zlib", "data" (strong header, unreadable payload), ...
    payload: bytes
    confidence: float
    offset: int = 0  # where the payload starts in the stream
    params: dict[str, Any] = field(default_factory=dict)  # header, filename, encoding chain, ...
    preview: str | None = None  # a readable rendering when the raw payload is not (zip members, zlib text)
    needed: int | None = None  # set when the stream is too short: extract this many bytes and retry

    @property
    def incomplete(self) -> bool:
        return self.needed is not None


def _grow(have: int, capacity: int) -> int:
    return min(capacity, MAX_GROW, max(have * 16, 64 * 1024))


def recognize(stream: bytes, *, capacity: int | None = None) -> list[Recognized]:
    """Payloads at the start of `stream`, best first. `capacity` is the size of the whole stream the
    prefix comes from (default: this is the whole stream)."""
    cap = len(stream) if capacity is None else capacity
    results: list[Recognized] = []
    for h in hdr.find_headers(stream, cap):
        r = _from_header(stream, h, cap)
        if r is not None:
            results.append(r)
    if not any(r.params.get("header") for r in results if not r.incomplete):
        file = _file_at_start(stream, cap)
        if file is not None:
            results.append(file)
        text = _text_at_start(stream, cap)
        if text is not None:
            results.append(text)
        elif not results:
            text = _text_after_unknown_header(stream, cap)
            if text is not None:
                results.append(text)
    results.sort(key=lambda r: -r.confidence)
    return results


# Behind a header that delimits it, an all-printable payload is text even when it is not prose (HTML,
# code, a password): random bytes are all printable with probability 0.37^n, and a bare 16-bit length
# fits almost any stream, hence its longer minimum.
LENIENT_MIN_CHARS = {"len16be": 16}
LENIENT_DEFAULT_MIN = 8


def _printable_text(payload: bytes, min_chars: int) -> bool:
    if len(payload) < min_chars:
        return False
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(c.isprintable() or c in "\t\r\n" for c in text)


def describe_payload(payload: bytes, *, header: bool | str) -> Recognized | None:
    """Classify a payload already cut to its length (by a header): text, a file, an encoding of one.
    Without a header the payload must read as text or be a complete known file; `header` may name
    the header, which sets how long an all-printable non-prose payload must be to count as text."""
    file = match_at(payload, 0)
    if file is not None and file.complete and file.length >= len(payload) - 2:
        return _file_result(payload[:file.length], file, 0.97 if header else 0.95)
    wide = _wide_text(payload)
    if wide is not None:
        return Recognized("text", "text", payload, 0.95, params={"encoding": wide[0]},
                          preview=wide[1][:4096])
    score = text_score(payload)
    if score >= TEXT_THRESHOLD:
        r = Recognized("text", "text", payload, 0.9 + 0.08 * score)
        decoded = decode_layers(payload)
        if decoded is not None and decoded.chain:
            r.params["encoding"] = decoded.description
            r.preview = _render(decoded.data)
        return r
    decoded = decode_layers(payload)
    if decoded is not None and decoded.chain:
        inner = match_at(decoded.data, 0)
        r = Recognized("file" if inner else "text", inner.type if inner else "text", payload, 0.93,
                       params={"encoding": decoded.description}, preview=_render(decoded.data))
        return r
    if header and _printable_text(payload, LENIENT_MIN_CHARS.get(str(header), LENIENT_DEFAULT_MIN)):
        return Recognized("text", "text", payload, 0.88)
    return None


def _wide_text(payload: bytes) -> tuple[str, str] | None:
    """(encoding, text) for UTF-16/UTF-32 text (stegano can hide UTF-32LE), recognised by its NULs."""
    if len(payload) < 8 or payload.count(0) < len(payload) // 3:
        return None
    for enc in ("utf-32-le", "utf-32-be", "utf-16-le", "utf-16-be"):
        try:
            text = payload.decode(enc)
        except UnicodeDecodeError:
            continue
        if text_score(text.encode("utf-8")) >= TEXT_THRESHOLD:
            return enc, text
    return None


def _from_header(stream: bytes, h: hdr.HeaderPayload, cap: int) -> Recognized | None:
    params: dict[str, Any] = {"header": h.header, "header_length": h.offset, "payload_length": h.length}
    if h.filename:
        params["filename"] = h.filename
    params.update({k: v for k, v in h.info.items() if v is not None})
    if h.end > len(stream):
        if not h.strong and not _promising(stream[h.offset:]):
            return None
        return Recognized("file", "data", b"", 0.0, h.offset, params, needed=h.end)
    payload = h.payload(stream)
    r = describe_payload(payload, header=h.header)
    if r is None:
        if not h.strong:
            return None
        r = Recognized("file", "data", payload, 0.9)  # e.g. an encrypted stegpy/OpenStego payload
    r.offset = h.offset
    r.params = {**params, **r.params}
    r.confidence = max(r.confidence, 0.97 if h.strong else r.confidence)
    return r


def _promising(start: bytes) -> bool:
    """Whether the visible start of a length-delimited payload looks like a payload at all."""
    if len(start) < 8:
        return False
    if match_at(start, 0) is not None:
        return True
    return text_run_length(start) == len(start) and text_score(start) >= TEXT_THRESHOLD


def _file_at_start(stream: bytes, cap: int) -> Recognized | None:
    carved = match_at(stream, 0)
    if carved is None:
        return None
    if not carved.complete:
        if cap > len(stream):
            return Recognized("file", carved.type, b"", 0.0, needed=_grow(len(stream), cap))
        conf = 0.6  # a file that starts here but runs past the end of the image's capacity
    else:
        conf = 0.85 if carved.type in _WEAK_TYPES else 0.95
    return _file_result(carved.bytes_of(stream), carved, conf)


def _file_result(data: bytes, carved: Carved, conf: float) -> Recognized:
    r = Recognized("file", carved.type, data, conf, params={"file": carved.description})
    if not carved.complete:
        r.params["truncated"] = True
    if carved.type == "zip":
        r.preview = _zip_preview(data)
    elif carved.type in ("png", "gif", "jpeg", "bmp"):
        r.preview = _image_preview(data, carved.description)
    elif carved.type in _DECOMPRESSORS:
        inner = _decompress(carved.type, data)
        if inner is not None:
            r.preview = _render(inner)
    return r


_DECOMPRESSORS = {
    "zlib": lambda: zlib.decompressobj(),
    "gzip": lambda: zlib.decompressobj(16 + zlib.MAX_WBITS),
    "bzip2": lambda: bz2.BZ2Decompressor(),
    "xz": lambda: lzma.LZMADecompressor(),
}
PREVIEW_DECOMPRESS_LIMIT = 1 << 20


def _decompress(kind: str, data: bytes) -> bytes | None:
    """The first MiB of a compressed payload's content (bounded against bombs), or None."""
    try:
        dec = _DECOMPRESSORS[kind]()
        if kind in ("zlib", "gzip"):
            return dec.decompress(data, PREVIEW_DECOMPRESS_LIMIT)
        return dec.decompress(data, max_length=PREVIEW_DECOMPRESS_LIMIT)
    except (zlib.error, OSError, EOFError, lzma.LZMAError, ValueError):
        return None


def _text_at_start(stream: bytes, cap: int) -> Recognized | None:
    run = text_run_length(stream)
    if run < MIN_TEXT_CHARS:
        return None
    if run == len(stream) and cap > len(stream):
        if text_score(stream) < TEXT_THRESHOLD:
            return None
        return Recognized("text", "text", b"", 0.0, needed=_grow(len(stream), cap))
    text = leading_text(stream)
    if text is None:
        return None
    score = text_score(text)
    length_factor = min(1.0, (len(text) - MIN_TEXT_CHARS) / 36)
    conf = (0.72 + 0.22 * length_factor) * (0.8 + 0.2 * score) + 0.03 * min(1.0, 4 * word_score(text))
    r = Recognized("text", "text", text, min(conf, 0.97), params={"header": None})
    decoded = decode_layers(text)
    if decoded is not None and decoded.chain:
        r.params["encoding"] = decoded.description
        r.preview = _render(decoded.data)
    return r


_LONG_TEXT = re.compile(rb"[\x20-\x7e\t\r\n]{24}")
MAX_UNKNOWN_HEADER = 16


def _text_after_unknown_header(stream: bytes, cap: int) -> Recognized | None:
    """Readable text starting a few bytes in: a payload behind a header this module does not know."""
    m = _LONG_TEXT.search(stream, 1, MAX_UNKNOWN_HEADER + 24)
    if m is None:
        return None
    start = m.start()
    run = text_run_length(stream, start)
    if start + run == len(stream) and cap > len(stream):
        if text_score(stream[start:]) < TEXT_THRESHOLD:
            return None
        return Recognized("text", "text", b"", 0.0, start, needed=_grow(len(stream), cap))
    text = leading_text(stream, start, min_chars=24)
    if text is None or word_score(text) == 0.0:
        return None
    r = _text_at_start(text + b"\x00", len(text) + 1)
    if r is None:
        return None
    r.offset = start
    r.confidence = max(0.0, r.confidence - 0.05)
    r.params = {**r.params, "header": "unknown", "header_length": start, "header_bytes": stream[:start].hex()}
    return r


def _render(data: bytes) -> str:
    """Text when the data reads as text, else a short hex view."""
    if text_score(data) >= TEXT_THRESHOLD:
        return data[:4096].decode("utf-8", "replace")
    kind = match_at(data, 0)
    label = f"{kind.description}: " if kind else ""
    return label + data[:64].hex(" ")


def _image_preview(data: bytes, description: str) -> str | None:
    """An image payload's size and any text it carries (PNG text chunks, comments)."""
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as img:
            lines = [f"{description}: {img.width}x{img.height} {img.mode}"]
            texts = dict(getattr(img, "text", {}) or {})
            if img.info.get("comment"):
                texts["comment"] = img.info["comment"]
            for key, value in list(texts.items())[:10]:
                if isinstance(value, bytes):
                    value = value.decode("utf-8", "replace")
                lines.append(f"{key}: {str(value)[:1000]}")
            return "\n".join(lines)
    except Exception:  # a payload Pillow cannot read is still carved; only the preview is lost
        return None


def _zip_preview(data: bytes) -> str | None:
    """The members of a ZIP and the text of small readable ones."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            lines = []
            for info in zf.infolist()[:20]:
                line = f"{info.filename} ({info.file_size} bytes)"
                if info.file_size <= 4096 and not info.flag_bits & 0x1:
                    try:
                        content = zf.read(info)
                        if text_score(content) >= TEXT_THRESHOLD:
                            line += ":\n" + content.decode("utf-8", "replace")
                    except Exception:
                        pass
                elif info.flag_bits & 0x1:
                    line += " [encrypted]"
                lines.append(line)
            return "ZIP archive:\n" + "\n".join(lines)
    except (zipfile.BadZipFile, ValueError, NotImplementedError, OSError, EOFError):
        return None

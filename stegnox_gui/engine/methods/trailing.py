"""Appended data: bytes after PNG IEND, JPEG EOI (the real one, not an EXIF thumbnail's), the GIF
trailer, or past a BMP's pixel data. Recognised (a file cut to its true length, text, encoded text)
and carved; a file followed by more data is split into its parts.
"""
from __future__ import annotations

import zlib

from stegnox_gui.engine.container import parse_container
from stegnox_gui.engine.image_data import ImageData
from stegnox_gui.engine.method import Finding, Method, RunContext
from stegnox_gui.engine.methods.metadata import (Field, gif_comments, inflate_text, jpeg_comments, judge,
                                                png_text_fields)
from stegnox_gui.engine.payload.describe import describe_blob
from stegnox_gui.engine.payload.recognize import describe_payload
from stegnox_gui.engine.payload.signatures import match_at

MAX_PARTS = 8
_END_NAMES = {"PNG": "IEND", "JPEG": "EOI", "GIF": "the GIF trailer", "BMP": "the BMP pixel data",
              "WEBP": "the RIFF container"}
# Weak-magic types need a complete structure before we call trailing bytes a file.
_WEAK = {"mp3", "pe", "zlib", "bmp"}


def analyse_tail(tail: bytes, base: int, where: str, *, ordinary_jpeg: bool = False) -> list[Finding]:
    """Findings for `tail` (found at file offset `base`, after `where`). With `ordinary_jpeg`, JPEG
    images there are information (a multi-picture file's other images)."""
    findings: list[Finding] = []
    pos = 0
    for _ in range(MAX_PARTS):
        rest = tail[pos:]
        if not rest:
            break
        if rest[0] in (0x00, 0xFF, 0x20, 0x0A) and rest.count(rest[:1]) == len(rest):
            findings.append(Finding("trailing", "trailing", 0.0,
                                    f"{len(rest)} bytes of 0x{rest[0]:02X} padding after {where}",
                                    params={"offset": base + pos, "length": len(rest)}, hidden=False))
            break
        carved = match_at(rest, 0)
        if carved is not None and (carved.complete or carved.type not in _WEAK):
            payload = carved.bytes_of(rest)
            described = describe_payload(payload, header=False)
            conf = 0.97 if carved.complete else 0.85
            if ordinary_jpeg and carved.type == "jpeg":
                findings.append(Finding("trailing", "file", 0.0,
                                        f"Multi-picture (MPF) image after {where}: {carved.description}",
                                        params={"offset": base + pos, "length": len(payload)}, payload=payload,
                                        detected_type="jpeg", hidden=False))
                pos += carved.length
                continue
            preview = described.preview if described and described.preview else image_text_preview(payload, carved.type)
            findings.append(Finding(
                "trailing", "trailing", conf,
                f"{carved.description} ({len(payload)} bytes) appended after {where} at offset {base + pos}",
                params={"offset": base + pos, "length": len(payload), "complete": carved.complete},
                payload=payload, detected_type=carved.type, preview=preview))
            pos += carved.length
            continue
        findings.append(_unrecognised_or_text(rest, base + pos, where))
        break
    return findings


def image_text_preview(data: bytes, kind: str) -> str | None:
    """For a carved PNG/JPEG/GIF: its description and the text its metadata holds (what people look for)."""
    fmt = {"png": "PNG", "jpeg": "JPEG", "gif": "GIF"}.get(kind)
    if fmt is None:
        return None
    c = parse_container(data, fmt)
    fields = png_text_fields(c) + jpeg_comments(c) + gif_comments(c)
    if not fields:
        return None
    lines = [f"{f.name}: {f.value.decode('utf-8', 'replace')[:1000]}" for f in fields[:20]]
    return f"{fmt} image {c.header.get('width', '?')}x{c.header.get('height', '?')} with text:\n" + "\n".join(lines)


def _unrecognised_or_text(rest: bytes, offset: int, where: str) -> Finding:
    """Appended bytes that do not start with a known file: text, encoded text or file, or data."""
    params = {"offset": offset, "length": len(rest)}
    blob = describe_blob(rest, anomaly_confidence=0.8 if len(rest) >= 16 else 0.55)
    if blob.encoding:
        params["encoding"] = blob.encoding
        return Finding("trailing", "trailing", max(blob.confidence, 0.9),
                       f"{blob.what} ({len(rest)} bytes) appended after {where} at offset {offset}",
                       params=params, payload=blob.payload, detected_type=blob.detected_type)
    if blob.detected_type == "text":
        return Finding("trailing", "trailing", 0.96 if blob.confidence >= 0.9 else blob.confidence,
                       f"Text ({len(rest)} bytes) appended after {where} at offset {offset}: {_quote(rest)}",
                       params=params, payload=blob.payload, detected_type="text")
    return Finding("trailing", "trailing", blob.confidence,
                   f"{blob.what} appended after {where} at offset {offset}", params=params, payload=rest,
                   detected_type=blob.detected_type)


def _quote(data: bytes, limit: int = 80) -> str:
    text = data.decode("utf-8", "replace").replace("\n", " ").strip()
    return repr(text if len(text) <= limit else text[:limit - 1] + "…")


def _png_chunks_after_iend(tail: bytes, base: int) -> list[Finding]:
    """Well-formed PNG chunks written after IEND (viewers never read them): each one's content."""
    walked = parse_container(b"\x89PNG\r\n\x1a\n" + tail, "PNG")
    parts = [p for p in walked.parts if p.note != "truncated"]
    if not parts or walked.end_offset - 8 < len(tail.rstrip(b"\x00")):
        return []  # not (only) chunks: analysed as raw appended data
    out = []
    for p in parts:
        data = p.data(walked.raw)
        offset = base + p.offset - 8
        params = {"offset": offset, "chunk": p.name, "length": p.data_length, "after": "IEND"}
        text_field = None
        if p.name in ("tEXt", "zTXt", "iTXt"):
            key, _, value = data.partition(b"\x00")
            if p.name == "zTXt":
                try:
                    value = inflate_text(value[1:]) if value[:1] == b"\x00" else value
                except zlib.error:
                    pass
            text_field = Field("PNG " + p.name, key.decode("latin-1"), value, "after IEND")
        judged = judge(text_field) if text_field is not None else None
        blob = describe_blob(text_field.value if text_field is not None else data, anomaly_confidence=0.8)
        payload = judged.payload if judged is not None else blob.payload
        what = judged.summary if judged is not None else blob.what
        out.append(Finding("trailing", "trailing", max(0.85, blob.confidence, judged.confidence if judged else 0),
                           f"{p.name} chunk after IEND at offset {offset} (viewers ignore it): {what}",
                           params=params, payload=payload,
                           detected_type=judged.detected_type if judged is not None else blob.detected_type))
    return out


def _known_trailer(image: ImageData, tail: bytes) -> str | None:
    """Trailers that phones and cameras write after the image: information, not hidden data."""
    if image.format != "JPEG":
        return None
    head = image.raw[:image.container.end_offset][:256 * 1024]
    if tail[4:8] == b"ftyp" and (b"MotionPhoto" in head or b"MicroVideo" in head):
        return "Motion Photo video (Google/Samsung camera)"
    if tail.endswith(b"SEFT") and b"SEFH" in tail:
        return "Samsung camera trailer (SEFH/SEFT)"
    return None


class TrailingMethod(Method):
    name = "trailing"
    title = "Data appended after the end of the image"
    needs_pixels = False

    def applies_to(self, image: ImageData) -> bool:
        return image.format in _END_NAMES

    def run(self, image: ImageData, ctx: RunContext) -> list[Finding]:
        c = image.container
        if not c.complete or c.end_offset >= len(image.raw):
            return []
        tail = image.raw[c.end_offset:]
        known = _known_trailer(image, tail)
        if known:
            return [Finding("trailing", "trailing", 0.0, f"{known} after {_END_NAMES[image.format]} "
                            f"({len(tail)} bytes at offset {c.end_offset})",
                            params={"offset": c.end_offset, "length": len(tail), "known": known}, hidden=False)]
        if image.format == "PNG":
            chunks = _png_chunks_after_iend(tail, c.end_offset)
            if chunks:
                return chunks
        mpf = image.format == "JPEG" and any(p.data(c.raw).startswith(b"MPF\x00") for p in c.find("APP2"))
        findings = analyse_tail(tail, c.end_offset, _END_NAMES[image.format], ordinary_jpeg=mpf)
        for f in findings:
            f.params.setdefault("after", _END_NAMES[image.format])
        return findings


METHOD = TrailingMethod()

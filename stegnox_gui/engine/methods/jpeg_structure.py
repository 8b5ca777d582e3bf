"""JPEG structure: segment walk with unusual APPn segments and their content, bytes between segments,
known stego-tool traces (F5's encoder comment), a missing EOI, and the quantisation tables as
information (with the IJG quality they correspond to).
"""
from __future__ import annotations

import struct

import numpy as np

from stegnox_gui.engine.container import Container
from stegnox_gui.engine.image_data import ImageData
from stegnox_gui.engine.jpeg_dct import natural_order
from stegnox_gui.engine.method import Finding, Method, RunContext
from stegnox_gui.engine.payload.describe import describe_blob
from stegnox_gui.engine.payload.signatures import jpeg_end

# Identifiers ordinary software writes in APPn segments (prefix match on the segment content).
KNOWN_APP: dict[int, tuple[bytes, ...]] = {
    0: (b"JFIF\x00", b"JFXX\x00", b"AVI1", b"Ocad"),
    1: (b"Exif\x00", b"http://ns.adobe.com/xap/1.0/\x00", b"http://ns.adobe.com/xmp/extension/\x00", b"XMP\x00",
        b"FLIR\x00", b"QVCI"),
    2: (b"ICC_PROFILE\x00", b"MPF\x00", b"FPXR\x00", b"FLIR\x00"),
    3: (b"Meta\x00", b"META\x00", b"Exif\x00"),
    4: (b"SCALADO", b"FPXR"),
    5: (b"RMETA", b"Ocad"),
    6: (b"NITF", b"GoPro", b"EPPIM"),
    7: (b"Pentax", b"Huawei", b"Qualcomm"),
    8: (b"SPIFF",),
    9: (b"Media Jukebox",),
    10: (b"AROT", b"UNICODE"),
    11: (b"JP", b"HDR_RI"),
    12: (b"Ducky", b"PrintIM"),
    13: (b"Photoshop 3.0\x00", b"Adobe_Photoshop2.5:", b"Adobe_CM"),
    14: (b"Adobe",),
    15: (b"GRAPHICCONVERTER", b"Q\x00"),
}
# Tools that leave a signature string in the file (stegdetect, Aletheia).
TOOL_TRACES: tuple[tuple[bytes, str, float], ...] = (
    (b"JPEG Encoder Copyright 1998, James R. Weeks and BioElectroMech.", "F5 (Westfeld) encoder comment", 0.75),
)
# IJG standard luminance table (quality 50), in natural (row-major) order after de-zigzag by the writer.
_STD_LUMA = np.array([
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
    14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99], dtype=np.float64)


class JpegStructureMethod(Method):
    name = "jpeg_structure"
    title = "JPEG structure (segments, gaps, tool traces, quantisation)"
    needs_pixels = False

    def applies_to(self, image: ImageData) -> bool:
        return image.format == "JPEG"

    def run(self, image: ImageData, ctx: RunContext) -> list[Finding]:
        c = image.container
        findings = _unusual_app(c) + _gaps(c) + _traces(c) + _exif_slack(c)
        findings += _quant_info(c)
        if not c.complete and c.find("SOS"):
            findings.append(Finding("jpeg_structure", "structure", 0.0,
                                    "No EOI marker: the file is truncated or its end was cut",
                                    params={"problems": c.problems[:5]}, hidden=False))
        return findings


def _unusual_app(c: Container) -> list[Finding]:
    out = []
    for p in c.parts:
        if p.marker is None or not 0xE0 <= p.marker <= 0xEF:
            continue
        data = p.data(c.raw)
        n = p.marker - 0xE0
        if any(data.startswith(k) for k in KNOWN_APP.get(n, ())):
            continue
        params = {"segment": p.name, "offset": p.offset, "length": p.data_length, "identifier": p.note}
        if not data:
            out.append(Finding("jpeg_structure", "structure", 0.0, f"Empty {p.name} segment at {p.offset}",
                               params=params, hidden=False))
            continue
        blob = describe_blob(data, anomaly_confidence=0.6)
        if not blob.readable and len(data) < 64:
            # Short vendor segments with an unknown identifier are common in camera files.
            out.append(Finding("jpeg_structure", "structure", 0.0,
                               f"{p.name} segment at {p.offset} ({p.data_length} bytes, identifier {p.note!r})",
                               params=params, hidden=False))
            continue
        if blob.encoding:
            params["encoding"] = blob.encoding
        out.append(Finding("jpeg_structure", "text" if blob.detected_type == "text" else "structure", blob.confidence,
                           f"Unusual {p.name} segment at offset {p.offset} holds {blob.what}",
                           params=params, payload=blob.payload, detected_type=blob.detected_type))
    return out


def _exif_slack(c: Container) -> list[Finding]:
    """Bytes after the EXIF thumbnail inside the APP1 segment: no reader looks there."""
    out = []
    for p in c.find("APP1"):
        data = p.data(c.raw)
        if not data.startswith(b"Exif\x00"):
            continue
        start = data.find(b"\xff\xd8\xff")
        if start < 0:
            continue
        end, complete = jpeg_end(data, start)
        slack = data[end:]
        if not complete or len(slack.strip(b"\x00\xff")) < 4:
            continue
        blob = describe_blob(slack, anomaly_confidence=0.7)
        out.append(Finding("jpeg_structure", "text" if blob.detected_type == "text" else "structure",
                           max(blob.confidence, 0.7),
                           f"{len(slack)} bytes after the EXIF thumbnail inside APP1 (offset {p.data_offset + end}): "
                           f"{blob.what}", params={"offset": p.data_offset + end, "length": len(slack),
                                                   "encoding": blob.encoding},
                           payload=blob.payload, detected_type=blob.detected_type))
    return out


def _gaps(c: Container) -> list[Finding]:
    out = []
    for offset, length in c.gaps[:8]:
        data = c.raw[offset:offset + length]
        blob = describe_blob(data, anomaly_confidence=0.7)
        if blob.confidence == 0.0:
            out.append(Finding("jpeg_structure", "structure", 0.0, f"{length} zero bytes between segments at {offset}",
                               params={"offset": offset, "length": length}, hidden=False))
            continue
        out.append(Finding("jpeg_structure", "text" if blob.detected_type == "text" else "structure",
                           max(blob.confidence, 0.7),
                           f"{length} bytes between JPEG segments at offset {offset}: {blob.what}",
                           params={"offset": offset, "length": length, "encoding": blob.encoding},
                           payload=blob.payload, detected_type=blob.detected_type))
    return out


def _traces(c: Container) -> list[Finding]:
    out = []
    head = c.raw[:c.pixel_ranges[0][0]] if c.pixel_ranges else c.raw[:65536]
    for needle, tool, conf in TOOL_TRACES:
        pos = head.find(needle)
        if pos >= 0:
            out.append(Finding("jpeg_structure", "structure", conf,
                               f"{tool} at offset {pos}: this file was written by a steganography tool",
                               params={"tool": tool, "offset": pos}))
    return out


def _quant_tables(c: Container) -> dict[int, np.ndarray]:
    tables: dict[int, np.ndarray] = {}
    for p in c.find("DQT"):
        data = p.data(c.raw)
        i = 0
        while i < len(data):
            pq, tq = data[i] >> 4, data[i] & 15
            size = 128 if pq else 64
            if i + 1 + size > len(data):
                break
            fmt = ">64H" if pq else "64B"
            values = np.array(struct.unpack_from(fmt, data, i + 1), dtype=np.float64)
            tables[tq] = natural_order(values)
            i += 1 + size
    return tables


def ijg_quality(luma: np.ndarray) -> int | None:
    """The IJG quality setting whose scaled standard table is closest to this luminance table."""
    best, best_err = None, None
    for q in range(1, 101):
        scale = 5000 / q if q < 50 else 200 - 2 * q
        table = np.clip(np.floor((_STD_LUMA * scale + 50) / 100), 1, 255)
        err = float(np.abs(table - luma).mean())
        if best_err is None or err < best_err:
            best, best_err = q, err
    return best if best_err is not None and best_err < 1.0 else None


def _quant_info(c: Container) -> list[Finding]:
    tables = _quant_tables(c)
    if not tables:
        return []
    quality = ijg_quality(tables[0]) if 0 in tables else None
    shown = f"IJG quality ~{quality}" if quality else "non-IJG tables (camera or editor specific)"
    return [Finding("jpeg_structure", "structure", 0.0,
                    f"{len(tables)} quantisation table(s), {shown}; "
                    f"{c.header.get('sof', '?')} {c.header.get('width', '?')}x{c.header.get('height', '?')}"
                    f"{' progressive' if c.header.get('progressive') else ''}",
                    params={"tables": len(tables), "quality_estimate": quality,
                            "segments": [p.name for p in c.parts][:64]},
                    hidden=False, data={"luminance_table": tables.get(0, np.zeros(64)).astype(int).tolist()})]


METHOD = JpegStructureMethod()

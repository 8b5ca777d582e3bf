"""Payloads hidden in a JPEG's quantised DCT coefficients without a key (stegpy's JPEG mode, jsteg).

stegpy writes its bits into the low bits of |coefficient| of every AC coefficient (zigzag order,
blocks in raster order, Y then Cb then Cr); the first AC coefficient of the first block tells how
many bits per coefficient (1, 2 or 4). Only the first block is decoded unless its header appears,
so clean JPEGs cost a few milliseconds.

jsteg writes the LSB of each luminance AC coefficient whose magnitude exceeds 1, in the order the
file codes its blocks; its command frames the data as 'jsteg' + 4-byte little-endian length.
"""
from __future__ import annotations

import numpy as np

from stegnox_gui.engine.image_data import ImageData
from stegnox_gui.engine.jpeg_dct import DctImage, UnsupportedJpeg, read_dct
from stegnox_gui.engine.method import Finding, Method, RunContext
from stegnox_gui.engine.payload import headers as hdr
from stegnox_gui.engine.payload.recognize import Recognized, describe_payload, recognize

STEGPY_BITS = {0: 1, 1: 2, 2: 4}


def stegpy_stream(dct: DctImage, nbytes: int | None = None) -> tuple[bytes, int]:
    """(stream bytes, bits per coefficient) in stegpy's JPEG layout, from the decoded blocks."""
    first = dct.components[0].coefs
    bits = STEGPY_BITS.get(abs(int(first[0, 0, 1])) & 3, 2)
    per_byte = 8 // bits
    want = None if nbytes is None else nbytes * per_byte + 1
    parts, have = [], 0
    for c in dct.components:
        blocks = c.coefs.reshape(-1, 64)
        if want is not None:
            blocks = blocks[:-(-(want - have) // 63)]  # only the blocks still needed
        part = np.abs(blocks[:, 1:]).reshape(-1)
        parts.append(part)
        have += len(part)
        if want is not None and have >= want:
            break
    carriers = np.concatenate(parts)[1:want]
    chunks = (carriers & ((1 << bits) - 1)).astype(np.uint8)
    chunks = chunks[:len(chunks) - len(chunks) % per_byte]
    out = np.zeros(len(chunks) // per_byte, dtype=np.uint8)
    for i in range(per_byte):
        out |= chunks[i::per_byte] << np.uint8(bits * i)
    return out.tobytes(), bits


def jsteg_stream(blocks: list[list[int]]) -> bytes:
    """jsteg's stream: the LSB of every luminance AC coefficient whose magnitude exceeds 1, blocks in
    the order the file codes them, packed first bit into bit 0 of each byte."""
    if not blocks:
        return b""
    coefs = np.asarray(blocks, dtype=np.int32)[:, 1:].reshape(-1)
    bits = (coefs[(coefs < -1) | (coefs > 1)] & 1).astype(np.uint8)
    usable = len(bits) - len(bits) % 8
    return np.packbits(bits[:usable], bitorder="little").tobytes()


JSTEG_MAGIC = b"jsteg"  # the jsteg command's framing: magic, 4-byte little-endian length, data
PREFIX_BLOCKS = 192  # luminance blocks decoded before deciding whether to read further


class DctPayloadMethod(Method):
    name = "dct_payload"
    title = "JPEG DCT payloads (stegpy, jsteg)"
    role = "extraction"
    needs_pixels = False

    def applies_to(self, image: ImageData) -> bool:
        return image.format == "JPEG"

    def run(self, image: ImageData, ctx: RunContext) -> list[Finding]:
        try:
            head = read_dct(image.raw, max_decoded=PREFIX_BLOCKS)
        except (UnsupportedJpeg, IndexError, ValueError):
            return []
        if not head.components or head.components[0].coefs is None:
            return []
        findings = []
        for check in (self._stegpy, self._jsteg):
            try:
                found = check(image.raw, head)
            except (UnsupportedJpeg, IndexError, ValueError):
                found = None
            if found is not None:
                findings.append(found)
        return findings

    def _stegpy(self, raw: bytes, head: DctImage) -> Finding | None:
        prefix, bits = stegpy_stream(head, 48)
        if not any(prefix.startswith(m) for m in hdr.STEGPY_MAGICS):
            return None
        y_blocks = head.components[0].blocks_w * head.components[0].blocks_h
        capacity = sum(c.blocks_w * c.blocks_h for c in head.components) * 63 * bits // 8
        found = hdr.stegpy(prefix, capacity)
        if found is None:
            return None
        need_blocks = -(-(found.end * 8 // bits + 2) // 63)
        full = read_dct(raw, max_blocks=need_blocks if need_blocks < y_blocks else None)
        stream, _ = stegpy_stream(full, found.end)
        params = {"layout": f"stegpy JPEG DCT, {bits} bit(s) per AC coefficient", "bits": bits, "header": "stegpy",
                  "payload_length": found.length, "filename": found.filename}
        return self._finding(found.payload(stream), "stegpy", f"stegpy, {bits} bits", params)

    def _jsteg(self, raw: bytes, head: DctImage) -> Finding | None:
        stream = jsteg_stream(head.decode_order)
        if len(stream) < 16:
            return None
        full = None
        if stream.startswith(JSTEG_MAGIC):
            length = int.from_bytes(stream[5:9], "little")
            if len(stream) < 9 + length and not head.complete:
                full = read_dct(raw, record_order=True)
                stream = jsteg_stream(full.decode_order)
            if not 0 < length <= len(stream) - 9:
                return None
            params = {"layout": "jsteg: LSB of luminance AC coefficients with |value| > 1", "header": "jsteg",
                      "payload_length": length}
            return self._finding(stream[9:9 + length], "jsteg", "jsteg", params)
        y = head.components[0]
        estimated = len(stream) * max(1, y.blocks_w * y.blocks_h) // max(1, len(head.decode_order))
        found = recognize(stream, capacity=max(len(stream), estimated))
        if found and found[0].incomplete and not head.complete:
            full = read_dct(raw, record_order=True)
            stream = jsteg_stream(full.decode_order)
            found = recognize(stream)
        if not found or found[0].incomplete or found[0].confidence < 0.8:
            return None
        rec = found[0]
        params = {"layout": "jsteg: LSB of luminance AC coefficients with |value| > 1", **rec.params}
        params.setdefault("header", None)
        return self._finding(rec.payload, "jsteg", "jsteg", params, rec)

    def _finding(self, payload: bytes, tool: str, how: str, params: dict, rec: Recognized | None = None) -> Finding:
        if rec is None:
            rec = describe_payload(payload, header=tool)
        kind, dtype, preview = ("file", "data", None) if rec is None else (rec.kind, rec.type, rec.preview)
        if kind == "text":
            shown = (preview or payload.decode("utf-8", "replace")).strip()
            summary = f"Text hidden in JPEG DCT coefficients ({how}): {shown[:57]!r}"
        else:
            summary = f"{dtype.upper()} data hidden in JPEG DCT coefficients ({how}), {len(payload):,} bytes"
        if rec is not None:
            params = {**params, **{k: v for k, v in rec.params.items() if k not in params}}
        conf = 0.97 if params.get("header") else (rec.confidence if rec else 0.9)
        return Finding(self.name, kind, conf, summary, params=params, payload=payload, detected_type=dtype,
                       preview=preview)


METHOD = DctPayloadMethod()

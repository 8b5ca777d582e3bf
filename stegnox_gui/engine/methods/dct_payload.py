"""Payloads hidden in a JPEG's quantised DCT coefficients without a key (stegpy's JPEG mode).

stegpy writes its bits into the low bits of |coefficient| of every AC coefficient (zigzag order,
blocks in raster order, Y then Cb then Cr); the first AC coefficient of the first block tells how
many bits per coefficient (1, 2 or 4). Only the first block is decoded unless its header appears,
so clean JPEGs cost a few milliseconds.
"""
from __future__ import annotations

import numpy as np

from stegnox_gui.engine.image_data import ImageData
from stegnox_gui.engine.jpeg_dct import DctImage, UnsupportedJpeg, read_dct
from stegnox_gui.engine.method import Finding, Method, RunContext
from stegnox_gui.engine.payload import headers as hdr
from stegnox_gui.engine.payload.recognize import describe_payload

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


class DctPayloadMethod(Method):
    name = "dct_payload"
    title = "JPEG DCT payloads (stegpy)"
    role = "extraction"
    needs_pixels = False

    def applies_to(self, image: ImageData) -> bool:
        return image.format == "JPEG"

    def run(self, image: ImageData, ctx: RunContext) -> list[Finding]:
        try:
            head = read_dct(image.raw, max_blocks=1)
        except (UnsupportedJpeg, IndexError, ValueError):
            return []
        if not head.components or head.components[0].coefs is None:
            return []
        prefix, bits = stegpy_stream(head, 48)
        y_blocks = head.components[0].blocks_w * head.components[0].blocks_h
        capacity = sum(c.blocks_w * c.blocks_h for c in head.components) * 63 * bits // 8
        if not any(prefix.startswith(m) for m in hdr.STEGPY_MAGICS):
            return []
        found = hdr.stegpy(prefix, capacity)
        if found is None:
            return []
        need_blocks = -(-(found.end * 8 // bits + 2) // 63)
        try:
            full = read_dct(image.raw, max_blocks=need_blocks if need_blocks < y_blocks else None)
        except (UnsupportedJpeg, IndexError, ValueError):
            return []
        stream, _ = stegpy_stream(full, found.end)
        payload = found.payload(stream)
        rec = describe_payload(payload, header=True)
        kind, dtype, preview = ("file", "data", None) if rec is None else (rec.kind, rec.type, rec.preview)
        if kind == "text":
            shown = (preview or payload.decode("utf-8", "replace")).strip()
            summary = f"Text hidden in JPEG DCT coefficients (stegpy, {bits} bits): {shown[:57]!r}"
        else:
            summary = f"{dtype.upper()} data hidden in JPEG DCT coefficients (stegpy, {bits} bits), {len(payload):,} bytes"
        params = {"layout": f"stegpy JPEG DCT, {bits} bit(s) per AC coefficient", "bits": bits, "header": "stegpy",
                  "payload_length": found.length, "filename": found.filename}
        if rec is not None:
            params.update(rec.params)
        return [Finding(self.name, kind, 0.97, summary, params=params, payload=payload, detected_type=dtype,
                        preview=preview)]


METHOD = DctPayloadMethod()
